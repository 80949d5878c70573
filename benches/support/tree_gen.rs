//! Generates large, valid question trees for benchmarks and scaling tests: every kind of
//! question, follow-ups that depend on earlier answers (also follow-ups of follow-ups), many
//! criteria, three alternatives. Deterministic for a given size and seed.
//!
//! Two styles with the same structure (the same questions, options, effects, conditions and
//! criteria, from the same random choices): [`generate`] writes every text as a sentence and
//! every effect as its own table, like the built-in tree (about 1,400 bytes per question);
//! [`generate_lean`] writes terse texts, no optional fields and effects as inline tables
//! (about 710 bytes per question). `docs/performance.md` compares the two.
//!
//! Shared by `benches/`, `tests/` and `examples/gen_tree.rs` (run
//! `cargo run --release --example gen_tree -- 10000 > tree.toml`, or `-- 10000 --lean`).

// Each user of this file (a bench, a test, the example) needs only some of it.
#![allow(dead_code)]

use std::fmt::Write as _;

/// A tiny deterministic generator (SplitMix64), so the trees need no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const ALTERNATIVES: [&str; 3] = ["open_source", "proprietary", "hybrid"];

/// How many criteria a tree of `questions` questions gets: many, but each informed.
pub fn criteria_for(questions: usize) -> usize {
    (questions / 20).clamp(4, 500)
}

/// How the texts of a generated tree are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Sentences for every text, option descriptions and sections, one table per effect.
    Verbose,
    /// Short texts, no optional fields, effects as inline tables.
    Lean,
}

/// A valid tree of `questions` questions as TOML text, in the verbose style.
pub fn generate(questions: usize, seed: u64) -> String {
    generate_styled(questions, seed, Style::Verbose)
}

/// The same tree as [`generate`] (same structure), in the lean style.
pub fn generate_lean(questions: usize, seed: u64) -> String {
    generate_styled(questions, seed, Style::Lean)
}

/// A valid tree of `questions` questions as TOML text, in the given style.
pub fn generate_styled(questions: usize, seed: u64, style: Style) -> String {
    if style == Style::Lean {
        return lean(questions, seed);
    }
    let mut rng = Rng(seed);
    let n_crit = criteria_for(questions);
    let mut out = String::with_capacity(questions * 1500);
    let _ = writeln!(
        out,
        "[tree]\nid = \"generated-{questions}\"\ntitle = \"Generated tree of {questions} questions\"\nversion = \"1.0.0\"\ndescription = \"Synthetic tree for benchmarks.\"\n"
    );
    for a in ALTERNATIVES {
        let _ = writeln!(
            out,
            "[[alternatives]]\nid = \"{a}\"\ntitle = \"Alternative {a}\"\nsummary = \"The {a} way.\"\nstrengths = [\"One strength\"]\nweaknesses = [\"One weakness\"]\n"
        );
    }
    for c in 0..n_crit {
        let _ = writeln!(
            out,
            "[[criteria]]\nid = \"c{c}\"\ntitle = \"Criterion {c}\"\ndescription = \"What criterion {c} weighs.\"\nweight = {}.0\n",
            1 + c % 3
        );
    }
    // Kinds by position; question i informs criteria i % n_crit and (i * 7) % n_crit, so
    // every criterion is informed once the tree has as many choice questions as criteria.
    let mut choice_questions: Vec<(usize, usize)> = Vec::new(); // (index, option count)
    for i in 0..questions {
        let kind = kind_of(i);
        let _ = writeln!(
            out,
            "[[questions]]\nid = \"q{i}\"\nkind = \"{kind}\"\nsection = \"Section {}\"\nprompt = \"Question {i}: how does your project stand on topic {i}?\"\nhelp = \"Asked because topic {i} moves criteria c{} and c{}.\"",
            i / 100,
            i % n_crit,
            (i * 7) % n_crit
        );
        // A third of the questions past the first ten depend on an earlier choice question;
        // that question may itself be a follow-up.
        write_show_if(&mut out, i, &mut rng, &choice_questions);
        match kind {
            "single" | "multiple" => {
                let count = 3 + (i % 3);
                for o in 0..count {
                    option(&mut out, &format!("o{o}"), o, i, n_crit, &mut rng);
                }
                if kind == "single" {
                    choice_questions.push((i, count));
                }
            }
            "yes_no" => {
                option(&mut out, "yes", 0, i, n_crit, &mut rng);
                option(&mut out, "no", 1, i, n_crit, &mut rng);
                choice_questions.push((i, 2));
            }
            "scale" => {
                let _ = writeln!(
                    out,
                    "min = 1\nmax = 5\nlabels = [\"None\", \"Low\", \"Medium\", \"High\", \"Top\"]\nweight_of = \"c{}\"",
                    i % n_crit
                );
                let _ = writeln!(
                    out,
                    "[[questions.effects]]\nalternative = \"{}\"\ncriterion = \"c{}\"\npoints = 1.5\nreason = \"A high answer to question {i} favours this.\"",
                    ALTERNATIVES[i % 3],
                    (i * 7) % n_crit
                );
            }
            _ => {}
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "[[risks]]\nid = \"r0\"\napplies_to = \"open_source\"\nwhen = {{ question = \"q0\", any_of = [\"o0\"] }}\ntitle = \"A risk\"\ndescription = \"Something may go wrong.\"\nmitigation = \"Do something about it.\""
    );
    out
}

/// One option with two effects: for alternative `o % 3` on two criteria of question `i`.
fn option(out: &mut String, id: &str, o: usize, i: usize, n_crit: usize, rng: &mut Rng) {
    let alt = ALTERNATIVES[(o + i) % 3];
    let _ = writeln!(
        out,
        "[[questions.options]]\nid = \"{id}\"\nlabel = \"Option {id} of question {i}\"\ndescription = \"What choosing {id} means.\""
    );
    for c in [i % n_crit, (i * 7 + o) % n_crit] {
        let _ = writeln!(
            out,
            "[[questions.options.effects]]\nalternative = \"{alt}\"\ncriterion = \"c{c}\"\npoints = {}.0\nreason = \"Option {id} of question {i} favours {alt} on c{c}.\"",
            1 + rng.below(3)
        );
    }
}

/// The lean style: the same random choices in the same order as the verbose style, so the
/// two trees have the same questions, options, effects and conditions.
fn lean(questions: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let n_crit = criteria_for(questions);
    let mut out = String::with_capacity(questions * 550);
    let _ = writeln!(
        out,
        "[tree]\nid = \"generated-{questions}\"\ntitle = \"Generated {questions}\"\nversion = \"1.0.0\"\n"
    );
    for a in ALTERNATIVES {
        let _ = writeln!(out, "[[alternatives]]\nid = \"{a}\"\ntitle = \"{a}\"\n");
    }
    for c in 0..n_crit {
        let _ = writeln!(
            out,
            "[[criteria]]\nid = \"c{c}\"\ntitle = \"C{c}\"\nweight = {}.0\n",
            1 + c % 3
        );
    }
    let mut choice_questions: Vec<(usize, usize)> = Vec::new();
    for i in 0..questions {
        let kind = kind_of(i);
        let _ = writeln!(
            out,
            "[[questions]]\nid = \"q{i}\"\nkind = \"{kind}\"\nprompt = \"Q{i}?\"\nhelp = \"H{i}.\""
        );
        write_show_if(&mut out, i, &mut rng, &choice_questions);
        match kind {
            "single" | "multiple" => {
                let count = 3 + (i % 3);
                for o in 0..count {
                    lean_option(&mut out, &format!("o{o}"), o, i, n_crit, &mut rng);
                }
                if kind == "single" {
                    choice_questions.push((i, count));
                }
            }
            "yes_no" => {
                lean_option(&mut out, "yes", 0, i, n_crit, &mut rng);
                lean_option(&mut out, "no", 1, i, n_crit, &mut rng);
                choice_questions.push((i, 2));
            }
            "scale" => {
                let _ = writeln!(
                    out,
                    "min = 1\nmax = 5\nweight_of = \"c{}\"\neffects = [{{ alternative = \"{}\", criterion = \"c{}\", points = 1.5, reason = \"R\" }}]",
                    i % n_crit,
                    ALTERNATIVES[i % 3],
                    (i * 7) % n_crit
                );
            }
            _ => {}
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "[[risks]]\nid = \"r0\"\napplies_to = \"open_source\"\nwhen = {{ question = \"q0\", any_of = [\"o0\"] }}\ntitle = \"A risk\"\nmitigation = \"Act.\""
    );
    out
}

/// A lean option: its two effects as an inline array, with the same random points.
fn lean_option(out: &mut String, id: &str, o: usize, i: usize, n_crit: usize, rng: &mut Rng) {
    let alt = ALTERNATIVES[(o + i) % 3];
    let _ = write!(
        out,
        "[[questions.options]]\nid = \"{id}\"\nlabel = \"{id}\"\neffects = ["
    );
    for (k, c) in [i % n_crit, (i * 7 + o) % n_crit].into_iter().enumerate() {
        let sep = if k == 0 { "" } else { ", " };
        let _ = write!(
            out,
            "{sep}{{ alternative = \"{alt}\", criterion = \"c{c}\", points = {}.0, reason = \"R\" }}",
            1 + rng.below(3)
        );
    }
    out.push_str("]\n");
}

/// An answers file that answers every other question of a generated tree (some of them
/// hidden by branching; read it with `Strictness::Lenient`).
pub fn answers(questions: usize) -> String {
    let mut out = String::from("[answers]\n");
    for i in (0..questions).step_by(2) {
        let value = match i % 10 {
            0..=4 => "\"o1\"".to_string(),
            5 | 6 => "\"yes\"".to_string(),
            7 => "[\"o0\", \"o2\"]".to_string(),
            8 => "4".to_string(),
            _ => "\"some notes\"".to_string(),
        };
        let _ = writeln!(out, "q{i} = {value}");
    }
    out
}

/// For a third of the questions past the tenth, a `show_if` on an earlier choice question
/// (itself perhaps a follow-up), a quarter of them through `any`.
fn write_show_if(out: &mut String, i: usize, rng: &mut Rng, choice_questions: &[(usize, usize)]) {
    if i >= 10 && rng.below(3) == 0 && !choice_questions.is_empty() {
        let (p, count) = choice_questions[rng.below(choice_questions.len() as u64) as usize];
        let opt = rng.below(count as u64);
        let option = if count == 2 && opt == 0 {
            "yes".to_string()
        } else if count == 2 {
            "no".to_string()
        } else {
            format!("o{opt}")
        };
        if rng.below(4) == 0 {
            let _ = writeln!(
                out,
                "show_if = {{ any = [{{ question = \"q{p}\", any_of = [\"{option}\"] }}, {{ question = \"q{}\", answered = true }}] }}",
                choice_questions[0].0
            );
        } else {
            let _ = writeln!(
                out,
                "show_if = {{ question = \"q{p}\", any_of = [\"{option}\"] }}"
            );
        }
    }
}

/// The kind of question `i`: half single choice, then yes/no, multiple, scale and text.
fn kind_of(i: usize) -> &'static str {
    match i % 10 {
        0..=4 => "single",
        5 | 6 => "yes_no",
        7 => "multiple",
        8 => "scale",
        _ => "text",
    }
}
