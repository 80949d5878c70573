//! Source files and positions in them: turning byte offsets into line and column.

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

/// A byte range in a source text.
pub type Span = Range<usize>;

/// A [`Span`] in 8 bytes instead of 16, for the most numerous parts of a tree. Offsets
/// past `u32::MAX` (4 GiB) are kept as `u32::MAX`: no file the loader reads is that large
/// ([`crate::load::MAX_FILE_BYTES`]); only a text given as a string could be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShortSpan {
    start: u32,
    end: u32,
}

impl ShortSpan {
    /// The span.
    pub fn span(&self) -> Span {
        self.start as usize..self.end as usize
    }
}

impl From<Span> for ShortSpan {
    fn from(span: Span) -> Self {
        let short = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        ShortSpan {
            start: short(span.start),
            end: short(span.end),
        }
    }
}

/// A named source text with an index of its line starts.
#[derive(Debug, Clone)]
pub struct Source {
    name: String,
    text: String,
    /// Where each line starts, built the first time a position or a line is asked for: a
    /// valid file is read without one.
    line_starts: OnceLock<Vec<usize>>,
    /// How many characters start before each multiple of [`BLOCK`] bytes, built the first
    /// time a column is asked for far into a long line, so that columns cost no more than
    /// a block each however long the line (a tree written on one line can have thousands
    /// of problems on it).
    block_chars: OnceLock<Vec<usize>>,
}

/// A text being read and the name it goes by, with a [`Source`] made from it only when a
/// position in it is asked for: a valid text passed by reference is read without a copy.
#[derive(Debug)]
pub(crate) enum Origin<'a> {
    /// A source that exists already.
    Source(&'a Source),
    /// A borrowed text; its source is made (the text copied) the first time it is needed.
    Text {
        name: &'a str,
        text: &'a str,
        source: OnceLock<Source>,
    },
}

impl<'a> Origin<'a> {
    /// A borrowed text called `name`.
    pub(crate) fn text_named(name: &'a str, text: &'a str) -> Self {
        Origin::Text {
            name,
            text,
            source: OnceLock::new(),
        }
    }

    /// The whole text.
    pub(crate) fn text(&self) -> &'a str {
        match self {
            Origin::Source(source) => source.text(),
            Origin::Text { text, .. } => text,
        }
    }

    /// The text as a [`Source`], to place problems in.
    pub(crate) fn source(&self) -> &Source {
        match self {
            Origin::Source(source) => source,
            Origin::Text { name, text, source } => source.get_or_init(|| Source::new(*name, *text)),
        }
    }
}

/// The step of [`Source`]'s character index, in bytes.
const BLOCK: usize = 256;

/// How many characters start in `bytes` (the bytes that are not UTF-8 continuations).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// A 1-based line and column (the column counts characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

impl Source {
    /// Wraps `text`, read from the file (or other origin) called `name`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
            block_chars: OnceLock::new(),
        }
    }

    /// Where each line starts (the first at 0).
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// The file name or origin given to [`Source::new`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s <= offset) - 1;
        let start = line_starts[line];
        let column = if offset - start <= BLOCK {
            char_starts(&self.text.as_bytes()[start..offset])
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        Position {
            line: line + 1,
            column: column + 1,
        }
    }

    /// How many characters start before byte `offset`.
    fn chars_before(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let index = self.block_chars.get_or_init(|| {
            let mut index = Vec::with_capacity(bytes.len() / BLOCK + 1);
            let mut count = 0;
            index.push(0);
            for block in bytes.chunks(BLOCK) {
                count += char_starts(block);
                index.push(count);
            }
            index
        });
        let block = offset / BLOCK;
        index[block] + char_starts(&bytes[block * BLOCK..offset])
    }

    /// The text of a 1-based line, without its line break.
    pub fn line(&self, line: usize) -> &str {
        self.line_at(line).1
    }

    /// The byte offset where a 1-based line starts, and its text without the line break.
    pub fn line_at(&self, line: usize) -> (usize, &str) {
        let line_starts = self.line_starts();
        let Some(&start) = line_starts.get(line.wrapping_sub(1)) else {
            return (self.text.len(), "");
        };
        let end = line_starts.get(line).copied().unwrap_or(self.text.len());
        let text = self
            .text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r']);
        (start, text)
    }

    /// Where a span starts, as a [`Location`] naming this source.
    pub fn locate(&self, span: &Span) -> Location {
        Location {
            file: self.name.clone(),
            position: self.position(span.start),
        }
    }
}

/// A place in a named file, printed `file:line:column`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub position: Position,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A short span gives back the span it was made of.
    #[test]
    fn short_spans_give_back_their_span() {
        assert_eq!(ShortSpan::from(3..9).span(), 3..9);
        assert_eq!(ShortSpan::from(0..0).span(), 0..0);
        let far = u32::MAX as usize;
        assert_eq!(ShortSpan::from(far - 1..far).span(), far - 1..far);
    }

    /// Offsets past `u32::MAX` are kept as `u32::MAX`.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn short_spans_keep_offsets_past_4_gib_as_the_last_one() {
        let far = u32::MAX as usize;
        assert_eq!(ShortSpan::from(far - 1..far + 5).span(), far - 1..far);
        assert_eq!(ShortSpan::from(far + 2..far + 5).span(), far..far);
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let s = Source::new("f.toml", "ab\nçd\n\nx");
        assert_eq!(s.position(0), Position { line: 1, column: 1 });
        assert_eq!(s.position(3), Position { line: 2, column: 1 });
        // 'ç' is two bytes: the byte after it is column 2.
        assert_eq!(s.position(5), Position { line: 2, column: 2 });
        assert_eq!(s.position(7), Position { line: 3, column: 1 });
        assert_eq!(s.position(99), Position { line: 4, column: 2 });
        assert_eq!(s.line(2), "çd");
        assert_eq!(s.line(3), "");
        assert_eq!(s.line(9), "");
        assert_eq!(s.line(0), "");
    }

    #[test]
    fn columns_far_into_a_long_line_count_characters() {
        let line = "é".repeat(10_000) + "x" + &"日".repeat(5_000);
        let s = Source::new("f.toml", format!("a\n{line}\nb"));
        let x = 2 + 2 * 10_000;
        assert_eq!(
            s.position(x),
            Position {
                line: 2,
                column: 10_001
            }
        );
        assert_eq!(
            s.position(x + 1 + 3 * 4_999),
            Position {
                line: 2,
                column: 15_001
            }
        );
        let end = s.text().len();
        assert_eq!(s.position(end), Position { line: 3, column: 2 });
        assert_eq!(s.line_at(2), (2, line.as_str()));
    }
}
