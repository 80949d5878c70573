//! File writes that never leave a half-written file and never replace what they should
//! not.
//!
//! * A new file is written to a temporary file in the same folder (`.mlw-XXXXXX.tmp`, short
//!   so that any valid file name works), synced, then moved into place: a reader sees no
//!   file or the whole one.
//! * An existing regular file (with `overwrite`) is replaced the same way, the temporary
//!   file first given the target's permissions, owner and group, so a `0600` report stays
//!   `0600`. When that cannot be (the target has other hard links, which a rename would
//!   split from it, or an owner this user cannot give), the file is overwritten in place
//!   instead: space is reserved first where the file system allows it, and if writing
//!   fails the old contents are written back. A symbolic link is followed: the file it
//!   points to is written, the link stays.
//! * A FIFO or a character device (`/dev/stdout`, a terminal) is written to, never
//!   replaced; it holds no contents to lose, so it needs no `overwrite`. A folder, a block
//!   device or a socket is an error.

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
    /// Like any new file: readable by others as the umask allows (reports to share). An
    /// overwritten file keeps its permissions.
    Shared,
    /// Only the owner (the session file), new or overwritten.
    Private,
}

/// Writes `contents` to `path` as a shared file (see the module). Unless `overwrite`, an
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
    let other = |why: String| io(std::io::Error::other(why));
    let link = match std::fs::symlink_metadata(path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        // A folder that is missing or a file says so in its own words.
        Err(e) => {
            check_folder(path).map_err(io)?;
            return Err(io(e));
        }
    };
    let Some(link) = link else {
        check_folder(path).map_err(io)?;
        return create(path, contents, overwrite, access);
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if link.is_symlink() && e.kind() == std::io::ErrorKind::NotFound => {
            return Err(other(
                "it is a symbolic link to a file that does not exist".into(),
            ));
        }
        Err(e) => return Err(io(e)),
    };
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(other("it is a folder".into()));
    }
    if kind.is_file() {
        if !overwrite {
            return Err(WriteError::Exists {
                path: path.to_path_buf(),
            });
        }
        let target = if link.is_symlink() {
            std::fs::canonicalize(path).map_err(io)?
        } else {
            path.to_path_buf()
        };
        return replace(&target, &meta, contents, access).map_err(io);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() || kind.is_char_device() {
            return write_stream(path, contents).map_err(io);
        }
        let what = if kind.is_block_device() {
            "a block device"
        } else if kind.is_socket() {
            "a socket"
        } else {
            "not a regular file"
        };
        Err(other(format!(
            "it is {what}; only files, FIFOs and character devices are written"
        )))
    }
    #[cfg(not(unix))]
    Err(other("it is not a regular file".into()))
}

/// The target's folder must exist and be a folder.
fn check_folder(path: &Path) -> std::io::Result<()> {
    let dir = folder(path);
    if dir.is_dir() {
        return Ok(());
    }
    let why = if dir.exists() {
        "is not a folder"
    } else {
        "does not exist"
    };
    Err(std::io::Error::new(
        std::io::ErrorKind::NotFound,
        format!("{} {why}", dir.display()),
    ))
}

fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A temporary file next to `path`, with a short name (`.mlw-XXXXXX.tmp`).
fn temporary(path: &Path, mode: Option<u32>) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".mlw-").suffix(".tmp").rand_bytes(6);
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    builder.tempfile_in(folder(path)).map_err(without_temp_path)
}

/// Writes a new file through a temporary file and a rename.
fn create(path: &Path, contents: &[u8], overwrite: bool, access: Access) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mode = match access {
        Access::Shared => 0o666, // less the umask, as for any new file
        Access::Private => 0o600,
    };
    let mut tmp = temporary(path, Some(mode)).map_err(io)?;
    tmp.write_all(contents)
        .map_err(|e| io(without_temp_path(e)))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| io(without_temp_path(e)))?;
    if overwrite {
        tmp.persist(path)
            .map_err(|e| io(without_temp_path(e.error)))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                WriteError::Exists {
                    path: path.to_path_buf(),
                }
            } else {
                io(without_temp_path(e.error))
            }
        })?;
    }
    sync_folder(path);
    Ok(())
}

/// Replaces the regular file `target`, keeping its permissions (unless private), owner,
/// group and, when it has other hard links, its inode.
fn replace(
    target: &Path,
    meta: &std::fs::Metadata,
    contents: &[u8],
    access: Access,
) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
        if meta.nlink() > 1 {
            return overwrite_in_place(target, contents);
        }
        let mode = match access {
            Access::Shared => meta.mode() & 0o7777,
            Access::Private => 0o600,
        };
        let mut tmp = temporary(target, Some(0o600))?;
        let file = tmp.as_file();
        let same_owner = file
            .metadata()
            .is_ok_and(|m| m.uid() == meta.uid() && m.gid() == meta.gid());
        if !same_owner
            && std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())).is_err()
        {
            // Only the owner can be kept this way: keep the file itself.
            drop(tmp);
            return overwrite_in_place(target, contents);
        }
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(without_temp_path)?;
        tmp.write_all(contents).map_err(without_temp_path)?;
        tmp.as_file().sync_all().map_err(without_temp_path)?;
        tmp.persist(target)
            .map_err(|e| without_temp_path(e.error))?;
        sync_folder(target);
        Ok(())
    }
    #[cfg(not(unix))]
    {
        let _ = (meta, access);
        let mut tmp = temporary(target, None)?;
        tmp.write_all(contents).map_err(without_temp_path)?;
        tmp.as_file().sync_all().map_err(without_temp_path)?;
        tmp.persist(target)
            .map_err(|e| without_temp_path(e.error))?;
        Ok(())
    }
}

/// Overwrites `target` where it is. The space the new contents need is reserved first
/// (where the file system can), so a full disk fails before anything changes; if writing
/// still fails, the old contents are written back.
#[cfg(unix)]
fn overwrite_in_place(target: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::{Seek as _, SeekFrom};
    let old = std::fs::read(target)?;
    let mut file = std::fs::OpenOptions::new().write(true).open(target)?;
    reserve(&file, contents.len())?;
    let result = file
        .write_all(contents)
        .and_then(|()| file.set_len(contents.len() as u64))
        .and_then(|()| file.sync_all());
    if let Err(e) = result {
        let _ = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.write_all(&old))
            .and_then(|()| file.set_len(old.len() as u64))
            .and_then(|()| file.sync_all());
        return Err(e);
    }
    Ok(())
}

/// Reserves `len` bytes of disk for `file` without changing its size (Linux; elsewhere
/// nothing is reserved). A file system that cannot reserve is no error; a full one is.
#[cfg(unix)]
fn reserve(file: &std::fs::File, len: usize) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd as _;
        let Ok(len) = libc::off_t::try_from(len) else {
            return Ok(());
        };
        if len == 0 {
            return Ok(());
        }
        // SAFETY: fallocate on a descriptor owned by `file`.
        let r = unsafe { libc::fallocate(file.as_raw_fd(), libc::FALLOC_FL_KEEP_SIZE, 0, len) };
        if r != 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::ENOSPC) || e.raw_os_error() == Some(libc::EDQUOT) {
                return Err(e);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, len);
    Ok(())
}

/// Writes to a FIFO or a character device as it is. A FIFO that nobody reads is an error
/// rather than a wait.
#[cfg(unix)]
fn write_stream(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::os::fd::AsRawFd as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ENXIO) {
                std::io::Error::other("it is a FIFO that nothing reads from")
            } else {
                e
            }
        })?;
    // SAFETY: fcntl on a descriptor owned by `file`: writes block again.
    unsafe {
        let flags = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(file.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
    file.write_all(contents)?;
    file.flush()
}

/// Makes a rename in `path`'s folder durable (best effort: not every system can).
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(folder(path)) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
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

    #[cfg(unix)]
    #[test]
    fn overwriting_keeps_permissions_hard_links_and_symbolic_links() {
        use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("private.md");
        std::fs::write(&private, "old").unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
        write(&private, b"new", true).unwrap();
        assert_eq!(std::fs::read(&private).unwrap(), b"new");
        let mode = std::fs::metadata(&private).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600, "a 0600 report stays 0600: {mode:o}");

        // A file with another hard link is overwritten where it is: both names see it.
        let linked = dir.path().join("linked.md");
        let other = dir.path().join("other-name.md");
        std::fs::write(&linked, "old contents, longer than the new").unwrap();
        std::fs::hard_link(&linked, &other).unwrap();
        let inode = std::fs::metadata(&linked).unwrap().ino();
        write(&linked, b"new", true).unwrap();
        assert_eq!(std::fs::metadata(&linked).unwrap().ino(), inode);
        assert_eq!(std::fs::read(&other).unwrap(), b"new");

        // A symbolic link is followed; the link stays a link.
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&private, &link).unwrap();
        write(&link, b"through the link", true).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(std::fs::read(&private).unwrap(), b"through the link");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 4, "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_written_to_never_replaced() {
        use std::os::unix::fs::FileTypeExt as _;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // Nobody reads: an error, not a wait.
        let err = write(&fifo, b"x", true).unwrap_err().to_string();
        assert!(err.contains("nothing reads"), "{err}");
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        // The reader opens the FIFO soon; until then opening for writing fails.
        let start = std::time::Instant::now();
        while write(&fifo, b"report", false).is_err() {
            assert!(start.elapsed() < std::time::Duration::from_secs(10));
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(reader.join().unwrap(), b"report");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());

        write(Path::new("/dev/null"), b"x", false).unwrap();
        let full = write(Path::new("/dev/full"), b"x", true).unwrap_err();
        assert!(full.to_string().contains("/dev/full"), "{full}");
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );

        let folder = write(dir.path(), b"x", true).unwrap_err().to_string();
        assert!(folder.contains("it is a folder"), "{folder}");
    }

    #[test]
    fn the_longest_file_name_can_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r".repeat(253));
        write(&path, b"x", false).unwrap();
        write(&path, b"y", true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"y");
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
