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
    /// A decision tree (format 2, §5.4): for each state of `condition`, a
    /// branch (a distribution or a tree itself).
    Given {
        condition: usize,
        branches: Vec<Dist>,
    },
}

/// The largest |z| a 32-bit uniform can reach in the normal quantile
/// (Φ⁻¹(2⁻³³) ≈ -6.24), rounded up.
pub const NORMAL_Z_LIMIT: f64 = 6.4;

impl Dist {
    /// True for a `given` tree (format 2).
    pub fn is_given(&self) -> bool {
        matches!(self, Dist::Given { .. })
    }

    /// The distribution in force when the conditions are in `states`.
    pub fn at(&self, states: &[u8]) -> &Dist {
        match self {
            Dist::Given {
                condition,
                branches,
            } => branches[states[*condition] as usize].at(states),
            leaf => leaf,
        }
    }

    /// The distributions at the leaves of the tree (itself when it is one).
    pub fn leaves(&self) -> Vec<&Dist> {
        match self {
            Dist::Given { branches, .. } => branches.iter().flat_map(Dist::leaves).collect(),
            leaf => vec![leaf],
        }
    }

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
            Dist::Given { branches, .. } => branches
                .iter()
                .map(Dist::support)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (a, b)| {
                    (lo.min(a), hi.max(b))
                }),
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
            Dist::Given { branches, .. } => {
                let parts: Vec<String> = branches.iter().map(Dist::describe).collect();
                format!("by state: {}", parts.join(" | "))
            }
        }
    }
}
