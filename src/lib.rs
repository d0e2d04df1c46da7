//! muster: Monte Carlo simulation of force-generation negotiations.
//!
//! Data flows one way: scenario (TOML -> validated `Scenario`) -> engine
//! (integer tallies) -> stats (estimates and intervals) -> output (files).

pub mod engine;
pub mod stats;
pub mod scenario;
pub mod output;
