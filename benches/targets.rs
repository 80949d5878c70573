//! Measures each performance target of `docs/performance.md` and prints a table: target,
//! measured value, met or missed. It asserts nothing; it reports.
//!
//! `cargo bench --bench targets` (also run by `cargo bench`). Built with the bench profile,
//! which takes the release settings (LTO, one codegen unit, stripped), like the
//! `mlops-wizard` binary that cargo builds for it.
//!
//! * Process time: `mlops-wizard recommend` on the default tree (markdown and JSON, answers
//!   without a date so that today's is looked up), started as a process, against a trivial
//!   "hello world" built with the same profile: this bench binary itself, which prints a
//!   line and exits at once when started with `MLOPS_BENCH_HELLO=1`. The three are run
//!   interleaved.
//! * Peak memory of that `recommend` process: its own `ru_maxrss`, from `wait4`.
//! * Size of the `mlops-wizard` binary built for the bench (`target/release/mlops-wizard`).
//! * Load plus validation of generated trees of 10,000 and 100,000 questions, timed in
//!   five alternating rounds, and the median of the rounds' ratios; the peak memory of a
//!   process that loads the 10,000-question tree (this bench binary, started with
//!   `MLOPS_BENCH_LOAD=FILE`, reports its own `VmHWM`).
//! * A key press (update plus render into a `TestBackend`) at 200x60 on the default tree.
//! * Bytes written to the terminal per key press: frames drawn through ratatui's
//!   `CrosstermBackend` into a counting sink.
//! * `validate` of a 4 MB question tree written on one line, and `recommend` with a 4 MB
//!   answers file on one line, as processes: every question (every answer) is a problem
//!   on that one line, which once made showing the problems quadratic.

#[path = "support/drive.rs"]
mod drive;
#[path = "support/one_line.rs"]
mod one_line;
#[path = "support/tree_gen.rs"]
mod tree_gen;

use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode};
use mlops_wizard::Tree;
use mlops_wizard::model::Kind;
use mlops_wizard::tui::app::{App, ScreenId};
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

const HELLO_VAR: &str = "MLOPS_BENCH_HELLO";
/// Started with this variable set to a tree file, the bench binary only loads and
/// validates that tree and exits: its peak memory is that of the load.
const LOAD_VAR: &str = "MLOPS_BENCH_LOAD";
const WIZARD: &str = env!("CARGO_BIN_EXE_mlops-wizard");
const STARTUP_ANSWERS: &str = include_str!("../examples/startup-open-source.toml");

fn main() {
    if std::env::var_os(HELLO_VAR).is_some() {
        println!("Hello, world!");
        return;
    }
    if let Some(path) = std::env::var_os(LOAD_VAR) {
        let tree = Tree::load(Path::new(&path)).expect("a valid tree");
        // The high-water mark of this process's own memory: unlike the `ru_maxrss` the
        // parent gets from `wait4`, it does not count what the process had between fork
        // and exec, a copy of the large bench process.
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let hwm = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .unwrap_or("0 kB")
            .trim()
            .trim_end_matches(" kB")
            .to_string();
        println!("{hwm}");
        drop(tree);
        return;
    }
    // `cargo bench -- FILTER` passes arguments meant for criterion; `--list` asks what runs.
    if std::env::args().any(|a| a == "--list") {
        println!("targets: bench");
        return;
    }
    // `cargo bench --bench targets -- load` measures only the groups whose name contains
    // `load`; cargo itself passes `--bench`.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let groups: [(&str, Measure); 6] = [
        ("process", process_targets),
        ("size", binary_size),
        ("keys", keypress_time),
        ("bytes", keypress_bytes),
        ("load", load_scaling),
        ("one-line", one_line_targets),
    ];
    let mut table = Table::default();
    for (name, measure) in groups {
        if filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str())) {
            measure(&mut table);
        }
    }
    table.print();
}

// ---------------------------------------------------------------------------------------
// The table.

/// A group of measurements, adding its rows to the table.
type Measure = fn(&mut Table);

#[derive(Default)]
struct Table {
    rows: Vec<(String, String, String, Option<bool>)>,
}

impl Table {
    /// A row; `met` is `None` for a measurement without a target of its own.
    fn row(&mut self, what: &str, target: &str, measured: String, met: Option<bool>) {
        eprintln!("  {what}: {measured}");
        self.rows
            .push((what.to_string(), target.to_string(), measured, met));
    }

    fn print(&self) {
        let mut out = String::from("\n| measurement | target | measured | |\n|---|---|---|---|\n");
        for (what, target, measured, met) in &self.rows {
            let verdict = match met {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "",
            };
            out.push_str(&format!("| {what} | {target} | {measured} | {verdict} |\n"));
        }
        print!("{out}");
        let _ = io::stdout().flush();
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

// ---------------------------------------------------------------------------------------
// Whole processes: time and peak memory.

/// One run of a child process: wall time from spawn to exit, and its peak resident set.
struct Run {
    wall: Duration,
    max_rss_kib: i64,
}

// The child is reaped with `wait4` (for its own resource usage), not `Child::wait`.
#[allow(clippy::zombie_processes)]
fn run(cmd: &mut Command) -> Run {
    let start = Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the process starts");
    let pid = i32::try_from(child.id()).expect("a pid fits in i32");
    let mut status = 0;
    // SAFETY: `rusage` is plain data; `wait4` fills it for this child, which we reap here
    // (the `Child` handle is never waited on).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(reaped, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the process failed: {cmd:?}"
    );
    Run {
        wall,
        max_rss_kib: usage.ru_maxrss,
    }
}

fn hello() -> Command {
    let mut cmd = Command::new(std::env::current_exe().expect("own path"));
    cmd.env(HELLO_VAR, "1");
    cmd
}

/// `recommend` of `answers` (which have no date, so today's date is looked up, as in
/// most runs), in markdown or JSON, without a configuration file.
fn recommend(answers: &Path, json: bool) -> Command {
    let mut cmd = Command::new(WIZARD);
    cmd.env("MLOPS_WIZARD_CONFIG", "")
        .arg("recommend")
        .arg("--answers")
        .arg(answers);
    if json {
        cmd.args(["--format", "json"]);
    }
    cmd
}

fn process_targets(table: &mut Table) {
    eprintln!("process time and memory ({WIZARD})");
    const RUNS: usize = 50;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let answers = dir.path().join("answers.toml");
    let undated: String = STARTUP_ANSWERS
        .lines()
        .filter(|l| !l.starts_with("date ="))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&answers, undated).expect("write the answers");
    for _ in 0..5 {
        run(&mut hello()); // warm the page cache
        run(&mut recommend(&answers, false));
        run(&mut recommend(&answers, true));
    }
    // Interleaved, so that a busy moment of the machine falls on all three alike.
    let (mut hello_times, mut md_times, mut json_times, mut rss) = (vec![], vec![], vec![], vec![]);
    for _ in 0..RUNS {
        hello_times.push(run(&mut hello()).wall);
        let r = run(&mut recommend(&answers, false));
        md_times.push(r.wall);
        rss.push(r.max_rss_kib);
        json_times.push(run(&mut recommend(&answers, true)).wall);
    }
    let h = median(hello_times);
    table.row(
        "hello world, same profile, whole process (median of 50)",
        "",
        ms(h),
        None,
    );
    for (format, times) in [("markdown", md_times), ("JSON", json_times)] {
        let r = median(times);
        let ratio = r.as_secs_f64() / h.as_secs_f64();
        table.row(
            &format!("`recommend` on the default tree, {format}, whole process (median of 50)"),
            "",
            ms(r),
            None,
        );
        table.row(
            &format!("`recommend` ({format}) / hello world"),
            "<= 1.6x (aim 1.3x)",
            format!("{ratio:.2}x"),
            Some(ratio <= 1.6),
        );
    }
    let peak = rss.iter().copied().max().unwrap_or(0);
    let mib = peak as f64 / 1024.0;
    table.row(
        "peak memory (max RSS) of `recommend` on the default tree",
        "< 10 MB",
        format!("{mib:.1} MiB ({:.1} MB)", peak as f64 * 1024.0 / 1e6),
        Some(peak as f64 * 1024.0 < 10e6),
    );
}

/// `validate` and `recommend` on 4 MB inputs written on one line, whole processes, wall
/// time (median of 3). Both exit 2, listing tens of thousands of problems.
fn one_line_targets(table: &mut Table) {
    eprintln!("one-line inputs of 4 MB");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let tree = dir.path().join("one-line-tree.toml");
    let answers = dir.path().join("one-line-answers.toml");
    std::fs::write(&tree, one_line::tree(4 << 20)).expect("write the tree");
    std::fs::write(&answers, one_line::answers(4 << 20)).expect("write the answers");
    let time = |args: &[&std::ffi::OsStr]| {
        let runs = (0..3)
            .map(|_| {
                let start = Instant::now();
                let status = Command::new(WIZARD)
                    .args(args)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .expect("the process starts");
                assert_eq!(status.code(), Some(2), "{args:?} refuses its input");
                start.elapsed()
            })
            .collect();
        median(runs)
    };
    let v = time(&["validate".as_ref(), tree.as_os_str()]);
    table.row(
        "`validate` of a 4 MB tree on one line, 12,000 problems, whole process (median of 3)",
        "< 2 s",
        ms(v),
        Some(v < Duration::from_secs(2)),
    );
    let r = time(&[
        "recommend".as_ref(),
        "--answers".as_ref(),
        answers.as_os_str(),
    ]);
    table.row(
        "`recommend` with a 4 MB answers file on one line, 55,000 problems, whole process (median of 3)",
        "< 2 s",
        ms(r),
        Some(r < Duration::from_secs(2)),
    );
}

fn binary_size(table: &mut Table) {
    let path = Path::new(WIZARD);
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    table.row(
        "size of `mlops-wizard` (bench profile = release: LTO, 1 codegen unit, stripped)",
        "< 5 MB",
        format!("{:.2} MB ({bytes} bytes)", bytes as f64 / 1e6),
        Some(bytes > 0 && bytes < 5_000_000),
    );
}

// ---------------------------------------------------------------------------------------
// Key presses.

/// Median time of `presses` alternating presses of `keys` on `app`, drawn at its size.
fn time_presses(mut app: App, keys: [KeyCode; 2], presses: usize) -> Duration {
    let (w, h) = (app.size.width, app.size.height);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    drive::draw(&app, &mut terminal);
    let events = keys.map(drive::key);
    let mut times = Vec::with_capacity(presses);
    for i in 0..presses {
        let start = Instant::now();
        assert!(drive::press(&mut app, &mut terminal, &events[i % 2]));
        times.push(start.elapsed());
    }
    median(times)
}

/// The wizard on the question screen at a question of `kind`, or on the verdict screen.
fn prepared(tree: &Tree, answers: &str, size: (u16, u16), at: Option<Kind>) -> App {
    let answers = drive::answers(tree, answers);
    let mut app = drive::app(tree.clone(), Some(answers), size.0, size.1);
    match at {
        Some(kind) => drive::go_to_kind(&mut app, kind),
        None => {
            drive::go_to_verdict(&mut app);
            assert_eq!(app.screen, ScreenId::Verdict);
        }
    }
    app
}

fn keypress_time(table: &mut Table) {
    eprintln!("key presses");
    let default = Tree::default_tree();
    let n = 10_000;
    let generated = Tree::parse("generated.toml", &tree_gen::generate(n, 42)).expect("valid");
    let generated_answers = tree_gen::answers(n);
    let cases: [(&str, Option<Kind>, [KeyCode; 2]); 3] = [
        (
            "Down/Up on a question",
            Some(Kind::Single),
            [KeyCode::Down, KeyCode::Up],
        ),
        (
            "Space (tick, untick) on a multiple-choice question",
            Some(Kind::Multiple),
            [KeyCode::Char(' '), KeyCode::Char(' ')],
        ),
        ("Down/Up on the verdict", None, [KeyCode::Down, KeyCode::Up]),
    ];
    for (name, at, keys) in cases {
        let app = prepared(&default, STARTUP_ANSWERS, (200, 60), at);
        let t = time_presses(app, keys, 2_000);
        table.row(
            &format!("key press, update + render at 200x60, default tree: {name} (median)"),
            "< 0.5 ms",
            ms(t),
            Some(t < Duration::from_micros(500)),
        );
    }
    for (name, at, keys) in cases {
        let app = prepared(&generated, &generated_answers, (200, 60), at);
        let t = time_presses(app, keys, 200);
        table.row(
            &format!("key press at 200x60, 10,000-question tree: {name} (median)"),
            "",
            ms(t),
            None,
        );
    }
}

/// A `Write` that counts the bytes and keeps none.
#[derive(Clone, Default)]
struct Counter(std::rc::Rc<std::cell::Cell<usize>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn crossterm_terminal(
    counter: &Counter,
    (w, h): (u16, u16),
) -> Terminal<CrosstermBackend<Counter>> {
    Terminal::with_options(
        CrosstermBackend::new(counter.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )
    .expect("a terminal over the counter")
}

/// Average bytes written per press of each of `events`, in turn, `rounds` times over.
fn bytes_per_press(
    app: &mut App,
    terminal: &mut Terminal<CrosstermBackend<Counter>>,
    counter: &Counter,
    events: &[Event],
    rounds: usize,
) -> f64 {
    let before = counter.0.get();
    let mut presses = 0;
    for _ in 0..rounds {
        for e in events {
            assert!(drive::press(app, terminal, e));
            presses += 1;
        }
    }
    (counter.0.get() - before) as f64 / presses as f64
}

fn keypress_bytes(table: &mut Table) {
    eprintln!("bytes per key press");
    let tree = Tree::default_tree();
    for size in [(80, 24), (200, 60)] {
        let label = format!("{}x{}", size.0, size.1);
        let counter = Counter::default();
        let mut terminal = crossterm_terminal(&counter, size);
        // A fresh walk, on the first choice question.
        let mut app = drive::app(tree.clone(), None, size.0, size.1);
        drive::go_to_kind(&mut app, Kind::Single);
        drive::draw(&app, &mut terminal);
        let first = counter.0.get();
        table.row(
            &format!("bytes of the first full frame, question screen, {label}"),
            "",
            format!("{first} B"),
            None,
        );
        let down = [drive::key(KeyCode::Down), drive::key(KeyCode::Up)];
        let b = bytes_per_press(&mut app, &mut terminal, &counter, &down, 10);
        table.row(
            &format!("bytes per key press: Down/Up on a question, {label}"),
            "only changed cells",
            format!("{b:.0} B"),
            None,
        );
        // Enter answers with the highlighted option and opens the next question.
        let enter = [drive::key(KeyCode::Enter)];
        let mut rounds = 0;
        let before = counter.0.get();
        while app.screen == ScreenId::Question && app.current().kind != Kind::Text && rounds < 8 {
            assert!(drive::press(&mut app, &mut terminal, &enter[0]));
            rounds += 1;
        }
        let b = (counter.0.get() - before) as f64 / rounds.max(1) as f64;
        table.row(
            &format!("bytes per key press: Enter to the next question ({rounds} presses), {label}"),
            "only changed cells",
            format!("{b:.0} B"),
            None,
        );
        // The verdict screen, with every answer of the startup example.
        let answers = drive::answers(&tree, STARTUP_ANSWERS);
        let mut app = drive::app(tree.clone(), Some(answers), size.0, size.1);
        drive::go_to_verdict(&mut app);
        let before = counter.0.get();
        drive::draw(&app, &mut terminal);
        let screen_change = counter.0.get() - before;
        table.row(
            &format!("bytes to switch to the verdict screen (whole screen changes), {label}"),
            "",
            format!("{screen_change} B"),
            None,
        );
        let down = [drive::key(KeyCode::Down), drive::key(KeyCode::Up)];
        let b = bytes_per_press(&mut app, &mut terminal, &counter, &down, 10);
        table.row(
            &format!("bytes per key press: criterion change on the verdict, {label}"),
            "only changed cells",
            format!("{b:.0} B"),
            None,
        );
    }
}

// ---------------------------------------------------------------------------------------
// Load plus validation of large trees.

/// Median time of `Tree::parse` over `runs` runs (the drop of the tree left out).
fn time_load(text: &str, runs: usize) -> Duration {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let tree = Tree::parse("generated.toml", text).expect("valid");
        times.push(start.elapsed());
        drop(tree);
    }
    median(times)
}

/// Rounds of (10,000-question loads, then 100,000-question loads) for the ratio.
const SCALING_ROUNDS: usize = 5;

fn load_scaling(table: &mut Table) {
    for style in [tree_gen::Style::Verbose, tree_gen::Style::Lean] {
        let name = match style {
            tree_gen::Style::Verbose => "verbose",
            tree_gen::Style::Lean => "lean",
        };
        eprintln!("load + validate, {name} trees");
        let small = tree_gen::generate_styled(10_000, 42, style);
        // Peak memory of a process that reads the file and loads it once (the text
        // included), as `mlops-wizard validate` would.
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("tree.toml");
        std::fs::write(&file, &small).expect("write the tree");
        let out = Command::new(std::env::current_exe().expect("own path"))
            .env(LOAD_VAR, &file)
            .output()
            .expect("the load process runs");
        let peak_kib: f64 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .unwrap_or(f64::NAN);
        let peak_mb = peak_kib * 1024.0 / 1e6;
        table.row(
            &format!("peak memory of loading the 10,000-question {name} tree, whole process"),
            "< 100 MB",
            format!("{peak_mb:.0} MB"),
            Some(peak_mb < 100.0),
        );
        let per_q = small.len() / 10_000;
        let large = tree_gen::generate_styled(100_000, 42, style);
        // The two sizes are timed in alternating rounds, so that a slower spell of the
        // machine falls on one round's ratio rather than deciding the result.
        let mut rounds = Vec::with_capacity(SCALING_ROUNDS);
        for _ in 0..SCALING_ROUNDS {
            let t10 = time_load(&small, 9);
            let t100 = time_load(&large, 5);
            eprintln!("  round: {} and {}", ms(t10), ms(t100));
            rounds.push((t10, t100));
        }
        drop((small, large));
        let t10 = median(rounds.iter().map(|r| r.0).collect());
        let t100 = median(rounds.iter().map(|r| r.1).collect());
        table.row(
            &format!(
                "load + validate, 10,000 questions, {name} ({per_q} B/question) \
                 (median of {SCALING_ROUNDS} rounds' medians of 9)"
            ),
            "< 150 ms (aim 100 ms)",
            ms(t10),
            Some(t10 < Duration::from_millis(150)),
        );
        table.row(
            &format!(
                "load + validate, 100,000 questions, {name} \
                 (median of {SCALING_ROUNDS} rounds' medians of 5)"
            ),
            "",
            ms(t100),
            None,
        );
        let mut ratios: Vec<f64> = rounds
            .iter()
            .map(|(t10, t100)| t100.as_secs_f64() / t10.as_secs_f64())
            .collect();
        let each = ratios
            .iter()
            .map(|r| format!("{r:.1}x"))
            .collect::<Vec<_>>()
            .join(", ");
        ratios.sort_by(f64::total_cmp);
        let ratio = ratios[ratios.len() / 2];
        table.row(
            &format!("100,000 / 10,000 questions, {name} (median of the rounds' ratios)"),
            "<= 11x",
            format!("{ratio:.1}x (rounds: {each})"),
            Some(ratio <= 11.0),
        );
    }
}
