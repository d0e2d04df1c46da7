//! Distribution parameters as written in a scenario (pledges in people,
//! delivery as a share, lead times in months). Sampling lives in the engine.

/// A validated distribution: parameters in order, support >= 0.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Always this value.
    Fixed(f64),
    /// Continuous uniform on [min, max], min < max.
    Uniform { min: f64, max: f64 },
    /// Triangular on [min, max] with peak at mode, min < max.
    Triangular { min: f64, mode: f64, max: f64 },
    /// Beta-PERT (lambda 4) on [min, max], min < max.
    Pert { min: f64, mode: f64, max: f64 },
    /// Normal(mean, sd) truncated to [min, max] (max may be infinite), sd > 0.
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
    /// Values with positive weights, normalised to sum to 1.
    Discrete { values: Vec<f64>, weights: Vec<f64> },
}

/// The largest |z| a 32-bit uniform can reach in the normal quantile
/// (Φ⁻¹(2⁻³³) ≈ -6.24), rounded up.
pub const NORMAL_Z_LIMIT: f64 = 6.4;

impl Dist {
    /// The smallest and largest value the distribution can take
    /// (for a normal without max, the largest value a 32-bit draw can reach).
    pub fn support(&self) -> (f64, f64) {
        match self {
            Dist::Fixed(v) => (*v, *v),
            Dist::Uniform { min, max }
            | Dist::Triangular { min, max, .. }
            | Dist::Pert { min, max, .. } => (*min, *max),
            Dist::Normal { mean, sd, min, max } => (*min, max.min(mean + NORMAL_Z_LIMIT * sd)),
            Dist::Discrete { values, .. } => (
                values.iter().cloned().fold(f64::INFINITY, f64::min),
                values.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
            ),
        }
    }

    /// Short human description, as in `muster check`.
    pub fn describe(&self) -> String {
        match self {
            Dist::Fixed(v) => format!("{v}"),
            Dist::Uniform { min, max } => format!("uniform {min}..{max}"),
            Dist::Triangular { min, mode, max } => format!("triangular {min}..{mode}..{max}"),
            Dist::Pert { min, mode, max } => format!("pert {min}..{mode}..{max}"),
            Dist::Normal { mean, sd, min, max } => {
                if max.is_finite() {
                    format!("normal mean {mean} sd {sd} in [{min}, {max}]")
                } else {
                    format!("normal mean {mean} sd {sd}, >= {min}")
                }
            }
            Dist::Discrete { values, weights } => {
                let total: f64 = weights.iter().sum();
                let parts: Vec<String> = values
                    .iter()
                    .zip(weights)
                    .map(|(v, w)| format!("{v} ({:.0}%)", 100.0 * w / total))
                    .collect();
                format!("one of {}", parts.join(", "))
            }
        }
    }
}
