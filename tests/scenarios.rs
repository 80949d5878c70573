//! The scenarios of docs/advice.md: realistic answers files in tests/fixtures/scenarios/,
//! each with the verdict, kind and robustness level an experienced platform lead would
//! give, and the stack plan where the scenario is about it. The table in docs/advice.md
//! and this test say the same; a change to the tree's content that moves a verdict fails
//! here first.

use std::path::Path;

use mlops_wizard::answers::{Answers, Strictness};
use mlops_wizard::catalog::Catalog;
use mlops_wizard::plan::PlanSummary;
use mlops_wizard::robustness::Level;
use mlops_wizard::source::Source;
use mlops_wizard::{Recommendation, ReportInput, Tree, Verdict, report};

/// What a platform lead would say of a scenario.
struct Expected {
    file: &'static str,
    /// The verdict's alternative id, or `tie`.
    verdict: &'static str,
    kind: &'static str,
    level: Level,
    /// The plan in one word: a path id, `hybrid`, `undecided` or `empty`.
    plan: &'static str,
}

const fn e(
    file: &'static str,
    verdict: &'static str,
    kind: &'static str,
    level: Level,
    plan: &'static str,
) -> Expected {
    Expected {
        file,
        verdict,
        kind,
        level,
        plan,
    }
}

const SCENARIOS: &[Expected] = &[
    e(
        "regulated-bank-own-dc",
        "open_source",
        "free",
        Level::High,
        "oss_self_run",
    ),
    e(
        "public-sector-residency",
        "open_source",
        "free",
        Level::High,
        "oss_self_run",
    ),
    e(
        "retailer-platform-team",
        "open_source",
        "free",
        Level::High,
        "oss_self_run",
    ),
    e(
        "startup-two-people",
        "open_source",
        "free",
        Level::High,
        "oss_managed",
    ),
    e(
        "startup-pragmatic",
        "open_source",
        "free",
        Level::Medium,
        "oss_managed",
    ),
    e(
        "research-group",
        "open_source",
        "forced",
        Level::High,
        "oss_self_run",
    ),
    e(
        "deep-in-one-cloud",
        "proprietary",
        "free",
        Level::High,
        "proprietary",
    ),
    e(
        "enterprise-regulated-vendor",
        "proprietary",
        "free",
        Level::High,
        "proprietary",
    ),
    e(
        "no-budget-no-skills",
        "open_source",
        "forced",
        Level::Low,
        "oss_self_run",
    ),
    e(
        "no-skills-wary-of-lock-in",
        "open_source",
        "free",
        Level::Low,
        "oss_managed",
    ),
    e(
        "fintech-mid-size",
        "open_source",
        "free",
        Level::Low,
        "oss_managed",
    ),
    e(
        "insurer-balanced",
        "proprietary",
        "free",
        Level::Low,
        "oss_managed",
    ),
    e(
        "pilot-short-term",
        "open_source",
        "free",
        Level::Low,
        "oss_managed",
    ),
    e(
        "all-middle",
        "open_source",
        "free",
        Level::Low,
        "oss_managed",
    ),
    e("even-tie", "tie", "tie", Level::Low, "oss_managed"),
    e(
        "contradictory",
        "open_source",
        "free",
        Level::Low,
        "undecided",
    ),
    e(
        "mostly-unanswered",
        "open_source",
        "insufficient",
        Level::Insufficient,
        "undecided",
    ),
];

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenarios")
}

fn load(tree: &Tree, file: &str) -> Answers {
    let name = format!("{file}.toml");
    let text = std::fs::read_to_string(dir().join(&name)).expect("scenario file");
    Answers::parse(&Source::new(name, text), tree, Strictness::Strict)
        .unwrap_or_else(|e| panic!("{file} fits the built-in tree:\n{e}"))
        .answers
}

fn verdict_id(tree: &Tree, v: &Verdict) -> String {
    match v {
        Verdict::Alternative(a) => tree.alternatives[*a].id.to_string(),
        Verdict::Tie(_) => "tie".to_string(),
    }
}

fn plan_id(tree: &Tree, rec: &Recommendation) -> String {
    match rec
        .plan
        .as_ref()
        .expect("the built-in tree plans")
        .summary()
    {
        PlanSummary::Uniform(p) => tree.paths[p].id.to_string(),
        PlanSummary::Hybrid => "hybrid".into(),
        PlanSummary::Undecided => "undecided".into(),
        PlanSummary::Empty => "empty".into(),
    }
}

#[test]
fn every_scenario_file_is_in_the_table() {
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .map(|n| n.trim_end_matches(".toml").to_string())
        .collect();
    files.sort();
    let mut table: Vec<&str> = SCENARIOS.iter().map(|s| s.file).collect();
    table.sort_unstable();
    assert_eq!(files, table);
    assert!(SCENARIOS.len() >= 12);
}

#[test]
fn each_scenario_gets_the_verdict_kind_level_and_plan_a_platform_lead_would_give() {
    let tree = Tree::default_tree();
    let mut wrong = Vec::new();
    for s in SCENARIOS {
        let rec = Recommendation::new(&tree, &load(&tree, s.file));
        let got = (
            verdict_id(&tree, &rec.verdict),
            rec.kind().name(),
            rec.robustness.as_ref().unwrap().level,
            plan_id(&tree, &rec),
        );
        let want = (s.verdict.to_string(), s.kind, s.level, s.plan.to_string());
        if got != want {
            wrong.push(format!("{}: got {got:?}, want {want:?}", s.file));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_table_covers_every_kind_and_level() {
    for kind in ["free", "forced", "tie", "insufficient"] {
        assert!(
            SCENARIOS.iter().any(|s| s.kind == kind),
            "no {kind} scenario"
        );
    }
    for level in [Level::High, Level::Medium, Level::Low, Level::Insufficient] {
        assert!(
            SCENARIOS.iter().any(|s| s.level == level),
            "no {level:?} scenario"
        );
    }
}

#[test]
fn the_plan_takes_a_managed_or_vendor_path_where_it_pays() {
    let tree = Tree::default_tree();
    // Deep in one cloud, no open-source skills, support needed, a deadline: no stage is
    // run by the team itself.
    let rec = Recommendation::new(&tree, &load(&tree, "deep-in-one-cloud"));
    let self_run = tree.path_index("oss_self_run").unwrap();
    let plan = rec.plan.unwrap();
    assert!(
        plan.stages
            .iter()
            .filter(|s| s.in_scope)
            .all(|s| s.path != Some(self_run))
    );
    // Wary of lock-in with a strong platform team: open source run by the team, everywhere.
    let rec = Recommendation::new(&tree, &load(&tree, "retailer-platform-team"));
    assert_eq!(plan_id(&tree, &rec), "oss_self_run");
    // No open-source skills but wary of lock-in: managed open source.
    let rec = Recommendation::new(&tree, &load(&tree, "no-skills-wary-of-lock-in"));
    assert_eq!(plan_id(&tree, &rec), "oss_managed");
}

#[test]
fn a_forced_verdict_says_what_the_scores_would_have_chosen() {
    let tree = Tree::default_tree();
    let answers = load(&tree, "no-budget-no-skills");
    let rec = Recommendation::new(&tree, &answers);
    assert!(rec.forced_against_scores());
    let input = ReportInput {
        tree: &tree,
        answers: &answers,
        recommendation: &rec,
        date: "2026-12-03",
        catalog: None,
        team: None,
    };
    let md = report::to_markdown(&input);
    let first = md
        .lines()
        .skip_while(|l| *l != "## Summary")
        .find(|l| l.starts_with("**"))
        .unwrap();
    assert!(first.contains("forced"), "{first}");
    assert!(
        first.contains("your other answers favour Proprietary (vendor) platform, 8 to 0"),
        "{first}"
    );
}

#[test]
fn the_examples_name_tools_of_the_users_cloud_only() {
    let tree = Tree::default_tree();
    let catalog = Catalog::built_in(&tree).expect("the catalog fits");
    for (file, foreign) in [
        ("insurer-balanced", "Amazon"),
        ("deep-in-one-cloud", "Amazon"),
        ("enterprise-regulated-vendor", "Google"),
    ] {
        let answers = load(&tree, file);
        let rec = Recommendation::new(&tree, &answers);
        let input = ReportInput {
            tree: &tree,
            answers: &answers,
            recommendation: &rec,
            date: "2026-12-03",
            catalog: Some(&catalog),
            team: None,
        };
        for s in &rec.plan.as_ref().unwrap().stages {
            for t in input.examples(s) {
                assert!(
                    !t.name.contains(foreign),
                    "{file}: {} on another cloud",
                    t.name
                );
            }
        }
    }
}
