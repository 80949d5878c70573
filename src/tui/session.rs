//! The session file: every answer is written there at once, in the answers-file format, so
//! that `--resume` (or the welcome screen) continues where a walk stopped, whatever stopped
//! it. One session per question tree, in the user's state directory.
//!
//! * The built-in tree's session is `session-mlops-stack.toml`. A tree loaded from a file
//!   has its own, named after its id and a hash of the file's canonical path and the id
//!   (`session-my-tree-1f2e3d4c5b6a7988.toml`): a colleague's tree that reuses an id, or
//!   two ids that read alike (`a.b`, `a_b`), never share a session. The path rather than
//!   the contents, so that editing a tree keeps its session.
//! * A wizard holds an advisory lock on its session (`flock` on `session-*.toml.lock`,
//!   which says which process holds it), so two wizards never overwrite each other.
//! * Answers to questions that other answers hide are kept in a `[hidden]` table (they do
//!   not count), so that `--resume` brings them back exactly as they were in the walk.
//! * Starting afresh keeps the last sessions: the new session is written first, then the
//!   old one becomes `*.previous`, the one before `*.previous.1`, and so on
//!   ([`KEPT_SESSIONS`] in all).

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use crate::answers::{Answers, Strictness};
use crate::atomic;
use crate::load;
use crate::model::Tree;

/// Overrides the folder of session files (tests, unusual setups).
pub const STATE_DIR_ENV: &str = "MLOPS_WIZARD_STATE_DIR";

/// How many earlier sessions starting afresh keeps: `*.previous`, `*.previous.1`, ...
pub const KEPT_SESSIONS: usize = 3;

/// The session file of one tree.
#[derive(Debug)]
pub struct Session {
    pub path: PathBuf,
    /// Before the first save, keep the existing file as `*.previous`: set when this run did
    /// not continue that session, so starting afresh never destroys a saved walk.
    pub keep_previous: bool,
    /// Why nothing may be written (a session opened read-only), if so.
    pub read_only: Option<String>,
    /// The open lock file while this wizard holds the session.
    lock: Option<std::fs::File>,
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

/// Why the session's lock was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockError {
    /// Another wizard holds it; who, as its lock file says (`pid 42, started ...`).
    Held { by: String },
    /// The lock file could not be made or locked (a folder that cannot be written).
    Failed(String),
}

impl Session {
    /// The folder of session files: `$MLOPS_WIZARD_STATE_DIR`, else the platform's state
    /// directory (`$XDG_STATE_HOME/mlops-wizard` on Linux). `None` if there is no home.
    pub fn folder() -> Option<PathBuf> {
        match std::env::var_os(STATE_DIR_ENV) {
            Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
            _ => {
                let dirs = directories::ProjectDirs::from("", "", "mlops-wizard")?;
                Some(
                    dirs.state_dir()
                        .unwrap_or(dirs.data_local_dir())
                        .to_path_buf(),
                )
            }
        }
    }

    /// The session file for `tree`, loaded from the file `origin` (`None` for the built-in
    /// tree). `None` if there is no folder for it.
    pub fn for_tree(tree: &Tree, origin: Option<&Path>) -> Option<Session> {
        Self::for_respondent(tree, origin, None)
    }

    /// The session of one respondent (`--respondent NAME`): beside the tree's, named after
    /// the respondent (`session-mlops-stack.dana-petrova.toml`), so that each person
    /// answers alone.
    pub fn for_respondent(
        tree: &Tree,
        origin: Option<&Path>,
        respondent: Option<&str>,
    ) -> Option<Session> {
        Some(Self::in_folder(&Self::folder()?, tree, origin, respondent))
    }

    /// [`Session::for_respondent`] in the folder `dir`.
    fn in_folder(
        dir: &Path,
        tree: &Tree,
        origin: Option<&Path>,
        respondent: Option<&str>,
    ) -> Session {
        let who = respondent
            .map(crate::tui::app::slug)
            .filter(|s| !s.is_empty())
            .map(|s| format!(".{s}"))
            .unwrap_or_default();
        Session::new(dir.join(format!(
            "session-{}{who}.toml",
            session_key(&tree.meta.id, origin)
        )))
    }

    /// A session at `path`, not locked.
    pub fn new(path: PathBuf) -> Session {
        Session {
            path,
            keep_previous: false,
            read_only: None,
            lock: None,
        }
    }

    /// Whether this wizard holds the session's lock.
    pub fn holds_lock(&self) -> bool {
        self.lock.is_some()
    }

    /// The lock file next to the session.
    pub fn lock_path(&self) -> PathBuf {
        suffixed(&self.path, ".lock")
    }

    /// Takes the session's lock for as long as this `Session` lives, creating its folder
    /// if needed, and writes who holds it into the lock file.
    pub fn lock(&mut self) -> Result<(), LockError> {
        let failed = |e: std::io::Error| LockError::Failed(e.to_string());
        if let Some(dir) = self.path.parent() {
            if dir.exists() && !dir.is_dir() {
                return Err(LockError::Failed(format!(
                    "{} is not a folder",
                    dir.display()
                )));
            }
            std::fs::create_dir_all(dir)
                .map_err(|e| LockError::Failed(format!("{}: {e}", dir.display())))?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let path = self.lock_path();
        let mut file = options
            .open(&path)
            .map_err(|e| LockError::Failed(format!("{}: {e}", path.display())))?;
        if !try_lock(&file).map_err(failed)? {
            let mut by = String::new();
            let _ = file.read_to_string(&mut by);
            let by = by.trim();
            return Err(LockError::Held {
                by: if by.is_empty() {
                    "a process that did not say which".to_string()
                } else {
                    by.to_string()
                },
            });
        }
        let started = crate::date::now().strftime("%Y-%m-%d %H:%M:%S").to_string();
        let _ = file
            .set_len(0)
            .and_then(|()| writeln!(file, "pid {}, started {started}", std::process::id()));
        self.lock = Some(file);
        Ok(())
    }

    /// A new session beside this one, for a second wizard on the same tree
    /// (`session-x.2.toml`, `session-x.3.toml`, ...): the first that does not exist and
    /// whose lock is free, locked.
    pub fn separate(&self) -> Result<Session, LockError> {
        let stem = self
            .path
            .to_string_lossy()
            .trim_end_matches(".toml")
            .to_string();
        let mut last = LockError::Failed("no free name for a separate session".into());
        for n in 2..100 {
            let mut s = Session::new(PathBuf::from(format!("{stem}.{n}.toml")));
            if s.path.exists() {
                continue;
            }
            match s.lock() {
                // Taken between the check and the lock: the next one.
                Ok(()) if s.path.exists() => continue,
                Ok(()) => return Ok(s),
                Err(e @ LockError::Failed(_)) => return Err(e),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// Reads the saved session. A file that is not a valid answers file is renamed to
    /// `*.corrupt-<seconds>` so that it is never silently overwritten (only by the wizard
    /// that holds the lock).
    pub fn load(&self, tree: &Tree) -> Saved {
        if !self.path.exists() {
            return Saved::None;
        }
        let parsed = load::read_source(&self.path)
            .and_then(|s| Answers::parse(&s, tree, Strictness::Lenient));
        match parsed {
            Ok(checked) => {
                let mut notes = checked.notes;
                // Answers kept for hidden questions come back as they were.
                let mut answers = checked.answers;
                answers.values.extend(checked.hidden);
                notes.extend(checked.dropped.iter().map(|p| {
                    format!(
                        "a saved answer could not be used: {} (line {})",
                        p.message, p.location.position.line
                    )
                }));
                Saved::Found { answers, notes }
            }
            Err(e) => {
                let first = e.problems().first().map_or_else(
                    || e.to_string(),
                    |p| format!("{} at {}", p.message, p.location),
                );
                let note = if self.lock.is_none() {
                    format!(
                        "the saved session {} could not be read ({first})",
                        self.path.display()
                    )
                } else {
                    match self.set_aside() {
                        Ok(to) => format!(
                            "the saved session could not be read ({first}); it was kept as {} and a new session starts",
                            to.display()
                        ),
                        Err(err) => format!(
                            "the saved session {} could not be read ({first}) nor moved aside ({err}); answers will not be saved until it is removed",
                            self.path.display()
                        ),
                    }
                };
                Saved::Corrupt { note }
            }
        }
    }

    fn set_aside(&self) -> std::io::Result<PathBuf> {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let to = suffixed(&self.path, &format!(".corrupt-{secs}"));
        std::fs::rename(&self.path, &to)?;
        Ok(to)
    }

    /// Writes the session atomically (readable by its owner only), creating its folder if
    /// needed. When [`Session::keep_previous`], the new session is written beside the old
    /// one first, and only then is the old one kept as `*.previous` (the earlier ones
    /// moving down the line): a failed save moves nothing.
    pub fn save(&mut self, text: &str) -> Result<(), String> {
        if let Some(why) = &self.read_only {
            return Err(why.clone());
        }
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        if self.keep_previous && self.path.exists() {
            let new = suffixed(&self.path, ".new");
            atomic::write_with(&new, text.as_bytes(), true, atomic::Access::Private)
                .map_err(|e| e.to_string())?;
            if let Err(e) = self.rotate(&new) {
                let _ = std::fs::remove_file(&new);
                return Err(e);
            }
            self.keep_previous = false;
            return Ok(());
        }
        atomic::write_with(&self.path, text.as_bytes(), true, atomic::Access::Private)
            .map_err(|e| e.to_string())?;
        self.keep_previous = false;
        Ok(())
    }

    /// Moves the kept sessions one step down the line, keeps the current one as
    /// `*.previous` and puts `new` in its place. The current session stays in place until
    /// `new` replaces it (a hard link keeps the previous one, where the file system has
    /// them).
    fn rotate(&self, new: &Path) -> Result<(), String> {
        let kept: Vec<PathBuf> = (0..KEPT_SESSIONS).map(|i| self.previous_path(i)).collect();
        for i in (1..kept.len()).rev() {
            if kept[i - 1].exists() {
                std::fs::rename(&kept[i - 1], &kept[i]).map_err(|e| {
                    format!(
                        "cannot keep the earlier session as {}: {e}",
                        kept[i].display()
                    )
                })?;
            }
        }
        let previous = &kept[0];
        let kept_by_link = std::fs::hard_link(&self.path, previous).is_ok();
        if !kept_by_link {
            std::fs::rename(&self.path, previous).map_err(|e| {
                format!(
                    "cannot keep the previous session as {}: {e}",
                    previous.display()
                )
            })?;
        }
        std::fs::rename(new, &self.path).map_err(|e| {
            if !kept_by_link {
                let _ = std::fs::rename(previous, &self.path);
            }
            format!("cannot write {}: {e}", self.path.display())
        })
    }

    /// Where a session that a run did not continue is kept: `*.previous` (`age` 0), then
    /// `*.previous.1`, ...
    pub fn previous_path(&self, age: usize) -> PathBuf {
        match age {
            0 => suffixed(&self.path, ".previous"),
            n => suffixed(&self.path, &format!(".previous.{n}")),
        }
    }

    /// The path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// `path` with `suffix` added to its file name.
fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.to_path_buf().into_os_string();
    p.push(suffix);
    PathBuf::from(p)
}

/// The name of a tree's session: its id in safe characters, and for a tree from a file a
/// hash of the file's canonical path and the id.
pub fn session_key(id: &str, origin: Option<&Path>) -> String {
    let name: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let Some(origin) = origin else {
        return name;
    };
    let path = std::fs::canonicalize(origin).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(origin))
            .unwrap_or_else(|_| origin.to_path_buf())
    });
    let mut hash = Fnv::default();
    hash.write(path.as_os_str().as_encoded_bytes());
    hash.write(&[0]);
    hash.write(id.as_bytes());
    format!("{name}-{:016x}", hash.0)
}

/// FNV-1a, 64 bits: a hash that stays the same across runs and versions of Rust, for
/// file names.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Takes an exclusive advisory lock without waiting; `false` when another holds it.
#[cfg(unix)]
fn try_lock(file: &std::fs::File) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd as _;
    // SAFETY: flock on a descriptor owned by `file`.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(e)
    }
}

/// Elsewhere there is no lock: two wizards on one session are not detected.
#[cfg(not(unix))]
fn try_lock(_file: &std::fs::File) -> std::io::Result<bool> {
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_default()
    }

    #[test]
    fn starting_afresh_keeps_the_last_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session-t.toml");
        for walk in 1..=5 {
            let mut s = Session::new(path.clone());
            s.keep_previous = path.exists();
            s.save(&format!("[answers]\nwalk = {walk}\n")).unwrap();
            s.save(&format!("[answers]\nwalk = {walk}\nmore = 1\n"))
                .unwrap();
        }
        let s = Session::new(path.clone());
        assert_eq!(read(&path), "[answers]\nwalk = 5\nmore = 1\n");
        assert_eq!(read(&s.previous_path(0)), "[answers]\nwalk = 4\nmore = 1\n");
        assert_eq!(read(&s.previous_path(1)), "[answers]\nwalk = 3\nmore = 1\n");
        assert_eq!(read(&s.previous_path(2)), "[answers]\nwalk = 2\nmore = 1\n");
        assert!(!s.previous_path(3).exists());
        let names = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(names, 4, "nothing else is left in the folder");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the session is private: {mode:o}");
        }
    }

    #[test]
    fn a_failed_save_moves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session-t.toml");
        std::fs::write(&path, "[answers]\nold = 1\n").unwrap();
        let mut s = Session::new(path.clone());
        s.keep_previous = true;
        // The new session cannot be written: its temporary name is taken by a folder.
        std::fs::create_dir(suffixed(&path, ".new")).unwrap();
        assert!(s.save("[answers]\nnew = 1\n").is_err());
        assert_eq!(read(&path), "[answers]\nold = 1\n");
        assert!(!s.previous_path(0).exists());
    }

    #[test]
    fn trees_from_files_have_sessions_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let (one, two) = (dir.path().join("one.toml"), dir.path().join("two.toml"));
        std::fs::write(&one, "").unwrap();
        std::fs::write(&two, "").unwrap();
        assert_eq!(session_key("mlops-stack", None), "mlops-stack");
        let key = session_key("mlops-stack", Some(&one));
        assert!(key.starts_with("mlops-stack-"), "{key}");
        assert_ne!(key, session_key("mlops-stack", Some(&two)));
        assert_ne!(
            session_key("a.b", Some(&one)),
            session_key("a_b", Some(&one))
        );
        assert_eq!(key, session_key("mlops-stack", Some(&one)), "stable");
    }

    #[test]
    fn each_respondent_has_a_session_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let tree = crate::model::Tree::default_tree();
        let own = Session::in_folder(dir.path(), &tree, None, None);
        let dana = Session::in_folder(dir.path(), &tree, None, Some("Dana Petrova"));
        let sam = Session::in_folder(dir.path(), &tree, None, Some("Sam"));
        assert_eq!(own.path, dir.path().join("session-mlops-stack.toml"));
        assert_eq!(
            dana.path,
            dir.path().join("session-mlops-stack.dana-petrova.toml")
        );
        assert_ne!(dana.path, sam.path);
    }

    #[cfg(unix)]
    #[test]
    fn a_held_session_says_who_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state").join("session-t.toml");
        let mut first = Session::new(path.clone());
        first.lock().unwrap();
        let mut second = Session::new(path.clone());
        match second.lock() {
            Err(LockError::Held { by }) => {
                assert!(by.contains(&format!("pid {}", std::process::id())), "{by}");
                assert!(by.contains("started"), "{by}");
            }
            other => panic!("the second lock is refused: {other:?}"),
        }
        let separate = second.separate().unwrap();
        assert_eq!(
            separate.path,
            dir.path().join("state").join("session-t.2.toml")
        );
        drop(first);
        second.lock().unwrap();
    }
}
