//! The session file: every answer is written there at once, in the answers-file format, so
//! that `--resume` (or the welcome screen) continues where a walk stopped, whatever stopped
//! it. One session per question tree, in the user's state directory.

use std::path::{Path, PathBuf};

use crate::answers::{Answers, Strictness};
use crate::atomic;
use crate::load;
use crate::model::Tree;

/// Overrides the folder of session files (tests, unusual setups).
pub const STATE_DIR_ENV: &str = "MLOPS_WIZARD_STATE_DIR";

/// The session file of one tree.
#[derive(Debug, Clone)]
pub struct Session {
    pub path: PathBuf,
}

/// What was found in the session file.
#[derive(Debug)]
pub enum Saved {
    /// No session file.
    None,
    /// A session, with notes on answers that could not be used.
    Found {
        answers: Answers,
        notes: Vec<String>,
    },
    /// The file could not be read as a session; it was moved aside (or could not be).
    Corrupt { note: String },
}

impl Session {
    /// The session file for `tree`: `$MLOPS_WIZARD_STATE_DIR`, else the platform's state
    /// directory (`$XDG_STATE_HOME/mlops-wizard` on Linux). `None` if there is no home.
    pub fn for_tree(tree: &Tree) -> Option<Session> {
        let dir = match std::env::var_os(STATE_DIR_ENV) {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => {
                let dirs = directories::ProjectDirs::from("", "", "mlops-wizard")?;
                dirs.state_dir()
                    .unwrap_or(dirs.data_local_dir())
                    .to_path_buf()
            }
        };
        let name: String = tree
            .meta
            .id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Some(Session {
            path: dir.join(format!("session-{name}.toml")),
        })
    }

    /// Reads the saved session. A file that is not a valid answers file is renamed to
    /// `*.corrupt-<seconds>` so that it is never silently overwritten.
    pub fn load(&self, tree: &Tree) -> Saved {
        if !self.path.exists() {
            return Saved::None;
        }
        let parsed = load::read_source(&self.path)
            .and_then(|s| Answers::parse(&s, tree, Strictness::Lenient));
        match parsed {
            Ok(checked) => {
                let mut notes = checked.notes;
                notes.extend(checked.dropped.iter().map(|p| {
                    format!(
                        "a saved answer could not be used: {} (line {})",
                        p.message, p.location.position.line
                    )
                }));
                Saved::Found {
                    answers: checked.answers,
                    notes,
                }
            }
            Err(e) => {
                let first = e.problems().first().map_or_else(
                    || e.to_string(),
                    |p| format!("{} at {}", p.message, p.location),
                );
                let note = match self.set_aside() {
                    Ok(to) => format!(
                        "the saved session could not be read ({first}); it was kept as {} and a new session starts",
                        to.display()
                    ),
                    Err(err) => format!(
                        "the saved session {} could not be read ({first}) nor moved aside ({err}); answers will not be saved until it is removed",
                        self.path.display()
                    ),
                };
                Saved::Corrupt { note }
            }
        }
    }

    fn set_aside(&self) -> std::io::Result<PathBuf> {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut to = self.path.clone().into_os_string();
        to.push(format!(".corrupt-{secs}"));
        let to = PathBuf::from(to);
        std::fs::rename(&self.path, &to)?;
        Ok(to)
    }

    /// Writes the session atomically, creating its folder if needed.
    pub fn save(&self, text: &str) -> Result<(), String> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        atomic::write(&self.path, text.as_bytes(), true).map_err(|e| e.to_string())
    }

    /// The path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
