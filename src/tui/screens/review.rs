//! The review screen: every question shown with its answer; Enter changes one.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Widget;

use crate::answers::Answer;
use crate::tui::app::{Action, App, Command, ScreenId};
use crate::tui::chrome::{self, inside, list_row};
use crate::tui::keys::{Binding, Cmd, bind, c, k};
use crate::tui::screens::question;
use crate::tui::text::{self, truncate, window_start};

/// The review's state.
#[derive(Debug, Clone, Copy, Default)]
pub struct State {
    /// The highlighted row.
    pub cursor: usize,
}

pub const BINDINGS: &[Binding] = &[
    bind(
        Cmd::Choose,
        &[k(KeyCode::Enter)],
        "Enter",
        "answer or change the highlighted question",
        Some("change"),
    ),
    bind(
        Cmd::Verdict,
        &[c('v'), k(KeyCode::Right), c('l')],
        "v → l",
        "the verdict",
        Some("verdict"),
    ),
    bind(
        Cmd::Export,
        &[c('e')],
        "e",
        "export the report",
        Some("export"),
    ),
    bind(
        Cmd::People,
        &[c('p')],
        "p",
        "who takes part (decision-makers, consulted)",
        Some("people"),
    ),
    bind(
        Cmd::Up,
        &[k(KeyCode::Up), c('k')],
        "↑↓ j k",
        "move",
        Some("move"),
    ),
    bind(Cmd::Down, &[k(KeyCode::Down), c('j')], "↓ j", "move", None),
    bind(Cmd::Top, &[k(KeyCode::Home)], "Home", "first", None),
    bind(Cmd::Bottom, &[k(KeyCode::End), c('G')], "End", "last", None),
    bind(
        Cmd::PageUp,
        &[k(KeyCode::PageUp)],
        "PgUp PgDn",
        "a page",
        None,
    ),
    bind(
        Cmd::PageDown,
        &[k(KeyCode::PageDown)],
        "PgDn",
        "a page",
        None,
    ),
    bind(
        Cmd::Back,
        &[k(KeyCode::Left), c('h'), k(KeyCode::Esc)],
        "← h Esc",
        "back to the last question",
        Some("back"),
    ),
];

pub fn bindings(_app: &App) -> Vec<&'static Binding> {
    BINDINGS.iter().collect()
}

/// The sentence above the list.
fn intro(app: &App) -> String {
    let unanswered = app.flow.len() - app.answered_count();
    if unanswered == 0 {
        "All answered. Enter changes an answer, v shows the verdict.".to_string()
    } else {
        format!(
            "{} not answered: {} as no preference. Enter answers or changes one, v shows the verdict.",
            text::count(unanswered, "question", "questions"),
            if unanswered == 1 {
                "it counts"
            } else {
                "they count"
            }
        )
    }
}

fn list_area(app: &App, area: Rect) -> Rect {
    let top = (text::wrap(&intro(app), area.width).len() as u16).min(3) + 1;
    Rect {
        y: area.y + top,
        height: area.height.saturating_sub(top),
        ..area
    }
}

pub fn page(app: &App, area: Rect, down: bool) -> Action {
    let body = chrome::frame(app, area).body;
    Action::Page {
        down,
        rows: list_area(app, body).height.saturating_sub(1).max(1),
    }
}

pub fn update(app: &mut App, action: Action, _out: &mut Vec<Command>) {
    let asked = app.asked();
    let last = asked.len().saturating_sub(1);
    let cursor = app.review.cursor.min(last);
    app.review.cursor = match action {
        Action::Cmd(Cmd::Up) => cursor.saturating_sub(1),
        Action::Cmd(Cmd::Down) => (cursor + 1).min(last),
        Action::Cmd(Cmd::Top) => 0,
        Action::Cmd(Cmd::Bottom) => last,
        Action::Page { down: true, rows } => (cursor + usize::from(rows)).min(last),
        Action::Page { down: false, rows } => cursor.saturating_sub(usize::from(rows)),
        Action::Pick(i) if i < asked.len() => i,
        _ => cursor,
    };
    match action {
        Action::Cmd(Cmd::Choose) => {
            if let Some(&q) = asked.get(app.review.cursor) {
                question::open(app, q);
                app.question.return_to_review = true;
            }
        }
        Action::Cmd(Cmd::Back) => match asked.last() {
            Some(&q) => question::open(app, q),
            None => app.go(ScreenId::Welcome),
        },
        Action::Cmd(Cmd::Verdict) => app.go(ScreenId::Verdict),
        Action::Cmd(Cmd::Export) => app.go(ScreenId::Export),
        Action::Cmd(Cmd::People) => {
            app.people.field = 0;
            app.go(ScreenId::People);
        }
        _ => {}
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let asked = app.asked();
    ratatui::widgets::Paragraph::new(crate::tui::chrome::clipped(
        &intro(app),
        area.width,
        3,
        theme.muted,
    ))
    .render(area, buf);
    let list = list_area(app, area);
    let height = usize::from(list.height);
    let cursor = app.review.cursor.min(asked.len().saturating_sub(1));
    let start = window_start(asked.len(), cursor, height);
    let width = usize::from(list.width);
    let number_w = asked.len().to_string().len();
    let prompt_w = (width.saturating_sub(number_w + 4)) * 11 / 20;
    for (row, (n, &qi)) in asked
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .enumerate()
    {
        let q = &app.tree.questions[qi];
        let selected = n == cursor;
        let (answer, answer_style) = match app.answers.values.get(q.id.as_str()) {
            Some(a @ Answer::Choices(cs)) if cs.len() > 1 => {
                (format!("({}) {}", cs.len(), a.describe(q)), theme.answered)
            }
            Some(a) => (a.describe(q), theme.answered),
            None => ("not answered".to_string(), theme.warn),
        };
        let prompt = truncate(&q.prompt, prompt_w);
        let pad = " ".repeat(prompt_w.saturating_sub(text::width(&prompt)));
        let answer_w = width.saturating_sub(number_w + 4 + prompt_w);
        let answer = truncate(&answer.replace('\n', " "), answer_w);
        let base = if selected { theme.selected } else { theme.text };
        let spans = vec![
            Span::styled(if selected { "❯ " } else { "  " }, base),
            Span::styled(
                format!("{:>number_w$} ", n + 1),
                if selected { base } else { theme.muted },
            ),
            Span::styled(format!("{prompt}{pad} "), base),
            Span::styled(answer, if selected { base } else { answer_style }),
        ];
        let r = Rect {
            y: list.y + row as u16,
            height: 1,
            ..list
        };
        list_row(spans, selected, base, r, buf);
    }
}

/// A click on a row selects it; a click on the selected row opens it.
pub fn hit(app: &App, area: Rect, column: u16, row: u16) -> Option<Action> {
    let list = list_area(app, area);
    if !inside(list, column, row) {
        return None;
    }
    let len = app.asked().len();
    let i =
        window_start(len, app.review.cursor, usize::from(list.height)) + usize::from(row - list.y);
    match i {
        i if i == app.review.cursor => Some(Action::Cmd(Cmd::Choose)),
        i if i < len => Some(Action::Pick(i)),
        _ => None,
    }
}
