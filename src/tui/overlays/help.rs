//! The help: the keys of the current screen first (under "now"), then every other key,
//! grouped. It never covers the footer.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::window;
use crate::tui::app::{Action, App};
use crate::tui::chrome::centered;
use crate::tui::keys::{self, Binding, Cmd, Context, bind, c, k};
use crate::tui::text;

/// How far the help is scrolled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct State {
    pub scroll: u16,
}

pub const BINDINGS: &[Binding] = &[
    bind(
        Cmd::Up,
        &[k(KeyCode::Up), c('k')],
        "↑↓ PgUp PgDn",
        "scroll",
        Some("scroll"),
    ),
    bind(Cmd::Down, &[k(KeyCode::Down), c('j')], "↓", "scroll", None),
    bind(Cmd::PageUp, &[k(KeyCode::PageUp)], "PgUp", "a page", None),
    bind(
        Cmd::PageDown,
        &[k(KeyCode::PageDown), c(' ')],
        "PgDn",
        "a page",
        None,
    ),
    bind(
        Cmd::Cancel,
        &[
            k(KeyCode::Esc),
            c('?'),
            c('q'),
            k(KeyCode::Enter),
            k(KeyCode::F(1)),
        ],
        "Esc ? q",
        "close the help",
        Some("close"),
    ),
];

/// Every binding, grouped: the current screen's first.
fn lines(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let current = keys::screen_contexts(app);
    let mut order: Vec<Context> = current.clone();
    for ctx in Context::ALL {
        if !order.contains(&ctx) {
            order.push(ctx);
        }
    }
    // Keys longer than the column go on a line of their own.
    let key_w = 15;
    let mut out: Vec<Line> = Vec::new();
    for (i, ctx) in order.iter().enumerate() {
        let now = if current.contains(ctx) { " (now)" } else { "" };
        if i > 0 {
            out.push(Line::default());
        }
        out.push(Line::styled(format!("{}{now}", ctx.title()), theme.title));
        let mut seen: Vec<&str> = Vec::new();
        for b in ctx.table() {
            // Bindings that share a line in the help (↑ and ↓) are listed once.
            if seen
                .iter()
                .any(|s| b.keys.split(' ').all(|k| s.contains(k)))
            {
                continue;
            }
            seen.push(b.keys);
            if text::width(b.keys) >= key_w {
                out.push(Line::styled(format!("  {}", b.keys), theme.key));
                out.push(Line::styled(
                    format!("  {:<key_w$}{}", "", b.what),
                    theme.text,
                ));
            } else {
                out.push(Line::from(vec![
                    Span::styled(format!("  {:<key_w$}", b.keys), theme.key),
                    Span::styled(b.what, theme.text),
                ]));
            }
        }
    }
    out
}

fn rect(area: Rect) -> Rect {
    centered(area, area.width.saturating_sub(4).min(96), area.height)
}

/// How far the help can scroll in `area`.
pub fn max_scroll(app: &App, area: Rect) -> u16 {
    let inner = rect(area).inner(Margin::new(2, 1));
    let rows: usize = lines(app)
        .iter()
        .map(|l| {
            let t: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            textwrap::wrap(&t, usize::from(inner.width).max(1))
                .len()
                .max(1)
        })
        .sum();
    u16::try_from(rows.saturating_sub(usize::from(inner.height))).unwrap_or(u16::MAX)
}

pub fn page(app: &App, area: Rect, down: bool) -> Action {
    let area = crate::tui::chrome::overlay_area(area);
    Action::Scroll {
        down,
        rows: rect(area).height.saturating_sub(4).max(1),
        max: max_scroll(app, area),
    }
}

pub fn update(app: &mut App, mut s: State, action: Action) {
    match action {
        Action::Cmd(Cmd::Up) => s.scroll = s.scroll.saturating_sub(1),
        Action::Cmd(Cmd::Down) => {
            let max = max_scroll(app, crate::tui::chrome::overlay_area(app.size));
            s.scroll = s.scroll.saturating_add(1).min(max);
        }
        Action::Scroll { down, rows, max } => {
            s.scroll = if down {
                s.scroll.saturating_add(rows).min(max)
            } else {
                s.scroll.min(max).saturating_sub(rows)
            }
        }
        Action::Cmd(Cmd::Cancel) => {
            app.overlay = None;
            return;
        }
        _ => {}
    }
    app.overlay = Some(super::Overlay::Help(s));
}

pub fn render(app: &App, s: &State, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let r = rect(area);
    let inner = window(app, " Keys (Esc closes) ", r, buf).inner(Margin::new(1, 0));
    let max = max_scroll(app, area);
    let scroll = s.scroll.min(max);
    Paragraph::new(lines(app))
        .wrap(ratatui::widgets::Wrap { trim: false })
        .scroll((scroll, 0))
        .render(inner, buf);
    let more = match (scroll > 0, scroll < max) {
        (_, true) => " ↓ more: PgDn ",
        (true, false) => " ↑ PgUp ",
        (false, false) => "",
    };
    if !more.is_empty() {
        let x = r.right().saturating_sub(text::width(more) as u16 + 1);
        buf.set_string(x, r.bottom() - 1, more, theme.muted);
    }
}
