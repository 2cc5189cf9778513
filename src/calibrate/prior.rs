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

    /// From the working space to the parameter's own units (a log-uniform value is held to
    /// [min, max]: exp(ln max) may round just past max).
    pub fn from_work(&self, z: f64) -> f64 {
        match *self {
            Prior::LogUniform { min, max } => z.exp().clamp(min, max),
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
                let mass = normal_mass((lo - mean) / sd, (hi - mean) / sd);
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
                let (a, b) = ((lo - mean) / sd, (hi - mean) / sd);
                // in the upper tail Φ is close to 1 and loses digits: work in the mirror image
                let (a, b, p, sign) = if a > 0.0 { (-b, -a, 1.0 - p, -1.0) } else { (a, b, p, 1.0) };
                let (fa, fb) = (n.cdf(a), n.cdf(b));
                let q = fa + p * (fb - fa);
                // the inverse CDF is exact to rounding away from the tails; clamp what rounding leaves
                (mean + sign * sd * n.inverse_cdf(q.clamp(1e-300, 1.0 - 1e-16))).clamp(lo, hi)
            }
        }
    }

    /// The prior's bounds in the parameter's units (every value a calibration may try lies between).
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Prior::Uniform { min, max } | Prior::LogUniform { min, max } | Prior::Normal { min, max, .. } => (min, max),
        }
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

/// Φ(b) − Φ(a) for a < b, accurate in either tail.
fn normal_mass(a: f64, b: f64) -> f64 {
    let n = standard();
    if a > 0.0 {
        n.cdf(-a) - n.cdf(-b)
    } else {
        n.cdf(b) - n.cdf(a)
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

    #[test]
    fn far_upper_tails_keep_their_spread_and_log_ends_their_values() {
        // N(−10, 1) on [−2.01, −2]: 8 sd above the mean, the draws must still spread over it
        let p = Prior::Normal { mean: -10.0, sd: 1.0, min: -2.01, max: -2.0 };
        let (q1, q9) = (p.quantile(0.1), p.quantile(0.9));
        assert!(q1 < q9 && q1 >= -2.01 && q9 <= -2.0, "{q1} {q9}");
        // nearly all mass near the lower end, as the density falls steeply
        assert!(p.quantile(0.5) < -2.004);
        assert!(p.log_density(-2.005).is_finite());
        // exp(ln 100) rounds past 100: the ends are the written ends
        let l = Prior::LogUniform { min: 1.0, max: 100.0 };
        assert_eq!(l.bounds(), (1.0, 100.0));
        assert!(l.from_work(l.quantile(1.0)) <= 100.0);
    }
}
