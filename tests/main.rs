//! The integration tests, in one binary: each module below tests one area
//! through the library or the real `muster` program; `util` holds what they
//! share (running the program, temporary folders, reading CSV).

mod util;

mod answers;
mod bad_inputs;
mod charts;
mod differential;
mod distributions;
mod exact;
mod exact_time;
mod golden;
mod loader_errors;
mod loader_time;
mod many_clauses;
mod metric;
mod precedents;
mod properties;
mod provenance;
mod register;
mod regressions;
mod robustness;
mod scenario_comments;
mod score;
mod serve;
mod shards;
mod trace;
mod whatif;
