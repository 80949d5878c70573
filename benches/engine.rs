//! Benchmarks of the engine: loading and validating question trees (the built-in one and
//! generated ones of 100 to 100,000 questions, in the verbose and the lean style), the
//! recommender, and the markdown and JSON reports.
//!
//! `cargo bench --bench engine`; `docs/performance.md` has the results and how to read them.
//! The trees are generated in memory by `support/tree_gen.rs` (the same generator as
//! `cargo run --release --example gen_tree -- N`). Trees of 10,000 questions and more are
//! parsed with `Tree::parse`, which has no size limit; the command line refuses files over
//! 16 MiB (`load::MAX_FILE_BYTES`), which the verbose 100,000-question tree (142 MB) is.

#[path = "support/tree_gen.rs"]
mod tree_gen;

use std::hint::black_box;
use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use mlops_wizard::load::{DEFAULT_TREE, DEFAULT_TREE_NAME};
use mlops_wizard::source::Source;
use mlops_wizard::{Answers, Recommendation, ReportInput, Strictness, Tree, report, robustness};
use tree_gen::Style;

const SEED: u64 = 42;
const SIZES: [usize; 4] = [100, 1_000, 10_000, 100_000];
const STARTUP_ANSWERS: &str = include_str!("../examples/startup-open-source.toml");

fn style_name(style: Style) -> &'static str {
    match style {
        Style::Verbose => "verbose",
        Style::Lean => "lean",
    }
}

/// Fewer, longer samples for the large trees, so `cargo bench` stays within minutes.
fn tune(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, n: usize) {
    match n {
        0..=1_000 => {
            group.sample_size(50);
            group.sampling_mode(SamplingMode::Auto);
            group.measurement_time(Duration::from_secs(3));
        }
        1_001..=10_000 => {
            group.sample_size(10);
            group.sampling_mode(SamplingMode::Flat);
            group.measurement_time(Duration::from_secs(5));
        }
        _ => {
            // Several seconds an iteration: ten samples of one iteration each.
            group.sample_size(10);
            group.sampling_mode(SamplingMode::Flat);
            group.measurement_time(Duration::from_secs(40));
        }
    }
}

fn load_validate(c: &mut Criterion) {
    let mut group = c.benchmark_group("load_validate");
    group.warm_up_time(Duration::from_secs(1));
    tune(&mut group, 0);
    group.throughput(Throughput::Bytes(DEFAULT_TREE.len() as u64));
    group.bench_function("default", |b| {
        b.iter_with_large_drop(|| Tree::parse(DEFAULT_TREE_NAME, black_box(DEFAULT_TREE)))
    });
    for n in SIZES {
        for style in [Style::Verbose, Style::Lean] {
            let text = tree_gen::generate_styled(n, SEED, style);
            tune(&mut group, n);
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::new(style_name(style), n), &text, |b, text| {
                // The drop of the tree is left out: it is not part of loading.
                b.iter_with_large_drop(|| Tree::parse("generated.toml", black_box(text)))
            });
        }
    }
    group.finish();
}

/// The default tree with the answers of `examples/startup-open-source.toml`.
fn default_case() -> (Tree, Answers) {
    let tree = Tree::default_tree();
    let answers = Answers::parse(
        &Source::new("startup-open-source.toml", STARTUP_ANSWERS),
        &tree,
        Strictness::Strict,
    )
    .expect("the example answers fit the default tree")
    .answers;
    (tree, answers)
}

/// A generated tree with every other question answered (answers hidden by branching are
/// dropped, as `recommend --lenient` does).
fn generated_case(n: usize) -> (Tree, Answers) {
    let tree = Tree::parse("generated.toml", &tree_gen::generate(n, SEED)).expect("valid");
    let answers = Answers::parse(
        &Source::new("answers.toml", tree_gen::answers(n)),
        &tree,
        Strictness::Lenient,
    )
    .expect("answers load")
    .answers;
    (tree, answers)
}

fn recommend(c: &mut Criterion) {
    let mut group = c.benchmark_group("recommend");
    group.warm_up_time(Duration::from_secs(1));
    tune(&mut group, 0);
    let (tree, answers) = default_case();
    group.bench_function("default", |b| {
        b.iter(|| Recommendation::new(black_box(&tree), black_box(&answers)))
    });
    for n in [1_000, 10_000, 100_000] {
        let (tree, answers) = generated_case(n);
        // The recommender is fast even on large trees: the normal sample sizes fit.
        tune(&mut group, n.min(10_000));
        group.bench_with_input(BenchmarkId::new("generated", n), &n, |b, _| {
            b.iter(|| Recommendation::new(black_box(&tree), black_box(&answers)))
        });
    }
    group.finish();
}

/// The scenarios of `tests/fixtures/scenarios/` whose robustness search does the most
/// work: a robust verdict (every pair searched, then three-answer candidates), a fragile
/// one, and one with most questions open.
const ROBUSTNESS_CASES: [(&str, &str); 3] = [
    (
        "robust",
        include_str!("../tests/fixtures/scenarios/regulated-bank-own-dc.toml"),
    ),
    (
        "fragile",
        include_str!("../tests/fixtures/scenarios/fintech-mid-size.toml"),
    ),
    (
        "mostly_open",
        include_str!("../tests/fixtures/scenarios/mostly-unanswered.toml"),
    ),
];

/// Robustness and tipping points on the default tree: the target is under 20 ms.
fn robustness(c: &mut Criterion) {
    let mut group = c.benchmark_group("robustness");
    group.warm_up_time(Duration::from_secs(1));
    tune(&mut group, 0);
    let tree = Tree::default_tree();
    for (name, text) in ROBUSTNESS_CASES {
        let answers = Answers::parse(&Source::new(name, text), &tree, Strictness::Strict)
            .expect("the scenario fits the default tree")
            .answers;
        let quick = Recommendation::quick(&tree, &answers);
        group.bench_function(name, |b| {
            b.iter(|| robustness::analyse(black_box(&tree), black_box(&answers), &quick))
        });
    }
    group.finish();
}

fn reports(c: &mut Criterion) {
    let mut group = c.benchmark_group("report");
    group.warm_up_time(Duration::from_secs(1));
    tune(&mut group, 0);
    let cases = [
        ("default", default_case()),
        ("generated_10000", generated_case(10_000)),
    ];
    for (name, (tree, answers)) in &cases {
        let recommendation = Recommendation::new(tree, answers);
        let input = ReportInput {
            tree,
            answers,
            recommendation: &recommendation,
            date: "2026-11-28",
            catalog: None,
            team: None,
        };
        group.bench_function(BenchmarkId::new("markdown", name), |b| {
            b.iter(|| report::to_markdown(black_box(&input)))
        });
        group.bench_function(BenchmarkId::new("json", name), |b| {
            b.iter(|| report::to_json(black_box(&input)))
        });
    }
    group.finish();
}

criterion_group!(benches, load_validate, recommend, robustness, reports);
criterion_main!(benches);
