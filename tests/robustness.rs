//! Robustness checked by brute force on small generated trees (with facts, option weights,
//! exclusions, follow-ups and a priorities question): every reported tipping point really
//! flips the verdict and contains no smaller set that does; the counts of single and pair
//! flips are exact; the level follows from them; and whether the open questions can flip
//! the verdict agrees with trying every combination of answers, on the exact search and
//! on the bounded one (forced with a zero enumeration limit).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use mlops_wizard::model::Kind;
use mlops_wizard::recommend::VerdictKind;
use mlops_wizard::robustness::{self, AnswerChange, Level, Limits, OpenFlip, OpenSearch};
use mlops_wizard::{Answer, Answers, Flow, Recommendation, Tree, Verdict};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        max_shrink_iters: 256,
        ..ProptestConfig::default()
    }
}

// =======================================================================================
// Small trees

/// One option: effects as (alternative, criterion, quarter points, fact), a weight as
/// (criterion, multiplier index), and whether it rules alternative 1 out.
#[derive(Debug, Clone)]
struct GOption {
    effects: Vec<(usize, usize, i32, Option<usize>)>,
    weight: Option<(usize, usize)>,
    rules_out: bool,
}

#[derive(Debug, Clone)]
struct GQuestion {
    multiple: bool,
    options: Vec<GOption>,
    /// Shown only when question `parent` (earlier) is answered with its first option.
    follow_up: bool,
}

#[derive(Debug, Clone)]
struct GTree {
    alternatives: usize,
    criteria: usize,
    questions: Vec<GQuestion>,
    priorities: bool,
}

const MULTIPLIERS: [f64; 4] = [0.0, 0.5, 1.5, 2.0];

fn g_option(alts: usize, crits: usize) -> impl Strategy<Value = GOption> {
    (
        vec(
            (
                0..alts,
                0..crits,
                -4i32..=8,
                prop::option::weighted(0.3, 0..2usize),
            ),
            0..3,
        ),
        prop::option::weighted(0.15, (0..crits, 0..MULTIPLIERS.len())),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(effects, weight, rules_out)| GOption {
            effects,
            weight,
            rules_out,
        })
}

fn g_tree() -> impl Strategy<Value = GTree> {
    (2usize..=3, 1usize..=3).prop_flat_map(|(alts, crits)| {
        (
            Just(alts),
            Just(crits),
            vec(
                (
                    prop::bool::weighted(0.25),
                    vec(g_option(alts, crits), 2..=3),
                    prop::bool::weighted(0.25),
                ),
                2..=6,
            ),
            any::<bool>(),
        )
            .prop_map(|(alternatives, criteria, qs, priorities)| GTree {
                alternatives,
                criteria,
                questions: qs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (multiple, options, follow_up))| GQuestion {
                        multiple,
                        options,
                        follow_up: follow_up && i > 0,
                    })
                    .collect(),
                priorities,
            })
    })
}

impl GTree {
    fn to_toml(&self) -> String {
        self.to_toml_with(4.0, &MULTIPLIERS)
    }

    /// The tree with effect points of `units / divisor` and the given weight multipliers.
    fn to_toml_with(&self, divisor: f64, multipliers: &[f64; 4]) -> String {
        let mut t = String::from("[tree]\nid = \"g\"\ntitle = \"G\"\nversion = \"1\"\n\n");
        for a in 0..self.alternatives {
            let _ = writeln!(t, "[[alternatives]]\nid = \"a{a}\"\ntitle = \"A{a}\"\n");
        }
        for c in 0..self.criteria {
            let _ = writeln!(t, "[[criteria]]\nid = \"c{c}\"\ntitle = \"C{c}\"\n");
        }
        for (qi, q) in self.questions.iter().enumerate() {
            let kind = if q.multiple { "multiple" } else { "single" };
            let _ = writeln!(
                t,
                "[[questions]]\nid = \"q{qi}\"\nkind = \"{kind}\"\nprompt = \"Q{qi}\"\nhelp = \"h\""
            );
            if q.follow_up {
                let _ = writeln!(
                    t,
                    "show_if = {{ question = \"q{}\", any_of = [\"o0\"] }}",
                    qi - 1
                );
            }
            t.push('\n');
            for (oi, o) in q.options.iter().enumerate() {
                let _ = writeln!(
                    t,
                    "[[questions.options]]\nid = \"o{oi}\"\nlabel = \"O{oi}\"\n"
                );
                for (a, c, p, f) in &o.effects {
                    let _ = writeln!(
                        t,
                        "[[questions.options.effects]]\nalternative = \"a{a}\"\ncriterion = \"c{c}\"\npoints = {}\nreason = \"r\"",
                        f64::from(*p) / divisor
                    );
                    if let Some(f) = f {
                        let _ = writeln!(t, "fact = \"f{f}\"");
                    }
                    t.push('\n');
                }
                if let Some((c, m)) = o.weight {
                    let _ = writeln!(
                        t,
                        "[[questions.options.weights]]\ncriterion = \"c{c}\"\nmultiplier = {}\nreason = \"w\"\n",
                        multipliers[m]
                    );
                }
                if o.rules_out {
                    t.push_str(
                        "[[questions.options.rules_out]]\nalternative = \"a1\"\nreason = \"x\"\n\n",
                    );
                }
            }
        }
        if self.priorities {
            t.push_str(
                "[[questions]]\nid = \"prio\"\nkind = \"priorities\"\nprompt = \"P\"\nhelp = \"h\"\ndefault = 2\nlevels = [{ label = \"Low\", multiplier = 0.5 }, { label = \"Normal\", multiplier = 1.0 }, { label = \"High\", multiplier = 2.0 }]\n\n",
            );
        }
        t
    }
}

/// The tree, or `None` when the generated one is not valid (a criterion no effect
/// informs, an alternative that cannot win, ...): such cases are skipped.
fn load(g: &GTree) -> Option<Tree> {
    Tree::parse("g.toml", &g.to_toml()).ok()
}

/// Random answers: each question answered (with a random answer) or not.
fn answers_for(tree: &Tree, picks: &[(bool, u32)]) -> Answers {
    let mut a = Answers::default();
    for (q, &(answered, v)) in tree.questions.iter().zip(picks.iter().cycle()) {
        if !answered {
            continue;
        }
        let answer = match q.kind {
            Kind::Multiple => Answer::Choices(
                q.options
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| v >> i & 1 == 1)
                    .map(|(_, o)| o.id.to_string())
                    .collect(),
            ),
            Kind::Priorities => {
                let p = q.priorities.as_ref().unwrap();
                let mut levels = BTreeMap::new();
                for (k, &c) in p.criteria.iter().enumerate() {
                    levels.insert(
                        tree.criteria[c].id.to_string(),
                        1 + i64::from((v >> (2 * k)) % 3),
                    );
                }
                Answer::Priorities(levels)
            }
            _ => Answer::Choice(q.options[v as usize % q.options.len()].id.to_string()),
        };
        a.values.insert(q.id.to_string(), answer);
    }
    Flow::new(tree, &a).effective(tree, &a)
}

proptest! {
    #![proptest_config(config(400))]

    /// Combinations of changes judged from the single changes' effects (within a bound on
    /// rounding) instead of evaluated: the analysis is the same, with points and
    /// multipliers that add up exactly and with ones that round.
    #[test]
    fn judging_combinations_without_evaluating_them_changes_nothing(
        g in g_tree(),
        picks in vec((prop::bool::weighted(0.8), any::<u32>()), 1..8),
        numbers in 0usize..3,
    ) {
        let (divisor, multipliers) = [
            (4.0, MULTIPLIERS),
            (3.0, [0.0, 0.3, 1.1, 2.7]),
            (10.0, [0.7, 0.1, 1.3, 1e-3]),
        ][numbers];
        let text = g.to_toml_with(divisor, &multipliers);
        let Ok(tree) = Tree::parse("g.toml", &text) else { return Ok(()) };
        let answers = answers_for(&tree, &picks);
        let quick = Recommendation::quick(&tree, &answers);
        let judged = robustness::analyse_with(&tree, &answers, &quick, Limits::default());
        let evaluated = robustness::analyse_with(
            &tree,
            &answers,
            &quick,
            Limits { shortcut: false, ..Limits::default() },
        );
        prop_assert_eq!(judged, evaluated, "--- tree ---\n{}\n--- answers ---\n{:?}", text, answers.values);
    }
}

// =======================================================================================
// Brute force

/// One change, as the robustness search defines it.
#[derive(Debug, Clone)]
enum Change {
    Set(usize, Answer),
    Toggle(usize, usize),
    Level(usize, usize, i64),
}

impl Change {
    fn slot(&self) -> (usize, Option<usize>) {
        match self {
            Change::Set(q, _) | Change::Toggle(q, _) => (*q, None),
            Change::Level(q, c, _) => (*q, Some(*c)),
        }
    }
}

fn all_changes(tree: &Tree, answers: &Answers) -> Vec<Change> {
    let flow = Flow::new(tree, answers);
    let mut out = Vec::new();
    for qi in flow.visible() {
        let q = &tree.questions[qi];
        if !q.is_scored() {
            continue;
        }
        match (q.kind, answers.values.get(q.id.as_str())) {
            (Kind::Single | Kind::YesNo, Some(Answer::Choice(c))) => {
                for o in q.options.iter().filter(|o| &o.id != c) {
                    out.push(Change::Set(qi, Answer::Choice(o.id.to_string())));
                }
            }
            (Kind::Multiple, Some(Answer::Choices(_))) => {
                out.extend((0..q.options.len()).map(|o| Change::Toggle(qi, o)));
            }
            (Kind::Priorities, a) => {
                let p = q.priorities.as_ref().unwrap();
                for &c in &p.criteria {
                    let now = a
                        .and_then(|a| a.priority(&tree.criteria[c].id))
                        .unwrap_or(p.default);
                    for l in (1..=p.max_level()).filter(|l| *l != now) {
                        out.push(Change::Level(qi, c, l));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The answers with the changes applied, or `None` if a changed question ends up hidden.
fn apply(tree: &Tree, answers: &Answers, changes: &[&Change]) -> Option<Answers> {
    let mut a = answers.clone();
    for c in changes {
        match c {
            Change::Set(q, to) => {
                a.values
                    .insert(tree.questions[*q].id.to_string(), to.clone());
            }
            Change::Toggle(q, o) => {
                let q = &tree.questions[*q];
                let id = q.options[*o].id.as_str();
                let Some(Answer::Choices(cs)) = a.values.get_mut(q.id.as_str()) else {
                    return None;
                };
                if let Some(i) = cs.iter().position(|x| x == id) {
                    cs.remove(i);
                } else {
                    cs.push(id.to_string());
                    cs.sort_by_key(|x| q.options.iter().position(|o| &o.id == x));
                }
            }
            Change::Level(q, c, l) => {
                let entry = a
                    .values
                    .entry(tree.questions[*q].id.to_string())
                    .or_insert_with(|| Answer::Priorities(BTreeMap::new()));
                if let Answer::Priorities(levels) = entry {
                    levels.insert(tree.criteria[*c].id.to_string(), *l);
                }
            }
        }
    }
    let flow = Flow::new(tree, &a);
    if changes.iter().any(|c| !flow.is_shown(c.slot().0)) {
        return None;
    }
    Some(flow.effective(tree, &a))
}

/// The changes a reported tipping point makes, as brute-force changes.
fn from_report(tree: &Tree, changes: &[AnswerChange]) -> Vec<Change> {
    changes
        .iter()
        .map(|c| match c {
            AnswerChange::Answer { question, from, to } => match (from, to) {
                (Answer::Choices(f), Answer::Choices(t)) => {
                    let q = &tree.questions[*question];
                    let o = q
                        .options
                        .iter()
                        .position(|o| f.iter().any(|x| *x == o.id) != t.iter().any(|x| *x == o.id))
                        .expect("a toggle changes one option");
                    Change::Toggle(*question, o)
                }
                _ => Change::Set(*question, to.clone()),
            },
            AnswerChange::Priority {
                question,
                criterion,
                to,
                ..
            } => Change::Level(*question, *criterion, *to),
        })
        .collect()
}

fn verdict(tree: &Tree, answers: &Answers) -> (Verdict, Vec<usize>) {
    let rec = Recommendation::quick(tree, answers);
    let mut excluded: Vec<usize> = rec.ruled_out.iter().map(|e| e.alternative).collect();
    excluded.sort_unstable();
    excluded.dedup();
    (rec.verdict, excluded)
}

/// Whether answering the open questions (or leaving them) in any way changes the verdict.
fn open_can_flip(tree: &Tree, answers: &Answers, base: &Verdict) -> bool {
    let open: Vec<usize> = (0..tree.questions.len())
        .filter(|&i| {
            let q = &tree.questions[i];
            !answers.values.contains_key(q.id.as_str())
                && q.is_scored()
                && !matches!(q.kind, Kind::Priorities | Kind::Text)
        })
        .collect();
    let mut stack = vec![(0usize, answers.clone())];
    while let Some((i, a)) = stack.pop() {
        let Some(&qi) = open.get(i) else {
            let eff = Flow::new(tree, &a).effective(tree, &a);
            if verdict(tree, &eff).0 != *base {
                return true;
            }
            continue;
        };
        stack.push((i + 1, a.clone()));
        let q = &tree.questions[qi];
        let answers: Vec<Answer> = if q.kind == Kind::Multiple {
            (1u32..1 << q.options.len())
                .map(|m| {
                    Answer::Choices(
                        q.options
                            .iter()
                            .enumerate()
                            .filter(|(k, _)| m >> k & 1 == 1)
                            .map(|(_, o)| o.id.to_string())
                            .collect(),
                    )
                })
                .collect()
        } else {
            q.options
                .iter()
                .map(|o| Answer::Choice(o.id.to_string()))
                .collect()
        };
        for ans in answers {
            let mut next = a.clone();
            next.values.insert(q.id.to_string(), ans);
            stack.push((i + 1, next));
        }
    }
    false
}

// =======================================================================================
// Properties

proptest! {
    #![proptest_config(config(160))]

    #[test]
    fn tipping_points_flip_are_minimal_and_counts_are_exact(
        g in g_tree(),
        picks in vec((prop::bool::weighted(0.8), any::<u32>()), 1..8),
    ) {
        let Some(tree) = load(&g) else { return Ok(()) };
        let answers = answers_for(&tree, &picks);
        let rec = Recommendation::new(&tree, &answers);
        let r = rec.robustness.as_ref().expect("analysed");
        let (base, base_excluded) = verdict(&tree, &answers);
        prop_assert_eq!(&base, &rec.verdict);
        let ctx = || format!("--- tree ---\n{}\n--- answers ---\n{:?}", g.to_toml(), answers.values);

        // Every reported tipping point flips, as reported, and no proper subset does.
        for tp in &r.tipping_points {
            let changes = from_report(&tree, &tp.changes);
            let refs: Vec<&Change> = changes.iter().collect();
            let applied = apply(&tree, &answers, &refs)
                .ok_or_else(|| TestCaseError::fail(format!("{tp:?} is not coherent\n{}", ctx())))?;
            let (v, _) = verdict(&tree, &applied);
            prop_assert_eq!(&v, &tp.verdict, "{:?}\n{}", tp, ctx());
            prop_assert_ne!(&v, &base, "{:?}\n{}", tp, ctx());
            for skip in 0..refs.len() {
                if refs.len() == 1 {
                    break;
                }
                let sub: Vec<&Change> = refs.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, c)| *c).collect();
                for k in 0..sub.len() {
                    let subsets: Vec<Vec<&Change>> = if sub.len() == 2 {
                        vec![sub.clone(), vec![sub[k]]]
                    } else {
                        vec![vec![sub[k]]]
                    };
                    for s in subsets {
                        if let Some(a) = apply(&tree, &answers, &s) {
                            prop_assert_eq!(&verdict(&tree, &a).0, &base, "a smaller change {:?} flips too\n{}", s, ctx());
                        }
                    }
                }
            }
        }

        // The single-change counts, by brute force.
        let all = all_changes(&tree, &answers);
        let (mut weighing, mut constraint) = (0, 0);
        let mut flips_alone = Vec::new();
        for c in &all {
            let Some(a) = apply(&tree, &answers, &[c]) else {
                flips_alone.push(false);
                continue;
            };
            let (v, ex) = verdict(&tree, &a);
            let flips = v != base;
            flips_alone.push(flips);
            if flips {
                let newly = (0..tree.alternatives.len()).any(|x| base.includes(x) && ex.contains(&x) && !base_excluded.contains(&x));
                if newly { constraint += 1 } else { weighing += 1 }
            }
        }
        prop_assert_eq!(r.single_flips, weighing, "{}", ctx());
        prop_assert_eq!(r.constraint_flips, constraint, "{}", ctx());

        // The pair count, when pairs were searched.
        if let Some(pairs) = r.pair_flips {
            let mut count = 0;
            for i in 0..all.len() {
                for j in i + 1..all.len() {
                    if flips_alone[i] || flips_alone[j] || all[i].slot() == all[j].slot() {
                        continue;
                    }
                    if all[i].slot().0 == all[j].slot().0 && all[i].slot().1.is_none() {
                        continue;
                    }
                    let Some(a) = apply(&tree, &answers, &[&all[i], &all[j]]) else { continue };
                    let (v, ex) = verdict(&tree, &a);
                    let newly = (0..tree.alternatives.len()).any(|x| base.includes(x) && ex.contains(&x) && !base_excluded.contains(&x));
                    if v != base && !newly {
                        count += 1;
                    }
                }
            }
            prop_assert_eq!(pairs, count, "{}", ctx());
        } else {
            prop_assert!(weighing > 0, "pairs are skipped only when singles flip\n{}", ctx());
        }

        // The level follows from the counts.
        let open = r.open_questions_can_flip.possible();
        let expected = if open {
            Level::Insufficient
        } else if !rec.conflicts.is_empty() || weighing > 0 {
            Level::Low
        } else if rec.forced_against_scores() || r.pair_flips.is_some_and(|n| n > 0) {
            Level::Medium
        } else {
            Level::High
        };
        prop_assert_eq!(r.level, expected, "{}", ctx());
        if rec.forced_against_scores() {
            prop_assert!(r.level < Level::High);
        }
        prop_assert_eq!(rec.kind() == VerdictKind::Insufficient, open && rec.kind() != VerdictKind::Forced, "{}", ctx());
    }

    #[test]
    fn whether_the_open_questions_can_flip_agrees_with_trying_every_answer(
        g in g_tree(),
        picks in vec((prop::bool::weighted(0.5), any::<u32>()), 1..8),
    ) {
        let Some(tree) = load(&g) else { return Ok(()) };
        let answers = answers_for(&tree, &picks);
        let quick = Recommendation::quick(&tree, &answers);
        let truth = open_can_flip(&tree, &answers, &quick.verdict);
        let ctx = || format!("--- tree ---\n{}\n--- answers ---\n{:?}", g.to_toml(), answers.values);
        // The exact search (small trees are always within the limit).
        let exact = robustness::analyse(&tree, &answers, &quick);
        if exact.open_search == OpenSearch::Exact {
            prop_assert_eq!(exact.open_questions_can_flip == OpenFlip::Yes, truth, "{}", ctx());
        } else {
            prop_assert_eq!(exact.open_search, OpenSearch::Nothing);
            prop_assert!(!truth, "{}", ctx());
        }
        // The bounded search: never "no" when a flip exists, never "yes" when none does.
        let bounded = robustness::analyse_with(&tree, &answers, &quick, Limits { max_enumeration: 0, ..Limits::default() });
        match bounded.open_questions_can_flip {
            OpenFlip::No => prop_assert!(!truth, "the bound says no, but a flip exists\n{}", ctx()),
            OpenFlip::Yes => prop_assert!(truth, "the search says yes, but no flip exists\n{}", ctx()),
            OpenFlip::Maybe => {}
        }
        // Open questions are ranked by swing, largest first.
        for w in bounded.open_questions.windows(2) {
            prop_assert!(w[0].swing >= w[1].swing);
        }
    }
}
