//! Report writers: the recommendation as a markdown decision record or as JSON.

mod diff;
mod json;
mod markdown;

pub use diff::{DiffInput, diff_to_json, diff_to_markdown};
pub use json::to_json;
pub use markdown::{escape_inline, escape_multiline, to_markdown};

use crate::answers::{Answer, Answers};
use crate::catalog::{Catalog, Tool};
use crate::model::{Kind, Tree, is_blank};
use crate::plan::StagePlan;
use crate::recommend::{Leaning, Recommendation, RiskResult, Verdict};

/// The id of the text question whose answer names the project in report titles.
pub const PROJECT_NAME_QUESTION: &str = "project_name";

/// Everything a report is written from.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    pub tree: &'a Tree,
    /// The answers that count (see [`crate::flow::Flow::effective`]).
    pub answers: &'a Answers,
    pub recommendation: &'a Recommendation,
    /// The date printed in the report, `YYYY-MM-DD`.
    pub date: &'a str,
    /// The tool catalog for the plan's examples, if one fits the tree.
    pub catalog: Option<&'a Catalog>,
    /// For a team decision: everyone's answers; `answers` and `recommendation` are then
    /// the merged ones.
    pub team: Option<&'a crate::team::Team>,
}

impl<'a> ReportInput<'a> {
    /// The project name, when the tree asks for one and it was given.
    pub fn project_name(&self) -> Option<&str> {
        let q = self.tree.question(PROJECT_NAME_QUESTION)?;
        match self.answers.values.get(q.id.as_str()) {
            Some(Answer::Text(t)) if q.kind == Kind::Text && !is_blank(t) => Some(t.trim()),
            _ => None,
        }
    }

    /// The verdict's id, or `tie`.
    pub fn verdict_id(&self) -> &str {
        match &self.recommendation.verdict {
            Verdict::Alternative(a) => &self.tree.alternatives[*a].id,
            Verdict::Tie(_) => "tie",
        }
    }

    /// The answer to a question in words; for one option of a multiple-choice answer,
    /// that option's label.
    pub fn answer_text(&self, question: usize, option: Option<usize>) -> String {
        let q = &self.tree.questions[question];
        match (option, self.answers.values.get(q.id.as_str())) {
            (Some(o), Some(Answer::Choices(_))) => q.options[o].label.to_string(),
            (_, Some(a)) => a.describe(q),
            (Some(o), None) => q.options[o].label.to_string(),
            (None, None) => String::new(),
        }
    }

    /// Whether licence changes concern the user (the tree's `[plan] licence_concern`).
    pub fn licence_concern(&self) -> bool {
        self.recommendation
            .plan
            .as_ref()
            .is_some_and(|p| p.licence_concern)
    }

    /// Example tools for a stage of the plan, on its recommended path.
    pub fn examples(&self, stage: &StagePlan) -> Vec<&'a Tool> {
        self.examples_shown(
            stage,
            &crate::catalog::shown_questions(self.tree, self.answers),
        )
    }

    /// [`ReportInput::examples`], given which questions the answers show
    /// ([`crate::catalog::shown_questions`]), for a report that lists every stage's.
    pub fn examples_shown(&self, stage: &StagePlan, shown: &[bool]) -> Vec<&'a Tool> {
        match (self.catalog, stage.path) {
            (Some(c), Some(p)) if stage.in_scope => c.examples_shown(
                self.tree,
                self.answers,
                shown,
                stage.stage,
                p,
                self.licence_concern(),
            ),
            _ => Vec::new(),
        }
    }

    /// The mitigations of a risk that apply: the unconditional one, then those whose
    /// conditions hold.
    pub fn mitigations(&self, r: &RiskResult) -> Vec<&'a str> {
        let risk = &self.tree.risks[r.risk];
        std::iter::once(risk.mitigation.as_str())
            .filter(|m| !is_blank(m))
            .chain(
                r.mitigations
                    .iter()
                    .map(|&m| risk.mitigations[m].text.as_str()),
            )
            .collect()
    }

    /// The id a criterion leans to, or `even`.
    pub fn leaning_id(&self, leaning: &Leaning) -> &str {
        match leaning {
            Leaning::Alternative(a) => &self.tree.alternatives[*a].id,
            Leaning::Even => "neither",
        }
    }
}

/// Rounds to 4 decimals, so JSON reports do not show float noise.
pub(crate) fn round(v: f64) -> f64 {
    let r = (v * 10_000.0).round() / 10_000.0;
    if r == 0.0 { 0.0 } else { r }
}

/// A number for people: no trailing zeros, at most two decimals, `-0` shown as `0`.
pub fn format_points(v: f64) -> String {
    let cents = (v * 100.0).round();
    // Hundredths as an integer: far below 2^53, so the digits are exact (the usual case,
    // without the float formatting machinery).
    if cents.abs() < 1e15 {
        let c = cents as i64;
        let (whole, hundredths) = (c.unsigned_abs() / 100, c.unsigned_abs() % 100);
        let sign = if c < 0 { "-" } else { "" };
        return match hundredths {
            0 => format!("{sign}{whole}"),
            h if h % 10 == 0 => format!("{sign}{whole}.{}", h / 10),
            h => format!("{sign}{whole}.{h:02}"),
        };
    }
    let r = cents / 100.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let s = format!("{r:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Like [`format_points`], with a sign on positive numbers.
pub fn format_signed(v: f64) -> String {
    let s = format_points(v);
    if v > 0.0 && s != "0" {
        format!("+{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The formatting without the integer shortcut.
    fn format_points_reference(v: f64) -> String {
        let r = (v * 100.0).round() / 100.0;
        let r = if r == 0.0 { 0.0 } else { r };
        let s = format!("{r:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }

    use proptest::prelude::Strategy;

    proptest::proptest! {
        #[test]
        fn points_read_as_with_float_formatting(
            v in proptest::prop_oneof![
                -1e3..1e3f64,
                -1e16..1e16f64,
                (-100_000i64..100_000).prop_map(|c| c as f64 / 100.0),
                (-100_000i64..100_000).prop_map(|c| c as f64 / 1000.0),
                proptest::num::f64::ANY,
            ]
        ) {
            proptest::prop_assert_eq!(format_points(v), format_points_reference(v));
        }
    }

    #[test]
    fn points_read_well() {
        assert_eq!(format_points(2.0), "2");
        assert_eq!(format_points(1.5), "1.5");
        assert_eq!(format_points(1.23456), "1.23");
        assert_eq!(format_points(-0.0001), "0");
        assert_eq!(format_signed(3.0), "+3");
        assert_eq!(format_signed(-1.25), "-1.25");
        assert_eq!(format_signed(0.0), "0");
    }
}
