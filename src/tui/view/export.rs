//! The export screen: the report's path, which files to write, and what was written.

use std::path::PathBuf;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::question::input_line;
use super::{inside, truncate, wrapped};
use crate::tui::app::{Action, App, EXPORT_ROWS};

/// Rows of the form, from the top of the body.
const INTRO: u16 = 3;
const PATH_BOX: u16 = 3;

fn row_rect(area: Rect, row: usize) -> Rect {
    let y = match row {
        0 => area.y + INTRO,
        r => area.y + INTRO + PATH_BOX + (r as u16 - 1),
    };
    let height = if row == 0 { PATH_BOX } else { 1 };
    Rect { y, height, ..area }.intersection(area)
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let form = &app.export;
    Paragraph::new(wrapped(
        "Write the recommendation for the kickoff documents. Files are written whole or not at all.",
        area.width,
        theme.muted,
    ))
    .render(Rect { height: INTRO - 1, ..area }, buf);
    let path_area = row_rect(area, 0);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if form.row == 0 {
            theme.accent
        } else {
            theme.border
        })
        .title(Span::styled(
            if form.editing {
                " Report file (Enter done) "
            } else {
                " Report file (Enter to edit) "
            },
            theme.muted,
        ));
    let inner = block.inner(path_area);
    block.render(path_area, buf);
    input_line(&form.path, form.editing, inner, buf, theme.text);
    let base = PathBuf::from(form.path.value().trim());
    let items = [
        (
            true,
            "Markdown report (always)".to_string(),
            base.display().to_string(),
        ),
        (
            form.json,
            "JSON report".to_string(),
            base.with_extension("json").display().to_string(),
        ),
        (
            form.answers_file,
            "Answers file".to_string(),
            base.with_extension("answers.toml").display().to_string(),
        ),
    ];
    let width = usize::from(area.width);
    for (i, (on, label, path)) in items.into_iter().enumerate() {
        let row = i + 1;
        let selected = form.row == row && !form.editing;
        let style = if selected { theme.selected } else { theme.text };
        let mark = if on { "[x] " } else { "[ ] " };
        let text = format!("{}{mark}{label}", if selected { "❯ " } else { "  " });
        let line = Line::from(vec![
            Span::styled(text.clone(), style),
            Span::styled(
                truncate(
                    &format!("  → {path}"),
                    width.saturating_sub(text.chars().count()),
                ),
                theme.muted,
            ),
        ]);
        line.render(row_rect(area, row), buf);
    }
    let button = row_rect(area, EXPORT_ROWS);
    let button = Rect {
        y: button.y + 1,
        ..button
    }
    .intersection(area);
    let selected = form.row == EXPORT_ROWS && !form.editing;
    let style = if selected {
        theme.selected
    } else {
        theme.accent
    };
    Line::from(vec![
        Span::styled(if selected { "❯ " } else { "  " }, style),
        Span::styled("[ Write files ]", style),
        Span::styled("   or press w", theme.muted),
    ])
    .render(button, buf);
    let mut y = button.y + 2;
    if !form.written.is_empty() && y < area.bottom() {
        let mut lines = vec![Line::styled("Written:", theme.good)];
        for p in &form.written {
            let shown = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
            lines.extend(wrapped(
                &format!("  {}", shown.display()),
                area.width,
                theme.text,
            ));
        }
        let h = (lines.len() as u16).min(area.bottom() - y);
        Paragraph::new(lines).render(
            Rect {
                y,
                height: h,
                ..area
            },
            buf,
        );
        y += h;
    }
    let _ = y;
}

/// A click on a row selects and activates it.
pub(super) fn hit(app: &App, area: Rect, column: u16, row: u16) -> Option<Action> {
    if app.export.editing {
        return None;
    }
    if inside(row_rect(area, 0), column, row) {
        return Some(Action::Edit);
    }
    (1..EXPORT_ROWS)
        .find(|&r| inside(row_rect(area, r), column, row))
        .map(Action::Pick)
        .or_else(|| {
            let button = row_rect(area, EXPORT_ROWS);
            let button = Rect {
                y: button.y + 1,
                ..button
            };
            inside(button, column, row).then_some(Action::Next)
        })
}
