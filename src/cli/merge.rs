//! `muster merge`: adds the part files of a sharded run and writes the same
//! result folder as a single run.

use crate::app::Outcome;
use crate::app::part;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Part files written by `muster run --shard K/N`.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Result folder to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Write into an existing folder that holds other files, replacing only muster's own.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long)]
    pub quiet: bool,
}

pub fn run(a: MergeArgs) -> Outcome {
    let (parts, dest) = part::merge(&a.parts, &a.out, a.force, a.quiet)?;
    if !a.quiet {
        crate::outln!("merged {parts} parts: {}", dest.display());
    }
    Ok(())
}
