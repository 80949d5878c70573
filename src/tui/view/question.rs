//! The question screen: prompt, why it is asked, what it informs, the options (or the text
//! field), and the description of the highlighted option.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};
use unicode_width::UnicodeWidthStr;

use super::{clipped, inside, truncate, window_start, wrap, wrapped};
use crate::answers::Answer;
use crate::model::{Kind, Question};
use crate::tui::app::{Action, App};

/// Where the parts of the question screen go.
struct Parts {
    prompt: Rect,
    help: Rect,
    informs: Rect,
    list: Rect,
    description: Rect,
}

fn parts(app: &App, area: Rect) -> Parts {
    let q = app.current();
    let w = area.width;
    let prompt_h = (wrap(&q.prompt, w).len() as u16).clamp(1, 4);
    let help_lines = wrap(q.help.trim(), w).len() as u16;
    let items = app.item_count() as u16;
    let described = q.options.iter().any(|o| o.description.is_some()) || q.priorities.is_some();
    let (list_min, desc_h) = match q.kind {
        Kind::Text => (4, 0),
        _ if described => (items.clamp(1, 3), 3),
        _ => (items.clamp(1, 3), 0),
    };
    let fixed = prompt_h + 1 + 2 + desc_h + list_min;
    let help_h = help_lines.min(area.height.saturating_sub(fixed));
    let [prompt, _, help, informs, _, list, _, description] = Layout::vertical([
        Constraint::Length(prompt_h),
        Constraint::Length(1),
        Constraint::Length(help_h),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(u16::from(desc_h > 0)),
        Constraint::Length(desc_h.saturating_sub(1)),
    ])
    .areas(area);
    Parts {
        prompt,
        help,
        informs,
        list,
        description,
    }
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let q = app.current();
    let p = parts(app, area);
    Paragraph::new(clipped(&q.prompt, area.width, p.prompt.height, theme.title))
        .render(p.prompt, buf);
    Paragraph::new(clipped(
        q.help.trim(),
        area.width,
        p.help.height,
        theme.muted,
    ))
    .render(p.help, buf);
    let informs: Vec<&str> = q
        .criteria(&app.tree)
        .into_iter()
        .filter_map(|c| app.tree.criterion(c).map(|c| c.title.as_str()))
        .collect();
    if !informs.is_empty() {
        let text = truncate(
            &informs.join(" · "),
            usize::from(area.width).saturating_sub(9),
        );
        Paragraph::new(Line::from(vec![
            Span::styled("Informs: ", theme.muted),
            Span::styled(text, theme.accent),
        ]))
        .render(p.informs, buf);
    }
    if q.kind == Kind::Text {
        text_field(app, p.list, buf);
        return;
    }
    let answer = app.answers.values.get(&q.id);
    let rows = rows(q, answer);
    let height = usize::from(p.list.height);
    let start = window_start(rows.len(), app.cursor, height);
    let width = usize::from(p.list.width);
    for (i, (label, chosen)) in rows.iter().enumerate().skip(start).take(height) {
        let y = p.list.y + (i - start) as u16;
        let selected = i == app.cursor;
        let number = if i < 9 && !matches!(q.kind, Kind::Scale | Kind::Priorities) {
            format!("{} ", i + 1)
        } else {
            "  ".into()
        };
        let mark = match (q.kind, chosen) {
            (Kind::Priorities, true) => "• ",
            (Kind::Priorities, false) => "  ",
            (Kind::Multiple, true) => "[x] ",
            (Kind::Multiple, false) => "[ ] ",
            (_, true) => "(•) ",
            (_, false) => "( ) ",
        };
        let pointer = if selected { "❯ " } else { "  " };
        let text = truncate(
            label,
            width.saturating_sub(pointer.width() + number.width() + mark.width()),
        );
        let style = if selected {
            theme.selected
        } else if *chosen {
            theme.answered
        } else {
            theme.text
        };
        let mut line = Line::from(vec![
            Span::styled(pointer, style),
            Span::styled(number, if selected { style } else { theme.muted }),
            Span::styled(mark, style),
            Span::styled(text, style),
        ]);
        if selected {
            let used: usize = line.width();
            line.push_span(Span::styled(" ".repeat(width.saturating_sub(used)), style));
        }
        line.render(
            Rect {
                y,
                height: 1,
                ..p.list
            },
            buf,
        );
    }
    if rows.len() > height && height > 0 {
        let more = format!(" {}/{} ", app.cursor + 1, rows.len());
        let x = p.list.right().saturating_sub(more.width() as u16);
        buf.set_string(x, p.list.bottom() - 1, more, theme.muted);
    }
    let levels_hint = q.priorities.as_ref().map(|p| {
        let levels: Vec<String> = p
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{} {}", i + 1, l.label))
            .collect();
        format!(
            "Keys {}; Space raises the level; Enter goes on.",
            levels.join(", ")
        )
    });
    let description = match (&q.scale, q.options.get(app.cursor)) {
        (Some(_), _) => None,
        (None, Some(o)) => o.description.as_deref(),
        _ => levels_hint.as_deref(),
    };
    if let Some(d) = description {
        Paragraph::new(wrapped(d.trim(), area.width, theme.muted)).render(p.description, buf);
    }
}

/// The list rows of a choice, scale or priorities question: label and whether it is the
/// answer (for priorities: each criterion with its level, marked when not the default).
fn rows(q: &Question, answer: Option<&Answer>) -> Vec<(String, bool)> {
    if let Some(p) = &q.priorities {
        return p
            .names
            .iter()
            .map(|(id, title)| {
                let level = answer.and_then(|a| a.priority(id)).unwrap_or(p.default);
                let label = p.level(level).map_or("?", |l| l.label.as_str());
                (format!("{title}: {level} {label}"), level != p.default)
            })
            .collect();
    }
    if let Some(s) = &q.scale {
        return (s.min..=s.max)
            .map(|v| {
                let label = match s.label(v) {
                    Some(l) => format!("{v}  {l}"),
                    None => v.to_string(),
                };
                (label, answer == Some(&Answer::Scale(v)))
            })
            .collect();
    }
    q.options
        .iter()
        .map(|o| {
            let chosen = match answer {
                Some(Answer::Choice(c)) => *c == o.id,
                Some(Answer::Choices(cs)) => cs.contains(&o.id),
                _ => false,
            };
            (o.label.clone(), chosen)
        })
        .collect()
}

/// The text field of a text question, with a visible cursor while editing.
fn text_field(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let box_area = Rect {
        height: area.height.min(3),
        ..area
    };
    let title = if app.editing {
        " Your answer (Enter saves) "
    } else {
        " Your answer (i to edit) "
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if app.editing {
            theme.accent
        } else {
            theme.border
        })
        .title(Span::styled(title, theme.muted));
    let inner = block.inner(box_area);
    block.render(box_area, buf);
    input_line(&app.input, app.editing, inner, buf, theme.text);
    let saved = app.answers.values.contains_key(&app.current().id);
    let hint = if saved {
        "Saved. Leave it empty to skip."
    } else {
        "Optional: leave it empty to skip."
    };
    if area.height > 3 {
        let y = area.y + 3;
        buf.set_string(
            area.x,
            y,
            truncate(hint, usize::from(area.width)),
            theme.muted,
        );
    }
}

/// One line of an input, scrolled so the cursor shows; the cursor cell is reversed.
pub(super) fn input_line(
    input: &tui_input::Input,
    editing: bool,
    area: Rect,
    buf: &mut Buffer,
    style: ratatui::style::Style,
) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let width = usize::from(area.width).saturating_sub(1);
    let scroll = input.visual_scroll(width);
    let mut x = 0usize;
    let mut col = 0usize;
    for c in input.value().chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if col >= scroll && x + w <= width + 1 {
            buf.set_string(area.x + x as u16, area.y, c.to_string(), style);
            x += w;
        }
        col += w;
    }
    if editing {
        let cx = input.visual_cursor().saturating_sub(scroll).min(width);
        let pos = (area.x + cx as u16, area.y);
        if let Some(cell) = buf.cell_mut(pos) {
            if cell.symbol().trim().is_empty() {
                cell.set_symbol(" ");
            }
            cell.set_style(style.add_modifier(Modifier::REVERSED));
        }
    }
}

/// A click on an option chooses it (or ticks it); on the text field it starts editing.
pub(super) fn hit(app: &App, area: Rect, column: u16, row: u16) -> Option<Action> {
    let p = parts(app, area);
    if !inside(p.list, column, row) {
        return None;
    }
    if app.current().kind == Kind::Text {
        return (!app.editing).then_some(Action::Edit);
    }
    let start = window_start(app.item_count(), app.cursor, usize::from(p.list.height));
    let i = start + usize::from(row - p.list.y);
    (i < app.item_count()).then_some(Action::Pick(i))
}
