//! Replays inputs kept from the fuzzers (docs/fuzzing.md) through the same code the fuzz
//! targets run, on stable, with every `cargo test`.
//!
//! Every file in `tests/fixtures/fuzz/` is named `<target>-<short-name>.<ext>`, where
//! `<target>` is `tree`, `answers` or `pipeline`, and is fed to that target's function in
//! `fuzz/src/lib.rs`, which panics on a crash or a broken invariant. Crash inputs found by
//! the fuzzers go there, as do small inputs that reached new code. To add one: copy the
//! file in under that name; the test below picks it up.

use std::fs;
use std::path::{Path, PathBuf};

use mlops_wizard::source::Source;
use mlops_wizard::{Answers, ProblemKind, Strictness, Tree};

#[path = "../fuzz/src/lib.rs"]
mod harness;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz")
}

/// The kept inputs of one target, sorted by name.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(fixtures())
        .expect("tests/fixtures/fuzz exists")
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.is_file())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            name.strip_prefix(target)?.strip_prefix('-')?;
            let data = fs::read(&p).expect("a readable fixture");
            Some((name, data))
        })
        .collect();
    out.sort();
    out
}

/// Runs `run` on every kept input of `target`, naming the inputs that panic.
fn replay(target: &str, run: fn(&[u8])) {
    let inputs = inputs(target);
    assert!(!inputs.is_empty(), "no kept inputs for target `{target}`");
    let failed: Vec<&str> = inputs
        .iter()
        .filter(|(_, data)| std::panic::catch_unwind(|| run(data)).is_err())
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(failed.is_empty(), "these inputs fail: {failed:?}");
}

#[test]
fn tree_inputs_replay_cleanly() {
    replay("tree", harness::tree);
}

/// Every kept input of every target, read as a tree, loads the same through the loader
/// and through the reference path (target `differential`).
#[test]
fn every_input_loads_the_same_both_ways() {
    let mut inputs = Vec::new();
    for target in ["tree", "answers", "pipeline"] {
        inputs.extend(self::inputs(target));
    }
    let failed: Vec<&str> = inputs
        .iter()
        .filter(|(_, data)| std::panic::catch_unwind(|| harness::differential(data)).is_err())
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(failed.is_empty(), "these inputs fail: {failed:?}");
}

#[test]
fn answers_inputs_replay_cleanly() {
    replay("answers", harness::answers);
}

#[test]
fn pipeline_inputs_replay_cleanly() {
    replay("pipeline", harness::pipeline);
}

fn read(name: &str) -> String {
    let data = fs::read(fixtures().join(name)).expect("a kept input");
    String::from_utf8_lossy(&data).into_owned()
}

/// The problem kinds of an error, sorted and without repeats.
fn kinds(problems: &[mlops_wizard::Problem]) -> Vec<ProblemKind> {
    let mut kinds: Vec<ProblemKind> = problems.iter().map(|p| p.kind).collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

#[test]
fn kept_trees_load_or_fail_as_they_should() {
    let cases: &[(&str, &[ProblemKind])] = &[
        ("tree-smallest-valid.toml", &[]),
        ("tree-one-byte-not-utf8.bin", &[ProblemKind::Syntax]),
        ("tree-not-utf8.bin", &[ProblemKind::Syntax]),
        ("tree-self-condition.toml", &[ProblemKind::Cycle]),
        ("tree-non-finite-points.toml", &[ProblemKind::BadNumber]),
        (
            "tree-four-problem-kinds.toml",
            &[
                ProblemKind::UnknownReference,
                ProblemKind::BadCondition,
                ProblemKind::UninformedCriterion,
                ProblemKind::CannotWin,
            ],
        ),
    ];
    for (name, expected) in cases {
        let found = match Tree::parse(name, &read(name)) {
            Ok(_) => Vec::new(),
            Err(e) => kinds(e.problems()),
        };
        let mut expected = expected.to_vec();
        expected.sort();
        assert_eq!(found, expected, "{name}");
    }
}

#[test]
fn kept_answers_load_or_fail_as_they_should() {
    let tree = Tree::default_tree();
    // (file, problem kinds in strict mode, answers kept in lenient mode)
    let cases: &[(&str, &[ProblemKind], usize)] = &[
        ("answers-one-byte.toml", &[], 0),
        (
            "answers-hidden-question.toml",
            &[ProblemKind::HiddenQuestion],
            1,
        ),
        // Kept from a tree that had the scale question `importance_cost`; the built-in tree
        // now weighs criteria with `priorities`, so the key is unknown.
        (
            "answers-float-for-scale.toml",
            &[ProblemKind::UnknownQuestion],
            0,
        ),
        ("answers-unknown-option.toml", &[ProblemKind::BadAnswer], 0),
        ("answers-control-characters.toml", &[], 24),
    ];
    for (name, expected, kept) in cases {
        let source = Source::new(*name, read(name));
        let found = match Answers::parse(&source, &tree, Strictness::Strict) {
            Ok(_) => Vec::new(),
            Err(e) => kinds(e.problems()),
        };
        assert_eq!(found, expected.to_vec(), "{name}");
        let lenient = Answers::parse(&source, &tree, Strictness::Lenient).expect(name);
        assert_eq!(lenient.answers.values.len(), *kept, "{name}");
    }
}

#[test]
fn every_kept_input_names_its_target() {
    for entry in fs::read_dir(fixtures()).expect("tests/fixtures/fuzz exists") {
        let path = entry.expect("a readable directory entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(
            ["tree-", "answers-", "pipeline-"]
                .iter()
                .any(|p| name.starts_with(p)),
            "{name}: kept inputs are named <target>-<short-name>.<ext>"
        );
    }
}
