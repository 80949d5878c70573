//! A text field: one line (a file name, names of people) or several (notes), edited with
//! the usual keys, measured and cut by graphemes so accents and wide characters stay
//! whole, soft-wrapped at word boundaries when it has several lines. It remembers the text
//! it started from, so that Esc can drop an edit.
//!
//! Editing is pure: [`TextArea::input`] takes a key and the width the field is drawn at
//! (for moving up and down wrapped rows); [`TextArea::render`] draws it and returns where
//! the terminal's cursor goes.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use unicode_segmentation::UnicodeSegmentation as _;
use unicode_width::UnicodeWidthStr as _;

/// An editable text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextArea {
    text: String,
    /// Byte offset of the cursor, always on a grapheme boundary.
    cursor: usize,
    /// The text as it was when the edit began (what Esc goes back to).
    original: String,
    multiline: bool,
    /// The longest text, in characters.
    max_chars: usize,
}

/// One visual row of a wrapped text: a byte range of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub start: usize,
    pub end: usize,
}

impl TextArea {
    /// A one-line field holding `text`, the cursor at its end.
    pub fn single(text: &str, max_chars: usize) -> TextArea {
        let text: String = text.replace(['\n', '\r', '\t'], " ");
        TextArea {
            cursor: text.len(),
            original: text.clone(),
            text,
            multiline: false,
            max_chars,
        }
    }

    /// A field of several lines holding `text`, the cursor at its end.
    pub fn multi(text: &str, max_chars: usize) -> TextArea {
        let text = text.replace("\r\n", "\n").replace(['\r', '\t'], " ");
        TextArea {
            cursor: text.len(),
            original: text.clone(),
            text,
            multiline: true,
            max_chars,
        }
    }

    pub fn value(&self) -> &str {
        &self.text
    }

    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    /// Whether the text differs from where the edit began.
    pub fn changed(&self) -> bool {
        self.text != self.original
    }

    /// Drops the edit: back to the text the edit began with.
    pub fn revert(&mut self) {
        self.text = self.original.clone();
        self.cursor = self.text.len();
    }

    /// Takes the current text as the new starting point.
    pub fn commit(&mut self) {
        self.original = self.text.clone();
    }

    /// Replaces the text (and the starting point), the cursor at the end.
    pub fn set(&mut self, text: &str) {
        *self = if self.multiline {
            TextArea::multi(text, self.max_chars)
        } else {
            TextArea::single(text, self.max_chars)
        };
    }

    /// Replaces the text, keeping the starting point (an edit from outside, such as an
    /// editor's).
    pub fn replace(&mut self, text: &str) {
        let original = self.original.clone();
        self.set(text);
        self.original = original;
        self.truncate_to_limit();
    }

    fn truncate_to_limit(&mut self) {
        if let Some((i, _)) = self.text.char_indices().nth(self.max_chars) {
            self.text.truncate(i);
            self.cursor = self.cursor.min(self.text.len());
        }
    }

    /// The cursor's byte offset.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Types text at the cursor: line breaks become spaces in a one-line field, tabs and
    /// other control characters spaces everywhere; nothing past the length limit.
    pub fn insert_str(&mut self, text: &str) {
        let mut room = self.max_chars.saturating_sub(self.text.chars().count());
        let mut clean = String::with_capacity(text.len());
        for c in text.chars() {
            if room == 0 {
                break;
            }
            let c = match c {
                '\n' if self.multiline => '\n',
                '\r' => continue,
                c if c.is_control() => ' ',
                c => c,
            };
            clean.push(c);
            room -= 1;
        }
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
    }

    /// Applies an editing key; `width` is the width the field is drawn at (one column of it
    /// is kept for the cursor at the end of a row). Returns whether
    /// the key was an editing key.
    pub fn input(&mut self, key: KeyEvent, width: u16) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char('j') if ctrl && self.multiline => self.insert_str("\n"),
            KeyCode::Enter if alt && self.multiline => self.insert_str("\n"),
            KeyCode::Left if ctrl || alt => self.cursor = self.word_before(),
            KeyCode::Right if ctrl || alt => self.cursor = self.word_after(),
            KeyCode::Char('b') if alt => self.cursor = self.word_before(),
            KeyCode::Char('f') if alt => self.cursor = self.word_after(),
            KeyCode::Left => self.cursor = self.prev_boundary(self.cursor),
            KeyCode::Char('b') if ctrl => self.cursor = self.prev_boundary(self.cursor),
            KeyCode::Right => self.cursor = self.next_boundary(self.cursor),
            KeyCode::Char('f') if ctrl => self.cursor = self.next_boundary(self.cursor),
            KeyCode::Home => self.cursor = self.line_start(),
            KeyCode::Char('a') if ctrl => self.cursor = self.line_start(),
            KeyCode::End => self.cursor = self.line_end(),
            KeyCode::Up if self.multiline => self.vertical(-1, width),
            KeyCode::Down if self.multiline => self.vertical(1, width),
            KeyCode::Backspace if ctrl || alt => self.delete_to(self.word_before()),
            KeyCode::Char('w') if ctrl => self.delete_to(self.word_before()),
            KeyCode::Char('h') if ctrl => self.delete_to(self.prev_boundary(self.cursor)),
            KeyCode::Backspace => self.delete_to(self.prev_boundary(self.cursor)),
            KeyCode::Delete => self.delete_to(self.next_boundary(self.cursor)),
            KeyCode::Char('d') if ctrl => self.delete_to(self.next_boundary(self.cursor)),
            KeyCode::Char('u') if ctrl => self.delete_to(self.line_start()),
            KeyCode::Char('k') if ctrl => self.delete_to(self.line_end()),
            KeyCode::Char(c) if !ctrl && !alt => {
                let mut buf = [0u8; 4];
                self.insert_str(c.encode_utf8(&mut buf));
            }
            _ => return false,
        }
        true
    }

    fn delete_to(&mut self, to: usize) {
        let (a, b) = if to < self.cursor {
            (to, self.cursor)
        } else {
            (self.cursor, to)
        };
        self.text.replace_range(a..b, "");
        self.cursor = a;
    }

    fn prev_boundary(&self, at: usize) -> usize {
        self.text[..at]
            .grapheme_indices(true)
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self, at: usize) -> usize {
        self.text[at..]
            .graphemes(true)
            .next()
            .map_or(at, |g| at + g.len())
    }

    fn word_before(&self) -> usize {
        let before = &self.text[..self.cursor];
        let trimmed = before.trim_end();
        trimmed.rfind(char::is_whitespace).map_or(0, |i| {
            i + trimmed[i..].chars().next().map_or(1, char::len_utf8)
        })
    }

    fn word_after(&self) -> usize {
        let after = &self.text[self.cursor..];
        let skip = after.len() - after.trim_start().len();
        let rest = &after[skip..];
        self.cursor + skip + rest.find(char::is_whitespace).unwrap_or(rest.len())
    }

    fn line_start(&self) -> usize {
        self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1)
    }

    fn line_end(&self) -> usize {
        self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |i| self.cursor + i)
    }

    /// Moves to the row above (`-1`) or below (`1`), at the same column where it can.
    fn vertical(&mut self, by: i32, width: u16) {
        let rows = self.rows(width.saturating_sub(1).max(1));
        let (row, col) = self.position_in(&rows);
        let target = if by < 0 {
            match row.checked_sub(1) {
                Some(r) => r,
                None => {
                    self.cursor = 0;
                    return;
                }
            }
        } else if row + 1 < rows.len() {
            row + 1
        } else {
            self.cursor = self.text.len();
            return;
        };
        let r = rows[target];
        let mut x = 0;
        let mut at = r.start;
        for (i, g) in self.text[r.start..r.end].grapheme_indices(true) {
            if x + g.width() > col {
                break;
            }
            x += g.width();
            at = r.start + i + g.len();
        }
        self.cursor = at;
    }

    /// The visual rows of the text at `width` columns: hard lines, each soft-wrapped after
    /// the last space that fits (or between graphemes in a word longer than the row). A
    /// one-line field is one row.
    pub fn rows(&self, width: u16) -> Vec<Row> {
        let width = usize::from(width.max(1));
        let mut rows = Vec::new();
        let mut line_start = 0;
        for line in self.text.split('\n') {
            if !self.multiline {
                rows.push(Row {
                    start: 0,
                    end: self.text.len(),
                });
                break;
            }
            let mut start = line_start;
            let mut used = 0;
            let mut last_space: Option<usize> = None;
            for (i, g) in line.grapheme_indices(true) {
                let at = line_start + i;
                let w = g.width();
                if used + w > width && at > start {
                    let cut = match last_space {
                        Some(s) if s > start => s,
                        _ => at,
                    };
                    rows.push(Row { start, end: cut });
                    used = self.text[cut..at].width();
                    start = cut;
                    last_space = None;
                }
                used += w;
                if g == " " {
                    last_space = Some(at + 1);
                }
            }
            rows.push(Row {
                start,
                end: line_start + line.len(),
            });
            line_start += line.len() + 1;
        }
        rows
    }

    /// The cursor's row and display column in `rows`.
    fn position_in(&self, rows: &[Row]) -> (usize, usize) {
        for (i, r) in rows.iter().enumerate() {
            let last = i + 1 == rows.len();
            let next_starts_here = rows.get(i + 1).is_some_and(|n| n.start == self.cursor);
            if self.cursor >= r.start && self.cursor <= r.end && (last || !next_starts_here) {
                return (i, self.text[r.start..self.cursor].width());
            }
        }
        (rows.len().saturating_sub(1), 0)
    }

    /// How many rows the text takes when drawn `width` columns wide.
    pub fn height(&self, width: u16) -> usize {
        if self.multiline {
            self.rows(width.saturating_sub(1).max(1)).len()
        } else {
            1
        }
    }

    /// Draws the text in `area`, scrolled so the cursor shows, and returns where the
    /// terminal's cursor belongs when `focused`.
    pub fn render(
        &self,
        area: Rect,
        buf: &mut Buffer,
        style: Style,
        focused: bool,
    ) -> Option<Position> {
        if area.width == 0 || area.height == 0 {
            return None;
        }
        if !self.multiline {
            return self.render_line(area, buf, style, focused);
        }
        let rows = self.rows(area.width.saturating_sub(1).max(1));
        let (crow, ccol) = self.position_in(&rows);
        let height = usize::from(area.height);
        let top = crow.saturating_sub(height - 1);
        for (y, r) in rows.iter().skip(top).take(height).enumerate() {
            buf.set_stringn(
                area.x,
                area.y + y as u16,
                &self.text[r.start..r.end],
                usize::from(area.width),
                style,
            );
        }
        focused.then(|| {
            Position::new(
                area.x + (ccol as u16).min(area.width - 1),
                area.y + (crow - top) as u16,
            )
        })
    }

    /// One line, scrolled sideways so the cursor stays inside.
    fn render_line(
        &self,
        area: Rect,
        buf: &mut Buffer,
        style: Style,
        focused: bool,
    ) -> Option<Position> {
        let room = usize::from(area.width).saturating_sub(1).max(1);
        let before = self.text[..self.cursor].width();
        let skip = before.saturating_sub(room);
        let mut x = 0usize;
        let mut col = 0usize;
        let mut shown = String::new();
        for g in self.text.graphemes(true) {
            let w = g.width();
            if col >= skip {
                if x + w > usize::from(area.width) {
                    break;
                }
                shown.push_str(g);
                x += w;
            }
            col += w;
        }
        buf.set_stringn(area.x, area.y, shown, usize::from(area.width), style);
        focused.then(|| {
            Position::new(
                area.x + ((before - skip) as u16).min(area.width - 1),
                area.y,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typed(t: &mut TextArea, s: &str) {
        for c in s.chars() {
            t.input(key(KeyCode::Char(c)), 20);
        }
    }

    #[test]
    fn editing_keys_move_and_delete_by_grapheme() {
        let mut t = TextArea::single("", 100);
        typed(&mut t, "cafe\u{301} au lait");
        t.input(key(KeyCode::Home), 20);
        for _ in 0..4 {
            t.input(key(KeyCode::Right), 20);
        }
        // After "café": the accent moved with its letter.
        assert_eq!(&t.value()[..t.cursor()], "cafe\u{301}");
        t.input(key(KeyCode::Backspace), 20);
        assert_eq!(t.value(), "caf au lait");
        t.input(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL), 20);
        assert_eq!(t.value(), " au lait");
        t.input(key(KeyCode::End), 20);
        t.input(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL), 20);
        assert_eq!(t.value(), " au ");
    }

    #[test]
    fn the_limit_holds_for_typing_and_pasting() {
        let mut t = TextArea::single("", 5);
        t.insert_str("abcdefgh");
        assert_eq!(t.value(), "abcde");
        typed(&mut t, "x");
        assert_eq!(t.value(), "abcde");
    }

    #[test]
    fn one_line_fields_take_no_line_breaks() {
        let mut t = TextArea::single("", 50);
        t.insert_str("a\nb\tc");
        assert_eq!(t.value(), "a b c");
        let mut m = TextArea::multi("", 50);
        m.insert_str("a\nb");
        assert_eq!(m.value(), "a\nb");
        m.input(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL), 20);
        assert_eq!(m.value(), "a\nb\n");
    }

    #[test]
    fn rows_wrap_at_spaces_and_cover_the_text() {
        let t = TextArea::multi("the quick brown fox\njumps", 100);
        let rows = t.rows(10);
        let texts: Vec<&str> = rows.iter().map(|r| &t.value()[r.start..r.end]).collect();
        assert_eq!(texts, ["the quick ", "brown fox", "jumps"]);
        let long = TextArea::multi("abcdefghijkl", 100);
        let texts: Vec<String> = long
            .rows(5)
            .iter()
            .map(|r| long.value()[r.start..r.end].to_string())
            .collect();
        assert_eq!(texts, ["abcde", "fghij", "kl"]);
    }

    #[test]
    fn up_and_down_move_between_wrapped_rows() {
        let mut t = TextArea::multi("the quick brown fox", 100);
        t.input(key(KeyCode::Up), 11);
        assert!(t.cursor() <= 10, "{}", t.cursor());
        t.input(key(KeyCode::Down), 11);
        assert!(t.cursor() > 10);
    }

    #[test]
    fn revert_drops_the_edit() {
        let mut t = TextArea::multi("kept", 100);
        typed(&mut t, " and more");
        assert!(t.changed());
        t.revert();
        assert_eq!(t.value(), "kept");
        assert!(!t.changed());
    }
}
