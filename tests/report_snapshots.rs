//! Snapshots of the reports of the three example answers files (markdown and JSON, with a
//! fixed date) and of `validate`'s output for a tree with several problems. Review changes
//! with `cargo insta review` (or `INSTA_UPDATE=always cargo test` and read the .snap files).

use std::path::Path;
use std::process::Command;

use mlops_wizard::answers::{Answers, Strictness};
use mlops_wizard::catalog::Catalog;
use mlops_wizard::source::Source;
use mlops_wizard::{Recommendation, ReportInput, Tree, report};

const DATE: &str = "2026-11-28";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The markdown and JSON reports of an example answers file, against the built-in tree.
fn reports(example: &str) -> (String, String) {
    let tree = Tree::default_tree();
    let name = format!("examples/{example}");
    let text = std::fs::read_to_string(root().join(&name)).unwrap();
    let source = Source::new(name, text);
    let checked = Answers::parse(&source, &tree, Strictness::Strict)
        .unwrap_or_else(|e| panic!("the example answers are valid:\n{e}"));
    assert!(checked.dropped.is_empty());
    assert!(
        checked.notes.is_empty(),
        "the example names the built-in tree and its version: {:?}",
        checked.notes
    );
    let recommendation = Recommendation::new(&tree, &checked.answers);
    let catalog = Catalog::built_in(&tree);
    assert!(
        catalog.is_some(),
        "the built-in catalog fits the built-in tree"
    );
    let input = ReportInput {
        tree: &tree,
        answers: &checked.answers,
        recommendation: &recommendation,
        date: DATE,
        catalog: catalog.as_ref(),
        team: None,
    };
    (report::to_markdown(&input), report::to_json(&input))
}

fn check(example: &str, stem: &str) {
    let (markdown, json) = reports(example);
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("the JSON report parses");
    assert_eq!(parsed["date"], DATE);
    insta::assert_snapshot!(format!("{stem}_markdown"), markdown);
    insta::assert_snapshot!(format!("{stem}_json"), json);
}

#[test]
fn startup_open_source_reports() {
    check("startup-open-source.toml", "startup_open_source");
}

#[test]
fn enterprise_proprietary_reports() {
    check("enterprise-proprietary.toml", "enterprise_proprietary");
}

#[test]
fn partial_reports() {
    check("partial.toml", "partial");
}

#[test]
fn validate_output_for_several_problems() {
    let output = Command::new(env!("CARGO_BIN_EXE_mlops-wizard"))
        .current_dir(root())
        .args([
            "validate",
            "tests/fixtures/trees/invalid/several-problems.toml",
        ])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).expect("UTF-8");
    insta::assert_snapshot!("validate_several_problems_stderr", stderr);
}
