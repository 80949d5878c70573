//! What the fuzz targets run, one function per target, so that the targets are one line
//! each and the regression tests replay exactly the same code.
//!
//! This file is compiled twice: as the library of the `fuzz/` crate (nightly, libFuzzer)
//! and, through `#[path]`, as a module of `tests/fuzz_regressions.rs` in the main crate
//! (stable). Keep it plain stable Rust that needs nothing but `mlops_wizard` and
//! `serde_json`.
//!
//! Every function must return normally for every input: a panic, in the library or in one
//! of the checks below, is a crash.

use std::sync::OnceLock;

use mlops_wizard::report::{self, ReportInput};
use mlops_wizard::source::Source;
use mlops_wizard::{Answers, Flow, LoadError, ProblemKind, Recommendation, Strictness, Tree};

/// The date printed in every report written here.
pub const DATE: &str = "2026-11-28";

/// In the `pipeline` input, the byte that ends the tree text and starts the answers text.
/// 0xFF never occurs in UTF-8, so a text input never contains it by accident.
pub const SEPARATOR: u8 = 0xFF;

/// Target `tree`: a question tree from any bytes. The loader and validator must accept or
/// refuse it; a tree they accept must go through traversal, the recommender and both
/// reports with no answers.
pub fn tree(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Some(tree) = load_tree(&text) else {
        return;
    };
    walk(&tree, &Answers::default());
    check_answers(&tree, &Answers::default());
}

/// Target `answers`: any bytes as an answers file for the built-in tree, in strict and in
/// lenient mode, then the recommendation and both reports of what was accepted.
pub fn answers(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    answers_for(default_tree(), &text);
}

/// Target `pipeline`: a tree and an answers file from one input, split at the first
/// [`SEPARATOR`] (no separator: no answers), through the whole pipeline.
pub fn pipeline(data: &[u8]) {
    let (tree_bytes, answer_bytes) = match data.iter().position(|&b| b == SEPARATOR) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let tree_text = String::from_utf8_lossy(tree_bytes);
    let Some(tree) = load_tree(&tree_text) else {
        return;
    };
    walk(&tree, &Answers::default());
    answers_for(&tree, &String::from_utf8_lossy(answer_bytes));
}

/// Target `differential`: any bytes as a question tree, loaded by the loader that reads the
/// events of `toml_parser` and by the reference path through the `toml` crate
/// (`load::reference`), which must agree: the same tree, or the same problems with the
/// same rendered text.
pub fn differential(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let source = Source::new("fuzz.toml", text.as_ref());
    let loaded = Tree::from_source(&source);
    let reference = mlops_wizard::load::reference::tree(&source);
    match (&loaded, &reference) {
        (Ok(a), Ok(b)) => assert!(a == b, "the loaders built different trees"),
        (Err(a), Err(b)) => {
            assert_eq!(
                a.problems(),
                b.problems(),
                "the loaders found different problems"
            );
            assert_eq!(a.to_string(), b.to_string());
        }
        (Ok(_), Err(e)) => panic!("only the reference refused the tree:\n{e}"),
        (Err(e), Ok(_)) => panic!("only the reference accepted the tree:\n{e}"),
    }
}

/// The built-in tree, loaded once.
fn default_tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(Tree::default_tree)
}

/// Parses a tree; on failure, also prints the error (the error display is code too).
fn load_tree(text: &str) -> Option<Tree> {
    match Tree::parse("fuzz.toml", text) {
        Ok(tree) => Some(tree),
        Err(e) => {
            check_error(&e);
            None
        }
    }
}

/// An error from a text must list at least one problem and print.
fn check_error(e: &LoadError) {
    assert!(!e.problems().is_empty(), "an invalid file with no problem");
    let printed = e.to_string();
    assert!(!printed.is_empty());
}

/// Parses an answers file for `tree` in both modes, checks that the modes agree, and runs
/// the rest of the pipeline on what each accepted.
fn answers_for(tree: &Tree, text: &str) {
    let source = Source::new("answers.toml", text);
    let strict = Answers::parse(&source, tree, Strictness::Strict);
    let lenient = Answers::parse(&source, tree, Strictness::Lenient);
    match (&strict, &lenient) {
        // Strict accepts only what needs no dropping: lenient then agrees exactly.
        (Ok(s), Ok(l)) => {
            assert!(s.dropped.is_empty(), "strict mode dropped answers");
            assert!(l.dropped.is_empty(), "lenient dropped what strict accepted");
            assert_eq!(s.answers, l.answers, "strict and lenient disagree");
            assert_eq!(s.notes, l.notes);
        }
        (Ok(_), Err(e)) => panic!("strict accepted what lenient refused:\n{e}"),
        // Lenient refuses only files it cannot read at all: syntax or schema.
        (Err(_), Err(e)) => {
            assert!(
                e.problems().iter().all(|p| p.kind == ProblemKind::Syntax),
                "lenient refused a readable file:\n{e}"
            );
        }
        (Err(_), Ok(l)) => {
            assert!(
                !l.dropped.is_empty(),
                "strict refused a file lenient took whole"
            );
        }
    }
    for result in [&strict, &lenient] {
        match result {
            Ok(checked) => check_answers(tree, &checked.answers),
            Err(e) => check_error(e),
        }
    }
}

/// Walks the shown questions forwards and backwards: the walk ends and agrees with
/// [`Flow::visible`] and [`Flow::position`].
fn walk(tree: &Tree, answers: &Answers) {
    let flow = Flow::new(tree, answers);
    let visible: Vec<usize> = flow.visible().collect();
    assert_eq!(visible.len(), flow.len());
    let mut forward = Vec::new();
    let mut at = flow.next(None);
    while let Some(i) = at {
        assert!(
            forward.len() < tree.questions.len(),
            "the walk does not end"
        );
        assert_eq!(flow.position(i), forward.len() + 1);
        forward.push(i);
        at = flow.next(Some(i));
    }
    assert_eq!(forward, visible);
    if let Some(&last) = visible.last() {
        let mut back = vec![last];
        while let Some(i) = flow.previous(back[back.len() - 1]) {
            back.push(i);
        }
        back.reverse();
        assert_eq!(back, visible);
    }
}

/// The recommendation for accepted answers, and both reports: deterministic, the JSON
/// parses and names the verdict, the markdown's answers block re-loads to the same answers.
fn check_answers(tree: &Tree, answers: &Answers) {
    walk(tree, answers);
    let rec = Recommendation::new(tree, answers);
    // `Debug`, not `==`: a NaN score would make `==` false with no bug at all.
    let again = Recommendation::new(tree, answers);
    assert_eq!(
        format!("{rec:?}"),
        format!("{again:?}"),
        "recommend is not deterministic"
    );
    assert_eq!(rec.scores.len(), tree.alternatives.len());
    assert_eq!(rec.criteria.len(), tree.criteria.len());
    // Only with finite scores: points near f64::MAX still overflow to `inf` (see "Findings"
    // in docs/fuzzing.md); require finite scores here once the format bounds them.
    if rec.scores.iter().all(|s| s.is_finite()) {
        match &rec.verdict {
            mlops_wizard::Verdict::Alternative(a) => assert!(*a < tree.alternatives.len()),
            mlops_wizard::Verdict::Tie(tied) => assert!(tied.len() >= 2, "a tie of {tied:?}"),
        }
        let share = rec.margin.share;
        assert!(share.is_finite(), "margin share {share}");
        assert!(rec.robustness.is_some(), "no robustness analysis");
    }
    let input = ReportInput {
        tree,
        answers,
        recommendation: &rec,
        date: DATE,
        catalog: None,
        team: None,
    };
    let json = report::to_json(&input);
    let value: serde_json::Value = match serde_json::from_str(&json) {
        Ok(v) => v,
        Err(e) => panic!("the JSON report does not parse: {e}\n{json}"),
    };
    assert_eq!(value["verdict"].as_str(), Some(input.verdict_id()));
    let markdown = report::to_markdown(&input);
    assert_eq!(
        markdown,
        report::to_markdown(&input),
        "markdown not deterministic"
    );
    let block = answers_block(&markdown);
    let source = Source::new("report.md", block);
    match Answers::parse(&source, tree, Strictness::Strict) {
        Ok(checked) => {
            assert_eq!(
                checked.answers.values, answers.values,
                "the answers block re-loads to other answers:\n{block}"
            );
            assert_eq!(checked.answers.meta.respondent, answers.meta.respondent);
            assert!(checked.notes.is_empty(), "{:?}", checked.notes);
        }
        Err(e) => panic!("the report's answers block does not load:\n{e}\n{block}"),
    }
}

/// The TOML inside the fenced block that ends the markdown report.
fn answers_block(markdown: &str) -> &str {
    // Text from the tree and answers is escaped (`#` included) before this heading, so its
    // first occurrence is the heading itself.
    let Some(at) = markdown.find("\n### Answers file\n") else {
        panic!("no answers block in the report");
    };
    let rest = &markdown[at..];
    let Some(open) = rest.find("\n`") else {
        panic!("no fence after the answers heading");
    };
    let rest = &rest[open + 1..];
    let fence_len = rest.chars().take_while(|&c| c == '`').count();
    let fence = &rest[..fence_len];
    let Some(body) = rest[fence_len..].strip_prefix("toml\n") else {
        panic!("the answers block is not marked toml");
    };
    let Some(body) = body.strip_suffix(&format!("{fence}\n")) else {
        panic!("the report does not end with the answers block's fence");
    };
    body
}
