//! The tool catalog: every fixture in `tests/fixtures/tools/invalid/` is refused with the
//! expected problems (kind, line and tool id), all at once; the built-in catalog covers
//! every stage on every path with checkable facts; example tools are chosen as documented;
//! and the command line validates catalogs and uses the one given with `--tools`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

use mlops_wizard::catalog::{Catalog, LicenceRisk, MAX_EXAMPLES, PROPRIETARY, Tool};
use mlops_wizard::flow::{self, Flow};
use mlops_wizard::recommend::Recommendation;
use mlops_wizard::{Answer, Answers, LoadError, Problem, ProblemKind, Tree};

use ProblemKind::{
    BadCondition, BadId, BadValue, DuplicateId, EmptyText, Syntax, UnknownReference,
};

/// One problem a fixture must report: its kind, its 1-based line and the tool concerned.
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

/// Every invalid catalog (file stem) and exactly the problems it must report, checked
/// against the built-in tree.
const CASES: &[(&str, &[Expected])] = &[
    // References to the tree.
    ("unknown-stage", &[p(UnknownReference, 11, "tracker")]),
    ("unknown-path", &[p(UnknownReference, 12, "tracker")]),
    (
        "when-unknown-question",
        &[p(UnknownReference, 18, "tracker")],
    ),
    ("when-unknown-option", &[p(UnknownReference, 18, "tracker")]),
    // Keys: a missing one names the tool; an unknown one is a TOML schema error.
    ("missing-licence", &[p(Syntax, 20, "server")]),
    ("unknown-key", &[anon(Syntax, 18)]),
    // Ids, texts and references between tools.
    ("bad-tool-id", &[p(BadId, 9, "my tracker")]),
    ("duplicate-id", &[p(DuplicateId, 20, "tracker")]),
    ("empty-name", &[p(EmptyText, 10, "tracker")]),
    (
        "based-on-unknown",
        &[p(UnknownReference, 29, "tracker-cloud")],
    ),
    ("based-on-itself", &[p(BadValue, 29, "tracker-cloud")]),
    (
        "based-on-managed-offering",
        &[p(BadValue, 41, "tracker-hosted")],
    ),
    // Values of the right type that are still wrong.
    ("homepage-not-http", &[p(BadValue, 16, "tracker")]),
    ("checked-month-13", &[p(BadValue, 17, "tracker")]),
    ("checked-not-iso", &[p(BadValue, 17, "tracker")]),
    ("catalog-checked-bad", &[anon(BadValue, 6)]),
    // Several problems in one file, all reported together.
    ("several-problems", SEVERAL),
];

const SEVERAL: &[Expected] = &[
    p(BadId, 11, "bad id"),
    p(UnknownReference, 24, "server"),
    p(UnknownReference, 36, "monitor"),
    p(EmptyText, 39, "monitor"),
    p(BadValue, 51, "suite"),
    p(BadValue, 52, "suite"),
    p(Syntax, 55, "suite-cloud"),
    p(UnknownReference, 63, "suite-cloud"),
    p(DuplicateId, 66, "server"),
    p(BadCondition, 75, "server"),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/tools")
}

fn invalid_catalog(stem: &str) -> PathBuf {
    fixtures().join("invalid").join(format!("{stem}.toml"))
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

/// Compares the problems of one fixture with the expected ones; `None` when they match.
fn mismatch(tree: &Tree, stem: &str, expected: &[Expected]) -> Option<String> {
    let problems = match Catalog::load(&invalid_catalog(stem), tree) {
        Ok(_) => return Some(format!("{stem}: loads as a VALID catalog")),
        Err(LoadError::Read { source, .. }) => {
            return Some(format!("{stem}: cannot be read: {source}"));
        }
        Err(e) => e.problems().to_vec(),
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

// ---------------------------------------------------------------------------------------
// Invalid and valid catalog fixtures

#[test]
fn every_invalid_catalog_reports_its_problems_with_kind_line_and_tool_id() {
    let tree = Tree::default_tree();
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|(stem, expected)| mismatch(&tree, stem, expected))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} invalid catalog fixtures do not report what they should:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_table_covers_every_invalid_catalog_fixture() {
    let on_disk: BTreeSet<String> = toml_files(&fixtures().join("invalid"))
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let in_table: BTreeSet<String> = CASES.iter().map(|(s, _)| s.to_string()).collect();
    assert_eq!(CASES.len(), in_table.len(), "a fixture is listed twice");
    assert_eq!(on_disk, in_table, "fixtures on disk and in CASES differ");
}

#[test]
fn every_catalog_fixture_starts_with_a_comment_saying_what_it_is() {
    for dir in ["invalid", "valid"] {
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
    let path = invalid_catalog("several-problems");
    let err = Catalog::load(&path, &Tree::default_tree()).expect_err("refused");
    let problems = err.problems();
    assert_eq!(
        problems.len(),
        SEVERAL.len(),
        "every problem is reported, not only the first:\n{}",
        describe(problems)
    );
    let lines: Vec<usize> = problems.iter().map(|p| p.location.position.line).collect();
    assert!(lines.is_sorted(), "in file order: {lines:?}");
    let kinds: BTreeSet<ProblemKind> = problems.iter().map(|p| p.kind).collect();
    assert!(kinds.len() >= 6, "several kinds of problem: {kinds:?}");
    let text = err.to_string();
    assert!(
        text.ends_with(&format!(
            "{}: {} problems found",
            path.display(),
            SEVERAL.len()
        )),
        "{text}"
    );
}

#[test]
fn valid_catalogs_load_against_the_built_in_tree() {
    let tree = Tree::default_tree();
    for path in toml_files(&fixtures().join("valid")) {
        if let Err(e) = Catalog::load(&path, &tree) {
            panic!("{} should be valid:\n{e}", path.display());
        }
    }
    let small = Catalog::load(&fixtures().join("valid/small.toml"), &tree).unwrap();
    assert_eq!(small.tools.len(), 3);
    assert_eq!(small.checked, "2026-12-03");

    let catalog = Catalog::load(&fixtures().join("valid/when-and-based-on.toml"), &tree).unwrap();
    let tool = |id: &str| {
        catalog
            .tools
            .iter()
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("no tool `{id}`"))
    };
    assert!(tool("fixture-aws-service").when.is_some());
    assert_eq!(
        tool("fixture-tracker-cloud").based_on.as_deref(),
        Some("fixture-tracker")
    );
    // A managed offering carries the risks of the project it runs, then its own.
    let cloud = tool("fixture-tracker-cloud").licence_risks(&catalog);
    assert_eq!(
        cloud,
        [
            LicenceRisk::SingleCompany,
            LicenceRisk::Changed("Moved from MIT to Apache-2.0 in 2025.".into())
        ]
    );
    assert_eq!(
        tool("fixture-server").licence_risks(&catalog),
        [LicenceRisk::SourceAvailable, LicenceRisk::SingleCompany]
    );
    assert!(tool("fixture-runtime").licence_risks(&catalog).is_empty());
    assert!(
        tool("fixture-platform").licence_risks(&catalog).is_empty(),
        "proprietary tools carry no licence-change risk: their terms are the vendor's"
    );
}

#[test]
fn a_catalog_is_checked_against_the_tree_it_is_given() {
    // The built-in catalog names the built-in tree's stages and paths: it does not fit a
    // tree without them, and says so rather than failing.
    let minimal = Tree::load(&root().join("tests/fixtures/trees/valid/minimal.toml")).unwrap();
    assert!(Catalog::built_in(&minimal).is_none());
    let err = Catalog::load(&fixtures().join("valid/small.toml"), &minimal)
        .expect_err("its stages and paths are not the minimal tree's");
    assert!(
        err.problems().iter().all(|p| p.kind == UnknownReference),
        "{}",
        describe(err.problems())
    );
}

// ---------------------------------------------------------------------------------------
// The built-in catalog

fn built_in() -> (Tree, Catalog) {
    let tree = Tree::default_tree();
    let catalog = Catalog::built_in(&tree).expect("the built-in catalog fits the built-in tree");
    (tree, catalog)
}

/// Answers with only `cloud_provider` given (or nothing).
fn on_cloud(cloud: Option<&str>) -> Answers {
    let mut answers = Answers::default();
    if let Some(c) = cloud {
        answers
            .values
            .insert("cloud_provider".into(), Answer::Choice(c.into()));
    }
    answers
}

/// Answer sets that between them reach every `when` of the built-in catalog.
fn answer_sets() -> Vec<Answers> {
    [
        None,
        Some("aws"),
        Some("gcp"),
        Some("azure"),
        Some("on_prem"),
    ]
    .into_iter()
    .map(on_cloud)
    .collect()
}

#[test]
fn the_built_in_catalog_covers_every_stage_on_every_path() {
    let (tree, catalog) = built_in();
    assert!(
        catalog.tools.len() >= 30,
        "{} tools; at least 30",
        catalog.tools.len()
    );
    for (s, stage) in tree.stages.iter().enumerate() {
        let serving: Vec<&Tool> = catalog
            .tools
            .iter()
            .filter(|t| t.stages.contains(&s))
            .collect();
        assert!(
            serving.len() >= 4,
            "stage `{}` has {} tools over the three paths; at least 4",
            stage.id,
            serving.len()
        );
        for (p, path) in tree.paths.iter().enumerate() {
            assert!(
                serving.iter().any(|t| t.path == p),
                "stage `{}` has no tool on path `{}`",
                stage.id,
                path.id
            );
        }
    }
}

#[test]
fn every_built_in_homepage_is_https() {
    let (_, catalog) = built_in();
    for t in &catalog.tools {
        assert!(
            t.homepage.starts_with("https://"),
            "{}: {}",
            t.id,
            t.homepage
        );
    }
}

#[test]
fn every_built_in_based_on_names_an_open_source_tool() {
    let (tree, catalog) = built_in();
    let open_source = tree
        .alternatives
        .iter()
        .position(|a| a.id == "open_source")
        .expect("the built-in tree has an open-source alternative");
    let mut managed = 0;
    for t in &catalog.tools {
        let Some(base) = &t.based_on else { continue };
        managed += 1;
        let project = catalog
            .tools
            .iter()
            .find(|p| &p.id == base)
            .unwrap_or_else(|| panic!("{}: based on `{base}`, not in the catalog", t.id));
        let path = &tree.paths[project.path];
        assert_eq!(
            tree.alternative_index(&path.alternative),
            Some(open_source),
            "{} is based on {}, which is on path `{}`, not an open-source path",
            t.id,
            project.id,
            path.id
        );
        assert!(project.has_source(), "{}: {}", t.id, project.id);
        assert!(project.based_on.is_none(), "{}: {}", t.id, project.id);
    }
    assert!(managed >= 5, "the managed path runs open-source projects");
}

/// Licences that are open source (OSI-approved) among those the catalog uses.
const OPEN_SOURCE_LICENCES: &[&str] = &[
    "Apache-2.0",
    "MIT",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "MPL-2.0",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "LGPL-3.0-only",
];

#[test]
fn every_built_in_licence_is_open_source_proprietary_or_declared_source_available() {
    // A licence such as the Business Source License is not open source: the catalog must
    // say so, or its tools would not be listed last nor flagged.
    let (_, catalog) = built_in();
    for t in &catalog.tools {
        let known = t.licence == PROPRIETARY
            || OPEN_SOURCE_LICENCES.contains(&t.licence.as_str())
            || catalog.source_available.contains(&t.licence);
        assert!(
            known,
            "{}: licence `{}` is neither open source, proprietary nor in `source_available`",
            t.id, t.licence
        );
        assert!(
            !OPEN_SOURCE_LICENCES.contains(&t.licence.as_str())
                || !catalog.source_available.contains(&t.licence),
            "{} is open source",
            t.licence
        );
    }
    assert!(
        catalog.source_available.iter().any(|l| l == "BUSL-1.1"),
        "the Business Source License is source-available"
    );
}

// ---------------------------------------------------------------------------------------
// Example tools

/// How much licence-change risk a tool carries, in the documented order: source-available
/// licences weigh most, then past changes, then single-company control.
fn rank(t: &Tool, catalog: &Catalog) -> u32 {
    t.licence_risks(catalog)
        .iter()
        .map(|r| match r {
            LicenceRisk::SourceAvailable => 4,
            LicenceRisk::Changed(_) => 2,
            LicenceRisk::SingleCompany => 1,
        })
        .sum()
}

fn source_available(t: &Tool, catalog: &Catalog) -> bool {
    t.licence_risks(catalog)
        .contains(&LicenceRisk::SourceAvailable)
}

#[test]
fn examples_name_two_to_four_tools_for_every_stage_and_path() {
    let (tree, catalog) = built_in();
    let sets = answer_sets();
    for (s, stage) in tree.stages.iter().enumerate() {
        for (p, path) in tree.paths.iter().enumerate() {
            let counts: Vec<usize> = sets
                .iter()
                .flat_map(|a| [false, true].map(|c| catalog.examples(&tree, a, s, p, c).len()))
                .collect();
            assert!(
                counts.iter().all(|&n| n <= MAX_EXAMPLES),
                "{}/{}: {counts:?}",
                stage.id,
                path.id
            );
            assert!(
                counts.iter().any(|n| (2..=4).contains(n)),
                "{}/{}: no answers name 2 to 4 tools: {counts:?}",
                stage.id,
                path.id
            );
        }
    }
}

#[test]
fn examples_follow_when_and_stay_on_their_stage_and_path() {
    let (tree, catalog) = built_in();
    let training = tree.stage_index("training").unwrap();
    let proprietary = tree.path_index("proprietary").unwrap();
    let ids = |answers: &Answers| -> Vec<String> {
        catalog
            .examples(&tree, answers, training, proprietary, false)
            .iter()
            .map(|t| t.id.to_string())
            .collect()
    };
    let aws = ids(&on_cloud(Some("aws")));
    let gcp = ids(&on_cloud(Some("gcp")));
    assert!(aws.contains(&"sagemaker".to_string()), "{aws:?}");
    assert!(!gcp.contains(&"sagemaker".to_string()), "{gcp:?}");
    assert!(gcp.contains(&"vertex-ai".to_string()), "{gcp:?}");
    for answers in answer_sets() {
        for (s, _) in tree.stages.iter().enumerate() {
            for (p, _) in tree.paths.iter().enumerate() {
                for t in catalog.examples(&tree, &answers, s, p, false) {
                    assert!(t.path == p && t.stages.contains(&s), "{}", t.id);
                }
            }
        }
    }
}

#[test]
fn examples_never_list_a_source_available_tool_before_one_that_is_not() {
    let (tree, catalog) = built_in();
    let fixture = Catalog::load(&fixtures().join("valid/when-and-based-on.toml"), &tree).unwrap();
    let mut seen_source_available = 0;
    for catalog in [&catalog, &fixture] {
        for answers in answer_sets() {
            for s in 0..tree.stages.len() {
                for p in 0..tree.paths.len() {
                    for concern in [false, true] {
                        let listed = catalog.examples(&tree, &answers, s, p, concern);
                        let flags: Vec<bool> = listed
                            .iter()
                            .map(|t| source_available(t, catalog))
                            .collect();
                        seen_source_available += flags.iter().filter(|f| **f).count();
                        assert!(
                            flags.is_sorted(),
                            "a source-available tool before one that is not: {:?}",
                            listed.iter().map(|t| &t.id).collect::<Vec<_>>()
                        );
                    }
                }
            }
        }
    }
    assert!(seen_source_available > 0, "the check is not vacuous");
    // In the fixture, the source-available server comes first in the file, last in the list.
    let production = tree.stage_index("production").unwrap();
    let self_run = tree.path_index("oss_self_run").unwrap();
    let listed: Vec<&str> = fixture
        .examples(&tree, &on_cloud(None), production, self_run, false)
        .iter()
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(listed, ["fixture-runtime", "fixture-server"]);
}

#[test]
fn with_a_licence_concern_examples_are_ordered_by_licence_change_risk() {
    let (tree, catalog) = built_in();
    let mut reordered = 0;
    for answers in answer_sets() {
        for s in 0..tree.stages.len() {
            for p in 0..tree.paths.len() {
                let concerned = catalog.examples(&tree, &answers, s, p, true);
                let ranks: Vec<u32> = concerned.iter().map(|t| rank(t, &catalog)).collect();
                assert!(
                    ranks.is_sorted(),
                    "least risk first: {:?} {ranks:?}",
                    concerned.iter().map(|t| &t.id).collect::<Vec<_>>()
                );
                let plain = catalog.examples(&tree, &answers, s, p, false);
                let ids = |v: &[&Tool]| v.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
                if ids(&plain) != ids(&concerned) {
                    reordered += 1;
                }
            }
        }
    }
    assert!(
        reordered > 0,
        "the concern changes the examples somewhere in the built-in catalog"
    );
}

/// The plan carries whether the tree's licence concern holds, as the flow of the answers
/// decides it; both values occur.
#[test]
fn the_plan_says_whether_the_licence_concern_holds() {
    let (tree, _) = built_in();
    let cond = tree
        .licence_concern
        .as_ref()
        .expect("the built-in tree has a licence concern");
    let mut seen = [false; 2];
    for risk in [None, Some("low"), Some("medium"), Some("high")] {
        let mut answers = on_cloud(Some("aws"));
        if let Some(r) = risk {
            answers
                .values
                .insert("licence_change_risk".into(), Answer::Choice(r.into()));
        }
        let flow = Flow::new(&tree, &answers);
        let shown: Vec<bool> = (0..tree.questions.len())
            .map(|i| flow.is_shown(i))
            .collect();
        let holds = flow::holds(&tree, cond, &answers, &shown);
        let rec = Recommendation::new(&tree, &answers);
        let plan = rec.plan.as_ref().expect("the built-in tree has a plan");
        assert_eq!(plan.licence_concern, holds, "{risk:?}");
        assert_eq!(holds, matches!(risk, Some("medium" | "high")), "{risk:?}");
        seen[usize::from(holds)] = true;
    }
    assert_eq!(seen, [true, true]);
}

// ---------------------------------------------------------------------------------------
// The command line

const DATE: &str = "2026-11-28";

fn wizard() -> Command {
    let mut cmd = Command::cargo_bin("mlops-wizard").expect("the mlops-wizard binary");
    cmd.current_dir(root());
    // A configuration file of the machine's must not change what the tests see.
    cmd.env("MLOPS_WIZARD_CONFIG", "");
    cmd.env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .timeout(Duration::from_secs(60));
    cmd
}

/// Runs the command and checks its exit code; returns (stdout, stderr).
fn expect_code(cmd: &mut Command, code: i32) -> (String, String) {
    let out: Output = cmd.output().expect("the binary runs");
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("overflowed"),
        "{cmd:?} crashed:\n{stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(code),
        "{cmd:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    (stdout, stderr)
}

#[test]
fn validate_refuses_every_invalid_catalog_naming_file_line_and_column() {
    let tree = Tree::default_tree();
    for (stem, expected) in CASES {
        let path = invalid_catalog(stem);
        let err = Catalog::load(&path, &tree).expect_err(stem);
        let (stdout, stderr) = expect_code(wizard().arg("validate").arg(&path), 2);
        assert!(!stdout.contains("ok:"), "{stem}: {stdout}");
        assert_eq!(err.problems().len(), expected.len());
        for p in err.problems() {
            let pos = p.location.position;
            let place = format!("--> {}:{}:{}", path.display(), pos.line, pos.column);
            assert!(stderr.contains(&place), "{stem}: {place} not in:\n{stderr}");
            assert!(
                stderr.contains(&format!("error[{}]: {}", p.kind.name(), p.message)),
                "{stem}:\n{stderr}"
            );
        }
        assert!(stderr.contains("error: 1 of 1 file(s) invalid"), "{stderr}");
    }
}

#[test]
fn validate_accepts_a_valid_catalog_as_a_tool_catalog() {
    for path in toml_files(&fixtures().join("valid")) {
        let (stdout, stderr) = expect_code(wizard().arg("validate").arg(&path), 0);
        assert!(
            stdout.starts_with(&format!("ok: {}: tool catalog, ", path.display())),
            "{stdout}"
        );
        assert!(stdout.contains("checked on 2026-12-03"), "{stdout}");
        assert!(stderr.is_empty(), "{stderr}");
    }
    // With no file, both built-in files are checked.
    let (stdout, _) = expect_code(wizard().arg("validate"), 0);
    assert!(
        stdout.contains("ok: questions/tools.toml (built in): tool catalog, "),
        "{stdout}"
    );
    // `--tools FILE validate` checks that file.
    let small = fixtures().join("valid/small.toml");
    let (stdout, _) = expect_code(wizard().arg("--tools").arg(&small).arg("validate"), 0);
    assert!(stdout.contains("tool catalog, 3 tools"), "{stdout}");
}

/// `validate` tells a catalog from a tree by a `[catalog]` header at the start of a line
/// (after blanks), not by the word anywhere in the text.
#[test]
fn validate_tells_a_catalog_by_its_header_line() {
    let dir = tempfile::tempdir().unwrap();
    let small = fs::read_to_string(fixtures().join("valid/small.toml")).unwrap();
    let indented = dir.path().join("indented.toml");
    fs::write(
        &indented,
        small.replacen("[catalog]", "# not [catalog] here\r\n \t[catalog]", 1),
    )
    .unwrap();
    let (stdout, _) = expect_code(wizard().arg("validate").arg(&indented), 0);
    assert!(stdout.contains(": tool catalog, 3 tools"), "{stdout}");

    let tree = dir.path().join("tree.toml");
    let text = fs::read_to_string(root().join("questions/mlops.toml")).unwrap();
    fs::write(&tree, format!("# a tree, though it says [catalog]\n{text}")).unwrap();
    let (stdout, _) = expect_code(wizard().arg("validate").arg(&tree), 0);
    assert!(stdout.contains(" questions, "), "{stdout}");
}

#[test]
fn recommend_with_tools_uses_that_catalog() {
    let small = fixtures().join("valid/small.toml");
    let answers = root().join("examples/startup-open-source.toml");
    let (json, stderr) = expect_code(
        wizard()
            .arg("--tools")
            .arg(&small)
            .args(["recommend", "--format", "json", "--date", DATE, "--answers"])
            .arg(&answers),
        0,
    );
    assert!(stderr.is_empty(), "{stderr}");
    let json: Value = serde_json::from_str(&json).unwrap();
    let small_ids = ["fixture-workbench", "fixture-cloud", "fixture-suite"];
    let mut named = 0;
    for stage in json["stages"].as_array().unwrap() {
        for tool in stage["tools"].as_array().unwrap() {
            let id = tool["id"].as_str().unwrap();
            assert!(small_ids.contains(&id), "{id} is not in small.toml");
            named += 1;
        }
    }
    assert!(named > 0, "the plan names tools of small.toml:\n{json}");
    assert_eq!(json["plan"]["catalog_checked"], "2026-12-03");

    let (markdown, _) = expect_code(
        wizard()
            .arg("--tools")
            .arg(&small)
            .args(["recommend", "--date", DATE, "--answers"])
            .arg(&answers),
        0,
    );
    assert!(markdown.contains("Fixture Workbench"), "{markdown}");
    assert!(
        !markdown.contains("[MLflow]"),
        "no tool of the built-in catalog:\n{markdown}"
    );
}

#[test]
fn recommend_with_an_invalid_catalog_exits_2_before_writing_anything() {
    let answers = root().join("examples/startup-open-source.toml");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("decision.md");
    for stem in ["unknown-stage", "missing-licence", "several-problems"] {
        let path = invalid_catalog(stem);
        let (stdout, stderr) = expect_code(
            wizard()
                .arg("--tools")
                .arg(&path)
                .args(["recommend", "--date", DATE, "--answers"])
                .arg(&answers)
                .arg("--output")
                .arg(&out),
            2,
        );
        assert!(stdout.is_empty(), "{stem}: {stdout}");
        assert!(
            stderr.contains(&format!("--> {}:", path.display())),
            "{stderr}"
        );
        assert!(!out.exists(), "{stem}: nothing is written");
        // To standard output, likewise nothing.
        let (stdout, _) = expect_code(
            wizard()
                .arg("--tools")
                .arg(&path)
                .args(["recommend", "--date", DATE, "--answers"])
                .arg(&answers),
            2,
        );
        assert!(stdout.is_empty(), "{stem}: {stdout}");
    }
    let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert!(names.is_empty(), "no file, temporary or not, is left");
}
