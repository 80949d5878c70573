//! The go-to list: every question shown so far, answered or not; Enter opens one, `/`
//! filters the list by typing.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Position, Rect};
use ratatui::text::Span;

use super::{Overlay, window};
use crate::tui::app::{Action, App};
use crate::tui::chrome::{centered, inside, list_row};
use crate::tui::keys::{Binding, Chord, Cmd, bind, c, k};
use crate::tui::screens::question;
use crate::tui::text::{self, truncate, window_start};
use crate::tui::textarea::TextArea;

/// The list's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The highlighted question (position in the tree).
    pub question: usize,
    /// The filter typed after `/`, while filtering.
    pub filter: Option<TextArea>,
}

impl State {
    pub fn new(app: &App) -> State {
        State {
            question: app.question.index,
            filter: None,
        }
    }
}

const MOVE: Binding = bind(
    Cmd::Up,
    &[k(KeyCode::Up)],
    "↑↓ PgUp PgDn",
    "move",
    Some("move"),
);
const DOWN: Binding = bind(Cmd::Down, &[k(KeyCode::Down)], "↓", "move", None);
const PAGE_UP: Binding = bind(Cmd::PageUp, &[k(KeyCode::PageUp)], "PgUp", "a page", None);
const PAGE_DOWN: Binding = bind(
    Cmd::PageDown,
    &[k(KeyCode::PageDown)],
    "PgDn",
    "a page",
    None,
);
const GO: Binding = bind(
    Cmd::Choose,
    &[k(KeyCode::Enter)],
    "Enter",
    "go to the highlighted question",
    Some("go"),
);

pub const BINDINGS: &[Binding] = &[
    GO,
    MOVE,
    DOWN,
    PAGE_UP,
    PAGE_DOWN,
    bind(Cmd::Up, &[c('k')], "j k", "move", None),
    bind(Cmd::Down, &[c('j')], "j", "move", None),
    bind(
        Cmd::Top,
        &[k(KeyCode::Home)],
        "Home End",
        "first, last",
        None,
    ),
    bind(Cmd::Bottom, &[k(KeyCode::End), c('G')], "End", "last", None),
    bind(
        Cmd::Filter,
        &[c('/')],
        "/",
        "filter: type words of the question",
        Some("filter"),
    ),
    bind(
        Cmd::Cancel,
        &[k(KeyCode::Esc), c('g'), c('q')],
        "Esc g q",
        "close (while filtering, Esc stops filtering)",
        Some("close"),
    ),
];

/// While filtering: the same, without the letter keys.
const FILTERING: &[Binding] = &[
    GO,
    MOVE,
    DOWN,
    PAGE_UP,
    PAGE_DOWN,
    bind(
        Cmd::Cancel,
        &[k(KeyCode::Esc)],
        "Esc",
        "stop filtering",
        Some("stop filtering"),
    ),
    bind(Cmd::Editing, &[Chord::None], "letters", "filter", None),
];

pub fn bindings(_app: &App, s: &State) -> Vec<&'static Binding> {
    if s.filter.is_some() {
        FILTERING.iter().collect()
    } else {
        BINDINGS.iter().collect()
    }
}

/// The questions listed: those shown, matching the filter.
fn items(app: &App, s: &State) -> Vec<usize> {
    let f = s.filter.as_ref().map(|f| f.value()).unwrap_or("");
    app.asked()
        .into_iter()
        .filter(|&q| {
            let question = &app.tree.questions[q];
            let answer = app
                .answers
                .values
                .get(question.id.as_str())
                .map(|a| a.describe(question))
                .unwrap_or_default();
            text::matches_filter(&format!("{} {answer}", question.prompt), f)
        })
        .collect()
}

fn rect(app: &App, s: &State, area: Rect) -> Rect {
    let rows = (items(app, s).len() as u16).max(3) + 3;
    centered(
        area,
        area.width.saturating_sub(8).min(96),
        rows.min(area.height.saturating_sub(2)),
    )
}

/// The list's rows inside the window (under the filter line).
fn list_area(app: &App, s: &State, area: Rect) -> Rect {
    let inner = rect(app, s, area).inner(Margin::new(1, 1));
    Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    }
}

pub fn page(app: &App, s: &State, area: Rect, down: bool) -> Action {
    let area = crate::tui::chrome::overlay_area(area);
    Action::Page {
        down,
        rows: list_area(app, s, area).height.saturating_sub(1).max(1),
    }
}

pub fn update(app: &mut App, mut s: State, action: Action) {
    let list = items(app, &s);
    let pos = list.iter().position(|&q| q == s.question);
    let last = list.len().saturating_sub(1);
    let at = pos.unwrap_or(0);
    let to = match &action {
        Action::Cmd(Cmd::Up) => Some(at.saturating_sub(1)),
        Action::Cmd(Cmd::Down) => Some(if pos.is_none() { 0 } else { (at + 1).min(last) }),
        Action::Cmd(Cmd::Top) => Some(0),
        Action::Cmd(Cmd::Bottom) => Some(last),
        Action::Page { down: true, rows } => Some((at + usize::from(*rows)).min(last)),
        Action::Page { down: false, rows } => Some(at.saturating_sub(usize::from(*rows))),
        _ => None,
    };
    if let Some(i) = to {
        if let Some(&q) = list.get(i) {
            s.question = q;
        }
        app.overlay = Some(Overlay::Jump(s));
        return;
    }
    match action {
        Action::Cmd(Cmd::Filter) => s.filter = Some(TextArea::single("", 200)),
        Action::Cmd(Cmd::Cancel) if s.filter.is_some() => s.filter = None,
        Action::Cmd(Cmd::Cancel) => {
            app.overlay = None;
            return;
        }
        Action::Edit { key, width } => {
            if let Some(f) = s.filter.as_mut() {
                f.input(key, width);
            }
        }
        Action::Paste(t) => {
            if let Some(f) = s.filter.as_mut() {
                f.insert_str(&t);
            }
        }
        Action::Pick(q) => return go(app, q),
        Action::Cmd(Cmd::Choose) => match pos {
            Some(_) => return go(app, s.question),
            None => app.info("No question matches the filter."),
        },
        _ => {}
    }
    // The filter changed: keep the highlight on a listed question.
    let list = items(app, &s);
    if !list.contains(&s.question)
        && let Some(&first) = list.first()
    {
        s.question = first;
    }
    app.overlay = Some(Overlay::Jump(s));
}

fn go(app: &mut App, q: usize) {
    app.overlay = None;
    app.question.return_to_review = false;
    question::open(app, q);
}

pub fn render(app: &App, s: &State, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let theme = &app.theme;
    let r = rect(app, s, area);
    let inner =
        window(app, " Go to a question (Enter goes, Esc closes) ", r, buf).inner(Margin::new(0, 0));
    let mut cursor = None;
    match &s.filter {
        Some(f) => {
            buf.set_string(inner.x, inner.y, "Filter: ", theme.accent);
            let field = Rect {
                x: inner.x + 8,
                width: inner.width.saturating_sub(9),
                height: 1,
                ..inner
            };
            cursor = f.render(field, buf, theme.text, true);
        }
        None => {
            buf.set_string(
                inner.x,
                inner.y,
                truncate("/ filters the list by typing", usize::from(inner.width)),
                theme.muted,
            );
        }
    }
    let list = list_area(app, s, area);
    let rows = items(app, s);
    if rows.is_empty() {
        buf.set_string(list.x, list.y, "No question matches.", theme.warn);
        return cursor;
    }
    let selected = rows.iter().position(|&q| q == s.question).unwrap_or(0);
    let height = usize::from(list.height);
    let start = window_start(rows.len(), selected, height);
    let width = usize::from(list.width);
    for (row, &qi) in rows.iter().enumerate().skip(start).take(height) {
        let q = &app.tree.questions[qi];
        let is_sel = row == selected;
        let answered = app.answers.values.contains_key(q.id.as_str());
        let mark = if answered { "✓" } else { "·" };
        let style = if is_sel {
            theme.selected
        } else if answered {
            theme.text
        } else {
            theme.warn
        };
        let n = app.flow.position(qi);
        let t = truncate(&format!("{mark} {n:>2}. {}", q.prompt), width);
        let r = Rect {
            y: list.y + (row - start) as u16,
            height: 1,
            ..list
        };
        list_row(vec![Span::styled(t, style)], is_sel, style, r, buf);
    }
    cursor
}

/// A click on a row goes there; a click outside closes the list.
pub fn hit(app: &App, s: &State, area: Rect, column: u16, row: u16) -> Option<Action> {
    if !inside(rect(app, s, area), column, row) {
        return Some(Action::Cmd(Cmd::Cancel));
    }
    let list = list_area(app, s, area);
    if !inside(list, column, row) {
        return None;
    }
    let rows = items(app, s);
    let selected = rows.iter().position(|&q| q == s.question).unwrap_or(0);
    let start = window_start(rows.len(), selected, usize::from(list.height));
    rows.get(start + usize::from(row - list.y))
        .map(|&q| Action::Pick(q))
}
