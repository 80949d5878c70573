//! Windows over the screen: help, quit and overwrite confirmations, the jump list.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use super::{centered, inside, truncate, window_start};
use crate::tui::app::{Action, App, Overlay};
use crate::tui::keys::{self, BINDINGS, Context};

pub(super) fn render(app: &App, overlay: &Overlay, area: Rect, buf: &mut Buffer) {
    match overlay {
        Overlay::Help { scroll } => help(app, *scroll, area, buf),
        Overlay::ConfirmQuit => {
            let where_ = app
                .session_path
                .as_ref()
                .map(|p| format!(" in {}", p.display()))
                .unwrap_or_default();
            confirm(
                app,
                " Quit? ",
                &format!(
                    "Your answers are not exported yet. They are saved{where_}: `mlops-wizard --resume` continues.\n\nQuit now? y / n"
                ),
                area,
                buf,
            );
        }
        Overlay::ConfirmOverwrite { paths } => {
            let names: Vec<String> = paths.iter().map(|p| format!("  {}", p.display())).collect();
            confirm(
                app,
                " Overwrite? ",
                &format!(
                    "These files exist:\n{}\n\nReplace them? y / n",
                    names.join("\n")
                ),
                area,
                buf,
            );
        }
        Overlay::Jump { selected } => jump(app, *selected, area, buf),
    }
}

fn window(app: &App, title: &str, area: Rect, buf: &mut Buffer, rect: Rect) -> Rect {
    let _ = area;
    Clear.render(rect, buf);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(app.theme.accent)
        .title(Span::styled(title.to_string(), app.theme.title));
    let inner = block.inner(rect);
    block.render(rect, buf);
    inner
}

fn confirm(app: &App, title: &str, text: &str, area: Rect, buf: &mut Buffer) {
    let width = 64.min(area.width.saturating_sub(4));
    let lines = super::wrap(text, width.saturating_sub(4));
    let rect = centered(area, width, lines.len() as u16 + 2);
    let inner = window(app, title, area, buf, rect);
    Paragraph::new(text.to_string())
        .wrap(Wrap { trim: false })
        .style(app.theme.text)
        .render(inner.inner(ratatui::layout::Margin::new(1, 0)), buf);
}

fn help(app: &App, scroll: u16, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let current = keys::contexts(app);
    let mut order: Vec<Context> = current.clone();
    for ctx in [
        Context::Question,
        Context::TextField,
        Context::Review,
        Context::Verdict,
        Context::Export,
        Context::Welcome,
    ] {
        if !order.contains(&ctx) {
            order.push(ctx);
        }
    }
    let key_w = BINDINGS.iter().map(|b| b.keys.width()).max().unwrap_or(0) + 2;
    let mut lines: Vec<Line> = Vec::new();
    for ctx in order {
        let here = if current.contains(&ctx) && ctx != Context::Everywhere {
            " (this screen)"
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
    // Two columns when the screen is wide enough and one column would not fit.
    let col_w = (key_w + 40) as u16;
    let two = lines.len() as u16 + 2 > area.height && area.width >= col_w * 2 + 6;
    let (width, height) = if two {
        (col_w * 2 + 5, (lines.len() as u16).div_ceil(2) + 3)
    } else {
        (col_w + 4, lines.len() as u16 + 3)
    };
    let rect = centered(area, width, height);
    let inner = window(app, " Keys (Esc closes) ", area, buf, rect);
    let inner = inner.inner(ratatui::layout::Margin::new(1, 0));
    if two {
        let half = lines.len().div_ceil(2);
        let right = lines.split_off(half);
        let w = inner.width / 2;
        Paragraph::new(lines).render(Rect { width: w, ..inner }, buf);
        Paragraph::new(right).render(
            Rect {
                x: inner.x + w + 1,
                width: inner.width - w - 1,
                ..inner
            },
            buf,
        );
    } else {
        // Scrolled; the last line says when there is more below.
        let shown = usize::from(inner.height);
        let start = usize::from(scroll).min(lines.len().saturating_sub(shown));
        let mut visible: Vec<Line> = lines.into_iter().skip(start).collect();
        if visible.len() > shown && shown > 0 {
            visible.truncate(shown - 1);
            visible.push(Line::styled("↓ more: ↑↓ PgUp PgDn scroll", theme.muted));
        }
        Paragraph::new(visible).render(inner, buf);
    }
}

fn jump_rect(area: Rect) -> Rect {
    centered(
        area,
        area.width.saturating_sub(8).min(90),
        area.height.saturating_sub(4),
    )
}

fn jump(app: &App, selected: usize, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let rect = jump_rect(area);
    let inner = window(
        app,
        " Go to question (Enter goes, Esc closes) ",
        area,
        buf,
        rect,
    );
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
    let rect = jump_rect(area);
    let inner = rect.inner(ratatui::layout::Margin::new(1, 1));
    if !inside(inner, column, row) {
        return Some(Action::Cancel);
    }
    let len = app.asked().len();
    let i = window_start(len, *selected, usize::from(inner.height)) + usize::from(row - inner.y);
    (i < len).then_some(Action::Pick(i))
}
