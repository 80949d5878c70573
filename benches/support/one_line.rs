//! Inputs written on one line, each a few megabytes with a problem every few dozen bytes:
//! the worst case for showing problems, since every one of them points into the same
//! line. Used by `benches/long_lines.rs` and by `tests/hardening.rs`.

#![allow(dead_code)]

/// A question tree of at least `bytes` bytes whose questions are all on one line, each
/// with an id that is not valid (it has a space), so that every question is a problem.
pub fn tree(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 512);
    out.push_str("tree = { id = \"one-line\", title = \"One line\", version = \"1\" }\n");
    out.push_str("alternatives = [{ id = \"x\", title = \"X\" }, { id = \"y\", title = \"Y\" }]\n");
    out.push_str("criteria = [{ id = \"c\", title = \"C\" }]\n");
    out.push_str("questions = [");
    let mut n = 0;
    while out.len() < bytes {
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(&format!(
            "{{ id = \"question {n}\", kind = \"single\", prompt = \"Which one, {n}?\", help = \"Pick one.\", options = [\
             {{ id = \"a\", label = \"A\", effects = [{{ alternative = \"x\", criterion = \"c\", points = 1.0, reason = \"A favours X.\" }}] }}, \
             {{ id = \"b\", label = \"B\", effects = [{{ alternative = \"y\", criterion = \"c\", points = 1.0, reason = \"B favours Y.\" }}] }}] }}"
        ));
        n += 1;
    }
    out.push_str("]\n");
    out
}

/// An answers file of at least `bytes` bytes: one inline table on one line, every key a
/// question that no tree has.
pub fn answers(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 64);
    out.push_str("answers = { ");
    let mut n = 0;
    while out.len() < bytes {
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(&format!(
            "unknown_question_{n:06} = \"an answer to a question the tree does not have\""
        ));
        n += 1;
    }
    out.push_str(" }\n");
    out
}
