//! The sweep file format (`govsim sweep SWEEP.json`): which scenarios, which factors with which
//! bounds or levels, which design, how many replications and which outputs to keep.
//! Unknown keys are errors; `govsim schema --sweep` prints the JSON Schema.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Runs per block when the sweep file does not say (see [`SweepFile::block_size`]).
pub const DEFAULT_BLOCK_SIZE: u32 = 16;

/// The allowed range of one whole-number field of a sweep file: the schema's `minimum` and
/// `maximum`, enforced when the file is loaded (`super::limits::check_bounds`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bound {
    pub min: u32,
    pub max: u32,
}

/// `replications`.
pub const REPLICATIONS: Bound = Bound { min: 1, max: 100_000 };
/// `block_size`.
pub const BLOCK_SIZE: Bound = Bound { min: 1, max: 1_000_000 };
/// `design.levels_per_factor` of a grid.
pub const GRID_LEVELS: Bound = Bound { min: 2, max: 10_000 };
/// `design.points` of a Latin hypercube.
pub const LHS_POINTS: Bound = Bound { min: 1, max: 10_000_000 };
/// `design.trajectories` of a Morris design.
pub const MORRIS_TRAJECTORIES: Bound = Bound { min: 1, max: 100_000 };
/// `design.levels` of a Morris design.
pub const MORRIS_LEVELS: Bound = Bound { min: 2, max: 1000 };
/// `design.base_samples` of a Sobol' design.
pub const SOBOL_BASE_SAMPLES: Bound = Bound { min: 1, max: 1_000_000 };

/// A parameter sweep over one or more scenarios.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// Optional JSON Schema reference for editors (`govsim schema --sweep > govsim.sweep.schema.json`).
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema_ref: Option<String>,
    /// Identifier of the sweep (letters, digits, `-`, `_`); the default output folder is `output/sweeps/<name>`.
    pub name: String,
    /// Free text: what the sweep asks.
    #[serde(default)]
    pub description: String,
    /// Scenario files (paths relative to this file), loaded as `govsim run` loads them (with `extends`).
    /// Every design point is run on every scenario, in this order.
    #[schemars(length(min = 1))]
    pub scenarios: Vec<String>,
    /// The factors varied, in design order (the last factor varies fastest in a grid).
    #[schemars(length(min = 1))]
    pub factors: Vec<Factor>,
    /// How design points are chosen.
    pub design: Design,
    /// Replications per scenario and design point; replication r of every point and scenario uses the
    /// simulator's random streams (seed, r): common random numbers.
    #[schemars(range(min = REPLICATIONS.min, max = REPLICATIONS.max))]
    pub replications: u32,
    /// Master seed of the simulations and of randomised designs.
    #[serde(default = "one")]
    pub seed: u64,
    /// Consecutive runs written together as one block file (the unit of sharding and resume).
    /// Smaller blocks lose less work when a job is pre-empted; larger ones make fewer files.
    #[serde(default = "default_block_size")]
    #[schemars(range(min = BLOCK_SIZE.min, max = BLOCK_SIZE.max))]
    pub block_size: u32,
    /// The scalar outputs kept per run (one column each in runs.csv).
    #[schemars(length(min = 1))]
    pub outputs: Vec<Output>,
}

fn one() -> u64 {
    1
}
fn default_block_size() -> u32 {
    DEFAULT_BLOCK_SIZE
}

/// One factor: one scenario parameter (or several set to the same value), with bounds or levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    /// Path into the scenario, dots between keys and list indices, e.g.
    /// `actors.government.budget_per_month` or `actors.social_organisations.0.social_workers`;
    /// or a list of such paths that are all set to the same value (linked parameters, e.g. an
    /// organisation's start month and the month of its entry event).
    pub path: FactorPath,
    /// Column header in the results (default: the first path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What charts and tables call the factor, in any language, e.g. "Government budget" or
    /// "政府预算" (default: a name derived from the parameter's documentation, e.g. "government:
    /// budget per month"); the unit is added from the documentation, the path stays in the tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Lower bound (with `max`), for a continuous factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper bound (with `min`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Explicit levels (instead of `min`/`max`); randomised designs pick level ⌊u·n⌋.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<f64>>,
}

/// One path or several linked paths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum FactorPath {
    One(String),
    Linked(Vec<String>),
}

impl FactorPath {
    pub fn paths(&self) -> Vec<&str> {
        match self {
            FactorPath::One(p) => vec![p.as_str()],
            FactorPath::Linked(ps) => ps.iter().map(String::as_str).collect(),
        }
    }
}

impl Factor {
    /// The factor's column header.
    pub fn header(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.path.paths().first().map(|p| p.to_string()).unwrap_or_default())
    }
}

/// How design points are chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Design {
    /// Full factorial grid (cartesian product, last factor fastest). `min`/`max` factors get
    /// `levels_per_factor` evenly spaced levels from min to max; `levels` factors their own levels.
    Grid {
        #[serde(default = "three")]
        #[schemars(range(min = GRID_LEVELS.min, max = GRID_LEVELS.max))]
        levels_per_factor: u32,
    },
    /// Latin hypercube sample of `points` points.
    LatinHypercube {
        #[schemars(range(min = LHS_POINTS.min, max = LHS_POINTS.max))]
        points: u32,
    },
    /// Morris elementary-effects trajectories: trajectories × (factors + 1) points on a `levels`-level grid (levels even).
    Morris {
        #[schemars(range(min = MORRIS_TRAJECTORIES.min, max = MORRIS_TRAJECTORIES.max))]
        trajectories: u32,
        #[serde(default = "four")]
        #[schemars(range(min = MORRIS_LEVELS.min, max = MORRIS_LEVELS.max))]
        levels: u32,
    },
    /// Saltelli sampling for Sobol' first-order and total indices: base_samples × (factors + 2) points.
    Sobol {
        #[schemars(range(min = SOBOL_BASE_SAMPLES.min, max = SOBOL_BASE_SAMPLES.max))]
        base_samples: u32,
    },
}

fn three() -> u32 {
    3
}
fn four() -> u32 {
    4
}

impl Design {
    pub fn kind(&self) -> &'static str {
        match self {
            Design::Grid { .. } => "grid",
            Design::LatinHypercube { .. } => "latin_hypercube",
            Design::Morris { .. } => "morris",
            Design::Sobol { .. } => "sobol",
        }
    }
}

/// A scalar output of each run: a metric and a statistic of its time series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// Metric id (see the README's list, e.g. `asymmetry`, `coverage`, `retention_12m`).
    pub metric: String,
    /// Which statistic of the metric's time series.
    pub statistic: Statistic,
    /// Column header in the results (default: `<metric>.<statistic>`, e.g. `coverage.final_year_mean`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A statistic of one run's time series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Statistic {
    /// Mean over the last year of the run (undefined steps left out).
    FinalYearMean,
    /// Mean over the whole run.
    WholeRunMean,
    /// Month at the end of the first step at which the metric is at or above (`above: true`) or at
    /// or below (`above: false`) the threshold; empty if it never is.
    TimeToThreshold { threshold: f64, above: bool },
    /// Shock measure of coverage around an event (metric must be `coverage`): the event is given by
    /// its index in the scenario's `events` (follows the event if a factor moves it) or by a month.
    CoverageShock {
        measure: ShockMeasure,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        month: Option<u32>,
    },
}

/// The shock measures of docs/ODD.md §7.10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShockMeasure {
    /// min Q(t)/Q_pre over the horizon.
    Robustness,
    /// Σ max(0, 1 − Q(t)/Q_pre) × months over the horizon.
    ResilienceLoss,
    /// Months until coverage recovers (empty if it does not within the horizon).
    RecoveryMonths,
    /// Coverage at the end of the horizon / Q_pre.
    Persistence,
}

impl ShockMeasure {
    pub fn id(self) -> &'static str {
        match self {
            ShockMeasure::Robustness => "robustness",
            ShockMeasure::ResilienceLoss => "resilience_loss",
            ShockMeasure::RecoveryMonths => "recovery_months",
            ShockMeasure::Persistence => "persistence",
        }
    }
}

impl Output {
    /// The output's column header.
    pub fn header(&self) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        let stat = match &self.statistic {
            Statistic::FinalYearMean => "final_year_mean".to_string(),
            Statistic::WholeRunMean => "whole_run_mean".to_string(),
            Statistic::TimeToThreshold { threshold, above } => {
                format!("months_to_{}_{threshold}", if *above { "above" } else { "below" })
            }
            Statistic::CoverageShock { measure, event, month } => match (event, month) {
                (Some(e), _) => format!("{}_event_{e}", measure.id()),
                (None, Some(m)) => format!("{}_month_{m}", measure.id()),
                (None, None) => measure.id().to_string(),
            },
        };
        format!("{}.{stat}", self.metric)
    }
}

/// The JSON Schema of sweep files (Draft 2020-12).
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(SweepFile)).expect("a schema is always serialisable")
}
