//! Morris elementary-effects screening.
//!
//! An elementary effect of factor i is the change in the output per unit change of x_i along
//! one step of a trajectory: EE_i = (f(x + Δe_i) − f(x)) / (±Δ). Over r trajectories, μ* (mean
//! |EE|, Campolongo et al. 2007) ranks overall influence without the cancellation of signs that
//! makes μ misleading for non-monotonic effects, and σ (their SD) is large when a factor's effect
//! depends on where the other factors are, i.e. for interactions or non-linearity.

use super::{check_finite, percentile_ci, SensitivityError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Elementary-effect statistics of one factor, in unit-cube coordinates: an effect of 1 means
/// the output changes by 1 when the factor goes across its whole range, so factors with
/// different units compare directly.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MorrisIndex {
    /// Mean elementary effect; its sign tells the direction when the effect is monotonic.
    pub mu: f64,
    /// Mean absolute elementary effect: the measure of importance.
    pub mu_star: f64,
    /// Sample standard deviation (n − 1) of the elementary effects.
    pub sigma: f64,
    /// 95% percentile bootstrap interval of μ*, resampling whole trajectories; (NaN, NaN) — null
    /// in JSON — when no bootstrap was asked for.
    pub mu_star_ci: (f64, f64),
    /// Number of elementary effects behind the statistics (one per trajectory).
    pub effects: usize,
}

/// Morris indices of each of the `k` factors from a trajectory design (as made by
/// [`super::design::morris`], in unit-cube coordinates — not scaled to the parameters' ranges)
/// and the outputs `y` at its rows.
///
/// Which factor a step moves, and in which direction, is read from the rows themselves, so
/// any trajectory design works as long as each step moves exactly one factor and each factor
/// moves once per trajectory. `bootstrap` resamples (0 for none) give μ*'s 95% interval,
/// reproducibly from `seed`.
pub fn morris_indices(
    points: &[Vec<f64>],
    y: &[f64],
    k: usize,
    bootstrap: usize,
    seed: u64,
) -> Result<Vec<MorrisIndex>, SensitivityError> {
    let effects = elementary_effects(points, y, k)?;
    let r = effects.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut resampled = vec![Vec::with_capacity(bootstrap); k];
    for _ in 0..bootstrap {
        let mut sums = vec![0.0; k];
        for _ in 0..r {
            let t = rng.random_range(0..r);
            for (s, e) in sums.iter_mut().zip(&effects[t]) {
                *s += e.abs();
            }
        }
        for (b, s) in resampled.iter_mut().zip(sums) {
            b.push(s / r as f64);
        }
    }
    Ok((0..k)
        .zip(resampled)
        .map(|(i, boot)| {
            let ee: Vec<f64> = effects.iter().map(|t| t[i]).collect();
            let mu = ee.iter().sum::<f64>() / r as f64;
            let mu_star = ee.iter().map(|e| e.abs()).sum::<f64>() / r as f64;
            let sigma = (ee.iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (r - 1) as f64).sqrt();
            let mu_star_ci = if bootstrap == 0 { (f64::NAN, f64::NAN) } else { percentile_ci(boot) };
            MorrisIndex { mu, mu_star, sigma, mu_star_ci, effects: r }
        })
        .collect())
}

/// The elementary effects, one row per trajectory, one column per factor.
fn elementary_effects(points: &[Vec<f64>], y: &[f64], k: usize) -> Result<Vec<Vec<f64>>, SensitivityError> {
    if k == 0 {
        return Err(SensitivityError::NoFactors);
    }
    if points.len() != y.len() {
        return Err(SensitivityError::WrongLength {
            what: "y",
            expected: format!("{} (one output per design point)", points.len()),
            found: y.len(),
        });
    }
    let per = k + 1;
    if points.is_empty() || points.len() % per != 0 {
        return Err(SensitivityError::WrongLength {
            what: "the design",
            expected: format!("a positive multiple of k + 1 = {per} rows (whole trajectories)"),
            found: points.len(),
        });
    }
    let r = points.len() / per;
    if r < 2 {
        return Err(SensitivityError::TooFew { what: "trajectories", needed: 2, found: r });
    }
    check_finite("y", y)?;
    for (row, p) in points.iter().enumerate() {
        if p.len() != k {
            return Err(SensitivityError::NotMorrisDesign {
                trajectory: row / per,
                reason: format!("row {row} has {} values, not k = {k}", p.len()),
            });
        }
        check_finite("a design row", p)?;
    }
    let mut effects = Vec::with_capacity(r);
    for t in 0..r {
        let mut ee = vec![f64::NAN; k];
        for s in t * per..(t + 1) * per - 1 {
            let (a, b) = (&points[s], &points[s + 1]);
            let moved: Vec<usize> = (0..k).filter(|&i| a[i] != b[i]).collect();
            let [i] = moved[..] else {
                return Err(SensitivityError::NotMorrisDesign {
                    trajectory: t,
                    reason: format!("rows {s} and {} differ in {} coordinates, not exactly one", s + 1, moved.len()),
                });
            };
            if !ee[i].is_nan() {
                return Err(SensitivityError::NotMorrisDesign {
                    trajectory: t,
                    reason: format!("factor {i} moves more than once"),
                });
            }
            ee[i] = (y[s + 1] - y[s]) / (b[i] - a[i]);
            if !ee[i].is_finite() {
                return Err(SensitivityError::NotMorrisDesign {
                    trajectory: t,
                    reason: format!(
                        "the effect of factor {i} at row {s} is not finite (outputs too large or step too small)"
                    ),
                });
            }
        }
        effects.push(ee);
    }
    Ok(effects)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitivity::design::{morris, scale};
    use proptest::prelude::*;
    use std::f64::consts::PI;

    fn run(d: &[Vec<f64>], f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
        d.iter().map(|x| f(x)).collect()
    }

    #[test]
    fn linear_function_has_its_coefficients_as_effects_and_no_spread() {
        let c = [1.0, -2.0, 3.5, 0.0];
        let d = morris(30, 4, 4, 1);
        let y = run(&d, |x| x.iter().zip(&c).map(|(x, c)| x * c).sum());
        let idx = morris_indices(&d, &y, 4, 200, 2).unwrap();
        for (m, c) in idx.iter().zip(c) {
            assert!((m.mu - c).abs() < 1e-9, "{m:?} vs {c}");
            assert!((m.mu_star - c.abs()).abs() < 1e-9);
            assert!(m.sigma < 1e-9);
            assert!((m.mu_star_ci.0 - c.abs()).abs() < 1e-9 && (m.mu_star_ci.1 - c.abs()).abs() < 1e-9);
            assert_eq!(m.effects, 30);
        }
    }

    #[test]
    fn interaction_spreads_the_effects_of_the_interacting_factors_only() {
        let d = morris(40, 4, 4, 3);
        let y = run(&d, |x| x[0] + 4.0 * x[1] * x[2] - x[3]);
        let idx = morris_indices(&d, &y, 4, 0, 0).unwrap();
        assert!(idx[0].sigma < 1e-9 && idx[3].sigma < 1e-9);
        assert!(idx[1].sigma > 0.5 && idx[2].sigma > 0.5, "{idx:?}");
        assert!(idx[0].mu_star_ci.0.is_nan(), "no bootstrap, no interval");
    }

    /// Ishigami on the 4-level grid {−π, −π/3, π/3, π}: every step of x2 changes 7 sin²(x2) by
    /// exactly 7·3/4, so μ*₂ = 5.25 / (2/3) = 7.875 exactly; μ*₁ and μ*₃ have closed-form
    /// expectations over the grid (7.704 and 6.248); x3 acts only through its interaction with
    /// x1, so its μ is near 0 while its μ* is large.
    #[test]
    fn ishigami_effects_match_their_grid_expectations() {
        let d = morris(400, 3, 4, 5);
        let bounds = [(-PI, PI); 3];
        let y = run(&d, |u| {
            let x = scale(u, &bounds);
            x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
        });
        let idx = morris_indices(&d, &y, 3, 500, 6).unwrap();
        let pi4 = PI.powi(4);
        let mu_star_1 = 3f64.sqrt() / 2.0 * (1.0 + 0.05 * pi4 * (1.0 + 1.0 / 81.0)) * 1.5;
        let mu_star_3 = 0.1 * pi4 * (80.0 / 81.0) * (3f64.sqrt() / 4.0) * 1.5;
        assert!((idx[1].mu_star - 7.875).abs() < 1e-9, "{:?}", idx[1]);
        assert!((idx[0].mu_star - mu_star_1).abs() < 0.08 * mu_star_1, "{:?} vs {mu_star_1}", idx[0]);
        assert!((idx[2].mu_star - mu_star_3).abs() < 0.12 * mu_star_3, "{:?} vs {mu_star_3}", idx[2]);
        assert!(idx[2].mu.abs() < 0.25 * idx[2].mu_star);
        for (m, truth) in idx.iter().zip([mu_star_1, 7.875, mu_star_3]) {
            assert!(m.mu_star_ci.0 <= truth && truth <= m.mu_star_ci.1, "{m:?} misses {truth}");
        }
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let d = morris(5, 3, 4, 1);
        let y = vec![1.0; d.len()];
        assert_eq!(morris_indices(&d, &y, 0, 10, 1), Err(SensitivityError::NoFactors));
        assert!(matches!(morris_indices(&d, &y[1..], 3, 10, 1), Err(SensitivityError::WrongLength { .. })));
        assert!(matches!(morris_indices(&d[..7], &y[..7], 3, 10, 1), Err(SensitivityError::WrongLength { .. })));
        assert!(matches!(morris_indices(&d[..4], &y[..4], 3, 10, 1), Err(SensitivityError::TooFew { .. })));
        let mut bad = y.clone();
        bad[6] = f64::NAN;
        assert!(matches!(morris_indices(&d, &bad, 3, 10, 1), Err(SensitivityError::NonFinite { index: 6, .. })));
        // a design of the wrong k, or not a trajectory design at all
        let e = morris_indices(&d, &y, 4, 10, 1).unwrap_err();
        assert!(e.to_string().contains("not k = 4"), "{e}");
        let lhs = crate::sensitivity::design::latin_hypercube(20, 3, 1);
        let e = morris_indices(&lhs, &[0.0; 20], 3, 10, 1).unwrap_err();
        assert!(e.to_string().contains("not exactly one"), "{e}");
        let mut twice = d.clone();
        twice[2] = twice[0].clone(); // the second step moves the first step's factor back
        assert!(morris_indices(&twice, &y, 3, 10, 1).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics(k in 0usize..5, rows in prop::collection::vec(prop::collection::vec(-2.0f64..2.0, 0..5), 0..20),
                        y in prop::collection::vec(prop::num::f64::ANY, 0..20), boot in 0usize..5) {
            let _ = morris_indices(&rows, &y, k, boot, 1);
            let d = morris(3, k.max(1), 4, 1);
            let yd: Vec<f64> = y.iter().copied().cycle().take(d.len()).collect();
            let _ = morris_indices(&d, &yd, k.max(1), boot, 1);
        }
    }
}
