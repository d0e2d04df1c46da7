//! Every limit muster enforces, in one place, with the reason for its value.
//! docs/limits.md tells users what happens at each.

/// A scenario file (bytes): a scenario is a page or two; a larger file is a
/// mistake (a wrong path, a data file), refused before it is read.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Contributors: coalitions are recorded as 64-bit sets.
pub const MAX_CONTRIBUTORS: usize = 64;

/// Conditions: joint condition states are numbered in 64-bit arithmetic.
pub const MAX_CONDITIONS: usize = 64;

/// States of one condition.
pub const MAX_STATES: usize = 32;

/// Roles: checking whether the roles can be staffed looks at every subset
/// of roles in every trial (1,024 at 10), so the cost doubles with each.
pub const MAX_ROLES: usize = 10;

/// Changes of one condition (format 2): each adds two decision times to
/// every trial in which it happens, and a condition that changes state more
/// often than this is better written as several conditions.
pub const MAX_CHANGES: usize = 16;

/// Levels of `given` in one value (format 2 trees): each level multiplies
/// the table's size by its condition's states, and the value is read at
/// every decision time, so a deep tree is both unreadable and slow.
pub const MAX_GIVEN_DEPTH: usize = 16;

/// A requirement clause (characters).
pub const MAX_CLAUSE_CHARS: usize = 1000;

/// Nesting inside a clause (parentheses and `not`), so that evaluating it
/// cannot exhaust the stack.
pub const MAX_CLAUSE_DEPTH: usize = 32;

/// `target` and a role's minimum (personnel).
pub const MAX_TARGET: i64 = 100_000_000;

/// Trials of one run (in the file or on the command line): at a few
/// million trials a second, 10^12 is days of computing, and counts stay far
/// from 64-bit overflow.
pub const MAX_TRIALS: u64 = 1_000_000_000_000;

/// `horizon_months` and every lead time (months): 100 years; the timeline
/// then has at most 1,202 rows.
pub const MAX_MONTHS: f64 = 1200.0;

/// Every value `troops` can take (personnel).
pub const MAX_TROOPS: f64 = 1_000_000.0;

/// Every value `delivery` can take (a share of the pledge).
pub const MAX_DELIVERY: f64 = 10.0;

/// The sum over contributors of the largest pledge times the largest
/// delivery share (personnel): keeps every count of people in 32 bits in
/// the engine and the personnel histogram bounded.
pub const MAX_TOTAL_PERSONNEL: f64 = 10_000_000.0;

/// `[scenario] milestones` (each a row of milestones.csv).
pub const MAX_MILESTONES: usize = 100;

/// Points of a `sweep` grid.
pub const MAX_SWEEP_POINTS: u128 = 10_000;

/// Significant digits of a sweep's range values: exact decimal arithmetic
/// in 128 bits.
pub const MAX_SWEEP_DIGITS: usize = 36;

/// `--threads` may ask for at most this many threads per core, or
/// `THREADS_ALWAYS_ALLOWED` on a machine with few cores.
pub const THREADS_PER_CORE: usize = 4;

/// A `--threads` every machine accepts, so that a command line works alike
/// on a laptop and a cluster node.
pub const THREADS_ALWAYS_ALLOWED: usize = 64;

/// A shard part file (bytes).
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;

/// Shards of one run (`--shard K/N`).
pub const MAX_SHARDS: u64 = 100_000;

/// Decision times of one trial (format 2): a trial whose arrivals keep
/// making others leave and rejoin stops being played after this many, as
/// if its horizon came there (a safeguard against lead times close to 0).
pub const MAX_DECISION_TIMES: usize = 10_000;
