//! The application layer between the command line and the library: loading
//! scenarios with their overrides, settings, simulating with progress and
//! interrupts, writing result folders, the shard part format, and running
//! variants of a scenario for the what-if commands. `cli` parses and
//! prints; everything it runs is here.

pub mod compare;
pub mod part;
pub mod pipeline;
pub mod progress;
pub mod settings;
pub mod stories;
pub mod sweep_files;
pub mod variants;

/// An error that maps to an exit status.
#[derive(Debug)]
pub enum Failure {
    /// Bad usage or an invalid scenario: status 2.
    Usage(String),
    /// The run itself failed: status 1.
    Run(anyhow::Error),
    /// Interrupted by a signal: status 130.
    Interrupted,
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::Run(e)
    }
}

impl From<crate::scenario::ScenarioError> for Failure {
    fn from(e: crate::scenario::ScenarioError) -> Failure {
        Failure::Usage(e.to_string())
    }
}

pub type Outcome = Result<(), Failure>;

impl Failure {
    /// The exit status: 2 bad usage or an invalid scenario, 1 a failed run,
    /// 130 interrupted. Each area's error type says which of the first two
    /// it is (`exit_status`), so the same refusal exits alike from every
    /// command.
    pub fn exit_status(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Run(_) => 1,
            Failure::Interrupted => 130,
        }
    }
}

impl From<crate::output::own_file::OwnFileError> for Failure {
    fn from(e: crate::output::own_file::OwnFileError) -> Self {
        match e.exit_status() {
            2 => Failure::Usage(e.to_string()),
            _ => Failure::Run(e.into()),
        }
    }
}

impl From<crate::output::folder::FolderError> for Failure {
    fn from(e: crate::output::folder::FolderError) -> Self {
        match e.exit_status() {
            2 => Failure::Usage(e.to_string()),
            _ => Failure::Run(anyhow::Error::new(e)),
        }
    }
}
