//! Answers and answers files: `[answers]` maps question ids to option ids, lists of option
//! ids, integers or text; `[meta]` says who answered, when, and for which tree. The wizard
//! saves its sessions in this same format.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{LoadError, Problem, ProblemKind};
use crate::flow::Flow;
use crate::model::{Kind, Question, Tree};
use crate::source::{Source, Span};

/// Free-text answers may be at most this many characters long.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// One answer to one question.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Answer {
    /// The option id chosen for a `single` or `yes_no` question.
    Choice(String),
    /// The option ids chosen for a `multiple` question (possibly none).
    Choices(Vec<String>),
    /// The value given to a `scale` question.
    Scale(i64),
    /// The text given to a `text` question.
    Text(String),
    /// The level (1-based) given to each criterion of a `priorities` question; criteria
    /// not named keep the question's default level.
    Priorities(BTreeMap<String, i64>),
}

impl Answer {
    /// The answer as a TOML value, as written in answers files.
    pub fn to_toml(&self) -> toml::Value {
        match self {
            Answer::Choice(s) | Answer::Text(s) => toml::Value::String(s.clone()),
            Answer::Choices(v) => {
                toml::Value::Array(v.iter().cloned().map(toml::Value::String).collect())
            }
            Answer::Scale(n) => toml::Value::Integer(*n),
            Answer::Priorities(levels) => toml::Value::Table(
                levels
                    .iter()
                    .map(|(c, l)| (c.clone(), toml::Value::Integer(*l)))
                    .collect(),
            ),
        }
    }

    /// Whether this answer chose the option `id` (for `multiple`, ticked it).
    pub fn chose(&self, id: &str) -> bool {
        match self {
            Answer::Choice(c) => c == id,
            Answer::Choices(cs) => cs.iter().any(|c| c == id),
            _ => false,
        }
    }

    /// The level a priorities answer gives criterion `id`, if it names it.
    pub fn priority(&self, id: &str) -> Option<i64> {
        match self {
            Answer::Priorities(levels) => levels.get(id).copied(),
            _ => None,
        }
    }

    /// The answer in words, using the question's option labels and scale labels.
    pub fn describe(&self, q: &Question) -> String {
        let label = |id: &str| q.option(id).map_or(id, |o| o.label.as_str()).to_string();
        match self {
            Answer::Choice(c) => label(c),
            Answer::Choices(cs) if cs.is_empty() => "(none)".to_string(),
            Answer::Choices(cs) => cs.iter().map(|c| label(c)).collect::<Vec<_>>().join(", "),
            Answer::Scale(v) => match q.scale.as_ref().and_then(|s| s.label(*v)) {
                Some(l) => format!("{v} ({l})"),
                None => v.to_string(),
            },
            Answer::Text(t) => t.clone(),
            Answer::Priorities(levels) => {
                let Some(p) = &q.priorities else {
                    return String::new();
                };
                let named: Vec<String> = levels
                    .iter()
                    .filter(|(_, l)| **l != p.default)
                    .map(|(c, l)| {
                        let level = p.level(*l).map_or("?", |x| x.label.as_str());
                        format!("{}: {level}", p.title_of(c))
                    })
                    .collect();
                if named.is_empty() {
                    let level = p.level(p.default).map_or("?", |x| x.label.as_str());
                    format!("every criterion {level}")
                } else {
                    let level = p.level(p.default).map_or("?", |x| x.label.as_str());
                    format!("{}; the rest {level}", named.join(", "))
                }
            }
        }
    }
}

/// The `[meta]` table of an answers file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswersMeta {
    /// Who gave these answers.
    pub respondent: Option<String>,
    /// The date of the decision, `YYYY-MM-DD`; the report's date when set.
    pub date: Option<String>,
    pub tree: Option<String>,
    pub tree_version: Option<String>,
    /// Who takes the decision (names or roles).
    #[serde(default)]
    pub decision_makers: Vec<String>,
    /// Whose opinion is sought before the decision.
    #[serde(default)]
    pub consulted: Vec<String>,
    /// Who is kept up to date.
    #[serde(default)]
    pub informed: Vec<String>,
}

/// A set of answers, keyed by question id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    pub meta: AnswersMeta,
    pub values: BTreeMap<String, Answer>,
}

/// How to treat answers that do not fit the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Every mismatch is an error.
    Strict,
    /// Mismatched answers are dropped and returned as warnings.
    Lenient,
}

/// Answers checked against a tree, with the problems that were set aside (lenient mode)
/// and notes that never block (a different tree id or version).
#[derive(Debug, Clone)]
pub struct Checked {
    pub answers: Answers,
    pub dropped: Vec<Problem>,
    pub notes: Vec<String>,
    /// The `[hidden]` table: answers kept for questions that the other answers hide (the
    /// wizard's session keeps them so that they come back with their questions). They do
    /// not count; values that do not fit the tree are left out.
    pub hidden: BTreeMap<String, Answer>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAnswersFile {
    #[serde(default)]
    meta: AnswersMeta,
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, crate::schema::AnswerValue>")]
    answers: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    /// Answers that do not count (see [`Checked::hidden`]).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, crate::schema::AnswerValue>")]
    hidden: BTreeMap<String, toml::Value>,
}

impl Answers {
    /// Parses an answers file and checks every answer against `tree`.
    pub fn parse(
        source: &Source,
        tree: &Tree,
        strictness: Strictness,
    ) -> Result<Checked, LoadError> {
        let raw: RawAnswersFile = crate::load::read(source)?;
        Self::check(source, tree, strictness, raw)
    }

    /// [`Answers::parse`] through the `toml` crate, the reference for the loader.
    #[doc(hidden)]
    pub fn parse_reference(
        source: &Source,
        tree: &Tree,
        strictness: Strictness,
    ) -> Result<Checked, LoadError> {
        let raw: RawAnswersFile =
            toml::from_str(source.text()).map_err(|e| LoadError::from_toml(source, &e))?;
        Self::check(source, tree, strictness, raw)
    }

    /// Checks every answer of the raw file against `tree`.
    fn check(
        source: &Source,
        tree: &Tree,
        strictness: Strictness,
        raw: RawAnswersFile,
    ) -> Result<Checked, LoadError> {
        let mut answers = Answers {
            meta: raw.meta,
            values: BTreeMap::new(),
        };
        let mut problems = Vec::new();
        let mut spans: BTreeMap<String, Span> = BTreeMap::new();
        for (key, value) in raw.answers {
            let span = key.span();
            let id = key.into_inner();
            match convert(tree, &id, value.get_ref()) {
                Ok(answer) => {
                    answers.values.insert(id.clone(), answer);
                    spans.insert(id, span);
                }
                Err((kind, msg)) => {
                    let at = if kind == ProblemKind::UnknownQuestion {
                        span
                    } else {
                        value.span()
                    };
                    problems.push(Problem::at(source, &at, kind, Some(&id), msg));
                }
            }
        }
        // Answers to questions hidden by the other answers do not count.
        let flow = Flow::new(tree, &answers);
        for (id, span) in &spans {
            if tree.question_index(id).is_some_and(|i| !flow.is_shown(i)) {
                problems.push(Problem::at(
                    source,
                    span,
                    ProblemKind::HiddenQuestion,
                    Some(id),
                    format!("`{id}` is answered, but the other answers hide this question (its `show_if` does not hold), so the answer cannot count"),
                ));
            }
        }
        let notes = tree_notes(tree, &answers.meta);
        if !problems.is_empty() && strictness == Strictness::Strict {
            return Err(LoadError::invalid(source, problems));
        }
        let answers = flow.effective(tree, &answers);
        problems.sort();
        let hidden = raw
            .hidden
            .iter()
            .filter(|(id, _)| !answers.values.contains_key(*id))
            .filter_map(|(id, v)| Some((id.clone(), convert(tree, id, v).ok()?)))
            .collect();
        Ok(Checked {
            answers,
            dropped: problems,
            notes,
            hidden,
        })
    }

    /// The answers as an answers file, questions in tree order.
    pub fn to_toml(&self, tree: &Tree) -> String {
        let mut out = String::from("[meta]\n");
        let meta = [
            ("respondent", &self.meta.respondent),
            ("date", &self.meta.date),
            ("tree", &self.meta.tree),
            ("tree_version", &self.meta.tree_version),
        ];
        for (key, value) in meta {
            if let Some(v) = value {
                let _ = writeln!(out, "{key} = {}", toml_string(v));
            }
        }
        let people = [
            ("decision_makers", &self.meta.decision_makers),
            ("consulted", &self.meta.consulted),
            ("informed", &self.meta.informed),
        ];
        for (key, names) in people {
            if !names.is_empty() {
                let items: Vec<String> = names.iter().map(|n| toml_string(n)).collect();
                let _ = writeln!(out, "{key} = [{}]", items.join(", "));
            }
        }
        out.push_str("\n[answers]\n");
        let in_tree = tree
            .questions
            .iter()
            .filter_map(|q| Some((q.id.as_str(), self.values.get(q.id.as_str())?)));
        let others = self
            .values
            .iter()
            .filter(|(id, _)| tree.question_index(id).is_none())
            .map(|(id, a)| (id.as_str(), a));
        for (id, answer) in in_tree.chain(others) {
            let _ = writeln!(out, "{} = {}", toml_key(id), value_toml(answer));
        }
        out
    }

    /// A `[hidden]` table for answers that do not count (answers to questions the other
    /// answers hide), in tree order; empty when there are none. Appended to an answers
    /// file, it is read back into [`Checked::hidden`].
    pub fn hidden_toml(tree: &Tree, hidden: &BTreeMap<String, Answer>) -> String {
        if hidden.is_empty() {
            return String::new();
        }
        let mut out = String::from(
            "\n# Answers to questions that the answers above hide: they do not count, and\n# come back if the questions are shown again.\n[hidden]\n",
        );
        for q in &tree.questions {
            if let Some(a) = hidden.get(q.id.as_str()) {
                let _ = writeln!(out, "{} = {}", toml_key(&q.id), value_toml(a));
            }
        }
        out
    }

    /// Fills `[meta]` with the tree's id and version.
    pub fn stamp(&mut self, tree: &Tree) {
        self.meta.tree = Some(tree.meta.id.to_string());
        self.meta.tree_version = Some(tree.meta.version.to_string());
    }
}

/// The heading under which reports put their answers block.
pub const ANSWERS_HEADING: &str = "### Answers file";

/// An answers file, or a markdown report with an answers block, as the source to parse.
///
/// A report exported by mlops-wizard ends with its answers in a fenced `toml` block under
/// [`ANSWERS_HEADING`]. For such a file (a name ending in `.md` or `.markdown`, or a text
/// with that heading and block) the source returned has the same name and the same line
/// numbers, with every line outside the block blanked, so that an edited block gets the
/// same checks and errors, at its lines in the markdown file, as an answers file.
pub fn answers_source(source: &Source) -> Result<Source, LoadError> {
    let name = source.name();
    let markdown = [".md", ".markdown"]
        .iter()
        .any(|e| name.to_ascii_lowercase().ends_with(e));
    let text = source.text();
    let mut lines = text.split_inclusive('\n');
    let mut out = String::with_capacity(text.len());
    let mut found = false;
    // Blank every line up to the heading, then up to the opening fence.
    let mut state = 0; // 0 before the heading, 1 before the fence, 2 in the block, 3 after
    let mut fence = String::new();
    for line in lines.by_ref() {
        let bare = line.trim_end_matches(['\n', '\r']);
        let keep_newline = &line[bare.len()..];
        match state {
            0 if bare.trim_end() == ANSWERS_HEADING => state = 1,
            1 if bare.starts_with("```") => {
                let ticks = bare.chars().take_while(|c| *c == '`').count();
                if bare[ticks..].trim() == "toml" {
                    fence = "`".repeat(ticks);
                    state = 2;
                    found = true;
                }
            }
            2 if bare.starts_with(&fence) && bare.trim_end().chars().all(|c| c == '`') => {
                state = 3;
            }
            2 => {
                out.push_str(line);
                continue;
            }
            _ => {}
        }
        out.push_str(keep_newline);
    }
    if found {
        Ok(Source::new(name, out))
    } else if markdown {
        Err(LoadError::invalid(
            source,
            vec![Problem::at(
                source,
                &(0..0),
                ProblemKind::Syntax,
                None,
                format!(
                    "this markdown file has no answers block: a report has one under `{ANSWERS_HEADING}`, in a fenced `toml` block"
                ),
            )],
        ))
    } else {
        Ok(source.clone())
    }
}

/// An answer as a TOML value on one line.
fn value_toml(answer: &Answer) -> String {
    match answer {
        Answer::Choice(s) | Answer::Text(s) => toml_string(s),
        Answer::Choices(v) => {
            let items: Vec<String> = v.iter().map(|s| toml_string(s)).collect();
            format!("[{}]", items.join(", "))
        }
        Answer::Scale(n) => n.to_string(),
        Answer::Priorities(levels) => {
            let items: Vec<String> = levels
                .iter()
                .map(|(c, l)| format!("{} = {l}", toml_key(c)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
    }
}

/// A key as TOML writes it: bare when it can be, quoted otherwise.
fn toml_key(id: &str) -> String {
    if crate::validate::is_valid_id(id) && !id.contains('.') {
        id.to_string()
    } else {
        toml_string(id)
    }
}

/// A TOML basic string on one line. Besides what TOML requires (quotes, backslashes,
/// control characters), bidi controls and invisible characters are written as `\uXXXX`,
/// so an answers file (or the report's answers block) shows what it holds; it reads back
/// as the same text.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || crate::sanitize::is_unsafe(c) => {
                if let Ok(unit) = u16::try_from(u32::from(c)) {
                    let _ = write!(out, "\\u{unit:04X}");
                } else {
                    let _ = write!(out, "\\U{:08X}", u32::from(c));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn tree_notes(tree: &Tree, meta: &AnswersMeta) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(t) = &meta.tree
        && *t != tree.meta.id
    {
        notes.push(format!(
            "the answers were given for tree `{t}`, not `{}`",
            tree.meta.id
        ));
    } else if let Some(v) = &meta.tree_version
        && *v != tree.meta.version
    {
        notes.push(format!(
            "the answers were given for version {v} of `{}`; this is version {}",
            tree.meta.id, tree.meta.version
        ));
    }
    notes
}

/// Turns one TOML value into an answer to question `id`, or says why it cannot be one.
fn convert(tree: &Tree, id: &str, value: &toml::Value) -> Result<Answer, (ProblemKind, String)> {
    let Some(q) = tree.question(id) else {
        return Err((
            ProblemKind::UnknownQuestion,
            format!("`{id}` is not a question of tree `{}`", tree.meta.id),
        ));
    };
    let option_list = || {
        q.options
            .iter()
            .map(|o| format!("\"{}\"", o.id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let check_option = |o: &str| {
        if q.option(o).is_some() {
            Ok(o.to_string())
        } else {
            Err((
                ProblemKind::BadAnswer,
                format!(
                    "`{id}` has no option \"{o}\"; its options are {}",
                    option_list()
                ),
            ))
        }
    };
    let wrong = |expected: String| {
        Err((
            ProblemKind::WrongType,
            format!(
                "`{id}` is a {} question: its answer must be {expected}, not {} {}",
                q.kind.name(),
                article(value.type_str()),
                value.type_str()
            ),
        ))
    };
    match (q.kind, value) {
        (Kind::YesNo, toml::Value::Boolean(b)) => {
            Ok(Answer::Choice(if *b { "yes" } else { "no" }.into()))
        }
        (Kind::Single | Kind::YesNo, toml::Value::String(s)) => check_option(s).map(Answer::Choice),
        (Kind::Single | Kind::YesNo, _) => {
            wrong(format!("one option id, one of {}", option_list()))
        }
        (Kind::Multiple, toml::Value::Array(items)) => {
            let mut chosen = Vec::with_capacity(items.len());
            for item in items {
                let Some(s) = item.as_str() else {
                    return wrong(format!("a list of option ids from {}", option_list()));
                };
                let o = check_option(s)?;
                if !chosen.contains(&o) {
                    chosen.push(o);
                }
            }
            // Keep the tree's option order, so equal choices compare equal.
            chosen.sort_by_key(|c| q.options.iter().position(|o| &o.id == c));
            Ok(Answer::Choices(chosen))
        }
        (Kind::Multiple, _) => wrong(format!("a list of option ids from {}", option_list())),
        (Kind::Scale, toml::Value::Integer(v)) => {
            let s = q.scale.as_ref().map_or((1, 5), |s| (s.min, s.max));
            if (s.0..=s.1).contains(v) {
                Ok(Answer::Scale(*v))
            } else {
                Err((
                    ProblemKind::BadAnswer,
                    format!(
                        "`{id}` is answered {v}, outside its scale from {} to {}",
                        s.0, s.1
                    ),
                ))
            }
        }
        (Kind::Scale, _) => {
            let s = q.scale.as_ref().map_or((1, 5), |s| (s.min, s.max));
            wrong(format!("a whole number from {} to {}", s.0, s.1))
        }
        (Kind::Text, toml::Value::String(s)) => match s.chars().count() {
            n if n > MAX_TEXT_CHARS => Err((
                ProblemKind::BadAnswer,
                format!(
                    "`{id}` is {n} characters long; free-text answers are limited to {MAX_TEXT_CHARS}"
                ),
            )),
            _ => Ok(Answer::Text(s.clone())),
        },
        (Kind::Text, _) => wrong("a string".to_string()),
        (Kind::Priorities, toml::Value::Table(levels)) => {
            let Some(p) = &q.priorities else {
                return wrong("a table of levels".to_string());
            };
            let mut out = BTreeMap::new();
            for (criterion, level) in levels {
                let known = tree
                    .criterion_index(criterion)
                    .is_some_and(|c| p.criteria.contains(&c));
                if !known {
                    let ids: Vec<String> = p
                        .criteria
                        .iter()
                        .map(|&c| format!("\"{}\"", tree.criteria[c].id))
                        .collect();
                    return Err((
                        ProblemKind::BadAnswer,
                        format!(
                            "`{id}` gives a level to \"{criterion}\", which is not one of its criteria ({})",
                            ids.join(", ")
                        ),
                    ));
                }
                match level.as_integer() {
                    Some(l) if (1..=p.max_level()).contains(&l) => {
                        out.insert(criterion.clone(), l);
                    }
                    _ => {
                        return Err((
                            ProblemKind::BadAnswer,
                            format!(
                                "`{id}` gives \"{criterion}\" the level {level}; levels are whole numbers from 1 to {}",
                                p.max_level()
                            ),
                        ));
                    }
                }
            }
            Ok(Answer::Priorities(out))
        }
        (Kind::Priorities, _) => wrong(
            "a table of criterion ids and levels, such as { compliance = 5, cost = 2 }".to_string(),
        ),
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
