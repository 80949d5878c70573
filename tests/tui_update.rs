//! The wizard's state machine without a terminal: `update` for every action on every
//! screen, driven directly and through the real key mapping (`keys::action_for_key`).

use std::path::{Path, PathBuf};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use mlops_wizard::answers::{Answer, Answers, Strictness};
use mlops_wizard::model::Kind;
use mlops_wizard::source::Source;
use mlops_wizard::tui::app::{
    Action, App, Command, EXPORT_ROWS, ExportError, Overlay, Panel, Screen, StartOptions, update,
};
use mlops_wizard::tui::keys;
use mlops_wizard::{Recommendation, Tree, Verdict};
use ratatui::layout::Rect;
use tui_input::InputRequest;

const DATE: &str = "2026-11-28";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn options() -> StartOptions {
    StartOptions {
        date: DATE.into(),
        ..Default::default()
    }
}

fn app() -> App {
    App::new(wizard_tree(), options())
}

fn app_with(opts: StartOptions) -> App {
    App::new(wizard_tree(), opts)
}

/// An example answers file of the repository, parsed strictly against the default tree.
fn example(name: &str) -> Answers {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/answers/wizard")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let source = Source::new(name, text);
    Answers::parse(&source, &wizard_tree(), Strictness::Strict)
        .unwrap()
        .answers
}

/// Maps a key press (no modifiers) through the real key bindings, then updates.
fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    press_with(app, code, KeyModifiers::NONE)
}

fn press_with(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Command> {
    match keys::action_for_key(app, KeyEvent::new(code, modifiers)) {
        Some(action) => update(app, action),
        None => Vec::new(),
    }
}

fn ctrl_c() -> KeyEvent {
    KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        let cmds = update(app, Action::Input(InputRequest::InsertChar(c)));
        assert!(cmds.is_empty(), "typing saves nothing");
    }
}

fn current_id(app: &App) -> &str {
    &app.current().id
}

fn qidx(app: &App, id: &str) -> usize {
    app.tree
        .question_index(id)
        .unwrap_or_else(|| panic!("no question {id}"))
}

fn option_index(app: &App, question: &str, option: &str) -> usize {
    let q = &app.tree.questions[qidx(app, question)];
    q.options
        .iter()
        .position(|o| o.id == option)
        .unwrap_or_else(|| panic!("{question} has no option {option}"))
}

/// Opens a shown question through the jump list (g, then a click on its row).
fn goto(app: &mut App, id: &str) {
    if app.screen == Screen::Welcome {
        update(app, Action::Start);
    }
    let target = qidx(app, id);
    let pos = app
        .asked()
        .iter()
        .position(|&i| i == target)
        .unwrap_or_else(|| panic!("{id} is not shown"));
    assert!(update(app, Action::JumpList).is_empty());
    assert!(matches!(app.overlay, Some(Overlay::Jump { .. })));
    assert!(update(app, Action::Pick(pos)).is_empty());
    assert_eq!(app.overlay, None);
    assert_eq!(app.screen, Screen::Question);
    assert_eq!(current_id(app), id);
}

/// Opens a question and picks an option by id (or, for a scale, a value).
fn answer(app: &mut App, question: &str, option: &str) -> Vec<Command> {
    goto(app, question);
    let q = app.current().clone();
    let i = match (&q.scale, q.kind) {
        (Some(s), Kind::Scale) => {
            let v: i64 = option.parse().unwrap();
            usize::try_from(v - s.min).unwrap()
        }
        _ => option_index(app, question, option),
    };
    update(app, Action::Pick(i))
}

fn saves(commands: &[Command]) -> Vec<&str> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::SaveSession(text) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// The one SaveSession of `commands`, checked to parse back (strictly) to the app's
/// effective answers.
fn one_save(app: &App, commands: &[Command]) -> String {
    assert_eq!(
        commands.len(),
        1,
        "exactly one command expected: {commands:?}"
    );
    let text = saves(commands)
        .first()
        .expect("the command is SaveSession")
        .to_string();
    let parsed = parse_session(app, &text);
    assert_eq!(parsed, app.effective_answers(), "session text:\n{text}");
    text
}

fn parse_session(app: &App, text: &str) -> Answers {
    let source = Source::new("session.toml", text);
    let checked = Answers::parse(&source, &app.tree, Strictness::Strict)
        .unwrap_or_else(|e| panic!("the session text is a valid answers file:\n{e}\n{text}"));
    assert!(checked.dropped.is_empty());
    checked.answers
}

fn value<'a>(app: &'a App, id: &str) -> Option<&'a Answer> {
    app.answers.values.get(id)
}

fn choice(id: &str) -> Answer {
    Answer::Choice(id.into())
}

fn choices(ids: &[&str]) -> Answer {
    Answer::Choices(ids.iter().map(|s| s.to_string()).collect())
}

/// A fresh app on the question `id`, reached by Start and Next presses only.
fn at_question(id: &str) -> App {
    let mut app = app();
    update(&mut app, Action::Start);
    for _ in 0..40 {
        if app.screen == Screen::Question && current_id(&app) == id {
            return app;
        }
        assert!(update(&mut app, Action::Next).is_empty());
    }
    panic!("question {id} not reached");
}

/// An app with every question of the startup example answered, on the review.
fn answered_app() -> App {
    let app = app_with(StartOptions {
        answers: Some(example("startup-open-source.toml")),
        skip_welcome: true,
        ..options()
    });
    assert_eq!(app.screen, Screen::Review);
    app
}

fn alternative(app: &App, id: &str) -> usize {
    app.tree.alternative_index(id).unwrap()
}

// ---------------------------------------------------------------------------
// Welcome
// ---------------------------------------------------------------------------

#[test]
fn a_new_app_shows_the_welcome_screen() {
    let app = app();
    assert_eq!(app.screen, Screen::Welcome);
    assert_eq!(app.overlay, None);
    assert!(!app.dirty);
    assert!(!app.quit);
    assert!(app.answers.values.is_empty());
    assert_eq!(app.flow.len(), 22);
    assert_eq!(
        app.export.path.value(),
        format!("mlops-recommendation-{DATE}.md")
    );
}

#[test]
fn start_and_confirm_open_the_first_question() {
    for action in [Action::Start, Action::Confirm, Action::Next] {
        let mut app = app();
        assert!(update(&mut app, action.clone()).is_empty());
        assert_eq!(app.screen, Screen::Question, "{action:?}");
        assert_eq!(app.question, 0);
        assert_eq!(current_id(&app), "project_name");
        assert!(app.editing, "a text question starts in editing mode");
    }
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Question);
}

#[test]
fn welcome_ignores_keys_that_mean_nothing_there() {
    let mut app = app();
    for action in [
        Action::Up,
        Action::Down,
        Action::Back,
        Action::Toggle,
        Action::Pick(3),
        Action::Yes,
        Action::No,
        Action::Clear,
        Action::Review,
        Action::Verdict,
        Action::Export,
        Action::NextPanel,
        Action::Cancel,
    ] {
        assert!(update(&mut app, action.clone()).is_empty(), "{action:?}");
        assert_eq!(app.screen, Screen::Welcome, "{action:?}");
        assert_eq!(app.overlay, None, "{action:?}");
        assert!(!app.quit);
    }
}

#[test]
fn resume_loads_the_saved_answers_and_goes_to_the_first_unanswered_question() {
    let mut saved = Answers::default();
    saved
        .values
        .insert("project_name".into(), Answer::Text("Pilot".into()));
    saved.values.insert("team_size".into(), choice("4_10"));
    saved
        .values
        .insert("ml_stages".into(), choices(&["data", "training"]));
    let mut app = app_with(StartOptions {
        resumable: Some(saved.clone()),
        ..options()
    });
    let cmds = press(&mut app, KeyCode::Char('r'));
    assert!(cmds.is_empty(), "resuming writes nothing: {cmds:?}");
    assert_eq!(app.screen, Screen::Question);
    assert_eq!(
        current_id(&app),
        "time_horizon",
        "the first unanswered question"
    );
    assert_eq!(app.answers.values, saved.values);
    assert!(app.resumable.is_none(), "the offer is used up");
    assert!(app.dirty, "resumed answers are not exported yet");
    assert_eq!(app.effective_answers().values, saved.values);
}

#[test]
fn resume_with_every_question_answered_goes_to_the_review() {
    let saved = example("startup-open-source.toml");
    let mut app = app_with(StartOptions {
        resumable: Some(saved.clone()),
        ..options()
    });
    update(&mut app, Action::Resume);
    assert_eq!(app.screen, Screen::Review);
    assert_eq!(app.answers.values, saved.values);
    assert_eq!(
        app.recommendation,
        Recommendation::quick(&app.tree, &app.effective_answers())
    );
}

#[test]
fn start_afresh_ignores_the_saved_session() {
    let mut app = app_with(StartOptions {
        resumable: Some(example("partial.toml")),
        ..options()
    });
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Question);
    assert_eq!(current_id(&app), "project_name");
    assert!(app.answers.values.is_empty());
}

#[test]
fn skip_welcome_starts_at_the_first_unanswered_question() {
    let app = app_with(StartOptions {
        answers: Some(example("partial.toml")),
        skip_welcome: true,
        ..options()
    });
    assert_eq!(app.screen, Screen::Question);
    // partial.toml answers the first questions up to needs_vendor_support, but not
    // small_or_short_term before it.
    assert_eq!(current_id(&app), "small_or_short_term");
}

// ---------------------------------------------------------------------------
// Question screen: cursor
// ---------------------------------------------------------------------------

#[test]
fn cursor_moves_within_the_options() {
    let mut app = at_question("team_size");
    assert_eq!(app.item_count(), 4);
    assert_eq!(app.cursor, 0);
    update(&mut app, Action::Up);
    assert_eq!(app.cursor, 0, "up at the top stays");
    update(&mut app, Action::Down);
    assert_eq!(app.cursor, 1);
    for _ in 0..10 {
        update(&mut app, Action::Down);
    }
    assert_eq!(app.cursor, 3, "down at the bottom stays");
    update(&mut app, Action::Top);
    assert_eq!(app.cursor, 0);
    update(&mut app, Action::Bottom);
    assert_eq!(app.cursor, 3);
    update(&mut app, Action::PageUp);
    assert_eq!(app.cursor, 0);
    update(&mut app, Action::PageDown);
    assert_eq!(app.cursor, 3);
    // Through the keys: j k Home End G arrows.
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(app.cursor, 2);
    press(&mut app, KeyCode::Home);
    assert_eq!(app.cursor, 0);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Down);
    assert_eq!(app.cursor, 2);
    press(&mut app, KeyCode::Up);
    assert_eq!(app.cursor, 1);
    press(&mut app, KeyCode::End);
    assert_eq!(app.cursor, 3);
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(app.cursor, 3);
    assert!(
        app.answers.values.is_empty(),
        "moving the cursor answers nothing"
    );
}

#[test]
fn page_keys_move_by_five_within_long_lists() {
    let mut app = at_question("cloud_provider");
    assert_eq!(app.item_count(), 6);
    update(&mut app, Action::PageDown);
    assert_eq!(app.cursor, 5);
    update(&mut app, Action::PageDown);
    assert_eq!(app.cursor, 5);
    update(&mut app, Action::Up);
    update(&mut app, Action::PageUp);
    assert_eq!(app.cursor, 0);
}

#[test]
fn cursor_stays_within_a_scale() {
    let mut app = at_question("importance_cost");
    assert_eq!(app.item_count(), 5);
    assert_eq!(app.cursor, 2, "an unanswered scale starts in the middle");
    for _ in 0..9 {
        update(&mut app, Action::Down);
    }
    assert_eq!(app.cursor, 4);
    for _ in 0..9 {
        update(&mut app, Action::Up);
    }
    assert_eq!(app.cursor, 0);
}

#[test]
fn reopening_a_question_puts_the_cursor_on_its_answer() {
    let mut app = app();
    answer(&mut app, "team_size", "11_30");
    goto(&mut app, "team_size");
    assert_eq!(app.cursor, 2);
    answer(&mut app, "importance_cost", "5");
    goto(&mut app, "importance_cost");
    assert_eq!(app.cursor, 4);
    answer(&mut app, "ml_stages", "quality");
    goto(&mut app, "ml_stages");
    assert_eq!(app.cursor, 2, "on the first ticked option");
}

// ---------------------------------------------------------------------------
// Question screen: single choice
// ---------------------------------------------------------------------------

#[test]
fn confirm_records_the_option_saves_once_and_advances() {
    let mut app = at_question("team_size");
    update(&mut app, Action::Down);
    let cmds = update(&mut app, Action::Confirm);
    assert_eq!(value(&app, "team_size"), Some(&choice("4_10")));
    let text = one_save(&app, &cmds);
    assert!(text.contains("team_size = \"4_10\""), "{text}");
    assert!(app.dirty);
    assert_eq!(app.screen, Screen::Question);
    assert_eq!(current_id(&app), "time_horizon");
}

#[test]
fn enter_and_space_choose_through_the_keys() {
    let mut app = at_question("team_size");
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    let cmds = press(&mut app, KeyCode::Enter);
    one_save(&app, &cmds);
    assert_eq!(value(&app, "team_size"), Some(&choice("11_30")));
    assert_eq!(current_id(&app), "time_horizon");
    // Space on a single-choice question chooses too, and stays to look.
    let cmds = press(&mut app, KeyCode::Char(' '));
    one_save(&app, &cmds);
    assert_eq!(value(&app, "time_horizon"), Some(&choice("under_6_months")));
    assert_eq!(current_id(&app), "time_horizon");
    press(&mut app, KeyCode::Enter);
    assert_eq!(current_id(&app), "ml_stages");
}

#[test]
fn confirming_the_same_answer_again_saves_nothing() {
    let mut app = at_question("team_size");
    let cmds = update(&mut app, Action::Confirm);
    one_save(&app, &cmds);
    update(&mut app, Action::Back);
    assert_eq!(current_id(&app), "team_size");
    let cmds = update(&mut app, Action::Confirm);
    assert!(cmds.is_empty(), "unchanged answers need no save: {cmds:?}");
    assert_eq!(current_id(&app), "time_horizon");
}

#[test]
fn pick_chooses_by_position_and_digits_pick_through_the_keys() {
    let mut app = at_question("team_size");
    let cmds = update(&mut app, Action::Pick(3));
    one_save(&app, &cmds);
    assert_eq!(value(&app, "team_size"), Some(&choice("over_30")));
    assert_eq!(current_id(&app), "time_horizon");
    let cmds = press(&mut app, KeyCode::Char('3'));
    one_save(&app, &cmds);
    assert_eq!(value(&app, "time_horizon"), Some(&choice("over_24_months")));
    assert_eq!(current_id(&app), "ml_stages");
}

#[test]
fn pick_out_of_range_does_nothing() {
    let mut app = at_question("team_size");
    update(&mut app, Action::Down);
    for action in [Action::Pick(4), Action::Pick(99), Action::Pick(usize::MAX)] {
        let cmds = update(&mut app, action.clone());
        assert!(cmds.is_empty(), "{action:?}");
        assert_eq!(current_id(&app), "team_size");
        assert_eq!(app.cursor, 1);
        assert!(app.answers.values.is_empty());
    }
    // Digits past the options, and 0, do nothing either.
    for d in ['0', '5', '9'] {
        assert!(press(&mut app, KeyCode::Char(d)).is_empty());
        assert_eq!(current_id(&app), "team_size");
        assert!(app.answers.values.is_empty(), "{d}");
    }
}

#[test]
fn yes_and_no_answer_yes_no_questions() {
    let mut app = at_question("small_or_short_term");
    assert_eq!(app.current().kind, Kind::YesNo);
    let cmds = press(&mut app, KeyCode::Char('y'));
    one_save(&app, &cmds);
    assert_eq!(value(&app, "small_or_short_term"), Some(&choice("yes")));
    assert_eq!(current_id(&app), "needs_vendor_support");
    update(&mut app, Action::Back);
    let cmds = press(&mut app, KeyCode::Char('n'));
    one_save(&app, &cmds);
    assert_eq!(value(&app, "small_or_short_term"), Some(&choice("no")));
    assert_eq!(current_id(&app), "needs_vendor_support");
}

#[test]
fn yes_and_no_answer_single_questions_with_yes_and_no_options() {
    let mut app = at_question("needs_vendor_support");
    assert_eq!(app.current().kind, Kind::Single);
    let cmds = update(&mut app, Action::No);
    one_save(&app, &cmds);
    assert_eq!(value(&app, "needs_vendor_support"), Some(&choice("no")));
}

#[test]
fn yes_and_no_do_nothing_where_there_is_no_yes_or_no() {
    for id in ["team_size", "ml_stages", "importance_cost"] {
        let mut app = at_question(id);
        for action in [Action::Yes, Action::No] {
            assert!(update(&mut app, action).is_empty(), "{id}");
            assert_eq!(current_id(&app), id);
            assert!(app.answers.values.is_empty(), "{id}");
        }
    }
}

// ---------------------------------------------------------------------------
// Question screen: multiple choice
// ---------------------------------------------------------------------------

#[test]
fn toggle_and_pick_tick_and_untick_in_option_order() {
    let mut app = at_question("ml_stages");
    assert_eq!(app.current().kind, Kind::Multiple);
    // Space ticks the highlighted option, and stays on the question.
    let cmds = press(&mut app, KeyCode::Char(' '));
    one_save(&app, &cmds);
    assert_eq!(value(&app, "ml_stages"), Some(&choices(&["data"])));
    assert_eq!(current_id(&app), "ml_stages");
    // Pick ticks out of order; the list stays in the tree's option order.
    let cmds = update(&mut app, Action::Pick(4));
    one_save(&app, &cmds);
    assert_eq!(app.cursor, 4, "pick moves the cursor");
    let cmds = press(&mut app, KeyCode::Char('3'));
    one_save(&app, &cmds);
    assert_eq!(app.cursor, 2);
    assert_eq!(
        value(&app, "ml_stages"),
        Some(&choices(&["data", "quality", "monitoring"]))
    );
    // Toggling again unticks.
    let cmds = update(&mut app, Action::Toggle);
    one_save(&app, &cmds);
    assert_eq!(
        value(&app, "ml_stages"),
        Some(&choices(&["data", "monitoring"]))
    );
    let cmds = update(&mut app, Action::Pick(0));
    let text = one_save(&app, &cmds);
    assert!(text.contains("ml_stages = [\"monitoring\"]"), "{text}");
    // Out of range does nothing.
    assert!(update(&mut app, Action::Pick(5)).is_empty());
    assert_eq!(value(&app, "ml_stages"), Some(&choices(&["monitoring"])));
    assert_eq!(current_id(&app), "ml_stages");
    // Enter keeps the ticks and moves on.
    let cmds = press(&mut app, KeyCode::Enter);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(value(&app, "ml_stages"), Some(&choices(&["monitoring"])));
    assert_eq!(current_id(&app), "team_oss_expertise");
}

#[test]
fn confirm_with_nothing_ticked_records_an_empty_list() {
    let mut app = at_question("ml_stages");
    let cmds = update(&mut app, Action::Confirm);
    assert_eq!(value(&app, "ml_stages"), Some(&choices(&[])));
    let text = one_save(&app, &cmds);
    assert!(text.contains("ml_stages = []"), "{text}");
    assert_eq!(current_id(&app), "team_oss_expertise");
}

#[test]
fn unticking_every_option_leaves_an_empty_answer() {
    let mut app = at_question("ml_stages");
    update(&mut app, Action::Toggle);
    let cmds = update(&mut app, Action::Toggle);
    one_save(&app, &cmds);
    assert_eq!(value(&app, "ml_stages"), Some(&choices(&[])));
}

// ---------------------------------------------------------------------------
// Question screen: scale
// ---------------------------------------------------------------------------

#[test]
fn digits_choose_scale_values() {
    let mut app = at_question("importance_cost");
    let cmds = press(&mut app, KeyCode::Char('4'));
    one_save(&app, &cmds);
    assert_eq!(value(&app, "importance_cost"), Some(&Answer::Scale(4)));
    assert_eq!(current_id(&app), "importance_vendor_risk");
    // 1 and 5 are the ends; 0, 6 and 9 are out of range.
    for d in ['0', '6', '9'] {
        assert!(press(&mut app, KeyCode::Char(d)).is_empty(), "{d}");
        assert_eq!(current_id(&app), "importance_vendor_risk");
    }
    assert!(!app.answers.values.contains_key("importance_vendor_risk"));
    let cmds = press(&mut app, KeyCode::Char('1'));
    one_save(&app, &cmds);
    assert_eq!(
        value(&app, "importance_vendor_risk"),
        Some(&Answer::Scale(1))
    );
    assert_eq!(current_id(&app), "notes");
}

#[test]
fn confirm_on_a_scale_chooses_the_highlighted_value() {
    let mut app = at_question("importance_cost");
    let cmds = update(&mut app, Action::Confirm);
    one_save(&app, &cmds);
    assert_eq!(
        value(&app, "importance_cost"),
        Some(&Answer::Scale(3)),
        "the middle"
    );
    update(&mut app, Action::Back);
    update(&mut app, Action::Down);
    let cmds = update(&mut app, Action::Confirm);
    one_save(&app, &cmds);
    assert_eq!(value(&app, "importance_cost"), Some(&Answer::Scale(4)));
}

// ---------------------------------------------------------------------------
// Question screen: clear, next, back, review, verdict
// ---------------------------------------------------------------------------

#[test]
fn clear_removes_the_answer() {
    let mut app = at_question("team_size");
    update(&mut app, Action::Pick(1));
    update(&mut app, Action::Back);
    assert_eq!(current_id(&app), "team_size");
    let cmds = press(&mut app, KeyCode::Char('c'));
    assert_eq!(value(&app, "team_size"), None);
    let text = one_save(&app, &cmds);
    assert!(!text.contains("team_size"), "{text}");
    assert_eq!(current_id(&app), "team_size", "clearing stays");
    // Clearing an unanswered question saves nothing.
    assert!(press(&mut app, KeyCode::Delete).is_empty());
}

#[test]
fn next_keeps_the_answer_and_moves_on_even_when_unanswered() {
    let mut app = at_question("team_size");
    let cmds = press(&mut app, KeyCode::Right);
    assert!(cmds.is_empty());
    assert_eq!(current_id(&app), "time_horizon");
    assert!(app.answers.values.is_empty());
    update(&mut app, Action::Pick(0));
    goto(&mut app, "time_horizon");
    update(&mut app, Action::Down);
    let cmds = press(&mut app, KeyCode::Tab);
    assert!(cmds.is_empty());
    assert_eq!(
        value(&app, "time_horizon"),
        Some(&choice("under_6_months")),
        "moving the cursor then Next keeps the answer"
    );
    assert_eq!(current_id(&app), "ml_stages");
    press(&mut app, KeyCode::Char('l'));
    assert_eq!(current_id(&app), "team_oss_expertise");
}

#[test]
fn next_after_the_last_question_goes_to_the_review() {
    let mut app = at_question("importance_vendor_risk");
    update(&mut app, Action::Next);
    assert_eq!(current_id(&app), "notes");
    update(&mut app, Action::Next);
    assert_eq!(app.screen, Screen::Review);
    assert_eq!(app.review_cursor, 0);
}

#[test]
fn back_always_works_and_leaves_the_first_question_for_the_welcome() {
    let mut app = at_question("ml_stages");
    press(&mut app, KeyCode::Left);
    assert_eq!(current_id(&app), "time_horizon");
    press(&mut app, KeyCode::Char('h'));
    assert_eq!(current_id(&app), "team_size");
    press(&mut app, KeyCode::BackTab);
    assert_eq!(current_id(&app), "project_name");
    // On the text question Back is Shift-Tab (h types an h).
    let cmds = press(&mut app, KeyCode::BackTab);
    assert!(cmds.is_empty());
    assert_eq!(app.screen, Screen::Welcome);
    // And Start again opens the first question.
    press(&mut app, KeyCode::Enter);
    assert_eq!(current_id(&app), "project_name");
}

#[test]
fn back_skips_hidden_questions() {
    let mut app = at_question("small_or_short_term");
    update(&mut app, Action::Back);
    assert_eq!(
        current_id(&app),
        "license_budget",
        "existing_vendor_contract is hidden"
    );
}

#[test]
fn review_and_verdict_keys_leave_the_question() {
    let mut app = at_question("team_size");
    press(&mut app, KeyCode::Char('r'));
    assert_eq!(app.screen, Screen::Review);
    let mut app = at_question("team_size");
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.screen, Screen::Verdict);
}

// ---------------------------------------------------------------------------
// Question screen: text
// ---------------------------------------------------------------------------

#[test]
fn typed_unicode_is_saved_on_enter() {
    let mut app = at_question("project_name");
    assert!(app.editing);
    typed(&mut app, "データ基盤 🚀");
    assert_eq!(app.input.value(), "データ基盤 🚀");
    let cmds = update(&mut app, Action::Paste(" pilot\nphase\t2".into()));
    assert!(cmds.is_empty());
    assert_eq!(
        app.input.value(),
        "データ基盤 🚀 pilot phase 2",
        "line breaks and tabs become spaces"
    );
    let cmds = press(&mut app, KeyCode::Enter);
    assert_eq!(
        value(&app, "project_name"),
        Some(&Answer::Text("データ基盤 🚀 pilot phase 2".into()))
    );
    let text = one_save(&app, &cmds);
    assert!(text.contains("データ基盤 🚀"), "{text}");
    assert_eq!(current_id(&app), "team_size");
    assert!(!app.editing);
    // Coming back shows the saved text.
    update(&mut app, Action::Back);
    assert_eq!(current_id(&app), "project_name");
    assert_eq!(app.input.value(), "データ基盤 🚀 pilot phase 2");
    assert!(app.editing);
}

#[test]
fn text_cursor_moves_and_backspace_deletes_by_character() {
    let mut app = at_question("project_name");
    typed(&mut app, "日本x");
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.input.value(), "日本");
    press(&mut app, KeyCode::Left);
    assert_eq!(app.input.cursor(), 1);
    assert_eq!(
        app.input.visual_cursor(),
        2,
        "a CJK character is two columns"
    );
    typed(&mut app, "😀");
    assert_eq!(app.input.value(), "日😀本");
    press(&mut app, KeyCode::Home);
    typed(&mut app, "A");
    press(&mut app, KeyCode::End);
    typed(&mut app, "Z");
    assert_eq!(app.input.value(), "A日😀本Z");
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.input.value(), "A日本Z");
    press(&mut app, KeyCode::Delete);
    assert_eq!(app.input.value(), "A日Z");
    press(&mut app, KeyCode::Right);
    assert_eq!(app.input.cursor(), 3);
    press_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(app.input.value(), "", "Ctrl-U deletes the line");
    typed(&mut app, "two words");
    press_with(&mut app, KeyCode::Char('w'), KeyModifiers::CONTROL);
    assert_eq!(app.input.value(), "two ");
    assert!(
        app.answers.values.is_empty(),
        "nothing is saved before Enter"
    );
}

#[test]
fn empty_text_is_no_answer() {
    let mut app = at_question("project_name");
    typed(&mut app, "   ");
    let cmds = press(&mut app, KeyCode::Enter);
    assert!(cmds.is_empty(), "blank text is no answer: {cmds:?}");
    assert_eq!(value(&app, "project_name"), None);
    assert_eq!(current_id(&app), "team_size");
    // Emptying a saved text removes the answer.
    update(&mut app, Action::Back);
    typed(&mut app, "Pilot");
    let cmds = update(&mut app, Action::Confirm);
    one_save(&app, &cmds);
    update(&mut app, Action::Back);
    update(&mut app, Action::Input(InputRequest::DeleteLine));
    let cmds = update(&mut app, Action::Confirm);
    assert_eq!(value(&app, "project_name"), None);
    let text = one_save(&app, &cmds);
    assert!(!text.contains("project_name"), "{text}");
}

#[test]
fn q_types_in_a_text_field_and_esc_stops_editing() {
    let mut app = at_question("project_name");
    for c in [
        'q', '?', 'g', 'r', 'v', 'j', 'k', 'y', 'n', 'c', 'h', 'l', ' ', '1',
    ] {
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(app.input.value(), "q?grvjkynchl 1");
    assert_eq!(app.overlay, None);
    assert!(!app.quit);
    assert_eq!(app.screen, Screen::Question);
    // Esc stops editing and keeps (and saves) the text.
    let cmds = press(&mut app, KeyCode::Esc);
    assert!(!app.editing);
    one_save(&app, &cmds);
    assert_eq!(
        value(&app, "project_name"),
        Some(&Answer::Text(app.input.value().into()))
    );
    assert_eq!(current_id(&app), "project_name");
    // Now keys are commands again: typing does nothing, i edits again.
    assert_eq!(
        keys::action_for_key(&app, KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE)),
        None
    );
    assert!(update(&mut app, Action::Input(InputRequest::InsertChar('x'))).is_empty());
    assert!(
        !app.input.value().ends_with('x'),
        "input ignored when not editing"
    );
    press(&mut app, KeyCode::Char('i'));
    assert!(app.editing);
    press(&mut app, KeyCode::Esc);
    // c clears the text when not editing.
    let cmds = press(&mut app, KeyCode::Char('c'));
    one_save(&app, &cmds);
    assert_eq!(app.input.value(), "");
    assert_eq!(value(&app, "project_name"), None);
    // q now quits at once: no answer is left to lose.
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.overlay, None);
    assert!(app.quit);
}

#[test]
fn tab_in_a_text_field_saves_and_goes_on() {
    let mut app = at_question("project_name");
    typed(&mut app, "Pilot");
    let cmds = press(&mut app, KeyCode::Tab);
    one_save(&app, &cmds);
    assert_eq!(current_id(&app), "team_size");
    assert_eq!(
        value(&app, "project_name"),
        Some(&Answer::Text("Pilot".into()))
    );
}

#[test]
fn back_from_a_text_field_saves_the_text() {
    let mut app = at_question("notes");
    typed(&mut app, "Keep MLflow");
    let cmds = press(&mut app, KeyCode::BackTab);
    one_save(&app, &cmds);
    assert_eq!(
        value(&app, "notes"),
        Some(&Answer::Text("Keep MLflow".into()))
    );
    assert_eq!(current_id(&app), "importance_vendor_risk");
}

#[test]
fn paste_reaches_the_text_field_through_the_event_mapping() {
    let mut app = at_question("project_name");
    let area = Rect::new(0, 0, 80, 24);
    let action = keys::action_for_event(&app, &Event::Paste("a\r\nb".into()), area);
    assert_eq!(action, Some(Action::Paste("a\r\nb".into())));
    update(&mut app, action.unwrap());
    assert_eq!(app.input.value(), "a  b");
    // Not editing: a paste means nothing.
    press(&mut app, KeyCode::Esc);
    assert_eq!(
        keys::action_for_event(&app, &Event::Paste("x".into()), area),
        None
    );
}

// ---------------------------------------------------------------------------
// Branching
// ---------------------------------------------------------------------------

#[test]
fn a_follow_up_appears_and_hides_with_the_answer_it_depends_on() {
    let mut app = at_question("team_oss_expertise");
    assert_eq!(app.flow.len(), 22);
    let follow_up = qidx(&app, "oss_training_plan");
    assert!(!app.flow.is_shown(follow_up));
    // "No" shows the follow-up, next.
    let no = option_index(&app, "team_oss_expertise", "no");
    let cmds = update(&mut app, Action::Pick(no));
    one_save(&app, &cmds);
    assert_eq!(current_id(&app), "oss_training_plan");
    assert_eq!(app.flow.len(), 23);
    let cmds = press(&mut app, KeyCode::Char('y'));
    let text = one_save(&app, &cmds);
    assert!(text.contains("oss_training_plan = \"yes\""), "{text}");
    assert_eq!(current_id(&app), "license_budget");
    assert_eq!(
        app.effective_answers().values.get("oss_training_plan"),
        Some(&choice("yes"))
    );
    // Back twice, then "yes": the follow-up is hidden and its answer no longer counts.
    update(&mut app, Action::Back);
    assert_eq!(current_id(&app), "oss_training_plan");
    update(&mut app, Action::Back);
    assert_eq!(current_id(&app), "team_oss_expertise");
    let cmds = press(&mut app, KeyCode::Char('y'));
    let text = one_save(&app, &cmds);
    assert_eq!(value(&app, "team_oss_expertise"), Some(&choice("yes")));
    assert_eq!(
        current_id(&app),
        "license_budget",
        "the follow-up is skipped"
    );
    assert!(!app.flow.is_shown(follow_up));
    assert_eq!(app.flow.len(), 22);
    assert!(
        !app.effective_answers()
            .values
            .contains_key("oss_training_plan")
    );
    assert!(!text.contains("oss_training_plan"), "{text}");
    assert!(
        app.answers.values.contains_key("oss_training_plan"),
        "the hidden answer is kept in case the change is undone"
    );
    assert!(!app.asked().contains(&follow_up));
    // Back from license_budget skips the hidden follow-up.
    update(&mut app, Action::Back);
    assert_eq!(current_id(&app), "team_oss_expertise");
    // Changing back restores the kept answer.
    let cmds = press(&mut app, KeyCode::Char('n'));
    let text = one_save(&app, &cmds);
    assert!(text.contains("oss_training_plan = \"yes\""), "{text}");
    assert_eq!(app.flow.len(), 23);
    assert_eq!(current_id(&app), "oss_training_plan");
    assert_eq!(app.cursor, 0, "the cursor is on the kept answer");
    assert_eq!(
        app.effective_answers().values.get("oss_training_plan"),
        Some(&choice("yes"))
    );
}

#[test]
fn the_other_follow_ups_appear_for_their_answers() {
    let mut app = app();
    assert_eq!(app.flow.len(), 22);
    answer(&mut app, "license_budget", "yes");
    assert_eq!(current_id(&app), "existing_vendor_contract");
    assert_eq!(app.flow.len(), 23);
    answer(&mut app, "regulation", "residency");
    assert_eq!(current_id(&app), "vendor_hosting_allowed");
    assert_eq!(app.flow.len(), 24);
    answer(&mut app, "team_oss_expertise", "yes");
    answer(&mut app, "model_count", "over_10");
    assert_eq!(current_id(&app), "retraining_frequency");
    assert_eq!(app.flow.len(), 25);
    update(&mut app, Action::Next);
    assert_eq!(current_id(&app), "platform_team");
    answer(&mut app, "regulation", "none");
    assert_eq!(current_id(&app), "licence_change_risk");
    assert_eq!(app.flow.len(), 24);
}

#[test]
fn hidden_answers_do_not_move_the_verdict() {
    let mut app = app();
    answer(&mut app, "team_oss_expertise", "no");
    answer(&mut app, "oss_training_plan", "no");
    let with = app.recommendation.clone();
    answer(&mut app, "team_oss_expertise", "yes");
    let mut effective = app.answers.clone();
    effective.values.remove("oss_training_plan");
    assert_eq!(
        app.recommendation,
        Recommendation::quick(&app.tree, &effective)
    );
    assert_ne!(app.recommendation, with);
}

// ---------------------------------------------------------------------------
// Jump list
// ---------------------------------------------------------------------------

#[test]
fn the_jump_list_opens_on_the_current_question() {
    let mut app = at_question("ml_stages");
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(app.overlay, Some(Overlay::Jump { selected: 3 }));
    press(&mut app, KeyCode::Down);
    assert_eq!(app.overlay, Some(Overlay::Jump { selected: 4 }));
    let cmds = press(&mut app, KeyCode::Enter);
    assert!(cmds.is_empty());
    assert_eq!(app.overlay, None);
    assert_eq!(app.screen, Screen::Question);
    assert_eq!(current_id(&app), "team_oss_expertise");
}

#[test]
fn the_jump_list_moves_within_bounds_and_closes() {
    let mut app = at_question("team_size");
    update(&mut app, Action::JumpList);
    let last = app.asked().len() - 1;
    for (action, expected) in [
        (Action::Up, 0),
        (Action::Up, 0),
        (Action::Bottom, last),
        (Action::Down, last),
        (Action::PageUp, last - 10),
        (Action::Top, 0),
        (Action::PageDown, 10),
        (Action::PageDown, 20),
        (Action::PageDown, last),
    ] {
        update(&mut app, action.clone());
        assert_eq!(
            app.overlay,
            Some(Overlay::Jump { selected: expected }),
            "{action:?}"
        );
    }
    update(&mut app, Action::Cancel);
    assert_eq!(app.overlay, None);
    for key in [
        KeyCode::Esc,
        KeyCode::Char('q'),
        KeyCode::Char('g'),
        KeyCode::Left,
    ] {
        press(&mut app, KeyCode::Char('g'));
        assert!(app.overlay.is_some());
        press(&mut app, key);
        assert_eq!(app.overlay, None, "{key:?}");
        assert!(!app.quit, "{key:?} closes the list, it does not quit");
        assert_eq!(current_id(&app), "team_size");
    }
    update(&mut app, Action::JumpList);
    update(&mut app, Action::Cancel);
    assert_eq!(app.overlay, None);
}

#[test]
fn the_jump_list_works_from_every_screen() {
    let mut app = answered_app();
    update(&mut app, Action::JumpList);
    assert!(matches!(app.overlay, Some(Overlay::Jump { .. })));
    update(&mut app, Action::Pick(2));
    assert_eq!(app.screen, Screen::Question);
    assert_eq!(current_id(&app), "time_horizon");
    assert!(!app.return_to_review);
    update(&mut app, Action::Verdict);
    assert_eq!(app.screen, Screen::Verdict);
    update(&mut app, Action::JumpList);
    assert!(matches!(app.overlay, Some(Overlay::Jump { .. })));
    // From the welcome screen it lists the questions to come; Enter opens one.
    let mut app = self::app();
    update(&mut app, Action::JumpList);
    assert_eq!(app.overlay, Some(Overlay::Jump { selected: 0 }));
    update(&mut app, Action::Down);
    update(&mut app, Action::Confirm);
    assert_eq!(app.screen, Screen::Question);
    assert_eq!(current_id(&app), "team_size");
}

// ---------------------------------------------------------------------------
// Review
// ---------------------------------------------------------------------------

#[test]
fn review_moves_within_the_questions_asked() {
    let mut app = answered_app();
    let last = app.asked().len() - 1;
    assert_eq!(app.review_cursor, 0);
    for (action, expected) in [
        (Action::Up, 0),
        (Action::Down, 1),
        (Action::Bottom, last),
        (Action::Down, last),
        (Action::PageUp, last - 10),
        (Action::Top, 0),
        (Action::PageDown, 10),
        (Action::Pick(4), 4),
        (Action::Pick(99), 4),
    ] {
        let cmds = update(&mut app, action.clone());
        assert!(cmds.is_empty());
        assert_eq!(app.review_cursor, expected, "{action:?}");
        assert_eq!(app.screen, Screen::Review);
    }
}

#[test]
fn confirm_on_the_review_changes_an_answer_and_returns() {
    let mut app = answered_app();
    update(&mut app, Action::Down);
    update(&mut app, Action::Down);
    let cmds = press(&mut app, KeyCode::Enter);
    assert!(cmds.is_empty());
    assert_eq!(app.screen, Screen::Question);
    assert_eq!(current_id(&app), "time_horizon");
    assert!(app.return_to_review);
    assert_eq!(app.cursor, 0, "on the current answer");
    let cmds = press(&mut app, KeyCode::Char('3'));
    one_save(&app, &cmds);
    assert_eq!(value(&app, "time_horizon"), Some(&choice("over_24_months")));
    assert_eq!(app.screen, Screen::Review);
    assert!(!app.return_to_review);
    assert_eq!(app.review_cursor, 2, "the review keeps its place");
}

#[test]
fn next_from_a_question_opened_on_the_review_returns_to_it() {
    let mut app = answered_app();
    update(&mut app, Action::Pick(5));
    update(&mut app, Action::Edit);
    assert_eq!(app.screen, Screen::Question);
    update(&mut app, Action::Next);
    assert_eq!(app.screen, Screen::Review);
    // Back instead leaves the review behind.
    update(&mut app, Action::Confirm);
    update(&mut app, Action::Back);
    assert_eq!(app.screen, Screen::Question);
    assert!(!app.return_to_review);
}

#[test]
fn review_goes_to_the_verdict_export_or_last_question() {
    for (key, screen) in [
        (KeyCode::Char('v'), Screen::Verdict),
        (KeyCode::Right, Screen::Verdict),
        (KeyCode::Tab, Screen::Verdict),
        (KeyCode::Char('e'), Screen::Export),
    ] {
        let mut app = answered_app();
        press(&mut app, key);
        assert_eq!(app.screen, screen, "{key:?}");
    }
    let mut app = answered_app();
    press(&mut app, KeyCode::Left);
    assert_eq!(app.screen, Screen::Question);
    assert_eq!(current_id(&app), "notes");
}

// ---------------------------------------------------------------------------
// Verdict
// ---------------------------------------------------------------------------

fn verdict_app() -> App {
    let mut app = answered_app();
    update(&mut app, Action::Verdict);
    assert_eq!(app.screen, Screen::Verdict);
    app
}

#[test]
fn verdict_selects_criteria_within_bounds() {
    let mut app = verdict_app();
    let last = app.tree.criteria.len() - 1;
    assert_eq!(app.criterion, 0);
    for (action, expected) in [
        (Action::Up, 0),
        (Action::Down, 1),
        (Action::Bottom, last),
        (Action::Down, last),
        (Action::Top, 0),
        (Action::Pick(3), 3),
        (Action::Pick(last + 1), 3),
        (Action::Pick(99), 3),
    ] {
        assert!(update(&mut app, action.clone()).is_empty());
        assert_eq!(app.criterion, expected, "{action:?}");
        assert_eq!(app.screen, Screen::Verdict);
    }
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.criterion, 4);
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(app.criterion, 3);
}

#[test]
fn verdict_panels_cycle_and_scroll() {
    let mut app = verdict_app();
    assert_eq!(app.panel, Panel::Reasons);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.panel, Panel::Robustness);
    for want in [Panel::Plan, Panel::Risks, Panel::Unanswered, Panel::Reasons] {
        update(&mut app, Action::NextPanel);
        assert_eq!(app.panel, want);
    }
    update(&mut app, Action::PrevPanel);
    assert_eq!(app.panel, Panel::Unanswered);
    update(&mut app, Action::NextPanel);
    assert_eq!(app.panel, Panel::Reasons);
    // PageDown moves a page of the panel (at the default 80x24), PageUp back.
    let page = mlops_wizard::tui::view::panel_page(&app, app.size);
    assert!(page > 1, "a page is more than a line");
    press(&mut app, KeyCode::PageDown);
    assert_eq!(
        app.panel_scroll,
        page.min(mlops_wizard::tui::view::panel_max_scroll(&app, app.size))
    );
    press(&mut app, KeyCode::PageUp);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(app.panel_scroll, 0);
    update(&mut app, Action::PageDown);
    update(&mut app, Action::Down);
    assert_eq!(
        app.panel_scroll, 0,
        "a new criterion shows its panel from the top"
    );
    update(&mut app, Action::PageDown);
    update(&mut app, Action::NextPanel);
    assert_eq!(app.panel_scroll, 0);
}

#[test]
fn verdict_goes_to_export_and_review() {
    for key in [KeyCode::Char('e'), KeyCode::Right, KeyCode::Enter] {
        let mut app = verdict_app();
        press(&mut app, key);
        assert_eq!(app.screen, Screen::Export, "{key:?}");
    }
    for key in [KeyCode::Char('r'), KeyCode::Left] {
        let mut app = verdict_app();
        press(&mut app, key);
        assert_eq!(app.screen, Screen::Review, "{key:?}");
    }
}

/// From the verdict: back to the review, open the question, choose, back to the verdict.
fn change_from_the_verdict(app: &mut App, question: &str, option: &str) -> Vec<Command> {
    assert_eq!(app.screen, Screen::Verdict);
    press(app, KeyCode::Char('r'));
    assert_eq!(app.screen, Screen::Review);
    let target = qidx(app, question);
    let row = app.asked().iter().position(|&i| i == target).unwrap();
    update(app, Action::Pick(row));
    press(app, KeyCode::Enter);
    assert_eq!(current_id(app), question);
    assert!(app.return_to_review);
    let q = app.current().clone();
    let i = match &q.scale {
        Some(s) => usize::try_from(option.parse::<i64>().unwrap() - s.min).unwrap(),
        None => option_index(app, question, option),
    };
    let cmds = update(app, Action::Pick(i));
    assert_eq!(
        app.screen,
        Screen::Review,
        "answering returns to the review"
    );
    press(app, KeyCode::Char('v'));
    assert_eq!(app.screen, Screen::Verdict);
    cmds
}

#[test]
fn changing_answers_changes_the_verdict() {
    let mut app = verdict_app();
    let open_source = alternative(&app, "open_source");
    let proprietary = alternative(&app, "proprietary");
    assert_eq!(
        app.recommendation.verdict,
        Verdict::Alternative(open_source)
    );
    let before = app.recommendation.clone();
    let mut flipped = false;
    for (q, o) in [
        ("team_size", "over_30"),
        ("time_horizon", "over_24_months"),
        ("team_oss_expertise", "no"),
        ("oss_training_plan", "no"),
        ("license_budget", "yes"),
        ("existing_vendor_contract", "yes"),
        ("small_or_short_term", "no"),
        ("needs_vendor_support", "yes"),
        ("early_feature_access", "no"),
        ("full_customization", "no"),
        ("easy_switching", "no"),
        ("community_support", "no"),
        ("time_to_production", "weeks"),
        ("licence_change_risk", "low"),
        ("avoid_vendor_lock_in", "no"),
        ("importance_cost", "2"),
        ("importance_vendor_risk", "2"),
    ] {
        let previous = app.recommendation.clone();
        let cmds = change_from_the_verdict(&mut app, q, o);
        one_save(&app, &cmds);
        assert_ne!(app.recommendation, previous, "{q} = {o} moves the scores");
        assert_eq!(
            app.recommendation,
            Recommendation::new(&app.tree, &app.effective_answers()),
            "the verdict follows every answer ({q})"
        );
        flipped |= app.recommendation.verdict == Verdict::Alternative(proprietary);
    }
    assert!(flipped);
    assert_ne!(app.recommendation, before);
    assert_eq!(
        app.recommendation.verdict,
        Verdict::Alternative(proprietary)
    );
}

// ---------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------

fn export_app() -> App {
    let mut app = verdict_app();
    update(&mut app, Action::Export);
    assert_eq!(app.screen, Screen::Export);
    app
}

fn export_files(cmds: &[Command]) -> (&[(PathBuf, String)], bool) {
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    match &cmds[0] {
        Command::Export { files, overwrite } => (files.as_slice(), *overwrite),
        other => panic!("expected Export, got {other:?}"),
    }
}

fn names(files: &[(PathBuf, String)]) -> Vec<String> {
    files.iter().map(|(p, _)| p.display().to_string()).collect()
}

#[test]
fn export_writes_the_markdown_report_by_default() {
    let mut app = export_app();
    let cmds = press(&mut app, KeyCode::Char('w'));
    let (files, overwrite) = export_files(&cmds);
    assert!(!overwrite);
    assert_eq!(names(files), [format!("mlops-recommendation-{DATE}.md")]);
    assert!(files[0].1.contains("Open-source stack"));
    assert!(files[0].1.contains(DATE));
}

#[test]
fn export_edits_the_path_and_ticks_the_extra_files() {
    let mut app = export_app();
    assert_eq!(app.export.row, 0);
    update(&mut app, Action::Edit);
    assert!(app.export.editing);
    update(&mut app, Action::Input(InputRequest::DeleteLine));
    typed(&mut app, "out/kickoff.md");
    // While editing, keys type: w, q, e, v and digits go into the path.
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    for c in ['w', 'q', '.', 'm', 'd'] {
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(app.export.path.value(), "out/kickoffwq.md");
    assert!(!app.quit);
    update(&mut app, Action::Input(InputRequest::GoToStart));
    update(&mut app, Action::Input(InputRequest::DeleteNextWord));
    update(&mut app, Action::Input(InputRequest::DeleteLine));
    update(&mut app, Action::Paste("out/kick\noff.md".into()));
    assert_eq!(app.export.path.value(), "out/kick off.md");
    update(&mut app, Action::Input(InputRequest::DeleteLine));
    typed(&mut app, "out/kickoff.md");
    press(&mut app, KeyCode::Enter);
    assert!(!app.export.editing);
    assert_eq!(app.export.row, 0);
    // Down to the JSON row, tick it; the answers row, tick it.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(app.export.row, 2);
    press(&mut app, KeyCode::Char(' '));
    assert!(app.export.json);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert!(app.export.answers_file);
    // Toggling again unticks; the markdown row cannot be unticked.
    update(&mut app, Action::Toggle);
    assert!(!app.export.answers_file);
    update(&mut app, Action::Toggle);
    update(&mut app, Action::Up);
    update(&mut app, Action::Up);
    assert_eq!(app.export.row, 1);
    update(&mut app, Action::Toggle);
    assert!(app.export.json && app.export.answers_file);
    let cmds = update(&mut app, Action::Next);
    let (files, overwrite) = export_files(&cmds);
    assert!(!overwrite);
    assert_eq!(
        names(files),
        [
            "out/kickoff.md",
            "out/kickoff.json",
            "out/kickoff.answers.toml"
        ]
    );
    let json: serde_json::Value = serde_json::from_str(&files[1].1).expect("the JSON parses");
    assert_eq!(json["date"], DATE);
    let answers = parse_session(&app, &files[2].1);
    assert_eq!(answers, app.effective_answers());
}

#[test]
fn export_rows_stay_in_bounds_and_the_button_writes() {
    let mut app = export_app();
    for _ in 0..10 {
        update(&mut app, Action::Down);
    }
    assert_eq!(app.export.row, EXPORT_ROWS);
    let cmds = press(&mut app, KeyCode::Enter);
    let (files, overwrite) = export_files(&cmds);
    assert_eq!(files.len(), 1);
    assert!(!overwrite);
    assert!(
        update(&mut app, Action::Toggle).is_empty(),
        "space on the button does nothing"
    );
    for _ in 0..10 {
        update(&mut app, Action::Up);
    }
    assert_eq!(app.export.row, 0);
    press(&mut app, KeyCode::Enter);
    assert!(app.export.editing, "Enter on the path edits it");
    press(&mut app, KeyCode::Esc);
    assert!(!app.export.editing);
    // Down while editing leaves the field for the next row.
    press(&mut app, KeyCode::Char('i'));
    assert!(app.export.editing);
    press(&mut app, KeyCode::Down);
    assert!(!app.export.editing);
    assert_eq!(app.export.row, 1);
}

#[test]
fn export_pick_activates_a_row() {
    let mut app = export_app();
    update(&mut app, Action::Pick(2));
    assert_eq!(app.export.row, 2);
    assert!(app.export.json);
    update(&mut app, Action::Pick(3));
    assert!(app.export.answers_file);
    update(&mut app, Action::Pick(0));
    assert!(app.export.editing);
}

#[test]
fn an_empty_path_gives_an_error_and_no_command() {
    let mut app = export_app();
    update(&mut app, Action::Edit);
    update(&mut app, Action::Input(InputRequest::DeleteLine));
    typed(&mut app, "  ");
    update(&mut app, Action::StopEditing);
    let cmds = update(&mut app, Action::Next);
    assert!(cmds.is_empty());
    let status = app.status.clone().expect("a status");
    assert!(status.error);
    assert!(status.text.contains("file name"), "{}", status.text);
    assert_eq!(app.screen, Screen::Export);
}

#[test]
fn existing_files_ask_before_overwriting() {
    let mut app = export_app();
    update(&mut app, Action::Pick(2));
    let cmds = update(&mut app, Action::Next);
    let (files, _) = export_files(&cmds);
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    update(
        &mut app,
        Action::Exported(Err(ExportError::Exists(paths.clone()))),
    );
    assert_eq!(
        app.overlay,
        Some(Overlay::ConfirmOverwrite {
            paths: paths.clone()
        })
    );
    // y overwrites.
    let cmds = press(&mut app, KeyCode::Char('y'));
    let (again, overwrite) = export_files(&cmds);
    assert!(overwrite);
    assert_eq!(again, files);
    assert_eq!(app.overlay, None);
    // n closes with a status.
    update(
        &mut app,
        Action::Exported(Err(ExportError::Exists(paths.clone()))),
    );
    let cmds = press(&mut app, KeyCode::Char('n'));
    assert!(cmds.is_empty());
    assert_eq!(app.overlay, None);
    let status = app.status.clone().expect("a status");
    assert!(!status.error);
    assert!(status.text.contains("Nothing written"), "{}", status.text);
    assert_eq!(app.screen, Screen::Export);
    // Any other key declines too.
    update(&mut app, Action::Exported(Err(ExportError::Exists(paths))));
    let cmds = press(&mut app, KeyCode::Char('w'));
    assert!(cmds.is_empty());
    assert_eq!(app.overlay, None);
}

#[test]
fn a_successful_export_clears_dirty_and_says_what_was_written() {
    let mut app = export_app();
    answer(&mut app, "team_size", "4_10");
    assert!(app.dirty);
    update(&mut app, Action::Review);
    update(&mut app, Action::Export);
    assert_eq!(app.screen, Screen::Export);
    let paths = vec![PathBuf::from("a.md"), PathBuf::from("a.json")];
    let cmds = update(&mut app, Action::Exported(Ok(paths.clone())));
    assert!(cmds.is_empty());
    assert!(!app.dirty);
    let status = app.status.clone().expect("a status");
    assert!(!status.error);
    assert_eq!(status.text, "Wrote a.md, a.json");
    assert_eq!(app.export.written, paths);
    // Quitting now needs no confirmation.
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn a_failed_export_shows_an_error() {
    let mut app = export_app();
    update(
        &mut app,
        Action::Exported(Err(ExportError::Failed("permission denied".into()))),
    );
    let status = app.status.clone().expect("a status");
    assert!(status.error);
    assert!(status.text.contains("permission denied"));
    assert_eq!(app.overlay, None);
}

#[test]
fn export_goes_back_to_the_verdict_and_review() {
    for (key, screen) in [
        (KeyCode::Left, Screen::Verdict),
        (KeyCode::Char('v'), Screen::Verdict),
        (KeyCode::Char('r'), Screen::Review),
    ] {
        let mut app = export_app();
        press(&mut app, key);
        assert_eq!(app.screen, screen, "{key:?}");
    }
}

// ---------------------------------------------------------------------------
// Quit
// ---------------------------------------------------------------------------

#[test]
fn quit_without_answers_quits_at_once() {
    let mut app = app();
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
    let mut app = at_question("team_size");
    press(&mut app, KeyCode::Esc);
    assert!(app.quit);
}

#[test]
fn quit_with_answers_not_exported_asks_first() {
    let mut app = at_question("team_size");
    update(&mut app, Action::Pick(0));
    assert!(app.dirty);
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit);
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.overlay, None);
    assert!(!app.quit);
    assert_eq!(current_id(&app), "time_horizon");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, Some(Overlay::ConfirmQuit));
    press(&mut app, KeyCode::Char('y'));
    assert!(app.quit);
    // Directly through update: No closes, Yes quits.
    let mut app = at_question("team_size");
    update(&mut app, Action::Pick(0));
    update(&mut app, Action::Quit);
    update(&mut app, Action::No);
    assert_eq!(app.overlay, None);
    update(&mut app, Action::Quit);
    update(&mut app, Action::Yes);
    assert!(app.quit);
}

/// Every screen, each with and without an overlay, and editing text.
fn every_state() -> Vec<(String, App)> {
    let mut out = Vec::new();
    out.push(("welcome".to_string(), app()));
    let editing = at_question("project_name");
    assert!(keys::editing_text(&editing));
    out.push(("text editing".to_string(), editing));
    let mut dirty = at_question("team_size");
    update(&mut dirty, Action::Pick(1));
    out.push(("question".to_string(), dirty.clone()));
    let review = answered_app();
    out.push(("review".to_string(), review));
    out.push(("verdict".to_string(), verdict_app()));
    let export = export_app();
    out.push(("export".to_string(), export.clone()));
    let mut export_editing = export;
    update(&mut export_editing, Action::Edit);
    assert!(keys::editing_text(&export_editing));
    out.push(("export editing".to_string(), export_editing));
    let mut overlays = Vec::new();
    for (name, app) in &out {
        for action in [Action::Help, Action::JumpList, Action::Quit] {
            let mut app = app.clone();
            app.dirty = true;
            app.editing = false;
            app.export.editing = false;
            update(&mut app, action.clone());
            if app.overlay.is_some() {
                overlays.push((format!("{name} + {action:?}"), app));
            }
        }
        let mut app = app.clone();
        update(
            &mut app,
            Action::Exported(Err(ExportError::Exists(vec!["x.md".into()]))),
        );
        overlays.push((format!("{name} + overwrite"), app));
    }
    out.extend(overlays);
    out
}

#[test]
fn ctrl_c_quits_at_once_everywhere() {
    let states = every_state();
    assert!(states.len() > 20);
    for (name, mut app) in states {
        app.dirty = true;
        let action = keys::action_for_key(&app, ctrl_c());
        assert_eq!(action, Some(Action::ForceQuit), "{name}");
        let cmds = update(&mut app, Action::ForceQuit);
        assert!(cmds.is_empty(), "{name}");
        assert!(app.quit, "{name}");
    }
}

// ---------------------------------------------------------------------------
// Help
// ---------------------------------------------------------------------------

#[test]
fn question_mark_opens_help_on_every_screen() {
    for (name, mut app) in every_state() {
        if app.overlay.is_some() {
            continue;
        }
        let key = if keys::editing_text(&app) {
            // In a text field ? is typed; F1 opens the help.
            assert_eq!(
                keys::action_for_key(&app, KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE)),
                Some(Action::Input(InputRequest::InsertChar('?'))),
                "{name}"
            );
            KeyCode::F(1)
        } else {
            KeyCode::Char('?')
        };
        press(&mut app, key);
        assert_eq!(app.overlay, Some(Overlay::Help { scroll: 0 }), "{name}");
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Char('j'));
        assert_eq!(app.overlay, Some(Overlay::Help { scroll: 2 }), "{name}");
        press(&mut app, KeyCode::Up);
        assert_eq!(app.overlay, Some(Overlay::Help { scroll: 1 }), "{name}");
        press(&mut app, KeyCode::PageDown);
        assert_eq!(app.overlay, Some(Overlay::Help { scroll: 11 }), "{name}");
        press(&mut app, KeyCode::PageUp);
        press(&mut app, KeyCode::PageUp);
        assert_eq!(app.overlay, Some(Overlay::Help { scroll: 0 }), "{name}");
        let before = (app.screen, app.question, app.answers.clone(), app.quit);
        // Any other key closes the help, and does nothing else.
        press(&mut app, KeyCode::Char('q'));
        assert_eq!(app.overlay, None, "{name}");
        assert_eq!(
            (app.screen, app.question, app.answers.clone(), app.quit),
            before,
            "{name}"
        );
    }
}

#[test]
fn any_other_key_closes_the_help() {
    for key in [
        KeyCode::Esc,
        KeyCode::Enter,
        KeyCode::Char('x'),
        KeyCode::Char('?'),
        KeyCode::Left,
        KeyCode::F(1),
    ] {
        let mut app = at_question("team_size");
        update(&mut app, Action::Help);
        let cmds = press(&mut app, key);
        assert!(cmds.is_empty());
        assert_eq!(app.overlay, None, "{key:?}");
        assert_eq!(current_id(&app), "team_size", "{key:?}");
        assert!(app.answers.values.is_empty(), "{key:?}");
    }
}

// ---------------------------------------------------------------------------
// Results from the runtime, key releases, statuses
// ---------------------------------------------------------------------------

#[test]
fn a_failed_session_save_is_state_until_a_save_succeeds() {
    let mut app = at_question("team_size");
    update(&mut app, Action::Pick(0));
    let cmds = update(&mut app, Action::SessionSaved(Err("disk full".into())));
    assert!(cmds.is_empty());
    assert_eq!(app.unsaved.as_deref(), Some("disk full"));
    // The screen shows the failure in place of any message of the moment.
    assert_eq!(app.status, None);
    assert_eq!(current_id(&app), "time_horizon");
    // Other actions leave it; it lasts until a save succeeds.
    update(&mut app, Action::Down);
    update(&mut app, Action::Help);
    update(&mut app, Action::Cancel);
    assert_eq!(app.unsaved.as_deref(), Some("disk full"));
    update(&mut app, Action::SessionSaved(Ok(())));
    assert_eq!(app.unsaved, None);
}

#[test]
fn runtime_results_apply_under_an_overlay() {
    let mut app = at_question("team_size");
    update(&mut app, Action::Help);
    update(&mut app, Action::SessionSaved(Err("read-only".into())));
    assert_eq!(app.unsaved.as_deref(), Some("read-only"));
    assert_eq!(app.overlay, Some(Overlay::Help { scroll: 0 }));
}

#[test]
fn key_releases_and_repeats_map_to_no_action() {
    for (name, app) in every_state() {
        for code in [
            KeyCode::Enter,
            KeyCode::Char('q'),
            KeyCode::Char('c'),
            KeyCode::Char('y'),
            KeyCode::Esc,
            KeyCode::Down,
        ] {
            let release = KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Release);
            assert_eq!(keys::action_for_key(&app, release), None, "{name} {code:?}");
        }
        let release = KeyEvent::new_with_kind(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL,
            KeyEventKind::Release,
        );
        assert_eq!(keys::action_for_key(&app, release), None, "{name}");
    }
}

#[test]
fn unbound_keys_and_ctrl_combinations_map_to_no_action() {
    let app = at_question("team_size");
    for (code, mods) in [
        (KeyCode::Char('z'), KeyModifiers::NONE),
        (KeyCode::F(5), KeyModifiers::NONE),
        (KeyCode::Char('q'), KeyModifiers::CONTROL),
        (KeyCode::Char('j'), KeyModifiers::CONTROL),
    ] {
        assert_eq!(
            keys::action_for_key(&app, KeyEvent::new(code, mods)),
            None,
            "{code:?} {mods:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Whole walks
// ---------------------------------------------------------------------------

#[test]
fn enter_alone_walks_from_the_welcome_to_the_review() {
    let mut app = app();
    let mut presses = 0;
    let mut saves_seen = 0;
    while app.screen != Screen::Review {
        let cmds = press(&mut app, KeyCode::Enter);
        for text in saves(&cmds) {
            assert_eq!(parse_session(&app, text), app.effective_answers());
            saves_seen += 1;
        }
        presses += 1;
        assert!(presses <= 60, "the walk does not end: at {:?}", app.screen);
        assert!(!app.quit);
    }
    // One press for the welcome, one per question shown; the first options include
    // license_budget = yes, which shows existing_vendor_contract.
    assert_eq!(presses, 1 + app.flow.len());
    assert_eq!(app.flow.len(), 23);
    // Every question but the two text ones is answered.
    assert_eq!(app.effective_answers().values.len(), 21);
    assert_eq!(saves_seen, 21);
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.screen, Screen::Verdict);
    assert_eq!(app.recommendation.unanswered.len(), 2);
}

#[test]
fn next_alone_walks_through_every_question_once() {
    let mut app = app();
    update(&mut app, Action::Start);
    let mut seen = vec![app.question];
    while app.screen == Screen::Question {
        update(&mut app, Action::Next);
        if app.screen == Screen::Question {
            seen.push(app.question);
        }
        assert!(seen.len() <= 30);
    }
    assert_eq!(app.screen, Screen::Review);
    assert_eq!(seen, app.asked());
}

#[test]
fn every_action_on_every_state_keeps_the_app_consistent() {
    let actions = [
        Action::Up,
        Action::Down,
        Action::Top,
        Action::Bottom,
        Action::PageUp,
        Action::PageDown,
        Action::Next,
        Action::Back,
        Action::Confirm,
        Action::Toggle,
        Action::Pick(0),
        Action::Pick(7),
        Action::Pick(usize::MAX),
        Action::Yes,
        Action::No,
        Action::Clear,
        Action::Edit,
        Action::StopEditing,
        Action::Input(InputRequest::InsertChar('é')),
        Action::Input(InputRequest::DeletePrevChar),
        Action::Paste("x\ny".into()),
        Action::JumpList,
        Action::Review,
        Action::Verdict,
        Action::Export,
        Action::Help,
        Action::NextPanel,
        Action::Start,
        Action::Resume,
        Action::Cancel,
        Action::SessionSaved(Ok(())),
        Action::Exported(Ok(vec![])),
    ];
    for (name, app) in every_state() {
        for action in &actions {
            let mut app = app.clone();
            let cmds = update(&mut app, action.clone());
            assert!(app.question < app.tree.questions.len(), "{name} {action:?}");
            if app.screen == Screen::Question {
                assert!(
                    app.flow.is_shown(app.question),
                    "{name} {action:?}: a hidden question is open"
                );
                let count = app.item_count();
                assert!(
                    count == 0 || app.cursor < count,
                    "{name} {action:?}: cursor {} of {count}",
                    app.cursor
                );
            }
            assert!(app.criterion < app.tree.criteria.len(), "{name} {action:?}");
            assert!(app.export.row <= EXPORT_ROWS, "{name} {action:?}");
            for text in saves(&cmds) {
                assert_eq!(
                    parse_session(&app, text),
                    app.effective_answers(),
                    "{name} {action:?}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Review findings: panels backwards, branching notices, notes before the walk
// ---------------------------------------------------------------------------

#[test]
fn shift_tab_on_the_verdict_shows_the_previous_panel() {
    let mut app = verdict_app();
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.panel, Panel::Unanswered);
    assert_eq!(app.screen, Screen::Verdict);
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.panel, Panel::Risks);
}

#[test]
fn an_answer_that_adds_or_removes_questions_says_so() {
    let mut app = at_question("team_oss_expertise");
    let no = app
        .current()
        .options
        .iter()
        .position(|o| o.id == "no")
        .unwrap();
    update(&mut app, Action::Pick(no));
    let status = app.status.clone().expect("a notice");
    assert!(status.text.contains("adds a question"), "{status:?}");
    update(&mut app, Action::Back);
    let yes = app
        .current()
        .options
        .iter()
        .position(|o| o.id == "yes")
        .unwrap();
    update(&mut app, Action::Pick(yes));
    let status = app.status.clone().expect("a notice");
    assert!(status.text.contains("no longer apply"), "{status:?}");
}

#[test]
fn answers_with_notes_open_on_the_welcome_screen_then_continue() {
    let mut answers = Answers::default();
    answers
        .values
        .insert("project_name".into(), Answer::Text("Atlas".into()));
    let mut app = App::new(
        wizard_tree(),
        StartOptions {
            answers: Some(answers),
            skip_welcome: true,
            notes: vec!["an answer could not be used".into()],
            date: "2026-11-28".into(),
            ..StartOptions::default()
        },
    );
    assert_eq!(app.screen, Screen::Welcome, "the note is shown first");
    update(&mut app, Action::Start);
    assert_eq!(app.screen, Screen::Question);
    assert_eq!(
        current_id(&app),
        "team_size",
        "the walk goes on after the answers given"
    );
}

/// The wizard's test tree (tests/fixtures/trees/valid/wizard.toml): fixed, so that these
/// tests do not change with the built-in tree's content.
fn wizard_tree() -> Tree {
    Tree::parse(
        "wizard.toml",
        include_str!("fixtures/trees/valid/wizard.toml"),
    )
    .expect("the wizard's test tree is valid")
}

#[test]
fn a_contradiction_is_said_as_soon_as_the_second_answer_is_given() {
    // The wizard's test tree declares no conflicts: use the built-in tree, which does.
    let mut app = App::new(Tree::default_tree(), options());
    answer(&mut app, "small_or_short_term", "yes");
    assert!(
        app.status
            .as_ref()
            .is_none_or(|s| !s.text.contains("Contradiction"))
    );
    answer(&mut app, "time_horizon", "over_24_months");
    let status = app.status.clone().expect("a message");
    assert!(status.error);
    assert!(
        status.text.starts_with("Contradiction: "),
        "{}",
        status.text
    );
    assert!(
        status.text.contains("more than two years"),
        "{}",
        status.text
    );
    assert_eq!(app.recommendation.conflicts.len(), 1);
}
