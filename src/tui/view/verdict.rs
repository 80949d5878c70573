//! The verdict screen: the verdict and its confidence, the scores as bars, the criteria
//! with their leaning, and a panel with the reasons of the selected criterion, the risks or
//! the unanswered questions.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use super::{inside, truncate, window_start};
use crate::recommend::{Leaning, Verdict};
use crate::report::{format_points, format_signed};
use crate::tui::app::{Action, App, Panel};

struct Parts {
    summary: Rect,
    /// What the answers ruled out, if anything.
    note: Rect,
    bars: Rect,
    table: Rect,
    panel: Rect,
}

fn parts(app: &App, area: Rect) -> Parts {
    let n_alt = app.tree.alternatives.len() as u16;
    let [summary, note, bars, _, rest] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(n_alt.min(area.height / 4).max(1)),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    let (table, panel) = if rest.width >= 76 {
        let table_w = table_width(app, rest.width * 11 / 20);
        let [t, _, p] = Layout::horizontal([
            Constraint::Length(table_w),
            Constraint::Length(1),
            Constraint::Fill(1),
        ])
        .areas(rest);
        (t, p)
    } else {
        let rows = (app.tree.criteria.len() as u16 + 1).min(rest.height / 2);
        let [t, p] = Layout::vertical([Constraint::Length(rows), Constraint::Fill(1)]).areas(rest);
        (t, p)
    };
    Parts {
        summary,
        note,
        bars,
        table,
        panel,
    }
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let p = parts(app, area);
    summary(app, p.summary, buf);
    ruled_out(app, p.note, buf);
    bars(app, p.bars, buf);
    table(app, p.table, buf);
    panel(app, p.panel, buf);
}

fn summary(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let rec = &app.recommendation;
    let mut spans = match &rec.verdict {
        Verdict::Alternative(a) => vec![
            Span::styled("Recommended: ", theme.text),
            Span::styled(
                app.tree.alternatives[*a].title.clone(),
                theme.good.add_modifier(Modifier::BOLD),
            ),
        ],
        Verdict::Tie(tied) => {
            let names: Vec<&str> = tied
                .iter()
                .map(|&a| app.tree.alternatives[a].title.as_str())
                .collect();
            vec![
                Span::styled("No clear winner: ", theme.warn),
                Span::styled(names.join(" = "), theme.title),
            ]
        }
    };
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    let detail = match &rec.robustness {
        Some(r) => format!(
            "   {} · robustness {} · {:.0}% answered",
            rec.kind().name(),
            r.level.name(),
            rec.coverage * 100.0
        ),
        None => format!("   {:.0}% answered", rec.coverage * 100.0),
    };
    let room = usize::from(area.width).saturating_sub(used);
    spans.push(Span::styled(truncate(&detail, room), theme.muted));
    Paragraph::new(Line::from(spans)).render(area, buf);
}

/// One line on what the answers ruled out (the reasons are in the report and the Why panel).
fn ruled_out(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let rec = &app.recommendation;
    let Some(first) = rec.ruled_out.first() else {
        return;
    };
    let mut names: Vec<&str> = Vec::new();
    for e in &rec.ruled_out {
        let title = app.tree.alternatives[e.alternative].title.as_str();
        if !names.contains(&title) {
            names.push(title);
        }
    }
    let q = &app.tree.questions[first.question];
    let text = if rec.all_ruled_out {
        format!(
            "Your answers rule out every option ({}): settle that first.",
            names.join(", ")
        )
    } else {
        format!(
            "Ruled out: {} (you answered \"{}\" to: {})",
            names.join(", "),
            q.options[first.option].label,
            q.prompt
        )
    };
    let style = if rec.all_ruled_out {
        theme.error
    } else {
        theme.warn
    };
    Line::styled(truncate(&text, usize::from(area.width)), style).render(area, buf);
}

fn bars(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let rec = &app.recommendation;
    let name_w = app
        .tree
        .alternatives
        .iter()
        .map(|a| a.title.width())
        .max()
        .unwrap_or(0)
        .min(usize::from(area.width) / 3);
    let max = rec.scores.iter().copied().fold(0.0f64, f64::max);
    let bar_room = usize::from(area.width).saturating_sub(name_w + 10);
    let leaders = match &rec.verdict {
        Verdict::Alternative(a) => vec![*a],
        Verdict::Tie(t) => t.clone(),
    };
    for (i, (alt, score)) in app.tree.alternatives.iter().zip(&rec.scores).enumerate() {
        if i as u16 >= area.height {
            break;
        }
        let len = if max > 0.0 {
            ((score.max(0.0) / max) * bar_room as f64).round() as usize
        } else {
            0
        };
        let name = truncate(&alt.title, name_w);
        let style = if leaders.contains(&i) {
            theme.good
        } else {
            theme.accent
        };
        Line::from(vec![
            Span::styled(
                format!("{name}{} ", " ".repeat(name_w.saturating_sub(name.width()))),
                theme.text,
            ),
            Span::styled("█".repeat(len), style),
            Span::styled(format!(" {}", format_points(*score)), theme.text),
        ])
        .render(
            Rect {
                y: area.y + i as u16,
                height: 1,
                ..area
            },
            buf,
        );
    }
}

/// Column widths of the criteria table: title, one number column per alternative (wide
/// enough for the first word of its title), and leaning (0 when too narrow to show it; the
/// leading number is bold either way).
struct Columns {
    title: usize,
    number: usize,
    lean: usize,
}

fn columns(app: &App, width: usize) -> Columns {
    let alts = &app.tree.alternatives;
    let first_word = |t: &str| {
        t.split_whitespace()
            .next()
            .map_or(0, UnicodeWidthStr::width)
    };
    let wanted = alts
        .iter()
        .map(|a| first_word(&a.title))
        .max()
        .unwrap_or(5)
        .clamp(5, 12)
        + 1;
    // Narrow tables give the criterion titles room first; headers are then cut with "…".
    let number = [wanted, 9, 7]
        .into_iter()
        .find(|&n| width.saturating_sub(2 + 5 + alts.len() * n) >= 22)
        .unwrap_or(7)
        .min(wanted);
    let fixed = 2 + 5 + alts.len() * number;
    let title_max = app
        .tree
        .criteria
        .iter()
        .map(|c| c.title.width())
        .max()
        .unwrap_or(4);
    let lean_max = alts.iter().map(|a| a.title.width()).max().unwrap_or(4);
    let room = width.saturating_sub(fixed);
    let lean = if room >= 16 + 12 {
        (lean_max + 1).min(room - 16).min(32)
    } else {
        0
    };
    Columns {
        title: room.saturating_sub(lean).clamp(4, title_max.max(4)),
        number,
        lean,
    }
}

/// How wide the criteria table wants to be.
fn table_width(app: &App, available: u16) -> u16 {
    let c = columns(app, usize::from(available));
    let want = 2 + c.title + 5 + app.tree.alternatives.len() * c.number + c.lean;
    u16::try_from(want).unwrap_or(available).min(available)
}

fn short_title(title: &str, width: usize) -> String {
    truncate(title.split_whitespace().next().unwrap_or(title), width)
}

fn table(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let rec = &app.recommendation;
    let width = usize::from(area.width);
    let cols = columns(app, width);
    let (title_w, lean_w, num_w) = (cols.title, cols.lean, cols.number);
    let mut head = format!("  {:<title_w$}{:>5}", "Criterion", "W");
    for alt in &app.tree.alternatives {
        head.push_str(&format!("{:>num_w$}", short_title(&alt.title, num_w - 1)));
    }
    if lean_w > 0 {
        head.push_str(&format!(" {}", truncate("Leans to", lean_w - 1)));
    }
    buf.set_string(area.x, area.y, truncate(&head, width), theme.muted);
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    let height = usize::from(body.height);
    let start = window_start(rec.criteria.len(), app.criterion, height);
    for (row, c) in rec.criteria.iter().enumerate().skip(start).take(height) {
        let selected = row == app.criterion;
        let base = if selected { theme.selected } else { theme.text };
        let title = truncate(&app.tree.criteria[c.criterion].title, title_w);
        let pad = " ".repeat(title_w.saturating_sub(title.width()));
        let mut spans = vec![
            Span::styled(if selected { "❯ " } else { "  " }, base),
            Span::styled(format!("{title}{pad}"), base),
            Span::styled(
                format!("{:>5}", format_points(c.weight)),
                if selected { base } else { theme.muted },
            ),
        ];
        for (a, pts) in c.points.iter().enumerate() {
            let style = match (selected, c.leaning == Leaning::Alternative(a)) {
                (true, _) => base,
                (false, true) => theme.good.add_modifier(Modifier::BOLD),
                (false, false) => theme.text,
            };
            spans.push(Span::styled(
                format!("{:>num_w$}", format_points(*pts)),
                style,
            ));
        }
        if lean_w > 0 {
            let lean = match c.leaning {
                Leaning::Alternative(a) => truncate(&app.tree.alternatives[a].title, lean_w - 1),
                Leaning::Even => "neither".to_string(),
            };
            let style = if selected { base } else { theme.accent };
            spans.push(Span::styled(format!(" {lean}"), style));
        }
        let mut line = Line::from(spans);
        if selected {
            let used = line.width();
            line.push_span(Span::styled(" ".repeat(width.saturating_sub(used)), base));
        }
        let y = body.y + (row - start) as u16;
        line.render(
            Rect {
                y,
                height: 1,
                ..body
            },
            buf,
        );
    }
}

fn panel_lines(app: &App) -> Vec<Line<'static>> {
    match app.panel {
        Panel::Reasons => reasons(app),
        Panel::Robustness => robustness(app),
        Panel::Plan => plan(app),
        Panel::Risks => risks(app),
        Panel::Unanswered => unanswered(app),
    }
}

/// How far the panel can scroll: its wrapped lines less the rows it shows.
pub(super) fn panel_max_scroll(app: &App, body: Rect) -> u16 {
    max_scroll_in(app, parts(app, body).panel)
}

/// How far the panel content scrolls in the bordered rectangle `panel`.
fn max_scroll_in(app: &App, panel: Rect) -> u16 {
    let width = usize::from(panel.width.saturating_sub(2)).max(1);
    let rows: usize = panel_lines(app)
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            textwrap::wrap(&text, width).len().max(1)
        })
        .sum();
    u16::try_from(rows.saturating_sub(usize::from(panel.height.saturating_sub(2))))
        .unwrap_or(u16::MAX)
}

/// A page of the panel: the rows it shows, less one to keep context.
pub(super) fn panel_page(app: &App, body: Rect) -> u16 {
    parts(app, body).panel.height.saturating_sub(3).max(1)
}

fn panel(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let tabs = [
        (Panel::Reasons, "Why"),
        (Panel::Robustness, "Robust"),
        (Panel::Plan, "Plan"),
        (Panel::Risks, "Risks"),
        (Panel::Unanswered, "Open"),
    ];
    let mut title = vec![Span::raw(" ")];
    for (panel, name) in tabs {
        let style = if panel == app.panel {
            theme.title
        } else {
            theme.muted
        };
        title.push(Span::styled(name, style));
        title.push(Span::raw(" "));
    }
    title.push(Span::styled("(Tab) ", theme.muted));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Line::from(title));
    let max = max_scroll_in(app, area);
    let scroll = app.panel_scroll.min(max);
    let block = match (scroll > 0, scroll < max) {
        (_, true) => {
            block.title_bottom(Line::styled(" ↓ more: PgDn ", theme.muted).right_aligned())
        }
        (true, false) => block.title_bottom(Line::styled(" ↑ PgUp ", theme.muted).right_aligned()),
        (false, false) => block,
    };
    let lines = panel_lines(app);
    Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(area, buf);
}

fn reasons(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let rec = &app.recommendation;
    let Some(c) = rec.criteria.get(app.criterion) else {
        return Vec::new();
    };
    let crit = &app.tree.criteria[c.criterion];
    let mut lines = vec![Line::styled(crit.title.clone(), theme.title)];
    if !crit.description.trim().is_empty() {
        lines.push(Line::styled(
            crit.description.trim().to_string(),
            theme.muted,
        ));
    }
    let mut weight = format!("Weight {}", format_points(c.weight));
    for ch in &c.weight_changes {
        let q = &app.tree.questions[ch.question];
        weight.push_str(&format!(
            " (×{} from your answer {} to \"{}\")",
            format_points(ch.multiplier),
            ch.answer(&app.tree),
            q.prompt
        ));
    }
    lines.push(Line::styled(weight, theme.muted));
    lines.push(Line::default());
    if c.reasons.is_empty() {
        lines.push(Line::styled("No answer moved this criterion.", theme.muted));
    }
    for r in &c.reasons {
        let q = &app.tree.questions[r.question];
        let answer = match (r.option, app.answers.values.get(&q.id)) {
            (Some(o), _) => q.options[o].label.clone(),
            (None, Some(a)) => a.describe(q),
            (None, None) => String::new(),
        };
        let style = if r.points >= 0.0 {
            theme.good
        } else {
            theme.error
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", format_signed(r.points)), style),
            Span::styled(
                app.tree.alternatives[r.alternative].title.clone(),
                theme.accent,
            ),
            Span::styled(
                format!(" · you answered \"{answer}\" to: {}", q.prompt),
                theme.muted,
            ),
        ]));
        lines.push(Line::styled(format!("  {}", r.text), theme.text));
    }
    lines
}

fn risks(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let rec = &app.recommendation;
    if rec.risks.is_empty() {
        return vec![Line::styled(
            "None of the risks apply to this verdict with your answers.",
            theme.muted,
        )];
    }
    let mut lines = Vec::new();
    for r in &rec.risks {
        let risk = &app.tree.risks[r.risk];
        lines.push(Line::styled(format!("⚠ {}", risk.title), theme.warn));
        if !risk.description.trim().is_empty() {
            lines.push(Line::styled(
                risk.description.trim().to_string(),
                theme.text,
            ));
        }
        let mitigations = std::iter::once(risk.mitigation.as_str())
            .filter(|m| !m.trim().is_empty())
            .chain(
                r.mitigations
                    .iter()
                    .map(|&m| risk.mitigations[m].text.as_str()),
            );
        for m in mitigations {
            lines.push(Line::from(vec![
                Span::styled("Mitigation: ", theme.accent),
                Span::styled(m.trim().to_string(), theme.text),
            ]));
        }
        lines.push(Line::default());
    }
    lines
}

/// The verdict's kind and robustness in words: the margin, what would flip it, what to
/// answer first and any conflicts.
fn robustness(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let (t, rec) = (&app.tree, &app.recommendation);
    let title = |a: usize| t.alternatives[a].title.clone();
    let verdict = |v: &Verdict| match v {
        Verdict::Alternative(a) => title(*a),
        Verdict::Tie(_) => "a tie".to_string(),
    };
    let mut lines = Vec::new();
    let m = &rec.margin;
    lines.push(Line::styled(
        format!("Verdict: {}, {}.", verdict(&rec.verdict), rec.kind().name()),
        theme.title,
    ));
    if rec.kind() == crate::recommend::VerdictKind::Forced && rec.scores_alone != rec.verdict {
        lines.push(Line::styled(
            format!(
                "Forced by an exclusion: the scores alone favour {}, {} to {}.",
                verdict(&rec.scores_alone),
                format_points(m.runner_up_points),
                format_points(m.leader_points)
            ),
            theme.warn,
        ));
    } else {
        lines.push(Line::styled(
            format!(
                "{} to {} weighted points.",
                format_points(m.leader_points),
                format_points(m.runner_up_points)
            ),
            theme.text,
        ));
    }
    let Some(r) = &rec.robustness else {
        lines.push(Line::styled("Analysing…", theme.muted));
        return lines;
    };
    let style = match r.level {
        crate::robustness::Level::High => theme.good,
        crate::robustness::Level::Medium => theme.text,
        _ => theme.warn,
    };
    lines.push(Line::styled(
        format!("Robustness: {}.", r.level.name()),
        style,
    ));
    let flips = match r.single_flips {
        0 => "No single answer change flips it".to_string(),
        1 => "One answer change flips it".to_string(),
        n => format!("{n} single answer changes flip it"),
    };
    let pairs = match r.pair_flips {
        Some(0) => "; no pair does.".to_string(),
        Some(n) => format!("; {n} pair(s) do."),
        None => ".".to_string(),
    };
    lines.push(Line::styled(format!("{flips}{pairs}"), theme.text));
    if let Some(tp) = r.tipping_points.first() {
        lines.push(Line::default());
        lines.push(Line::styled("What would change it:", theme.accent));
        for c in &tp.changes {
            let text = match c {
                crate::robustness::AnswerChange::Answer { question, from, to } => {
                    let q = &t.questions[*question];
                    format!(
                        "{}: {} instead of {}",
                        q.prompt,
                        to.describe(q),
                        from.describe(q)
                    )
                }
                crate::robustness::AnswerChange::Priority {
                    question,
                    criterion,
                    from,
                    to,
                } => {
                    let p = t.questions[*question].priorities.as_ref();
                    let label = |l: i64| {
                        p.and_then(|p| p.level(l))
                            .map_or_else(|| l.to_string(), |x| x.label.clone())
                    };
                    format!(
                        "importance of {}: {} instead of {}",
                        t.criteria[*criterion].title,
                        label(*to),
                        label(*from)
                    )
                }
            };
            lines.push(Line::styled(format!("• {text}"), theme.text));
        }
        lines.push(Line::styled(
            format!("  → {}", verdict(&tp.verdict)),
            theme.muted,
        ));
    }
    let first: Vec<&crate::robustness::OpenQuestion> = r
        .open_questions
        .iter()
        .filter(|o| o.swing > 0.0)
        .take(3)
        .collect();
    if !first.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("Answer these first:", theme.accent));
        for o in first {
            lines.push(Line::styled(
                format!(
                    "• {} (could move the margin {})",
                    t.questions[o.question].prompt,
                    format_points(o.swing)
                ),
                theme.text,
            ));
        }
    }
    for &c in &rec.conflicts {
        lines.push(Line::default());
        lines.push(Line::styled(
            format!("⚠ {}", t.conflicts[c].message),
            theme.warn,
        ));
    }
    lines
}

/// The stack plan: each stage in scope, its path and example tools.
fn plan(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let t = &app.tree;
    let Some(plan) = &app.recommendation.plan else {
        return vec![Line::styled("This tree has no stack plan.", theme.muted)];
    };
    let answers = app.effective_answers();
    let input = crate::report::ReportInput {
        tree: t,
        answers: &answers,
        recommendation: &app.recommendation,
        date: &app.date,
        catalog: app.catalog.as_ref(),
        team: None,
    };
    let mut lines = Vec::new();
    for s in &plan.stages {
        let stage = t.stages[s.stage].title.clone();
        if !s.in_scope {
            lines.push(Line::styled(format!("{stage}: out of scope"), theme.muted));
            continue;
        }
        lines.push(Line::styled(stage, theme.title));
        let path = match (s.path, s.tied.is_empty()) {
            (Some(p), true) => t.paths[p].title.clone(),
            (Some(_), false) => {
                let names: Vec<&str> = s.tied.iter().map(|&p| t.paths[p].title.as_str()).collect();
                format!("{} (tied)", names.join(" or "))
            }
            (None, _) => "none possible".to_string(),
        };
        lines.push(Line::styled(format!("  {path}"), theme.good));
        let tools: Vec<String> = input
            .examples(s)
            .iter()
            .take(3)
            .map(|tool| tool.name.clone())
            .collect();
        if !tools.is_empty() {
            lines.push(Line::styled(
                format!("  e.g. {}", tools.join(", ")),
                theme.muted,
            ));
        }
    }
    lines
}

fn unanswered(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let rec = &app.recommendation;
    if rec.unanswered.is_empty() {
        return vec![Line::styled(
            "Every question asked was answered.",
            theme.good,
        )];
    }
    let mut lines = vec![Line::styled(
        "Unanswered questions count as no preference (g goes to any question):",
        theme.muted,
    )];
    for &q in &rec.unanswered {
        lines.push(Line::styled(
            format!("• {}", app.tree.questions[q].prompt),
            theme.warn,
        ));
    }
    lines
}

/// A click on a criterion selects it; a click on the panel shows the next panel.
pub(super) fn hit(app: &App, area: Rect, column: u16, row: u16) -> Option<Action> {
    let p = parts(app, area);
    if inside(p.panel, column, row) && row == p.panel.y {
        return Some(Action::NextPanel);
    }
    let body = Rect {
        y: p.table.y + 1,
        height: p.table.height.saturating_sub(1),
        ..p.table
    };
    if !inside(body, column, row) {
        return None;
    }
    let len = app.recommendation.criteria.len();
    let i = window_start(len, app.criterion, usize::from(body.height)) + usize::from(row - body.y);
    (i < len).then_some(Action::Pick(i))
}
