//! End-to-end tests of the full-screen wizard: the real binary runs in a pseudo-terminal
//! (portable-pty), its output is parsed by a terminal emulator (vt100), and the tests
//! type keys and read the screen as a person would.
//!
//! Nothing here waits a fixed time to decide an outcome: every step waits until the
//! screen shows what it expects (or the child exits), failing with a dump of the screen
//! after a timeout.

#![cfg(unix)]

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// How long any one expected change may take (a debug build on a busy machine).
const TIMEOUT: Duration = Duration::from_secs(10);
/// How long the output must stay quiet before a screen counts as fully drawn. The wizard
/// draws only in answer to an event, so once the bytes stop the frame is complete; this
/// keeps the tests from acting on half a frame.
const SETTLE: Duration = Duration::from_millis(40);
const POLL: Duration = Duration::from_millis(10);

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const CTRL_C: &str = "\x03";

/// The control sequences the wizard uses to enter and leave the alternate screen.
const ENTER_ALT: &[u8] = b"\x1b[?1049h";
const LEAVE_ALT: &[u8] = b"\x1b[?1049l";

/// The session file of the built-in tree (`tree.id = "mlops-stack"`).
const SESSION_FILE: &str = "session-mlops-stack.toml";

// Prompts of the built-in tree (questions/mlops.toml), in the order they are asked.
const Q_PROJECT_NAME: &str = "What is the project called?";
const Q_TEAM_SIZE: &str = "How many people will build and run the ML systems?";
const Q_TIME_HORIZON: &str = "For how long will the stack be used?";
const Q_ML_STAGES: &str = "Which stages of the ML lifecycle must the stack cover?";
const Q_TEAM_OSS: &str = "Has your team run open-source tools in production and customised them?";

/// What the reader thread collects from the pty.
struct Output {
    parser: vt100::Parser,
    raw: Vec<u8>,
    last_data: Instant,
    eof: bool,
}

/// A snapshot of the screen, row by row.
#[derive(Debug, Clone)]
struct Screen {
    rows: Vec<String>,
}

impl Screen {
    fn contents(&self) -> String {
        self.rows.join("\n")
    }

    fn contains(&self, text: &str) -> bool {
        self.rows.iter().any(|r| r.contains(text))
    }

    fn header(&self) -> &str {
        self.rows.first().map_or("", String::as_str)
    }

    /// The last row that is not blank: the key footer.
    fn footer(&self) -> &str {
        self.rows
            .iter()
            .rev()
            .find(|r| !r.trim().is_empty())
            .map_or("", String::as_str)
    }

    fn row_with(&self, text: &str) -> Option<&str> {
        self.rows
            .iter()
            .find(|r| r.contains(text))
            .map(String::as_str)
    }

    fn count(&self, text: &str) -> usize {
        self.rows.iter().map(|r| r.matches(text).count()).sum()
    }
}

/// The wizard running in a pseudo-terminal.
struct Wizard {
    child: Box<dyn Child + Send + Sync>,
    /// The terminal's side of the pty, until [`Wizard::hang_up`] closes it.
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<Box<dyn std::io::Write + Send>>,
    output: Arc<Mutex<Output>>,
    reader: Option<JoinHandle<()>>,
    /// Tells the reader thread to stop and close its side of the pty.
    stop_reading: Arc<std::sync::atomic::AtomicBool>,
    status: Option<ExitStatus>,
    /// The tty modes before the wizard started (cooked mode), see [`tty_modes`].
    cooked: String,
}

impl Wizard {
    /// Starts `mlops-wizard ARGS` in a pty of `cols`x`rows`, in `dir`, with its session
    /// files in `dir/state`.
    fn spawn(dir: &Path, args: &[&str], cols: u16, rows: u16) -> Wizard {
        Self::spawn_with_env(dir, args, cols, rows, &[])
    }

    /// Like [`Wizard::spawn`], with extra environment variables.
    fn spawn_with_env(
        dir: &Path,
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
    ) -> Wizard {
        Self::spawn_program(
            dir,
            env!("CARGO_BIN_EXE_mlops-wizard"),
            args,
            cols,
            rows,
            env,
        )
    }

    /// Like [`Wizard::spawn_with_env`], running `program` (a shell that starts the wizard).
    fn spawn_program(
        dir: &Path,
        program: &str,
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
    ) -> Wizard {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(dir);
        cmd.env("MLOPS_WIZARD_STATE_DIR", dir.join("state"));
        cmd.env("MLOPS_WIZARD_CONFIG", "");
        cmd.env("TERM", "xterm-256color");
        for var in ["NO_COLOR", "COLUMNS", "LINES"] {
            cmd.env_remove(var);
        }
        for (key, value) in env {
            cmd.env(key, value);
        }
        let cooked = tty_modes(pair.master.as_ref());
        let child = pair.slave.spawn_command(cmd).expect("spawn mlops-wizard");
        // Only the child holds the slave side now, so reads end when it exits.
        drop(pair.slave);
        let master = pair.master;
        let mut reader = master.try_clone_reader().expect("pty reader");
        let writer = master.take_writer().expect("pty writer");
        let output = Arc::new(Mutex::new(Output {
            parser: vt100::Parser::new(nz(rows), nz(cols), 0),
            raw: Vec::new(),
            last_data: Instant::now(),
            eof: false,
        }));
        let shared = Arc::clone(&output);
        let stop_reading = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop = Arc::clone(&stop_reading);
        let fd = master.as_raw_fd().expect("the pty's descriptor");
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                // Waits for output a little at a time, so that it can be told to stop.
                let mut pfd = libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd; `fd` stays open until this thread ends.
                let ready = unsafe { libc::poll(&mut pfd, 1, 20) };
                if stop.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                if ready <= 0 {
                    continue;
                }
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let mut out = shared.lock().unwrap();
                        out.parser.process(&buf[..n]);
                        out.raw.extend_from_slice(&buf[..n]);
                        out.last_data = Instant::now();
                    }
                }
            }
            shared.lock().unwrap().eof = true;
        });
        Wizard {
            child,
            master: Some(master),
            writer: Some(writer),
            output,
            reader: Some(reader),
            stop_reading,
            status: None,
            cooked,
        }
    }

    fn master(&self) -> &dyn MasterPty {
        self.master.as_deref().expect("the pty is open")
    }

    /// Closes the terminal's side of the pty, as when a terminal window is closed.
    fn hang_up(&mut self) {
        self.stop_reading
            .store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            reader.join().expect("reader thread");
        }
        self.writer = None;
        self.master = None;
    }

    /// Types keys: plain text, or escape sequences such as [`DOWN`].
    fn send(&mut self, keys: &str) {
        self.writer
            .as_mut()
            .expect("the pty is open")
            .write_all(keys.as_bytes())
            .and_then(|()| self.writer.as_mut().expect("the pty is open").flush())
            .expect("write to the pty");
    }

    /// The screen as it is now.
    fn screen(&self) -> Screen {
        let out = self.output.lock().unwrap();
        let (_, cols) = out.parser.screen().size();
        Screen {
            rows: out.parser.screen().rows(0, cols.get()).collect(),
        }
    }

    /// Everything the wizard wrote so far.
    fn raw(&self) -> Vec<u8> {
        self.output.lock().unwrap().raw.clone()
    }

    /// Waits until the fully drawn screen satisfies `ready`; fails after [`TIMEOUT`] with
    /// the screen.
    fn wait_until(&mut self, what: &str, ready: impl Fn(&Screen) -> bool) -> Screen {
        let start = Instant::now();
        loop {
            let quiet = self.output.lock().unwrap().last_data.elapsed() >= SETTLE;
            let screen = self.screen();
            if quiet && ready(&screen) {
                return screen;
            }
            if start.elapsed() > TIMEOUT {
                let exited = self.child.try_wait().ok().flatten();
                panic!(
                    "timed out after {TIMEOUT:?} waiting for {what}; child exit: {exited:?}; screen:\n{}\n",
                    screen.contents()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until the screen shows `text`.
    fn wait_for(&mut self, text: &str) -> Screen {
        self.wait_until(&format!("{text:?} on screen"), |s| s.contains(text))
    }

    /// Waits for the child to exit and for its last output to be read.
    fn wait_exit(&mut self) -> ExitStatus {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "the wizard did not exit within {TIMEOUT:?}; screen:\n{}\n",
                    self.screen().contents()
                );
            }
            std::thread::sleep(POLL);
        };
        while !self.output.lock().unwrap().eof {
            if start.elapsed() > TIMEOUT * 2 {
                panic!("the pty output did not end after the wizard exited");
            }
            std::thread::sleep(POLL);
        }
        if let Some(reader) = self.reader.take() {
            reader.join().expect("reader thread");
        }
        self.status = Some(status.clone());
        status
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    /// Sends a signal (`"TERM"`, `"HUP"`, ...) to the wizard's process.
    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Resizes the pty (the child gets SIGWINCH) and the emulated screen.
    fn resize(&mut self, cols: u16, rows: u16) {
        self.output
            .lock()
            .unwrap()
            .parser
            .set_size(nz(rows), nz(cols));
        self.master()
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
    }

    /// After exit: the terminal is back as it was (normal screen, no mouse reporting,
    /// cursor shown), and leaving the alternate screen came after the last entering.
    fn assert_restored(&self) {
        let raw = self.raw();
        let entered = find_last(&raw, ENTER_ALT).expect("the wizard entered the alternate screen");
        let left = find_last(&raw, LEAVE_ALT);
        assert!(
            left.is_some_and(|l| l > entered),
            "no leave-alternate-screen sequence after the last frame; tail of the output: {:?}",
            String::from_utf8_lossy(&raw[raw.len().saturating_sub(400)..])
        );
        let out = self.output.lock().unwrap();
        let screen = out.parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert_eq!(
            screen.mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse reporting left on"
        );
        assert!(!screen.hide_cursor(), "the cursor was left hidden");
        assert!(!screen.bracketed_paste(), "bracketed paste left on");
        assert_eq!(
            tty_modes(self.master()),
            self.cooked,
            "the tty was left in raw mode"
        );
    }

    /// While the wizard runs, the tty is in raw mode.
    fn assert_raw_mode(&self) {
        assert_ne!(
            tty_modes(self.master()),
            self.cooked,
            "the wizard runs in raw mode"
        );
    }
}

impl Drop for Wizard {
    fn drop(&mut self) {
        if self.status.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The mode flags of the pty (input, output, control, local), as text: raw mode clears
/// ICANON, ECHO, ISIG and more, and leaving it must put back exactly what was there.
fn tty_modes(master: &dyn MasterPty) -> String {
    let t = master.get_termios().expect("the termios of the pty");
    format!(
        "{:?} {:?} {:?} {:?}",
        t.input_flags, t.output_flags, t.control_flags, t.local_flags
    )
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a non-zero size")
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

fn session_path(dir: &Path) -> PathBuf {
    dir.join("state").join(SESSION_FILE)
}

/// The `[answers]` table of the session file.
fn saved_answers(dir: &Path) -> toml::Table {
    let path = session_path(dir);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("read the session file {}: {e}", path.display()));
    let mut doc: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("the session file is TOML: {e}\n{text}"));
    match doc.remove("answers") {
        Some(toml::Value::Table(answers)) => answers,
        other => panic!("no [answers] table in the session file ({other:?}):\n{text}"),
    }
}

fn files_starting_with(dir: &Path, prefix: &str, suffix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix) && n.ends_with(suffix))
        })
        .collect();
    found.sort();
    found
}

/// From the welcome screen: start, and answer the project name.
fn start_and_name(w: &mut Wizard, name: &str) {
    let welcome = w.wait_for("Press Enter to start");
    assert!(
        welcome.contains("Open-source or proprietary MLOps stack?"),
        "the welcome screen shows the title:\n{}",
        welcome.contents()
    );
    w.send(ENTER);
    w.wait_for(Q_PROJECT_NAME);
    w.send(name);
    w.wait_for(name);
    w.send(ENTER);
    w.wait_for(Q_TEAM_SIZE);
}

/// Presses Enter and waits until the next question (or the review) is drawn.
fn enter_and_move_on(w: &mut Wizard, before: &Screen) -> Screen {
    let header = before.header().to_string();
    if header.contains("Who takes part") {
        // Three fields: Enter moves from one to the next, then to the review.
        w.send(ENTER);
        w.send(ENTER);
    }
    w.send(ENTER);
    w.wait_until("the next screen after Enter", |s| s.header() != header)
}

/// Answers every question from the current one until the review appears: Enter on the
/// highlighted option, and for multiple choice a tick on the first and third option
/// first. Returns the review screen.
fn answer_until_review(w: &mut Wizard) -> Screen {
    let mut screen = w.wait_until("a question", |s| s.header().contains("Question"));
    for _ in 0..40 {
        if screen.header().contains("Review") {
            return screen;
        }
        if screen.header().contains("Who takes part") {
            // The optional step: Enter on each field goes on.
            screen = enter_and_move_on(w, &screen);
            continue;
        }
        assert!(
            screen.header().contains("Question"),
            "expected a question or the review:\n{}",
            screen.contents()
        );
        if screen.footer().contains("Space") {
            // Multiple choice: the footer offers Space to tick.
            w.send(" ");
            w.wait_until("one option ticked", |s| s.count("[x]") == 1);
            w.send(DOWN);
            w.send(DOWN);
            w.send(" ");
            screen = w.wait_until("two options ticked", |s| s.count("[x]") == 2);
        }
        screen = enter_and_move_on(w, &screen);
    }
    panic!("no review screen after 40 answers:\n{}", screen.contents());
}

/// Answers the first questions of the built-in tree: the project name, team size (the
/// first option), time horizon (the second) and the stages (the first ticked). Leaves the
/// wizard on the fifth question.
fn answer_first_four(w: &mut Wizard) {
    start_and_name(w, "Atlas");
    w.send(ENTER);
    w.wait_for(Q_TIME_HORIZON);
    w.send(DOWN);
    w.wait_until("the second option highlighted", |s| {
        s.row_with("6 to 24 months")
            .is_some_and(|r| r.contains('❯'))
    });
    w.send(ENTER);
    w.wait_for(Q_ML_STAGES);
    w.send(" ");
    w.wait_for("[x]");
    w.send(ENTER);
    w.wait_for(Q_TEAM_OSS);
}

fn assert_first_four_saved(dir: &Path) {
    let answers = saved_answers(dir);
    assert_eq!(
        answers.get("project_name").and_then(|v| v.as_str()),
        Some("Atlas")
    );
    assert_eq!(
        answers.get("team_size").and_then(|v| v.as_str()),
        Some("1_3")
    );
    assert_eq!(
        answers.get("time_horizon").and_then(|v| v.as_str()),
        Some("6_to_24_months")
    );
    let stages: Vec<&str> = answers
        .get("ml_stages")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(stages, ["data"], "answers: {answers:?}");
    assert!(
        !answers.contains_key("team_oss_expertise"),
        "the fifth question was not answered: {answers:?}"
    );
}

#[test]
fn a_whole_walk_at_80x24_writes_the_report_and_restores_the_terminal() {
    let dir = temp_dir();
    let name = "Atlas 日本 🚀";
    let mut w = Wizard::spawn(dir.path(), &[], 80, 24);
    let welcome = w.wait_for("Press Enter to start");
    assert!(welcome.contains("Enter"));
    w.assert_raw_mode();
    start_and_name(&mut w, name);
    let review = answer_until_review(&mut w);
    assert!(
        review.contains(name),
        "the review shows the name:\n{}",
        review.contents()
    );
    assert!(review.footer().contains("v"), "the review footer offers v");

    w.send("v");
    let verdict = w.wait_until("the verdict", |s| {
        s.header().contains("Verdict") && s.contains("Robustness: ") && !s.contains("analysing")
    });
    assert!(
        verdict.header().contains("Verdict"),
        "{}",
        verdict.contents()
    );
    assert!(
        verdict.footer().contains("e"),
        "the verdict footer offers e"
    );

    w.send("e");
    let export = w.wait_until("the export screen", |s| s.header().contains("Export"));
    assert!(export.footer().contains("w write"), "{}", export.contents());
    w.send("w");
    w.wait_for("Wrote");
    w.send("q");
    let status = w.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    w.assert_restored();

    let reports = files_starting_with(dir.path(), "mlops-recommendation-", ".md");
    assert_eq!(reports.len(), 1, "one report written: {reports:?}");
    let report = std::fs::read_to_string(&reports[0]).expect("read the report");
    let first = report
        .lines()
        .find(|l| l.starts_with("# "))
        .unwrap_or_default();
    assert!(
        first.contains("Atlas"),
        "the report is titled with the project name: {first:?}"
    );
    assert!(report.contains("## Decision outcome"), "{report}");

    let answers = saved_answers(dir.path());
    assert_eq!(
        answers.get("project_name").and_then(|v| v.as_str()),
        Some(name)
    );
    let stages = answers
        .get("ml_stages")
        .and_then(|v| v.as_array())
        .map_or(0, Vec::len);
    assert_eq!(stages, 2, "two stages ticked: {answers:?}");
}

#[test]
fn a_walk_at_200x60_to_the_verdict_then_quit_asks_first() {
    let dir = temp_dir();
    let mut w = Wizard::spawn(dir.path(), &[], 200, 60);
    start_and_name(&mut w, "Big screen");
    answer_until_review(&mut w);
    w.send("v");
    w.wait_until("the verdict", |s| s.header().contains("Verdict"));
    w.send("q");
    let confirm = w.wait_for("y / n");
    assert!(confirm.contains("not exported"), "{}", confirm.contents());
    w.send("y");
    let status = w.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    w.assert_restored();
    assert!(
        files_starting_with(dir.path(), "mlops-recommendation-", "").is_empty(),
        "nothing exported"
    );
}

#[test]
fn sigterm_mid_walk_restores_the_terminal_and_resume_continues() {
    let dir = temp_dir();
    let mut w = Wizard::spawn(dir.path(), &[], 80, 24);
    answer_first_four(&mut w);
    w.signal("TERM");
    let status = w.wait_exit();
    assert_eq!(status.exit_code(), 128 + 15, "exit status {status:?}");
    w.assert_restored();
    assert_first_four_saved(dir.path());
    drop(w);

    let mut w = Wizard::spawn(dir.path(), &["--resume"], 80, 24);
    // Opens on the next unanswered question, not on the welcome screen.
    let screen = w.wait_for(Q_TEAM_OSS);
    assert!(
        !screen.contains("Press Enter to start"),
        "{}",
        screen.contents()
    );

    // The jump list marks the four answered questions, and not the fifth.
    w.send("g");
    let jump = w.wait_for("Go to a question");
    for prompt in [Q_PROJECT_NAME, Q_TEAM_SIZE, Q_TIME_HORIZON, Q_ML_STAGES] {
        let row = jump
            .row_with(prompt)
            .unwrap_or_else(|| panic!("{prompt:?} in the jump list:\n{}", jump.contents()));
        assert!(row.contains('✓'), "{prompt:?} marked answered: {row:?}");
    }
    let fifth = jump
        .row_with("5. Has your team")
        .expect("the fifth question listed");
    assert!(!fifth.contains('✓'), "the fifth is not answered: {fifth:?}");

    // The review shows the answers themselves.
    w.send(ESC);
    w.wait_until("the jump list closed", |s| !s.contains("Go to a question"));
    w.send("r");
    let review = w.wait_until("the review", |s| s.header().contains("Review"));
    for shown in [
        "Atlas",
        "1 to 3 people",
        "6 to 24 months",
        "Data collection",
    ] {
        assert!(
            review.contains(shown),
            "{shown:?} in the review:\n{}",
            review.contents()
        );
    }
    assert!(review.header().contains("4 of"), "{}", review.header());
    w.send(CTRL_C);
    assert!(w.wait_exit().success());
    w.assert_restored();
    assert_first_four_saved(dir.path());
}

#[test]
fn sighup_restores_the_terminal_and_keeps_the_answers() {
    let dir = temp_dir();
    let mut w = Wizard::spawn(dir.path(), &[], 80, 24);
    start_and_name(&mut w, "Hangup");
    w.send(ENTER);
    w.wait_for(Q_TIME_HORIZON);
    w.signal("HUP");
    let status = w.wait_exit();
    assert_eq!(status.exit_code(), 128 + 1, "exit status {status:?}");
    w.assert_restored();
    let answers = saved_answers(dir.path());
    assert_eq!(
        answers.get("project_name").and_then(|v| v.as_str()),
        Some("Hangup")
    );
    assert_eq!(
        answers.get("team_size").and_then(|v| v.as_str()),
        Some("1_3")
    );
}

#[test]
fn ctrl_c_quits_at_once_and_keeps_the_answers() {
    let dir = temp_dir();
    let mut w = Wizard::spawn(dir.path(), &[], 80, 24);
    answer_first_four(&mut w);
    // Unexported answers: `q` would ask, Ctrl-C does not.
    w.send(CTRL_C);
    let status = w.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    w.assert_restored();
    assert_first_four_saved(dir.path());
}

#[test]
fn a_panic_mid_walk_restores_the_terminal_and_keeps_the_answers() {
    // Debug builds panic on F12 when MLOPS_WIZARD_TEST_PANIC is set (src/tui/runtime.rs).
    let dir = temp_dir();
    let mut w =
        Wizard::spawn_with_env(dir.path(), &[], 80, 24, &[("MLOPS_WIZARD_TEST_PANIC", "1")]);
    answer_first_four(&mut w);
    w.send("\x1b[24~"); // F12
    let status = w.wait_exit();
    assert_eq!(
        status.exit_code(),
        101,
        "a panic exits with 101: {status:?}"
    );
    w.assert_restored();
    let raw = String::from_utf8_lossy(&w.raw()).into_owned();
    assert!(
        raw.contains("--resume"),
        "the crash message points to --resume"
    );
    assert_first_four_saved(dir.path());
}

#[test]
fn without_a_terminal_it_exits_2_pointing_to_recommend() {
    let dir = temp_dir();
    let out = Command::new(env!("CARGO_BIN_EXE_mlops-wizard"))
        .current_dir(dir.path())
        .env("MLOPS_WIZARD_STATE_DIR", dir.path().join("state"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run mlops-wizard");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.contains("recommend"), "stderr: {stderr}");
    assert!(!session_path(dir.path()).exists(), "no session written");
}

#[test]
fn a_too_small_terminal_asks_for_more_room_until_resized() {
    let dir = temp_dir();
    let mut w = Wizard::spawn(dir.path(), &[], 40, 10);
    w.wait_for("larger");
    w.resize(80, 24);
    let welcome = w.wait_for("Press Enter to start");
    assert!(!welcome.contains("larger"), "{}", welcome.contents());
    w.send("q");
    assert!(w.wait_exit().success());
    w.assert_restored();
}

#[test]
fn a_corrupt_session_file_is_kept_aside_and_reported() {
    let dir = temp_dir();
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    let corrupt = "not [valid toml";
    std::fs::write(state.join(SESSION_FILE), corrupt).unwrap();

    let mut w = Wizard::spawn(dir.path(), &[], 80, 24);
    let welcome = w.wait_for("Press Enter to start");
    assert!(
        welcome.contains("could not be read"),
        "the welcome screen tells:\n{}",
        welcome.contents()
    );
    let aside = files_starting_with(&state, &format!("{SESSION_FILE}.corrupt-"), "");
    assert_eq!(aside.len(), 1, "the corrupt file was kept aside: {aside:?}");

    // A new session is saved beside it, and the corrupt one is left untouched.
    start_and_name(&mut w, "Fresh");
    w.send(CTRL_C);
    assert!(w.wait_exit().success());
    w.assert_restored();
    assert_eq!(std::fs::read_to_string(&aside[0]).unwrap(), corrupt);
    assert_eq!(
        saved_answers(dir.path())
            .get("project_name")
            .and_then(|v| v.as_str()),
        Some("Fresh")
    );
}

#[test]
fn an_invalid_question_tree_exits_2_before_the_screen_opens() {
    let dir = temp_dir();
    // Valid TOML, but the question id on line 21 (column 6) contains a space.
    let tree = r#"# Bad id characters: question id `which one` contains a space.

[tree]
id = "fixture"
title = "Fixture tree"
version = "1"

[[alternatives]]
id = "a"
title = "Alternative A"

[[alternatives]]
id = "b"
title = "Alternative B"

[[criteria]]
id = "c"
title = "Criterion C"

[[questions]]
id = "which one"
kind = "single"
prompt = "Which one?"
help = "Pick one."

[[questions.options]]
id = "x"
label = "X"

[[questions.options.effects]]
alternative = "a"
criterion = "c"
points = 1.0
reason = "X favours A."

[[questions.options]]
id = "y"
label = "Y"

[[questions.options.effects]]
alternative = "b"
criterion = "c"
points = 1.0
reason = "Y favours B."
"#;
    std::fs::write(dir.path().join("bad-tree.toml"), tree).unwrap();
    let mut w = Wizard::spawn(dir.path(), &["--questions", "bad-tree.toml"], 80, 24);
    let status = w.wait_exit();
    let text = String::from_utf8_lossy(&w.raw()).into_owned();
    assert_eq!(status.exit_code(), 2, "output:\n{text}");
    assert!(
        text.contains("bad-tree.toml:21:6"),
        "file:line:col in:\n{text}"
    );
    assert!(
        find_last(&w.raw(), ENTER_ALT).is_none(),
        "the screen was never opened:\n{text}"
    );
}

/// While the window is too small the wizard shows only "Make the window larger ... Your
/// answers are safe; Ctrl-C quits", and clicks are ignored (`view::hit`). Keys must be
/// ignored too: they would act on a screen the user cannot see.
#[test]
fn keys_do_nothing_while_the_window_is_too_small() {
    let dir = temp_dir();
    let mut w = Wizard::spawn(dir.path(), &[], 80, 24);
    start_and_name(&mut w, "Small");
    w.resize(40, 10);
    w.wait_for("larger");
    // Enter on the hidden team-size question, then the one key the screen offers.
    w.send(ENTER);
    w.send(CTRL_C);
    assert!(w.wait_exit().success());
    w.assert_restored();
    let answers = saved_answers(dir.path());
    assert_eq!(
        answers.get("project_name").and_then(|v| v.as_str()),
        Some("Small")
    );
    assert!(
        !answers.contains_key("team_size"),
        "a key pressed while the window was too small answered a question the user could not see: {answers:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Saving that fails, two wizards, signals, suspending, a terminal that goes away

/// The raw output as text, for the messages printed after the screen closed.
fn raw_text(w: &Wizard) -> String {
    String::from_utf8_lossy(&w.raw()).into_owned()
}

/// With a state folder that cannot be written, the wizard used to say the answers were
/// saved (a passing footer, then "They are saved in ..." and "3 answer(s) saved", exit 0).
/// Now the screen says so until a save succeeds, the quit dialog and the last message tell
/// the truth and name a way out, the answers are printed as an answers file, and the exit
/// status is 1.
#[test]
fn answers_that_cannot_be_saved_are_never_said_to_be() {
    let dir = temp_dir();
    // A "folder" that is a file: nothing can be created in it, whoever runs the test.
    let blocked = dir.path().join("not-a-folder");
    std::fs::write(&blocked, "").unwrap();
    let state = blocked.join("state");
    let state = state.to_str().unwrap();
    let mut w = Wizard::spawn_with_env(
        dir.path(),
        &[],
        80,
        24,
        &[("MLOPS_WIZARD_STATE_DIR", state)],
    );
    start_and_name(&mut w, "Unsaved");
    let screen = w.wait_for("NOT SAVED");
    assert!(
        screen.contains("MLOPS_WIZARD_STATE_DIR"),
        "the way out is named:\n{}",
        screen.contents()
    );
    w.send("q");
    let dialog = w.wait_for("y / n");
    assert!(dialog.contains("NOT saved"), "{}", dialog.contents());
    assert!(!dialog.contains("--resume"), "{}", dialog.contents());
    w.send("y");
    let status = w.wait_exit();
    w.assert_restored();
    let text = raw_text(&w);
    assert_eq!(status.exit_code(), 1, "output:\n{text}");
    assert!(text.contains("1 answer is NOT saved"), "{text}");
    assert!(
        text.contains("project_name = \"Unsaved\""),
        "the answers are printed: {text}"
    );
    assert!(!text.contains("saved in"), "{text}");
}

/// SIGTERM and SIGHUP used to lose the text being typed (Ctrl-C kept it) and to print
/// "answers are saved" whatever was saved.
#[test]
fn signals_keep_the_text_being_typed_and_say_where_it_is() {
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        let dir = temp_dir();
        let mut w = Wizard::spawn(dir.path(), &[], 80, 24);
        w.wait_for("Press Enter to start");
        w.send(ENTER);
        w.wait_for(Q_PROJECT_NAME);
        w.send("Half typed");
        w.wait_for("Half typed");
        w.signal(signal);
        let status = w.wait_exit();
        assert_eq!(status.exit_code(), code, "SIG{signal}: {status:?}");
        w.assert_restored();
        let answers = saved_answers(dir.path());
        assert_eq!(
            answers.get("project_name").and_then(|v| v.as_str()),
            Some("Half typed"),
            "SIG{signal}"
        );
        let text = raw_text(&w);
        assert!(text.contains(&format!("SIG{signal}")), "{text}");
        assert!(text.contains("1 answer saved in"), "{text}");
    }
}

/// Two wizards on one state folder used to overwrite each other's answers. The second
/// now says who holds the session and offers to open it read-only or to start a separate
/// session.
#[test]
fn a_second_wizard_on_a_session_in_use_asks_and_overwrites_nothing() {
    let dir = temp_dir();
    let mut first = Wizard::spawn(dir.path(), &[], 80, 24);
    start_and_name(&mut first, "First");

    // Read-only: answers are not saved, and it says so.
    let mut second = Wizard::spawn(dir.path(), &[], 80, 24);
    let prompt = second.wait_for("[r/n/q]");
    assert!(
        prompt.contains("in use by another mlops-wizard"),
        "{}",
        prompt.contents()
    );
    assert!(
        prompt.contains(&format!("pid {}", first.pid())),
        "{}",
        prompt.contents()
    );
    second.send("r\r");
    let welcome = second.wait_for("NOT SAVED");
    assert!(welcome.contains("read-only"), "{}", welcome.contents());
    second.send(ENTER);
    second.wait_for(Q_PROJECT_NAME);
    second.send("Second\r");
    second.wait_for(Q_TEAM_SIZE);
    second.send(CTRL_C);
    let status = second.wait_exit();
    second.assert_restored();
    let text = raw_text(&second);
    assert_eq!(status.exit_code(), 1, "{text}");
    assert!(text.contains("NOT saved"), "{text}");
    assert_eq!(
        saved_answers(dir.path())
            .get("project_name")
            .and_then(|v| v.as_str()),
        Some("First"),
        "the first wizard's session is untouched"
    );

    // A separate session beside it.
    let mut third = Wizard::spawn(dir.path(), &[], 80, 24);
    third.wait_for("[r/n/q]");
    third.send("n\r");
    // The first wizard's answers are offered; this walk starts afresh.
    third.wait_for("press r to resume");
    third.send(ENTER);
    third.wait_for(Q_PROJECT_NAME);
    third.send("Third\r");
    third.wait_for(Q_TEAM_SIZE);
    third.send(CTRL_C);
    let status = third.wait_exit();
    third.assert_restored();
    let text = raw_text(&third);
    assert!(status.success(), "{text}");
    assert!(text.contains("a separate session"), "{text}");
    let separate = dir.path().join("state").join("session-mlops-stack.2.toml");
    let saved = std::fs::read_to_string(&separate).unwrap();
    assert!(saved.contains("project_name = \"Third\""), "{saved}");

    // The first goes on, and saves what it had.
    first.send(CTRL_C);
    assert!(first.wait_exit().success());
    assert_eq!(
        saved_answers(dir.path())
            .get("project_name")
            .and_then(|v| v.as_str()),
        Some("First")
    );
}

/// The state of a process from /proc: `T` when stopped.
#[cfg(target_os = "linux")]
fn process_state(pid: u32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit(')')
        .next()
        .and_then(|rest| rest.trim_start().chars().next())
        .unwrap_or('?')
}

/// Ctrl-Z (or SIGTSTP) used to stop the wizard with the terminal still in raw mode, on the
/// alternate screen, with mouse reporting on, and after `fg` the screen stayed blank in
/// cooked mode until a resize. Now the terminal is restored before stopping, and taken back
/// and redrawn on SIGCONT.
#[cfg(target_os = "linux")]
#[test]
fn suspending_restores_the_terminal_and_continuing_redraws_it() {
    let dir = temp_dir();
    let mut w = Wizard::spawn(dir.path(), &[], 80, 24);
    start_and_name(&mut w, "Suspended");
    for stop in ["\x1a", "TSTP"] {
        if stop == "TSTP" {
            w.signal("TSTP");
        } else {
            w.send(stop); // Ctrl-Z, a key in raw mode
        }
        let start = Instant::now();
        while process_state(w.pid()) != 'T' {
            assert!(
                start.elapsed() < TIMEOUT,
                "the wizard did not stop ({stop:?})"
            );
            std::thread::sleep(POLL);
        }
        // Stopped: the terminal is the shell's again.
        let start = Instant::now();
        loop {
            let restored = {
                let out = w.output.lock().unwrap();
                let screen = out.parser.screen();
                !screen.alternate_screen()
                    && screen.mouse_protocol_mode() == vt100::MouseProtocolMode::None
                    && !screen.hide_cursor()
            };
            if restored {
                break;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "stopped ({stop:?}) with the alternate screen, mouse reporting or a hidden cursor left on"
            );
            std::thread::sleep(POLL);
        }
        assert_eq!(
            tty_modes(w.master()),
            w.cooked,
            "raw mode left on while stopped"
        );

        w.signal("CONT");
        let screen = w.wait_until("the question redrawn", |s| s.contains(Q_TEAM_SIZE));
        assert!(screen.footer().contains("quit"), "{}", screen.contents());
        w.assert_raw_mode();
        assert!(w.output.lock().unwrap().parser.screen().alternate_screen());
    }
    // Still answering.
    w.send(ENTER);
    w.wait_for(Q_TIME_HORIZON);
    w.send(CTRL_C);
    assert!(w.wait_exit().success());
    w.assert_restored();
}

/// When the terminal goes away without a SIGHUP reaching the wizard (here SIGHUP is
/// ignored, as under nohup), its reads return nothing; the wizard used to read nothing in
/// a loop at 100% CPU forever. It now ends, keeping the text being typed.
#[test]
fn a_terminal_that_goes_away_ends_the_wizard_and_keeps_the_answers() {
    let dir = temp_dir();
    let mut w = Wizard::spawn_program(
        dir.path(),
        "sh",
        &[
            "-c",
            "trap '' HUP; exec \"$0\"",
            env!("CARGO_BIN_EXE_mlops-wizard"),
        ],
        80,
        24,
        &[],
    );
    w.wait_for("Press Enter to start");
    w.send(ENTER);
    w.wait_for(Q_PROJECT_NAME);
    w.send("Gone");
    w.wait_for("Gone");
    w.hang_up();
    let status = w.wait_exit();
    assert_eq!(status.exit_code(), 1, "{status:?}");
    assert_eq!(
        saved_answers(dir.path())
            .get("project_name")
            .and_then(|v| v.as_str()),
        Some("Gone")
    );
}

/// The wizard's fixture tree (every question kind), for walks that need stable questions.
fn fixture_tree() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/trees/valid/wizard.toml"
    )
    .to_string()
}

/// Esc goes back, and never quits; `q` quits.
#[test]
fn esc_goes_back_and_q_quits() {
    let dir = temp_dir();
    let mut w = Wizard::spawn(dir.path(), &[], 80, 24);
    start_and_name(&mut w, "Esc");
    w.send(ESC);
    w.wait_for(Q_PROJECT_NAME);
    w.send(ESC);
    w.wait_for("Press Enter to start");
    w.send(ESC);
    // A key right after Esc would read as Alt and that key: a pause keeps them apart.
    std::thread::sleep(Duration::from_millis(200));
    // Still there: Esc does not quit, a key after it still works.
    w.send("?");
    w.wait_for("Keys (Esc closes)");
    w.send(ESC);
    w.wait_until("the help closed", |s| !s.contains("Keys (Esc closes)"));
    w.send("q");
    w.wait_for("Quit now? y / n");
    w.send("y");
    assert!(w.wait_exit().success());
    w.assert_restored();
}

/// Ctrl-E leaves the screen for $EDITOR on the text, and comes back with what it wrote.
#[test]
fn ctrl_e_edits_a_text_answer_in_the_editor() {
    let dir = temp_dir();
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'Written in the editor' > \"$1\"\n",
    )
    .unwrap();
    let mut perms = std::fs::metadata(&editor).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&editor, perms).unwrap();
    let tree = fixture_tree();
    let mut w = Wizard::spawn_with_env(
        dir.path(),
        &["--questions", &tree],
        80,
        24,
        &[("EDITOR", editor.to_str().unwrap()), ("VISUAL", "")],
    );
    w.wait_for("Press Enter to start");
    w.send(ENTER);
    w.wait_for("What is the project called?");
    w.send("\x05"); // Ctrl-E
    w.wait_for("Written in the editor");
    w.send(ENTER);
    w.wait_for("How large is the team?");
    w.send(CTRL_C);
    assert!(w.wait_exit().success());
    w.assert_restored();
    let sessions = files_starting_with(&dir.path().join("state"), "session-wizard-test", ".toml");
    let text = std::fs::read_to_string(&sessions[0]).unwrap();
    assert!(text.contains("name = \"Written in the editor\""), "{text}");
}

/// The plain mode: no alternate screen, no cursor movement, numbered lines; a whole walk
/// answered by typing, ending with the report written.
#[test]
fn the_plain_mode_walks_to_the_report_with_lines_only() {
    let dir = temp_dir();
    let tree = fixture_tree();
    let mut w = Wizard::spawn(dir.path(), &["--plain", "--questions", &tree], 80, 24);
    let step = |w: &mut Wizard, expect: &str, answer: &str| {
        w.wait_for(expect);
        w.send(answer);
        w.send(ENTER);
    };
    step(
        &mut w,
        "Question 1 of about 11 (Project): What is the project called?",
        "Atlas",
    );
    step(&mut w, "2. Four or more", "2");
    step(&mut w, "Has the team run open tools before?", "?");
    w.wait_for("At each question, type your answer");
    w.send("2\r");
    step(&mut w, "Can the team learn them?", "y");
    step(&mut w, "Is there a budget for licences?", "9");
    step(&mut w, "Choose a number from 1 to 2.", "n");
    w.wait_for("Buy a platform is ruled out by your answer");
    step(&mut w, "Do you need a vendor's support?", "n");
    step(&mut w, "Which stages are in scope?", "1 2");
    step(&mut w, "Which tools does the team use today?", "11");
    step(&mut w, "How urgent is the first model in production?", "5");
    step(&mut w, "Is this a short project?", "y");
    step(&mut w, "How much does each criterion matter?", "1=5");
    step(&mut w, "Anything else?", "Serving first.");
    step(&mut w, "Decision-makers", "Dana, CTO");
    step(&mut w, "Consulted", "");
    step(&mut w, "Informed", "");
    w.wait_for("The verdict:");
    step(&mut w, "Write the report to which file?", "");
    step(&mut w, "Also write the JSON report?", "n");
    step(&mut w, "Also write the answers file?", "y");
    w.wait_for("Wrote");
    let status = w.wait_exit();
    assert!(status.success(), "{status:?}");
    let raw = w.raw();
    assert!(
        find_last(&raw, ENTER_ALT).is_none(),
        "no alternate screen in the plain mode"
    );
    assert!(
        find_last(&raw, b"\x1b[").is_none(),
        "no cursor movement or colour: {}",
        String::from_utf8_lossy(&raw)
    );
    let reports = files_starting_with(dir.path(), "mlops-recommendation-", ".md");
    assert_eq!(reports.len(), 1, "{reports:?}");
    let answers = files_starting_with(dir.path(), "mlops-recommendation-", ".answers.toml");
    let text = std::fs::read_to_string(&answers[0]).unwrap();
    for line in [
        "name = \"Atlas\"",
        "team = \"large\"",
        "learn = \"yes\"",
        "budget = \"no\"",
        "stages = [\"train\", \"serve\"]",
        "tools = [\"t11\"]",
        "deadline = 5",
        "priorities = { cost = 5 }",
        "decision_makers = [\"Dana\", \"CTO\"]",
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
}
