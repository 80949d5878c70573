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
use mlops_wizard::tui::app::{Action, App, Command, Screen, StartOptions, update};
use mlops_wizard::tui::keys;
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

/// Opens the first question asked (through the jump list), then walks forward, keeping
/// the answers, to the first question of `kind`.
pub fn go_to_kind(app: &mut App, kind: Kind) {
    for action in [Action::JumpList, Action::Top, Action::Confirm] {
        update(app, action);
    }
    for _ in 0..app.tree.questions.len() {
        if app.screen == Screen::Question && app.current().kind == kind && !app.editing {
            return;
        }
        update(app, Action::Next);
    }
    panic!("no {kind:?} question reachable");
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
            pending.push(match command {
                // The runtime writes the session file here; the text is already built.
                Command::SaveSession(text) => {
                    std::hint::black_box(text);
                    Action::SessionSaved(Ok(()))
                }
                Command::Export { .. } => Action::SessionSaved(Ok(())),
            });
        }
    }
    draw(app, terminal);
    true
}

/// Draws the state, as the runtime does after every event.
pub fn draw<B: Backend>(app: &App, terminal: &mut Terminal<B>) {
    terminal
        .draw(|frame| frame.render_widget(app, frame.area()))
        .map(|_| ())
        .unwrap_or_else(|_| panic!("drawing failed"));
}
