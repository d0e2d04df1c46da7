//! `muster serve`: a local what-if page for one scenario.

use std::path::PathBuf;

use clap::Args;

use super::Outcome;
use crate::app::progress::INTERRUPTED;
use crate::app::settings;
use crate::serve::session::{DEFAULT_TRIALS, Session};
use crate::serve::{Options, Server};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8750)]
    pub port: u16,
    /// Address to listen on; only this machine can reach the default.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Trials of each run ("more precision" runs ten times as many).
    #[arg(long, default_value_t = DEFAULT_TRIALS)]
    pub trials: u64,
    /// Seed of every run (default: the file's `seed`, else 1).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

pub fn run(a: ServeArgs) -> Outcome {
    settings::check_trials(a.trials, "--trials")?;
    let threads = settings::threads(a.threads)?;
    let session = Session::open(&a.scenario, a.seed, a.trials, threads)?;
    let name = session.base.name.clone();
    let server = Server::bind(
        session,
        &Options {
            host: a.host.clone(),
            port: a.port,
        },
    )?;
    let url = server.url();
    crate::outln!("{name}: what-if page at {url} (Ctrl-C to stop)");
    if a.open && !open(&url) {
        crate::errln!("could not open a browser; open {url} by hand");
    }
    server.serve(&INTERRUPTED);
    Ok(())
}

/// Opens `url` in the desktop's browser; false when none could be started.
fn open(url: &str) -> bool {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}
