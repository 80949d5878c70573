//! The wizard's state machine without a terminal: `update` driven through the real key
//! bindings (`keys::action_for_key`), on a small fixture tree
//! (tests/fixtures/trees/valid/wizard.toml) that covers every question kind, a follow-up,
//! an exclusion, a conflict, a long option list and a stack plan.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mlops_wizard::answers::{Answer, Answers, Strictness};
use mlops_wizard::source::Source;
use mlops_wizard::tui::app::{
    Action, App, Command, ExportError, ScreenId, StartOptions, Status, Tone, update,
};
use mlops_wizard::tui::keys::{self, Cmd, Context};
use mlops_wizard::tui::overlays::{Overlay, confirm::Dialog};
use mlops_wizard::tui::screens::export::{FolderState, PathCheck};
use mlops_wizard::{Recommendation, Tree};
use ratatui::layout::Rect;

const DATE: &str = "2026-11-28";
const AREA: Rect = Rect::new(0, 0, 80, 24);

fn tree() -> Tree {
    Tree::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/trees/valid/wizard.toml"
    )))
    .expect("the fixture tree loads")
}

fn options() -> StartOptions {
    StartOptions {
        date: DATE.into(),
        home: Some(PathBuf::from("/home/dana")),
        ..Default::default()
    }
}

fn app() -> App {
    App::new(tree(), options())
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// A key press through the real bindings; the commands it asks for.
fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    press_key(app, key(code))
}

fn press_key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    match keys::action_for_key(app, k, AREA) {
        Some(action) => update(app, action),
        None => Vec::new(),
    }
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn qidx(app: &App, id: &str) -> usize {
    app.tree.question_index(id).unwrap()
}

fn current_id(app: &App) -> String {
    app.current().id.to_string()
}

/// Opens a question through the go-to list, filtering it by the question's prompt.
fn goto(app: &mut App, id: &str) {
    if app.screen == ScreenId::Welcome {
        press(app, KeyCode::Enter);
    }
    let q = qidx(app, id);
    let prompt = app.tree.questions[q].prompt.clone();
    if app.typing() {
        update(app, Action::Cmd(Cmd::GoTo));
    } else {
        press(app, KeyCode::Char('g'));
    }
    assert!(matches!(app.overlay, Some(Overlay::Jump(_))));
    update(app, Action::Pick(q));
    assert_eq!(app.overlay, None);
    assert_eq!(current_id(app), id, "{prompt}");
}

fn value<'a>(app: &'a App, id: &str) -> Option<&'a Answer> {
    app.answers.values.get(id)
}

fn choice(id: &str) -> Answer {
    Answer::Choice(id.into())
}

fn saves(commands: &[Command]) -> Vec<&str> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::SaveSession(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

fn messages(app: &App) -> String {
    app.messages
        .iter()
        .map(|m| m.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The answers of the fixture, as answers-file text.
fn answers(text: &str) -> Answers {
    Answers::parse(&Source::new("a.toml", text), &tree(), Strictness::Strict)
        .unwrap()
        .answers
}

/// An app with every question answered, on the review.
fn answered_app() -> App {
    let a = answers(
        r#"[answers]
name = "Pipeline"
team = "large"
experience = "yes"
budget = "yes"
support = "no"
stages = ["train", "serve"]
tools = ["t11"]
deadline = 2
short = "no"
priorities = { cost = 4 }
notes = "None."
"#,
    );
    let app = App::new(
        tree(),
        StartOptions {
            answers: Some(a),
            skip_welcome: true,
            ..options()
        },
    );
    assert_eq!(app.screen, ScreenId::Review, "every question answered");
    app
}

/// The export screen of an answered app.
fn at_export() -> App {
    let mut app = answered_app();
    app.people.visited = true;
    app.go(ScreenId::Export);
    app
}

fn check(app: &App, is_dir: bool, folder: FolderState, existing: Vec<PathBuf>) -> Action {
    Action::PathChecked(PathCheck {
        request: app.export.request(app),
        is_dir,
        folder,
        folder_shown: None,
        existing,
    })
}

fn export_files(commands: &[Command]) -> Vec<PathBuf> {
    commands
        .iter()
        .find_map(|c| match c {
            Command::Export { files, .. } => Some(files.iter().map(|f| f.0.clone()).collect()),
            _ => None,
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// The walk.

#[test]
fn enter_starts_and_walks_every_question_to_the_review() {
    let mut app = app();
    assert_eq!(app.screen, ScreenId::Welcome);
    press(&mut app, KeyCode::Enter);
    assert_eq!(current_id(&app), "name");
    typed(&mut app, "Pipeline");
    let cmds = press(&mut app, KeyCode::Enter);
    assert_eq!(saves(&cmds).len(), 1, "the answer is saved at once");
    assert_eq!(value(&app, "name"), Some(&Answer::Text("Pipeline".into())));
    for _ in 0..30 {
        if app.screen != ScreenId::Question {
            break;
        }
        if app.current().kind == mlops_wizard::model::Kind::Text {
            typed(&mut app, "x");
        }
        press(&mut app, KeyCode::Enter);
    }
    assert_eq!(app.screen, ScreenId::People, "the optional step comes last");
    for _ in 0..3 {
        press(&mut app, KeyCode::Enter);
    }
    assert_eq!(app.screen, ScreenId::Review);
    assert_eq!(
        app.answered_count(),
        app.flow.len(),
        "every question answered"
    );
}

#[test]
fn enter_on_a_multiple_choice_question_with_nothing_ticked_ticks_the_highlighted_option() {
    let mut app = app();
    goto(&mut app, "stages");
    press(&mut app, KeyCode::Down);
    let cmds = press(&mut app, KeyCode::Enter);
    assert_eq!(
        value(&app, "stages"),
        Some(&Answer::Choices(vec!["serve".into()])),
        "not an empty answer"
    );
    assert_eq!(saves(&cmds).len(), 1);
    assert_eq!(current_id(&app), "tools", "and goes on");
}

#[test]
fn enter_keeps_the_ticks_given_and_unticking_the_last_leaves_no_answer() {
    let mut app = app();
    goto(&mut app, "stages");
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(
        value(&app, "stages"),
        Some(&Answer::Choices(vec!["train".into()]))
    );
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(value(&app, "stages"), None, "no ticks is no answer");
    goto(&mut app, "stages");
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        value(&app, "stages"),
        Some(&Answer::Choices(vec!["serve".into()])),
        "Enter with a tick keeps it as it is"
    );
}

#[test]
fn esc_goes_back_and_never_quits() {
    let mut app = app();
    goto(&mut app, "experience");
    press(&mut app, KeyCode::Esc);
    assert_eq!(current_id(&app), "team");
    assert!(!app.quit);
    assert_eq!(app.overlay, None);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, ScreenId::Welcome);
    press(&mut app, KeyCode::Esc);
    assert!(!app.quit, "Esc on the welcome screen does not quit either");
}

#[test]
fn esc_in_a_text_field_drops_the_edit_then_goes_back() {
    let mut app = app();
    goto(&mut app, "notes");
    typed(&mut app, "kept");
    press(&mut app, KeyCode::Enter);
    goto(&mut app, "notes");
    typed(&mut app, " and dropped");
    assert_eq!(app.question.text.value(), "kept and dropped");
    let cmds = press(&mut app, KeyCode::Esc);
    assert!(saves(&cmds).is_empty());
    assert_eq!(app.question.text.value(), "kept", "the edit is dropped");
    assert_eq!(value(&app, "notes"), Some(&Answer::Text("kept".into())));
    assert!(messages(&app).contains("dropped"));
    press(&mut app, KeyCode::Esc);
    assert_ne!(current_id(&app), "notes", "a second Esc goes back");
    assert!(!app.quit);
}

#[test]
fn q_quits_and_asks_first_when_answers_were_not_exported() {
    let mut fresh = app();
    press(&mut fresh, KeyCode::Char('q'));
    assert!(fresh.quit, "nothing to lose: quits at once");
    let mut app = app();
    goto(&mut app, "team");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.overlay, Some(Overlay::Confirm(Dialog::Quit)));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, None);
    assert!(!app.quit);
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('y'));
    assert!(app.quit);
}

#[test]
fn q_in_a_text_field_is_a_letter() {
    let mut app = app();
    goto(&mut app, "name");
    typed(&mut app, "quiq");
    assert!(!app.quit);
    assert_eq!(app.question.text.value(), "quiq");
}

#[test]
fn ctrl_c_quits_at_once_and_keeps_the_text_being_typed() {
    let mut app = app();
    goto(&mut app, "notes");
    typed(&mut app, "half");
    let cmds = press_key(&mut app, ctrl('c'));
    assert!(app.quit);
    assert_eq!(saves(&cmds).len(), 1);
    assert_eq!(value(&app, "notes"), Some(&Answer::Text("half".into())));
}

#[test]
fn notes_take_several_lines_and_ctrl_e_asks_for_the_editor() {
    let mut app = app();
    goto(&mut app, "notes");
    typed(&mut app, "one");
    press_key(&mut app, ctrl('j'));
    typed(&mut app, "two");
    assert_eq!(app.question.text.value(), "one\ntwo");
    let cmds = press_key(&mut app, ctrl('e'));
    assert_eq!(
        cmds,
        vec![Command::OpenEditor {
            text: "one\ntwo".into()
        }],
        "update only asks; the runtime runs the editor"
    );
    update(&mut app, Action::Edited(Ok("from the editor\n".into())));
    assert_eq!(app.question.text.value(), "from the editor");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        value(&app, "notes"),
        Some(&Answer::Text("from the editor".into()))
    );
}

#[test]
fn c_says_what_it_cleared_and_u_undoes() {
    let mut app = app();
    goto(&mut app, "team");
    press(&mut app, KeyCode::Enter);
    goto(&mut app, "team");
    let cmds = press(&mut app, KeyCode::Char('c'));
    assert_eq!(saves(&cmds).len(), 1);
    assert_eq!(value(&app, "team"), None);
    let m = messages(&app);
    assert!(
        m.contains("Cleared your answer “One to three people”"),
        "{m}"
    );
    assert!(m.contains("u undoes"), "{m}");
    let cmds = press(&mut app, KeyCode::Char('u'));
    assert_eq!(saves(&cmds).len(), 1, "the undone state is saved");
    assert_eq!(value(&app, "team"), Some(&choice("small")));
    press(&mut app, KeyCode::Char('u'));
    assert_eq!(value(&app, "team"), None, "and the change before it");
    press(&mut app, KeyCode::Char('u'));
    assert!(messages(&app).contains("Nothing to undo"));
}

#[test]
fn follow_ups_are_named_on_the_next_screen() {
    let mut app = app();
    goto(&mut app, "experience");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(current_id(&app), "learn");
    let m = messages(&app);
    assert!(
        m.contains("Your last answer adds 1 question: “Can the team learn them?”"),
        "{m}"
    );
    goto(&mut app, "experience");
    assert!(app.messages.is_empty(), "said once");
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char(' ')); // choose "Yes" and stay
    assert!(
        app.messages.is_empty(),
        "not on the question that caused it: {}",
        messages(&app)
    );
    press(&mut app, KeyCode::Right);
    let m = messages(&app);
    assert!(
        m.contains("removes 1 question that no longer applies: “Can the team learn them?”"),
        "{m}"
    );
}

#[test]
fn hidden_answers_are_kept_in_the_session_and_come_back() {
    let mut app = app();
    goto(&mut app, "experience");
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(current_id(&app), "learn");
    press(&mut app, KeyCode::Char('y'));
    goto(&mut app, "experience");
    let cmds = press(&mut app, KeyCode::Char('1'));
    let text = saves(&cmds)[0].to_string();
    assert!(text.contains("[hidden]\nlearn = \"yes\""), "{text}");
    // Read back as --resume reads it: the hidden answer returns with its question.
    let checked =
        Answers::parse(&Source::new("s.toml", text), &tree(), Strictness::Lenient).unwrap();
    assert!(
        !checked.answers.values.contains_key("learn"),
        "it does not count"
    );
    assert_eq!(checked.hidden.get("learn"), Some(&choice("yes")));
    let mut resumed = checked.answers.clone();
    resumed.values.extend(checked.hidden);
    let mut again = App::new(
        tree(),
        StartOptions {
            answers: Some(resumed),
            ..options()
        },
    );
    goto(&mut again, "experience");
    press(&mut again, KeyCode::Char('2'));
    assert_eq!(value(&again, "learn"), Some(&choice("yes")));
    assert!(again.flow.is_shown(qidx(&again, "learn")));
}

#[test]
fn an_exclusion_is_said_on_the_next_screen_and_a_conflict_at_once() {
    let mut app = app();
    goto(&mut app, "budget");
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(current_id(&app), "support");
    let m = messages(&app);
    assert!(
        m.contains("Buy a platform is ruled out by your last answer"),
        "{m}"
    );
    goto(&mut app, "team");
    press(&mut app, KeyCode::Char('2'));
    assert!(app.messages.iter().all(|s| s.tone != Tone::Warn));
    goto(&mut app, "short");
    press(&mut app, KeyCode::Char('y'));
    let warn: Vec<&Status> = app
        .messages
        .iter()
        .filter(|s| s.tone == Tone::Warn)
        .collect();
    assert_eq!(warn.len(), 1, "{:?}", app.messages);
    assert!(warn[0].text.contains("A short project with a large team"));
}

#[test]
fn priorities_change_with_arrows_and_digits() {
    let mut app = app();
    goto(&mut app, "priorities");
    press(&mut app, KeyCode::Right);
    assert_eq!(
        value(&app, "priorities"),
        Some(&Answer::Priorities([("cost".to_string(), 4)].into()))
    );
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Left);
    assert_eq!(
        value(&app, "priorities"),
        Some(&Answer::Priorities([("skills".to_string(), 1)].into())),
        "back at the default, a criterion is left out"
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(current_id(&app), "notes");
    // Enter alone answers "every criterion at its default".
    let mut app2 = self::app();
    goto(&mut app2, "priorities");
    press(&mut app2, KeyCode::Enter);
    assert_eq!(
        value(&app2, "priorities"),
        Some(&Answer::Priorities(Default::default()))
    );
}

#[test]
fn a_long_option_list_filters_as_you_type() {
    let mut app = app();
    goto(&mut app, "tools");
    let small = Rect::new(0, 0, 80, 16);
    let slash = KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE);
    let action = keys::action_for_key(&app, slash, small);
    assert_eq!(
        action,
        Some(Action::Cmd(Cmd::Filter)),
        "the list does not fit"
    );
    update(&mut app, action.unwrap());
    for c in "mlf".chars() {
        let a = keys::action_for_key(&app, key(KeyCode::Char(c)), small).unwrap();
        update(&mut app, a);
    }
    let a = keys::action_for_key(&app, key(KeyCode::Enter), small).unwrap();
    update(&mut app, a);
    assert_eq!(
        value(&app, "tools"),
        Some(&Answer::Choices(vec!["t11".into()])),
        "MLflow, the one match"
    );
    assert!(app.question.filter.is_none());
    // A list that fits has no filter.
    goto(&mut app, "team");
    assert_eq!(keys::action_for_key(&app, slash, AREA), None);
}

#[test]
fn the_go_to_list_filters_as_you_type() {
    let mut app = answered_app();
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "urgent");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.overlay, None);
    assert_eq!(current_id(&app), "deadline");
}

#[test]
fn the_progress_counts_answered_questions() {
    let mut app = app();
    assert_eq!(app.answered_count(), 0);
    goto(&mut app, "team");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.answered_count(), 1);
    app.go(ScreenId::Review);
    assert_eq!(app.answered_count(), 1, "not full on the review");
}

// ---------------------------------------------------------------------------------------
// The verdict's analysis, off the key path.

#[test]
fn answers_ask_for_an_analysis_and_stale_ones_are_dropped() {
    let mut app = app();
    goto(&mut app, "team");
    let cmds = press(&mut app, KeyCode::Enter);
    let (generation, answers) = cmds
        .iter()
        .find_map(|c| match c {
            Command::Analyse {
                generation,
                answers,
            } => Some((*generation, answers.clone())),
            _ => None,
        })
        .expect("an analysis is asked for");
    assert!(app.recommendation.robustness.is_none(), "not computed here");
    let t = tree();
    let rec = Recommendation::new(&t, &answers);
    let robustness = Box::new(rec.robustness.clone().unwrap());
    // Another answer first: this analysis is of older answers.
    press(&mut app, KeyCode::Enter);
    update(
        &mut app,
        Action::Analysed {
            generation,
            robustness: robustness.clone(),
        },
    );
    assert!(app.recommendation.robustness.is_none(), "stale: dropped");
    let now = app.generation;
    update(
        &mut app,
        Action::Analysed {
            generation: now,
            robustness,
        },
    );
    assert!(app.recommendation.robustness.is_some());
}

// ---------------------------------------------------------------------------------------
// Export.

#[test]
fn only_w_or_enter_on_write_writes() {
    let mut app = at_export();
    for code in [KeyCode::Tab, KeyCode::Right, KeyCode::Char('l')] {
        let cmds = press(&mut app, code);
        assert!(export_files(&cmds).is_empty(), "{code:?} writes nothing");
    }
    assert_eq!(app.screen, ScreenId::Export);
    let cmds = press(&mut app, KeyCode::Char('w'));
    assert_eq!(
        export_files(&cmds),
        vec![PathBuf::from("mlops-recommendation-2026-11-28.md")]
    );
    app.export.focus = mlops_wizard::tui::screens::export::Focus::Write;
    let cmds = press(&mut app, KeyCode::Enter);
    assert_eq!(export_files(&cmds).len(), 1, "Enter on the Write button");
}

#[test]
fn the_path_is_completed_as_typed() {
    let mut app = at_export();
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    assert!(app.typing(), "the file name has the keyboard");
    press_key(&mut app, ctrl('u'));
    typed(&mut app, "~/kickoff/decision");
    press(&mut app, KeyCode::Enter);
    app.export.json = true;
    app.export.answers_file = true;
    let cmds = press(&mut app, KeyCode::Char('w'));
    assert_eq!(
        export_files(&cmds),
        vec![
            PathBuf::from("/home/dana/kickoff/decision.md"),
            PathBuf::from("/home/dana/kickoff/decision.json"),
            PathBuf::from("/home/dana/kickoff/decision.answers.toml"),
        ],
        "~ expanded, .md added, distinct names"
    );
}

#[test]
fn a_folder_gets_the_default_name_inside_it() {
    let mut app = at_export();
    app.export.path.set("out");
    let c = check(&app, true, FolderState::Exists, vec![]);
    update(&mut app, c);
    let cmds = press(&mut app, KeyCode::Char('w'));
    assert_eq!(
        export_files(&cmds),
        vec![PathBuf::from("out/mlops-recommendation-2026-11-28.md")]
    );
}

#[test]
fn a_report_named_json_never_shares_the_json_report_path() {
    let mut app = at_export();
    app.export.path.set("report.json");
    app.export.json = true;
    let cmds = press(&mut app, KeyCode::Char('w'));
    assert!(export_files(&cmds).is_empty());
    assert!(messages(&app).contains("name it .md"), "{}", messages(&app));
}

#[test]
fn a_missing_folder_is_offered_for_creation() {
    let mut app = at_export();
    app.export.path.set("new/decision.md");
    press(&mut app, KeyCode::Char('w'));
    update(
        &mut app,
        Action::Exported(Err(ExportError::MissingFolder(PathBuf::from("new")))),
    );
    assert!(matches!(
        app.overlay,
        Some(Overlay::Confirm(Dialog::CreateFolder { .. }))
    ));
    let cmds = press(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(
            &cmds[..],
            [Command::Export {
                create_folder: true,
                overwrite: false,
                ..
            }]
        ),
        "{cmds:?}"
    );
}

#[test]
fn existing_files_ask_before_overwriting() {
    let mut app = at_export();
    press(&mut app, KeyCode::Char('w'));
    let path = PathBuf::from("mlops-recommendation-2026-11-28.md");
    update(
        &mut app,
        Action::Exported(Err(ExportError::Exists(vec![path.clone()]))),
    );
    assert!(matches!(
        app.overlay,
        Some(Overlay::Confirm(Dialog::Overwrite { .. }))
    ));
    let cmds = press(&mut app, KeyCode::Char('n'));
    assert!(cmds.is_empty());
    assert!(messages(&app).contains("Nothing written"));
    press(&mut app, KeyCode::Char('w'));
    update(
        &mut app,
        Action::Exported(Err(ExportError::Exists(vec![path]))),
    );
    let cmds = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        &cmds[..],
        [Command::Export {
            overwrite: true,
            ..
        }]
    ));
}

#[test]
fn written_is_dropped_when_the_answers_change() {
    let mut app = at_export();
    let path = PathBuf::from("x.md");
    update(&mut app, Action::Exported(Ok(vec![path.clone()])));
    assert_eq!(app.export.written, vec![path]);
    assert!(!app.dirty);
    goto(&mut app, "team");
    press(&mut app, KeyCode::Char('1'));
    assert!(app.export.written.is_empty());
    assert!(app.dirty);
}

#[test]
fn the_export_uses_the_date_and_people_of_meta() {
    let mut app = answered_app();
    press(&mut app, KeyCode::Char('p'));
    assert_eq!(app.screen, ScreenId::People);
    typed(&mut app, "Dana, head of data");
    press(&mut app, KeyCode::Enter);
    typed(&mut app, "Security");
    press(&mut app, KeyCode::Enter);
    let cmds = press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, ScreenId::Review);
    assert_eq!(
        app.answers.meta.decision_makers,
        vec!["Dana".to_string(), "head of data".to_string()]
    );
    assert_eq!(app.answers.meta.consulted, vec!["Security".to_string()]);
    assert!(saves(&cmds).is_empty() || saves(&cmds)[0].contains("consulted"));
    app.answers.meta.date = Some("2027-01-15".into());
    assert_eq!(
        app.default_export_name(),
        "mlops-recommendation-2027-01-15.md"
    );
    app.go(ScreenId::Export);
    app.export.answers_file = true;
    let cmds = press(&mut app, KeyCode::Char('w'));
    let Command::Export { files, .. } = &cmds[0] else {
        panic!("{cmds:?}")
    };
    assert!(files[0].1.contains("2027-01-15"), "the report's date");
    assert!(
        files[1]
            .1
            .contains("decision_makers = [\"Dana\", \"head of data\"]")
    );
}

#[test]
fn a_respondent_has_a_file_of_their_own() {
    let app = App::new(
        tree(),
        StartOptions {
            respondent: Some("Dana Petrova".into()),
            ..options()
        },
    );
    assert_eq!(app.answers.meta.respondent.as_deref(), Some("Dana Petrova"));
    assert_eq!(
        app.default_export_name(),
        "mlops-recommendation-2026-11-28-dana-petrova.md"
    );
    assert!(app.session_text().contains("respondent = \"Dana Petrova\""));
}

// ---------------------------------------------------------------------------------------
// Key bindings as data.

#[test]
fn every_footer_key_does_something_here() {
    // On each screen, each key the bindings offer maps to its own command.
    let mut app = answered_app();
    for screen in [
        ScreenId::People,
        ScreenId::Review,
        ScreenId::Verdict,
        ScreenId::Export,
    ] {
        app.go(screen);
        for b in keys::active(&app, AREA) {
            for chord in b.chords {
                if let keys::Chord::Key(code, mods) = chord {
                    let got = keys::action_for_key(&app, KeyEvent::new(*code, *mods), AREA);
                    let expected_none = matches!(b.cmd, Cmd::ForceQuit | Cmd::Suspend);
                    assert!(
                        got.is_some() || expected_none,
                        "{screen:?}: {} does nothing",
                        b.keys
                    );
                }
            }
        }
    }
}

#[test]
fn the_help_opens_on_the_current_screens_keys() {
    let mut app = app();
    goto(&mut app, "stages");
    assert_eq!(
        keys::contexts(&app),
        vec![Context::Choices, Context::Question, Context::Everywhere]
    );
    press(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.overlay, Some(Overlay::Help(s)) if s.scroll == 0));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, None);
    goto(&mut app, "notes");
    press_key(&mut app, KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE));
    assert!(
        matches!(app.overlay, Some(Overlay::Help(_))),
        "F1 while typing"
    );
}

#[test]
fn keys_do_nothing_while_the_window_is_too_small() {
    let mut app = app();
    let tiny = Rect::new(0, 0, 40, 10);
    let ev = crossterm::event::Event::Key(key(KeyCode::Enter));
    assert_eq!(keys::action_for_event(&app, &ev, tiny), None);
    let ev = crossterm::event::Event::Key(ctrl('c'));
    assert_eq!(
        keys::action_for_event(&app, &ev, tiny),
        Some(Action::ForceQuit)
    );
    update(&mut app, Action::ForceQuit);
    assert!(app.quit);
}

#[test]
fn a_failed_session_save_is_state_until_a_save_succeeds() {
    let mut app = app();
    goto(&mut app, "team");
    press(&mut app, KeyCode::Enter);
    update(&mut app, Action::SessionSaved(Err("disk full".into())));
    assert_eq!(app.unsaved.as_deref(), Some("disk full"));
    press(&mut app, KeyCode::Down);
    assert_eq!(app.unsaved.as_deref(), Some("disk full"), "kept over keys");
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.overlay, Some(Overlay::Confirm(Dialog::Quit)));
    press(&mut app, KeyCode::Char('n'));
    update(&mut app, Action::SessionSaved(Ok(())));
    assert_eq!(app.unsaved, None);
}

#[test]
fn ctrl_c_quits_at_once_everywhere() {
    for screen in [
        ScreenId::Welcome,
        ScreenId::Question,
        ScreenId::People,
        ScreenId::Review,
        ScreenId::Verdict,
        ScreenId::Export,
    ] {
        let mut app = answered_app();
        app.go(screen);
        press(&mut app, KeyCode::Char('?'));
        press_key(&mut app, ctrl('c'));
        assert!(app.quit, "{screen:?}");
    }
}

#[test]
fn the_configured_folder_and_file_name_make_the_path_offered() {
    let app = App::new(
        tree(),
        StartOptions {
            respondent: Some("Dana Petrova".into()),
            export: mlops_wizard::tui::app::ExportNaming {
                folder: Some("~/decisions".into()),
                file_name: mlops_wizard::config::FileName::parse("{date}_{tree}_{respondent}.md")
                    .unwrap(),
            },
            ..options()
        },
    );
    assert_eq!(
        app.default_export_name(),
        format!(
            "~/decisions/2026-11-28_{}_dana-petrova.md",
            app.tree.meta.id
        )
    );
    assert_eq!(
        app.export.path.value(),
        app.default_export_name(),
        "the export screen starts from it"
    );
}
