//! Inverse-CDF sampling: one 32-bit uniform word per draw.

/// The largest |z| a 32-bit uniform can reach in the normal quantile.
pub const NORMAL_Z_LIMIT: f64 = 6.4;
