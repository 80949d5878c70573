//! The welcome screen: what the tree decides, how long it takes, the main keys, and the
//! saved session to resume. What to do next stays on screen; the description gives way.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use crate::tui::app::{Action, App, Command};
use crate::tui::chrome::{clipped, wrapped};
use crate::tui::keys::{Binding, Cmd, bind, c, k};
use crate::tui::screens::question;
use crate::tui::text;

/// The welcome screen has no state of its own.
#[derive(Debug, Clone, Copy, Default)]
pub struct State;

pub const BINDINGS: &[Binding] = &[
    bind(
        Cmd::Start,
        &[k(KeyCode::Enter)],
        "Enter",
        "start (or continue the answers brought in)",
        Some("start"),
    ),
    bind(
        Cmd::Resume,
        &[c('r')],
        "r",
        "resume the saved session",
        Some("resume"),
    ),
];

pub fn bindings(app: &App) -> Vec<&'static Binding> {
    BINDINGS
        .iter()
        .filter(|b| b.cmd != Cmd::Resume || app.resumable.is_some())
        .collect()
}

pub fn update(app: &mut App, action: Action, out: &mut Vec<Command>) {
    match action {
        Action::Cmd(Cmd::Start) if !app.answers.values.is_empty() => {
            // Answers brought in with --answers: go on where they stop.
            app.continue_walk();
        }
        Action::Cmd(Cmd::Start) => match app.flow.next(None) {
            Some(i) => question::open(app, i),
            None => app.go(crate::tui::app::ScreenId::Review),
        },
        Action::Cmd(Cmd::Resume) => {
            if let Some(saved) = app.resumable.take() {
                app.answers = saved;
                app.people = crate::tui::screens::people::State::new(&app.answers.meta);
                app.refresh();
                app.dirty = !app.effective_answers().values.is_empty();
                app.export = crate::tui::screens::export::State::new(&app.default_export_name());
                out.push(Command::Analyse {
                    generation: app.generation,
                    answers: app.flow.effective(&app.tree, &app.answers),
                });
            }
            app.continue_walk();
        }
        _ => {}
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = area.width;
    let mut bottom: Vec<Line> = vec![Line::default()];
    bottom.extend(wrapped(
        &format!(
            "About {}, a few minutes. Every answer is saved as you go; you can go back and change any of them.",
            text::count(app.flow.len(), "question", "questions")
        ),
        width,
        theme.muted,
    ));
    bottom.push(Line::default());
    let action = match &app.resumable {
        Some(saved) => format!(
            "A saved session has {}: press r to resume it, or Enter to start afresh (the saved one is then kept as a backup).",
            text::count(saved.values.len(), "answer", "answers")
        ),
        None => "Press Enter to start, ? for every key, q to quit.".to_string(),
    };
    let style = if app.resumable.is_some() {
        theme.warn
    } else {
        theme.key
    };
    bottom.extend(wrapped(&action, width, style));
    for note in &app.notes {
        bottom.push(Line::default());
        bottom.extend(wrapped(&format!("Note: {note}"), width, theme.warn));
    }
    let mut top = vec![
        Line::styled(app.tree.meta.title.clone(), theme.title),
        Line::default(),
    ];
    let room = area
        .height
        .saturating_sub(bottom.len() as u16 + top.len() as u16);
    top.extend(clipped(
        app.tree.meta.description.trim(),
        width,
        room,
        theme.text,
    ));
    top.extend(bottom);
    Paragraph::new(top).render(area, buf);
}
