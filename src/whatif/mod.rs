//! What-if analysis: the same scenario run many times with some inputs
//! changed (`muster sweep`, `sensitivity`, `solve`), and the comparison of
//! two result folders (`muster compare`). The pure parts live here (grids
//! with exact decimal steps, key paths, sensitivity inputs, metrics
//! and goals, bisection, significance tests); the commands are in `cli`.

pub mod decimal;
pub mod goal;
pub mod grid;
pub mod inputs;
pub mod metric;
pub mod paths;
pub mod significance;
pub mod solve;
pub mod tornado;
