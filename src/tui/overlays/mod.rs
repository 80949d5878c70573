//! Windows over the current screen that take the keys until they close: the help, the
//! go-to list and the confirmations. Each module owns its state, update, drawing and key
//! bindings, like the screens.

pub mod confirm;
pub mod help;
pub mod jump;

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Clear, Widget};

use super::app::{Action, App, Command};
use super::keys::{Binding, Context};

/// The overlay shown, with its state.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help(help::State),
    Jump(jump::State),
    Confirm(confirm::Dialog),
}

impl Overlay {
    /// Whether a text field of the overlay has the keyboard.
    pub fn typing(&self) -> bool {
        matches!(self, Overlay::Jump(j) if j.filter.is_some())
    }

    pub fn context(&self) -> Context {
        match self {
            Overlay::Help(_) => Context::Help,
            Overlay::Jump(_) => Context::Jump,
            Overlay::Confirm(_) => Context::Dialog,
        }
    }

    pub fn bindings(&self, app: &App) -> Vec<&'static Binding> {
        match self {
            Overlay::Help(_) => help::BINDINGS.iter().collect(),
            Overlay::Jump(j) => jump::bindings(app, j),
            Overlay::Confirm(_) => confirm::BINDINGS.iter().collect(),
        }
    }

    pub fn page(&self, app: &App, area: Rect, down: bool) -> Action {
        match self {
            Overlay::Help(_) => help::page(app, area, down),
            Overlay::Jump(s) => jump::page(app, s, area, down),
            Overlay::Confirm(_) => Action::Page { down, rows: 1 },
        }
    }

    pub fn render(&self, app: &App, area: Rect, buf: &mut Buffer) -> Option<Position> {
        match self {
            Overlay::Help(s) => {
                help::render(app, s, area, buf);
                None
            }
            Overlay::Jump(s) => jump::render(app, s, area, buf),
            Overlay::Confirm(d) => {
                confirm::render(app, d, area, buf);
                None
            }
        }
    }

    pub fn hit(&self, app: &App, area: Rect, column: u16, row: u16) -> Option<Action> {
        match self {
            Overlay::Jump(s) => jump::hit(app, s, area, column, row),
            _ => None,
        }
    }
}

/// Applies an action to the overlay shown.
pub fn update(app: &mut App, action: Action, out: &mut Vec<Command>) {
    match app.overlay.clone() {
        Some(Overlay::Help(s)) => help::update(app, s, action),
        Some(Overlay::Jump(s)) => jump::update(app, s, action),
        Some(Overlay::Confirm(d)) => confirm::update(app, d, action, out),
        None => {}
    }
}

/// Clears `rect` and draws a bordered window; returns its inside.
pub fn window(app: &App, title: &str, rect: Rect, buf: &mut Buffer) -> Rect {
    Clear.render(rect, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.accent)
        .title(Span::styled(title.to_string(), app.theme.title));
    let inner = block.inner(rect);
    block.render(rect, buf);
    inner
}
