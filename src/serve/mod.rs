//! `muster serve`: a local web page where every input of a scenario is a
//! control and the answer is rerun (same seed, common random numbers) and
//! redrawn as a control moves. Nothing here simulates or writes results in
//! its own way: runs, result folders and comparisons go through the same
//! code as `muster run` and `muster compare`.

pub mod answer;
pub mod api;
pub mod command;
pub mod controls;
pub mod guard;
pub mod page;
pub mod runner;
pub mod save;
pub mod server;
pub mod session;

pub use server::{Options, Server};
