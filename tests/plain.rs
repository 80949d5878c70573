//! The plain mode with answers piped in: no terminal at all, one answer a line. Chosen
//! with `--plain`, or by itself when `TERM=dumb`.

use std::path::Path;

use assert_cmd::Command;

fn fixture_tree() -> &'static str {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/trees/valid/wizard.toml"
    )
}

fn wizard(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("mlops-wizard").unwrap();
    c.current_dir(dir)
        .env("MLOPS_WIZARD_STATE_DIR", dir.join("state"))
        .env("MLOPS_WIZARD_CONFIG", "")
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color");
    c
}

/// Answers for the fixture tree, one a line, then the people, the report's path and the
/// two extra files.
const ANSWERS: &str = "Atlas\n1\n3\ny\nyes\n1\n12\n2\nn\n2=1 3=4\n\nDana\n\n\n\nn\nn\n";

#[test]
fn answers_piped_into_the_plain_mode_give_a_report_and_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let out = wizard(dir.path())
        .args(["--plain", "--questions", fixture_tree()])
        .write_stdin(ANSWERS)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("Question 1 of about 11 (Project)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  1. One to three people: A small team"),
        "{stdout}"
    );
    assert!(stdout.contains("The verdict:"), "{stdout}");
    assert!(stdout.contains("Robustness: "), "{stdout}");
    assert!(stdout.contains("Stack plan: "), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "no escape sequences:\n{stdout}");
    let reports: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".md"))
        .collect();
    assert_eq!(reports.len(), 1);
    let session = std::fs::read_to_string(
        dir.path()
            .join("state")
            .read_dir()
            .unwrap()
            .filter_map(|e| e.ok())
            .find(|e| e.file_name().to_string_lossy().ends_with(".toml"))
            .unwrap()
            .path(),
    )
    .unwrap();
    for line in [
        "name = \"Atlas\"",
        "team = \"small\"",
        "experience = \"no\"",
        "budget = \"yes\"",
        "support = \"yes\"",
        "stages = [\"train\"]",
        "tools = [\"t12\"]",
        "deadline = 2",
        "short = \"no\"",
        "priorities = { skills = 1, speed = 4 }",
        "decision_makers = [\"Dana\"]",
    ] {
        assert!(session.contains(line), "{line} in:\n{session}");
    }
}

#[test]
fn a_dumb_terminal_gets_the_plain_mode_and_input_can_end_early() {
    let dir = tempfile::tempdir().unwrap();
    let out = wizard(dir.path())
        .env("TERM", "dumb")
        .args(["--questions", fixture_tree()])
        .write_stdin("Atlas\n2\n")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("End of input: your answers so far are saved."),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("2 answers saved in"), "{stderr}");
    // --resume continues where the input ended.
    let out = wizard(dir.path())
        .args(["--plain", "--resume", "--questions", fixture_tree()])
        .write_stdin("q\n")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("Question 3 of about 11 (Team): Has the team run open tools before?"),
        "{stdout}"
    );
}

#[test]
fn bad_lines_are_explained_and_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    let out = wizard(dir.path())
        .args(["--plain", "--questions", fixture_tree()])
        .write_stdin("Atlas\n7\nmany\n1\n")
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("Choose a number from 1 to 2."), "{stdout}");
    assert!(stdout.contains("“many” is not a number."), "{stdout}");
    assert!(
        stdout.contains("Has the team run open tools before?"),
        "{stdout}"
    );
}

#[test]
fn the_configuration_file_chooses_plain_mode_and_names_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("conf");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::create_dir_all(dir.path().join("reports")).unwrap();
    std::fs::write(
        conf.join("config.toml"),
        format!(
            "questions = {:?}\nplain = true\n\n[export]\nfolder = \"../reports\"\nfile_name = \"{{tree}}-{{respondent}}-{{date}}.md\"\n",
            fixture_tree()
        ),
    )
    .unwrap();
    let out = wizard(dir.path())
        .env("MLOPS_WIZARD_CONFIG", conf.join("config.toml"))
        .args(["--respondent", "Ann Lee"])
        .write_stdin(ANSWERS)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("Question 1 of about 11"),
        "plain mode:\n{stdout}"
    );
    assert!(
        stdout.contains("/reports/wizard-test-ann-lee-"),
        "offered:\n{stdout}"
    );
    let reports: Vec<String> = std::fs::read_dir(dir.path().join("reports"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(
        reports[0].starts_with("wizard-test-ann-lee-") && reports[0].ends_with(".md"),
        "{reports:?}"
    );
}

#[test]
fn no_plain_on_the_command_line_wins_over_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "plain = true\n").unwrap();
    // The full-screen wizard needs a terminal: refusing for its lack shows it was chosen.
    let out = wizard(dir.path())
        .env("MLOPS_WIZARD_CONFIG", dir.path().join("config.toml"))
        .args(["--no-plain", "--questions", fixture_tree()])
        .write_stdin("")
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("terminal"), "{stderr}");
}
