//! How easily the verdict flips: tipping points (the smallest sets of answer changes that
//! change the verdict), how many single changes flip it, whether answering the open
//! questions could, and which open questions matter most. Computed by re-evaluating the
//! answers with changes applied, not guessed from the margin.
//!
//! What counts as one change: another option of a single-choice question, ticking or
//! unticking one option of a multiple-choice question, another value of a scale, or
//! another level for one criterion of a priorities question. A set changes each question
//! at most once (each criterion of a priorities question counts as its own answer).
//!
//! Single changes and pairs are searched exhaustively. Three-answer changes are searched
//! only when no pair flips the verdict: the candidates are ranked by the sum of their
//! single effects and the most promising are checked by re-evaluation, so every reported
//! one is real but the list may be incomplete. Whether the open questions can flip the
//! verdict is decided exactly by enumerating their answers (and the follow-ups they
//! reveal) when there are at most [`MAX_ENUMERATION`] combinations; otherwise by a greedy
//! search for a flip and a sound bound (see `open_bound`); when neither decides, the
//! answer is "maybe", which counts as "can".

use crate::answers::{Answer, Answers};
use crate::flow;
use crate::model::{Condition, Kind, Question, Tree};
use crate::recommend::{Evaluation, Outcome, Recommendation, Verdict};
use crate::scoring::{Change, Scorer};

/// Tipping points listed at most.
pub const HANDFUL: usize = 5;

/// The open questions' answers are enumerated exactly up to this many combinations.
pub const MAX_ENUMERATION: u64 = 20_000;

/// Three-answer candidates checked by re-evaluation at most.
pub const MAX_TRIPLES_CHECKED: usize = 300;

/// A multiple-choice question with at most this many options has every combination of
/// options enumerated as a possible answer to an open question (single ticks otherwise).
const MAX_SUBSET_OPTIONS: usize = 6;

/// How robust the verdict is, from the search.
#[derive(Debug, Clone, PartialEq)]
pub struct Robustness {
    pub level: Level,
    /// How many single answer changes flip the verdict by the weighing (not counting
    /// changes that rule the verdict out).
    pub single_flips: usize,
    /// How many single answer changes rule the verdict out (hard constraints): reported,
    /// but not counted against robustness.
    pub constraint_flips: usize,
    /// How many pairs of changes flip it without either flipping it alone; `None` when
    /// pairs were not searched (a single change already flips it and the list is full).
    pub pair_flips: Option<usize>,
    /// The smallest sets of changes that flip the verdict, smallest first.
    pub tipping_points: Vec<TippingPoint>,
    /// Whether three-answer changes were searched (only when no pair flips).
    pub triples_searched: bool,
    /// Open questions (shown, unanswered, able to move the verdict), the largest swing
    /// first.
    pub open_questions: Vec<OpenQuestion>,
    pub open_questions_can_flip: OpenFlip,
    /// How `open_questions_can_flip` was decided.
    pub open_search: OpenSearch,
    /// Declared conflicts between the answers hold.
    pub conflicts: bool,
    /// The verdict is forced by exclusions while the scores favour another alternative.
    pub forced_against_scores: bool,
}

/// The robustness level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Answering the open questions could give another verdict.
    Insufficient,
    /// One answer change flips it, or the answers conflict.
    Low,
    /// No single change flips it, but two can (or it is forced against the scores).
    Medium,
    /// No change of one or two answers flips it, and the open questions cannot.
    High,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Insufficient => "insufficient",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }
}

/// Whether answering the open questions could change the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenFlip {
    No,
    Yes,
    /// Neither a flip nor a proof that none exists was found within the search bound.
    Maybe,
}

impl OpenFlip {
    /// `Yes` or `Maybe`: the verdict cannot be relied on before they are answered.
    pub fn possible(self) -> bool {
        !matches!(self, OpenFlip::No)
    }

    pub fn name(self) -> &'static str {
        match self {
            OpenFlip::No => "no",
            OpenFlip::Yes => "yes",
            OpenFlip::Maybe => "maybe",
        }
    }
}

/// How the open questions were searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenSearch {
    /// No open question can move the verdict.
    Nothing,
    /// Decided exactly: a flip was found, or every combination of answers was tried.
    Exact,
    /// Too many combinations: a greedy search and a bound.
    Bounded,
}

impl OpenSearch {
    pub fn name(self) -> &'static str {
        match self {
            OpenSearch::Nothing => "nothing-open",
            OpenSearch::Exact => "exact",
            OpenSearch::Bounded => "bounded",
        }
    }
}

/// One changed answer of a tipping point.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerChange {
    /// The answer to a question changes.
    Answer {
        question: usize,
        from: Answer,
        to: Answer,
    },
    /// The level of one criterion of a priorities question changes.
    Priority {
        question: usize,
        criterion: usize,
        from: i64,
        to: i64,
    },
}

impl AnswerChange {
    /// The question changed.
    pub fn question(&self) -> usize {
        match self {
            AnswerChange::Answer { question, .. } | AnswerChange::Priority { question, .. } => {
                *question
            }
        }
    }

    /// The answer after and before the change, in words: option labels, or priority
    /// level labels.
    pub fn labels(&self, tree: &Tree) -> (String, String) {
        match self {
            AnswerChange::Answer { question, from, to } => {
                let q = &tree.questions[*question];
                (to.describe(q), from.describe(q))
            }
            AnswerChange::Priority {
                question, from, to, ..
            } => {
                let p = tree.questions[*question].priorities.as_ref();
                let label = |l: i64| {
                    p.and_then(|p| p.level(l))
                        .map_or_else(|| l.to_string(), |x| x.label.to_string())
                };
                (label(*to), label(*from))
            }
        }
    }
}

/// A set of answer changes that changes the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct TippingPoint {
    pub changes: Vec<AnswerChange>,
    /// The verdict with the changes applied.
    pub verdict: Verdict,
    /// The changes rule the current verdict out (a hard constraint) rather than change
    /// the weighing.
    pub constraint: bool,
}

/// An unanswered question that could move the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenQuestion {
    pub question: usize,
    /// The largest change of the margin between the verdict and another alternative that
    /// one answer to it causes, in weighted points.
    pub swing: f64,
    /// The alternative that answer favours.
    pub toward: Option<usize>,
    /// Some answer to this question alone changes the verdict.
    pub flips_alone: bool,
}

/// One possible change, as applied to answers by position.
#[derive(Debug, Clone, PartialEq)]
enum Edit {
    /// Replace the answer.
    Set { question: usize, to: Answer },
    /// Tick or untick one option of a multiple-choice question.
    Toggle { question: usize, option: usize },
    /// Give one criterion of a priorities question another level.
    Level {
        question: usize,
        criterion: usize,
        level: i64,
    },
}

impl Edit {
    fn question(&self) -> usize {
        match self {
            Edit::Set { question, .. }
            | Edit::Toggle { question, .. }
            | Edit::Level { question, .. } => *question,
        }
    }

    /// Edits with the same slot cannot be combined.
    fn slot(&self) -> (usize, Option<usize>) {
        match self {
            Edit::Set { question, .. } | Edit::Toggle { question, .. } => (*question, None),
            Edit::Level {
                question,
                criterion,
                ..
            } => (*question, Some(*criterion)),
        }
    }
}

impl Outcome {
    /// How the outcome compares with the base verdict: unchanged, flipped by the
    /// weighing, or flipped because the answers now rule the base verdict out.
    fn flip(&self, base: &Verdict, base_excluded: &[bool]) -> Flip {
        if self.verdict == *base {
            Flip::None
        } else if (0..self.excluded.len())
            .any(|a| base.includes(a) && self.excluded[a] && !base_excluded[a])
        {
            Flip::Constraint
        } else {
            Flip::Weighing
        }
    }
}

/// Whether and how a change flips the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flip {
    None,
    /// The weighing changes (including the removal of an exclusion that forced it).
    Weighing,
    /// The changed answers rule the verdict out: a new hard constraint, reported but not
    /// counted against robustness.
    Constraint,
}

/// The answers of `base` with `edits` applied: the edited answers, owned.
type Edited = Vec<(usize, Answer)>;

/// The answers by position, as owned values: only answers to shown questions.
fn base_answers(tree: &Tree, answers: &Answers) -> Vec<Option<Answer>> {
    let refs = flow::by_position(tree, answers);
    let flow = flow::Flow::from_positions(tree, &refs);
    refs.into_iter()
        .enumerate()
        .map(|(i, a)| a.filter(|_| flow.is_shown(i)).cloned())
        .collect()
}

/// The answers `edits` give the questions they change.
fn edited_answers(tree: &Tree, base: &[Option<Answer>], edits: &[&Edit]) -> Edited {
    let mut out: Edited = Vec::with_capacity(edits.len());
    let current = |out: &Edited, q: usize| -> Option<Answer> {
        out.iter()
            .rev()
            .find(|(i, _)| *i == q)
            .map(|(_, a)| a.clone())
            .or_else(|| base[q].clone())
    };
    for e in edits {
        match e {
            Edit::Set { question, to } => out.push((*question, to.clone())),
            Edit::Toggle { question, option } => {
                let q = &tree.questions[*question];
                let id = &q.options[*option].id;
                let mut chosen = match current(&out, *question) {
                    Some(Answer::Choices(cs)) => cs,
                    _ => Vec::new(),
                };
                if let Some(p) = chosen.iter().position(|c| c == id) {
                    chosen.remove(p);
                } else {
                    chosen.push(id.to_string());
                    chosen.sort_by_key(|c| q.options.iter().position(|o| &o.id == c));
                }
                out.push((*question, Answer::Choices(chosen)));
            }
            Edit::Level {
                question,
                criterion,
                level,
            } => {
                let mut levels = match current(&out, *question) {
                    Some(Answer::Priorities(l)) => l,
                    _ => Default::default(),
                };
                levels.insert(tree.criteria[*criterion].id.to_string(), *level);
                out.push((*question, Answer::Priorities(levels)));
            }
        }
    }
    // Later edits of one question include the earlier ones: keep the last.
    let mut seen = Vec::new();
    out.reverse();
    out.retain(|(q, _)| {
        let first = !seen.contains(q);
        seen.push(*q);
        first
    });
    out
}

/// The answer sets the searches evaluate, as entries of a scoring table: the base answers,
/// every single change, and the possible answers of open questions.
struct Search<'t, 'b> {
    tree: &'t Tree,
    base: &'b [Option<Answer>],
    scorer: Scorer<'t>,
    /// The entry of each base answer, by question.
    base_state: Vec<usize>,
    /// Every single change, in tree order.
    all: Vec<Edit>,
    /// Per single change, the entries of the answers it gives, by question.
    edited: Vec<Vec<(usize, usize)>>,
    /// Per single change, what it does to the base's totals, once evaluated (`None` when
    /// combinations with it must be evaluated; see [`Scorer::change`]).
    changes: Vec<Option<Change>>,
    /// Whether combinations that surely keep the verdict are passed over unevaluated.
    shortcut: bool,
    /// Per question, the entries of its possible answers once asked for.
    possible: Vec<Option<std::ops::Range<usize>>>,
    /// The answer set being evaluated.
    state: Vec<usize>,
}

impl<'t, 'b> Search<'t, 'b> {
    fn new(tree: &'t Tree, base: &'b [Option<Answer>], shortcut: bool) -> Search<'t, 'b> {
        let mut scorer = Scorer::new(tree);
        let all = edits(tree, base);
        // An entry for each base answer and one for each change (most give one).
        scorer.reserve(base.iter().flatten().count() + all.len());
        let base_state = scorer.state(base);
        scorer.set_base(&base_state);
        let edited = all
            .iter()
            .map(|e| {
                edited_answers(tree, base, &[e])
                    .iter()
                    .map(|(q, a)| (*q, scorer.add(*q, Some(a))))
                    .collect()
            })
            .collect();
        Search {
            tree,
            base,
            scorer,
            state: base_state.clone(),
            base_state,
            changes: vec![None; all.len()],
            all,
            edited,
            shortcut,
            possible: vec![None; tree.questions.len()],
        }
    }

    /// Evaluates the base answers with the single changes `set` (positions in `all`)
    /// applied; `None` when a set of several changes leaves one of them hidden.
    fn with_edits(&mut self, set: &[usize]) -> Option<Outcome> {
        self.state.clone_from(&self.base_state);
        let mark = self.scorer.len();
        let all = &self.all;
        let levels = |i: usize| matches!(all[i], Edit::Level { .. });
        // Changes of distinct questions, or levels of one priorities question: combined
        // from the entries of the single changes.
        let combinable = set.iter().enumerate().all(|(n, &i)| {
            set[..n]
                .iter()
                .all(|&j| all[j].question() != all[i].question() || (levels(i) && levels(j)))
        });
        if combinable {
            for (n, &i) in set.iter().enumerate() {
                let q = all[i].question();
                let again = set[..n].iter().any(|&j| all[j].question() == q);
                match &all[i] {
                    Edit::Level {
                        criterion, level, ..
                    } if again => {
                        self.state[q] = self.scorer.relevel(self.state[q], q, *criterion, *level);
                    }
                    _ => {
                        for &(q, e) in &self.edited[i] {
                            self.state[q] = e;
                        }
                    }
                }
            }
        } else {
            let edits: Vec<&Edit> = set.iter().map(|&i| &all[i]).collect();
            for (q, a) in edited_answers(self.tree, self.base, &edits) {
                self.state[q] = self.scorer.add(q, Some(&a));
            }
        }
        // The answers before the first changed question are the base's.
        let from = set.iter().map(|&i| all[i].question()).min().unwrap_or(0);
        let out = self.scorer.outcome_from(&self.state, from);
        // The entries made for this set are not needed again.
        self.scorer.truncate(mark);
        if set.len() > 1
            && set
                .iter()
                .any(|&i| !self.scorer.shown(self.all[i].question()))
        {
            return None;
        }
        Some(out)
    }

    /// Evaluates the single change `i` (see [`Search::with_edits`]) and keeps what it does
    /// for [`Search::surely_kept`].
    fn single(&mut self, i: usize) -> Option<Outcome> {
        let out = self.with_edits(&[i])?;
        if let [(q, e)] = self.edited[i][..] {
            self.changes[i] = self.scorer.change(q, e, &out);
        }
        Some(out)
    }

    /// Whether the changes `set` (positions in `all`, each evaluated by
    /// [`Search::single`]) surely keep `verdict`, known without evaluating them; `false`
    /// when it is not known.
    fn surely_kept(&mut self, set: &[usize], verdict: &Verdict) -> bool {
        if !self.shortcut {
            return false;
        }
        let change = |i: usize| self.changes[i].as_ref();
        let scorer = &mut self.scorer;
        match *set {
            [i, j] => match (change(i), change(j)) {
                (Some(a), Some(b)) => scorer.surely(&[a, b], verdict),
                _ => false,
            },
            [i, j, k] => match (change(i), change(j), change(k)) {
                (Some(a), Some(b), Some(c)) => scorer.surely(&[a, b, c], verdict),
                _ => false,
            },
            _ => false,
        }
    }

    /// The entries of the possible answers of question `q` (see `possible_answers`).
    fn possible(&mut self, q: usize) -> std::ops::Range<usize> {
        if let Some(r) = &self.possible[q] {
            return r.clone();
        }
        let answers = possible_answers(&self.tree.questions[q]);
        let mut range = 0..0;
        for (n, a) in answers.iter().enumerate() {
            let e = self.scorer.add(q, Some(a));
            if n == 0 {
                range.start = e;
            }
            range.end = e + 1;
        }
        self.possible[q] = Some(range.clone());
        range
    }

    /// Evaluates the base answers with question `q` given the answer of entry `entry`.
    fn with_answer(&mut self, q: usize, entry: usize) -> Outcome {
        self.state.clone_from(&self.base_state);
        self.state[q] = entry;
        self.scorer.outcome_from(&self.state, q)
    }
}

/// Every single change of the given answers, in tree order.
fn edits(tree: &Tree, base: &[Option<Answer>]) -> Vec<Edit> {
    let refs: Vec<Option<&Answer>> = base.iter().map(Option::as_ref).collect();
    let flow = flow::Flow::from_positions(tree, &refs);
    let mut out = Vec::new();
    for qi in flow.visible() {
        let q = &tree.questions[qi];
        if !q.is_scored() {
            continue;
        }
        match (q.kind, &base[qi]) {
            (Kind::Single | Kind::YesNo, Some(Answer::Choice(c))) => {
                for o in q.options.iter().filter(|o| &o.id != c) {
                    out.push(Edit::Set {
                        question: qi,
                        to: Answer::Choice(o.id.to_string()),
                    });
                }
            }
            (Kind::Multiple, Some(Answer::Choices(_))) => {
                for option in 0..q.options.len() {
                    out.push(Edit::Toggle {
                        question: qi,
                        option,
                    });
                }
            }
            (Kind::Scale, Some(Answer::Scale(v))) => {
                if let Some(s) = &q.scale {
                    for to in (s.min..=s.max).filter(|x| x != v) {
                        out.push(Edit::Set {
                            question: qi,
                            to: Answer::Scale(to),
                        });
                    }
                }
            }
            (Kind::Priorities, answer) => {
                let Some(p) = &q.priorities else { continue };
                for &c in &p.criteria {
                    let id = &tree.criteria[c].id;
                    let now = answer
                        .as_ref()
                        .and_then(|a| a.priority(id))
                        .unwrap_or(p.default);
                    for level in (1..=p.max_level()).filter(|l| *l != now) {
                        out.push(Edit::Level {
                            question: qi,
                            criterion: c,
                            level,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The changes of a tipping point, in words the reports can use.
fn describe(tree: &Tree, base: &[Option<Answer>], edits: &[&Edit]) -> Vec<AnswerChange> {
    edits
        .iter()
        .map(|e| match e {
            Edit::Level {
                question,
                criterion,
                level,
            } => {
                let p = tree.questions[*question].priorities.as_ref();
                let id = &tree.criteria[*criterion].id;
                let from = base[*question]
                    .as_ref()
                    .and_then(|a| a.priority(id))
                    .or(p.map(|p| p.default))
                    .unwrap_or(0);
                AnswerChange::Priority {
                    question: *question,
                    criterion: *criterion,
                    from,
                    to: *level,
                }
            }
            _ => {
                let q = e.question();
                let from = base[q].clone().unwrap_or(Answer::Choices(Vec::new()));
                let to = edited_answers(tree, base, edits)
                    .into_iter()
                    .find(|(i, _)| *i == q)
                    .map_or_else(|| from.clone(), |(_, a)| a);
                AnswerChange::Answer {
                    question: q,
                    from,
                    to,
                }
            }
        })
        .collect()
}

/// How far the searches go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Combinations of changes whose verdict is certain from the single changes' effects
    /// (within a bound on rounding) are not evaluated; off, every one is (the tests compare
    /// the two).
    pub shortcut: bool,
    /// The open questions' answers are enumerated exactly up to this many combinations.
    pub max_enumeration: u64,
    /// Three-answer candidates checked by re-evaluation at most.
    pub max_triples_checked: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            shortcut: true,
            max_enumeration: MAX_ENUMERATION,
            max_triples_checked: MAX_TRIPLES_CHECKED,
        }
    }
}

/// Analyses how easily the verdict of `rec` (the quick recommendation of `answers`) flips.
pub fn analyse(tree: &Tree, answers: &Answers, rec: &Recommendation) -> Robustness {
    analyse_with(tree, answers, rec, Limits::default())
}

/// [`analyse`] with other search limits (tests use it to reach the bounded searches on
/// small trees).
pub fn analyse_with(
    tree: &Tree,
    answers: &Answers,
    rec: &Recommendation,
    limits: Limits,
) -> Robustness {
    let base = base_answers(tree, answers);
    let base_verdict = rec.verdict.clone();
    let mut base_excluded = vec![false; tree.alternatives.len()];
    for e in &rec.ruled_out {
        base_excluded[e.alternative] = true;
    }
    let mut search = Search::new(tree, &base, limits.shortcut);
    let n = search.all.len();

    // Single changes, exhaustively.
    let mut singles: Vec<Option<Outcome>> = Vec::with_capacity(n);
    let mut tipping_points = Vec::new();
    let mut listed_questions: Vec<usize> = Vec::new();
    let (mut single_flips, mut constraint_flips) = (0, 0);
    for i in 0..n {
        let Some(out) = search.single(i) else {
            singles.push(None);
            continue;
        };
        let e = &search.all[i];
        let flip = out.flip(&base_verdict, &base_excluded);
        match flip {
            Flip::None => {}
            Flip::Weighing => single_flips += 1,
            Flip::Constraint => constraint_flips += 1,
        }
        if flip != Flip::None
            && tipping_points.len() < HANDFUL
            && !listed_questions.contains(&e.question())
        {
            listed_questions.push(e.question());
            tipping_points.push(TippingPoint {
                changes: describe(tree, &base, &[e]),
                verdict: out.verdict.clone(),
                constraint: flip == Flip::Constraint,
            });
        }
        singles.push(Some(out));
    }
    let flips_alone: Vec<bool> = singles
        .iter()
        .map(|o| o.as_ref().is_some_and(|o| o.verdict != base_verdict))
        .collect();

    // Pairs, exhaustively, when they decide the level or fill the list.
    let mut pair_flips = None;
    if single_flips == 0 || tipping_points.len() < HANDFUL {
        let mut count = 0;
        let mut listed_pairs: Vec<(usize, usize)> = Vec::new();
        // The slot of each change, and whether it may pair with others at all, looked up
        // once rather than for each of the pairs.
        let slots: Vec<(usize, Option<usize>)> = search.all.iter().map(Edit::slot).collect();
        let pairs: Vec<bool> = (0..n)
            .map(|i| !flips_alone[i] && singles[i].is_some())
            .collect();
        for i in 0..n {
            if !pairs[i] {
                continue;
            }
            let (qi, level_i) = slots[i];
            for j in i + 1..n {
                if !pairs[j] || slots[i] == slots[j] {
                    continue;
                }
                if qi == slots[j].0 && level_i.is_none() {
                    continue;
                }
                if search.surely_kept(&[i, j], &base_verdict) {
                    continue;
                }
                let Some(out) = search.with_edits(&[i, j]) else {
                    continue;
                };
                let all = &search.all;
                let flip = out.flip(&base_verdict, &base_excluded);
                if flip == Flip::Weighing {
                    count += 1;
                }
                let key = (all[i].question(), all[j].question());
                if flip != Flip::None
                    && tipping_points.len() < HANDFUL
                    && !listed_pairs.contains(&key)
                {
                    listed_pairs.push(key);
                    tipping_points.push(TippingPoint {
                        changes: describe(tree, &base, &[&all[i], &all[j]]),
                        verdict: out.verdict,
                        constraint: flip == Flip::Constraint,
                    });
                }
            }
        }
        pair_flips = Some(count);
    }

    // Three changes, only when nothing smaller flips: ranked by the sum of single
    // effects, the most promising checked.
    let triples_searched = single_flips == 0 && pair_flips == Some(0);
    if triples_searched {
        let singles = Singles {
            outcomes: &singles,
            flips_alone: &flips_alone,
        };
        search_triples(
            &mut search,
            rec,
            &singles,
            limits.max_triples_checked,
            &mut tipping_points,
        );
    }
    // Smallest first; within a size, changes of the weighing before new constraints.
    tipping_points.sort_by_key(|t| (t.changes.len(), t.constraint));

    let (open_questions, open_flip, open_search) = open(&mut search, rec, limits.max_enumeration);
    let conflicts = !rec.conflicts.is_empty();
    let forced_against_scores = rec.forced_against_scores();
    let level = if open_flip.possible() {
        Level::Insufficient
    } else if conflicts || single_flips > 0 {
        Level::Low
    } else if forced_against_scores || pair_flips.is_some_and(|n| n > 0) {
        Level::Medium
    } else {
        Level::High
    };
    Robustness {
        level,
        single_flips,
        constraint_flips,
        pair_flips,
        tipping_points,
        triples_searched,
        open_questions,
        open_questions_can_flip: open_flip,
        open_search,
        conflicts,
        forced_against_scores,
    }
}

/// The score differences `leader - other` for each other alternative, as a vector.
fn gaps(scores: &[f64], leader: usize) -> Vec<f64> {
    scores.iter().map(|s| scores[leader] - s).collect()
}

/// The single changes and what each did, for the three-answer search.
struct Singles<'a> {
    /// The outcome of each edit (`None` when it is not coherent).
    outcomes: &'a [Option<Outcome>],
    flips_alone: &'a [bool],
}

fn search_triples(
    search: &mut Search<'_, '_>,
    rec: &Recommendation,
    singles: &Singles<'_>,
    max_checked: usize,
    tipping_points: &mut Vec<TippingPoint>,
) {
    let all = &search.all;
    let leader = rec.verdict.first();
    let base_gaps = gaps(&rec.scores, leader);
    // Each single change's effect on the gaps.
    let deltas: Vec<Option<Vec<f64>>> = singles
        .outcomes
        .iter()
        .zip(singles.flips_alone)
        .map(|(o, &alone)| {
            o.as_ref().filter(|_| !alone).map(|o| {
                gaps(&o.scores, leader)
                    .iter()
                    .zip(&base_gaps)
                    .map(|(g, b)| g - b)
                    .collect()
            })
        })
        .collect();
    let compatible = |i: usize, j: usize| {
        all[i].slot() != all[j].slot()
            && !(all[i].question() == all[j].question() && all[i].slot().1.is_none())
    };
    let threshold = rec.margin.difference.abs() * 0.25;
    let mut candidates = triple_candidates(&deltas, &base_gaps, leader, threshold, compatible);
    candidates.sort_by(|a, b| {
        a.0.total_cmp(&b.0)
            .then((a.1, a.2, a.3).cmp(&(b.1, b.2, b.3)))
    });
    let mut listed: Vec<(usize, usize, usize)> = Vec::new();
    for &(_, i, j, k) in candidates.iter().take(max_checked) {
        if tipping_points.len() >= HANDFUL {
            break;
        }
        if search.surely_kept(&[i, j, k], &rec.verdict) {
            continue;
        }
        let Some(out) = search.with_edits(&[i, j, k]) else {
            continue;
        };
        let all = &search.all;
        let key = (all[i].question(), all[j].question(), all[k].question());
        // Minimal: no pair of the three flips the verdict by itself.
        let mut pair_flips = |a: usize, b: usize| {
            search
                .with_edits(&[a, b])
                .is_some_and(|x| x.verdict != rec.verdict)
        };
        if out.verdict != rec.verdict
            && !listed.contains(&key)
            && !pair_flips(i, j)
            && !pair_flips(i, k)
            && !pair_flips(j, k)
        {
            let all = &search.all;
            let set = [&all[i], &all[j], &all[k]];
            listed.push(key);
            let constraint = (0..out.excluded.len())
                .any(|a| rec.verdict.includes(a) && out.excluded[a])
                && !rec
                    .ruled_out
                    .iter()
                    .any(|e| rec.verdict.includes(e.alternative));
            tipping_points.push(TippingPoint {
                changes: describe(search.tree, search.base, &set),
                verdict: out.verdict,
                constraint,
            });
        }
    }
}

/// The three-answer candidates: compatible triples `i < j < k` of single changes (with
/// their effect on the gaps, `None` for those left out) whose estimated smallest gap
/// (`base_gaps` plus the three deltas, the leader left out) is at most `threshold`.
fn triple_candidates(
    deltas: &[Option<Vec<f64>>],
    base_gaps: &[f64],
    leader: usize,
    threshold: f64,
    compatible: impl Fn(usize, usize) -> bool,
) -> Vec<(f64, usize, usize, usize)> {
    let n = deltas.len();
    let n_alt = base_gaps.len();
    // Per alternative, the smallest delta of the changes from `k` on (NaN ignored: a NaN
    // delta never makes a candidate).
    let mut floor = vec![f64::INFINITY; (n + 1) * n_alt];
    for k in (0..n).rev() {
        for a in 0..n_alt {
            let d = deltas[k].as_ref().map_or(f64::INFINITY, |d| d[a]);
            floor[k * n_alt + a] = floor[(k + 1) * n_alt + a].min(d);
        }
    }
    // Estimated smallest gap after the three changes: below zero predicts a flip.
    let mut candidates: Vec<(f64, usize, usize, usize)> = Vec::new();
    for i in 0..n {
        let Some(di) = &deltas[i] else { continue };
        for j in i + 1..n {
            let Some(dj) = &deltas[j] else { continue };
            if !compatible(i, j) {
                continue;
            }
            // Rounding is monotone, so with the smallest third delta the sum is a lower
            // bound of every estimate with `i` and `j`: above the threshold for every
            // alternative, no third change makes a candidate.
            let hopeless = threshold.is_finite()
                && (0..n_alt)
                    .filter(|&a| a != leader)
                    .all(|a| base_gaps[a] + di[a] + dj[a] + floor[(j + 1) * n_alt + a] > threshold);
            if hopeless {
                continue;
            }
            for (k, dk) in deltas.iter().enumerate().skip(j + 1) {
                let Some(dk) = dk else { continue };
                if !compatible(i, k) || !compatible(j, k) {
                    continue;
                }
                let estimate = (0..base_gaps.len())
                    .filter(|&a| a != leader)
                    .map(|a| base_gaps[a] + di[a] + dj[a] + dk[a])
                    .fold(f64::INFINITY, f64::min);
                if estimate <= threshold {
                    candidates.push((estimate, i, j, k));
                }
            }
        }
    }
    candidates
}

/// The possible answers of an open question, for the search.
fn possible_answers(q: &Question) -> Vec<Answer> {
    match q.kind {
        Kind::Single | Kind::YesNo => q
            .options
            .iter()
            .map(|o| Answer::Choice(o.id.to_string()))
            .collect(),
        Kind::Multiple if q.options.len() <= MAX_SUBSET_OPTIONS => (1u32..1 << q.options.len())
            .map(|mask| {
                Answer::Choices(
                    q.options
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask & (1 << i) != 0)
                        .map(|(_, o)| o.id.to_string())
                        .collect(),
                )
            })
            .collect(),
        Kind::Multiple => q
            .options
            .iter()
            .map(|o| Answer::Choices(vec![o.id.to_string()]))
            .collect(),
        Kind::Scale => q
            .scale
            .as_ref()
            .map(|s| (s.min..=s.max).map(Answer::Scale).collect())
            .unwrap_or_default(),
        Kind::Text | Kind::Priorities => Vec::new(),
    }
}

/// Whether an unanswered question counts as open: it can move the verdict (priorities
/// have a stated default and are an assumption, not an open question).
fn openable(q: &Question) -> bool {
    q.is_scored() && !matches!(q.kind, Kind::Priorities | Kind::Text)
}

/// The open questions ranked by swing, and whether answering them could flip the verdict.
fn open(
    search: &mut Search<'_, '_>,
    rec: &Recommendation,
    max_enumeration: u64,
) -> (Vec<OpenQuestion>, OpenFlip, OpenSearch) {
    let (tree, base) = (search.tree, search.base);
    let leader = rec.verdict.first();
    let base_gaps = gaps(&rec.scores, leader);
    let mut listed = Vec::new();
    let mut any_flip = false;
    for &qi in &rec.unanswered {
        let q = &tree.questions[qi];
        if !openable(q) {
            continue;
        }
        let mut best: Option<(f64, Option<usize>)> = None;
        let mut flips_alone = false;
        for entry in search.possible(qi) {
            let out = search.with_answer(qi, entry);
            flips_alone |= out.verdict != rec.verdict;
            let g = gaps(&out.scores, leader);
            for (a, (now, before)) in g.iter().zip(&base_gaps).enumerate() {
                if a == leader {
                    continue;
                }
                let change = now - before;
                let toward = if change < 0.0 { Some(a) } else { Some(leader) };
                if best.is_none_or(|(s, _)| change.abs() > s) {
                    best = Some((change.abs(), toward));
                }
            }
        }
        any_flip |= flips_alone;
        let (swing, toward) = best.unwrap_or((0.0, None));
        listed.push(OpenQuestion {
            question: qi,
            swing,
            toward: toward.filter(|_| swing > 0.0),
            flips_alone,
        });
    }
    listed.sort_by(|a, b| {
        b.swing
            .total_cmp(&a.swing)
            .then(a.question.cmp(&b.question))
    });
    // Questions that could still be answered: open ones, and hidden unanswered ones that
    // answering them might reveal.
    let candidates: Vec<usize> = (0..tree.questions.len())
        .filter(|&i| base[i].is_none() && openable(&tree.questions[i]))
        .collect();
    if candidates.is_empty() || listed.is_empty() {
        return (listed, OpenFlip::No, OpenSearch::Nothing);
    }
    if any_flip {
        return (listed, OpenFlip::Yes, OpenSearch::Exact);
    }
    let combinations = candidates.iter().try_fold(1u64, |acc, &i| {
        acc.checked_mul(possible_answers(&tree.questions[i]).len() as u64 + 1)
            .filter(|&n| n <= max_enumeration)
    });
    if combinations.is_some() {
        let mut state = search.base_state.clone();
        let flips = enumerate(search, &candidates, 0, &mut state, &rec.verdict);
        let flip = if flips { OpenFlip::Yes } else { OpenFlip::No };
        return (listed, flip, OpenSearch::Exact);
    }
    if greedy_flip(search, &candidates, rec) {
        return (listed, OpenFlip::Yes, OpenSearch::Bounded);
    }
    let flip = if open_bound(tree, base, &candidates, rec) {
        OpenFlip::No
    } else {
        OpenFlip::Maybe
    };
    (listed, flip, OpenSearch::Bounded)
}

/// Tries every combination of answers (or none) to the candidate questions from `from`
/// on; true as soon as one changes the verdict. Unshown questions are left unanswered, so
/// follow-ups count only where their condition holds.
fn enumerate(
    search: &mut Search<'_, '_>,
    candidates: &[usize],
    from: usize,
    state: &mut [usize],
    verdict: &Verdict,
) -> bool {
    let Some(&qi) = candidates.get(from) else {
        let scorer = &mut search.scorer;
        scorer.visibility(state);
        // An answer to a question that stays hidden changes nothing: skip duplicates.
        if candidates
            .iter()
            .any(|&c| scorer.answered(state[c]) && !scorer.shown(c))
        {
            return false;
        }
        return scorer.outcome(state).verdict != *verdict;
    };
    if enumerate(search, candidates, from + 1, state, verdict) {
        return true;
    }
    let unanswered = state[qi];
    for entry in search.possible(qi) {
        state[qi] = entry;
        let found = enumerate(search, candidates, from + 1, state, verdict);
        state[qi] = unanswered;
        if found {
            return true;
        }
    }
    false
}

/// For each other alternative, answers every candidate question (in order, follow-ups
/// included once shown) with what favours that alternative most; true if that flips.
fn greedy_flip(search: &mut Search<'_, '_>, candidates: &[usize], rec: &Recommendation) -> bool {
    let leader = rec.verdict.first();
    for other in (0..search.tree.alternatives.len()).filter(|&a| a != leader) {
        let mut state = search.base_state.clone();
        for &qi in candidates {
            let unanswered = state[qi];
            search.scorer.visibility(&state);
            if !search.scorer.shown(qi) {
                continue;
            }
            let mut best: Option<(f64, usize)> = None;
            for answer in search.possible(qi) {
                state[qi] = answer;
                let out = search.scorer.outcome(&state);
                let favour = if out.verdict.includes(other) {
                    f64::INFINITY
                } else {
                    out.scores[other] - out.scores[leader]
                };
                if best.as_ref().is_none_or(|(f, _)| favour > *f) {
                    best = Some((favour, answer));
                }
            }
            state[qi] = best.map_or(unanswered, |(_, a)| a);
        }
        if search.scorer.outcome(&state).verdict != rec.verdict {
            return true;
        }
    }
    false
}

/// A sound bound: true when no answers to the candidate questions can change the verdict.
///
/// Answering never hides a shown question (conditions have no negation, and a test on an
/// unanswered question is false), so completions only add effects, weight multipliers and
/// exclusions. For each other alternative `b`, the smallest possible `leader - b` is
/// bounded from below by letting every criterion's weight range over what the candidate
/// answers can make it, counting `b`'s gains in full (twice for effects with a fact, since
/// replacing a fact's strongest contribution can move it by up to twice the new points)
/// and the leader's gains only where they cannot be undone. If that bound stays above
/// zero for every `b`, and no candidate answer can rule the leader out, nothing flips.
fn open_bound(
    tree: &Tree,
    base: &[Option<Answer>],
    candidates: &[usize],
    rec: &Recommendation,
) -> bool {
    let leader = rec.verdict.first();
    let n_crit = tree.criteria.len();
    let refs: Vec<Option<&Answer>> = base.iter().map(Option::as_ref).collect();
    let ev = Evaluation::lean(tree, &refs);
    // Weight ranges.
    let mut wmin = ev.weights.clone();
    let mut wmax = ev.weights.clone();
    for &qi in candidates {
        let q = &tree.questions[qi];
        for c in 0..n_crit {
            let (mut lo, mut hi) = (1.0f64, 1.0f64);
            for o in &q.options {
                let m: f64 = o
                    .weights
                    .iter()
                    .filter(|w| w.criterion_at == Some(c))
                    .map(|w| w.multiplier)
                    .product();
                if q.kind == Kind::Multiple {
                    lo = lo.min(lo * m);
                    hi = hi.max(hi * m);
                } else {
                    lo = lo.min(m);
                    hi = hi.max(m);
                }
            }
            if let Some(s) = &q.scale
                && s.weight_of.as_deref().and_then(|w| tree.criterion_index(w)) == Some(c)
            {
                lo = 0.0;
                hi = hi.max(2.0);
            }
            wmin[c] *= lo;
            wmax[c] *= hi;
        }
        if q.options.iter().any(|o| {
            o.rules_out.iter().any(|r| {
                r.alternative
                    .as_deref()
                    .and_then(|a| tree.alternative_index(a))
                    == Some(leader)
            })
        }) {
            return false;
        }
    }
    let weigh = |c: usize, x: f64| (wmin[c] * x).min(wmax[c] * x);
    // Points now, per alternative and criterion, facts counted once.
    let mut points = vec![vec![0.0; n_crit]; tree.alternatives.len()];
    let mut best: Vec<((usize, usize, usize), f64)> = Vec::new();
    for c in &ev.contributions {
        let Some(a) = c.alternative else { continue };
        match c.fact {
            None => points[a][c.criterion] += c.points,
            Some(f) => match best.iter_mut().find(|(k, _)| *k == (f, a, c.criterion)) {
                Some((_, b)) if c.points.abs() > b.abs() => *b = c.points,
                Some(_) => {}
                None => best.push(((f, a, c.criterion), c.points)),
            },
        }
    }
    for ((_, a, c), p) in best {
        points[a][c] += p;
    }
    for other in (0..tree.alternatives.len()).filter(|&a| a != leader) {
        let mut low: f64 = (0..n_crit)
            .map(|c| weigh(c, points[leader][c] - points[other][c]))
            .sum();
        for &qi in candidates {
            let q = &tree.questions[qi];
            let bundles: Vec<Vec<&crate::model::Effect>> = match q.kind {
                Kind::Multiple => q
                    .options
                    .iter()
                    .map(|o| o.effects.iter().collect())
                    .collect(),
                Kind::Scale => vec![q.scale.iter().flat_map(|s| s.effects.iter()).collect()],
                _ => q
                    .options
                    .iter()
                    .map(|o| o.effects.iter().collect())
                    .collect(),
            };
            let mut worst = 0.0f64;
            let mut total_multiple = 0.0f64;
            for effects in bundles {
                let mut per = vec![0.0; n_crit];
                for e in effects {
                    let Some((a, c)) = e.target() else { continue };
                    // Negative points never raise `other`'s score, and positive points
                    // on a fact can raise the leader's by nothing at worst.
                    let x = if a == other {
                        let gain = e.points.max(0.0);
                        -(if e.fact_at.is_some() {
                            2.0 * gain
                        } else {
                            gain
                        })
                    } else if a == leader {
                        if e.fact_at.is_some() {
                            (2.0 * e.points).min(0.0)
                        } else {
                            e.points
                        }
                    } else {
                        0.0
                    };
                    per[c] += x;
                }
                let v: f64 = (0..n_crit).map(|c| weigh(c, per[c])).sum();
                if q.kind == Kind::Multiple {
                    total_multiple += v.min(0.0);
                } else {
                    worst = worst.min(v);
                }
            }
            low += if q.kind == Kind::Multiple {
                total_multiple
            } else {
                worst
            };
        }
        if low <= 0.0 {
            return false;
        }
    }
    true
}

/// The questions a condition tests, for callers that explain a conflict.
pub fn tested_questions(cond: &Condition) -> Vec<usize> {
    cond.questions()
}

#[cfg(test)]
mod tests {
    use proptest::collection::vec;
    use proptest::prelude::*;

    use super::triple_candidates;

    /// Every compatible triple, estimated one by one.
    fn every_triple(
        deltas: &[Option<Vec<f64>>],
        base_gaps: &[f64],
        leader: usize,
        threshold: f64,
        compatible: impl Fn(usize, usize) -> bool,
    ) -> Vec<(f64, usize, usize, usize)> {
        let n = deltas.len();
        let mut out = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                for k in j + 1..n {
                    let (Some(di), Some(dj), Some(dk)) = (&deltas[i], &deltas[j], &deltas[k])
                    else {
                        continue;
                    };
                    if !compatible(i, j) || !compatible(i, k) || !compatible(j, k) {
                        continue;
                    }
                    let estimate = (0..base_gaps.len())
                        .filter(|&a| a != leader)
                        .map(|a| base_gaps[a] + di[a] + dj[a] + dk[a])
                        .fold(f64::INFINITY, f64::min);
                    if estimate <= threshold {
                        out.push((estimate, i, j, k));
                    }
                }
            }
        }
        out
    }

    /// Mostly ordinary numbers, sometimes infinite or NaN.
    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![
            8 => -8.0f64..8.0,
            1 => prop::sample::select(vec![0.0, -0.0, 1e300, -1e300]),
            1 => prop::sample::select(vec![f64::INFINITY, f64::NEG_INFINITY, f64::NAN]),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 512,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Skipping the pairs no third change can complete leaves the candidates as they
        /// are, in the same order.
        #[test]
        fn pruned_triples_are_every_triple(
            n_alt in 1usize..=3,
            leader in 0usize..3,
            base in vec(number(), 3),
            deltas in vec(prop::option::weighted(0.9, vec(number(), 3)), 0..14),
            groups in vec(0usize..4, 14),
            threshold in number(),
        ) {
            let leader = leader % n_alt;
            let base_gaps = &base[..n_alt];
            let deltas: Vec<Option<Vec<f64>>> = deltas
                .into_iter()
                .map(|d| d.map(|d| d[..n_alt].to_vec()))
                .collect();
            let compatible = |i: usize, j: usize| groups[i] != groups[j] || i.is_multiple_of(3);
            let bits = |c: Vec<(f64, usize, usize, usize)>| {
                c.into_iter()
                    .map(|(e, i, j, k)| (e.to_bits(), i, j, k))
                    .collect::<Vec<_>>()
            };
            prop_assert_eq!(
                bits(triple_candidates(&deltas, base_gaps, leader, threshold, compatible)),
                bits(every_triple(&deltas, base_gaps, leader, threshold, compatible))
            );
        }
    }
}
