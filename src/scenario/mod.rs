//! Scenario files: reading TOML, validating it, and the validated types the
//! engine runs on.

mod changes;
pub mod clause;
mod conditions;
mod contributors;
pub mod dist;
mod distributions;
pub mod error;
pub mod load;
pub mod model;
mod overrides;
pub mod parse_clause;
pub mod provenance;
mod source;
pub mod timeline;
mod trees;
mod values;
mod version;

pub use distributions::grouped;
pub use error::ScenarioError;
pub use load::{Override, load_file, parse_clause, parse_scenario};
pub use model::*;
pub use overrides::segments as key_path_segments;
pub use provenance::{Provenance, Reference, Sourced};
pub(crate) use source::{line_col, one_line};
