//! The `reprint` binary: parse arguments, build the engine's [`Config`]
//! once, run the library, and map the outcome to an exit status.
//!
//! Exit status: 0 success; 1 findings (`check`, `scan --check`); 2 error,
//! including an input that had to be skipped. Output goes through one
//! writer ([`cli::Output`]) that treats a closed pipe as success: the rest
//! of the output is dropped and the status is what it would have been.
//!
//! [`Config`]: reprint::Config

mod cli;

use std::io;
use std::process::ExitCode;

use cli::{Cli, Command};
use reprint::Error;

/// How a run ended; the documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done, nothing to fail on.
    Success,
    /// 1: findings, where the command fails on them (`check`, `scan --check`).
    Found,
    /// 2: bad usage, an unusable input, index or output, or an input that
    /// had to be skipped.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(match status {
            ExitStatus::Success => 0,
            ExitStatus::Found => 1,
            ExitStatus::Error => 2,
        })
    }
}

fn main() -> ExitCode {
    let cli: Cli = match cli::parse() {
        Ok(cli) => cli,
        Err(e) => {
            eprintln!("reprint: error: {e}");
            return ExitStatus::Error.into();
        }
    };
    match run(cli.command) {
        Ok(status) => status.into(),
        // The writer swallows a closed pipe; this catches one met elsewhere.
        Err(e) if is_broken_pipe(&e) => ExitStatus::Success.into(),
        Err(e) => {
            eprintln!("reprint: error: {e}");
            ExitStatus::Error.into()
        }
    }
}

/// One subcommand: its arguments become a validated `Config`, and its
/// module runs the library with it.
fn run(command: Command) -> Result<ExitStatus, Error> {
    match command {
        Command::Scan(args) => cli::scan::run(&args.config()?, &args),
        Command::Check(args) => cli::check::run(&args.config()?, &args),
        Command::Explain(args) => cli::explain::run(&args.config()?, &args),
        Command::Extract(args) => cli::extract::run(&args.config()?, &args),
        Command::Eval(args) => cli::eval::run(&args.config()?, &args),
        Command::Index(cmd) => cli::index::run(cmd),
        Command::Completions { shell } => cli::completions(shell),
        Command::Man => cli::man(),
    }
}

fn is_broken_pipe(e: &Error) -> bool {
    match e {
        Error::Io { source, .. } => source.kind() == io::ErrorKind::BrokenPipe,
        Error::Json(j) => j.io_error_kind() == Some(io::ErrorKind::BrokenPipe),
        _ => false,
    }
}
