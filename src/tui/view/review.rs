//! The review screen: every question asked with its answer; Enter changes one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use super::{inside, truncate, window_start};
use crate::answers::Answer;
use crate::tui::app::{Action, App};

fn list_area(area: Rect) -> Rect {
    Rect {
        y: area.y + 2,
        height: area.height.saturating_sub(2),
        ..area
    }
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let asked = app.asked();
    let unanswered = asked
        .iter()
        .filter(|&&i| !app.answers.values.contains_key(&app.tree.questions[i].id))
        .count();
    let intro = if unanswered == 0 {
        "All answered. Enter changes an answer, v shows the verdict.".to_string()
    } else {
        format!("{unanswered} unanswered (no preference). Enter answers or changes, v verdict.")
    };
    Paragraph::new(Line::styled(
        truncate(&intro, usize::from(area.width)),
        theme.muted,
    ))
    .render(area, buf);
    let list = list_area(area);
    let height = usize::from(list.height);
    let start = window_start(asked.len(), app.review_cursor, height);
    let width = usize::from(list.width);
    let number_w = asked.len().to_string().len();
    let prompt_w = (width.saturating_sub(number_w + 4)) * 11 / 20;
    for (row, (n, &qi)) in asked
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .enumerate()
    {
        let q = &app.tree.questions[qi];
        let selected = n == app.review_cursor;
        let (answer, answer_style) = match app.answers.values.get(&q.id) {
            Some(a @ Answer::Choices(cs)) if cs.len() > 1 => {
                (format!("({}) {}", cs.len(), a.describe(q)), theme.answered)
            }
            Some(a) => (a.describe(q), theme.answered),
            None => ("not answered".to_string(), theme.warn),
        };
        let prompt = truncate(&q.prompt, prompt_w);
        let pad = " ".repeat(prompt_w.saturating_sub(prompt.width()));
        let answer_w = width.saturating_sub(number_w + 4 + prompt_w);
        let answer = truncate(&answer.replace('\n', " "), answer_w);
        let base = if selected { theme.selected } else { theme.text };
        let mut line = Line::from(vec![
            Span::styled(if selected { "❯ " } else { "  " }, base),
            Span::styled(
                format!("{:>number_w$} ", n + 1),
                if selected { base } else { theme.muted },
            ),
            Span::styled(format!("{prompt}{pad} "), base),
            Span::styled(answer, if selected { base } else { answer_style }),
        ]);
        if selected {
            let used = line.width();
            line.push_span(Span::styled(" ".repeat(width.saturating_sub(used)), base));
        }
        line.render(
            Rect {
                y: list.y + row as u16,
                height: 1,
                ..list
            },
            buf,
        );
    }
}

/// A click on a row selects it; a click on the selected row opens it.
pub(super) fn hit(app: &App, area: Rect, column: u16, row: u16) -> Option<Action> {
    let list = list_area(area);
    if !inside(list, column, row) {
        return None;
    }
    let len = app.asked().len();
    let i =
        window_start(len, app.review_cursor, usize::from(list.height)) + usize::from(row - list.y);
    match i {
        i if i == app.review_cursor => Some(Action::Confirm),
        i if i < len => Some(Action::Pick(i)),
        _ => None,
    }
}
