//! Drives the wizard the way the runtime does, without a terminal: a key event becomes an
//! action (`keys::action_for_event`), `update` applies it (commands are answered at once, as
//! if the session file had been written), and the state is drawn into a ratatui `Terminal`
//! over any backend. Shared by `benches/wizard.rs` and `benches/targets.rs`.

// Each bench uses only some of it.
#![allow(dead_code)]

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mlops_wizard::Tree;
use mlops_wizard::answers::{Answers, Strictness};
use mlops_wizard::model::Kind;
use mlops_wizard::source::Source;
use mlops_wizard::tui::app::{Action, App, Command, ScreenId, StartOptions, update};
use mlops_wizard::tui::keys;
use mlops_wizard::tui::screens::question;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::Rect;

/// Answers from an answers-file text, checked leniently against `tree`.
pub fn answers(tree: &Tree, text: &str) -> Answers {
    Answers::parse(
        &Source::new("answers.toml", text),
        tree,
        Strictness::Lenient,
    )
    .expect("the answers file loads")
    .answers
}

/// A wizard over `tree`, past the welcome screen, sized `width` x `height`, starting from
/// `answers` if given.
pub fn app(tree: Tree, answers: Option<Answers>, width: u16, height: u16) -> App {
    let mut app = App::new(
        tree,
        StartOptions {
            answers,
            skip_welcome: true,
            date: "2026-11-28".into(),
            no_color: false,
            ..StartOptions::default()
        },
    );
    update(&mut app, Action::Resize(Rect::new(0, 0, width, height)));
    app
}

/// Opens the first question of `kind` that is shown.
pub fn go_to_kind(app: &mut App, kind: Kind) {
    let target = app
        .flow
        .visible()
        .find(|&i| app.tree.questions[i].kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} question reachable"));
    question::open(app, target);
    assert_eq!(app.screen, ScreenId::Question);
}

/// Opens the verdict screen.
pub fn go_to_verdict(app: &mut App) {
    app.go(ScreenId::Verdict);
}

/// A key press without modifiers.
pub fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// One key press end to end: event to action, `update` (and the actions its commands lead
/// to), then one frame drawn. Returns whether the key meant something.
pub fn press<B: Backend>(app: &mut App, terminal: &mut Terminal<B>, event: &Event) -> bool {
    let area = app.size;
    let Some(action) = keys::action_for_event(app, event, area) else {
        return false;
    };
    let mut pending = vec![action];
    while let Some(action) = pending.pop() {
        for command in update(app, action) {
            match command {
                // The runtime writes the session file here; the text is already built.
                Command::SaveSession(text) => {
                    std::hint::black_box(text);
                    pending.push(Action::SessionSaved(Ok(())));
                }
                // The analysis runs on another thread, off the key path.
                Command::Analyse { answers, .. } => {
                    std::hint::black_box(answers);
                }
                Command::Export { .. } | Command::CheckPath(_) | Command::OpenEditor { .. } => {}
            }
        }
    }
    draw(app, terminal);
    true
}

/// Draws the state, as the runtime does after every event.
pub fn draw<B: Backend>(app: &App, terminal: &mut Terminal<B>) {
    terminal
        .draw(|frame| mlops_wizard::tui::chrome::draw(app, frame))
        .map(|_| ())
        .unwrap_or_else(|_| panic!("drawing failed"));
}
