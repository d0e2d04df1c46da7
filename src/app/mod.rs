//! The application layer between the command line and the library: loading
//! scenarios with their overrides, settings, simulating with progress and
//! interrupts, writing result folders, the shard part format, and running
//! variants of a scenario for the what-if commands. `cli` parses and
//! prints; everything it runs is here.

pub mod part;
pub mod pipeline;
pub mod progress;
pub mod settings;
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

impl From<crate::output::own_file::OwnFileError> for Failure {
    fn from(e: crate::output::own_file::OwnFileError) -> Self {
        if e.is_refusal() {
            Failure::Usage(e.to_string())
        } else {
            Failure::Run(e.into())
        }
    }
}
