//! The built-in tree (questions/mlops.toml) against what it promises: the article's nine
//! rules as stable, always-asked questions pushing the way the article says and scoring
//! nothing for a "no" the article does not name; its four criteria and every criterion
//! weighable; the five stages and three paths of the plan; the questions beyond the
//! article; real branching and a walk of 21 to 27 questions; no answer that moves nothing.

use std::collections::BTreeMap;

use mlops_wizard::model::{Kind, Question};
use mlops_wizard::recommend::VerdictKind;
use mlops_wizard::{Answer, Answers, Flow, Recommendation, Tree, Verdict};

/// The nine rules and whether `yes` favours open source (`true`) or the vendor (`false`).
const RULES: [(&str, bool); 9] = [
    ("team_oss_expertise", true),
    ("needs_vendor_support", false),
    ("license_budget", false),
    ("early_feature_access", true),
    ("full_customization", true),
    ("easy_switching", true),
    ("community_support", true),
    ("small_or_short_term", true),
    ("avoid_vendor_lock_in", true),
];

fn tree() -> Tree {
    Tree::default_tree()
}

/// Points for open source minus points for proprietary of one option, by the verdict's
/// effects (effects on paths move only the plan).
fn lean(tree: &Tree, q: &Question, option: &str) -> f64 {
    let o = q
        .option(option)
        .unwrap_or_else(|| panic!("{} has no option {option}", q.id));
    o.effects
        .iter()
        .map(|e| {
            let w = tree.criterion(&e.criterion).unwrap().weight;
            match e.alternative.as_deref() {
                Some("open_source") => e.points * w,
                Some("proprietary") => -e.points * w,
                _ => 0.0,
            }
        })
        .sum()
}

#[test]
fn the_nine_rules_are_always_asked_and_push_the_way_the_article_says() {
    let t = tree();
    for (id, yes_is_open) in RULES {
        let q = t
            .question(id)
            .unwrap_or_else(|| panic!("rule question `{id}` is missing"));
        assert!(q.show_if.is_none(), "`{id}` must be asked on every path");
        assert!(
            q.kind == Kind::YesNo || q.kind == Kind::Single,
            "`{id}` is {:?}",
            q.kind
        );
        let yes = lean(&t, q, "yes");
        if yes_is_open {
            assert!(yes > 0.0, "`{id}`: yes should favour open source ({yes})");
        } else {
            assert!(yes < 0.0, "`{id}`: yes should favour the vendor ({yes})");
        }
    }
    // The article's first rule, literally: no open-source experience points to proprietary.
    let q = t.question("team_oss_expertise").unwrap();
    assert!(lean(&t, q, "no") < 0.0);
}

#[test]
fn a_no_the_article_does_not_name_scores_nothing() {
    let t = tree();
    // The article names the "no" of the team's experience; of the others, "no" is not a
    // reason for either side, so it gives the same margin as no answer at all.
    for (id, _) in RULES.iter().filter(|(id, _)| *id != "team_oss_expertise") {
        let q = t.question(id).unwrap();
        if let Some(no) = q.option("no") {
            assert!(
                no.effects.iter().all(|e| e.alternative.is_none()),
                "`{id}` = no moves the verdict"
            );
        }
        let unanswered = Recommendation::new(&t, &Answers::default());
        let mut a = Answers::default();
        if q.option("no").is_some() {
            a.values.insert((*id).into(), Answer::Choice("no".into()));
        }
        let answered = Recommendation::new(&t, &a);
        if *id != "license_budget" {
            assert_eq!(answered.scores, unanswered.scores, "`{id}` = no");
        }
    }
}

#[test]
fn criteria_alternatives_stages_and_paths() {
    let t = tree();
    let alts: Vec<&str> = t.alternatives.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(alts, ["open_source", "proprietary"]);
    for id in [
        "code_quality",
        "versatility",
        "modularity",
        "version_stability",
    ] {
        assert!(t.criterion(id).is_some(), "criterion `{id}` is missing");
    }
    let stages = t.question("ml_stages").expect("the stages question");
    assert_eq!(stages.kind, Kind::Multiple);
    let ids: Vec<&str> = stages.options.iter().map(|o| o.id.as_str()).collect();
    let plan: Vec<&str> = t.stages.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        ["data", "training", "quality", "production", "monitoring"]
    );
    assert_eq!(plan, ids, "one plan stage per lifecycle stage");
    let paths: Vec<(&str, &str)> = t
        .paths
        .iter()
        .map(|p| (p.id.as_str(), p.alternative.as_str()))
        .collect();
    assert_eq!(
        paths,
        [
            ("oss_self_run", "open_source"),
            ("oss_managed", "open_source"),
            ("proprietary", "proprietary")
        ]
    );
}

#[test]
fn every_criterion_can_be_weighted_by_the_user() {
    let t = tree();
    let q = &t.questions[t.priorities_question().expect("a priorities question")];
    assert!(q.show_if.is_none());
    let p = q.priorities.as_ref().unwrap();
    assert_eq!(p.criteria.len(), t.criteria.len());
    assert_eq!(
        p.multiplier(p.default),
        1.0,
        "the default level keeps weights"
    );
    let scale_weights = t
        .questions
        .iter()
        .filter(|q| q.scale.as_ref().is_some_and(|s| s.weight_of.is_some()))
        .count();
    assert_eq!(scale_weights, 0, "no one-sided importance questions remain");
}

#[test]
fn questions_beyond_the_article_move_the_verdict_or_the_plan() {
    let t = tree();
    assert_eq!(t.question("project_name").map(|q| q.kind), Some(Kind::Text));
    for id in [
        "team_size",
        "time_horizon",
        "cloud_provider",
        "regulation",
        "time_to_production",
        "model_count",
        "retraining_frequency",
        "licence_change_risk",
        "data_platform",
        "serving_needs",
        "observability_stack",
    ] {
        let q = t
            .question(id)
            .unwrap_or_else(|| panic!("`{id}` is missing"));
        let moves = q.effects().next().is_some() || q.options.iter().any(|o| !o.weights.is_empty());
        assert!(moves, "`{id}` moves nothing");
    }
    assert_eq!(
        t.question("regulation").map(|q| q.kind),
        Some(Kind::Multiple),
        "regulation and residency can both hold"
    );
}

#[test]
fn no_option_gives_both_sides_the_same_points() {
    let t = tree();
    let warnings: Vec<String> = t.warnings.iter().map(|w| w.message.clone()).collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
}

/// Every combination of answers to the questions that conditions test (and unanswered).
fn branch_combinations(t: &Tree) -> Vec<Answers> {
    let mut parents: Vec<&Question> = Vec::new();
    for q in &t.questions {
        if let Some(c) = &q.show_if {
            c.for_each_test(&mut |id, _, _, _| {
                let p = t.question(id).unwrap();
                if !parents.iter().any(|x| x.id == p.id) {
                    parents.push(p);
                }
            });
        }
    }
    let mut all = vec![BTreeMap::new()];
    for p in parents {
        let answers: Vec<Answer> = if p.kind == Kind::Multiple {
            (0u32..1 << p.options.len())
                .map(|mask| {
                    Answer::Choices(
                        p.options
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| mask & (1 << i) != 0)
                            .map(|(_, o)| o.id.to_string())
                            .collect(),
                    )
                })
                .collect()
        } else {
            p.options
                .iter()
                .map(|o| Answer::Choice(o.id.to_string()))
                .collect()
        };
        let mut next = Vec::new();
        for partial in &all {
            next.push(partial.clone()); // unanswered
            for a in &answers {
                let mut x = partial.clone();
                x.insert(p.id.to_string(), a.clone());
                next.push(x);
            }
        }
        all = next;
    }
    all.into_iter()
        .map(|values| Answers {
            values,
            ..Answers::default()
        })
        .collect()
}

#[test]
fn branching_is_real_and_a_walk_takes_21_to_27_questions() {
    let t = tree();
    let follow_ups = t.questions.iter().filter(|q| q.show_if.is_some()).count();
    assert!(follow_ups >= 6, "{follow_ups} follow-up questions");
    let lengths: Vec<usize> = branch_combinations(&t)
        .iter()
        .map(|a| Flow::new(&t, a).len())
        .collect();
    let (min, max) = (lengths.iter().min().unwrap(), lengths.iter().max().unwrap());
    assert!(
        *min >= 21 && *max <= 27,
        "walks of {min} to {max} questions"
    );
    assert!(max > min, "some answers add questions");
}

fn recommend(answers: &[(&str, &str)]) -> (Tree, Recommendation) {
    let t = tree();
    let mut a = Answers::default();
    for (q, o) in answers {
        a.values.insert((*q).into(), Answer::Choice((*o).into()));
    }
    let rec = Recommendation::new(&t, &a);
    (t, rec)
}

fn verdict(answers: &[(&str, &str)]) -> String {
    let (t, rec) = recommend(answers);
    match rec.verdict {
        Verdict::Alternative(i) => t.alternatives[i].id.to_string(),
        Verdict::Tie(_) => "tie".into(),
    }
}

#[test]
fn the_articles_scenarios_get_the_articles_verdicts() {
    // "Choose proprietary when the team has no open-source experience, the project is large
    // and needs vendor support, and there is a budget for licences."
    assert_eq!(
        verdict(&[
            ("team_oss_expertise", "no"),
            ("needs_vendor_support", "yes"),
            ("license_budget", "yes"),
        ]),
        "proprietary"
    );
    // "Choose open source for a small or short project, when you want to adapt the stack,
    // switch easily, rely on the community and avoid lock-in."
    assert_eq!(
        verdict(&[
            ("team_oss_expertise", "yes"),
            ("small_or_short_term", "yes"),
            ("full_customization", "yes"),
            ("easy_switching", "yes"),
            ("community_support", "yes"),
            ("avoid_vendor_lock_in", "yes"),
        ]),
        "open_source"
    );
}

#[test]
fn no_licence_budget_forces_open_source_and_says_what_the_scores_chose() {
    let answers = [
        ("license_budget", "no"),
        ("team_oss_expertise", "no"),
        ("needs_vendor_support", "yes"),
        ("early_feature_access", "no"),
        ("full_customization", "no"),
        ("easy_switching", "no"),
        ("community_support", "no"),
        ("avoid_vendor_lock_in", "no"),
    ];
    let (t, rec) = recommend(&answers);
    let open = t.alternative_index("open_source").unwrap();
    let vendor = t.alternative_index("proprietary").unwrap();
    assert!(
        rec.scores[vendor] > rec.scores[open],
        "the points favour the vendor"
    );
    assert_eq!(
        rec.verdict,
        Verdict::Alternative(open),
        "but it cannot be bought"
    );
    assert_eq!(rec.scores_alone, Verdict::Alternative(vendor));
    assert_eq!(rec.kind(), VerdictKind::Forced);
    assert!(rec.forced_against_scores());
    let level = rec.robustness.as_ref().unwrap().level;
    assert!(
        level < mlops_wizard::robustness::Level::High,
        "a forced verdict against the scores is never high: {level:?}"
    );
    assert_eq!(rec.ruled_out.len(), 1);
    assert_eq!(rec.ruled_out[0].alternative, vendor);
    assert!(!rec.all_ruled_out);
    // No money for a managed service either: the plan runs open source itself.
    let plan = rec.plan.as_ref().unwrap();
    let self_run = t.path_index("oss_self_run").unwrap();
    assert!(plan.stages.iter().all(|s| s.path == Some(self_run)));
    // And no mitigation that needs money is offered.
    let input = mlops_wizard::ReportInput {
        tree: &t,
        answers: &Answers::default(),
        recommendation: &rec,
        date: "2026-11-28",
        catalog: None,
        team: None,
    };
    for r in &rec.risks {
        for m in input.mitigations(r) {
            assert!(
                !m.contains("buy") && !m.contains("Buy"),
                "risk `{}` offers a paid mitigation without a budget: {m}",
                t.risks[r.risk].id
            );
        }
    }
}
