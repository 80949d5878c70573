//! Text from files and people, made safe to show. Question trees, answers files, file
//! names and typed text are untrusted: a control character can move the cursor, clear the
//! screen, set the window title or write the clipboard (`ESC ] 52`), and a bidirectional
//! override or an invisible character can make text read differently from what it is.
//!
//! One predicate, [`is_unsafe`], says which characters must never reach a terminal or a
//! report as they are. [`terminal`] replaces each with a visible escape (`\u{1b}`) and is
//! what every message printed by the command line and the wizard goes through; the
//! wizard's screen goes through [`cell`]. The report writers use the same predicate:
//! markdown shows the same escape as text, JSON and TOML write `\uXXXX`.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is a bidirectional formatting character: the embeddings, overrides and
/// isolates, and the implicit marks (LRM, RLM, ALM).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` is invisible when shown: a default-ignorable code point of Unicode (zero-width
/// space and joiners, word joiner, soft hyphen, bidi controls, variation selectors, tags,
/// Hangul fillers, the byte order mark), a line or paragraph separator, or an interlinear
/// annotation character. Text made only of these (and white space) shows nothing.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Invisible characters that are part of ordinary text: the zero-width joiner and
/// non-joiner (emoji sequences, Persian and Indic scripts) and the variation selectors
/// (emoji presentation). They neither hide nor reorder text.
fn is_shaping(c: char) -> bool {
    matches!(
        c,
        '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Whether `c` must not reach a terminal or a report as it is: a control character (C0,
/// DEL, C1) other than line feed and tab, a bidirectional control, or an invisible
/// character other than the joiners and variation selectors.
pub fn is_unsafe(c: char) -> bool {
    if c.is_ascii() {
        return (c < ' ' && c != '\n' && c != '\t') || c == '\u{7f}';
    }
    if c.is_control() {
        return c != '\n' && c != '\t';
    }
    is_invisible(c) && !is_shaping(c)
}

/// Appends the visible escape of `c`: `\u{1b}`.
pub fn push_escape(c: char, out: &mut String) {
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}

/// `text` with every [`is_unsafe`] character replaced by its visible escape (`\u{1b}`,
/// `\u{202e}`); line feeds and tabs are kept. Borrowed when there is nothing to replace.
pub fn terminal(text: &str) -> Cow<'_, str> {
    let Some(first) = first_unsafe(text) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if is_unsafe(c) {
            push_escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Where the first [`is_unsafe`] character of `text` starts: `text.find(is_unsafe)`, with
/// printable ASCII (the bulk of any report) passed over eight bytes at a time, or one at a
/// time, rather than decoded as characters.
fn first_unsafe(text: &str) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    const SPACES: u64 = u64::from_ne_bytes([0x20; 8]);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let w = u64::from_ne_bytes(chunk.try_into().unwrap_or_default());
            // A byte under 0x20 (the classic "has less than" test), or at 0x7f and above.
            let below_space = w.wrapping_sub(SPACES) & !w & HIGH;
            let del_or_above = (w.wrapping_add(ONES) | w) & HIGH;
            if below_space | del_or_above == 0 {
                i += 8;
                continue;
            }
        }
        // Those eight bytes (or the rest) one at a time, characters decoded.
        let stop = (i + 8).min(bytes.len());
        while i < stop {
            let b = bytes[i];
            if b.is_ascii() {
                if (b' '..0x7f).contains(&b) || b == b'\n' || b == b'\t' {
                    i += 1;
                    continue;
                }
                return Some(i);
            }
            let c = text[i..].chars().next()?;
            if is_unsafe(c) {
                return Some(i);
            }
            i += c.len_utf8();
        }
    }
    None
}

/// Like [`terminal`], for one line: line feeds and tabs are escaped too.
pub fn one_line(text: &str) -> Cow<'_, str> {
    let bad = |c: char| c == '\n' || c == '\t' || is_unsafe(c);
    let Some(first) = text.find(bad) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if bad(c) {
            push_escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The symbol of one cell of the wizard's screen, safe to send to the terminal. A cell
/// holds one character and the zero-width ones drawn over it; unsafe characters are
/// dropped from it (an escape would not fit in a cell), and a cell left with nothing shows
/// U+FFFD, so that something hidden is seen. `None` when the symbol is safe as it is.
pub fn cell(symbol: &str) -> Option<String> {
    if !symbol.contains(|c: char| is_unsafe(c) || c == '\n' || c == '\t') {
        return None;
    }
    let kept: String = symbol
        .chars()
        .filter(|&c| !is_unsafe(c) && c != '\n' && c != '\t')
        .collect();
    Some(if kept.is_empty() {
        "\u{FFFD}".to_string()
    } else {
        kept
    })
}

/// JSON text with every [`is_unsafe`] character written as a `\uXXXX` escape (a surrogate
/// pair above U+FFFF). In JSON such characters can only occur inside strings, where the
/// escape means the same character, so the document is unchanged. `serde_json` already
/// escapes C0; this adds DEL, C1, bidirectional controls and invisible characters.
pub fn json(text: String) -> String {
    if !text.contains(is_unsafe) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 64);
    for c in text.chars() {
        if is_unsafe(c) {
            push_utf16_escapes(c, &mut out);
        } else {
            out.push(c);
        }
    }
    out
}

/// Appends `c` as `\uXXXX` escapes of its UTF-16 code units (JSON and TOML read both).
pub fn push_utf16_escapes(c: char, out: &mut String) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        let _ = write!(out, "\\u{unit:04x}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_byte_scan_finds_what_a_character_scan_finds(
            text in "([ -~]|\\n|\\t|\\r|\\u{1b}|\\u{7f}|\\u{9b}|\\u{202e}|\\u{200b}|\\u{200d}|[\\u{80}-\\u{3000}]|\\u{1f680}){0,40}"
        ) {
            proptest::prop_assert_eq!(first_unsafe(&text), text.find(is_unsafe));
        }

        /// Long printable runs, so that whole eight-byte words are passed over, with one
        /// character of every kind at any offset.
        #[test]
        fn the_word_scan_stops_at_the_right_byte(
            text in "[ -~]{0,40}(\\n|\\t|\\r|\\u{0}|\\u{1f}|\\u{7f}|\\u{80}|\\u{9b}|\\u{ff}|\\u{202e}|[\\u{a0}-\\u{3000}]|~)?[ -~]{0,40}"
        ) {
            proptest::prop_assert_eq!(first_unsafe(&text), text.find(is_unsafe));
        }
    }

    #[test]
    fn escapes_what_could_drive_or_fool_a_terminal() {
        assert_eq!(terminal("plain, ünïcødé 日本 🚀"), "plain, ünïcødé 日本 🚀");
        assert!(matches!(terminal("plain"), Cow::Borrowed(_)));
        assert_eq!(
            terminal("a\u{1b}]52;c;aGk=\u{7}b"),
            "a\\u{1b}]52;c;aGk=\\u{7}b"
        );
        assert_eq!(terminal("\u{9b}2J\u{7f}"), "\\u{9b}2J\\u{7f}");
        assert_eq!(terminal("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(terminal("ye\u{200b}s"), "ye\\u{200b}s");
        assert_eq!(terminal("line\n\tnext\r"), "line\n\tnext\\u{d}");
        assert_eq!(one_line("a\nb\tc"), "a\\u{a}b\\u{9}c");
        // Emoji sequences keep their joiners and selectors.
        assert_eq!(terminal("👩\u{200d}💻 ❤\u{fe0f}"), "👩\u{200d}💻 ❤\u{fe0f}");
    }

    #[test]
    fn cells_drop_what_cannot_be_shown() {
        assert_eq!(cell("a"), None);
        assert_eq!(cell("a\u{202e}").as_deref(), Some("a"));
        assert_eq!(cell("\u{200b}").as_deref(), Some("\u{FFFD}"));
        assert_eq!(cell("\u{1b}").as_deref(), Some("\u{FFFD}"));
    }

    #[test]
    fn json_escapes_stay_json() {
        let text = serde_json::to_string("a\u{9b}b\u{202e}c\u{E0041}\u{7f}").unwrap();
        let safe = json(text);
        assert_eq!(safe, "\"a\\u009bb\\u202ec\\udb40\\udc41\\u007f\"");
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "a\u{9b}b\u{202e}c\u{E0041}\u{7f}");
    }
}
