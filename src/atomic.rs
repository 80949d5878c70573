//! Atomic file writes: a temporary file in the target's folder, then a rename, so a reader
//! never sees a half-written file and a failed write leaves the old file intact.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The target exists and overwriting was not allowed.
    #[error("{} already exists; use --force to overwrite it", path.display())]
    Exists { path: PathBuf },
    /// Creating, writing or renaming failed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Who may read a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Like any new file: readable by others as the umask allows (reports to share).
    Shared,
    /// Only the owner (the session file).
    Private,
}

/// Writes `contents` to `path` atomically, as a shared file. Unless `overwrite`, an
/// existing file is an error (checked at the moment of the rename, so a file created
/// meanwhile is not clobbered).
pub fn write(path: &Path, contents: &[u8], overwrite: bool) -> Result<(), WriteError> {
    write_with(path, contents, overwrite, Access::Shared)
}

/// [`write`] with the given access.
pub fn write_with(
    path: &Path,
    contents: &[u8],
    overwrite: bool,
    access: Access,
) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    if !overwrite && path.exists() {
        return Err(WriteError::Exists {
            path: path.to_path_buf(),
        });
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        let why = if dir.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} {why}", dir.display()),
        )));
    }
    // Errors about the temporary file name its random path; say them of the target instead.
    let io = |e: std::io::Error| io(without_temp_path(e));
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy());
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = match access {
            Access::Shared => 0o666, // less the umask, as for any new file
            Access::Private => 0o600,
        };
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = access;
    let mut tmp = builder
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(contents).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    if overwrite {
        tmp.persist(path).map_err(|e| io(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                WriteError::Exists {
                    path: path.to_path_buf(),
                }
            } else {
                io(e.error)
            }
        })?;
    }
    Ok(())
}

/// The operating system's error without the temporary file's path that `tempfile` adds
/// (its message names the random temporary name, which means nothing to the user).
fn without_temp_path(e: std::io::Error) -> std::io::Error {
    match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None if e.get_ref().is_some() => std::io::Error::from(e.kind()),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_refuses_and_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.md");
        write(&path, b"one", false).unwrap();
        assert!(matches!(
            write(&path, b"two", false),
            Err(WriteError::Exists { .. })
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write(&path, b"two", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn shared_files_are_readable_by_others_as_the_umask_allows() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.md");
        write(&path, b"x", false).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        // Like any new file (0666 less the umask), not the 0600 of a temporary file.
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let umask = status
            .lines()
            .find_map(|l| l.strip_prefix("Umask:"))
            .and_then(|u| u32::from_str_radix(u.trim(), 8).ok());
        if let Some(umask) = umask {
            assert_eq!(
                mode & 0o777,
                0o666 & !umask,
                "{mode:o} with umask {umask:o}"
            );
        }
    }

    #[test]
    fn missing_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope").join("out.md");
        assert!(matches!(
            write(&path, b"x", true),
            Err(WriteError::Io { .. })
        ));
    }
}
