//! Traversal: which questions are shown for a set of answers, and in what order they come.
//! Questions are asked in file order; a question whose `show_if` is false is skipped, and a
//! test on a skipped or unanswered question is false. Conditions only test earlier
//! questions, so one pass in order decides everything, and every walk ends.

use crate::answers::{Answer, Answers};
use crate::model::{Condition, Test, Text, Tree};

/// Which questions of a tree are shown for a given set of answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    shown: Vec<bool>,
}

impl Flow {
    /// Decides, in one pass in order, which questions are shown.
    pub fn new(tree: &Tree, answers: &Answers) -> Flow {
        Flow::from_positions(tree, &by_position(tree, answers))
    }

    /// [`Flow::new`] over the answers by question position (see [`by_position`]).
    pub(crate) fn from_positions(tree: &Tree, answers: &[Option<&Answer>]) -> Flow {
        let mut shown = Vec::with_capacity(tree.questions.len());
        for q in &tree.questions {
            let visible = q
                .show_if
                .as_ref()
                .is_none_or(|c| holds_at(c, answers, &shown));
            shown.push(visible);
        }
        Flow { shown }
    }

    /// Whether the question at this position is shown.
    pub fn is_shown(&self, index: usize) -> bool {
        self.shown.get(index).copied().unwrap_or(false)
    }

    /// Positions of the shown questions, in order.
    pub fn visible(&self) -> impl DoubleEndedIterator<Item = usize> + '_ {
        self.shown
            .iter()
            .enumerate()
            .filter_map(|(i, &s)| s.then_some(i))
    }

    /// How many questions are shown.
    pub fn len(&self) -> usize {
        self.shown.iter().filter(|&&s| s).count()
    }

    /// Whether no question is shown.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first shown question after `index` (or the first of all, for `None`).
    pub fn next(&self, index: Option<usize>) -> Option<usize> {
        let start = index.map_or(0, |i| i + 1);
        (start..self.shown.len()).find(|&i| self.shown[i])
    }

    /// The last shown question before `index`.
    pub fn previous(&self, index: usize) -> Option<usize> {
        (0..index.min(self.shown.len()))
            .rev()
            .find(|&i| self.shown[i])
    }

    /// The 1-based place of a question among the shown ones.
    pub fn position(&self, index: usize) -> usize {
        self.shown[..index.min(self.shown.len())]
            .iter()
            .filter(|&&s| s)
            .count()
            + 1
    }

    /// The answers that count: those to shown questions.
    pub fn effective(&self, tree: &Tree, answers: &Answers) -> Answers {
        let mut out = Answers {
            meta: answers.meta.clone(),
            ..Answers::default()
        };
        for (id, a) in &answers.values {
            if tree.question_index(id).is_some_and(|i| self.is_shown(i)) {
                out.values.insert(id.clone(), a.clone());
            }
        }
        out
    }
}

/// The answer to each question of the tree, by position (`None` when unanswered). Built
/// with one lookup per answer, it spares a search of the answers map for every test of
/// every condition, which on large trees costs a cache miss per comparison.
pub(crate) fn by_position<'a>(tree: &Tree, answers: &'a Answers) -> Vec<Option<&'a Answer>> {
    let mut out = vec![None; tree.questions.len()];
    for (id, answer) in &answers.values {
        if let Some(i) = tree.question_index(id) {
            out[i] = Some(answer);
        }
    }
    out
}

/// [`holds`] over the answers by question position (see [`by_position`]). The question
/// of each test was resolved to its position at load time.
pub(crate) fn holds_at(cond: &Condition, answers: &[Option<&Answer>], shown: &[bool]) -> bool {
    match cond {
        Condition::All(cs, _) => cs.iter().all(|c| holds_at(c, answers, shown)),
        Condition::Any(cs, _) => cs.iter().any(|c| holds_at(c, answers, shown)),
        Condition::Test { test, at, .. } => match *at {
            Some(i) if shown.get(i).copied().unwrap_or(false) => answers
                .get(i)
                .copied()
                .flatten()
                .is_some_and(|a| test_holds(test, a)),
            _ => false,
        },
    }
}

/// Whether a condition holds for these answers, given which earlier questions were shown
/// (`shown` may be shorter than the tree: questions past its end count as not shown).
pub fn holds(tree: &Tree, cond: &Condition, answers: &Answers, shown: &[bool]) -> bool {
    holds_at(cond, &by_position(tree, answers), shown)
}

/// Whether one test of a condition holds for an answer.
pub(crate) fn test_holds(test: &Test, answer: &Answer) -> bool {
    let chosen = |o: &Text| answer.chose(o);
    match test {
        Test::Answered => true,
        Test::AnyOf(opts) => opts.iter().any(chosen),
        Test::NoneOf(opts) => {
            matches!(answer, Answer::Choice(_) | Answer::Choices(_)) && !opts.iter().any(chosen)
        }
        Test::Range { at_least, at_most } => match answer {
            Answer::Scale(v) => {
                at_least.is_none_or(|lo| *v >= lo) && at_most.is_none_or(|hi| *v <= hi)
            }
            _ => false,
        },
    }
}
