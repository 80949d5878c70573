//! A scoring table for searches that evaluate many answer sets (the robustness analysis).
//!
//! Each answer a search uses is turned once into an [`Entry`]: the points it adds per
//! alternative and criterion, the weight multipliers it applies, the alternatives it rules
//! out and the results of the condition tests made on it. An answer set is then a list of
//! entry numbers, one per question, and scoring it adds numbers without comparing ids,
//! cloning answers or allocating per question. The arithmetic is that of
//! [`crate::recommend`] in the same order, so the scores are the same to the last bit.

use std::collections::HashMap;

use crate::answers::Answer;
use crate::flow;
use crate::model::{Condition, Effect, Test, Tree};
use crate::recommend::{Outcome, verdict_of};

/// A visibility condition with its tests resolved to (question, test number on it).
#[derive(Debug, Clone)]
enum Cond {
    Test {
        question: usize,
        test: usize,
    },
    All(Vec<Cond>),
    Any(Vec<Cond>),
    /// A test on an unknown or later question: false.
    Never,
}

/// What one answer (or the lack of one) to one question does.
#[derive(Debug, Clone, Default)]
struct Entry {
    answered: bool,
    /// Points added: (alternative * criteria + criterion, fact slot, points).
    effects: Vec<(usize, Option<usize>, f64)>,
    /// Weight multipliers, in the order they apply: (criterion, multiplier).
    weights: Vec<(usize, f64)>,
    /// Alternatives ruled out.
    excludes: Vec<usize>,
    /// Per test the tree's conditions make on this question, whether it holds.
    tests: Vec<bool>,
}

/// The scoring table of a tree, the entries of the answers added so far, and buffers
/// reused from one evaluation to the next.
pub(crate) struct Scorer<'t> {
    tree: &'t Tree,
    n_crit: usize,
    /// Per question, its `show_if`, compiled.
    show_if: Vec<Option<Cond>>,
    /// Per question, the tests conditions make on its answer.
    tests: Vec<Vec<&'t Test>>,
    /// Entry `q` is "question `q` unanswered"; answers added later follow.
    entries: Vec<Entry>,
    shown: Vec<bool>,
    weights: Vec<f64>,
    points: Vec<f64>,
    /// Fact slots: one per (fact, alternative and criterion) that an entry's effects name,
    /// with its cell of `points`.
    slots: HashMap<(usize, usize), usize>,
    slot_cell: Vec<usize>,
    /// Per slot, the strongest points of the evaluation so far, and whether there are any.
    best: Vec<f64>,
    taken: Vec<bool>,
    /// The slots taken, in the order they were first taken.
    order: Vec<usize>,
    candidates: Vec<f64>,
    /// The running totals of the base answer set before every `stride` questions (none
    /// while `stride` is 0), the order its facts were met in and the questions it shows.
    checkpoints: Vec<Checkpoint>,
    stride: usize,
    base_order: Vec<usize>,
    base_shown: Vec<bool>,
}

/// Checkpoints kept at most, whatever the size of the tree.
const MAX_CHECKPOINTS: usize = 64;

/// The running totals of an evaluation before one question.
#[derive(Debug, Clone)]
struct Checkpoint {
    question: usize,
    weights: Vec<f64>,
    points: Vec<f64>,
    /// The strongest points of each fact met so far, in the order they were met.
    best: Vec<f64>,
    excluded: Vec<bool>,
}

impl<'t> Scorer<'t> {
    /// The table of `tree`, with an entry for each question left unanswered.
    pub(crate) fn new(tree: &'t Tree) -> Scorer<'t> {
        let n = tree.questions.len();
        let mut tests: Vec<Vec<&'t Test>> = vec![Vec::new(); n];
        let show_if = tree
            .questions
            .iter()
            .enumerate()
            .map(|(qi, q)| q.show_if.as_ref().map(|c| compile(c, qi, &mut tests)))
            .collect();
        let mut scorer = Scorer {
            tree,
            n_crit: tree.criteria.len(),
            show_if,
            tests,
            entries: Vec::with_capacity(n * 2),
            shown: Vec::with_capacity(n),
            weights: Vec::with_capacity(tree.criteria.len()),
            points: Vec::with_capacity(tree.criteria.len() * tree.alternatives.len()),
            slots: HashMap::new(),
            slot_cell: Vec::new(),
            best: Vec::new(),
            taken: Vec::new(),
            order: Vec::new(),
            candidates: Vec::with_capacity(tree.alternatives.len()),
            checkpoints: Vec::new(),
            stride: 0,
            base_order: Vec::new(),
            base_shown: Vec::new(),
        };
        for qi in 0..n {
            let e = scorer.entry(qi, None);
            scorer.entries.push(e);
        }
        scorer
    }

    /// The entry number of `answer` to question `question` (`None`: unanswered).
    pub(crate) fn add(&mut self, question: usize, answer: Option<&Answer>) -> usize {
        match answer {
            None => question,
            Some(a) => {
                let e = self.entry(question, Some(a));
                self.entries.push(e);
                self.entries.len() - 1
            }
        }
    }

    /// The entry numbers of answers by position.
    pub(crate) fn state(&mut self, answers: &[Option<Answer>]) -> Vec<usize> {
        answers
            .iter()
            .enumerate()
            .map(|(q, a)| self.add(q, a.as_ref()))
            .collect()
    }

    /// How many entries there are.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Forgets the entries added after the first `len` (never the "unanswered" ones).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.entries.truncate(len.max(self.show_if.len()));
    }

    /// The entry of a priorities answer to `question` like the one of entry `entry`, with
    /// criterion `criterion` at level `level`: a new entry, with the multiplier of that
    /// level in place of the criterion's. `entry` must be that of a priorities answer
    /// (whose entry holds nothing but the level multipliers).
    pub(crate) fn relevel(
        &mut self,
        entry: usize,
        question: usize,
        criterion: usize,
        level: i64,
    ) -> usize {
        let mut e = self.entries[entry].clone();
        if let Some(p) = &self.tree.questions[question].priorities {
            let m = p.multiplier(level);
            for w in e.weights.iter_mut().filter(|w| w.0 == criterion) {
                w.1 = m;
            }
        }
        self.entries.push(e);
        self.entries.len() - 1
    }

    /// Whether the entry is an answer (not "unanswered").
    pub(crate) fn answered(&self, entry: usize) -> bool {
        self.entries.get(entry).is_some_and(|e| e.answered)
    }

    fn entry(&mut self, qi: usize, answer: Option<&Answer>) -> Entry {
        let tree = self.tree;
        let q = &tree.questions[qi];
        let n_crit = self.n_crit;
        let mut out = Entry {
            answered: answer.is_some(),
            tests: self.tests[qi]
                .iter()
                .map(|t| answer.is_some_and(|a| flow::test_holds(t, a)))
                .collect(),
            ..Entry::default()
        };
        if let Some(p) = &q.priorities {
            for &c in &p.criteria {
                let level = answer
                    .and_then(|a| a.priority(&tree.criteria[c].id))
                    .unwrap_or(p.default);
                out.weights.push((c, p.multiplier(level)));
            }
        }
        let Some(answer) = answer else { return out };
        let (slots, slot_cell) = (&mut self.slots, &mut self.slot_cell);
        let mut add = |effects: &[Effect], factor: f64| {
            for e in effects {
                if let (Some(a), Some(c)) = (e.alternative_at, e.criterion_at) {
                    let cell = a * n_crit + c;
                    let slot = e.fact_at.map(|f| {
                        *slots.entry((f, cell)).or_insert_with(|| {
                            slot_cell.push(cell);
                            slot_cell.len() - 1
                        })
                    });
                    out.effects.push((cell, slot, e.points * factor));
                }
            }
        };
        match answer {
            Answer::Choice(_) | Answer::Choices(_) => {
                for opt in q.options.iter().filter(|o| answer.chose(&o.id)) {
                    add(&opt.effects, 1.0);
                    for w in &opt.weights {
                        if let Some(c) = w.criterion_at {
                            out.weights.push((c, w.multiplier));
                        }
                    }
                    for r in &opt.rules_out {
                        if let Some(a) = r
                            .alternative
                            .as_deref()
                            .and_then(|a| tree.alternative_index(a))
                        {
                            out.excludes.push(a);
                        }
                    }
                }
            }
            Answer::Scale(v) => {
                if let Some(s) = &q.scale {
                    let fraction = s.fraction((*v).clamp(s.min, s.max));
                    add(&s.effects, fraction);
                    if let Some(c) = s.weight_of.as_deref().and_then(|c| tree.criterion_index(c)) {
                        out.weights.push((c, 2.0 * fraction));
                    }
                }
            }
            Answer::Text(_) | Answer::Priorities(_) => {}
        }
        out
    }

    /// Scores the answer set `state` (an entry number per question), as the straightforward
    /// `recommend::outcome` (kept for the tests) scores the answers themselves. Afterwards
    /// [`Scorer::shown`] tells which questions it showed.
    pub(crate) fn outcome(&mut self, state: &[usize]) -> Outcome {
        self.run(state, 0, None)
    }

    /// Takes `state` as the base answer set of [`Scorer::outcome_from`]: scores it, keeping
    /// the running totals before every few questions.
    pub(crate) fn set_base(&mut self, state: &[usize]) {
        self.checkpoints.clear();
        let stride = state.len().div_ceil(MAX_CHECKPOINTS).max(1);
        self.run(state, 0, Some(stride));
        self.stride = stride;
    }

    /// [`Scorer::outcome`] of `state`, which must give the same entries as the base answer
    /// set (see [`Scorer::set_base`]) to every question before `from`: the work for the
    /// earlier questions is taken from the base's last checkpoint before `from`.
    pub(crate) fn outcome_from(&mut self, state: &[usize], from: usize) -> Outcome {
        self.run(state, from, None)
    }

    /// Scores `state` from the last checkpoint at or before `from` (from the start when
    /// there is none), recording checkpoints every `record` questions.
    fn run(&mut self, state: &[usize], from: usize, record: Option<usize>) -> Outcome {
        let tree = self.tree;
        let n_alt = tree.alternatives.len();
        let n_crit = self.n_crit;
        self.best.resize(self.slot_cell.len(), 0.0);
        self.taken.resize(self.slot_cell.len(), false);
        self.shown.clear();
        let checkpoint = match self.stride {
            0 => None,
            stride => self.checkpoints.get(from / stride),
        };
        let (start, mut excluded) = match checkpoint {
            Some(c) => {
                self.weights.clone_from(&c.weights);
                self.points.clone_from(&c.points);
                self.order
                    .extend_from_slice(&self.base_order[..c.best.len()]);
                for (&s, &b) in self.order.iter().zip(&c.best) {
                    self.taken[s] = true;
                    self.best[s] = b;
                }
                self.shown.extend_from_slice(&self.base_shown[..c.question]);
                (c.question, c.excluded.clone())
            }
            None => {
                self.weights.clear();
                self.weights.extend(tree.criteria.iter().map(|c| c.weight));
                self.points.clear();
                self.points.resize(n_alt * n_crit, 0.0);
                (0, vec![false; n_alt])
            }
        };
        for qi in start..state.len() {
            if let Some(stride) = record
                && qi % stride == 0
            {
                self.checkpoints.push(Checkpoint {
                    question: qi,
                    weights: self.weights.clone(),
                    points: self.points.clone(),
                    best: self.order.iter().map(|&s| self.best[s]).collect(),
                    excluded: excluded.clone(),
                });
            }
            let visible = self.show_if[qi]
                .as_ref()
                .is_none_or(|c| self.holds(c, state));
            self.shown.push(visible);
            if !visible {
                continue;
            }
            let e = &self.entries[state[qi]];
            for &(c, m) in &e.weights {
                self.weights[c] *= m;
            }
            // Within a fact, the strongest points count: they are added after all others,
            // in the order the facts were first met.
            for &(cell, slot, p) in &e.effects {
                match slot {
                    None => self.points[cell] += p,
                    Some(s) if !self.taken[s] => {
                        self.taken[s] = true;
                        self.best[s] = p;
                        self.order.push(s);
                    }
                    Some(s) if p.abs() > self.best[s].abs() => self.best[s] = p,
                    Some(_) => {}
                }
            }
            for &a in &e.excludes {
                excluded[a] = true;
            }
        }
        if record.is_some() {
            self.base_order.clone_from(&self.order);
            self.base_shown.clone_from(&self.shown);
        }
        for &s in &self.order {
            self.points[self.slot_cell[s]] += self.best[s];
            self.taken[s] = false;
        }
        self.order.clear();
        let scores: Vec<f64> = (0..n_alt)
            .map(|a| {
                (0..n_crit)
                    .map(|c| self.points[a * n_crit + c] * self.weights[c])
                    .sum()
            })
            .collect();
        let all = excluded.iter().all(|&x| x);
        self.candidates.clear();
        self.candidates.extend(
            scores
                .iter()
                .zip(&excluded)
                .map(|(&s, &x)| if x && !all { f64::NEG_INFINITY } else { s }),
        );
        Outcome {
            verdict: verdict_of(&self.candidates),
            scores,
            excluded,
        }
    }

    /// Decides which questions the answer set `state` shows (see [`Scorer::shown`]).
    pub(crate) fn visibility(&mut self, state: &[usize]) {
        self.shown.clear();
        for qi in 0..self.show_if.len() {
            let visible = self.show_if[qi]
                .as_ref()
                .is_none_or(|c| self.holds(c, state));
            self.shown.push(visible);
        }
    }

    /// Whether the last evaluated answer set showed question `question`.
    pub(crate) fn shown(&self, question: usize) -> bool {
        self.shown.get(question).copied().unwrap_or(false)
    }

    fn holds(&self, cond: &Cond, state: &[usize]) -> bool {
        match cond {
            Cond::All(cs) => cs.iter().all(|c| self.holds(c, state)),
            Cond::Any(cs) => cs.iter().any(|c| self.holds(c, state)),
            Cond::Test { question, test } => {
                self.shown[*question] && self.entries[state[*question]].tests[*test]
            }
            Cond::Never => false,
        }
    }
}

/// Compiles the `show_if` of question `owner`: tests on earlier questions are numbered
/// per question in `tests`; tests on others can never hold (the question is not shown yet
/// when the condition is decided).
fn compile<'t>(cond: &'t Condition, owner: usize, tests: &mut [Vec<&'t Test>]) -> Cond {
    match cond {
        Condition::All(cs, _) => Cond::All(cs.iter().map(|c| compile(c, owner, tests)).collect()),
        Condition::Any(cs, _) => Cond::Any(cs.iter().map(|c| compile(c, owner, tests)).collect()),
        Condition::Test { test, at, .. } => match *at {
            Some(q) if q < owner => {
                tests[q].push(test);
                Cond::Test {
                    question: q,
                    test: tests[q].len() - 1,
                }
            }
            _ => Cond::Never,
        },
    }
}

#[cfg(test)]
mod tests {
    //! The scoring table against the straightforward computation
    //! (`recommend::outcome`), on the built-in tree and on a small tree with a
    //! scale, range tests, `none_of`, `answered` and nested conditions; with answers of
    //! every kind, including ones the answers checker would refuse.

    use std::collections::BTreeMap;

    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::Scorer;
    use crate::answers::Answer;
    use crate::flow::Flow;
    use crate::load::{DEFAULT_TREE, DEFAULT_TREE_NAME};
    use crate::model::{Kind, Question, Tree};
    use crate::recommend::outcome;

    const SMALL: &str = r#"
[tree]
id = "s"
title = "S"
version = "1"

[[alternatives]]
id = "a0"
title = "A0"

[[alternatives]]
id = "a1"
title = "A1"

[[alternatives]]
id = "a2"
title = "A2"

[[criteria]]
id = "c0"
title = "C0"

[[criteria]]
id = "c1"
title = "C1"

[[questions]]
id = "size"
kind = "scale"
prompt = "Size?"
help = "h"
min = 1
max = 5
weight_of = "c1"

[[questions.effects]]
alternative = "a0"
criterion = "c0"
points = 2.5
reason = "r"
fact = "f"

[[questions]]
id = "pick"
kind = "single"
prompt = "Pick?"
help = "h"
show_if = { question = "size", at_least = 2, at_most = 4 }

[[questions.options]]
id = "x"
label = "X"

[[questions.options.effects]]
alternative = "a1"
criterion = "c0"
points = 3.0
reason = "r"
fact = "f"

[[questions.options.effects]]
alternative = "a0"
criterion = "c1"
points = -1.25
reason = "r"

[[questions.options]]
id = "y"
label = "Y"

[[questions.options.effects]]
alternative = "a2"
criterion = "c0"
points = 1.5
reason = "r"

[[questions.options.rules_out]]
alternative = "a0"
reason = "x"

[[questions]]
id = "many"
kind = "multiple"
prompt = "Many?"
help = "h"

[[questions.options]]
id = "m0"
label = "M0"

[[questions.options.effects]]
alternative = "a0"
criterion = "c0"
points = 2.0
reason = "r"
fact = "f"

[[questions.options.weights]]
criterion = "c0"
multiplier = 1.5
reason = "w"

[[questions.options]]
id = "m1"
label = "M1"

[[questions.options.effects]]
alternative = "a2"
criterion = "c1"
points = 4.0
reason = "r"

[[questions.options.rules_out]]
alternative = "a1"
reason = "x"

[[questions.options]]
id = "m2"
label = "M2"

[[questions.options.effects]]
alternative = "a1"
criterion = "c1"
points = 1.0
reason = "r"

[[questions]]
id = "later"
kind = "yes_no"
prompt = "Later?"
help = "h"
show_if = { any = [
  { question = "many", none_of = ["m1"] },
  { all = [{ question = "pick", answered = true }, { question = "size", at_least = 3 }] },
] }

[[questions.options]]
id = "yes"
label = "Yes"

[[questions.options.effects]]
alternative = "a1"
criterion = "c1"
points = 2.0
reason = "r"

[[questions.options]]
id = "no"
label = "No"

[[questions.options.effects]]
alternative = "a2"
criterion = "c0"
points = 0.75
reason = "r"

[[questions]]
id = "prio"
kind = "priorities"
prompt = "P"
help = "h"
default = 2
levels = [{ label = "Low", multiplier = 0.5 }, { label = "Normal", multiplier = 1.0 }, { label = "High", multiplier = 2.0 }]
"#;

    /// An answer to `q` chosen by `v`: usually one that fits the question, sometimes
    /// none, and sometimes one of another kind, an unknown option or a repeated one.
    fn answer(tree: &Tree, q: &Question, v: u32) -> Option<Answer> {
        let n = q.options.len().max(1);
        let i = (v >> 4) as usize;
        match v % 16 {
            0..=2 => None,
            3 => Some(Answer::Text("t".into())),
            4 => Some(Answer::Scale(i64::from(v >> 4) % 8 - 1)),
            5 => Some(Answer::Choice("unknown".into())),
            6 => q
                .options
                .first()
                .map(|o| Answer::Choices(vec![o.id.clone(), o.id.clone(), "unknown".into()])),
            7 => Some(Answer::Priorities(
                tree.criteria
                    .iter()
                    .enumerate()
                    .filter(|(c, _)| i >> c & 1 == 1)
                    .map(|(c, x)| (x.id.clone(), (i >> (c + 3)) as i64 % 4))
                    .collect::<BTreeMap<_, _>>(),
            )),
            _ => Some(match q.kind {
                Kind::Single | Kind::YesNo => Answer::Choice(q.options[i % n].id.clone()),
                Kind::Multiple => Answer::Choices(
                    q.options
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| i >> k & 1 == 1)
                        .map(|(_, o)| o.id.clone())
                        .collect(),
                ),
                Kind::Scale => Answer::Scale(
                    q.scale
                        .as_ref()
                        .map_or(0, |s| s.min + (i as i64) % (s.max - s.min + 1)),
                ),
                Kind::Text => Answer::Text("notes".into()),
                Kind::Priorities => Answer::Priorities(
                    tree.criteria
                        .iter()
                        .enumerate()
                        .filter(|(c, _)| i >> c & 1 == 1)
                        .map(|(c, x)| (x.id.clone(), 1 + (i >> (c + 2)) as i64 % 5))
                        .collect(),
                ),
            }),
        }
    }

    /// Scores several answer sets with one scorer (its buffers reused) and compares each
    /// with the straightforward computation, bit for bit.
    fn agree(tree: &Tree, sets: &[Vec<u32>]) -> Result<(), TestCaseError> {
        let mut scorer = Scorer::new(tree);
        let mut previous: Option<Vec<usize>> = None;
        for picks in sets {
            let answers: Vec<Option<Answer>> = tree
                .questions
                .iter()
                .zip(picks.iter().cycle())
                .map(|(q, &v)| answer(tree, q, v))
                .collect();
            let refs: Vec<Option<&Answer>> = answers.iter().map(Option::as_ref).collect();
            let want = outcome(tree, &refs);
            let state = scorer.state(&answers);
            let got = scorer.outcome(&state);
            prop_assert_eq!(&got.verdict, &want.verdict);
            let bits = |s: &[f64]| s.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            prop_assert_eq!(bits(&got.scores), bits(&want.scores));
            prop_assert_eq!(&got.excluded, &want.excluded);
            let flow = Flow::from_positions(tree, &refs);
            for q in 0..tree.questions.len() {
                prop_assert_eq!(scorer.shown(q), flow.is_shown(q));
                prop_assert_eq!(scorer.answered(state[q]), answers[q].is_some());
            }
            // The previous set's answers up to a point, this set's after it: scored from
            // the checkpoints of the previous set as from the start.
            if let Some(prev) = &previous {
                let cut = picks[0] as usize % (state.len() + 1);
                let mixed: Vec<usize> = prev[..cut].iter().chain(&state[cut..]).copied().collect();
                let whole = scorer.outcome(&mixed);
                let shown: Vec<bool> = (0..state.len()).map(|q| scorer.shown(q)).collect();
                for start in [0, cut / 2, cut] {
                    let resumed = scorer.outcome_from(&mixed, start);
                    prop_assert_eq!(&resumed.verdict, &whole.verdict);
                    prop_assert_eq!(bits(&resumed.scores), bits(&whole.scores));
                    prop_assert_eq!(&resumed.excluded, &whole.excluded);
                    for (q, &s) in shown.iter().enumerate() {
                        prop_assert_eq!(scorer.shown(q), s);
                    }
                }
            }
            scorer.set_base(&state);
            previous = Some(state.clone());
            // Another level for one criterion of each priorities question: the entry
            // changed in place scores as the entry of the changed answer.
            for (q, (question, &v)) in tree.questions.iter().zip(picks.iter().cycle()).enumerate() {
                let Some(p) = &question.priorities else {
                    continue;
                };
                let Some(&c) = p.criteria.get(v as usize % p.criteria.len().max(1)) else {
                    continue;
                };
                let mut levels = match &answers[q] {
                    Some(Answer::Priorities(l)) => l.clone(),
                    _ => BTreeMap::new(),
                };
                let level = i64::from(v >> 8) % (p.max_level() + 2);
                let mark = scorer.len();
                let before = scorer.add(q, Some(&Answer::Priorities(levels.clone())));
                levels.insert(tree.criteria[c].id.clone(), level);
                let mut changed = state.clone();
                changed[q] = scorer.relevel(before, q, c, level);
                let got = scorer.outcome(&changed);
                changed[q] = scorer.add(q, Some(&Answer::Priorities(levels)));
                let want = scorer.outcome(&changed);
                prop_assert_eq!(&got.verdict, &want.verdict);
                prop_assert_eq!(bits(&got.scores), bits(&want.scores));
                scorer.truncate(mark);
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 64,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn scoring_table_agrees_on_the_built_in_tree(sets in vec(vec(any::<u32>(), 1..40), 1..4)) {
            let tree = Tree::parse(DEFAULT_TREE_NAME, DEFAULT_TREE).expect("built-in tree");
            agree(&tree, &sets)?;
        }

        #[test]
        fn scoring_table_agrees_on_a_small_tree(sets in vec(vec(any::<u32>(), 1..8), 1..6)) {
            let tree = Tree::parse("small.toml", SMALL).expect("small tree");
            agree(&tree, &sets)?;
        }
    }
}
