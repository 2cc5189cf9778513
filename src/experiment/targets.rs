//! Targets (issue 14): hold a case's outputs against what its source reports. A target is an
//! interval for the mean over replications of a measure's mean over a window of months. The
//! measure is a metric (a column of timeseries.csv) or a count of one organisation
//! ([`Measure`]: `members:<organisation>`, `teams:<organisation>`).

use super::{Estimate, Replication};
use crate::measures::M;
use crate::model::organisations::{rows, OrgCount};
use crate::scenario::{Scenario, Target};

/// What a target's `measure` names, resolved against its scenario.
///
/// - a metric id, e.g. `active_volunteers`: that column of timeseries.csv;
/// - `members:<organisation>` or `teams:<organisation>`: at the end of every step, the members
///   of the alive teams the organisation sponsors (founded or incubated), or those teams — the
///   counts whose final-year means organisations.csv reports. `<organisation>` is a name of
///   organisations.csv: `government`, a social organisation's or an enterprise's `name`,
///   `community_fund`, or `residents` (resident-led teams).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    Metric(M),
    /// A count of organisation row `row` (see [`crate::model::organisations::rows`]).
    Organisation {
        count: OrgCount,
        row: usize,
    },
}

impl Measure {
    /// The measure `id` names in scenario `s`; the error says what is wrong and what is known.
    pub fn of(id: &str, s: &Scenario) -> Result<Measure, String> {
        let Some((count, name)) = id.split_once(':') else {
            return M::from_id(id)
                .map(Measure::Metric)
                .map_err(|e| format!("{e} (or members:<organisation>, teams:<organisation>)"));
        };
        let Some(count) = OrgCount::from_id(count) else {
            return Err(format!(
                "\"{id}\": a count of an organisation is members:<organisation> or teams:<organisation>"
            ));
        };
        let rows = rows(s);
        let matching: Vec<usize> = rows.iter().filter(|(_, n, _)| n == name).map(|(g, _, _)| *g).collect();
        match matching[..] {
            [row] => Ok(Measure::Organisation { count, row }),
            [] => {
                let known: Vec<&str> = rows.iter().map(|(_, n, _)| n.as_str()).collect();
                Err(format!("\"{name}\" is not an organisation of this scenario (known: {})", known.join(", ")))
            }
            _ => Err(format!("\"{name}\" names more than one organisation of this scenario; rename one")),
        }
    }

    /// Its value at step `t` of one replication (NaN past the replication's end).
    pub fn value(self, rep: &Replication, t: usize) -> f64 {
        match self {
            Measure::Metric(m) => rep.rows.get(t).map_or(f64::NAN, |row| row[m.index()]),
            Measure::Organisation { count, row } => {
                let o = &rep.organisations.by_step;
                if t < o.steps() && row < o.rows() {
                    o.get(count, t, row) as f64
                } else {
                    f64::NAN
                }
            }
        }
    }

    /// Unit, for charts.
    pub fn unit(self) -> &'static str {
        match self {
            Measure::Metric(m) => m.unit(),
            Measure::Organisation { count: OrgCount::Teams, .. } => "teams",
            Measure::Organisation { count: OrgCount::Members, .. } => "persons",
        }
    }

    /// Documented range of values, for charts.
    pub fn range(self) -> (f64, f64) {
        match self {
            Measure::Metric(m) => m.range(),
            Measure::Organisation { .. } => (0.0, f64::INFINITY),
        }
    }

    /// Title of a chart panel; `id` is the target's measure as written.
    pub fn title(self, id: &str) -> String {
        let lang = crate::lang::current();
        match self {
            Measure::Metric(m) => lang.metric_title(m).to_string(),
            Measure::Organisation { count, .. } => {
                let name = lang.name(id.split_once(':').map_or(id, |(_, n)| n));
                match count {
                    OrgCount::Teams => lang.fill("chart.teams_of", &[("name", &name)]),
                    OrgCount::Members => lang.fill("chart.members_of", &[("name", &name)]),
                }
            }
        }
    }
}

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

/// One replication's value of target `t`: the mean of its measure ([`Measure`]) over the
/// target's window (undefined steps left out; NaN if none is defined). This is what
/// `govsim cases` averages over replications and what a calibration's distance compares.
pub fn rep_value(t: &Target, s: &Scenario, rep: &Replication) -> f64 {
    let k = s.time.step_months;
    let months = window(t, s);
    // validation refuses an unknown measure; were one to get here, it has no value
    let Ok(measure) = Measure::of(&t.measure, s) else {
        return f64::NAN;
    };
    // step r covers the months up to (r + 1)·k, the csv's `month`
    let (mut sum, mut n) = (0.0, 0usize);
    for step in 0..rep.rows.len() {
        let month = (step as u32 + 1) * k;
        let v = measure.value(rep, step);
        if month >= months.0 && month <= months.1 && v.is_finite() {
            sum += v;
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
/// measure resolves and every window lies inside the run).
pub fn check(s: &Scenario, reps: &[Replication]) -> Vec<Checked> {
    s.targets
        .iter()
        .map(|t| {
            let per_rep: Vec<f64> = reps.iter().map(|r| rep_value(t, s, r)).collect();
            Checked { case: s.name.clone(), target: t.clone(), months: window(t, s), estimate: Estimate::of(&per_rep) }
        })
        .collect()
}
