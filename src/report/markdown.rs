//! The markdown report: a decision record following the sections of MADR where they fit,
//! valid CommonMark with GitHub tables. All text from the tree and the answers is escaped,
//! so it always reads as text, never as structure.

use std::fmt::Write as _;

use super::{ReportInput, format_points, format_signed};
use crate::model::{Kind, is_blank};
use crate::recommend::{Leaning, Verdict};
use crate::sanitize;

/// Writes the markdown report.
pub fn to_markdown(input: &ReportInput<'_>) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let w = &mut out;
    header(w, input);
    outcome(w, input);
    context(w, input);
    drivers(w, input);
    options(w, input);
    risks(w, input);
    unanswered(w, input);
    appendix(w, input);
    out
}

/// `writeln!` into a `String` cannot fail.
macro_rules! line {
    ($w:expr) => { $w.push('\n') };
    ($w:expr, $($arg:tt)*) => { { let _ = writeln!($w, $($arg)*); } };
}

fn header(w: &mut String, r: &ReportInput<'_>) {
    let t = r.tree;
    match r.project_name() {
        Some(name) => line!(
            w,
            "# {}: {}",
            escape_inline(name),
            escape_inline(&t.meta.title)
        ),
        None => line!(w, "# {}", escape_inline(&t.meta.title)),
    }
    line!(w);
    line!(w, "- **Date:** {}", escape_inline(r.date));
    line!(w, "- **Status:** proposed");
    if let Some(who) = r
        .answers
        .meta
        .respondent
        .as_deref()
        .filter(|s| !is_blank(s))
    {
        line!(w, "- **Deciders:** {}", escape_inline(who));
    }
    line!(
        w,
        "- **Question tree:** {} (`{}`, version {})",
        escape_inline(&t.meta.title),
        t.meta.id,
        code_span(&t.meta.version)
    );
    line!(w);
}

fn outcome(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    line!(w, "## Decision outcome");
    line!(w);
    let conf = &rec.confidence;
    let confidence = format!(
        "confidence **{}** ({:.0}%: decisiveness {:.0}%, {:.0}% of the scored questions answered)",
        conf.level().name(),
        conf.value * 100.0,
        conf.decisiveness * 100.0,
        conf.coverage * 100.0
    );
    match &rec.verdict {
        Verdict::Alternative(a) => {
            let alt = &t.alternatives[*a];
            line!(
                w,
                "**Recommended: {}** (`{}`), {confidence}.",
                escape_inline(&alt.title),
                alt.id
            );
            let leaning: Vec<String> = rec
                .criteria
                .iter()
                .filter(|c| c.leaning == Leaning::Alternative(*a))
                .map(|c| escape_inline(&t.criteria[c.criterion].title))
                .collect();
            line!(w);
            if leaning.is_empty() {
                line!(
                    w,
                    "No single criterion leans to it; it wins on the sum of weighted points."
                );
            } else {
                line!(
                    w,
                    "{} of {} criteria lean to it: {}.",
                    leaning.len(),
                    rec.criteria.len(),
                    leaning.join(", ")
                );
            }
        }
        Verdict::Tie(tied) => {
            let names: Vec<String> = tied
                .iter()
                .map(|&a| format!("**{}**", escape_inline(&t.alternatives[a].title)))
                .collect();
            line!(
                w,
                "**No clear winner:** {} score the same; {confidence}. Answer the open questions or weigh the criteria to separate them.",
                names.join(" and ")
            );
        }
    }
    line!(w);
    if rec.all_ruled_out {
        line!(
            w,
            "**Warning: your answers rule out every option.** The recommendation above ignores these answers; settle the conflict before the kickoff:"
        );
        line!(w);
    } else if !rec.ruled_out.is_empty() {
        line!(w, "Ruled out by your answers, whatever the scores:");
        line!(w);
    }
    for e in &rec.ruled_out {
        let q = &t.questions[e.question];
        line!(
            w,
            "- **{}**: you answered *{}* to \"{}\". {}",
            escape_inline(&t.alternatives[e.alternative].title),
            escape_inline(&q.options[e.option].label),
            escape_inline(&q.prompt),
            escape_inline(&e.reason)
        );
    }
    if !rec.ruled_out.is_empty() {
        line!(w);
    }
    line!(w, "| Option | Score |");
    line!(w, "|---|---:|");
    for (alt, score) in t.alternatives.iter().zip(&rec.scores) {
        line!(
            w,
            "| {} | {} |",
            escape_inline(&alt.title),
            format_points(*score)
        );
    }
    line!(w);
    line!(
        w,
        "{} of the {} questions asked were answered.",
        rec.asked.len() - rec.unanswered.len(),
        rec.asked.len()
    );
    line!(w);
}

fn context(w: &mut String, r: &ReportInput<'_>) {
    line!(w, "## Context and problem statement");
    line!(w);
    for para in r
        .tree
        .meta
        .description
        .split("\n\n")
        .filter(|p| !is_blank(p))
    {
        line!(w, "{}", escape_inline(para));
        line!(w);
    }
    let notes: Vec<_> = r
        .tree
        .questions
        .iter()
        .filter(|q| q.kind == Kind::Text && q.id != super::PROJECT_NAME_QUESTION)
        .filter_map(|q| match r.answers.values.get(&q.id) {
            Some(crate::answers::Answer::Text(t)) if !is_blank(t) => Some((q, t)),
            _ => None,
        })
        .collect();
    for (q, text) in notes {
        line!(w, "**{}**", escape_inline(&q.prompt));
        line!(w);
        for l in escape_multiline(text) {
            if l.is_empty() {
                line!(w, ">");
            } else {
                line!(w, "> {l}");
            }
        }
        line!(w);
    }
}

fn drivers(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    line!(w, "## Decision drivers");
    line!(w);
    let mut head = String::from("| Criterion | Weight |");
    let mut rule = String::from("|---|---:|");
    for alt in &t.alternatives {
        let _ = write!(head, " {} |", escape_inline(&alt.title));
        rule.push_str("---:|");
    }
    line!(w, "{head} Leans to |");
    line!(w, "{rule}---|");
    for c in &rec.criteria {
        let mut row = format!(
            "| {} | {} |",
            escape_inline(&t.criteria[c.criterion].title),
            format_points(c.weight)
        );
        for p in &c.points {
            let _ = write!(row, " {} |", format_points(*p));
        }
        line!(w, "{row} {} |", leaning_title(r, &c.leaning));
    }
    line!(w);
    for c in &rec.criteria {
        let crit = &t.criteria[c.criterion];
        line!(w, "### {}", escape_inline(&crit.title));
        line!(w);
        if !is_blank(&crit.description) {
            line!(w, "{}", escape_inline(&crit.description));
            line!(w);
        }
        let mut weight = format!("Weight {}", format_points(c.weight));
        if !c.weight_changes.is_empty() {
            let changes: Vec<String> = c
                .weight_changes
                .iter()
                .map(|ch| {
                    let q = &t.questions[ch.question];
                    let answer = crate::answers::Answer::Scale(ch.value).describe(q);
                    format!(
                        "×{} from \"{}\" answered {}",
                        format_points(ch.multiplier),
                        escape_inline(&q.prompt),
                        escape_inline(&answer)
                    )
                })
                .collect();
            let _ = write!(
                weight,
                " (default {}, {})",
                format_points(crit.weight),
                changes.join("; ")
            );
        }
        line!(w, "{weight}. Leans to {}.", leaning_title(r, &c.leaning));
        line!(w);
        if c.reasons.is_empty() {
            line!(w, "No answer moved this criterion.");
        }
        for reason in &c.reasons {
            let q = &t.questions[reason.question];
            let answer = r
                .answers
                .values
                .get(&q.id)
                .map(|a| match (reason.option, a) {
                    (Some(o), crate::answers::Answer::Choices(_)) => q.options[o].label.clone(),
                    (_, a) => a.describe(q),
                })
                .unwrap_or_default();
            line!(
                w,
                "- **{}** for {}: you answered *{}* to \"{}\". {}",
                format_signed(reason.points),
                escape_inline(&t.alternatives[reason.alternative].title),
                escape_inline(&answer),
                escape_inline(&q.prompt),
                escape_inline(&reason.text)
            );
        }
        line!(w);
    }
}

fn leaning_title(r: &ReportInput<'_>, leaning: &Leaning) -> String {
    match leaning {
        Leaning::Alternative(a) => escape_inline(&r.tree.alternatives[*a].title),
        Leaning::Even => "neither".to_string(),
    }
}

fn options(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    line!(w, "## Considered options");
    line!(w);
    for (i, alt) in t.alternatives.iter().enumerate() {
        let mark = match &rec.verdict {
            Verdict::Alternative(a) if *a == i => " (recommended)",
            Verdict::Tie(tied) if tied.contains(&i) => " (tied)",
            _ => "",
        };
        line!(w, "### {} (`{}`){mark}", escape_inline(&alt.title), alt.id);
        line!(w);
        if !is_blank(&alt.summary) {
            line!(w, "{}", escape_inline(&alt.summary));
            line!(w);
        }
        for s in &alt.strengths {
            line!(w, "- **Good:** {}", escape_inline(s));
        }
        for s in &alt.weaknesses {
            line!(w, "- **Bad:** {}", escape_inline(s));
        }
        if !alt.strengths.is_empty() || !alt.weaknesses.is_empty() {
            line!(w);
        }
    }
}

fn risks(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    line!(w, "## Risks and mitigations");
    line!(w);
    if rec.risks.is_empty() {
        line!(
            w,
            "None of the tree's risks apply to the recommended option with these answers."
        );
        line!(w);
    }
    for &ri in &rec.risks {
        let risk = &t.risks[ri];
        line!(w, "### {}", escape_inline(&risk.title));
        line!(w);
        if !is_blank(&risk.description) {
            line!(w, "{}", escape_inline(&risk.description));
            line!(w);
        }
        line!(w, "**Mitigation:** {}", escape_inline(&risk.mitigation));
        line!(w);
    }
}

fn unanswered(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    line!(w, "## Unanswered questions");
    line!(w);
    if rec.unanswered.is_empty() {
        line!(w, "Every question asked was answered.");
    }
    for &qi in &rec.unanswered {
        let q = &t.questions[qi];
        line!(w, "- {} (`{}`)", escape_inline(&q.prompt), q.id);
    }
    line!(w);
}

fn appendix(w: &mut String, r: &ReportInput<'_>) {
    let (t, rec) = (r.tree, r.recommendation);
    line!(w, "## Appendix: questions and answers");
    line!(w);
    line!(w, "| # | Question | Answer |");
    line!(w, "|---:|---|---|");
    for (n, &qi) in rec.asked.iter().enumerate() {
        let q = &t.questions[qi];
        let answer = r.answers.values.get(&q.id).map_or_else(
            || "*not answered*".to_string(),
            |a| escape_inline(&a.describe(q)),
        );
        line!(
            w,
            "| {} | {} | {} |",
            n + 1,
            escape_inline(&q.prompt),
            answer
        );
    }
    line!(w);
    line!(w, "### Answers file");
    line!(w);
    line!(
        w,
        "Save this block as `answers.toml` and run `mlops-wizard recommend --answers answers.toml` to re-run the decision."
    );
    line!(w);
    let mut answers = r.answers.clone();
    answers.stamp(t);
    let toml = answers.to_toml(t);
    let fence = "`".repeat(longest_run(&toml, '`').max(2) + 1);
    line!(w, "{fence}toml");
    w.push_str(&toml);
    line!(w, "{fence}");
}

/// Text as an inline code span when it can be one (one line, no backticks, nothing
/// [`sanitize::is_unsafe`]: a code span shows its text as it is), else escaped.
fn code_span(text: &str) -> String {
    if !text.is_empty()
        && !text.contains(['`', '\n', '\r', '\t'])
        && !text.contains(sanitize::is_unsafe)
        && text.trim() == text
    {
        format!("`{text}`")
    } else {
        escape_inline(text)
    }
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for ch in s.chars() {
        cur = if ch == c { cur + 1 } else { 0 };
        best = best.max(cur);
    }
    best
}

/// Text as one line of inline markdown that renders as exactly that text: white space
/// (line breaks included) and control characters fold to single spaces, every character
/// markdown could read as structure is escaped, and so are the starts of what GitHub turns
/// into links, mentions or math (`https://`, `www.`, `mailto:`, `@`, `$`). Bidirectional
/// controls and invisible characters ([`sanitize::is_unsafe`]) are shown as their escape,
/// `\u{202e}`, so the text cannot read differently from what it is.
pub fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut words = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty());
    if let Some(first) = words.next() {
        escape_line_start(first, &mut out);
        for word in words {
            out.push(' ');
            escape_chars(word, &mut out);
        }
    }
    out
}

/// Text as lines of inline markdown, one per line of the text (blank lines kept as empty
/// strings), each escaped as [`escape_inline`] does.
pub fn escape_multiline(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(escape_inline).collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Escapes a word that starts a line: also the characters that open blocks there.
fn escape_line_start(word: &str, out: &mut String) {
    let digits = word.chars().take_while(char::is_ascii_digit).count();
    if word.starts_with(['+', '-', '=']) {
        out.push('\\');
    }
    if digits > 0 && matches!(word[digits..].chars().next(), Some('.' | ')')) {
        out.push_str(&word[..digits]);
        out.push('\\');
        escape_chars(&word[digits..], out);
    } else {
        escape_chars(word, out);
    }
}

/// Escapes one word (no white space in it).
fn escape_chars(word: &str, out: &mut String) {
    let ends_with = |end: usize, suffix: &str| {
        end >= suffix.len()
            && word.is_char_boundary(end - suffix.len())
            && word[end - suffix.len()..end].eq_ignore_ascii_case(suffix)
    };
    for (i, c) in word.char_indices() {
        if sanitize::is_unsafe(c) {
            // `\\u{202e}`: a backslash, then text.
            out.push('\\');
            sanitize::push_escape(c, out);
            continue;
        }
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '!' | '#' | '@'
            | '$' => true,
            // `scheme://` and `mailto:` start autolinks.
            ':' => word[i + 1..].starts_with('/') || ends_with(i, "mailto") || ends_with(i, "xmpp"),
            // So does `www.`.
            '.' => ends_with(i, "www"),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_structure() {
        assert_eq!(escape_inline("# Title"), "\\# Title");
        assert_eq!(escape_inline("a|b"), "a\\|b");
        assert_eq!(
            escape_inline("<script>x</script>"),
            "\\<script\\>x\\</script\\>"
        );
        assert_eq!(escape_inline("1. item"), "1\\. item");
        assert_eq!(escape_inline("two\nlines\r\n  here"), "two lines here");
        assert_eq!(escape_inline("`code` *em*"), "\\`code\\` \\*em\\*");
        assert_eq!(escape_inline("   "), "");
        assert_eq!(escape_multiline("a\n\n- b\n\n"), vec!["a", "", "\\- b"]);
    }

    #[test]
    fn escapes_links_mentions_math_and_hidden_characters() {
        assert_eq!(
            escape_inline("see https://x.io and WWW.x.io or mailto:a@b.c"),
            "see https\\://x.io and WWW\\.x.io or mailto\\:a\\@b.c"
        );
        assert_eq!(
            escape_inline("@dana pays $5 $x^2$"),
            "\\@dana pays \\$5 \\$x^2\\$"
        );
        assert_eq!(escape_inline("time: 10:30"), "time: 10:30");
        assert_eq!(escape_inline("abc\u{202e}fed"), "abc\\\\u{202e}fed");
        assert_eq!(escape_inline("ye\u{200b}s"), "ye\\\\u{200b}s");
        assert_eq!(escape_inline("a\u{9b}b\u{1b}c"), "a b c");
        assert_eq!(code_span("1.0"), "`1.0`");
        assert_eq!(code_span("1\u{1b}[2J"), "1 \\[2J");
        assert_eq!(code_span("1\u{202e}0"), "1\\\\u{202e}0");
    }
}
