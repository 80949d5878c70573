//! The verdict in plain words, for the verdict screen and the plain mode: its kind, the
//! margin, the robustness and why, what would change it, what to answer first, and the
//! contradictions. Plain text (no markup); pure functions of the tree and the
//! recommendation.

use crate::model::Tree;
use crate::plan::PlanSummary;
use crate::recommend::{Recommendation, Verdict, VerdictKind};
use crate::report::format_points;
use crate::robustness::{AnswerChange, Level, Robustness, TippingPoint};
use crate::tui::text::{self, quoted};

/// How a sentence reads (and, for the verdict screen, how much it matters: sentences
/// are given room in the order of [`Tone::rank`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// The verdict itself.
    Verdict,
    Plain,
    Muted,
    Warn,
}

/// The summary's sentences: which ones make it onto a short screen first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Verdict,
    Scores,
    Robustness,
    Conflict,
    Tipping,
    Open,
}

/// An alternative's title.
fn alt(tree: &Tree, a: usize) -> &str {
    &tree.alternatives[a].title
}

/// A verdict in words: one title, or "A and B (tied)".
pub fn verdict_name(tree: &Tree, v: &Verdict) -> String {
    match v {
        Verdict::Alternative(a) => alt(tree, *a).to_string(),
        Verdict::Tie(tied) => {
            let names: Vec<String> = tied.iter().map(|&a| alt(tree, a).to_string()).collect();
            format!("a tie between {}", text::and_list(&names))
        }
    }
}

/// One answer change in words: `“prompt”: to instead of from`.
pub fn change_text(tree: &Tree, c: &AnswerChange) -> String {
    let (to, from) = c.labels(tree);
    let subject = match c {
        AnswerChange::Answer { question, .. } => quoted(&tree.questions[*question].prompt, 70),
        AnswerChange::Priority { criterion, .. } => {
            format!("the importance of {}", tree.criteria[*criterion].title)
        }
    };
    format!("{subject}: “{to}” instead of “{from}”")
}

/// A tipping point in words.
pub fn tipping_text(tree: &Tree, tp: &TippingPoint) -> String {
    let changes: Vec<String> = tp.changes.iter().map(|c| change_text(tree, c)).collect();
    let how = if tp.constraint {
        " (it rules the current verdict out)"
    } else {
        ""
    };
    format!(
        "{} would give {}{how}.",
        changes.join(", and "),
        verdict_name(tree, &tp.verdict)
    )
}

/// Why the robustness has its level, in a few words.
pub fn robustness_reason(r: &Robustness) -> String {
    match r.level {
        Level::Insufficient => "answering the open questions could change the verdict".to_string(),
        Level::Low if r.conflicts => "two of your answers contradict each other".to_string(),
        Level::Low => text::count(
            r.single_flips,
            "single answer change flips it",
            "single answer changes flip it",
        ),
        Level::Medium if r.forced_against_scores => {
            "it is forced by a constraint against the scores".to_string()
        }
        Level::Medium => match r.pair_flips {
            Some(n) => format!(
                "no single answer change flips it, but {} do",
                text::count(n, "pair of changes", "pairs of changes")
            ),
            None => "no single answer change flips it, but pairs of changes do".to_string(),
        },
        Level::High => {
            "no change of one or two answers flips it, and the open questions cannot".to_string()
        }
    }
}

/// The verdict screen's (and the plain mode's) summary: sentences, most important first.
pub fn summary(tree: &Tree, rec: &Recommendation) -> Vec<(String, Tone, Part)> {
    let mut out = Vec::new();
    let m = &rec.margin;
    let name = verdict_name(tree, &rec.verdict);
    if rec.all_ruled_out {
        out.push((
            "Your answers rule out every option: they contradict each other. Settle that first; meanwhile the scores alone decide.".to_string(),
            Tone::Warn,
            Part::Verdict,
        ));
    }
    match rec.kind() {
        VerdictKind::Forced => {
            let why: Vec<String> = rec
                .ruled_out
                .iter()
                .map(|e| {
                    let q = &tree.questions[e.question];
                    format!(
                        "“{}” to {}",
                        q.options[e.option].label,
                        quoted(&q.prompt, 60)
                    )
                })
                .collect();
            out.push((
                format!(
                    "{name}, forced: your answer {} rules out every other option.",
                    text::and_list(&why)
                ),
                Tone::Verdict,
                Part::Verdict,
            ));
            let scores = if rec.scores_alone == rec.verdict {
                format!(
                    "The scores agree: {} to {} weighted points.",
                    format_points(m.leader_points),
                    format_points(m.runner_up_points)
                )
            } else {
                format!(
                    "The scores alone would choose {}, {} to {} weighted points.",
                    verdict_name(tree, &rec.scores_alone),
                    format_points(m.runner_up_points),
                    format_points(m.leader_points)
                )
            };
            out.push((scores, Tone::Plain, Part::Scores));
        }
        VerdictKind::Tie => out.push((
            format!(
                "No clear winner: {name}, {} weighted points each. Answer the open questions or set priorities to separate them.",
                format_points(m.leader_points)
            ),
            Tone::Verdict,
            Part::Verdict,
        )),
        kind => {
            let lead = if kind == VerdictKind::Insufficient {
                format!(
                    "Too little is known to decide: {name} leads for now, but answering the open questions could change that."
                )
            } else {
                format!("Recommended: {name}.")
            };
            out.push((lead, Tone::Verdict, Part::Verdict));
            let other = m.runner_up.map_or_else(String::new, |r| {
                format!(" over {}", alt(tree, r))
            });
            out.push((
                format!(
                    "Margin: {} to {} weighted points{other} ({:.0}% of all the points counted); the best score wins.",
                    format_points(m.leader_points),
                    format_points(m.runner_up_points),
                    m.share * 100.0
                ),
                Tone::Plain,
                Part::Scores,
            ));
        }
    }
    match &rec.robustness {
        None => out.push((
            "Robustness: analysing… (how easily the verdict flips)".to_string(),
            Tone::Muted,
            Part::Robustness,
        )),
        Some(r) => {
            out.push((
                format!(
                    "Robustness: {}, as {}.",
                    r.level.name(),
                    robustness_reason(r)
                ),
                match r.level {
                    Level::High | Level::Medium => Tone::Plain,
                    _ => Tone::Warn,
                },
                Part::Robustness,
            ));
            let first = r
                .tipping_points
                .iter()
                .find(|t| !t.constraint)
                .or(r.tipping_points.first());
            if let Some(tp) = first {
                out.push((
                    format!("What would change it: {}", tipping_text(tree, tp)),
                    Tone::Plain,
                    Part::Tipping,
                ));
            }
            let open: Vec<String> = r
                .open_questions
                .iter()
                .take(3)
                .map(|o| quoted(&tree.questions[o.question].prompt, 60))
                .collect();
            if !open.is_empty() {
                out.push((
                    format!("Answer these first: {}.", text::and_list(&open)),
                    Tone::Plain,
                    Part::Open,
                ));
            }
        }
    }
    for &c in &rec.conflicts {
        out.push((
            format!("Contradiction: {}", tree.conflicts[c].message.trim()),
            Tone::Warn,
            Part::Conflict,
        ));
    }
    out
}

/// The stack plan in one sentence.
pub fn plan_summary(tree: &Tree, rec: &Recommendation) -> Option<String> {
    let plan = rec.plan.as_ref()?;
    Some(match plan.summary() {
        PlanSummary::Uniform(p) => format!("One path throughout: {}.", tree.paths[p].title),
        PlanSummary::Hybrid => "A hybrid: the stages take different paths.".to_string(),
        PlanSummary::Undecided => {
            "Partly undecided: for some stage, the answers do not separate two paths.".to_string()
        }
        PlanSummary::Empty => "No stage is in the project's scope.".to_string(),
    })
}
