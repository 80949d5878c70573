//! The recommender: from a tree and answers to a verdict, explained criterion by criterion.
//!
//! It works in two steps so that later features need no rewrite:
//! 1. [`Evaluation::new`] turns answers into a ledger of [`Contribution`]s (one per applied
//!    effect) and criterion weights. Merging several people's answers means combining
//!    ledgers; "which answers would flip the verdict" means re-evaluating with one answer
//!    changed.
//! 2. [`Evaluation::recommend`] scores a ledger. It is a pure function of its input, summing
//!    in tree order, so the same input always gives the same output.

use crate::answers::{Answer, Answers};
use crate::flow::{self, Flow};
use crate::model::{Kind, Tree};

/// Relative difference under which two scores count as equal.
const TIE_EPSILON: f64 = 1e-9;

/// One applied effect: an answer giving points to an alternative on a criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// Position of the question in the tree.
    pub question: usize,
    /// Position of the chosen option, or `None` for a scale answer.
    pub option: Option<usize>,
    pub alternative: usize,
    pub criterion: usize,
    /// Points before weighting (scale effects already scaled by the answer).
    pub points: f64,
    /// The reason text of the effect.
    pub reason: String,
}

/// A scale answer that changed a criterion's weight.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightChange {
    pub question: usize,
    pub value: i64,
    pub multiplier: f64,
}

/// The answers of one respondent, turned into contributions and weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub contributions: Vec<Contribution>,
    /// Final weight per criterion, in tree order.
    pub weights: Vec<f64>,
    /// Per criterion, the answers that changed its weight.
    pub weight_changes: Vec<Vec<WeightChange>>,
    /// Shown questions, in order.
    pub asked: Vec<usize>,
    /// Shown questions without an answer, in order.
    pub unanswered: Vec<usize>,
    /// Shown questions that can move a score or weight.
    pub scored_asked: usize,
    /// Of those, how many were answered.
    pub scored_answered: usize,
    /// Risks whose `when` holds, whatever the verdict.
    pub risks_holding: Vec<usize>,
    /// Answers that rule alternatives out.
    pub ruled_out: Vec<Exclusion>,
}

/// An answer that rules an alternative out.
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusion {
    pub question: usize,
    pub option: usize,
    pub alternative: usize,
    pub reason: String,
}

/// The verdict: one alternative, or a tie between several.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Alternative(usize),
    Tie(Vec<usize>),
}

/// How sure the recommendation is, from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Confidence {
    pub value: f64,
    /// How far the winner is ahead, relative to all points given.
    pub decisiveness: f64,
    /// Share of the scored questions asked that were answered.
    pub coverage: f64,
}

/// A word for a confidence value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Low,
    Medium,
    High,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }
}

impl Confidence {
    /// High needs a value of 0.6 and four fifths of the scored questions answered; medium
    /// needs 0.3 and half of them. A decisive margin on few answers stays low.
    pub fn level(&self) -> Level {
        if self.value >= 0.6 && self.coverage >= 0.8 {
            Level::High
        } else if self.value >= 0.3 && self.coverage >= 0.5 {
            Level::Medium
        } else {
            Level::Low
        }
    }
}

/// Where a criterion leans.
#[derive(Debug, Clone, PartialEq)]
pub enum Leaning {
    Alternative(usize),
    /// No points, or equal points for the best alternatives.
    Even,
}

/// One answer that moved a criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub question: usize,
    pub option: Option<usize>,
    pub alternative: usize,
    /// Weighted points.
    pub points: f64,
    pub text: String,
}

/// The outcome on one criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionResult {
    pub criterion: usize,
    pub weight: f64,
    pub weight_changes: Vec<WeightChange>,
    /// Weighted points per alternative, in tree order.
    pub points: Vec<f64>,
    pub leaning: Leaning,
    pub reasons: Vec<Reason>,
}

/// The full recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub verdict: Verdict,
    /// Score per alternative, in tree order.
    pub scores: Vec<f64>,
    pub confidence: Confidence,
    pub criteria: Vec<CriterionResult>,
    pub asked: Vec<usize>,
    pub unanswered: Vec<usize>,
    /// Risks that apply to the verdict (to every tied alternative on a tie).
    pub risks: Vec<usize>,
    /// Answers that ruled alternatives out; the verdict is among the others.
    pub ruled_out: Vec<Exclusion>,
    /// Every alternative is ruled out: the verdict then ignores the exclusions, and the
    /// answers contradict each other.
    pub all_ruled_out: bool,
}

impl Recommendation {
    /// Evaluates and scores answers in one step.
    pub fn new(tree: &Tree, answers: &Answers) -> Recommendation {
        Evaluation::new(tree, answers).recommend(tree)
    }
}

impl Evaluation {
    /// Collects the contributions and weights of `answers`. Answers to hidden or unknown
    /// questions, and unknown options, are ignored.
    pub fn new(tree: &Tree, answers: &Answers) -> Evaluation {
        let by_position = flow::by_position(tree, answers);
        let flow = Flow::from_positions(tree, &by_position);
        let mut weights: Vec<f64> = tree.criteria.iter().map(|c| c.weight).collect();
        let mut weight_changes = vec![Vec::new(); tree.criteria.len()];
        let mut contributions = Vec::new();
        let mut asked = Vec::new();
        let mut unanswered = Vec::new();
        let mut ruled_out = Vec::new();
        let (mut scored_asked, mut scored_answered) = (0, 0);
        for qi in flow.visible() {
            let q = &tree.questions[qi];
            asked.push(qi);
            let answer = by_position[qi];
            if answer.is_none() {
                unanswered.push(qi);
            }
            if q.is_scored() {
                scored_asked += 1;
                scored_answered += usize::from(answer.is_some());
            }
            let Some(answer) = answer else { continue };
            for (oi, opt) in q.options.iter().enumerate() {
                let chosen = match answer {
                    Answer::Choice(c) => *c == opt.id,
                    Answer::Choices(cs) => cs.contains(&opt.id),
                    _ => false,
                };
                for r in opt.rules_out.iter().filter(|_| chosen) {
                    if let Some(a) = tree.alternative_index(&r.alternative) {
                        ruled_out.push(Exclusion {
                            question: qi,
                            option: oi,
                            alternative: a,
                            reason: r.reason.clone(),
                        });
                    }
                }
            }
            let mut apply =
                |option: Option<usize>, effects: &[crate::model::Effect], factor: f64| {
                    for e in effects {
                        let Some((a, c)) = e.target() else {
                            continue;
                        };
                        contributions.push(Contribution {
                            question: qi,
                            option,
                            alternative: a,
                            criterion: c,
                            points: e.points * factor,
                            reason: e.reason.clone(),
                        });
                    }
                };
            match (q.kind, answer) {
                (Kind::Single | Kind::YesNo, Answer::Choice(o)) => {
                    if let Some(oi) = q.options.iter().position(|x| &x.id == o) {
                        apply(Some(oi), &q.options[oi].effects, 1.0);
                    }
                }
                (Kind::Multiple, Answer::Choices(chosen)) => {
                    for (oi, opt) in q.options.iter().enumerate() {
                        if chosen.contains(&opt.id) {
                            apply(Some(oi), &opt.effects, 1.0);
                        }
                    }
                }
                (Kind::Scale, Answer::Scale(v)) => {
                    if let Some(s) = &q.scale {
                        let v = (*v).clamp(s.min, s.max);
                        let fraction = s.fraction(v);
                        apply(None, &s.effects, fraction);
                        if let Some(c) =
                            s.weight_of.as_deref().and_then(|c| tree.criterion_index(c))
                        {
                            let multiplier = 2.0 * fraction;
                            weights[c] *= multiplier;
                            weight_changes[c].push(WeightChange {
                                question: qi,
                                value: v,
                                multiplier,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        let shown: Vec<bool> = (0..tree.questions.len())
            .map(|i| flow.is_shown(i))
            .collect();
        let risks_holding = tree
            .risks
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.when
                    .as_ref()
                    .is_none_or(|c| flow::holds_at(tree, c, &by_position, &shown))
            })
            .map(|(i, _)| i)
            .collect();
        Evaluation {
            contributions,
            weights,
            weight_changes,
            asked,
            unanswered,
            scored_asked,
            scored_answered,
            risks_holding,
            ruled_out,
        }
    }

    /// Scores the ledger: the verdict, confidence and per-criterion explanation.
    pub fn recommend(&self, tree: &Tree) -> Recommendation {
        let n_alt = tree.alternatives.len();
        let mut criteria: Vec<CriterionResult> = tree
            .criteria
            .iter()
            .enumerate()
            .map(|(ci, _)| CriterionResult {
                criterion: ci,
                weight: self.weights[ci],
                weight_changes: self.weight_changes[ci].clone(),
                points: vec![0.0; n_alt],
                leaning: Leaning::Even,
                reasons: Vec::new(),
            })
            .collect();
        let mut total_abs = 0.0;
        for c in &self.contributions {
            let result = &mut criteria[c.criterion];
            let weighted = c.points * result.weight;
            result.points[c.alternative] += weighted;
            total_abs += weighted.abs();
            if weighted != 0.0 {
                result.reasons.push(Reason {
                    question: c.question,
                    option: c.option,
                    alternative: c.alternative,
                    points: weighted,
                    text: c.reason.clone(),
                });
            }
        }
        let mut scores = vec![0.0; n_alt];
        for result in &mut criteria {
            for (s, p) in scores.iter_mut().zip(&result.points) {
                *s += p;
            }
            result.leaning = match leaders(&result.points).as_slice() {
                [one] => Leaning::Alternative(*one),
                _ => Leaning::Even,
            };
        }
        // The verdict is among the alternatives not ruled out (all of them if every one is).
        let mut excluded = vec![false; n_alt];
        for e in &self.ruled_out {
            excluded[e.alternative] = true;
        }
        let all_ruled_out = excluded.iter().all(|&x| x);
        if all_ruled_out {
            excluded.fill(false);
        }
        let candidates: Vec<f64> = scores
            .iter()
            .zip(&excluded)
            .map(|(&s, &x)| if x { f64::NEG_INFINITY } else { s })
            .collect();
        let top = leaders(&candidates);
        let verdict = match top.as_slice() {
            [one] => Verdict::Alternative(*one),
            _ => Verdict::Tie(top.clone()),
        };
        let mut confidence = self.confidence(&candidates, total_abs, &verdict);
        if excluded.iter().filter(|&&x| !x).count() == 1 && excluded.contains(&true) {
            // The only alternative left: decided by the exclusions, not by a margin.
            confidence.decisiveness = 1.0;
            confidence.value = confidence.coverage;
        }
        let risks = self
            .risks_holding
            .iter()
            .copied()
            .filter(|&r| {
                tree.alternative_index(&tree.risks[r].applies_to)
                    .is_some_and(|a| top.contains(&a))
            })
            .collect();
        Recommendation {
            verdict,
            scores,
            confidence,
            criteria,
            asked: self.asked.clone(),
            unanswered: self.unanswered.clone(),
            risks,
            ruled_out: self.ruled_out.clone(),
            all_ruled_out,
        }
    }

    fn confidence(&self, scores: &[f64], total_abs: f64, verdict: &Verdict) -> Confidence {
        let coverage = if self.scored_asked == 0 {
            0.0
        } else {
            self.scored_answered as f64 / self.scored_asked as f64
        };
        let decisiveness = match verdict {
            Verdict::Tie(_) => 0.0,
            Verdict::Alternative(_) if total_abs > 0.0 => {
                let mut sorted: Vec<f64> =
                    scores.iter().copied().filter(|v| v.is_finite()).collect();
                sorted.sort_by(|a, b| b.total_cmp(a));
                match sorted.as_slice() {
                    [best, second, ..] => (2.0 * (best - second) / total_abs).min(1.0),
                    _ => 1.0, // the only alternative not ruled out
                }
            }
            Verdict::Alternative(_) => 0.0,
        };
        Confidence {
            value: decisiveness * coverage,
            decisiveness,
            coverage,
        }
    }
}

/// Positions of the highest values (several when they are equal within [`TIE_EPSILON`]).
/// Values that are not finite (ruled-out alternatives) never lead.
fn leaders(values: &[f64]) -> Vec<usize> {
    let finite = || values.iter().copied().filter(|v| v.is_finite());
    let Some(max) = finite().reduce(f64::max) else {
        return Vec::new();
    };
    let scale = finite().fold(1.0f64, |m, v| m.max(v.abs()));
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite() && max - **v <= TIE_EPSILON * scale)
        .map(|(i, _)| i)
        .collect()
}
