//! Two sets of answers compared: what changed, and what that did to each criterion, each
//! stage of the plan, the verdict, its kind and its robustness.

use crate::answers::{Answer, Answers};
use crate::flow::Flow;
use crate::model::Tree;
use crate::recommend::Recommendation;

/// One question answered differently (or answered in one set only).
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerChange {
    pub question: usize,
    pub old: Option<Answer>,
    pub new: Option<Answer>,
}

/// A criterion's weighted points per alternative, before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionChange {
    pub criterion: usize,
    pub old: Vec<f64>,
    pub new: Vec<f64>,
}

/// A stage of the plan before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct StageChange {
    pub stage: usize,
    pub old_in_scope: bool,
    pub new_in_scope: bool,
    pub old_path: Option<usize>,
    pub new_path: Option<usize>,
    /// Weighted points per path.
    pub old: Vec<f64>,
    pub new: Vec<f64>,
}

/// The comparison of two answer sets against one tree.
#[derive(Debug, Clone)]
pub struct Diff {
    /// The answers that count in each set (to shown questions).
    pub old_answers: Answers,
    pub new_answers: Answers,
    pub old: Recommendation,
    pub new: Recommendation,
    /// Questions answered differently, in tree order.
    pub answers: Vec<AnswerChange>,
    /// Criteria whose points changed, in tree order.
    pub criteria: Vec<CriterionChange>,
    /// Stages whose scope, path or points changed, in tree order.
    pub stages: Vec<StageChange>,
}

impl Diff {
    /// Compares `old` with `new`.
    pub fn new(tree: &Tree, old: &Answers, new: &Answers) -> Diff {
        let old_answers = Flow::new(tree, old).effective(tree, old);
        let new_answers = Flow::new(tree, new).effective(tree, new);
        let old_rec = Recommendation::new(tree, &old_answers);
        let new_rec = Recommendation::new(tree, &new_answers);
        let answers = tree
            .questions
            .iter()
            .enumerate()
            .filter_map(|(qi, q)| {
                let (a, b) = (
                    old_answers.values.get(q.id.as_str()),
                    new_answers.values.get(q.id.as_str()),
                );
                (a != b).then(|| AnswerChange {
                    question: qi,
                    old: a.cloned(),
                    new: b.cloned(),
                })
            })
            .collect();
        let criteria = old_rec
            .criteria
            .iter()
            .zip(&new_rec.criteria)
            .filter(|(a, b)| a.points != b.points)
            .map(|(a, b)| CriterionChange {
                criterion: a.criterion,
                old: a.points.clone(),
                new: b.points.clone(),
            })
            .collect();
        let stages = match (&old_rec.plan, &new_rec.plan) {
            (Some(a), Some(b)) => a
                .stages
                .iter()
                .zip(&b.stages)
                .filter(|(x, y)| {
                    (x.in_scope || y.in_scope)
                        && (x.in_scope != y.in_scope || x.path != y.path || x.scores != y.scores)
                })
                .map(|(x, y)| StageChange {
                    stage: x.stage,
                    old_in_scope: x.in_scope,
                    new_in_scope: y.in_scope,
                    old_path: x.path,
                    new_path: y.path,
                    old: x.scores.clone(),
                    new: y.scores.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        Diff {
            old_answers,
            new_answers,
            old: old_rec,
            new: new_rec,
            answers,
            criteria,
            stages,
        }
    }

    /// Whether the verdict is another one.
    pub fn verdict_changed(&self) -> bool {
        self.old.verdict != self.new.verdict
    }

    /// Whether the kind of verdict changed.
    pub fn kind_changed(&self) -> bool {
        self.old.kind() != self.new.kind()
    }

    /// Whether the robustness level changed.
    pub fn level_changed(&self) -> bool {
        self.old.robustness.as_ref().map(|r| r.level)
            != self.new.robustness.as_ref().map(|r| r.level)
    }
}
