//! Resolving a calibration file before anything runs: load its cases, pick their targets, check
//! every parameter at both ends of its prior in every case, and bound the number of runs. The
//! result, [`Resolved`], is written as `DIR/calibration.json`; a resumed calibration or another
//! shard must find the same file there.

use super::spec::{self, CalibrationFile, Method, Prior};
use crate::experiment::{run_replication_until, targets::rep_value};
use crate::scenario::{self, Scenario, Target};
use crate::sweep::path::{self, Kind};
use crate::sweep::plan::fail;
use crate::sweep::spec::Bound;
use crate::Error;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// Version tag of `calibration.json`.
pub const FORMAT: &str = "govsim-calibration/1";

/// How every run's random streams are chosen (written to calibration.json).
pub const SEED_RULE: &str = "particle i of generation t (the check: t = 65535) draws its proposal and its simulation seed from the ChaCha8 stream (seed, t << 32 | i); its runs of every case are the simulator's replications 0..R of that simulation seed; independent of shards and threads";

/// Column names of the results that a parameter may not take.
pub const RESERVED: [&str; 6] = ["particle", "seed", "log_weight", "distance", "generation", "weight"];

/// Generation number that labels the posterior predictive check's streams.
pub const CHECK_GENERATION: u32 = 0xFFFF;

/// The fully resolved calibration: what every shard and every resumed run must agree on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolved {
    pub format: String,
    pub govsim_version: String,
    pub name: String,
    pub description: String,
    /// The calibration file as written.
    pub calibration: CalibrationFile,
    /// Fitted cases first, then held-back cases.
    pub cases: Vec<ResolvedCase>,
    pub parameters: Vec<ResolvedParameter>,
    pub seeds: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedCase {
    /// The path as written in the calibration file.
    pub file: String,
    pub name: String,
    /// Held back: predicted, not fitted.
    pub holdout: bool,
    /// The loaded case (defaults filled in, `extends` resolved).
    pub scenario: Value,
    /// The targets used, in the case file's order.
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedParameter {
    pub header: String,
    pub paths: Vec<String>,
    /// "integer" (values rounded when set) or "real".
    pub kind: String,
    pub prior: Prior,
}

/// A resolved calibration with local paths and the cases as written, typed.
#[derive(Debug, Clone)]
pub struct Plan {
    pub file: PathBuf,
    pub resolved: Resolved,
    /// Each case's file on this machine.
    pub case_files: Vec<PathBuf>,
    /// Each case as written (the check's uncalibrated arm).
    pub defaults: Vec<Scenario>,
    /// Particles per population, kept, generations at most, acceptance to stop at.
    pub shape: (u32, u32, u32, f64),
}

/// One column of simulated target values: (case index, target index within the case).
pub type TargetRef = (usize, usize);

impl Plan {
    pub fn priors(&self) -> Vec<Prior> {
        self.resolved.parameters.iter().map(|p| p.prior).collect()
    }

    /// Indices of the fitted cases.
    pub fn fitted(&self) -> Vec<usize> {
        (0..self.resolved.cases.len()).filter(|&c| !self.resolved.cases[c].holdout).collect()
    }

    /// Every target of the cases `cases`, in order.
    pub fn targets_of(&self, cases: &[usize]) -> Vec<TargetRef> {
        cases.iter().flat_map(|&c| (0..self.resolved.cases[c].targets.len()).map(move |t| (c, t))).collect()
    }

    /// A target column's header, `case:target`.
    pub fn header(&self, (c, t): TargetRef) -> String {
        format!("{}:{}", self.resolved.cases[c].name, self.resolved.cases[c].targets[t].name)
    }

    pub fn target(&self, (c, t): TargetRef) -> &Target {
        &self.resolved.cases[c].targets[t]
    }

    /// Case `c` with the parameters at `theta` (the parameters' own units), validated; or the case
    /// as written when `theta` is None.
    pub fn scenario_at(&self, c: usize, theta: Option<&[f64]>) -> Result<Scenario, String> {
        let Some(theta) = theta else { return Ok(self.defaults[c].clone()) };
        let case = &self.resolved.cases[c];
        let mut value = case.scenario.clone();
        for (p, &v) in self.resolved.parameters.iter().zip(theta) {
            for path in &p.paths {
                path::set(&mut value, path, v).map_err(|e| format!("{}: {e}", p.header))?;
            }
        }
        scenario::parse(&value.to_string(), &self.case_files[c], &case.name).map_err(|e| e.to_string())
    }

    /// Simulate the targets of `cases` at `theta` (None: the cases as written): each case run
    /// `reps` times with the simulator's replications 0..reps of `sim_seed`; each target's value
    /// is the mean of its finite replication values (NaN if none). A parameter set that makes a
    /// case invalid gives NaN values and the reason. None if `stop` was set.
    pub fn simulate(
        &self,
        cases: &[usize],
        theta: Option<&[f64]>,
        sim_seed: u64,
        reps: u32,
        stop: &AtomicBool,
    ) -> Option<(Vec<f64>, Option<String>)> {
        let mut values = Vec::new();
        let mut problem = None;
        for &c in cases {
            let n = self.resolved.cases[c].targets.len();
            match self.scenario_at(c, theta) {
                Ok(s) => {
                    let mut sums = vec![(0.0, 0usize); n];
                    for r in 0..reps {
                        let rep = run_replication_until(&s, sim_seed, r, stop)?;
                        for (t, sum) in self.resolved.cases[c].targets.iter().zip(sums.iter_mut()) {
                            let v = rep_value(t, &s, &rep);
                            if v.is_finite() {
                                sum.0 += v;
                                sum.1 += 1;
                            }
                        }
                    }
                    values.extend(sums.iter().map(|&(s, k)| if k == 0 { f64::NAN } else { s / k as f64 }));
                }
                Err(e) => {
                    problem.get_or_insert(e);
                    values.extend(std::iter::repeat_n(f64::NAN, n));
                }
            }
        }
        Some((values, problem))
    }
}

/// The distance of simulated target values to their intervals: the weighted root mean square of
/// how far each value lies outside its interval, in half-widths of the interval. A value inside
/// its interval counts 0: the interval is what the source says ("700多" is 700–800), and the
/// source prefers no value inside it to another. ∞ when a value is undefined.
pub fn distance(targets: &[&Target], values: &[f64]) -> f64 {
    let (mut sum, mut weights) = (0.0, 0.0);
    for (t, &v) in targets.iter().zip(values) {
        if !v.is_finite() {
            return f64::INFINITY;
        }
        let half = (t.high - t.low) / 2.0;
        let d = (t.low - v).max(v - t.high).max(0.0) / half;
        sum += t.weight * d * d;
        weights += t.weight;
    }
    if weights > 0.0 {
        (sum / weights).sqrt()
    } else {
        0.0
    }
}

/// Read and check a calibration file's form: JSON, its schema, the name (as sweep files are read).
pub fn read_file(file: &Path) -> Result<CalibrationFile, Error> {
    crate::sweep::plan::read_input_file(file, scenario::input::FileKind::Calibration, &spec::schema())
}

/// Runs the calibration makes at most: every generation, and the predictive check.
pub fn total_runs(c: &CalibrationFile, fitted: u64, all: u64) -> u128 {
    let (n, keep, generations, _) = c.method.shape();
    let particles = n as u128 + (generations.saturating_sub(1)) as u128 * (n - keep) as u128;
    particles * fitted as u128 * c.replications as u128
        + 2 * c.check.draws as u128 * all as u128 * c.check.replications as u128
}

/// Load, check and resolve a calibration file; every problem at once as bad input. Refuses more
/// than `max_runs` runs.
pub fn prepare(file: &Path, max_runs: u64) -> Result<Plan, Error> {
    let spec = read_file(file)?;
    let mut problems = Vec::new();
    let mut bound = |field: &str, value: u32, b: Bound| {
        if value < b.min || value > b.max {
            problems.push(format!("{field}: value {value} is outside the allowed range [{}, {}]", b.min, b.max));
        }
    };
    bound("replications", spec.replications, spec::REPLICATIONS);
    bound("block_size", spec.block_size, spec::BLOCK_SIZE);
    bound("check.draws", spec.check.draws, spec::DRAWS);
    bound("check.replications", spec.check.replications, spec::REPLICATIONS);
    match spec.method {
        Method::AbcSmc { population, generations, alpha, min_acceptance } => {
            bound("method.population", population, spec::POPULATION);
            bound("method.generations", generations, spec::GENERATIONS);
            if !(0.05..=0.95).contains(&alpha) {
                problems.push(format!("method.alpha: value {alpha} is outside the allowed range [0.05, 0.95]"));
            }
            if !(0.0..=1.0).contains(&min_acceptance) {
                problems
                    .push(format!("method.min_acceptance: value {min_acceptance} is outside the allowed range [0, 1]"));
            }
        }
        Method::Rejection { samples, accept } => {
            bound("method.samples", samples, spec::POPULATION);
            if accept == 0 || accept > samples {
                problems.push(format!("method.accept: value {accept} must be from 1 to method.samples ({samples})"));
            }
        }
    }
    if spec.cases.is_empty() {
        problems.push("cases: needs at least one case to fit".into());
    }
    if spec.parameters.is_empty() {
        problems.push("parameters: needs at least one parameter".into());
    }
    if !problems.is_empty() {
        return Err(fail(file, problems));
    }
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut cases = Vec::new();
    let mut case_files: Vec<PathBuf> = Vec::new();
    let mut defaults = Vec::new();
    let refs = spec.cases.iter().map(|c| (c, false)).chain(spec.holdout.iter().map(|c| (c, true)));
    for (i, (c, holdout)) in refs.enumerate() {
        let label = if holdout { format!("holdout[{}]", i - spec.cases.len()) } else { format!("cases[{i}]") };
        let path = dir.join(&c.file);
        let s = match scenario::load(&path) {
            Ok(s) => s,
            Err(e) => {
                problems.push(format!("{label}: {e}"));
                continue;
            }
        };
        if let Some(first) = cases.iter().position(|k: &ResolvedCase| k.name == s.name) {
            problems.push(format!(
                "{label}: {} has the same scenario name \"{}\" as {}; results are labelled by name",
                path.display(),
                s.name,
                case_files[first].display()
            ));
        }
        let targets: Vec<Target> = match &c.targets {
            None => s.targets.clone(),
            Some(names) => {
                for n in names.iter().filter(|n| !s.targets.iter().any(|t| &t.name == *n)) {
                    let have: Vec<&str> = s.targets.iter().map(|t| t.name.as_str()).collect();
                    problems.push(format!(
                        "{label}.targets: case \"{}\" has no target \"{n}\"; it has: {}",
                        s.name,
                        if have.is_empty() { "none".to_string() } else { have.join(", ") }
                    ));
                }
                s.targets.iter().filter(|t| names.contains(&t.name)).cloned().collect()
            }
        };
        if targets.is_empty() {
            problems.push(format!(
                "{label}: case \"{}\" ({}) has no targets to {}; add `targets` to the case file",
                s.name,
                path.display(),
                if holdout { "predict" } else { "fit" }
            ));
        }
        for t in targets.iter().filter(|t| t.high <= t.low) {
            problems.push(format!(
                "{label}: target \"{}\" has low {} and high {}: a calibration needs an interval (low < high) to scale the distance",
                t.name, t.low, t.high
            ));
        }
        let value = serde_json::to_value(&s).unwrap_or(Value::Null);
        cases.push(ResolvedCase { file: c.file.clone(), name: s.name.clone(), holdout, scenario: value, targets });
        case_files.push(path);
        defaults.push(s);
    }
    let mut parameters = Vec::new();
    for (i, p) in spec.parameters.iter().enumerate() {
        let header = p.header();
        let label = format!("parameters[{i}] ({header})");
        let paths: Vec<String> = p.path.paths().iter().map(|s| s.to_string()).collect();
        if paths.is_empty() {
            problems.push(format!("{label}: `path` lists no paths"));
        }
        if header.is_empty() || !header.chars().all(|ch| ch.is_ascii_graphic() && ch != ',' && ch != ':') {
            problems.push(format!(
                "{label}: name {header:?} must be non-empty printable ASCII without spaces, commas or colons (`case:target` names the target columns)"
            ));
        } else if RESERVED.contains(&header.as_str()) {
            problems.push(format!(
                "{label}: name {header:?} is a column of the results already ({}); give the parameter another \"name\"",
                RESERVED.join(", ")
            ));
        } else if parameters.iter().any(|q: &ResolvedParameter| q.header == header) {
            problems.push(format!("{label}: name {header:?} is used twice; give the parameter a distinct \"name\""));
        }
        for q in &paths {
            let same = |other: &str| path::pointer(other) == path::pointer(q);
            if let Some(j) = parameters.iter().position(|o: &ResolvedParameter| o.paths.iter().any(|x| same(x))) {
                problems.push(format!(
                    "{label}: `{q}` is also the path of parameters[{j}]; a field can be one parameter only (the last value set would win)"
                ));
            }
        }
        if let Some(why) = p.prior.problem() {
            problems.push(format!("{label}.prior: {why}"));
        }
        let mut kind = None;
        for (case, path_c) in cases.iter().zip(&case_files) {
            for q in &paths {
                match path::kind_at(&case.scenario, q) {
                    Ok(Kind::Flag) => problems.push(format!(
                        "{label}: `{q}` is a true/false field; a calibration varies numbers (compare both settings as two scenarios instead)"
                    )),
                    Ok(k) => kind = Some(k),
                    Err(e) => problems.push(format!("{label}: in case \"{}\" ({}): {e}", case.name, path_c.display())),
                }
            }
        }
        parameters.push(ResolvedParameter {
            header,
            paths,
            kind: if kind == Some(Kind::Integer) { "integer" } else { "real" }.into(),
            prior: p.prior,
        });
    }
    let fitted = cases.iter().filter(|c| !c.holdout).count() as u64;
    let runs = total_runs(&spec, fitted, cases.len() as u64);
    if runs > max_runs as u128 {
        problems.push(format!(
            "the calibration asks for up to {runs} runs (generations × particles × fitted cases × replications, plus the check), more than --max-runs {max_runs}"
        ));
    }
    if !problems.is_empty() {
        return Err(fail(file, problems));
    }
    let resolved = Resolved {
        format: FORMAT.into(),
        govsim_version: crate::version::VERSION.into(),
        name: spec.name.clone(),
        description: spec.description.clone(),
        calibration: spec.clone(),
        cases,
        parameters,
        seeds: SEED_RULE.into(),
    };
    let plan = Plan { file: file.to_path_buf(), resolved, case_files, defaults, shape: spec.method.shape() };
    // every parameter at both ends of its prior must give a valid scenario in every case
    for (k, p) in plan.resolved.parameters.iter().enumerate() {
        let (lo, hi) = p.prior.bounds();
        for v in [lo, hi] {
            let mut theta: Vec<f64> =
                plan.resolved.parameters.iter().map(|q| q.prior.from_work(q.prior.quantile(0.5))).collect();
            theta[k] = v;
            for c in 0..plan.resolved.cases.len() {
                if let Err(e) = plan.scenario_at(c, Some(&theta)) {
                    problems.push(format!(
                        "parameters[{k}] ({}) = {v} (the prior's end; the others at their prior medians): not a valid case \"{}\": {e}",
                        p.header, plan.resolved.cases[c].name
                    ));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(fail(file, problems));
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(low: f64, high: f64, weight: f64) -> Target {
        Target { low, high, weight, ..Target::default() }
    }

    #[test]
    fn distance_by_hand() {
        // interval [0, 2]: half-width 1; value 4 is 2 half-widths above it, −1 one below
        let a = target(0.0, 2.0, 1.0);
        // interval [10, 20]: half-width 5; any value inside is 0
        let b = target(10.0, 20.0, 3.0);
        assert_eq!(distance(&[&a], &[4.0]), 2.0);
        assert_eq!(distance(&[&a], &[-1.0]), 1.0);
        assert_eq!(distance(&[&a], &[1.9]), 0.0);
        // weighted RMS: sqrt((1·4 + 3·0) / 4) = 1
        assert_eq!(distance(&[&a, &b], &[4.0, 11.0]), 1.0);
        // 30 is 2 half-widths above [10, 20]: sqrt((1·0 + 3·4) / 4) = √3
        assert_eq!(distance(&[&a, &b], &[1.0, 30.0]), 3f64.sqrt());
        assert_eq!(distance(&[&a, &b], &[4.0, f64::NAN]), f64::INFINITY);
    }
}
