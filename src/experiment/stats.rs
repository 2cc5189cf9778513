//! Summary statistics across replications: mean, SD and a 95% t confidence interval of
//! per-replication statistics (the final-year mean and the whole-run mean of each metric).

use crate::measures::{METRICS, N_METRICS};
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Mean, sample SD and 95% CI of a statistic over replications. Replications where the
/// statistic is undefined (NaN) are left out and `n` says how many remained.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    pub sd: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub n: usize,
}

impl Estimate {
    pub fn of(values: &[f64]) -> Estimate {
        let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        let n = v.len();
        if n == 0 {
            return Estimate { mean: f64::NAN, sd: f64::NAN, ci_low: f64::NAN, ci_high: f64::NAN, n };
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Estimate { mean, sd: f64::NAN, ci_low: f64::NAN, ci_high: f64::NAN, n };
        }
        let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
        let t = t_quantile_975(n - 1);
        let half = t * sd / (n as f64).sqrt();
        Estimate { mean, sd, ci_low: mean - half, ci_high: mean + half, n }
    }
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom. Kept once computed for
/// df < 256: the charts' confidence bands ask for it at every step of every metric (20,000
/// times in the default compare), and the inversion costs microseconds.
pub fn t_quantile_975(df: usize) -> f64 {
    use std::sync::OnceLock;
    static KEPT: [OnceLock<f64>; 256] = [const { OnceLock::new() }; 256];
    let compute = || StudentsT::new(0.0, 1.0, df as f64).map(|t| t.inverse_cdf(0.975)).unwrap_or(1.959_963_984_540_054);
    match KEPT.get(df) {
        Some(kept) => *kept.get_or_init(compute),
        None => compute(),
    }
}

/// Mean of the finite values of a slice (NaN if none).
pub fn finite_mean(values: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut n) = (0.0, 0usize);
    for v in values.filter(|v| v.is_finite()) {
        s += v;
        n += 1;
    }
    if n > 0 {
        s / n as f64
    } else {
        f64::NAN
    }
}

/// Per metric: the final-year mean and the whole-run mean, estimated across replications.
#[derive(Clone, Debug)]
pub struct Summary {
    pub final_year: Vec<Estimate>,
    pub whole_run: Vec<Estimate>,
}

/// Per replication, the mean of metric `m` over its last `steps_per_year` rows.
pub fn final_year_means(reps: &[super::Replication], m: usize, steps_per_year: usize) -> Vec<f64> {
    reps.iter()
        .map(|r| finite_mean(r.rows[r.rows.len().saturating_sub(steps_per_year)..].iter().map(|row| row[m])))
        .collect()
}

impl Summary {
    /// `steps_per_year` rows make the final year.
    pub fn of(reps: &[super::Replication], steps_per_year: usize) -> Summary {
        let mut final_year = Vec::with_capacity(N_METRICS);
        let mut whole_run = Vec::with_capacity(N_METRICS);
        for m in 0..METRICS.len() {
            let fy = final_year_means(reps, m, steps_per_year);
            let wr: Vec<f64> = reps.iter().map(|r| finite_mean(r.rows.iter().map(|row| row[m]))).collect();
            final_year.push(Estimate::of(&fy));
            whole_run.push(Estimate::of(&wr));
        }
        Summary { final_year, whole_run }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_hand_case() {
        // 1, 2, 3: mean 2, SD 1, t(2) = 4.302653 → half-width 4.302653/√3
        let e = Estimate::of(&[1.0, 2.0, 3.0, f64::NAN]);
        assert_eq!(e.n, 3);
        assert!((e.mean - 2.0).abs() < 1e-12);
        assert!((e.sd - 1.0).abs() < 1e-12);
        let half = 4.302_652_729_911_275 / 3f64.sqrt();
        assert!((e.ci_high - (2.0 + half)).abs() < 1e-6, "{e:?}");
        assert!((e.ci_low - (2.0 - half)).abs() < 1e-6);
    }

    #[test]
    fn estimate_of_nothing_is_undefined() {
        let e = Estimate::of(&[f64::NAN]);
        assert_eq!(e.n, 0);
        assert!(e.mean.is_nan());
        assert!(Estimate::of(&[5.0]).sd.is_nan());
    }
}
