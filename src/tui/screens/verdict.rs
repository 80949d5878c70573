//! The verdict screen. At the top, in plain words: the verdict and its kind, the margin,
//! the robustness and why (computed off the key path: "analysing…" until it arrives), what
//! would change it, what to answer first, and any contradiction. Below, four tabs: the
//! criteria with the reasons of the selected one (beside the table on wide screens, under
//! it on narrow ones), the stack plan with example tools, the risks, and the questions
//! worth answering.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use crate::recommend::Leaning;
use crate::report::{ReportInput, format_points, format_signed};
use crate::tui::app::{Action, App, Command, ScreenId};
use crate::tui::chrome::{self, inside, list_row};
use crate::tui::keys::{Binding, Chord, Cmd, bind, c, k};
use crate::tui::text::{self, truncate, window_start, wrap};
use crate::tui::words::{self, Tone};

/// The tabs under the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Criteria,
    Plan,
    Risks,
    Questions,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Criteria, Tab::Plan, Tab::Risks, Tab::Questions];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Criteria => "Criteria",
            Tab::Plan => "Stack plan",
            Tab::Risks => "Risks",
            Tab::Questions => "What could change it",
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// The verdict screen's state.
#[derive(Debug, Clone, Copy, Default)]
pub struct State {
    pub tab: Tab,
    /// The selected criterion (position in the tree).
    pub criterion: usize,
    /// How far the panel (the reasons, or the tab's text) is scrolled.
    pub scroll: u16,
}

impl State {
    /// Keeps the selection within `criteria` rows.
    pub fn clamp(&mut self, criteria: usize) {
        self.criterion = self.criterion.min(criteria.saturating_sub(1));
    }
}

pub const BINDINGS: &[Binding] = &[
    bind(
        Cmd::NextTab,
        &[k(KeyCode::Tab)],
        "Tab S-Tab 1-4",
        "next, previous tab: criteria, stack plan, risks, open questions",
        Some("tab"),
    ),
    bind(
        Cmd::PrevTab,
        &[k(KeyCode::BackTab)],
        "S-Tab",
        "previous tab",
        None,
    ),
    bind(Cmd::Number, &[Chord::Digit], "1-4", "a tab by number", None),
    bind(
        Cmd::Up,
        &[k(KeyCode::Up), c('k')],
        "↑↓ j k",
        "the criterion (or scroll the tab)",
        Some("move"),
    ),
    bind(Cmd::Down, &[k(KeyCode::Down), c('j')], "↓ j", "move", None),
    bind(
        Cmd::PageDown,
        &[k(KeyCode::PageDown), c(' ')],
        "PgDn PgUp",
        "scroll the reasons or the tab",
        Some("scroll"),
    ),
    bind(Cmd::PageUp, &[k(KeyCode::PageUp)], "PgUp", "scroll", None),
    bind(
        Cmd::Export,
        &[c('e'), k(KeyCode::Enter), k(KeyCode::Right)],
        "e Enter →",
        "export the report",
        Some("export"),
    ),
    bind(
        Cmd::Review,
        &[c('r'), k(KeyCode::Left), k(KeyCode::Esc)],
        "r ← Esc",
        "back to the review of the answers",
        Some("review"),
    ),
];

pub fn bindings(_app: &App) -> Vec<&'static Binding> {
    BINDINGS.iter().collect()
}

pub fn update(app: &mut App, action: Action, _out: &mut Vec<Command>) {
    let last = app.tree.criteria.len().saturating_sub(1);
    let v = &mut app.verdict;
    let select = |v: &mut State, c: usize| {
        v.criterion = c;
        v.scroll = 0;
    };
    match action {
        Action::Cmd(Cmd::Up) if v.tab == Tab::Criteria => select(v, v.criterion.saturating_sub(1)),
        Action::Cmd(Cmd::Down) if v.tab == Tab::Criteria => select(v, (v.criterion + 1).min(last)),
        Action::Pick(i) if v.tab == Tab::Criteria && i <= last => select(v, i),
        Action::Cmd(Cmd::Up) => v.scroll = v.scroll.saturating_sub(1),
        Action::Cmd(Cmd::Down) => v.scroll = v.scroll.saturating_add(1),
        Action::Scroll { down, rows, max } => {
            v.scroll = if down {
                v.scroll.saturating_add(rows).min(max)
            } else {
                v.scroll.min(max).saturating_sub(rows)
            }
        }
        Action::Cmd(Cmd::NextTab) => {
            v.tab = Tab::ALL[(v.tab.index() + 1) % Tab::ALL.len()];
            v.scroll = 0;
        }
        Action::Cmd(Cmd::PrevTab) => {
            v.tab = Tab::ALL[(v.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()];
            v.scroll = 0;
        }
        Action::Number(n) if (1..=Tab::ALL.len()).contains(&usize::from(n)) => {
            v.tab = Tab::ALL[usize::from(n) - 1];
            v.scroll = 0;
        }
        Action::Cmd(Cmd::Review) => app.go(ScreenId::Review),
        Action::Cmd(Cmd::Export) => app.go(ScreenId::Export),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// Layout.

/// Where the parts of the verdict screen go.
struct Parts {
    summary: Rect,
    tabs: Rect,
    /// The criteria table (Criteria tab only).
    table: Rect,
    /// The reasons of the selected criterion, or the whole tab's text.
    panel: Rect,
}

/// The summary's lines at `width`, in at most `max` lines: the sentences that matter most
/// get room first (the verdict, the scores, the robustness, contradictions, what would
/// change it, what to answer first); one that does not fit whole is cut, and tab 4 has
/// it all.
fn summary_lines(app: &App, width: u16, max: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let width = width.min(chrome::READING_WIDTH);
    let sentences = words::summary(&app.tree, &app.recommendation);
    let wrapped: Vec<Vec<String>> = sentences.iter().map(|(s, _, _)| wrap(s, width)).collect();
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    order.sort_by_key(|&i| sentences[i].2);
    let mut room = max;
    let mut take = vec![0usize; sentences.len()];
    for i in order {
        let n = wrapped[i].len().min(room);
        take[i] = n;
        room -= n;
    }
    let mut out = Vec::new();
    for (i, (_, tone, _)) in sentences.iter().enumerate() {
        let style = match tone {
            Tone::Verdict => theme.good.add_modifier(Modifier::BOLD),
            Tone::Plain => theme.text,
            Tone::Muted => theme.muted,
            Tone::Warn => theme.warn,
        };
        let lines = &wrapped[i];
        for (j, l) in lines.iter().take(take[i]).enumerate() {
            let cut = take[i] < lines.len() && j + 1 == take[i];
            let text = if cut {
                let room = usize::from(width).saturating_sub(10);
                format!("{} … (tab 4)", truncate(l, room).trim_end_matches('…'))
            } else {
                l.clone()
            };
            out.push(Line::styled(text, style));
        }
    }
    out
}

/// How many lines the summary may take: under half the screen, leaving the tabs room.
fn summary_room(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2) * 9 / 20).max(3)
}

/// Wide screens put the reasons beside the criteria table; narrow ones under it.
const SIDE_BY_SIDE: u16 = 110;

fn parts(app: &App, area: Rect) -> Parts {
    let summary_h = summary_lines(app, area.width, summary_room(area)).len() as u16;
    let [summary, _, tabs, rest] = Layout::vertical([
        Constraint::Length(summary_h),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    let (table, panel) = match app.verdict.tab {
        Tab::Criteria if rest.width >= SIDE_BY_SIDE => {
            let table_w = table_width(app, rest.width * 11 / 20);
            let [t, _, p] = Layout::horizontal([
                Constraint::Length(table_w),
                Constraint::Length(1),
                Constraint::Fill(1),
            ])
            .areas(rest);
            (t, p)
        }
        Tab::Criteria => {
            let rows = (app.tree.criteria.len() as u16 + 1).min(rest.height / 2);
            let [t, p] =
                Layout::vertical([Constraint::Length(rows), Constraint::Fill(1)]).areas(rest);
            (t, p)
        }
        _ => (Rect { height: 0, ..rest }, rest),
    };
    Parts {
        summary,
        tabs,
        table,
        panel,
    }
}

/// The panel's text: the reasons of the selected criterion, or the tab's.
fn panel_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    match app.verdict.tab {
        Tab::Criteria => reasons(app),
        Tab::Plan => plan(app, width),
        Tab::Risks => risks(app),
        Tab::Questions => questions(app),
    }
}

/// Whether the panel has a border (the reasons do; the other tabs take the whole area).
fn bordered(app: &App) -> bool {
    app.verdict.tab == Tab::Criteria
}

/// How far the panel can scroll: its wrapped lines less the rows it shows.
fn max_scroll(app: &App, panel: Rect) -> u16 {
    let inset = if bordered(app) { 2 } else { 0 };
    let width = usize::from(panel.width.saturating_sub(inset)).max(1);
    let rows: usize = panel_lines(app, panel.width)
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            textwrap::wrap(&text, width).len().max(1)
        })
        .sum();
    u16::try_from(rows.saturating_sub(usize::from(panel.height.saturating_sub(inset))))
        .unwrap_or(u16::MAX)
}

/// A page up or down of the panel, as far as it scrolls.
pub fn page(app: &App, area: Rect, down: bool) -> Action {
    let body = chrome::frame(app, area).body;
    let panel = parts(app, body).panel;
    Action::Scroll {
        down,
        rows: panel.height.saturating_sub(3).max(1),
        max: max_scroll(app, panel),
    }
}

// ---------------------------------------------------------------------------------------
// Drawing.

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let p = parts(app, area);
    let lines = summary_lines(app, p.summary.width, summary_room(area));
    Paragraph::new(lines).render(p.summary, buf);
    tabs(app, p.tabs, buf);
    if app.verdict.tab == Tab::Criteria {
        table(app, p.table, buf);
    }
    panel(app, p.panel, buf);
}

fn tabs(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let mut spans = Vec::new();
    for (i, t) in Tab::ALL.iter().enumerate() {
        let style = if *t == app.verdict.tab {
            theme.selected
        } else {
            theme.muted
        };
        spans.push(Span::styled(format!(" {} {} ", i + 1, t.title()), style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled("(Tab)", theme.muted));
    Line::from(spans).render(area, buf);
}

/// Column widths of the criteria table: title, one number column per alternative (wide
/// enough for the first word of its title), and leaning (0 when too narrow to show it).
struct Columns {
    title: usize,
    number: usize,
    lean: usize,
}

fn columns(app: &App, width: usize) -> Columns {
    let alts = &app.tree.alternatives;
    let first_word = |t: &str| t.split_whitespace().next().map_or(0, text::width);
    let wanted = alts
        .iter()
        .map(|a| first_word(&a.title))
        .max()
        .unwrap_or(5)
        .clamp(5, 12)
        + 1;
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
        .map(|c| text::width(&c.title))
        .max()
        .unwrap_or(4);
    let lean_max = alts
        .iter()
        .map(|a| text::width(&a.title))
        .max()
        .unwrap_or(4);
    let room = width.saturating_sub(fixed);
    let lean = if room >= title_max + 12 {
        (lean_max + 1).min(room - title_max.min(32)).min(32)
    } else {
        0
    };
    Columns {
        title: room.saturating_sub(lean).clamp(4, title_max.max(4)),
        number,
        lean,
    }
}

fn table_width(app: &App, available: u16) -> u16 {
    let c = columns(app, usize::from(available));
    let want = 2 + c.title + 5 + app.tree.alternatives.len() * c.number + c.lean;
    u16::try_from(want).unwrap_or(available).min(available)
}

fn table(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let rec = &app.recommendation;
    let width = usize::from(area.width);
    let cols = columns(app, width);
    let (title_w, lean_w, num_w) = (cols.title, cols.lean, cols.number);
    let mut head = format!("  {:<title_w$}{:>5}", "Criterion", "W");
    for alt in &app.tree.alternatives {
        let short = truncate(
            alt.title.split_whitespace().next().unwrap_or(&alt.title),
            num_w - 1,
        );
        head.push_str(&format!("{short:>num_w$}"));
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
    let start = window_start(rec.criteria.len(), app.verdict.criterion, height);
    for (row, c) in rec.criteria.iter().enumerate().skip(start).take(height) {
        let selected = row == app.verdict.criterion;
        let base = if selected { theme.selected } else { theme.text };
        let title = truncate(&app.tree.criteria[c.criterion].title, title_w);
        let pad = " ".repeat(title_w.saturating_sub(text::width(&title)));
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
            spans.push(Span::styled(
                format!(" {lean}"),
                if selected { base } else { theme.accent },
            ));
        }
        let r = Rect {
            y: body.y + (row - start) as u16,
            height: 1,
            ..body
        };
        list_row(spans, selected, base, r, buf);
    }
}

fn panel(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let max = max_scroll(app, area);
    let scroll = app.verdict.scroll.min(max);
    let lines = panel_lines(app, area.width);
    let mut p = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0));
    let more = match (scroll > 0, scroll < max) {
        (_, true) => Some(" ↓ more: PgDn "),
        (true, false) => Some(" ↑ PgUp "),
        (false, false) => None,
    };
    if bordered(app) {
        let mut block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border)
            .title(Span::styled(" Why (the selected criterion) ", theme.muted));
        if let Some(m) = more {
            block = block.title_bottom(Line::styled(m, theme.muted).right_aligned());
        }
        p = p.block(block);
        p.render(area, buf);
    } else {
        p.render(area, buf);
        if let Some(m) = more
            && area.height > 0
        {
            let x = area.right().saturating_sub(m.len() as u16);
            buf.set_string(x, area.bottom() - 1, m, theme.muted);
        }
    }
}

fn reasons(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let rec = &app.recommendation;
    let Some(c) = rec.criteria.get(app.verdict.criterion) else {
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
            " (×{} from your answer “{}” to {})",
            format_points(ch.multiplier),
            ch.answer(&app.tree),
            text::quoted(&q.prompt, 60)
        ));
    }
    lines.push(Line::styled(weight, theme.muted));
    lines.push(Line::default());
    if c.reasons.is_empty() {
        lines.push(Line::styled("No answer moved this criterion.", theme.muted));
    }
    let input = report_input(app);
    for r in &c.reasons {
        let q = &app.tree.questions[r.question];
        let answer = input.answer_text(r.question, r.option);
        let style = match (r.counted, r.points >= 0.0) {
            (false, _) => theme.muted,
            (true, true) => theme.good,
            (true, false) => theme.error,
        };
        let points = if r.counted {
            format_signed(r.points)
        } else {
            "also".to_string()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{points} "), style),
            Span::styled(
                app.tree.alternatives[r.alternative].title.clone(),
                theme.accent,
            ),
            Span::styled(
                format!(
                    " · you answered “{answer}” to {}",
                    text::quoted(&q.prompt, 80)
                ),
                theme.muted,
            ),
        ]));
        lines.push(Line::styled(format!("  {}", r.text), theme.text));
    }
    lines
}

/// The report helpers (examples, mitigations, answer texts) over the app's answers. They
/// look only at questions that are shown (a condition on a hidden question is false), so
/// the answers kept for hidden questions change nothing, and no copy is made per frame.
fn report_input(app: &App) -> ReportInput<'_> {
    ReportInput {
        tree: &app.tree,
        answers: &app.answers,
        recommendation: &app.recommendation,
        date: app.date(),
        catalog: app.catalog.as_ref(),
        team: None,
    }
}

fn plan(app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let rec = &app.recommendation;
    let Some(plan) = &rec.plan else {
        return vec![Line::styled(
            "This question tree has no stack plan.",
            theme.muted,
        )];
    };
    let input = report_input(app);
    let shown = crate::catalog::shown_questions(input.tree, input.answers);
    let mut lines = Vec::new();
    if let Some(s) = words::plan_summary(&app.tree, rec) {
        lines.push(Line::styled(s, theme.title));
    }
    let width = usize::from(width).max(20);
    let stage_w = app
        .tree
        .stages
        .iter()
        .map(|s| text::width(&s.title))
        .max()
        .unwrap_or(10);
    let path_w = app
        .tree
        .paths
        .iter()
        .map(|p| text::width(&p.title))
        .max()
        .unwrap_or(10);
    // One row per stage when everything fits beside two tool names; else two rows: the
    // stage and its path, then the tools.
    let wide = width >= stage_w + path_w + 4 + 30;
    if wide {
        lines.push(Line::styled(
            format!("{:<stage_w$}  {:<path_w$}  Example tools", "Stage", "Path"),
            theme.muted,
        ));
    }
    for s in &plan.stages {
        let stage = app.tree.stages[s.stage].title.clone();
        let (path, style) = match (s.in_scope, s.path) {
            (false, _) => ("out of scope".to_string(), theme.muted),
            (true, _) if !s.tied.is_empty() => {
                let names: Vec<String> = s
                    .tied
                    .iter()
                    .map(|&p| app.tree.paths[p].title.to_string())
                    .collect();
                (format!("undecided: {}", names.join(" = ")), theme.warn)
            }
            (true, Some(p)) => (app.tree.paths[p].title.to_string(), theme.good),
            (true, None) => ("no path possible".to_string(), theme.warn),
        };
        let tools: Vec<String> = input
            .examples_shown(s, &shown)
            .iter()
            .take(2)
            .map(|t| t.name.to_string())
            .collect();
        let tools = tools.join(", ");
        if wide {
            let pad =
                |t: &str, w: usize| format!("{t}{}", " ".repeat(w.saturating_sub(text::width(t))));
            lines.push(Line::from(vec![
                Span::styled(format!("{}  ", pad(&stage, stage_w)), theme.text),
                Span::styled(format!("{}  ", pad(&path, path_w)), style),
                Span::styled(truncate(&tools, width - stage_w - path_w - 4), theme.accent),
            ]));
        } else {
            let head = format!("{}: ", truncate(&stage, (width / 2).saturating_sub(2)));
            let room = width.saturating_sub(text::width(&head));
            lines.push(Line::from(vec![
                Span::styled(head, theme.text),
                Span::styled(truncate(&path, room), style),
            ]));
            if !tools.is_empty() {
                lines.push(Line::styled(
                    truncate(&format!("    for example {tools}"), width),
                    theme.accent,
                ));
            }
        }
    }
    if let Some(c) = &app.catalog {
        lines.push(Line::styled(
            format!(
                "Tools are examples, not endorsements (catalog checked {}); the report names more, with their licences.",
                c.checked
            ),
            theme.muted,
        ));
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
    let input = report_input(app);
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
        for m in input.mitigations(r) {
            lines.push(Line::from(vec![
                Span::styled("Mitigation: ", theme.accent),
                Span::styled(m.trim().to_string(), theme.text),
            ]));
        }
        lines.push(Line::default());
    }
    lines
}

fn questions(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let rec = &app.recommendation;
    let mut lines = Vec::new();
    if let Some(r) = &rec.robustness {
        if !r.tipping_points.is_empty() {
            lines.push(Line::default());
            lines.push(Line::styled(
                "The smallest changes of your answers that change the verdict:",
                theme.title,
            ));
            for (i, tp) in r.tipping_points.iter().enumerate() {
                lines.push(Line::styled(
                    format!("{}. {}", i + 1, words::tipping_text(&app.tree, tp)),
                    theme.text,
                ));
            }
        }
        lines.push(Line::default());
    }
    let ranked: Vec<usize> = match &rec.robustness {
        None => {
            lines.push(Line::styled(
                "Analysing which open questions matter most…",
                theme.muted,
            ));
            Vec::new()
        }
        Some(r) if r.open_questions.is_empty() => Vec::new(),
        Some(r) => {
            lines.push(Line::styled(
                "Answer these first (the largest possible change of the margin first):",
                theme.title,
            ));
            for o in &r.open_questions {
                let toward = o
                    .toward
                    .map(|a| format!(", toward {}", app.tree.alternatives[a].title))
                    .unwrap_or_default();
                let alone = if o.flips_alone {
                    "; one answer alone changes the verdict"
                } else {
                    ""
                };
                lines.push(Line::styled(
                    format!(
                        "• {} (up to {} points{toward}{alone})",
                        app.tree.questions[o.question].prompt,
                        format_points(o.swing)
                    ),
                    theme.warn,
                ));
            }
            r.open_questions.iter().map(|o| o.question).collect()
        }
    };
    let others: Vec<usize> = rec
        .unanswered
        .iter()
        .copied()
        .filter(|q| !ranked.contains(q))
        .collect();
    if !others.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled(
            "Not answered either (they cannot change the verdict, or count as no preference):",
            theme.muted,
        ));
        for q in others {
            lines.push(Line::styled(
                format!("• {}", app.tree.questions[q].prompt),
                theme.text,
            ));
        }
    }
    if rec.unanswered.is_empty() {
        lines.push(Line::styled(
            "Every question asked was answered.",
            theme.good,
        ));
    } else {
        lines.push(Line::default());
        lines.push(Line::styled("g goes to any question.", theme.muted));
    }
    lines
}

/// A click on a criterion selects it; a click on a tab's title opens it.
pub fn hit(app: &App, area: Rect, column: u16, row: u16) -> Option<Action> {
    let p = parts(app, area);
    if row == p.tabs.y && inside(p.tabs, column, row) {
        let mut x = p.tabs.x;
        for (i, t) in Tab::ALL.iter().enumerate() {
            let w = text::width(t.title()) as u16 + 5;
            if column < x + w {
                return Some(Action::Number(i as u8 + 1));
            }
            x += w;
        }
        return None;
    }
    if app.verdict.tab != Tab::Criteria {
        return None;
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
    let i = window_start(len, app.verdict.criterion, usize::from(body.height))
        + usize::from(row - body.y);
    (i < len).then_some(Action::Pick(i))
}
