//! Everything the command line prints goes through here: text is made safe for a terminal
//! ([`mlops_wizard::sanitize::terminal`]), and a write that fails is an error, never a
//! panic. A closed pipe (`| head`) ends the output quietly, as for other command-line
//! tools; any other failure (`> /dev/full`, a standard stream that was closed with `>&-`)
//! is reported and makes the exit status 1.

use std::io::{self, IsTerminal as _, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};

use mlops_wizard::sanitize;

use crate::cli::Failure;

/// A standard stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    In,
    Out,
    Err,
}

impl Stream {
    const ALL: [Stream; 3] = [Stream::In, Stream::Out, Stream::Err];

    fn index(self) -> usize {
        match self {
            Stream::In => 0,
            Stream::Out => 1,
            Stream::Err => 2,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Stream::In => "standard input",
            Stream::Out => "standard output",
            Stream::Err => "standard error",
        }
    }
}

/// The standard streams that were closed when the program started (`>&-`).
static CLOSED: [AtomicBool; 3] = [const { AtomicBool::new(false) }; 3];
/// The streams whose reader went away (a broken pipe): what is left to print is dropped.
static GONE: [AtomicBool; 3] = [const { AtomicBool::new(false) }; 3];
/// Something could not be written to standard error: the exit status cannot be 0.
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);

/// Finds which standard streams are closed and puts `/dev/null` in their place, so that no
/// file opened later takes their number (a report written into what the shell meant as
/// standard output). Run first thing, before anything opens a file. The Rust runtime does
/// the same before `main`, but without saying which streams it replaced, which is why the
/// binary starts here instead (`#![no_main]` on Unix).
#[cfg(unix)]
pub fn adopt_standard_streams() {
    for stream in Stream::ALL {
        let fd = stream.index() as libc::c_int;
        // SAFETY: F_GETFD only reads the descriptor's flags.
        let closed = unsafe { libc::fcntl(fd, libc::F_GETFD) } == -1
            && io::Error::last_os_error().raw_os_error() == Some(libc::EBADF);
        if !closed {
            continue;
        }
        CLOSED[stream.index()].store(true, Ordering::Relaxed);
        // SAFETY: opening /dev/null with a valid C string; the lowest free descriptor is
        // `fd`, since the lower ones are open by now.
        let null = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
        if null >= 0 && null != fd {
            // SAFETY: plain descriptor operations on descriptors this function owns.
            unsafe {
                libc::dup2(null, fd);
                libc::close(null);
            }
        }
    }
}

/// Whether `stream` was closed when the program started.
pub fn was_closed(stream: Stream) -> bool {
    CLOSED[stream.index()].load(Ordering::Relaxed)
}

/// The exit status, given the command's: not 0 when a message could not be printed on
/// standard error (it was closed, or the disk is full).
pub fn exit_status(code: u8) -> u8 {
    if code == 0 && STDERR_FAILED.load(Ordering::Relaxed) {
        1
    } else {
        code
    }
}

/// Prints `text` on standard output, made safe for a terminal.
pub fn stdout(text: &str) -> Result<(), Failure> {
    write(Stream::Out, &sanitize::terminal(text))
}

/// Prints one line (or several) on standard error, made safe for a terminal. A failure is
/// remembered for the exit status ([`exit_status`]); the command goes on.
pub fn eprintln(text: &str) {
    let mut line = sanitize::terminal(text).into_owned();
    line.push('\n');
    let _ = write(Stream::Err, &line);
}

/// Prints the last word of a failed command on standard error: `error: ...`. Whether it
/// could be printed or not, the exit status is the failure's.
pub fn failure(failure: &Failure) {
    let Some(msg) = failure.message() else {
        return;
    };
    let text = if msg.starts_with("error") {
        format!("{msg}\n")
    } else {
        format!("error: {msg}\n")
    };
    let _ = write(Stream::Err, &sanitize::terminal(&text));
}

/// What clap has to say (help, version, or an argument error), with its exit status: 0
/// for help and version when they could be printed, 1 when they could not, 2 for an
/// argument error.
pub fn clap_message(err: &clap::Error) -> u8 {
    let code = u8::try_from(err.exit_code()).unwrap_or(2);
    let rendered = err.render();
    let result = if err.use_stderr() {
        // An argument error repeats what was typed: plain text, made safe.
        write(Stream::Err, &sanitize::terminal(&rendered.to_string()))
    } else {
        // Help and version are the program's own text; styled on a terminal, as clap does.
        let styled = io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
        let text = if styled {
            rendered.ansi().to_string()
        } else {
            sanitize::terminal(&rendered.to_string()).into_owned()
        };
        write(Stream::Out, &text)
    };
    match result {
        Ok(()) => exit_status(code),
        Err(f) => {
            failure(&f);
            exit_status(f.exit_code().max(code))
        }
    }
}

fn write(stream: Stream, text: &str) -> Result<(), Failure> {
    let i = stream.index();
    if GONE[i].load(Ordering::Relaxed) {
        return Ok(());
    }
    let result = if was_closed(stream) {
        Err(io::Error::other("it was closed when mlops-wizard started"))
    } else {
        match stream {
            Stream::Err => {
                let mut err = io::stderr().lock();
                err.write_all(text.as_bytes()).and_then(|()| err.flush())
            }
            _ => {
                let mut out = io::stdout().lock();
                out.write_all(text.as_bytes()).and_then(|()| out.flush())
            }
        }
    };
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            GONE[i].store(true, Ordering::Relaxed);
            Ok(())
        }
        // Nothing more can be said where it would be seen; the exit status says it.
        Err(_) if stream == Stream::Err => {
            GONE[i].store(true, Ordering::Relaxed);
            STDERR_FAILED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(Failure::Other(format!(
            "cannot write to {}: {e}",
            stream.name()
        ))),
    }
}
