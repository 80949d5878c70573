//! The terminal side: raw mode and the alternate screen, the event loop, carrying out
//! [`Command`]s, and putting the terminal back however the wizard ends (return, error,
//! panic, SIGTERM, SIGHUP).

use std::io::{self, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::sync::Mutex;

use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
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
use super::session::{Saved, Session};
use crate::answers::Answers;
use crate::atomic;
use crate::model::Tree;

/// Held while drawing, so a signal never restores the terminal in the middle of a frame.
static TERMINAL: Mutex<()> = Mutex::new(());

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
    /// Answers from `--answers FILE`, with notes on those that could not be used.
    pub answers: Option<(Answers, Vec<String>)>,
    /// `--resume`: continue the saved session at once.
    pub resume: bool,
    /// Today's date, `YYYY-MM-DD`.
    pub date: String,
    /// The tool catalog for the stack plan's examples.
    pub catalog: Option<crate::catalog::Catalog>,
}

/// What the wizard leaves behind, for a last message on the normal screen.
#[derive(Debug, Default)]
pub struct Outcome {
    pub session: Option<PathBuf>,
    pub exported: Vec<PathBuf>,
    pub answered: usize,
}

/// Runs the wizard until the user quits.
pub fn run(options: Options) -> Result<Outcome, RunError> {
    if !io::stdin().is_terminal() {
        return Err(RunError::NotATerminal("input"));
    }
    if !io::stdout().is_terminal() {
        return Err(RunError::NotATerminal("output"));
    }
    let session = Session::for_tree(&options.tree);
    let mut start = StartOptions {
        date: options.date,
        no_color: super::theme::Theme::no_color_requested(),
        session_path: session.as_ref().map(|s| s.path.clone()),
        catalog: options.catalog,
        ..StartOptions::default()
    };
    let mut session_ok = true;
    let mut session = session;
    match session.as_ref().map(|s| s.load(&options.tree)) {
        Some(Saved::Found { answers, notes }) => {
            if options.resume && options.answers.is_none() {
                start.answers = Some(answers);
                start.skip_welcome = true;
            } else {
                if !answers.values.is_empty() {
                    start.resumable = Some(answers);
                }
                // A walk started afresh (or from --answers) keeps the old one aside.
                if let Some(s) = session.as_mut() {
                    s.keep_previous = true;
                }
            }
            start.notes.extend(notes);
        }
        Some(Saved::Corrupt { note }) => {
            session_ok = note.contains("was kept as");
            start.notes.push(note);
        }
        Some(Saved::None) | None => {
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
    let mut app = App::new(options.tree, start);
    let mut session = session.filter(|_| session_ok);

    install_panic_hook();
    install_signal_handlers();
    let mut terminal = enter()?;
    let result = event_loop(&mut terminal, &mut app, session.as_mut());
    restore();
    result?;
    Ok(Outcome {
        session: session.map(|s| s.path),
        exported: app.export.written.clone(),
        answered: app.effective_answers().values.len(),
    })
}

type Term = Terminal<CrosstermBackend<io::Stdout>>;

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
    Terminal::new(CrosstermBackend::new(out)).map_err(|e| {
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

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
        eprintln!(
            "mlops-wizard crashed; your answers up to this point are in the session file: run `mlops-wizard --resume`."
        );
    }));
}

/// On SIGTERM, SIGHUP, SIGINT or SIGQUIT: restore the terminal and exit. Answers are
/// already in the session file, which is written after every answer.
fn install_signal_handlers() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
        let Ok(mut signals) =
            signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])
        else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                let _guard = TERMINAL.lock().unwrap_or_else(|e| e.into_inner());
                restore();
                eprintln!(
                    "mlops-wizard: stopped by signal {sig}; answers are saved, `mlops-wizard --resume` continues."
                );
                std::process::exit(128 + sig);
            }
        });
    }
}

fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    mut session: Option<&mut Session>,
) -> Result<(), RunError> {
    let size = terminal.size()?;
    update(
        app,
        Action::Resize(Rect::new(0, 0, size.width, size.height)),
    );
    loop {
        {
            let _guard = TERMINAL.lock().unwrap_or_else(|e| e.into_inner());
            terminal.draw(|frame| frame.render_widget(&*app, frame.area()))?;
        }
        if app.quit {
            return Ok(());
        }
        // Blocks until something happens: no redraw without an event.
        let event = event::read()?;
        fault_injection(&event);
        let size = terminal.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        let Some(action) = keys::action_for_event(app, &event, area) else {
            continue;
        };
        let mut pending = vec![action];
        while let Some(action) = pending.pop() {
            for command in update(app, action) {
                pending.push(execute_command(command, session.as_deref_mut()));
            }
        }
    }
}

/// Carries out a command and reports its result as an action.
fn execute_command(command: Command, session: Option<&mut Session>) -> Action {
    match command {
        Command::SaveSession(text) => Action::SessionSaved(match session {
            Some(s) => s.save(&text),
            None => Err("no folder for the session file (no home directory?)".into()),
        }),
        Command::Export { files, overwrite } => Action::Exported(export(&files, overwrite)),
    }
}

fn export(files: &[(PathBuf, String)], overwrite: bool) -> Result<Vec<PathBuf>, ExportError> {
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
