//! Text for the screen, measured in display columns and cut between graphemes (so a letter
//! with a combining accent stays one letter): wrapping, truncation and plurals. Pure
//! functions, shared by every screen and the plain mode.

use unicode_segmentation::UnicodeSegmentation as _;
use unicode_width::UnicodeWidthStr as _;

/// The display width of a text.
pub fn width(text: &str) -> usize {
    text.width()
}

/// Wraps text to `width` display columns (at least one). Lines of one paragraph are joined;
/// blank lines separate paragraphs.
pub fn wrap(text: &str, width: u16) -> Vec<String> {
    let width = usize::from(width.max(1));
    let mut out = Vec::new();
    for (i, para) in text.split("\n\n").enumerate() {
        let joined = para.split_whitespace().collect::<Vec<_>>().join(" ");
        if joined.is_empty() {
            continue;
        }
        if i > 0 && !out.is_empty() {
            out.push(String::new());
        }
        out.extend(
            textwrap::wrap(
                &joined,
                textwrap::Options::new(width)
                    .break_words(true)
                    .word_splitter(textwrap::WordSplitter::NoHyphenation),
            )
            .into_iter()
            .map(|c| c.into_owned()),
        );
    }
    out
}

/// Cuts text to `width` display columns, ending in `…` when cut; never splits a grapheme.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = g.width();
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push_str(g);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `n thing` or `n things`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A list in words: `a`, `a and b`, `a, b and c`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A question's prompt in typographic quotes, cut to `max` columns.
pub fn quoted(prompt: &str, max: usize) -> String {
    format!("“{}”", truncate(prompt.trim(), max))
}

/// The first row to show so that row `selected` of `len` is visible in `height` rows,
/// keeping the selection a little away from the edges.
pub fn window_start(len: usize, selected: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    let margin = (height / 4).min(2);
    let start = selected.saturating_sub(height.saturating_sub(1 + margin));
    start.min(len - height)
}

/// Whether `text` contains every word of `filter`, ignoring case (type-to-filter).
pub fn matches_filter(text: &str, filter: &str) -> bool {
    let text = text.to_lowercase();
    filter
        .to_lowercase()
        .split_whitespace()
        .all(|w| text.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_keep_the_selection_visible() {
        assert_eq!(window_start(5, 4, 10), 0);
        for len in 1..40 {
            for height in 1..12 {
                for sel in 0..len {
                    let s = window_start(len, sel, height);
                    assert!(s <= sel && sel < s + height, "{len} {height} {sel} -> {s}");
                    assert!(s + height.min(len) <= len);
                }
            }
        }
    }

    #[test]
    fn truncation_counts_display_width_and_keeps_graphemes() {
        assert_eq!(truncate("hello", 10), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("日本語テキスト", 7), "日本語…");
        assert_eq!(truncate("abc", 0), "");
        // e + combining acute accent is one grapheme of width 1.
        assert_eq!(
            truncate("e\u{301}e\u{301}e\u{301}e\u{301}", 3),
            "e\u{301}e\u{301}…"
        );
    }

    #[test]
    fn plurals_and_lists_read_well() {
        assert_eq!(count(1, "question", "questions"), "1 question");
        assert_eq!(count(2, "question", "questions"), "2 questions");
        assert_eq!(count(0, "answer", "answers"), "0 answers");
        let l = |v: &[&str]| and_list(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(l(&["a"]), "a");
        assert_eq!(l(&["a", "b"]), "a and b");
        assert_eq!(l(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn filters_match_every_word_in_any_case() {
        assert!(matches_filter("Model training on GPUs", "train gpu"));
        assert!(!matches_filter("Model training", "serving"));
        assert!(matches_filter("anything", ""));
    }
}
