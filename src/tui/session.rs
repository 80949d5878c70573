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
    /// Before the first save, keep the existing file as `*.previous`: set when this run did
    /// not continue that session, so starting afresh never destroys a saved walk.
    pub keep_previous: bool,
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
            keep_previous: false,
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

    /// Writes the session atomically (readable by its owner only), creating its folder if
    /// needed, and first setting the old session aside when [`Session::keep_previous`].
    pub fn save(&mut self, text: &str) -> Result<(), String> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        if self.keep_previous && self.path.exists() {
            let previous = self.previous_path();
            std::fs::rename(&self.path, &previous).map_err(|e| {
                format!(
                    "cannot keep the previous session as {}: {e}",
                    previous.display()
                )
            })?;
        }
        self.keep_previous = false;
        atomic::write_with(&self.path, text.as_bytes(), true, atomic::Access::Private)
            .map_err(|e| e.to_string())
    }

    /// Where a session that this run did not continue is kept.
    pub fn previous_path(&self) -> PathBuf {
        let mut p = self.path.clone().into_os_string();
        p.push(".previous");
        PathBuf::from(p)
    }

    /// The path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starting_afresh_keeps_the_old_session_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session-t.toml");
        std::fs::write(&path, "[answers]\nold = 1\n").unwrap();
        let mut s = Session {
            path: path.clone(),
            keep_previous: true,
        };
        s.save("[answers]\nnew = 1\n").unwrap();
        s.save("[answers]\nnewer = 1\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(s.previous_path()).unwrap(),
            "[answers]\nold = 1\n"
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "[answers]\nnewer = 1\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the session is private: {mode:o}");
        }
    }
}
