//! What every screen shares: the frame (header, progress rule, body, messages, footer),
//! the "make the window larger" screen, and the dispatch of drawing and clicks to the
//! current screen and overlay. Rendering only reads the state; the layout functions are
//! shared by drawing and hit-testing, so a click lands on what was drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::app::{Action, App, ScreenId, Tone};
use super::keys::{self, Cmd};
use super::screens::{export, people, question, review, verdict, welcome};
use super::text::{self, truncate, wrap};

/// The smallest terminal the wizard lays out in.
pub const MIN_WIDTH: u16 = 60;
/// The smallest terminal the wizard lays out in.
pub const MIN_HEIGHT: u16 = 16;
/// Prose reads badly in very long lines: screens of text keep to this width, centred.
pub const READING_WIDTH: u16 = 100;
/// At most this many lines of messages.
const MESSAGE_LINES: usize = 5;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        render(self, area, buf);
    }
}

/// Draws the wizard into a frame, with the terminal's cursor in the focused text field.
pub fn draw(app: &App, frame: &mut ratatui::Frame<'_>) {
    let area = frame.area();
    if let Some(pos) = render(app, area, frame.buffer_mut()) {
        frame.set_cursor_position(pos);
    }
}

/// Draws the wizard; returns where the terminal's cursor belongs, if a text field has the
/// keyboard.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let theme = &app.theme;
    buf.set_style(area, theme.text);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(app, area, buf);
        return None;
    }
    let f = frame(app, area);
    header(app, f.header, buf);
    progress(app, f.rule, buf);
    let mut cursor = match app.screen {
        ScreenId::Welcome => {
            welcome::render(app, readable(f.body), buf);
            None
        }
        ScreenId::Question => question::render(app, readable(f.body), buf),
        ScreenId::People => people::render(app, readable(f.body), buf),
        ScreenId::Review => {
            review::render(app, f.body, buf);
            None
        }
        ScreenId::Verdict => {
            verdict::render(app, f.body, buf);
            None
        }
        ScreenId::Export => export::render(app, readable(f.body), buf),
    };
    messages(app, f.messages, buf);
    footer(app, area, f.footer, buf);
    if let Some(o) = &app.overlay {
        // Overlays never cover the footer, which lists their keys.
        cursor = o.render(app, overlay_area(area), buf);
    }
    cursor
}

/// Where overlays are drawn: everything but the footer.
pub fn overlay_area(area: Rect) -> Rect {
    Rect {
        height: area.height.saturating_sub(1),
        ..area
    }
}

/// The parts of every screen.
pub struct Frame {
    pub header: Rect,
    /// The progress rule under the header.
    pub rule: Rect,
    pub body: Rect,
    pub messages: Rect,
    pub footer: Rect,
}

pub fn frame(app: &App, area: Rect) -> Frame {
    let lines = message_lines(app, area.width.saturating_sub(2)).len() as u16;
    let [header, rule, body, messages, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(lines),
        Constraint::Length(1),
    ])
    .areas(area);
    let body = body.inner(ratatui::layout::Margin::new(1, 0));
    Frame {
        header,
        rule,
        body,
        messages,
        footer,
    }
}

/// The body, kept to a readable width and centred.
pub fn readable(body: Rect) -> Rect {
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
        return o.hit(app, overlay_area(area), column, row);
    }
    let body = frame(app, area).body;
    match app.screen {
        ScreenId::Welcome | ScreenId::People => None,
        ScreenId::Question => question::hit(app, readable(body), column, row),
        ScreenId::Review => review::hit(app, body, column, row),
        ScreenId::Verdict => verdict::hit(app, body, column, row),
        ScreenId::Export => export::hit(app, readable(body), column, row),
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
        ScreenId::Welcome => "Welcome".to_string(),
        ScreenId::Question => {
            let q = app.current();
            let section = q
                .section
                .as_deref()
                .map(|s| format!("{s} · "))
                .unwrap_or_default();
            format!(
                "{section}Question {} of about {}",
                app.flow.position(app.question.index),
                app.flow.len()
            )
        }
        ScreenId::People => "Who takes part".to_string(),
        ScreenId::Review => format!(
            "Review · {} of {} answered",
            app.answered_count(),
            app.flow.len()
        ),
        ScreenId::Verdict => "Verdict".to_string(),
        ScreenId::Export => "Export".to_string(),
    };
    let right = match app.unsaved {
        Some(_) => format!("NOT SAVED · {right}"),
        None => right,
    };
    let title = &app.tree.meta.title;
    let room = usize::from(area.width).saturating_sub(text::width(&right) + 3);
    // The program's name gives way first, then the respondent, then the title is cut.
    let mut candidates = vec![format!(" mlops-wizard · {title}")];
    if let Some(r) = &app.answers.meta.respondent {
        candidates = vec![
            format!(" mlops-wizard · {r} · {title}"),
            format!(" {r} · {title}"),
        ];
    }
    let left = candidates
        .into_iter()
        .find(|c| text::width(c) <= room)
        .unwrap_or_else(|| truncate(&format!(" {title}"), room));
    let gap = usize::from(area.width).saturating_sub(text::width(&left) + text::width(&right) + 1);
    Line::from(vec![
        Span::styled(left, theme.title),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, theme.accent),
        Span::raw(" "),
    ])
    .render(area, buf);
}

/// A thin progress rule: how many of the questions shown are answered.
fn progress(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = usize::from(area.width);
    let filled = width * app.answered_count() / app.flow.len().max(1);
    Line::from(vec![
        Span::styled("━".repeat(filled), theme.accent),
        Span::styled("─".repeat(width - filled), theme.border),
    ])
    .render(area, buf);
}

/// The messages of the moment and, for as long as it lasts, a save that failed, wrapped.
fn message_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut lines = Vec::new();
    let mut add = |text: &str, style: Style| {
        for l in wrap(text, width.max(1)) {
            lines.push(Line::styled(l, style));
        }
    };
    if let Some(why) = &app.unsaved {
        add(
            &format!(
                "NOT SAVED: export your answers, or restart with MLOPS_WIZARD_STATE_DIR set to another folder ({why})"
            ),
            theme.error,
        );
    }
    for m in &app.messages {
        let style = match m.tone {
            Tone::Info => theme.good,
            Tone::Warn => theme.warn,
            Tone::Error => theme.error,
        };
        add(&m.text, style);
    }
    if lines.len() > MESSAGE_LINES {
        lines.truncate(MESSAGE_LINES);
        if let Some(last) = lines.last_mut() {
            let t: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
            *last = Line::styled(truncate(&format!("{t} …"), usize::from(width)), last.style);
        }
    }
    lines
}

fn messages(app: &App, area: Rect, buf: &mut Buffer) {
    let lines = message_lines(app, area.width.saturating_sub(2));
    Paragraph::new(lines).render(area.inner(ratatui::layout::Margin::new(1, 0)), buf);
}

/// The keys that work here, as many as fit; help and quit keep their place at the end.
fn footer(app: &App, screen: Rect, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let bindings: Vec<(&str, &str, Cmd)> = keys::active(app, screen)
        .into_iter()
        .filter_map(|b| Some((first_key(b.keys), b.footer?, b.cmd)))
        .collect();
    let last = |cmd: Cmd| matches!(cmd, Cmd::Help | Cmd::Quit | Cmd::ForceQuit);
    let cost = |(k, w, _): &(&str, &str, Cmd)| text::width(k) + text::width(w) + 3;
    let mut ends: Vec<(&str, &str, Cmd)> = Vec::new();
    for b in bindings.iter().filter(|b| last(b.2)) {
        if !ends.iter().any(|e| e.2 == b.2) {
            ends.push(*b);
        }
    }
    let mut room = usize::from(area.width).saturating_sub(1 + ends.iter().map(cost).sum::<usize>());
    let mut chosen: Vec<(&str, &str, Cmd)> = Vec::new();
    for b in bindings.iter().filter(|b| !last(b.2)) {
        if chosen.iter().any(|c| c.0 == b.0) || cost(b) > room {
            continue;
        }
        room -= cost(b);
        chosen.push(*b);
    }
    chosen.extend(ends);
    let mut spans = vec![Span::raw(" ")];
    for (key, what, _) in chosen {
        spans.push(Span::styled(key.to_string(), theme.key));
        spans.push(Span::styled(format!(" {what}  "), theme.muted));
    }
    Line::from(spans).render(area, buf);
}

/// The first of a binding's keys, for the footer (help lists them all).
pub fn first_key(keys: &str) -> &str {
    keys.split(' ').next().unwrap_or(keys)
}

/// Wrapped text as styled lines.
pub fn wrapped(text: &str, width: u16, style: Style) -> Vec<Line<'static>> {
    wrap(text, width)
        .into_iter()
        .map(|l| Line::styled(l, style))
        .collect()
}

/// Wrapped text cut to `height` lines, the last ending in `…` when something was cut.
pub fn clipped(text: &str, width: u16, height: u16, style: Style) -> Vec<Line<'static>> {
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

/// Whether a point is inside a rectangle.
pub fn inside(area: Rect, column: u16, row: u16) -> bool {
    column >= area.x && column < area.right() && row >= area.y && row < area.bottom()
}

/// A centred rectangle of at most `width` x `height` inside `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// One row of a list: pointer, text, and the selection's background to the edge.
pub fn list_row(
    spans: Vec<Span<'static>>,
    selected: bool,
    style: Style,
    area: Rect,
    buf: &mut Buffer,
) {
    let mut line = Line::from(spans);
    if selected {
        let used = line.width();
        line.push_span(Span::styled(
            " ".repeat(usize::from(area.width).saturating_sub(used)),
            style,
        ));
    }
    line.render(area, buf);
}
