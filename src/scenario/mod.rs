//! What a user writes: scenario types, loading with precise error paths, validation, schema.

pub mod district;
pub mod input;
pub mod params;
mod types;

pub use params::Issue;
pub use types::*;

use params::Check;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why a scenario file could not be used. Every variant names the file.
#[derive(Debug)]
pub enum ScenarioError {
    /// The file could not be read.
    Io { file: PathBuf, message: String },
    /// The file is not valid JSON or does not match the format (wrong type, unknown field…).
    Parse { file: PathBuf, path: String, message: String },
    /// The file parsed but values are out of range or inconsistent; all problems at once.
    Invalid { file: PathBuf, issues: Vec<Issue> },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Io { file, message } => {
                write!(f, "{}: cannot read: {message}", file.display())
            }
            ScenarioError::Parse { file, path, message } => {
                if path.is_empty() || path == "." {
                    write!(f, "{}: {message}", file.display())
                } else {
                    write!(f, "{}: at `{path}`: {message}", file.display())
                }
            }
            ScenarioError::Invalid { file, issues } => {
                write!(f, "{}: {} invalid value(s):", file.display(), issues.len())?;
                for i in issues {
                    write!(f, "\n  - {}: {}", i.path, i.message)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ScenarioError {}

/// Read, parse and validate a scenario file. The scenario's name defaults to the file stem.
/// A file with `"extends": "base.json"` is merged over its base first (see [`Scenario::extends`]).
pub fn load(file: &Path) -> Result<Scenario, ScenarioError> {
    let text = read(file)?;
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("scenario");
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(_) => return parse(&text, file, stem), // parse() reports the syntax error with its position
    };
    if value.get("extends").is_none() {
        return parse(&text, file, stem);
    }
    let merged = resolve_extends(value, file, 0)?;
    from_value(merged, file, stem)
}

fn read(file: &Path) -> Result<String, ScenarioError> {
    std::fs::read_to_string(file).map_err(|e| ScenarioError::Io { file: file.to_path_buf(), message: e.to_string() })
}

/// Follow `extends` chains (at most 8 deep) and merge each file over its base.
fn resolve_extends(
    mut value: serde_json::Value,
    file: &Path,
    depth: usize,
) -> Result<serde_json::Value, ScenarioError> {
    let Some(base) = value.as_object_mut().and_then(|o| o.remove("extends")) else { return Ok(value) };
    let invalid = |message: String| ScenarioError::Invalid {
        file: file.to_path_buf(),
        issues: vec![Issue { path: "extends".into(), message }],
    };
    let Some(base) = base.as_str() else { return Err(invalid(format!("expected a file path, found {base}"))) };
    if depth >= 8 {
        return Err(invalid("more than 8 levels of `extends` (is there a cycle?)".into()));
    }
    let base_path = file.parent().unwrap_or(Path::new(".")).join(base);
    let text = read(&base_path).map_err(|e| invalid(format!("cannot use \"{base}\": {e}")))?;
    let mut base_value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| invalid(format!("\"{}\" is not valid JSON: {e}", base_path.display())))?;
    base_value = resolve_extends(base_value, &base_path, depth + 1)?;
    if let Some(o) = base_value.as_object_mut() {
        o.remove("name");
        o.remove("$schema");
    }
    merge(&mut base_value, value);
    Ok(base_value)
}

/// Deep merge: objects merge key by key, anything else replaces.
fn merge(base: &mut serde_json::Value, over: serde_json::Value) {
    match (base, over) {
        (serde_json::Value::Object(b), serde_json::Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

fn from_value(value: serde_json::Value, file: &Path, default_name: &str) -> Result<Scenario, ScenarioError> {
    let mut scenario: Scenario = serde_path_to_error::deserialize(value).map_err(|e| ScenarioError::Parse {
        file: file.to_path_buf(),
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    finish(&mut scenario, file, default_name)?;
    Ok(scenario)
}

fn finish(scenario: &mut Scenario, file: &Path, default_name: &str) -> Result<(), ScenarioError> {
    if scenario.name.is_empty() {
        scenario.name = default_name.to_string();
    }
    scenario.extends = None;
    let issues = validate(scenario);
    if issues.is_empty() {
        Ok(())
    } else {
        Err(ScenarioError::Invalid { file: file.to_path_buf(), issues })
    }
}

/// Parse and validate scenario text; `file` is only used in messages.
pub fn parse(text: &str, file: &Path, default_name: &str) -> Result<Scenario, ScenarioError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let mut scenario: Scenario = serde_path_to_error::deserialize(de).map_err(|e| {
        use serde_json::error::Category;
        let syntax = matches!(e.inner().classify(), Category::Syntax | Category::Eof);
        ScenarioError::Parse {
            file: file.to_path_buf(),
            path: if syntax { String::new() } else { e.path().to_string() },
            message: if syntax { format!("not valid JSON: {}", e.inner()) } else { e.inner().to_string() },
        }
    })?;
    if scenario.extends.is_some() {
        let message = "`extends` needs the scenario to be loaded from a file (govsim::scenario::load)".to_string();
        return Err(ScenarioError::Invalid {
            file: file.to_path_buf(),
            issues: vec![Issue { path: "extends".into(), message }],
        });
    }
    finish(&mut scenario, file, default_name)?;
    Ok(scenario)
}

/// Every range and consistency problem of a scenario (empty = valid).
pub fn validate(s: &Scenario) -> Vec<Issue> {
    let mut issues = Vec::new();
    s.check("", &mut issues);
    types::cross_checks(s, &mut issues);
    issues
}

/// The JSON Schema of scenario files (Draft 2020-12), with defaults, ranges and units.
pub fn schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Scenario);
    serde_json::to_value(schema).expect("a schema is always serialisable")
}

/// Bytes of memory one agent needs while running (state plus ties), for the size check.
const BYTES_PER_AGENT_ESTIMATE: u64 = 48 + 4 * 16;

/// Bytes one replication of `s` needs for its agents (state plus ties), an upper estimate.
fn bytes_needed(s: &Scenario) -> u64 {
    let employees: u64 = s.actors.enterprises.iter().map(|e| e.employees as u64).sum();
    let ties = (s.community.local_ties + s.community.long_range_ties) as u64 * 4;
    (s.community.residents as u64 + employees) * (BYTES_PER_AGENT_ESTIMATE + ties)
}

fn too_big(what: &str, residents: u64, need: u64, threads: u64, limit: u64) -> String {
    format!(
        "{what}: {residents} residents need about {:.1} GiB with {threads} thread(s), more than the {:.1} GiB of memory available; use fewer residents or threads",
        need as f64 / (1u64 << 30) as f64,
        limit as f64 / (1u64 << 30) as f64
    )
}

/// Refuse up front runs whose agents cannot fit in memory: each thread holds one replication.
pub fn check_size(scenarios: &[Scenario], _reps: u32, threads: Option<usize>) -> Result<(), String> {
    let threads = threads.unwrap_or_else(rayon::current_num_threads).max(1) as u64;
    let Some(limit) = available_memory_bytes() else { return Ok(()) };
    for s in scenarios {
        let need = bytes_needed(s) * threads;
        if need > limit {
            return Err(too_big(
                &format!("scenario \"{}\"", s.name),
                s.community.residents as u64,
                need,
                threads,
                limit,
            ));
        }
    }
    Ok(())
}

/// Refuse up front a district whose communities cannot all fit in memory at once.
pub fn check_district_size(plan: &district::DistrictPlan) -> Result<(), String> {
    let Some(limit) = available_memory_bytes() else { return Ok(()) };
    let need: u64 = plan.communities.iter().map(|(s, _)| bytes_needed(s)).sum();
    if need > limit {
        return Err(too_big(&format!("district \"{}\"", plan.district.name), plan.residents(), need, 1, limit));
    }
    Ok(())
}

/// Available memory from /proc/meminfo (None where unknown).
fn available_memory_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
