//! The wizard's screens rendered into ratatui's `TestBackend`. Snapshots of every screen
//! and overlay run on a small fixture tree (tests/fixtures/trees/valid/wizard.toml) at
//! 80x24, some at 60x16 and 200x60; a handful show the real tree (questions/mlops.toml) at
//! 80x24 and 200x60. Plus: tiny sizes that must not panic, clicks that land on what is
//! drawn, the cursor in text fields, graphemes, and nothing unsafe reaching the terminal.
//! Review changes with `INSTA_UPDATE=always cargo test --test tui_render` and read the
//! .snap files under tests/snapshots/.

use std::path::{Path, PathBuf};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mlops_wizard::answers::{Answers, Strictness};
use mlops_wizard::source::Source;
use mlops_wizard::tui::app::{Action, App, ScreenId, StartOptions, update};
use mlops_wizard::tui::keys;
use mlops_wizard::tui::overlays::{Overlay, confirm::Dialog};
use mlops_wizard::tui::screens::verdict::Tab;
use mlops_wizard::tui::{chrome, screens::question};
use mlops_wizard::{Recommendation, Tree};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

const DATE: &str = "2026-11-28";

/// Sizes below the minimum: rendering must not panic.
const TINY: [(u16, u16); 7] = [
    (59, 15),
    (60, 15),
    (59, 16),
    (20, 5),
    (10, 3),
    (1, 1),
    (0, 0),
];

// ---------------------------------------------------------------------------------------
// Helpers

fn fixture() -> Tree {
    Tree::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/trees/valid/wizard.toml"
    )))
    .unwrap()
}

fn options() -> StartOptions {
    StartOptions {
        date: DATE.into(),
        no_color: true,
        home: Some(PathBuf::from("/home/dana")),
        ..Default::default()
    }
}

fn app() -> App {
    App::new(fixture(), options())
}

fn parse(tree: &Tree, text: &str) -> Answers {
    Answers::parse(&Source::new("a.toml", text), tree, Strictness::Strict)
        .unwrap()
        .answers
}

const ANSWERED: &str = r#"[answers]
name = "Pipeline"
team = "small"
experience = "some"
learn = "yes"
budget = "no"
support = "yes"
stages = ["train", "serve"]
tools = ["t11"]
deadline = 4
short = "yes"
priorities = { speed = 5 }
notes = "Serving is the hard part."
"#;

/// Every question of the fixture answered, with the robustness computed.
fn answered() -> App {
    let tree = fixture();
    let answers = parse(&tree, ANSWERED);
    let mut app = App::new(
        tree,
        StartOptions {
            answers: Some(answers),
            skip_welcome: true,
            ..options()
        },
    );
    analyse(&mut app);
    app
}

/// Delivers the analysis, as the runtime's worker does.
fn analyse(app: &mut App) {
    let answers = app.flow.effective(&app.tree, &app.answers);
    let rec = Recommendation::new(&app.tree, &answers);
    let generation = app.generation;
    update(
        app,
        Action::Analysed {
            generation,
            robustness: Box::new(rec.robustness.unwrap()),
        },
    );
}

fn press(app: &mut App, code: KeyCode) {
    let area = Rect::new(0, 0, 80, 24);
    if let Some(a) = keys::action_for_key(app, KeyEvent::new(code, KeyModifiers::NONE), area) {
        update(app, a);
    }
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn open(app: &mut App, id: &str) {
    let i = app.tree.question_index(id).unwrap();
    question::open(app, i);
}

fn draw(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| chrome::draw(app, f)).unwrap();
    terminal
}

fn draw_named(name: &str, app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| draw(app, width, height)))
        .unwrap_or_else(|_| panic!("drawing {name} at {width}x{height} panicked"))
}

fn screen_text(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn text_at(app: &App, w: u16, h: u16) -> String {
    screen_text(draw(app, w, h).backend().buffer())
}

// ---------------------------------------------------------------------------------------
// States

fn welcome() -> App {
    app()
}

fn question_single() -> App {
    let mut app = app();
    open(&mut app, "team");
    press(&mut app, KeyCode::Down);
    app
}

fn question_multiple() -> App {
    let mut app = app();
    open(&mut app, "stages");
    app
}

fn question_long_filtered() -> App {
    let mut app = app();
    open(&mut app, "tools");
    update(&mut app, Action::Cmd(keys::Cmd::Filter));
    typed(&mut app, "se");
    app
}

fn question_scale() -> App {
    let mut app = app();
    open(&mut app, "deadline");
    app
}

fn question_text() -> App {
    let mut app = app();
    open(&mut app, "notes");
    typed(
        &mut app,
        "Serving is the hard part; the team knows Python and has run Airflow for two years without trouble.",
    );
    update(
        &mut app,
        Action::Edit {
            key: KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL),
            width: 76,
        },
    );
    typed(&mut app, "Café, naïve: accents stay.");
    app
}

fn question_priorities() -> App {
    let mut app = app();
    open(&mut app, "priorities");
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    app
}

fn question_after_exclusion() -> App {
    let mut app = app();
    open(&mut app, "budget");
    press(&mut app, KeyCode::Char('n'));
    app
}

fn people() -> App {
    let mut app = answered();
    app.go(ScreenId::People);
    typed(&mut app, "Dana Petrova, head of data");
    app
}

fn review() -> App {
    let mut app = answered();
    app.go(ScreenId::Review);
    app
}

fn verdict(tab: Tab) -> App {
    let mut app = answered();
    app.go(ScreenId::Verdict);
    app.verdict.tab = tab;
    app
}

fn verdict_analysing() -> App {
    let mut app = verdict(Tab::Criteria);
    app.recommendation.robustness = None;
    app
}

fn export() -> App {
    let mut app = answered();
    app.go(ScreenId::Export);
    app
}

fn export_missing_folder() -> App {
    let mut app = export();
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    update(
        &mut app,
        Action::Edit {
            key: KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
            width: 76,
        },
    );
    typed(&mut app, "~/kickoff/decision");
    let request = app.export.request(&app);
    update(
        &mut app,
        Action::PathChecked(mlops_wizard::tui::screens::export::PathCheck {
            request,
            is_dir: false,
            folder: mlops_wizard::tui::screens::export::FolderState::Missing,
            folder_shown: None,
            existing: vec![],
        }),
    );
    app
}

fn export_written() -> App {
    let mut app = export();
    update(
        &mut app,
        Action::Exported(Ok(vec![PathBuf::from(
            "mlops-recommendation-2026-11-28.md",
        )])),
    );
    app
}

fn help() -> App {
    let mut app = question_multiple();
    press(&mut app, KeyCode::Char('?'));
    app
}

fn jump() -> App {
    let mut app = answered();
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "team");
    app
}

fn confirm_quit() -> App {
    let mut app = answered();
    app.session_path = Some(PathBuf::from("/state/session-wizard-test.toml"));
    app.overlay = Some(Overlay::Confirm(Dialog::Quit));
    app
}

fn confirm_overwrite() -> App {
    let mut app = export();
    app.overlay = Some(Overlay::Confirm(Dialog::Overwrite {
        paths: vec![PathBuf::from("mlops-recommendation-2026-11-28.md")],
        create_folder: false,
    }));
    app
}

fn messages_wrap() -> App {
    let mut app = app();
    open(&mut app, "experience");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    app
}

fn states() -> Vec<(&'static str, App)> {
    vec![
        ("welcome", welcome()),
        ("question_single", question_single()),
        ("question_multiple", question_multiple()),
        ("question_long_filtered", question_long_filtered()),
        ("question_scale", question_scale()),
        ("question_text", question_text()),
        ("question_priorities", question_priorities()),
        ("question_after_exclusion", question_after_exclusion()),
        ("people", people()),
        ("review", review()),
        ("verdict_criteria", verdict(Tab::Criteria)),
        ("verdict_plan", verdict(Tab::Plan)),
        ("verdict_risks", verdict(Tab::Risks)),
        ("verdict_questions", verdict(Tab::Questions)),
        ("verdict_analysing", verdict_analysing()),
        ("export", export()),
        ("export_missing_folder", export_missing_folder()),
        ("export_written", export_written()),
        ("help", help()),
        ("jump", jump()),
        ("confirm_quit", confirm_quit()),
        ("confirm_overwrite", confirm_overwrite()),
        ("messages_wrap", messages_wrap()),
    ]
}

#[test]
fn snapshots_at_80x24() {
    for (name, app) in states() {
        let t = draw(&app, 80, 24);
        insta::assert_snapshot!(format!("{name}_80x24"), t.backend());
    }
}

#[test]
fn snapshots_at_the_smallest_and_a_large_size() {
    for name in [
        "question_single",
        "people",
        "review",
        "question_priorities",
        "verdict_criteria",
        "verdict_plan",
        "export",
        "help",
    ] {
        let app = states().into_iter().find(|(n, _)| *n == name).unwrap().1;
        for (w, h) in [(60, 16), (200, 60)] {
            let t = draw(&app, w, h);
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), t.backend());
        }
    }
}

// ---------------------------------------------------------------------------------------
// The real tree

fn real() -> App {
    let tree = Tree::default_tree();
    let text = include_str!("../examples/startup-open-source.toml");
    let answers = Answers::parse(&Source::new("a.toml", text), &tree, Strictness::Lenient)
        .unwrap()
        .answers;
    let mut app = App::new(
        tree,
        StartOptions {
            answers: Some(answers),
            skip_welcome: true,
            catalog: mlops_wizard::catalog::Catalog::built_in(&Tree::default_tree()),
            ..options()
        },
    );
    analyse(&mut app);
    app
}

#[test]
fn the_real_tree_at_80x24_and_200x60() {
    let mut app = real();
    app.go(ScreenId::Verdict);
    for tab in [Tab::Criteria, Tab::Plan] {
        app.verdict.tab = tab;
        for (w, h) in [(80, 24), (200, 60)] {
            let t = draw(&app, w, h);
            insta::assert_snapshot!(format!("real_verdict_{tab:?}_{w}x{h}"), t.backend());
        }
    }
    let q = app.tree.priorities_question().unwrap();
    question::open(&mut app, q);
    for (w, h) in [(80, 24), (200, 60)] {
        let t = draw(&app, w, h);
        insta::assert_snapshot!(format!("real_priorities_{w}x{h}"), t.backend());
    }
    let mut welcome = App::new(Tree::default_tree(), options());
    welcome.go(ScreenId::Welcome);
    insta::assert_snapshot!("real_welcome_80x24", draw(&welcome, 80, 24).backend());
}

#[test]
fn the_verdict_at_80x24_says_it_all_in_words_near_the_top() {
    let mut app = real();
    app.go(ScreenId::Verdict);
    let text = text_at(&app, 80, 24);
    let top: String = text.lines().take(12).collect::<Vec<_>>().join("\n");
    assert!(
        top.contains("Open-source stack, forced: your answer “No”"),
        "{top}"
    );
    assert!(top.contains("weighted points"), "{top}");
    assert!(top.contains("Robustness: "), "{top}");
    assert!(!top.contains('…'), "nothing cut at the top:\n{top}");
    app.verdict.tab = Tab::Plan;
    let text = text_at(&app, 80, 24);
    for stage in ["Data collection", "Model training", "Monitoring"] {
        assert!(text.contains(stage), "{stage}:\n{text}");
    }
}

// ---------------------------------------------------------------------------------------
// What the screens say

#[test]
fn too_small() {
    let text = text_at(&question_single(), 59, 15);
    assert!(text.contains("Make the window"), "{text}");
    assert!(text.contains("60x16") && text.contains("59x15"), "{text}");
}

#[test]
fn tiny_sizes_do_not_panic_and_keys_do_nothing_there() {
    for (name, app) in states() {
        for (w, h) in TINY {
            let terminal = draw_named(name, &app, w, h);
            assert_eq!(terminal.backend().buffer().area, Rect::new(0, 0, w, h));
            let area = Rect::new(0, 0, w, h);
            for code in [KeyCode::Enter, KeyCode::Char('q'), KeyCode::Esc] {
                let key = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
                assert_eq!(keys::action_for_event(&app, &key, area), None, "{name}");
            }
        }
    }
}

#[test]
fn every_size_around_the_minimum_renders() {
    for (name, app) in states() {
        for w in (58..=130).step_by(6) {
            for h in [15, 16, 17, 19, 24, 33] {
                draw_named(name, &app, w, h);
            }
        }
        for (w, h) in [(u16::MAX / 64, 3), (300, 100), (1000, 20)] {
            draw_named(name, &app, w, h);
        }
    }
}

#[test]
fn an_options_description_is_shown_under_it() {
    let text = text_at(&question_single(), 80, 24);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("❯ 2 ( ) Four or more"))
        .expect(&text);
    assert!(
        lines[at + 1].contains("Enough people to run their own tools."),
        "{text}"
    );
}

#[test]
fn a_multiple_choice_question_says_in_place_that_it_needs_a_tick() {
    let text = text_at(&question_multiple(), 80, 24);
    assert!(text.contains("Nothing ticked"), "{text}");
}

#[test]
fn the_following_questions_say_what_was_ruled_out() {
    let text = text_at(&question_after_exclusion(), 80, 24);
    assert!(
        text.contains("Buy a platform is ruled out by your answer “No” to “Is there a budget"),
        "{text}"
    );
}

#[test]
fn text_fields_show_the_real_cursor_and_keep_accents() {
    let app = question_text();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| chrome::draw(&app, f)).unwrap();
    let pos = terminal.get_cursor_position().unwrap();
    let buf = terminal.backend().buffer();
    // The cursor is right after the last character typed.
    let row: String = (0..80).map(|x| buf[(x, pos.y)].symbol()).collect();
    assert!(row.contains("accents stay."), "{row}");
    assert_eq!(buf[(pos.x - 1, pos.y)].symbol(), ".");
    // "é" typed as e + combining acute is one cell.
    let cells: Vec<&str> = (0..80).map(|x| buf[(x, pos.y)].symbol()).collect();
    assert!(
        cells.iter().any(|c| *c == "é" || *c == "e\u{301}"),
        "{cells:?}"
    );
    assert_ne!(pos, Position::new(0, 0));
    // Choice screens hide it.
    let area = Rect::new(0, 0, 80, 24);
    let mut buf = Buffer::empty(area);
    assert_eq!(chrome::render(&question_single(), area, &mut buf), None);
    assert!(chrome::render(&app, area, &mut buf).is_some());
}

#[test]
fn combining_accents_in_typed_text_are_drawn_with_their_letter() {
    let mut app = app();
    open(&mut app, "name");
    typed(&mut app, "Cafe\u{301}");
    let buf = draw(&app, 80, 24);
    let text = screen_text(buf.backend().buffer());
    assert!(text.contains("Cafe\u{301}"), "{text}");
}

#[test]
fn the_help_never_covers_the_footer_and_starts_with_this_screen() {
    let app = help();
    let text = text_at(&app, 80, 24);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[23].contains("Esc close"), "{}", lines[23]);
    let first = lines.iter().position(|l| l.contains("(now)")).unwrap();
    assert!(lines[first].contains("Multiple choice (now)"), "{text}");
    assert!(!text.contains('`'), "no literal backticks");
}

#[test]
fn dialogs_have_no_backticks_and_singular_words() {
    let text = text_at(&confirm_quit(), 80, 24);
    assert!(!text.contains('`'), "{text}");
    assert!(text.contains("mlops-wizard --resume continues"), "{text}");
    let text = text_at(&confirm_overwrite(), 80, 24);
    assert!(text.contains("This file exists:"), "{text}");
    assert!(text.contains("Replace it? y / n"), "{text}");
}

#[test]
fn the_footer_lists_the_keys_that_work_here() {
    for (name, app) in states() {
        let text = text_at(&app, 80, 24);
        let footer = text.lines().last().unwrap().to_string();
        let area = Rect::new(0, 0, 80, 24);
        for b in keys::active(&app, area) {
            let Some(_) = b.footer else { continue };
            let key = chrome::first_key(b.keys);
            if footer.contains(&format!(" {key} ")) {
                let keys::Chord::Key(code, mods) = b.chords[0] else {
                    continue;
                };
                assert!(
                    keys::action_for_key(&app, KeyEvent::new(code, mods), area).is_some()
                        || b.cmd == keys::Cmd::ForceQuit,
                    "{name}: the footer offers {key}, which does nothing"
                );
            }
        }
        if app.typing() {
            assert!(!footer.contains(" q quit"), "{name}: {footer}");
        }
    }
}

#[test]
fn messages_wrap_instead_of_being_cut() {
    let text = text_at(&messages_wrap(), 80, 24);
    assert!(text.contains("Your last answer adds 1 question:"), "{text}");
    assert!(text.contains("“Can the team learn them?”"), "{text}");
}

#[test]
fn clicks_land_on_what_is_drawn() {
    let app = question_single();
    let buf = draw(&app, 80, 24);
    let text = screen_text(buf.backend().buffer());
    let y = text
        .lines()
        .position(|l| l.contains("One to three people"))
        .unwrap() as u16;
    let area = Rect::new(0, 0, 80, 24);
    let ev = Event::Mouse(crossterm::event::MouseEvent {
        kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
        column: 10,
        row: y,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(
        keys::action_for_event(&app, &ev, area),
        Some(Action::Pick(0))
    );
}

/// Untrusted text (bidi overrides, escape sequences, zero-width characters) in a tree:
/// the wizard's backend lets none of them through to the terminal.
#[test]
fn nothing_unsafe_reaches_the_terminal() {
    use mlops_wizard::tui::safe::SafeBackend;
    let evil = "\u{202e}gnp.exe\u{200b}\u{1b}]52;c;aGk=\u{7}\u{9b}2J";
    let value = |s: String| toml::Value::String(s).to_string();
    let text = include_str!("fixtures/trees/valid/minimal.toml")
        .replacen(
            "label = \"X\"",
            &format!("label = {}", value(format!("X{evil}"))),
            1,
        )
        .replacen(
            "prompt = \"Which one?\"",
            &format!("prompt = {}", value(format!("Which{evil} one?"))),
            1,
        )
        .replacen(
            "title = \"Minimal tree\"",
            &format!("title = {}", value(format!("{evil}Minimal"))),
            1,
        );
    let tree = Tree::parse("t.toml", &text).expect("a valid tree");
    let mut app = App::new(
        tree,
        StartOptions {
            notes: vec![format!("an answer could not be used: x{evil}")],
            ..options()
        },
    );
    let forbidden = |s: &str| {
        s.chars().any(|c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}')
        })
    };
    let mut unsafe_without = false;
    for _ in 0..2 {
        let plain = draw(&app, 80, 24);
        let drawn: String = plain
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        unsafe_without |= forbidden(&drawn);
        let mut safe = Terminal::new(SafeBackend::new(TestBackend::new(80, 24))).unwrap();
        safe.draw(|f| chrome::draw(&app, f)).unwrap();
        let sent: String = safe
            .backend()
            .inner()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(!forbidden(&sent), "{sent:?}");
        press(&mut app, KeyCode::Enter);
    }
    assert!(unsafe_without, "ratatui alone lets some through");
}

#[test]
fn a_failed_save_stays_on_screen_until_a_save_succeeds() {
    let mut app = question_single();
    update(
        &mut app,
        Action::SessionSaved(Err("No space left on device".into())),
    );
    press(&mut app, KeyCode::Down);
    let t = draw(&app, 80, 24);
    insta::assert_snapshot!("question_save_error_80x24", t.backend());
    let text = screen_text(t.backend().buffer());
    assert!(text.lines().next().unwrap().contains("NOT SAVED"), "{text}");
    assert!(text.contains("MLOPS_WIZARD_STATE_DIR"), "{text}");
    update(&mut app, Action::SessionSaved(Ok(())));
    assert!(!text_at(&app, 80, 24).contains("NOT SAVED"));
}

#[test]
fn the_welcome_screen_offers_the_saved_session_and_its_notes() {
    let tree = fixture();
    let saved = parse(&tree, "[answers]\nteam = \"small\"\n");
    let app = App::new(
        tree,
        StartOptions {
            resumable: Some(saved),
            notes: vec!["a saved answer could not be used: x (line 3)".into()],
            ..options()
        },
    );
    let t = draw(&app, 80, 24);
    insta::assert_snapshot!("welcome_resumable_80x24", t.backend());
    let text = screen_text(t.backend().buffer());
    assert!(
        text.contains("A saved session has 1 answer: press r"),
        "{text}"
    );
    assert!(
        text.contains("Note: a saved answer could not be used"),
        "{text}"
    );
}

#[test]
fn the_text_field_shows_wide_characters() {
    let mut app = app();
    open(&mut app, "name");
    typed(&mut app, "Atlas 日本 🚀");
    let text = text_at(&app, 80, 24);
    let row = text.lines().find(|l| l.contains("Atlas")).expect(&text);
    for c in ["日", "本", "🚀"] {
        assert!(row.contains(c), "{c} in {row:?}");
    }
}

#[test]
fn a_long_text_scrolls_to_keep_the_cursor_visible() {
    let mut app = app();
    open(&mut app, "notes");
    for i in 0..30 {
        typed(&mut app, &format!("line {i}"));
        update(
            &mut app,
            Action::Edit {
                key: KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL),
                width: 76,
            },
        );
    }
    typed(&mut app, "the end");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| chrome::draw(&app, f)).unwrap();
    let pos = terminal.get_cursor_position().unwrap();
    let text = screen_text(terminal.backend().buffer());
    let row = text.lines().nth(usize::from(pos.y)).unwrap();
    assert!(
        row.contains("the end"),
        "the cursor's line is shown:\n{text}"
    );
}
