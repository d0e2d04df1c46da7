//! The Monte Carlo engine: pure function of scenario, seed and trial range.

pub mod sample;
