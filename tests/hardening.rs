//! Hostile input and faults (issue: hardening): resource limits, deep nesting, huge texts,
//! large trees, writes that fail. Each test checks that the outcome is a clear error or a
//! working result, never a panic. See docs/reliability.md for the full list.

#[path = "../benches/support/one_line.rs"]
mod one_line;
#[path = "../benches/support/tree_gen.rs"]
mod tree_gen;

use std::fs;
use std::path::Path;
use std::process::Command;

use mlops_wizard::answers::{Answers, MAX_TEXT_CHARS, Strictness};
use mlops_wizard::error::ProblemKind;
use mlops_wizard::report::{self, ReportInput};
use mlops_wizard::source::Source;
use mlops_wizard::tui::app::{Action, App, ScreenId, StartOptions, update};
use mlops_wizard::tui::keys::Cmd;
use mlops_wizard::{Recommendation, Tree};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const MINIMAL: &str = include_str!("fixtures/trees/valid/minimal.toml");

fn render(app: &App, width: u16, height: u16) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(app, f.area())).unwrap();
}

fn app(tree: Tree) -> App {
    App::new(
        tree,
        StartOptions {
            date: "2026-11-28".into(),
            no_color: true,
            ..StartOptions::default()
        },
    )
}

#[test]
fn deeply_nested_toml_is_a_syntax_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let tree = format!("{MINIMAL}\n[extra]\nx = {deep}\n");
    let err = Tree::parse("deep.toml", &tree).expect_err("refused");
    assert_eq!(err.problems()[0].kind, ProblemKind::Syntax);
    let answers = format!(
        "[answers]\nq = {}1{}\n",
        "{a=".repeat(50_000),
        "}".repeat(50_000)
    );
    let t = Tree::parse("minimal.toml", MINIMAL).unwrap();
    let err = Answers::parse(
        &Source::new("deep-answers.toml", answers),
        &t,
        Strictness::Lenient,
    )
    .expect_err("refused");
    assert_eq!(err.problems()[0].kind, ProblemKind::Syntax);
}

#[test]
fn deeply_nested_conditions_load_or_fail_cleanly() {
    // Nesting that TOML accepts reaches the engine's own recursion (conversion, checks,
    // evaluation): it must either work or be a clear error.
    for depth in [50, 100, 200, 1000] {
        let mut cond = r#"{ question = "q", any_of = ["x"] }"#.to_string();
        for _ in 0..depth {
            cond = format!("{{ all = [{cond}] }}");
        }
        let text = format!(
            "{MINIMAL}\n[[questions]]\nid = \"f\"\nkind = \"text\"\nprompt = \"F?\"\nhelp = \"F.\"\nshow_if = {cond}\n"
        );
        match Tree::parse("nested.toml", &text) {
            Ok(tree) => {
                let mut answers = Answers::default();
                answers
                    .values
                    .insert("q".into(), mlops_wizard::Answer::Choice("x".into()));
                let flow = mlops_wizard::Flow::new(&tree, &answers);
                assert!(flow.is_shown(1), "depth {depth}: the follow-up shows");
            }
            Err(e) => assert_eq!(e.problems()[0].kind, ProblemKind::Syntax, "depth {depth}"),
        }
    }
}

#[test]
fn a_megabyte_free_text_answer_is_refused_naming_the_key() {
    let mut tree_text = MINIMAL.to_string();
    tree_text.push_str("\n[[questions]]\nid = \"notes\"\nkind = \"text\"\nprompt = \"Notes?\"\nhelp = \"Anything.\"\n");
    let tree = Tree::parse("t.toml", &tree_text).unwrap();
    let big = "x".repeat(1_000_000);
    let text = format!("[answers]\nq = \"x\"\nnotes = \"{big}\"\n");
    let source = Source::new("big.toml", text);
    let err = Answers::parse(&source, &tree, Strictness::Strict).expect_err("refused");
    let p = &err.problems()[0];
    assert_eq!(p.kind, ProblemKind::BadAnswer);
    assert_eq!(p.id.as_deref(), Some("notes"));
    assert!(
        p.message.contains(&MAX_TEXT_CHARS.to_string()),
        "{}",
        p.message
    );
    assert!(p.line_text.chars().count() < 200, "the shown line is cut");
    // Lenient: the rest counts.
    let checked = Answers::parse(&source, &tree, Strictness::Lenient).unwrap();
    assert_eq!(checked.answers.values.len(), 1);
    assert_eq!(checked.dropped.len(), 1);
}

#[test]
fn the_wizard_stops_typing_at_the_text_limit() {
    let mut tree_text = MINIMAL.to_string();
    tree_text.push_str("\n[[questions]]\nid = \"notes\"\nkind = \"text\"\nprompt = \"Notes?\"\nhelp = \"Anything.\"\n");
    let mut app = app(Tree::parse("t.toml", &tree_text).unwrap());
    update(&mut app, Action::Cmd(Cmd::Start));
    update(&mut app, Action::Cmd(Cmd::Choose)); // q = x
    assert_eq!(app.current().id, "notes");
    update(&mut app, Action::Paste("y".repeat(MAX_TEXT_CHARS + 500)));
    assert_eq!(app.question.text.value().chars().count(), MAX_TEXT_CHARS);
    render(&app, 80, 24);
    update(&mut app, Action::Cmd(Cmd::Choose));
    let saved = app.effective_answers().to_toml(&app.tree);
    let back = Answers::parse(&Source::new("s", saved), &app.tree, Strictness::Strict);
    assert!(back.is_ok(), "what the wizard saves, it can read back");
}

#[test]
fn ten_thousand_character_texts_load_render_and_report() {
    let long = "Very long label ".repeat(625); // 10,000 characters
    let text = MINIMAL
        .replace(
            "label = \"X\"",
            &format!("label = \"{long}\"\ndescription = \"{long}\""),
        )
        .replace("prompt = \"Which one?\"", &format!("prompt = \"{long}\""))
        .replace("help = \"Pick one.\"", &format!("help = \"{long}\""))
        .replace("title = \"Criterion C\"", &format!("title = \"{long}\""));
    let tree = Tree::parse("long.toml", &text).expect("long texts are fine");
    let mut app = app(tree);
    for (w, h) in [(80, 24), (200, 60), (60, 16), (20, 5), (1, 1)] {
        render(&app, w, h);
    }
    update(&mut app, Action::Cmd(Cmd::Start));
    for (w, h) in [(80, 24), (200, 60), (60, 16)] {
        render(&app, w, h);
    }
    update(&mut app, Action::Cmd(Cmd::Choose));
    for screen in [
        ScreenId::Verdict,
        ScreenId::Export,
        ScreenId::Review,
        ScreenId::People,
    ] {
        app.go(screen);
        for (w, h) in [(80, 24), (200, 60), (60, 16)] {
            render(&app, w, h);
        }
    }
    update(&mut app, Action::Cmd(Cmd::Help));
    render(&app, 80, 24);
    let answers = app.effective_answers();
    let rec = Recommendation::new(&app.tree, &answers);
    let input = ReportInput {
        tree: &app.tree,
        answers: &answers,
        recommendation: &rec,
        date: "2026-11-28",
        catalog: None,
        team: None,
    };
    assert!(report::to_markdown(&input).contains("Very long label"));
    assert!(report::to_json(&input).contains("Very long label"));
}

#[test]
fn a_generated_tree_of_two_thousand_questions_works_end_to_end() {
    // The 10,000- and 100,000-question trees are measured by `cargo bench`; a debug test
    // keeps to a size that runs in a second or two.
    let n = 2_000;
    let tree = Tree::parse("gen.toml", &tree_gen::generate(n, 7)).expect("valid");
    assert_eq!(tree.questions.len(), n);
    let checked = Answers::parse(
        &Source::new("answers.toml", tree_gen::answers(n)),
        &tree,
        Strictness::Lenient,
    )
    .expect("answers load");
    let rec = Recommendation::new(&tree, &checked.answers);
    assert_eq!(rec.scores.len(), 3);
    let mut app = App::new(
        tree,
        StartOptions {
            answers: Some(checked.answers),
            skip_welcome: true,
            date: "2026-11-28".into(),
            no_color: true,
            ..StartOptions::default()
        },
    );
    for action in [
        Action::Cmd(Cmd::Down),
        Action::Cmd(Cmd::Choose),
        Action::Cmd(Cmd::GoTo),
        Action::Cmd(Cmd::Bottom),
    ] {
        update(&mut app, action);
        render(&app, 200, 60);
    }
}

fn wizard() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mlops-wizard"));
    // A configuration file of the machine's must not change what the tests see.
    cmd.env("MLOPS_WIZARD_CONFIG", "");
    cmd
}

fn example(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

#[test]
fn writing_over_a_folder_fails_cleanly_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.md");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("keep.txt"), "keep").unwrap();
    let out = wizard()
        .args(["recommend", "--force", "--answers"])
        .arg(example("partial.toml"))
        .arg("--output")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(
        !stderr.contains(".report.md."),
        "no temporary file name in the message: {stderr}"
    );
    assert_eq!(fs::read_to_string(target.join("keep.txt")).unwrap(), "keep");
    let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind");
}

#[test]
fn writing_into_a_read_only_place_is_a_clear_error() {
    // Root ignores permission bits, so use a file system that refuses new files (sysfs).
    let target = Path::new("/sys/kernel/mlops-report.md");
    if !Path::new("/sys/kernel").is_dir() {
        return; // no sysfs here (not Linux): nothing to check
    }
    let out = wizard()
        .args(["recommend", "--answers"])
        .arg(example("partial.toml"))
        .arg("--output")
        .arg(target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot write /sys/kernel/mlops-report.md"),
        "{stderr}"
    );
    assert!(!stderr.contains(".mlops-report.md."), "{stderr}");
}

#[test]
fn a_file_whose_folder_is_a_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain");
    fs::write(&file, "x").unwrap();
    let out = wizard()
        .args(["recommend", "--answers"])
        .arg(example("partial.toml"))
        .arg("--output")
        .arg(file.join("report.md"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is not a folder"), "{stderr}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn rules_out_pick_among_the_rest_and_warn_when_nothing_is_left() {
    let tree = Tree::parse(
        "rules-out.toml",
        include_str!("fixtures/trees/valid/rules-out.toml"),
    )
    .expect("valid");
    let answers = |pairs: &[(&str, &str)]| {
        let mut a = Answers::default();
        for (q, o) in pairs {
            a.values
                .insert((*q).into(), mlops_wizard::Answer::Choice((*o).into()));
        }
        a
    };
    // R = yes scores B higher, but X rules B out: A it is, decided by the exclusion.
    let rec = Recommendation::new(&tree, &answers(&[("q", "x"), ("r", "no")]));
    assert_eq!(rec.verdict, mlops_wizard::Verdict::Alternative(0));
    assert_eq!(rec.kind(), mlops_wizard::recommend::VerdictKind::Forced);
    // Both ruled out: the verdict ignores the exclusions and says so.
    let a = answers(&[("q", "x"), ("r", "yes")]);
    let rec = Recommendation::new(&tree, &a);
    assert!(rec.all_ruled_out);
    assert_eq!(
        rec.verdict,
        mlops_wizard::Verdict::Alternative(1),
        "B has more points"
    );
    let input = ReportInput {
        tree: &tree,
        answers: &a,
        recommendation: &rec,
        date: "2026-11-28",
        catalog: None,
        team: None,
    };
    assert!(report::to_markdown(&input).contains("rule out every option"));
}

#[test]
fn huge_points_and_weights_are_refused_so_scores_stay_finite() {
    let text = MINIMAL.replacen("points = 1.0", "points = 1e308", 1);
    let err = Tree::parse("huge.toml", &text).expect_err("refused");
    assert_eq!(err.problems()[0].kind, ProblemKind::BadNumber);
    assert!(
        err.problems()[0].message.contains("1e308"),
        "{}",
        err.problems()[0].message
    );
    let text = MINIMAL.replacen(
        "title = \"Criterion C\"",
        "title = \"Criterion C\"\nweight = 1e9",
        1,
    );
    let err = Tree::parse("heavy.toml", &text).expect_err("refused");
    assert_eq!(err.problems()[0].kind, ProblemKind::BadNumber);
}

/// Runs the binary with its output in files (tens of megabytes of problems), killing it if
/// it runs for more than `limit`; returns the exit code, standard error and the time taken.
fn run_with_limit(
    args: &[&std::ffi::OsStr],
    limit: std::time::Duration,
) -> (Option<i32>, String, std::time::Duration) {
    let dir = tempfile::tempdir().unwrap();
    let err_path = dir.path().join("stderr");
    let start = std::time::Instant::now();
    let mut child = wizard()
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let took = start.elapsed();
    (status.code(), fs::read_to_string(&err_path).unwrap(), took)
}

/// Every problem of a file used to copy its whole source line: on a file written on one
/// line, showing n problems took n times the line (17 s for a 1.86 MB tree, 51 s for a
/// 709 KB answers file). Now each problem costs the same however long its line; the
/// release figures are in docs/performance.md (`cargo bench --bench long_lines`). The
/// bound here is generous, for a debug build on a busy machine.
#[test]
fn four_megabytes_on_one_line_are_checked_in_linear_time() {
    let limit = std::time::Duration::from_secs(20);
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("one-line-tree.toml");
    fs::write(&tree, one_line::tree(4 << 20)).unwrap();
    let (code, stderr, took) = run_with_limit(&["validate".as_ref(), tree.as_os_str()], limit * 3);
    assert_eq!(
        code,
        Some(2),
        "{}",
        &stderr[stderr.len().saturating_sub(500)..]
    );
    assert!(
        stderr.contains("problems found"),
        "{}",
        &stderr[stderr.len().saturating_sub(500)..]
    );
    assert!(stderr.contains(":4:"), "the problems are on line 4");
    assert!(took < limit, "validate took {took:?}");
    let longest = stderr.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(
        longest < 400,
        "shown lines are cut: one has {longest} characters"
    );

    let answers = dir.path().join("one-line-answers.toml");
    fs::write(&answers, one_line::answers(4 << 20)).unwrap();
    let (code, stderr, took) = run_with_limit(
        &[
            "recommend".as_ref(),
            "--answers".as_ref(),
            answers.as_os_str(),
        ],
        limit * 3,
    );
    assert_eq!(
        code,
        Some(2),
        "{}",
        &stderr[stderr.len().saturating_sub(500)..]
    );
    assert!(
        stderr.contains("error[unknown-question]"),
        "{}",
        &stderr[..500.min(stderr.len())]
    );
    assert!(took < limit, "recommend took {took:?}");
}

/// The size limit used to hold for regular files only: `--answers /dev/zero` grew without
/// end, and a FIFO nobody wrote to waited forever. Now every kind of file is capped while
/// it is read, and reading anything but a regular file gives up after a while with no data.
#[cfg(unix)]
#[test]
fn devices_pipes_and_fifos_are_capped_and_never_wait_forever() {
    use std::io::Write as _;
    let limit = std::time::Duration::from_secs(60);
    let (code, stderr, _) = run_with_limit(
        &[
            "recommend".as_ref(),
            "--answers".as_ref(),
            "/dev/zero".as_ref(),
        ],
        limit,
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("error[too-large]"), "{stderr}");

    // A pipe as a path (`/dev/stdin`, as `<(command)` gives), and as `-`.
    for answers in ["/dev/stdin", "-"] {
        let mut child = wizard()
            .args(["recommend", "--answers", answers])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let feeder = std::thread::spawn(move || {
            let chunk = vec![b'#'; 1 << 20];
            // Stops when the reader has had enough and closes the pipe.
            for _ in 0..64 {
                if stdin.write_all(&chunk).is_err() {
                    break;
                }
            }
        });
        let out = child.wait_with_output().unwrap();
        feeder.join().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{answers}: {stderr}");
        assert!(
            stderr.contains("larger than the limit"),
            "{answers}: {stderr}"
        );
    }

    // A FIFO with no writer: an error after a while, not a wait without end.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("answers.fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let (code, stderr, _) = run_with_limit(
        &["recommend".as_ref(), "--answers".as_ref(), fifo.as_os_str()],
        limit,
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("is anything writing to it?"), "{stderr}");
    // With a writer, a FIFO is read like a file.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            fs::write(fifo, fs::read(example("partial.toml")).unwrap()).unwrap();
        })
    };
    let (code, stderr, _) = run_with_limit(
        &["recommend".as_ref(), "--answers".as_ref(), fifo.as_os_str()],
        limit,
    );
    writer.join().unwrap();
    assert_eq!(code, Some(0), "{stderr}");
}
