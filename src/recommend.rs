//! The recommender: from a tree and answers to a verdict, explained criterion by criterion.
//!
//! It works in steps so that each can be reused:
//! 1. [`Evaluation::new`] turns answers into a ledger of [`Contribution`]s (one per applied
//!    effect), criterion weights, exclusions, conflicts and the stages in scope.
//! 2. [`Evaluation::recommend`] scores a ledger: a pure function of its input, summing in
//!    tree order, so the same input always gives the same output. Within one criterion and
//!    alternative, effects that share a fact count once: the strongest.
//! 3. [`crate::robustness::analyse`] asks how easily the verdict flips; with it, the
//!    verdict gets its kind (free, forced, tie or insufficient) and a robustness level.
//! 4. [`crate::plan`] refines the verdict into a path for each stage of the lifecycle.

use std::collections::HashMap;

use crate::answers::{Answer, Answers};
use crate::flow::{self, Flow};
use crate::model::{Effect, Kind, Tree};
use crate::plan::Plan;
use crate::robustness::{self, Robustness};

/// Relative difference under which two scores count as equal.
pub(crate) const TIE_EPSILON: f64 = 1e-9;

/// One applied effect: an answer giving points to an alternative (or a path) on a
/// criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// Position of the question in the tree.
    pub question: usize,
    /// Position of the chosen option, or `None` for a scale answer.
    pub option: Option<usize>,
    /// Position of the effect among the option's (or the scale's) effects.
    pub effect: usize,
    /// The alternative, for an effect that counts for the verdict.
    pub alternative: Option<usize>,
    /// The path, for an effect on a path of the plan.
    pub path: Option<usize>,
    pub criterion: usize,
    /// Points before weighting (scale effects already scaled by the answer).
    pub points: f64,
    /// The fact the effect expresses, if it names one.
    pub fact: Option<usize>,
}

impl Contribution {
    /// The effect of the tree this contribution applies.
    pub fn effect<'t>(&self, tree: &'t Tree) -> &'t Effect {
        let q = &tree.questions[self.question];
        match self.option {
            Some(o) => &q.options[o].effects[self.effect],
            None => {
                &q.scale
                    .as_ref()
                    .expect("scale effects need a scale")
                    .effects[self.effect]
            }
        }
    }
}

/// Where a change of a criterion's weight comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WeightSource {
    /// A scale answer with `weight_of`.
    Scale(i64),
    /// A `weights` entry of the chosen option.
    Option { option: usize, weight: usize },
    /// The level given in a priorities question (1-based).
    Priority(i64),
}

/// An answer that changed a criterion's weight.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightChange {
    pub question: usize,
    pub source: WeightSource,
    pub multiplier: f64,
}

impl WeightChange {
    /// The answer that changed the weight, in words ("Above all", "More than 2 years").
    pub fn answer(&self, tree: &Tree) -> String {
        let q = &tree.questions[self.question];
        match self.source {
            WeightSource::Scale(v) => Answer::Scale(v).describe(q),
            WeightSource::Option { option, .. } => q.options[option].label.to_string(),
            WeightSource::Priority(level) => q
                .priorities
                .as_ref()
                .and_then(|p| p.level(level))
                .map_or_else(|| level.to_string(), |l| l.label.to_string()),
        }
    }

    /// Why the weight changed, when the tree says so (option weights carry a reason).
    pub fn reason<'t>(&self, tree: &'t Tree) -> Option<&'t str> {
        match self.source {
            WeightSource::Option { option, weight } => Some(
                tree.questions[self.question].options[option].weights[weight]
                    .reason
                    .as_str(),
            ),
            _ => None,
        }
    }
}

/// The answers of one respondent, turned into contributions, weights and the rest of what
/// scoring needs.
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
    /// Shown questions that can move a score, weight or exclusion.
    pub scored_asked: usize,
    /// Of those, how many were answered.
    pub scored_answered: usize,
    /// Risks whose `when` holds and whose `unless` does not, whatever the verdict, each
    /// with the positions of its conditional mitigations that apply.
    pub risks_holding: Vec<(usize, Vec<usize>)>,
    /// Answers that rule alternatives out.
    pub ruled_out: Vec<Exclusion>,
    /// Answers that rule paths of the plan out.
    pub paths_ruled_out: Vec<PathExclusion>,
    /// Declared conflicts whose condition holds.
    pub conflicts: Vec<usize>,
    /// Per stage of the plan, whether it is in the project's scope.
    pub in_scope: Vec<bool>,
    /// Whether the tree's licence-concern condition holds.
    pub licence_concern: bool,
}

/// An answer that rules an alternative out.
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusion {
    pub question: usize,
    pub option: usize,
    pub alternative: usize,
    pub reason: String,
}

/// An answer that rules a path of the plan out.
#[derive(Debug, Clone, PartialEq)]
pub struct PathExclusion {
    pub question: usize,
    pub option: usize,
    pub path: usize,
    pub reason: String,
}

/// The verdict: one alternative, or a tie between several.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Verdict {
    Alternative(usize),
    Tie(Vec<usize>),
}

impl Verdict {
    /// The alternative, or the first of the tied ones.
    pub fn first(&self) -> usize {
        match self {
            Verdict::Alternative(a) => *a,
            Verdict::Tie(t) => t.first().copied().unwrap_or(0),
        }
    }

    /// Whether `a` wins or shares the first place.
    pub fn includes(&self, a: usize) -> bool {
        match self {
            Verdict::Alternative(x) => *x == a,
            Verdict::Tie(t) => t.contains(&a),
        }
    }
}

/// What kind of verdict it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictKind {
    /// The best score wins.
    Free,
    /// The other alternatives are ruled out; the scores did not decide.
    Forced,
    /// The best alternatives score the same.
    Tie,
    /// Too little is known: answering the open questions could give another verdict.
    Insufficient,
}

impl VerdictKind {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            VerdictKind::Free => "free",
            VerdictKind::Forced => "forced",
            VerdictKind::Tie => "tie",
            VerdictKind::Insufficient => "insufficient",
        }
    }
}

/// How far the verdict is ahead of the best other alternative, in weighted points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margin {
    /// The verdict (the first of a tie).
    pub leader: usize,
    /// The best other alternative by score, ruled out or not.
    pub runner_up: Option<usize>,
    pub leader_points: f64,
    pub runner_up_points: f64,
    /// `leader_points - runner_up_points`: negative when the verdict is forced against
    /// the scores.
    pub difference: f64,
    /// The difference as a share of all weighted points counted (0 when none were).
    pub share: f64,
}

/// Where a criterion leans.
#[derive(Debug, Clone, PartialEq)]
pub enum Leaning {
    Alternative(usize),
    /// No points, or equal points for the best alternatives.
    Even,
}

/// One answer that moved (or, sharing a fact with a stronger one, supported) a criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub question: usize,
    pub option: Option<usize>,
    pub alternative: usize,
    /// Weighted points (counted or not).
    pub points: f64,
    pub text: String,
    pub fact: Option<usize>,
    /// False when a stronger answer expressing the same fact counted instead; the report
    /// shows it as "also supported by".
    pub counted: bool,
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
    /// Counted reasons first in tree order, each followed by nothing; uncounted ones are
    /// listed too, with `counted == false`.
    pub reasons: Vec<Reason>,
}

impl CriterionResult {
    /// The difference between the two largest point totals: how much this criterion
    /// decides.
    pub fn spread(&self) -> f64 {
        let mut p = self.points.clone();
        p.sort_by(|a, b| b.total_cmp(a));
        match p.as_slice() {
            [a, b, ..] => a - b,
            [a] => *a,
            [] => 0.0,
        }
    }
}

/// A risk that applies to the verdict (or to a path of the plan), with its mitigations.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskResult {
    pub risk: usize,
    /// Positions of the conditional mitigations that apply.
    pub mitigations: Vec<usize>,
}

/// The full recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub verdict: Verdict,
    /// What the scores alone choose, ignoring exclusions.
    pub scores_alone: Verdict,
    /// Score per alternative, in tree order.
    pub scores: Vec<f64>,
    pub margin: Margin,
    /// Share of the scored questions asked that were answered.
    pub coverage: f64,
    pub criteria: Vec<CriterionResult>,
    pub asked: Vec<usize>,
    pub unanswered: Vec<usize>,
    /// Risks that apply to the verdict (to every tied alternative on a tie) or to a path
    /// the plan recommends.
    pub risks: Vec<RiskResult>,
    /// Answers that ruled alternatives out; the verdict is among the others.
    pub ruled_out: Vec<Exclusion>,
    /// Every alternative is ruled out: the verdict then ignores the exclusions, and the
    /// answers contradict each other.
    pub all_ruled_out: bool,
    /// Declared conflicts between the answers.
    pub conflicts: Vec<usize>,
    /// The stack plan, when the tree has stages.
    pub plan: Option<Plan>,
    /// How easily the verdict flips; `None` until [`robustness::analyse`] has run.
    pub robustness: Option<Robustness>,
}

impl Recommendation {
    /// Evaluates, scores and analyses answers in one step: the verdict, its robustness and
    /// the plan.
    pub fn new(tree: &Tree, answers: &Answers) -> Recommendation {
        let mut rec = Recommendation::quick(tree, answers);
        let r = robustness::analyse(tree, answers, &rec);
        rec.robustness = Some(r);
        rec
    }

    /// Everything but the robustness analysis: fast enough for every key press.
    pub fn quick(tree: &Tree, answers: &Answers) -> Recommendation {
        Evaluation::new(tree, answers).recommend(tree)
    }

    /// The kind of verdict.
    pub fn kind(&self) -> VerdictKind {
        let remaining = self.scores.len()
            - self
                .ruled_out
                .iter()
                .map(|e| e.alternative)
                .collect::<std::collections::BTreeSet<_>>()
                .len();
        if !self.ruled_out.is_empty() && !self.all_ruled_out && remaining == 1 {
            VerdictKind::Forced
        } else if self
            .robustness
            .as_ref()
            .is_some_and(|r| r.open_questions_can_flip.possible())
        {
            VerdictKind::Insufficient
        } else if matches!(self.verdict, Verdict::Tie(_)) {
            VerdictKind::Tie
        } else {
            VerdictKind::Free
        }
    }

    /// Whether the verdict is forced against the scores: the scores alone would choose
    /// something else.
    pub fn forced_against_scores(&self) -> bool {
        self.kind() == VerdictKind::Forced && self.scores_alone != self.verdict
    }
}

impl Evaluation {
    /// Collects the contributions and weights of `answers`. Answers to hidden or unknown
    /// questions, and unknown options, are ignored.
    pub fn new(tree: &Tree, answers: &Answers) -> Evaluation {
        let by_position = flow::by_position(tree, answers);
        Evaluation::from_positions(tree, &by_position)
    }

    /// [`Evaluation::new`] over the answers by question position.
    pub(crate) fn from_positions(tree: &Tree, by_position: &[Option<&Answer>]) -> Evaluation {
        Evaluation::build(tree, by_position, true)
    }

    /// What the verdict needs (contributions, weights, exclusions) and nothing more: no
    /// risks, conflicts or stages. For searches that evaluate many answer sets.
    pub(crate) fn lean(tree: &Tree, by_position: &[Option<&Answer>]) -> Evaluation {
        Evaluation::build(tree, by_position, false)
    }

    fn build(tree: &Tree, by_position: &[Option<&Answer>], full: bool) -> Evaluation {
        let flow = Flow::from_positions(tree, by_position);
        let mut weights: Vec<f64> = tree.criteria.iter().map(|c| c.weight).collect();
        let mut weight_changes = vec![Vec::new(); tree.criteria.len()];
        let mut contributions = Vec::new();
        let mut asked = Vec::new();
        let mut unanswered = Vec::new();
        let mut ruled_out = Vec::new();
        let mut paths_ruled_out = Vec::new();
        let (mut scored_asked, mut scored_answered) = (0, 0);
        for qi in flow.visible() {
            let q = &tree.questions[qi];
            asked.push(qi);
            let answer = by_position[qi];
            if answer.is_none() {
                unanswered.push(qi);
            }
            if q.is_scored() && q.kind != Kind::Priorities {
                scored_asked += 1;
                scored_answered += usize::from(answer.is_some());
            }
            if let Some(p) = &q.priorities {
                for &c in &p.criteria {
                    let id = &tree.criteria[c].id;
                    let level = answer.and_then(|a| a.priority(id)).unwrap_or(p.default);
                    let multiplier = p.multiplier(level);
                    if multiplier != 1.0 {
                        weights[c] *= multiplier;
                        weight_changes[c].push(WeightChange {
                            question: qi,
                            source: WeightSource::Priority(level),
                            multiplier,
                        });
                    }
                }
            }
            let Some(answer) = answer else { continue };
            let mut apply = |option: Option<usize>, effects: &[Effect], factor: f64| {
                for (ei, e) in effects.iter().enumerate() {
                    let Some(c) = e.criterion_index() else {
                        continue;
                    };
                    if e.alternative_at.is_none() && e.path_at.is_none() {
                        continue;
                    }
                    contributions.push(Contribution {
                        question: qi,
                        option,
                        effect: ei,
                        alternative: e.alternative_index(),
                        path: e.path_index(),
                        criterion: c,
                        points: e.points * factor,
                        fact: e.fact_index(),
                    });
                }
            };
            match (q.kind, answer) {
                (Kind::Single | Kind::YesNo | Kind::Multiple, _) => {
                    for (oi, opt) in q.options.iter().enumerate() {
                        if !answer.chose(&opt.id) {
                            continue;
                        }
                        apply(Some(oi), &opt.effects, 1.0);
                        for (wi, w) in opt.weights.iter().enumerate() {
                            if let Some(c) = w.criterion_at {
                                weights[c] *= w.multiplier;
                                weight_changes[c].push(WeightChange {
                                    question: qi,
                                    source: WeightSource::Option {
                                        option: oi,
                                        weight: wi,
                                    },
                                    multiplier: w.multiplier,
                                });
                            }
                        }
                        for r in &opt.rules_out {
                            if let Some(a) = r
                                .alternative
                                .as_deref()
                                .and_then(|a| tree.alternative_index(a))
                            {
                                ruled_out.push(Exclusion {
                                    question: qi,
                                    option: oi,
                                    alternative: a,
                                    reason: r.reason.to_string(),
                                });
                            }
                            if let Some(p) = r.path.as_deref().and_then(|p| tree.path_index(p)) {
                                paths_ruled_out.push(PathExclusion {
                                    question: qi,
                                    option: oi,
                                    path: p,
                                    reason: r.reason.to_string(),
                                });
                            }
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
                                source: WeightSource::Scale(v),
                                multiplier,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        if !full {
            return Evaluation {
                contributions,
                weights,
                weight_changes,
                asked,
                unanswered,
                scored_asked,
                scored_answered,
                risks_holding: Vec::new(),
                ruled_out,
                paths_ruled_out,
                conflicts: Vec::new(),
                in_scope: Vec::new(),
                licence_concern: false,
            };
        }
        let shown: Vec<bool> = (0..tree.questions.len())
            .map(|i| flow.is_shown(i))
            .collect();
        let holds = |c: &crate::model::Condition| flow::holds_at(c, by_position, &shown);
        let applies = |when: &Option<crate::model::Condition>,
                       unless: &Option<crate::model::Condition>| {
            when.as_ref().is_none_or(&holds) && !unless.as_ref().is_some_and(&holds)
        };
        let risks_holding = tree
            .risks
            .iter()
            .enumerate()
            .filter(|(_, r)| applies(&r.when, &r.unless))
            .map(|(i, r)| {
                let mitigations = r
                    .mitigations
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| applies(&m.when, &m.unless))
                    .map(|(j, _)| j)
                    .collect();
                (i, mitigations)
            })
            .collect();
        let conflicts = tree
            .conflicts
            .iter()
            .enumerate()
            .filter(|(_, c)| holds(&c.when))
            .map(|(i, _)| i)
            .collect();
        let in_scope = tree
            .stages
            .iter()
            .map(|s| !s.out_of_scope_if.as_ref().is_some_and(&holds))
            .collect();
        let licence_concern = tree.licence_concern.as_ref().is_some_and(&holds);
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
            paths_ruled_out,
            conflicts,
            in_scope,
            licence_concern,
        }
    }

    /// The alternatives the verdict is chosen among, and whether every one was ruled out
    /// (then all of them are candidates).
    pub(crate) fn candidates(&self, n_alt: usize) -> (Vec<bool>, bool) {
        let mut excluded = vec![false; n_alt];
        for e in &self.ruled_out {
            excluded[e.alternative] = true;
        }
        let all = excluded.iter().all(|&x| x);
        if all {
            excluded.fill(false);
        }
        (excluded, all)
    }

    /// The verdict among the alternatives not ruled out, for these scores.
    pub(crate) fn verdict_for(&self, scores: &[f64]) -> Verdict {
        let (excluded, _) = self.candidates(scores.len());
        let candidates: Vec<f64> = scores
            .iter()
            .zip(&excluded)
            .map(|(&s, &x)| if x { f64::NEG_INFINITY } else { s })
            .collect();
        verdict_of(&candidates)
    }

    /// Scores the ledger: the verdict, the margin, the per-criterion explanation, the
    /// risks and the plan. Robustness is left to [`robustness::analyse`].
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
        // Within a fact, the strongest reason counts: (fact, alternative, criterion) ->
        // the position of the counted reason in its criterion's list.
        let mut counted_fact: HashMap<(usize, usize, usize), usize> = HashMap::new();
        for c in &self.contributions {
            let Some(a) = c.alternative else { continue };
            let result = &mut criteria[c.criterion];
            let weighted = c.points * result.weight;
            let reason = Reason {
                question: c.question,
                option: c.option,
                alternative: a,
                points: weighted,
                text: c.effect(tree).reason.to_string(),
                fact: c.fact,
                counted: true,
            };
            match c.fact {
                None => result.reasons.push(reason),
                Some(f) => {
                    let key = (f, a, c.criterion);
                    match counted_fact.get(&key).copied() {
                        None => {
                            counted_fact.insert(key, result.reasons.len());
                            result.reasons.push(reason);
                        }
                        Some(i) if weighted.abs() > result.reasons[i].points.abs() => {
                            result.reasons[i].counted = false;
                            counted_fact.insert(key, result.reasons.len());
                            result.reasons.push(reason);
                        }
                        Some(_) => result.reasons.push(Reason {
                            counted: false,
                            ..reason
                        }),
                    }
                }
            }
        }
        let mut total_abs = 0.0;
        let mut scores = vec![0.0; n_alt];
        for result in &mut criteria {
            result.reasons.retain(|r| r.points != 0.0);
            for r in result.reasons.iter().filter(|r| r.counted) {
                result.points[r.alternative] += r.points;
                total_abs += r.points.abs();
            }
            for (s, p) in scores.iter_mut().zip(&result.points) {
                *s += p;
            }
            result.leaning = match leaders(&result.points).as_slice() {
                [one] => Leaning::Alternative(*one),
                _ => Leaning::Even,
            };
        }
        let (excluded, all_ruled_out) = self.candidates(n_alt);
        let verdict = self.verdict_for(&scores);
        let scores_alone = verdict_of(&scores);
        let leader = verdict.first();
        let runner_up = (0..n_alt)
            .filter(|&a| a != leader)
            .max_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(b.cmp(&a)));
        let leader_points = scores.get(leader).copied().unwrap_or(0.0);
        let runner_up_points = runner_up.map_or(0.0, |r| scores[r]);
        let difference = leader_points - runner_up_points;
        let margin = Margin {
            leader,
            runner_up,
            leader_points,
            runner_up_points,
            difference,
            share: if total_abs > 0.0 {
                difference / total_abs
            } else {
                0.0
            },
        };
        let coverage = if self.scored_asked == 0 {
            0.0
        } else {
            self.scored_answered as f64 / self.scored_asked as f64
        };
        let plan = crate::plan::plan(tree, self, &excluded);
        let risks = self
            .risks_holding
            .iter()
            .filter(|(r, _)| {
                let to = &tree.risks[*r].applies_to;
                match tree.alternative_index(to) {
                    Some(a) => verdict.includes(a),
                    None => tree
                        .path_index(to)
                        .is_some_and(|p| plan.as_ref().is_some_and(|plan| plan.uses(p))),
                }
            })
            .map(|(r, m)| RiskResult {
                risk: *r,
                mitigations: m.clone(),
            })
            .collect();
        Recommendation {
            verdict,
            scores_alone,
            scores,
            margin,
            coverage,
            criteria,
            asked: self.asked.clone(),
            unanswered: self.unanswered.clone(),
            risks,
            ruled_out: self.ruled_out.clone(),
            all_ruled_out,
            conflicts: self.conflicts.clone(),
            plan,
            robustness: None,
        }
    }
}

/// What a search needs of one evaluation: the scores, the exclusions and the verdict.
pub(crate) struct Outcome {
    pub verdict: Verdict,
    pub scores: Vec<f64>,
    /// Per alternative: ruled out by the answers.
    pub excluded: Vec<bool>,
}

/// Scores answers by position with nothing but what the verdict needs: weights, facts
/// counted once per criterion and alternative, exclusions, without keeping the ledger.
/// The straightforward form of what [`crate::scoring::Scorer`] computes from its table,
/// which the tests compare it with.
#[cfg(test)]
pub(crate) fn outcome(tree: &Tree, answers: &[Option<&Answer>]) -> Outcome {
    let n_alt = tree.alternatives.len();
    let n_crit = tree.criteria.len();
    let mut shown: Vec<bool> = Vec::with_capacity(tree.questions.len());
    let mut weights: Vec<f64> = tree.criteria.iter().map(|c| c.weight).collect();
    let mut points = vec![0.0; n_alt * n_crit];
    let mut facts: Vec<((usize, usize, usize), f64)> = Vec::new();
    let mut excluded = vec![false; n_alt];
    let mut add = |e: &Effect, factor: f64| {
        let Some((a, c)) = e.target() else {
            return;
        };
        let p = e.points * factor;
        match e.fact_index() {
            None => points[a * n_crit + c] += p,
            Some(f) => match facts.iter_mut().find(|(k, _)| *k == (f, a, c)) {
                Some((_, best)) if p.abs() > best.abs() => *best = p,
                Some(_) => {}
                None => facts.push(((f, a, c), p)),
            },
        }
    };
    for (qi, q) in tree.questions.iter().enumerate() {
        let visible = q
            .show_if
            .as_ref()
            .is_none_or(|c| flow::holds_at(c, answers, &shown));
        shown.push(visible);
        if !visible {
            continue;
        }
        let answer = answers.get(qi).copied().flatten();
        if let Some(p) = &q.priorities {
            for &c in &p.criteria {
                let level = answer
                    .and_then(|a| a.priority(&tree.criteria[c].id))
                    .unwrap_or(p.default);
                weights[c] *= p.multiplier(level);
            }
        }
        let Some(answer) = answer else { continue };
        match answer {
            Answer::Choice(_) | Answer::Choices(_) => {
                for opt in q.options.iter().filter(|o| answer.chose(&o.id)) {
                    for e in &opt.effects {
                        add(e, 1.0);
                    }
                    for w in &opt.weights {
                        if let Some(c) = w.criterion_at {
                            weights[c] *= w.multiplier;
                        }
                    }
                    for r in &opt.rules_out {
                        if let Some(a) = r
                            .alternative
                            .as_deref()
                            .and_then(|a| tree.alternative_index(a))
                        {
                            excluded[a] = true;
                        }
                    }
                }
            }
            Answer::Scale(v) => {
                if let Some(s) = &q.scale {
                    let fraction = s.fraction((*v).clamp(s.min, s.max));
                    for e in &s.effects {
                        add(e, fraction);
                    }
                    if let Some(c) = s.weight_of.as_deref().and_then(|c| tree.criterion_index(c)) {
                        weights[c] *= 2.0 * fraction;
                    }
                }
            }
            Answer::Text(_) | Answer::Priorities(_) => {}
        }
    }
    for ((_, a, c), p) in facts {
        points[a * n_crit + c] += p;
    }
    let scores: Vec<f64> = (0..n_alt)
        .map(|a| {
            (0..n_crit)
                .map(|c| points[a * n_crit + c] * weights[c])
                .sum()
        })
        .collect();
    let all = excluded.iter().all(|&x| x);
    let candidates: Vec<f64> = scores
        .iter()
        .zip(&excluded)
        .map(|(&s, &x)| if x && !all { f64::NEG_INFINITY } else { s })
        .collect();
    Outcome {
        verdict: verdict_of(&candidates),
        scores,
        excluded,
    }
}

/// The verdict for these candidate scores (ruled-out ones are `-inf`).
pub(crate) fn verdict_of(candidates: &[f64]) -> Verdict {
    // One leader, the usual case, needs no list.
    let mut top = leading(candidates);
    match (top.next(), top.next()) {
        (Some(one), None) => Verdict::Alternative(one),
        _ => Verdict::Tie(leaders(candidates)),
    }
}

/// Whether candidate scores each known only to within `error` of the exact ones (ruled-out
/// ones are `-inf`, exactly) certainly get `verdict` from [`verdict_of`]: every set of
/// values within those bounds would, the rounding of its own comparisons allowed for.
/// `false` when the bounds leave it open or give another verdict.
pub(crate) fn surely_verdict(candidates: &[f64], error: f64, verdict: &Verdict) -> bool {
    if !error.is_finite() || candidates.iter().any(|v| v.is_nan()) {
        return false;
    }
    // The two highest finite values, and the largest magnitude.
    let (mut first, mut second) = ((usize::MAX, f64::NEG_INFINITY), f64::NEG_INFINITY);
    let mut scale = 1.0f64;
    for (a, &v) in candidates.iter().enumerate() {
        if v.is_finite() {
            if v > first.1 || first.0 == usize::MAX {
                second = first.1;
                first = (a, v);
            } else {
                second = second.max(v);
            }
            scale = scale.max(v.abs());
        }
    }
    if first.0 == usize::MAX {
        return false;
    }
    // The exact threshold `TIE_EPSILON * scale` lies in this interval (`scale` moves by
    // at most `error` and is at least 1).
    let rounding = |x: f64| 4.0 * f64::EPSILON * (x.abs() + scale);
    let threshold_low = TIE_EPSILON * (scale - error).max(1.0) - rounding(0.0);
    let threshold_high = TIE_EPSILON * (scale + error) + rounding(0.0);
    let mut leaders = 0;
    for (a, &v) in candidates.iter().enumerate() {
        if !v.is_finite() {
            continue;
        }
        // The exact `max - v` is `max(0, d)`, with `d` the exact highest other value
        // minus `v`, which is within `2 error` of this one.
        let other = if a == first.0 { second } else { first.1 };
        let d = other - v;
        let slack = 2.0 * error + rounding(other) + rounding(v);
        let (low, high) = ((d - slack).max(0.0), (d + slack).max(0.0));
        let leads = if other == f64::NEG_INFINITY || high < threshold_low {
            true
        } else if low > threshold_high {
            false
        } else {
            return false;
        };
        if leads != verdict.includes(a) {
            return false;
        }
        leaders += usize::from(leads);
    }
    match verdict {
        Verdict::Alternative(_) => leaders == 1,
        Verdict::Tie(t) => leaders == t.len() && leaders > 1,
    }
}

/// Positions of the highest values (several when they are equal within [`TIE_EPSILON`]).
/// Values that are not finite (ruled-out alternatives) never lead.
pub(crate) fn leaders(values: &[f64]) -> Vec<usize> {
    leading(values).collect()
}

/// [`leaders`], one by one.
fn leading(values: &[f64]) -> impl Iterator<Item = usize> + '_ {
    let finite = || values.iter().copied().filter(|v| v.is_finite());
    let top = finite()
        .reduce(f64::max)
        .map(|max| (max, finite().fold(1.0f64, |m, v| m.max(v.abs()))));
    values
        .iter()
        .enumerate()
        .filter(move |(_, v)| {
            top.is_some_and(|(max, scale)| v.is_finite() && max - **v <= TIE_EPSILON * scale)
        })
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::{TIE_EPSILON, Verdict, surely_verdict, verdict_of};

    #[test]
    fn a_clear_lead_is_sure_and_a_near_tie_is_not() {
        let alone = Verdict::Alternative(0);
        assert!(surely_verdict(&[3.0, 1.0], 1e-6, &alone));
        assert!(!surely_verdict(&[3.0, 1.0], 1e-6, &Verdict::Alternative(1)));
        assert!(!surely_verdict(&[3.0, 1.0], 1.5, &alone));
        // A gap at the tie threshold could fall on either side.
        let edge = [1.0, 1.0 - TIE_EPSILON];
        assert!(!surely_verdict(&edge, 1e-12, &verdict_of(&edge)));
        let tie = Verdict::Tie(vec![0, 1]);
        assert!(surely_verdict(&[2.0, 2.0], 1e-12, &tie));
        assert!(surely_verdict(
            &[f64::NEG_INFINITY, 0.5],
            0.1,
            &Verdict::Alternative(1)
        ));
        assert!(!surely_verdict(
            &[f64::NAN, 0.5],
            0.1,
            &Verdict::Alternative(1)
        ));
    }

    proptest! {
        /// When the verdict is sure, moving every finite score by up to the error (to the
        /// ends of the interval included) keeps it.
        #[test]
        fn a_sure_verdict_holds_for_every_score_within_the_error(
            scores in vec(
                prop_oneof![
                    -10.0..10.0f64,
                    Just(f64::NEG_INFINITY),
                    Just(1.0),
                    Just(1.0 - TIE_EPSILON),
                    Just(1.0 - 2.0 * TIE_EPSILON),
                ],
                1..5,
            ),
            error in prop_oneof![Just(0.0), 0.0..1e-8f64, 0.0..1.0f64],
            moves in vec(prop_oneof![Just(-1.0), Just(1.0), -1.0..=1.0f64], 5),
        ) {
            let verdict = verdict_of(&scores);
            if surely_verdict(&scores, error, &verdict) {
                let moved: Vec<f64> = scores
                    .iter()
                    .zip(&moves)
                    .map(|(v, m)| if v.is_finite() { v + m * error } else { *v })
                    .collect();
                prop_assert_eq!(verdict_of(&moved), verdict);
            }
        }
    }
}
