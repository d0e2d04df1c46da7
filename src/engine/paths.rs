//! The engine's fast paths and the thresholds that choose them, in one
//! place. Every fast path computes exactly what the general path computes
//! (the differential tests force each on and off and compare the tallies
//! with the reference simulator); a threshold only says when it is cheaper.

/// The compiled builds of the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// For any processor of the target.
    Portable,
    /// For x86-64 processors with AVX2 (256-bit vectors) and bit instructions.
    Avx2,
    /// For x86-64 processors with AVX-512 (512-bit vectors, the x86-64-v4 set).
    Avx512,
}

/// Whether a fast path with a cost threshold is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Where its threshold says it is cheaper.
    Auto,
    /// Wherever it is correct, whatever it costs.
    Always,
    /// Never: the general path.
    Never,
}

impl Use {
    /// Whether to take the path, given whether its threshold is met.
    pub fn taken(self, cheaper: bool) -> bool {
        match self {
            Use::Auto => cheaper,
            Use::Always => true,
            Use::Never => false,
        }
    }
}

/// The most joint condition states whose clause outcomes are tabulated:
/// the tables hold a 64-bit word per state and contributor, and past a few
/// thousand states they stop fitting the cache that makes a look-up cheaper
/// than evaluating the clauses.
pub const TABULATED_WORLDS: usize = 4096;

/// The most joint condition states that can be tabulated at all: a trial's
/// joint state is kept in 16 bits.
pub const MAX_WORLDS: usize = 1 << 16;

/// The most joint condition states whose blocker counts are kept apart:
/// each keeps two sets of 64 counters, flushed once per batch, which costs
/// more than counting trial by trial when states outnumber a batch's
/// typical spread.
pub const BLOCKER_WORLDS: usize = 64;

/// The most joint condition states whose trials and successes are tallied
/// per joint state and spread over the conditions once per batch; beyond
/// this the spreading costs more than counting per condition per trial.
pub const OUTCOME_WORLDS: usize = 512;

/// Pledges, delivery and lead times are sampled only in the trials where a
/// contributor may join when fewer than one trial in this many qualifies:
/// below that, picking the trials costs less than sampling all of them.
pub const SPARSE_DENSITY: usize = 8;

/// The most contributors whose coalitions are counted in a dense array
/// (2^n slots) rather than a map.
pub const DENSE_COALITIONS: usize = 16;

/// The fast paths of a run. The default takes each where its threshold
/// says; the results are the same whatever is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FastPaths {
    /// Clauses that read only conditions looked up per joint condition
    /// state (up to `TABULATED_WORLDS` states; `Always`: up to `MAX_WORLDS`).
    pub world_tables: Use,
    /// Blockers of contributors whose clauses read only conditions counted
    /// per joint condition state (needs `world_tables`).
    pub world_blockers: Use,
    /// Condition tallies per joint condition state (needs `world_tables`).
    pub world_outcomes: Use,
    /// Amounts sampled only where a contributor may join.
    pub sparse_sampling: Use,
    /// Coalitions counted in a dense array (at most `DENSE_COALITIONS`
    /// contributors).
    pub dense_coalitions: bool,
    /// No negotiation rounds when no eligible contributor waits on the
    /// coalition.
    pub skip_rounds: bool,
    /// Clauses that read the coalition reduced to bit masks and a range of
    /// committed personnel.
    pub reduced_gates: bool,
    /// When every clause that reads the coalition is reduced: the
    /// negotiation rounds of all the batch's trials in step, contributor by
    /// contributor over columns, without branches.
    pub column_rounds: bool,
    /// Blockers counted from bit masks (contributors with fewer than 63
    /// clauses) rather than clause by clause.
    pub blocker_masks: bool,
    /// Without cascades, pivotal contributors found by subtracting their
    /// personnel rather than by replaying the negotiation.
    pub pivotal_by_subtraction: bool,
    /// The first timeline rows found at once when everybody arrives in the
    /// same row.
    pub same_row_arrivals: bool,
    /// Draws that cannot vary (fixed values, probabilities 0 and 1) filled
    /// without reading their streams, and counted by column.
    pub fixed_values: bool,
    /// The widest compiled build of the batch allowed (the processor's
    /// widest of them runs; `Build::Portable` for none of the wide ones).
    pub vectors: Build,
}

impl Default for FastPaths {
    fn default() -> FastPaths {
        FastPaths {
            world_tables: Use::Auto,
            world_blockers: Use::Auto,
            world_outcomes: Use::Auto,
            sparse_sampling: Use::Auto,
            dense_coalitions: true,
            skip_rounds: true,
            reduced_gates: true,
            column_rounds: true,
            blocker_masks: true,
            pivotal_by_subtraction: true,
            same_row_arrivals: true,
            fixed_values: true,
            vectors: Build::Avx512,
        }
    }
}

impl FastPaths {
    /// Every fast path off: the general path everywhere.
    pub fn none() -> FastPaths {
        FastPaths {
            world_tables: Use::Never,
            world_blockers: Use::Never,
            world_outcomes: Use::Never,
            sparse_sampling: Use::Never,
            dense_coalitions: false,
            skip_rounds: false,
            reduced_gates: false,
            column_rounds: false,
            blocker_masks: false,
            pivotal_by_subtraction: false,
            same_row_arrivals: false,
            fixed_values: false,
            vectors: Build::Portable,
        }
    }

    /// Every fast path on wherever it is correct.
    pub fn all() -> FastPaths {
        FastPaths {
            world_tables: Use::Always,
            world_blockers: Use::Always,
            world_outcomes: Use::Always,
            sparse_sampling: Use::Always,
            ..FastPaths::default()
        }
    }

    /// The default with each fast path in turn forced on and off: the
    /// combinations the differential tests run, besides `none` and `all`.
    pub fn each_forced() -> Vec<FastPaths> {
        let d = FastPaths::default();
        let mut out = vec![d, FastPaths::none(), FastPaths::all()];
        for u in [Use::Always, Use::Never] {
            out.push(FastPaths {
                world_tables: u,
                ..d
            });
            out.push(FastPaths {
                world_blockers: u,
                ..d
            });
            out.push(FastPaths {
                world_outcomes: u,
                ..d
            });
            out.push(FastPaths {
                sparse_sampling: u,
                ..d
            });
        }
        out.push(FastPaths {
            dense_coalitions: false,
            ..d
        });
        out.push(FastPaths {
            skip_rounds: false,
            ..d
        });
        out.push(FastPaths {
            reduced_gates: false,
            ..d
        });
        out.push(FastPaths {
            column_rounds: false,
            ..d
        });
        out.push(FastPaths {
            blocker_masks: false,
            ..d
        });
        out.push(FastPaths {
            pivotal_by_subtraction: false,
            ..d
        });
        out.push(FastPaths {
            same_row_arrivals: false,
            ..d
        });
        out.push(FastPaths {
            fixed_values: false,
            ..d
        });
        for vectors in [Build::Avx2, Build::Portable] {
            out.push(FastPaths { vectors, ..d });
        }
        out
    }
}
