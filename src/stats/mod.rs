//! From integer tallies to estimates and intervals.

pub mod binned;
pub mod build_up;
pub mod facts;
pub mod interval;
pub mod losses;
pub mod results;
pub mod table;
pub mod tally;
