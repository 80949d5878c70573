//! The markdown report: a decision record for the kickoff documents. It opens with a
//! summary that fits one printed page (the verdict, its kind and robustness, the strongest
//! reasons each way, what would change it, the stack plan, what to answer first and the
//! assumptions), then the detail, then appendices. MADR 4.0's front matter carries the
//! status, date and people. It is valid CommonMark with GitHub tables; all text from the
//! tree and the answers is escaped, so it always reads as text, never as structure.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::{ReportInput, format_points, format_signed};
use crate::model::{Kind, is_blank};
use crate::plan::{PlanSummary, PlanTarget};
use crate::recommend::{Leaning, Reason, Verdict, VerdictKind};
use crate::robustness::{AnswerChange, Level, OpenFlip, OpenSearch, TippingPoint};
use crate::sanitize;

/// Writes the markdown report.
pub fn to_markdown(input: &ReportInput<'_>) -> String {
    let mut out = String::with_capacity(24 * 1024);
    let w = &mut out;
    front_matter(w, input);
    title(w, input);
    summary(w, input);
    team(w, input);
    context(w, input);
    conflicts(w, input);
    robustness(w, input);
    drivers(w, input);
    plan(w, input);
    risks(w, input);
    unanswered(w, input);
    options(w, input);
    appendix(w, input);
    team_appendix(w, input);
    tidy(&out)
}

/// The document with runs of blank lines outside fenced blocks folded into one, and one
/// line break at the end: sections that have nothing to say leave no gaps.
pub(crate) fn tidy(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut fence: Option<&str> = None;
    let mut blank = false;
    for line in md.lines() {
        let ticks = &line[..line.len() - line.trim_start_matches('`').len()];
        match fence {
            Some(f) if ticks.len() >= f.len() && line.trim_end() == ticks => fence = None,
            Some(_) => {}
            None if ticks.len() >= 3 => fence = Some(ticks),
            None if line.trim().is_empty() => {
                if blank {
                    continue;
                }
                blank = true;
                out.push('\n');
                continue;
            }
            None => {}
        }
        blank = false;
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// `writeln!` into a `String` cannot fail.
macro_rules! line {
    ($w:expr) => { $w.push('\n') };
    ($w:expr, $($arg:tt)*) => { { let _ = writeln!($w, $($arg)*); } };
}

/// How many drivers each way the summary names.
const SUMMARY_DRIVERS: usize = 3;
/// Chart labels are cut (at a word) to about this many characters.
const CHART_LABEL: usize = 28;
/// How many open questions the summary names.
const SUMMARY_OPEN: usize = 3;

/// A YAML scalar in double quotes, with the characters YAML needs escaped; line breaks
/// and tabs become spaces, and characters a reader must not get raw (controls, bidi and
/// invisible ones) are shown as their escape (`\u{202e}`), as in the rest of the report.
fn yaml(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\t' | '\r' => out.push(' '),
            c if c.is_control() || sanitize::is_unsafe(c) => {
                // The escape's own backslash, escaped for YAML.
                out.push('\\');
                sanitize::push_escape(c, &mut out);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn front_matter(w: &mut String, r: &ReportInput<'_>) {
    line!(w, "---");
    line!(w, "status: proposed");
    if crate::catalog::is_date(r.date) {
        line!(w, "date: {}", r.date);
    } else {
        line!(w, "date: {}", yaml(r.date));
    }
    let meta = &r.answers.meta;
    // Who decides: the names given, else whoever answered.
    let respondent: Vec<String> = meta.respondent.iter().cloned().collect();
    let deciders = if meta.decision_makers.is_empty() {
        &respondent
    } else {
        &meta.decision_makers
    };
    let people = [
        ("decision-makers", deciders),
        ("consulted", &meta.consulted),
        ("informed", &meta.informed),
    ];
    for (key, names) in people {
        let names: Vec<&str> = names
            .iter()
            .map(|n| n.trim())
            .filter(|n| !is_blank(n))
            .collect();
        if !names.is_empty() {
            line!(w, "{key}: {}", yaml(&names.join(", ")));
        }
    }
    line!(w, "---");
    line!(w);
}

fn title(w: &mut String, r: &ReportInput<'_>) {
    let t = r.tree;
    match r.project_name() {
        Some(name) => line!(
            w,
            "# {}: {}",
            escape_inline(name),
            escape_inline(&t.meta.title)
        ),
        None => line!(w, "# {}", escape_inline(&t.meta.title)),
    }
    line!(w);
    if let Some(team) = r.team {
        let names: Vec<_> = team
            .respondents
            .iter()
            .map(|p| escape_inline(&p.name))
            .collect();
        line!(
            w,
            "A team decision: the answers of {} merged (see The team).",
            names.join(", ")
        );
        line!(w);
    }
    line!(
        w,
        "Question tree: {} ({}, version {}).",
        escape_inline(&t.meta.title),
        code_span(&t.meta.id),
        code_span(&t.meta.version)
    );
    line!(w);
}

/// The title of an alternative, escaped.
fn alt<'t>(r: &ReportInput<'t>, a: usize) -> Cow<'t, str> {
    escape_inline(&r.tree.alternatives[a].title)
}

/// A verdict in words, escaped: one title, or "A and B (tied)".
fn verdict_words(r: &ReportInput<'_>, v: &Verdict) -> String {
    match v {
        Verdict::Alternative(a) => alt(r, *a).into_owned(),
        Verdict::Tie(tied) => {
            let names: Vec<_> = tied.iter().map(|&a| alt(r, a)).collect();
            format!("a tie between {}", names.join(" and "))
        }
    }
}

/// Points with their unit, for people.
fn pts(v: f64) -> String {
    format!("{} pts", format_points(v))
}

/// A question's prompt in quotes, escaped.
fn prompt(r: &ReportInput<'_>, q: usize) -> String {
    format!("\"{}\"", escape_inline(&r.tree.questions[q].prompt))
}

/// A question and its answer: `"prompt": *answer*`.
fn answered(r: &ReportInput<'_>, q: usize) -> String {
    let question = &r.tree.questions[q];
    let a = r
        .answers
        .values
        .get(question.id.as_str())
        .map_or_else(String::new, |a| a.describe(question));
    format!("{}: *{}*", prompt(r, q), escape_inline(&a))
}

/// One answer change in words: `"prompt": *to* instead of *from*`.
fn change_words(r: &ReportInput<'_>, c: &AnswerChange) -> String {
    let t = r.tree;
    let (to, from) = c.labels(t);
    let subject = match c {
        AnswerChange::Answer { question, .. } => prompt(r, *question),
        AnswerChange::Priority { criterion, .. } => format!(
            "the importance of {}",
            escape_inline(&t.criteria[*criterion].title)
        ),
    };
    format!(
        "{subject}: *{}* instead of *{}*",
        escape_inline(&to),
        escape_inline(&from)
    )
}

fn tipping_words(r: &ReportInput<'_>, tp: &TippingPoint) -> String {
    let changes: Vec<String> = tp.changes.iter().map(|c| change_words(r, c)).collect();
    let how = if tp.constraint {
        " (the change rules the current verdict out)"
    } else {
        ""
    };
    format!(
        "{} → {}{how}",
        changes.join("; and "),
        verdict_words(r, &tp.verdict)
    )
}

/// The first sentence: the verdict and its kind.
fn headline(r: &ReportInput<'_>) -> String {
    let rec = r.recommendation;
    let m = &rec.margin;
    match rec.kind() {
        VerdictKind::Forced => {
            let why: Vec<String> = rec
                .ruled_out
                .iter()
                .map(|e| {
                    let q = &r.tree.questions[e.question];
                    format!(
                        "*{}* to {}",
                        escape_inline(&q.options[e.option].label),
                        prompt(r, e.question)
                    )
                })
                .collect();
            let scores = if rec.scores_alone == rec.verdict {
                format!(
                    "the scores agree, {} to {}",
                    format_points(m.leader_points),
                    format_points(m.runner_up_points)
                )
            } else {
                format!(
                    "your other answers favour {}, {} to {}",
                    verdict_words(r, &rec.scores_alone),
                    format_points(m.runner_up_points),
                    format_points(m.leader_points)
                )
            };
            format!(
                "**{}, forced.** The answer {} rules out every other option; {scores} weighted points.",
                verdict_words(r, &rec.verdict),
                why.join(" and ")
            )
        }
        VerdictKind::Tie => format!(
            "**No clear winner: {}** score {} each. Answer the open questions or set priorities to separate them.",
            verdict_words(r, &rec.verdict),
            format_points(m.leader_points)
        ),
        VerdictKind::Insufficient => format!(
            "**Too little is known to decide.** {} leads for now, {} to {} weighted points, but answering the open questions could change that.",
            verdict_words(r, &rec.verdict),
            format_points(m.leader_points),
            format_points(m.runner_up_points)
        ),
        VerdictKind::Free => format!(
            "**Recommended: {}**, {} to {} weighted points for {}.",
            verdict_words(r, &rec.verdict),
            format_points(m.leader_points),
            format_points(m.runner_up_points),
            m.runner_up.map_or_else(
                || "the other option".to_string(),
                |a| alt(r, a).into_owned()
            )
        ),
    }
}

/// The robustness level in a sentence.
fn robustness_words(r: &ReportInput<'_>) -> String {
    let rec = r.recommendation;
    let Some(rb) = &rec.robustness else {
        return String::new();
    };
    let share = if rec.margin.share.is_finite() && rec.margin.difference > 0.0 {
        format!(
            " The lead is {}, {:.0}% of all weighted points counted.",
            pts(rec.margin.difference),
            rec.margin.share * 100.0
        )
    } else {
        String::new()
    };
    let why = match rb.level {
        Level::Insufficient => {
            let n = rb.open_questions.len();
            match rb.open_questions_can_flip {
                OpenFlip::Yes => {
                    format!("answering the {n} open question(s) can change the verdict")
                }
                _ => format!(
                    "the {n} open question(s) are too many to rule out that answering them changes the verdict"
                ),
            }
        }
        Level::Low => {
            let flips = match rb.single_flips {
                0 => None,
                1 => Some("one answer change flips it".to_string()),
                n => Some(format!("any of {n} single answer changes flips it")),
            };
            match (rb.conflicts, flips) {
                (true, Some(f)) => {
                    format!("some answers contradict each other (see Conflicts), and {f}")
                }
                (true, None) => "some answers contradict each other (see Conflicts)".to_string(),
                (false, Some(f)) => f,
                (false, None) => "it is close".to_string(),
            }
        }
        Level::Medium if rb.forced_against_scores => {
            "it is forced by an exclusion against the scores".to_string()
        }
        Level::Medium => format!(
            "no single answer change flips it, but {} pair(s) of changes do",
            rb.pair_flips.unwrap_or(0)
        ),
        Level::High => {
            "no change of one or two answers flips it, and the open questions cannot".to_string()
        }
    };
    format!("**Robustness: {}**: {why}.{share}", rb.level.name())
}

/// The strongest counted reasons toward `favour` (or against it), by weighted points.
fn strongest<'r>(
    r: &'r ReportInput<'_>,
    toward: impl Fn(usize) -> bool,
) -> Vec<(&'r Reason, usize)> {
    let mut all: Vec<(&Reason, usize)> = r
        .recommendation
        .criteria
        .iter()
        .flat_map(|c| c.reasons.iter().map(move |x| (x, c.criterion)))
        .filter(|(x, _)| x.counted && x.points > 0.0 && toward(x.alternative))
        .collect();
    all.sort_by(|a, b| {
        b.0.points
            .total_cmp(&a.0.points)
            .then((a.0.question, a.1).cmp(&(b.0.question, b.1)))
    });
    all
}

/// A driver in words; `name_alternative` adds whom the points go to.
fn driver_words(
    r: &ReportInput<'_>,
    reason: &Reason,
    criterion: usize,
    name_alternative: bool,
) -> String {
    let whom = if name_alternative {
        format!(" for {}", alt(r, reason.alternative))
    } else {
        String::new()
    };
    format!(
        "{}{whom} on {}, from *{}* to {}",
        format_signed(reason.points),
        escape_inline(&r.tree.criteria[criterion].title),
        escape_inline(&r.answer_text(reason.question, reason.option)),
        prompt(r, reason.question)
    )
}

fn summary(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    line!(w, "## Summary");
    line!(w);
    line!(w, "{}", headline(r));
    line!(w);
    if rec.all_ruled_out {
        line!(
            w,
            "**Warning: your answers rule out every option.** The verdict ignores those answers; settle the conflict before the kickoff."
        );
        line!(w);
    }
    let rb = robustness_words(r);
    if !rb.is_empty() {
        line!(w, "- {rb}");
    }
    if let Some(team) = r.team {
        let people: Vec<String> = team
            .respondents
            .iter()
            .zip(&team.recommendations)
            .map(|(p, x)| {
                format!(
                    "{} ({}, {})",
                    escape_inline(&p.name),
                    verdict_words(r, &x.verdict),
                    x.robustness.as_ref().map_or("", |b| b.level.name())
                )
            })
            .collect();
        line!(w, "- **Each person:** {}.", people.join("; "));
        if !team.decisive.is_empty() {
            let settle: Vec<String> = team
                .decisive
                .iter()
                .map(|d| decisive_words(r, team, d))
                .collect();
            line!(
                w,
                "- **Settle these before the kickoff:** {}.",
                settle.join("; ")
            );
        }
    }
    let leader = rec.verdict.first();
    let tied = |a: usize| rec.verdict.includes(a);
    let pro: Vec<String> = strongest(r, tied)
        .into_iter()
        .take(SUMMARY_DRIVERS)
        .map(|(x, c)| driver_words(r, x, c, false))
        .collect();
    let con: Vec<String> = strongest(r, |a| !tied(a))
        .into_iter()
        .take(SUMMARY_DRIVERS)
        .map(|(x, c)| driver_words(r, x, c, true))
        .collect();
    if !pro.is_empty() {
        line!(
            w,
            "- **Strongest reasons for {}:** {}.",
            alt(r, leader),
            pro.join("; ")
        );
    }
    if !con.is_empty() {
        line!(w, "- **Strongest reasons against:** {}.", con.join("; "));
    }
    if let Some(rb) = &rec.robustness {
        match rb.tipping_points.first() {
            Some(tp) => line!(w, "- **What would change it:** {}.", tipping_words(r, tp)),
            None if rb.triples_searched => line!(
                w,
                "- **What would change it:** no change of one or two answers does, and none of three was found."
            ),
            None => {}
        }
        let first: Vec<String> = rb
            .open_questions
            .iter()
            .filter(|o| o.swing > 0.0)
            .take(SUMMARY_OPEN)
            .map(|o| {
                format!(
                    "{} (could move the margin by {})",
                    prompt(r, o.question),
                    pts(o.swing)
                )
            })
            .collect();
        if !first.is_empty() {
            line!(w, "- **Answer these first:** {}.", first.join("; "));
        }
    }
    line!(w, "- **Assumptions:** {}", assumptions(r));
    if !rec.conflicts.is_empty() {
        let n = rec.conflicts.len();
        line!(
            w,
            "- **Conflicts:** {n} {} between answers; see Conflicts between answers below.",
            if n == 1 {
                "contradiction"
            } else {
                "contradictions"
            }
        );
    }
    line!(w);
    if let Some(plan) = &rec.plan {
        let summary = match plan.summary() {
            PlanSummary::Uniform(p) => format!("{} throughout", escape_inline(&t.paths[p].title)),
            PlanSummary::Hybrid => "hybrid, a path per stage".to_string(),
            PlanSummary::Undecided => {
                "partly undecided: your answers do not separate the paths of some stages"
                    .to_string()
            }
            PlanSummary::Empty => "no stage is in scope".to_string(),
        };
        line!(w, "**Stack plan: {summary}.**");
        line!(w);
        let differ: Vec<_> = plan
            .stages
            .iter()
            .filter(|s| s.in_scope)
            .filter(|s| {
                s.path
                    .is_some_and(|p| !rec.verdict.includes(t.paths[p].alternative_index()))
            })
            .map(|s| escape_inline(&t.stages[s.stage].title))
            .collect();
        if !differ.is_empty() {
            line!(
                w,
                "The plan departs from the verdict for {}: the answers about those stages (support, operations, speed, existing platforms) are met better another way.",
                differ.join(", ")
            );
            line!(w);
        }
        plan_table(w, r);
    }
}

/// What the verdict rests on besides the answers: priorities, unanswered questions.
fn assumptions(r: &ReportInput<'_>) -> String {
    let (t, rec) = (r.tree, r.recommendation);
    let mut parts = Vec::new();
    if let Some(pq) = t.priorities_question() {
        let q = &t.questions[pq];
        if rec.asked.contains(&pq)
            && let Some(p) = &q.priorities
        {
            let default = p
                .level(p.default)
                .map_or(String::new(), |l| l.label.to_string());
            let raised: Vec<String> = rec
                .criteria
                .iter()
                .filter_map(|c| {
                    let ch = c.weight_changes.iter().find(|w| w.question == pq)?;
                    match ch.source {
                        crate::recommend::WeightSource::Priority(l) if l != p.default => {
                            Some(format!(
                                "{} *{}*",
                                escape_inline(&t.criteria[c.criterion].title),
                                escape_inline(&ch.answer(t))
                            ))
                        }
                        _ => None,
                    }
                })
                .collect();
            if raised.is_empty() {
                parts.push(format!(
                    "every criterion counts the same (*{}*)",
                    escape_inline(&default)
                ));
            } else {
                parts.push(format!(
                    "criteria count the same (*{}*) except {}",
                    escape_inline(&default),
                    raised.join(", ")
                ));
            }
        }
    }
    let scored_open = rec
        .unanswered
        .iter()
        .filter(|&&q| t.questions[q].is_scored() && t.questions[q].kind != Kind::Priorities)
        .count();
    if scored_open > 0 {
        parts.push(format!(
            "{scored_open} unanswered question(s) count for neither side"
        ));
    } else {
        parts.push("every question that can move the verdict was answered".to_string());
    }
    if !rec.ruled_out.is_empty() {
        parts.push("exclusions hold whatever the scores".to_string());
    }
    format!("{}.", parts.join("; "))
}

fn plan_table(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    let Some(plan) = &rec.plan else { return };
    let shown = crate::catalog::shown_questions(t, r.answers);
    line!(w, "| Stage | Path | Examples |");
    line!(w, "| --- | --- | --- |");
    for s in &plan.stages {
        let stage = escape_inline(&t.stages[s.stage].title);
        let (path, tools) = if !s.in_scope {
            ("out of scope".to_string(), "—".to_string())
        } else {
            let path = match (s.path, s.tied.is_empty()) {
                (Some(p), true) => escape_inline(&t.paths[p].title).into_owned(),
                (Some(_), false) => {
                    let names: Vec<_> = s
                        .tied
                        .iter()
                        .map(|&p| escape_inline(&t.paths[p].title))
                        .collect();
                    format!("{} (tied)", names.join(" or "))
                }
                (None, _) => "none possible".to_string(),
            };
            let tools: Vec<String> = r
                .examples_shown(s, &shown)
                .iter()
                .map(|tool| {
                    let flag = if r.catalog.is_some_and(|c| !tool.licence_risks(c).is_empty()) {
                        " †"
                    } else {
                        ""
                    };
                    format!("{}{flag}", escape_inline(&tool.name))
                })
                .collect();
            (path, tools.join(", "))
        };
        line!(w, "| {stage} | {path} | {tools} |");
    }
    line!(w);
    if let Some(c) = r.catalog {
        line!(
            w,
            "Tools are examples, not endorsements, from a catalog checked on {}; † marks a licence-change risk (see Stack plan).",
            escape_inline(&c.checked)
        );
        line!(w);
    }
}

/// A disagreement that flips the merged verdict, in words.
fn decisive_words(
    r: &ReportInput<'_>,
    team: &crate::team::Team,
    d: &crate::team::Decisive,
) -> String {
    let q = &r.tree.questions[d.question];
    let by: Vec<_> =
        d.by.iter()
            .map(|&i| escape_inline(&team.respondents[i].name))
            .collect();
    format!(
        "{}: {} answered *{}*, which alone gives {}",
        prompt(r, d.question),
        by.join(" and "),
        escape_inline(&d.answer.describe(q)),
        verdict_words(r, &d.verdict)
    )
}

/// The team: each person's verdict, who answered what, and the spread of answers.
fn team(w: &mut String, r: &ReportInput<'_>) {
    let Some(team) = r.team else { return };
    let t = r.tree;
    line!(w, "## The team");
    line!(w);
    line!(
        w,
        "Each person answered alone. The merged answers take, per question, the answer most people gave (a tie leaves the question open); for a multiple choice, the options more than half ticked; for a scale or a priority, the median. Disagreements that alone would flip the merged verdict are listed first in the summary."
    );
    line!(w);
    let mut head = String::from("| Person | Verdict | Kind | Robustness |");
    let mut rule = String::from("| --- | --- | --- | --- |");
    for a in 0..t.alternatives.len() {
        let _ = write!(head, " {} |", alt(r, a));
        rule.push_str(" ---: |");
    }
    line!(w, "{head}");
    line!(w, "{rule}");
    for (p, x) in team.respondents.iter().zip(&team.recommendations) {
        let mut row = format!(
            "| {} | {} | {} | {} |",
            escape_inline(&p.name),
            verdict_words(r, &x.verdict),
            x.kind().name(),
            x.robustness.as_ref().map_or("", |b| b.level.name())
        );
        for v in &x.scores {
            let _ = write!(row, " {} |", format_points(*v));
        }
        line!(w, "{row}");
    }
    line!(w);
    let split: Vec<&crate::team::Spread> = team
        .spreads
        .iter()
        .filter(|s| {
            matches!(
                s.agreement,
                crate::team::Agreement::Majority | crate::team::Agreement::Tie
            )
        })
        .collect();
    if split.is_empty() {
        line!(
            w,
            "Everyone who answered a question gave the same answer (Appendix C lists every answer)."
        );
        line!(w);
        return;
    }
    line!(w, "### Where the team disagrees");
    line!(w);
    line!(
        w,
        "{} of {} questions got different answers; Appendix C lists every answer.",
        split.len(),
        team.spreads.len()
    );
    line!(w);
    answers_table(w, r, team, &split, true);
}

/// A table of who answered what to these questions; with `spread`, a bar per answer.
fn answers_table(
    w: &mut String,
    r: &ReportInput<'_>,
    team: &crate::team::Team,
    spreads: &[&crate::team::Spread],
    spread: bool,
) {
    let t = r.tree;
    let mut head = String::from("| Question |");
    let mut rule = String::from("| --- |");
    for p in &team.respondents {
        let _ = write!(head, " {} |", escape_inline(&p.name));
        rule.push_str(" --- |");
    }
    if spread {
        line!(w, "{head} Merged | Spread |");
    } else {
        line!(w, "{head} Merged | Agreement |");
    }
    line!(w, "{rule} --- | --- |");
    for s in spreads {
        let q = &t.questions[s.question];
        let mut row = format!("| {} |", escape_inline(&q.prompt));
        for a in &s.answers {
            let text = a.as_ref().map_or_else(
                || "*not answered*".to_string(),
                |a| escape_inline(&a.describe(q)).into_owned(),
            );
            let _ = write!(row, " {text} |");
        }
        let merged = s.merged.as_ref().map_or_else(
            || "*open: a tie*".to_string(),
            |a| escape_inline(&a.describe(q)).into_owned(),
        );
        let last = if spread {
            let mut counts: Vec<(String, usize)> = Vec::new();
            for a in s.answers.iter().flatten() {
                let label = a.describe(q);
                match counts.iter_mut().find(|(l, _)| *l == label) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((label, 1)),
                }
            }
            counts
                .iter()
                .map(|(l, n)| format!("{} {} {n}", "▇".repeat(*n), escape_inline(l)))
                .collect::<Vec<_>>()
                .join("; ")
        } else {
            s.agreement.name().to_string()
        };
        line!(w, "{row} {merged} | {last} |");
    }
    line!(w);
}

/// Every person's answer to every question anyone answered.
fn team_appendix(w: &mut String, r: &ReportInput<'_>) {
    let Some(team) = r.team else { return };
    line!(w);
    line!(w, "## Appendix C: answers by person");
    line!(w);
    let all: Vec<&crate::team::Spread> = team
        .spreads
        .iter()
        .filter(|s| r.tree.questions[s.question].kind != Kind::Text)
        .collect();
    answers_table(w, r, team, &all, false);
}

fn context(w: &mut String, r: &ReportInput<'_>) {
    line!(w, "## Context and problem statement");
    line!(w);
    for para in r
        .tree
        .meta
        .description
        .split("\n\n")
        .filter(|p| !is_blank(p))
    {
        line!(w, "{}", escape_inline(para));
        line!(w);
    }
    let notes: Vec<_> = r
        .tree
        .questions
        .iter()
        .filter(|q| q.kind == Kind::Text && q.id != super::PROJECT_NAME_QUESTION)
        .filter_map(|q| match r.answers.values.get(q.id.as_str()) {
            Some(crate::answers::Answer::Text(t)) if !is_blank(t) => Some((q, t)),
            _ => None,
        })
        .collect();
    for (q, text) in notes {
        line!(w, "**{}**", escape_inline(&q.prompt));
        line!(w);
        for l in escape_multiline(text) {
            if l.is_empty() {
                line!(w, ">");
            } else {
                line!(w, "> {l}");
            }
        }
        line!(w);
    }
}

fn conflicts(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    if rec.conflicts.is_empty() {
        return;
    }
    line!(w, "## Conflicts between answers");
    line!(w);
    line!(
        w,
        "These answers contradict each other, so the verdict's robustness is at most low until they are settled."
    );
    line!(w);
    for &c in &rec.conflicts {
        let c = &t.conflicts[c];
        let answers: Vec<String> = c
            .when
            .questions()
            .into_iter()
            .map(|q| answered(r, q))
            .collect();
        line!(
            w,
            "- {} ({})",
            escape_inline(&c.message),
            answers.join("; ")
        );
    }
    line!(w);
}

fn robustness(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    let Some(rb) = &rec.robustness else { return };
    line!(w, "## Decision outcome");
    line!(w);
    line!(w, "{}", headline(r));
    line!(w);
    line!(w, "{}", robustness_words(r));
    line!(w);
    line!(w, "| Option | Weighted points |");
    line!(w, "| --- | ---: |");
    for (a, score) in rec.scores.iter().enumerate() {
        let mark = if rec.ruled_out.iter().any(|e| e.alternative == a) && !rec.all_ruled_out {
            " (ruled out)"
        } else {
            ""
        };
        line!(w, "| {}{mark} | {} |", alt(r, a), format_points(*score));
    }
    line!(w);
    if !rec.ruled_out.is_empty() {
        line!(w, "Ruled out by your answers, whatever the scores:");
        line!(w);
        for e in &rec.ruled_out {
            let q = &t.questions[e.question];
            line!(
                w,
                "- {}: you answered *{}* to {}. {}",
                alt(r, e.alternative),
                escape_inline(&q.options[e.option].label),
                prompt(r, e.question),
                escape_inline(&e.reason)
            );
        }
        line!(w);
    }
    line!(w, "### What would change the verdict");
    line!(w);
    let flips = match rb.single_flips {
        0 => "No single answer change flips the verdict".to_string(),
        1 => "One single answer change flips the verdict".to_string(),
        n => format!("{n} single answer changes flip the verdict"),
    };
    let pairs = match rb.pair_flips {
        Some(0) => "; no pair of changes does".to_string(),
        Some(n) => format!("; {n} pair(s) of changes do, where neither change does alone"),
        None => String::new(),
    };
    line!(w, "{flips}{pairs}.");
    line!(w);
    if rb.tipping_points.is_empty() {
        if rb.triples_searched {
            line!(
                w,
                "No change of three answers was found to flip it either (three-answer changes are searched among the most promising candidates, not exhaustively)."
            );
            line!(w);
        }
    } else {
        line!(w, "The smallest changes that flip it, smallest first:");
        line!(w);
        for (i, tp) in rb.tipping_points.iter().enumerate() {
            line!(w, "{}. {}", i + 1, tipping_words(r, tp));
        }
        line!(w);
    }
    line!(w, "### Open questions");
    line!(w);
    if rb.open_questions.is_empty() {
        line!(w, "No unanswered question can move the verdict.");
        line!(w);
    } else {
        let can = match (rb.open_questions_can_flip, rb.open_search) {
            (OpenFlip::Yes, _) => "Answering them can change the verdict.",
            (OpenFlip::No, OpenSearch::Exact) => {
                "No combination of answers to them changes the verdict (every combination was tried)."
            }
            (OpenFlip::No, _) => {
                "No combination of answers to them can change the verdict (a bound on what they can add proves it)."
            }
            (OpenFlip::Maybe, _) => {
                "They are too many to try every combination, and no bound rules out that answering them changes the verdict, so the verdict counts as insufficient until they are answered."
            }
        };
        line!(
            w,
            "{can} Ranked by how far one answer could move the margin:"
        );
        line!(w);
        line!(w, "| Question | Swing | Favours | Flips it alone |");
        line!(w, "| --- | ---: | --- | --- |");
        for o in &rb.open_questions {
            line!(
                w,
                "| {} | {} | {} | {} |",
                escape_inline(&t.questions[o.question].prompt),
                format_points(o.swing),
                o.toward
                    .map_or_else(|| "neither".to_string(), |a| alt(r, a).into_owned()),
                if o.flips_alone { "yes" } else { "no" }
            );
        }
        line!(w);
    }
}

fn drivers(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    line!(w, "## Decision drivers");
    line!(w);
    line!(
        w,
        "Weighted points per criterion, the criteria that decide most first. A criterion's weight is its default times the multipliers of the answers that change it."
    );
    line!(w);
    let mut order: Vec<usize> = (0..rec.criteria.len()).collect();
    order.sort_by(|&a, &b| {
        rec.criteria[b]
            .spread()
            .total_cmp(&rec.criteria[a].spread())
            .then(a.cmp(&b))
    });
    let mut head = String::from("| Criterion | Weight |");
    let mut rule = String::from("| --- | ---: |");
    for a in 0..t.alternatives.len() {
        let _ = write!(head, " {} |", alt(r, a));
        rule.push_str(" ---: |");
    }
    line!(w, "{head} Leans to |");
    line!(w, "{rule} --- |");
    for &ci in &order {
        let c = &rec.criteria[ci];
        let mut row = format!(
            "| {} | {} |",
            escape_inline(&t.criteria[c.criterion].title),
            format_points(c.weight)
        );
        for p in &c.points {
            let _ = write!(row, " {} |", format_points(*p));
        }
        line!(w, "{row} {} |", leaning_title(r, &c.leaning));
    }
    line!(w);
    chart(w, r, &order);
    for &ci in &order {
        let c = &rec.criteria[ci];
        if c.reasons.is_empty() && c.weight_changes.is_empty() {
            continue;
        }
        let crit = &t.criteria[c.criterion];
        line!(w, "### {}", escape_inline(&crit.title));
        line!(w);
        if !is_blank(&crit.description) {
            line!(w, "{}", escape_inline(&crit.description));
            line!(w);
        }
        let mut weight = format!("Weight {}", format_points(c.weight));
        if !c.weight_changes.is_empty() {
            let changes: Vec<String> = c
                .weight_changes
                .iter()
                .map(|ch| {
                    let why = ch
                        .reason(t)
                        .map_or_else(String::new, |x| format!(": {}", escape_inline(x)));
                    format!(
                        "×{} from *{}* to {}{why}",
                        format_points(ch.multiplier),
                        escape_inline(&ch.answer(t)),
                        prompt(r, ch.question)
                    )
                })
                .collect();
            let _ = write!(
                weight,
                " (default {}; {})",
                format_points(crit.weight),
                changes.join("; ")
            );
        }
        line!(w, "{weight}. Leans to {}.", leaning_title(r, &c.leaning));
        line!(w);
        let mut counted: Vec<&Reason> = c.reasons.iter().filter(|x| x.counted).collect();
        counted.sort_by(|a, b| {
            b.points
                .abs()
                .total_cmp(&a.points.abs())
                .then(a.question.cmp(&b.question))
        });
        for reason in counted {
            line!(
                w,
                "- **{}** for {}: you answered *{}* to {}. {}",
                format_signed(reason.points),
                alt(r, reason.alternative),
                escape_inline(&r.answer_text(reason.question, reason.option)),
                prompt(r, reason.question),
                escape_inline(&reason.text)
            );
            let also: Vec<String> = c
                .reasons
                .iter()
                .filter(|x| {
                    !x.counted
                        && x.fact.is_some()
                        && x.fact == reason.fact
                        && x.alternative == reason.alternative
                })
                .map(|x| {
                    format!(
                        "*{}* to {} ({}, not counted again)",
                        escape_inline(&r.answer_text(x.question, x.option)),
                        prompt(r, x.question),
                        format_signed(x.points)
                    )
                })
                .collect();
            if !also.is_empty() {
                line!(w, "  - Also supported by {}.", also.join("; "));
            }
        }
        line!(w);
    }
    moved_nothing(w, r);
}

/// A bar chart of the weighted points per criterion and alternative, in Mermaid (which
/// GitHub and GitLab render); the table above carries the same numbers.
fn chart(w: &mut String, r: &ReportInput<'_>, order: &[usize]) {
    let (t, rec) = (r.tree, r.recommendation);
    if t.alternatives.len() > 8 || order.is_empty() {
        return;
    }
    // Labels keep whole words up to a length, and nothing Mermaid would read as syntax.
    let label = |s: &str| -> String {
        let clean: String = s
            .chars()
            .filter(|c| {
                !c.is_control()
                    && !sanitize::is_unsafe(*c)
                    && !matches!(c, '"' | '`' | '\\' | '[' | ']' | '{' | '}')
            })
            .collect();
        let mut out = String::new();
        for word in clean.split_whitespace() {
            if out.chars().count() + word.chars().count() + 1 > CHART_LABEL {
                out.push('…');
                break;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        if out.is_empty() {
            clean.chars().take(CHART_LABEL).collect()
        } else {
            out
        }
    };
    line!(w, "```mermaid");
    line!(w, "xychart-beta");
    line!(w, "    title \"Weighted points per criterion\"");
    let names: Vec<String> = order
        .iter()
        .map(|&c| {
            format!(
                "\"{}\"",
                label(&t.criteria[rec.criteria[c].criterion].title)
            )
        })
        .collect();
    line!(w, "    x-axis [{}]", names.join(", "));
    line!(w, "    y-axis \"Weighted points\"");
    for a in 0..t.alternatives.len() {
        let values: Vec<String> = order
            .iter()
            .map(|&c| format_points(rec.criteria[c].points[a]))
            .collect();
        line!(w, "    bar [{}]", values.join(", "));
    }
    line!(w, "```");
    line!(w);
    let legend: Vec<String> = (0..t.alternatives.len())
        .map(|a| format!("bar {} is {}", a + 1, alt(r, a)))
        .collect();
    line!(w, "In the chart, {}.", legend.join(", "));
    line!(w);
}

/// Answered questions that moved no score, weight or exclusion.
fn moved_nothing(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    let moved = |q: usize| {
        rec.criteria.iter().any(|c| {
            c.reasons.iter().any(|x| x.question == q)
                || c.weight_changes.iter().any(|x| x.question == q)
        }) || rec.ruled_out.iter().any(|e| e.question == q)
    };
    let idle: Vec<String> = rec
        .asked
        .iter()
        .copied()
        .filter(|q| !rec.unanswered.contains(q))
        .filter(|&q| t.questions[q].kind != Kind::Text && !moved(q))
        .map(|q| format!("- {}", answered(r, q)))
        .collect();
    if idle.is_empty() {
        return;
    }
    line!(w, "### Answers that moved nothing");
    line!(w);
    line!(
        w,
        "These answers gave no points to either option (some still shape the stack plan or decide which questions are asked):"
    );
    line!(w);
    for l in idle {
        line!(w, "{l}");
    }
    line!(w);
}

fn leaning_title<'t>(r: &ReportInput<'t>, leaning: &Leaning) -> Cow<'t, str> {
    match leaning {
        Leaning::Alternative(a) => alt(r, *a),
        Leaning::Even => Cow::Borrowed("neither"),
    }
}

fn plan(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    let Some(plan) = &rec.plan else { return };
    let shown = crate::catalog::shown_questions(t, r.answers);
    line!(w, "## Stack plan");
    line!(w);
    line!(
        w,
        "For each stage in scope, the path with the most weighted points. A path counts the points of its option plus the answers that concern the path or the stage; paths of a ruled-out option are not recommended."
    );
    line!(w);
    for e in &plan.ruled_out {
        let q = &t.questions[e.question];
        line!(
            w,
            "Ruled out: {}, because you answered *{}* to {}. {}",
            escape_inline(&t.paths[e.path].title),
            escape_inline(&q.options[e.option].label),
            prompt(r, e.question),
            escape_inline(&e.reason)
        );
        line!(w);
    }
    let concern = r.licence_concern();
    for s in plan.stages.iter().filter(|s| s.in_scope) {
        let stage = &t.stages[s.stage];
        line!(w, "### {}", escape_inline(&stage.title));
        line!(w);
        let chosen = match s.path {
            Some(p) if s.tied.is_empty() => format!("**{}**", escape_inline(&t.paths[p].title)),
            Some(_) => {
                let names: Vec<_> = s
                    .tied
                    .iter()
                    .map(|&p| escape_inline(&t.paths[p].title))
                    .collect();
                format!(
                    "**{}**, tied: your answers do not separate them",
                    names.join("** or **")
                )
            }
            None => "no path: every option is ruled out".to_string(),
        };
        line!(w, "Path: {chosen}.");
        line!(w);
        line!(w, "| Path | Weighted points | From the verdict's answers |");
        line!(w, "| --- | ---: | ---: |");
        for (p, path) in t.paths.iter().enumerate() {
            let mark = if s.excluded[p] { " (ruled out)" } else { "" };
            line!(
                w,
                "| {}{mark} | {} | {} |",
                escape_inline(&path.title),
                format_points(s.scores[p]),
                format_points(s.from_verdict[p])
            );
        }
        line!(w);
        let mut reasons: Vec<_> = s.reasons.iter().filter(|x| x.counted).collect();
        reasons.sort_by(|a, b| {
            b.points
                .abs()
                .total_cmp(&a.points.abs())
                .then(a.question.cmp(&b.question))
        });
        if !reasons.is_empty() {
            line!(w, "What set the paths apart:");
            line!(w);
        }
        for x in reasons {
            let target = match x.target {
                PlanTarget::Path(p) => escape_inline(&t.paths[p].title).into_owned(),
                PlanTarget::Alternative(a) => format!("every path of {}", alt(r, a)),
            };
            line!(
                w,
                "- **{}** for {target}: *{}* to {}. {}",
                format_signed(x.points),
                escape_inline(&r.answer_text(x.question, x.option)),
                prompt(r, x.question),
                escape_inline(&x.text)
            );
        }
        let tools = r.examples_shown(s, &shown);
        if !tools.is_empty() {
            line!(w);
            line!(w, "Example tools:");
            line!(w);
            for tool in tools {
                let risks = r.catalog.map(|c| tool.licence_risks(c)).unwrap_or_default();
                let mut flags: Vec<String> = Vec::new();
                for risk in &risks {
                    flags.push(match risk {
                        crate::catalog::LicenceRisk::SourceAvailable => {
                            "source-available, not open source".to_string()
                        }
                        crate::catalog::LicenceRisk::SingleCompany => {
                            "one company controls it and could relicense it".to_string()
                        }
                        crate::catalog::LicenceRisk::Changed(note) => {
                            escape_inline(note).into_owned()
                        }
                    });
                }
                let flags = if flags.is_empty() {
                    String::new()
                } else {
                    format!(" † {}.", flags.join("; "))
                };
                line!(
                    w,
                    "- [{}]({}): {}, governed by {} ({}).{flags}",
                    escape_inline(&tool.name),
                    link_target(&tool.homepage),
                    code_span(&tool.licence),
                    escape_inline(&tool.steward),
                    tool.governance.name().replace('_', " ")
                );
            }
        }
        line!(w);
    }
    if let Some(c) = r.catalog {
        let order = if concern {
            "Because licence changes concern you, tools with a licence-change risk are listed last."
        } else {
            "Tools are listed in catalog order."
        };
        line!(
            w,
            "The tools are examples of each path, not endorsements, taken from a catalog checked on {}. {order} Check each licence before you adopt a tool.",
            escape_inline(&c.checked)
        );
        line!(w);
    }
}

/// A URL as a link target: angle brackets keep spaces and parentheses from ending it.
fn link_target(url: &str) -> String {
    let clean: String = url
        .chars()
        .filter(|c| !c.is_control() && !sanitize::is_unsafe(*c) && !matches!(c, '<' | '>' | ' '))
        .collect();
    format!("<{clean}>")
}

fn risks(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    line!(w, "## Risks and mitigations");
    line!(w);
    if rec.risks.is_empty() {
        line!(
            w,
            "None of the tree's risks apply to the recommended option and plan with these answers."
        );
        line!(w);
    }
    for rr in &rec.risks {
        let risk = &t.risks[rr.risk];
        line!(w, "### {}", escape_inline(&risk.title));
        line!(w);
        if !is_blank(&risk.description) {
            line!(w, "{}", escape_inline(&risk.description));
            line!(w);
        }
        for m in r.mitigations(rr) {
            line!(w, "- **Mitigation:** {}", escape_inline(m));
        }
        line!(w);
    }
}

fn unanswered(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    line!(w, "## Unanswered questions");
    line!(w);
    if rec.unanswered.is_empty() {
        line!(w, "Every question asked was answered.");
    }
    for &qi in &rec.unanswered {
        let q = &t.questions[qi];
        line!(w, "- {} ({})", escape_inline(&q.prompt), code_span(&q.id));
    }
    line!(w);
}

fn options(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    line!(w, "## Appendix A: considered options");
    line!(w);
    for (i, a) in t.alternatives.iter().enumerate() {
        let mark = match &rec.verdict {
            Verdict::Alternative(x) if *x == i => " (recommended)",
            Verdict::Tie(tied) if tied.contains(&i) => " (tied)",
            _ => "",
        };
        line!(
            w,
            "### {} ({}){mark}",
            escape_inline(&a.title),
            code_span(&a.id)
        );
        line!(w);
        if !is_blank(&a.summary) {
            line!(w, "{}", escape_inline(&a.summary));
            line!(w);
        }
        for s in &a.strengths {
            line!(w, "- **Good:** {}", escape_inline(s));
        }
        for s in &a.weaknesses {
            line!(w, "- **Bad:** {}", escape_inline(s));
        }
        if !a.strengths.is_empty() || !a.weaknesses.is_empty() {
            line!(w);
        }
    }
}

fn appendix(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    line!(w, "## Appendix B: questions and answers");
    line!(w);
    line!(w, "| # | Question | Answer |");
    line!(w, "| ---: | --- | --- |");
    for (n, &qi) in rec.asked.iter().enumerate() {
        let q = &t.questions[qi];
        let answer = r.answers.values.get(q.id.as_str()).map_or_else(
            || "*not answered*".to_string(),
            |a| escape_inline(&a.describe(q)).into_owned(),
        );
        line!(
            w,
            "| {} | {} | {} |",
            n + 1,
            escape_inline(&q.prompt),
            answer
        );
    }
    line!(w);
    line!(w, "### Answers file");
    line!(w);
    line!(
        w,
        "Save this block as `answers.toml` and run `mlops-wizard recommend --answers answers.toml` to re-run the decision."
    );
    line!(w);
    let mut answers = r.answers.clone();
    answers.stamp(t);
    let toml = answers.to_toml(t);
    let fence = "`".repeat(longest_run(&toml, '`').max(2) + 1);
    line!(w, "{fence}toml");
    w.push_str(&toml);
    line!(w, "{fence}");
}

/// Text as an inline code span when it can be one (one line, no backticks, nothing
/// [`sanitize::is_unsafe`]: a code span shows its text as it is), else escaped.
fn code_span(text: &str) -> String {
    if !text.is_empty()
        && !text.contains(['`', '\n', '\r', '\t'])
        && !text.contains(sanitize::is_unsafe)
        && text.trim() == text
    {
        format!("`{text}`")
    } else {
        escape_inline(text).into_owned()
    }
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for ch in s.chars() {
        cur = if ch == c { cur + 1 } else { 0 };
        best = best.max(cur);
    }
    best
}

/// Text as one line of inline markdown that renders as exactly that text: white space
/// (line breaks included) and control characters fold to single spaces, every character
/// markdown could read as structure is escaped, and so are the starts of what GitHub turns
/// into links, mentions or math (`https://`, `www.`, `mailto:`, `@`, `$`). Bidirectional
/// controls and invisible characters ([`sanitize::is_unsafe`]) are shown as their escape,
/// `\u{202e}`, so the text cannot read differently from what it is.
pub fn escape_inline(text: &str) -> Cow<'_, str> {
    if is_plain(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(escape_words(text))
}

/// [`escape_inline`] word by word, for text that [`is_plain`] does not pass.
fn escape_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut words = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty());
    if let Some(first) = words.next() {
        escape_line_start(first, &mut out);
        for word in words {
            out.push(' ');
            escape_chars(word, &mut out);
        }
    }
    out
}

/// Whether [`escape_inline`] leaves the text as it is, decided a byte at a time: printable
/// ASCII with nothing to escape, words one space apart, and no word that escaping would
/// change (`+`, `-` or `=` or a number ending in `.` or `)` first, `www.`, `mailto:`,
/// `xmpp:`, `:/`). Most prompts, labels and reasons are such text.
fn is_plain(text: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (text.first(), text.last()) else {
        return false;
    };
    if first == b' ' || last == b' ' || matches!(first, b'+' | b'-' | b'=') {
        return false;
    }
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && matches!(text.get(digits), Some(b'.' | b')')) {
        return false;
    }
    let before = |i: usize, word: &[u8]| {
        i >= word.len() && text[i - word.len()..i].eq_ignore_ascii_case(word)
    };
    for (i, &b) in text.iter().enumerate() {
        let plain = match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => true,
            b' ' => text[i - 1] != b' ',
            b',' | b';' | b'\'' | b'"' | b'(' | b')' | b'?' | b'%' | b'+' | b'=' | b'-' | b'/'
            | b'^' | b'{' | b'}' => true,
            b'.' => !before(i, b"www"),
            b':' => text.get(i + 1) != Some(&b'/') && !before(i, b"mailto") && !before(i, b"xmpp"),
            _ => false,
        };
        if !plain {
            return false;
        }
    }
    true
}

/// Text as lines of inline markdown, one per line of the text (blank lines kept as empty
/// strings), each escaped as [`escape_inline`] does.
pub fn escape_multiline(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| escape_inline(l).into_owned())
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Escapes a word that starts a line: also the characters that open blocks there.
fn escape_line_start(word: &str, out: &mut String) {
    let digits = word.chars().take_while(char::is_ascii_digit).count();
    if word.starts_with(['+', '-', '=']) {
        out.push('\\');
    }
    if digits > 0 && matches!(word[digits..].chars().next(), Some('.' | ')')) {
        out.push_str(&word[..digits]);
        out.push('\\');
        escape_chars(&word[digits..], out);
    } else {
        escape_chars(word, out);
    }
}

/// Escapes one word (no white space in it). Runs of letters and digits, the bulk of any
/// text, are copied whole.
fn escape_chars(word: &str, out: &mut String) {
    let ends_with = |end: usize, suffix: &str| {
        end >= suffix.len()
            && word.is_char_boundary(end - suffix.len())
            && word[end - suffix.len()..end].eq_ignore_ascii_case(suffix)
    };
    let mut plain_from = 0;
    for (i, c) in word.char_indices() {
        if c.is_ascii_alphanumeric() {
            continue;
        }
        let unsafe_char = sanitize::is_unsafe(c);
        let escape = !unsafe_char
            && match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' | '#'
                | '@' | '$' => true,
                // `scheme://` and `mailto:` start autolinks.
                ':' => {
                    word[i + 1..].starts_with('/') || ends_with(i, "mailto") || ends_with(i, "xmpp")
                }
                // So does `www.`.
                '.' => ends_with(i, "www"),
                _ => false,
            };
        if !unsafe_char && !escape {
            continue;
        }
        out.push_str(&word[plain_from..i]);
        plain_from = i + c.len_utf8();
        out.push('\\');
        if unsafe_char {
            // `\\u{202e}`: a backslash, then text.
            sanitize::push_escape(c, out);
        } else {
            out.push(c);
        }
    }
    out.push_str(&word[plain_from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs of blank lines fold into one outside fenced blocks and stay inside them; a
    /// fence closes only on a line of at least as many backticks and nothing else.
    #[test]
    fn tidy_folds_blank_lines_outside_fences() {
        let md = "# A\n\n\n\ntext\n  \n\n````\nx\n\n\n```\n`not a fence\n\n````  \n\n\nend\n\n\n";
        assert_eq!(
            tidy(md),
            "# A\n\ntext\n\n````\nx\n\n\n```\n`not a fence\n\n````  \n\nend\n"
        );
        assert_eq!(tidy("``\n\n\nx"), "``\n\nx\n");
    }

    /// [`escape_chars`] a character at a time, as it was written first: the reference the
    /// run-copying version must agree with.
    fn escape_chars_reference(word: &str, out: &mut String) {
        let ends_with = |end: usize, suffix: &str| {
            end >= suffix.len()
                && word.is_char_boundary(end - suffix.len())
                && word[end - suffix.len()..end].eq_ignore_ascii_case(suffix)
        };
        for (i, c) in word.char_indices() {
            if sanitize::is_unsafe(c) {
                out.push('\\');
                sanitize::push_escape(c, out);
                continue;
            }
            let escape = match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' | '#'
                | '@' | '$' => true,
                ':' => {
                    word[i + 1..].starts_with('/') || ends_with(i, "mailto") || ends_with(i, "xmpp")
                }
                '.' => ends_with(i, "www"),
                _ => false,
            };
            if escape {
                out.push('\\');
            }
            out.push(c);
        }
    }

    proptest::proptest! {
        /// Text that the byte scan passes is left as it is by the word-by-word escaping.
        #[test]
        fn plain_text_needs_no_escaping(
            text in "([a-zA-Z0-9 ,;'\"()?%+=/^{}.:\\-]|mailto|xmpp|www|WwW\\.|www\\.|mailto:|xMpP:|a:/|://|  |[\\t\\n_*#@]|1\\.|2\\)){0,16}"
        ) {
            if is_plain(text.as_bytes()) {
                proptest::prop_assert_eq!(escape_words(&text), text);
            }
        }

        #[test]
        fn copying_runs_changes_nothing(
            word in "([a-zA-Z0-9:./@$_*#]|mailto|xmpp|www|://|[\\u{80}-\\u{3000}]|\\u{202e}|\\u{200b}|\\u{9b}){0,24}"
        ) {
            let (mut fast, mut slow) = (String::new(), String::new());
            escape_chars(&word, &mut fast);
            escape_chars_reference(&word, &mut slow);
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn escapes_structure() {
        assert_eq!(escape_inline("# Title"), "\\# Title");
        assert_eq!(escape_inline("a|b"), "a\\|b");
        assert_eq!(
            escape_inline("<script>x</script>"),
            "\\<script\\>x\\</script\\>"
        );
        assert_eq!(escape_inline("1. item"), "1\\. item");
        assert_eq!(escape_inline("two\nlines\r\n  here"), "two lines here");
        assert_eq!(escape_inline("`code` *em*"), "\\`code\\` \\*em\\*");
        assert_eq!(escape_inline("   "), "");
        assert_eq!(escape_multiline("a\n\n- b\n\n"), vec!["a", "", "\\- b"]);
    }

    #[test]
    fn escapes_links_mentions_math_and_hidden_characters() {
        assert_eq!(
            escape_inline("see https://x.io and WWW.x.io or mailto:a@b.c"),
            "see https\\://x.io and WWW\\.x.io or mailto\\:a\\@b.c"
        );
        assert_eq!(
            escape_inline("@dana pays $5 $x^2$"),
            "\\@dana pays \\$5 \\$x^2\\$"
        );
        assert_eq!(escape_inline("time: 10:30"), "time: 10:30");
        assert_eq!(escape_inline("abc\u{202e}fed"), "abc\\\\u{202e}fed");
        assert_eq!(escape_inline("ye\u{200b}s"), "ye\\\\u{200b}s");
        assert_eq!(escape_inline("a\u{9b}b\u{1b}c"), "a b c");
        assert_eq!(code_span("1.0"), "`1.0`");
        assert_eq!(code_span("1\u{1b}[2J"), "1 \\[2J");
        assert_eq!(code_span("1\u{202e}0"), "1\\\\u{202e}0");
    }
}
