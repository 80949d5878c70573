//! Reading a question tree from TOML: the syntax through the events of `toml_parser`
//! ([`document`]), the schema through serde ([`de`], with the messages of the `toml`
//! crate), then the meaning through [`crate::validate`]. Every mistake becomes a
//! [`LoadError`], never a panic. [`reference`] keeps the path through the `toml` crate, to
//! compare against.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{LoadError, Problem, ProblemKind};
use crate::model::{
    self, Alternative, AnswerOption, Condition, Conflict, Criterion, Effect, Index, Kind,
    Mitigation, PlanPath, Priorities, PriorityLevel, Question, Risk, RuleOut, Scale, Stage, Test,
    Text, Tree, TreeMeta, WeightEffect,
};
use crate::source::{Origin, Source, Span};
use crate::validate;

mod de;
mod document;
#[doc(hidden)]
pub mod reference;

/// The default tree, embedded in the binary.
pub const DEFAULT_TREE: &str = include_str!("../../questions/mlops.toml");

/// The name under which the default tree is reported.
pub const DEFAULT_TREE_NAME: &str = "questions/mlops.toml (built in)";

/// Points and weights are at most this large in absolute value, so sums of them stay
/// finite.
pub const MAX_MAGNITUDE: f64 = 1e6;

/// Files larger than this are refused before they are parsed.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

impl Tree {
    /// Parses and validates a tree from TOML text; `name` is used in error messages.
    pub fn parse(name: &str, text: &str) -> Result<Tree, LoadError> {
        from_origin(&Origin::text_named(name, text), document::BATCH)
    }

    /// Parses and validates a tree from a [`Source`].
    pub fn from_source(source: &Source) -> Result<Tree, LoadError> {
        from_origin(&Origin::Source(source), document::BATCH)
    }

    /// Reads, parses and validates a tree file.
    pub fn load(path: &Path) -> Result<Tree, LoadError> {
        let source = read_source(path)?;
        Self::from_source(&source)
    }
}

/// Reads a `T` from the TOML text of `source` through the events of `toml_parser`, with
/// the messages and spans the `toml` crate would give.
pub(crate) fn read<'s, T: Deserialize<'s>>(source: &'s Source) -> Result<T, LoadError> {
    read_in_batches(&Origin::Source(source), document::BATCH)
}

/// [`read`], lexing about `batch` tokens at a time.
fn read_in_batches<'s, T: Deserialize<'s>>(
    origin: &Origin<'s>,
    batch: usize,
) -> Result<T, LoadError> {
    let text = origin.text();
    let parsed = match document::parse(text, batch) {
        document::Parsed::Document(root) => Ok(root),
        document::Parsed::Error(e) => Err(e),
        // Events that valid TOML does not give, with no error from the parser: the `toml`
        // crate's parser decides.
        document::Parsed::Unsure => document::parse_with_toml(text),
    };
    let syntax = |e_span, message: &str| LoadError::syntax(origin.source(), e_span, message);
    match parsed {
        Ok(root) => de::from_document(root).map_err(|e| syntax(e.span, &e.message)),
        Err(e) => Err(syntax(e.span, &e.message)),
    }
}

/// [`Tree::from_source`], lexing about `batch` tokens at a time, so that tests can cut a
/// small file into many batches.
#[doc(hidden)]
pub fn tree_in_batches(source: &Source, batch: usize) -> Result<Tree, LoadError> {
    from_origin(&Origin::Source(source), batch)
}

/// Reads, builds and checks the tree written in `origin`, lexing about `batch` tokens at a
/// time.
fn from_origin(origin: &Origin<'_>, batch: usize) -> Result<Tree, LoadError> {
    let mut builder = Builder::new(origin);
    match build_while_reading(&mut builder, origin, batch) {
        Some(tree) => check(origin, builder, tree),
        // Read again from the start, as serde sees the whole file: the first mistake is
        // reported in serde's order.
        None => build(origin, read_in_batches(origin, batch)?),
    }
}

/// Reads and builds the tree in one pass over the text: the head of the file (everything
/// before the first `[[questions]]`) is built as soon as it is read, then each question as
/// soon as the parser has read all of it (see [`document::Taking`]), while its text and
/// its raw form are still in the caches, and the raw form is freed at once. The model is
/// the one [`Builder::tree`] makes of the whole file, problems in the same order.
///
/// `None` when that cannot be done, and the file must be read again as a whole: it has a
/// mistake, or part of the head comes after the first question (a `[tree]` or
/// `[[risks]]` below the questions, say).
fn build_while_reading(
    builder: &mut Builder<'_>,
    origin: &Origin<'_>,
    batch: usize,
) -> Option<Tree> {
    let mut reading = Reading {
        builder,
        head: None,
        head_keys: Vec::new(),
        questions: Vec::new(),
        failed: false,
    };
    let taking = document::Taking {
        key: "questions",
        taker: &mut reading,
    };
    let document::Parsed::Document(root) =
        document::parse_taking(origin.text(), batch, Some(taking))
    else {
        return None;
    };
    if reading.failed {
        return None;
    }
    match reading.head {
        Some(mut head) => {
            // What came after the first question, but for the questions: nothing, or the
            // parts the model builds after the questions anyway (risks, conflicts, plan),
            // when the head did not have them already.
            let mut tail = root;
            tail.entries.retain(|(key, _)| key.name != "questions");
            if tail
                .entries
                .iter()
                .any(|(key, _)| reading.head_keys.iter().any(|k| *k == key.name))
            {
                return None;
            }
            if !tail.entries.is_empty() {
                let tail = de::from_document::<RawTail>(tail).ok()?;
                head.risks.extend(tail.risks);
                head.conflicts.extend(tail.conflicts);
                head.plan = head.plan.or(tail.plan);
            }
            Some(reading.builder.finish(head, reading.questions))
        }
        // No `[[questions]]`: the document is the whole file.
        None => {
            let raw = de::from_document::<RawFile>(root).ok()?;
            Some(reading.builder.tree(raw))
        }
    }
}

/// The state of [`build_while_reading`], which the parser hands the head and the
/// questions to.
struct Reading<'b, 's> {
    builder: &'b mut Builder<'s>,
    head: Option<Head>,
    /// The top-level keys of the head.
    head_keys: Vec<String>,
    questions: Vec<Question>,
    /// Set at the first mistake: what follows is not read.
    failed: bool,
}

impl<'i> document::Taker<'i> for Reading<'_, '_> {
    fn head(&mut self, head: document::Table<'i>) {
        // Questions in the head as well as in `[[questions]]` would be a mistake that only
        // reading the whole file reports.
        self.head_keys = head
            .entries
            .iter()
            .map(|(key, _)| key.name.to_string())
            .collect();
        if self.head_keys.iter().any(|k| k == "questions") {
            self.failed = true;
            return;
        }
        match de::from_document::<RawFile>(head) {
            Ok(raw) => {
                self.head = Some(self.builder.head(raw).0);
            }
            _ => self.failed = true,
        }
    }

    fn take(&mut self, item: document::Item<'i>, spare: &mut document::Spare<'i>) {
        if self.failed || self.head.is_none() {
            self.failed = true;
            return;
        }
        match de::from_item::<Spanned<RawQuestion>>(item, spare) {
            Ok(q) => {
                let question = self.builder.question(q.into_inner());
                self.questions.push(question);
            }
            Err(_) => self.failed = true,
        }
    }
}

/// The tree written in `source`, built but not checked, for the tests of the checks;
/// `None` when it cannot be read.
#[cfg(test)]
pub(crate) fn built_unchecked(source: &Source) -> Option<Tree> {
    let origin = Origin::Source(source);
    let raw = read_in_batches(&origin, document::BATCH).ok()?;
    Some(Builder::new(&origin).tree(raw))
}

/// Turns the raw file into the tree and checks its meaning.
fn build(origin: &Origin<'_>, raw: RawFile) -> Result<Tree, LoadError> {
    let mut builder = Builder::new(origin);
    let tree = builder.tree(raw);
    check(origin, builder, tree)
}

/// Checks the meaning of the tree `builder` built, adding the problems it noted first.
fn check(origin: &Origin<'_>, builder: Builder<'_>, mut tree: Tree) -> Result<Tree, LoadError> {
    let mut problems = builder.problems;
    let checked = validate::check(&tree, origin);
    problems.extend(checked.errors);
    if problems.is_empty() {
        tree.warnings = checked.warnings;
        Ok(tree)
    } else {
        Err(LoadError::invalid(origin.source(), problems))
    }
}

/// How long reading a FIFO, a pipe or a device waits for data before giving up, so that a
/// FIFO nobody writes to is an error rather than a wait without end.
pub const READ_WAIT: Duration = Duration::from_secs(10);

/// Reads a file as UTF-8 text, refusing files over [`MAX_FILE_BYTES`].
///
/// The limit holds for every kind of file, since it is checked while reading: a regular
/// file is refused by its size before it is read, anything else (`/dev/zero`, a FIFO,
/// `/dev/stdin`, `<(command)`) when more than the limit has arrived. A FIFO is opened
/// without waiting for a writer, and reading anything but a regular file gives up when no
/// data comes for [`READ_WAIT`].
pub fn read_source(path: &Path) -> Result<Source, LoadError> {
    let read_err = |source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    };
    let name = path.display().to_string();
    let file = open_for_reading(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if meta.is_dir() {
        return Err(read_err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a folder",
        )));
    }
    if meta.is_file() && meta.len() > MAX_FILE_BYTES {
        return Err(too_large(&name, Some(meta.len())));
    }
    let wait = (!meta.is_file()).then_some(READ_WAIT);
    let bytes = read_capped(&file, wait).map_err(read_err)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(&name, None));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source::new(name, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let source = Source::new(name, text);
            Err(LoadError::invalid(
                &source,
                vec![Problem::at(
                    &source,
                    &(at..at + 1),
                    ProblemKind::Syntax,
                    None,
                    "the file is not valid UTF-8",
                )],
            ))
        }
    }
}

/// The problem of a file over [`MAX_FILE_BYTES`] (`len` when its size is known).
fn too_large(name: &str, len: Option<u64>) -> LoadError {
    let source = Source::new(name, "");
    let size = match len {
        Some(len) => format!("the file is {len} bytes"),
        None => "more than that arrived".to_string(),
    };
    let message = format!(
        "the file is larger than the limit of {MAX_FILE_BYTES} bytes ({} MiB): {size}",
        MAX_FILE_BYTES / 1024 / 1024
    );
    LoadError::invalid(
        &source,
        vec![Problem::at(
            &source,
            &(0..0),
            ProblemKind::TooLarge,
            None,
            message,
        )],
    )
}

/// Opens a file for reading without waiting: a FIFO with no writer opens at once (reading
/// then waits for data, see [`read_capped`]).
fn open_for_reading(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
        let file = options.open(path)?;
        // Reads block again: they only happen once `poll` says there is data.
        // SAFETY: fcntl on a descriptor owned by `file`.
        unsafe {
            let flags = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(file.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// Reads everything from `reader`, but no more than one byte over [`MAX_FILE_BYTES`], so
/// the caller can tell a file that is too large. With `wait`, each read first waits that
/// long at most for data (on Unix), and no data in that time is an error.
pub fn read_capped<R>(mut reader: R, wait: Option<Duration>) -> std::io::Result<Vec<u8>>
where
    R: std::io::Read + AsFdIfUnix,
{
    let mut bytes = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    while bytes.len() as u64 <= MAX_FILE_BYTES {
        #[cfg(unix)]
        if let Some(wait) = wait {
            wait_for_data(&reader, wait)?;
        }
        #[cfg(not(unix))]
        let _ = wait;
        let room = usize::try_from(MAX_FILE_BYTES + 1 - bytes.len() as u64)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        match reader.read(&mut buf[..room]) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(bytes)
}

/// What [`read_capped`] needs of a reader besides `Read`: on Unix, a descriptor to wait on.
#[cfg(unix)]
pub trait AsFdIfUnix: std::os::fd::AsFd {}
#[cfg(unix)]
impl<T: std::os::fd::AsFd> AsFdIfUnix for T {}
/// What [`read_capped`] needs of a reader besides `Read`: on Unix, a descriptor to wait on.
#[cfg(not(unix))]
pub trait AsFdIfUnix {}
#[cfg(not(unix))]
impl<T> AsFdIfUnix for T {}

/// Waits until `fd` has data (or its writer has gone), at most `wait`.
#[cfg(unix)]
fn wait_for_data(fd: &impl std::os::fd::AsFd, wait: Duration) -> std::io::Result<()> {
    use std::os::fd::AsRawFd as _;
    let deadline = std::time::Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let mut pfd = libc::pollfd {
            fd: fd.as_fd().as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = libc::c_int::try_from(left.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: one valid pollfd.
        match unsafe { libc::poll(&mut pfd, 1, ms) } {
            n if n > 0 => return Ok(()),
            0 => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!(
                        "nothing came to read in {} seconds (is anything writing to it?)",
                        wait.as_secs()
                    ),
                ));
            }
            _ => {
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The file as serde sees it. Spans are kept on everything an error may point at.

/// A text as read from a file, already in the model's form: a short one (an id, most
/// labels) is kept inline, without an allocation, and a long one moves into the model
/// without a copy.
#[derive(Clone, Default)]
pub(crate) struct FileText(Text);

impl FileText {
    fn as_str(&self) -> &str {
        &self.0
    }
}

/// For the defaults the schema shows.
impl serde::Serialize for FileText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl std::ops::Deref for FileText {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for FileText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<FileText> for Text {
    fn from(t: FileText) -> Text {
        t.0
    }
}

impl<'de> Deserialize<'de> for FileText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<FileText, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = FileText;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E>(self, v: &str) -> Result<FileText, E> {
                Ok(FileText(Text::from(v)))
            }

            fn visit_string<E>(self, v: String) -> Result<FileText, E> {
                Ok(FileText(Text::from(v)))
            }
        }
        d.deserialize_string(Visitor)
    }
}

impl schemars::JsonSchema for FileText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    #[schemars(with = "Option<i64>")]
    format: Option<Spanned<i64>>,
    #[schemars(with = "RawMeta")]
    tree: Spanned<RawMeta>,
    #[serde(default)]
    #[schemars(with = "Vec<RawAlternative>")]
    alternatives: Vec<Spanned<RawAlternative>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawCriterion>")]
    criteria: Vec<Spanned<RawCriterion>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawQuestion>")]
    questions: Vec<Spanned<RawQuestion>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawRisk>")]
    risks: Vec<Spanned<RawRisk>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawConflict>")]
    conflicts: Vec<Spanned<RawConflict>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawStage>")]
    stages: Vec<Spanned<RawStage>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawPath>")]
    paths: Vec<Spanned<RawPath>>,
    plan: Option<RawPlan>,
}

/// The parts of a file that may follow its questions without being read again (see
/// [`build_while_reading`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTail {
    #[serde(default)]
    risks: Vec<Spanned<RawRisk>>,
    #[serde(default)]
    conflicts: Vec<Spanned<RawConflict>>,
    plan: Option<RawPlan>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStage {
    #[schemars(with = "String")]
    id: Spanned<FileText>,
    #[schemars(with = "String")]
    title: Spanned<FileText>,
    #[serde(default)]
    description: FileText,
    #[schemars(with = "Option<RawCondition>")]
    out_of_scope_if: Option<Spanned<RawCondition>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPath {
    #[schemars(with = "String")]
    id: Spanned<FileText>,
    #[schemars(with = "String")]
    title: Spanned<FileText>,
    #[serde(default)]
    summary: FileText,
    #[schemars(with = "String")]
    alternative: Spanned<FileText>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlan {
    #[schemars(with = "Option<RawCondition>")]
    licence_concern: Option<Spanned<RawCondition>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConflict {
    #[schemars(with = "String")]
    id: Spanned<FileText>,
    #[schemars(with = "RawCondition")]
    when: Spanned<RawCondition>,
    #[schemars(with = "String")]
    message: Spanned<FileText>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMeta {
    #[schemars(with = "String")]
    id: Spanned<FileText>,
    #[schemars(with = "String")]
    title: Spanned<FileText>,
    #[schemars(with = "String")]
    version: Spanned<FileText>,
    #[serde(default)]
    description: FileText,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAlternative {
    #[schemars(with = "String")]
    id: Spanned<FileText>,
    #[schemars(with = "String")]
    title: Spanned<FileText>,
    #[serde(default)]
    summary: FileText,
    #[serde(default)]
    strengths: Vec<FileText>,
    #[serde(default)]
    weaknesses: Vec<FileText>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCriterion {
    #[schemars(with = "String")]
    id: Spanned<FileText>,
    #[schemars(with = "String")]
    title: Spanned<FileText>,
    #[serde(default)]
    description: FileText,
    #[schemars(with = "Option<f64>")]
    weight: Option<Spanned<f64>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) enum RawKind {
    Single,
    Multiple,
    YesNo,
    Scale,
    Text,
    Priorities,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLevel {
    #[schemars(with = "String")]
    label: Spanned<FileText>,
    #[schemars(with = "f64")]
    multiplier: Spanned<f64>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuestion {
    #[schemars(with = "String")]
    id: Spanned<FileText>,
    #[schemars(with = "RawKind")]
    kind: Spanned<RawKind>,
    #[schemars(with = "String")]
    prompt: Spanned<FileText>,
    #[schemars(with = "String")]
    help: Spanned<FileText>,
    section: Option<FileText>,
    #[schemars(with = "Option<RawCondition>")]
    show_if: Option<Spanned<RawCondition>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawOption>")]
    options: Vec<Spanned<RawOption>>,
    #[schemars(with = "Option<i64>")]
    min: Option<Spanned<i64>>,
    #[schemars(with = "Option<i64>")]
    max: Option<Spanned<i64>>,
    #[schemars(with = "Option<Vec<String>>")]
    labels: Option<Spanned<Vec<FileText>>>,
    #[schemars(with = "Option<String>")]
    weight_of: Option<Spanned<FileText>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawEffect>")]
    effects: Vec<Spanned<RawEffect>>,
    #[schemars(with = "Option<Vec<RawLevel>>")]
    levels: Option<Spanned<Vec<RawLevel>>>,
    #[schemars(with = "Option<i64>")]
    default: Option<Spanned<i64>>,
    #[schemars(with = "Option<Vec<String>>")]
    criteria: Option<Spanned<Vec<Spanned<FileText>>>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOption {
    #[schemars(with = "String")]
    id: Spanned<FileText>,
    #[schemars(with = "String")]
    label: Spanned<FileText>,
    description: Option<FileText>,
    #[serde(default)]
    #[schemars(with = "Vec<RawEffect>")]
    effects: Vec<Spanned<RawEffect>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawWeight>")]
    weights: Vec<Spanned<RawWeight>>,
    #[serde(default)]
    rules_out: Vec<RawRuleOut>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWeight {
    #[schemars(with = "String")]
    criterion: Spanned<FileText>,
    #[schemars(with = "f64")]
    multiplier: Spanned<f64>,
    #[schemars(with = "String")]
    reason: Spanned<FileText>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRuleOut {
    #[schemars(with = "Option<String>")]
    alternative: Option<Spanned<FileText>>,
    #[schemars(with = "Option<String>")]
    path: Option<Spanned<FileText>>,
    #[schemars(with = "String")]
    reason: Spanned<FileText>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEffect {
    #[schemars(with = "Option<String>")]
    alternative: Option<Spanned<FileText>>,
    #[schemars(with = "Option<String>")]
    path: Option<Spanned<FileText>>,
    #[schemars(with = "String")]
    criterion: Spanned<FileText>,
    #[schemars(with = "f64")]
    points: Spanned<f64>,
    #[schemars(with = "String")]
    reason: Spanned<FileText>,
    #[schemars(with = "Option<String>")]
    fact: Option<Spanned<FileText>>,
    #[schemars(with = "Option<Vec<String>>")]
    stages: Option<Vec<Spanned<FileText>>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCondition {
    #[schemars(with = "Option<String>")]
    question: Option<Spanned<FileText>>,
    #[schemars(with = "Option<Vec<String>>")]
    any_of: Option<Vec<Spanned<FileText>>>,
    #[schemars(with = "Option<Vec<String>>")]
    none_of: Option<Vec<Spanned<FileText>>>,
    at_least: Option<i64>,
    at_most: Option<i64>,
    answered: Option<bool>,
    #[schemars(with = "Option<Vec<RawCondition>>")]
    all: Option<Vec<Spanned<RawCondition>>>,
    #[schemars(with = "Option<Vec<RawCondition>>")]
    any: Option<Vec<Spanned<RawCondition>>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRisk {
    #[schemars(with = "String")]
    id: Spanned<FileText>,
    #[schemars(with = "String")]
    applies_to: Spanned<FileText>,
    #[schemars(with = "Option<RawCondition>")]
    when: Option<Spanned<RawCondition>>,
    #[schemars(with = "Option<RawCondition>")]
    unless: Option<Spanned<RawCondition>>,
    #[schemars(with = "String")]
    title: Spanned<FileText>,
    #[serde(default)]
    description: FileText,
    #[schemars(with = "Option<String>")]
    mitigation: Option<Spanned<FileText>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawMitigation>")]
    mitigations: Vec<Spanned<RawMitigation>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMitigation {
    #[schemars(with = "String")]
    text: Spanned<FileText>,
    #[schemars(with = "Option<RawCondition>")]
    when: Option<Spanned<RawCondition>>,
    #[schemars(with = "Option<RawCondition>")]
    unless: Option<Spanned<RawCondition>>,
}

// ---------------------------------------------------------------------------------------
// From the raw file to the model, noting shape problems that serde cannot see.

/// What [`Builder::head`] built, and the raw parts of the file to build after the
/// questions.
struct Head {
    meta: TreeMeta,
    meta_span: Span,
    alternatives: Vec<Alternative>,
    criteria: Vec<Criterion>,
    stages: Vec<Stage>,
    paths: Vec<PlanPath>,
    risks: Vec<Spanned<RawRisk>>,
    conflicts: Vec<Spanned<RawConflict>>,
    plan: Option<RawPlan>,
}

struct Builder<'s> {
    origin: &'s Origin<'s>,
    problems: Vec<Problem>,
    /// Filled as the alternatives, criteria, stages and paths are built, so effects can be
    /// resolved.
    index: Index,
    /// Fact ids in order of first mention, and their positions.
    facts: Vec<Text>,
    fact_index: HashMap<Text, usize>,
}

impl<'s> Builder<'s> {
    fn new(origin: &'s Origin<'s>) -> Self {
        Builder {
            origin,
            problems: Vec::new(),
            index: Index::default(),
            facts: Vec::new(),
            fact_index: HashMap::new(),
        }
    }

    fn problem(&mut self, span: &Span, kind: ProblemKind, id: Option<&str>, msg: String) {
        self.problems
            .push(Problem::at(self.origin.source(), span, kind, id, msg));
    }

    /// Notes an empty required text; `what` names it ("the title of `x`"). The name is
    /// only built when the text is empty: a large tree has hundreds of thousands of texts.
    fn text(&mut self, value: Spanned<FileText>, what: impl FnOnce() -> String, id: &str) -> Text {
        if crate::model::is_blank(value.get_ref()) {
            let span = value.span();
            self.problem(
                &span,
                ProblemKind::EmptyText,
                Some(id),
                format!("{} is empty", what()),
            );
        }
        value.into_inner().into()
    }

    /// Notes a number that is not finite or outside `range`; `what` describes it.
    fn number(
        &mut self,
        value: &Spanned<f64>,
        range: std::ops::RangeInclusive<f64>,
        id: &str,
        what: impl FnOnce(f64) -> String,
    ) -> f64 {
        let v = *value.get_ref();
        if !v.is_finite() || !range.contains(&v) {
            self.problem(&value.span(), ProblemKind::BadNumber, Some(id), what(v));
        }
        v
    }

    /// Builds the tree of a whole raw file: [`Builder::head`], each question, then
    /// [`Builder::finish`].
    fn tree(&mut self, raw: RawFile) -> Tree {
        let (head, questions) = self.head(raw);
        let questions = questions
            .into_iter()
            .map(|q| self.question(q.into_inner()))
            .collect();
        self.finish(head, questions)
    }

    /// Builds what comes before the questions in the model (the meta, alternatives,
    /// criteria, stages and paths, with their index), keeps the rest of the file to build
    /// after them, and gives back the raw questions.
    fn head(&mut self, raw: RawFile) -> (Head, Vec<Spanned<RawQuestion>>) {
        if let Some(format) = &raw.format
            && *format.get_ref() != 1
        {
            self.problem(
                &format.span(),
                ProblemKind::Syntax,
                None,
                format!(
                    "unsupported format version {}; this mlops-wizard reads format 1",
                    format.get_ref()
                ),
            );
        }
        let meta_span = raw.tree.span();
        let meta = raw.tree.into_inner();
        let tree_id = meta.id.get_ref().clone();
        let meta = TreeMeta {
            id: tree_id.clone().into(),
            title: self.text(
                meta.title,
                || format!("the title of tree `{tree_id}`"),
                &tree_id,
            ),
            version: self.text(
                meta.version,
                || format!("the version of tree `{tree_id}`"),
                &tree_id,
            ),
            description: meta.description.into(),
        };
        let alternatives: Vec<Alternative> = raw
            .alternatives
            .into_iter()
            .map(|a| {
                let a = a.into_inner();
                let span = a.id.span();
                let id = a.id.into_inner();
                Alternative {
                    title: self.text(a.title, || format!("the title of alternative `{id}`"), &id),
                    id: id.into(),
                    summary: a.summary.into(),
                    strengths: a.strengths.into_iter().map(Text::from).collect(),
                    weaknesses: a.weaknesses.into_iter().map(Text::from).collect(),
                    span,
                }
            })
            .collect();
        let criteria: Vec<Criterion> = raw
            .criteria
            .into_iter()
            .map(|c| {
                let c = c.into_inner();
                let span = c.id.span();
                let id = c.id.into_inner();
                let weight = match &c.weight {
                    None => 1.0,
                    Some(w) => self.number(w, 0.0..=MAX_MAGNITUDE, &id, |v| {
                        format!(
                            "the weight of criterion `{id}` is {v:?}; weights must be numbers from 0 to {MAX_MAGNITUDE}"
                        )
                    }),
                };
                Criterion {
                    title: self.text(c.title, || format!("the title of criterion `{id}`"), &id),
                    id: id.into(),
                    description: c.description.into(),
                    weight,
                    span,
                }
            })
            .collect();
        self.index.alternatives = first_index(alternatives.iter().map(|a| a.id.as_str()));
        self.index.criteria = first_index(criteria.iter().map(|c| c.id.as_str()));
        let stages: Vec<Stage> = raw
            .stages
            .into_iter()
            .map(|s| {
                let s = s.into_inner();
                let span = s.id.span();
                let id = s.id.into_inner();
                Stage {
                    title: self.text(s.title, || format!("the title of stage `{id}`"), &id),
                    description: s.description.into(),
                    out_of_scope_if: s.out_of_scope_if.and_then(|c| self.condition(c, &id)),
                    span,
                    id: id.into(),
                }
            })
            .collect();
        let paths: Vec<PlanPath> = raw
            .paths
            .into_iter()
            .map(|p| {
                let p = p.into_inner();
                let span = p.id.span();
                let id = p.id.into_inner();
                let alternative_span = p.alternative.span();
                let alternative = p.alternative.into_inner();
                let alternative_at = self.index.alternatives.get(alternative.as_str()).copied();
                if alternative_at.is_none() {
                    let known = list_ids(self.index.alternatives.keys());
                    self.problem(
                        &alternative_span,
                        ProblemKind::UnknownReference,
                        Some(&id),
                        format!(
                            "path `{id}` belongs to alternative `{alternative}`, which the tree does not have (it has: {known})"
                        ),
                    );
                }
                PlanPath {
                    title: self.text(p.title, || format!("the title of path `{id}`"), &id),
                    summary: p.summary.into(),
                    alternative: alternative.into(),
                    alternative_at,
                    span,
                    id: id.into(),
                }
            })
            .collect();
        self.index.stages = first_index(stages.iter().map(|s| s.id.as_str()));
        self.index.paths = first_index(paths.iter().map(|p| p.id.as_str()));
        let head = Head {
            meta,
            meta_span,
            alternatives,
            criteria,
            stages,
            paths,
            risks: raw.risks,
            conflicts: raw.conflicts,
            plan: raw.plan,
        };
        (head, raw.questions)
    }

    /// Builds the rest of the tree once its questions are built.
    fn finish(&mut self, head: Head, mut questions: Vec<Question>) -> Tree {
        let Head {
            meta,
            meta_span,
            alternatives,
            criteria,
            stages,
            paths,
            risks,
            conflicts,
            plan,
        } = head;
        for p in questions.iter_mut().filter_map(|q| q.priorities.as_mut()) {
            p.names = p
                .criteria
                .iter()
                .map(|&c| (criteria[c].id.clone(), criteria[c].title.clone()))
                .collect();
        }
        let risks: Vec<Risk> = risks
            .into_iter()
            .map(|r| self.risk(r.into_inner()))
            .collect();
        let conflicts: Vec<Conflict> = conflicts
            .into_iter()
            .filter_map(|c| {
                let c = c.into_inner();
                let span = c.id.span();
                let id = c.id.into_inner();
                let when = self.condition(c.when, &id);
                let message =
                    self.text(c.message, || format!("the message of conflict `{id}`"), &id);
                Some(Conflict {
                    when: when?,
                    message,
                    span,
                    id: id.into(),
                })
            })
            .collect();
        let licence_concern = plan
            .and_then(|p| p.licence_concern)
            .and_then(|c| self.condition(c, "plan"));
        let index = Index {
            questions: first_index(questions.iter().map(|q| q.id.as_str())),
            ..std::mem::take(&mut self.index)
        };
        let mut tree = Tree {
            meta,
            alternatives,
            criteria,
            questions,
            risks,
            conflicts,
            stages,
            paths,
            licence_concern,
            facts: std::mem::take(&mut self.facts),
            warnings: Vec::new(),
            index,
            meta_span,
        };
        resolve_conditions(&mut tree);
        tree
    }

    fn question(&mut self, q: RawQuestion) -> Question {
        let span = q.id.span();
        let id = q.id.into_inner();
        let kind = match q.kind.get_ref() {
            RawKind::Single => Kind::Single,
            RawKind::Multiple => Kind::Multiple,
            RawKind::YesNo => Kind::YesNo,
            RawKind::Scale => Kind::Scale,
            RawKind::Text => Kind::Text,
            RawKind::Priorities => Kind::Priorities,
        };
        let kind_span = q.kind.span();
        let options: Vec<AnswerOption> = q
            .options
            .into_iter()
            .map(|o| self.option(o.into_inner(), &id))
            .collect();
        let effects = self.effects(q.effects, &id);
        let belongs_to = |key: &str| match key {
            "min" | "max" | "labels" | "weight_of" | "effects" => Kind::Scale,
            _ => Kind::Priorities,
        };
        let present = [
            ("min", q.min.is_some()),
            ("max", q.max.is_some()),
            ("labels", q.labels.is_some()),
            ("weight_of", q.weight_of.is_some()),
            ("effects", !effects.is_empty()),
            ("levels", q.levels.is_some()),
            ("default", q.default.is_some()),
            ("criteria", q.criteria.is_some()),
        ];
        for (key, here) in present {
            let owner = belongs_to(key);
            if here && kind != owner {
                let hint = if key == "effects" && kind.is_choice() {
                    "; put effects on its options"
                } else {
                    ""
                };
                self.problem(
                    &kind_span,
                    ProblemKind::KindRule,
                    Some(&id),
                    format!(
                        "`{key}` belongs to {} questions, but `{id}` is a {} question{hint}",
                        owner.name(),
                        kind.name()
                    ),
                );
            }
        }
        let scale = (kind == Kind::Scale).then(|| {
            let min = q.min.as_ref().map(|m| *m.get_ref());
            let max = q.max.as_ref().map(|m| *m.get_ref());
            let (min, max) = match (min, max) {
                (Some(min), Some(max)) => (min, max),
                _ => {
                    self.problem(
                        &kind_span,
                        ProblemKind::KindRule,
                        Some(&id),
                        format!("scale question `{id}` needs both `min` and `max`"),
                    );
                    (1, 5)
                }
            };
            Scale {
                min,
                max,
                labels: q
                    .labels
                    .map(Spanned::into_inner)
                    .unwrap_or_default()
                    .into_iter()
                    .map(Text::from)
                    .collect(),
                weight_of: q.weight_of.map(Spanned::into_inner).map(Text::from),
                effects,
            }
        });
        let priorities = if kind == Kind::Priorities {
            Some(self.priorities(&id, &kind_span, q.levels, q.default, q.criteria))
        } else {
            None
        };
        Question {
            prompt: self.text(q.prompt, || format!("the prompt of question `{id}`"), &id),
            help: self.text(q.help, || format!("the help text of question `{id}`"), &id),
            show_if: q.show_if.and_then(|c| self.condition(c, &id)),
            id: id.into(),
            kind,
            section: q.section.map(Text::from),
            options,
            scale: scale.map(Box::new),
            priorities: priorities.map(Box::new),
            span,
        }
    }

    fn option(&mut self, o: RawOption, qid: &str) -> AnswerOption {
        let span = o.id.span();
        let oid = o.id.into_inner();
        AnswerOption {
            label: self.text(
                o.label,
                || format!("the label of option `{oid}` of question `{qid}`"),
                qid,
            ),
            description: o.description.map(Text::from),
            effects: self.effects(o.effects, qid),
            weights: o
                .weights
                .into_iter()
                .map(|w| {
                    let w = w.into_inner();
                    let multiplier = self.number(&w.multiplier, 0.0..=MAX_MULTIPLIER, qid, |v| {
                        format!(
                            "a weight in question `{qid}` has the multiplier {v:?}; multipliers must be numbers from 0 to {MAX_MULTIPLIER}"
                        )
                    });
                    let criterion_span = w.criterion.span();
                    let criterion = w.criterion.into_inner();
                    WeightEffect {
                        criterion_at: self.index.criteria.get(criterion.as_str()).copied(),
                        reason: self.text(
                            w.reason,
                            || format!("the reason of a weight on `{criterion}` in question `{qid}`"),
                            qid,
                        ),
                        criterion: criterion.into(),
                        multiplier,
                        span: criterion_span,
                    }
                })
                .collect(),
            rules_out: o
                .rules_out
                .into_iter()
                .map(|r| {
                    let span = r
                        .alternative
                        .as_ref()
                        .or(r.path.as_ref())
                        .map_or_else(|| r.reason.span(), Spanned::span);
                    if r.alternative.is_some() == r.path.is_some() {
                        // Both: point at the `path`, as for effects.
                        let both = r.path.as_ref().filter(|_| r.alternative.is_some());
                        self.problem(
                            &both.map_or_else(|| span.clone(), Spanned::span),
                            ProblemKind::Syntax,
                            Some(qid),
                            format!(
                                "a `rules_out` in question `{qid}` needs exactly one of `alternative` or `path`{}",
                                if both.is_some() { ", not both" } else { "" }
                            ),
                        );
                    }
                    RuleOut {
                        span,
                        alternative: r.alternative.map(Spanned::into_inner).map(Text::from),
                        path: r.path.map(Spanned::into_inner).map(Text::from),
                        reason: self.text(
                            r.reason,
                            || format!("the reason of a `rules_out` in question `{qid}`"),
                            qid,
                        ),
                    }
                })
                .collect(),
            id: oid.into(),
            span,
        }
    }

    /// The levels and criteria of priorities question `id`.
    fn priorities(
        &mut self,
        id: &str,
        kind_span: &Span,
        levels: Option<Spanned<Vec<RawLevel>>>,
        default: Option<Spanned<i64>>,
        criteria: Option<Spanned<Vec<Spanned<FileText>>>>,
    ) -> Priorities {
        let levels_span = levels.as_ref().map_or(kind_span.clone(), Spanned::span);
        let levels: Vec<PriorityLevel> = levels
            .map(Spanned::into_inner)
            .unwrap_or_default()
            .into_iter()
            .map(|l| PriorityLevel {
                multiplier: self.number(&l.multiplier, 0.0..=MAX_MULTIPLIER, id, |v| {
                    format!(
                        "a level of priorities question `{id}` has the multiplier {v:?}; multipliers must be numbers from 0 to {MAX_MULTIPLIER}"
                    )
                }),
                label: self.text(l.label, || format!("a level label of question `{id}`"), id),
            })
            .collect();
        if !(2..=MAX_PRIORITY_LEVELS).contains(&levels.len()) {
            self.problem(
                &levels_span,
                ProblemKind::KindRule,
                Some(id),
                format!(
                    "priorities question `{id}` has {} level(s); give from 2 to {MAX_PRIORITY_LEVELS} `levels`",
                    levels.len()
                ),
            );
        }
        let default_level = match &default {
            Some(d) => *d.get_ref(),
            None => (levels.len() as i64 + 1) / 2,
        };
        if !(1..=levels.len() as i64).contains(&default_level) {
            let span = default.as_ref().map_or(levels_span.clone(), Spanned::span);
            self.problem(
                &span,
                ProblemKind::KindRule,
                Some(id),
                format!(
                    "the `default` level of priorities question `{id}` is {default_level}; it must be a level from 1 to {}",
                    levels.len()
                ),
            );
        }
        let criteria = match criteria {
            None => (0..self.index.criteria.len()).collect(),
            Some(list) => {
                let mut out = Vec::new();
                for c in list.into_inner() {
                    match self.index.criteria.get(c.get_ref().as_str()) {
                        Some(&i) if !out.contains(&i) => out.push(i),
                        Some(_) => self.problem(
                            &c.span(),
                            ProblemKind::DuplicateId,
                            Some(id),
                            format!(
                                "priorities question `{id}` names criterion `{}` twice",
                                c.get_ref()
                            ),
                        ),
                        None => {
                            let known = list_ids(self.index.criteria.keys());
                            self.problem(
                                &c.span(),
                                ProblemKind::UnknownReference,
                                Some(id),
                                format!(
                                    "priorities question `{id}` names criterion `{}`, which the tree does not have (it has: {known})",
                                    c.get_ref()
                                ),
                            );
                        }
                    }
                }
                out.sort_unstable();
                out
            }
        };
        Priorities {
            levels,
            default: default_level,
            criteria,
            names: Vec::new(),
        }
    }

    fn risk(&mut self, r: RawRisk) -> Risk {
        let span = r.id.span();
        let id = r.id.into_inner();
        let mitigations: Vec<Mitigation> = r
            .mitigations
            .into_iter()
            .map(|m| {
                let m = m.into_inner();
                let span = m.text.span();
                Mitigation {
                    text: self.text(m.text, || format!("a mitigation of risk `{id}`"), &id),
                    when: m.when.and_then(|c| self.condition(c, &id)),
                    unless: m.unless.and_then(|c| self.condition(c, &id)),
                    span,
                }
            })
            .collect();
        let mitigation = match r.mitigation {
            Some(m) => self.text(m, || format!("the mitigation of risk `{id}`"), &id),
            None => {
                if mitigations.is_empty() {
                    self.problem(
                        &span,
                        ProblemKind::Syntax,
                        Some(&id),
                        format!("risk `{id}` needs a `mitigation` or at least one `[[risks.mitigations]]`"),
                    );
                }
                Text::default()
            }
        };
        Risk {
            applies_to: r.applies_to.into_inner().into(),
            when: r.when.and_then(|c| self.condition(c, &id)),
            unless: r.unless.and_then(|c| self.condition(c, &id)),
            title: self.text(r.title, || format!("the title of risk `{id}`"), &id),
            mitigation,
            mitigations,
            description: r.description.into(),
            span,
            id: id.into(),
        }
    }

    /// The effects of a question or an option, in a vector of their own: collected from
    /// the raw vector, they would be built in its place and the block shrunk, which leaves
    /// the model's effects among gaps.
    fn effects(&mut self, raw: Vec<Spanned<RawEffect>>, owner: &str) -> Vec<Effect> {
        let mut effects = Vec::with_capacity(raw.len());
        effects.extend(raw.into_iter().map(|e| self.effect(e, owner)));
        effects
    }

    /// Converts an effect of question `owner`.
    fn effect(&mut self, e: Spanned<RawEffect>, owner: &str) -> Effect {
        let span = e.span();
        let e = e.into_inner();
        let points = self.number(&e.points, -MAX_MAGNITUDE..=MAX_MAGNITUDE, owner, |v| {
            format!("an effect in question `{owner}` has {v:?} points; points must be a finite number from -{MAX_MAGNITUDE} to {MAX_MAGNITUDE}")
        });
        let (alternative, path) = match (e.alternative, e.path) {
            (Some(a), None) => (Some(a), None),
            (None, Some(p)) => (None, Some(p)),
            (a, p) => {
                // Both: point at the `path` that is ignored. Neither: at the effect (or its
                // criterion, when the effect has no span of its own).
                let at = match &p {
                    Some(p) => p.span(),
                    None if span.is_empty() => e.criterion.span(),
                    None => span.clone(),
                };
                self.problem(
                    &at,
                    ProblemKind::Syntax,
                    Some(owner),
                    format!(
                        "an effect in question `{owner}` needs exactly one of `alternative` or `path`{}",
                        if p.is_some() { ", not both" } else { "" }
                    ),
                );
                (a, None)
            }
        };
        let named = alternative.as_ref().or(path.as_ref());
        let alternative_span = named.map_or(span.clone(), Spanned::span);
        let criterion_span = e.criterion.span();
        let criterion = e.criterion.into_inner();
        let reason = self.text(
            e.reason,
            || {
                format!(
                    "the reason text of an effect on criterion `{criterion}` in question `{owner}`"
                )
            },
            owner,
        );
        let fact_span = e.fact.as_ref().map_or(span.clone(), Spanned::span);
        let fact_at = e.fact.map(|f| {
            let f = Text::from(f.into_inner());
            match self.fact_index.get(&f) {
                Some(&i) => i,
                None => {
                    let i = self.facts.len();
                    self.fact_index.insert(f.clone(), i);
                    self.facts.push(f);
                    i
                }
            }
        });
        let fact = fact_at.map(|i| self.facts[i].clone());
        let named = e.stages.unwrap_or_default();
        let mut stages = Vec::with_capacity(named.len());
        // Of the length it will have unless a stage is unknown, so that boxing it does not
        // reallocate.
        let mut stages_at = Vec::with_capacity(named.len());
        for s in named {
            match self.index.stages.get(s.get_ref().as_str()) {
                // No tree in memory has 2^32 stages.
                Some(&i) => stages_at.push(u32::try_from(i).unwrap_or(u32::MAX)),
                None => {
                    let known = list_ids(self.index.stages.keys());
                    self.problem(
                        &s.span(),
                        ProblemKind::UnknownReference,
                        Some(owner),
                        format!(
                            "an effect in question `{owner}` names stage `{}`, which the tree does not have (it has: {known})",
                            s.get_ref()
                        ),
                    );
                }
            }
            stages.push(s.into_inner());
        }
        let alternative = alternative.map(Spanned::into_inner);
        let path = path.map(Spanned::into_inner);
        Effect {
            alternative_at: alternative
                .as_ref()
                .and_then(|a| self.index.alternatives.get(a.as_str()))
                .copied()
                .and_then(model::at),
            path_at: path
                .as_ref()
                .and_then(|p| self.index.paths.get(p.as_str()))
                .copied()
                .and_then(model::at),
            criterion_at: self
                .index
                .criteria
                .get(criterion.as_str())
                .copied()
                .and_then(model::at),
            fact_at: fact_at.and_then(model::at),
            stages_at: stages_at.into_boxed_slice(),
            alternative: alternative.map(Text::from),
            path: path.map(Text::from),
            criterion: criterion.into(),
            points,
            reason,
            fact,
            stages: stages.into_iter().map(Text::from).collect(),
            span: if span.is_empty() {
                alternative_span.clone().into()
            } else {
                span.into()
            },
            alternative_span: alternative_span.into(),
            criterion_span: criterion_span.into(),
            fact_span: fact_span.into(),
        }
    }

    /// Converts a raw condition of `owner` (the question it guards, or the risk), reporting
    /// shapes that mix or miss forms.
    fn condition(&mut self, raw: Spanned<RawCondition>, owner: &str) -> Option<Condition> {
        let span = raw.span();
        let c = raw.into_inner();
        let forms = usize::from(c.question.is_some())
            + usize::from(c.all.is_some())
            + usize::from(c.any.is_some());
        if forms != 1 {
            self.problem(
                &span,
                ProblemKind::BadCondition,
                Some(owner),
                format!(
                    "a condition of `{owner}` needs exactly one of `question = ...`, `all = [...]` or `any = [...]`"
                ),
            );
            return None;
        }
        if let Some(list) = c.all {
            return Some(Condition::All(self.conditions(list, owner)?, span));
        }
        if let Some(list) = c.any {
            return Some(Condition::Any(self.conditions(list, owner)?, span));
        }
        let question = c.question?;
        let qid = question.get_ref().clone();
        let ids =
            |v: Vec<Spanned<FileText>>| v.into_iter().map(|s| s.into_inner().into()).collect();
        let range = c.at_least.is_some() || c.at_most.is_some();
        let tests = usize::from(c.any_of.is_some())
            + usize::from(c.none_of.is_some())
            + usize::from(range)
            + usize::from(c.answered.is_some());
        let test = if tests != 1 {
            None
        } else if let Some(v) = c.any_of {
            Some(Test::AnyOf(ids(v)))
        } else if let Some(v) = c.none_of {
            Some(Test::NoneOf(ids(v)))
        } else if range {
            Some(Test::Range {
                at_least: c.at_least,
                at_most: c.at_most,
            })
        } else if c.answered == Some(true) {
            Some(Test::Answered)
        } else {
            None
        };
        let Some(test) = test else {
            self.problem(
                &span,
                ProblemKind::BadCondition,
                Some(owner),
                format!(
                    "the test of `{owner}` on `{qid}` needs exactly one of `any_of`, `none_of`, `at_least`/`at_most` or `answered = true`"
                ),
            );
            return None;
        };
        Some(Condition::Test {
            question: qid.into(),
            test,
            span: question.span(),
            at: None,
        })
    }

    /// Converts the members of `all`/`any`; `None` when any member is malformed (already
    /// reported), so the group is not judged on what is left of it.
    fn conditions(
        &mut self,
        list: Vec<Spanned<RawCondition>>,
        owner: &str,
    ) -> Option<Vec<Condition>> {
        let converted: Vec<Option<Condition>> =
            list.into_iter().map(|c| self.condition(c, owner)).collect();
        converted.into_iter().collect()
    }
}

/// Converts a condition written in another file than the tree (a catalog's `when`) and
/// checks it against `tree`; its problems are added to `problems`. `what` names the
/// condition's owner in messages ("tool `x`"), `owner` is its id.
pub(crate) fn foreign_condition(
    source: &Source,
    tree: &Tree,
    raw: Spanned<RawCondition>,
    what: &str,
    owner: &str,
    problems: &mut Vec<Problem>,
) -> Option<Condition> {
    let origin = Origin::Source(source);
    let mut builder = Builder::new(&origin);
    let mut cond = builder.condition(raw, owner);
    problems.append(&mut builder.problems);
    if let Some(c) = cond.as_mut() {
        c.resolve(&tree.index.questions);
        problems.extend(validate::condition_problems(tree, source, what, owner, c));
    }
    cond
}

/// Weight multipliers (of options and priority levels) are at most this large, so that
/// several of them on one criterion keep weights far from overflowing.
pub const MAX_MULTIPLIER: f64 = 100.0;

/// A priorities question has at most this many levels.
pub const MAX_PRIORITY_LEVELS: usize = 10;

/// Resolves the question position of every test of every condition of the tree.
fn resolve_conditions(tree: &mut Tree) {
    let index = &tree.index.questions;
    let conditions = tree
        .questions
        .iter_mut()
        .filter_map(|q| q.show_if.as_mut())
        .chain(tree.risks.iter_mut().flat_map(|r| {
            r.when.iter_mut().chain(r.unless.iter_mut()).chain(
                r.mitigations
                    .iter_mut()
                    .flat_map(|m| m.when.iter_mut().chain(m.unless.iter_mut())),
            )
        }))
        .chain(tree.conflicts.iter_mut().map(|c| &mut c.when))
        .chain(
            tree.stages
                .iter_mut()
                .filter_map(|s| s.out_of_scope_if.as_mut()),
        )
        .chain(tree.licence_concern.iter_mut());
    for c in conditions {
        c.resolve(index);
    }
}

/// Maps each id to the position of its first occurrence.
fn first_index<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> HashMap<Text, usize> {
    let mut map = HashMap::with_capacity(ids.len());
    for (i, id) in ids.enumerate() {
        map.entry(Text::from(id)).or_insert(i);
    }
    map
}

/// Ids for a message, sorted and quoted: "`a`, `b`".
fn list_ids<'a>(ids: impl Iterator<Item = &'a Text>) -> String {
    let mut v: Vec<&str> = ids.map(Text::as_str).collect();
    v.sort_unstable();
    if v.is_empty() {
        return "none".to_string();
    }
    v.iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
