//! Targets (issue 14): hold a case's outputs against what its source reports. A target is an
//! interval for the mean over replications of a metric's mean over a window of months.

use super::{Estimate, Replication};
use crate::measures::M;
use crate::scenario::{Scenario, Target};

/// One target held against the model: the replications' window means and where their mean
/// falls against the interval.
#[derive(Clone, Debug)]
pub struct Checked {
    pub case: String,
    pub target: Target,
    /// The window actually used, in timeseries.csv months (inclusive).
    pub months: (u32, u32),
    pub estimate: Estimate,
}

impl Checked {
    /// Whether the model's mean lies inside the target interval.
    pub fn within(&self) -> bool {
        self.estimate.mean >= self.target.low && self.estimate.mean <= self.target.high
    }

    /// How far the mean lies outside the interval, as a share of the nearer end (0 inside);
    /// negative below, positive above. An end at 0 gives the absolute distance.
    pub fn off(&self) -> f64 {
        let (m, lo, hi) = (self.estimate.mean, self.target.low, self.target.high);
        let relative = |d: f64, end: f64| if end == 0.0 { d } else { d / end.abs() };
        if m < lo {
            relative(m - lo, lo)
        } else if m > hi {
            relative(m - hi, hi)
        } else {
            0.0
        }
    }
}

/// The window of a target in timeseries.csv months: its own, or the run's final year.
pub fn window(t: &Target, s: &Scenario) -> (u32, u32) {
    let last = s.time.years * 12;
    if t.from_month == 0 && t.to_month == 0 {
        (last - 11, last)
    } else {
        (t.from_month, t.to_month)
    }
}

/// One replication's value of target `t`: the mean of its measure over the target's window
/// (undefined steps left out; NaN if none is defined). This is what `govsim cases` averages
/// over replications and what a calibration's distance compares.
pub fn rep_value(t: &Target, s: &Scenario, rep: &Replication) -> f64 {
    let k = s.time.step_months;
    let months = window(t, s);
    // validation refuses an unknown measure; were one to get here, it has no value
    let Ok(m) = M::from_id(&t.measure).map(M::index) else {
        return f64::NAN;
    };
    // row r covers the months up to (r + 1)·k, the csv's `month`
    let (mut sum, mut n) = (0.0, 0usize);
    for (step, row) in rep.rows.iter().enumerate() {
        let month = (step as u32 + 1) * k;
        if month >= months.0 && month <= months.1 && row[m].is_finite() {
            sum += row[m];
            n += 1;
        }
    }
    if n == 0 {
        f64::NAN
    } else {
        sum / n as f64
    }
}

/// Each of the scenario's targets against its replications (a validated scenario: every
/// measure is a metric id and every window lies inside the run).
pub fn check(s: &Scenario, reps: &[Replication]) -> Vec<Checked> {
    s.targets
        .iter()
        .map(|t| {
            let per_rep: Vec<f64> = reps.iter().map(|r| rep_value(t, s, r)).collect();
            Checked { case: s.name.clone(), target: t.clone(), months: window(t, s), estimate: Estimate::of(&per_rep) }
        })
        .collect()
}
