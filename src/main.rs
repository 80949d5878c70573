//! The `mlops-wizard` binary: the wizard by default, headless subcommands for scripts.

mod cli;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let result = match args.command {
        Some(command) => cli::run(command, args.questions.as_deref(), args.tools.as_deref()),
        None => cli::wizard(
            args.questions.as_deref(),
            args.tools.as_deref(),
            args.answers.as_deref(),
            args.resume,
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let msg = failure.message();
            if msg.starts_with("error") {
                eprintln!("{msg}");
            } else {
                eprintln!("error: {msg}");
            }
            ExitCode::from(failure.exit_code())
        }
    }
}
