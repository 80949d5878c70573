//! One wizard key press end to end: the key event becomes an action, `update` applies it
//! (with the session text it asks to save), and the whole frame is drawn into ratatui's
//! `TestBackend`, at 80x24 and 200x60, on the built-in tree and on a generated tree of
//! 10,000 questions (half of them answered).
//!
//! Three presses, each alternating so the state returns to where it started:
//! * `move`: Down / Up on a single-choice question (the cursor moves);
//! * `tick`: Space on a multiple-choice question, ticking and unticking an option (the
//!   answer changes: the flow and the recommendation are recomputed, the session text is
//!   built);
//! * `verdict`: Down / Up on the verdict screen (another criterion is selected).
//!
//! `cargo bench --bench wizard`; `docs/performance.md` has the results.

#[path = "support/drive.rs"]
mod drive;
#[path = "support/tree_gen.rs"]
mod tree_gen;

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::KeyCode;
use mlops_wizard::Tree;
use mlops_wizard::model::Kind;
use mlops_wizard::tui::app::{App, ScreenId};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];
const STARTUP_ANSWERS: &str = include_str!("../examples/startup-open-source.toml");

/// The trees: the built-in one with the example answers, and a generated one.
fn trees() -> Vec<(&'static str, Tree, String)> {
    let n = 10_000;
    vec![
        ("default", Tree::default_tree(), STARTUP_ANSWERS.to_string()),
        (
            "generated_10000",
            Tree::parse("generated.toml", &tree_gen::generate(n, 42)).expect("valid"),
            tree_gen::answers(n),
        ),
    ]
}

/// Benchmarks alternating presses of `keys` on a prepared wizard.
fn bench_presses(
    c: &mut Criterion,
    name: &str,
    id: String,
    mut app: App,
    (width, height): (u16, u16),
    keys: [KeyCode; 2],
) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test backend");
    drive::draw(&app, &mut terminal);
    let events = keys.map(drive::key);
    let mut group = c.benchmark_group(format!("keypress_{name}"));
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(50);
    let mut turn = 0;
    group.bench_function(BenchmarkId::from_parameter(id), |b| {
        b.iter(|| {
            turn ^= 1;
            assert!(drive::press(&mut app, &mut terminal, &events[turn]));
        })
    });
    group.finish();
}

fn keypress(c: &mut Criterion) {
    for (tree_name, tree, answers_text) in trees() {
        let answers = drive::answers(&tree, &answers_text);
        for size in SIZES {
            let id = format!("{tree_name}/{}x{}", size.0, size.1);

            let mut app = drive::app(tree.clone(), Some(answers.clone()), size.0, size.1);
            drive::go_to_kind(&mut app, Kind::Single);
            bench_presses(
                c,
                "move",
                id.clone(),
                app,
                size,
                [KeyCode::Down, KeyCode::Up],
            );

            let mut app = drive::app(tree.clone(), Some(answers.clone()), size.0, size.1);
            drive::go_to_kind(&mut app, Kind::Multiple);
            let keys = [KeyCode::Char(' '), KeyCode::Char(' ')];
            bench_presses(c, "tick", id.clone(), app, size, keys);

            let mut app = drive::app(tree.clone(), Some(answers.clone()), size.0, size.1);
            drive::go_to_verdict(&mut app);
            assert_eq!(app.screen, ScreenId::Verdict);
            bench_presses(c, "verdict", id, app, size, [KeyCode::Down, KeyCode::Up]);
        }
    }
}

criterion_group!(benches, keypress);
criterion_main!(benches);
