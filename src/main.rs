//! The `mlops-wizard` binary: the wizard by default, headless subcommands for scripts.
//!
//! On Unix the binary provides the C `main` itself (`#![no_main]`): the Rust runtime would
//! put `/dev/null` in place of a closed standard stream before `main` without saying so,
//! and a command run with `>&-` would then report success for output nobody got.
//! [`out::adopt_standard_streams`] does the same replacement but remembers which streams
//! were closed; the rest of what the runtime does first (ignoring SIGPIPE, so that a
//! closed pipe is an error to handle rather than a kill) is done here too.

#![cfg_attr(unix, no_main)]

mod cli;
mod out;

use std::ffi::OsString;

use clap::Parser as _;

#[cfg(unix)]
#[unsafe(no_mangle)]
extern "C" fn main(argc: libc::c_int, argv: *const *const libc::c_char) -> libc::c_int {
    use std::os::unix::ffi::OsStringExt as _;

    out::adopt_standard_streams();
    // SAFETY: setting a signal's disposition to "ignore" before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    let args: Vec<OsString> = (0..usize::try_from(argc).unwrap_or(0))
        .filter_map(|i| {
            // SAFETY: the C runtime passes `argc` valid, NUL-terminated strings in `argv`.
            let arg = unsafe { *argv.add(i) };
            (!arg.is_null()).then(|| {
                let bytes = unsafe { std::ffi::CStr::from_ptr(arg) }.to_bytes();
                OsString::from_vec(bytes.to_vec())
            })
        })
        .collect();
    // A panic must not unwind into C; it has been reported by the panic hook.
    std::panic::catch_unwind(|| run(args)).map_or(101, libc::c_int::from)
}

#[cfg(not(unix))]
fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(run(std::env::args_os().collect()))
}

/// Runs a command, with the configuration file's settings under the flags given.
fn run_command(args: cli::Cli) -> Result<(), cli::Failure> {
    let file = cli::ConfigFile::locate(
        args.config.as_deref(),
        args.no_config,
        std::env::var_os(mlops_wizard::config::CONFIG_ENV),
    );
    let given = (args.questions.as_deref(), args.tools.as_deref());
    // The commands that print what is built in need no configuration, so a broken file
    // does not keep them from running.
    let config = match &args.command {
        Some(cli::Command::Config { path, default }) => {
            return cli::show_config(&file, *path, *default, given);
        }
        Some(
            cli::Command::Questions
            | cli::Command::Completions { .. }
            | cli::Command::Man
            | cli::Command::Schema { .. },
        ) => mlops_wizard::config::Config::default(),
        _ => file.load()?,
    };
    let questions = args.questions.or(config.questions.clone());
    let tools = args.tools.or(config.tools.clone());
    match args.command {
        Some(command) => cli::run(command, questions.as_deref(), tools.as_deref()),
        None => {
            let plain = if args.plain {
                true
            } else if args.no_plain {
                false
            } else {
                config.plain.unwrap_or(false)
            };
            let theme = args.theme.unwrap_or(match config.theme {
                None | Some(mlops_wizard::config::Theme::Auto) => cli::Theme::Auto,
                Some(mlops_wizard::config::Theme::Light) => cli::Theme::Light,
                Some(mlops_wizard::config::Theme::Dark) => cli::Theme::Dark,
            });
            cli::wizard(
                questions.as_deref(),
                tools.as_deref(),
                args.answers.as_deref(),
                args.resume,
                (
                    plain,
                    theme,
                    args.respondent.as_deref(),
                    cli::export_naming(&config),
                ),
            )
        }
    }
}

/// Runs the command line and returns the exit status.
fn run(args: Vec<OsString>) -> u8 {
    let args = match cli::Cli::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => return out::clap_message(&e),
    };
    let result = run_command(args);
    match result {
        Ok(()) => out::exit_status(0),
        Err(failure) => {
            out::failure(&failure);
            out::exit_status(failure.exit_code())
        }
    }
}
