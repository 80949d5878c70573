//! The question tree as the engine sees it once loaded: alternatives, criteria, questions,
//! conditions, risks, conflicts, and the stages and paths of the stack plan. Only
//! [`crate::load`] builds a [`Tree`], and only from a file that passed [`crate::validate`],
//! so code that holds a `Tree` may rely on its references.

use std::borrow::Cow;
use std::collections::HashMap;
use std::num::NonZeroU32;

use compact_str::CompactString;

use crate::error::Problem;
use crate::source::{ShortSpan, Span};

/// Whether a text shows nothing: empty, or only white space, control characters and
/// invisible characters (zero-width space, joiners, bidi controls: see
/// [`crate::sanitize::is_invisible`]).
pub fn is_blank(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || c.is_control() || crate::sanitize::is_invisible(c))
}

/// A text of the model (an id, a title, a reason): borrowed from the binary for the
/// built-in tree and catalog, which are read from their compiled form without copying a
/// string, and owned for a tree or catalog loaded from a file, where a short one (up to
/// 24 bytes: ids, most labels) is kept inline without an allocation. It reads as a `str`.
///
/// So that the built-in texts can borrow, the model deserializes only from data that
/// lives as long as the program (`'de: 'static`): the compiled built-in tree and catalog.
/// Trees and catalogs from files are built by [`crate::load`] and [`crate::catalog`].
#[derive(Clone)]
pub struct Text(Repr);

/// Borrowed from the binary, or owned (inline when short). 24 bytes, like a `String`.
#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Owned(CompactString),
}

const _: () = assert!(std::mem::size_of::<Text>() == std::mem::size_of::<String>());

impl Text {
    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Owned(s) => s,
        }
    }

    /// Whether the text holds its bytes in an allocation of its own (rather than
    /// borrowing them from the binary or keeping them inline).
    #[cfg(test)]
    pub(crate) fn is_allocated(&self) -> bool {
        matches!(&self.0, Repr::Owned(s) if s.is_heap_allocated())
    }
}

impl Default for Text {
    fn default() -> Text {
        Text(Repr::Static(""))
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// Hashes as the `str` it reads as, so that maps keyed by `Text` can be searched by `&str`.
impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Repr::Owned(CompactString::from(s)))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Repr::Owned(CompactString::new(s)))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        match t.0 {
            Repr::Static(s) => s.to_owned(),
            Repr::Owned(s) => s.into_string(),
        }
    }
}

impl From<Text> for Cow<'static, str> {
    fn from(t: Text) -> Cow<'static, str> {
        match t.0 {
            Repr::Static(s) => Cow::Borrowed(s),
            Repr::Owned(s) => Cow::Owned(s.into_string()),
        }
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Only from data that lives as long as the program (the compiled built-in tree and
/// catalog): then each text borrows its bytes instead of being copied.
impl<'de> serde::Deserialize<'de> for Text
where
    'de: 'static,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor
        where
            'de: 'static,
        {
            type Value = Text;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text, E> {
                Ok(Text(Repr::Static(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Text, E> {
                Ok(Text::from(v))
            }

            fn visit_string<E>(self, v: String) -> Result<Text, E> {
                Ok(Text::from(v))
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// A loaded, validated question tree.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Tree {
    pub meta: TreeMeta,
    pub alternatives: Vec<Alternative>,
    pub criteria: Vec<Criterion>,
    pub questions: Vec<Question>,
    pub risks: Vec<Risk>,
    /// Answers that contradict each other, declared by the tree.
    pub conflicts: Vec<Conflict>,
    /// The stages of the lifecycle that the stack plan covers (empty: no plan).
    pub stages: Vec<Stage>,
    /// The ways a stage can be built; each belongs to an alternative.
    pub paths: Vec<PlanPath>,
    /// When licence changes concern the user (`[plan] licence_concern`): example tools
    /// with a licence-change risk are then listed last.
    pub licence_concern: Option<Condition>,
    /// Fact ids named by effects, in order of first mention.
    pub facts: Vec<Text>,
    /// Problems that do not stop the tree from loading, such as an option whose effects
    /// give every alternative the same points. Not kept in the compiled form of the
    /// built-in tree, which has none (the build fails otherwise).
    #[serde(skip)]
    pub warnings: Vec<Problem>,
    pub(crate) index: Index,
    /// Where the `[tree]` table is, for problems of the tree as a whole.
    pub(crate) meta_span: Span,
}

/// Id lookups, built once at load time.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub(crate) struct Index {
    pub questions: HashMap<Text, usize>,
    pub alternatives: HashMap<Text, usize>,
    pub criteria: HashMap<Text, usize>,
    pub stages: HashMap<Text, usize>,
    pub paths: HashMap<Text, usize>,
}

/// The `[tree]` table.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct TreeMeta {
    pub id: Text,
    pub title: Text,
    pub version: Text,
    pub description: Text,
}

/// One of the things being decided between.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Alternative {
    pub id: Text,
    pub title: Text,
    pub summary: Text,
    pub strengths: Vec<Text>,
    pub weaknesses: Vec<Text>,
    pub span: Span,
}

/// A ground of the decision, with its default weight.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Criterion {
    pub id: Text,
    pub title: Text,
    pub description: Text,
    pub weight: f64,
    pub span: Span,
}

/// A stage of the lifecycle that the stack plan recommends a path for.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Stage {
    pub id: Text,
    pub title: Text,
    pub description: Text,
    /// The stage is out of the project's scope when this holds.
    pub out_of_scope_if: Option<Condition>,
    pub span: Span,
}

/// A way to build a stage (for example open source run by the team), belonging to one
/// alternative: the points of that alternative count for it, plus effects on the path.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct PlanPath {
    pub id: Text,
    pub title: Text,
    pub summary: Text,
    pub alternative: Text,
    pub span: Span,
    /// The position of the alternative, resolved at load time.
    pub(crate) alternative_at: Option<usize>,
}

impl PlanPath {
    /// The position of the path's alternative (always known in a validated tree).
    pub fn alternative_index(&self) -> usize {
        self.alternative_at.unwrap_or(0)
    }
}

/// The kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    /// Exactly one option.
    Single,
    /// Any number of options.
    Multiple,
    /// One of the two options `yes` and `no`.
    YesNo,
    /// An integer in a range.
    Scale,
    /// Free text.
    Text,
    /// An importance level for each of a set of criteria.
    Priorities,
}

impl Kind {
    /// The name used in question files.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multiple => "multiple",
            Kind::YesNo => "yes_no",
            Kind::Scale => "scale",
            Kind::Text => "text",
            Kind::Priorities => "priorities",
        }
    }

    /// Whether answers are option ids.
    pub fn is_choice(self) -> bool {
        matches!(self, Kind::Single | Kind::Multiple | Kind::YesNo)
    }
}

/// A question of the tree.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Question {
    pub id: Text,
    pub kind: Kind,
    pub prompt: Text,
    pub help: Text,
    pub section: Option<Text>,
    pub show_if: Option<Condition>,
    /// The options of a choice question; empty otherwise.
    pub options: Vec<AnswerOption>,
    /// The range and effects of a scale question; `None` otherwise. Boxed, as are the
    /// priorities, so that the other questions do not carry their room.
    pub scale: Option<Box<Scale>>,
    /// The levels and criteria of a priorities question; `None` otherwise.
    pub priorities: Option<Box<Priorities>>,
    pub span: Span,
}

impl Question {
    /// The option with this id, if the question has one.
    pub fn option(&self, id: &str) -> Option<&AnswerOption> {
        self.options.iter().find(|o| o.id == id)
    }

    /// Ids of the criteria this question's effects, weights or priorities name, in tree
    /// order of first mention, without repeats.
    pub fn criteria<'t>(&'t self, tree: &'t Tree) -> Vec<&'t str> {
        let mut out: Vec<&str> = Vec::new();
        let weight_of = self.scale.as_ref().and_then(|s| s.weight_of.as_deref());
        let weights = self
            .options
            .iter()
            .flat_map(|o| o.weights.iter().map(|w| w.criterion.as_str()));
        let priorities = self
            .priorities
            .iter()
            .flat_map(|p| p.criteria.iter().map(|&c| tree.criteria[c].id.as_str()));
        for c in self
            .effects()
            .map(|e| e.criterion.as_str())
            .chain(weight_of)
            .chain(weights)
            .chain(priorities)
        {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

    /// Every effect the question can have, over all its options.
    pub fn effects(&self) -> impl Iterator<Item = &Effect> {
        self.options
            .iter()
            .flat_map(|o| o.effects.iter())
            .chain(self.scale.iter().flat_map(|s| s.effects.iter()))
    }

    /// Whether some answer to this question moves a score, a weight or an exclusion of
    /// the verdict (effects on paths only move the stack plan).
    pub fn is_scored(&self) -> bool {
        self.effects().any(|e| e.alternative_at.is_some())
            || self
                .options
                .iter()
                .any(|o| !o.rules_out.is_empty() || !o.weights.is_empty())
            || self.scale.as_ref().is_some_and(|s| s.weight_of.is_some())
            || self.priorities.is_some()
    }
}

/// An option of a choice question.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct AnswerOption {
    pub id: Text,
    pub label: Text,
    pub description: Option<Text>,
    pub effects: Vec<Effect>,
    /// Criteria whose weight this answer multiplies.
    pub weights: Vec<WeightEffect>,
    /// Alternatives this answer makes impossible (a blocker, not a matter of points).
    pub rules_out: Vec<RuleOut>,
    pub span: Span,
}

/// An answer that rules an alternative (or a path of the plan) out, with the reason shown
/// to the user.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct RuleOut {
    /// The alternative ruled out: it cannot be the verdict, nor any of its paths.
    pub alternative: Option<Text>,
    /// The path ruled out: the plan does not recommend it.
    pub path: Option<Text>,
    pub reason: Text,
    pub span: Span,
}

/// An answer that multiplies a criterion's weight, with the reason shown to the user.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct WeightEffect {
    pub criterion: Text,
    pub multiplier: f64,
    pub reason: Text,
    pub span: Span,
    pub(crate) criterion_at: Option<usize>,
}

impl WeightEffect {
    /// The position of the criterion (always known in a validated tree).
    pub fn criterion_index(&self) -> Option<usize> {
        self.criterion_at
    }
}

/// The range of a scale question and what its answer does.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Scale {
    pub min: i64,
    pub max: i64,
    /// One label per value from `min` to `max`, or empty.
    pub labels: Vec<Text>,
    /// The criterion whose weight the answer scales.
    pub weight_of: Option<Text>,
    /// Effects at `max`, scaled down linearly to nothing at `min`.
    pub effects: Vec<Effect>,
}

impl Scale {
    /// The label of a value, if labels are given and the value is in range.
    pub fn label(&self, value: i64) -> Option<&str> {
        let i = usize::try_from(value.checked_sub(self.min)?).ok()?;
        self.labels.get(i).map(Text::as_str)
    }

    /// Where `value` sits in the range, from 0.0 at `min` to 1.0 at `max`.
    pub fn fraction(&self, value: i64) -> f64 {
        (value - self.min) as f64 / (self.max - self.min) as f64
    }
}

/// The importance levels of a priorities question and the criteria it weighs.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Priorities {
    /// Level 1 first.
    pub levels: Vec<PriorityLevel>,
    /// The level of a criterion the answer does not name (1-based).
    pub default: i64,
    /// Positions of the criteria asked about, in tree order.
    pub criteria: Vec<usize>,
    /// The ids and titles of those criteria, in the same order.
    pub names: Vec<(Text, Text)>,
}

impl Priorities {
    /// The title of criterion `id`, if the question asks about it.
    pub fn title_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.names
            .iter()
            .find(|(i, _)| i == id)
            .map_or(id, |(_, t)| t.as_str())
    }
}

impl Priorities {
    /// The level with this 1-based number.
    pub fn level(&self, level: i64) -> Option<&PriorityLevel> {
        let i = usize::try_from(level.checked_sub(1)?).ok()?;
        self.levels.get(i)
    }

    /// The multiplier of a 1-based level (the default level's for an unknown one).
    pub fn multiplier(&self, level: i64) -> f64 {
        self.level(level)
            .or_else(|| self.level(self.default))
            .map_or(1.0, |l| l.multiplier)
    }

    /// The number of levels, as the highest level number.
    pub fn max_level(&self) -> i64 {
        self.levels.len() as i64
    }
}

/// One importance level: its label and the multiplier it applies to a criterion's weight.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct PriorityLevel {
    pub label: Text,
    pub multiplier: f64,
}

/// Points for an alternative (or for a path of the stack plan) on a criterion, with the
/// reason shown to the user.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Effect {
    /// The alternative the points go to; they then count for the verdict and for every
    /// path of the alternative. `None` for an effect on a path.
    pub alternative: Option<Text>,
    /// The path of the stack plan the points go to; they then count for the plan only.
    pub path: Option<Text>,
    pub criterion: Text,
    pub points: f64,
    pub reason: Text,
    /// Answers that express the same fact share a fact id: within one criterion and
    /// alternative (or path), only the strongest of them counts.
    pub fact: Option<Text>,
    /// The stages of the plan the effect concerns (empty: every stage).
    pub stages: Vec<Text>,
    pub span: ShortSpan,
    /// Where the alternative (or path) and the criterion are named, for errors about them.
    pub alternative_span: ShortSpan,
    pub criterion_span: ShortSpan,
    /// Where the fact is named (the effect's span when it names none).
    pub fact_span: ShortSpan,
    /// Positions resolved once at load time (`None` for an unknown id, which validation
    /// reports), so that validation and scoring do not look ids up again.
    /// In 32 bits (see [`At`]), as effects are the most numerous part of a tree.
    pub(crate) alternative_at: At,
    pub(crate) path_at: At,
    pub(crate) criterion_at: At,
    pub(crate) fact_at: At,
    pub(crate) stages_at: Box<[u32]>,
}

/// A position in a list of the tree, or none, in 4 bytes: the position plus one, so that
/// `None` takes no room of its own. No tree that fits in memory has 2^32 - 1
/// alternatives, paths, criteria or facts.
pub(crate) type At = Option<NonZeroU32>;

/// Position `i` as an [`At`] (`None` past what 32 bits hold).
pub(crate) fn at(i: usize) -> At {
    u32::try_from(i)
        .ok()?
        .checked_add(1)
        .and_then(NonZeroU32::new)
}

/// The position an [`At`] holds.
fn index(at: At) -> Option<usize> {
    at.map(|n| n.get() as usize - 1)
}

impl Effect {
    /// The positions of the effect's alternative and criterion, for an effect that counts
    /// for the verdict.
    pub fn target(&self) -> Option<(usize, usize)> {
        Some((index(self.alternative_at)?, index(self.criterion_at)?))
    }

    /// The position of the path, for an effect on a path.
    pub fn path_index(&self) -> Option<usize> {
        index(self.path_at)
    }

    /// The position of the fact in [`Tree::facts`], if the effect names one.
    pub fn fact_index(&self) -> Option<usize> {
        index(self.fact_at)
    }

    /// The position of the alternative the points go to (`None` for an effect on a path).
    pub fn alternative_index(&self) -> Option<usize> {
        index(self.alternative_at)
    }

    /// The position of the criterion.
    pub fn criterion_index(&self) -> Option<usize> {
        index(self.criterion_at)
    }

    /// Whether the effect concerns stage `stage` (position in [`Tree::stages`]).
    pub fn concerns_stage(&self, stage: usize) -> bool {
        self.stages_at.is_empty() || self.stages_at.iter().any(|&s| s as usize == stage)
    }

    /// The id the points go to: the alternative's, or the path's.
    pub fn beneficiary(&self) -> &str {
        self.alternative
            .as_deref()
            .or(self.path.as_deref())
            .unwrap_or("")
    }
}

/// When a question is asked (or a risk applies), over earlier answers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub enum Condition {
    /// A test on one question's answer.
    Test {
        question: Text,
        test: Test,
        span: Span,
        /// The position of the question, resolved at load time (`None` if unknown).
        at: Option<usize>,
    },
    /// Every condition holds.
    All(Vec<Condition>, Span),
    /// At least one condition holds.
    Any(Vec<Condition>, Span),
}

/// What a [`Condition::Test`] checks. Any test of a question that was not shown or not
/// answered is false.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub enum Test {
    /// Answered with one of these options (for `multiple`, at least one chosen).
    AnyOf(Vec<Text>),
    /// Answered, with none of these options.
    NoneOf(Vec<Text>),
    /// A scale answer within the bounds (inclusive).
    Range {
        at_least: Option<i64>,
        at_most: Option<i64>,
    },
    /// Any answer.
    Answered,
}

impl Condition {
    /// The span of the condition in its file.
    pub fn span(&self) -> &Span {
        match self {
            Condition::Test { span, .. } | Condition::All(_, span) | Condition::Any(_, span) => {
                span
            }
        }
    }

    /// Calls `f` on every test in the condition: the id of the question it tests, that
    /// question's position as resolved at load time (`None` if the tree has no such
    /// question), the test and its span.
    pub fn for_each_test<'a>(
        &'a self,
        f: &mut impl FnMut(&'a str, Option<usize>, &'a Test, &'a Span),
    ) {
        match self {
            Condition::Test {
                question,
                test,
                span,
                at,
            } => f(question, *at, test, span),
            Condition::All(cs, _) | Condition::Any(cs, _) => {
                cs.iter().for_each(|c| c.for_each_test(f));
            }
        }
    }

    /// Positions of the questions the condition tests, without repeats, in order of
    /// mention.
    pub fn questions(&self) -> Vec<usize> {
        let mut out = Vec::new();
        self.for_each_position(&mut |i| {
            if !out.contains(&i) {
                out.push(i);
            }
        });
        out
    }

    /// Calls `f` with the question position of every resolved test.
    pub(crate) fn for_each_position(&self, f: &mut impl FnMut(usize)) {
        match self {
            Condition::Test { at: Some(i), .. } => f(*i),
            Condition::Test { at: None, .. } => {}
            Condition::All(cs, _) | Condition::Any(cs, _) => {
                cs.iter().for_each(|c| c.for_each_position(f));
            }
        }
    }

    /// Resolves the question positions of every test with `index`.
    pub(crate) fn resolve(&mut self, index: &HashMap<Text, usize>) {
        match self {
            Condition::Test { question, at, .. } => *at = index.get(question).copied(),
            Condition::All(cs, _) | Condition::Any(cs, _) => {
                cs.iter_mut().for_each(|c| c.resolve(index));
            }
        }
    }
}

/// A risk of one outcome, with what to do about it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Risk {
    pub id: Text,
    /// The alternative (or path of the plan) the risk belongs to.
    pub applies_to: Text,
    pub when: Option<Condition>,
    /// The risk does not apply when this holds.
    pub unless: Option<Condition>,
    pub title: Text,
    pub description: Text,
    /// The mitigation that always applies (may be empty when `mitigations` are given).
    pub mitigation: Text,
    /// Mitigations that apply only under conditions.
    pub mitigations: Vec<Mitigation>,
    pub span: Span,
}

/// A mitigation shown only when its conditions allow (for example, not "buy support"
/// when there is no budget).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Mitigation {
    pub text: Text,
    pub when: Option<Condition>,
    pub unless: Option<Condition>,
    pub span: Span,
}

/// Answers that contradict each other: when the condition holds, the message is shown and
/// the verdict's robustness is at most low.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Conflict {
    pub id: Text,
    pub when: Condition,
    pub message: Text,
    pub span: Span,
}

impl Tree {
    /// The position of a question, by id.
    pub fn question_index(&self, id: &str) -> Option<usize> {
        self.index.questions.get(id).copied()
    }

    /// A question, by id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.question_index(id).map(|i| &self.questions[i])
    }

    /// The position of an alternative, by id.
    pub fn alternative_index(&self, id: &str) -> Option<usize> {
        self.index.alternatives.get(id).copied()
    }

    /// The position of a criterion, by id.
    pub fn criterion_index(&self, id: &str) -> Option<usize> {
        self.index.criteria.get(id).copied()
    }

    /// A criterion, by id.
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criterion_index(id).map(|i| &self.criteria[i])
    }

    /// An alternative, by id.
    pub fn alternative(&self, id: &str) -> Option<&Alternative> {
        self.alternative_index(id).map(|i| &self.alternatives[i])
    }

    /// The position of a stage, by id.
    pub fn stage_index(&self, id: &str) -> Option<usize> {
        self.index.stages.get(id).copied()
    }

    /// The position of a path, by id.
    pub fn path_index(&self, id: &str) -> Option<usize> {
        self.index.paths.get(id).copied()
    }

    /// The question that weighs criteria by priority, if the tree has one.
    pub fn priorities_question(&self) -> Option<usize> {
        self.questions
            .iter()
            .position(|q| q.kind == Kind::Priorities)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Effects and questions are the most numerous parts of a loaded tree, and most of its
    /// memory: their sizes are kept where docs/performance.md gives them.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn the_most_numerous_structs_keep_their_size() {
        assert_eq!(std::mem::size_of::<Effect>(), 216);
        assert_eq!(std::mem::size_of::<Question>(), 248);
        assert_eq!(std::mem::size_of::<At>(), 4);
    }

    /// A position and its absence both fit in an [`At`], and come back as they went in.
    #[test]
    fn positions_come_back_as_they_went_in() {
        for i in [0, 1, 7, u32::MAX as usize - 1] {
            assert_eq!(index(at(i)), Some(i));
        }
        assert_eq!(at(u32::MAX as usize), None);
        assert_eq!(index(None), None);
    }
}
