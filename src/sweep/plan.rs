//! Resolving a sweep file: load its scenarios, check every factor at its bounds (or levels) in
//! every scenario, check the outputs, expand the design, and check every point — all before
//! anything runs. The result, [`Resolved`], is written as `DIR/sweep.json`.

use super::design::{self, Range};
use super::limits;
use super::path::{self, Kind};
use super::shard::Shard;
use super::spec::{Output, Statistic, SweepFile};
use crate::experiment::Replication;
use crate::measures::{M, METRICS};
use crate::scenario::{self, Scenario};
use crate::Error;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Version tag of `sweep.json`.
pub const FORMAT: &str = "govsim-sweep/1";

/// How each run's random streams are chosen (written to sweep.json and manifest.json).
pub const SEED_RULE: &str = "run i = (scenario index × points + point) × replications + replicate; it runs the simulator's streams for (seed, replicate): common random numbers across points and scenarios, independent of shards and threads";

/// The fully expanded sweep: what every shard must agree on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolved {
    pub format: String,
    pub govsim_version: String,
    pub name: String,
    pub description: String,
    /// The sweep file as written.
    pub sweep: SweepFile,
    pub scenarios: Vec<ResolvedScenario>,
    pub factors: Vec<ResolvedFactor>,
    pub outputs: Vec<ResolvedOutput>,
    pub seeds: String,
    pub seed: u64,
    pub replications: u32,
    pub block_size: u32,
    pub total_runs: u64,
    pub blocks: u64,
    /// Factor values of every design point (integer fields rounded), in design order.
    pub points: Vec<Vec<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedScenario {
    /// The path as written in the sweep file.
    pub file: String,
    pub name: String,
    /// The loaded scenario (defaults filled in, `extends` resolved) before any factor is applied.
    pub scenario: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedFactor {
    pub header: String,
    pub paths: Vec<String>,
    /// "integer" (values rounded), "real" or "flag" (0/1).
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedOutput {
    pub header: String,
    pub metric: M,
    pub statistic: Statistic,
    pub unit: String,
}

/// A resolved sweep with the local paths of its files and the scenario of every point (not
/// written anywhere).
#[derive(Debug, Clone)]
pub struct Plan {
    pub file: PathBuf,
    pub scenario_files: Vec<PathBuf>,
    pub resolved: Resolved,
    /// The scenario of every (scenario, point), typed and validated once by [`prepare`]:
    /// `points[s × points + p]`.
    points: Vec<Scenario>,
}

impl Plan {
    /// The scenario run at (scenario index, point): the base with the point's factor values set.
    pub fn scenario(&self, s: usize, p: usize) -> &Scenario {
        &self.points[self.held_at(s, p)]
    }

    /// Where the scenario of (scenario index, point) is among those the plan holds.
    pub fn held_at(&self, s: usize, p: usize) -> usize {
        s * self.resolved.points.len() + p
    }

    /// Which population the scenario of each (scenario, point) draws, as a number
    /// ([`crate::experiment::population_ids`]), at [`Plan::held_at`].
    pub fn population_ids(&self) -> Vec<usize> {
        crate::experiment::population_ids(&self.points)
    }

    /// How many scenarios the plan holds: one per scenario and design point.
    pub fn scenarios_held(&self) -> u64 {
        self.points.len() as u64
    }

    /// The blocks of `shard`, or every block.
    pub fn blocks_of(&self, shard: Option<&Shard>) -> Vec<u64> {
        match shard {
            Some(s) => super::shard::blocks_of(self.resolved.blocks, s.index, s.count),
            None => (0..self.resolved.blocks).collect(),
        }
    }
}

/// The first columns of runs.csv and of every block file: a run and where it belongs.
pub const RUN_COLUMNS: [&str; 4] = ["run", "scenario", "point", "replicate"];

/// Where run `i` belongs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunId {
    pub run: u64,
    pub scenario: usize,
    pub point: usize,
    pub replicate: u32,
}

impl Resolved {
    pub fn run_id(&self, run: u64) -> RunId {
        let reps = self.replications as u64;
        let points = self.points.len() as u64;
        RunId {
            run,
            scenario: (run / reps / points) as usize,
            point: (run / reps % points) as usize,
            replicate: (run % reps) as u32,
        }
    }

    /// Run indices of block `b`.
    pub fn block_runs(&self, b: u64) -> std::ops::Range<u64> {
        let size = self.block_size as u64;
        (b * size).min(self.total_runs)..((b + 1) * size).min(self.total_runs)
    }

    /// The column names of runs.csv and of every block file: [`RUN_COLUMNS`], then one per
    /// factor and one per output.
    pub fn columns(&self) -> Vec<&str> {
        let names =
            self.factors.iter().map(|f| f.header.as_str()).chain(self.outputs.iter().map(|o| o.header.as_str()));
        RUN_COLUMNS.into_iter().chain(names).collect()
    }

    /// The runs of these blocks.
    pub fn runs_in(&self, blocks: &[u64]) -> u64 {
        blocks.iter().map(|&b| self.block_runs(b).end - self.block_runs(b).start).sum()
    }
}

impl ResolvedFactor {
    /// What kind of field the factor sets ([`ResolvedFactor::kind`] as recorded).
    fn value_kind(&self) -> Kind {
        match self.kind.as_str() {
            "integer" => Kind::Integer,
            "flag" => Kind::Flag,
            _ => Kind::Real,
        }
    }
}

/// The scenario of every (scenario, point) in run order, each built once from the base's JSON
/// form with the point's values set by JSON pointer, typed (`serde` from the value, no text)
/// and validated with the cross-field checks. Up to 10 invalid points are reported.
fn build_points(r: &Resolved, file: &Path) -> Result<Vec<Scenario>, Error> {
    let pointers: Vec<Vec<String>> =
        r.factors.iter().map(|f| f.paths.iter().map(|p| path::pointer(p)).collect()).collect();
    let mut built = Vec::with_capacity(r.scenarios.len() * r.points.len());
    let mut problems = Vec::new();
    'outer: for base in &r.scenarios {
        for (p, values) in r.points.iter().enumerate() {
            match point_scenario(base, &r.factors, &pointers, values) {
                Ok(s) => built.push(s),
                Err(e) => {
                    let values: Vec<String> =
                        r.factors.iter().zip(values).map(|(f, v)| format!("{} = {v}", f.header)).collect();
                    problems.push(format!(
                        "design point {p} ({}) is not a valid scenario \"{}\": {e}",
                        values.join(", "),
                        base.name
                    ));
                    if problems.len() >= 10 {
                        problems.push("(further points not checked)".into());
                        break 'outer;
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(fail(file, problems));
    }
    Ok(built)
}

/// The scenario of one point: `values` (one per factor) set at every pointer of its factor.
fn point_scenario(
    base: &ResolvedScenario,
    factors: &[ResolvedFactor],
    pointers: &[Vec<String>],
    values: &[f64],
) -> Result<Scenario, String> {
    let mut value = base.scenario.clone();
    for ((f, pointers), &v) in factors.iter().zip(pointers).zip(values) {
        let (json, _) = path::json_value(f.value_kind(), v).map_err(|e| format!("factor `{}`: {e}", f.header))?;
        for pointer in pointers {
            let slot =
                value.pointer_mut(pointer).ok_or_else(|| format!("factor `{}`: no value at {pointer}", f.header))?;
            *slot = json.clone();
        }
    }
    let s: Scenario = serde_path_to_error::deserialize(value)
        .map_err(|e| format!("{}: at `{}`: {}", base.file, e.path(), e.inner()))?;
    let issues = scenario::validate(&s);
    if !issues.is_empty() {
        return Err(scenario::ScenarioError::Invalid { file: PathBuf::from(&base.file), issues }.to_string());
    }
    Ok(s)
}

pub(crate) fn fail(file: &Path, problems: Vec<String>) -> Error {
    let mut m = format!("{}: {} problem(s), nothing was run:", file.display(), problems.len());
    for p in problems {
        m.push_str("\n  - ");
        m.push_str(&p.replace('\n', "\n    "));
    }
    Error::input(m)
}

/// Characters allowed in column headers: printable ASCII without spaces. Commas and quotes are
/// fine (the CSV files quote such a cell).
fn plain(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_graphic())
}

/// Read and parse the sweep file strictly (see [`scenario::input`]): a regular file within the
/// size limit, one JSON object without duplicate keys, and every unknown key, wrong type,
/// missing key, out-of-range value and a bad `name` reported at once with its path.
pub fn read_sweep_file(file: &Path) -> Result<SweepFile, Error> {
    read_input_file(file, scenario::input::FileKind::Sweep, &super::schema())
}

/// Read a sweep or calibration file: JSON, its kind, its schema and its `name`, every problem
/// at once as bad input; then typed.
pub fn read_input_file<T: serde::de::DeserializeOwned>(
    file: &Path,
    kind: scenario::input::FileKind,
    schema: &Value,
) -> Result<T, Error> {
    use scenario::input;
    let input_error = |e: scenario::ScenarioError| Error::input(e.to_string());
    let text = input::read_json_text(file).map_err(input_error)?;
    let object = input::parse_object(&text, file).map_err(input_error)?;
    input::expect_kind(&object, file, kind).map_err(input_error)?;
    let value = Value::Object(object);
    let mut found = input::check_schema(&value, schema, "");
    if let Some(Err(message)) = value.get("name").and_then(Value::as_str).map(scenario::check_name) {
        found.push("name".into(), message, true);
    }
    if !found.issues.is_empty() {
        return Err(fail(file, found.into_issues().iter().map(|i| format!("{}: {}", i.path, i.message)).collect()));
    }
    serde_path_to_error::deserialize(value)
        .map_err(|e| Error::input(format!("{}: at `{}`: {}", file.display(), e.path(), e.inner())))
}

/// Load, check and expand a sweep file, and build the scenario of every point. Every problem is
/// reported at once as bad input. The file's numbers are held to the schema's bounds and the
/// runs to `max_runs` (and the design's memory to [`limits::MAX_DESIGN_BYTES`]) before any
/// scenario is loaded or any design point is built (see [`limits`]).
pub fn prepare(file: &Path, max_runs: u64) -> Result<Plan, Error> {
    let spec = read_sweep_file(file)?;
    check_limits(file, &spec, max_runs)?;
    // (the name was checked by read_sweep_file with the shared scenario::check_name)
    let mut problems = Vec::new();
    for (what, empty) in [
        ("scenarios", spec.scenarios.is_empty()),
        ("factors", spec.factors.is_empty()),
        ("outputs", spec.outputs.is_empty()),
    ] {
        if empty {
            problems.push(format!("{what}: needs at least one entry"));
        }
    }
    let bases = load_bases(file.parent().unwrap_or(Path::new(".")), &spec, &mut problems);
    let base_values: Vec<Value> = bases.iter().map(|(_, s)| serde_json::to_value(s).unwrap_or(Value::Null)).collect();
    let mut headers: Vec<String> = Vec::new();
    let (factors, ranges) = resolve_factors(&spec, &bases, &base_values, &mut headers, &mut problems);
    let outputs = resolve_outputs(&spec, &bases, &mut headers, &mut problems);
    if !problems.is_empty() {
        return Err(fail(file, problems));
    }
    let points = match design::design_points(&spec.design, &ranges, spec.seed) {
        Ok(p) => p,
        Err(e) => return Err(fail(file, vec![format!("design: {e}")])),
    };
    // round integer fields so the recorded values are the values run
    let points: Vec<Vec<f64>> = points
        .into_iter()
        .map(|p| p.into_iter().zip(&factors).map(|(v, f)| if f.kind == "integer" { v.round() } else { v }).collect())
        .collect();
    let total_runs = bases.len() as u64 * points.len() as u64 * spec.replications as u64;
    let block_size = spec.block_size.max(1);
    let resolved = Resolved {
        format: FORMAT.into(),
        govsim_version: crate::version::VERSION.into(),
        name: spec.name.clone(),
        description: spec.description.clone(),
        sweep: spec.clone(),
        scenarios: bases
            .iter()
            .zip(&spec.scenarios)
            .zip(base_values)
            .map(|(((_, s), rel), v)| ResolvedScenario { file: rel.clone(), name: s.name.clone(), scenario: v })
            .collect(),
        factors,
        outputs,
        seeds: SEED_RULE.into(),
        seed: spec.seed,
        replications: spec.replications,
        block_size,
        total_runs,
        blocks: total_runs.div_ceil(block_size as u64),
        points,
    };
    // every point in every scenario must be a valid scenario (cross-field checks too)
    let points = build_points(&resolved, file)?;
    let scenario_files = bases.into_iter().map(|(f, _)| f).collect();
    Ok(Plan { file: file.to_path_buf(), scenario_files, resolved, points })
}

/// Load the sweep's scenarios (paths relative to the sweep file's folder `dir`); their names
/// must differ ([`scenario::duplicate_names`]): results are labelled by name.
fn load_bases(dir: &Path, spec: &SweepFile, problems: &mut Vec<String>) -> Vec<(PathBuf, Scenario)> {
    let loaded: Vec<(PathBuf, Result<Scenario, scenario::ScenarioError>)> =
        spec.scenarios.iter().map(|rel| (dir.join(rel), scenario::load(&dir.join(rel)))).collect();
    let names = loaded.iter().filter_map(|(_, s)| s.as_ref().ok()).map(|s| s.name.as_str());
    // (index among the loaded scenarios, index of the first with its name)
    let duplicates = scenario::duplicate_names(names);
    let mut bases: Vec<(PathBuf, Scenario)> = Vec::new();
    for (i, (path, s)) in loaded.into_iter().enumerate() {
        match s {
            Ok(s) => {
                if let Some(&(_, first)) = duplicates.iter().find(|(k, _)| *k == bases.len()) {
                    problems.push(format!(
                        "scenarios[{i}]: {} has the same scenario name \"{}\" as {}; results are labelled by name",
                        path.display(),
                        s.name,
                        bases[first].0.display()
                    ));
                }
                bases.push((path, s));
            }
            Err(e) => problems.push(format!("scenarios[{i}]: {e}")),
        }
    }
    bases
}

/// A column name's problem: not printable ASCII, or used twice (by a factor, an output or the
/// fixed columns). `what` is "factor" or "output".
fn check_header(header: &str, label: &str, what: &str, headers: &mut Vec<String>, problems: &mut Vec<String>) {
    if !plain(header) {
        problems.push(format!("{label}: column name {header:?} must be non-empty printable ASCII without spaces"));
    } else if headers.iter().any(|h| h == header) || RUN_COLUMNS.contains(&header) {
        problems.push(format!("{label}: column name {header:?} is used twice; give the {what} a distinct \"name\""));
    }
    headers.push(header.to_string());
}

/// The factors: ranges, paths, and every bound or level in every scenario.
fn resolve_factors(
    spec: &SweepFile,
    bases: &[(PathBuf, Scenario)],
    base_values: &[Value],
    headers: &mut Vec<String>,
    problems: &mut Vec<String>,
) -> (Vec<ResolvedFactor>, Vec<Range>) {
    let mut ranges = Vec::new();
    let mut factors = Vec::new();
    for (i, f) in spec.factors.iter().enumerate() {
        let paths: Vec<String> = f.path.paths().iter().map(|p| p.to_string()).collect();
        let label = format!("factors[{i}] ({})", paths.join(" = "));
        if paths.is_empty() {
            problems.push(format!("factors[{i}]: `path` lists no paths"));
            continue;
        }
        let header = f.header();
        check_header(&header, &label, "factor", headers, problems);
        let range = match Range::of(f) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{label}: {e}"));
                continue;
            }
        };
        let (path_ok, kind) = factor_kind(&label, &paths, bases, base_values, problems);
        if path_ok {
            for ((file_i, s), value) in bases.iter().zip(base_values) {
                for v in range.extremes() {
                    if let Some(problem) = check_value(value, &paths, v, s, file_i) {
                        problems.push(format!("{label} = {v}: {problem}"));
                    }
                }
            }
        }
        let kind = match kind {
            Some(Kind::Integer) => "integer",
            Some(Kind::Flag) => "flag",
            _ => "real",
        };
        factors.push(ResolvedFactor {
            header,
            paths,
            kind: kind.into(),
            min: f.min,
            max: f.max,
            levels: f.levels.clone(),
        });
        ranges.push(range);
    }
    (factors, ranges)
}

/// The kind of field a factor's paths lead to in the scenarios, and whether every path leads
/// to a number or flag in every scenario (each problem is recorded).
fn factor_kind(
    label: &str,
    paths: &[String],
    bases: &[(PathBuf, Scenario)],
    base_values: &[Value],
    problems: &mut Vec<String>,
) -> (bool, Option<Kind>) {
    let mut kind = None;
    let mut path_ok = true;
    for ((file_i, s), value) in bases.iter().zip(base_values) {
        for p in paths {
            match path::kind_at(value, p) {
                Ok(k) => {
                    if kind.is_some_and(|old| old != k) {
                        problems.push(format!("{label}: `{p}` is a different kind of field than the other paths"));
                    }
                    kind = Some(k);
                }
                Err(e) => {
                    path_ok = false;
                    problems.push(format!("{label}: in scenario \"{}\" ({}): {e}", s.name, file_i.display()));
                }
            }
        }
    }
    (path_ok, kind)
}

/// The outputs: metrics, column names, and the settings of each statistic in every scenario.
fn resolve_outputs(
    spec: &SweepFile,
    bases: &[(PathBuf, Scenario)],
    headers: &mut Vec<String>,
    problems: &mut Vec<String>,
) -> Vec<ResolvedOutput> {
    let mut outputs = Vec::new();
    for (i, o) in spec.outputs.iter().enumerate() {
        let header = o.header();
        let label = format!("outputs[{i}] ({header})");
        let Ok(m) = M::from_id(&o.metric) else {
            let ids: Vec<&str> = METRICS.iter().map(|m| m.id).collect();
            problems.push(format!(
                "outputs[{i}].metric: \"{}\" is not a metric; nearest: {}",
                o.metric,
                path::nearest(&o.metric, &ids, 5).join(", ")
            ));
            continue;
        };
        check_header(&header, &label, "output", headers, problems);
        check_statistic(&label, o, bases, problems);
        outputs.push(ResolvedOutput { header, metric: m, statistic: o.statistic.clone(), unit: m.unit().to_string() });
    }
    outputs
}

/// A statistic's settings: a finite threshold; a coverage shock on coverage, at an event or a
/// month that every scenario has.
fn check_statistic(label: &str, o: &Output, bases: &[(PathBuf, Scenario)], problems: &mut Vec<String>) {
    match &o.statistic {
        Statistic::TimeToThreshold { threshold, .. } if !threshold.is_finite() => {
            problems.push(format!("{label}: threshold must be a finite number"));
        }
        Statistic::CoverageShock { event, month, .. } => {
            if o.metric != "coverage" {
                problems.push(format!("{label}: coverage_shock is measured on coverage; set \"metric\": \"coverage\""));
            }
            match (event, month) {
                (Some(_), Some(_)) | (None, None) => {
                    problems.push(format!("{label}: coverage_shock needs exactly one of `event` (index in the scenario's events) or `month`"));
                }
                (Some(e), None) => {
                    for (f, s) in bases.iter().filter(|(_, s)| *e as usize >= s.events.len()) {
                        problems.push(format!(
                            "{label}: scenario \"{}\" ({}) has {} event(s), so there is no event {e}",
                            s.name,
                            f.display(),
                            s.events.len()
                        ));
                    }
                }
                (None, Some(month)) => {
                    for (f, s) in bases.iter().filter(|(_, s)| *month == 0 || *month >= s.time.years * 12) {
                        problems.push(format!(
                            "{label}: month {month} is not inside the run of scenario \"{}\" ({}): months 1 to {}",
                            s.name,
                            f.display(),
                            s.time.years * 12 - 1
                        ));
                    }
                }
            }
        }
        _ => {}
    }
}

/// The schema's bounds and the size limits of [`limits`], checked on the sweep file alone:
/// nothing is loaded or built before they hold.
fn check_limits(file: &Path, spec: &SweepFile, max_runs: u64) -> Result<(), Error> {
    let mut problems = limits::check_bounds(spec);
    if problems.is_empty() {
        if let Err(p) = limits::check_size(spec, max_runs) {
            problems.extend(p);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(fail(file, problems))
    }
}

/// Set `v` at every path of a factor in a copy of the scenario and validate; the problem if any.
fn check_value(base: &Value, paths: &[String], v: f64, s: &Scenario, file: &Path) -> Option<String> {
    let mut value = base.clone();
    for p in paths {
        if let Err(e) = path::set(&mut value, p, v) {
            return Some(format!("in scenario \"{}\" ({}): `{p}`: {e}", s.name, file.display()));
        }
    }
    match scenario::parse(&value.to_string(), file, &s.name) {
        Ok(_) => None,
        Err(scenario::ScenarioError::Invalid { issues, .. }) => Some(format!(
            "not allowed in scenario \"{}\" ({}): {}",
            s.name,
            file.display(),
            issues.iter().map(|i| format!("{}: {}", i.path, i.message)).collect::<Vec<_>>().join("; ")
        )),
        Err(e) => Some(format!("not allowed in scenario \"{}\": {e}", s.name)),
    }
}

/// The outputs of one run, in the sweep's output order (NaN where undefined).
pub fn outputs_of(outputs: &[ResolvedOutput], s: &Scenario, rep: &Replication) -> Vec<f64> {
    let k = s.time.step_months.max(1);
    let steps_per_year = (12 / k) as usize;
    outputs
        .iter()
        .map(|o| {
            let m = o.metric.index();
            match &o.statistic {
                Statistic::FinalYearMean => {
                    crate::experiment::stats::final_year_means(std::slice::from_ref(rep), m, steps_per_year)[0]
                }
                Statistic::WholeRunMean => crate::experiment::stats::finite_mean(rep.rows.iter().map(|r| r[m])),
                Statistic::TimeToThreshold { threshold, above } => rep
                    .rows
                    .iter()
                    .position(|r| if *above { r[m] >= *threshold } else { r[m] <= *threshold })
                    .map_or(f64::NAN, |step| ((step as u32 + 1) * k) as f64),
                Statistic::CoverageShock { measure, event, month } => {
                    let month = match (event, month) {
                        (Some(e), _) => s.events.get(*e as usize).map(|ev| ev.month()),
                        (None, m) => *m,
                    };
                    let Some(month) = month else { return f64::NAN };
                    let shock = crate::experiment::coverage_shock(rep, s, month);
                    match measure {
                        super::spec::ShockMeasure::Robustness => shock.robustness,
                        super::spec::ShockMeasure::ResilienceLoss => shock.resilience_loss,
                        super::spec::ShockMeasure::RecoveryMonths => shock.recovery_months,
                        super::spec::ShockMeasure::Persistence => shock.persistence,
                    }
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_point_is_the_scenario_the_strict_loader_gives() {
        // the shipped two-factor grid: a real, an integer factor, two scenarios
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("sweeps/budget-by-so-capacity.json");
        let plan = prepare(&file, limits::DEFAULT_MAX_RUNS).unwrap();
        let r = &plan.resolved;
        assert_eq!(plan.scenarios_held(), (r.scenarios.len() * r.points.len()) as u64);
        for (s, base) in r.scenarios.iter().enumerate() {
            for (p, values) in r.points.iter().enumerate() {
                // the old way: set by path in the JSON form, print it, parse the text strictly
                let mut value = base.scenario.clone();
                for (f, &v) in r.factors.iter().zip(values) {
                    for path in &f.paths {
                        path::set(&mut value, path, v).unwrap();
                    }
                }
                let strict = scenario::parse(&value.to_string(), Path::new(&base.file), &base.name).unwrap();
                assert_eq!(plan.scenario(s, p), &strict, "scenario {s}, point {p}");
            }
        }
        let b = plan.scenario(1, 24);
        assert_eq!(b.actors.government.budget_per_month, 80000.0);
        assert_eq!(b.actors.social_organisations[0].social_workers, 8);
    }

    #[test]
    fn column_names_may_hold_commas_and_quotes_but_not_spaces() {
        let (mut headers, mut problems) = (Vec::new(), Vec::new());
        for name in ["exit,\"hazard\"", "a.b", "exit hazard", "", "line\nbreak", "exit,\"hazard\"", "run"] {
            check_header(name, "factors[0]", "factor", &mut headers, &mut problems);
        }
        assert_eq!(
            problems,
            [
                "factors[0]: column name \"exit hazard\" must be non-empty printable ASCII without spaces",
                "factors[0]: column name \"\" must be non-empty printable ASCII without spaces",
                "factors[0]: column name \"line\\nbreak\" must be non-empty printable ASCII without spaces",
                "factors[0]: column name \"exit,\\\"hazard\\\"\" is used twice; give the factor a distinct \"name\"",
                "factors[0]: column name \"run\" is used twice; give the factor a distinct \"name\"",
            ]
        );
    }
}
