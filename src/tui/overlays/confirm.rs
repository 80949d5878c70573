//! Confirmations: quitting with answers not exported, replacing files, creating a folder.

use std::path::PathBuf;

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget};

use super::{Overlay, window};
use crate::tui::app::{Action, App, Command};
use crate::tui::chrome::centered;
use crate::tui::keys::{Binding, Cmd, bind, c, k};
use crate::tui::screens::export;

/// What is being confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    /// Quit with answers that were not exported.
    Quit,
    /// Replace these files (and create their folder first, when asked).
    Overwrite {
        paths: Vec<PathBuf>,
        create_folder: bool,
    },
    /// Create this folder for the export.
    CreateFolder { folder: PathBuf },
}

pub const BINDINGS: &[Binding] = &[
    bind(
        Cmd::Yes,
        &[c('y'), c('Y'), k(KeyCode::Enter)],
        "y Enter",
        "yes",
        Some("yes"),
    ),
    bind(
        Cmd::No,
        &[c('n'), c('N'), k(KeyCode::Esc), c('q')],
        "n Esc",
        "no",
        Some("no"),
    ),
];

/// `q`: asks first when the answers were not exported; else quits.
pub fn quit(app: &mut App) {
    if app.dirty && !app.effective_answers().values.is_empty() {
        app.overlay = Some(Overlay::Confirm(Dialog::Quit));
    } else {
        app.quit = true;
    }
}

pub fn update(app: &mut App, dialog: Dialog, action: Action, out: &mut Vec<Command>) {
    let yes = matches!(action, Action::Cmd(Cmd::Yes));
    let no = matches!(action, Action::Cmd(Cmd::No | Cmd::Cancel));
    if !yes && !no {
        return;
    }
    app.overlay = None;
    match (dialog, yes) {
        (Dialog::Quit, true) => app.quit = true,
        (Dialog::Quit, false) => {}
        (Dialog::Overwrite { create_folder, .. }, true) => {
            export_again(app, out, true, create_folder)
        }
        (Dialog::CreateFolder { .. }, true) => export_again(app, out, false, true),
        (_, false) => app.info("Nothing written; change the path, or write again to confirm."),
    }
}

fn export_again(app: &mut App, out: &mut Vec<Command>, overwrite: bool, create_folder: bool) {
    let before = out.len();
    export::write(app, out);
    for c in &mut out[before..] {
        if let Command::Export {
            overwrite: o,
            create_folder: f,
            ..
        } = c
        {
            *o = overwrite;
            *f = create_folder;
        }
    }
}

/// The dialog's lines.
fn lines(app: &App, dialog: &Dialog) -> (&'static str, Vec<String>) {
    match dialog {
        Dialog::Quit => {
            let n = app.effective_answers().values.len();
            let mut lines = vec![if app.export.written.is_empty() {
                format!(
                    "Your {} not exported yet.",
                    if n == 1 {
                        "answer is".to_string()
                    } else {
                        format!("{n} answers are")
                    }
                )
            } else {
                "Your answers changed since the last export.".to_string()
            }];
            let (they, them, are) = if n == 1 {
                ("It", "it", "is")
            } else {
                ("They", "them", "are")
            };
            match (&app.unsaved, &app.session_path) {
                (Some(why), _) => {
                    lines.push(format!("{they} {are} NOT saved: {why}."));
                    lines.push(format!(
                        "To keep {them}, export first (n, then e on the review, with the answers file ticked); if you quit, {} printed as an answers file.",
                        if n == 1 { "it is" } else { "they are" }
                    ));
                }
                (None, Some(p)) => {
                    lines.push(format!("{they} {are} saved in"));
                    lines.push(format!("  {}", p.display()));
                    lines.push("and mlops-wizard --resume continues.".to_string());
                }
                (None, None) => lines.push(format!(
                    "{they} could not be saved: there is no session folder."
                )),
            }
            lines.push(String::new());
            lines.push("Quit now? y / n".to_string());
            (" Quit? ", lines)
        }
        Dialog::Overwrite { paths, .. } => {
            let one = paths.len() == 1;
            let mut lines = vec![if one {
                "This file exists:".to_string()
            } else {
                format!("These {} files exist:", paths.len())
            }];
            lines.extend(paths.iter().map(|p| format!("  {}", p.display())));
            lines.push(String::new());
            lines.push(format!(
                "Replace {}? y / n",
                if one { "it" } else { "them" }
            ));
            (" Replace? ", lines)
        }
        Dialog::CreateFolder { folder } => (
            " Create the folder? ",
            vec![
                "The folder does not exist:".to_string(),
                format!("  {}", folder.display()),
                String::new(),
                "Create it and write the files there? y / n".to_string(),
            ],
        ),
    }
}

/// A dialog of short lines; each line wraps on its own, so its height is exact.
pub fn render(app: &App, dialog: &Dialog, area: Rect, buf: &mut Buffer) {
    let (title, text) = lines(app, dialog);
    let width = 70.min(area.width);
    let inner_w = width.saturating_sub(4).max(1);
    let lines: Vec<Line> = text
        .iter()
        .flat_map(|l| {
            if l.is_empty() {
                vec![Line::default()]
            } else {
                textwrap::wrap(
                    l,
                    textwrap::Options::new(usize::from(inner_w)).break_words(true),
                )
                .into_iter()
                .map(|c| Line::styled(c.into_owned(), app.theme.text))
                .collect()
            }
        })
        .collect();
    let rect = centered(area, width, lines.len() as u16 + 2);
    let inner = window(app, title, rect, buf);
    Paragraph::new(lines).render(inner.inner(Margin::new(1, 0)), buf);
}
