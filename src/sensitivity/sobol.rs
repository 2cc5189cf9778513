//! Variance-based (Sobol') sensitivity indices from a Saltelli design.
//!
//! S1_i is the share of the output's variance that x_i explains alone; ST_i the share it takes
//! part in, alone or through interactions with any other factors. ST_i ≈ 0 means x_i can be
//! fixed anywhere in its range; ST_i − S1_i is the weight of its interactions.

use super::{check_finite, percentile_ci, SensitivityError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// First-order and total Sobol' indices of one factor, with 95% bootstrap intervals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SobolIndex {
    /// First-order index (Saltelli et al. 2010).
    pub s1: f64,
    /// 95% percentile bootstrap interval of `s1`; (NaN, NaN) — null in JSON — without bootstrap.
    pub s1_ci: (f64, f64),
    /// Total-effect index (Jansen 1999).
    pub st: f64,
    /// 95% percentile bootstrap interval of `st`.
    pub st_ci: (f64, f64),
}

/// Sobol' indices of each of the `k` factors from outputs `y` in the row order of
/// [`super::design::saltelli`]: blocks of k + 2 rows [A_j, AB_j^(1), …, AB_j^(k), B_j].
///
/// With V the variance of f(A) ∪ f(B) (divisor 2N, as SALib):
/// S1_i = mean_j f(B)_j (f(AB^(i))_j − f(A)_j) / V (Saltelli et al. 2010) and
/// ST_i = mean_j (f(A)_j − f(AB^(i))_j)² / (2V) (Jansen 1999).
/// The outputs are first centred on the mean of f(A) ∪ f(B), as SALib does: this leaves S1's
/// expectation unchanged (the mean of f(AB^(i)) − f(A) is zero in expectation) but removes the
/// error a large output mean would otherwise add. Intervals resample whole blocks j with
/// replacement, `bootstrap` times (0 for none), reproducibly from `seed`. With a quasi-random
/// (Sobol') base the bootstrap, which assumes independent rows, is conservative.
pub fn sobol_indices(y: &[f64], k: usize, bootstrap: usize, seed: u64) -> Result<Vec<SobolIndex>, SensitivityError> {
    if k == 0 {
        return Err(SensitivityError::NoFactors);
    }
    let per = k + 2;
    if y.is_empty() || y.len() % per != 0 {
        return Err(SensitivityError::WrongLength {
            what: "y",
            expected: format!("a positive multiple of k + 2 = {per} (whole Saltelli blocks)"),
            found: y.len(),
        });
    }
    let n = y.len() / per;
    if n < 2 {
        return Err(SensitivityError::TooFew { what: "Saltelli blocks (N)", needed: 2, found: n });
    }
    check_finite("y", y)?;
    let centre = (0..n).map(|j| y[j * per] + y[j * per + k + 1]).sum::<f64>() / (2 * n) as f64;
    let y: Vec<f64> = y.iter().map(|v| v - centre).collect();
    let all: Vec<usize> = (0..n).collect();
    let (s1, st) = estimate(&y, k, &all);
    let v = variance(&y, k, &all);
    if !v.is_finite() {
        return Err(SensitivityError::NonFinite { what: "the variance of y", index: 0, value: v });
    }
    if v <= 0.0 {
        return Err(SensitivityError::ZeroVariance);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut boot_s1 = vec![Vec::with_capacity(bootstrap); k];
    let mut boot_st = vec![Vec::with_capacity(bootstrap); k];
    let mut pick = vec![0; n];
    for _ in 0..bootstrap {
        pick.iter_mut().for_each(|j| *j = rng.random_range(0..n));
        let (b1, bt) = estimate(&y, k, &pick);
        for i in 0..k {
            boot_s1[i].push(b1[i]);
            boot_st[i].push(bt[i]);
        }
    }
    let ci = |b: Vec<f64>| if bootstrap == 0 { (f64::NAN, f64::NAN) } else { percentile_ci(b) };
    Ok((0..k)
        .zip(boot_s1.into_iter().zip(boot_st))
        .map(|(i, (b1, bt))| SobolIndex { s1: s1[i], s1_ci: ci(b1), st: st[i], st_ci: ci(bt) })
        .collect())
}

/// Variance of f(A) ∪ f(B) over the blocks `js` (divisor 2·|js|).
fn variance(y: &[f64], k: usize, js: &[usize]) -> f64 {
    let per = k + 2;
    let values = || js.iter().flat_map(|&j| [y[j * per], y[j * per + k + 1]]);
    let m = values().sum::<f64>() / (2 * js.len()) as f64;
    values().map(|v| (v - m).powi(2)).sum::<f64>() / (2 * js.len()) as f64
}

/// S1 and ST of every factor over the blocks `js` (NaN where the resample has no variance).
fn estimate(y: &[f64], k: usize, js: &[usize]) -> (Vec<f64>, Vec<f64>) {
    let per = k + 2;
    let v = variance(y, k, js);
    let n = js.len() as f64;
    let mut s1 = vec![0.0; k];
    let mut st = vec![0.0; k];
    for &j in js {
        let block = &y[j * per..(j + 1) * per];
        let (a, b) = (block[0], block[k + 1]);
        for i in 0..k {
            let ab = block[1 + i];
            s1[i] += b * (ab - a);
            st[i] += (a - ab).powi(2);
        }
    }
    let ok = v > 0.0;
    for i in 0..k {
        s1[i] = if ok { s1[i] / n / v } else { f64::NAN };
        st[i] = if ok { st[i] / (2.0 * n) / v } else { f64::NAN };
    }
    (s1, st)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitivity::design::{saltelli, scale};
    use proptest::prelude::*;
    use std::f64::consts::PI;

    fn ishigami(x: &[f64]) -> f64 {
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    /// Analytic indices of Ishigami with a = 7, b = 0.1 (Saltelli et al. 2008, §4.1.4).
    const S1: [f64; 3] = [0.3139, 0.4424, 0.0];
    const ST: [f64; 3] = [0.5576, 0.4424, 0.2437];

    fn ishigami_outputs(n: usize, seed: u64) -> Vec<f64> {
        saltelli(n, 3, seed).iter().map(|u| ishigami(&scale(u, &[(-PI, PI); 3]))).collect()
    }

    /// N = 4096 (20,480 runs). Measured over design seeds 1..=20: max |error| 0.018 for S1 and
    /// 0.007 for ST (N = 1024: 0.027 and 0.013), and the 95% intervals covered the truth in
    /// 120 of 120 cases. The margin 0.03 leaves room for other seeds without hiding a broken
    /// estimator (a wrong formula is off by 0.1 or more).
    #[test]
    fn ishigami_indices_match_the_analytic_values() {
        let y = ishigami_outputs(4096, 1);
        let idx = sobol_indices(&y, 3, 500, 2).unwrap();
        for (i, s) in idx.iter().enumerate() {
            assert!((s.s1 - S1[i]).abs() < 0.03, "S1[{i}] = {} vs {}", s.s1, S1[i]);
            assert!((s.st - ST[i]).abs() < 0.03, "ST[{i}] = {} vs {}", s.st, ST[i]);
            assert!(s.s1_ci.0 <= S1[i] && S1[i] <= s.s1_ci.1, "S1[{i}] CI {:?} misses {}", s.s1_ci, S1[i]);
            assert!(s.st_ci.0 <= ST[i] && ST[i] <= s.st_ci.1, "ST[{i}] CI {:?} misses {}", s.st_ci, ST[i]);
            assert!(s.s1_ci.1 - s.s1_ci.0 < 0.2 && s.st_ci.1 - s.st_ci.0 < 0.1, "intervals too wide: {s:?}");
        }
    }

    #[test]
    fn an_additive_function_has_equal_first_order_and_total_indices() {
        // y = x1 + 2 x2 (uniform on [0,1)): V shares 1/5 and 4/5, no interactions, x3 inert
        let y: Vec<f64> = saltelli(1024, 3, 4).iter().map(|u| u[0] + 2.0 * u[1] + 100.0).collect();
        let idx = sobol_indices(&y, 3, 0, 0).unwrap();
        for (s, want) in idx.iter().zip([0.2, 0.8, 0.0]) {
            assert!((s.s1 - want).abs() < 0.02 && (s.st - want).abs() < 0.02, "{s:?} vs {want}");
        }
        assert_eq!(idx[2].st, 0.0);
        assert!(idx[0].s1_ci.0.is_nan());
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert_eq!(sobol_indices(&[1.0; 10], 0, 10, 1), Err(SensitivityError::NoFactors));
        assert!(matches!(
            sobol_indices(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], 3, 10, 1),
            Err(SensitivityError::WrongLength { .. })
        ));
        assert!(matches!(sobol_indices(&[], 3, 10, 1), Err(SensitivityError::WrongLength { .. })));
        assert!(matches!(sobol_indices(&[1.0, 2.0, 3.0, 4.0, 5.0], 3, 10, 1), Err(SensitivityError::TooFew { .. })));
        assert_eq!(sobol_indices(&[3.0; 50], 3, 10, 1), Err(SensitivityError::ZeroVariance));
        let mut y = ishigami_outputs(8, 1);
        y[7] = f64::INFINITY;
        assert!(matches!(sobol_indices(&y, 3, 10, 1), Err(SensitivityError::NonFinite { index: 7, .. })));
        let huge: Vec<f64> = (0..10).map(|i| if i % 2 == 0 { 1e300 } else { -1e300 }).collect();
        assert!(sobol_indices(&huge, 3, 10, 1).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn never_panics(k in 0usize..6, y in prop::collection::vec(prop::num::f64::ANY, 0..40), boot in 0usize..20) {
            let _ = sobol_indices(&y, k, boot, 3);
        }
    }
}
