//! The calibration file format (`govsim calibrate CALIBRATION.json`): which cases and targets
//! are fitted and which are held back, the free parameters with their priors, the method and its
//! budget. Unknown keys are errors; `govsim schema --calibration` prints the JSON Schema.

use crate::sweep::spec::{Bound, FactorPath};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `replications` (runs of each case per particle).
pub const REPLICATIONS: Bound = Bound { min: 1, max: 1000 };
/// `block_size` (particles per block file).
pub const BLOCK_SIZE: Bound = Bound { min: 1, max: 100_000 };
/// `method.population` of ABC-SMC and `method.samples` of rejection.
pub const POPULATION: Bound = Bound { min: 4, max: 1_000_000 };
/// `method.generations` of ABC-SMC.
pub const GENERATIONS: Bound = Bound { min: 1, max: 100 };
/// `check.draws` of the posterior predictive check.
pub const DRAWS: Bound = Bound { min: 2, max: 10_000 };

/// A calibration of scenario parameters to the targets of one or more cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalibrationFile {
    /// Optional JSON Schema reference for editors (`govsim schema --calibration > govsim.calibration.schema.json`).
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema_ref: Option<String>,
    /// Identifier (letters, digits, `-`, `_`); the default output folder is `output/calibrations/<name>`.
    pub name: String,
    /// Free text: what is calibrated and why.
    #[serde(default)]
    pub description: String,
    /// The cases fitted: scenario files with `targets` (paths relative to this file). Every
    /// parameter is set to the same value in every case (a shared coefficient).
    #[schemars(length(min = 1))]
    pub cases: Vec<CaseRef>,
    /// Cases held back: not fitted, only predicted at the posterior (the out-of-sample check).
    #[serde(default)]
    pub holdout: Vec<CaseRef>,
    /// The free parameters, with their priors.
    #[schemars(length(min = 1))]
    pub parameters: Vec<Parameter>,
    /// How the posterior is approximated.
    pub method: Method,
    /// Runs of each case per particle; the particle's simulated target is their mean. 1 (the
    /// default) is standard ABC: one simulated community against the one the source observed.
    /// More compares the mean of R runs: the posterior is then for parameters whose expected
    /// value meets the targets, and it narrows as R grows (it leaves out run-to-run variation).
    #[serde(default = "one_u32")]
    #[schemars(range(min = REPLICATIONS.min, max = REPLICATIONS.max))]
    pub replications: u32,
    /// Master seed: proposals and simulations of particle i of generation t draw from streams
    /// derived from (seed, t, i).
    #[serde(default = "one")]
    pub seed: u64,
    /// Particles written together as one block file (the unit of sharding and resume).
    #[serde(default = "eight")]
    #[schemars(range(min = BLOCK_SIZE.min, max = BLOCK_SIZE.max))]
    pub block_size: u32,
    /// The posterior predictive check, run after the last generation.
    #[serde(default)]
    pub check: Check,
}

fn one() -> u64 {
    1
}
fn one_u32() -> u32 {
    1
}
fn two() -> u32 {
    2
}
fn eight() -> u32 {
    8
}

/// A case file and which of its targets are used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseRef {
    /// Scenario file (relative to the calibration file), loaded as `govsim run` loads it.
    pub file: String,
    /// Names of the case's targets to use (default: all of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<String>>,
}

/// One free parameter: one scenario path (or several linked paths set to the same value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// Path into the scenario as in sweeps, e.g. `behaviour.recruitment.slack`.
    pub path: FactorPath,
    /// Column header in the results (default: the first path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What charts and tables call the parameter, in any language, e.g. "Base exit hazard" or
    /// "基础退出风险" (default: a name derived from the parameter's documentation, e.g.
    /// "retention: base exit hazard"); the unit is added from the documentation, the path stays
    /// in the tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The prior distribution.
    pub prior: Prior,
}

impl Parameter {
    pub fn header(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.path.paths().first().map(|p| p.to_string()).unwrap_or_default())
    }
}

/// A prior distribution of one parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Prior {
    /// Uniform on [min, max].
    Uniform { min: f64, max: f64 },
    /// Uniform in log(x) on [min, max] (0 < min < max): for a scale known only to its order.
    LogUniform { min: f64, max: f64 },
    /// Normal(mean, sd) truncated to [min, max].
    Normal { mean: f64, sd: f64, min: f64, max: f64 },
}

/// How the posterior is approximated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Method {
    /// Adaptive ABC-SMC as population Monte Carlo with an adaptive tolerance (Lenormand,
    /// Jabot & Deffuant 2013; weights as Beaumont et al. 2009): generation 0 draws `population`
    /// particles from the prior and keeps the best share `alpha`; each later generation
    /// proposes population × (1 − alpha) new particles around the kept ones, the tolerance
    /// becomes the alpha-quantile of all distances, and the run stops after `generations` or
    /// when fewer than `min_acceptance` of the new particles are accepted.
    AbcSmc {
        #[schemars(range(min = POPULATION.min, max = POPULATION.max))]
        population: u32,
        #[schemars(range(min = GENERATIONS.min, max = GENERATIONS.max))]
        generations: u32,
        /// Share of particles kept each generation.
        #[serde(default = "half")]
        #[schemars(range(min = 0.05, max = 0.95))]
        alpha: f64,
        /// Stop when fewer than this share of a generation's new particles are accepted.
        #[serde(default = "two_percent")]
        #[schemars(range(min = 0.0, max = 1.0))]
        min_acceptance: f64,
    },
    /// Plain ABC rejection: `samples` particles from the prior, the `accept` closest kept.
    Rejection {
        #[schemars(range(min = POPULATION.min, max = POPULATION.max))]
        samples: u32,
        #[schemars(range(min = 1, max = POPULATION.max))]
        accept: u32,
    },
}

fn half() -> f64 {
    0.5
}
fn two_percent() -> f64 {
    0.02
}

impl Method {
    /// (particles per population, particles kept, generations at most, acceptance to stop at).
    pub fn shape(&self) -> (u32, u32, u32, f64) {
        match *self {
            Method::AbcSmc { population, generations, alpha, min_acceptance } => {
                let kept = ((population as f64 * alpha).ceil() as u32).clamp(1, population.saturating_sub(1).max(1));
                (population, kept, generations, min_acceptance)
            }
            Method::Rejection { samples, accept } => (samples, accept.min(samples), 1, 0.0),
        }
    }
}

/// The posterior predictive check: draws from the posterior (by weight) and as many runs of the
/// cases as written (the uncalibrated defaults), each case run `replications` times per draw.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Check {
    #[serde(default = "twenty")]
    #[schemars(range(min = DRAWS.min, max = DRAWS.max))]
    pub draws: u32,
    #[serde(default = "two")]
    #[schemars(range(min = REPLICATIONS.min, max = REPLICATIONS.max))]
    pub replications: u32,
}

fn twenty() -> u32 {
    20
}

impl Default for Check {
    fn default() -> Check {
        Check { draws: twenty(), replications: two() }
    }
}

/// The JSON Schema of calibration files (Draft 2020-12).
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(CalibrationFile)).expect("a schema is always serialisable")
}
