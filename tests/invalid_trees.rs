//! Invalid question trees: every fixture in `tests/fixtures/trees/invalid/` must be refused
//! with the expected problems (kind, line and id), all reported at once, and no input may
//! make the loader panic.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write as _;
use std::panic;
use std::path::{Path, PathBuf};

use mlops_wizard::answers::{Answers, Strictness};
use mlops_wizard::source::Source;
use mlops_wizard::{LoadError, Problem, ProblemKind, Tree};

use ProblemKind::{
    BadCondition, BadId, BadNumber, CannotWin, Cycle, DuplicateId, EmptyText, Incomplete, KindRule,
    NeverShown, NotAskedBefore, Syntax, UninformedCriterion, UnknownReference,
};

/// One problem a fixture must report: its kind, its 1-based line and the id concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Expected {
    kind: ProblemKind,
    line: usize,
    id: Option<&'static str>,
}

const fn p(kind: ProblemKind, line: usize, id: &'static str) -> Expected {
    Expected {
        kind,
        line,
        id: Some(id),
    }
}

const fn anon(kind: ProblemKind, line: usize) -> Expected {
    Expected {
        kind,
        line,
        id: None,
    }
}

/// Every invalid fixture (file stem) and exactly the problems it must report. A fixture
/// reports these and nothing else, so each one stays focused on its class of problem.
const CASES: &[(&str, &[Expected])] = &[
    // TOML syntax and schema (serde stops at the first one).
    ("syntax-error", &[anon(Syntax, 3)]),
    ("unknown-key", &[anon(Syntax, 23)]),
    ("missing-key", &[anon(Syntax, 20)]),
    ("wrong-type", &[anon(Syntax, 43)]),
    ("wrong-kind", &[anon(Syntax, 22)]),
    ("unsupported-format", &[anon(Syntax, 3)]),
    // Ids and texts.
    ("bad-id", &[p(BadId, 21, "which one")]),
    (
        "empty-text",
        &[p(EmptyText, 23, "q"), p(EmptyText, 24, "q")],
    ),
    ("duplicate-question-id", &[p(DuplicateId, 53, "notes")]),
    ("duplicate-option-id", &[p(DuplicateId, 47, "x")]),
    // A duplicate is reported once, not also as uninformed or unable to win.
    ("duplicate-criterion-id", &[p(DuplicateId, 22, "c")]),
    ("duplicate-alternative-id", &[p(DuplicateId, 18, "a")]),
    // References.
    (
        "unknown-alternative-in-effect",
        &[p(UnknownReference, 51, "q")],
    ),
    (
        "unknown-criterion-in-effect",
        &[p(UnknownReference, 52, "q")],
    ),
    (
        "unknown-question-in-show-if",
        &[p(UnknownReference, 51, "f")],
    ),
    ("unknown-option-in-show-if", &[p(UnknownReference, 51, "f")]),
    (
        "rules-out-unknown-alternative",
        &[p(UnknownReference, 28, "q")],
    ),
    ("risk-unknown-alternative", &[p(UnknownReference, 47, "r")]),
    (
        "risk-condition-unknown-question",
        &[p(UnknownReference, 49, "r")],
    ),
    (
        "risk-condition-unknown-option",
        &[p(UnknownReference, 49, "r")],
    ),
    // Order and cycles of conditions.
    ("condition-on-later-question", &[p(NotAskedBefore, 25, "f")]),
    ("self-referencing-condition", &[p(Cycle, 51, "f")]),
    ("condition-cycle", &[p(Cycle, 51, "f")]),
    // Shapes and tests of conditions: each names the guarded question `f`.
    (
        "bad-condition-question-and-all",
        &[p(BadCondition, 51, "f")],
    ),
    ("bad-condition-no-test", &[p(BadCondition, 51, "f")]),
    ("bad-condition-answered-false", &[p(BadCondition, 51, "f")]),
    ("at-least-on-choice-question", &[p(BadCondition, 51, "f")]),
    ("any-of-on-scale-question", &[p(BadCondition, 59, "f")]),
    ("any-of-on-text-question", &[p(BadCondition, 57, "f")]),
    // Questions that can never be shown.
    ("never-shown-empty-any-of", &[p(NeverShown, 51, "f")]),
    ("never-shown-contradictory-all", &[p(NeverShown, 51, "f")]),
    ("never-shown-scale-above-max", &[p(NeverShown, 59, "f")]),
    (
        "never-shown-follow-up",
        &[p(NeverShown, 52, "f"), p(NeverShown, 59, "g")],
    ),
    // Criteria and alternatives.
    ("uninformed-criterion", &[p(UninformedCriterion, 21, "d")]),
    ("alternative-cannot-win", &[p(CannotWin, 13, "b")]),
    // Numbers. Points name the question of the effect.
    ("negative-weight", &[p(BadNumber, 23, "d")]),
    ("non-finite-weight", &[p(BadNumber, 23, "d")]),
    ("non-finite-weight-inf", &[p(BadNumber, 23, "d")]),
    ("non-finite-points", &[p(BadNumber, 49, "q")]),
    // Kind rules.
    ("choice-question-one-option", &[p(KindRule, 47, "only")]),
    ("yes-no-wrong-option-ids", &[p(KindRule, 47, "agree")]),
    ("scale-min-not-below-max", &[p(KindRule, 47, "s")]),
    ("scale-too-many-steps", &[p(KindRule, 47, "s")]),
    ("scale-missing-max", &[p(KindRule, 48, "s")]),
    ("scale-wrong-label-count", &[p(KindRule, 47, "s")]),
    ("options-on-text-question", &[p(KindRule, 53, "notes")]),
    (
        "scale-keys-on-choice-question",
        &[p(KindRule, 22, "q"), p(KindRule, 22, "q")],
    ),
    // The tree as a whole.
    (
        "fewer-than-two-alternatives",
        &[p(Incomplete, 3, "fixture")],
    ),
    // No knock-on errors: without questions nothing can be informed or won.
    ("no-questions", &[p(Incomplete, 4, "fixture")]),
    // Priorities questions.
    ("priorities-one-level", &[p(KindRule, 52, "p")]),
    ("priorities-default-out-of-range", &[p(KindRule, 51, "p")]),
    (
        "priorities-unknown-criterion",
        &[p(UnknownReference, 56, "p")],
    ),
    ("priorities-criterion-twice", &[p(DuplicateId, 86, "p")]),
    ("two-priorities-questions", &[p(KindRule, 58, "p2")]),
    (
        "priorities-keys-on-single-question",
        &[p(KindRule, 22, "q")],
    ),
    ("options-on-priorities-question", &[p(KindRule, 58, "p")]),
    // Effects: what they name, facts and stages. They name the question of the effect.
    ("effect-alternative-and-path", &[p(Syntax, 52, "q")]),
    ("effect-neither-alternative-nor-path", &[p(Syntax, 36, "q")]),
    ("effect-unknown-path", &[p(UnknownReference, 51, "q")]),
    ("effect-unknown-stage", &[p(UnknownReference, 54, "q")]),
    ("fact-bad-id", &[p(BadId, 34, "small project")]),
    // Option weights, and multipliers that chain past 1e100 (named by the criterion).
    ("weight-unknown-criterion", &[p(UnknownReference, 31, "q")]),
    ("weight-multiplier-out-of-range", &[p(BadNumber, 32, "q")]),
    ("chained-weights-overflow", &[p(BadNumber, 17, "c")]),
    // `rules_out` of paths.
    ("rules-out-alternative-and-path", &[p(Syntax, 43, "q")]),
    ("rules-out-unknown-path", &[p(UnknownReference, 43, "q")]),
    // Conflicts.
    (
        "conflict-unknown-question",
        &[p(UnknownReference, 62, "x_and_yes")],
    ),
    ("conflict-bad-test", &[p(BadCondition, 62, "x_and_yes")]),
    (
        "duplicate-conflict-id",
        &[p(DuplicateId, 66, "contradiction")],
    ),
    // Stages and paths of the plan.
    (
        "stage-scope-unknown-question",
        &[p(UnknownReference, 23, "s")],
    ),
    ("duplicate-stage-id", &[p(DuplicateId, 25, "s")]),
    ("path-unknown-alternative", &[p(UnknownReference, 37, "pz")]),
    ("paths-without-stages", &[p(Incomplete, 3, "fixture")]),
    ("alternative-without-path", &[p(Incomplete, 13, "b")]),
    (
        "licence-concern-unknown-question",
        &[p(UnknownReference, 21, "plan")],
    ),
    // Risks and their mitigations.
    ("risk-without-mitigation", &[p(Syntax, 47, "r")]),
    (
        "risk-unless-unknown-option",
        &[p(UnknownReference, 51, "r")],
    ),
    (
        "mitigation-when-unknown-question",
        &[p(UnknownReference, 54, "r")],
    ),
    // Several problems in one file, all reported together.
    ("several-problems", SEVERAL),
];

const SEVERAL: &[Expected] = &[
    p(BadId, 20, "b!"),
    p(BadNumber, 30, "d"),
    p(EmptyText, 35, "q"),
    p(UnknownReference, 50, "q"),
    p(DuplicateId, 71, "x"),
    p(NotAskedBefore, 79, "f"),
    p(DuplicateId, 88, "later"),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn invalid_tree(stem: &str) -> PathBuf {
    fixtures()
        .join("trees/invalid")
        .join(format!("{stem}.toml"))
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn describe(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| {
            format!(
                "    {:?} line {} id {:?}: {}",
                p.kind, p.location.position.line, p.id, p.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Loads an invalid fixture and returns its problems, or says why that failed.
fn problems_of(path: &Path) -> Result<Vec<Problem>, String> {
    match Tree::load(path) {
        Ok(_) => Err("loads as a VALID tree; it must be refused".to_string()),
        Err(LoadError::Read { source, .. }) => Err(format!("cannot be read: {source}")),
        Err(e @ LoadError::Invalid { .. }) => Ok(e.problems().to_vec()),
    }
}

/// Compares the problems of one fixture with the expected ones; `None` when they match.
fn mismatch(stem: &str, expected: &[Expected]) -> Option<String> {
    let path = invalid_tree(stem);
    let problems = match problems_of(&path) {
        Ok(problems) => problems,
        Err(why) => return Some(format!("{stem}: {why}")),
    };
    let mut unmatched: Vec<&Problem> = problems.iter().collect();
    let mut missing = Vec::new();
    for want in expected {
        let found = unmatched.iter().position(|p| {
            p.kind == want.kind
                && p.location.position.line == want.line
                && p.id.as_deref() == want.id
        });
        match found {
            Some(i) => {
                unmatched.remove(i);
            }
            None => missing.push(format!("    {want:?}")),
        }
    }
    if missing.is_empty() && unmatched.is_empty() {
        return None;
    }
    let extra: Vec<Problem> = unmatched.into_iter().cloned().collect();
    Some(format!(
        "{stem}:\n  missing:\n{}\n  unexpected:\n{}\n  all reported:\n{}",
        missing.join("\n"),
        describe(&extra),
        describe(&problems)
    ))
}

#[test]
fn every_invalid_tree_reports_its_problems_with_kind_line_and_id() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|(stem, expected)| mismatch(stem, expected))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} invalid tree fixtures do not report what they should:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_table_covers_every_invalid_tree_fixture() {
    let on_disk: BTreeSet<String> = toml_files(&fixtures().join("trees/invalid"))
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let in_table: BTreeSet<String> = CASES.iter().map(|(s, _)| s.to_string()).collect();
    assert_eq!(
        CASES.len(),
        in_table.len(),
        "a fixture is listed twice in CASES"
    );
    let untested: Vec<&String> = on_disk.difference(&in_table).collect();
    let absent: Vec<&String> = in_table.difference(&on_disk).collect();
    assert!(
        untested.is_empty() && absent.is_empty(),
        "fixtures without expectations: {untested:?}; expectations without fixtures: {absent:?}"
    );
}

#[test]
fn every_fixture_starts_with_a_comment_saying_what_is_wrong() {
    for dir in [
        "trees/invalid",
        "trees/valid",
        "answers/invalid",
        "answers/valid",
    ] {
        for path in toml_files(&fixtures().join(dir)) {
            let text = fs::read_to_string(&path).unwrap();
            assert!(
                text.starts_with("# ") && text.lines().next().unwrap().len() > 10,
                "{} must start with a comment describing it",
                path.display()
            );
        }
    }
}

#[test]
fn several_problems_are_all_reported_at_once_in_file_order() {
    let path = invalid_tree("several-problems");
    let err = Tree::load(&path).expect_err("several-problems.toml must be refused");
    let problems = err.problems();
    assert_eq!(
        problems.len(),
        SEVERAL.len(),
        "every problem must be reported, not only the first:\n{}",
        describe(problems)
    );
    let kinds: BTreeSet<ProblemKind> = problems.iter().map(|p| p.kind).collect();
    for kind in [
        BadId,
        BadNumber,
        EmptyText,
        UnknownReference,
        DuplicateId,
        NotAskedBefore,
    ] {
        assert!(kinds.contains(&kind), "no {kind:?} problem reported");
    }
    let lines: Vec<usize> = problems.iter().map(|p| p.location.position.line).collect();
    assert!(
        lines.is_sorted(),
        "problems are listed in file order: {lines:?}"
    );
    let text = err.to_string();
    assert!(
        text.ends_with(&format!("{}: 7 problems found", path.display())),
        "the summary counts the problems:\n{text}"
    );
    for want in SEVERAL {
        let place = format!("{}:{}:", path.display(), want.line);
        assert!(text.contains(&place), "{place} is not printed:\n{text}");
    }
}

#[test]
fn every_printed_problem_names_file_line_column_and_shows_the_line() {
    for (stem, _) in CASES {
        let path = invalid_tree(stem);
        let err = Tree::load(&path).expect_err(stem);
        let text = err.to_string();
        let source = fs::read_to_string(&path).unwrap();
        for p in err.problems() {
            let pos = p.location.position;
            let place = format!("--> {}:{}:{}", path.display(), pos.line, pos.column);
            assert!(
                text.contains(&place),
                "{stem}: `{place}` missing in:\n{text}"
            );
            assert!(
                text.contains(&format!("error[{}]: {}", p.kind.name(), p.message)),
                "{stem}: the kind and message are printed"
            );
            let line = source.lines().nth(pos.line - 1).unwrap_or("");
            // The quoted line is the source line; very long lines may be cut around the
            // problem (with an ellipsis), short ones never are.
            if line.chars().count() <= 80 {
                assert_eq!(
                    p.line_text, line,
                    "{stem}: the quoted line is line {}",
                    pos.line
                );
            } else {
                let shown = p.line_text.trim_matches('…');
                assert!(
                    !shown.is_empty() && line.contains(shown),
                    "{stem}: `{}` is not part of line {}",
                    p.line_text,
                    pos.line
                );
            }
            assert!(pos.column >= 1 && pos.column <= line.chars().count() + 1);
            assert_eq!(
                p.location.file,
                path.display().to_string(),
                "{stem}: the problem names the file"
            );
        }
    }
}

#[test]
fn valid_fixtures_load() {
    let minimal = Tree::load(&fixtures().join("trees/valid/minimal.toml")).unwrap();
    assert_eq!(minimal.alternatives.len(), 2);
    assert_eq!(minimal.criteria.len(), 1);
    assert_eq!(minimal.questions.len(), 1);

    let branching = Tree::load(&fixtures().join("trees/valid/branching.toml")).unwrap();
    // mentor_budget is a follow-up (of mentor) of a follow-up (of experience).
    let guard = |id: &str| {
        branching
            .question(id)
            .and_then(|q| q.show_if.clone())
            .unwrap_or_else(|| panic!("`{id}` has a show_if"))
    };
    let tested = |id: &str| {
        let mut out = Vec::new();
        guard(id).for_each_test(&mut |q, _, _, _| out.push(q.to_string()));
        out
    };
    assert_eq!(tested("mentor_budget"), ["mentor"]);
    assert_eq!(tested("mentor"), ["experience"]);
    assert_eq!(tested("serving_load"), ["stages", "team"]);
    assert_eq!(tested("cost_cap"), ["importance_cost", "team"]);
    assert!(
        branching
            .question("importance_cost")
            .and_then(|q| q.scale.as_ref())
            .is_some_and(|s| s.weight_of.as_deref() == Some("cost"))
    );
}

#[test]
fn every_valid_tree_fixture_loads() {
    // The invalid fixtures are built on the same skeleton as minimal.toml, so this also
    // guards against a loader that refuses everything.
    for path in toml_files(&fixtures().join("trees/valid")) {
        if let Err(e) = Tree::load(&path) {
            panic!("{} should be valid:\n{e}", path.display());
        }
    }
}

#[test]
fn a_file_that_is_not_utf8_is_a_syntax_problem_at_the_bad_byte() {
    let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    // 0xE9 is "é" in Latin-1, not valid UTF-8 on its own.
    file.write_all(b"# not UTF-8\n[tree]\nid = \"caf\xe9\"\n")
        .unwrap();
    file.flush().unwrap();
    let err = Tree::load(file.path()).expect_err("a non-UTF-8 file must be refused");
    let problems = err.problems();
    assert_eq!(problems.len(), 1, "{}", describe(problems));
    assert_eq!(problems[0].kind, Syntax);
    assert_eq!(problems[0].location.position.line, 3);
    assert_eq!(problems[0].location.position.column, 10);
    assert!(
        problems[0].message.contains("UTF-8"),
        "{}",
        problems[0].message
    );
    assert!(
        err.to_string()
            .contains(&format!("{}:3:10", file.path().display()))
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_parsing() {
    let file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    // A sparse file: large on paper, nothing written.
    file.as_file()
        .set_len(mlops_wizard::load::MAX_FILE_BYTES + 1)
        .unwrap();
    let err = Tree::load(file.path()).expect_err("a huge file must be refused");
    let problems = err.problems();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].kind, ProblemKind::TooLarge);
    assert_eq!(problems[0].location.position.line, 1);
}

#[test]
fn a_missing_file_is_a_read_error_naming_the_path() {
    let path = fixtures().join("trees/invalid/does-not-exist.toml");
    match Tree::load(&path) {
        Err(e @ LoadError::Read { .. }) => {
            assert!(e.problems().is_empty());
            assert!(e.to_string().contains("does-not-exist.toml"), "{e}");
        }
        other => panic!("expected a read error, got {other:?}"),
    }
}

/// Runs `f`, turning a panic into a test failure that names `what`.
fn no_panic<T>(what: &str, f: impl FnOnce() -> T + panic::UnwindSafe) {
    if panic::catch_unwind(f).is_err() {
        panic!("panicked on {what}");
    }
}

#[test]
fn no_fixture_makes_the_engine_panic() {
    let default_tree = Tree::default_tree();
    let mut all = Vec::new();
    for dir in [
        "trees/invalid",
        "trees/valid",
        "answers/invalid",
        "answers/valid",
    ] {
        all.extend(toml_files(&fixtures().join(dir)));
    }
    assert!(all.len() > CASES.len());
    for path in &all {
        let name = path.display().to_string();
        let text = fs::read_to_string(path).unwrap();
        // Every fixture as a tree, whole and cut after every line (half-written files).
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for n in 0..=lines.len() {
            let prefix: String = lines[..n].concat();
            let what = format!("{name} as a tree, first {n} lines");
            no_panic(&what, || {
                if let Err(e) = Tree::parse(&name, &prefix) {
                    let _ = e.to_string();
                }
            });
        }
        // Every fixture as answers to the default tree, strict and lenient.
        for strictness in [Strictness::Strict, Strictness::Lenient] {
            let source = Source::new(name.clone(), text.clone());
            let tree = &default_tree;
            no_panic(&format!("{name} as answers ({strictness:?})"), || {
                if let Err(e) = Answers::parse(&source, tree, strictness) {
                    let _ = e.to_string();
                }
            });
        }
    }
}

// ---------------------------------------------------------------------------------------
// Regression tests for defects found while writing this suite (fixed in src/ since).

const MINIMAL: &str = include_str!("fixtures/trees/valid/minimal.toml");

fn kinds(text: &str) -> Vec<(ProblemKind, Option<String>)> {
    match Tree::parse("probe.toml", text) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .problems()
            .iter()
            .map(|p| (p.kind, p.id.clone()))
            .collect(),
    }
}

#[test]

fn an_invalid_test_inside_any_is_not_also_reported_as_never_shown() {
    let text = format!(
        "{MINIMAL}\n[[questions]]\nid = \"f\"\nkind = \"text\"\nprompt = \"F?\"\nhelp = \"F.\"\nshow_if = {{ any = [{{ question = \"q\" }}] }}\n"
    );
    let found = kinds(&text);
    assert!(found.iter().any(|(k, _)| *k == BadCondition), "{found:?}");
    assert!(
        !found.iter().any(|(k, _)| *k == NeverShown),
        "only the bad condition is a problem: {found:?}"
    );
}

#[test]

fn a_question_on_a_cycle_still_reports_its_test_of_a_later_question() {
    let follow = |id: &str, cond: &str| {
        format!(
            "\n[[questions]]\nid = \"{id}\"\nkind = \"text\"\nprompt = \"{id}?\"\nhelp = \"{id}.\"\nshow_if = {cond}\n"
        )
    };
    let text = format!(
        "{MINIMAL}{}{}{}",
        follow(
            "f",
            r#"{ all = [{ question = "g", answered = true }, { question = "h", answered = true }] }"#
        ),
        follow("g", r#"{ question = "f", answered = true }"#),
        follow("h", r#"{ question = "q", answered = true }"#),
    );
    let found = kinds(&text);
    assert!(found.iter().any(|(k, _)| *k == Cycle), "{found:?}");
    assert!(
        found.iter().any(|(k, _)| *k == NotAskedBefore),
        "`f` tests `h`, which is asked after it: {found:?}"
    );
}

#[test]

fn an_empty_effect_reason_has_a_readable_message() {
    let text = MINIMAL.replace("reason = \"X favours A.\"", "reason = \"\"");
    let err = Tree::parse("probe.toml", &text).expect_err("an empty reason is refused");
    let message = &err.problems()[0].message;
    assert!(!message.contains("on of"), "{message}");
}

/// The message of the single problem a fixture reports.
fn message_of(stem: &str) -> String {
    let err = Tree::load(&invalid_tree(stem)).expect_err(stem);
    let problems = err.problems();
    assert_eq!(problems.len(), 1, "{stem}:\n{}", describe(problems));
    problems[0].message.clone()
}

#[test]
fn a_bad_test_in_a_condition_names_what_the_condition_belongs_to() {
    // Conditions outside questions used to be named by their bare id ("a condition in
    // `plan`"), which did not say whether a risk, a conflict or the plan was meant.
    let m = message_of("conflict-bad-test");
    assert!(
        m.starts_with("the condition of conflict `x_and_yes` "),
        "{m}"
    );
    let m = message_of("risk-unless-unknown-option");
    assert!(m.starts_with("the condition of risk `r` "), "{m}");
    let m = message_of("at-least-on-choice-question");
    assert!(m.starts_with("the condition of question `f` "), "{m}");
    let text = MINIMAL.to_string()
        + "\n[plan]\nlicence_concern = { question = \"q\", any_of = [\"w\"] }\n";
    let err = Tree::parse("probe.toml", &text).expect_err("an unknown option is refused");
    let m = &err.problems()[0].message;
    assert!(
        m.starts_with("the condition of `[plan] licence_concern` names option `w`"),
        "{m}"
    );
}

#[test]
fn naming_both_an_alternative_and_a_path_points_at_the_path_and_says_not_both() {
    for (stem, path) in [
        ("effect-alternative-and-path", "\"pa\""),
        ("rules-out-alternative-and-path", "\"pb\""),
    ] {
        let err = Tree::load(&invalid_tree(stem)).expect_err(stem);
        let p = &err.problems()[0];
        assert!(p.message.ends_with(", not both"), "{stem}: {}", p.message);
        let underlined: String = p
            .line_text
            .chars()
            .skip(p.caret - 1)
            .take(p.width)
            .collect();
        assert_eq!(underlined, path, "{stem}: the `path` is underlined");
    }
}

// ---------------------------------------------------------------------------------------
// Warnings: problems that do not stop a tree from loading.

#[test]
fn an_option_giving_every_alternative_the_same_points_is_a_no_effect_warning() {
    let path = fixtures().join("trees/valid/no-effect-option.toml");
    let tree = Tree::load(&path).expect("a tree with a warning still loads");
    let warnings = &tree.warnings;
    assert_eq!(warnings.len(), 1, "{}", describe(warnings));
    let w = &warnings[0];
    assert_eq!(w.kind, ProblemKind::NoEffect);
    assert_eq!(w.id.as_deref(), Some("q"));
    assert_eq!(w.location.position.line, 48, "the option `z`");
    assert_eq!(w.location.position.column, 6);
    assert!(
        w.message.contains("option `z`") && w.message.contains("no effect on the verdict"),
        "{}",
        w.message
    );
    // An option that favours one side is not warned about, nor are the other fixtures.
    for path in toml_files(&fixtures().join("trees/valid")) {
        if !path.ends_with("no-effect-option.toml") {
            let tree = Tree::load(&path).unwrap();
            assert!(
                tree.warnings.is_empty(),
                "{}:\n{}",
                path.display(),
                describe(&tree.warnings)
            );
        }
    }
}
