//! The question tree as the engine sees it once loaded: alternatives, criteria, questions,
//! conditions and risks. Only [`crate::load`] builds a [`Tree`], and only from a file that
//! passed [`crate::validate`], so code that holds a `Tree` may rely on its references.

use std::collections::HashMap;

use crate::source::Span;

/// Whether a text shows nothing: empty, or only white space, control characters and
/// invisible characters (zero-width space, joiners, bidi controls: see
/// [`crate::sanitize::is_invisible`]).
pub fn is_blank(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || c.is_control() || crate::sanitize::is_invisible(c))
}

/// A loaded, validated question tree.
#[derive(Debug, Clone)]
pub struct Tree {
    pub meta: TreeMeta,
    pub alternatives: Vec<Alternative>,
    pub criteria: Vec<Criterion>,
    pub questions: Vec<Question>,
    pub risks: Vec<Risk>,
    pub(crate) index: Index,
    /// Where the `[tree]` table is, for problems of the tree as a whole.
    pub(crate) meta_span: Span,
}

/// Id lookups, built once at load time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    pub questions: HashMap<String, usize>,
    pub alternatives: HashMap<String, usize>,
    pub criteria: HashMap<String, usize>,
}

/// The `[tree]` table.
#[derive(Debug, Clone)]
pub struct TreeMeta {
    pub id: String,
    pub title: String,
    pub version: String,
    pub description: String,
}

/// One of the things being decided between.
#[derive(Debug, Clone)]
pub struct Alternative {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub strengths: Vec<String>,
    pub weaknesses: Vec<String>,
    pub span: Span,
}

/// A ground of the decision, with its default weight.
#[derive(Debug, Clone)]
pub struct Criterion {
    pub id: String,
    pub title: String,
    pub description: String,
    pub weight: f64,
    pub span: Span,
}

/// The kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
        }
    }

    /// Whether answers are option ids.
    pub fn is_choice(self) -> bool {
        matches!(self, Kind::Single | Kind::Multiple | Kind::YesNo)
    }
}

/// A question of the tree.
#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub kind: Kind,
    pub prompt: String,
    pub help: String,
    pub section: Option<String>,
    pub show_if: Option<Condition>,
    /// The options of a choice question; empty otherwise.
    pub options: Vec<AnswerOption>,
    /// The range and effects of a scale question; `None` otherwise.
    pub scale: Option<Scale>,
    pub span: Span,
}

impl Question {
    /// The option with this id, if the question has one.
    pub fn option(&self, id: &str) -> Option<&AnswerOption> {
        self.options.iter().find(|o| o.id == id)
    }

    /// Ids of the criteria this question's effects (or `weight_of`) name, in tree order of
    /// first mention, without repeats.
    pub fn criteria(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let weight_of = self.scale.as_ref().and_then(|s| s.weight_of.as_deref());
        for c in self
            .effects()
            .map(|e| e.criterion.as_str())
            .chain(weight_of)
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

    /// Whether some answer to this question moves a score or a weight.
    pub fn is_scored(&self) -> bool {
        self.effects().next().is_some()
            || self.options.iter().any(|o| !o.rules_out.is_empty())
            || self.scale.as_ref().is_some_and(|s| s.weight_of.is_some())
    }
}

/// An option of a choice question.
#[derive(Debug, Clone)]
pub struct AnswerOption {
    pub id: String,
    pub label: String,
    pub description: Option<String>,
    pub effects: Vec<Effect>,
    /// Alternatives this answer makes impossible (a blocker, not a matter of points).
    pub rules_out: Vec<RuleOut>,
    pub span: Span,
}

/// An answer that rules an alternative out, with the reason shown to the user.
#[derive(Debug, Clone)]
pub struct RuleOut {
    pub alternative: String,
    pub reason: String,
    pub span: Span,
}

/// The range of a scale question and what its answer does.
#[derive(Debug, Clone)]
pub struct Scale {
    pub min: i64,
    pub max: i64,
    /// One label per value from `min` to `max`, or empty.
    pub labels: Vec<String>,
    /// The criterion whose weight the answer scales.
    pub weight_of: Option<String>,
    /// Effects at `max`, scaled down linearly to nothing at `min`.
    pub effects: Vec<Effect>,
}

impl Scale {
    /// The label of a value, if labels are given and the value is in range.
    pub fn label(&self, value: i64) -> Option<&str> {
        let i = usize::try_from(value.checked_sub(self.min)?).ok()?;
        self.labels.get(i).map(String::as_str)
    }

    /// Where `value` sits in the range, from 0.0 at `min` to 1.0 at `max`.
    pub fn fraction(&self, value: i64) -> f64 {
        (value - self.min) as f64 / (self.max - self.min) as f64
    }
}

/// Points for an alternative on a criterion, with the reason shown to the user.
#[derive(Debug, Clone)]
pub struct Effect {
    pub alternative: String,
    pub criterion: String,
    pub points: f64,
    pub reason: String,
    pub span: Span,
    /// Where the alternative and the criterion are named, for errors about them.
    pub alternative_span: Span,
    pub criterion_span: Span,
    /// The positions of the alternative and the criterion in the tree, resolved once at
    /// load time (`None` for an unknown id, which validation reports), so that validation
    /// and scoring do not look the ids up again for every effect.
    pub(crate) alternative_at: Option<usize>,
    pub(crate) criterion_at: Option<usize>,
}

impl Effect {
    /// The positions of the effect's alternative and criterion, when the tree has both
    /// (always, in a tree that passed validation).
    pub fn target(&self) -> Option<(usize, usize)> {
        Some((self.alternative_at?, self.criterion_at?))
    }
}

/// When a question is asked (or a risk applies), over earlier answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// A test on one question's answer.
    Test {
        question: String,
        test: Test,
        span: Span,
    },
    /// Every condition holds.
    All(Vec<Condition>, Span),
    /// At least one condition holds.
    Any(Vec<Condition>, Span),
}

/// What a [`Condition::Test`] checks. Any test of a question that was not shown or not
/// answered is false.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Answered with one of these options (for `multiple`, at least one chosen).
    AnyOf(Vec<String>),
    /// Answered, with none of these options.
    NoneOf(Vec<String>),
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

    /// Calls `f` on every test in the condition.
    pub fn for_each_test<'a>(&'a self, f: &mut impl FnMut(&'a str, &'a Test, &'a Span)) {
        match self {
            Condition::Test {
                question,
                test,
                span,
            } => f(question, test, span),
            Condition::All(cs, _) | Condition::Any(cs, _) => {
                cs.iter().for_each(|c| c.for_each_test(f));
            }
        }
    }
}

/// A risk of one outcome, with what to do about it.
#[derive(Debug, Clone)]
pub struct Risk {
    pub id: String,
    pub applies_to: String,
    pub when: Option<Condition>,
    pub title: String,
    pub description: String,
    pub mitigation: String,
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
}
