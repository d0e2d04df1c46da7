//! muster: Monte Carlo simulation of force-generation negotiations.
//!
//! Data flows one way: scenario (TOML -> validated `Scenario`) -> engine
//! (integer tallies) -> stats (estimates and intervals) -> output (files),
//! with `cli` wiring the commands together.

pub mod app;
pub mod cli;
pub mod engine;
pub mod limits;
pub mod output;
pub mod scenario;
pub mod score;
pub mod serve;
pub mod stats;
pub mod whatif;
