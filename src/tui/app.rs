//! The wizard's state and its one update function. Every change of screen state goes
//! through [`update`]; it does no input or output: it returns [`Command`]s (save the session,
//! write files) that the runtime carries out and answers with further [`Action`]s.

use std::path::PathBuf;

use tui_input::{Input, InputRequest};

use crate::answers::{Answer, Answers, MAX_TEXT_CHARS};
use crate::flow::Flow;
use crate::model::{Kind, Tree, is_blank};
use crate::recommend::Recommendation;
use crate::report::{self, ReportInput};
use crate::tui::theme::Theme;
use crate::tui::view;
use ratatui::layout::Rect;

/// The screens of the wizard, in walking order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Welcome,
    Question,
    Review,
    Verdict,
    Export,
}

/// A window over the current screen that takes the keys until it closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// Every key binding, scrolled down by `scroll` lines.
    Help { scroll: u16 },
    /// Asks before quitting with answers that were not exported.
    ConfirmQuit,
    /// The questions asked so far, to jump to one.
    Jump { selected: usize },
    /// Asks before overwriting these files.
    ConfirmOverwrite { paths: Vec<PathBuf> },
}

/// What the verdict screen's side panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Reasons,
    Robustness,
    Plan,
    Risks,
    Unanswered,
}

impl Panel {
    /// The panels in tab order.
    pub const ALL: [Panel; 5] = [
        Panel::Reasons,
        Panel::Robustness,
        Panel::Plan,
        Panel::Risks,
        Panel::Unanswered,
    ];

    fn offset(self, by: usize) -> Panel {
        let i = Panel::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Panel::ALL[(i + by) % Panel::ALL.len()]
    }

    fn next(self) -> Panel {
        self.offset(1)
    }

    fn previous(self) -> Panel {
        self.offset(Panel::ALL.len() - 1)
    }
}

/// Everything the user can ask for. Keys and mouse events are turned into actions in
/// [`crate::tui::keys`]; the runtime adds the results of commands.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    /// Move to the next question, keeping the answer as it is.
    Next,
    /// Move to the previous question (or screen).
    Back,
    /// Enter: choose the highlighted item, save the text, open, submit.
    Confirm,
    /// Space: toggle the highlighted option of a multiple-choice question or checkbox.
    Toggle,
    /// Choose (or toggle) the item at this position of the visible list.
    Pick(usize),
    /// On a priorities question: give the highlighted criterion this level.
    Level(i64),
    /// `y`: answer yes, or confirm a dialog.
    Yes,
    /// `n`: answer no, or decline a dialog.
    No,
    /// Remove the current question's answer.
    Clear,
    /// Start editing a text field.
    Edit,
    /// Stop editing a text field (the text is kept).
    StopEditing,
    /// Edit the focused text field.
    Input(InputRequest),
    /// Pasted text for the focused text field (line breaks become spaces).
    Paste(String),
    JumpList,
    Review,
    Verdict,
    Export,
    Help,
    /// Show the next panel on the verdict screen.
    NextPanel,
    /// Show the previous panel on the verdict screen.
    PrevPanel,
    /// Start the walk (from the welcome screen).
    Start,
    /// Continue the saved session (from the welcome screen).
    Resume,
    /// Quit, asking first if answers were not exported.
    Quit,
    /// Quit at once (Ctrl-C).
    ForceQuit,
    /// Close the overlay, or leave the current mode.
    Cancel,
    /// The session file was written (or not).
    SessionSaved(Result<(), String>),
    /// The export finished: the paths written, or why not.
    Exported(Result<Vec<PathBuf>, ExportError>),
    /// The terminal has this size now.
    Resize(Rect),
}

/// Why an export did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    /// These files exist; overwriting needs confirmation.
    Exists(Vec<PathBuf>),
    /// Writing failed.
    Failed(String),
}

/// Work for the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Write this answers-file text to the session file.
    SaveSession(String),
    /// Write these files atomically; unless `overwrite`, fail on existing ones.
    Export {
        files: Vec<(PathBuf, String)>,
        overwrite: bool,
    },
}

/// A one-line message at the bottom of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// The export form.
#[derive(Debug, Clone)]
pub struct ExportForm {
    pub path: Input,
    pub editing: bool,
    /// Which row is highlighted: 0 path, 1 markdown, 2 JSON, 3 answers, 4 write button.
    pub row: usize,
    pub json: bool,
    pub answers_file: bool,
    /// The paths of the last successful export.
    pub written: Vec<PathBuf>,
}

/// Rows of the export form.
pub const EXPORT_ROWS: usize = 4;

/// How the wizard starts.
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// Answers to start from (`--answers`, `--resume`, or the session on the welcome screen).
    pub answers: Option<Answers>,
    /// Start the walk at once instead of showing the welcome screen.
    pub skip_welcome: bool,
    /// A saved session that the welcome screen offers to resume.
    pub resumable: Option<Answers>,
    /// Notes shown on the welcome screen (answers that could not be used, a corrupt session).
    pub notes: Vec<String>,
    /// Where the session is saved, for the help and quit texts.
    pub session_path: Option<PathBuf>,
    /// Why answers cannot be saved, when that is known from the start (a session opened
    /// read-only, no folder for it).
    pub unsaved: Option<String>,
    /// Today's date, `YYYY-MM-DD`, for reports and file names.
    pub date: String,
    /// Draw without colours (`NO_COLOR`).
    pub no_color: bool,
    /// The tool catalog for the stack plan's examples.
    pub catalog: Option<crate::catalog::Catalog>,
}

/// The whole state of the wizard.
#[derive(Debug, Clone)]
pub struct App {
    pub tree: Tree,
    /// The tool catalog for the stack plan's examples, if one fits the tree.
    pub catalog: Option<crate::catalog::Catalog>,
    /// Every answer given, including answers to questions a later change hid (kept in case
    /// the change is undone; they do not count).
    pub answers: Answers,
    pub flow: Flow,
    pub recommendation: Recommendation,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    /// The question shown on the question screen (position in the tree).
    pub question: usize,
    /// The highlighted option, or scale value (as an offset from `min`).
    pub cursor: usize,
    /// The text of a text question being answered.
    pub input: Input,
    pub editing: bool,
    /// After editing a question from the review, go back to it.
    pub return_to_review: bool,
    pub review_cursor: usize,
    pub criterion: usize,
    pub panel: Panel,
    pub panel_scroll: u16,
    pub export: ExportForm,
    pub status: Option<Status>,
    /// Answers changed since the last export.
    pub dirty: bool,
    pub resumable: Option<Answers>,
    pub notes: Vec<String>,
    pub session_path: Option<PathBuf>,
    /// Why the answers are not saved: set when a save fails (or cannot be made), cleared
    /// when one succeeds. The screen shows it all the while.
    pub unsaved: Option<String>,
    pub date: String,
    pub theme: Theme,
    /// The size of the terminal, for scroll limits.
    pub size: Rect,
    pub quit: bool,
}

impl App {
    /// A wizard over `tree`.
    pub fn new(tree: Tree, options: StartOptions) -> App {
        let answers = options.answers.unwrap_or_default();
        let flow = Flow::new(&tree, &answers);
        let recommendation = Recommendation::quick(&tree, &flow.effective(&tree, &answers));
        let path = format!("mlops-recommendation-{}.md", options.date);
        let mut app = App {
            question: flow.next(None).unwrap_or(0),
            catalog: options.catalog,
            tree,
            answers,
            flow,
            recommendation,
            screen: Screen::Welcome,
            overlay: None,
            cursor: 0,
            input: Input::default(),
            editing: false,
            return_to_review: false,
            review_cursor: 0,
            criterion: 0,
            panel: Panel::Reasons,
            panel_scroll: 0,
            export: ExportForm {
                path: Input::new(path),
                editing: false,
                row: 0,
                json: false,
                answers_file: false,
                written: Vec::new(),
            },
            status: None,
            dirty: false,
            resumable: options.resumable,
            notes: options.notes,
            session_path: options.session_path,
            unsaved: options.unsaved,
            date: options.date,
            theme: Theme::new(options.no_color),
            size: Rect::new(0, 0, 80, 24),
            quit: false,
        };
        // Answers brought in (resumed or from a file) are not exported yet either.
        app.dirty = !app.answers.values.is_empty();
        // Notes (answers that could not be used, a corrupt session) are shown on the
        // welcome screen first, so nothing is dropped silently.
        if options.skip_welcome && app.notes.is_empty() {
            app.continue_walk();
        }
        app
    }

    /// The question on the question screen.
    pub fn current(&self) -> &crate::model::Question {
        &self.tree.questions[self.question]
    }

    /// The answers that count (to shown questions), stamped with the tree.
    pub fn effective_answers(&self) -> Answers {
        let mut a = self.flow.effective(&self.tree, &self.answers);
        a.stamp(&self.tree);
        a
    }

    /// How many items the current question lists (options or scale values).
    pub fn item_count(&self) -> usize {
        let q = self.current();
        match (&q.scale, q.kind) {
            (Some(s), Kind::Scale) => usize::try_from(s.max - s.min + 1).unwrap_or(0),
            (_, Kind::Text) => 0,
            (_, Kind::Priorities) => q.priorities.as_ref().map_or(0, |p| p.criteria.len()),
            _ => q.options.len(),
        }
    }

    /// Goes to the first unanswered shown question, or to the review when all are answered.
    fn continue_walk(&mut self) {
        let next = self
            .flow
            .visible()
            .find(|&i| !self.answers.values.contains_key(&self.tree.questions[i].id));
        match next {
            Some(i) => self.open_question(i),
            None if self.flow.is_empty() => self.screen = Screen::Review,
            None => self.screen = Screen::Review,
        }
    }

    /// Shows question `index`, with the cursor on its current answer.
    fn open_question(&mut self, index: usize) {
        self.screen = Screen::Question;
        self.question = index;
        let q = &self.tree.questions[index];
        let answer = self.answers.values.get(&q.id);
        self.cursor = match (answer, &q.scale) {
            (Some(Answer::Choice(c)), _) => q.options.iter().position(|o| &o.id == c).unwrap_or(0),
            (Some(Answer::Choices(cs)), _) => cs
                .first()
                .and_then(|c| q.options.iter().position(|o| &o.id == c))
                .unwrap_or(0),
            (Some(Answer::Scale(v)), Some(s)) => usize::try_from(v - s.min).unwrap_or(0),
            (None, Some(s)) => usize::try_from((s.max - s.min) / 2).unwrap_or(0),
            _ => 0,
        };
        self.input = match answer {
            Some(Answer::Text(t)) => Input::new(t.clone()),
            _ => Input::default(),
        };
        self.editing = q.kind == Kind::Text;
    }

    /// Records an answer (or removes it, for `None`) and saves the session.
    fn set_answer(&mut self, answer: Option<Answer>, commands: &mut Vec<Command>) {
        let id = self.current().id.clone();
        let changed = match answer {
            Some(a) => self.answers.values.insert(id, a.clone()) != Some(a),
            None => self.answers.values.remove(&id).is_some(),
        };
        if changed {
            self.dirty = true;
            let before = self.flow.clone();
            let conflicts_before = self.recommendation.conflicts.clone();
            self.refresh();
            self.note_branching(&before);
            // A contradiction is said as soon as its second answer is given.
            if let Some(&c) = self
                .recommendation
                .conflicts
                .iter()
                .find(|c| !conflicts_before.contains(c))
            {
                let message = self.tree.conflicts[c].message.clone();
                self.error(format!("Contradiction: {message}"));
            }
            commands.push(Command::SaveSession(
                self.effective_answers().to_toml(&self.tree),
            ));
        }
    }

    /// Says when an answer added or removed questions, so the change is not silent.
    fn note_branching(&mut self, before: &Flow) {
        let added: Vec<usize> = self
            .flow
            .visible()
            .filter(|&i| !before.is_shown(i))
            .collect();
        let removed = before.visible().filter(|&i| !self.flow.is_shown(i)).count();
        if let Some(&first) = added.first() {
            let more = match added.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            self.info(format!(
                "This answer adds a question: {}{more}",
                self.tree.questions[first].prompt
            ));
        } else if removed > 0 {
            self.info(format!(
                "This answer removes {removed} question(s) that no longer apply; their answers no longer count."
            ));
        }
    }

    /// Recomputes what depends on the answers.
    fn refresh(&mut self) {
        self.flow = Flow::new(&self.tree, &self.answers);
        let effective = self.flow.effective(&self.tree, &self.answers);
        // The quick recommendation on every change; the robustness search (milliseconds)
        // runs when the verdict is shown (see `analyse_if_shown`).
        self.recommendation = Recommendation::quick(&self.tree, &effective);
        self.criterion = self
            .criterion
            .min(self.tree.criteria.len().saturating_sub(1));
    }

    /// Moves to the next shown question, or to the review after the last one.
    fn advance(&mut self) {
        if self.return_to_review {
            self.return_to_review = false;
            self.screen = Screen::Review;
            return;
        }
        match self.flow.next(Some(self.question)) {
            Some(i) => self.open_question(i),
            None => {
                self.screen = Screen::Review;
                self.review_cursor = 0;
            }
        }
    }

    /// Moves to the previous shown question, or to the welcome screen from the first.
    fn retreat(&mut self) {
        self.return_to_review = false;
        match self.flow.previous(self.question) {
            Some(i) => self.open_question(i),
            None => self.screen = Screen::Welcome,
        }
    }

    /// The questions listed by the review and the jump list: the ones shown.
    pub fn asked(&self) -> Vec<usize> {
        self.flow.visible().collect()
    }

    /// The files an export writes, with their contents.
    pub fn export_files(&self) -> Vec<(PathBuf, String)> {
        let answers = self.effective_answers();
        let recommendation = Recommendation::new(&self.tree, &answers);
        let input = ReportInput {
            tree: &self.tree,
            answers: &answers,
            recommendation: &recommendation,
            date: &self.date,
            catalog: self.catalog.as_ref(),
            team: None,
        };
        let path = PathBuf::from(self.export.path.value().trim());
        let mut files = vec![(path.clone(), report::to_markdown(&input))];
        if self.export.json {
            files.push((path.with_extension("json"), report::to_json(&input)));
        }
        if self.export.answers_file {
            files.push((
                path.with_extension("answers.toml"),
                answers.to_toml(&self.tree),
            ));
        }
        files
    }

    fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
        });
    }

    fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
    }
}

/// Applies one action to the state, returning the work it asks of the runtime.
pub fn update(app: &mut App, action: Action) -> Vec<Command> {
    let commands = dispatch(app, action);
    analyse_if_shown(app);
    commands
}

/// Completes the recommendation with its robustness when the verdict screen shows it.
fn analyse_if_shown(app: &mut App) {
    if app.screen == Screen::Verdict && app.recommendation.robustness.is_none() {
        let effective = app.flow.effective(&app.tree, &app.answers);
        app.recommendation.robustness = Some(crate::robustness::analyse(
            &app.tree,
            &effective,
            &app.recommendation,
        ));
    }
}

fn dispatch(app: &mut App, action: Action) -> Vec<Command> {
    let mut commands = Vec::new();
    // Results from the runtime and Ctrl-C apply whatever is on screen.
    match action {
        Action::ForceQuit => {
            // A text answer being typed is kept, like every other answer.
            if app.screen == Screen::Question && app.current().kind == Kind::Text && app.editing {
                let text = app.input.value().to_string();
                let answer = (!is_blank(&text)).then_some(Answer::Text(text));
                app.set_answer(answer, &mut commands);
            }
            app.quit = true;
            return commands;
        }
        Action::Resize(area) => {
            app.size = area;
            clamp_scrolls(app);
            return commands;
        }
        Action::SessionSaved(Ok(())) => {
            app.unsaved = None;
            return commands;
        }
        Action::SessionSaved(Err(e)) => {
            // Shown until a save succeeds, in place of any message of the moment.
            app.status = None;
            app.unsaved = Some(e);
            return commands;
        }
        Action::Exported(result) => {
            exported(app, result);
            return commands;
        }
        _ => {}
    }
    if let Some(overlay) = app.overlay.clone() {
        overlay_action(app, overlay, action, &mut commands);
        return commands;
    }
    // Keys that mean the same on every screen.
    match action {
        Action::Help => {
            app.overlay = Some(Overlay::Help { scroll: 0 });
            return commands;
        }
        Action::Quit => {
            if app.dirty && !app.effective_answers().values.is_empty() {
                app.overlay = Some(Overlay::ConfirmQuit);
            } else {
                app.quit = true;
            }
            return commands;
        }
        Action::JumpList => {
            let asked = app.asked();
            let selected = asked.iter().position(|&i| i == app.question).unwrap_or(0);
            app.overlay = Some(Overlay::Jump { selected });
            return commands;
        }
        _ => {}
    }
    app.status = None;
    match app.screen {
        Screen::Welcome => welcome(app, action),
        Screen::Question => question(app, action, &mut commands),
        Screen::Review => review(app, action),
        Screen::Verdict => verdict(app, action),
        Screen::Export => export(app, action, &mut commands),
    }
    commands
}

fn overlay_action(app: &mut App, overlay: Overlay, action: Action, commands: &mut Vec<Command>) {
    match (overlay, action) {
        (Overlay::Help { scroll }, action) => {
            app.overlay = match action {
                Action::Down => Some(Overlay::Help {
                    scroll: scroll.saturating_add(1),
                }),
                Action::Up => Some(Overlay::Help {
                    scroll: scroll.saturating_sub(1),
                }),
                Action::PageDown => Some(Overlay::Help {
                    scroll: scroll.saturating_add(10),
                }),
                Action::PageUp => Some(Overlay::Help {
                    scroll: scroll.saturating_sub(10),
                }),
                _ => None,
            };
            clamp_scrolls(app);
        }
        (Overlay::ConfirmQuit, Action::Yes | Action::Confirm | Action::Quit) => app.quit = true,
        (Overlay::ConfirmQuit, _) => app.overlay = None,
        (Overlay::Jump { selected }, action) => {
            let asked = app.asked();
            let last = asked.len().saturating_sub(1);
            let selected = match action {
                Action::Up => selected.saturating_sub(1),
                Action::Down => (selected + 1).min(last),
                Action::Top => 0,
                Action::Bottom => last,
                Action::PageUp => selected.saturating_sub(10),
                Action::PageDown => (selected + 10).min(last),
                Action::Pick(i) if i < asked.len() => i,
                Action::Pick(_) => return,
                Action::Confirm => {
                    app.overlay = None;
                    if let Some(&q) = asked.get(selected) {
                        app.return_to_review = false;
                        app.open_question(q);
                    }
                    return;
                }
                Action::Cancel | Action::JumpList | Action::Quit | Action::Back => {
                    app.overlay = None;
                    return;
                }
                _ => selected,
            };
            app.overlay = Some(Overlay::Jump { selected });
            if matches!(action, Action::Pick(_)) {
                overlay_action(app, Overlay::Jump { selected }, Action::Confirm, commands);
            }
        }
        (Overlay::ConfirmOverwrite { .. }, Action::Yes | Action::Confirm) => {
            app.overlay = None;
            commands.push(Command::Export {
                files: app.export_files(),
                overwrite: true,
            });
        }
        (Overlay::ConfirmOverwrite { .. }, _) => {
            app.overlay = None;
            app.info("Nothing written; change the path or confirm the overwrite.");
        }
    }
}

fn welcome(app: &mut App, action: Action) {
    match action {
        Action::Start | Action::Confirm | Action::Next if !app.answers.values.is_empty() => {
            // Answers brought in with --answers: go on where they stop.
            app.continue_walk();
        }
        Action::Start | Action::Confirm | Action::Next => {
            app.open_question(app.flow.next(None).unwrap_or(0));
        }
        Action::Resume => {
            if let Some(saved) = app.resumable.take() {
                app.dirty = !saved.values.is_empty();
                app.answers = saved;
                app.refresh();
            }
            app.continue_walk();
        }
        _ => {}
    }
}

fn question(app: &mut App, action: Action, commands: &mut Vec<Command>) {
    let q = app.current().clone();
    if q.kind == Kind::Text {
        return text_question(app, action, commands);
    }
    if q.kind == Kind::Priorities {
        return priorities_question(app, action, commands);
    }
    let count = app.item_count();
    let last = count.saturating_sub(1);
    let value_at = |i: usize| -> Option<Answer> {
        match (q.kind, &q.scale) {
            (Kind::Scale, Some(s)) => Some(Answer::Scale(s.min + i64::try_from(i).ok()?)),
            _ => Some(Answer::Choice(q.options.get(i)?.id.clone())),
        }
    };
    match action {
        Action::Up => app.cursor = app.cursor.saturating_sub(1),
        Action::Down => app.cursor = (app.cursor + 1).min(last),
        Action::Top => app.cursor = 0,
        Action::Bottom => app.cursor = last,
        Action::PageUp => app.cursor = app.cursor.saturating_sub(5),
        Action::PageDown => app.cursor = (app.cursor + 5).min(last),
        Action::Next => app.advance(),
        Action::Back => app.retreat(),
        Action::Clear => app.set_answer(None, commands),
        Action::Review => app.screen = Screen::Review,
        Action::Verdict => app.screen = Screen::Verdict,
        Action::Toggle | Action::Pick(_) if q.kind == Kind::Multiple => {
            if let Action::Pick(i) = action {
                if i >= count {
                    return;
                }
                app.cursor = i;
            }
            let id = q.options[app.cursor].id.clone();
            let mut chosen = match app.answers.values.get(&q.id) {
                Some(Answer::Choices(cs)) => cs.clone(),
                _ => Vec::new(),
            };
            if let Some(pos) = chosen.iter().position(|c| *c == id) {
                chosen.remove(pos);
            } else {
                chosen.push(id);
            }
            chosen.sort_by_key(|c| q.options.iter().position(|o| &o.id == c));
            app.set_answer(Some(Answer::Choices(chosen)), commands);
        }
        Action::Confirm if q.kind == Kind::Multiple => {
            // Enter confirms the choices so far; none chosen is an answer too.
            if !app.answers.values.contains_key(&q.id) {
                app.set_answer(Some(Answer::Choices(Vec::new())), commands);
            }
            app.advance();
        }
        Action::Confirm => {
            app.set_answer(value_at(app.cursor), commands);
            app.advance();
        }
        // Space chooses the highlighted option and stays, to look before moving on.
        Action::Toggle => app.set_answer(value_at(app.cursor), commands),
        Action::Pick(i) if i < count => {
            app.cursor = i;
            app.set_answer(value_at(i), commands);
            app.advance();
        }
        Action::Yes | Action::No if q.kind == Kind::YesNo || q.option("yes").is_some() => {
            let id = if action == Action::Yes { "yes" } else { "no" };
            if let Some(i) = q.options.iter().position(|o| o.id == id) {
                app.cursor = i;
                app.set_answer(value_at(i), commands);
                app.advance();
            }
        }
        _ => {}
    }
}

/// A priorities question: the list holds the criteria; a digit sets the highlighted
/// criterion's level, Space raises it (wrapping), Enter keeps the levels and goes on.
fn priorities_question(app: &mut App, action: Action, commands: &mut Vec<Command>) {
    let q = app.current().clone();
    let Some(p) = &q.priorities else { return };
    let last = p.criteria.len().saturating_sub(1);
    let levels = |app: &App| match app.answers.values.get(&q.id) {
        Some(Answer::Priorities(l)) => l.clone(),
        _ => std::collections::BTreeMap::new(),
    };
    let set = |app: &mut App, commands: &mut Vec<Command>, level: i64| {
        let Some(&c) = p.criteria.get(app.cursor) else {
            return;
        };
        let mut l = levels(app);
        l.insert(app.tree.criteria[c].id.clone(), level);
        app.set_answer(Some(Answer::Priorities(l)), commands);
    };
    match action {
        Action::Up => app.cursor = app.cursor.saturating_sub(1),
        Action::Down => app.cursor = (app.cursor + 1).min(last),
        Action::Top => app.cursor = 0,
        Action::Bottom => app.cursor = last,
        Action::PageUp => app.cursor = app.cursor.saturating_sub(5),
        Action::PageDown => app.cursor = (app.cursor + 5).min(last),
        Action::Pick(i) if i <= last => app.cursor = i,
        Action::Level(l) if (1..=p.max_level()).contains(&l) => set(app, commands, l),
        Action::Toggle => {
            let id = p
                .criteria
                .get(app.cursor)
                .map(|&c| app.tree.criteria[c].id.clone());
            let now = id
                .and_then(|id| levels(app).get(&id).copied())
                .unwrap_or(p.default);
            set(app, commands, now % p.max_level() + 1);
        }
        Action::Confirm => {
            if !app.answers.values.contains_key(&q.id) {
                app.set_answer(Some(Answer::Priorities(levels(app))), commands);
            }
            app.advance();
        }
        Action::Next => app.advance(),
        Action::Back => app.retreat(),
        Action::Clear => app.set_answer(None, commands),
        Action::Review => app.screen = Screen::Review,
        Action::Verdict => app.screen = Screen::Verdict,
        _ => {}
    }
}

fn text_question(app: &mut App, action: Action, commands: &mut Vec<Command>) {
    let save = |app: &mut App, commands: &mut Vec<Command>| {
        let text = app.input.value().to_string();
        let answer = (!is_blank(&text)).then_some(Answer::Text(text));
        app.set_answer(answer, commands);
    };
    match action {
        Action::Input(req) if app.editing => edit(&mut app.input, req),
        Action::Paste(text) if app.editing => paste(&mut app.input, &text),
        Action::Edit if !app.editing => app.editing = true,
        Action::Confirm | Action::Next => {
            save(app, commands);
            app.advance();
        }
        Action::Back => {
            save(app, commands);
            app.retreat();
        }
        Action::StopEditing | Action::Cancel => {
            save(app, commands);
            app.editing = false;
        }
        Action::Clear if !app.editing => {
            app.input = Input::default();
            app.set_answer(None, commands);
        }
        Action::Review if !app.editing => app.screen = Screen::Review,
        Action::Verdict if !app.editing => app.screen = Screen::Verdict,
        _ => {}
    }
}

fn review(app: &mut App, action: Action) {
    let asked = app.asked();
    let last = asked.len().saturating_sub(1);
    app.review_cursor = app.review_cursor.min(last);
    match action {
        Action::Up => app.review_cursor = app.review_cursor.saturating_sub(1),
        Action::Down => app.review_cursor = (app.review_cursor + 1).min(last),
        Action::Top => app.review_cursor = 0,
        Action::Bottom => app.review_cursor = last,
        Action::PageUp => app.review_cursor = app.review_cursor.saturating_sub(10),
        Action::PageDown => app.review_cursor = (app.review_cursor + 10).min(last),
        Action::Pick(i) if i < asked.len() => app.review_cursor = i,
        Action::Confirm | Action::Edit => {
            if let Some(&q) = asked.get(app.review_cursor) {
                app.open_question(q);
                app.return_to_review = true;
            }
        }
        Action::Back => match asked.last() {
            Some(&q) => app.open_question(q),
            None => app.screen = Screen::Welcome,
        },
        Action::Next | Action::Verdict => app.screen = Screen::Verdict,
        Action::Export => app.screen = Screen::Export,
        _ => {}
    }
}

fn verdict(app: &mut App, action: Action) {
    let last = app.tree.criteria.len().saturating_sub(1);
    let select = |app: &mut App, c: usize| {
        app.criterion = c;
        app.panel_scroll = 0;
    };
    match action {
        Action::Up => select(app, app.criterion.saturating_sub(1)),
        Action::Down => select(app, (app.criterion + 1).min(last)),
        Action::Top => select(app, 0),
        Action::Bottom => select(app, last),
        Action::Pick(i) if i <= last => select(app, i),
        Action::PageDown => {
            let page = view::panel_page(app, app.size);
            app.panel_scroll = app.panel_scroll.saturating_add(page);
            clamp_scrolls(app);
        }
        Action::PageUp => {
            let page = view::panel_page(app, app.size);
            app.panel_scroll = app.panel_scroll.saturating_sub(page);
        }
        Action::NextPanel => {
            app.panel = app.panel.next();
            app.panel_scroll = 0;
        }
        Action::PrevPanel => {
            app.panel = app.panel.previous();
            app.panel_scroll = 0;
        }
        Action::Back | Action::Review => app.screen = Screen::Review,
        Action::Next | Action::Export | Action::Confirm => app.screen = Screen::Export,
        _ => {}
    }
}

fn export(app: &mut App, action: Action, commands: &mut Vec<Command>) {
    let form = &mut app.export;
    if form.editing {
        match action {
            Action::Input(req) => edit(&mut form.path, req),
            Action::Paste(text) => paste(&mut form.path, &text),
            Action::Confirm | Action::StopEditing | Action::Cancel | Action::Down => {
                form.editing = false;
                if action == Action::Down {
                    form.row = 1;
                }
            }
            _ => {}
        }
        return;
    }
    match action {
        Action::Up => form.row = form.row.saturating_sub(1),
        Action::Down => form.row = (form.row + 1).min(EXPORT_ROWS),
        Action::Pick(i) if i <= EXPORT_ROWS => {
            form.row = i;
            export(app, Action::Toggle, commands);
        }
        Action::Edit => {
            form.row = 0;
            form.editing = true;
        }
        Action::Toggle | Action::Confirm => match form.row {
            0 => form.editing = true,
            1 => {} // the markdown report is always written
            2 => form.json = !form.json,
            3 => form.answers_file = !form.answers_file,
            _ if action == Action::Confirm => write_export(app, commands),
            _ => {}
        },
        Action::Next => write_export(app, commands),
        Action::Back | Action::Verdict => app.screen = Screen::Verdict,
        Action::Review => app.screen = Screen::Review,
        _ => {}
    }
}

fn write_export(app: &mut App, commands: &mut Vec<Command>) {
    if is_blank(app.export.path.value()) {
        app.error("Give a file name for the report.");
        return;
    }
    app.export.written.clear();
    commands.push(Command::Export {
        files: app.export_files(),
        overwrite: false,
    });
}

fn exported(app: &mut App, result: Result<Vec<PathBuf>, ExportError>) {
    match result {
        Ok(paths) => {
            app.dirty = false;
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            app.info(format!("Wrote {}", names.join(", ")));
            app.export.written = paths;
        }
        Err(ExportError::Exists(paths)) => app.overlay = Some(Overlay::ConfirmOverwrite { paths }),
        Err(ExportError::Failed(e)) => app.error(format!("Export failed: {e}")),
    }
}

/// Types `text` into `input`, with line breaks and tabs as spaces, up to the length limit.
fn paste(input: &mut Input, text: &str) {
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        type_char(input, c);
    }
}

/// Types one character, unless the text is at [`MAX_TEXT_CHARS`].
fn type_char(input: &mut Input, c: char) {
    if input.value().chars().count() < MAX_TEXT_CHARS {
        input.handle(InputRequest::InsertChar(c));
    }
}

/// Applies an editing request; insertions stop at [`MAX_TEXT_CHARS`].
fn edit(input: &mut Input, req: InputRequest) {
    match req {
        InputRequest::InsertChar(c) => type_char(input, c),
        other => {
            input.handle(other);
        }
    }
}

/// Keeps the help and the verdict panel from scrolling past their last page.
fn clamp_scrolls(app: &mut App) {
    let max = view::panel_max_scroll(app, app.size);
    app.panel_scroll = app.panel_scroll.min(max);
    if let Some(Overlay::Help { scroll }) = app.overlay {
        let max = view::help_max_scroll(app, app.size);
        app.overlay = Some(Overlay::Help {
            scroll: scroll.min(max),
        });
    }
}
