//! The welcome screen: what the tree decides, how long it takes, the main keys, and the
//! saved session to resume. What to do next stays on screen; the description gives way.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use super::{clipped, wrapped};
use crate::tui::app::App;

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let width = area.width;
    let mut bottom: Vec<Line> = vec![Line::default()];
    bottom.extend(wrapped(
        &format!(
            "About {} questions, a few minutes. Every answer is saved as you go; you can go back and change any of them.",
            app.flow.len()
        ),
        width,
        theme.muted,
    ));
    bottom.push(Line::default());
    let action = match &app.resumable {
        Some(saved) => {
            let n = saved.values.len();
            let s = if n == 1 { "" } else { "s" };
            format!(
                "A saved session has {n} answer{s}: press r to resume it, or Enter to start afresh (the saved one is then kept as a backup)."
            )
        }
        None => "Press Enter to start, ? for every key, q to quit.".to_string(),
    };
    let style = if app.resumable.is_some() {
        theme.warn
    } else {
        theme.key
    };
    bottom.extend(wrapped(&action, width, style));
    for note in &app.notes {
        bottom.push(Line::default());
        bottom.extend(wrapped(&format!("Note: {note}"), width, theme.warn));
    }
    let mut top = vec![
        Line::styled(app.tree.meta.title.clone(), theme.title),
        Line::default(),
    ];
    let room = area
        .height
        .saturating_sub(bottom.len() as u16 + top.len() as u16);
    top.extend(clipped(
        app.tree.meta.description.trim(),
        width,
        room,
        theme.text,
    ));
    top.extend(bottom);
    Paragraph::new(top).render(area, buf);
}
