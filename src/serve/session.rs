//! The scenario a page works on: its file read once, and variants of it
//! loaded in memory with `--set` overrides, validated as `muster run`
//! validates them.

use std::path::{Path, PathBuf};

use crate::app::Failure;
use crate::app::pipeline::{self, Inputs, Settings};
use crate::scenario::{Override, Scenario, ScenarioError, parse_scenario};
use crate::whatif::paths;

/// The default trial count of a page's runs.
pub const DEFAULT_TRIALS: u64 = 100_000;

/// "More precision" runs this many times the trials.
pub const PRECISION_FACTOR: u64 = 10;

/// A scenario file as read when the server started.
pub struct Session {
    /// The path as given on the command line (as `muster run` records it).
    pub path: PathBuf,
    /// The file's text and its SHA-256.
    pub text: String,
    pub sha256: String,
    /// The file as it is, without overrides.
    pub base: Scenario,
    /// The seed of every run (the file's unless told).
    pub seed: u64,
    /// Trials of a run before "more precision".
    pub trials: u64,
    /// Worker threads of a run.
    pub threads: usize,
}

/// Why a set of overrides was refused: the override at fault (when one is)
/// and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The key path of the override at fault, as the page sent it.
    pub key: Option<String>,
    pub message: String,
}

impl Session {
    /// Reads and validates the file.
    pub fn open(
        path: &Path,
        seed: Option<u64>,
        trials: u64,
        threads: usize,
    ) -> Result<Session, Failure> {
        let inputs = pipeline::load(path, &[])?;
        Ok(Session {
            path: path.to_path_buf(),
            seed: seed.unwrap_or(inputs.scenario.seed),
            text: inputs.text,
            sha256: inputs.sha256,
            base: inputs.scenario,
            trials,
            threads,
        })
    }

    /// The file as `muster run` names it in errors and records.
    pub fn file(&self) -> String {
        self.path.display().to_string()
    }

    /// The overrides as `muster run` records them (one state's probability
    /// rewritten into the whole array) and the scenario they give.
    pub fn load(&self, raw: &[String]) -> Result<(Vec<String>, Scenario), Refusal> {
        let mut expanded: Vec<String> = Vec::new();
        let mut scenario = self.base.clone();
        for o in raw {
            let refused = |message: String| Refusal {
                key: Override::parse(o).ok().map(|p| p.path),
                message,
            };
            let o = if paths::may_name_a_state(o) {
                paths::expand(&scenario, o).map_err(refused)?
            } else {
                o.clone()
            };
            expanded.push(o.clone());
            scenario = self.parse(&expanded).map_err(|e| refused(describe(&e)))?;
        }
        Ok((expanded, scenario))
    }

    /// The scenario with the overrides applied as given.
    fn parse(&self, overrides: &[String]) -> Result<Scenario, ScenarioError> {
        let parsed = overrides
            .iter()
            .map(|o| Override::parse(o))
            .collect::<Result<Vec<_>, _>>()?;
        parse_scenario(&self.text, &self.file(), &parsed)
    }

    /// What `muster run FILE --set ... --trials N` would load.
    pub fn inputs(&self, overrides: &[String], scenario: Scenario) -> Inputs {
        Inputs {
            file: self.file(),
            scenario,
            sha256: self.sha256.clone(),
            overrides: overrides.to_vec(),
            text: self.text.clone(),
        }
    }

    /// The settings of a run of `trials` trials.
    pub fn settings(&self, trials: u64) -> Settings {
        Settings {
            seed: self.seed,
            trials,
            threads: self.threads,
            quiet: true,
            precision: None,
        }
    }
}

/// A loader error for a person looking at the control: the key and what is
/// wrong, without the place in the file.
fn describe(e: &ScenarioError) -> String {
    if e.key_path.is_empty() {
        e.message.clone()
    } else {
        format!("{}: {}", e.key_path, e.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.toml");
        Session::open(&path, None, 1000, 1).unwrap()
    }

    #[test]
    fn a_bad_value_is_refused_naming_its_key() {
        let s = session();
        let r = s
            .load(&["contributors.Azerbaijan.veto=1.3".into()])
            .unwrap_err();
        assert_eq!(r.key.as_deref(), Some("contributors.Azerbaijan.veto"));
        assert!(r.message.contains("1.3"), "{}", r.message);
    }

    #[test]
    fn one_state_is_recorded_as_the_whole_array() {
        let s = session();
        let (expanded, scenario) = s
            .load(&["conditions.ceasefire.probs.full=0.6".into()])
            .unwrap();
        assert_eq!(expanded, ["conditions.ceasefire.probs=[0.125, 0.275, 0.6]"]);
        assert_ne!(scenario, s.base);
    }
}
