//! The JSON report: the same content as the markdown report, for programs. Every field is
//! documented in docs/report-json.md.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{ReportInput, round};
use crate::catalog::LicenceRisk;
use crate::model::Text;
use crate::plan::{PlanSummary, PlanTarget};
use crate::recommend::Verdict;
use crate::robustness::AnswerChange;

#[derive(Serialize)]
struct JsonReport<'a> {
    tree: JsonTree<'a>,
    date: &'a str,
    project: Option<&'a str>,
    respondent: Option<&'a str>,
    verdict: &'a str,
    verdict_kind: &'static str,
    /// Alternative ids tied for first place (one id when there is a winner).
    leaders: Vec<&'a str>,
    /// What the scores alone choose, ignoring exclusions (`tie` on a tie).
    scores_alone: String,
    scores: BTreeMap<&'a str, f64>,
    robustness: Option<JsonRobustness<'a>>,
    tipping_points: Vec<JsonTippingPoint<'a>>,
    open_questions: Vec<JsonOpenQuestion<'a>>,
    conflicts: Vec<JsonConflict<'a>>,
    criteria: Vec<JsonCriterion<'a>>,
    plan: Option<JsonPlan<'a>>,
    stages: Vec<JsonStage<'a>>,
    alternatives: Vec<JsonAlternative<'a>>,
    risks: Vec<JsonRisk<'a>>,
    ruled_out: Vec<JsonRuledOut<'a>>,
    /// Every alternative is ruled out; the verdict ignores the exclusions.
    all_ruled_out: bool,
    unanswered: Vec<&'a str>,
    asked: Vec<&'a str>,
    answers: toml::Table,
    /// For a team decision: everyone's verdicts and answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    team: Option<JsonTeam<'a>>,
}

#[derive(Serialize)]
struct JsonTeam<'a> {
    respondents: Vec<JsonRespondent<'a>>,
    questions: Vec<JsonSpread<'a>>,
    decisive: Vec<JsonDecisive<'a>>,
}

#[derive(Serialize)]
struct JsonRespondent<'a> {
    name: &'a str,
    verdict: String,
    verdict_kind: &'static str,
    robustness: Option<&'static str>,
    scores: BTreeMap<&'a str, f64>,
}

#[derive(Serialize)]
struct JsonSpread<'a> {
    question: &'a str,
    /// Respondent name to answer; people who did not answer are left out.
    answers: BTreeMap<&'a str, toml::Value>,
    merged: Option<toml::Value>,
    agreement: &'static str,
}

#[derive(Serialize)]
struct JsonDecisive<'a> {
    question: &'a str,
    answer: toml::Value,
    by: Vec<&'a str>,
    verdict: String,
}

#[derive(Serialize)]
struct JsonTree<'a> {
    id: &'a str,
    title: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonMargin<'a> {
    leader: &'a str,
    runner_up: Option<&'a str>,
    leader_points: f64,
    runner_up_points: f64,
    difference: f64,
    share: f64,
}

#[derive(Serialize)]
struct JsonRobustness<'a> {
    level: &'static str,
    margin: JsonMargin<'a>,
    single_flips: usize,
    constraint_flips: usize,
    pair_flips: Option<usize>,
    triples_searched: bool,
    open_questions_can_flip: &'static str,
    open_questions_search: &'static str,
    coverage: f64,
    conflicts: bool,
    forced_against_scores: bool,
}

#[derive(Serialize)]
struct JsonTippingPoint<'a> {
    changes: Vec<JsonChange<'a>>,
    verdict: String,
    /// The changes rule the current verdict out rather than change the weighing.
    constraint: bool,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    question: &'a str,
    /// For a priorities question: the criterion whose level changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    criterion: Option<&'a str>,
    from: toml::Value,
    to: toml::Value,
}

#[derive(Serialize)]
struct JsonOpenQuestion<'a> {
    question: &'a str,
    swing: f64,
    toward: Option<&'a str>,
    flips_alone: bool,
}

#[derive(Serialize)]
struct JsonConflict<'a> {
    id: &'a str,
    message: &'a str,
    questions: Vec<&'a str>,
}

#[derive(Serialize)]
struct JsonCriterion<'a> {
    id: &'a str,
    title: &'a str,
    weight: f64,
    weight_changes: Vec<JsonWeightChange<'a>>,
    leaning: &'a str,
    scores: BTreeMap<&'a str, f64>,
    reasons: Vec<JsonReason<'a>>,
}

#[derive(Serialize)]
struct JsonWeightChange<'a> {
    question: &'a str,
    answer: String,
    multiplier: f64,
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonReason<'a> {
    question: &'a str,
    option: Option<&'a str>,
    answer: String,
    alternative: &'a str,
    points: f64,
    reason: &'a str,
    fact: Option<&'a str>,
    /// False when a stronger answer expressing the same fact counted instead.
    counted: bool,
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    /// A path id when every stage in scope takes it, `hybrid`, `undecided` or `empty`.
    summary: &'a str,
    licence_concern: bool,
    catalog_checked: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonStage<'a> {
    id: &'a str,
    title: &'a str,
    in_scope: bool,
    path: Option<&'a str>,
    tied: Vec<&'a str>,
    scores: BTreeMap<&'a str, f64>,
    excluded: Vec<&'a str>,
    from_verdict: BTreeMap<&'a str, f64>,
    reasons: Vec<JsonStageReason<'a>>,
    tools: Vec<JsonTool<'a>>,
}

#[derive(Serialize)]
struct JsonStageReason<'a> {
    question: &'a str,
    option: Option<&'a str>,
    /// A path id, or an alternative id (then every path of it).
    target: &'a str,
    criterion: &'a str,
    points: f64,
    reason: &'a str,
    counted: bool,
}

#[derive(Serialize)]
struct JsonTool<'a> {
    id: &'a str,
    name: &'a str,
    licence: &'a str,
    governance: &'static str,
    steward: &'a str,
    licence_change: Option<&'a str>,
    licence_risks: Vec<&'static str>,
    homepage: &'a str,
    checked: &'a str,
}

#[derive(Serialize)]
struct JsonAlternative<'a> {
    id: &'a str,
    title: &'a str,
    summary: &'a str,
    strengths: &'a [Text],
    weaknesses: &'a [Text],
}

#[derive(Serialize)]
struct JsonRuledOut<'a> {
    alternative: &'a str,
    question: &'a str,
    option: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonRisk<'a> {
    id: &'a str,
    applies_to: &'a str,
    title: &'a str,
    description: &'a str,
    mitigations: Vec<&'a str>,
}

/// Writes the JSON report, pretty-printed, ending in a newline.
pub fn to_json(input: &ReportInput<'_>) -> String {
    let (t, rec) = (input.tree, input.recommendation);
    // Which questions the answers show, for every stage's example tools.
    let shown = crate::catalog::shown_questions(t, input.answers);
    let alt_id = |a: usize| t.alternatives[a].id.as_str();
    let path_id = |p: usize| t.paths[p].id.as_str();
    let by_alt = |values: &[f64]| -> BTreeMap<&str, f64> {
        values
            .iter()
            .enumerate()
            .map(|(a, v)| (alt_id(a), round(*v)))
            .collect()
    };
    let by_path = |values: &[f64]| -> BTreeMap<&str, f64> {
        values
            .iter()
            .enumerate()
            .map(|(p, v)| (path_id(p), round(*v)))
            .collect()
    };
    let verdict_id = |v: &Verdict| match v {
        Verdict::Alternative(a) => alt_id(*a).to_string(),
        Verdict::Tie(_) => "tie".to_string(),
    };
    let robustness = rec.robustness.as_ref();
    let report = JsonReport {
        tree: JsonTree {
            id: &t.meta.id,
            title: &t.meta.title,
            version: &t.meta.version,
        },
        date: input.date,
        project: input.project_name(),
        respondent: input.answers.meta.respondent.as_deref(),
        verdict: input.verdict_id(),
        verdict_kind: rec.kind().name(),
        leaders: match &rec.verdict {
            Verdict::Alternative(a) => vec![alt_id(*a)],
            Verdict::Tie(tied) => tied.iter().map(|&a| alt_id(a)).collect(),
        },
        scores_alone: verdict_id(&rec.scores_alone),
        scores: by_alt(&rec.scores),
        robustness: robustness.map(|r| JsonRobustness {
            level: r.level.name(),
            margin: JsonMargin {
                leader: alt_id(rec.margin.leader),
                runner_up: rec.margin.runner_up.map(alt_id),
                leader_points: round(rec.margin.leader_points),
                runner_up_points: round(rec.margin.runner_up_points),
                difference: round(rec.margin.difference),
                share: round(rec.margin.share),
            },
            single_flips: r.single_flips,
            constraint_flips: r.constraint_flips,
            pair_flips: r.pair_flips,
            triples_searched: r.triples_searched,
            open_questions_can_flip: r.open_questions_can_flip.name(),
            open_questions_search: r.open_search.name(),
            coverage: round(rec.coverage),
            conflicts: r.conflicts,
            forced_against_scores: r.forced_against_scores,
        }),
        tipping_points: robustness
            .map(|r| {
                r.tipping_points
                    .iter()
                    .map(|tp| JsonTippingPoint {
                        changes: tp
                            .changes
                            .iter()
                            .map(|c| match c {
                                AnswerChange::Answer { question, from, to } => JsonChange {
                                    question: &t.questions[*question].id,
                                    criterion: None,
                                    from: from.to_toml(),
                                    to: to.to_toml(),
                                },
                                AnswerChange::Priority {
                                    question,
                                    criterion,
                                    from,
                                    to,
                                } => JsonChange {
                                    question: &t.questions[*question].id,
                                    criterion: Some(&t.criteria[*criterion].id),
                                    from: toml::Value::Integer(*from),
                                    to: toml::Value::Integer(*to),
                                },
                            })
                            .collect(),
                        verdict: verdict_id(&tp.verdict),
                        constraint: tp.constraint,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        open_questions: robustness
            .map(|r| {
                r.open_questions
                    .iter()
                    .map(|o| JsonOpenQuestion {
                        question: &t.questions[o.question].id,
                        swing: round(o.swing),
                        toward: o.toward.map(alt_id),
                        flips_alone: o.flips_alone,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        conflicts: rec
            .conflicts
            .iter()
            .map(|&c| {
                let c = &t.conflicts[c];
                JsonConflict {
                    id: &c.id,
                    message: &c.message,
                    questions: c
                        .when
                        .questions()
                        .into_iter()
                        .map(|q| t.questions[q].id.as_str())
                        .collect(),
                }
            })
            .collect(),
        criteria: rec
            .criteria
            .iter()
            .map(|c| JsonCriterion {
                id: &t.criteria[c.criterion].id,
                title: &t.criteria[c.criterion].title,
                weight: round(c.weight),
                weight_changes: c
                    .weight_changes
                    .iter()
                    .map(|w| JsonWeightChange {
                        question: &t.questions[w.question].id,
                        answer: w.answer(t),
                        multiplier: round(w.multiplier),
                        reason: w.reason(t),
                    })
                    .collect(),
                leaning: input.leaning_id(&c.leaning),
                scores: by_alt(&c.points),
                reasons: c
                    .reasons
                    .iter()
                    .map(|r| {
                        let q = &t.questions[r.question];
                        JsonReason {
                            question: &q.id,
                            option: r.option.map(|o| q.options[o].id.as_str()),
                            answer: input.answer_text(r.question, r.option),
                            alternative: alt_id(r.alternative),
                            points: round(r.points),
                            reason: &r.text,
                            fact: r.fact.map(|f| t.facts[f].as_str()),
                            counted: r.counted,
                        }
                    })
                    .collect(),
            })
            .collect(),
        plan: rec.plan.as_ref().map(|p| JsonPlan {
            summary: match p.summary() {
                PlanSummary::Uniform(path) => path_id(path),
                PlanSummary::Hybrid => "hybrid",
                PlanSummary::Undecided => "undecided",
                PlanSummary::Empty => "empty",
            },
            licence_concern: input.licence_concern(),
            catalog_checked: input.catalog.map(|c| c.checked.as_str()),
        }),
        stages: rec
            .plan
            .iter()
            .flat_map(|p| p.stages.iter())
            .map(|s| {
                let stage = &t.stages[s.stage];
                JsonStage {
                    id: &stage.id,
                    title: &stage.title,
                    in_scope: s.in_scope,
                    path: s.path.map(path_id),
                    tied: s.tied.iter().map(|&p| path_id(p)).collect(),
                    scores: by_path(&s.scores),
                    excluded: (0..t.paths.len())
                        .filter(|&p| s.excluded[p])
                        .map(path_id)
                        .collect(),
                    from_verdict: by_path(&s.from_verdict),
                    reasons: s
                        .reasons
                        .iter()
                        .map(|r| {
                            let q = &t.questions[r.question];
                            JsonStageReason {
                                question: &q.id,
                                option: r.option.map(|o| q.options[o].id.as_str()),
                                target: match r.target {
                                    PlanTarget::Alternative(a) => alt_id(a),
                                    PlanTarget::Path(p) => path_id(p),
                                },
                                criterion: &t.criteria[r.criterion].id,
                                points: round(r.points),
                                reason: &r.text,
                                counted: r.counted,
                            }
                        })
                        .collect(),
                    tools: input
                        .examples_shown(s, &shown)
                        .into_iter()
                        .map(|tool| JsonTool {
                            id: &tool.id,
                            name: &tool.name,
                            licence: &tool.licence,
                            governance: tool.governance.name(),
                            steward: &tool.steward,
                            licence_change: tool.licence_change.as_deref(),
                            licence_risks: input
                                .catalog
                                .map(|c| tool.licence_risks(c))
                                .unwrap_or_default()
                                .iter()
                                .map(|r| match r {
                                    LicenceRisk::SourceAvailable => "source_available",
                                    LicenceRisk::SingleCompany => "single_company",
                                    LicenceRisk::Changed(_) => "licence_changed",
                                })
                                .collect(),
                            homepage: &tool.homepage,
                            checked: &tool.checked,
                        })
                        .collect(),
                }
            })
            .collect(),
        alternatives: t
            .alternatives
            .iter()
            .map(|a| JsonAlternative {
                id: &a.id,
                title: &a.title,
                summary: &a.summary,
                strengths: &a.strengths,
                weaknesses: &a.weaknesses,
            })
            .collect(),
        risks: rec
            .risks
            .iter()
            .map(|r| {
                let risk = &t.risks[r.risk];
                JsonRisk {
                    id: &risk.id,
                    applies_to: &risk.applies_to,
                    title: &risk.title,
                    description: &risk.description,
                    mitigations: input.mitigations(r),
                }
            })
            .collect(),
        ruled_out: rec
            .ruled_out
            .iter()
            .map(|e| {
                let q = &t.questions[e.question];
                JsonRuledOut {
                    alternative: alt_id(e.alternative),
                    question: &q.id,
                    option: &q.options[e.option].id,
                    reason: &e.reason,
                }
            })
            .collect(),
        all_ruled_out: rec.all_ruled_out,
        unanswered: rec
            .unanswered
            .iter()
            .map(|&q| t.questions[q].id.as_str())
            .collect(),
        asked: rec
            .asked
            .iter()
            .map(|&q| t.questions[q].id.as_str())
            .collect(),
        answers: input
            .answers
            .values
            .iter()
            .map(|(k, v)| (k.clone(), v.to_toml()))
            .collect(),
        team: input.team.map(|team| JsonTeam {
            respondents: team
                .respondents
                .iter()
                .zip(&team.recommendations)
                .map(|(p, x)| JsonRespondent {
                    name: &p.name,
                    verdict: verdict_id(&x.verdict),
                    verdict_kind: x.kind().name(),
                    robustness: x.robustness.as_ref().map(|b| b.level.name()),
                    scores: by_alt(&x.scores),
                })
                .collect(),
            questions: team
                .spreads
                .iter()
                .map(|s| JsonSpread {
                    question: &t.questions[s.question].id,
                    answers: team
                        .respondents
                        .iter()
                        .zip(&s.answers)
                        .filter_map(|(p, a)| Some((p.name.as_str(), a.as_ref()?.to_toml())))
                        .collect(),
                    merged: s.merged.as_ref().map(|a| a.to_toml()),
                    agreement: s.agreement.name(),
                })
                .collect(),
            decisive: team
                .decisive
                .iter()
                .map(|d| JsonDecisive {
                    question: &t.questions[d.question].id,
                    answer: d.answer.to_toml(),
                    by: d
                        .by
                        .iter()
                        .map(|&i| team.respondents[i].name.as_str())
                        .collect(),
                    verdict: verdict_id(&d.verdict),
                })
                .collect(),
        }),
    };
    // Serializing plain structs of strings and finite numbers cannot fail.
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
    s.push('\n');
    // serde_json escapes C0 controls; DEL, C1, bidi controls and invisible characters are
    // escaped too, so that no report shows them as they are.
    crate::sanitize::json(s)
}
