//! The JSON report: the same content as the markdown report, for programs.

use std::collections::BTreeMap;

use serde::Serialize;

use super::ReportInput;
use crate::recommend::Verdict;

#[derive(Serialize)]
struct JsonReport<'a> {
    tree: JsonTree<'a>,
    date: &'a str,
    project: Option<&'a str>,
    respondent: Option<&'a str>,
    verdict: &'a str,
    /// Alternative ids tied for first place (one id when there is a winner).
    leaders: Vec<&'a str>,
    scores: BTreeMap<&'a str, f64>,
    confidence: JsonConfidence,
    criteria: Vec<JsonCriterion<'a>>,
    alternatives: Vec<JsonAlternative<'a>>,
    risks: Vec<JsonRisk<'a>>,
    ruled_out: Vec<JsonRuledOut<'a>>,
    /// Every alternative is ruled out; the verdict ignores the exclusions.
    all_ruled_out: bool,
    unanswered: Vec<&'a str>,
    asked: Vec<&'a str>,
    answers: toml::Table,
}

#[derive(Serialize)]
struct JsonTree<'a> {
    id: &'a str,
    title: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonConfidence {
    value: f64,
    level: &'static str,
    decisiveness: f64,
    coverage: f64,
}

#[derive(Serialize)]
struct JsonCriterion<'a> {
    id: &'a str,
    title: &'a str,
    weight: f64,
    leaning: &'a str,
    scores: BTreeMap<&'a str, f64>,
    reasons: Vec<JsonReason<'a>>,
}

#[derive(Serialize)]
struct JsonReason<'a> {
    question: &'a str,
    option: Option<&'a str>,
    answer: String,
    alternative: &'a str,
    points: f64,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonAlternative<'a> {
    id: &'a str,
    title: &'a str,
    summary: &'a str,
    strengths: &'a [String],
    weaknesses: &'a [String],
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
    mitigation: &'a str,
}

/// Writes the JSON report, pretty-printed, ending in a newline.
pub fn to_json(input: &ReportInput<'_>) -> String {
    let (t, rec) = (input.tree, input.recommendation);
    let alt_id = |a: usize| t.alternatives[a].id.as_str();
    let by_alt = |values: &[f64]| -> BTreeMap<&str, f64> {
        values
            .iter()
            .enumerate()
            .map(|(a, v)| (alt_id(a), round(*v)))
            .collect()
    };
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
        leaders: match &rec.verdict {
            Verdict::Alternative(a) => vec![alt_id(*a)],
            Verdict::Tie(tied) => tied.iter().map(|&a| alt_id(a)).collect(),
        },
        scores: by_alt(&rec.scores),
        confidence: JsonConfidence {
            value: round(rec.confidence.value),
            level: rec.confidence.level().name(),
            decisiveness: round(rec.confidence.decisiveness),
            coverage: round(rec.confidence.coverage),
        },
        criteria: rec
            .criteria
            .iter()
            .map(|c| JsonCriterion {
                id: &t.criteria[c.criterion].id,
                title: &t.criteria[c.criterion].title,
                weight: round(c.weight),
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
                            answer: match r.option {
                                Some(o) => q.options[o].label.clone(),
                                None => input
                                    .answers
                                    .values
                                    .get(&q.id)
                                    .map(|a| a.describe(q))
                                    .unwrap_or_default(),
                            },
                            alternative: alt_id(r.alternative),
                            points: round(r.points),
                            reason: &r.text,
                        }
                    })
                    .collect(),
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
            .map(|&r| {
                let r = &t.risks[r];
                JsonRisk {
                    id: &r.id,
                    applies_to: &r.applies_to,
                    title: &r.title,
                    description: &r.description,
                    mitigation: &r.mitigation,
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
    };
    // Serializing plain structs of strings and finite numbers cannot fail.
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
    s.push('\n');
    // serde_json escapes C0 controls; DEL, C1, bidi controls and invisible characters are
    // escaped too, so that no report shows them as they are.
    crate::sanitize::json(s)
}

/// Rounds to 4 decimals, so reports do not show float noise.
fn round(v: f64) -> f64 {
    let r = (v * 10_000.0).round() / 10_000.0;
    if r == 0.0 { 0.0 } else { r }
}
