//! The comparison of two answer sets, as markdown and as JSON: what changed, each
//! criterion's and stage's points before and after, and whether the verdict, its kind or
//! its robustness changed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::markdown::escape_inline;
use super::{format_points, round};
use crate::diff::Diff;
use crate::model::Tree;
use crate::recommend::{Recommendation, Verdict};

/// What a diff report is written from.
#[derive(Debug, Clone, Copy)]
pub struct DiffInput<'a> {
    pub tree: &'a Tree,
    pub diff: &'a Diff,
    /// How the two sets are named (usually their file names).
    pub old_name: &'a str,
    pub new_name: &'a str,
}

macro_rules! line {
    ($w:expr) => { $w.push('\n') };
    ($w:expr, $($arg:tt)*) => { { let _ = writeln!($w, $($arg)*); } };
}

fn verdict_title(tree: &Tree, v: &Verdict) -> String {
    match v {
        Verdict::Alternative(a) => escape_inline(&tree.alternatives[*a].title).into_owned(),
        Verdict::Tie(tied) => {
            let names: Vec<_> = tied
                .iter()
                .map(|&a| escape_inline(&tree.alternatives[a].title))
                .collect();
            format!("a tie between {}", names.join(" and "))
        }
    }
}

fn level(rec: &Recommendation) -> &'static str {
    rec.robustness.as_ref().map_or("", |r| r.level.name())
}

/// One line "before → after", marked when it changed.
fn before_after(before: &str, after: &str) -> String {
    if before == after {
        format!("{before} (unchanged)")
    } else {
        format!("{before} → **{after}**")
    }
}

/// Writes the diff as markdown.
pub fn diff_to_markdown(input: &DiffInput<'_>) -> String {
    let (t, d) = (input.tree, input.diff);
    let mut w = String::with_capacity(4096);
    let w = &mut w;
    line!(
        w,
        "# Changes to the decision: {}",
        escape_inline(&t.meta.title)
    );
    line!(w);
    line!(
        w,
        "From {} to {}.",
        escape_inline(input.old_name),
        escape_inline(input.new_name)
    );
    line!(w);
    line!(w, "## Summary");
    line!(w);
    line!(
        w,
        "- **Verdict:** {}",
        before_after(
            &verdict_title(t, &d.old.verdict),
            &verdict_title(t, &d.new.verdict)
        )
    );
    line!(
        w,
        "- **Kind:** {}",
        before_after(d.old.kind().name(), d.new.kind().name())
    );
    line!(
        w,
        "- **Robustness:** {}",
        before_after(level(&d.old), level(&d.new))
    );
    let scores = |rec: &Recommendation| {
        rec.scores
            .iter()
            .map(|s| format_points(*s))
            .collect::<Vec<_>>()
            .join(" to ")
    };
    line!(
        w,
        "- **Weighted points** ({}): {}",
        t.alternatives
            .iter()
            .map(|a| escape_inline(&a.title))
            .collect::<Vec<_>>()
            .join(" to "),
        before_after(&scores(&d.old), &scores(&d.new))
    );
    line!(w, "- **Answers changed:** {}", d.answers.len());
    line!(w);
    line!(w, "## Answers that changed");
    line!(w);
    if d.answers.is_empty() {
        line!(w, "No answer changed.");
    } else {
        line!(w, "| Question | Before | After |");
        line!(w, "| --- | --- | --- |");
        for c in &d.answers {
            let q = &t.questions[c.question];
            let show = |a: &Option<crate::answers::Answer>| {
                a.as_ref().map_or_else(
                    || "*not answered*".to_string(),
                    |a| escape_inline(&a.describe(q)).into_owned(),
                )
            };
            line!(
                w,
                "| {} | {} | {} |",
                escape_inline(&q.prompt),
                show(&c.old),
                show(&c.new)
            );
        }
    }
    line!(w);
    line!(w, "## Criteria");
    line!(w);
    if d.criteria.is_empty() {
        line!(w, "No criterion's points changed.");
    } else {
        let mut head = String::from("| Criterion |");
        let mut rule = String::from("| --- |");
        for a in &t.alternatives {
            let _ = write!(head, " {} |", escape_inline(&a.title));
            rule.push_str(" ---: |");
        }
        line!(w, "{head}");
        line!(w, "{rule}");
        for c in &d.criteria {
            let mut row = format!("| {} |", escape_inline(&t.criteria[c.criterion].title));
            for (a, b) in c.old.iter().zip(&c.new) {
                let _ = write!(row, " {} → {} |", format_points(*a), format_points(*b));
            }
            line!(w, "{row}");
        }
    }
    line!(w);
    if !t.stages.is_empty() {
        line!(w, "## Stack plan");
        line!(w);
        if d.stages.is_empty() {
            line!(w, "No stage of the plan changed.");
        } else {
            line!(w, "| Stage | Before | After |");
            line!(w, "| --- | --- | --- |");
            for s in &d.stages {
                let path = |in_scope: bool, p: Option<usize>| match (in_scope, p) {
                    (false, _) => "out of scope".to_string(),
                    (true, Some(p)) => escape_inline(&t.paths[p].title).into_owned(),
                    (true, None) => "none possible".to_string(),
                };
                line!(
                    w,
                    "| {} | {} | {} |",
                    escape_inline(&t.stages[s.stage].title),
                    path(s.old_in_scope, s.old_path),
                    path(s.new_in_scope, s.new_path)
                );
            }
        }
        line!(w);
    }
    super::markdown::tidy(w)
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    old: &'a str,
    new: &'a str,
    verdict: JsonChanged<String>,
    verdict_kind: JsonChanged<&'static str>,
    robustness: JsonChanged<&'static str>,
    scores: JsonChanged<BTreeMap<&'a str, f64>>,
    answers: Vec<JsonAnswerChange<'a>>,
    criteria: Vec<JsonCriterionChange<'a>>,
    stages: Vec<JsonStageChange<'a>>,
}

#[derive(Serialize)]
struct JsonChanged<T> {
    old: T,
    new: T,
    changed: bool,
}

impl<T: PartialEq> JsonChanged<T> {
    fn new(old: T, new: T) -> Self {
        JsonChanged {
            changed: old != new,
            old,
            new,
        }
    }
}

#[derive(Serialize)]
struct JsonAnswerChange<'a> {
    question: &'a str,
    old: Option<toml::Value>,
    new: Option<toml::Value>,
}

#[derive(Serialize)]
struct JsonCriterionChange<'a> {
    criterion: &'a str,
    old: BTreeMap<&'a str, f64>,
    new: BTreeMap<&'a str, f64>,
}

#[derive(Serialize)]
struct JsonStageChange<'a> {
    stage: &'a str,
    old_in_scope: bool,
    new_in_scope: bool,
    old_path: Option<&'a str>,
    new_path: Option<&'a str>,
    old: BTreeMap<&'a str, f64>,
    new: BTreeMap<&'a str, f64>,
}

/// Writes the diff as JSON, pretty-printed, ending in a newline.
pub fn diff_to_json(input: &DiffInput<'_>) -> String {
    let (t, d) = (input.tree, input.diff);
    let by_alt = |v: &[f64]| -> BTreeMap<&str, f64> {
        t.alternatives
            .iter()
            .zip(v)
            .map(|(a, x)| (a.id.as_str(), round(*x)))
            .collect()
    };
    let by_path = |v: &[f64]| -> BTreeMap<&str, f64> {
        t.paths
            .iter()
            .zip(v)
            .map(|(p, x)| (p.id.as_str(), round(*x)))
            .collect()
    };
    let verdict_id = |v: &Verdict| match v {
        Verdict::Alternative(a) => t.alternatives[*a].id.to_string(),
        Verdict::Tie(_) => "tie".to_string(),
    };
    let report = JsonDiff {
        old: input.old_name,
        new: input.new_name,
        verdict: JsonChanged::new(verdict_id(&d.old.verdict), verdict_id(&d.new.verdict)),
        verdict_kind: JsonChanged::new(d.old.kind().name(), d.new.kind().name()),
        robustness: JsonChanged::new(level(&d.old), level(&d.new)),
        scores: JsonChanged::new(by_alt(&d.old.scores), by_alt(&d.new.scores)),
        answers: d
            .answers
            .iter()
            .map(|c| JsonAnswerChange {
                question: &t.questions[c.question].id,
                old: c.old.as_ref().map(|a| a.to_toml()),
                new: c.new.as_ref().map(|a| a.to_toml()),
            })
            .collect(),
        criteria: d
            .criteria
            .iter()
            .map(|c| JsonCriterionChange {
                criterion: &t.criteria[c.criterion].id,
                old: by_alt(&c.old),
                new: by_alt(&c.new),
            })
            .collect(),
        stages: d
            .stages
            .iter()
            .map(|s| JsonStageChange {
                stage: &t.stages[s.stage].id,
                old_in_scope: s.old_in_scope,
                new_in_scope: s.new_in_scope,
                old_path: s.old_path.map(|p| t.paths[p].id.as_str()),
                new_path: s.new_path.map(|p| t.paths[p].id.as_str()),
                old: by_path(&s.old),
                new: by_path(&s.new),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
    s.push('\n');
    s
}
