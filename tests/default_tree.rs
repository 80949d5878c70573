//! The built-in tree (questions/mlops.toml) against what it promises: the article's nine
//! rules as stable, always-asked questions pushing the way the article says, its four
//! criteria, the five stages, the questions beyond the article, real branching and a walk
//! of 15 to 25 questions.

use std::collections::BTreeMap;

use mlops_wizard::model::{Kind, Question};
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

/// Weighted points for open source minus points for proprietary, of one option.
fn lean(tree: &Tree, q: &Question, option: &str) -> f64 {
    let o = q
        .option(option)
        .unwrap_or_else(|| panic!("{} has no option {option}", q.id));
    o.effects
        .iter()
        .map(|e| {
            let w = tree.criterion(&e.criterion).unwrap().weight;
            match e.alternative.as_str() {
                "open_source" => e.points * w,
                "proprietary" => -e.points * w,
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
        let (yes, no) = (lean(&t, q, "yes"), lean(&t, q, "no"));
        if yes_is_open {
            assert!(
                yes > no,
                "`{id}`: yes ({yes}) should favour open source over no ({no})"
            );
            assert!(yes > 0.0, "`{id}`: yes should favour open source ({yes})");
        } else {
            assert!(
                yes < no,
                "`{id}`: yes ({yes}) should favour the vendor over no ({no})"
            );
            assert!(yes < 0.0, "`{id}`: yes should favour the vendor ({yes})");
        }
    }
    // The article's first rule, literally: no open-source experience points to proprietary.
    let q = t.question("team_oss_expertise").unwrap();
    assert!(lean(&t, q, "no") < 0.0);
}

#[test]
fn criteria_alternatives_and_stages() {
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
    assert!(
        t.criteria.len() > 4,
        "the rules need more criteria than the article's four"
    );
    let stages = t.question("ml_stages").expect("the stages question");
    assert_eq!(stages.kind, Kind::Multiple);
    let ids: Vec<&str> = stages.options.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        ["data", "training", "quality", "production", "monitoring"]
    );
}

#[test]
fn project_context_and_questions_beyond_the_article() {
    let t = tree();
    assert_eq!(t.question("project_name").map(|q| q.kind), Some(Kind::Text));
    for id in ["team_size", "time_horizon"] {
        assert!(t.question(id).is_some(), "`{id}` is missing");
    }
    for id in [
        "cloud_provider",
        "regulation",
        "time_to_production",
        "model_count",
        "retraining_frequency",
        "licence_change_risk",
    ] {
        let q = t
            .question(id)
            .unwrap_or_else(|| panic!("`{id}` is missing"));
        assert!(q.effects().next().is_some(), "`{id}` informs no criterion");
    }
    let weights = t
        .questions
        .iter()
        .filter(|q| q.scale.as_ref().is_some_and(|s| s.weight_of.is_some()))
        .count();
    assert!(
        weights >= 2,
        "importance questions let the user weigh criteria"
    );
}

/// Every combination of answers to the questions that conditions test (and unanswered).
fn branch_combinations(t: &Tree) -> Vec<Answers> {
    let mut parents: Vec<&Question> = Vec::new();
    for q in &t.questions {
        if let Some(c) = &q.show_if {
            c.for_each_test(&mut |id, _, _| {
                let p = t.question(id).unwrap();
                if !parents.iter().any(|x| x.id == p.id) {
                    parents.push(p);
                }
            });
        }
    }
    let mut all = vec![BTreeMap::new()];
    for p in parents {
        let mut next = Vec::new();
        for partial in &all {
            next.push(partial.clone()); // unanswered
            for o in &p.options {
                let mut a = partial.clone();
                a.insert(p.id.clone(), Answer::Choice(o.id.clone()));
                next.push(a);
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
fn branching_is_real_and_a_walk_takes_15_to_25_questions() {
    let t = tree();
    let follow_ups = t.questions.iter().filter(|q| q.show_if.is_some()).count();
    assert!(follow_ups >= 3, "{follow_ups} follow-up questions");
    let lengths: Vec<usize> = branch_combinations(&t)
        .iter()
        .map(|a| Flow::new(&t, a).len())
        .collect();
    let (min, max) = (lengths.iter().min().unwrap(), lengths.iter().max().unwrap());
    assert!(
        *min >= 15 && *max <= 25,
        "walks of {min} to {max} questions"
    );
    assert!(max > min, "some answers add questions");
}

fn verdict(answers: &[(&str, &str)]) -> String {
    let t = tree();
    let mut a = Answers::default();
    for (q, o) in answers {
        a.values.insert((*q).into(), Answer::Choice((*o).into()));
    }
    let rec = Recommendation::new(&t, &a);
    match rec.verdict {
        Verdict::Alternative(i) => t.alternatives[i].id.clone(),
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
fn no_licence_budget_rules_the_vendor_out_whatever_the_scores() {
    let t = tree();
    let mut a = Answers::default();
    for (q, o) in [
        ("license_budget", "no"),
        ("team_oss_expertise", "no"),
        ("needs_vendor_support", "yes"),
        ("early_feature_access", "no"),
        ("full_customization", "no"),
        ("easy_switching", "no"),
        ("community_support", "no"),
        ("avoid_vendor_lock_in", "no"),
    ] {
        a.values.insert(q.into(), Answer::Choice(o.into()));
    }
    let rec = Recommendation::new(&t, &a);
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
    assert_eq!(rec.ruled_out.len(), 1);
    assert_eq!(rec.ruled_out[0].alternative, vendor);
    assert!(!rec.all_ruled_out);
    let input = mlops_wizard::ReportInput {
        tree: &t,
        answers: &a,
        recommendation: &rec,
        date: "2026-11-28",
    };
    let md = mlops_wizard::report::to_markdown(&input);
    assert!(md.contains("Ruled out by your answers"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&mlops_wizard::report::to_json(&input)).unwrap();
    assert_eq!(json["ruled_out"][0]["alternative"], "proprietary");
    assert_eq!(json["all_ruled_out"], false);
}
