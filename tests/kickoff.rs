//! The documents a steering group reads: the summary page of every scenario (snapshots,
//! and at most 25 lines), the round trip from an exported report back to the same
//! decision, team reports and their merge rule, diffs, deciders and dates from `[meta]`,
//! the structure of every document (pulldown-cmark) and markdownlint's default rules.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt as _;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

const DATE: &str = "2026-12-03";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scenarios() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(root().join("tests/fixtures/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

fn team() -> Vec<PathBuf> {
    ["alice", "bob", "carol"]
        .iter()
        .map(|n| root().join(format!("tests/fixtures/team/{n}.toml")))
        .collect()
}

fn wizard() -> Command {
    let mut c = Command::cargo_bin("mlops-wizard").unwrap();
    c.current_dir(root());
    // A configuration file of the machine's must not change what the tests see.
    c.env("MLOPS_WIZARD_CONFIG", "");
    c
}

/// Runs the binary; returns stdout, failing with stderr unless the status is `code`.
fn run(args: &[&str], code: i32) -> String {
    let out = wizard().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn recommend(files: &[PathBuf], json: bool) -> String {
    let mut args: Vec<String> = vec!["recommend".into(), "--date".into(), DATE.into()];
    for f in files {
        args.push("--answers".into());
        args.push(f.display().to_string());
    }
    if json {
        args.extend(["-f".into(), "json".into()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args, 0)
}

/// The lines of the summary section.
fn summary(md: &str) -> Vec<&str> {
    md.lines()
        .skip_while(|l| *l != "## Summary")
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .collect()
}

#[test]
fn every_summary_fits_one_page_and_is_snapshotted() {
    for f in scenarios() {
        let md = recommend(std::slice::from_ref(&f), false);
        let lines = summary(&md);
        assert!(
            lines.len() <= 25,
            "{}: a summary of {} lines",
            f.display(),
            lines.len()
        );
        let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("summary_{stem}"), lines.join("\n"));
    }
}

#[test]
fn the_summary_says_kind_robustness_drivers_tipping_point_plan_and_assumptions() {
    let md = recommend(
        &[root().join("tests/fixtures/scenarios/fintech-mid-size.toml")],
        false,
    );
    let s = summary(&md).join("\n");
    for needed in [
        "**Recommended: Open-source stack**",
        "**Robustness: low**",
        "**Strongest reasons for Open-source stack:**",
        "**Strongest reasons against:**",
        "**What would change it:**",
        "**Assumptions:**",
        "**Stack plan:",
        "| Stage | Path | Examples |",
    ] {
        assert!(s.contains(needed), "no `{needed}` in the summary:\n{s}");
    }
    // The drivers come largest first.
    let pro = s
        .lines()
        .find(|l| l.contains("Strongest reasons for"))
        .unwrap();
    let points: Vec<f64> = pro
        .split("; ")
        .filter_map(|d| d.split(['+', ' ']).find_map(|x| x.parse().ok()))
        .collect();
    assert!(points.windows(2).all(|w| w[0] >= w[1]), "{pro}");
}

#[test]
fn a_report_read_back_gives_the_same_decision() {
    let dir = tempfile::tempdir().unwrap();
    for f in scenarios() {
        let report = dir.path().join("report.md");
        fs::write(&report, recommend(std::slice::from_ref(&f), false)).unwrap();
        assert_eq!(
            recommend(&[report], true),
            recommend(std::slice::from_ref(&f), true),
            "{}",
            f.display()
        );
    }
}

#[test]
fn an_edited_answers_block_is_checked_with_lines_in_the_markdown_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = root().join("tests/fixtures/scenarios/startup-two-people.toml");
    let md = recommend(&[f], false);
    let edited = md.replacen("team_size = \"1_3\"", "team_size = \"2_people\"", 1);
    assert_ne!(md, edited);
    let line = edited
        .lines()
        .position(|l| l.starts_with("team_size = "))
        .unwrap()
        + 1;
    let report = dir.path().join("edited.md");
    fs::write(&report, &edited).unwrap();
    let out = wizard()
        .args(["recommend", "--answers"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[bad-answer]"), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:{line}:", report.display())),
        "line {line} of the markdown file:\n{stderr}"
    );
    // A markdown file without an answers block is refused, not read as TOML.
    let plain = dir.path().join("notes.md");
    fs::write(&plain, "# Notes\n\nNothing here.\n").unwrap();
    let out = wizard()
        .args(["recommend", "--answers"])
        .arg(&plain)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no answers block"));
}

#[test]
fn a_team_report_merges_and_lists_the_disagreement_that_flips_the_verdict() {
    let json: serde_json::Value = serde_json::from_str(&recommend(&team(), true)).unwrap();
    let t = &json["team"];
    let names: Vec<&str> = t["respondents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Alice (tech lead)",
            "Bob (platform lead)",
            "Carol (finance)"
        ]
    );
    // The majority: weeks (Alice, Bob) over months (Carol).
    assert_eq!(json["answers"]["time_to_production"], "weeks");
    assert_eq!(json["verdict"], "proprietary");
    // Carol's "months" alone turns the merged verdict into a tie.
    let decisive = t["decisive"].as_array().unwrap();
    assert_eq!(decisive.len(), 1, "{decisive:?}");
    assert_eq!(decisive[0]["question"], "time_to_production");
    assert_eq!(decisive[0]["answer"], "months");
    assert_eq!(decisive[0]["by"][0], "Carol (finance)");
    assert_eq!(decisive[0]["verdict"], "tie");
    // Every question anyone answered is listed with who answered what.
    let q = t["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question"] == "avoid_vendor_lock_in")
        .unwrap();
    assert_eq!(q["answers"]["Carol (finance)"], "no");
    assert_eq!(q["merged"], "yes");
    assert_eq!(q["agreement"], "majority");
    // The markdown says it first.
    let md = recommend(&team(), false);
    let s = summary(&md).join("\n");
    assert!(s.contains("**Settle these before the kickoff:**"), "{s}");
    assert!(
        s.contains("Carol (finance) answered *Within a few months*"),
        "{s}"
    );
    assert!(md.contains("## The team"));
    assert!(md.contains("## Appendix C: answers by person"));
    // A folder of answers files is the same team.
    let folder = recommend(&[root().join("tests/fixtures/team")], true);
    assert_eq!(folder, recommend(&team(), true));
}

#[test]
fn a_tie_between_people_leaves_the_question_open() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    fs::write(
        &a,
        "[meta]\nrespondent = \"A\"\n[answers]\nlicense_budget = \"yes\"\n",
    )
    .unwrap();
    fs::write(
        &b,
        "[meta]\nrespondent = \"B\"\n[answers]\nlicense_budget = \"limited\"\n",
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&recommend(&[a, b], true)).unwrap();
    assert!(
        json["answers"]["license_budget"].is_null(),
        "{}",
        json["answers"]
    );
    let q = &json["team"]["questions"][0];
    assert_eq!(q["agreement"], "tie");
    assert!(q["merged"].is_null());
}

#[test]
fn diff_says_what_changed_and_exits_1_only_when_asked_and_the_verdict_changed() {
    let s = |n: &str| format!("tests/fixtures/scenarios/{n}.toml");
    let md = run(&["diff", &s("fintech-mid-size"), &s("fintech-mid-size")], 0);
    assert!(md.contains("No answer changed."), "{md}");
    let md = run(
        &["diff", &s("startup-two-people"), &s("startup-pragmatic")],
        0,
    );
    assert!(md.contains("- **Robustness:** high → **medium**"), "{md}");
    assert!(
        md.contains("| Is it important to reduce the risk of lock-in"),
        "{md}"
    );
    let json: serde_json::Value = serde_json::from_str(&run(
        &[
            "diff",
            "-f",
            "json",
            &s("regulated-bank-own-dc"),
            &s("deep-in-one-cloud"),
        ],
        0,
    ))
    .unwrap();
    assert_eq!(json["verdict"]["changed"], true);
    assert_eq!(json["verdict"]["new"], "proprietary");
    assert!(json["answers"].as_array().unwrap().len() > 5);
    assert!(!json["criteria"].as_array().unwrap().is_empty());
    assert!(!json["stages"].as_array().unwrap().is_empty());
    run(
        &[
            "diff",
            "--exit-code",
            &s("regulated-bank-own-dc"),
            &s("deep-in-one-cloud"),
        ],
        1,
    );
    run(
        &[
            "diff",
            "--exit-code",
            &s("startup-two-people"),
            &s("startup-pragmatic"),
        ],
        0,
    );
}

#[test]
fn deciders_and_the_date_come_from_meta() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.toml");
    fs::write(
        &f,
        "[meta]\nrespondent = \"Dana\"\ndate = \"2026-11-28\"\ndecision_makers = [\"Dana (tech lead)\", \"Eli (platform)\"]\nconsulted = [\"Security\"]\ninformed = [\"Finance\"]\n\n[answers]\nteam_size = \"4_10\"\n",
    )
    .unwrap();
    let md = run(&["recommend", "--answers", f.to_str().unwrap()], 0);
    let front: Vec<&str> = md.lines().take(7).collect();
    assert_eq!(
        front,
        [
            "---",
            "status: proposed",
            "date: 2026-11-28",
            "decision-makers: \"Dana (tech lead), Eli (platform)\"",
            "consulted: \"Security\"",
            "informed: \"Finance\"",
            "---"
        ]
    );
    // --date wins over [meta].
    let md = run(
        &[
            "recommend",
            "--date",
            DATE,
            "--answers",
            f.to_str().unwrap(),
        ],
        0,
    );
    assert!(md.contains(&format!("\ndate: {DATE}\n")));
    // And the people survive the round trip through the answers block.
    let report = dir.path().join("r.md");
    fs::write(&report, &md).unwrap();
    let again = run(
        &[
            "recommend",
            "--date",
            DATE,
            "--answers",
            report.to_str().unwrap(),
        ],
        0,
    );
    assert_eq!(md, again);
}

// =======================================================================================
// The structure of every document

/// Every report, team report and diff the tests check, with a name.
fn documents() -> Vec<(String, String)> {
    let mut docs: Vec<(String, String)> = scenarios()
        .into_iter()
        .map(|f| {
            let md = recommend(std::slice::from_ref(&f), false);
            (f.file_name().unwrap().to_string_lossy().into_owned(), md)
        })
        .collect();
    docs.push(("team.md".into(), recommend(&team(), false)));
    let s = |n: &str| format!("tests/fixtures/scenarios/{n}.toml");
    docs.push((
        "diff.md".into(),
        run(
            &["diff", &s("regulated-bank-own-dc"), &s("deep-in-one-cloud")],
            0,
        ),
    ));
    docs.push((
        "diff-same.md".into(),
        run(&["diff", &s("all-middle"), &s("all-middle")], 0),
    ));
    docs
}

#[test]
fn every_document_has_one_title_headings_in_order_and_whole_tables() {
    for (name, md) in documents() {
        let opts = Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
        let mut levels = Vec::new();
        let mut columns: Option<usize> = None;
        let mut cells = 0;
        for ev in Parser::new_ext(&md, opts) {
            match ev {
                Event::Start(Tag::Heading { level, .. }) => levels.push(level),
                Event::Start(Tag::Table(al)) => columns = Some(al.len()),
                Event::Start(Tag::TableHead | Tag::TableRow) => cells = 0,
                Event::Start(Tag::TableCell) => cells += 1,
                Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                    assert_eq!(Some(cells), columns, "{name}: a row with {cells} cells");
                }
                Event::Html(h) | Event::InlineHtml(h) => panic!("{name}: HTML {h:?}"),
                _ => {}
            }
        }
        assert_eq!(levels.first(), Some(&HeadingLevel::H1), "{name}");
        assert_eq!(
            levels.iter().filter(|l| **l == HeadingLevel::H1).count(),
            1,
            "{name}"
        );
        // No level is skipped on the way down.
        for w in levels.windows(2) {
            assert!(
                (w[1] as usize) <= (w[0] as usize) + 1,
                "{name}: {:?} after {:?}",
                w[1],
                w[0]
            );
        }
    }
}

/// markdownlint-cli2, installed with npm into the target folder on first use.
fn markdownlint() -> Option<PathBuf> {
    let dir = root().join("target/markdownlint");
    let bin = dir.join("node_modules/.bin/markdownlint-cli2");
    if bin.exists() {
        return Some(bin);
    }
    if Command::new("npm").arg("--version").output().is_err() {
        return None;
    }
    fs::create_dir_all(&dir).unwrap();
    let out = Command::new("npm")
        .args([
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--prefix",
        ])
        .arg(&dir)
        .arg("markdownlint-cli2@0.24.1")
        .output()
        .expect("npm runs");
    assert!(
        out.status.success() && bin.exists(),
        "npm could not install markdownlint-cli2:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(bin)
}

#[test]
fn markdownlint_passes_on_every_report_team_report_and_diff() {
    let Some(lint) = markdownlint() else {
        eprintln!("skipped: npm is not installed, so markdownlint cannot run here");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(".markdownlint-cli2.jsonc"),
        "{ \"config\": { \"MD013\": false } }\n",
    )
    .unwrap();
    let mut names = Vec::new();
    for (name, md) in documents() {
        let name = name.replace(".toml", ".md");
        fs::write(dir.path().join(&name), md).unwrap();
        names.push(name);
    }
    let out = Command::new(&lint)
        .args(&names)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "markdownlint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
