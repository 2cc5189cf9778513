//! Comparison of driver models run with common random numbers: replication r of every model
//! shares residents and random streams, so differences between models are paired.

use super::stats::{final_year_means, Estimate};
use super::Replication;
use crate::measures::M;
use serde::Serialize;

/// Metrics compared pairwise and listed in comparison.md and district summaries, in display order.
pub const KEY_METRICS: &[M] = &[
    M::DependenceOnGovernment,
    M::GovernmentDependence,
    M::Asymmetry,
    M::SoleDependence,
    M::ActiveRate,
    M::RegularRate,
    M::Retention12m,
    M::CoproductionDepth,
    M::Burstiness,
    M::Coverage,
    M::SelfFundingShare,
    M::GovCostPerServiceHour,
    M::CoreVolunteers,
    M::Leaders,
    M::MeanSkill,
];

/// Vargha–Delaney A: probability that a value from `a` exceeds one from `b` (ties count half).
pub fn vargha_delaney(a: &[f64], b: &[f64]) -> f64 {
    let a: Vec<f64> = a.iter().copied().filter(|x| x.is_finite()).collect();
    let b: Vec<f64> = b.iter().copied().filter(|x| x.is_finite()).collect();
    if a.is_empty() || b.is_empty() {
        return f64::NAN;
    }
    let mut wins = 0.0;
    for x in &a {
        for y in &b {
            wins += if x > y {
                1.0
            } else if x == y {
                0.5
            } else {
                0.0
            };
        }
    }
    wins / (a.len() * b.len()) as f64
}

/// Effect-size label of A (Vargha & Delaney 2000 thresholds 0.56 / 0.64 / 0.71).
pub fn effect_label(a: f64) -> &'static str {
    if !a.is_finite() {
        return "undefined";
    }
    // distance from 0.5, with a tolerance so that A = 0.71 exactly counts as large
    let d = (a - 0.5).abs() + 1e-9;
    if d >= 0.21 {
        "large"
    } else if d >= 0.14 {
        "medium"
    } else if d >= 0.06 {
        "small"
    } else {
        "negligible"
    }
}

/// Mean and 95% t-interval of the paired differences a_r − b_r (pairs where both are defined).
pub fn paired_difference(a: &[f64], b: &[f64]) -> Estimate {
    let d: Vec<f64> = a.iter().zip(b).filter(|(x, y)| x.is_finite() && y.is_finite()).map(|(x, y)| x - y).collect();
    Estimate::of(&d)
}

/// One model's per-replication statistics of every metric.
pub struct ModelResults<'a> {
    pub name: String,
    pub reps: &'a [Replication],
    pub steps_per_year: usize,
}

impl ModelResults<'_> {
    /// Per replication, the final-year mean of metric `m`.
    pub fn final_year(&self, m: M) -> Vec<f64> {
        final_year_means(self.reps, m.index(), self.steps_per_year)
    }
}

/// A pairwise comparison of two models on one metric (final-year means).
#[derive(Clone, Debug, Serialize)]
pub struct PairwiseDifference {
    pub metric: M,
    pub model_a: String,
    pub model_b: String,
    /// Paired difference a − b across replications.
    pub difference: Estimate,
    pub vargha_delaney_a: f64,
    pub effect: &'static str,
}

/// Pairwise differences for every pair of models and every key metric.
pub fn pairwise(models: &[ModelResults]) -> Vec<PairwiseDifference> {
    let mut out = Vec::new();
    for &metric in KEY_METRICS {
        let stats: Vec<Vec<f64>> = models.iter().map(|x| x.final_year(metric)).collect();
        for i in 0..models.len() {
            for j in i + 1..models.len() {
                let a = vargha_delaney(&stats[i], &stats[j]);
                out.push(PairwiseDifference {
                    metric,
                    model_a: models[i].name.clone(),
                    model_b: models[j].name.clone(),
                    difference: paired_difference(&stats[i], &stats[j]),
                    vargha_delaney_a: a,
                    effect: effect_label(a),
                });
            }
        }
    }
    out
}

/// Mean and 95% band of one metric at every step across replications (for charts).
#[derive(Clone, Debug)]
pub struct Band {
    pub mean: Vec<f64>,
    pub low: Vec<f64>,
    pub high: Vec<f64>,
}

pub fn band(reps: &[Replication], m: M) -> Band {
    let m = m.index();
    band_of(reps, |r, t| r.rows[t][m])
}

/// Mean and 95% band across replications, at every step, of `value(replication, step)`.
pub fn band_of(reps: &[Replication], value: impl Fn(&Replication, usize) -> f64) -> Band {
    let steps = reps.iter().map(|r| r.rows.len()).min().unwrap_or(0);
    let mut b =
        Band { mean: Vec::with_capacity(steps), low: Vec::with_capacity(steps), high: Vec::with_capacity(steps) };
    let mut values = Vec::with_capacity(reps.len());
    for t in 0..steps {
        values.clear();
        values.extend(reps.iter().map(|r| value(r, t)));
        let e = Estimate::of(&values);
        b.mean.push(e.mean);
        // with one replication there is no interval: the band collapses onto the mean
        b.low.push(if e.ci_low.is_finite() { e.ci_low } else { e.mean });
        b.high.push(if e.ci_high.is_finite() { e.ci_high } else { e.mean });
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vargha_delaney_hand_cases() {
        // a beats b in all 4 pairs
        assert_eq!(vargha_delaney(&[3.0, 4.0], &[1.0, 2.0]), 1.0);
        // a = {1, 3}, b = {2, 2}: 1<2, 1<2, 3>2, 3>2 → 2/4
        assert_eq!(vargha_delaney(&[1.0, 3.0], &[2.0, 2.0]), 0.5);
        // ties count half: {1, 2} vs {2}: 0 + 0.5 → 0.25
        assert_eq!(vargha_delaney(&[1.0, 2.0], &[2.0]), 0.25);
        assert!(vargha_delaney(&[], &[1.0]).is_nan());
    }

    #[test]
    fn effect_labels_follow_the_thresholds() {
        assert_eq!(effect_label(0.5), "negligible");
        assert_eq!(effect_label(0.57), "small");
        assert_eq!(effect_label(0.36), "medium");
        assert_eq!(effect_label(0.71), "large");
        assert_eq!(effect_label(0.2), "large");
    }

    #[test]
    fn paired_difference_hand_case() {
        // differences 1, 2, 3 → mean 2, SD 1
        let e = paired_difference(&[2.0, 4.0, 6.0, f64::NAN], &[1.0, 2.0, 3.0, 0.0]);
        assert_eq!(e.n, 3);
        assert!((e.mean - 2.0).abs() < 1e-12 && (e.sd - 1.0).abs() < 1e-12);
    }
}
