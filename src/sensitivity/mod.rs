//! Global sensitivity analysis of the simulator's outputs to its parameters.
//!
//! The workflow is the usual one for an agent-based model: build a design in the unit cube
//! ([`design`]), map each row onto the parameters' ranges ([`design::scale`]), run the simulator
//! at every row (usually the mean over replications with common random numbers), then estimate
//! indices from the outputs, one output metric at a time:
//!
//! - [`morris`]: elementary-effects screening (Morris 1991, μ* of Campolongo et al. 2007), cheap
//!   (r(k+1) runs) and good at telling the few influential parameters from the many inert ones;
//! - [`sobol`]: variance-based first-order and total indices (Saltelli et al. 2010, Jansen 1999),
//!   dearer (N(k+2) runs) but quantitative: the share of the output's variance each parameter
//!   explains alone and with its interactions.
//!
//! Designs are deterministic given a seed, so a sweep can be split across machines and rebuilt
//! anywhere. Estimators never panic on bad input: they return a [`SensitivityError`] that says
//! what is wrong, because their input comes from files written by other runs.

pub mod design;
pub mod morris;
pub mod sobol;

pub use morris::{morris_indices, MorrisIndex};
pub use sobol::{sobol_indices, SobolIndex};

use std::fmt;

/// Why a design could not be built or indices could not be estimated.
#[derive(Debug, Clone, PartialEq)]
pub enum SensitivityError {
    /// k = 0: there is nothing to analyse.
    NoFactors,
    /// A Morris design needs an even number of grid levels, at least 2, so that every grid value
    /// has exactly one neighbour at distance Δ = p / (2(p − 1)).
    BadLevels(usize),
    /// An input does not have the length the design implies.
    WrongLength { what: &'static str, expected: String, found: usize },
    /// An output or design value is NaN or infinite (a failed or diverging run).
    NonFinite { what: &'static str, index: usize, value: f64 },
    /// The outputs do not vary, so variance shares are undefined.
    ZeroVariance,
    /// Too few trajectories or sample blocks for the estimate to mean anything.
    TooFew { what: &'static str, needed: usize, found: usize },
    /// The rows are not a Morris trajectory design (see [`design::morris`]).
    NotMorrisDesign { trajectory: usize, reason: String },
    /// The requested design has more rows than can be addressed.
    TooLarge,
}

impl fmt::Display for SensitivityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoFactors => write!(f, "there are no factors (k = 0); give at least one parameter to vary"),
            Self::BadLevels(p) => {
                write!(f, "a Morris design needs an even number of levels of at least 2 (usually 4), not {p}")
            }
            Self::WrongLength { what, expected, found } => {
                write!(f, "{what} has length {found}, but {expected} was expected")
            }
            Self::NonFinite { what, index, value } => {
                write!(f, "{what}[{index}] is {value}; every value must be finite (did a run fail or diverge?)")
            }
            Self::ZeroVariance => write!(
                f,
                "the outputs do not vary across the design, so their variance cannot be apportioned to factors"
            ),
            Self::TooFew { what, needed, found } => write!(f, "{found} {what} given, at least {needed} are needed"),
            Self::NotMorrisDesign { trajectory, reason } => {
                write!(f, "the points are not a Morris trajectory design: trajectory {trajectory}: {reason}")
            }
            Self::TooLarge => write!(f, "the requested design has too many rows to address"),
        }
    }
}

impl std::error::Error for SensitivityError {}

/// 95% percentile interval of bootstrap replicates (linear interpolation between order
/// statistics, as numpy's default). NaN replicates (a resample with no variance) are dropped;
/// with none left the interval is (NaN, NaN), i.e. "not available".
pub(crate) fn percentile_ci(mut replicates: Vec<f64>) -> (f64, f64) {
    replicates.retain(|v| v.is_finite());
    if replicates.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    replicates.sort_by(f64::total_cmp);
    (quantile_sorted(&replicates, 0.025), quantile_sorted(&replicates, 0.975))
}

fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let h = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Check that every value is finite, naming the first one that is not.
pub(crate) fn check_finite(what: &'static str, values: &[f64]) -> Result<(), SensitivityError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(SensitivityError::NonFinite { what, index, value: values[index] }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_and_skip_nan() {
        let v: Vec<f64> = (0..=100).map(f64::from).chain([f64::NAN]).collect();
        let (lo, hi) = percentile_ci(v);
        assert!((lo - 2.5).abs() < 1e-12 && (hi - 97.5).abs() < 1e-12);
        let (lo, hi) = percentile_ci(vec![f64::NAN]);
        assert!(lo.is_nan() && hi.is_nan());
    }

    #[test]
    fn messages_say_what_is_wrong() {
        let e = SensitivityError::BadLevels(3);
        assert!(e.to_string().contains("even") && e.to_string().contains('3'));
        let e = SensitivityError::NonFinite { what: "y", index: 4, value: f64::NAN };
        assert!(e.to_string().contains("y[4] is NaN"));
    }
}
