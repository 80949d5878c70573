//! The question screen: the prompt, why it is asked, what it informs, a note when an
//! earlier answer ruled an alternative out, and the answer: a list of options (each
//! highlighted option's description right under it), a scale, a priorities table, or a
//! text area. Long option lists filter as you type after `/`.

use std::collections::BTreeMap;

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use crate::answers::{Answer, MAX_TEXT_CHARS};
use crate::model::{Kind, Question, is_blank};
use crate::tui::app::{Action, App, Command, ScreenId};
use crate::tui::chrome::{self, clipped, inside, list_row, wrapped};
use crate::tui::keys::{Binding, Chord, Cmd, Context, bind, c, ctrl, k};
use crate::tui::text::{self, truncate, window_start, wrap};
use crate::tui::textarea::TextArea;

/// The question screen's state.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// The question shown (position in the tree).
    pub index: usize,
    /// The highlighted option, scale value (as an offset from `min`) or criterion row.
    pub cursor: usize,
    /// The answer of a text question, as typed.
    pub text: TextArea,
    /// The filter typed after `/`, while the option list is filtered.
    pub filter: Option<TextArea>,
    /// After changing an answer from the review, go back to it.
    pub return_to_review: bool,
}

const UP: Binding = bind(
    Cmd::Up,
    &[k(KeyCode::Up), c('k')],
    "↑↓ j k",
    "move",
    Some("move"),
);
const DOWN: Binding = bind(Cmd::Down, &[k(KeyCode::Down), c('j')], "↓ j", "move", None);
const TOP: Binding = bind(
    Cmd::Top,
    &[k(KeyCode::Home), c('G')],
    "Home End",
    "first, last",
    None,
);
const BOTTOM: Binding = bind(Cmd::Bottom, &[k(KeyCode::End)], "End", "last", None);
const PAGE_UP: Binding = bind(
    Cmd::PageUp,
    &[k(KeyCode::PageUp)],
    "PgUp PgDn",
    "a page",
    None,
);
const PAGE_DOWN: Binding = bind(
    Cmd::PageDown,
    &[k(KeyCode::PageDown)],
    "PgDn",
    "a page",
    None,
);
const NEXT: Binding = bind(
    Cmd::Next,
    &[k(KeyCode::Right), c('l'), k(KeyCode::Tab)],
    "→ l Tab",
    "next question (keeps the answer as it is)",
    Some("next"),
);
const BACK: Binding = bind(
    Cmd::Back,
    &[k(KeyCode::Left), c('h'), k(KeyCode::BackTab)],
    "← h S-Tab",
    "previous question",
    Some("back"),
);
const ESC_BACK: Binding = bind(
    Cmd::Cancel,
    &[k(KeyCode::Esc)],
    "Esc",
    "back (previous question)",
    None,
);
const CLEAR: Binding = bind(
    Cmd::Clear,
    &[c('c'), k(KeyCode::Delete)],
    "c Del",
    "clear the answer (u undoes)",
    None,
);
const REVIEW: Binding = bind(
    Cmd::Review,
    &[c('r')],
    "r",
    "review all answers",
    Some("review"),
);
const VERDICT: Binding = bind(Cmd::Verdict, &[c('v')], "v", "the verdict so far", None);
const FILTER_KEY: Binding = bind(
    Cmd::Filter,
    &[c('/')],
    "/",
    "filter the options by typing",
    Some("filter"),
);

/// Questions with one answer (single choice, yes or no, scale).
pub const BINDINGS: &[Binding] = &[
    bind(
        Cmd::Choose,
        &[k(KeyCode::Enter)],
        "Enter",
        "choose the highlighted answer and go on",
        Some("choose"),
    ),
    bind(
        Cmd::ChooseStay,
        &[c(' ')],
        "Space",
        "choose it and stay, to read before going on",
        None,
    ),
    bind(
        Cmd::Number,
        &[Chord::Digit],
        "1-9",
        "choose the option (or scale value) with this number",
        None,
    ),
    bind(Cmd::Yes, &[c('y')], "y n", "answer yes, no", None),
    bind(Cmd::No, &[c('n')], "n", "answer no", None),
    UP,
    DOWN,
    TOP,
    BOTTOM,
    PAGE_UP,
    PAGE_DOWN,
    NEXT,
    BACK,
    ESC_BACK,
    FILTER_KEY,
    CLEAR,
    REVIEW,
    VERDICT,
];

/// Multiple-choice questions.
pub const MULTIPLE: &[Binding] = &[
    bind(
        Cmd::Tick,
        &[c(' ')],
        "Space",
        "tick or untick the highlighted option",
        Some("tick"),
    ),
    bind(
        Cmd::Choose,
        &[k(KeyCode::Enter)],
        "Enter",
        "done, go on (ticks the highlighted option when none is ticked)",
        Some("done"),
    ),
    bind(
        Cmd::Number,
        &[Chord::Digit],
        "1-9",
        "tick or untick the option with this number",
        None,
    ),
];

/// The priorities question.
pub const PRIORITIES: &[Binding] = &[
    bind(
        Cmd::LevelUp,
        &[k(KeyCode::Right), c('l'), c('+')],
        "→ ← l h + -",
        "more or less important",
        Some("importance"),
    ),
    bind(
        Cmd::LevelDown,
        &[k(KeyCode::Left), c('h'), c('-')],
        "← h -",
        "less important",
        None,
    ),
    bind(
        Cmd::Number,
        &[Chord::Digit],
        "1-9",
        "the level with this number",
        None,
    ),
    UP,
    DOWN,
    TOP,
    BOTTOM,
    bind(
        Cmd::Choose,
        &[k(KeyCode::Enter)],
        "Enter",
        "done, go on (every criterion you left keeps its level)",
        Some("done"),
    ),
    bind(
        Cmd::Next,
        &[k(KeyCode::Tab)],
        "Tab",
        "next question",
        Some("next"),
    ),
    bind(
        Cmd::Back,
        &[k(KeyCode::BackTab)],
        "S-Tab",
        "previous question",
        Some("back"),
    ),
    ESC_BACK,
    bind(
        Cmd::Clear,
        &[c('c'), k(KeyCode::Delete)],
        "c Del",
        "clear the answer: every criterion back to its default (u undoes)",
        None,
    ),
    REVIEW,
    VERDICT,
];

/// Text answers (the field has the keyboard).
pub const TEXT: &[Binding] = &[
    bind(
        Cmd::Choose,
        &[k(KeyCode::Enter)],
        "Enter",
        "save and go on (an empty text skips the question)",
        Some("save"),
    ),
    bind(
        Cmd::Editing,
        &[Chord::None],
        "Ctrl-J Alt-Enter",
        "new line",
        Some("new line"),
    ),
    bind(
        Cmd::Editor,
        &[ctrl('e')],
        "Ctrl-E",
        "edit in $VISUAL or $EDITOR",
        Some("editor"),
    ),
    bind(
        Cmd::Cancel,
        &[k(KeyCode::Esc)],
        "Esc",
        "drop the edit; again: back",
        Some("cancel"),
    ),
    bind(
        Cmd::Next,
        &[k(KeyCode::Tab)],
        "Tab",
        "save, next question",
        Some("next"),
    ),
    bind(
        Cmd::Back,
        &[k(KeyCode::BackTab)],
        "S-Tab",
        "save, previous question",
        Some("back"),
    ),
];

/// While the option list is filtered.
pub const FILTER: &[Binding] = &[
    bind(
        Cmd::Choose,
        &[k(KeyCode::Enter)],
        "Enter",
        "choose (or tick) the highlighted option",
        Some("choose"),
    ),
    bind(Cmd::Up, &[k(KeyCode::Up)], "↑↓", "move", Some("move")),
    bind(Cmd::Down, &[k(KeyCode::Down)], "↓", "move", None),
    bind(
        Cmd::Cancel,
        &[k(KeyCode::Esc)],
        "Esc",
        "stop filtering",
        Some("stop filtering"),
    ),
    bind(
        Cmd::Editing,
        &[Chord::None],
        "letters",
        "narrow the list to the options with these words",
        None,
    ),
];

/// Whether the text field (or the filter) has the keyboard.
pub fn typing(app: &App) -> bool {
    app.question.filter.is_some() || app.current().kind == Kind::Text
}

pub fn contexts(app: &App) -> Vec<Context> {
    if app.question.filter.is_some() {
        return vec![Context::Filter, Context::TextFields];
    }
    match app.current().kind {
        Kind::Text => vec![Context::TextAnswer, Context::TextFields],
        Kind::Priorities => vec![Context::Priorities],
        Kind::Multiple => vec![Context::Choices, Context::Question],
        _ => vec![Context::Question],
    }
}

pub fn bindings(app: &App, area: Rect) -> Vec<&'static Binding> {
    if app.question.filter.is_some() {
        return FILTER.iter().collect();
    }
    let q = app.current();
    let long = too_long(app, area);
    let yes_no = q.option("yes").is_some() && q.option("no").is_some();
    match q.kind {
        Kind::Text => TEXT.iter().collect(),
        Kind::Priorities => PRIORITIES.iter().collect(),
        Kind::Multiple => MULTIPLE
            .iter()
            .chain(BINDINGS.iter().filter(|b| {
                !matches!(
                    b.cmd,
                    Cmd::Choose | Cmd::ChooseStay | Cmd::Number | Cmd::Yes | Cmd::No
                ) && (b.cmd != Cmd::Filter || long)
            }))
            .collect(),
        _ => BINDINGS
            .iter()
            .filter(|b| match b.cmd {
                Cmd::Yes | Cmd::No => yes_no,
                Cmd::Filter => long,
                _ => true,
            })
            .collect(),
    }
}

/// Shows question `index`, with the cursor on its current answer.
pub fn open(app: &mut App, index: usize) {
    let q = &app.tree.questions[index];
    let answer = app.answers.values.get(q.id.as_str());
    let cursor = match (answer, &q.scale) {
        (Some(Answer::Choice(c)), _) => q.options.iter().position(|o| &o.id == c).unwrap_or(0),
        (Some(Answer::Choices(cs)), _) => cs
            .first()
            .and_then(|c| q.options.iter().position(|o| &o.id == c))
            .unwrap_or(0),
        (Some(Answer::Scale(v)), Some(s)) => usize::try_from(v - s.min).unwrap_or(0),
        (None, Some(s)) => usize::try_from((s.max - s.min) / 2).unwrap_or(0),
        _ => 0,
    };
    let text = match answer {
        Some(Answer::Text(t)) => t.clone(),
        _ => String::new(),
    };
    app.question.index = index;
    app.question.cursor = cursor;
    app.question.text = TextArea::multi(&text, MAX_TEXT_CHARS);
    app.question.filter = None;
    app.go(ScreenId::Question);
}

/// Moves to the next shown question, or to the review after the last one (through the
/// optional step that asks who takes part, the first time).
pub fn advance(app: &mut App) {
    if app.question.return_to_review {
        app.question.return_to_review = false;
        app.go(ScreenId::Review);
        return;
    }
    match app.flow.next(Some(app.question.index)) {
        Some(i) => open(app, i),
        None if !app.people.visited => app.go(ScreenId::People),
        None => app.go(ScreenId::Review),
    }
}

/// Moves to the previous shown question, or to the welcome screen from the first.
pub fn retreat(app: &mut App) {
    app.question.return_to_review = false;
    match app.flow.previous(app.question.index) {
        Some(i) => open(app, i),
        None => app.go(ScreenId::Welcome),
    }
}

/// How many items the question lists (options, scale values, criteria).
pub fn item_count(q: &Question) -> usize {
    match (&q.scale, &q.priorities, q.kind) {
        (Some(s), _, Kind::Scale) => usize::try_from(s.max - s.min + 1).unwrap_or(0),
        (_, Some(p), Kind::Priorities) => p.criteria.len(),
        (_, _, Kind::Text) => 0,
        _ => q.options.len(),
    }
}

/// The answer "item `i`" of a single-answer question.
fn value_at(q: &Question, i: usize) -> Option<Answer> {
    match (q.kind, &q.scale) {
        (Kind::Scale, Some(s)) => Some(Answer::Scale(s.min + i64::try_from(i).ok()?)),
        _ => Some(Answer::Choice(q.options.get(i)?.id.to_string())),
    }
}

/// The options shown: all, or those matching the filter.
fn visible_items(app: &App) -> Vec<usize> {
    let q = app.current();
    let n = item_count(q);
    match &app.question.filter {
        Some(f) if !is_blank(f.value()) => (0..n)
            .filter(|&i| text::matches_filter(&item_label(q, i), f.value()))
            .collect(),
        _ => (0..n).collect(),
    }
}

fn item_label(q: &Question, i: usize) -> String {
    match &q.scale {
        Some(s) => {
            let v = s.min + i as i64;
            match s.label(v) {
                Some(l) => format!("{v}  {l}"),
                None => v.to_string(),
            }
        }
        None => q
            .options
            .get(i)
            .map(|o| o.label.to_string())
            .unwrap_or_default(),
    }
}

pub fn update(app: &mut App, action: Action, out: &mut Vec<Command>) {
    let q = app.current().clone();
    let qi = app.question.index;
    if app.question.filter.is_some() {
        return filter_update(app, &q, action, out);
    }
    // What every kind of question shares.
    match action {
        Action::Cmd(Cmd::Review) => {
            app.question.return_to_review = false;
            return app.go(ScreenId::Review);
        }
        Action::Cmd(Cmd::Verdict) => return app.go(ScreenId::Verdict),
        Action::Cmd(Cmd::Clear) => return clear(app, &q, out),
        _ => {}
    }
    match q.kind {
        Kind::Text => text_update(app, &q, action, out),
        Kind::Priorities => priorities_update(app, &q, action, out),
        _ => list_update(app, &q, qi, action, out),
    }
}

fn clear(app: &mut App, q: &Question, out: &mut Vec<Command>) {
    match app.answers.values.get(q.id.as_str()).cloned() {
        Some(a) => {
            let was = truncate(&a.describe(q).replace('\n', " "), 40);
            app.set_answer(app.question.index, None, out);
            app.question.text.set("");
            app.info(format!(
                "Cleared your answer “{was}” to {}. u undoes.",
                text::quoted(&q.prompt, 50)
            ));
        }
        None => app.info("Nothing to clear: this question has no answer."),
    }
}

fn move_cursor(app: &mut App, action: &Action, items: &[usize]) -> bool {
    let Some(pos) = items
        .iter()
        .position(|&i| i == app.question.cursor)
        .or((!items.is_empty()).then_some(0))
    else {
        return false;
    };
    let last = items.len().saturating_sub(1);
    let to = match action {
        Action::Cmd(Cmd::Up) => pos.saturating_sub(1),
        Action::Cmd(Cmd::Down) => (pos + 1).min(last),
        Action::Cmd(Cmd::Top) => 0,
        Action::Cmd(Cmd::Bottom) => last,
        Action::Page { down: true, rows } => (pos + usize::from(*rows).max(1)).min(last),
        Action::Page { down: false, rows } => pos.saturating_sub(usize::from(*rows).max(1)),
        _ => return false,
    };
    app.question.cursor = items[to];
    true
}

fn list_update(app: &mut App, q: &Question, qi: usize, action: Action, out: &mut Vec<Command>) {
    let count = item_count(q);
    let items: Vec<usize> = (0..count).collect();
    if move_cursor(app, &action, &items) {
        return;
    }
    let multiple = q.kind == Kind::Multiple;
    match action {
        Action::Cmd(Cmd::Next) => advance(app),
        Action::Cmd(Cmd::Back | Cmd::Cancel) => retreat(app),
        Action::Cmd(Cmd::Filter) => app.question.filter = Some(TextArea::single("", 200)),
        Action::Cmd(Cmd::Choose) if multiple => {
            // Enter with nothing ticked ticks the highlighted option: an empty answer is
            // no answer.
            if !has_ticks(app, q) {
                toggle(app, q, app.question.cursor, out);
            }
            advance(app);
        }
        Action::Cmd(Cmd::Tick) if multiple => toggle(app, q, app.question.cursor, out),
        Action::Number(n) if multiple => {
            if let Some(i) = usize::from(n).checked_sub(1).filter(|&i| i < count) {
                app.question.cursor = i;
                toggle(app, q, i, out);
            }
        }
        Action::Pick(i) if multiple && i < count => {
            app.question.cursor = i;
            toggle(app, q, i, out);
        }
        Action::Cmd(Cmd::Choose) => {
            app.set_answer(qi, value_at(q, app.question.cursor), out);
            advance(app);
        }
        Action::Cmd(Cmd::ChooseStay) => app.set_answer(qi, value_at(q, app.question.cursor), out),
        Action::Number(n) => {
            let i = match &q.scale {
                Some(s) => usize::try_from(i64::from(n) - s.min).ok(),
                None => usize::from(n).checked_sub(1),
            };
            if let Some(i) = i.filter(|&i| i < count) {
                app.question.cursor = i;
                app.set_answer(qi, value_at(q, i), out);
                advance(app);
            }
        }
        Action::Pick(i) if i < count => {
            app.question.cursor = i;
            app.set_answer(qi, value_at(q, i), out);
            advance(app);
        }
        Action::Cmd(cmd @ (Cmd::Yes | Cmd::No)) => {
            let id = if cmd == Cmd::Yes { "yes" } else { "no" };
            if let Some(i) = q.options.iter().position(|o| o.id == id) {
                app.question.cursor = i;
                app.set_answer(qi, value_at(q, i), out);
                advance(app);
            }
        }
        _ => {}
    }
}

fn has_ticks(app: &App, q: &Question) -> bool {
    matches!(app.answers.values.get(q.id.as_str()), Some(Answer::Choices(cs)) if !cs.is_empty())
}

/// Ticks or unticks option `i`; unticking the last one leaves the question unanswered.
fn toggle(app: &mut App, q: &Question, i: usize, out: &mut Vec<Command>) {
    let Some(option) = q.options.get(i) else {
        return;
    };
    let mut chosen = match app.answers.values.get(q.id.as_str()) {
        Some(Answer::Choices(cs)) => cs.clone(),
        _ => Vec::new(),
    };
    if let Some(pos) = chosen.iter().position(|c| *c == option.id) {
        chosen.remove(pos);
    } else {
        chosen.push(option.id.to_string());
    }
    chosen.sort_by_key(|c| q.options.iter().position(|o| &o.id == c));
    let answer = (!chosen.is_empty()).then_some(Answer::Choices(chosen));
    app.set_answer(app.question.index, answer, out);
}

fn filter_update(app: &mut App, q: &Question, action: Action, out: &mut Vec<Command>) {
    match action {
        Action::Edit { key, width } => {
            if let Some(f) = app.question.filter.as_mut() {
                f.input(key, width);
            }
        }
        Action::Paste(t) => {
            if let Some(f) = app.question.filter.as_mut() {
                f.insert_str(&t);
            }
        }
        Action::Cmd(Cmd::Cancel) => {
            app.question.filter = None;
            return;
        }
        Action::Cmd(Cmd::Choose) | Action::Pick(_) => {
            let items = visible_items(app);
            let target = match action {
                Action::Pick(i) => Some(i),
                _ => items
                    .contains(&app.question.cursor)
                    .then_some(app.question.cursor),
            };
            let Some(i) = target else {
                app.info("No option matches the filter: Esc stops filtering.");
                return;
            };
            app.question.filter = None;
            app.question.cursor = i;
            if q.kind == Kind::Multiple {
                toggle(app, q, i, out);
            } else {
                app.set_answer(app.question.index, value_at(q, i), out);
                advance(app);
            }
            return;
        }
        ref a => {
            let items = visible_items(app);
            move_cursor(app, a, &items);
            return;
        }
    }
    // The filter changed: keep the highlight on a matching option.
    let items = visible_items(app);
    if !items.contains(&app.question.cursor)
        && let Some(&first) = items.first()
    {
        app.question.cursor = first;
    }
}

fn priorities_update(app: &mut App, q: &Question, action: Action, out: &mut Vec<Command>) {
    let Some(p) = &q.priorities else { return };
    let items: Vec<usize> = (0..p.criteria.len()).collect();
    if move_cursor(app, &action, &items) {
        return;
    }
    let qi = app.question.index;
    let mut levels = match app.answers.values.get(q.id.as_str()) {
        Some(Answer::Priorities(l)) => l.clone(),
        _ => BTreeMap::new(),
    };
    let Some(&criterion) = p.criteria.get(app.question.cursor) else {
        return;
    };
    let id = app.tree.criteria[criterion].id.as_str();
    let current = levels.get(id).copied().unwrap_or(p.default);
    let set = |level: i64, levels: &mut BTreeMap<String, i64>| {
        if level == p.default {
            levels.remove(id);
        } else {
            levels.insert(id.to_string(), level);
        }
    };
    match action {
        Action::Cmd(Cmd::LevelUp) => set((current + 1).min(p.max_level()), &mut levels),
        Action::Cmd(Cmd::LevelDown) => set((current - 1).max(1), &mut levels),
        Action::Number(n) if (1..=p.max_level()).contains(&i64::from(n)) => {
            set(i64::from(n), &mut levels)
        }
        Action::Cmd(Cmd::Choose) => {
            if !app.answers.values.contains_key(q.id.as_str()) {
                app.set_answer(qi, Some(Answer::Priorities(levels)), out);
            }
            return advance(app);
        }
        Action::Cmd(Cmd::Next) => return advance(app),
        Action::Cmd(Cmd::Back | Cmd::Cancel) => return retreat(app),
        Action::Pick(i) if i < p.criteria.len() => {
            app.question.cursor = i;
            return;
        }
        _ => return,
    }
    app.set_answer(qi, Some(Answer::Priorities(levels)), out);
}

/// Saves the text as typed, without trailing blank lines and spaces (a blank text removes
/// the answer).
fn save_text(app: &mut App, out: &mut Vec<Command>) {
    let value = app.question.text.value().trim_end().to_string();
    let answer = (!is_blank(&value)).then_some(Answer::Text(value));
    app.set_answer(app.question.index, answer, out);
    app.question.text.commit();
}

fn text_update(app: &mut App, _q: &Question, action: Action, out: &mut Vec<Command>) {
    match action {
        Action::Edit { key, width } => {
            app.question.text.input(key, width);
        }
        Action::Paste(t) => app.question.text.insert_str(&t),
        Action::Cmd(Cmd::Choose | Cmd::Next) => {
            save_text(app, out);
            advance(app);
        }
        Action::Cmd(Cmd::Back) => {
            save_text(app, out);
            retreat(app);
        }
        Action::Cmd(Cmd::Cancel) if app.question.text.changed() => {
            app.question.text.revert();
            app.info("Your edit was dropped. Esc again goes back.");
        }
        Action::Cmd(Cmd::Cancel) => retreat(app),
        Action::Cmd(Cmd::Editor) => out.push(Command::OpenEditor {
            text: app.question.text.value().to_string(),
        }),
        _ => {}
    }
}

/// Ctrl-C or a signal: the text being typed is kept, like every other answer.
pub fn keep_typed_text(app: &mut App, out: &mut Vec<Command>) {
    if app.screen == ScreenId::Question
        && app.overlay.is_none()
        && app.current().kind == Kind::Text
        && app.question.text.changed()
    {
        save_text(app, out);
    }
}

/// The text back from the editor.
pub fn edited(app: &mut App, result: Result<String, String>) {
    match result {
        Ok(text) if app.screen == ScreenId::Question && app.current().kind == Kind::Text => {
            let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
            app.question.text.replace(&text);
            app.info("Back from the editor: Enter saves the text, Esc drops it.");
        }
        Ok(_) => {}
        Err(e) => app.error(format!("The editor did not run: {e}")),
    }
}

// ---------------------------------------------------------------------------------------
// Layout and drawing.

/// Where the parts of the question screen go.
struct Parts {
    prompt: Rect,
    help: Rect,
    informs: Rect,
    note: Rect,
    list: Rect,
    hint: Rect,
}

/// The note shown when an earlier answer ruled an alternative out.
fn ruled_out_note(app: &App) -> Option<String> {
    let rec = &app.recommendation;
    if rec.all_ruled_out {
        return None;
    }
    let notes: Vec<String> = rec
        .ruled_out
        .iter()
        .filter(|e| e.question < app.question.index)
        .map(|e| {
            let q = &app.tree.questions[e.question];
            format!(
                "{} is ruled out by your answer “{}” to {}",
                app.tree.alternatives[e.alternative].title,
                q.options[e.option].label,
                text::quoted(&q.prompt, 50)
            )
        })
        .collect();
    (!notes.is_empty()).then(|| format!("{}.", notes.join("; ")))
}

/// The one-line hint under the answer.
fn hint(app: &App) -> Option<String> {
    let q = app.current();
    match q.kind {
        Kind::Multiple if !has_ticks(app, q) => Some(
            "Nothing ticked: Space ticks every option that applies; Enter alone ticks the highlighted one and goes on."
                .into(),
        ),
        Kind::Multiple => {
            let n = match app.answers.values.get(q.id.as_str()) {
                Some(Answer::Choices(cs)) => cs.len(),
                _ => 0,
            };
            Some(format!("{} ticked; Enter goes on.", n))
        }
        Kind::Text if app.answers.values.contains_key(q.id.as_str()) => {
            Some("Saved. Leave it empty to skip the question.".into())
        }
        Kind::Text => Some("Optional: leave it empty to skip.".into()),
        Kind::Priorities => {
            let p = q.priorities.as_ref()?;
            let levels: Vec<String> = p
                .levels
                .iter()
                .enumerate()
                .map(|(i, l)| format!("{} {}", i + 1, l.label))
                .collect();
            Some(format!("Levels: {}.", levels.join(" · ")))
        }
        _ => None,
    }
}

fn parts(app: &App, area: Rect) -> Parts {
    let q = app.current();
    let w = area.width;
    let prompt_h = (wrap(&q.prompt, w).len() as u16).clamp(1, 4);
    let note_h = ruled_out_note(app).map_or(0, |n| (wrap(&n, w).len() as u16).min(2));
    let hint_h = hint(app).map_or(0, |h| (wrap(&h, w).len() as u16).min(2));
    let list_want = match q.kind {
        Kind::Text => (app.question.text.height(w.saturating_sub(2)) as u16).clamp(3, 8) + 2,
        Kind::Priorities => item_count(q) as u16,
        _ => rows(app, w).len() as u16 + u16::from(app.question.filter.is_some()),
    };
    let help_lines = wrap(q.help.trim(), w).len() as u16;
    let informs_h = u16::from(q.kind != Kind::Priorities);
    let fixed = prompt_h + 1 + informs_h + note_h + 1 + hint_h;
    let room = area.height.saturating_sub(fixed);
    // The answer gets its room first (down to 3 rows), the help what is left; the hint
    // goes right under the answer.
    let list_first = list_want.min(room.max(3)).min(room.max(room.min(3)));
    let help_h = help_lines.min(room.saturating_sub(list_first.max(room.min(3))));
    let list_h = list_want.min(room.saturating_sub(help_h));
    let mut y = area.y;
    let mut take = |h: u16| {
        let r = Rect {
            y,
            height: h,
            ..area
        }
        .intersection(area);
        y = y.saturating_add(h);
        r
    };
    let prompt = take(prompt_h);
    take(1);
    let help = take(help_h);
    let informs = take(informs_h);
    let note = take(note_h);
    take(1);
    let list = take(list_h);
    let hint = take(hint_h);
    Parts {
        prompt,
        help,
        informs,
        note,
        list,
        hint,
    }
}

/// Whether the option list is longer than the rows it has (then `/` filters it).
fn too_long(app: &App, area: Rect) -> bool {
    let q = app.current();
    if !matches!(
        q.kind,
        Kind::Single | Kind::Multiple | Kind::YesNo | Kind::Scale
    ) {
        return false;
    }
    let body = chrome::readable(chrome::frame(app, area).body);
    let list = parts(app, body).list;
    rows(app, list.width).len() > usize::from(list.height)
}

/// A page of the list: the rows it shows.
pub fn page(app: &App, area: Rect, down: bool) -> Action {
    let body = chrome::readable(chrome::frame(app, area).body);
    Action::Page {
        down,
        rows: parts(app, body).list.height.saturating_sub(1).max(1),
    }
}

/// The width of the text area.
pub fn field_width(app: &App, area: Rect) -> u16 {
    let body = chrome::readable(chrome::frame(app, area).body);
    match &app.question.filter {
        Some(_) => body.width.saturating_sub(9),
        None => parts(app, body).list.width.saturating_sub(2),
    }
}

/// One drawn row of the option list: the item it belongs to, and its text.
struct ListRow {
    item: usize,
    spans: Vec<Span<'static>>,
    selected: bool,
    style: Style,
}

fn rows(app: &App, width: u16) -> Vec<ListRow> {
    let theme = &app.theme;
    let q = app.current();
    let answer = app.answers.values.get(q.id.as_str());
    let width = usize::from(width);
    let mut out = Vec::new();
    for i in visible_items(app) {
        let chosen = match (answer, &q.scale) {
            (Some(Answer::Scale(v)), Some(s)) => *v == s.min + i as i64,
            (Some(Answer::Choice(c)), _) => q.options.get(i).is_some_and(|o| o.id == *c),
            (Some(Answer::Choices(cs)), _) => q
                .options
                .get(i)
                .is_some_and(|o| cs.iter().any(|c| *c == o.id)),
            _ => false,
        };
        let selected = i == app.question.cursor;
        let number = if i < 9 && q.kind != Kind::Scale {
            format!("{} ", i + 1)
        } else {
            "  ".into()
        };
        let mark = match (q.kind, chosen) {
            (Kind::Multiple, true) => "[x] ",
            (Kind::Multiple, false) => "[ ] ",
            (_, true) => "(•) ",
            (_, false) => "( ) ",
        };
        let pointer = if selected { "❯ " } else { "  " };
        let label = truncate(&item_label(q, i), width.saturating_sub(8));
        let style = if selected {
            theme.selected
        } else if chosen {
            theme.answered
        } else {
            theme.text
        };
        out.push(ListRow {
            item: i,
            spans: vec![
                Span::styled(pointer, style),
                Span::styled(number, if selected { style } else { theme.muted }),
                Span::styled(mark, style),
                Span::styled(label, style),
            ],
            selected,
            style,
        });
        // The highlighted option's description, right under it.
        let description = q
            .options
            .get(i)
            .and_then(|o| o.description.as_deref())
            .filter(|_| selected && q.scale.is_none());
        if let Some(d) = description {
            for l in wrap(d.trim(), width.saturating_sub(8) as u16) {
                out.push(ListRow {
                    item: i,
                    spans: vec![Span::styled(format!("        {l}"), theme.muted)],
                    selected: false,
                    style: theme.muted,
                });
            }
        }
    }
    out
}

/// The first row shown so that the highlighted option and its description are visible.
fn list_start(rows: &[ListRow], cursor: usize, height: usize) -> usize {
    let first = rows.iter().position(|r| r.item == cursor).unwrap_or(0);
    let last = rows.iter().rposition(|r| r.item == cursor).unwrap_or(first);
    window_start(rows.len(), last, height).min(first)
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let theme = &app.theme;
    let q = app.current();
    let p = parts(app, area);
    Paragraph::new(clipped(&q.prompt, area.width, p.prompt.height, theme.title))
        .render(p.prompt, buf);
    Paragraph::new(clipped(
        q.help.trim(),
        area.width,
        p.help.height,
        theme.muted,
    ))
    .render(p.help, buf);
    let informs: Vec<&str> = q
        .criteria(&app.tree)
        .into_iter()
        .filter_map(|c| app.tree.criterion(c).map(|c| c.title.as_str()))
        .collect();
    if !informs.is_empty() && q.kind != Kind::Priorities {
        let text = truncate(
            &informs.join(" · "),
            usize::from(area.width).saturating_sub(9),
        );
        Line::from(vec![
            Span::styled("Informs: ", theme.muted),
            Span::styled(text, theme.accent),
        ])
        .render(p.informs, buf);
    }
    if let Some(note) = ruled_out_note(app) {
        Paragraph::new(clipped(&note, area.width, p.note.height, theme.warn)).render(p.note, buf);
    }
    if let Some(h) = hint(app) {
        let style = if q.kind == Kind::Multiple && !has_ticks(app, q) {
            theme.warn
        } else {
            theme.muted
        };
        Paragraph::new(wrapped(&h, area.width, style)).render(p.hint, buf);
    }
    match q.kind {
        Kind::Text => text_field(app, p.list, buf),
        Kind::Priorities => {
            priorities(app, q, p.list, buf);
            None
        }
        _ => option_list(app, p.list, buf),
    }
}

fn option_list(app: &App, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let theme = &app.theme;
    let mut list = area;
    let mut cursor = None;
    if let Some(f) = &app.question.filter {
        let label = "Filter: ";
        buf.set_string(list.x, list.y, label, theme.accent);
        let field = Rect {
            x: list.x + label.len() as u16,
            width: list.width.saturating_sub(label.len() as u16 + 1),
            height: 1,
            ..list
        };
        cursor = f.render(field, buf, theme.text, true);
        list.y += 1;
        list.height = list.height.saturating_sub(1);
    }
    let rows = rows(app, list.width);
    if rows.is_empty() && app.question.filter.is_some() {
        buf.set_string(
            list.x,
            list.y,
            "No option matches; Esc stops filtering.",
            theme.warn,
        );
        return cursor;
    }
    let height = usize::from(list.height);
    let start = list_start(&rows, app.question.cursor, height);
    for (i, row) in rows.into_iter().skip(start).take(height).enumerate() {
        let r = Rect {
            y: list.y + i as u16,
            height: 1,
            ..list
        };
        list_row(row.spans, row.selected, row.style, r, buf);
    }
    let n = visible_items(app).len();
    let total = rows_total(app, list.width);
    if total > height && height > 0 {
        let pos = visible_items(app)
            .iter()
            .position(|&i| i == app.question.cursor)
            .map_or(0, |p| p + 1);
        let more = format!(" {pos}/{n} ");
        let x = list.right().saturating_sub(more.len() as u16);
        buf.set_string(x, list.bottom() - 1, more, theme.muted);
    }
    cursor
}

fn rows_total(app: &App, width: u16) -> usize {
    rows(app, width).len()
}

fn priorities(app: &App, q: &Question, area: Rect, buf: &mut Buffer) {
    let theme = &app.theme;
    let Some(p) = &q.priorities else { return };
    let answer = app.answers.values.get(q.id.as_str());
    let label_w = p
        .levels
        .iter()
        .map(|l| text::width(&l.label))
        .max()
        .unwrap_or(6);
    let max = p.levels.len();
    let width = usize::from(area.width);
    let title_w = width.saturating_sub(2 + 2 + max + 2 + label_w + 4).min(40);
    let height = usize::from(area.height);
    let start = window_start(p.criteria.len(), app.question.cursor, height);
    for (row, &c) in p.criteria.iter().enumerate().skip(start).take(height) {
        let id = &app.tree.criteria[c].id;
        let level = answer.and_then(|a| a.priority(id)).unwrap_or(p.default);
        let selected = row == app.question.cursor;
        let style = if selected {
            theme.selected
        } else if level != p.default {
            theme.answered
        } else {
            theme.text
        };
        let title = truncate(&app.tree.criteria[c].title, title_w);
        let pad = " ".repeat(title_w.saturating_sub(text::width(&title)));
        let lvl = usize::try_from(level).unwrap_or(0).min(max);
        let dots = format!("{}{}", "■".repeat(lvl), "□".repeat(max - lvl));
        let label = p
            .level(level)
            .map_or_else(|| level.to_string(), |l| l.label.to_string());
        let (left, right) = if selected {
            (" ◀ ", " ▶")
        } else {
            ("   ", "  ")
        };
        let spans = vec![
            Span::styled(if selected { "❯ " } else { "  " }, style),
            Span::styled(format!("{title}{pad}  "), style),
            Span::styled(dots, style),
            Span::styled(format!("{left}{label}{right}"), style),
        ];
        let r = Rect {
            y: area.y + (row - start) as u16,
            height: 1,
            ..area
        };
        list_row(spans, selected, style, r, buf);
    }
}

/// The text area of a text question; returns where the cursor is.
fn text_field(app: &App, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let theme = &app.theme;
    let t = &app.question.text;
    let rows = (t.height(area.width.saturating_sub(2)) as u16).clamp(3, 8);
    let box_area = Rect {
        height: (rows + 2).min(area.height),
        ..area
    };
    let title = if t.changed() {
        " Your answer (not saved yet: Enter saves, Esc drops) "
    } else {
        " Your answer (Enter saves) "
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(title, theme.muted));
    let inner = block.inner(box_area);
    block.render(box_area, buf);
    t.render(inner, buf, theme.text, true)
}

/// A click on an option chooses it (or ticks it); on a criterion selects it.
pub fn hit(app: &App, area: Rect, column: u16, row: u16) -> Option<Action> {
    let p = parts(app, area);
    if !inside(p.list, column, row) {
        return None;
    }
    let q = app.current();
    match q.kind {
        Kind::Text => None,
        Kind::Priorities => {
            let n = item_count(q);
            let start = window_start(n, app.question.cursor, usize::from(p.list.height));
            let i = start + usize::from(row - p.list.y);
            (i < n).then_some(Action::Pick(i))
        }
        _ => {
            let mut list = p.list;
            if app.question.filter.is_some() {
                if row == list.y {
                    return None;
                }
                list.y += 1;
                list.height = list.height.saturating_sub(1);
            }
            let rows = rows(app, list.width);
            let start = list_start(&rows, app.question.cursor, usize::from(list.height));
            rows.get(start + usize::from(row - list.y))
                .map(|r| Action::Pick(r.item))
        }
    }
}
