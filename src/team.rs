//! Decisions made by a team: several people's answers merged into one set under a
//! documented rule, with who answered what and the disagreements that matter.
//!
//! The rule, per question (only the answers that count for each person, that is to
//! questions their own other answers show):
//! - one-choice questions (`single`, `yes_no`): the answer most people gave; a tie for
//!   the first place leaves the question unanswered in the merged set, and the
//!   disagreement is shown;
//! - `multiple`: an option is ticked when more than half of those who answered tick it;
//!   exactly half is a tie, and the option is left unticked;
//! - `scale`: the median (the lower of the two middle values for an even count);
//! - `priorities`: for each criterion, the median level (lower median), counting a
//!   criterion a person left out at the default level;
//! - `text`: the project name of the first person who gave one; other texts are quoted
//!   together, each with its author.
//!
//! Nobody's answer is dropped: the team report lists every person's answer per question.

use std::collections::BTreeMap;

use crate::answers::{Answer, Answers, AnswersMeta};
use crate::flow::Flow;
use crate::model::{Kind, Tree};
use crate::recommend::{Recommendation, Verdict};

/// One person's answers.
#[derive(Debug, Clone)]
pub struct Respondent {
    /// From `[meta] respondent`, or the file name.
    pub name: String,
    /// The answers that count (to questions their other answers show).
    pub answers: Answers,
}

/// How far the team agrees on one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// Everyone who answered gave the same answer.
    Unanimous,
    /// Answers differ; the rule picked one.
    Majority,
    /// Answers differ and the rule cannot pick one: the merged set leaves it open (or,
    /// for `multiple`, leaves the tied options unticked).
    Tie,
    /// Nobody answered.
    Unanswered,
}

impl Agreement {
    pub fn name(self) -> &'static str {
        match self {
            Agreement::Unanimous => "unanimous",
            Agreement::Majority => "majority",
            Agreement::Tie => "tie",
            Agreement::Unanswered => "unanswered",
        }
    }
}

/// Who answered what to one question, and the merged answer.
#[derive(Debug, Clone)]
pub struct Spread {
    pub question: usize,
    /// Per respondent (in order), their answer, if any.
    pub answers: Vec<Option<Answer>>,
    pub merged: Option<Answer>,
    pub agreement: Agreement,
}

/// A disagreement that alone changes the merged verdict: answering the question as one
/// person did flips it.
#[derive(Debug, Clone)]
pub struct Decisive {
    pub question: usize,
    /// The answer that flips it, and the people who gave it.
    pub answer: Answer,
    pub by: Vec<usize>,
    /// The merged verdict with that answer.
    pub verdict: Verdict,
}

/// The team: each person's answers and recommendation, the merged answers and theirs.
#[derive(Debug, Clone)]
pub struct Team {
    pub respondents: Vec<Respondent>,
    /// Each respondent's own recommendation, in order.
    pub recommendations: Vec<Recommendation>,
    /// Per question asked of anyone (tree order).
    pub spreads: Vec<Spread>,
    pub merged: Answers,
    pub recommendation: Recommendation,
    /// Disagreements that alone flip the merged verdict, to settle before the kickoff.
    pub decisive: Vec<Decisive>,
}

impl Team {
    /// Merges the answers of `respondents` (at least one) and recommends for each person
    /// and for the team.
    pub fn new(tree: &Tree, respondents: Vec<Respondent>) -> Team {
        let respondents: Vec<Respondent> = respondents
            .into_iter()
            .map(|r| Respondent {
                answers: Flow::new(tree, &r.answers).effective(tree, &r.answers),
                ..r
            })
            .collect();
        let recommendations = respondents
            .iter()
            .map(|r| Recommendation::new(tree, &r.answers))
            .collect();
        let mut merged = Answers {
            meta: merged_meta(&respondents),
            ..Answers::default()
        };
        let mut spreads = Vec::new();
        for (qi, q) in tree.questions.iter().enumerate() {
            let answers: Vec<Option<Answer>> = respondents
                .iter()
                .map(|r| r.answers.values.get(q.id.as_str()).cloned())
                .collect();
            if answers.iter().all(Option::is_none) {
                continue;
            }
            let (value, agreement) = merge_question(tree, qi, &respondents, &answers);
            if let Some(v) = &value {
                merged.values.insert(q.id.to_string(), v.clone());
            }
            spreads.push(Spread {
                question: qi,
                answers,
                merged: value,
                agreement,
            });
        }
        // Answers to questions the merged answers hide do not count.
        let merged = Flow::new(tree, &merged).effective(tree, &merged);
        let recommendation = Recommendation::new(tree, &merged);
        let decisive = decisive(tree, &merged, &recommendation, &spreads);
        Team {
            respondents,
            recommendations,
            spreads,
            merged,
            recommendation,
            decisive,
        }
    }
}

fn merged_meta(respondents: &[Respondent]) -> AnswersMeta {
    let names: Vec<&str> = respondents.iter().map(|r| r.name.as_str()).collect();
    let mut meta = AnswersMeta {
        respondent: Some(names.join(", ")),
        ..AnswersMeta::default()
    };
    for r in respondents {
        let m = &r.answers.meta;
        meta.date = meta.date.take().max(m.date.clone());
        for (to, from) in [
            (&mut meta.decision_makers, &m.decision_makers),
            (&mut meta.consulted, &m.consulted),
            (&mut meta.informed, &m.informed),
        ] {
            for p in from {
                if !to.contains(p) {
                    to.push(p.clone());
                }
            }
        }
    }
    meta
}

/// The merged answer to question `qi` and how far the team agrees.
fn merge_question(
    tree: &Tree,
    qi: usize,
    respondents: &[Respondent],
    answers: &[Option<Answer>],
) -> (Option<Answer>, Agreement) {
    let q = &tree.questions[qi];
    let given: Vec<&Answer> = answers.iter().flatten().collect();
    if given.is_empty() {
        return (None, Agreement::Unanswered);
    }
    let unanimous = given.iter().all(|a| *a == given[0]);
    let agreement = |tie: bool| {
        if unanimous {
            Agreement::Unanimous
        } else if tie {
            Agreement::Tie
        } else {
            Agreement::Majority
        }
    };
    match q.kind {
        Kind::Single | Kind::YesNo => {
            // Count in option order, so ties are found whatever the order of people.
            let counts: Vec<usize> = q
                .options
                .iter()
                .map(|o| {
                    given
                        .iter()
                        .filter(|a| matches!(a, Answer::Choice(c) if *c == o.id))
                        .count()
                })
                .collect();
            let best = counts.iter().copied().max().unwrap_or(0);
            let leaders: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] == best).collect();
            match leaders.as_slice() {
                [one] => (
                    Some(Answer::Choice(q.options[*one].id.to_string())),
                    agreement(false),
                ),
                _ => (None, agreement(true)),
            }
        }
        Kind::Multiple => {
            let n = given.len();
            let mut tie = false;
            let ticked: Vec<String> = q
                .options
                .iter()
                .filter(|o| {
                    let k = given
                        .iter()
                        .filter(
                            |a| matches!(a, Answer::Choices(cs) if cs.iter().any(|c| *c == o.id)),
                        )
                        .count();
                    tie |= 2 * k == n;
                    2 * k > n
                })
                .map(|o| o.id.to_string())
                .collect();
            (Some(Answer::Choices(ticked)), agreement(tie))
        }
        Kind::Scale => {
            let mut values: Vec<i64> = given
                .iter()
                .filter_map(|a| match a {
                    Answer::Scale(v) => Some(*v),
                    _ => None,
                })
                .collect();
            values.sort_unstable();
            let median = values.get((values.len().max(1) - 1) / 2).copied();
            (median.map(Answer::Scale), agreement(false))
        }
        Kind::Priorities => {
            let Some(p) = &q.priorities else {
                return (None, Agreement::Unanswered);
            };
            let mut levels = BTreeMap::new();
            for &c in &p.criteria {
                let id = &tree.criteria[c].id;
                let mut values: Vec<i64> = given
                    .iter()
                    .map(|a| a.priority(id).unwrap_or(p.default))
                    .collect();
                values.sort_unstable();
                let median = values[(values.len() - 1) / 2];
                if median != p.default {
                    levels.insert(id.to_string(), median);
                }
            }
            (Some(Answer::Priorities(levels)), agreement(false))
        }
        Kind::Text => {
            let texts: Vec<(usize, &str)> = answers
                .iter()
                .enumerate()
                .filter_map(|(i, a)| match a {
                    Some(Answer::Text(t)) if !crate::model::is_blank(t) => Some((i, t.as_str())),
                    _ => None,
                })
                .collect();
            if q.id == crate::report::PROJECT_NAME_QUESTION {
                return (
                    texts.first().map(|(_, t)| Answer::Text((*t).to_string())),
                    agreement(false),
                );
            }
            let joined: Vec<String> = texts
                .iter()
                .map(|(i, t)| format!("{}: {t}", respondents[*i].name))
                .collect();
            (
                (!joined.is_empty()).then(|| Answer::Text(joined.join("\n"))),
                Agreement::Unanimous,
            )
        }
    }
}

/// For each question the team disagrees on, the answers some people gave that alone
/// flip the merged verdict.
fn decisive(
    tree: &Tree,
    merged: &Answers,
    rec: &Recommendation,
    spreads: &[Spread],
) -> Vec<Decisive> {
    let mut out = Vec::new();
    for s in spreads {
        if matches!(s.agreement, Agreement::Unanimous | Agreement::Unanswered) {
            continue;
        }
        let q = &tree.questions[s.question];
        let mut tried: Vec<&Answer> = Vec::new();
        for a in s.answers.iter().flatten() {
            if Some(a) == s.merged.as_ref() || tried.contains(&a) {
                continue;
            }
            tried.push(a);
            let mut changed = merged.clone();
            changed.values.insert(q.id.to_string(), a.clone());
            let changed = Flow::new(tree, &changed).effective(tree, &changed);
            let verdict = Recommendation::quick(tree, &changed).verdict;
            if verdict != rec.verdict {
                let by = s
                    .answers
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.as_ref() == Some(a))
                    .map(|(i, _)| i)
                    .collect();
                out.push(Decisive {
                    question: s.question,
                    answer: a.clone(),
                    by,
                    verdict,
                });
            }
        }
    }
    out
}
