//! Errors of the engine: every one says what went wrong and where.

use std::fmt;
use std::path::PathBuf;

use crate::source::{Location, Source, Span};

/// One problem found in an input file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub location: Location,
    /// What kind of problem, for programs and tests.
    pub kind: ProblemKind,
    /// The id of the item concerned (question, option, criterion...), if any.
    pub id: Option<String>,
    /// What is wrong, in words.
    pub message: String,
    /// The source line the problem points at (cut around the problem when long).
    pub line_text: String,
    /// The 1-based column of the problem within `line_text`.
    pub caret: usize,
    /// How many characters of the line to underline.
    pub width: usize,
}

/// The classes of problem in question trees and answers files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemKind {
    /// TOML syntax, an unknown or missing key, or a value of the wrong type.
    Syntax,
    /// An id that is empty or has characters outside letters, digits, `_`, `-`, `.`.
    BadId,
    /// A required text is empty.
    EmptyText,
    /// Two items of one kind share an id.
    DuplicateId,
    /// A reference to an alternative, criterion, question or option that does not exist.
    UnknownReference,
    /// A condition on a question that is not asked before the one it guards.
    NotAskedBefore,
    /// Conditions that depend on each other in a circle.
    Cycle,
    /// A condition whose shape or test does not fit (for example `at_least` on a choice).
    BadCondition,
    /// A question whose condition can never hold.
    NeverShown,
    /// A criterion that no effect informs.
    UninformedCriterion,
    /// An alternative that no answers can make win.
    CannotWin,
    /// A weight or points value that is not finite, or a negative weight.
    BadNumber,
    /// A rule of the question's kind is broken (options, range, labels).
    KindRule,
    /// The tree as a whole lacks something (alternatives, criteria, questions).
    Incomplete,
    /// An answer names a question the tree does not have.
    UnknownQuestion,
    /// An answer names an option the question does not have, or is out of range.
    BadAnswer,
    /// An answer of the wrong type for its question.
    WrongType,
    /// An answer to a question that its condition hides, given the other answers.
    HiddenQuestion,
    /// A file is larger than the limit.
    TooLarge,
    /// A warning: an option whose effects give every alternative the same points.
    NoEffect,
    /// A value of the right type that is still wrong (a URL that is not http(s), a date
    /// that is not `YYYY-MM-DD`).
    BadValue,
}

impl ProblemKind {
    /// A short name, printed in brackets after `error`.
    pub fn name(self) -> &'static str {
        match self {
            ProblemKind::Syntax => "syntax",
            ProblemKind::BadId => "bad-id",
            ProblemKind::EmptyText => "empty-text",
            ProblemKind::DuplicateId => "duplicate-id",
            ProblemKind::UnknownReference => "unknown-reference",
            ProblemKind::NotAskedBefore => "not-asked-before",
            ProblemKind::Cycle => "cycle",
            ProblemKind::BadCondition => "bad-condition",
            ProblemKind::NeverShown => "never-shown",
            ProblemKind::UninformedCriterion => "uninformed-criterion",
            ProblemKind::CannotWin => "cannot-win",
            ProblemKind::BadNumber => "bad-number",
            ProblemKind::KindRule => "kind-rule",
            ProblemKind::Incomplete => "incomplete",
            ProblemKind::UnknownQuestion => "unknown-question",
            ProblemKind::BadAnswer => "bad-answer",
            ProblemKind::WrongType => "wrong-type",
            ProblemKind::HiddenQuestion => "hidden-question",
            ProblemKind::TooLarge => "too-large",
            ProblemKind::NoEffect => "no-effect",
            ProblemKind::BadValue => "bad-value",
        }
    }
}

impl Problem {
    /// A problem at `span` of `source`.
    ///
    /// The line shown is cut to a window of [`MAX_SHOWN`] characters around the problem,
    /// so that a megabyte-long line neither floods the terminal nor costs more than the
    /// window: the work is the same for any length of line. Characters that a terminal
    /// would act on are shown as escapes (see [`crate::sanitize`]), the caret counted in
    /// what is shown.
    pub fn at(
        source: &Source,
        span: &Span,
        kind: ProblemKind,
        id: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        let location = source.locate(span);
        let (line_start, line) = source.line_at(location.position.line);
        // Where the problem is in the line, in bytes, on a character boundary.
        let byte_in_line = |offset: usize| {
            let mut at = offset.saturating_sub(line_start).min(line.len());
            while !line.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let at = byte_in_line(span.start);
        let end = byte_in_line(span.end).max(at);
        // The window: up to half of it before the problem, the rest after; at the end of
        // the line, what is missing after is taken before.
        let mut from = back(line, at, MAX_SHOWN / 2);
        let (mut to, shown) = forward(line, from, MAX_SHOWN);
        if shown < MAX_SHOWN {
            from = back(line, from, MAX_SHOWN - shown);
            to = line.len();
        }
        let mut line_text = String::with_capacity(to - from + 8);
        if from > 0 {
            line_text.push('…');
        }
        let (mut caret, mut caret_end) = (None, None);
        let mut count = line_text.chars().count();
        for (i, c) in line[from..to].char_indices() {
            if from + i == at {
                caret = Some(count);
            }
            if from + i == end {
                caret_end = Some(count);
            }
            if crate::sanitize::is_unsafe(c) {
                let before = line_text.len();
                crate::sanitize::push_escape(c, &mut line_text);
                count += line_text.len() - before;
            } else {
                line_text.push(c);
                count += 1;
            }
        }
        let caret = caret.unwrap_or(count);
        let caret_end = caret_end.unwrap_or(count);
        if to < line.len() {
            line_text.push('…');
        }
        Problem {
            location,
            kind,
            id: id.map(str::to_string),
            message: message.into(),
            line_text,
            caret: caret + 1,
            width: caret_end.saturating_sub(caret).max(1),
        }
    }
}

/// The byte offset `n` characters before `at` in `text` (or its start).
fn back(text: &str, at: usize, n: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .take(n)
        .last()
        .map_or(at, |(i, _)| i)
}

/// The byte offset `n` characters after `from` in `text` (or its end), and how many
/// characters that is.
fn forward(text: &str, from: usize, n: usize) -> (usize, usize) {
    let mut chars = text[from..].char_indices();
    let mut count = 0;
    while count < n {
        if chars.next().is_none() {
            return (text.len(), count);
        }
        count += 1;
    }
    (chars.next().map_or(text.len(), |(i, _)| from + i), count)
}

/// Source lines longer than this many characters are shown cut around the problem.
const MAX_SHOWN: usize = 100;

impl Problem {
    /// The problem printed as a warning (for answers skipped with `--lenient`).
    pub fn as_warning(&self) -> impl fmt::Display + '_ {
        Labelled(self, "warning")
    }
}

struct Labelled<'a>(&'a Problem, &'static str);

impl fmt::Display for Labelled<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write(f, self.1)
    }
}

impl fmt::Display for Problem {
    /// Prints the problem the way compilers do: the message, the place, the line, a caret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, "error")
    }
}

impl Problem {
    fn write(&self, f: &mut fmt::Formatter<'_>, label: &str) -> fmt::Result {
        writeln!(f, "{label}[{}]: {}", self.kind.name(), self.message)?;
        let line_no = self.location.position.line.to_string();
        let pad = " ".repeat(line_no.len());
        writeln!(f, "{pad}--> {}", self.location)?;
        if !self.line_text.is_empty() {
            let col = self.caret;
            let lead: String = self
                .line_text
                .chars()
                .take(col.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line_no} | {}", self.line_text)?;
            write!(f, "{pad} | {lead}{}", "^".repeat(self.width))?;
        }
        Ok(())
    }
}

/// Problems found in one file, in the order they appear in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Why a question tree or answers file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file was read but is wrong: syntax, schema or meaning. All problems are listed.
    #[error("{problems}\n\n{file}: {} problem{} found", problems.0.len(), if problems.0.len() == 1 { "" } else { "s" })]
    Invalid { file: String, problems: Problems },
}

impl LoadError {
    /// The problems, when the file was read but is wrong.
    pub fn problems(&self) -> &[Problem] {
        match self {
            LoadError::Invalid { problems, .. } => &problems.0,
            LoadError::Read { .. } => &[],
        }
    }

    pub(crate) fn invalid(source: &Source, mut problems: Vec<Problem>) -> Self {
        problems.sort();
        problems.dedup();
        LoadError::Invalid {
            file: source.name().to_string(),
            problems: Problems(problems),
        }
    }

    /// A TOML syntax or schema error from the `toml` crate, placed in `source`.
    pub(crate) fn from_toml(source: &Source, err: &toml::de::Error) -> Self {
        Self::syntax(source, err.span(), err.message())
    }

    /// A TOML syntax or schema error worded as the `toml` crate words it, at `span` of
    /// `source` (its start when there is no span).
    pub(crate) fn syntax(source: &Source, span: Option<Span>, message: &str) -> Self {
        let span = span.unwrap_or(0..0);
        let message = message.trim().to_string();
        Self::invalid(
            source,
            vec![Problem::at(
                source,
                &span,
                ProblemKind::Syntax,
                None,
                message,
            )],
        )
    }
}
