//! Result files, the run record, atomic result folders, charts, the HTML
//! report and the terminal summary.

pub mod charts;
pub mod csv_files;
pub mod folder;
pub mod headline;
pub mod milestones;
pub mod own_file;
pub mod report;
pub mod run_record;
pub mod terminal;
pub mod trace;
pub mod words;
