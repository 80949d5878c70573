//! Who takes part (optional): the decision-makers, the people consulted and the people
//! kept informed, as names or roles separated by commas. Saved in `[meta]` of the session
//! and the answers file; the report shows them.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use crate::answers::AnswersMeta;
use crate::tui::app::{Action, App, Command, ScreenId};
use crate::tui::chrome::wrapped;
use crate::tui::keys::{Binding, Cmd, bind, k};
use crate::tui::screens::question;
use crate::tui::textarea::TextArea;

/// The fields, in order.
pub const FIELDS: [(&str, &str); 3] = [
    (
        "Decision-makers",
        "who takes the decision (for example: Dana Petrova, head of data)",
    ),
    (
        "Consulted",
        "whose opinion is sought before it (for example: security, finance)",
    ),
    (
        "Informed",
        "who is kept up to date (for example: the ML team)",
    ),
];

/// The longest list of names, in characters.
const MAX_CHARS: usize = 500;

/// The state of the step.
#[derive(Debug, Clone)]
pub struct State {
    /// The step was shown once: the walk does not come back to it by itself.
    pub visited: bool,
    /// The field with the keyboard.
    pub field: usize,
    pub fields: [TextArea; 3],
}

impl State {
    pub fn new(meta: &AnswersMeta) -> State {
        let f = |names: &[String]| TextArea::single(&names.join(", "), MAX_CHARS);
        State {
            visited: !meta.decision_makers.is_empty() || !meta.consulted.is_empty(),
            field: 0,
            fields: [
                f(&meta.decision_makers),
                f(&meta.consulted),
                f(&meta.informed),
            ],
        }
    }
}

pub const BINDINGS: &[Binding] = &[
    bind(
        Cmd::Choose,
        &[k(KeyCode::Enter)],
        "Enter",
        "next field; on the last one, save and go to the review",
        Some("next"),
    ),
    bind(
        Cmd::NextField,
        &[k(KeyCode::Tab), k(KeyCode::Down)],
        "Tab ↓",
        "next field",
        None,
    ),
    bind(
        Cmd::PrevField,
        &[k(KeyCode::BackTab), k(KeyCode::Up)],
        "S-Tab ↑",
        "previous field",
        None,
    ),
    bind(
        Cmd::Cancel,
        &[k(KeyCode::Esc)],
        "Esc",
        "drop the edit; again: back to the questions",
        Some("cancel"),
    ),
];

pub fn bindings(_app: &App) -> Vec<&'static Binding> {
    BINDINGS.iter().collect()
}

/// Names separated by commas, trimmed, without empty ones.
pub fn names(text: &str) -> Vec<String> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Saves the fields into `[meta]`.
fn save(app: &mut App, out: &mut Vec<Command>) {
    let mut meta = app.answers.meta.clone();
    meta.decision_makers = names(app.people.fields[0].value());
    meta.consulted = names(app.people.fields[1].value());
    meta.informed = names(app.people.fields[2].value());
    for f in &mut app.people.fields {
        f.commit();
    }
    app.set_people(meta, out);
}

pub fn update(app: &mut App, action: Action, out: &mut Vec<Command>) {
    app.people.visited = true;
    let last = FIELDS.len() - 1;
    match action {
        Action::Edit { key, width } => {
            let f = app.people.field;
            app.people.fields[f].input(key, width);
        }
        Action::Paste(t) => {
            let f = app.people.field;
            app.people.fields[f].insert_str(&t);
        }
        Action::Cmd(Cmd::Choose) if app.people.field == last => {
            save(app, out);
            app.go(ScreenId::Review);
        }
        Action::Cmd(Cmd::Choose | Cmd::NextField) => {
            save(app, out);
            app.people.field = (app.people.field + 1).min(last);
        }
        Action::Cmd(Cmd::PrevField) => {
            save(app, out);
            app.people.field = app.people.field.saturating_sub(1);
        }
        Action::Cmd(Cmd::Cancel) => {
            let f = app.people.field;
            if app.people.fields[f].changed() {
                app.people.fields[f].revert();
                app.info("Your edit was dropped. Esc again goes back.");
            } else {
                match app.flow.visible().last() {
                    Some(q) => question::open(app, q),
                    None => app.go(ScreenId::Welcome),
                }
            }
        }
        _ => {}
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let theme = &app.theme;
    let mut lines = vec![
        Line::styled("Who takes part in this decision?", theme.title),
        Line::default(),
    ];
    lines.extend(wrapped(
        "Optional. Names or roles, separated by commas; the report lists them. Enter on an empty field skips it.",
        area.width,
        theme.muted,
    ));
    let top = lines.len() as u16 + 1;
    Paragraph::new(lines).render(area, buf);
    let mut cursor = None;
    if area.height < top + 4 * FIELDS.len() as u16 {
        // Short screens: one row per field, its name before it.
        let label_w = FIELDS.iter().map(|(t, _)| t.len()).max().unwrap_or(10) as u16 + 4;
        for (i, (title, _)) in FIELDS.iter().enumerate() {
            let y = area.y + top + i as u16 * 2;
            if y >= area.bottom() {
                break;
            }
            let focused = i == app.people.field;
            let style = if focused { theme.title } else { theme.muted };
            let pointer = if focused { "❯ " } else { "  " };
            buf.set_string(area.x, y, format!("{pointer}{title}:"), style);
            let field = Rect {
                x: area.x + label_w,
                y,
                width: area.width.saturating_sub(label_w),
                height: 1,
            };
            let pos = app.people.fields[i].render(field, buf, theme.text, focused);
            if focused {
                cursor = pos;
            }
        }
        return cursor;
    }
    for (i, (title, what)) in FIELDS.iter().enumerate() {
        let y = area.y + top + i as u16 * 4;
        if y + 3 > area.bottom() {
            break;
        }
        let focused = i == app.people.field;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if focused { theme.accent } else { theme.border })
            .title(Span::styled(
                crate::tui::text::truncate(
                    &format!(" {title}: {what} "),
                    usize::from(area.width.saturating_sub(2)),
                ),
                if focused { theme.title } else { theme.muted },
            ));
        let r = Rect {
            y,
            height: 3,
            ..area
        };
        let inner = block.inner(r);
        block.render(r, buf);
        let pos = app.people.fields[i].render(inner, buf, theme.text, focused);
        if focused {
            cursor = pos;
        }
    }
    cursor
}
