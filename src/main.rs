//! Entry point: parse the command line, dispatch, map failures to exit
//! statuses (0 ok, 1 run failed, 2 bad usage or invalid scenario, 130 interrupted).

use clap::{CommandFactory, Parser};
use muster::cli::{Cli, Failure, dispatch, output_error};
use std::io::Write;
use std::process::ExitCode;

/// Writes one line to stderr; a closed or full stderr is ignored here, since
/// there is nowhere left to report it.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// clap's error as one line: its message, then its tip, if any, and where
/// to read more, instead of a usage block.
fn one_line(e: &clap::Error) -> String {
    if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        return "error: no command given: run, check, merge, sweep, sensitivity, solve, compare, trace, score or serve (see muster --help)".into();
    }
    let text = e.render().to_string();
    let mut message = Vec::new();
    let mut tips = Vec::new();
    for l in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if l.starts_with("Usage:") || l.starts_with("For more information") {
            break;
        }
        match l.strip_prefix("tip:") {
            Some(t) => tips.push(t.trim().to_string()),
            None => message.push(l.to_string()),
        }
    }
    let mut line = message.join(" ");
    if !line.starts_with("error:") {
        line = format!("error: {line}");
    }
    let line = line.trim_end_matches(':').to_string();
    let command = std::env::args()
        .nth(1)
        .filter(|a| Cli::command().find_subcommand(a).is_some())
        .map_or("muster".to_string(), |a| format!("muster {a}"));
    let mut line = line;
    for t in tips {
        line += &format!("; {t}");
    }
    line + &format!(" (see {command} --help)")
}

fn main() -> ExitCode {
    muster::app::progress::install_interrupt_handler();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            say(&one_line(&e));
            return ExitCode::from(2);
        }
        Err(e) => {
            // --help and --version.
            let _ = write!(std::io::stdout().lock(), "{}", e.render());
            return ExitCode::SUCCESS;
        }
    };
    let outcome = dispatch(cli);
    let output = output_error();
    let code = match &outcome {
        Ok(()) => 0,
        Err(f @ Failure::Usage(msg)) => {
            say(&format!("error: {msg}"));
            f.exit_status()
        }
        Err(f @ Failure::Run(e)) => {
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                0
            } else {
                say(&format!("error: {e:#}"));
                f.exit_status()
            }
        }
        Err(f @ Failure::Interrupted) => {
            say("interrupted");
            f.exit_status()
        }
    };
    // A closed pipe is not an error; a full disk or another write error is.
    match output {
        Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe && code == 0 => {
            say(&format!("error: writing the output: {e}"));
            ExitCode::from(1)
        }
        _ => ExitCode::from(code),
    }
}
