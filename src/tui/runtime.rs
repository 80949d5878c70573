//! The terminal side: the session and its lock, raw mode and the alternate screen, the
//! event loop, carrying out [`Command`]s, and putting the terminal back however the wizard
//! ends (return, error, panic, signals, a terminal that goes away).
//!
//! The event loop waits with `poll` on the terminal and on a self-pipe that the signal
//! handlers write to, so that signals are handled here, with the wizard's state at hand:
//!
//! * SIGTERM, SIGHUP, SIGINT, SIGQUIT: the text being typed is kept like Ctrl-C keeps it,
//!   the session saved, the terminal restored, and [`Outcome::ended`] says which signal
//!   (the command line exits with 128 + its number). SIGHUP is left alone when it was
//!   ignored at start (`nohup`).
//! * SIGTSTP and Ctrl-Z: the terminal is restored, the process stops; on `fg` (SIGCONT)
//!   raw mode, the alternate screen and the mouse come back and the screen is redrawn.
//! * A terminal that hangs up (its input reports end of file or an error, with or without
//!   SIGHUP) ends the wizard like a signal, instead of reading nothing forever.

use std::io::{self, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    KeyCode, KeyModifiers,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;

use super::app::{Action, App, Command, ExportError, StartOptions, update};
use super::keys;
use super::safe::SafeBackend;
use super::screens::export::{self, FolderState, PathCheck, PathRequest};
use super::session::{LockError, Saved, Session};
use super::theme::{Palette, Theme};
use crate::answers::Answers;
use crate::atomic;
use crate::flow::Flow;
use crate::model::Tree;
use crate::sanitize;

/// Held while drawing, so that a last-resort exit never restores the terminal in the
/// middle of a frame.
static TERMINAL: Mutex<()> = Mutex::new(());

/// How long a signal that ends the wizard may take to be handled before the process exits
/// anyway (the event loop should take milliseconds; this is for a wizard stuck in a write).
const SIGNAL_GRACE: Duration = Duration::from_secs(5);

/// Why the wizard could not run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Standard input or output is not a terminal.
    #[error(
        "the wizard needs a terminal, but standard {0} is not one; for scripts and CI use `mlops-wizard recommend --answers FILE` (see --help)"
    )]
    NotATerminal(&'static str),
    /// The terminal failed.
    #[error("terminal error: {0}")]
    Io(#[from] io::Error),
}

/// How to start the wizard, from the command line.
#[derive(Debug)]
pub struct Options {
    pub tree: Tree,
    /// The file the tree was loaded from (`--questions`), `None` for the built-in tree: it
    /// decides the session file.
    pub questions_path: Option<PathBuf>,
    /// Answers from `--answers FILE`, with notes on those that could not be used.
    pub answers: Option<(Answers, Vec<String>)>,
    /// `--resume`: continue the saved session at once.
    pub resume: bool,
    /// Today's date, `YYYY-MM-DD`.
    pub date: String,
    /// The tool catalog for the stack plan's examples.
    pub catalog: Option<crate::catalog::Catalog>,
    /// `--theme`: the palette, or `Auto` to ask the terminal for its background.
    pub theme: ThemeChoice,
    /// `--respondent NAME`: a respondent's own answers and session.
    pub respondent: Option<String>,
    /// The export folder and file name of the configuration file.
    pub export: super::app::ExportNaming,
}

/// `--theme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeChoice {
    /// Ask the terminal for its background colour; dark when it does not say.
    #[default]
    Auto,
    Light,
    Dark,
}

/// How the wizard ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ended {
    /// The user quit.
    #[default]
    Quit,
    /// A signal ended it (SIGTERM, SIGHUP, SIGINT or SIGQUIT).
    Signal(i32),
    /// The terminal went away.
    TerminalLost,
    /// Another wizard holds the session and the user chose not to go on.
    Declined,
}

/// What the wizard leaves behind, for a last message on the normal screen.
#[derive(Debug, Default)]
pub struct Outcome {
    pub ended: Ended,
    /// The session file that holds the answers: set when the last save succeeded (or none
    /// was needed).
    pub session: Option<PathBuf>,
    /// The session is a separate one, beside the one another wizard held: `--resume` does
    /// not find it.
    pub separate: bool,
    /// Why the answers are not saved, when they are not.
    pub unsaved: Option<String>,
    pub exported: Vec<PathBuf>,
    pub answered: usize,
    /// The answers changed since the last export (or were never exported).
    pub dirty: bool,
    /// The answers as an answers file, for when they could not be saved.
    pub answers_file: String,
}

/// Runs the wizard until the user quits.
/// What both modes start from: the tree, the session (locked, or read-only) and how the
/// walk starts.
pub(crate) struct Prepared {
    pub tree: Tree,
    pub start: StartOptions,
    pub session: Option<Session>,
    /// The tree's own session file, where `--resume` looks.
    pub main_path: Option<PathBuf>,
    /// The session is a separate one, beside one another wizard holds.
    pub separate: bool,
    pub theme: ThemeChoice,
}

/// Finds and locks the session, reads the saved answers and the answers brought in;
/// `None` when another wizard holds the session and the user chose to quit.
pub(crate) fn prepare(options: Options) -> Result<Option<Prepared>, RunError> {
    let tree = options.tree;
    let mut start = StartOptions {
        date: options.date,
        no_color: Theme::no_color_requested(),
        catalog: options.catalog,
        respondent: options.respondent.clone(),
        home: home(),
        export: options.export.clone(),
        ..StartOptions::default()
    };
    let mut separate = false;
    let mut session = Session::for_respondent(
        &tree,
        options.questions_path.as_deref(),
        options.respondent.as_deref(),
    );
    let main_path = session.as_ref().map(|s| s.path.clone());
    if let Some(s) = session.as_mut() {
        match s.lock() {
            Ok(()) => {}
            Err(LockError::Failed(why)) => {
                start.unsaved = Some(format!("the session folder cannot be used ({why})"));
            }
            Err(LockError::Held { by }) => match ask_about_held_session(&s.path, &by)? {
                Choice::ReadOnly => {
                    s.read_only = Some(format!(
                        "the session is open read-only, as another mlops-wizard holds it ({by})"
                    ));
                    start.unsaved = s.read_only.clone();
                    start.notes.push(format!(
                        "another mlops-wizard holds this session ({by}), so it is open read-only: nothing you answer here is saved. Export your answers (with the answers file) to keep them."
                    ));
                }
                Choice::Separate => match s.separate() {
                    Ok(new) => {
                        *s = new;
                        separate = true;
                    }
                    Err(e) => {
                        let why = match e {
                            LockError::Held { by } => format!("held by {by}"),
                            LockError::Failed(why) => why,
                        };
                        s.read_only = Some(format!("no separate session could be made ({why})"));
                        start.unsaved = s.read_only.clone();
                    }
                },
                Choice::Quit => return Ok(None),
            },
        }
    } else {
        start.unsaved = Some(
            "there is no folder for the session file (no home directory?); set MLOPS_WIZARD_STATE_DIR"
                .into(),
        );
    }
    // The saved answers are read from the tree's session, held by this wizard or not.
    let saved = match (&session, &main_path) {
        (Some(s), Some(main)) if s.holds_lock() && s.path == *main => s.load(&tree),
        (_, Some(main)) => Session::new(main.clone()).load(&tree),
        _ => Saved::None,
    };
    let continues_main = session
        .as_ref()
        .is_some_and(|s| s.holds_lock() && Some(&s.path) == main_path.as_ref());
    match saved {
        Saved::Found { answers, notes } => {
            if options.resume && options.answers.is_none() {
                start.answers = Some(answers);
                start.skip_welcome = true;
            } else {
                if !answers.values.is_empty() {
                    start.resumable = Some(answers);
                }
                // A walk started afresh (or from --answers) keeps the old one aside.
                if continues_main && let Some(s) = session.as_mut() {
                    s.keep_previous = true;
                }
            }
            start.notes.extend(notes);
        }
        Saved::Corrupt { note } => {
            if continues_main
                && !note.contains("was kept as")
                && let Some(s) = session.as_mut()
            {
                s.read_only = Some("the unreadable session file could not be moved aside".into());
                start.unsaved = s.read_only.clone();
            }
            start.notes.push(note);
        }
        Saved::None => {
            if options.resume {
                start
                    .notes
                    .push("there is no saved session to resume; starting afresh".into());
            }
        }
    }
    if let Some((answers, notes)) = options.answers {
        start.answers = Some(answers);
        start.skip_welcome = true;
        start.notes.extend(notes);
    }
    start.session_path = session.as_ref().map(|s| s.path.clone());
    Ok(Some(Prepared {
        tree,
        start,
        session,
        main_path,
        separate,
        theme: options.theme,
    }))
}

/// Runs the wizard until the user quits.
pub fn run(options: Options) -> Result<Outcome, RunError> {
    if !io::stdin().is_terminal() {
        return Err(RunError::NotATerminal("input"));
    }
    if !io::stdout().is_terminal() {
        return Err(RunError::NotATerminal("output"));
    }
    let Some(Prepared {
        tree,
        start,
        mut session,
        main_path,
        separate,
        theme,
    }) = prepare(options)?
    else {
        return Ok(Outcome {
            ended: Ended::Declined,
            ..Outcome::default()
        });
    };
    let mut app = App::new(tree, start);
    // Answers brought in (--answers, --resume) are on disk from the start, like every
    // answer given later.
    if !app.answers.values.is_empty()
        && let Some(s) = session.as_mut()
        && s.read_only.is_none()
    {
        let saved = s.save(&app.session_text());
        update(&mut app, Action::SessionSaved(saved));
    }

    install_panic_hook();
    let signals = Signals::install();
    let mut terminal = enter()?;
    if !start_no_color() {
        let palette = match theme {
            ThemeChoice::Light => Palette::Light,
            ThemeChoice::Dark => Palette::Dark,
            ThemeChoice::Auto => background_palette().unwrap_or(Palette::Dark),
        };
        app.theme = Theme::new(palette);
    }
    let mut worker = Worker::start(&app.tree);
    let result = event_loop(
        &mut terminal,
        &mut app,
        session.as_mut(),
        signals.as_ref(),
        &mut worker,
    );
    restore();
    // ratatui's `Terminal` shows the cursor when dropped and prints (with a panic if it
    // cannot) when that fails, as it does on a terminal that went away: the cursor is
    // shown above already.
    std::mem::forget(terminal);
    let ended = result?;
    Ok(finish(Finish {
        tree: &app.tree,
        answers: app.effective_answers(),
        session: session.as_ref(),
        main_path: main_path.as_ref(),
        separate,
        ended,
        unsaved: app.unsaved.clone(),
        exported: app.export.written.clone(),
        dirty: app.dirty,
    }))
}

/// How a walk ended, for [`finish`].
pub(crate) struct Finish<'a> {
    pub tree: &'a Tree,
    /// The answers that count.
    pub answers: Answers,
    pub session: Option<&'a Session>,
    pub main_path: Option<&'a PathBuf>,
    pub separate: bool,
    pub ended: Ended,
    pub unsaved: Option<String>,
    pub exported: Vec<PathBuf>,
    pub dirty: bool,
}

/// The outcome of a walk. Saved means: a session file holds exactly these answers, read
/// back to be sure.
pub(crate) fn finish(f: Finish<'_>) -> Outcome {
    let tree = f.tree;
    let holds = |path: &PathBuf| match Session::new(path.clone()).load(tree) {
        Saved::Found { answers: saved, .. } => {
            Flow::new(tree, &saved).effective(tree, &saved).values == f.answers.values
        }
        _ => false,
    };
    let current = f.session.map(|s| s.path.clone());
    let saved_in = current
        .iter()
        .chain(f.main_path)
        .find(|p| holds(p))
        .cloned();
    Outcome {
        ended: f.ended,
        separate: f.separate && saved_in.is_some() && saved_in == current,
        session: saved_in,
        unsaved: f.unsaved,
        exported: f.exported,
        answered: f.answers.values.len(),
        dirty: f.dirty,
        answers_file: f.answers.to_toml(tree),
    }
}

fn start_no_color() -> bool {
    Theme::no_color_requested()
}

/// The home folder, for `~` in paths.
pub fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// Asks the terminal for its background colour (OSC 11), followed by a request every
/// terminal answers (primary device attributes), so that a terminal that does not know
/// OSC 11 is known at once rather than after a timeout; gives up after 500 ms (an answer
/// that came later would be read as keys). Runs in raw mode, before the event loop reads
/// the terminal.
#[cfg(unix)]
fn background_palette() -> Option<Palette> {
    if std::env::var_os("TERM").is_some_and(|t| t == "dumb") {
        return None;
    }
    let mut out = io::stdout();
    out.write_all(b"\x1b]11;?\x1b\\\x1b[c").ok()?;
    out.flush().ok()?;
    let deadline = std::time::Instant::now() + Duration::from_millis(500);
    let mut got = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            break;
        }
        let mut fd = libc::pollfd {
            fd: libc::STDIN_FILENO,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut fd, 1, left.as_millis() as libc::c_int) };
        if n <= 0 {
            break;
        }
        let mut buf = [0u8; 256];
        // SAFETY: reads into a valid buffer of its length.
        let r = unsafe { libc::read(libc::STDIN_FILENO, buf.as_mut_ptr().cast(), buf.len()) };
        if r <= 0 {
            break;
        }
        got.extend_from_slice(&buf[..r as usize]);
        // The device attributes end the answers: ESC [ ? ... c
        if let Some(i) = find_subslice(&got, b"\x1b[?")
            && got[i..].contains(&b'c')
        {
            break;
        }
    }
    super::theme::parse_background(&got).map(super::theme::palette_for_background)
}

#[cfg(not(unix))]
fn background_palette() -> Option<Palette> {
    None
}

fn find_subslice(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Computes the robustness of the answers off the key path, on a thread of its own: the
/// newest request wins, older ones are skipped. Each result wakes the event loop through a
/// pipe that it polls beside the terminal.
struct Worker {
    jobs: std::sync::mpsc::Sender<(u64, Answers)>,
    results: std::sync::mpsc::Receiver<(u64, crate::robustness::Robustness)>,
    #[cfg(unix)]
    wake: std::os::unix::net::UnixStream,
}

impl Worker {
    #[cfg(unix)]
    fn start(tree: &Tree) -> Option<Worker> {
        use std::io::Write as _;
        let (jobs, inbox) = std::sync::mpsc::channel::<(u64, Answers)>();
        let (outbox, results) = std::sync::mpsc::channel();
        let (wake, mut notify) = std::os::unix::net::UnixStream::pair().ok()?;
        wake.set_nonblocking(true).ok()?;
        let tree = tree.clone();
        std::thread::Builder::new()
            .name("analysis".into())
            .spawn(move || {
                while let Ok(mut job) = inbox.recv() {
                    while let Ok(newer) = inbox.try_recv() {
                        job = newer;
                    }
                    let (generation, answers) = job;
                    let rec = crate::recommend::Recommendation::quick(&tree, &answers);
                    let r = crate::robustness::analyse(&tree, &answers, &rec);
                    if outbox.send((generation, r)).is_err() {
                        break;
                    }
                    let _ = notify.write_all(&[1]);
                }
            })
            .ok()?;
        Some(Worker {
            jobs,
            results,
            wake,
        })
    }

    #[cfg(not(unix))]
    fn start(_tree: &Tree) -> Option<Worker> {
        None
    }

    /// The descriptor that becomes readable when a result comes.
    fn fd(&self) -> Option<i32> {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd as _;
            Some(self.wake.as_raw_fd())
        }
        #[cfg(not(unix))]
        None
    }

    /// The results that came, as actions.
    fn take(&self) -> Vec<Action> {
        #[cfg(unix)]
        {
            use std::io::Read as _;
            let mut buf = [0u8; 64];
            while matches!((&self.wake).read(&mut buf), Ok(n) if n > 0) {}
        }
        self.results
            .try_iter()
            .map(|(generation, r)| Action::Analysed {
                generation,
                robustness: Box::new(r),
            })
            .collect()
    }
}

/// Looks at the export path as typed: the home folder, whether it is a folder, whether
/// the folder of the report exists, which outputs exist.
pub fn check_path(request: PathRequest, home: Option<&Path>) -> PathCheck {
    let expanded = export::expand_home(request.text.trim(), home);
    let is_dir = !request.text.trim().is_empty() && expanded.is_dir();
    let (folder, folder_shown, existing) =
        match export::targets(&request.text, home, is_dir, &request.default_name) {
            Ok(t) => {
                let parent = t
                    .markdown
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                let folder = if parent.is_dir() {
                    FolderState::Exists
                } else if parent.exists() || parent.ancestors().skip(1).any(Path::is_file) {
                    FolderState::NotAFolder
                } else {
                    FolderState::Missing
                };
                let existing = t
                    .outputs(request.json, request.answers)
                    .into_iter()
                    .filter(|p| p.exists())
                    .collect();
                (folder, std::fs::canonicalize(parent).ok(), existing)
            }
            Err(_) => (FolderState::Exists, None, Vec::new()),
        };
    PathCheck {
        request,
        is_dir,
        folder,
        folder_shown,
        existing,
    }
}

/// What to do when another wizard holds the session.
enum Choice {
    ReadOnly,
    Separate,
    Quit,
}

/// Says who holds the session and asks what to do, on the normal screen, before the
/// wizard opens: a line answer, so that the terminal stays as it is.
fn ask_about_held_session(path: &Path, by: &str) -> Result<Choice, RunError> {
    let text = format!(
        "mlops-wizard: the session file\n  {}\nis in use by another mlops-wizard ({by}).\n\
         Two wizards on one session would overwrite each other's answers.\n\n  \
         r  open it read-only: nothing you answer is saved (export it to keep it)\n  \
         n  start a new, separate session beside it\n  \
         q  quit\n\n",
        path.display()
    );
    let mut out = io::stdout();
    out.write_all(sanitize::terminal(&text).as_bytes())?;
    loop {
        out.write_all(b"Open it read-only, start a new session, or quit? [r/n/q] ")?;
        out.flush()?;
        let Some(line) = read_line()? else {
            return Ok(Choice::Quit);
        };
        match line.trim().to_ascii_lowercase().as_str() {
            "r" => return Ok(Choice::ReadOnly),
            "n" => return Ok(Choice::Separate),
            "q" => return Ok(Choice::Quit),
            _ => {}
        }
    }
}

/// One line typed on the terminal, read a byte at a time so that nothing typed after it is
/// taken from the wizard; `None` at end of file.
#[cfg(unix)]
fn read_line() -> io::Result<Option<String>> {
    let mut line = Vec::new();
    loop {
        let mut byte = 0u8;
        // SAFETY: reads one byte into a valid buffer.
        let n = unsafe { libc::read(libc::STDIN_FILENO, (&raw mut byte).cast(), 1) };
        match n {
            1 if byte == b'\n' => break,
            1 => line.push(byte),
            0 if line.is_empty() => return Ok(None),
            0 => break,
            _ => {
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
        }
    }
    Ok(Some(String::from_utf8_lossy(&line).into_owned()))
}

#[cfg(not(unix))]
fn read_line() -> io::Result<Option<String>> {
    let mut line = String::new();
    Ok((io::stdin().read_line(&mut line)? > 0).then_some(line))
}

type Term = Terminal<SafeBackend<CrosstermBackend<io::Stdout>>>;

fn enter() -> Result<Term, RunError> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    if let Err(e) = execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        cursor::Hide
    ) {
        restore();
        return Err(e.into());
    }
    Terminal::new(SafeBackend::new(CrosstermBackend::new(out))).map_err(|e| {
        restore();
        e.into()
    })
}

/// Puts the terminal back: out of raw mode, the alternate screen and mouse capture.
/// Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = io::stdout().flush();
}

/// Back from a stop: raw mode, the alternate screen and the mouse again, and a full redraw
/// (what was on the screen meanwhile is not the wizard's).
fn resume(terminal: &mut Term) -> io::Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        cursor::Hide
    )?;
    // Clears the screen and forgets the last frame, so the next one is drawn whole
    // (`Terminal::clear` would ask the terminal where its cursor is first).
    let size = terminal.size()?;
    terminal.resize(Rect::new(0, 0, size.width, size.height))
}

/// Ctrl-Z or SIGTSTP: restores the terminal, stops the process, and on SIGCONT takes the
/// terminal back.
fn suspend(terminal: &mut Term, app: &mut App, signals: Option<&Signals>) -> io::Result<()> {
    {
        let _guard = TERMINAL.lock().unwrap_or_else(|e| e.into_inner());
        restore();
    }
    #[cfg(unix)]
    let _ = signal_hook::low_level::raise(libc::SIGSTOP);
    // Running again: the SIGCONT that woke us is handled here.
    if let Some(s) = signals {
        s.forget(Signal::Continue);
    }
    resume(terminal)?;
    let size = terminal.size()?;
    update(
        app,
        Action::Resize(Rect::new(0, 0, size.width, size.height)),
    );
    Ok(())
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
        let _ = writeln!(
            io::stderr(),
            "mlops-wizard crashed; your answers up to this point are in the session file, if it could be saved: run `mlops-wizard --resume`."
        );
    }));
}

fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    mut session: Option<&mut Session>,
    signals: Option<&Signals>,
    worker: &mut Option<Worker>,
) -> Result<Ended, RunError> {
    match run_loop(terminal, app, session.as_deref_mut(), signals, worker) {
        Ok(ended) => Ok(ended),
        Err(e) => {
            // Whatever failed, what was being typed is kept, as far as it can be.
            apply(app, Action::ForceQuit, session, worker, None);
            if input_state(None, None, false) == Wake::Hangup {
                Ok(Ended::TerminalLost)
            } else {
                Err(e.into())
            }
        }
    }
}

fn run_loop(
    terminal: &mut Term,
    app: &mut App,
    mut session: Option<&mut Session>,
    signals: Option<&Signals>,
    worker: &mut Option<Worker>,
) -> io::Result<Ended> {
    let size = terminal.size()?;
    update(
        app,
        Action::Resize(Rect::new(0, 0, size.width, size.height)),
    );
    for command in app.start_commands() {
        let action = execute_command(
            command,
            &app.tree,
            session.as_deref_mut(),
            worker,
            Some(terminal),
        );
        if let Some(a) = action {
            apply(app, a, session.as_deref_mut(), worker, Some(terminal));
        }
    }
    loop {
        {
            let _guard = TERMINAL.lock().unwrap_or_else(|e| e.into_inner());
            terminal.draw(|frame| super::chrome::draw(app, frame))?;
        }
        if app.quit {
            return Ok(Ended::Quit);
        }
        if let Some(w) = worker.as_ref() {
            for action in w.take() {
                apply(app, action, session.as_deref_mut(), worker, Some(terminal));
            }
        }
        if let Some(s) = signals {
            // Back from a stop, the screen is blank: it is drawn again before waiting.
            let mut redraw = false;
            for signal in s.take() {
                match signal {
                    Signal::End(sig) => {
                        return Ok(end(app, session, worker, Ended::Signal(sig)));
                    }
                    Signal::Stop => {
                        suspend(terminal, app, signals)?;
                        redraw = true;
                    }
                    Signal::Continue => {
                        resume(terminal)?;
                        let size = terminal.size()?;
                        update(
                            app,
                            Action::Resize(Rect::new(0, 0, size.width, size.height)),
                        );
                        redraw = true;
                    }
                    Signal::Resize => {}
                }
            }
            if redraw {
                continue;
            }
        }
        let wake = worker.as_ref().and_then(Worker::fd);
        let event = match next_event(signals, wake)? {
            Next::Event(event) => event,
            Next::Signal => continue,
            Next::Hangup => return Ok(end(app, session, worker, Ended::TerminalLost)),
        };
        fault_injection(&event);
        if let event::Event::Key(key) = &event
            && key.code == KeyCode::Char('z')
            && key.modifiers.contains(KeyModifiers::CONTROL)
        {
            suspend(terminal, app, signals)?;
            continue;
        }
        let size = terminal.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        if let Some(action) = keys::action_for_event(app, &event, area) {
            apply(app, action, session.as_deref_mut(), worker, Some(terminal));
        }
    }
}

/// Applies an action and the results of the commands it asks for.
fn apply(
    app: &mut App,
    action: Action,
    mut session: Option<&mut Session>,
    worker: &mut Option<Worker>,
    mut terminal: Option<&mut Term>,
) {
    let mut pending = vec![action];
    while let Some(action) = pending.pop() {
        let home = app.home.clone();
        for command in update(app, action) {
            let command = match command {
                Command::CheckPath(req) => {
                    pending.push(Action::PathChecked(check_path(req, home.as_deref())));
                    continue;
                }
                other => other,
            };
            if let Some(a) = execute_command(
                command,
                &app.tree,
                session.as_deref_mut(),
                worker,
                terminal.as_deref_mut(),
            ) {
                pending.push(a);
            }
        }
    }
}

/// Ends the walk at once, as Ctrl-C does: the text being typed is kept and the session
/// saved.
fn end(
    app: &mut App,
    session: Option<&mut Session>,
    worker: &mut Option<Worker>,
    ended: Ended,
) -> Ended {
    apply(app, Action::ForceQuit, session, worker, None);
    ended
}

/// What woke the event loop.
enum Next {
    Event(event::Event),
    Signal,
    Hangup,
}

/// Waits for the next terminal event, a signal, or the terminal going away. crossterm is
/// only asked for events when the terminal is known to be there: once the terminal has
/// hung up, its reads return nothing forever, and crossterm would spin on them.
fn next_event(signals: Option<&Signals>, worker: Option<i32>) -> io::Result<Next> {
    loop {
        if input_state(None, None, false) == Wake::Hangup {
            return Ok(Next::Hangup);
        }
        if event::poll(Duration::ZERO)? {
            return Ok(Next::Event(event::read()?));
        }
        match input_state(signals, worker, true) {
            Wake::Input | Wake::Nothing => {}
            Wake::Signal => return Ok(Next::Signal),
            Wake::Hangup => return Ok(Next::Hangup),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wake {
    Input,
    Signal,
    Hangup,
    Nothing,
}

/// The state of the terminal's input (standard input, which crossterm reads): waits until
/// it has data, hangs up, or a signal comes when `block`; only looks otherwise.
#[cfg(unix)]
fn input_state(signals: Option<&Signals>, worker: Option<i32>, block: bool) -> Wake {
    use std::os::fd::AsRawFd as _;
    let mut fds = vec![libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    }];
    // A result of the analysis wakes the loop like a signal does: it looks at both.
    let extra = signals
        .map(|s| s.wake.as_raw_fd())
        .into_iter()
        .chain(worker);
    for fd in extra {
        fds.push(libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        });
    }
    let timeout = if block { -1 } else { 0 };
    // SAFETY: `fds` is a valid array of pollfd of the given length.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout) };
    if n < 0 {
        // Interrupted by a signal: the loop looks at the signals next.
        return if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
            Wake::Signal
        } else {
            Wake::Hangup
        };
    }
    if fds.iter().skip(1).any(|f| f.revents != 0) {
        if let Some(s) = signals {
            s.drain();
        }
        return Wake::Signal;
    }
    let r = fds[0].revents;
    if r & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
        Wake::Hangup
    } else if r & libc::POLLIN != 0 {
        Wake::Input
    } else {
        Wake::Nothing
    }
}

#[cfg(not(unix))]
fn input_state(_signals: Option<&Signals>, _worker: Option<i32>, block: bool) -> Wake {
    match event::poll(if block {
        Duration::from_millis(250)
    } else {
        Duration::ZERO
    }) {
        Ok(true) => Wake::Input,
        Ok(false) => Wake::Nothing,
        Err(_) => Wake::Hangup,
    }
}

/// A signal, as the event loop handles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signal {
    /// SIGTERM, SIGHUP, SIGINT, SIGQUIT: end the wizard.
    End(i32),
    /// SIGTSTP.
    Stop,
    /// SIGCONT.
    Continue,
    /// SIGWINCH (crossterm reports the new size as an event).
    Resize,
}

/// The signals the wizard handles: each sets a flag and writes to a self-pipe that the
/// event loop polls.
struct Signals {
    #[cfg(unix)]
    flags: Vec<(Signal, std::sync::Arc<std::sync::atomic::AtomicBool>)>,
    #[cfg(unix)]
    wake: std::os::unix::net::UnixStream,
}

impl Signals {
    #[cfg(unix)]
    fn install() -> Option<Signals> {
        use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGWINCH};
        use std::sync::Arc;
        use std::sync::atomic::AtomicBool;
        let (wake, write) = std::os::unix::net::UnixStream::pair().ok()?;
        wake.set_nonblocking(true).ok()?;
        let mut ending = vec![SIGTERM, SIGINT, SIGQUIT];
        if !ignored(SIGHUP) {
            ending.push(SIGHUP);
        }
        let mut wanted: Vec<(i32, Signal)> = ending.iter().map(|&s| (s, Signal::End(s))).collect();
        wanted.extend([
            (SIGTSTP, Signal::Stop),
            (SIGCONT, Signal::Continue),
            (SIGWINCH, Signal::Resize),
        ]);
        let mut flags = Vec::new();
        for (sig, signal) in wanted {
            let flag = Arc::new(AtomicBool::new(false));
            signal_hook::flag::register(sig, Arc::clone(&flag)).ok()?;
            let pipe = write.try_clone().ok()?;
            signal_hook::low_level::pipe::register(sig, pipe).ok()?;
            flags.push((signal, flag));
        }
        last_resort(&ending);
        Some(Signals { flags, wake })
    }

    #[cfg(not(unix))]
    fn install() -> Option<Signals> {
        None
    }

    /// The signals that came since the last call, ending ones first.
    fn take(&self) -> Vec<Signal> {
        #[cfg(unix)]
        {
            use std::sync::atomic::Ordering;
            let mut came: Vec<Signal> = self
                .flags
                .iter()
                .filter(|(_, flag)| flag.swap(false, Ordering::SeqCst))
                .map(|(signal, _)| *signal)
                .collect();
            came.sort_by_key(|s| !matches!(s, Signal::End(_)));
            came
        }
        #[cfg(not(unix))]
        Vec::new()
    }

    /// Forgets that `signal` came.
    fn forget(&self, signal: Signal) {
        #[cfg(unix)]
        for (s, flag) in &self.flags {
            if *s == signal {
                flag.store(false, std::sync::atomic::Ordering::SeqCst);
            }
        }
        #[cfg(not(unix))]
        let _ = signal;
    }

    /// Empties the self-pipe.
    fn drain(&self) {
        #[cfg(unix)]
        {
            use std::io::Read as _;
            let mut buf = [0u8; 64];
            while matches!((&self.wake).read(&mut buf), Ok(n) if n > 0) {}
        }
    }
}

/// Whether `sig` was ignored when the wizard started (`nohup` ignores SIGHUP).
#[cfg(unix)]
fn ignored(sig: i32) -> bool {
    // SAFETY: reading the current disposition into a zeroed sigaction.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_IGN
    }
}

/// If the event loop does not end the wizard within [`SIGNAL_GRACE`] of an ending signal
/// (stuck writing to a terminal that does not read), the terminal is restored and the
/// process exits all the same.
#[cfg(unix)]
fn last_resort(signals: &[i32]) {
    let Ok(mut iter) = signal_hook::iterator::Signals::new(signals) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = iter.forever().next() {
            std::thread::sleep(SIGNAL_GRACE);
            let _guard = TERMINAL.lock().unwrap_or_else(|e| e.into_inner());
            restore();
            let _ = writeln!(
                io::stderr(),
                "mlops-wizard: stopped by signal {sig} and could not finish in time; answers since the last save may be lost."
            );
            std::process::exit(128 + sig);
        }
    });
}

/// Carries out a command and reports its result as an action, if it has one now (an
/// analysis reports later, through the worker).
fn execute_command(
    command: Command,
    tree: &Tree,
    session: Option<&mut Session>,
    worker: &mut Option<Worker>,
    terminal: Option<&mut Term>,
) -> Option<Action> {
    Some(match command {
        Command::SaveSession(text) => Action::SessionSaved(match session {
            Some(s) => s.save(&text),
            None => Err("there is no folder for the session file (no home directory?)".into()),
        }),
        Command::Export {
            files,
            overwrite,
            create_folder,
        } => Action::Exported(write_files(&files, overwrite, create_folder)),
        Command::CheckPath(req) => Action::PathChecked(check_path(req, home().as_deref())),
        Command::Analyse {
            generation,
            answers,
        } => {
            if let Some(w) = worker.as_ref()
                && w.jobs.send((generation, answers.clone())).is_ok()
            {
                return None;
            }
            // No worker thread: analyse here.
            *worker = None;
            let rec = crate::recommend::Recommendation::quick(tree, &answers);
            Action::Analysed {
                generation,
                robustness: Box::new(crate::robustness::analyse(tree, &answers, &rec)),
            }
        }
        Command::OpenEditor { text } => Action::Edited(match terminal {
            Some(t) => run_editor(t, &text),
            None => Err("no terminal".into()),
        }),
    })
}

/// Runs `$VISUAL` or `$EDITOR` (else `vi`) on `text` in a temporary file, on the normal
/// screen, and takes the terminal back afterwards.
fn run_editor(terminal: &mut Term, text: &str) -> Result<String, String> {
    let mut file = tempfile::Builder::new()
        .prefix("mlops-wizard-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("cannot make a temporary file: {e}"))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| format!("cannot write the temporary file: {e}"))?;
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(std::env::var_os)
        .find(|e| !e.is_empty())
        .unwrap_or_else(|| "vi".into());
    {
        let _guard = TERMINAL.lock().unwrap_or_else(|e| e.into_inner());
        restore();
    }
    // Through the shell, so that an editor given with arguments ("code --wait") works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("$MLOPS_WIZARD_EDITOR \"$1\"")
        .arg("sh")
        .arg(file.path())
        .env("MLOPS_WIZARD_EDITOR", &editor)
        .status();
    let back = resume(terminal).map_err(|e| e.to_string());
    let status = status.map_err(|e| format!("cannot start {}: {e}", editor.to_string_lossy()))?;
    back?;
    if !status.success() {
        return Err(format!(
            "{} ended with {status}; the text is unchanged",
            editor.to_string_lossy()
        ));
    }
    let bytes = std::fs::read(file.path()).map_err(|e| format!("cannot read it back: {e}"))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn write_files(
    files: &[(PathBuf, String)],
    overwrite: bool,
    create_folder: bool,
) -> Result<Vec<PathBuf>, ExportError> {
    if let Some((first, _)) = files.first() {
        let folder = first
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !folder.exists() {
            if !create_folder {
                return Err(ExportError::MissingFolder(folder.to_path_buf()));
            }
            std::fs::create_dir_all(folder).map_err(|e| {
                ExportError::Failed(format!("cannot create {}: {e}", folder.display()))
            })?;
        }
    }
    if !overwrite {
        let existing: Vec<PathBuf> = files
            .iter()
            .map(|(p, _)| p.clone())
            .filter(|p| p.exists())
            .collect();
        if !existing.is_empty() {
            return Err(ExportError::Exists(existing));
        }
    }
    let mut written = Vec::new();
    for (path, text) in files {
        atomic::write(path, text.as_bytes(), true)
            .map_err(|e| ExportError::Failed(e.to_string()))?;
        written.push(path.clone());
    }
    Ok(written)
}

/// Debug builds only: with `MLOPS_WIZARD_TEST_PANIC` set, F12 panics, so the tests can check
/// that a crash mid-walk restores the terminal and keeps the answers. Release builds have
/// no such hook.
fn fault_injection(event: &event::Event) {
    #[cfg(debug_assertions)]
    if let event::Event::Key(key) = event
        && key.code == event::KeyCode::F(12)
        && std::env::var_os("MLOPS_WIZARD_TEST_PANIC").is_some()
    {
        panic!("panic requested with F12 (MLOPS_WIZARD_TEST_PANIC)");
    }
    #[cfg(not(debug_assertions))]
    let _ = event;
}
