//! Priors in the space the sampler works in: a log-uniform parameter is handled as log(x), so
//! that every prior is uniform or a truncated normal there and the proposal kernel moves in
//! relative steps where the prior says only the order of magnitude is known.

use super::spec::Prior;
use statrs::distribution::{ContinuousCDF, Normal};

impl Prior {
    /// From the parameter's own units to the working space.
    pub fn to_work(&self, x: f64) -> f64 {
        match self {
            Prior::LogUniform { .. } => x.ln(),
            _ => x,
        }
    }

    /// From the working space to the parameter's own units.
    pub fn from_work(&self, z: f64) -> f64 {
        match self {
            Prior::LogUniform { .. } => z.exp(),
            _ => z,
        }
    }

    /// The support in the working space.
    pub fn work_bounds(&self) -> (f64, f64) {
        match *self {
            Prior::Uniform { min, max } | Prior::Normal { min, max, .. } => (min, max),
            Prior::LogUniform { min, max } => (min.ln(), max.ln()),
        }
    }

    /// log of the prior density in the working space (−∞ outside the support).
    pub fn log_density(&self, z: f64) -> f64 {
        let (lo, hi) = self.work_bounds();
        if !(z >= lo && z <= hi) {
            return f64::NEG_INFINITY;
        }
        match *self {
            Prior::Uniform { .. } | Prior::LogUniform { .. } => -(hi - lo).ln(),
            Prior::Normal { mean, sd, .. } => {
                let n = standard();
                let mass = n.cdf((hi - mean) / sd) - n.cdf((lo - mean) / sd);
                let u = (z - mean) / sd;
                -0.5 * u * u - (sd * (2.0 * std::f64::consts::PI).sqrt()).ln() - mass.ln()
            }
        }
    }

    /// The quantile `p` (0 < p < 1) in the working space: inverse CDF of the (truncated) prior.
    /// Drawing is `quantile(u)` for a uniform u, so a prior draw is one uniform.
    pub fn quantile(&self, p: f64) -> f64 {
        let (lo, hi) = self.work_bounds();
        let p = p.clamp(0.0, 1.0);
        match *self {
            Prior::Uniform { .. } | Prior::LogUniform { .. } => lo + p * (hi - lo),
            Prior::Normal { mean, sd, .. } => {
                let n = standard();
                let (a, b) = (n.cdf((lo - mean) / sd), n.cdf((hi - mean) / sd));
                let q = a + p * (b - a);
                // the inverse CDF is exact to rounding away from the tails; clamp what rounding leaves
                (mean + sd * n.inverse_cdf(q.clamp(1e-300, 1.0 - 1e-16))).clamp(lo, hi)
            }
        }
    }

    /// The prior's bounds in the parameter's units (every value a calibration may try lies between).
    pub fn bounds(&self) -> (f64, f64) {
        let (lo, hi) = self.work_bounds();
        (self.from_work(lo), self.from_work(hi))
    }

    /// A problem with the prior's numbers, or None.
    pub fn problem(&self) -> Option<String> {
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
        match *self {
            Prior::Uniform { min, max } if !finite(&[min, max]) || min >= max => {
                Some(format!("uniform prior needs finite min < max (min {min}, max {max})"))
            }
            Prior::LogUniform { min, max } if !finite(&[min, max]) || min <= 0.0 || min >= max => {
                Some(format!("log_uniform prior needs 0 < min < max (min {min}, max {max})"))
            }
            Prior::Normal { mean, sd, min, max } if !finite(&[mean, sd, min, max]) || sd <= 0.0 || min >= max => {
                Some(format!("normal prior needs sd > 0 and finite min < max (mean {mean}, sd {sd}, min {min}, max {max})"))
            }
            Prior::Normal { mean, sd, min, max } if ((max - mean) / sd < -8.0) || ((min - mean) / sd > 8.0) => Some(
                format!("normal prior: [min, max] = [{min}, {max}] lies more than 8 sd from the mean {mean}; it has no mass there"),
            ),
            _ => None,
        }
    }

    /// How the prior reads in a table, e.g. `uniform(0, 1)`.
    pub fn describe(&self) -> String {
        match *self {
            Prior::Uniform { min, max } => format!("uniform({min}, {max})"),
            Prior::LogUniform { min, max } => format!("log-uniform({min}, {max})"),
            Prior::Normal { mean, sd, min, max } => format!("normal({mean}, {sd}) on [{min}, {max}]"),
        }
    }
}

fn standard() -> Normal {
    Normal::new(0.0, 1.0).expect("the standard normal exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_density_and_quantiles_by_hand() {
        let p = Prior::Uniform { min: 2.0, max: 6.0 };
        assert_eq!(p.log_density(3.0), -(4.0f64).ln());
        assert_eq!(p.log_density(7.0), f64::NEG_INFINITY);
        assert_eq!(p.quantile(0.25), 3.0);
        assert_eq!(p.bounds(), (2.0, 6.0));
    }

    #[test]
    fn log_uniform_works_in_logs() {
        let p = Prior::LogUniform { min: 1.0, max: 100.0 };
        // median of a log-uniform on [1, 100] is 10
        assert!((p.from_work(p.quantile(0.5)) - 10.0).abs() < 1e-12);
        assert!((p.log_density(p.to_work(5.0)) + (100f64.ln()).ln()).abs() < 1e-12);
        assert!(Prior::LogUniform { min: 0.0, max: 1.0 }.problem().is_some());
    }

    #[test]
    fn truncated_normal_by_hand() {
        // N(0, 1) on [0, ∞)-like [0, 10]: the half-normal; median Φ⁻¹(0.75) = 0.6744897…
        let p = Prior::Normal { mean: 0.0, sd: 1.0, min: 0.0, max: 10.0 };
        assert!((p.quantile(0.5) - 0.674_489_750_196_081_7).abs() < 1e-9);
        // density at 0: 2 φ(0) = 2 / √(2π)
        let expected = (2.0 / (2.0 * std::f64::consts::PI).sqrt()).ln();
        assert!((p.log_density(0.0) - expected).abs() < 1e-9);
        assert!(Prior::Normal { mean: 0.0, sd: 1.0, min: 20.0, max: 30.0 }.problem().is_some());
    }
}
