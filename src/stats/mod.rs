//! From integer tallies to estimates and intervals.

pub mod interval;
pub mod results;
pub mod tally;
