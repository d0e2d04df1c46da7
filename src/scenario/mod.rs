//! Scenario files: reading TOML, validating it, and the validated types the
//! engine runs on.

pub mod clause;
pub mod dist;
pub mod model;

pub use model::*;
