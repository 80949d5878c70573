//! The stack plan: a path (for example open source run by the team, managed open source,
//! or a proprietary service) for each stage of the lifecycle in the project's scope.
//!
//! A path belongs to an alternative. Its score on a stage is computed like a verdict's: the
//! weighted points of every effect on its alternative or on the path itself, where the
//! effect concerns that stage (effects without `stages` concern every stage), counting each
//! fact once per criterion. Paths of a ruled-out alternative are not recommended.

use std::collections::HashMap;

use crate::model::Tree;
use crate::recommend::{Evaluation, PathExclusion, leaders};

/// The plan: one entry per stage of the tree, in tree order.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub stages: Vec<StagePlan>,
    /// Answers that ruled paths out (besides those of ruled-out alternatives).
    pub ruled_out: Vec<PathExclusion>,
    /// Whether the tree's `[plan] licence_concern` condition holds for these answers.
    pub licence_concern: bool,
}

/// What the plan says of one stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StagePlan {
    pub stage: usize,
    pub in_scope: bool,
    /// Weighted score per path, in tree order.
    pub scores: Vec<f64>,
    /// Per path: its alternative is ruled out.
    pub excluded: Vec<bool>,
    /// The recommended path (the first of tied ones); `None` out of scope.
    pub path: Option<usize>,
    /// Every path sharing the first place, when more than one does.
    pub tied: Vec<usize>,
    /// The best path that was not recommended.
    pub runner_up: Option<usize>,
    /// Per path, the weighted points of the answers that count for the verdict alone
    /// (effects on the alternative that name no stage).
    pub from_verdict: Vec<f64>,
    /// The answers that set the paths of this stage apart: effects on paths and effects
    /// that name this stage, with weighted points, in tree order.
    pub reasons: Vec<PlanReason>,
}

/// One answer that moved a stage.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanReason {
    pub question: usize,
    pub option: Option<usize>,
    /// The path the points go to; for an effect on an alternative, every path of it.
    pub target: PlanTarget,
    pub criterion: usize,
    /// Weighted points.
    pub points: f64,
    pub text: String,
    /// False when a stronger answer with the same fact counted instead.
    pub counted: bool,
}

/// Where a plan reason's points go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanTarget {
    Alternative(usize),
    Path(usize),
}

/// How the plan reads as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanSummary {
    /// Every stage in scope takes this path.
    Uniform(usize),
    /// The stages take different paths.
    Hybrid,
    /// Some stage in scope has tied paths.
    Undecided,
    /// No stage is in scope.
    Empty,
}

impl Plan {
    /// Whether the plan recommends path `p` for some stage in scope.
    pub fn uses(&self, p: usize) -> bool {
        self.stages
            .iter()
            .any(|s| s.in_scope && (s.path == Some(p) || s.tied.contains(&p)))
    }

    /// The plan in one word: one path throughout, a hybrid, or nothing in scope.
    pub fn summary(&self) -> PlanSummary {
        let chosen: Vec<&StagePlan> = self.stages.iter().filter(|s| s.in_scope).collect();
        let Some(first) = chosen.first() else {
            return PlanSummary::Empty;
        };
        if chosen
            .iter()
            .any(|s| !s.tied.is_empty() || s.path.is_none())
        {
            PlanSummary::Undecided
        } else if chosen.iter().all(|s| s.path == first.path) {
            PlanSummary::Uniform(first.path.unwrap_or(0))
        } else {
            PlanSummary::Hybrid
        }
    }
}

/// The plan for an evaluation, or `None` when the tree has no stages. `excluded` says,
/// per alternative, whether it is ruled out (see `Evaluation::candidates`).
pub fn plan(tree: &Tree, eval: &Evaluation, excluded: &[bool]) -> Option<Plan> {
    if tree.stages.is_empty() {
        return None;
    }
    let n_paths = tree.paths.len();
    let path_excluded: Vec<bool> = tree
        .paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            excluded
                .get(p.alternative_index())
                .copied()
                .unwrap_or(false)
                || eval.paths_ruled_out.iter().any(|x| x.path == i)
        })
        .collect();
    let stages = tree
        .stages
        .iter()
        .enumerate()
        .map(|(si, _)| {
            let in_scope = eval.in_scope.get(si).copied().unwrap_or(true);
            // (fact, path, criterion) -> position of the counted reason.
            let mut counted: HashMap<(usize, usize, usize), usize> = HashMap::new();
            // Per path: (reason, counted) pairs of every applicable contribution.
            let mut per_path: Vec<Vec<(PlanReason, bool)>> = vec![Vec::new(); n_paths];
            for c in &eval.contributions {
                let e = c.effect(tree);
                if !e.concerns_stage(si) {
                    continue;
                }
                let weighted = c.points * eval.weights[c.criterion];
                if weighted == 0.0 {
                    continue;
                }
                let (target, paths): (PlanTarget, Vec<usize>) = match (c.alternative, c.path) {
                    (Some(a), _) => (
                        PlanTarget::Alternative(a),
                        (0..n_paths)
                            .filter(|&p| tree.paths[p].alternative_index() == a)
                            .collect(),
                    ),
                    (None, Some(p)) => (PlanTarget::Path(p), vec![p]),
                    (None, None) => continue,
                };
                let from_verdict = c.alternative.is_some() && e.stages_at.is_empty();
                for p in paths {
                    let reason = PlanReason {
                        question: c.question,
                        option: c.option,
                        target,
                        criterion: c.criterion,
                        points: weighted,
                        text: e.reason.to_string(),
                        counted: true,
                    };
                    let list = &mut per_path[p];
                    match c.fact {
                        None => list.push((reason, from_verdict)),
                        Some(f) => {
                            let key = (f, p, c.criterion);
                            match counted.get(&key).copied() {
                                None => {
                                    counted.insert(key, list.len());
                                    list.push((reason, from_verdict));
                                }
                                Some(i) if weighted.abs() > list[i].0.points.abs() => {
                                    list[i].0.counted = false;
                                    counted.insert(key, list.len());
                                    list.push((reason, from_verdict));
                                }
                                Some(_) => list.push((
                                    PlanReason {
                                        counted: false,
                                        ..reason
                                    },
                                    from_verdict,
                                )),
                            }
                        }
                    }
                }
            }
            let mut scores = vec![0.0; n_paths];
            let mut from_verdict = vec![0.0; n_paths];
            let mut reasons: Vec<PlanReason> = Vec::new();
            for (p, list) in per_path.into_iter().enumerate() {
                for (r, inherited) in list {
                    if r.counted {
                        scores[p] += r.points;
                        if inherited {
                            from_verdict[p] += r.points;
                        }
                    }
                    // Effects on an alternative are listed once, not once per path.
                    if !inherited && !reasons.contains(&r) {
                        reasons.push(r);
                    }
                }
            }
            reasons.sort_by_key(|r| (r.question, r.option));
            let candidates: Vec<f64> = scores
                .iter()
                .zip(&path_excluded)
                .map(|(&s, &x)| if x { f64::NEG_INFINITY } else { s })
                .collect();
            let top = if in_scope {
                leaders(&candidates)
            } else {
                Vec::new()
            };
            let path = top.first().copied();
            let runner_up = path.and_then(|best| {
                (0..n_paths)
                    .filter(|&p| !top.contains(&p) && !path_excluded[p])
                    .max_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(b.cmp(&a)))
                    .filter(|_| best < n_paths)
            });
            StagePlan {
                stage: si,
                in_scope,
                scores,
                excluded: path_excluded.clone(),
                path,
                tied: if top.len() > 1 { top } else { Vec::new() },
                runner_up,
                from_verdict,
                reasons,
            }
        })
        .collect();
    Some(Plan {
        stages,
        ruled_out: eval.paths_ruled_out.clone(),
        licence_concern: eval.licence_concern,
    })
}
