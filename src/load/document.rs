//! A TOML document built from the events of `toml_parser`, with the same rules and the
//! same first error as the `toml` crate, but lighter: tables are vectors of entries kept
//! in key order (the order `toml` visits them in), and keys and strings borrow from the
//! text when they have no escapes.
//!
//! The tokens are lexed and parsed in batches, cut where a line at the top level starts
//! with `[`, so the tokens of a large file are never all held at once. A large text is
//! lexed on a thread of its own, a few batches ahead of the parser.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::mpsc;

use toml_parser::decoder::{Encoding, ScalarKind};
use toml_parser::lexer::{Token, TokenKind};
use toml_parser::parser::EventReceiver;
use toml_parser::{ErrorSink, ParseError, Raw, Span};

/// How deep arrays, inline tables and dotted keys may nest, as in the `toml` crate.
const LIMIT: u32 = 80;

/// How many tokens are gathered before the next place the document may be cut: 4,096
/// tokens (96 KB) stay in the caches between the lexer writing them and the parser reading
/// them; with 65,536 (1.5 MB), cachegrind counted 8% more last-level cache misses loading
/// the 10,000-question tree, for the same instructions.
pub(crate) const BATCH: usize = 4 * 1024;

/// A bare key, if `token` is one: read in one pass over its bytes. Anything else goes to
/// `toml_parser`'s decoder, which reads it (and reports it, if it is wrong).
fn bare_key(token: &str) -> Option<&str> {
    (!token.is_empty() && token.bytes().all(|b| BARE_KEY[usize::from(b)])).then_some(token)
}

/// What a basic string token (`"..."`) without escapes stands for, found in one pass over
/// its bytes; `None` for any other, which `toml_parser`'s decoder then reads. Nearly every
/// key and string of a tree is a bare key or one of these.
fn basic_string(token: &str) -> Option<&str> {
    let inner = token.strip_prefix('"')?.strip_suffix('"')?;
    inner
        .bytes()
        .all(|b| UNESCAPED[usize::from(b)])
        .then_some(inner)
}

/// The bytes of a bare key: `A-Z a-z 0-9 - _`.
const BARE_KEY: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
        b += 1;
    }
    table
};

/// The bytes that stand for themselves in a basic string: tab, space, printable ASCII but
/// `"` and `\`, and every byte of a non-ASCII character.
const UNESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c == b'\t' || (c >= 0x20 && c != b'"' && c != b'\\' && c != 0x7F);
        b += 1;
    }
    table
};

/// A value and where it is.
#[derive(Debug)]
pub(crate) struct Item<'i> {
    pub(crate) value: Value<'i>,
    pub(crate) span: Range<usize>,
}

/// A TOML value.
#[derive(Debug)]
pub(crate) enum Value<'i> {
    String(Cow<'i, str>),
    /// The digits without underscores or prefix, and the radix.
    Integer(Cow<'i, str>, u32),
    Float(Cow<'i, str>),
    Boolean(bool),
    Datetime(toml::value::Datetime),
    Array(Array<'i>),
    Table(Table<'i>),
}

impl Value<'_> {
    /// The name of the value's type, as `toml` words it in messages.
    pub(crate) fn type_str(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Integer(..) => "integer",
            Value::Float(_) => "float",
            Value::Boolean(_) => "boolean",
            Value::Datetime(_) => "datetime",
            Value::Array(_) => "array",
            Value::Table(_) => "table",
        }
    }
}

/// An array; `of_tables` when it was made by `[[headers]]`.
#[derive(Debug, Default)]
pub(crate) struct Array<'i> {
    pub(crate) items: Vec<Item<'i>>,
    pub(crate) of_tables: bool,
}

/// A key of a table and where it is.
#[derive(Debug, Clone)]
pub(crate) struct Key<'i> {
    pub(crate) name: Cow<'i, str>,
    pub(crate) span: Range<usize>,
}

/// A table: its entries sorted by key, and how it was defined.
#[derive(Debug, Default)]
pub(crate) struct Table<'i> {
    pub(crate) entries: Vec<(Key<'i>, Item<'i>)>,
    implicit: bool,
    dotted: bool,
    inline: bool,
}

impl<'i> Table<'i> {
    /// Where `key` is, or where it would go.
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|(k, _)| k.name.as_ref().cmp(key))
    }
}

/// Emptied vectors of tables and arrays, kept to build the next ones with. The parts of
/// a document handed over by [`Taking`] come back here once they are read
/// ([`super::de::from_item`] gives them back), so that the entries of a large array of
/// tables are built in the memory the entries of the batch of tokens before used, which
/// is still in the caches, instead of in blocks the allocator finds wherever the last
/// tree it freed left them.
#[derive(Debug, Default)]
pub(crate) struct Spare<'i> {
    entries: Vec<Vec<(Key<'i>, Item<'i>)>>,
    items: Vec<Vec<Item<'i>>>,
}

impl<'i> Spare<'i> {
    /// An empty table.
    fn table(&mut self) -> Table<'i> {
        Table {
            entries: self.entries.pop().unwrap_or_default(),
            ..Table::default()
        }
    }

    /// An empty array.
    fn array(&mut self, of_tables: bool) -> Array<'i> {
        Array {
            items: self.items.pop().unwrap_or_default(),
            of_tables,
        }
    }

    /// Keeps the vector of a table once it is read; what was left unread in it is dropped.
    pub(crate) fn keep_entries(&mut self, entries: Vec<(Key<'i>, Item<'i>)>) {
        keep(&mut self.entries, entries);
    }

    /// Keeps the vector of an array once it is read; what was left unread in it is dropped.
    pub(crate) fn keep_items(&mut self, items: Vec<Item<'i>>) {
        keep(&mut self.items, items);
    }
}

/// Empties `vector` and keeps it in `spare`, unless it never allocated.
fn keep<T>(spare: &mut Vec<Vec<T>>, mut vector: Vec<T>) {
    vector.clear();
    if vector.capacity() > 0 {
        spare.push(vector);
    }
}

/// The first error of a kind, converted as `toml` converts it: the message and the span.
#[derive(Debug, Default)]
pub(crate) struct FirstError(pub(crate) Option<(String, Option<Range<usize>>)>);

impl ErrorSink for FirstError {
    fn report_error(&mut self, error: ParseError) {
        if self.0.is_none() {
            self.0 = Some((
                message(&error),
                error.unexpected().map(|s| s.start()..s.end()),
            ));
        }
    }
}

/// The message of a parse error, worded as the `toml` crate words it.
fn message(error: &ParseError) -> String {
    let mut message = String::from(error.description());
    if let Some(expected) = error.expected() {
        message.push_str(", expected ");
        if expected.is_empty() {
            message.push_str("nothing");
        } else {
            for (i, expected) in expected.iter().enumerate() {
                if i != 0 {
                    message.push_str(", ");
                }
                match expected {
                    toml_parser::Expected::Literal(desc) => match *desc {
                        "\n" => message.push_str("newline"),
                        "`" => message.push_str("'`'"),
                        s if s.chars().all(|c| c.is_ascii_control()) => {
                            message.push_str(&format!("`{}`", s.escape_debug()));
                        }
                        s => message.push_str(&format!("`{s}`")),
                    },
                    toml_parser::Expected::Description(desc) => message.push_str(desc),
                    _ => message.push_str("etc"),
                }
            }
        }
    }
    message
}

/// Why a text is not a document: the first error, as `toml` would report it.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    pub(crate) message: String,
    pub(crate) span: Option<Range<usize>>,
}

/// What parsing found: the document, or the first error; `Unsure` when the events took a
/// turn this builder does not follow though the parser reported nothing (the caller then
/// asks the `toml` crate, see [`parse_with_toml`]).
pub(crate) enum Parsed<'i> {
    Document(Table<'i>),
    Error(SyntaxError),
    Unsure,
}

/// Parses `text` into a document, cutting the tokens into batches of about `batch`.
pub(crate) fn parse(text: &str, batch: usize) -> Parsed<'_> {
    parse_taking(text, batch, None)
}

/// Entries of a top-level array of tables that are handed over as soon as they are
/// complete, instead of staying in the document: `key` names the array, and `taker` gets
/// each entry, in order, once the next `[[key]]` header or the end of the text shows that
/// nothing more can be added to it. The document keeps an empty array under `key`.
///
/// Before the first entry, `taker` also gets the head: the document as it stands when the
/// first `[[key]]` header is read, which then leaves the document. In a file whose later
/// headers all start with `key`, the head is final by then; otherwise the document left at
/// the end has other keys than `key`, which tells the taker that the head it got was not
/// the whole rest of the file.
pub(crate) struct Taking<'t, 'i> {
    pub(crate) key: &'static str,
    pub(crate) taker: &'t mut dyn Taker<'i>,
}

/// What [`Taking`] hands its parts to.
pub(crate) trait Taker<'i> {
    /// The document before the first `[[key]]` header.
    fn head(&mut self, head: Table<'i>);
    /// A complete entry of the array; the vectors of its tables and arrays go back to
    /// `spare` once they are read.
    fn take(&mut self, item: Item<'i>, spare: &mut Spare<'i>);
}

/// [`parse`], handing the entries of one array of tables to `taking` as they complete,
/// so that they are read while their text is still in the caches and their part of the
/// document is freed at once. Meant for documents without errors: after an error, which
/// parts were handed over is unspecified.
pub(crate) fn parse_taking<'i>(
    text: &'i str,
    batch: usize,
    mut taking: Option<Taking<'_, 'i>>,
) -> Parsed<'i> {
    let mut builder = Builder::new(text);
    builder.taking = taking.as_ref().map(|t| t.key);
    let mut grammar = FirstError::default();
    let mut run = |tokens: &[Token]| {
        toml_parser::parser::parse_document(tokens, &mut builder, &mut grammar);
        if let Some(taking) = taking.as_mut() {
            if let Some(head) = builder.head.take() {
                taking.taker.head(head);
            }
            for item in builder.taken.drain(..) {
                taking.taker.take(item, &mut builder.spare);
            }
        }
    };
    if text.len() < LEX_APART || !lex_apart(text, batch, &mut run) {
        lex_in_batches(text, batch, |tokens| {
            run(tokens);
            tokens.clear();
        });
    }
    if let Some((message, span)) = grammar.0 {
        return Parsed::Error(SyntaxError { message, span });
    }
    let (mut parsed, taken, mut spare) = builder.finish();
    if let (Parsed::Document(root), Some(taking)) = (&mut parsed, taking) {
        for item in taken {
            taking.taker.take(item, &mut spare);
        }
        // The last entry is complete at the end of the text.
        if let Ok(at) = root.find(taking.key)
            && let Value::Array(array) = &mut root.entries[at].1.value
            && array.of_tables
            && let Some(last) = array.items.pop()
        {
            taking.taker.take(last, &mut spare);
        }
    }
    parsed
}

/// Texts shorter than this are lexed on the thread that parses them: starting a thread
/// costs more than lexing them (about 20 instructions a byte) takes.
const LEX_APART: usize = 256 * 1024;

/// How many batches of tokens the lexer may be ahead of the parser.
const BATCHES_AHEAD: usize = 4;

/// How many times larger the batches handed from the lexer's thread are than `batch`.
/// Each hand-over may wake the other thread, a system call on the parser's path: with the
/// batches of [`BATCH`] tokens, the verbose 10,000-question tree loaded in about 150 ms,
/// with batches eight times larger in about 133 ms (see docs/performance.md).
const APART_BATCH_TIMES: usize = 8;

/// Lexes `text`, handing the tokens to `run` in batches of about `batch`, cut where a line
/// at the top level starts with `[`. `run` may keep nothing of the vector it is given,
/// and must leave it empty.
fn lex_in_batches(text: &str, batch: usize, mut run: impl FnMut(&mut Vec<Token>)) {
    let mut tokens: Vec<Token> = Vec::with_capacity(batch.min(text.len() / 4 + 16) + 1);
    let mut depth: i64 = 0;
    let mut after_newline = true;
    for token in toml_parser::Source::new(text).lex() {
        match token.kind() {
            TokenKind::LeftSquareBracket => {
                if depth == 0 && after_newline && tokens.len() >= batch {
                    run(&mut tokens);
                }
                depth += 1;
            }
            TokenKind::LeftCurlyBracket => depth += 1,
            TokenKind::RightSquareBracket | TokenKind::RightCurlyBracket => depth -= 1,
            _ => {}
        }
        after_newline = token.kind() == TokenKind::Newline;
        tokens.push(token);
    }
    run(&mut tokens);
}

/// Lexes `text` on a thread of its own while `run` parses the batches on this one, in
/// order: the lexer is a fifth of the work of loading a large tree, and the two share
/// nothing but the batches. False, with nothing run, when no thread could be started.
fn lex_apart(text: &str, batch: usize, run: &mut dyn FnMut(&[Token])) -> bool {
    std::thread::scope(|scope| {
        let (full, batches) = mpsc::sync_channel::<Vec<Token>>(BATCHES_AHEAD);
        let (empty, spares) = mpsc::channel::<Vec<Token>>();
        let lexer = std::thread::Builder::new()
            .name("toml lexer".into())
            .spawn_scoped(scope, move || {
                lex_in_batches(text, batch * APART_BATCH_TIMES, |tokens| {
                    let spare = spares
                        .try_recv()
                        .unwrap_or_else(|_| Vec::with_capacity(tokens.capacity()));
                    // The parser stops receiving only when it is done with every batch.
                    let _ = full.send(std::mem::replace(tokens, spare));
                });
            });
        if lexer.is_err() {
            return false;
        }
        for mut tokens in batches {
            run(&tokens);
            tokens.clear();
            let _ = empty.send(tokens);
        }
        true
    })
}

/// Parses `text` with the `toml` crate's own document parser and turns its document into
/// this module's. Only for the case [`Parsed::Unsure`], which no input is known to reach:
/// it gives what `toml` gives, without a second deserializer for every file format.
pub(crate) fn parse_with_toml(text: &str) -> Result<Table<'_>, SyntaxError> {
    match toml::de::DeTable::parse(text) {
        Ok(root) => Ok(from_toml_table(root.into_inner())),
        Err(e) => Err(SyntaxError {
            message: e.message().to_string(),
            span: e.span(),
        }),
    }
}

fn from_toml_table(table: toml::de::DeTable<'_>) -> Table<'_> {
    let entries = table
        .into_iter()
        .map(|(key, value)| {
            let span = key.span();
            let key = Key {
                name: key.into_inner(),
                span,
            };
            (key, from_toml_value(value))
        })
        .collect();
    Table {
        entries,
        ..Table::default()
    }
}

fn from_toml_value(item: toml::Spanned<toml::de::DeValue<'_>>) -> Item<'_> {
    use toml::de::DeValue;
    let span = item.span();
    let value = match item.into_inner() {
        DeValue::String(s) => Value::String(s),
        DeValue::Integer(i) => Value::Integer(Cow::Owned(i.as_str().to_string()), i.radix()),
        DeValue::Float(f) => Value::Float(Cow::Owned(f.as_str().to_string())),
        DeValue::Boolean(b) => Value::Boolean(b),
        DeValue::Datetime(d) => Value::Datetime(d),
        DeValue::Array(a) => Value::Array(Array {
            items: a.into_iter().map(from_toml_value).collect(),
            of_tables: false,
        }),
        DeValue::Table(t) => Value::Table(from_toml_table(t)),
    };
    Item { value, span }
}

/// A `[table]` or `[[table]]` header last read (its path is [`Builder::header_path`]).
struct Header<'i> {
    key: Option<Key<'i>>,
    span: Range<usize>,
    is_array: bool,
}

/// An array or inline table whose closing bracket has not come yet.
enum Open<'i> {
    Array {
        array: Array<'i>,
        start: usize,
        current: Option<Item<'i>>,
    },
    Inline {
        table: Table<'i>,
        start: usize,
        /// Where the keys of this table start in [`Builder::inline_keys`].
        keys_from: usize,
        /// The last part of the key whose value is being read (the path before it is in
        /// [`Builder::inline_keys`]).
        key: Option<Key<'i>>,
        current: Option<Item<'i>>,
    },
}

/// Where the builder is in the stream of events.
enum Mode {
    /// Between expressions of the document.
    Top,
    /// In a table header.
    Header,
    /// Reading the key of a key/value pair at the top.
    Key,
    /// After the `=` of a key/value pair at the top.
    Value,
}

/// Turns events into the document, following `toml`'s rules for tables and keys.
struct Builder<'i> {
    text: &'i str,
    root: Table<'i>,
    current_table: Table<'i>,
    current_header: Option<Header<'i>>,
    /// The dotted path of the current header, before its last key.
    header_path: Vec<Key<'i>>,
    mode: Mode,
    /// The keys read so far of the header or top-level pair being read.
    keys: Vec<Key<'i>>,
    header_is_array: bool,
    header_start: usize,
    /// The last part of the key of the top-level pair whose value is being read (the path
    /// before it stays in `keys`).
    pair: Option<Key<'i>>,
    open: Vec<Open<'i>>,
    /// The keys being read in the open inline tables, each table's from its `keys_from`.
    inline_keys: Vec<Key<'i>>,
    /// The first error of the document's rules (duplicate keys, bad escapes...).
    error: FirstError,
    /// Set when an event came that valid TOML does not produce there.
    unsure: bool,
    /// How deep arrays and inline tables are open, counted as `toml_parser`'s
    /// `RecursionGuard` counts it (which this builder does the work of, with
    /// `ValidateWhitespace`'s, so that each event is one call).
    depth: i64,
    /// The key of the top-level array of tables whose complete entries go to `taken`.
    taking: Option<&'static str>,
    /// Complete entries of that array, to be handed over (see [`Taking`]).
    taken: Vec<Item<'i>>,
    /// The document before the first header of that array, to be handed over.
    head: Option<Table<'i>>,
    /// Vectors to build tables and arrays with.
    spare: Spare<'i>,
    /// Whether the head was taken out of the document.
    head_taken: bool,
}

impl<'i> Builder<'i> {
    fn new(text: &'i str) -> Self {
        Builder {
            text,
            root: Table::default(),
            current_table: Table::default(),
            current_header: None,
            header_path: Vec::new(),
            mode: Mode::Top,
            keys: Vec::new(),
            header_is_array: false,
            header_start: 0,
            pair: None,
            open: Vec::new(),
            inline_keys: Vec::new(),
            error: FirstError::default(),
            unsure: false,
            depth: 0,
            taking: None,
            taken: Vec::new(),
            head: None,
            head_taken: false,
            spare: Spare::default(),
        }
    }

    /// Whether events still matter: after the first error of the document they do not.
    fn live(&self) -> bool {
        self.error.0.is_none() && !self.unsure
    }

    /// The document, the entries the last table completed (see [`Taking`]), and the
    /// vectors left to build with.
    fn finish(mut self) -> (Parsed<'i>, Vec<Item<'i>>, Spare<'i>) {
        if self.live() {
            if !matches!(self.mode, Mode::Top) || !self.open.is_empty() {
                self.unsure = true;
            } else {
                self.finish_table();
            }
        }
        let parsed = if let Some((message, span)) = self.error.0 {
            Parsed::Error(SyntaxError { message, span })
        } else if self.unsure {
            Parsed::Unsure
        } else {
            Parsed::Document(self.root)
        };
        (parsed, self.taken, self.spare)
    }

    fn raw(&self, span: Span, encoding: Option<Encoding>) -> Raw<'i> {
        Raw::new_unchecked(&self.text[span.start()..span.end()], encoding, span)
    }

    fn decode_key(&mut self, span: Span, encoding: Option<Encoding>) -> Key<'i> {
        let text = &self.text[span.start()..span.end()];
        let plain = match encoding {
            None => bare_key(text),
            Some(Encoding::BasicString) => basic_string(text),
            _ => None,
        };
        let name = match plain {
            Some(name) => Cow::Borrowed(name),
            None => {
                let mut name = Cow::Borrowed("");
                self.raw(span, encoding)
                    .decode_key(&mut name, &mut self.error);
                name
            }
        };
        Key {
            name,
            span: span.start()..span.end(),
        }
    }

    fn decode_scalar(&mut self, span: Span, encoding: Option<Encoding>) -> Item<'i> {
        if encoding == Some(Encoding::BasicString)
            && let Some(text) = basic_string(&self.text[span.start()..span.end()])
        {
            return Item {
                value: Value::String(Cow::Borrowed(text)),
                span: span.start()..span.end(),
            };
        }
        let raw = self.raw(span, encoding);
        let mut decoded = Cow::Borrowed("");
        let kind = raw.decode_scalar(&mut decoded, &mut self.error);
        let value = match kind {
            ScalarKind::String => Value::String(decoded),
            ScalarKind::Boolean(b) => Value::Boolean(b),
            ScalarKind::DateTime => match decoded.parse::<toml::value::Datetime>() {
                Ok(d) => Value::Datetime(d),
                Err(e) => {
                    self.error
                        .report_error(ParseError::new(e.to_string()).with_unexpected(span));
                    Value::Boolean(false)
                }
            },
            ScalarKind::Float => Value::Float(decoded),
            ScalarKind::Integer(radix) => Value::Integer(decoded, radix.value()),
        };
        Item {
            value,
            span: span.start()..span.end(),
        }
    }

    /// Takes the last key read off `keys`, leaving its path, or reports a path too deep.
    fn take_key(keys: &mut Vec<Key<'i>>, error: &mut FirstError) -> Option<Key<'i>> {
        let key = keys.pop()?;
        if LIMIT as usize <= keys.len() {
            error.report_error(ParseError::new("recursion limit"));
            return None;
        }
        Some(key)
    }

    /// A value is complete: it goes into the open array or inline table, or is the value of
    /// the top-level pair.
    fn value_done(&mut self, item: Item<'i>) {
        match self.open.last_mut() {
            Some(Open::Array { current, .. }) | Some(Open::Inline { current, .. }) => {
                *current = Some(item);
            }
            None => {
                if let Some(key) = self.pair.take() {
                    capture_key_value(
                        &mut self.current_table,
                        &self.keys,
                        key,
                        item,
                        &mut self.error,
                    );
                } else {
                    self.unsure = true;
                }
                self.mode = Mode::Top;
            }
        }
    }

    /// Ends the value before a `,` or a closing bracket of the innermost open container.
    fn finish_value(&mut self) {
        match self.open.last_mut() {
            Some(Open::Array { array, current, .. }) => {
                if let Some(item) = current.take() {
                    array.items.push(item);
                }
            }
            Some(Open::Inline {
                table,
                key,
                current,
                keys_from,
                ..
            }) => {
                if let (Some(key), Some(item)) = (key.take(), current.take()) {
                    let path = self.inline_keys.get(*keys_from..).unwrap_or_default();
                    inline_insert(table, path, key, item, &mut self.error);
                }
                self.inline_keys.truncate(*keys_from);
            }
            None => self.unsure = true,
        }
    }

    fn finish_table(&mut self) {
        let table = std::mem::replace(&mut self.current_table, self.spare.table());
        let Some(header) = self.current_header.take() else {
            self.root = table;
            return;
        };
        let Some(key) = header.key else {
            return;
        };
        let item = Item {
            value: Value::Table(table),
            span: header.span.clone(),
        };
        let Some(parent) = descend_path(&mut self.root, &self.header_path, false, &mut self.error)
        else {
            return;
        };
        if header.is_array {
            let at = match parent.find(&key.name) {
                Ok(at) => at,
                Err(at) => {
                    let array = Item {
                        value: Value::Array(self.spare.array(true)),
                        span: header.span.clone(),
                    };
                    parent.entries.insert(at, (key.clone(), array));
                    at
                }
            };
            let entry = &mut parent.entries[at].1;
            match &mut entry.value {
                Value::Array(array) if array.of_tables => {
                    // A new entry: the one before it can no longer be extended.
                    if self.header_path.is_empty()
                        && self.taking == Some(key.name.as_ref())
                        && let Some(done) = array.items.pop()
                    {
                        self.taken.push(done);
                    }
                    array.items.push(item);
                }
                _ => {
                    let old = Span::new_unchecked(entry.span.start, entry.span.end);
                    self.error.report_error(
                        ParseError::new("duplicate key")
                            .with_unexpected(span_of(&key))
                            .with_context(old),
                    );
                }
            }
        } else {
            match parent.find(&key.name) {
                Ok(at) => parent.entries[at] = (key, item),
                Err(at) => parent.entries.insert(at, (key, item)),
            }
        }
    }

    fn start_table(&mut self, header: Header<'i>) {
        if !header.is_array
            && let Some(key) = &header.key
            && let Some(parent) =
                descend_path(&mut self.root, &self.header_path, false, &mut self.error)
            && let Ok(at) = parent.find(&key.name)
        {
            let (old_key, old) = parent.entries.remove(at);
            match old.value {
                Value::Table(t) if t.implicit && !t.dotted => self.current_table = t,
                old_value => {
                    self.error.report_error(
                        ParseError::new("duplicate key")
                            .with_unexpected(span_of(key))
                            .with_context(span_of(&old_key)),
                    );
                    if let Value::Table(t) = old_value {
                        self.current_table = t;
                    }
                }
            }
        }
        self.current_table.implicit = false;
        self.current_table.dotted = false;
        self.current_header = Some(header);
    }

    fn open_header(&mut self, span: Span, is_array: bool) {
        if !matches!(self.mode, Mode::Top) || !self.open.is_empty() {
            self.unsure = true;
            return;
        }
        self.finish_table();
        self.mode = Mode::Header;
        self.keys.clear();
        self.header_is_array = is_array;
        self.header_start = span.start();
    }

    fn close_header(&mut self, span: Span, is_array: bool) {
        if !matches!(self.mode, Mode::Header) || self.header_is_array != is_array {
            self.unsure = true;
            return;
        }
        self.mode = Mode::Top;
        let key = Self::take_key(&mut self.keys, &mut self.error);
        if key.is_none() && self.error.0.is_some() {
            return;
        }
        self.header_path.clear();
        self.header_path.append(&mut self.keys);
        if is_array
            && !self.head_taken
            && self.header_path.is_empty()
            && let (Some(key), Some(taking)) = (&key, self.taking)
            && key.name == taking
        {
            self.head_taken = true;
            self.head = Some(std::mem::take(&mut self.root));
        }
        let header = Header {
            key,
            span: self.header_start..span.end(),
            is_array,
        };
        self.start_table(header);
    }

    /// A `[` or `{` that opens a value.
    fn open_value(&mut self, open: Open<'i>) {
        match (&self.mode, self.open.last()) {
            (Mode::Value, _) => self.open.push(open),
            _ => self.unsure = true,
        }
    }

    fn close_value(&mut self, span: Span, array: bool) {
        self.finish_value();
        if !self.live() {
            return;
        }
        let item = match self.open.pop() {
            Some(Open::Array {
                array: a, start, ..
            }) if array => Item {
                value: Value::Array(a),
                span: start..span.end(),
            },
            Some(Open::Inline { table, start, .. }) if !array => Item {
                value: Value::Table(table),
                span: start..span.end(),
            },
            _ => {
                self.unsure = true;
                return;
            }
        };
        self.value_done(item);
    }
}

/// Inserts a pair of the current table (`path` is its dotted key before `key`), as `toml`
/// does.
fn capture_key_value<'i>(
    table: &mut Table<'i>,
    path: &[Key<'i>],
    key: Key<'i>,
    item: Item<'i>,
    errors: &mut FirstError,
) {
    let dotted = !path.is_empty();
    let Some(parent) = descend_path(table, path, dotted, errors) else {
        return;
    };
    if dotted && !parent.implicit {
        errors.report_error(ParseError::new("duplicate key").with_unexpected(span_of(&key)));
        return;
    }
    match parent.find(&key.name) {
        Ok(at) => {
            let old = span_of(&parent.entries[at].0);
            errors.report_error(
                ParseError::new("duplicate key")
                    .with_unexpected(span_of(&key))
                    .with_context(old),
            );
        }
        Err(at) => parent.entries.insert(at, (key, item)),
    }
}

impl Builder<'_> {
    /// One level deeper into arrays and inline tables: whether the parser may go on into
    /// it, reporting the level past [`LIMIT`] as `toml_parser` does.
    fn deeper(&mut self, span: Span, error: &mut dyn ErrorSink) -> bool {
        self.depth += 1;
        let within = self.depth <= i64::from(LIMIT);
        if !within {
            error.report_error(
                ParseError::new("cannot recurse further; max recursion depth met")
                    .with_unexpected(span),
            );
        }
        within
    }
}

fn span_of(key: &Key<'_>) -> Span {
    Span::new_unchecked(key.span.start, key.span.end)
}

/// Inserts a pair of an inline table, as `toml` does.
fn inline_insert<'i>(
    table: &mut Table<'i>,
    path: &[Key<'i>],
    key: Key<'i>,
    item: Item<'i>,
    errors: &mut FirstError,
) {
    let Some(table) = descend_inline(table, path, errors) else {
        return;
    };
    if table.dotted == path.is_empty() {
        errors.report_error(ParseError::new("duplicate key").with_unexpected(span_of(&key)));
        return;
    }
    match table.find(&key.name) {
        Ok(at) => {
            let old = span_of(&table.entries[at].0);
            errors.report_error(
                ParseError::new("duplicate key")
                    .with_unexpected(span_of(&key))
                    .with_context(old),
            );
        }
        Err(at) => table.entries.insert(at, (key, item)),
    }
}

/// The table a dotted key leads to inside an inline table, made as needed.
fn descend_inline<'t, 'i>(
    mut table: &'t mut Table<'i>,
    path: &[Key<'i>],
    errors: &mut FirstError,
) -> Option<&'t mut Table<'i>> {
    for key in path {
        let at = match table.find(&key.name) {
            Ok(at) => {
                let entry = &mut table.entries[at].1;
                let old = Span::new_unchecked(entry.span.start, entry.span.end);
                match &mut entry.value {
                    Value::Table(child) => {
                        if !child.implicit {
                            errors.report_error(
                                ParseError::new("duplicate key").with_unexpected(span_of(key)),
                            );
                            return None;
                        }
                    }
                    existing => {
                        errors.report_error(
                            ParseError::new(format!(
                                "cannot extend value of type {} with a dotted key",
                                existing.type_str()
                            ))
                            .with_unexpected(span_of(key))
                            .with_context(old),
                        );
                        return None;
                    }
                }
                at
            }
            Err(at) => {
                let child = Table {
                    entries: Vec::new(),
                    implicit: true,
                    dotted: true,
                    inline: true,
                };
                let item = Item {
                    value: Value::Table(child),
                    span: key.span.clone(),
                };
                table.entries.insert(at, (key.clone(), item));
                at
            }
        };
        let Value::Table(child) = &mut table.entries[at].1.value else {
            return None;
        };
        table = child;
    }
    Some(table)
}

/// The table a dotted key or a header's path leads to from `table`, made as needed.
fn descend_path<'t, 'i>(
    mut table: &'t mut Table<'i>,
    path: &[Key<'i>],
    dotted: bool,
    errors: &mut FirstError,
) -> Option<&'t mut Table<'i>> {
    for key in path {
        let at = match table.find(&key.name) {
            Err(at) => {
                let child = Table {
                    entries: Vec::new(),
                    implicit: true,
                    dotted,
                    inline: false,
                };
                let item = Item {
                    value: Value::Table(child),
                    span: key.span.clone(),
                };
                table.entries.insert(at, (key.clone(), item));
                at
            }
            Ok(at) => {
                let entry = &mut table.entries[at].1;
                let old = Span::new_unchecked(entry.span.start, entry.span.end);
                match &mut entry.value {
                    Value::Array(array) => {
                        if !array.of_tables {
                            errors.report_error(
                                ParseError::new(
                                    "cannot extend value of type array with a dotted key",
                                )
                                .with_unexpected(span_of(key))
                                .with_context(old),
                            );
                            return None;
                        }
                        match array.items.last() {
                            Some(Item {
                                value: Value::Table(_),
                                ..
                            }) => {}
                            Some(existing) => {
                                errors.report_error(
                                    ParseError::new(format!(
                                        "cannot extend value of type {} with a dotted key",
                                        existing.value.type_str()
                                    ))
                                    .with_unexpected(span_of(key))
                                    .with_context(old),
                                );
                                return None;
                            }
                            None => return None,
                        }
                    }
                    Value::Table(child) => {
                        if child.inline {
                            errors.report_error(
                                ParseError::new(
                                    "cannot extend value of type inline table with a dotted key",
                                )
                                .with_unexpected(span_of(key)),
                            );
                            return None;
                        }
                        if dotted && child.implicit {
                            child.dotted = true;
                        }
                        if dotted && !child.implicit {
                            errors.report_error(
                                ParseError::new("duplicate key").with_unexpected(span_of(key)),
                            );
                            return None;
                        }
                    }
                    existing => {
                        errors.report_error(
                            ParseError::new(format!(
                                "cannot extend value of type {} with a dotted key",
                                existing.type_str()
                            ))
                            .with_unexpected(span_of(key))
                            .with_context(old),
                        );
                        return None;
                    }
                }
                at
            }
        };
        table = match &mut table.entries[at].1.value {
            Value::Table(child) => child,
            Value::Array(array) => match array.items.last_mut() {
                Some(Item {
                    value: Value::Table(child),
                    ..
                }) => child,
                _ => return None,
            },
            _ => return None,
        };
    }
    Some(table)
}

impl<'i> EventReceiver for Builder<'i> {
    fn std_table_open(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        if self.live() {
            self.open_header(span, false);
        }
    }

    fn std_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        if self.live() {
            self.close_header(span, false);
        }
    }

    fn array_table_open(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        if self.live() {
            self.open_header(span, true);
        }
    }

    fn array_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        if self.live() {
            self.close_header(span, true);
        }
    }

    fn inline_table_open(&mut self, span: Span, error: &mut dyn ErrorSink) -> bool {
        if self.live() {
            let table = Table {
                inline: true,
                ..self.spare.table()
            };
            self.open_value(Open::Inline {
                table,
                start: span.start(),
                keys_from: self.inline_keys.len(),
                key: None,
                current: None,
            });
        }
        self.deeper(span, error)
    }

    fn inline_table_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.depth -= 1;
        if self.live() {
            self.close_value(span, false);
        }
    }

    fn array_open(&mut self, span: Span, error: &mut dyn ErrorSink) -> bool {
        if self.live() {
            let array = self.spare.array(false);
            self.open_value(Open::Array {
                array,
                start: span.start(),
                current: None,
            });
        }
        self.deeper(span, error)
    }

    fn array_close(&mut self, span: Span, _error: &mut dyn ErrorSink) {
        self.depth -= 1;
        if self.live() {
            self.close_value(span, true);
        }
    }

    fn simple_key(&mut self, span: Span, encoding: Option<Encoding>, _error: &mut dyn ErrorSink) {
        if !self.live() {
            return;
        }
        let key = self.decode_key(span, encoding);
        match self.open.last_mut() {
            Some(Open::Inline { .. }) => self.inline_keys.push(key),
            Some(Open::Array { .. }) => self.unsure = true,
            None => match self.mode {
                Mode::Top => {
                    self.keys.clear();
                    self.keys.push(key);
                    self.mode = Mode::Key;
                }
                Mode::Header | Mode::Key => self.keys.push(key),
                Mode::Value => self.unsure = true,
            },
        }
    }

    fn key_sep(&mut self, _span: Span, _error: &mut dyn ErrorSink) {}

    fn key_val_sep(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        if !self.live() {
            return;
        }
        if let Some(Open::Inline { keys_from, key, .. }) = self.open.last_mut() {
            if self.inline_keys.len() <= *keys_from {
                self.unsure = true;
                return;
            }
            let last = self.inline_keys.pop();
            if LIMIT as usize <= self.inline_keys.len() - *keys_from {
                self.error.report_error(ParseError::new("recursion limit"));
                return;
            }
            *key = last;
            return;
        }
        if !self.open.is_empty() || !matches!(self.mode, Mode::Key) {
            self.unsure = true;
            return;
        }
        self.pair = Self::take_key(&mut self.keys, &mut self.error);
        self.mode = Mode::Value;
    }

    fn scalar(&mut self, span: Span, encoding: Option<Encoding>, _error: &mut dyn ErrorSink) {
        if !self.live() {
            return;
        }
        if self.open.is_empty() && !matches!(self.mode, Mode::Value) {
            self.unsure = true;
            return;
        }
        let item = self.decode_scalar(span, encoding);
        self.value_done(item);
    }

    fn value_sep(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        if self.live() {
            self.finish_value();
        }
    }

    fn comment(&mut self, span: Span, error: &mut dyn ErrorSink) {
        self.raw(span, None).decode_comment(error);
    }

    fn newline(&mut self, span: Span, error: &mut dyn ErrorSink) {
        self.raw(span, None).decode_newline(error);
    }

    fn error(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.unsure = true;
    }
}

#[cfg(test)]
mod tests {
    use super::parse_with_toml;
    use crate::error::LoadError;
    use crate::load::{RawFile, build, de, reference};
    use crate::source::{Origin, Source};

    /// The path for [`super::Parsed::Unsure`] gives what the `toml` crate gives, on every
    /// tree fixture and a few broken texts.
    #[test]
    fn the_fallback_through_the_toml_parser_gives_what_toml_gives() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = vec![
            "a = 1\na = 2".to_string(),
            "[tree]\nid = 1".to_string(),
            "x = { a = 1 }\n[x.b]".to_string(),
            "format = 1979-05-27".to_string(),
            "[[questions]]\nkind = \"nope\"".to_string(),
        ];
        for dir in ["tests/fixtures/trees/valid", "tests/fixtures/trees/invalid"] {
            for entry in std::fs::read_dir(root.join(dir)).expect("the fixtures are there") {
                let path = entry.expect("a readable entry").path();
                texts.push(std::fs::read_to_string(&path).expect("a readable fixture"));
            }
        }
        for text in &texts {
            let source = Source::new("f.toml", text.as_str());
            let got = match parse_with_toml(source.text()) {
                Ok(doc) => de::from_document::<RawFile>(doc)
                    .map_err(|e| LoadError::syntax(&source, e.span, &e.message))
                    .and_then(|raw| build(&Origin::Source(&source), raw)),
                Err(e) => Err(LoadError::syntax(&source, e.span, &e.message)),
            };
            let expected = reference::tree(&source);
            match (got, expected) {
                (Ok(a), Ok(b)) => assert!(a == b, "{text}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text}"),
                (a, b) => panic!("{text}\n{a:?}\n{b:?}"),
            }
        }
    }

    /// A vector kept with items left in it is empty when it is used again.
    #[test]
    fn kept_vectors_come_back_empty() {
        let item = || super::Item {
            value: super::Value::Boolean(true),
            span: 0..4,
        };
        let key = super::Key {
            name: std::borrow::Cow::Borrowed("a"),
            span: 0..1,
        };
        let mut spare = super::Spare::default();
        spare.keep_items(vec![item(), item()]);
        spare.keep_entries(vec![(key, item())]);
        let array = spare.array(false);
        assert!(array.items.is_empty() && array.items.capacity() >= 2);
        let table = spare.table();
        assert!(table.entries.is_empty() && table.entries.capacity() >= 1);
    }

    /// Reads each entry handed over, and records how many vectors are spare after it.
    #[derive(Default)]
    struct Spares(Vec<(usize, usize)>);

    impl<'i> super::Taker<'i> for Spares {
        fn head(&mut self, _head: super::Table<'i>) {}

        fn take(&mut self, item: super::Item<'i>, spare: &mut super::Spare<'i>) {
            de::from_item::<serde::de::IgnoredAny>(item, spare).expect("the entry reads");
            self.0.push((spare.entries.len(), spare.items.len()));
        }
    }

    /// The vectors of the entries read go back to the spare ones, and the next entries
    /// are built in them: the spare vectors do not grow with the entries (each entry has
    /// three tables and an array). The last two entries are handed over once the text is
    /// read, when nothing more is built.
    #[test]
    fn entries_are_built_in_the_vectors_of_the_entries_read_before() {
        let text: String = (0..20)
            .map(|i| format!("[[q]]\nid = \"q{i}\"\nopts = [{{ x = {i} }}, {{ y = 1 }}]\n"))
            .collect();
        let mut taker = Spares::default();
        let taking = super::Taking {
            key: "q",
            taker: &mut taker,
        };
        // Batches of one token: each entry is handed over as soon as the next begins.
        let parsed = super::parse_taking(&text, 1, Some(taking));
        assert!(matches!(parsed, super::Parsed::Document(_)));
        assert_eq!(taker.0.len(), 20);
        assert!(
            taker.0[..18]
                .iter()
                .all(|&(tables, arrays)| (1..=6).contains(&tables) && (1..=2).contains(&arrays)),
            "{:?}",
            taker.0
        );
    }
}

#[cfg(test)]
mod plain_tokens {
    use std::borrow::Cow;

    use proptest::prelude::*;
    use toml_parser::decoder::Encoding;
    use toml_parser::{ParseError, Raw, Span};

    use super::{bare_key, basic_string};

    /// What `toml_parser`'s decoder makes of a key or a string token, and whether it
    /// reported an error.
    fn decoded(token: &str, encoding: Option<Encoding>, key: bool) -> (String, bool) {
        let raw = Raw::new_unchecked(token, encoding, Span::new_unchecked(0, token.len()));
        let mut out = Cow::Borrowed("");
        let mut errors: Vec<ParseError> = Vec::new();
        if key {
            raw.decode_key(&mut out, &mut errors);
        } else {
            let _ = raw.decode_scalar(&mut out, &mut errors);
        }
        (out.into_owned(), !errors.is_empty())
    }

    /// Tokens made mostly of the bytes that decide: quotes, backslashes, control
    /// characters, key characters and a non-ASCII letter.
    fn token() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "a", "Z", "0", "-", "_", ".", " ", "\t", "\"", "\\", "\\n", "\u{7f}", "\u{1}", "é",
                "=", "'",
            ]),
            0..8,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        /// Where the quick reading gives a value, it is the decoder's, with no error.
        #[test]
        fn plain_tokens_read_as_the_decoder_reads_them(body in token(), quoted in any::<bool>()) {
            let (token, encoding) = if quoted {
                (format!("\"{body}\""), Some(Encoding::BasicString))
            } else {
                (body.clone(), None)
            };
            if quoted {
                if let Some(value) = basic_string(&token) {
                    for key in [true, false] {
                        prop_assert_eq!(decoded(&token, encoding, key), (value.to_string(), false));
                    }
                }
            } else if let Some(value) = bare_key(&token) {
                // (A bare token as a value is a number, a date or a boolean: not read here.)
                prop_assert_eq!(decoded(&token, encoding, true), (value.to_string(), false));
            }
        }
    }

    /// The quick reading covers the keys and strings of ordinary trees, and leaves
    /// escapes, quotes and control characters to the decoder.
    #[test]
    fn escapes_and_odd_bytes_are_left_to_the_decoder() {
        assert_eq!(bare_key("questions"), Some("questions"));
        assert_eq!(bare_key("a-b_9"), Some("a-b_9"));
        assert_eq!(basic_string("\"Is it é?\""), Some("Is it é?"));
        assert_eq!(basic_string("\"\""), Some(""));
        for token in ["", "a.b", "a b", "é", "\"a\""] {
            assert_eq!(bare_key(token), None, "{token:?}");
        }
        for token in ["\"a\\nb\"", "\"a\u{1}\"", "\"a\u{7f}\"", "\"a", "\"", "'a'"] {
            assert_eq!(basic_string(token), None, "{token:?}");
        }
    }
}
