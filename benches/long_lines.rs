//! Problems on one long line: a 4 MB question tree written on one line with a problem in
//! every question, and a 4 MB answers file written as one inline table whose every key is
//! unknown. Loading them and writing out every problem (what `validate` and `recommend`
//! print) must stay linear in the size of the file.
//!
//! `cargo bench --bench long_lines`; `docs/performance.md` has the results. The whole
//! processes are timed by `cargo bench --bench targets`.

#[path = "support/one_line.rs"]
mod one_line;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use mlops_wizard::source::Source;
use mlops_wizard::{Answers, Strictness, Tree};

fn one_line_4mb(c: &mut Criterion) {
    let tree_text = one_line::tree(4 << 20);
    let answers_text = one_line::answers(4 << 20);
    let tree = Tree::default_tree();
    let mut group = c.benchmark_group("one_line_4mb");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("tree_problems", |b| {
        b.iter(|| {
            let err = Tree::parse("tree.toml", &tree_text).expect_err("every question is wrong");
            black_box(err.to_string().len())
        });
    });
    group.bench_function("answers_problems", |b| {
        b.iter(|| {
            let source = Source::new("answers.toml", answers_text.clone());
            let err = Answers::parse(&source, &tree, Strictness::Strict)
                .expect_err("every answer is unknown");
            black_box(err.to_string().len())
        });
    });
    group.finish();
}

criterion_group!(benches, one_line_4mb);
criterion_main!(benches);
