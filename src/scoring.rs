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
use crate::recommend::{Outcome, TIE_EPSILON, Verdict, surely_verdict, verdict_of};

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
    /// The base answer set and its final totals (see [`Scorer::set_base`]).
    base: Base,
    /// How far a computed score can be from the exact one (`None` when no useful bound
    /// holds for the tree).
    bound: Option<ErrorBound>,
    /// Buffers of [`Scorer::surely`].
    scratch_scores: Vec<f64>,
    scratch_excluding: Vec<i64>,
}

/// The base answer set of the searches: its entries, and what scoring it gave.
#[derive(Debug, Clone, Default)]
struct Base {
    state: Vec<usize>,
    points: Vec<f64>,
    weights: Vec<f64>,
    scores: Vec<f64>,
    /// Per alternative, how many shown answers rule it out.
    excluding: Vec<i64>,
    /// The alternatives ruled out of the verdict (not all of them are).
    ruled_out: Vec<usize>,
    /// The verdict's alternative when one alternative wins.
    leader: Option<usize>,
    /// The others are ruled out.
    alone: bool,
    /// The largest score magnitude of the alternatives in the running.
    largest: f64,
}

/// What a change does to the lead of the base's winner `L`, in a few numbers that bound
/// any independent combination of two changes (see [`Scorer::quickly_kept`]). Only
/// alternatives in the running count.
#[derive(Debug, Clone)]
struct Lead {
    /// `L`'s smallest lead over another alternative with this change alone, evaluated.
    lead: f64,
    /// The smallest change of `L`'s lead over another alternative.
    gain: f64,
    /// The largest change of a score.
    reach: f64,
    /// The largest of `weighed`.
    weighed: f64,
}

/// A bound on rounding: any computation of a score of the tree that adds at most `K`
/// terms per cell and multiplies at most `K` weights per criterion, in whatever order, is
/// within `gamma * sum over criteria of magnitude[cell] * |weight|` of the real value, up to
/// a small constant factor (see [`ErrorBound::error`]).
#[derive(Debug, Clone)]
struct ErrorBound {
    /// `K u / (1 - K u)`, with `u` the unit roundoff of `f64`.
    gamma: f64,
    /// Per cell, the sum of the magnitudes of every term that can be added to it.
    magnitude: Vec<f64>,
    /// Per alternative, `magnitude` weighed by the base answer set's weights.
    base_weighed: Vec<f64>,
}

/// What one changed answer does to the base answer set, kept so that combinations of
/// changes can be judged without evaluating them (see [`Scorer::surely`]).
#[derive(Debug, Clone)]
pub(crate) struct Change {
    question: usize,
    /// Cells whose final points differ from the base's: (cell, new minus base).
    points: Vec<(usize, f64)>,
    /// Criteria whose final weight differs from the base's: (criterion, new minus base).
    weights: Vec<(usize, f64)>,
    /// Criteria whose multipliers differ between the old and the new answer, or that an
    /// answer to a question it shows or hides multiplies (whether or not the final weight
    /// shows it: a zero weight hides any multiplier).
    reweighs: Vec<usize>,
    /// Per alternative, the change in the number of answers ruling it out.
    excluding: Vec<(usize, i64)>,
    /// The fact slots the old or the new answer adds to, or an answer to a question it
    /// shows or hides.
    slots: Vec<usize>,
    /// The new answer passes or fails a test of a condition that the old one did not.
    gates: bool,
    /// The questions it shows or hides.
    moved: Vec<usize>,
    /// Both answers only weigh criteria (priorities) and nothing is shown or hidden: two
    /// such changes of one question combine when they weigh different criteria.
    weighs_only: bool,
    /// `slots` and `reweighs` folded into bits (the low and the high half): changes whose
    /// masks do not meet share neither.
    mask: u64,
    /// A summary for [`Scorer::quickly_kept`], when the change rules nothing in or out
    /// and one alternative wins the base (its numbers infinite when no other is in the
    /// running).
    lead: Option<Lead>,
    /// Per alternative, the score minus the base's.
    scores: Vec<f64>,
    /// Per alternative, the rounding magnitude weighed by the weights with this change.
    weighed: Vec<f64>,
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
            base: Base::default(),
            bound: error_bound(tree),
            scratch_scores: Vec::new(),
            scratch_excluding: Vec::new(),
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

    /// Makes room for `additional` more entries at once, rather than growing by copies.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.entries.reserve(additional);
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
                if let Some((a, c)) = e.target() {
                    let cell = a * n_crit + c;
                    let slot = e.fact_index().map(|f| {
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
        let out = self.run(state, 0, Some(stride));
        self.stride = stride;
        let mut excluding = vec![0; self.tree.alternatives.len()];
        for (q, &e) in state.iter().enumerate() {
            if self.base_shown[q] {
                for &a in &self.entries[e].excludes {
                    excluding[a] += 1;
                }
            }
        }
        let all = excluding.iter().all(|&x| x > 0);
        let ruled_out = (0..excluding.len())
            .filter(|&a| excluding[a] > 0 && !all)
            .collect();
        let running = |a: &usize| excluding[*a] == 0 || all;
        let leader = match out.verdict {
            Verdict::Alternative(l) => Some(l),
            Verdict::Tie(_) => None,
        };
        let alone = (0..excluding.len()).filter(running).count() == 1;
        let largest = (0..excluding.len())
            .filter(running)
            .fold(0.0f64, |m, a| m.max(out.scores[a].abs()));
        self.base = Base {
            leader,
            alone,
            largest,
            ruled_out,
            state: state.to_vec(),
            points: self.points.clone(),
            weights: self.weights.clone(),
            scores: out.scores,
            excluding,
        };
        if let Some(b) = &mut self.bound {
            b.base_weighed = weighed(&b.magnitude, &self.base.weights);
        }
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

    /// The change that giving question `question` the answer of entry `entry` makes to the
    /// base answer set (see [`Scorer::set_base`]). The last evaluation must have been of
    /// exactly that answer set, and `outcome` its result. `None` when the question is not
    /// shown in the base, or the totals are not finite.
    pub(crate) fn change(
        &self,
        question: usize,
        entry: usize,
        outcome: &Outcome,
    ) -> Option<Change> {
        let bound = self.bound.as_ref()?;
        let old = &self.entries[*self.base.state.get(question)?];
        let new = self.entries.get(entry)?;
        let shown = &self.shown;
        if shown.len() != self.base_shown.len() || !self.base_shown[question] {
            return None;
        }
        let differences = |now: &[f64], base: &[f64]| -> Vec<(usize, f64)> {
            (now.iter().zip(base).enumerate())
                .filter(|(_, (n, b))| n.to_bits() != b.to_bits())
                .map(|(i, (n, b))| (i, n - b))
                .collect()
        };
        let points = differences(&self.points, &self.base.points);
        let weights = differences(&self.weights, &self.base.weights);
        let scores: Vec<f64> = (outcome.scores.iter().zip(&self.base.scores))
            .map(|(n, b)| n - b)
            .collect();
        let finite = (points.iter().chain(&weights).map(|x| x.1))
            .chain(scores.iter().copied())
            .all(f64::is_finite);
        if !finite || bound.magnitude.len() != self.points.len() {
            return None;
        }
        let gates = old.tests != new.tests;
        let moved: Vec<usize> = (0..shown.len())
            .filter(|&q| shown[q] != self.base_shown[q])
            .collect();
        let mut slots: Vec<usize> = (old.effects.iter().chain(&new.effects))
            .chain(
                moved
                    .iter()
                    .flat_map(|&q| &self.entries[self.base.state[q]].effects),
            )
            .filter_map(|e| e.1)
            .collect();
        slots.sort_unstable();
        slots.dedup();
        fn multipliers(e: &Entry, c: usize) -> impl Iterator<Item = u64> + '_ {
            e.weights
                .iter()
                .filter(move |w| w.0 == c)
                .map(|w| w.1.to_bits())
        }
        let mut reweighs: Vec<usize> = (old.weights.iter().chain(&new.weights))
            .map(|w| w.0)
            .filter(|&c| !multipliers(old, c).eq(multipliers(new, c)))
            .chain(
                moved
                    .iter()
                    .flat_map(|&q| self.entries[self.base.state[q]].weights.iter().map(|w| w.0)),
            )
            .collect();
        reweighs.sort_unstable();
        reweighs.dedup();
        let mut excluding = vec![0i64; self.tree.alternatives.len()];
        for &a in &new.excludes {
            excluding[a] += 1;
        }
        for &a in &old.excludes {
            excluding[a] -= 1;
        }
        for &q in &moved {
            let d = if shown[q] { 1 } else { -1 };
            for &a in &self.entries[self.base.state[q]].excludes {
                excluding[a] += d;
            }
        }
        let excluding: Vec<(usize, i64)> = (excluding.into_iter().enumerate())
            .filter(|x| x.1 != 0)
            .collect();
        let weighs_only = moved.is_empty()
            && [old, new]
                .iter()
                .all(|e| e.effects.is_empty() && e.excludes.is_empty());
        let mask = (slots.iter().map(|s| 1u64 << (s % 32)))
            .chain(reweighs.iter().map(|c| 1u64 << (32 + c % 32)))
            .fold(0, |m, b| m | b);
        let weighed = weighed(&bound.magnitude, &self.weights);
        let lead = self.base.leader.filter(|_| excluding.is_empty()).map(|l| {
            let others =
                || (0..scores.len()).filter(|&a| a != l && !self.base.ruled_out.contains(&a));
            let running = || (0..scores.len()).filter(|a| !self.base.ruled_out.contains(a));
            Lead {
                lead: others()
                    .map(|a| outcome.scores[l] - outcome.scores[a])
                    .fold(f64::INFINITY, f64::min),
                gain: others()
                    .map(|a| scores[l] - scores[a])
                    .fold(f64::INFINITY, f64::min),
                reach: running().map(|a| scores[a].abs()).fold(0.0, f64::max),
                weighed: weighed.iter().copied().fold(0.0, f64::max),
            }
        });
        Some(Change {
            question,
            mask,
            lead,
            points,
            weights,
            reweighs,
            excluding,
            slots,
            gates,
            moved,
            weighs_only,
            scores,
            weighed,
        })
    }

    /// The candidate scores (ruled-out alternatives `-inf`, as `verdict_of` takes them) of
    /// the base answer set with all of `changes` applied, computed from what each change
    /// does alone without evaluating the combination, and a bound on their distance from
    /// the evaluated ones; `None` when the changes cannot be combined so.
    ///
    /// The changes must be of distinct questions (or weigh criteria of one priorities
    /// question), touch distinct facts and change the weights of distinct criteria; at
    /// most one may pass or fail a condition's test differently, and the questions that
    /// one shows or hides must not be the others'. Then every question is shown as with
    /// that change alone, and,
    /// in real numbers, the combined score is the base's plus each change's difference,
    /// plus for each criterion a change reweighs, the other changes' points on it times the
    /// change of weight. Computed in floating point, in another order than an evaluation,
    /// it may differ from the evaluated score, but by less than the tree's rounding bound
    /// (see [`ErrorBound`]).
    pub(crate) fn combined(&mut self, changes: &[&Change]) -> Option<(&[f64], f64)> {
        let bound = self.bound.as_ref()?;
        for (n, x) in changes.iter().enumerate() {
            if changes[..n].iter().any(|y| !x.independent_of(y)) {
                return None;
            }
        }
        let n_crit = self.n_crit;
        let scores = &mut self.scratch_scores;
        scores.clear();
        scores.extend_from_slice(&self.base.scores);
        // Sum of the magnitudes weighed by the base's and by each change's weights.
        let mut weighed = 0.0f64;
        let times = (changes.len() + 1) as f64;
        for (a, s) in scores.iter_mut().enumerate() {
            let mut w = times * bound.base_weighed[a];
            for c in changes {
                *s += c.scores[a];
                w += c.weighed[a];
            }
            weighed = weighed.max(w);
        }
        for (n, x) in changes.iter().enumerate() {
            for &(criterion, dw) in &x.weights {
                for (m, y) in changes.iter().enumerate() {
                    if m != n {
                        for &(cell, dp) in y.points.iter().filter(|p| p.0 % n_crit == criterion) {
                            scores[cell / n_crit] += dp * dw;
                        }
                    }
                }
            }
        }
        // Beyond this, partial sums might overflow.
        if weighed.is_nan() || weighed >= 1e300 {
            return None;
        }
        if changes.iter().all(|c| c.excluding.is_empty()) {
            for &a in &self.base.ruled_out {
                scores[a] = f64::NEG_INFINITY;
            }
        } else {
            let excluding = &mut self.scratch_excluding;
            excluding.clone_from(&self.base.excluding);
            for c in changes {
                for &(a, d) in &c.excluding {
                    excluding[a] += d;
                }
            }
            let all = excluding.iter().all(|&x| x > 0);
            for (s, &x) in scores.iter_mut().zip(excluding.iter()) {
                if x > 0 && !all {
                    *s = f64::NEG_INFINITY;
                }
            }
        }
        Some((scores, bound.error(changes.len(), weighed)))
    }

    /// Whether the base answer set with all of `changes` applied certainly gets `verdict`,
    /// judged from [`Scorer::combined`]: no scores within its bound would give another.
    /// `false` means "not known", not "another verdict".
    pub(crate) fn surely(&mut self, changes: &[&Change], verdict: &Verdict) -> bool {
        if let [x, y] = changes
            && self.quickly_kept(x, y, verdict)
        {
            return true;
        }
        self.combined(changes)
            .is_some_and(|(scores, error)| surely_verdict(scores, error, verdict))
    }

    /// A sufficient test for [`Scorer::surely`] of two changes, in a few operations: the
    /// base's winner `L` keeps a lead above the tie threshold over every other alternative,
    /// bounding from below the lead that [`Scorer::combined`] would compute (the smaller
    /// lead of one change alone plus the smaller gain of the other, less twice the cross
    /// terms' magnitudes: a change of weight times a change of points on the criterion)
    /// and from above the scale,
    /// with the same rounding bound and a margin of `1e-12` of the magnitudes for the
    /// rounding of this test itself.
    pub(crate) fn quickly_kept(&self, x: &Change, y: &Change, verdict: &Verdict) -> bool {
        let (Some(bound), Some(l), Some(lx), Some(ly)) =
            (&self.bound, self.base.leader, &x.lead, &y.lead)
        else {
            return false;
        };
        if *verdict != Verdict::Alternative(l) || !x.independent_of(y) {
            return false;
        }
        if self.base.alone {
            // Neither change rules anything in or out: the only alternative left wins.
            return true;
        }
        // Each cross term's magnitude, over every alternative: a bound on how much they
        // move any score and, twice, any lead.
        let n_crit = self.n_crit;
        let crossing = |x: &Change, y: &Change| -> f64 {
            let mut sum = 0.0;
            for &(c, dw) in &x.weights {
                for &(cell, dp) in &y.points {
                    if cell % n_crit == c {
                        sum += (dp * dw).abs();
                    }
                }
            }
            sum
        };
        let cross = crossing(x, y) + crossing(y, x);
        let lead = (lx.lead + ly.gain).max(ly.lead + lx.gain) - 2.0 * cross;
        let scale = (self.base.largest + lx.reach + ly.reach + cross).max(1.0);
        let weighed =
            3.0 * bound.base_weighed.iter().copied().fold(0.0, f64::max) + lx.weighed + ly.weighed;
        let error = bound.error(2, weighed);
        let margin = 1e-12 * (scale + lead.abs() + cross);
        lead - margin > TIE_EPSILON * (scale + error) + 3.0 * error
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

impl ErrorBound {
    /// How far scores combined from `changes` changes can be from the evaluated ones, for
    /// `weighed` the magnitudes weighed by the base's weights `changes + 1` times and by
    /// each change's: the evaluations' rounding and the combination's, with a margin of two
    /// or more (derived in docs/performance.md).
    fn error(&self, changes: usize, weighed: f64) -> f64 {
        4.0 * (changes as f64 + 2.0).powi(3) * self.gamma * weighed
    }
}

impl Change {
    /// Whether the two changes can be combined by [`Scorer::combined`].
    fn independent_of(&self, other: &Change) -> bool {
        let (x, y) = (self, other);
        if (x.question == y.question && !(x.weighs_only && y.weighs_only)) || (x.gates && y.gates) {
            return false;
        }
        if x.moved.contains(&y.question) || y.moved.contains(&x.question) {
            return false;
        }
        x.mask & y.mask == 0
            || (!x.reweighs.iter().any(|c| y.reweighs.contains(c))
                && !x.slots.iter().any(|s| y.slots.contains(s)))
    }
}

/// The rounding bound of `tree`'s scores: `None` when the tree is so large (or its
/// points so extreme) that no useful bound holds.
fn error_bound(tree: &Tree) -> Option<ErrorBound> {
    let n_crit = tree.criteria.len();
    let mut magnitude = vec![0.0f64; tree.alternatives.len() * n_crit];
    let (mut terms, mut multipliers) = (0usize, 0usize);
    let mut add = |effects: &[Effect], largest_factor: f64| {
        for e in effects {
            if let Some((a, c)) = e.target() {
                magnitude[a * n_crit + c] += e.points.abs() * largest_factor;
                terms += 1;
            }
        }
    };
    for q in &tree.questions {
        for o in &q.options {
            add(&o.effects, 1.0);
            multipliers += o.weights.len();
        }
        if let Some(s) = &q.scale {
            // The fraction is linear in the value, which is kept within the range.
            let largest = s.fraction(s.min).abs().max(s.fraction(s.max).abs());
            add(&s.effects, largest);
            multipliers += 1;
        }
        if let Some(p) = &q.priorities {
            multipliers += p.criteria.len();
        }
    }
    let ku = (terms + multipliers + n_crit + 8) as f64 * (f64::EPSILON / 2.0);
    if ku >= 1e-3 || magnitude.iter().any(|m| !m.is_finite()) {
        return None;
    }
    Some(ErrorBound {
        gamma: ku / (1.0 - ku),
        magnitude,
        base_weighed: Vec::new(),
    })
}

/// Per alternative, the sum over criteria of `magnitude` times the weight's magnitude.
fn weighed(magnitude: &[f64], weights: &[f64]) -> Vec<f64> {
    magnitude
        .chunks(weights.len().max(1))
        .map(|cells| cells.iter().zip(weights).map(|(m, w)| m * w.abs()).sum())
        .collect()
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

    use super::{Change, Scorer};
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
            6 => q.options.first().map(|o| {
                Answer::Choices(vec![o.id.to_string(), o.id.to_string(), "unknown".into()])
            }),
            7 => Some(Answer::Priorities(
                tree.criteria
                    .iter()
                    .enumerate()
                    .filter(|(c, _)| i >> c & 1 == 1)
                    .map(|(c, x)| (x.id.to_string(), (i >> (c + 3)) as i64 % 4))
                    .collect::<BTreeMap<_, _>>(),
            )),
            _ => Some(match q.kind {
                Kind::Single | Kind::YesNo => Answer::Choice(q.options[i % n].id.to_string()),
                Kind::Multiple => Answer::Choices(
                    q.options
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| i >> k & 1 == 1)
                        .map(|(_, o)| o.id.to_string())
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
                        .map(|(c, x)| (x.id.to_string(), 1 + (i >> (c + 2)) as i64 % 5))
                        .collect(),
                ),
            }),
        }
    }

    /// One answer per question of `tree`, from `picks` taken in turn (see [`answer`]).
    fn answer_set(tree: &Tree, picks: &[u32]) -> Vec<Option<Answer>> {
        tree.questions
            .iter()
            .zip(picks.iter().cycle())
            .map(|(q, &v)| answer(tree, q, v))
            .collect()
    }

    /// Scores several answer sets with one scorer (its buffers reused) and compares each
    /// with the straightforward computation, bit for bit.
    fn agree(tree: &Tree, sets: &[Vec<u32>]) -> Result<(), TestCaseError> {
        let mut scorer = Scorer::new(tree);
        let mut previous: Option<Vec<usize>> = None;
        for picks in sets {
            let answers = answer_set(tree, picks);
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
                levels.insert(tree.criteria[c].id.to_string(), level);
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

    /// The small tree with numbers that do not add up exactly in binary.
    fn small_rounding() -> String {
        SMALL
            .replace("points = 2.5", "points = 0.1")
            .replace("points = 3.0", "points = 0.7")
            .replace("points = -1.25", "points = -1.3")
            .replace("multiplier = 1.5", "multiplier = 1.1")
            .replace("max = 5", "max = 8")
    }

    /// Single changes of a base answer set, then every pair and triple of them (of
    /// distinct questions): where [`Scorer::combined`] computes the scores, each is within
    /// its bound of the evaluated one, and the same alternatives are ruled out; where
    /// [`Scorer::quickly_kept`] says a pair keeps the verdict, it does.
    fn combined_within_bound(
        tree: &Tree,
        base: &[u32],
        others: &[u32],
    ) -> Result<(), TestCaseError> {
        let mut scorer = Scorer::new(tree);
        let answers = answer_set(tree, base);
        let state = scorer.state(&answers);
        let base = scorer.outcome(&state).verdict;
        scorer.set_base(&state);
        let mut changes = Vec::new();
        for (n, &v) in others.iter().enumerate() {
            let q = (v as usize ^ n) % tree.questions.len();
            let Some(a) = answer(tree, &tree.questions[q], v.rotate_left(7)) else {
                continue;
            };
            let e = scorer.add(q, Some(&a));
            let mut single = state.clone();
            single[q] = e;
            let out = scorer.outcome_from(&single, q);
            if let Some(c) = scorer.change(q, e, &out) {
                changes.push((q, e, c));
            }
        }
        let n = changes.len();
        let sets = (0..n)
            .flat_map(|i| (i + 1..n).map(move |j| vec![i, j]))
            .chain((0..n).flat_map(|i| {
                (i + 1..n).flat_map(move |j| (j + 1..n).map(move |k| vec![i, j, k]))
            }));
        for set in sets {
            // (Two changes of one question combine only as levels of one priorities
            // answer, which the robustness tests cover.)
            let question = |n: usize| changes[set[n]].0;
            if (1..set.len()).any(|n| (0..n).any(|m| question(m) == question(n))) {
                continue;
            }
            let refs: Vec<&Change> = set.iter().map(|&i| &changes[i].2).collect();
            let mut combined = state.clone();
            for &i in &set {
                combined[changes[i].0] = changes[i].1;
            }
            if let [x, y] = refs[..]
                && scorer.quickly_kept(x, y, &base)
            {
                prop_assert_eq!(
                    &scorer.outcome(&combined).verdict,
                    &base,
                    "quickly kept: {:?}",
                    set
                );
            }
            let Some((scores, error)) = scorer.combined(&refs).map(|(s, e)| (s.to_vec(), e)) else {
                continue;
            };
            let exact = scorer.outcome(&combined);
            let all = exact.excluded.iter().all(|&x| x);
            for (a, (&got, &want)) in scores.iter().zip(&exact.scores).enumerate() {
                if exact.excluded[a] && !all {
                    prop_assert_eq!(got, f64::NEG_INFINITY);
                } else {
                    prop_assert!(
                        (got - want).abs() <= error,
                        "{} vs {} (bound {}) for {:?}",
                        got,
                        want,
                        error,
                        set
                    );
                }
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
        fn combined_scores_are_within_their_bound(
            base in vec(any::<u32>(), 1..40),
            others in vec(any::<u32>(), 1..9),
        ) {
            let tree = Tree::parse(DEFAULT_TREE_NAME, DEFAULT_TREE).expect("built-in tree");
            combined_within_bound(&tree, &base, &others)?;
            let tree = Tree::parse("small.toml", &small_rounding()).expect("small tree");
            combined_within_bound(&tree, &base, &others)?;
        }

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
