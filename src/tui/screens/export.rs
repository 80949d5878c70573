//! The export screen: where the report goes, which files to write, and what was written.
//!
//! The path is checked as it is typed: `~` is the home folder, a folder gets the default
//! file name inside it, a name without an extension gets `.md`, and the JSON report and
//! the answers file take the report's name with their own extensions, so two outputs
//! never share a path. What the file system says (is it a folder, does the folder exist,
//! which files exist) comes from the runtime ([`PathRequest`] out, [`PathCheck`] back):
//! drawing does no I/O. Only `w`, or Enter on the Write button, writes.

use std::path::{Path, PathBuf};

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use crate::model::is_blank;
use crate::recommend::Recommendation;
use crate::report::{self, ReportInput};
use crate::tui::app::{Action, App, Command, ExportError, ScreenId};
use crate::tui::chrome::{inside, wrapped};
use crate::tui::keys::{Binding, Cmd, bind, c, k};
use crate::tui::overlays::{Overlay, confirm};
use crate::tui::text::{self, truncate};
use crate::tui::textarea::TextArea;

/// The rows of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    Path,
    Json,
    Answers,
    #[default]
    Write,
}

impl Focus {
    const ALL: [Focus; 4] = [Focus::Path, Focus::Json, Focus::Answers, Focus::Write];

    fn index(self) -> usize {
        Focus::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }

    fn moved(self, by: isize) -> Focus {
        let i = (self.index() as isize + by).clamp(0, Focus::ALL.len() as isize - 1);
        Focus::ALL[i as usize]
    }
}

/// The export form.
#[derive(Debug, Clone)]
pub struct State {
    pub path: TextArea,
    pub focus: Focus,
    pub json: bool,
    pub answers_file: bool,
    /// What the runtime last found about the path (dropped when the text changed since).
    pub check: Option<PathCheck>,
    /// The path changed: the runtime should look at it.
    pub check_needed: bool,
    /// The paths of the last successful export (cleared when the answers change).
    pub written: Vec<PathBuf>,
}

impl State {
    pub fn new(default_name: &str) -> State {
        State {
            path: TextArea::single(default_name, 4096),
            focus: Focus::Write,
            json: false,
            answers_file: false,
            check: None,
            check_needed: true,
            written: Vec::new(),
        }
    }

    /// Whether the path field has the keyboard.
    pub fn typing(&self) -> bool {
        self.focus == Focus::Path
    }

    /// The question for the runtime about the path as typed.
    pub fn request(&self, app: &App) -> PathRequest {
        PathRequest {
            text: self.path.value().to_string(),
            default_name: app.default_export_name(),
            json: self.json,
            answers: self.answers_file,
        }
    }

    /// The check, if it is about the text as typed now.
    fn fresh_check(&self) -> Option<&PathCheck> {
        self.check
            .as_ref()
            .filter(|c| c.request.text == self.path.value())
    }
}

/// What the export screen asks the runtime to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRequest {
    pub text: String,
    pub default_name: String,
    pub json: bool,
    pub answers: bool,
}

/// The state of the folder the report goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderState {
    Exists,
    Missing,
    NotAFolder,
}

/// What the runtime found about a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathCheck {
    pub request: PathRequest,
    /// The typed path is an existing folder.
    pub is_dir: bool,
    pub folder: FolderState,
    /// The folder as an absolute path, to show where the files go.
    pub folder_shown: Option<PathBuf>,
    /// Which of the outputs exist already.
    pub existing: Vec<PathBuf>,
}

/// Where the three outputs go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    pub markdown: PathBuf,
    pub json: PathBuf,
    pub answers: PathBuf,
}

impl Targets {
    /// The outputs that are written.
    pub fn outputs(&self, json: bool, answers: bool) -> Vec<PathBuf> {
        let mut out = vec![self.markdown.clone()];
        if json {
            out.push(self.json.clone());
        }
        if answers {
            out.push(self.answers.clone());
        }
        out
    }
}

pub use crate::config::expand_home;

/// Where the outputs go for the path as typed: `~` expanded, the default name inside a
/// folder (`is_dir`, or a path ending in `/`), `.md` added when there is no extension, and
/// the JSON report and answers file named after the report.
pub fn targets(
    text: &str,
    home: Option<&Path>,
    is_dir: bool,
    default_name: &str,
) -> Result<Targets, String> {
    let trimmed = text.trim();
    if is_blank(trimmed) {
        return Err("Give a file name for the report.".into());
    }
    let mut markdown = expand_home(trimmed, home);
    if is_dir || trimmed.ends_with('/') || trimmed == "~" {
        markdown = markdown.join(default_name);
    }
    if markdown.extension().is_none() {
        let mut s = markdown.into_os_string();
        s.push(".md");
        markdown = PathBuf::from(s);
    }
    let base = markdown.with_extension("");
    let with = |ext: &str| {
        let mut s = base.clone().into_os_string();
        s.push(ext);
        PathBuf::from(s)
    };
    Ok(Targets {
        json: with(".json"),
        answers: with(".answers.toml"),
        markdown,
    })
}

/// Why these outputs cannot be written together, if two would share a path.
pub fn clash(t: &Targets, json: bool, answers: bool) -> Option<String> {
    if json && t.markdown == t.json {
        return Some(
            "The report is named .json, which is the JSON report's name: name it .md.".into(),
        );
    }
    if answers && t.markdown == t.answers {
        return Some("The report is named like the answers file: name it .md.".into());
    }
    None
}

pub const BINDINGS: &[Binding] = &[
    bind(Cmd::Write, &[c('w')], "w", "write the files", Some("write")),
    bind(
        Cmd::Choose,
        &[k(KeyCode::Enter), c(' ')],
        "Enter Space",
        "use the highlighted row: tick, untick, write",
        Some("choose"),
    ),
    bind(
        Cmd::PrevField,
        &[k(KeyCode::Up), c('k'), k(KeyCode::BackTab)],
        "↑↓ Tab S-Tab",
        "move between the file name, the boxes and the button",
        Some("move"),
    ),
    bind(
        Cmd::NextField,
        &[k(KeyCode::Down), c('j'), k(KeyCode::Tab)],
        "↓ Tab",
        "next row",
        None,
    ),
    bind(
        Cmd::Verdict,
        &[k(KeyCode::Esc), k(KeyCode::Left), c('v')],
        "Esc ← v",
        "back to the verdict",
        Some("back"),
    ),
    bind(Cmd::Review, &[c('r')], "r", "review the answers", None),
];

/// While the file name has the keyboard.
pub const PATH: &[Binding] = &[
    bind(
        Cmd::Choose,
        &[k(KeyCode::Enter)],
        "Enter",
        "done: to the Write button",
        Some("done"),
    ),
    bind(
        Cmd::NextField,
        &[k(KeyCode::Tab), k(KeyCode::Down)],
        "Tab ↓",
        "next row",
        Some("next"),
    ),
    bind(
        Cmd::Cancel,
        &[k(KeyCode::Esc)],
        "Esc",
        "drop the edit; again: back to the verdict",
        Some("cancel"),
    ),
];

pub fn bindings(app: &App) -> Vec<&'static Binding> {
    if app.export.typing() {
        PATH.iter().collect()
    } else {
        BINDINGS.iter().collect()
    }
}

pub fn update(app: &mut App, action: Action, out: &mut Vec<Command>) {
    if app.export.typing() {
        match action {
            Action::Edit { key, width } if app.export.path.input(key, width) => {
                app.export.check_needed = true;
            }
            Action::Paste(t) => {
                app.export.path.insert_str(&t);
                app.export.check_needed = true;
            }
            Action::Cmd(Cmd::Choose) => {
                app.export.path.commit();
                app.export.focus = Focus::Write;
            }
            Action::Cmd(Cmd::NextField) => {
                app.export.path.commit();
                app.export.focus = Focus::Json;
            }
            Action::Cmd(Cmd::Cancel) if app.export.path.changed() => {
                app.export.path.revert();
                app.export.check_needed = true;
                app.info("Your edit was dropped. Esc again goes back to the verdict.");
            }
            Action::Cmd(Cmd::Cancel) => app.go(ScreenId::Verdict),
            _ => {}
        }
        return;
    }
    let form = &mut app.export;
    match action {
        Action::Cmd(Cmd::PrevField) => form.focus = form.focus.moved(-1),
        Action::Cmd(Cmd::NextField) => form.focus = form.focus.moved(1),
        Action::Pick(i) if i < Focus::ALL.len() => {
            form.focus = Focus::ALL[i];
            if form.focus != Focus::Path {
                update(app, Action::Cmd(Cmd::Choose), out);
            }
        }
        Action::Cmd(Cmd::Choose) => match form.focus {
            Focus::Path => {}
            Focus::Json => {
                form.json = !form.json;
                form.check_needed = true;
            }
            Focus::Answers => {
                form.answers_file = !form.answers_file;
                form.check_needed = true;
            }
            Focus::Write => write(app, out),
        },
        Action::Cmd(Cmd::Write) => write(app, out),
        Action::Cmd(Cmd::Verdict) => app.go(ScreenId::Verdict),
        Action::Cmd(Cmd::Review) => app.go(ScreenId::Review),
        _ => {}
    }
}

/// The report, the JSON report and the answers file, as asked, with their paths.
pub fn files(app: &App, t: &Targets) -> Vec<(PathBuf, String)> {
    let mut answers = app.effective_answers();
    answers.meta.date = Some(app.date().to_string());
    let full;
    let recommendation = if app.analysed() {
        &app.recommendation
    } else {
        full = Recommendation::new(&app.tree, &answers);
        &full
    };
    let input = ReportInput {
        tree: &app.tree,
        answers: &answers,
        recommendation,
        date: app.date(),
        catalog: app.catalog.as_ref(),
        team: None,
    };
    let mut files = vec![(t.markdown.clone(), report::to_markdown(&input))];
    if app.export.json {
        files.push((t.json.clone(), report::to_json(&input)));
    }
    if app.export.answers_file {
        files.push((t.answers.clone(), answers.to_toml(&app.tree)));
    }
    files
}

/// Where the outputs go now, or why they cannot be written.
fn current_targets(app: &App) -> Result<Targets, String> {
    let form = &app.export;
    let check = form.fresh_check();
    let t = targets(
        form.path.value(),
        app.home.as_deref(),
        check.is_some_and(|c| c.is_dir),
        &app.default_export_name(),
    )?;
    if let Some(why) = clash(&t, form.json, form.answers_file) {
        return Err(why);
    }
    if check.is_some_and(|c| c.folder == FolderState::NotAFolder) {
        let folder = t.markdown.parent().unwrap_or(Path::new("."));
        return Err(format!(
            "{} is a file, not a folder: choose another path.",
            folder.display()
        ));
    }
    Ok(t)
}

pub fn write(app: &mut App, out: &mut Vec<Command>) {
    match current_targets(app) {
        Err(why) => app.error(why),
        Ok(t) => {
            app.export.written.clear();
            out.push(Command::Export {
                files: files(app, &t),
                overwrite: false,
                create_folder: false,
            });
        }
    }
}

/// The result of a write.
pub fn exported(app: &mut App, result: Result<Vec<PathBuf>, ExportError>) {
    app.messages.clear();
    match result {
        Ok(paths) => {
            app.dirty = false;
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            app.info(format!("Wrote {}.", text::and_list(&names)));
            app.export.written = paths;
            app.export.check_needed = true;
        }
        Err(ExportError::Exists(paths)) => {
            app.overlay = Some(Overlay::Confirm(confirm::Dialog::Overwrite {
                paths,
                create_folder: false,
            }))
        }
        Err(ExportError::MissingFolder(folder)) => {
            app.overlay = Some(Overlay::Confirm(confirm::Dialog::CreateFolder { folder }))
        }
        Err(ExportError::Failed(e)) => app.error(format!("Export failed: {e}")),
    }
}

/// A check from the runtime: kept when it is about the text as typed now.
pub fn path_checked(app: &mut App, check: PathCheck) {
    if check.request.text == app.export.path.value() {
        app.export.check = Some(check);
    }
}

// ---------------------------------------------------------------------------------------
// Layout and drawing.

const INTRO: u16 = 2;
const PATH_BOX: u16 = 3;
const WHERE: u16 = 2;

fn row_rect(area: Rect, focus: Focus) -> Rect {
    let (y, height) = match focus {
        Focus::Path => (area.y + INTRO, PATH_BOX),
        Focus::Json => (area.y + INTRO + PATH_BOX + WHERE + 1, 1),
        Focus::Answers => (area.y + INTRO + PATH_BOX + WHERE + 2, 1),
        Focus::Write => (area.y + INTRO + PATH_BOX + WHERE + 4, 1),
    };
    Rect { y, height, ..area }.intersection(area)
}

/// Where the files go, and anything to know before writing, for the path as typed.
fn where_lines(app: &App) -> Vec<(String, bool)> {
    let form = &app.export;
    let t = match current_targets(app) {
        Ok(t) => t,
        Err(why) => return vec![(why, true)],
    };
    let Some(check) = form.fresh_check() else {
        return vec![(format!("→ {}", t.markdown.display()), false)];
    };
    let name = t
        .markdown
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut lines = vec![match &check.folder_shown {
        Some(f) => (format!("→ {}", f.join(&name).display()), false),
        None => (format!("→ {}", t.markdown.display()), false),
    }];
    match check.folder {
        FolderState::Missing => lines.push((
            format!(
                "The folder {} does not exist: writing offers to create it.",
                t.markdown.parent().unwrap_or(Path::new(".")).display()
            ),
            true,
        )),
        FolderState::NotAFolder => {}
        FolderState::Exists if !check.existing.is_empty() => {
            let n = check.existing.len();
            lines.push((
                format!(
                    "{} already: writing asks before replacing {}.",
                    if n == 1 {
                        "This file exists"
                    } else {
                        "These files exist"
                    },
                    if n == 1 { "it" } else { "them" }
                ),
                true,
            ));
        }
        FolderState::Exists => {}
    }
    lines
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let theme = &app.theme;
    let form = &app.export;
    Paragraph::new(wrapped(
        "Write the recommendation for the kickoff documents. Files are written whole or not at all.",
        area.width,
        theme.muted,
    ))
    .render(Rect { height: INTRO, ..area }.intersection(area), buf);
    let path_area = row_rect(area, Focus::Path);
    let typing = form.typing();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if typing { theme.accent } else { theme.border })
        .title(Span::styled(
            if typing {
                " Report file (Enter: done, Esc: drop the edit) "
            } else {
                " Report file (↑ or Tab to change it) "
            },
            theme.muted,
        ));
    let inner = block.inner(path_area);
    block.render(path_area, buf);
    let cursor = form.path.render(inner, buf, theme.text, typing);
    let where_area = Rect {
        y: path_area.bottom(),
        height: WHERE,
        ..area
    }
    .intersection(area);
    let lines: Vec<Line> = where_lines(app)
        .into_iter()
        .take(usize::from(WHERE))
        .map(|(t, warn)| {
            Line::styled(
                truncate(&t, usize::from(area.width)),
                if warn { theme.warn } else { theme.muted },
            )
        })
        .collect();
    Paragraph::new(lines).render(where_area, buf);
    let t = current_targets(app).ok();
    let name = |p: Option<&PathBuf>| {
        p.and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let items = [
        (
            Focus::Json,
            form.json,
            "JSON report",
            name(t.as_ref().map(|t| &t.json)),
        ),
        (
            Focus::Answers,
            form.answers_file,
            "Answers file",
            name(t.as_ref().map(|t| &t.answers)),
        ),
    ];
    let width = usize::from(area.width);
    for (focus, on, label, file) in items {
        let selected = form.focus == focus;
        let style = if selected { theme.selected } else { theme.text };
        let mark = if on { "[x] " } else { "[ ] " };
        let text = format!("{}{mark}{label}", if selected { "❯ " } else { "  " });
        let used = text::width(&text);
        Line::from(vec![
            Span::styled(text, style),
            Span::styled(
                truncate(&format!("  → {file}"), width.saturating_sub(used)),
                theme.muted,
            ),
        ])
        .render(row_rect(area, focus), buf);
    }
    let button = row_rect(area, Focus::Write);
    let selected = form.focus == Focus::Write;
    let style = if selected {
        theme.selected
    } else {
        theme.accent
    };
    Line::from(vec![
        Span::styled(if selected { "❯ " } else { "  " }, style),
        Span::styled("[ Write ]", style),
        Span::styled("  Enter on it, or w", theme.muted),
    ])
    .render(button, buf);
    let y = button.y + 2;
    if !form.written.is_empty() && y < area.bottom() {
        let mut lines = vec![Line::styled("Written:", theme.good)];
        for p in &form.written {
            lines.extend(wrapped(
                &format!("  {}", p.display()),
                area.width,
                theme.text,
            ));
        }
        Paragraph::new(lines).render(
            Rect {
                y,
                height: area.bottom() - y,
                ..area
            },
            buf,
        );
    }
    cursor
}

/// A click on a row uses it; on the file name, moves there.
pub fn hit(_app: &App, area: Rect, column: u16, row: u16) -> Option<Action> {
    Focus::ALL
        .iter()
        .position(|&f| inside(row_rect(area, f), column, row))
        .map(Action::Pick)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str, is_dir: bool) -> Targets {
        targets(text, Some(Path::new("/home/dana")), is_dir, "r-2026.md").unwrap()
    }

    #[test]
    fn paths_are_completed_as_typed() {
        assert_eq!(
            t("~/kickoff/x", false).markdown,
            Path::new("/home/dana/kickoff/x.md")
        );
        assert_eq!(t("out/", false).markdown, Path::new("out/r-2026.md"));
        assert_eq!(t("out", true).markdown, Path::new("out/r-2026.md"));
        assert_eq!(t("~", false).markdown, Path::new("/home/dana/r-2026.md"));
        let x = t("decision.md", false);
        assert_eq!(x.json, Path::new("decision.json"));
        assert_eq!(x.answers, Path::new("decision.answers.toml"));
        assert!(targets("  ", None, false, "r.md").is_err());
    }

    #[test]
    fn two_outputs_never_share_a_path() {
        let x = t("report.json", false);
        assert_eq!(x.markdown, Path::new("report.json"));
        assert!(clash(&x, true, false).is_some());
        assert!(clash(&x, false, true).is_none());
        let y = t("report.md", false);
        assert!(clash(&y, true, true).is_none());
        let outputs = y.outputs(true, true);
        let mut unique = outputs.clone();
        unique.dedup();
        assert_eq!(outputs.len(), unique.len());
    }
}
