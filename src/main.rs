//! The `mlops-wizard` binary: the wizard by default, headless subcommands for scripts.

mod cli;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let result = match args.command {
        Some(command) => cli::run(command, args.questions.as_deref()),
        None => Err(cli::Failure::Other(
            "the interactive wizard is not built yet; use `mlops-wizard recommend --answers FILE` (see --help)".into(),
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let msg = failure.message();
            if !msg.is_empty() {
                if msg.starts_with("error") {
                    eprintln!("{msg}");
                } else {
                    eprintln!("error: {msg}");
                }
            }
            ExitCode::from(failure.exit_code())
        }
    }
}
