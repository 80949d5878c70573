//! Windows over the screen: help, quit and overwrite confirmations, the jump list.

use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use super::{centered, inside, truncate, window_start};
use crate::tui::app::{Action, App, Overlay};
use crate::tui::keys::{self, BINDINGS, Context};

pub(super) fn render(app: &App, overlay: &Overlay, area: Rect, buf: &mut Buffer) {
    match overlay {
        Overlay::Help { scroll } => help(app, *scroll, area, buf),
        Overlay::ConfirmQuit => {
            let first = if app.export.written.is_empty() {
                "Your answers are not exported yet."
            } else {
                "Your answers changed since the last export."
            };
            let mut lines = vec![first.to_string()];
            match (&app.unsaved, &app.session_path) {
                (Some(why), _) => {
                    lines.push(format!("They are NOT saved: {why}."));
                    lines.push(
                        "To keep them, export them first (n, then e on the review, with the answers file ticked); if you quit, they are printed as an answers file."
                            .to_string(),
                    );
                }
                (None, Some(p)) => {
                    lines.push("They are saved in".to_string());
                    lines.push(format!("  {}", p.display()));
                    lines.push("and `mlops-wizard --resume` continues.".to_string());
                }
                (None, None) => {
                    lines.push("They could not be saved: no session folder.".to_string())
                }
            }
            lines.push(String::new());
            lines.push("Quit now? y / n".to_string());
            confirm(app, " Quit? ", &lines, area, buf);
        }
        Overlay::ConfirmOverwrite { paths } => {
            let mut lines = vec!["These files exist:".to_string()];
            lines.extend(paths.iter().map(|p| format!("  {}", p.display())));
            lines.push(String::new());
            lines.push("Replace them? y / n".to_string());
            confirm(app, " Overwrite? ", &lines, area, buf);
        }
        Overlay::Jump { selected } => jump(app, *selected, area, buf),
    }
}

/// Clears `rect` and draws a bordered window; returns its inside.
fn window(app: &App, title: &str, rect: Rect, buf: &mut Buffer) -> Rect {
    Clear.render(rect, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.accent)
        .title(Span::styled(title.to_string(), app.theme.title));
    let inner = block.inner(rect);
    block.render(rect, buf);
    inner
}

/// A dialog of short lines; each line wraps on its own, so its height is exact.
fn confirm(app: &App, title: &str, text: &[String], area: Rect, buf: &mut Buffer) {
    let width = 70.min(area.width);
    let inner_w = usize::from(width.saturating_sub(4)).max(1);
    let lines: Vec<Line> = text
        .iter()
        .flat_map(|l| {
            if l.is_empty() {
                vec![Line::default()]
            } else {
                textwrap::wrap(l, textwrap::Options::new(inner_w).break_words(true))
                    .into_iter()
                    .map(|c| Line::styled(c.into_owned(), app.theme.text))
                    .collect()
            }
        })
        .collect();
    let rect = centered(area, width, lines.len() as u16 + 2);
    let inner = window(app, title, rect, buf);
    Paragraph::new(lines).render(inner.inner(Margin::new(1, 0)), buf);
}

/// Every binding, grouped: the current screen's first.
fn help_lines(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let current = keys::contexts(app);
    let mut order: Vec<Context> = current.clone();
    for ctx in Context::ALL {
        if !order.contains(&ctx) {
            order.push(ctx);
        }
    }
    let key_w = BINDINGS.iter().map(|b| b.keys.width()).max().unwrap_or(0) + 2;
    let mut lines: Vec<Line> = Vec::new();
    for ctx in order {
        let here = if current.first() == Some(&ctx) {
            " (now)"
        } else {
            ""
        };
        lines.push(Line::styled(format!("{}{here}", ctx.title()), theme.title));
        for bnd in BINDINGS.iter().filter(|b| b.context == ctx) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<key_w$}", bnd.keys), theme.key),
                Span::styled(bnd.what, theme.text),
            ]));
        }
    }
    lines
}

/// The help window: its rectangle, and whether it shows two columns.
fn help_layout(app: &App, area: Rect) -> (Rect, bool, usize) {
    let count = help_lines(app).len();
    let key_w = BINDINGS.iter().map(|b| b.keys.width()).max().unwrap_or(0) + 2;
    let what_w = BINDINGS.iter().map(|b| b.what.width()).max().unwrap_or(0);
    let title_w = Context::ALL
        .iter()
        .map(|c| c.title().width() + 6)
        .max()
        .unwrap_or(0);
    let col_w = u16::try_from((key_w + what_w + 2).max(title_w)).unwrap_or(u16::MAX);
    let two = count as u16 + 2 > area.height && area.width >= col_w * 2 + 6;
    let (mut width, height) = if two {
        (col_w * 2 + 5, (count as u16).div_ceil(2) + 2)
    } else {
        (col_w + 4, count as u16 + 2)
    };
    if area.width.saturating_sub(width) < 4 {
        width = area.width;
    }
    (centered(area, width, height), two, count)
}

/// How far the help can scroll in `area`: to its last page and no further.
pub fn help_max_scroll(app: &App, area: Rect) -> u16 {
    let (rect, two, count) = help_layout(app, area);
    let shown = usize::from(rect.height.saturating_sub(2));
    if two || count <= shown {
        0
    } else {
        // The last visible row is the "more" note until the end is reached.
        u16::try_from(count - shown).unwrap_or(u16::MAX)
    }
}

fn help(app: &App, scroll: u16, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let (rect, two, count) = help_layout(app, area);
    let mut lines = help_lines(app);
    let inner = window(app, " Keys (Esc closes) ", rect, buf).inner(Margin::new(1, 0));
    if two {
        let right = lines.split_off(count.div_ceil(2));
        let w = inner.width / 2;
        Paragraph::new(lines).render(Rect { width: w, ..inner }, buf);
        let x = inner.x + w + 1;
        let width = inner.width.saturating_sub(w + 1);
        Paragraph::new(right).render(Rect { x, width, ..inner }, buf);
        return;
    }
    let shown = usize::from(inner.height);
    let start = usize::from(scroll.min(help_max_scroll(app, area)));
    let mut visible: Vec<Line> = lines.into_iter().skip(start).collect();
    if visible.len() > shown && shown > 0 {
        visible.truncate(shown - 1);
        visible.push(Line::styled("↓ more: ↑↓ PgUp PgDn scroll", theme.muted));
    }
    Paragraph::new(visible).render(inner, buf);
}

fn jump_rect(app: &App, area: Rect) -> Rect {
    let rows = app.asked().len() as u16 + 2;
    centered(
        area,
        area.width.saturating_sub(8).min(90),
        rows.min(area.height.saturating_sub(4)),
    )
}

fn jump(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let rect = jump_rect(app, area);
    let inner = window(app, " Go to question (Enter goes, Esc closes) ", rect, buf);
    let asked = app.asked();
    let height = usize::from(inner.height);
    let start = window_start(asked.len(), selected, height);
    let width = usize::from(inner.width);
    for (row, (n, &qi)) in asked
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .enumerate()
    {
        let q = &app.tree.questions[qi];
        let is_sel = n == selected;
        let answered = app.answers.values.contains_key(&q.id);
        let mark = if answered { "✓" } else { "·" };
        let style = if is_sel {
            theme.selected
        } else if answered {
            theme.text
        } else {
            theme.warn
        };
        let text = truncate(&format!("{} {:>2}. {}", mark, n + 1, q.prompt), width);
        let pad = " ".repeat(width.saturating_sub(text.width()));
        buf.set_string(inner.x, inner.y + row as u16, format!("{text}{pad}"), style);
    }
}

/// In the jump list a click on a row goes there, a click outside closes it. Dialogs take
/// keys only.
pub(super) fn hit(
    app: &App,
    overlay: &Overlay,
    area: Rect,
    column: u16,
    row: u16,
) -> Option<Action> {
    let Overlay::Jump { selected } = overlay else {
        return None;
    };
    let inner = jump_rect(app, area).inner(Margin::new(1, 1));
    if !inside(inner, column, row) {
        return Some(Action::Cancel);
    }
    let len = app.asked().len();
    let i = window_start(len, *selected, usize::from(inner.height)) + usize::from(row - inner.y);
    (i < len).then_some(Action::Pick(i))
}
