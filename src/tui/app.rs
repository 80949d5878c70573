//! The wizard's state and its one update function.
//!
//! [`App`] holds what every screen shares (the tree, the answers, the flow, the
//! recommendation, the messages, the undo history) and one state per screen, owned by the
//! screen's module in [`super::screens`]. [`update`] handles what means the same
//! everywhere (results from the runtime, Ctrl-C, help, the go-to list, quit, undo) and
//! hands the rest to the current overlay or screen. It does no input or output: it returns
//! [`Command`]s (save the session, check a path, write files, analyse the verdict, open an
//! editor) that the runtime carries out and answers with further [`Action`]s.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::keys::Cmd;
use super::overlays::{self, Overlay};
use super::screens::{export, people, question, review, verdict, welcome};
use super::text;
use super::theme::{Palette, Theme};
use crate::answers::{Answer, Answers};
use crate::flow::Flow;
use crate::model::{Question, Tree};
use crate::recommend::Recommendation;
use crate::robustness::Robustness;

/// The screens of the wizard, in walking order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenId {
    Welcome,
    Question,
    /// Who takes part in the decision (optional).
    People,
    Review,
    Verdict,
    Export,
}

/// Everything that changes the state: key bindings (by id), other input, and the results
/// of commands.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A key binding of the current screen or overlay, by id.
    Cmd(Cmd),
    /// A digit typed where digits choose (an option, a scale value, a level).
    Number(u8),
    /// Move a list by a page of `rows` rows.
    Page { down: bool, rows: u16 },
    /// Scroll a panel by `rows` rows, to at most `max`.
    Scroll { down: bool, rows: u16, max: u16 },
    /// Choose (or tick) the item at this position of the visible list (a click).
    Pick(usize),
    /// An editing key for the focused text field, drawn `width` columns wide.
    Edit { key: KeyEvent, width: u16 },
    /// Pasted text for the focused text field.
    Paste(String),
    /// The terminal has this size now.
    Resize(Rect),
    /// Quit at once (Ctrl-C, a signal): the text being typed is kept.
    ForceQuit,
    /// The session file was written (or not).
    SessionSaved(Result<(), String>),
    /// The export finished: the paths written, or why not.
    Exported(Result<Vec<PathBuf>, ExportError>),
    /// What the runtime found about the export path as typed.
    PathChecked(export::PathCheck),
    /// The robustness of the answers of `generation`, computed off the key path.
    Analysed {
        generation: u64,
        robustness: Box<Robustness>,
    },
    /// The text back from the editor (Ctrl-E), or why not.
    Edited(Result<String, String>),
}

/// Why an export did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    /// These files exist; overwriting needs confirmation.
    Exists(Vec<PathBuf>),
    /// The folder does not exist; creating it needs confirmation.
    MissingFolder(PathBuf),
    /// Writing failed.
    Failed(String),
}

/// Work for the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Write this text to the session file.
    SaveSession(String),
    /// Write these files atomically; unless `overwrite`, fail on existing ones; create
    /// their folder when `create_folder`.
    Export {
        files: Vec<(PathBuf, String)>,
        overwrite: bool,
        create_folder: bool,
    },
    /// Look at the export path as typed (home folder, folders, existing files).
    CheckPath(export::PathRequest),
    /// Compute the robustness of these answers, off the key path.
    Analyse { generation: u64, answers: Answers },
    /// Open `$VISUAL` or `$EDITOR` on this text.
    OpenEditor { text: String },
}

/// A message at the bottom of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub tone: Tone,
}

/// How a message reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Warn,
    Error,
}

/// How the wizard starts.
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// Answers to start from (`--answers`, `--resume`), hidden ones included.
    pub answers: Option<Answers>,
    /// Start the walk at once instead of showing the welcome screen.
    pub skip_welcome: bool,
    /// A saved session that the welcome screen offers to resume.
    pub resumable: Option<Answers>,
    /// Notes shown on the welcome screen (answers that could not be used, a corrupt session).
    pub notes: Vec<String>,
    /// Where the session is saved, for the help and quit texts.
    pub session_path: Option<PathBuf>,
    /// Why answers cannot be saved, when that is known from the start.
    pub unsaved: Option<String>,
    /// Today's date, `YYYY-MM-DD`, for reports and file names (`[meta] date` wins).
    pub date: String,
    /// The palette.
    pub palette: Palette,
    /// Draw without colours (`NO_COLOR`); wins over `palette`.
    pub no_color: bool,
    /// The tool catalog for the stack plan's examples.
    pub catalog: Option<crate::catalog::Catalog>,
    /// `--respondent NAME`: whose answers these are.
    pub respondent: Option<String>,
    /// The home folder, for `~` in the export path.
    pub home: Option<PathBuf>,
    /// The export folder and file name the configuration file asks for.
    pub export: ExportNaming,
}

/// How the export path offered first is made: the configuration's folder (if any) and
/// file name pattern.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportNaming {
    /// The folder, as the configuration gives it (`~` kept).
    pub folder: Option<String>,
    pub file_name: crate::config::FileName,
}

impl ExportNaming {
    /// The export path for a decision of `date` by `respondent` (a name as typed, or
    /// none) on the tree `tree_id`.
    pub fn path(&self, date: &str, respondent: Option<&str>, tree_id: &str) -> String {
        let who = respondent.map(slug).unwrap_or_default();
        let name = self.file_name.render(date, &who, &slug(tree_id));
        match &self.folder {
            Some(folder) if folder.ends_with('/') => format!("{folder}{name}"),
            Some(folder) => format!("{folder}/{name}"),
            None => name,
        }
    }
}

/// The whole state of the wizard.
#[derive(Debug, Clone)]
pub struct App {
    pub tree: Tree,
    /// The tool catalog for the stack plan's examples, if one fits the tree.
    pub catalog: Option<crate::catalog::Catalog>,
    /// Every answer given, including answers to questions a later change hid (kept in case
    /// the change is undone; they do not count, and the session keeps them as hidden).
    pub answers: Answers,
    pub flow: Flow,
    /// The recommendation of the answers that count: computed on every change without the
    /// robustness analysis, which arrives later ([`Action::Analysed`]).
    pub recommendation: Recommendation,
    /// Counts changes of the answers; an analysis of older answers is dropped.
    pub generation: u64,
    pub screen: ScreenId,
    pub overlay: Option<Overlay>,
    pub welcome: welcome::State,
    pub question: question::State,
    pub people: people::State,
    pub review: review::State,
    pub verdict: verdict::State,
    pub export: export::State,
    /// Messages of the moment, cleared by the next key.
    pub messages: Vec<Status>,
    /// Messages for the next screen opened.
    pub pending: Vec<Status>,
    /// The walk and the exclusions when the current screen opened: on the next screen,
    /// the wizard says what the answers given here added, removed or ruled out.
    mark: Option<(Flow, Vec<usize>)>,
    /// The answers before each change, the latest last (`u` undoes).
    pub undo: Vec<Answers>,
    /// Answers changed since the last export.
    pub dirty: bool,
    pub resumable: Option<Answers>,
    pub notes: Vec<String>,
    pub session_path: Option<PathBuf>,
    /// Why the answers are not saved: set when a save fails (or cannot be made), cleared
    /// when one succeeds. The screen shows it all the while.
    pub unsaved: Option<String>,
    /// Today's date.
    pub today: String,
    pub home: Option<PathBuf>,
    /// How the export path offered first is made.
    pub export_naming: ExportNaming,
    pub theme: Theme,
    /// The size of the terminal.
    pub size: Rect,
    pub quit: bool,
}

/// How many changes `u` can undo.
const UNDO_DEPTH: usize = 200;

impl App {
    /// A wizard over `tree`.
    pub fn new(tree: Tree, options: StartOptions) -> App {
        let mut answers = options.answers.unwrap_or_default();
        if options.respondent.is_some() {
            answers.meta.respondent = options.respondent.clone();
        }
        let flow = Flow::new(&tree, &answers);
        let recommendation = Recommendation::quick(&tree, &flow.effective(&tree, &answers));
        let palette = if options.no_color {
            Palette::Mono
        } else {
            options.palette
        };
        let mut app = App {
            catalog: options.catalog,
            flow,
            recommendation,
            generation: 0,
            screen: ScreenId::Welcome,
            overlay: None,
            welcome: welcome::State,
            question: question::State::default(),
            people: people::State::new(&answers.meta),
            review: review::State::default(),
            verdict: verdict::State::default(),
            export: export::State::new(""),
            messages: Vec::new(),
            pending: Vec::new(),
            mark: None,
            undo: Vec::new(),
            dirty: false,
            resumable: options.resumable,
            notes: options.notes,
            session_path: options.session_path,
            unsaved: options.unsaved,
            today: options.date,
            home: options.home,
            export_naming: options.export,
            theme: Theme::new(palette),
            size: Rect::new(0, 0, 80, 24),
            quit: false,
            answers,
            tree,
        };
        app.export = export::State::new(&app.default_export_name());
        app.question.index = app.flow.next(None).unwrap_or(0);
        // Answers brought in (resumed or from a file) are not exported yet either.
        app.dirty = !app.effective_answers().values.is_empty();
        // Notes (answers that could not be used, a corrupt session) are shown on the
        // welcome screen first, so nothing is dropped silently.
        if options.skip_welcome && app.notes.is_empty() {
            app.continue_walk();
        }
        app
    }

    /// The commands to run at start: the analysis of the answers brought in.
    pub fn start_commands(&self) -> Vec<Command> {
        vec![self.analyse_command()]
    }

    fn analyse_command(&self) -> Command {
        Command::Analyse {
            generation: self.generation,
            answers: self.flow.effective(&self.tree, &self.answers),
        }
    }

    /// The question on the question screen.
    pub fn current(&self) -> &Question {
        &self.tree.questions[self.question.index]
    }

    /// The answers that count (to shown questions), stamped with the tree.
    pub fn effective_answers(&self) -> Answers {
        let mut a = self.flow.effective(&self.tree, &self.answers);
        a.stamp(&self.tree);
        a
    }

    /// Answers kept for questions that are hidden now.
    pub fn hidden_answers(&self) -> BTreeMap<String, Answer> {
        self.answers
            .values
            .iter()
            .filter(|(id, _)| {
                self.tree
                    .question_index(id)
                    .is_some_and(|i| !self.flow.is_shown(i))
            })
            .map(|(id, a)| (id.clone(), a.clone()))
            .collect()
    }

    /// The session file's text: the answers that count, then the hidden ones.
    pub fn session_text(&self) -> String {
        let mut effective = self.flow.effective(&self.tree, &self.answers);
        effective.stamp(&self.tree);
        self.session_text_of(&effective)
    }

    /// [`App::session_text`] with the answers that count already at hand.
    fn session_text_of(&self, effective: &Answers) -> String {
        let mut text = effective.to_toml(&self.tree);
        text.push_str(&Answers::hidden_toml(&self.tree, &self.hidden_answers()));
        text
    }

    /// The date of the decision: `[meta] date` when the answers set it, else today.
    pub fn date(&self) -> &str {
        self.answers.meta.date.as_deref().unwrap_or(&self.today)
    }

    /// The export file name offered first.
    pub fn default_export_name(&self) -> String {
        self.export_naming.path(
            self.date(),
            self.answers.meta.respondent.as_deref(),
            &self.tree.meta.id,
        )
    }

    /// The questions shown now, in order.
    pub fn asked(&self) -> Vec<usize> {
        self.flow.visible().collect()
    }

    /// How many shown questions have an answer.
    pub fn answered_count(&self) -> usize {
        self.flow
            .visible()
            .filter(|&i| {
                self.answers
                    .values
                    .contains_key(self.tree.questions[i].id.as_str())
            })
            .count()
    }

    /// Whether the robustness of the current answers has arrived.
    pub fn analysed(&self) -> bool {
        self.recommendation.robustness.is_some()
    }

    /// Opens a screen, showing the messages kept for it and what the answers given on the
    /// screen before did to the walk.
    pub fn go(&mut self, screen: ScreenId) {
        self.screen = screen;
        if let Some((flow, ruled)) = self.mark.take() {
            self.note_changes(&flow, &ruled);
        }
        self.mark = Some((self.flow.clone(), self.ruled_out()));
        self.messages.append(&mut self.pending);
        if screen == ScreenId::Export {
            // The export screen shows where the files go: the runtime looks at the path.
            self.export.check_needed = true;
        }
    }

    /// Goes to the first unanswered shown question, or to the review when all are answered.
    pub fn continue_walk(&mut self) {
        let next = self.flow.visible().find(|&i| {
            !self
                .answers
                .values
                .contains_key(self.tree.questions[i].id.as_str())
        });
        match next {
            Some(i) => question::open(self, i),
            None => self.go(ScreenId::Review),
        }
    }

    /// Records an answer to question `qi` (or removes it, for `None`), keeps the previous
    /// answers for undo, and saves the session.
    pub fn set_answer(&mut self, qi: usize, answer: Option<Answer>, out: &mut Vec<Command>) {
        let id = self.tree.questions[qi].id.to_string();
        let before = self.answers.clone();
        let changed = match answer {
            Some(a) => self.answers.values.insert(id.to_string(), a.clone()) != Some(a),
            None => self.answers.values.remove(id.as_str()).is_some(),
        };
        if changed {
            self.push_undo(before);
            self.changed(out);
        }
    }

    /// Replaces the answers' `[meta]` people lists.
    pub fn set_people(&mut self, meta: crate::answers::AnswersMeta, out: &mut Vec<Command>) {
        if meta != self.answers.meta {
            let before = self.answers.clone();
            self.answers.meta = meta;
            self.push_undo(before);
            self.changed(out);
        }
    }

    fn push_undo(&mut self, before: Answers) {
        self.undo.push(before);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
    }

    /// The alternatives ruled out now.
    fn ruled_out(&self) -> Vec<usize> {
        self.recommendation
            .ruled_out
            .iter()
            .map(|e| e.alternative)
            .collect()
    }

    /// After the answers changed: recompute, warn of a contradiction at once, save.
    fn changed(&mut self, out: &mut Vec<Command>) {
        self.dirty = true;
        self.export.written.clear();
        let conflicts_before = self.recommendation.conflicts.clone();
        self.refresh();
        for &c in &self.recommendation.conflicts {
            if !conflicts_before.contains(&c) {
                let message = self.tree.conflicts[c].message.trim().to_string();
                self.messages.push(Status {
                    text: format!("These answers contradict each other: {message}"),
                    tone: Tone::Warn,
                });
            }
        }
        // One copy of the answers that count serves the session and the analysis.
        let mut effective = self.flow.effective(&self.tree, &self.answers);
        effective.stamp(&self.tree);
        out.push(Command::SaveSession(self.session_text_of(&effective)));
        out.push(Command::Analyse {
            generation: self.generation,
            answers: effective,
        });
    }

    /// Recomputes what depends on the answers.
    pub fn refresh(&mut self) {
        self.flow = Flow::new(&self.tree, &self.answers);
        let effective = self.flow.effective(&self.tree, &self.answers);
        self.recommendation = Recommendation::quick(&self.tree, &effective);
        self.generation += 1;
        self.verdict.clamp(self.tree.criteria.len());
    }

    /// Says which questions the answers given on the last screen added or removed, and
    /// what they ruled out.
    fn note_changes(&mut self, before: &Flow, ruled_before: &[usize]) {
        for text in branching_notes(&self.tree, before, &self.flow, &self.answers) {
            self.messages.push(Status {
                text,
                tone: Tone::Info,
            });
        }
        let mut newly: Vec<String> = Vec::new();
        for a in self.ruled_out() {
            let title = self.tree.alternatives[a].title.to_string();
            if !ruled_before.contains(&a) && !newly.contains(&title) {
                newly.push(title);
            }
        }
        if !newly.is_empty() && !self.recommendation.all_ruled_out {
            let verb = if newly.len() == 1 { "is" } else { "are" };
            self.messages.push(Status {
                text: format!(
                    "{} {verb} ruled out by your last answer; the next questions still count for the stack plan.",
                    text::and_list(&newly)
                ),
                tone: Tone::Warn,
            });
        }
    }

    /// Undoes the last change of the answers.
    fn undo_last(&mut self, out: &mut Vec<Command>) {
        let Some(previous) = self.undo.pop() else {
            self.info("Nothing to undo.");
            return;
        };
        self.answers = previous;
        self.people = people::State::new(&self.answers.meta);
        self.dirty = true;
        self.export.written.clear();
        self.refresh();
        if self.screen == ScreenId::Question {
            let i = self.question.index;
            if self.flow.is_shown(i) {
                question::open(self, i);
            } else {
                self.continue_walk();
            }
        }
        self.info("Undone: the answers are as before your last change.");
        out.push(Command::SaveSession(self.session_text()));
        out.push(self.analyse_command());
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.messages.push(Status {
            text: text.into(),
            tone: Tone::Info,
        });
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.messages.push(Status {
            text: text.into(),
            tone: Tone::Warn,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.messages.push(Status {
            text: text.into(),
            tone: Tone::Error,
        });
    }

    /// Whether a text field has the keyboard (it then takes letters and digits).
    pub fn typing(&self) -> bool {
        match &self.overlay {
            Some(o) => o.typing(),
            None => match self.screen {
                ScreenId::Question => question::typing(self),
                ScreenId::People => true,
                ScreenId::Export => self.export.typing(),
                _ => false,
            },
        }
    }
}

/// What a change of the answers did to the walk: the questions it added and removed,
/// named.
pub fn branching_notes(tree: &Tree, before: &Flow, after: &Flow, answers: &Answers) -> Vec<String> {
    let prompts = |ids: &[usize]| -> Vec<String> {
        ids.iter()
            .map(|&i| text::quoted(&tree.questions[i].prompt, 60))
            .collect()
    };
    let added: Vec<usize> = after.visible().filter(|&i| !before.is_shown(i)).collect();
    let removed: Vec<usize> = before.visible().filter(|&i| !after.is_shown(i)).collect();
    let mut out = Vec::new();
    if !added.is_empty() {
        out.push(format!(
            "Your last answer adds {}: {}.",
            text::count(added.len(), "question", "questions"),
            text::and_list(&prompts(&added))
        ));
    }
    if !removed.is_empty() {
        let kept = removed
            .iter()
            .any(|&i| answers.values.contains_key(tree.questions[i].id.as_str()));
        out.push(format!(
            "Your last answer removes {} that no longer {}: {}.{}",
            text::count(removed.len(), "question", "questions"),
            if removed.len() == 1 {
                "applies"
            } else {
                "apply"
            },
            text::and_list(&prompts(&removed)),
            match (kept, removed.len()) {
                (false, _) => "",
                (true, 1) => " Its answer no longer counts, but is kept in case you change back.",
                (true, _) => {
                    " Their answers no longer count, but are kept in case you change back."
                }
            }
        ));
    }
    out
}

/// A name in letters, digits and dashes, for file names.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(40).collect()
}

/// Applies one action to the state, returning the work it asks of the runtime.
pub fn update(app: &mut App, action: Action) -> Vec<Command> {
    let mut out = Vec::new();
    // Results from the runtime, Ctrl-C and resizes apply whatever is on screen.
    match action {
        Action::ForceQuit => {
            // A text answer being typed is kept, like every other answer.
            question::keep_typed_text(app, &mut out);
            app.quit = true;
            return out;
        }
        Action::Resize(area) => {
            app.size = area;
            return out;
        }
        Action::SessionSaved(Ok(())) => {
            app.unsaved = None;
            return out;
        }
        Action::SessionSaved(Err(e)) => {
            // Shown until a save succeeds.
            app.unsaved = Some(e);
            return out;
        }
        Action::Exported(result) => {
            export::exported(app, result);
            finish(app, &mut out);
            return out;
        }
        Action::PathChecked(check) => {
            export::path_checked(app, check);
            return out;
        }
        Action::Analysed {
            generation,
            robustness,
        } => {
            // An analysis of answers that have changed since is dropped.
            if generation == app.generation {
                app.recommendation.robustness = Some(*robustness);
            }
            return out;
        }
        Action::Edited(result) => {
            question::edited(app, result);
            return out;
        }
        _ => {}
    }
    app.messages.clear();
    if app.overlay.is_some() {
        overlays::update(app, action, &mut out);
        finish(app, &mut out);
        return out;
    }
    // What means the same on every screen.
    match action {
        Action::Cmd(Cmd::Help) => {
            app.overlay = Some(Overlay::Help(overlays::help::State::default()));
            return out;
        }
        Action::Cmd(Cmd::Quit) => {
            overlays::confirm::quit(app);
            return out;
        }
        Action::Cmd(Cmd::GoTo) => {
            app.overlay = Some(Overlay::Jump(overlays::jump::State::new(app)));
            return out;
        }
        Action::Cmd(Cmd::Undo) => {
            app.undo_last(&mut out);
            return out;
        }
        _ => {}
    }
    match app.screen {
        ScreenId::Welcome => welcome::update(app, action, &mut out),
        ScreenId::Question => question::update(app, action, &mut out),
        ScreenId::People => people::update(app, action, &mut out),
        ScreenId::Review => review::update(app, action, &mut out),
        ScreenId::Verdict => verdict::update(app, action, &mut out),
        ScreenId::Export => export::update(app, action, &mut out),
    }
    finish(app, &mut out);
    out
}

/// Work that follows any key: the export screen's path is looked at when it changed.
fn finish(app: &mut App, out: &mut Vec<Command>) {
    if app.screen == ScreenId::Export && app.export.check_needed {
        app.export.check_needed = false;
        out.push(Command::CheckPath(app.export.request(app)));
    }
}
