//! Rendering: `impl Widget for &App`. Rendering only reads the state. The layout of each
//! screen is computed by functions that [`hit`] shares, so a click lands on what was drawn.

mod export;
mod overlay;
mod question;
mod review;
mod verdict;
mod welcome;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use super::app::{Action, App, Screen};

pub use overlay::help_max_scroll;

/// How far the verdict screen's side panel can scroll in a terminal of size `area`.
pub fn panel_max_scroll(app: &App, area: Rect) -> u16 {
    verdict::panel_max_scroll(app, frame(area).body)
}

/// How many lines a page of the verdict screen's side panel is.
pub fn panel_page(app: &App, area: Rect) -> u16 {
    verdict::panel_page(app, frame(area).body)
}
use super::keys::{self, BINDINGS};

/// The smallest terminal the wizard lays out in.
pub const MIN_WIDTH: u16 = 60;
/// The smallest terminal the wizard lays out in.
pub const MIN_HEIGHT: u16 = 16;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = &self.theme;
        buf.set_style(area, theme.text);
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            too_small(self, area, buf);
            return;
        }
        let frame = frame(area);
        header(self, frame.header, buf);
        progress(self, frame.rule, buf);
        match self.screen {
            Screen::Welcome => welcome::render(self, readable(frame.body), buf),
            Screen::Question => question::render(self, readable(frame.body), buf),
            Screen::Review => review::render(self, frame.body, buf),
            Screen::Verdict => verdict::render(self, frame.body, buf),
            Screen::Export => export::render(self, readable(frame.body), buf),
        }
        status(self, frame.status, buf);
        footer(self, frame.footer, buf);
        if let Some(o) = &self.overlay {
            overlay::render(self, o, area, buf);
        }
    }
}

/// The parts of every screen.
pub(crate) struct Frame {
    pub header: Rect,
    /// The progress rule under the header.
    pub rule: Rect,
    pub body: Rect,
    pub status: Rect,
    pub footer: Rect,
}

pub(crate) fn frame(area: Rect) -> Frame {
    let [header, rule, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let body = body.inner(ratatui::layout::Margin::new(1, 0));
    Frame {
        header,
        rule,
        body,
        status,
        footer,
    }
}

/// Prose reads badly in very long lines: screens of text keep to this width, centred.
pub const READING_WIDTH: u16 = 100;

fn readable(body: Rect) -> Rect {
    if body.width <= READING_WIDTH {
        return body;
    }
    Rect {
        x: body.x + (body.width - READING_WIDTH) / 2,
        width: READING_WIDTH,
        ..body
    }
}

/// What a click at (`column`, `row`) means on the current screen.
pub fn hit(app: &App, area: Rect, column: u16, row: u16) -> Option<Action> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    if let Some(o) = &app.overlay {
        return overlay::hit(app, o, area, column, row);
    }
    let body = frame(area).body;
    match app.screen {
        Screen::Welcome => None,
        Screen::Question => question::hit(app, readable(body), column, row),
        Screen::Review => review::hit(app, body, column, row),
        Screen::Verdict => verdict::hit(app, body, column, row),
        Screen::Export => export::hit(app, readable(body), column, row),
    }
}

fn too_small(app: &App, area: Rect, buf: &mut Buffer) {
    let text = format!(
        "Make the window larger: the wizard needs {MIN_WIDTH}x{MIN_HEIGHT}, this is {}x{}. Your answers are safe; Ctrl-C quits.",
        area.width, area.height
    );
    let lines: Vec<Line> = wrap(&text, area.width)
        .into_iter()
        .map(|l| Line::styled(l, app.theme.warn))
        .collect();
    let top = area.height.saturating_sub(lines.len() as u16) / 2;
    let area = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    Paragraph::new(lines)
        .alignment(ratatui::layout::Alignment::Center)
        .render(area, buf);
}

fn header(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let right = match app.screen {
        Screen::Welcome => "Welcome".to_string(),
        Screen::Question => {
            let q = app.current();
            let section = q
                .section
                .as_deref()
                .map(|s| format!("{s} · "))
                .unwrap_or_default();
            format!(
                "{section}Question {} of about {}",
                app.flow.position(app.question),
                app.flow.len()
            )
        }
        Screen::Review => format!(
            "Review · {} answered of {}",
            answered_count(app),
            app.flow.len()
        ),
        Screen::Verdict => "Verdict".to_string(),
        Screen::Export => "Export".to_string(),
    };
    let right = match app.unsaved {
        Some(_) => format!("NOT SAVED · {right}"),
        None => right,
    };
    let left = format!(" mlops-wizard · {}", app.tree.meta.title);
    let room = usize::from(area.width).saturating_sub(right.width() + 3);
    let left = truncate(&left, room);
    let gap = usize::from(area.width).saturating_sub(left.width() + right.width() + 1);
    let line = Line::from(vec![
        Span::styled(left, theme.title),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, theme.accent),
        Span::raw(" "),
    ]);
    Paragraph::new(line).render(area, buf);
}

/// A thin progress rule: how far through the questions asked the walk is.
fn progress(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = usize::from(area.width);
    let filled = match app.screen {
        Screen::Welcome => 0,
        Screen::Question => {
            let done = app.flow.position(app.question).saturating_sub(1);
            width * done / app.flow.len().max(1)
        }
        _ => width,
    };
    Paragraph::new(Line::from(vec![
        Span::styled("━".repeat(filled), theme.accent),
        Span::styled("─".repeat(width - filled), theme.border),
    ]))
    .render(area, buf);
}

fn answered_count(app: &App) -> usize {
    app.flow
        .visible()
        .filter(|&i| app.answers.values.contains_key(&app.tree.questions[i].id))
        .count()
}

fn status(app: &App, area: Rect, buf: &mut Buffer) {
    // A message of the moment, else, for as long as it lasts, a save that failed.
    let (text, style) = match (&app.status, &app.unsaved) {
        (Some(s), _) if s.error => (s.text.clone(), app.theme.error),
        (Some(s), _) => (s.text.clone(), app.theme.good),
        (None, Some(why)) => (
            format!(
                "NOT SAVED: export your answers, or restart with MLOPS_WIZARD_STATE_DIR set to another folder · {why}"
            ),
            app.theme.error,
        ),
        (None, None) => return,
    };
    Paragraph::new(Line::styled(
        format!(" {}", truncate(&text, usize::from(area.width) - 1)),
        style,
    ))
    .render(area, buf);
}

fn footer(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let contexts = keys::contexts(app);
    let shown = |ctx: keys::Context| {
        BINDINGS
            .iter()
            .filter(move |b| b.context == ctx && b.footer && keys::relevant(app, b))
    };
    let cost = |b: &keys::Binding| first_key(b.keys).width() + short(b.what).width() + 3;
    // The bindings of this screen first, then the global ones, as many as fit; help and
    // quit always keep their place at the end.
    let global: Vec<&keys::Binding> = shown(keys::Context::Everywhere)
        .filter(|b| b.keys == "?" || b.keys.starts_with('q'))
        .collect();
    let mut room =
        usize::from(area.width).saturating_sub(1 + global.iter().map(|b| cost(b)).sum::<usize>());
    let mut chosen: Vec<&keys::Binding> = Vec::new();
    for ctx in contexts {
        for bnd in shown(ctx) {
            if global.iter().any(|g| std::ptr::eq(*g, bnd)) || cost(bnd) > room {
                continue;
            }
            room -= cost(bnd);
            chosen.push(bnd);
        }
    }
    chosen.extend(global);
    let mut spans = vec![Span::raw(" ")];
    for bnd in chosen {
        spans.push(Span::styled(first_key(bnd.keys), theme.key));
        spans.push(Span::styled(format!(" {}  ", short(bnd.what)), theme.muted));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

/// The first of a binding's keys, for the footer (help lists them all).
fn first_key(keys: &str) -> &str {
    keys.split(' ').next().unwrap_or(keys)
}

/// The first words of a binding's description, for the footer.
fn short(what: &str) -> &str {
    what.split([',', '(', ';'])
        .next()
        .unwrap_or(what)
        .trim_end()
}

/// Wraps text to `width` display columns (at least one). Lines of one paragraph are joined;
/// blank lines separate paragraphs.
pub(crate) fn wrap(text: &str, width: u16) -> Vec<String> {
    let width = usize::from(width.max(1));
    let mut out = Vec::new();
    for (i, para) in text.split("\n\n").enumerate() {
        let joined = para.split_whitespace().collect::<Vec<_>>().join(" ");
        if joined.is_empty() {
            continue;
        }
        if i > 0 && !out.is_empty() {
            out.push(String::new());
        }
        out.extend(
            textwrap::wrap(&joined, width)
                .into_iter()
                .map(|c| c.into_owned()),
        );
    }
    out
}

/// Wrapped text as styled lines.
pub(crate) fn wrapped(text: &str, width: u16, style: Style) -> Vec<Line<'static>> {
    wrap(text, width)
        .into_iter()
        .map(|l| Line::styled(l, style))
        .collect()
}

/// Wrapped text cut to `height` lines, the last ending in `…` when something was cut.
pub(crate) fn clipped(text: &str, width: u16, height: u16, style: Style) -> Vec<Line<'static>> {
    let mut lines = wrap(text, width);
    let height = usize::from(height);
    if lines.len() > height {
        lines.truncate(height);
        if let Some(last) = lines.last_mut() {
            let cut = truncate(last, usize::from(width).saturating_sub(1));
            *last = format!("{}…", cut.trim_end_matches('…').trim_end());
        }
    }
    lines.into_iter().map(|l| Line::styled(l, style)).collect()
}

/// Cuts text to `width` display columns, ending in `…` when cut.
pub(crate) fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// The first row to show so that row `selected` of `len` is visible in `height` rows,
/// keeping the selection a little away from the edges.
pub(crate) fn window_start(len: usize, selected: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    let margin = (height / 4).min(2);
    let start = selected.saturating_sub(height.saturating_sub(1 + margin));
    start.min(len - height)
}

/// Whether a point is inside a rectangle.
pub(crate) fn inside(area: Rect, column: u16, row: u16) -> bool {
    column >= area.x && column < area.right() && row >= area.y && row < area.bottom()
}

/// A centred rectangle of at most `width` x `height` inside `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_keep_the_selection_visible() {
        assert_eq!(window_start(5, 4, 10), 0);
        for len in 1..40 {
            for height in 1..12 {
                for sel in 0..len {
                    let s = window_start(len, sel, height);
                    assert!(s <= sel && sel < s + height, "{len} {height} {sel} -> {s}");
                    assert!(s + height.min(len) <= len);
                }
            }
        }
    }

    #[test]
    fn truncation_counts_display_width() {
        assert_eq!(truncate("hello", 10), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("日本語テキスト", 7), "日本語…");
        assert_eq!(truncate("abc", 0), "");
    }
}
