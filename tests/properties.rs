//! Property tests of the decision engine.
//!
//! A proptest strategy builds random *valid* question trees as a small model ([`GTree`]),
//! renders them as TOML text and loads them with [`Tree::parse`], so the loader and the
//! validator are exercised on every case. A second strategy builds random answers for a
//! tree (any subset of the questions, including questions that end up hidden).
//!
//! Properties:
//! 1. traversal always ends, `previous` walks back, `position` agrees with `visible`;
//! 2. only answers to shown questions count;
//! 3. recommendation and reports are deterministic;
//! 4. the verdict does not depend on option order or criterion ids;
//! 5. one answer only moves the criteria its question names;
//! 6. the markdown report is well-formed and its answers block re-loads, and the texts of
//!    the tree and answers never change its structure (nor do required texts with nothing
//!    to show, which the loader must refuse or the report must still show as text);
//! 7. escaped text stays text, in every markdown context and in full reports;
//! 8. the JSON report parses and names the verdict and scores by alternative id;
//! 9. whatever the input, nothing a terminal would act on reaches a message or a report:
//!    no control character but line feed and tab, no DEL or C1, no bidi control, no
//!    zero-width character.
//!
//! `PROPTEST_CASES` overrides the number of cases of every property. Failures are not
//! persisted (no `proptest-regressions` files): the message shows the minimal input.

use std::collections::{BTreeMap, BTreeSet};

use mlops_wizard::answers::AnswersMeta;
use mlops_wizard::model::{Kind, Question};
use mlops_wizard::recommend::Verdict;
use mlops_wizard::report::{self, ReportInput};
use mlops_wizard::source::Source;
use mlops_wizard::{Answer, Answers, Flow, ProblemKind, Recommendation, Strictness, Tree};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

// =======================================================================================
// Configuration

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        // Keep the working tree clean: no proptest-regressions files.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The date printed in every report of these tests.
const DATE: &str = "2024-05-17";

// =======================================================================================
// Text strategies

/// Pieces that markdown, HTML or TOML could read as structure, and odd characters.
const FRAGMENTS: &[&str] = &[
    "#",
    "## ",
    "|",
    "||",
    "`",
    "```",
    "\n```\n",
    "\n````",
    "<script>",
    "</script>",
    "<b>",
    "<!--",
    "*",
    "**",
    "_",
    "__",
    "[",
    "]",
    "[a](http://x.y)",
    "![i](s.png)",
    "[^1]",
    "(",
    ")",
    "\\",
    "\\\\",
    "&amp;",
    "&#35;",
    "&",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "\t",
    " ",
    "    ",
    "1.",
    "12)",
    "1. ",
    "-",
    "- ",
    "+ ",
    "> ",
    ">",
    "=",
    "===",
    "---",
    "***",
    "~~~",
    "~",
    "!",
    "$",
    "^",
    ":",
    "'",
    "\"",
    "\"\"\"",
    "'''",
    "{",
    "}",
    "é",
    "日本語",
    "🚀",
    "👩‍💻",
    "\u{0}",
    "\u{7}",
    "\u{1b}",
    "\u{7f}",
    "\u{85}",
    "\u{a0}",
    "\u{2028}",
    "\u{3000}",
    "\u{feff}",
    "\u{200b}",
    "word",
    "Hello",
    "42",
    "x",
];

fn fragment() -> BoxedStrategy<String> {
    prop_oneof![
        5 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
        1 => any::<char>().prop_map(String::from),
        2 => prop::sample::select(WORDS).prop_map(str::to_string),
    ]
    .boxed()
}

const WORDS: &[&str] = &[
    "data", "team", "model", "vendor", "cost", "stack", "open", "support", "platform", "budget",
    "Risk", "MLOps", "plan", "review", "deploy", "x", "a", "Ops", "licence", "cloud",
];

/// Any string, built mostly from markdown-significant pieces.
fn nasty() -> BoxedStrategy<String> {
    vec(fragment(), 0..8).prop_map(|v| v.concat()).boxed()
}

/// Text made from a seed: two times in three plain words, else nasty pieces. Cheaper to
/// generate than [`nasty`], for the many text fields of a tree; small seeds give short,
/// plain text, so shrinking still simplifies.
fn seeded_text(seed: u64) -> String {
    if seed == 0 {
        return "data".to_string();
    }
    // Now and then a text that is not blank (`trim` keeps it) but has nothing to show.
    if seed % 61 == 7 {
        return ["\u{7}", "\u{0}\u{1b}", "\u{7f}"][(seed / 61 % 3) as usize].to_string();
    }
    let mut state = seed;
    if !seed.is_multiple_of(3) {
        let n = 1 + (seed / 3) % 3;
        let words: Vec<&str> = (0..n)
            .map(|_| WORDS[(splitmix(&mut state) % WORDS.len() as u64) as usize])
            .collect();
        return words.join(" ");
    }
    let n = splitmix(&mut state) % 8;
    let mut out = String::new();
    for _ in 0..n {
        let r = splitmix(&mut state);
        match r % 6 {
            0 => out.extend(char::from_u32(((r >> 8) % 0x11_0000) as u32)),
            1 => out.push_str(WORDS[((r >> 8) % WORDS.len() as u64) as usize]),
            _ => out.push_str(FRAGMENTS[((r >> 8) % FRAGMENTS.len() as u64) as usize]),
        }
    }
    out
}

/// A text field of a tree: plain words or nasty text.
fn text() -> BoxedStrategy<String> {
    any::<u64>().prop_map(seeded_text).boxed()
}

/// A text the loader requires to be non-empty: with something to show, so that it is
/// valid however "empty" is read (texts of control characters only have their own
/// property, `invisible_required_texts_are_refused_or_keep_structure`).
fn req_text() -> BoxedStrategy<String> {
    text()
        .prop_map(|s| {
            if fold(&s).is_empty() || mlops_wizard::model::is_blank(&s) {
                format!("t{s}")
            } else {
                s
            }
        })
        .boxed()
}

/// Finite points: mostly quarters (so that ties happen), sometimes any float.
fn points() -> BoxedStrategy<f64> {
    prop_oneof![
        4 => (-20i32..=20).prop_map(|x| f64::from(x) / 4.0),
        1 => -50.0f64..50.0,
    ]
    .boxed()
}

/// What markdown should render for `s`: white space (and control characters) folded to
/// single spaces, trimmed; bidi controls and invisible characters shown as their escape
/// (`\u{202e}`).
fn fold(s: &str) -> String {
    let words = s
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    mlops_wizard::sanitize::terminal(&words).into_owned()
}

// =======================================================================================
// The generated tree model, rendered to TOML

#[derive(Debug, Clone)]
struct GTree {
    title: String,
    description: String,
    alts: Vec<GAlt>,
    crits: Vec<GCrit>,
    questions: Vec<GQuestion>,
    risks: Vec<GRisk>,
}

#[derive(Debug, Clone)]
struct GAlt {
    id: String,
    title: String,
    summary: String,
    strengths: Vec<String>,
    weaknesses: Vec<String>,
}

#[derive(Debug, Clone)]
struct GCrit {
    id: String,
    title: String,
    description: String,
    weight: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GKind {
    Single,
    Multiple,
    YesNo,
    Scale,
    Text,
}

impl GKind {
    fn name(self) -> &'static str {
        match self {
            GKind::Single => "single",
            GKind::Multiple => "multiple",
            GKind::YesNo => "yes_no",
            GKind::Scale => "scale",
            GKind::Text => "text",
        }
    }
    fn is_choice(self) -> bool {
        matches!(self, GKind::Single | GKind::Multiple | GKind::YesNo)
    }
}

#[derive(Debug, Clone)]
struct GQuestion {
    id: String,
    kind: GKind,
    prompt: String,
    help: String,
    section: Option<String>,
    show_if: Option<GCond>,
    options: Vec<GOption>,
    scale: Option<GScale>,
}

#[derive(Debug, Clone)]
struct GScale {
    min: i64,
    max: i64,
    labels: Option<Vec<String>>,
    weight_of: Option<usize>,
    effects: Vec<GEffect>,
}

#[derive(Debug, Clone)]
struct GOption {
    id: String,
    label: String,
    description: Option<String>,
    effects: Vec<GEffect>,
}

#[derive(Debug, Clone)]
struct GEffect {
    alt: usize,
    crit: usize,
    points: f64,
    reason: String,
}

#[derive(Debug, Clone)]
enum GCond {
    Test { q: usize, test: GTest },
    All(Vec<GCond>),
    Any(Vec<GCond>),
}

#[derive(Debug, Clone)]
enum GTest {
    AnyOf(Vec<String>),
    NoneOf(Vec<String>),
    Range(Option<i64>, Option<i64>),
    Answered,
}

#[derive(Debug, Clone)]
struct GRisk {
    id: String,
    alt: usize,
    when: Option<GCond>,
    title: String,
    description: String,
    mitigation: String,
}

/// A TOML string literal.
fn ts(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML float literal.
fn tf(x: f64) -> String {
    toml::Value::Float(x).to_string()
}

fn ts_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| ts(s)).collect();
    format!("[{}]", inner.join(", "))
}

impl GTree {
    fn to_toml(&self) -> String {
        use std::fmt::Write as _;
        let mut o = String::new();
        let w = &mut o;
        let _ = writeln!(w, "format = 1\n\n[tree]\nid = \"generated-tree\"");
        let _ = writeln!(w, "title = {}", ts(&self.title));
        let _ = writeln!(w, "version = \"1.0.0\"");
        let _ = writeln!(w, "description = {}", ts(&self.description));
        for a in &self.alts {
            let _ = writeln!(w, "\n[[alternatives]]\nid = {}", ts(&a.id));
            let _ = writeln!(w, "title = {}", ts(&a.title));
            let _ = writeln!(w, "summary = {}", ts(&a.summary));
            let _ = writeln!(w, "strengths = {}", ts_list(&a.strengths));
            let _ = writeln!(w, "weaknesses = {}", ts_list(&a.weaknesses));
        }
        for c in &self.crits {
            let _ = writeln!(w, "\n[[criteria]]\nid = {}", ts(&c.id));
            let _ = writeln!(w, "title = {}", ts(&c.title));
            let _ = writeln!(w, "description = {}", ts(&c.description));
            if let Some(x) = c.weight {
                let _ = writeln!(w, "weight = {}", tf(x));
            }
        }
        for q in &self.questions {
            let _ = writeln!(w, "\n[[questions]]\nid = {}", ts(&q.id));
            let _ = writeln!(w, "kind = \"{}\"", q.kind.name());
            let _ = writeln!(w, "prompt = {}", ts(&q.prompt));
            let _ = writeln!(w, "help = {}", ts(&q.help));
            if let Some(s) = &q.section {
                let _ = writeln!(w, "section = {}", ts(s));
            }
            if let Some(c) = &q.show_if {
                let _ = writeln!(w, "show_if = {}", self.cond_toml(c));
            }
            if let Some(s) = &q.scale {
                let _ = writeln!(w, "min = {}\nmax = {}", s.min, s.max);
                if let Some(l) = &s.labels {
                    let _ = writeln!(w, "labels = {}", ts_list(l));
                }
                if let Some(c) = s.weight_of {
                    let _ = writeln!(w, "weight_of = {}", ts(&self.crits[c].id));
                }
                for e in &s.effects {
                    let _ = writeln!(w, "\n[[questions.effects]]");
                    self.effect_toml(w, e);
                }
            }
            for opt in &q.options {
                let _ = writeln!(w, "\n[[questions.options]]\nid = {}", ts(&opt.id));
                let _ = writeln!(w, "label = {}", ts(&opt.label));
                if let Some(d) = &opt.description {
                    let _ = writeln!(w, "description = {}", ts(d));
                }
                for e in &opt.effects {
                    let _ = writeln!(w, "\n[[questions.options.effects]]");
                    self.effect_toml(w, e);
                }
            }
        }
        for r in &self.risks {
            let _ = writeln!(w, "\n[[risks]]\nid = {}", ts(&r.id));
            let _ = writeln!(w, "applies_to = {}", ts(&self.alts[r.alt].id));
            if let Some(c) = &r.when {
                let _ = writeln!(w, "when = {}", self.cond_toml(c));
            }
            let _ = writeln!(w, "title = {}", ts(&r.title));
            let _ = writeln!(w, "description = {}", ts(&r.description));
            let _ = writeln!(w, "mitigation = {}", ts(&r.mitigation));
        }
        o
    }

    fn effect_toml(&self, w: &mut String, e: &GEffect) {
        use std::fmt::Write as _;
        let _ = writeln!(w, "alternative = {}", ts(&self.alts[e.alt].id));
        let _ = writeln!(w, "criterion = {}", ts(&self.crits[e.crit].id));
        let _ = writeln!(w, "points = {}", tf(e.points));
        let _ = writeln!(w, "reason = {}", ts(&e.reason));
    }

    fn cond_toml(&self, c: &GCond) -> String {
        match c {
            GCond::All(cs) | GCond::Any(cs) => {
                let key = if matches!(c, GCond::All(_)) {
                    "all"
                } else {
                    "any"
                };
                let inner: Vec<String> = cs.iter().map(|c| self.cond_toml(c)).collect();
                format!("{{ {key} = [{}] }}", inner.join(", "))
            }
            GCond::Test { q, test } => {
                let qid = ts(&self.questions[*q].id);
                let t = match test {
                    GTest::AnyOf(v) => format!("any_of = {}", ts_list(v)),
                    GTest::NoneOf(v) => format!("none_of = {}", ts_list(v)),
                    GTest::Range(lo, hi) => {
                        let mut parts = Vec::new();
                        if let Some(lo) = lo {
                            parts.push(format!("at_least = {lo}"));
                        }
                        if let Some(hi) = hi {
                            parts.push(format!("at_most = {hi}"));
                        }
                        parts.join(", ")
                    }
                    GTest::Answered => "answered = true".to_string(),
                };
                format!("{{ question = {qid}, {t} }}")
            }
        }
    }

    /// The same tree with the options of every question in another order.
    fn with_options_shuffled(&self, seed: u64) -> GTree {
        let mut g = self.clone();
        let mut state = seed;
        for q in &mut g.questions {
            for i in (1..q.options.len()).rev() {
                let j = (splitmix(&mut state) % (i as u64 + 1)) as usize;
                q.options.swap(i, j);
            }
        }
        g
    }

    /// The same tree with every criterion id replaced (consistently).
    fn with_criteria_renamed(&self) -> GTree {
        let mut g = self.clone();
        let n = g.crits.len();
        for (k, c) in g.crits.iter_mut().enumerate() {
            c.id = format!("renamed-{}.{}_{}", n - k, c.id.len(), c.id.to_lowercase());
        }
        g
    }
}

impl GTree {
    /// The same tree with every non-blank text replaced by a plain word (blank texts, which
    /// the report leaves out, stay as they are).
    fn with_plain_texts(&self) -> GTree {
        let mut g = self.clone();
        let p = |s: &mut String| *s = plain_like(s);
        p(&mut g.title);
        p(&mut g.description);
        for a in &mut g.alts {
            p(&mut a.title);
            p(&mut a.summary);
            a.strengths.iter_mut().for_each(p);
            a.weaknesses.iter_mut().for_each(p);
        }
        for c in &mut g.crits {
            p(&mut c.title);
            p(&mut c.description);
        }
        for q in &mut g.questions {
            p(&mut q.prompt);
            p(&mut q.help);
            q.section.iter_mut().for_each(p);
            for o in &mut q.options {
                p(&mut o.label);
                o.description.iter_mut().for_each(p);
                o.effects.iter_mut().for_each(|e| p(&mut e.reason));
            }
            if let Some(s) = &mut q.scale {
                s.labels.iter_mut().flatten().for_each(p);
                s.effects.iter_mut().for_each(|e| p(&mut e.reason));
            }
        }
        for r in &mut g.risks {
            p(&mut r.title);
            p(&mut r.description);
            p(&mut r.mitigation);
        }
        g
    }
}

/// `plain` for a text that is not blank, the text itself otherwise.
fn plain_like(s: &str) -> String {
    if mlops_wizard::model::is_blank(s) {
        s.to_string()
    } else {
        "plain".to_string()
    }
}

/// The same answers with every non-blank free text replaced by a plain word.
fn plain_answers(a: &Answers) -> Answers {
    let mut a = a.clone();
    a.meta.respondent = a.meta.respondent.as_deref().map(plain_like);
    for v in a.values.values_mut() {
        if let Answer::Text(t) = v {
            *t = plain_like(t);
        }
    }
    a
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

// =======================================================================================
// Raw random material, and the builder that turns it into a valid tree

#[derive(Debug, Clone)]
struct RawEffect {
    alt: usize,
    crit: usize,
    points: f64,
    reason: String,
}

#[derive(Debug, Clone)]
enum RawCond {
    Test {
        target: usize,
        sel: u8,
        picks: Vec<usize>,
        a: i64,
        b: i64,
    },
    All(Vec<RawCond>),
    Any(Vec<RawCond>),
}

#[derive(Debug, Clone)]
struct RawQ {
    kind: u8,
    n_opts: usize,
    labels: Vec<String>,
    descs: Vec<Option<String>>,
    opt_effects: Vec<Vec<RawEffect>>,
    min: i64,
    span: i64,
    has_labels: bool,
    weight_of: Option<usize>,
    scale_effects: Vec<RawEffect>,
    prompt: String,
    help: String,
    section: Option<String>,
    cond: Option<RawCond>,
}

#[derive(Debug, Clone)]
struct RawRisk {
    alt: usize,
    when: Option<RawCond>,
    title: String,
    description: String,
    mitigation: String,
}

#[derive(Debug, Clone)]
struct RawTree {
    title: String,
    description: String,
    n_alts: usize,
    alts: Vec<(String, String, Vec<String>, Vec<String>)>,
    crits: Vec<(String, String, Option<f64>)>,
    questions: Vec<RawQ>,
    guarantee: RawQ,
    guarantee_pos: usize,
    guarantee_multiple: bool,
    guarantee_extra: bool,
    inform_seed: usize,
    risks: Vec<RawRisk>,
    name_text: bool,
}

fn raw_effect() -> BoxedStrategy<RawEffect> {
    (0usize..8, 0usize..8, points(), req_text())
        .prop_map(|(alt, crit, points, reason)| RawEffect {
            alt,
            crit,
            points,
            reason,
        })
        .boxed()
}

fn raw_cond() -> BoxedStrategy<RawCond> {
    let leaf = (
        0usize..1000,
        any::<u8>(),
        vec(0usize..8, 0..4),
        0i64..200,
        0i64..200,
    )
        .prop_map(|(target, sel, picks, a, b)| RawCond::Test {
            target,
            sel,
            picks,
            a,
            b,
        });
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(RawCond::All),
            vec(inner, 1..4).prop_map(RawCond::Any),
        ]
    })
    .boxed()
}

fn raw_question() -> BoxedStrategy<RawQ> {
    let options = (
        0u8..5,
        2usize..=5,
        vec(req_text(), 6),
        vec(proptest::option::weighted(0.3, text()), 5),
        vec(vec(raw_effect(), 0..3), 5),
    );
    let scale = (
        -5i64..=5,
        prop_oneof![9 => 1i64..=7, 1 => Just(100i64)],
        any::<bool>(),
        proptest::option::weighted(0.3, 0usize..8),
        vec(raw_effect(), 0..3),
    );
    let texts = (
        req_text(),
        req_text(),
        proptest::option::weighted(0.3, text()),
        proptest::option::weighted(0.6, raw_cond()),
    );
    (options, scale, texts)
        .prop_map(
            |(
                (kind, n_opts, labels, descs, opt_effects),
                (min, span, has_labels, weight_of, scale_effects),
                (prompt, help, section, cond),
            )| RawQ {
                kind,
                n_opts,
                labels,
                descs,
                opt_effects,
                min,
                span,
                has_labels,
                weight_of,
                scale_effects,
                prompt,
                help,
                section,
                cond,
            },
        )
        .boxed()
}

fn raw_risk() -> BoxedStrategy<RawRisk> {
    (
        0usize..8,
        proptest::option::of(raw_cond()),
        req_text(),
        text(),
        req_text(),
    )
        .prop_map(|(alt, when, title, description, mitigation)| RawRisk {
            alt,
            when,
            title,
            description,
            mitigation,
        })
        .boxed()
}

fn weight() -> BoxedStrategy<Option<f64>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(0.0)),
        3 => (0i32..=20).prop_map(|x| Some(f64::from(x) / 4.0)),
        1 => (0.0f64..10.0).prop_map(Some),
    ]
    .boxed()
}

fn raw_tree(max_questions: usize) -> BoxedStrategy<RawTree> {
    let head = (
        req_text(),
        text(),
        2usize..=4,
        vec(
            (req_text(), text(), vec(text(), 0..3), vec(text(), 0..3)),
            4,
        ),
        vec((req_text(), text(), weight()), 1..=6),
    );
    let body = (
        vec(raw_question(), 0..max_questions),
        raw_question(),
        any::<usize>(),
        any::<bool>(),
        any::<bool>(),
        any::<usize>(),
        vec(raw_risk(), 0..4),
        any::<bool>(),
    );
    (head, body)
        .prop_map(
            |(
                (title, description, n_alts, alts, crits),
                (
                    questions,
                    guarantee,
                    guarantee_pos,
                    guarantee_multiple,
                    guarantee_extra,
                    inform_seed,
                    risks,
                    name_text,
                ),
            )| RawTree {
                title,
                description,
                n_alts,
                alts,
                crits,
                questions,
                guarantee,
                guarantee_pos,
                guarantee_multiple,
                guarantee_extra,
                inform_seed,
                risks,
                name_text,
            },
        )
        .boxed()
}

const ALT_IDS: [&str; 4] = ["open_source", "proprietary", "hybrid-2", "alt.4"];
const CRIT_IDS: [&str; 6] = ["cost", "team_skills", "vendor-risk", "c.4", "Speed", "c6"];

enum Slot<'a> {
    Raw(&'a RawQ),
    Guarantee(&'a RawQ),
    ProjectName,
    Notes,
}

fn effect(e: &RawEffect, n_alts: usize, n_crits: usize) -> GEffect {
    GEffect {
        alt: e.alt % n_alts,
        crit: e.crit % n_crits,
        points: e.points,
        reason: e.reason.clone(),
    }
}

/// What the direct tests of an `all` so far require of each question, to keep only tests
/// that can hold together with them.
#[derive(Clone, Default)]
struct AllState {
    /// Single-answer questions: the options still allowed.
    allowed: BTreeMap<usize, BTreeSet<String>>,
    /// Scale questions: the values still allowed.
    ranges: BTreeMap<usize, (i64, i64)>,
    /// Multiple-answer questions: options that must not be chosen, and lists of which one
    /// must be.
    forbidden: BTreeMap<usize, BTreeSet<String>>,
    required: BTreeMap<usize, Vec<Vec<String>>>,
}

impl AllState {
    /// Adds a test on question `qi` if it can hold together with the others.
    fn accept(&mut self, q: &GQuestion, qi: usize, test: &GTest) -> bool {
        let mut next = self.clone();
        let ok = match (q.kind, test) {
            (_, GTest::Answered) => true,
            (GKind::Single | GKind::YesNo, GTest::AnyOf(l) | GTest::NoneOf(l)) => {
                let keep_listed = matches!(test, GTest::AnyOf(_));
                let set = next
                    .allowed
                    .entry(qi)
                    .or_insert_with(|| q.options.iter().map(|o| o.id.clone()).collect());
                set.retain(|o| l.contains(o) == keep_listed);
                !set.is_empty()
            }
            (GKind::Multiple, GTest::AnyOf(l) | GTest::NoneOf(l)) => {
                if matches!(test, GTest::AnyOf(_)) {
                    next.required.entry(qi).or_default().push(l.clone());
                } else {
                    next.forbidden
                        .entry(qi)
                        .or_default()
                        .extend(l.iter().cloned());
                }
                let forbidden = next.forbidden.get(&qi).cloned().unwrap_or_default();
                next.required.get(&qi).is_none_or(|reqs| {
                    reqs.iter()
                        .all(|r| r.iter().any(|o| !forbidden.contains(o)))
                })
            }
            (GKind::Scale, GTest::Range(lo, hi)) => {
                let s = q.scale.as_ref().expect("scale question");
                let r = next.ranges.entry(qi).or_insert((s.min, s.max));
                r.0 = r.0.max(lo.unwrap_or(i64::MIN));
                r.1 = r.1.min(hi.unwrap_or(i64::MAX));
                r.0 <= r.1
            }
            _ => false,
        };
        if ok {
            *self = next;
        }
        ok
    }
}

/// A condition over the questions at `eligible` (choice and scale questions only); `None`
/// when nothing is left of it. The result is satisfiable as the validator sees it: `any`
/// lists are not empty, `any_of` names an option, `none_of` on a single-answer question
/// leaves one out, ranges meet the scale, and the direct tests of an `all` can hold
/// together.
fn build_cond(raw: &RawCond, qs: &[GQuestion], eligible: &[usize]) -> Option<GCond> {
    match raw {
        RawCond::Test {
            target,
            sel,
            picks,
            a,
            b,
        } => {
            if eligible.is_empty() {
                return None;
            }
            let qi = eligible[target % eligible.len()];
            let q = &qs[qi];
            let test = if q.kind.is_choice() {
                let n = q.options.len();
                let mut ids: Vec<String> = Vec::new();
                for p in picks {
                    let id = &q.options[p % n].id;
                    if !ids.contains(id) {
                        ids.push(id.clone());
                    }
                }
                match sel % 3 {
                    0 => {
                        if ids.is_empty() {
                            ids.push(q.options[0].id.clone());
                        }
                        GTest::AnyOf(ids)
                    }
                    1 => {
                        if q.kind != GKind::Multiple && ids.len() >= n {
                            ids.pop();
                        }
                        GTest::NoneOf(ids)
                    }
                    _ => GTest::Answered,
                }
            } else {
                let s = q.scale.as_ref()?;
                if sel % 3 == 2 {
                    GTest::Answered
                } else {
                    let lo = s.min + a % (s.max - s.min + 1);
                    let hi = lo + b % (s.max - lo + 1);
                    match sel % 3 {
                        0 if b % 2 == 0 => GTest::Range(Some(lo), None),
                        0 => GTest::Range(None, Some(hi)),
                        _ => GTest::Range(Some(lo), Some(hi)),
                    }
                }
            };
            Some(GCond::Test { q: qi, test })
        }
        RawCond::All(children) => {
            let mut out = Vec::new();
            let mut state = AllState::default();
            for c in children {
                if let Some(c) = build_cond(c, qs, eligible) {
                    if let GCond::Test { q, test } = &c
                        && !state.accept(&qs[*q], *q, test)
                    {
                        continue;
                    }
                    out.push(c);
                }
            }
            Some(GCond::All(out))
        }
        RawCond::Any(children) => {
            let out: Vec<GCond> = children
                .iter()
                .filter_map(|c| build_cond(c, qs, eligible))
                .collect();
            (!out.is_empty()).then_some(GCond::Any(out))
        }
    }
}

fn build_question(
    id: String,
    kind: GKind,
    n_opts: usize,
    raw: &RawQ,
    n_alts: usize,
    n_crits: usize,
) -> GQuestion {
    let options = match kind {
        GKind::Single | GKind::Multiple => (0..n_opts)
            .map(|i| GOption {
                id: if i % 2 == 0 {
                    format!("o{i}")
                } else {
                    format!("opt-{i}.x")
                },
                label: raw.labels[i % raw.labels.len()].clone(),
                description: raw.descs[i % raw.descs.len()].clone(),
                effects: raw.opt_effects[i % raw.opt_effects.len()]
                    .iter()
                    .map(|e| effect(e, n_alts, n_crits))
                    .collect(),
            })
            .collect(),
        GKind::YesNo => ["yes", "no"]
            .iter()
            .enumerate()
            .map(|(i, yn)| GOption {
                id: yn.to_string(),
                label: raw.labels[i].clone(),
                description: raw.descs[i].clone(),
                effects: raw.opt_effects[i]
                    .iter()
                    .map(|e| effect(e, n_alts, n_crits))
                    .collect(),
            })
            .collect(),
        GKind::Scale | GKind::Text => Vec::new(),
    };
    let scale = (kind == GKind::Scale).then(|| {
        let max = raw.min + raw.span;
        let n_values = (raw.span + 1) as usize;
        GScale {
            min: raw.min,
            max,
            labels: (raw.has_labels && n_values <= raw.labels.len())
                .then(|| raw.labels[..n_values].to_vec()),
            weight_of: raw.weight_of.map(|c| c % n_crits),
            effects: raw
                .scale_effects
                .iter()
                .map(|e| effect(e, n_alts, n_crits))
                .collect(),
        }
    });
    GQuestion {
        id,
        kind,
        prompt: raw.prompt.clone(),
        help: raw.help.clone(),
        section: raw.section.clone(),
        show_if: None,
        options,
        scale,
    }
}

fn build_tree(raw: &RawTree, force_texts: bool) -> GTree {
    let n_alts = raw.n_alts;
    let alts: Vec<GAlt> = (0..n_alts)
        .map(|a| {
            let (title, summary, strengths, weaknesses) = raw.alts[a].clone();
            GAlt {
                id: ALT_IDS[a].to_string(),
                title,
                summary,
                strengths,
                weaknesses,
            }
        })
        .collect();
    let mut crits: Vec<GCrit> = raw
        .crits
        .iter()
        .enumerate()
        .map(|(i, (title, description, weight))| GCrit {
            id: CRIT_IDS[i].to_string(),
            title: title.clone(),
            description: description.clone(),
            weight: *weight,
        })
        .collect();
    // The guaranteed effects go on criterion 0: it must carry weight.
    if crits[0].weight.is_some_and(|w| w <= 0.0) {
        crits[0].weight = Some(1.5);
    }
    let n_crits = crits.len();

    let mut plan: Vec<Slot<'_>> = raw.questions.iter().map(Slot::Raw).collect();
    let gpos = raw.guarantee_pos % (plan.len() + 1);
    plan.insert(gpos, Slot::Guarantee(&raw.guarantee));
    if force_texts {
        plan.insert(0, Slot::ProjectName);
        plan.push(Slot::Notes);
    }

    let mut questions: Vec<GQuestion> = Vec::new();
    let mut guarantee_index = 0;
    let mut named = false;
    for (i, slot) in plan.iter().enumerate() {
        let plain_id = if i % 3 == 2 {
            format!("sec.q{i}")
        } else {
            format!("q_{i}")
        };
        let q = match slot {
            Slot::Raw(r) => {
                let kind = [
                    GKind::Single,
                    GKind::Multiple,
                    GKind::YesNo,
                    GKind::Scale,
                    GKind::Text,
                ][usize::from(r.kind % 5)];
                let id = if kind == GKind::Text && raw.name_text && !named && !force_texts {
                    named = true;
                    "project_name".to_string()
                } else {
                    plain_id
                };
                let mut q = build_question(id, kind, r.n_opts, r, n_alts, n_crits);
                if let Some(c) = &r.cond {
                    let eligible: Vec<usize> = (0..questions.len())
                        .filter(|&j| questions[j].kind != GKind::Text)
                        .collect();
                    q.show_if = build_cond(c, &questions, &eligible);
                }
                q
            }
            Slot::Guarantee(r) => {
                guarantee_index = i;
                let kind = if raw.guarantee_multiple {
                    GKind::Multiple
                } else {
                    GKind::Single
                };
                let n_opts = n_alts + usize::from(raw.guarantee_extra);
                build_question(plain_id, kind, n_opts, r, n_alts, n_crits)
            }
            Slot::ProjectName | Slot::Notes => {
                let r = &raw.guarantee;
                let id = if matches!(slot, Slot::ProjectName) {
                    "project_name"
                } else {
                    "notes"
                };
                build_question(id.to_string(), GKind::Text, 0, r, n_alts, n_crits)
            }
        };
        questions.push(q);
    }

    // Every criterion is informed: add an effect for each one no effect names.
    let mut informed = vec![false; n_crits];
    for q in &questions {
        let scale_effects = q.scale.iter().flat_map(|s| s.effects.iter());
        for e in q
            .options
            .iter()
            .flat_map(|o| o.effects.iter())
            .chain(scale_effects)
        {
            informed[e.crit] = true;
        }
    }
    let carriers: Vec<usize> = (0..questions.len())
        .filter(|&i| questions[i].kind != GKind::Text)
        .collect();
    for (c, informed) in informed.iter().enumerate() {
        if *informed {
            continue;
        }
        let qi = carriers[(raw.inform_seed.wrapping_add(c * 7)) % carriers.len()];
        let e = GEffect {
            alt: c % n_alts,
            crit: c,
            points: 1.0,
            reason: format!("Informs criterion {c}"),
        };
        let q = &mut questions[qi];
        match &mut q.scale {
            Some(s) => s.effects.push(e),
            None => {
                let n = q.options.len();
                q.options[c % n].effects.push(e);
            }
        }
    }

    // Every alternative can win: option `a` of the (unconditional) guarantee question gives
    // alternative `a` more points on criterion 0 than all its other effects could offset.
    let gq = &mut questions[guarantee_index];
    for (a, opt) in gq.options.iter_mut().enumerate().take(n_alts) {
        let big = 1.0 + opt.effects.iter().map(|e| e.points.abs()).sum::<f64>();
        opt.effects.push(GEffect {
            alt: a,
            crit: 0,
            points: big.ceil(),
            reason: format!("Guaranteed lead for alternative {a}"),
        });
    }

    let all_eligible: Vec<usize> = (0..questions.len())
        .filter(|&j| questions[j].kind != GKind::Text)
        .collect();
    let risks = raw
        .risks
        .iter()
        .enumerate()
        .map(|(k, r)| GRisk {
            id: format!("risk_{k}"),
            alt: r.alt % n_alts,
            when: r
                .when
                .as_ref()
                .and_then(|c| build_cond(c, &questions, &all_eligible)),
            title: r.title.clone(),
            description: r.description.clone(),
            mitigation: r.mitigation.clone(),
        })
        .collect();

    GTree {
        title: raw.title.clone(),
        description: raw.description.clone(),
        alts,
        crits,
        questions,
        risks,
    }
}

/// Random valid trees with 1 to 40 questions.
fn gtree() -> BoxedStrategy<GTree> {
    raw_tree(40).prop_map(|r| build_tree(&r, false)).boxed()
}

/// Random valid trees that ask for a project name (first) and notes (last).
fn gtree_with_texts() -> BoxedStrategy<GTree> {
    raw_tree(38).prop_map(|r| build_tree(&r, true)).boxed()
}

// =======================================================================================
// Answers

/// A random valid answer to a generated question.
fn answer_for(q: &GQuestion) -> BoxedStrategy<Answer> {
    let ids: Vec<String> = q.options.iter().map(|o| o.id.clone()).collect();
    match q.kind {
        GKind::Single | GKind::YesNo => prop::sample::select(ids).prop_map(Answer::Choice).boxed(),
        GKind::Multiple => vec(any::<bool>(), ids.len())
            .prop_map(move |bits| {
                Answer::Choices(
                    ids.iter()
                        .zip(bits)
                        .filter(|(_, b)| *b)
                        .map(|(id, _)| id.clone())
                        .collect(),
                )
            })
            .boxed(),
        GKind::Scale => {
            let s = q.scale.as_ref().expect("scale question");
            (s.min..=s.max).prop_map(Answer::Scale).boxed()
        }
        GKind::Text => text().prop_map(Answer::Text).boxed(),
    }
}

/// Random answers to a random subset of the questions (hidden ones included).
fn answers_for(g: &GTree) -> BoxedStrategy<Answers> {
    let per_question: Vec<BoxedStrategy<Option<(String, Answer)>>> = g
        .questions
        .iter()
        .map(|q| {
            let id = q.id.clone();
            proptest::option::weighted(0.75, answer_for(q))
                .prop_map(move |a| a.map(|a| (id.clone(), a)))
                .boxed()
        })
        .collect();
    (per_question, proptest::option::weighted(0.5, text()))
        .prop_map(|(values, respondent)| Answers {
            meta: AnswersMeta {
                respondent,
                ..AnswersMeta::default()
            },
            values: values.into_iter().flatten().collect(),
        })
        .boxed()
}

fn tree_and_answers() -> BoxedStrategy<(GTree, Answers)> {
    gtree()
        .prop_flat_map(|g| {
            let a = answers_for(&g);
            (Just(g), a)
        })
        .boxed()
}

/// A valid answer to a loaded question, chosen by `v`.
fn derive_answer(q: &Question, v: u32) -> Answer {
    const TEXTS: [&str; 4] = ["", "Project *X*", "# heading\n| a | b |", "plain notes"];
    let v = v as usize;
    match q.kind {
        Kind::Single | Kind::YesNo => Answer::Choice(q.options[v % q.options.len()].id.to_string()),
        Kind::Multiple => Answer::Choices(
            q.options
                .iter()
                .enumerate()
                .filter(|(i, _)| (v >> i) & 1 == 1)
                .map(|(_, o)| o.id.to_string())
                .collect(),
        ),
        Kind::Scale => {
            let s = q.scale.as_ref().expect("scale question");
            let steps = (s.max - s.min + 1) as usize;
            Answer::Scale(s.min + (v % steps) as i64)
        }
        Kind::Text => Answer::Text(TEXTS[v % TEXTS.len()].to_string()),
        Kind::Priorities => Answer::Priorities(Default::default()),
    }
}

// =======================================================================================
// Helpers

/// Loads a generated tree; failing to load is a test failure showing the errors.
fn load(g: &GTree) -> Result<Tree, TestCaseError> {
    let text = g.to_toml();
    let tree = Tree::parse("generated.toml", &text).map_err(|e| {
        TestCaseError::fail(format!(
            "a generated (valid) tree failed to load:\n{e}\n--- tree ---\n{text}"
        ))
    })?;
    prop_assert_eq!(tree.questions.len(), g.questions.len());
    prop_assert_eq!(tree.alternatives.len(), g.alts.len());
    prop_assert_eq!(tree.criteria.len(), g.crits.len());
    Ok(tree)
}

fn effective(tree: &Tree, answers: &Answers) -> Answers {
    Flow::new(tree, answers).effective(tree, answers)
}

fn markdown(tree: &Tree, answers: &Answers, rec: &Recommendation) -> String {
    report::to_markdown(&ReportInput {
        tree,
        answers,
        recommendation: rec,
        date: DATE,
        catalog: None,
        team: None,
    })
}

fn json(tree: &Tree, answers: &Answers, rec: &Recommendation) -> String {
    report::to_json(&ReportInput {
        tree,
        answers,
        recommendation: rec,
        date: DATE,
        catalog: None,
        team: None,
    })
}

fn verdict_ids(tree: &Tree, v: &Verdict) -> Vec<String> {
    match v {
        Verdict::Alternative(a) => vec![tree.alternatives[*a].id.to_string()],
        Verdict::Tie(t) => {
            let mut ids: Vec<String> = t
                .iter()
                .map(|&a| tree.alternatives[a].id.to_string())
                .collect();
            ids.insert(0, "tie".to_string());
            ids
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// The text of the report's H1: the project name (when answered) and the tree's title.
fn expected_title(tree: &Tree, answers: &Answers) -> String {
    match answers.values.get("project_name") {
        Some(Answer::Text(name))
            if !mlops_wizard::model::is_blank(name)
                && tree
                    .question("project_name")
                    .is_some_and(|q| q.kind == Kind::Text) =>
        {
            // (`trim_end`: a title that escapes to nothing is another matter, checked by
            // `report_structure_does_not_depend_on_texts`.)
            format!("{}: {}", fold(name), fold(&tree.meta.title))
                .trim_end()
                .to_string()
        }
        _ => fold(&tree.meta.title),
    }
}

/// Pipes that separate table cells in a markdown line (not escaped by a backslash).
fn unescaped_pipes(line: &str) -> usize {
    let (mut n, mut escaped) = (0, false);
    for c in line.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '|' {
            n += 1;
        }
    }
    n
}

#[derive(Debug, Default)]
struct Table {
    columns: usize,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

#[derive(Debug, Default)]
struct Markdown {
    headings: Vec<(HeadingLevel, String)>,
    tables: Vec<Table>,
    code_blocks: Vec<(String, String)>,
    html: Vec<String>,
}

/// How the tests read markdown: GitHub tables and the YAML front matter of MADR.
fn md_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
}

/// The headings, tables, fenced code blocks and HTML of a markdown text.
fn analyze(md: &str) -> Markdown {
    let mut out = Markdown::default();
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut cell: Option<String> = None;
    let mut row: Option<Vec<String>> = None;
    let mut code: Option<(String, String)> = None;
    for ev in Parser::new_ext(md, md_options()) {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => out.headings.extend(heading.take()),
            Event::Start(Tag::Table(al)) => out.tables.push(Table {
                columns: al.len(),
                ..Table::default()
            }),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => row = Some(Vec::new()),
            Event::End(TagEnd::TableHead) => {
                if let (Some(r), Some(t)) = (row.take(), out.tables.last_mut()) {
                    t.header = r;
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let (Some(r), Some(t)) = (row.take(), out.tables.last_mut()) {
                    t.rows.push(r);
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(c), Some(r)) = (cell.take(), row.as_mut()) {
                    r.push(c);
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => "(indented)".to_string(),
                };
                code = Some((info, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => out.code_blocks.extend(code.take()),
            Event::Html(h) | Event::InlineHtml(h) => out.html.push(h.to_string()),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, c)) = code.as_mut() {
                    c.push_str(&t);
                }
                if let Some((_, h)) = heading.as_mut() {
                    h.push_str(&t);
                }
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

/// How many of each structural element (everything but text, paragraphs and quotes) a
/// markdown text has.
fn structure(md: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for ev in Parser::new_ext(md, md_options()) {
        let key = match &ev {
            Event::Start(Tag::Paragraph | Tag::BlockQuote(_)) => continue,
            Event::Start(t) => format!("{t:?}"),
            Event::End(_) | Event::Text(_) | Event::SoftBreak => continue,
            Event::Html(_) => "Html".to_string(),
            Event::InlineHtml(_) => "InlineHtml".to_string(),
            Event::Code(_) => "Code".to_string(),
            other => format!("{other:?}"),
        };
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

/// The differences between two [`structure`] counts, one line each.
fn structure_diff(got: &BTreeMap<String, usize>, want: &BTreeMap<String, usize>) -> String {
    got.keys()
        .chain(want.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|k| got.get(*k) != want.get(*k))
        .map(|k| {
            format!(
                "{k}: {} with the tree's texts, {} with plain texts",
                got.get(k).unwrap_or(&0),
                want.get(k).unwrap_or(&0)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The events of a markdown text, shown compactly for failure messages.
fn show_events(md: &str) -> String {
    Parser::new_ext(md, md_options())
        .map(|e| format!("{e:?}"))
        .collect::<Vec<_>>()
        .join("\n")
}

// =======================================================================================
// 1. Traversal always ends

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn traversal_ends_and_positions_agree(
        (g, answers) in tree_and_answers(),
        actions in vec((0u8..5, any::<u32>(), any::<u32>()), 40),
        forward_only in any::<bool>(),
    ) {
        let tree = load(&g)?;
        let n = tree.questions.len();
        let mut answers = answers;
        let mut flow = Flow::new(&tree, &answers);
        let mut at = flow.next(None);
        let mut walk = Vec::new();
        let mut steps = 0;
        while let Some(i) = at {
            prop_assert!(flow.is_shown(i), "the walk is at hidden question {}", i);
            if let Some(&last) = walk.last() {
                prop_assert!(i > last, "the walk went back from {} to {}", last, i);
            }
            walk.push(i);
            steps += 1;
            prop_assert!(steps <= n, "the walk took more than {} steps: {:?}", n, walk);
            let (action, target, value) = actions[(steps - 1) % actions.len()];
            let action = if forward_only { action % 3 } else { action };
            let q = &tree.questions[i];
            match action {
                0 => {
                    answers.values.insert(q.id.to_string(), derive_answer(q, value));
                }
                1 => {
                    answers.values.remove(q.id.as_str());
                }
                2 => {}
                3 => {
                    let other = &tree.questions[target as usize % n];
                    answers.values.insert(other.id.to_string(), derive_answer(other, value));
                }
                _ => {
                    let other = &tree.questions[target as usize % n];
                    answers.values.remove(other.id.as_str());
                }
            }
            flow = Flow::new(&tree, &answers);
            at = flow.next(Some(i));
        }

        let visible: Vec<usize> = flow.visible().collect();
        prop_assert_eq!(flow.len(), visible.len());
        prop_assert_eq!(flow.is_empty(), visible.is_empty());
        if forward_only {
            // Answers only ever changed at or after the walk's position: the walk visited
            // exactly the questions the final answers show.
            prop_assert_eq!(&walk, &visible);
        }
        // `position` counts the shown questions before, plus one.
        for (k, &i) in visible.iter().enumerate() {
            prop_assert_eq!(flow.position(i), k + 1);
        }
        for i in 0..n {
            let before = visible.iter().filter(|&&v| v < i).count();
            prop_assert_eq!(flow.position(i), before + 1, "position of question {}", i);
        }
        // `next` and `previous` step through exactly the visible questions.
        prop_assert_eq!(flow.next(None), visible.first().copied());
        let mut forward = Vec::new();
        let mut cur = flow.next(None);
        while let Some(i) = cur {
            forward.push(i);
            prop_assert!(forward.len() <= n);
            cur = flow.next(Some(i));
        }
        prop_assert_eq!(&forward, &visible);
        let mut back = Vec::new();
        let mut cur = flow.previous(n);
        while let Some(i) = cur {
            back.push(i);
            prop_assert!(back.len() <= n);
            cur = flow.previous(i);
        }
        back.reverse();
        prop_assert_eq!(&back, &visible);
        if let Some(&first) = visible.first() {
            prop_assert_eq!(flow.previous(first), None);
        }
    }
}

// =======================================================================================
// 2. Only shown questions count

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn only_shown_questions_count((g, answers) in tree_and_answers()) {
        let tree = load(&g)?;
        let flow = Flow::new(&tree, &answers);
        let eff = flow.effective(&tree, &answers);
        // Dropping the answers to hidden questions hides nothing more.
        prop_assert_eq!(&Flow::new(&tree, &eff), &flow);
        prop_assert_eq!(&flow.effective(&tree, &eff), &eff);
        for id in eff.values.keys() {
            let i = tree.question_index(id).expect("known question");
            prop_assert!(flow.is_shown(i));
        }
        prop_assert_eq!(Recommendation::new(&tree, &answers), Recommendation::new(&tree, &eff));
    }
}

// =======================================================================================
// 3. Deterministic

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn recommendation_and_reports_are_deterministic((g, answers) in tree_and_answers()) {
        let text = g.to_toml();
        let tree = load(&g)?;
        // A second, separately loaded copy: no dependence on hash-map order.
        let tree2 = Tree::parse("generated.toml", &text).expect("loaded once already");
        let eff = effective(&tree, &answers);
        let rec = Recommendation::new(&tree, &eff);
        let rec2 = Recommendation::new(&tree2, &eff);
        prop_assert_eq!(&rec, &Recommendation::new(&tree, &eff));
        prop_assert_eq!(&rec, &rec2);
        let md = markdown(&tree, &eff, &rec);
        prop_assert_eq!(&md, &markdown(&tree, &eff, &rec));
        prop_assert_eq!(&md, &markdown(&tree2, &eff, &rec2));
        let js = json(&tree, &eff, &rec);
        prop_assert_eq!(&js, &json(&tree, &eff, &rec));
        prop_assert_eq!(&js, &json(&tree2, &eff, &rec2));
    }
}

// =======================================================================================
// 4. Invariance under option order and criterion ids

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn verdict_ignores_option_order_and_criterion_ids(
        (g, answers) in tree_and_answers(),
        seed in any::<u64>(),
    ) {
        let tree = load(&g)?;
        let rec = Recommendation::new(&tree, &answers);

        let shuffled = load(&g.with_options_shuffled(seed))?;
        let rec_s = Recommendation::new(&shuffled, &answers);
        prop_assert_eq!(verdict_ids(&tree, &rec.verdict), verdict_ids(&shuffled, &rec_s.verdict));
        for (a, b) in rec.scores.iter().zip(&rec_s.scores) {
            prop_assert!(close(*a, *b), "scores {:?} vs {:?}", rec.scores, rec_s.scores);
        }
        for (c, d) in rec.criteria.iter().zip(&rec_s.criteria) {
            prop_assert!(close(c.weight, d.weight));
            prop_assert_eq!(&c.leaning, &d.leaning);
            for (a, b) in c.points.iter().zip(&d.points) {
                prop_assert!(close(*a, *b), "criterion points {:?} vs {:?}", c.points, d.points);
            }
        }
        prop_assert!(close(rec.margin.share, rec_s.margin.share));
        prop_assert_eq!(
            rec.robustness.as_ref().map(|r| (r.level, r.single_flips, r.pair_flips)),
            rec_s.robustness.as_ref().map(|r| (r.level, r.single_flips, r.pair_flips))
        );
        prop_assert_eq!(&rec.asked, &rec_s.asked);
        prop_assert_eq!(&rec.risks, &rec_s.risks);

        let renamed = load(&g.with_criteria_renamed())?;
        let rec_r = Recommendation::new(&renamed, &answers);
        prop_assert_eq!(verdict_ids(&tree, &rec.verdict), verdict_ids(&renamed, &rec_r.verdict));
        prop_assert_eq!(&rec.scores, &rec_r.scores);
        prop_assert_eq!(&rec, &rec_r);
    }
}

// =======================================================================================
// 5. One answer moves only the criteria its question names

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn one_answer_moves_only_its_criteria(
        (g, answers) in tree_and_answers(),
        pick in any::<usize>(),
        value in any::<u32>(),
        remove in prop::bool::weighted(0.2),
    ) {
        let tree = load(&g)?;
        let q = &tree.questions[pick % tree.questions.len()];
        let mut changed = answers.clone();
        if remove {
            changed.values.remove(q.id.as_str());
        } else {
            changed.values.insert(q.id.to_string(), derive_answer(q, value));
        }
        if Flow::new(&tree, &answers) != Flow::new(&tree, &changed) {
            // The change shows or hides other questions: out of scope for this property.
            return Ok(());
        }
        let before = Recommendation::new(&tree, &answers);
        let after = Recommendation::new(&tree, &changed);
        let named = q.criteria(&tree);
        for (b, a) in before.criteria.iter().zip(&after.criteria) {
            let id = tree.criteria[b.criterion].id.as_str();
            if named.contains(&id) {
                continue;
            }
            prop_assert_eq!(
                b, a,
                "changing `{}` moved criterion `{}`, which it does not name ({:?})",
                q.id, id, named
            );
        }
        if named.is_empty() {
            prop_assert_eq!(&before.scores, &after.scores);
            prop_assert_eq!(&before.verdict, &after.verdict);
        }
    }
}

// =======================================================================================
// 6. The markdown report is well-formed

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn markdown_report_is_well_formed((g, answers) in tree_and_answers()) {
        let tree = load(&g)?;
        let eff = effective(&tree, &answers);
        let rec = Recommendation::new(&tree, &eff);
        let md = markdown(&tree, &eff, &rec);
        let doc = analyze(&md);
        let ctx = || format!("--- report ---\n{md}");

        // Headings: one H1, on top; the required sections as H2.
        let (first_level, _) = doc.headings.first().cloned().expect("the report has headings");
        prop_assert_eq!(first_level, HeadingLevel::H1, "{}", ctx());
        let h1 = doc.headings.iter().filter(|(l, _)| *l == HeadingLevel::H1).count();
        prop_assert_eq!(h1, 1, "{}", ctx());
        prop_assert_eq!(&doc.headings[0].1, &expected_title(&tree, &eff), "{}", ctx());
        let h2: Vec<&str> = doc
            .headings
            .iter()
            .filter(|(l, _)| *l == HeadingLevel::H2)
            .map(|(_, t)| t.as_str())
            .collect();
        // The summary first, the appendices last, the detail in between.
        prop_assert_eq!(h2.first().copied(), Some("Summary"), "{}", ctx());
        let n = h2.len();
        prop_assert!(n >= 2, "{}", ctx());
        prop_assert_eq!(
            &h2[n - 2..],
            &["Appendix A: considered options", "Appendix B: questions and answers"],
            "{}",
            ctx()
        );
        for needed in ["Decision outcome", "Decision drivers", "Risks and mitigations"] {
            prop_assert!(h2.contains(&needed), "no H2 `{}` in {:?}\n{}", needed, h2, ctx());
        }
        prop_assert!(doc.html.is_empty(), "HTML in the report: {:?}\n{}", doc.html, ctx());

        // Tables: every row has as many cells as the header.
        for t in &doc.tables {
            prop_assert_eq!(t.header.len(), t.columns, "{}", ctx());
            for r in &t.rows {
                prop_assert_eq!(r.len(), t.columns, "row {:?}\n{}", r, ctx());
            }
        }
        // ... also in the source: no cell separator is lost or added by the text in it.
        let body = md.split("\n```").next().unwrap_or(&md);
        let mut group: Option<usize> = None;
        for line in body.lines() {
            if line.starts_with('|') {
                let p = unescaped_pipes(line);
                match group {
                    None => group = Some(p),
                    Some(h) => prop_assert_eq!(p, h, "table line `{}`\n{}", line, ctx()),
                }
            } else {
                group = None;
            }
        }
        // The scores, drivers and answers tables have the expected shape and first-column
        // texts.
        let table = |first: &str| doc.tables.iter().find(|t| t.header.first().map(String::as_str) == Some(first));
        let (Some(scores), Some(drivers), Some(appendix)) = (table("Option"), table("Criterion"), table("#")) else {
            return Err(TestCaseError::fail(format!("a table is missing\n{}", ctx())));
        };
        prop_assert_eq!(scores.columns, 2);
        prop_assert_eq!(scores.rows.len(), tree.alternatives.len(), "{}", ctx());
        for (r, alt) in scores.rows.iter().zip(&tree.alternatives) {
            prop_assert_eq!(&r[0], &fold(&alt.title), "{}", ctx());
        }
        prop_assert_eq!(drivers.columns, 3 + tree.alternatives.len(), "{}", ctx());
        prop_assert_eq!(drivers.rows.len(), tree.criteria.len(), "{}", ctx());
        // The drivers table lists the criteria that decide most first.
        let mut order: Vec<usize> = (0..rec.criteria.len()).collect();
        order.sort_by(|&a, &b| rec.criteria[b].spread().total_cmp(&rec.criteria[a].spread()).then(a.cmp(&b)));
        for (r, &c) in drivers.rows.iter().zip(&order) {
            prop_assert_eq!(&r[0], &fold(&tree.criteria[rec.criteria[c].criterion].title), "{}", ctx());
        }
        prop_assert_eq!(appendix.columns, 3);
        prop_assert_eq!(appendix.rows.len(), rec.asked.len(), "{}", ctx());
        for (r, &qi) in appendix.rows.iter().zip(&rec.asked) {
            prop_assert_eq!(&r[1], &fold(&tree.questions[qi].prompt), "{}", ctx());
        }

        // The answers block at the end re-loads to the same answers.
        let (info, block) = doc.code_blocks.last().cloned().expect("a code block");
        let others: Vec<&str> = doc.code_blocks[..doc.code_blocks.len() - 1].iter().map(|(i, _)| i.as_str()).collect();
        prop_assert!(others.iter().all(|i| *i == "mermaid"), "{:?}\n{}", others, ctx());
        prop_assert_eq!(info.as_str(), "toml");
        prop_assert!(toml::from_str::<toml::Table>(&block).is_ok(), "bad TOML:\n{}", block);
        let source = Source::new("report.md", block.clone());
        let checked = Answers::parse(&source, &tree, Strictness::Strict).map_err(|e| {
            TestCaseError::fail(format!("the report's answers block does not load:\n{e}\n{block}"))
        })?;
        prop_assert_eq!(&checked.answers.values, &eff.values, "block:\n{}", block);
        prop_assert_eq!(checked.answers.meta.tree.as_deref(), Some(tree.meta.id.as_str()));
        prop_assert_eq!(
            checked.answers.meta.tree_version.as_deref(),
            Some(tree.meta.version.as_str())
        );
        prop_assert_eq!(&checked.answers.meta.respondent, &eff.meta.respondent);
        prop_assert!(checked.notes.is_empty());
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Text from the tree and the answers never changes the report's structure: the report
    /// of a tree full of markdown-like text has the same headings, tables, lists, emphasis,
    /// code and rules as the report of the same tree with plain words for every text.
    #[test]
    fn report_structure_does_not_depend_on_texts((g, answers) in tree_and_answers()) {
        let tree = load(&g)?;
        let plain_tree = load(&g.with_plain_texts())?;
        let eff = effective(&tree, &answers);
        let plain_eff = plain_answers(&eff);
        let rec = Recommendation::new(&tree, &eff);
        let plain_rec = Recommendation::new(&plain_tree, &plain_eff);
        prop_assert_eq!(&rec.verdict, &plain_rec.verdict);
        let md = markdown(&tree, &eff, &rec);
        let plain_md = markdown(&plain_tree, &plain_eff, &plain_rec);
        let (got, want) = (structure(&md), structure(&plain_md));
        prop_assert!(
            got == want,
            "the texts changed the report's structure:\n{}\n--- report ---\n{}\n--- plain report ---\n{}",
            structure_diff(&got, &want),
            md,
            plain_md
        );
    }
}

impl GTree {
    /// The required texts of the tree, in a fixed order.
    fn required_texts(&mut self) -> Vec<&mut String> {
        let mut out: Vec<&mut String> = vec![&mut self.title];
        for a in &mut self.alts {
            out.push(&mut a.title);
        }
        for c in &mut self.crits {
            out.push(&mut c.title);
        }
        for q in &mut self.questions {
            out.push(&mut q.prompt);
            out.push(&mut q.help);
            for o in &mut q.options {
                out.push(&mut o.label);
                for e in &mut o.effects {
                    out.push(&mut e.reason);
                }
            }
            if let Some(s) = &mut q.scale {
                for e in &mut s.effects {
                    out.push(&mut e.reason);
                }
            }
        }
        for r in &mut self.risks {
            out.push(&mut r.title);
            out.push(&mut r.mitigation);
        }
        out
    }
}

/// Strings with nothing to show: control characters, maybe with white space.
fn invisible() -> BoxedStrategy<String> {
    vec(
        prop::sample::select(
            &[
                "\u{0}",
                "\u{7}",
                "\u{8}",
                "\u{1b}",
                "\u{7f}",
                "\u{9f}",
                " ",
                "\t",
                "\u{a0}",
                "\n",
                "\u{200b}",
                "\u{202e}",
                "\u{feff}",
                "\u{2060}",
                "\u{200d}",
                "\u{e0041}",
            ][..],
        ),
        1..4,
    )
    .prop_map(|v| v.concat())
    .boxed()
}

proptest! {
    #![proptest_config(config(64))]

    /// A required text with nothing to show (say, one control character) is either refused
    /// by the loader as empty, or leaves the report's structure as a visible text would.
    #[test]
    fn invisible_required_texts_are_refused_or_keep_structure(
        (g, answers) in tree_and_answers(),
        picks in vec((any::<usize>(), invisible()), 1..4),
    ) {
        let mut bad = g.clone();
        let mut replaced = Vec::new();
        {
            let mut texts = bad.required_texts();
            for (k, s) in &picks {
                let n = texts.len();
                *texts[k % n] = s.clone();
                replaced.push(s.clone());
            }
        }
        let text = bad.to_toml();
        let tree = match Tree::parse("generated.toml", &text) {
            Ok(tree) => tree,
            Err(e) => {
                prop_assert!(
                    e.problems().iter().all(|p| p.kind == ProblemKind::EmptyText),
                    "texts {:?} were refused for another reason than being empty:\n{}",
                    replaced,
                    e
                );
                return Ok(());
            }
        };
        let plain_tree = load(&bad.with_plain_texts())?;
        let eff = effective(&tree, &answers);
        let plain_eff = plain_answers(&eff);
        let md = markdown(&tree, &eff, &Recommendation::new(&tree, &eff));
        let plain_md = markdown(&plain_tree, &plain_eff, &Recommendation::new(&plain_tree, &plain_eff));
        let (got, want) = (structure(&md), structure(&plain_md));
        prop_assert!(
            got == want,
            "the loader accepted required texts {:?}, and they change the report's structure:\n{}\n--- report ---\n{}",
            replaced,
            structure_diff(&got, &want),
            md
        );
    }
}

/// The smallest case of `invisible_required_texts_are_refused_or_keep_structure`: the
/// loader accepts texts made only of control characters (`trim` does not remove them),
/// and the report prints them as nothing, which breaks the markdown around them. Either
/// refusing them or showing them is a fix.
#[test]
fn control_character_texts_keep_report_structure() {
    let tree_with = |label: &str, prompt: &str| {
        let text = format!(
            r#"
[tree]
id = "t"
title = "T"
version = "1"

[[alternatives]]
id = "a"
title = "A"

[[alternatives]]
id = "b"
title = "B"

[[criteria]]
id = "c"
title = "C"

[[questions]]
id = "q"
kind = "single"
prompt = "Pick"
help = "h"

[[questions.options]]
id = "x"
label = {}

[[questions.options.effects]]
alternative = "a"
criterion = "c"
points = 1.0
reason = "r"

[[questions.options]]
id = "y"
label = "Y"

[[questions.options.effects]]
alternative = "b"
criterion = "c"
points = 1.0
reason = "r"

[[questions]]
id = "notes"
kind = "text"
prompt = {}
help = "h"
"#,
            ts(label),
            ts(prompt)
        );
        Tree::parse("t.toml", &text)
    };
    let control = match tree_with("\u{7}", "\u{7}") {
        Ok(tree) => tree,
        // Refusing such texts as empty is a fix too.
        Err(e) => {
            assert!(
                e.problems()
                    .iter()
                    .all(|p| p.kind == ProblemKind::EmptyText),
                "{e}"
            );
            return;
        }
    };
    let mut answers = Answers::default();
    answers
        .values
        .insert("q".into(), Answer::Choice("x".into()));
    answers
        .values
        .insert("notes".into(), Answer::Text("some notes".into()));
    let report = |tree: &Tree| {
        let rec = Recommendation::new(tree, &answers);
        markdown(tree, &answers, &rec)
    };
    let control = report(&control);
    let plain = report(&tree_with("X", "Notes").expect("a valid tree"));
    assert_eq!(
        structure(&control),
        structure(&plain),
        "a label and a prompt of one control character (U+0007) change the report's \
         structure:\n{control}"
    );
}

// =======================================================================================
// 7. Escaped text stays text

/// The non-text events of `md` in order (its shape), and the text between them, each run
/// of consecutive text events concatenated.
fn leaf_texts(md: &str) -> (Vec<String>, Vec<String>) {
    let mut shape = Vec::new();
    let mut texts = Vec::new();
    let mut cur: Option<String> = None;
    for ev in Parser::new_ext(md, md_options()) {
        match ev {
            Event::Text(t) => cur.get_or_insert_with(String::new).push_str(&t),
            other => {
                if let Some(t) = cur.take() {
                    texts.push(t);
                }
                shape.push(match other {
                    Event::Start(Tag::Heading { level, .. }) => format!("Start(Heading {level})"),
                    Event::Start(t) => format!("Start({t:?})"),
                    Event::End(t) => format!("End({t:?})"),
                    e => format!("{e:?}"),
                });
            }
        }
    }
    if let Some(t) = cur.take() {
        texts.push(t);
    }
    (shape, texts)
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn escaped_text_is_only_text(s in nasty()) {
        let e = report::escape_inline(&s);
        let want = fold(&s);
        prop_assert!(!e.contains('\n') && !e.contains('\r'), "escape_inline kept a line break: {:?}", e);
        let ctx = |md: &str| format!("input {s:?}\nescaped {e:?}\nmarkdown {md:?}\nevents:\n{}", show_events(md));

        // A paragraph of its own.
        let md = format!("{e}\n");
        let (shape, texts) = leaf_texts(&md);
        if want.is_empty() {
            prop_assert!(shape.is_empty() && texts.is_empty(), "{}", ctx(&md));
        } else {
            prop_assert_eq!(&shape, &strs(&["Start(Paragraph)", "End(Paragraph)"]), "{}", ctx(&md));
            prop_assert_eq!(&texts, &vec![want.clone()], "{}", ctx(&md));
        }

        // Inside a sentence.
        let md = format!("Before {e} after\n");
        let (shape, texts) = leaf_texts(&md);
        prop_assert_eq!(&shape, &strs(&["Start(Paragraph)", "End(Paragraph)"]), "{}", ctx(&md));
        let expected = if want.is_empty() { "Before  after".to_string() } else { format!("Before {want} after") };
        prop_assert_eq!(&texts, &vec![expected], "{}", ctx(&md));

        // A table cell.
        let md = format!("| Head | Other |\n|---|---:|\n| {e} | x |\n");
        let (shape, texts) = leaf_texts(&md);
        let table_shape = strs(&[
            "Start(Table([None, Right]))",
            "Start(TableHead)", "Start(TableCell)", "End(TableCell)", "Start(TableCell)", "End(TableCell)", "End(TableHead)",
            "Start(TableRow)", "Start(TableCell)", "End(TableCell)", "Start(TableCell)", "End(TableCell)", "End(TableRow)",
            "End(Table)",
        ]);
        prop_assert_eq!(&shape, &table_shape, "{}", ctx(&md));
        if want.is_empty() {
            prop_assert_eq!(&texts, &strs(&["Head", "Other", "x"]), "{}", ctx(&md));
        } else {
            prop_assert_eq!(&texts, &vec!["Head".to_string(), "Other".to_string(), want.clone(), "x".to_string()], "{}", ctx(&md));
        }

        // A list item, followed by another.
        let md = format!("- {e}\n- second\n");
        let (shape, texts) = leaf_texts(&md);
        prop_assert_eq!(
            &shape,
            &strs(&["Start(List(None))", "Start(Item)", "End(Item)", "Start(Item)", "End(Item)", "End(List(false))"]),
            "{}", ctx(&md)
        );
        let mut expected = Vec::new();
        if !want.is_empty() {
            expected.push(want.clone());
        }
        expected.push("second".to_string());
        prop_assert_eq!(&texts, &expected, "{}", ctx(&md));

        // A heading.
        let md = format!("## {e}\n");
        let (shape, texts) = leaf_texts(&md);
        prop_assert_eq!(&shape, &strs(&["Start(Heading h2)", "End(Heading(H2))"]), "{}", ctx(&md));
        let expected: Vec<String> = if want.is_empty() { Vec::new() } else { vec![want.clone()] };
        prop_assert_eq!(&texts, &expected, "{}", ctx(&md));

        // A line after a paragraph line (setext underlines, lazy continuations).
        let md = format!("Intro line\n{e}\n");
        let (shape, texts) = leaf_texts(&md);
        if !want.is_empty() {
            prop_assert_eq!(&shape, &strs(&["Start(Paragraph)", "SoftBreak", "End(Paragraph)"]), "{}", ctx(&md));
            prop_assert_eq!(&texts, &strs(&["Intro line", &want]), "{}", ctx(&md));
        }
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn free_text_answers_add_no_structure(
        (g, answers) in gtree_with_texts().prop_flat_map(|g| { let a = answers_for(&g); (Just(g), a) }),
        name in nasty(),
        notes in nasty(),
    ) {
        let tree = load(&g)?;
        prop_assert_eq!(tree.questions[0].id.as_str(), "project_name");
        let last = tree.questions.last().expect("questions");
        prop_assert_eq!(last.id.as_str(), "notes");

        let with = |name: &str, notes: &str| {
            let mut a = answers.clone();
            a.values.insert("project_name".into(), Answer::Text(name.into()));
            a.values.insert("notes".into(), Answer::Text(notes.into()));
            let eff = effective(&tree, &a);
            let rec = Recommendation::new(&tree, &eff);
            (markdown(&tree, &eff, &rec), eff)
        };
        // The plain answers are as blank as the nasty ones, so the report has the same parts.
        let plain = |s: &str| if mlops_wizard::model::is_blank(s) { s.to_string() } else { "plain".to_string() };
        let (nasty_md, eff) = with(&name, &notes);
        let (plain_md, _) = with(&plain(&name), &plain(&notes));
        prop_assert_eq!(
            structure(&nasty_md),
            structure(&plain_md),
            "project name {:?}, notes {:?}\n--- report ---\n{}",
            name,
            notes,
            nasty_md
        );
        let doc = analyze(&nasty_md);
        prop_assert!(doc.html.is_empty());
        // The title reads the project name as text.
        prop_assert_eq!(&doc.headings[0].1, &expected_title(&tree, &eff), "--- report ---\n{}", nasty_md);
        // The notes are still quoted as given, line by line, and re-load from the answers block.
        let (_, block) = doc.code_blocks.last().cloned().expect("a code block");
        let checked = Answers::parse(&Source::new("report.md", block.clone()), &tree, Strictness::Strict)
            .map_err(|e| TestCaseError::fail(format!("answers block does not load:\n{e}\n{block}")))?;
        prop_assert_eq!(&checked.answers.values, &eff.values, "block:\n{}", block);
    }
}

// =======================================================================================
// 8. The JSON report

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn json_report_names_verdict_and_scores((g, answers) in tree_and_answers()) {
        let tree = load(&g)?;
        let eff = effective(&tree, &answers);
        let rec = Recommendation::new(&tree, &eff);
        let js = json(&tree, &eff, &rec);
        let v: serde_json::Value = serde_json::from_str(&js)
            .map_err(|e| TestCaseError::fail(format!("the JSON report does not parse: {e}\n{js}")))?;
        let alt_ids: BTreeSet<&str> = tree.alternatives.iter().map(|a| a.id.as_str()).collect();

        let verdict = v["verdict"].as_str().expect("verdict is a string");
        match &rec.verdict {
            Verdict::Alternative(a) => prop_assert_eq!(verdict, tree.alternatives[*a].id.as_str()),
            Verdict::Tie(_) => prop_assert_eq!(verdict, "tie"),
        }
        prop_assert!(verdict == "tie" || alt_ids.contains(verdict));

        let scores = v["scores"].as_object().expect("scores is an object");
        let keys: BTreeSet<&str> = scores.keys().map(String::as_str).collect();
        prop_assert_eq!(&keys, &alt_ids);
        for (alt, s) in tree.alternatives.iter().zip(&rec.scores) {
            let j = scores[alt.id.as_str()].as_f64().expect("a number");
            prop_assert!((j - s).abs() <= 1e-4 * s.abs().max(1.0), "score of {}: {} vs {}", alt.id, j, s);
        }
        let leaders: Vec<&str> = v["leaders"]
            .as_array()
            .expect("leaders")
            .iter()
            .map(|l| l.as_str().expect("an id"))
            .collect();
        prop_assert!(!leaders.is_empty());
        prop_assert!(leaders.iter().all(|l| alt_ids.contains(l)));
        if verdict != "tie" {
            prop_assert_eq!(&leaders, &vec![verdict]);
        } else {
            prop_assert!(leaders.len() >= 2);
        }
        let criteria = v["criteria"].as_array().expect("criteria");
        prop_assert_eq!(criteria.len(), tree.criteria.len());
        for (c, tc) in criteria.iter().zip(&tree.criteria) {
            prop_assert_eq!(c["id"].as_str(), Some(tc.id.as_str()));
            let keys: BTreeSet<&str> = c["scores"].as_object().expect("scores").keys().map(String::as_str).collect();
            prop_assert_eq!(&keys, &alt_ids);
            let leaning = c["leaning"].as_str().expect("leaning");
            prop_assert!(leaning == "neither" || alt_ids.contains(leaning));
        }
        let answered: BTreeSet<&str> = v["answers"].as_object().expect("answers").keys().map(String::as_str).collect();
        let expected: BTreeSet<&str> = eff.values.keys().map(String::as_str).collect();
        prop_assert_eq!(answered, expected);
        let asked: Vec<&str> = v["asked"].as_array().expect("asked").iter().map(|q| q.as_str().expect("id")).collect();
        let expected: Vec<&str> = rec.asked.iter().map(|&q| tree.questions[q].id.as_str()).collect();
        prop_assert_eq!(asked, expected);
        let level = v["robustness"]["level"].as_str().expect("level");
        prop_assert!(["insufficient", "low", "medium", "high"].contains(&level));
        let kind = v["verdict_kind"].as_str().expect("verdict_kind");
        prop_assert_eq!(kind, rec.kind().name());
    }
}

// =======================================================================================
// 9. Nothing a terminal acts on reaches a message or a report

/// The characters of `text` that a terminal would act on or that hide or reorder text:
/// C0 controls but line feed and tab, DEL and C1 (0x7f to 0x9f), bidi controls, and the
/// zero-width space, word joiner and byte order mark. Stated here on its own, not with the
/// crate's predicate, so the property does not check the crate against itself.
fn forbidden(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c < ' ' && c != '\n' && c != '\t')
                || ('\u{7f}'..='\u{9f}').contains(&c)
                || matches!(
                    c,
                    '\u{202A}'..='\u{202E}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{200E}'
                        | '\u{200F}'
                        | '\u{061C}'
                        | '\u{200B}'
                        | '\u{2060}'
                        | '\u{FEFF}'
                )
        })
        .collect()
}

/// Any text, with a good share of the characters that matter here.
fn hostile() -> BoxedStrategy<String> {
    let piece = prop_oneof![
        3 => any::<char>().prop_map(String::from),
        2 => prop::sample::select(&[
            "\u{1b}]52;c;aGk=\u{7}", "\u{1b}[2J", "\u{9b}", "\u{7f}", "\u{85}", "\u{202e}",
            "\u{2066}", "\u{200e}", "\u{200b}", "\u{feff}", "\u{2060}", "\r", "\n", "\t", "x",
            "https://a.io", "@dana", "$x$", "`",
        ][..])
        .prop_map(str::to_string),
        2 => "[a-z ]{1,6}",
    ];
    vec(piece, 0..12).prop_map(|v| v.concat()).boxed()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn terminal_text_carries_no_controls(s in hostile()) {
        let shown = mlops_wizard::sanitize::terminal(&s);
        prop_assert_eq!(forbidden(&shown), Vec::<char>::new(), "{:?} -> {:?}", s, shown);
        let line = mlops_wizard::sanitize::one_line(&s);
        prop_assert!(!line.contains(['\n', '\t']));
        prop_assert_eq!(forbidden(&line), Vec::<char>::new());
        if let Some(cell) = mlops_wizard::sanitize::cell(&s) {
            prop_assert_eq!(forbidden(&cell), Vec::<char>::new());
        }
    }

    /// The problems of any answers file show their source lines without controls, and the
    /// whole error, as the command line prints it, has none.
    #[test]
    fn problems_carry_no_controls(key in hostile(), value in hostile(), raw in hostile()) {
        let tree = Tree::default_tree();
        let text = format!(
            "[answers]\n{} = {}\nteam_size = {}\n{raw}\n",
            toml::Value::String(key.clone()),
            toml::Value::String(value.clone()),
            toml::Value::String(value.clone()),
        );
        let source = Source::new(format!("answers{raw}.toml"), text);
        if let Err(e) = Answers::parse(&source, &tree, Strictness::Strict) {
            for p in e.problems() {
                prop_assert_eq!(forbidden(&p.line_text), Vec::<char>::new(), "{:?}", p.line_text);
            }
            let printed = mlops_wizard::sanitize::terminal(&e.to_string()).into_owned();
            prop_assert_eq!(forbidden(&printed), Vec::<char>::new(), "{}", printed);
        }
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// Free-text answers, the respondent and the tree's texts and version, made of
    /// anything: the markdown and the JSON report carry none of it raw.
    #[test]
    fn reports_carry_no_controls(
        (g, answers) in gtree_with_texts().prop_flat_map(|g| { let a = answers_for(&g); (Just(g), a) }),
        name in hostile(),
        notes in hostile(),
        respondent in hostile(),
        version in hostile(),
    ) {
        let version = format!("1{version}");
        let text = g.to_toml().replacen(
            "version = \"1.0.0\"",
            &format!("version = {}", toml::Value::String(version)),
            1,
        );
        let tree = Tree::parse("generated.toml", &text)
            .map_err(|e| TestCaseError::fail(format!("the tree does not load:\n{e}")))?;
        let mut a = answers.clone();
        a.values.insert("project_name".into(), Answer::Text(name));
        a.values.insert("notes".into(), Answer::Text(notes));
        a.meta.respondent = Some(respondent);
        let eff = effective(&tree, &a);
        let mut eff = eff;
        eff.meta = a.meta.clone();
        let rec = Recommendation::new(&tree, &eff);
        let md = markdown(&tree, &eff, &rec);
        prop_assert_eq!(forbidden(&md), Vec::<char>::new(), "--- report ---\n{}", md);
        let js = json(&tree, &eff, &rec);
        prop_assert_eq!(forbidden(&js), Vec::<char>::new(), "--- report ---\n{}", js);
        // Escaped, not lost: the JSON still holds the text as it was.
        let v: serde_json::Value = serde_json::from_str(&js)
            .map_err(|e| TestCaseError::fail(format!("not JSON: {e}")))?;
        prop_assert_eq!(v["respondent"].as_str(), eff.meta.respondent.as_deref());
    }
}
