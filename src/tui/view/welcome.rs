//! The welcome screen: what the tree decides, how long it takes, the main keys, and the
//! saved session to resume.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::wrapped;
use crate::tui::app::App;

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = area.width;
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::styled(app.tree.meta.title.clone(), theme.title));
    lines.push(Line::default());
    lines.extend(wrapped(app.tree.meta.description.trim(), width, theme.text));
    lines.push(Line::default());
    lines.extend(wrapped(
        &format!(
            "About {} questions, a few minutes. Every answer is saved as you go; you can go back and change any of them.",
            app.flow.len()
        ),
        width,
        theme.muted,
    ));
    lines.push(Line::default());
    if let Some(saved) = &app.resumable {
        let n = saved.values.len();
        lines.push(Line::from(vec![
            Span::styled("A saved session has ", theme.warn),
            Span::styled(
                format!("{n} answer{}", if n == 1 { "" } else { "s" }),
                theme.accent,
            ),
            Span::styled(". Press ", theme.warn),
            Span::styled("r", theme.key),
            Span::styled(" to resume it, ", theme.warn),
            Span::styled("Enter", theme.key),
            Span::styled(" to start afresh.", theme.warn),
        ]));
    } else {
        lines.push(Line::from(vec![
            Span::styled("Press ", theme.text),
            Span::styled("Enter", theme.key),
            Span::styled(" to start, ", theme.text),
            Span::styled("?", theme.key),
            Span::styled(" for every key, ", theme.text),
            Span::styled("q", theme.key),
            Span::styled(" to quit.", theme.text),
        ]));
    }
    for note in &app.notes {
        lines.push(Line::default());
        lines.extend(wrapped(&format!("Note: {note}"), width, theme.warn));
    }
    Paragraph::new(lines).render(area, buf);
}
