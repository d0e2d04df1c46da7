//! Entry point: parse the command line, dispatch, map failures to exit
//! statuses (0 ok, 1 run failed, 2 bad usage or invalid scenario, 130 interrupted).

use clap::Parser;
use muster::cli::{Cli, Failure, dispatch};
use std::process::ExitCode;

fn main() -> ExitCode {
    muster::cli::progress::install_interrupt_handler();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            e.print().ok();
            return ExitCode::from(code);
        }
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Run(e)) => {
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
        Err(Failure::Interrupted) => {
            eprintln!("interrupted");
            ExitCode::from(130)
        }
    }
}
