//! The command line, run as a real process: exit codes, messages on stderr, reports on
//! stdout or in files. Every invocation also checks that nothing panicked.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use predicates::Predicate as _;
use predicates::str::is_match;
use serde_json::Value;

use mlops_wizard::Tree;

const DATE: &str = "2026-11-28";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// The binary, run from the crate root so relative paths work.
fn wizard() -> Command {
    let mut cmd = Command::cargo_bin("mlops-wizard").expect("the mlops-wizard binary");
    cmd.current_dir(root());
    // A configuration file of the machine's must not change what the tests see.
    cmd.env("MLOPS_WIZARD_CONFIG", "");
    // Keep clap's output plain and stable; never hang a test run.
    cmd.env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .timeout(Duration::from_secs(60));
    cmd
}

/// Runs the command and returns its output, failing if it panicked or was killed.
fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stdout.contains("panicked") && !stderr.contains("panicked"),
        "{cmd:?} panicked:\n{stderr}"
    );
    assert!(
        out.status.code().is_some(),
        "{cmd:?} was killed by a signal:\n{stderr}"
    );
    out
}

/// Runs the command and checks its exit code; returns (stdout, stderr).
fn expect_code(cmd: &mut Command, code: i32) -> (String, String) {
    let out = run(cmd);
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert_eq!(
        out.status.code(),
        Some(code),
        "{cmd:?} exited with {:?}, expected {code}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status.code()
    );
    (stdout, stderr)
}

fn recommend(answers: &Path) -> Command {
    let mut cmd = wizard();
    cmd.arg("recommend")
        .arg("--answers")
        .arg(answers)
        .args(["--date", DATE]);
    cmd
}

fn json_report(answers: &Path) -> Value {
    let (stdout, _) = expect_code(recommend(answers).args(["--format", "json"]), 0);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

/// The line of a markdown report that states the verdict.
/// The bold start of the summary's first line: the verdict and its kind.
fn verdict_line(markdown: &str) -> &str {
    let line = markdown
        .lines()
        .skip_while(|l| *l != "## Summary")
        .find(|l| l.starts_with("**"))
        .unwrap_or_else(|| panic!("no verdict line in:\n{markdown}"));
    line[2..].split("**").next().unwrap_or(line)
}

// ---------------------------------------------------------------------------------------
// validate

#[test]
fn validate_without_files_accepts_the_built_in_tree() {
    let (stdout, stderr) = expect_code(wizard().arg("validate"), 0);
    assert!(stdout.starts_with("ok: "), "{stdout}");
    assert!(stdout.contains("(built in)"), "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn validate_accepts_the_valid_fixtures() {
    for path in toml_files(&fixture("trees/valid")) {
        let (stdout, _) = expect_code(wizard().arg("validate").arg(&path), 0);
        assert!(
            stdout.contains(&format!("ok: {}: ", path.display())),
            "{stdout}"
        );
    }
}

#[test]
fn validate_refuses_every_invalid_fixture_naming_file_line_and_column() {
    let files = toml_files(&fixture("trees/invalid"));
    assert!(files.len() > 40, "the invalid fixtures are there");
    for path in files {
        // The problems the library finds are the ones the command must print.
        let err = Tree::load(&path).expect_err("an invalid fixture");
        assert!(!err.problems().is_empty());
        let (stdout, stderr) = expect_code(wizard().arg("validate").arg(&path), 2);
        assert!(
            !stdout.contains("ok:"),
            "{}: nothing is ok\n{stdout}",
            path.display()
        );
        // Every "error[kind]" block is followed by a "--> file:line:column" line.
        let located = is_match(r"(?m)^error\[[a-z-]+\]: .+\n +--> .+\.toml:\d+:\d+$").unwrap();
        assert!(
            located.eval(&stderr),
            "{}: no file:line:column\n{stderr}",
            path.display()
        );
        for p in err.problems() {
            let pos = p.location.position;
            let place = format!("--> {}:{}:{}", path.display(), pos.line, pos.column);
            assert!(stderr.contains(&place), "{place} not in:\n{stderr}");
            assert!(
                stderr.contains(&format!("error[{}]", p.kind.name())),
                "{stderr}"
            );
        }
        assert!(stderr.contains("error: 1 of 1 file(s) invalid"), "{stderr}");
    }
}

#[test]
fn validate_refuses_a_file_that_is_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    fs::write(&path, b"[tree]\nid = \"caf\xe9\"\n").unwrap();
    let (_, stderr) = expect_code(wizard().arg("validate").arg(&path), 2);
    assert!(stderr.contains("UTF-8"), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:2:10", path.display())),
        "{stderr}"
    );
}

#[test]
fn validate_prints_a_no_effect_warning_with_its_place_and_still_exits_0() {
    let path = fixture("trees/valid/no-effect-option.toml");
    let (stdout, stderr) = expect_code(wizard().arg("validate").arg(&path), 0);
    assert!(
        stdout.contains(&format!("ok: {}: ", path.display())) && stdout.contains("(1 warning)"),
        "{stdout}"
    );
    assert!(
        stderr.starts_with("warning[no-effect]: option `z` of question `q` "),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("--> {}:48:6", path.display())),
        "file:line:column\n{stderr}"
    );
    assert!(
        stderr.contains("48 | id = \"z\""),
        "the line is shown\n{stderr}"
    );
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn validate_of_a_missing_file_exits_2_naming_the_path() {
    let (_, stderr) = expect_code(wizard().args(["validate", "no/such/tree.toml"]), 2);
    assert!(stderr.contains("cannot read no/such/tree.toml"), "{stderr}");
}

#[test]
fn validate_of_several_files_reports_the_problems_of_each() {
    let a = fixture("trees/invalid/bad-id.toml");
    let b = fixture("trees/invalid/negative-weight.toml");
    let (_, stderr) = expect_code(wizard().arg("validate").arg(&a).arg(&b), 2);
    assert!(
        stderr.contains(&format!("{}:21:6", a.display())),
        "{stderr}"
    );
    assert!(stderr.contains("error[bad-id]"), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:23:10", b.display())),
        "{stderr}"
    );
    assert!(stderr.contains("error[bad-number]"), "{stderr}");
    assert!(stderr.contains("2 of 2 file(s) invalid"), "{stderr}");

    // A valid file next to an invalid one: both are checked, the run fails.
    let ok = fixture("trees/valid/minimal.toml");
    let (stdout, stderr) = expect_code(wizard().arg("validate").arg(&ok).arg(&a), 2);
    assert!(
        stdout.contains(&format!("ok: {}", ok.display())),
        "{stdout}"
    );
    assert!(stderr.contains("1 of 2 file(s) invalid"), "{stderr}");
}

#[test]
fn validate_prints_every_problem_of_a_file_at_once() {
    let path = fixture("trees/invalid/several-problems.toml");
    let (_, stderr) = expect_code(wizard().arg("validate").arg(&path), 2);
    assert_eq!(
        stderr.matches("error[").count(),
        7,
        "seven problems:\n{stderr}"
    );
    assert!(stderr.contains("7 problems found"), "{stderr}");
}

#[test]

fn validate_with_the_questions_option_checks_that_tree() {
    // Regression: `validate` used to ignore --questions and check the built-in tree.
    let bad = fixture("trees/invalid/bad-id.toml");
    let (_, stderr) = expect_code(wizard().arg("--questions").arg(&bad).arg("validate"), 2);
    assert!(stderr.contains("error[bad-id]"), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// questions

#[test]
fn questions_prints_a_tree_that_validate_accepts() {
    let (tree, _) = expect_code(wizard().arg("questions"), 0);
    assert!(tree.contains("[[questions]]"), "{tree}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.toml");
    fs::write(&path, &tree).unwrap();
    let (stdout, _) = expect_code(wizard().arg("validate").arg(&path), 0);
    assert!(
        stdout.contains(&format!("ok: {}", path.display())),
        "{stdout}"
    );
    // The copy is the tree `recommend` uses by default.
    let copy = Tree::load(&path).unwrap();
    let builtin = Tree::default_tree();
    assert_eq!(copy.meta.id, builtin.meta.id);
    assert_eq!(copy.questions.len(), builtin.questions.len());
}

// ---------------------------------------------------------------------------------------
// recommend

#[test]
fn the_start_up_example_is_recommended_open_source() {
    let (md, _) = expect_code(&mut recommend(&example("startup-open-source.toml")), 0);
    assert!(
        md.starts_with("---\nstatus: proposed\n"),
        "MADR front matter:\n{md}"
    );
    assert!(md.contains(&format!("\ndate: {DATE}\n")), "{md}");
    assert!(md.contains("\n# "), "a markdown title:\n{md}");
    assert!(md.contains("## Summary"), "{md}");
    assert!(md.contains("## Decision outcome"), "{md}");
    let verdict = verdict_line(&md);
    assert!(verdict.contains("Open-source"), "{verdict}");
    assert!(!verdict.contains("Proprietary"), "{verdict}");
}

#[test]
fn the_enterprise_example_is_recommended_proprietary() {
    let (md, _) = expect_code(&mut recommend(&example("enterprise-proprietary.toml")), 0);
    let verdict = verdict_line(&md);
    assert!(verdict.contains("Proprietary"), "{verdict}");
    assert!(!verdict.contains("Open-source"), "{verdict}");
}

#[test]
fn the_json_report_has_the_documented_shape() {
    let tree = Tree::default_tree();
    let alternative_ids: Vec<&str> = tree.alternatives.iter().map(|a| a.id.as_str()).collect();
    for (file, verdict) in [
        ("startup-open-source.toml", "open_source"),
        ("enterprise-proprietary.toml", "proprietary"),
        ("partial.toml", ""),
    ] {
        let json = json_report(&example(file));
        if !verdict.is_empty() {
            assert_eq!(json["verdict"], verdict, "{file}");
        }
        assert!(json["verdict"].is_string(), "{file}: {json}");

        let scores = json["scores"].as_object().expect("scores is an object");
        let mut keys: Vec<&str> = scores.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut want = alternative_ids.clone();
        want.sort_unstable();
        assert_eq!(keys, want, "{file}: scores are keyed by alternative id");
        assert!(scores.values().all(Value::is_number));

        let kind = json["verdict_kind"].as_str().expect("verdict_kind");
        assert!(
            ["free", "forced", "tie", "insufficient"].contains(&kind),
            "{file}: {kind}"
        );
        let robustness = &json["robustness"];
        let level = robustness["level"].as_str().expect("robustness.level");
        assert!(
            ["high", "medium", "low", "insufficient"].contains(&level),
            "{file}: {level}"
        );
        assert!(robustness["margin"]["difference"].is_number(), "{file}");
        assert!(robustness["single_flips"].is_u64(), "{file}");
        assert!(robustness["open_questions_can_flip"].is_string(), "{file}");
        assert!(json["tipping_points"].is_array(), "{file}");
        assert!(json["open_questions"].is_array(), "{file}");
        assert!(json["conflicts"].is_array(), "{file}");
        let stages = json["stages"].as_array().expect("stages is an array");
        assert_eq!(stages.len(), tree.stages.len(), "{file}");
        for s in stages {
            for key in [
                "id", "title", "in_scope", "path", "scores", "reasons", "tools",
            ] {
                assert!(
                    !s[key].is_null() || key == "path",
                    "{file}: stage.{key} in {s}"
                );
            }
        }

        let criteria = json["criteria"].as_array().expect("criteria is an array");
        assert_eq!(criteria.len(), tree.criteria.len(), "{file}");
        for c in criteria {
            for key in ["id", "title", "leaning", "scores", "reasons"] {
                assert!(
                    c.get(key).is_some(),
                    "{file}: criterion without `{key}`: {c}"
                );
            }
            assert!(c["scores"].is_object() && c["reasons"].is_array(), "{c}");
            let leaning = c["leaning"].as_str().unwrap();
            assert!(
                leaning == "neither" || alternative_ids.contains(&leaning),
                "{file}: leaning {leaning}"
            );
        }

        let unanswered = json["unanswered"]
            .as_array()
            .expect("unanswered is an array");
        if file == "partial.toml" {
            assert!(
                !unanswered.is_empty(),
                "a partial interview leaves questions"
            );
        } else {
            assert!(unanswered.is_empty(), "{file}: {unanswered:?}");
        }
    }
}

#[test]
fn output_writes_the_file_and_refuses_to_overwrite_it_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("decision.md");
    let answers = example("startup-open-source.toml");

    let (printed, _) = expect_code(&mut recommend(&answers), 0);
    let (stdout, _) = expect_code(recommend(&answers).arg("--output").arg(&out), 0);
    assert!(stdout.is_empty(), "the report goes to the file: {stdout}");
    assert_eq!(fs::read_to_string(&out).unwrap(), printed);

    // A second run, with different content, must not touch the file.
    let (_, stderr) = expect_code(
        recommend(&answers)
            .args(["--format", "json", "--output"])
            .arg(&out),
        2,
    );
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert!(stderr.contains(&out.display().to_string()), "{stderr}");
    assert_eq!(fs::read_to_string(&out).unwrap(), printed, "untouched");

    // With --force it is replaced.
    expect_code(
        recommend(&answers)
            .args(["--format", "json", "--force", "--output"])
            .arg(&out),
        0,
    );
    let written = fs::read_to_string(&out).unwrap();
    let json: Value = serde_json::from_str(&written).expect("the JSON report");
    assert_eq!(json["verdict"], "open_source");

    // No temporary file is left beside it.
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["decision.md"]);
}

#[test]
fn output_into_a_missing_folder_exits_1_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no-such-folder").join("decision.md");
    let (stdout, stderr) = expect_code(
        recommend(&example("partial.toml"))
            .arg("--output")
            .arg(&out),
        1,
    );
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert!(stderr.contains(&out.display().to_string()), "{stderr}");
    assert!(!out.exists());
}

/// Invalid answers fixtures: the problem kind, the answer key and where it is.
const BAD_ANSWERS: &[(&str, &str, &str, usize)] = &[
    ("unknown-question", "unknown-question", "team_sise", 5),
    ("unknown-option", "bad-answer", "team_size", 4),
    ("wrong-type-single-number", "wrong-type", "team_size", 4),
    ("wrong-type-multiple-string", "wrong-type", "ml_stages", 4),
    ("wrong-type-priorities", "wrong-type", "priorities", 4),
    ("priorities-out-of-range", "bad-answer", "priorities", 4),
    ("priorities-unknown-criterion", "bad-answer", "costs", 4),
    ("hidden-question", "hidden-question", "oss_training_plan", 6),
    ("unknown-meta-key", "syntax", "respondant", 4),
    ("not-toml", "syntax", "", 3),
];

#[test]
fn invalid_answers_exit_2_naming_the_key_and_its_place() {
    let on_disk = toml_files(&fixture("answers/invalid"));
    assert_eq!(
        on_disk.len(),
        BAD_ANSWERS.len(),
        "every invalid answers fixture is in BAD_ANSWERS"
    );
    for &(stem, kind, key, line) in BAD_ANSWERS {
        let path = fixture(&format!("answers/invalid/{stem}.toml"));
        assert!(path.exists(), "{}", path.display());
        let (stdout, stderr) = expect_code(&mut recommend(&path), 2);
        assert!(stdout.is_empty(), "{stem}: no report\n{stdout}");
        assert!(
            stderr.contains(&format!("error[{kind}]")),
            "{stem}: {kind}\n{stderr}"
        );
        assert!(stderr.contains(key), "{stem}: names `{key}`\n{stderr}");
        let place = format!("--> {}:{line}:", path.display());
        assert!(stderr.contains(&place), "{stem}: {place}\n{stderr}");
    }
}

#[test]
fn lenient_skips_a_hidden_answer_with_a_warning() {
    let path = fixture("answers/invalid/hidden-question.toml");
    let (stdout, stderr) = expect_code(recommend(&path).args(["--lenient", "--format", "json"]), 0);
    assert!(stderr.contains("warning"), "{stderr}");
    assert!(stderr.contains("oss_training_plan"), "{stderr}");
    let json: Value = serde_json::from_str(&stdout).expect("a JSON report");
    let answers = json["answers"].as_object().expect("answers");
    assert!(answers.contains_key("team_oss_expertise"), "{answers:?}");
    assert!(
        !answers.contains_key("oss_training_plan"),
        "the hidden answer does not count: {answers:?}"
    );
}

#[test]
fn lenient_still_refuses_a_file_that_is_not_toml() {
    let path = fixture("answers/invalid/not-toml.toml");
    let (_, stderr) = expect_code(recommend(&path).arg("--lenient"), 2);
    assert!(stderr.contains("error[syntax]"), "{stderr}");
}

#[test]
fn answers_dash_reads_standard_input() {
    let path = example("enterprise-proprietary.toml");
    let (from_file, _) = expect_code(&mut recommend(&path), 0);
    let text = fs::read_to_string(&path).unwrap();
    let (from_stdin, _) = expect_code(
        wizard()
            .args(["recommend", "--answers", "-", "--date", DATE])
            .write_stdin(text),
        0,
    );
    assert_eq!(from_stdin, from_file);

    // Problems in standard input are placed in `<stdin>`.
    let (_, stderr) = expect_code(
        wizard()
            .args(["recommend", "--answers", "-"])
            .write_stdin("[answers]\nteam_size = 3\n"),
        2,
    );
    assert!(stderr.contains("<stdin>:2:"), "{stderr}");
}

#[test]
fn a_bad_date_exits_2() {
    for date in ["2026-13-01", "28/11/2026", "tomorrow", ""] {
        let (stdout, stderr) = expect_code(
            wizard().args([
                "recommend",
                "--answers",
                "examples/partial.toml",
                "--date",
                date,
            ]),
            2,
        );
        assert!(stdout.is_empty(), "{stdout}");
        assert!(stderr.contains("--date"), "{date}: {stderr}");
    }
}

#[test]
fn a_missing_answers_file_exits_2_naming_it() {
    let (_, stderr) = expect_code(
        wizard().args(["recommend", "--answers", "no/such/answers.toml"]),
        2,
    );
    assert!(stderr.contains("no/such/answers.toml"), "{stderr}");
}

#[test]
fn unknown_flags_and_missing_arguments_exit_2() {
    expect_code(wizard().arg("--no-such-flag"), 2);
    expect_code(wizard().args(["validate", "--no-such-flag"]), 2);
    expect_code(wizard().arg("no-such-command"), 2);
    let (_, stderr) = expect_code(wizard().arg("recommend"), 2);
    assert!(stderr.contains("--answers"), "{stderr}");
    expect_code(
        wizard().args([
            "recommend",
            "--answers",
            "examples/partial.toml",
            "--format",
            "pdf",
        ]),
        2,
    );
}

#[test]
fn help_exits_0_and_lists_the_commands() {
    for flag in ["--help", "-h"] {
        let (stdout, _) = expect_code(wizard().arg(flag), 0);
        for command in ["recommend", "validate", "questions"] {
            assert!(stdout.contains(command), "{flag}: {command}\n{stdout}");
        }
    }
    let (stdout, _) = expect_code(wizard().args(["recommend", "--help"]), 0);
    assert!(
        stdout.contains("--answers") && stdout.contains("--lenient"),
        "{stdout}"
    );
    let (stdout, _) = expect_code(wizard().arg("--version"), 0);
    assert!(stdout.contains(env!("CARGO_PKG_VERSION")), "{stdout}");
}

#[test]
fn without_a_command_and_without_a_terminal_the_wizard_points_to_recommend() {
    // The test's standard input and output are not terminals.
    let (stdout, stderr) = expect_code(&mut wizard(), 2);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("recommend --answers"), "{stderr}");
    // --answers and --resume exclude each other.
    expect_code(
        wizard().args(["--answers", "examples/partial.toml", "--resume"]),
        2,
    );
}

#[test]
fn recommend_with_a_custom_tree() {
    let tree = fixture("trees/valid/branching.toml");
    let answers = fixture("answers/valid/branching.toml");
    let (md, stderr) = expect_code(
        wizard()
            .arg("recommend")
            .arg("--questions")
            .arg(&tree)
            .arg("--answers")
            .arg(&answers)
            .args(["--date", DATE]),
        0,
    );
    assert!(
        stderr.is_empty(),
        "no note: the answers name this tree\n{stderr}"
    );
    assert!(md.contains("\n# Branching test: Build or buy?\n"), "{md}");
    assert!(verdict_line(&md).contains("Build it"), "{md}");

    let (json, _) = expect_code(
        wizard()
            .arg("-q")
            .arg(&tree)
            .arg("recommend")
            .arg("-a")
            .arg(&answers)
            .args(["-f", "json", "--date", DATE]),
        0,
    );
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["verdict"], "build");
    assert_eq!(json["tree"]["id"], "branching");
    // The deepest follow-up was asked and counted.
    assert!(json["answers"].get("mentor_budget").is_some(), "{json}");
    assert!(json["unanswered"].as_array().unwrap().is_empty(), "{json}");

    // The minimal tree works too.
    let (json, _) = expect_code(
        wizard()
            .arg("--questions")
            .arg(fixture("trees/valid/minimal.toml"))
            .arg("recommend")
            .arg("--answers")
            .arg(fixture("answers/valid/minimal.toml"))
            .args(["--format", "json", "--date", DATE]),
        0,
    );
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["verdict"], "b");
}

#[test]
fn recommend_with_an_invalid_custom_tree_exits_2() {
    let tree = fixture("trees/invalid/condition-cycle.toml");
    let (stdout, stderr) = expect_code(
        wizard().arg("--questions").arg(&tree).args([
            "recommend",
            "--answers",
            "examples/partial.toml",
        ]),
        2,
    );
    assert!(stdout.is_empty());
    assert!(stderr.contains("error[cycle]"), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:51:24", tree.display())),
        "{stderr}"
    );
}

#[test]
fn answers_for_another_tree_are_refused_with_their_keys() {
    // The branching answers against the built-in tree: none of its questions exist there
    // except project_name and notes.
    let answers = fixture("answers/valid/branching.toml");
    let (_, stderr) = expect_code(&mut recommend(&answers), 2);
    assert!(stderr.contains("error[unknown-question]"), "{stderr}");
    assert!(stderr.contains("mentor_budget"), "{stderr}");
    // In lenient mode they are skipped, and the tree mismatch is noted.
    let (_, stderr) = expect_code(recommend(&answers).arg("--lenient"), 0);
    assert!(stderr.contains("note:"), "{stderr}");
    assert!(stderr.contains("warning"), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// Output that cannot be written, and closed standard streams

/// The binary, as a plain process (for standard streams `assert_cmd` does not offer).
fn process() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mlops-wizard"));
    cmd.current_dir(root()).env("NO_COLOR", "1");
    cmd
}

/// Runs `mlops-wizard ARGS` through `sh` with the redirections `redirect` (such as
/// `>&-`); returns the exit code and standard error.
#[cfg(unix)]
fn with_shell(args: &str, redirect: &str) -> (Option<i32>, String) {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("\"$0\" {args} {redirect}"))
        .arg(env!("CARGO_BIN_EXE_mlops-wizard"))
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "{args} {redirect} panicked:\n{stderr}"
    );
    (out.status.code(), stderr)
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    // A pipe whose reading end is already closed: every write fails with a broken pipe,
    // as for `mlops-wizard validate | head -1` once head has exited.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = process()
        .args(["validate"])
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.is_empty(),
        "nothing to say about a closed pipe: {stderr}"
    );

    // The same on standard error: the warnings of --lenient.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = process()
        .arg("recommend")
        .arg("--lenient")
        .arg("--answers")
        .arg(fixture("answers/invalid/hidden-question.toml"))
        .stdout(std::process::Stdio::piped())
        .stderr(writer)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("## Decision outcome"));
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_standard_output_is_an_error() {
    let full = || {
        fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    for args in [
        &["validate"][..],
        &["questions"],
        &["recommend", "--answers", "examples/partial.toml"],
        &["--help"],
        &["--version"],
    ] {
        let out = process()
            .args(args)
            .stdout(full())
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to standard output"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    // Standard error full: the message is lost, the status still says it.
    let out = process()
        .args(["validate", "missing.toml"])
        .stderr(full())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = process()
        .arg("recommend")
        .arg("--lenient")
        .arg("--answers")
        .arg(fixture("answers/invalid/hidden-question.toml"))
        .stdout(std::process::Stdio::null())
        .stderr(full())
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the warnings could not be shown"
    );
}

#[cfg(unix)]
#[test]
fn closed_standard_streams_are_not_a_success() {
    let (code, stderr) = with_shell("validate", ">&-");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("standard output"), "{stderr}");
    assert!(stderr.contains("closed"), "{stderr}");

    let (code, stderr) = with_shell("recommend --answers -", "<&-");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("standard input is closed"), "{stderr}");

    let (code, _) = with_shell(
        "recommend --lenient --answers tests/fixtures/answers/invalid/hidden-question.toml",
        ">/dev/null 2>&-",
    );
    assert_eq!(code, Some(1), "the warnings could not be written");

    // A report written to a file while standard output is closed lands in the file, not
    // in what the closed stream's number was given to.
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.md");
    let (code, stderr) = with_shell(
        &format!(
            "recommend --answers examples/partial.toml -o {}",
            report.display()
        ),
        ">&-",
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        fs::read_to_string(&report)
            .unwrap()
            .starts_with("---\nstatus: proposed\n")
    );

    // /dev/null is not closed.
    let (code, stderr) = with_shell("validate", ">/dev/null");
    assert_eq!(code, Some(0), "{stderr}");
}

// ---------------------------------------------------------------------------------------
// Untrusted text never reaches the terminal raw

/// What a terminal would act on: C0 controls but line feed and tab, DEL, C1 controls, and
/// the bidirectional controls.
fn terminal_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
        })
        .collect()
}

#[test]
fn escape_sequences_in_files_are_shown_not_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    // OSC 52 (write the clipboard), a title, clear screen, CSI as C1, a bidi override.
    let evil = r"\u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b]0;title\u0007\u001b[2J\u009b2J\u202e";
    let tree = fs::read_to_string(fixture("trees/valid/minimal.toml"))
        .unwrap()
        .replacen("id = \"q\"", &format!("id = \"q{evil}\""), 1)
        .replacen("criterion = \"c\"", &format!("criterion = \"c{evil}\""), 1);
    let named = dir.path().join("tree\u{1b}[2J\u{7}.toml");
    fs::write(&named, &tree).unwrap();
    let (_, stderr) = expect_code(wizard().arg("validate").arg(&named), 2);
    assert!(stderr.contains("\\u{1b}]52;c;"), "{stderr}");
    assert!(stderr.contains("tree\\u{1b}[2J\\u{7}.toml"), "{stderr}");
    assert_eq!(terminal_controls(&stderr), Vec::<char>::new(), "{stderr:?}");

    let answers = dir.path().join("answers.toml");
    fs::write(
        &answers,
        format!("[answers]\n\"x{evil}\" = \"yes\"\nteam_size = \"big{evil}\"\n"),
    )
    .unwrap();
    let (_, stderr) = expect_code(&mut recommend(&answers), 2);
    assert!(stderr.contains("error[unknown-question]"), "{stderr}");
    assert!(stderr.contains("\\u{202e}"), "{stderr}");
    assert_eq!(terminal_controls(&stderr), Vec::<char>::new(), "{stderr:?}");
    let (_, stderr) = expect_code(recommend(&answers).arg("--lenient"), 0);
    assert_eq!(terminal_controls(&stderr), Vec::<char>::new(), "{stderr:?}");

    // The tree's version and texts in a report.
    let tree = fs::read_to_string(fixture("trees/valid/minimal.toml"))
        .unwrap()
        .replacen("version = \"1\"", &format!("version = \"1{evil}\""), 1)
        .replacen(
            "title = \"Alternative A\"",
            &format!("title = \"A{evil}\""),
            1,
        );
    let tree_path = dir.path().join("tree.toml");
    fs::write(&tree_path, tree).unwrap();
    let answers = dir.path().join("a.toml");
    fs::write(
        &answers,
        format!("[meta]\nrespondent = \"me{evil}\"\n[answers]\nq = \"x\"\n"),
    )
    .unwrap();
    for format in ["markdown", "json"] {
        let (stdout, _) = expect_code(
            recommend(&answers)
                .arg("--questions")
                .arg(&tree_path)
                .args(["--format", format]),
            0,
        );
        assert_eq!(terminal_controls(&stdout), Vec::<char>::new(), "{stdout}");
        assert!(
            stdout.contains("202e") || stdout.contains("202E"),
            "{stdout}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// completions and man page

/// The subcommands a user can type.
const SUBCOMMANDS: [&str; 8] = [
    "config",
    "recommend",
    "diff",
    "validate",
    "questions",
    "completions",
    "schema",
    "man",
];

#[test]
fn completions_for_every_shell_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (script, stderr) = expect_code(wizard().args(["completions", shell]), 0);
        assert!(stderr.is_empty(), "{shell}: {stderr}");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: `{sub}` missing");
        }
        assert!(script.contains("answers"), "{shell}: options are completed");
    }
    let (_, stderr) = expect_code(wizard().args(["completions", "tcsh"]), 2);
    assert!(stderr.contains("invalid value"), "{stderr}");
}

#[test]
fn the_man_page_has_every_subcommand_and_man_reads_it_without_warnings() {
    let (page, _) = expect_code(wizard().arg("man"), 0);
    assert!(page.starts_with(".ie \\n(.g .ds Aq \\(aq") || page.contains(".TH mlops-wizard"));
    for sub in SUBCOMMANDS {
        let heading = format!(".SH \"MLOPS-WIZARD {}\"", sub.to_uppercase());
        assert!(page.contains(&heading), "no section {heading}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mlops-wizard.1");
    fs::write(&file, &page).unwrap();
    match Command::new("man")
        .arg("--warnings")
        .arg("-l")
        .arg(&file)
        .output()
    {
        Err(_) => eprintln!("skipped: `man` is not installed, so the page was not rendered"),
        Ok(out) => {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let warnings = String::from_utf8_lossy(&out.stderr);
            assert!(warnings.trim().is_empty(), "man warns:\n{warnings}");
            assert!(String::from_utf8_lossy(&out.stdout).contains("MLOPS-WIZARD RECOMMEND"));
        }
    }
}

// ---------------------------------------------------------------------------------------
// docs/report-json.md documents every field of the JSON report

/// The fields documented in docs/report-json.md: for each section (the JSON path in its
/// heading, `""` for the top level), each key and the text of its type column.
fn documented_fields() -> BTreeMap<String, BTreeMap<String, String>> {
    let text = fs::read_to_string(root().join("docs/report-json.md")).unwrap();
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut section: Option<String> = None;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            section = if heading == "Top level" {
                Some(String::new())
            } else {
                heading
                    .strip_prefix('`')
                    .and_then(|h| h.strip_suffix('`'))
                    .map(str::to_string)
            };
            continue;
        }
        let (Some(path), Some(row)) = (&section, line.strip_prefix("| `")) else {
            continue;
        };
        let (key, rest) = row.split_once('`').expect("a key in backquotes");
        let ty = rest.split('|').nth(1).expect("a type column").trim();
        let previous = out
            .entry(path.clone())
            .or_default()
            .insert(key.to_string(), ty.to_string());
        assert!(
            previous.is_none(),
            "`{key}` is documented twice in `{path}`"
        );
    }
    out
}

/// The objects found at a documented path (`stages[].tools[]`) of a report.
fn objects_at<'v>(report: &'v Value, path: &str) -> Vec<&'v serde_json::Map<String, Value>> {
    let mut values = vec![report];
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, array) = match part.strip_suffix("[]") {
            Some(key) => (key, true),
            None => (part, false),
        };
        values = values
            .into_iter()
            .filter_map(|v| v.get(key))
            .flat_map(|v| match (array, v.as_array()) {
                (true, Some(items)) => items.iter().collect(),
                (true, None) => Vec::new(),
                (false, _) => vec![v],
            })
            .collect();
    }
    values.into_iter().filter_map(Value::as_object).collect()
}

/// Whether `value` fits the documented type (`string or null`, `array of objects`,
/// `map of ... to ...`, `answer`, `string, absent unless ...`).
fn fits(value: &Value, ty: &str) -> bool {
    if ty.starts_with("map ") {
        return value.is_object();
    }
    if ty == "answer" {
        return true;
    }
    let ty = ty.split(',').next().unwrap_or(ty);
    ty.split(" or ").any(|t| match t.trim() {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "object" => value.is_object(),
        "array of strings" => value
            .as_array()
            .is_some_and(|a| a.iter().all(Value::is_string)),
        "array of objects" => value
            .as_array()
            .is_some_and(|a| a.iter().all(Value::is_object)),
        other => panic!("docs/report-json.md: unknown type `{other}`"),
    })
}

#[test]
fn the_json_report_top_level_keys_are_exactly_those_documented() {
    let documented: BTreeSet<String> = documented_fields()
        .remove("")
        .expect("a `## Top level` section")
        .into_keys()
        .collect();
    for file in ["startup-open-source.toml", "partial.toml"] {
        let json = json_report(&example(file));
        let in_report: BTreeSet<String> = json.as_object().unwrap().keys().cloned().collect();
        let undocumented: Vec<&String> = in_report.difference(&documented).collect();
        let absent: Vec<&String> = documented.difference(&in_report).collect();
        assert!(
            undocumented.is_empty() && absent.is_empty(),
            "{file}: in the report but not in docs/report-json.md: {undocumented:?}; \
             documented as top-level but not in the report: {absent:?}"
        );
    }
}

#[test]
fn the_json_report_fields_are_all_documented() {
    // The examples and the scenarios between them reach every part of the report: ties,
    // conflicts, exclusions, open questions, priorities among tipping points.
    let mut files = vec![
        example("startup-open-source.toml"),
        example("enterprise-proprietary.toml"),
        example("partial.toml"),
    ];
    files.extend(toml_files(&fixture("scenarios")));
    let reports: Vec<Value> = files.iter().map(|f| json_report(f)).collect();
    let documented = documented_fields();
    for (path, fields) in &documented {
        let objects: Vec<_> = reports.iter().flat_map(|r| objects_at(r, path)).collect();
        assert!(
            !objects.is_empty(),
            "no report has `{path}`: is it still in the report?"
        );
        for object in &objects {
            for (key, value) in *object {
                let ty = fields.get(key).unwrap_or_else(|| {
                    panic!("`{key}` of `{path}` is not documented in docs/report-json.md")
                });
                assert!(
                    fits(value, ty),
                    "`{path}`.`{key}` is documented as `{ty}` but is {value}"
                );
                // Objects and arrays of objects have their own section, except maps.
                let sub = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if value.is_object() && !ty.starts_with("map ") {
                    assert!(documented.contains_key(&sub), "no section for `{sub}`");
                }
                if value
                    .as_array()
                    .is_some_and(|a| a.iter().any(Value::is_object))
                {
                    let sub = format!("{sub}[]");
                    assert!(documented.contains_key(&sub), "no section for `{sub}`");
                }
            }
        }
        for (key, ty) in fields {
            if ty.contains("absent") {
                assert!(
                    objects.iter().any(|o| o.contains_key(key)),
                    "`{path}`.`{key}` never appears in a report"
                );
            } else {
                for object in &objects {
                    assert!(
                        object.contains_key(key),
                        "`{path}`.`{key}` is documented as always present but is missing"
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// the configuration file

/// The binary with a home of its own and no configuration variable set.
fn with_home(home: &Path) -> Command {
    let mut cmd = wizard();
    cmd.env_remove("MLOPS_WIZARD_CONFIG")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", home);
    cmd
}

#[test]
fn config_path_follows_xdg_the_variable_and_the_flag() {
    let home = tempfile::tempdir().unwrap();
    let (out, _) = expect_code(with_home(home.path()).args(["config", "--path"]), 0);
    assert_eq!(
        out.trim(),
        home.path()
            .join(".config/mlops-wizard/config.toml")
            .display()
            .to_string()
    );
    let (out, _) = expect_code(
        with_home(home.path())
            .env("XDG_CONFIG_HOME", home.path().join("xdg"))
            .args(["config", "--path"]),
        0,
    );
    assert!(
        out.trim().ends_with("/xdg/mlops-wizard/config.toml"),
        "{out}"
    );
    let (out, _) = expect_code(
        with_home(home.path())
            .env("MLOPS_WIZARD_CONFIG", "/etc/mw.toml")
            .args(["config", "--path"]),
        0,
    );
    assert_eq!(out.trim(), "/etc/mw.toml");
    let (out, _) = expect_code(
        with_home(home.path()).args(["--config", "here.toml", "config", "--path"]),
        0,
    );
    assert_eq!(out.trim(), "here.toml");
    let (_, err) = expect_code(
        with_home(home.path()).args(["--no-config", "config", "--path"]),
        2,
    );
    assert!(
        err.contains("no configuration file is read: --no-config"),
        "{err}"
    );
}

#[test]
fn config_default_starts_a_file_that_config_accepts() {
    let home = tempfile::tempdir().unwrap();
    let (template, _) = expect_code(with_home(home.path()).args(["config", "--default"]), 0);
    assert!(!template.starts_with("#:schema"), "{template}");
    let (out, _) = expect_code(with_home(home.path()).arg("config"), 0);
    assert!(
        out.contains("does not exist: the built-in defaults apply"),
        "{out}"
    );
    let file = home.path().join(".config/mlops-wizard/config.toml");
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    fs::write(&file, &template).unwrap();
    let (out, _) = expect_code(with_home(home.path()).arg("config"), 0);
    assert!(
        out.contains(&format!("file: {} (ok)", file.display())),
        "{out}"
    );
    assert!(out.contains("theme: auto (from the file)"), "{out}");
    assert!(out.contains("questions: built in"), "{out}");
}

#[test]
fn the_file_s_tree_is_used_and_a_flag_wins_over_it() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    fs::write(
        &config,
        format!(
            "questions = {:?}\n",
            fixture("trees/valid/wizard.toml").display().to_string()
        ),
    )
    .unwrap();
    let (out, _) = expect_code(
        with_home(home.path())
            .env("MLOPS_WIZARD_CONFIG", &config)
            .arg("validate"),
        0,
    );
    assert!(out.contains("wizard.toml: 12 questions"), "{out}");
    let (out, _) = expect_code(
        with_home(home.path())
            .env("MLOPS_WIZARD_CONFIG", &config)
            .args(["--questions", "questions/mlops.toml", "validate"]),
        0,
    );
    assert!(out.contains("ok: questions/mlops.toml"), "{out}");
    // The answers fit the built-in tree, not the file's: --no-config brings the built-in back.
    let answers = example("partial.toml");
    expect_code(
        with_home(home.path())
            .env("MLOPS_WIZARD_CONFIG", &config)
            .arg("recommend")
            .arg("--answers")
            .arg(&answers),
        2,
    );
    expect_code(
        with_home(home.path())
            .env("MLOPS_WIZARD_CONFIG", &config)
            .args(["--no-config", "recommend", "--answers"])
            .arg(&answers),
        0,
    );
}

#[test]
fn a_broken_configuration_is_bad_input_with_its_line_and_column() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    for (text, at, says) in [
        (
            "plain = true\ntheme = \"blue\"\n",
            ":2:9",
            "unknown variant `blue`",
        ),
        (
            "[export]\nfilename = \"x.md\"\n",
            ":2:1",
            "unknown field `filename`",
        ),
        (
            "tools = \"no-such.toml\"\n",
            ":1:9",
            "is not a file that exists",
        ),
        (
            "[export]\nfile_name = \"{who}.md\"\n",
            ":2:13",
            "the placeholders are `{date}`, `{respondent}` and `{tree}`",
        ),
        ("theme = \n", ":1:9", "string values must be quoted"),
    ] {
        fs::write(&config, text).unwrap();
        for args in [
            &["config"][..],
            &["recommend", "--answers", "examples/partial.toml"],
            &[],
        ] {
            let (_, err) = expect_code(
                with_home(home.path())
                    .env("MLOPS_WIZARD_CONFIG", &config)
                    .args(args),
                2,
            );
            assert!(
                err.contains(&format!("{}{at}", config.display())) && err.contains(says),
                "{text:?} with {args:?}:\n{err}"
            );
        }
    }
    // What prints what is built in still runs.
    for args in [
        &["questions"][..],
        &["schema", "tree"],
        &["man"],
        &["completions", "fish"],
    ] {
        expect_code(
            with_home(home.path())
                .env("MLOPS_WIZARD_CONFIG", &config)
                .args(args),
            0,
        );
    }
    let (_, err) = expect_code(
        with_home(home.path()).args(["--config", "/no/such/config.toml", "validate"]),
        2,
    );
    assert!(
        err.contains("cannot read the configuration file /no/such/config.toml"),
        "{err}"
    );
}

#[test]
fn today_follows_tz() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("empty.toml");
    fs::write(&answers, "[answers]\n").unwrap();
    let date_in = |zone: &str| {
        let tz = jiff::tz::TimeZone::get(zone).unwrap();
        jiff::Timestamp::now()
            .to_zoned_datetime(tz)
            .date()
            .to_string()
    };
    // Fourteen hours ahead and eleven behind: always two different dates.
    for zone in ["Pacific/Kiritimati", "Pacific/Pago_Pago"] {
        if !Path::new("/usr/share/zoneinfo").join(zone).exists() {
            eprintln!("skipped {zone}: no time-zone database on this machine");
            continue;
        }
        let before = date_in(zone);
        let (out, _) = expect_code(
            wizard()
                .env("TZ", zone)
                .args(["recommend", "--answers"])
                .arg(&answers),
            0,
        );
        let after = date_in(zone);
        assert!(
            out.contains(&format!("date: {before}")) || out.contains(&format!("date: {after}")),
            "{zone}: {before}:\n{}",
            &out[..out.len().min(300)]
        );
    }
}
