//! Grading forecasts against what happened (`muster score`): the outcomes
//! file of a precedent, the scoring rules, the two baselines built from the
//! other precedents, and the replay that gives the whole predictive
//! distribution of personnel at any month of a recorded run.

pub mod baselines;
pub mod fit;
pub mod grade;
pub mod outcomes;
pub mod replay;
pub mod rules;
