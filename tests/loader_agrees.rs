//! The loader that reads the events of `toml_parser` must give exactly what the reference
//! path through the `toml` crate gives: the same tree on success, the same problems
//! (kind, message, place, rendered text) on failure. Checked on every fixture file and on
//! generated trees with mutations (keys deleted, duplicated or renamed, values of another
//! type, syntax broken, text cut short), with the tokens lexed in one batch and in many;
//! and the same for tool catalogs and answers files (every fixture file read as each kind,
//! and the valid ones mutated).

use std::fs;
use std::path::{Path, PathBuf};

use mlops_wizard::answers::{Answers, Strictness};
use mlops_wizard::catalog::Catalog;
use mlops_wizard::load::{reference, tree_in_batches};
use mlops_wizard::source::Source;
use mlops_wizard::{Problem, Tree};
use proptest::collection::vec;
use proptest::prelude::*;

#[path = "../benches/support/tree_gen.rs"]
mod tree_gen;

/// What a load gives: the tree, or every problem with its rendered text.
#[derive(Debug, PartialEq)]
enum Outcome {
    Tree(Box<Tree>),
    Problems(Vec<Problem>, String),
}

fn outcome(result: Result<Tree, mlops_wizard::LoadError>) -> Outcome {
    match result {
        Ok(tree) => Outcome::Tree(Box::new(tree)),
        Err(e) => Outcome::Problems(e.problems().to_vec(), e.to_string()),
    }
}

/// Loads `text` both ways (and in small batches) and says where they differ.
fn check(name: &str, text: &str) -> Result<(), String> {
    let source = Source::new(name, text);
    let expected = outcome(reference::tree(&source));
    let got = outcome(Tree::from_source(&source));
    if got != expected {
        return Err(format!(
            "{name}: the loaders differ\n--- reference\n{expected:?}\n--- events\n{got:?}"
        ));
    }
    for batch in [1, 7] {
        let got = outcome(tree_in_batches(&source, batch));
        if got != expected {
            return Err(format!(
                "{name}: the loaders differ in batches of {batch}\n--- reference\n{expected:?}\n--- events\n{got:?}"
            ));
        }
    }
    Ok(())
}

/// Reads `text` as a tool catalog and as an answers file (strict and lenient) for the
/// built-in tree, both ways, and says where they differ.
fn check_catalog_and_answers(name: &str, text: &str) -> Result<(), String> {
    let tree = default_tree();
    let source = Source::new(name, text);
    let shown = |r: Result<String, mlops_wizard::LoadError>| match r {
        Ok(s) => s,
        Err(e) => format!("error: {:?}\n{e}", e.problems()),
    };
    let catalog = |r: Result<Catalog, _>| shown(r.map(|c| format!("{c:?}")));
    let expected = catalog(Catalog::parse_reference(&source, tree));
    let got = catalog(Catalog::parse(&source, tree));
    if got != expected {
        return Err(format!(
            "{name}: the catalog loaders differ\n--- reference\n{expected}\n--- events\n{got}"
        ));
    }
    for strictness in [Strictness::Strict, Strictness::Lenient] {
        let answers =
            |r: Result<mlops_wizard::answers::Checked, _>| shown(r.map(|c| format!("{c:?}")));
        let expected = answers(Answers::parse_reference(&source, tree, strictness));
        let got = answers(Answers::parse(&source, tree, strictness));
        if got != expected {
            return Err(format!(
                "{name}: the answers loaders differ ({strictness:?})\n--- reference\n{expected}\n--- events\n{got}"
            ));
        }
    }
    Ok(())
}

fn default_tree() -> &'static Tree {
    static TREE: std::sync::OnceLock<Tree> = std::sync::OnceLock::new();
    TREE.get_or_init(Tree::default_tree)
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_fixture_loads_the_same_both_ways() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["tests/fixtures", "questions", "examples"] {
        files(&root.join(dir), &mut paths);
    }
    paths.sort();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &paths {
        let bytes = fs::read(path).expect("a fixture reads");
        let text = String::from_utf8_lossy(&bytes);
        checked += 1;
        let name = path.display().to_string();
        if let Err(e) = check(&name, &text) {
            failures.push(e);
        }
        if let Err(e) = check_catalog_and_answers(&name, &text) {
            failures.push(e);
        }
    }
    assert!(checked > 100, "only {checked} files found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The parts of a small valid tree, for texts that order them in different ways.
const ALTS: &str = "[[alternatives]]\nid = 'o'\ntitle = 'O'\n[[alternatives]]\nid = 'p'\ntitle = 'P'\n[[criteria]]\nid = 'c'\ntitle = 'C'\n";
const HEAD: &str = "format = 1\n[tree]\nid = 't'\ntitle = 't'\nversion = '1'\n[[alternatives]]\nid = 'o'\ntitle = 'O'\n[[alternatives]]\nid = 'p'\ntitle = 'P'\n[[criteria]]\nid = 'c'\ntitle = 'C'\n";
const QUESTION: &str = "[[questions]]\nid = 'a'\nkind = 'single'\nprompt = 'p'\nhelp = 'h'\n[[questions.options]]\nid = 'x'\nlabel = 'x'\neffects = [{ alternative = 'o', criterion = 'c', points = 1, reason = 'r' }]\n[[questions.options]]\nid = 'y'\nlabel = 'y'\neffects = [{ alternative = 'p', criterion = 'c', points = 1, reason = 'r' }]\n";
const RISK: &str = "[[risks]]\nid = 'r'\napplies_to = 'o'\ntitle = 'R'\nmitigation = 'M'\n";

#[test]
fn hand_picked_texts_load_the_same_both_ways() {
    let cases: &[&str] = &[
        "",
        "[tree]",
        "[tree]\nid = 1",
        "a = 1\na = 2",
        "[tree]\n[tree]",
        "[[tree]]\n[tree]",
        "[tree.x]\n[tree]\nid='x'",
        "a.b = 1\n[a]",
        "[a]\nb=1\n[a.b]",
        "x = { a = 1, a = 2 }",
        "x = { a.b = 1, a.c = 2 }",
        "x = { a = 1 }\n[x.b]",
        "x = [1, 2]\n[[x]]",
        "[[questions]]\nid = \"a\"\n[questions.options]\n",
        "format = 1979-05-27T07:32:00Z",
        "format = 1979-13-27",
        "format = 99999999999999999999",
        "format = 1e999",
        "format = \"\\q\"",
        "[tree]\nid = \"t\"\ntitle = 1979-05-27\nversion = \"1\"",
        "[tree]\nid = \"t\"\ntitle = \"x\"\nversion = \"1\"\nwhen = 1979-05-27",
        "[[questions]]\nkind = { single = {} }",
        "[[questions]]\nkind = { single = 1 }",
        "[[questions]]\nkind = { single = {}, multiple = {} }",
        "[[questions]]\nkind = {}",
        "[[questions]]\nkind = 3",
        "[[questions]]\nkind = \"nope\"",
        "a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "\u{feff}format = 1",
        "a = \"x\r\"",
        "# comment \u{7}\nformat = 1",
        "a = 1\r\nb = 2\r",
        // `[[questions]]` entries are read as each completes: one extended after another
        // table, quoted headers, an inline array, and mixes the parser refuses.
        "[tree]\nid = 't'\ntitle = 't'\nversion = '1'\n[[questions]]\nid = 'a'\nkind = 'single'\nprompt = 'p'\nhelp = 'h'\n[[criteria]]\nid = 'c'\ntitle = 'c'\n[[questions.options]]\nid = 'x'\nlabel = 'x'\n[[questions.options]]\nid = 'y'\nlabel = 'y'\n[[questions]]\nid = 'b'\nkind = 'yes_no'\nprompt = 'p'\nhelp = 'h'\n[[ \"questions\" ]]\nid = 'c'\nkind = 'text'\nprompt = 'p'\nhelp = 'h'\n",
        "[tree]\nid = 't'\ntitle = 't'\nversion = '1'\nquestions = [{ id = 'a', kind = 'text', prompt = 'p', help = 'h' }, { id = 'b', kind = 'yes_no', prompt = 'p', help = 'h' }]",
        "[[questions]]\nid = 'a'\nkind = 'text'\nprompt = 'p'\nhelp = 'h'\n[[questions]]\nid = 'b'\nkind = 'nope'\nprompt = 'p'\nhelp = 'h'\n[[criteria]]\nid = 1",
        "questions = []\n[[questions]]\nid = 'a'",
        "[questions]\nid = 'a'",
        "[[questions]]\nid = 'a'\n[questions]\nid = 'b'",
        "[[questions]]\nid = 'a'\n[[questions]]\nid = 'b'\n[questions.x]\n[questions.x]",
        // The head (all before the first `[[questions]]`) is built before the questions,
        // and each question as it completes. Parts after the questions: the ones built
        // after them anyway (risks, conflicts, plan), parts of the head (read again as a
        // whole), a part in both places, mistakes, and empty texts everywhere, whose
        // problems must come in the same order.
        &format!(
            "{HEAD}{QUESTION}{RISK}[[conflicts]]\nid = 'k'\nwhen = {{ question = 'a', answered = true }}\nmessage = 'm'\n[plan]\nlicence_concern = {{ question = 'a', answered = true }}\n"
        ),
        &format!("{HEAD}{QUESTION}[tree]\nid = 't'\ntitle = 't'\nversion = '1'\n"),
        &format!("{HEAD}{QUESTION}[[alternatives]]\nid = 'later'\ntitle = 'Later'\n"),
        &format!("{HEAD}{QUESTION}[[stages]]\nid = 's'\ntitle = 'S'\n"),
        &format!("{HEAD}{RISK}{QUESTION}{RISK}"),
        &format!("{HEAD}[plan]\n{QUESTION}[plan]\n"),
        &format!("{HEAD}{QUESTION}[alternatives.extra]\nx = 1\n"),
        &format!("{HEAD}{QUESTION}[[risks]]\nid = 1\n"),
        &format!("{HEAD}{QUESTION}[surprise]\n"),
        &format!("{HEAD}{QUESTION}questions = []\n"),
        &format!(
            "[tree]\nid = 't'\ntitle = ''\nversion = '1'\n{ALTS}[[questions]]\nid = 'a'\nkind = 'text'\nprompt = ''\nhelp = 'h'\n[[risks]]\nid = 'r'\napplies_to = 'o'\ntitle = ''\n"
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .flat_map(|(i, text)| {
            let name = format!("case-{i}.toml");
            [
                check(&name, text).err(),
                check_catalog_and_answers(&name, text).err(),
            ]
        })
        .flatten()
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---------------------------------------------------------------------------------------
// Generated trees and mutations.

/// A text of more than a quarter megabyte is lexed on a thread of its own while it is
/// parsed: a large tree, valid or with a mistake near its start, in its middle or at its
/// end, loads as the reference loads it.
#[test]
fn large_trees_lexed_apart_load_the_same_both_ways() {
    let text = tree_gen::generate(300, 11);
    assert!(
        text.len() > 384 * 1024,
        "large enough: {} bytes",
        text.len()
    );
    check("large.toml", &text).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let effects: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("points = "))
        .collect();
    for at in [
        effects[effects.len() / 20],
        effects[effects.len() / 2],
        effects[effects.len() - 1],
    ] {
        for broken in [
            "points = = 1.0",
            "points = \"many\"",
            "points = 1.0\npoints = 2.0",
        ] {
            let mut changed = lines.clone();
            changed[at] = broken;
            check("large.toml", &changed.join("\n")).unwrap();
        }
    }
    check("large.toml", &text[..text.len() - 40]).unwrap();
}

/// The choices behind a generated valid tree.
#[derive(Debug, Clone)]
struct Shape {
    criteria: usize,
    /// Per question: its kind (0 single, 1 yes/no, 2 multiple, 3 scale, 4 text), its
    /// number of options, whether its effects are inline, whether it depends on the first.
    questions: Vec<(u8, usize, bool, bool)>,
    risk: bool,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        1..4usize,
        vec((0..5u8, 2..4usize, any::<bool>(), any::<bool>()), 1..5),
        any::<bool>(),
    )
        .prop_map(|(criteria, questions, risk)| Shape {
            criteria,
            questions,
            risk,
        })
}

/// Renders a valid tree, one TOML line per element.
fn render(shape: &Shape) -> Vec<String> {
    let mut l: Vec<String> = vec![
        "format = 1".into(),
        "[tree]".into(),
        "id = \"gen\"".into(),
        "title = \"Generated\"".into(),
        "version = \"1\"".into(),
    ];
    for a in ["open", "prop"] {
        l.extend([
            "[[alternatives]]".into(),
            format!("id = \"{a}\""),
            format!("title = \"Alt {a}\""),
            "strengths = [\"s\"]".into(),
        ]);
    }
    for c in 0..shape.criteria {
        l.extend([
            "[[criteria]]".into(),
            format!("id = \"c{c}\""),
            format!("title = \"Crit {c}\""),
            format!("weight = {}.5", c + 1),
        ]);
    }
    let effect_line = |alt: &str, c: usize, points: i64| {
        format!(
            "effects = [{{ alternative = \"{alt}\", criterion = \"c{c}\", points = {points}, reason = \"r\" }}]"
        )
    };
    // A first question that lets either alternative win on every criterion.
    l.extend([
        "[[questions]]".into(),
        "id = \"q0\"".into(),
        "kind = \"single\"".into(),
        "prompt = \"First?\"".into(),
        "help = \"Help.\"".into(),
    ]);
    for (o, alt) in [("a", "open"), ("b", "prop")] {
        l.extend([
            "[[questions.options]]".into(),
            format!("id = \"{o}\""),
            format!("label = \"{o}\""),
        ]);
        let effects: Vec<String> = (0..shape.criteria)
            .map(|c| {
                format!(
                    "{{ alternative = \"{alt}\", criterion = \"c{c}\", points = 3, reason = \"r\" }}"
                )
            })
            .collect();
        l.push(format!("effects = [{}]", effects.join(", ")));
    }
    for (qi, &(kind, options, inline, depends)) in shape.questions.iter().enumerate() {
        let qi = qi + 1;
        let kind_name = ["single", "yes_no", "multiple", "scale", "text"][kind as usize];
        l.extend([
            "[[questions]]".into(),
            format!("id = \"q{qi}\""),
            format!("kind = \"{kind_name}\""),
            format!("prompt = \"Question {qi}?\""),
            "help = 'Some help.'".into(),
            "section = \"S\"".into(),
        ]);
        if depends && qi > 0 {
            l.push("show_if = { question = \"q0\", answered = true }".into());
        }
        let c = qi % shape.criteria;
        match kind {
            3 => {
                l.extend(["min = 1".into(), "max = 5".into()]);
                l.push(
                    "effects = [{ alternative = \"open\", criterion = \"c0\", points = 1, reason = \"r\" }, { alternative = \"prop\", criterion = \"c0\", points = -1.5, reason = \"r\" }]"
                        .into(),
                );
            }
            4 => {}
            _ => {
                let ids: Vec<String> = if kind == 1 {
                    vec!["yes".into(), "no".into()]
                } else {
                    (0..options).map(|o| format!("o{o}")).collect()
                };
                for (oi, id) in ids.iter().enumerate() {
                    let alt = if oi % 2 == 0 { "open" } else { "prop" };
                    l.extend([
                        "[[questions.options]]".into(),
                        format!("id = \"{id}\""),
                        format!("label = \"Option {id}\""),
                    ]);
                    if inline {
                        l.push(effect_line(alt, c, 2));
                    } else {
                        l.extend([
                            "[[questions.options.effects]]".into(),
                            format!("alternative = \"{alt}\""),
                            format!("criterion = \"c{c}\""),
                            "points = 2".into(),
                            "reason = \"\"\"Because.\"\"\"".into(),
                        ]);
                    }
                }
            }
        }
    }
    if shape.risk {
        l.extend([
            "[[risks]]".into(),
            "id = \"r1\"".into(),
            "applies_to = \"open\"".into(),
            "title = \"Risk\"".into(),
            "mitigation = \"Mitigate.\"".into(),
            "when = { question = \"q0\", answered = true }".into(),
        ]);
    }
    l
}

/// A change to a generated tree.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    /// Replaces the value of a `key = value` line with one of another type.
    Retype(usize, u8),
    /// Renames the key of a `key = value` line.
    RenameKey(usize),
    /// Inserts an unknown key after a line.
    UnknownKey(usize),
    /// Inserts a character at a byte position.
    Insert(usize, char),
    /// Cuts the text at a byte position.
    Truncate(usize),
    /// Moves a table (a header line and the lines up to the next header) to before
    /// another header, or to the end: sections read before or after the questions.
    MoveTable(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let i = 0..200usize;
    prop_oneof![
        i.clone().prop_map(Mutation::DeleteLine),
        i.clone().prop_map(Mutation::DuplicateLine),
        (i.clone(), i.clone()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (i.clone(), 0..10u8).prop_map(|(a, t)| Mutation::Retype(a, t)),
        i.clone().prop_map(Mutation::RenameKey),
        i.clone().prop_map(Mutation::UnknownKey),
        (
            0..5000usize,
            prop::sample::select(vec![
                '[', ']', '{', '}', '=', '"', '\'', ',', '.', '\n', ' ', '#', 'x', '1', '\\', '\t',
                '\r', '\u{0}', 'é'
            ])
        )
            .prop_map(|(at, c)| Mutation::Insert(at, c)),
        (0..5000usize).prop_map(Mutation::Truncate),
        (i.clone(), i.clone()).prop_map(|(a, b)| Mutation::MoveTable(a, b)),
    ]
}

const VALUES: [&str; 10] = [
    "1",
    "-2.5",
    "true",
    "\"text\"",
    "[1, \"a\"]",
    "[]",
    "{ a = 1 }",
    "{}",
    "1979-05-27",
    "nan",
];

fn apply(lines: &mut Vec<String>, m: &Mutation) -> Option<String> {
    if lines.is_empty() {
        lines.push(String::new());
    }
    let n = lines.len();
    match *m {
        Mutation::DeleteLine(i) => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) => {
            let line = lines[i % n].clone();
            lines.insert(i % n, line);
        }
        Mutation::SwapLines(a, b) => lines.swap(a % n, b % n),
        Mutation::Retype(i, t) => {
            let line = &mut lines[i % n];
            if let Some((key, _)) = line.split_once(" = ") {
                *line = format!("{key} = {}", VALUES[t as usize % VALUES.len()]);
            }
        }
        Mutation::RenameKey(i) => {
            let line = &mut lines[i % n];
            if let Some((key, value)) = line.split_once(" = ") {
                *line = format!("{key}x = {value}");
            }
        }
        Mutation::UnknownKey(i) => lines.insert(i % n + 1, "surprise = 1".into()),
        Mutation::Insert(at, c) => {
            let mut text = lines.join("\n");
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert(at, c);
            return Some(text);
        }
        Mutation::Truncate(at) => {
            let text = lines.join("\n");
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return Some(text[..at].to_string());
        }
        Mutation::MoveTable(from, to) => {
            let headers: Vec<usize> = (0..n).filter(|&i| lines[i].starts_with('[')).collect();
            if headers.is_empty() {
                return None;
            }
            let k = from % headers.len();
            let end = headers.get(k + 1).copied().unwrap_or(n);
            let table: Vec<String> = lines.drain(headers[k]..end).collect();
            let rest: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].starts_with('['))
                .chain([lines.len()])
                .collect();
            let at = rest[to % rest.len()];
            lines.splice(at..at, table);
        }
    }
    None
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_trees_load_the_same_both_ways(shape in shape()) {
        let text = render(&shape).join("\n");
        let source = Source::new("gen.toml", text.as_str());
        prop_assert!(Tree::from_source(&source).is_ok(), "a generated tree is valid:\n{text}");
        check("gen.toml", &text).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn mutated_trees_load_the_same_both_ways(
        shape in shape(),
        mutations in vec(mutation(), 1..4),
    ) {
        let mut lines = render(&shape);
        let mut text = None;
        for m in &mutations {
            match text.take() {
                None => text = apply(&mut lines, m),
                Some(t) => {
                    lines = t.split('\n').map(str::to_string).collect();
                    text = apply(&mut lines, m);
                }
            }
        }
        let text = text.unwrap_or_else(|| lines.join("\n"));
        check("mutated.toml", &text).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn mutated_catalogs_and_answers_load_the_same_both_ways(
        file in prop::sample::select(VALID_OTHERS.to_vec()),
        mutations in vec(mutation(), 1..4),
    ) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let original = fs::read_to_string(&path).expect("a fixture reads");
        let mut lines: Vec<String> = original.split('\n').map(str::to_string).collect();
        let mut text: Option<String> = None;
        for m in &mutations {
            if let Some(t) = text.take() {
                lines = t.split('\n').map(str::to_string).collect();
            }
            text = apply(&mut lines, m);
        }
        let text = text.unwrap_or_else(|| lines.join("\n"));
        check_catalog_and_answers("mutated.toml", &text).map_err(TestCaseError::fail)?;
    }
}

/// Valid catalogs and answers files, the starting points of their mutations.
const VALID_OTHERS: [&str; 6] = [
    "tests/fixtures/tools/valid/small.toml",
    "tests/fixtures/tools/valid/when-and-based-on.toml",
    "tests/fixtures/answers/valid/branching.toml",
    "tests/fixtures/answers/wizard/partial.toml",
    "examples/startup-open-source.toml",
    "examples/enterprise-proprietary.toml",
];
