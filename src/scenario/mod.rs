//! What a user writes: scenario types, loading with precise error paths, validation, schema.

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
pub fn load(file: &Path) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| ScenarioError::Io { file: file.to_path_buf(), message: e.to_string() })?;
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("scenario");
    parse(&text, file, stem)
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
    if scenario.name.is_empty() {
        scenario.name = default_name.to_string();
    }
    let issues = validate(&scenario);
    if issues.is_empty() {
        Ok(scenario)
    } else {
        Err(ScenarioError::Invalid { file: file.to_path_buf(), issues })
    }
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

/// Refuse up front runs whose agents cannot fit in memory: each thread holds one replication.
pub fn check_size(scenarios: &[Scenario], _reps: u32, threads: Option<usize>) -> Result<(), String> {
    let threads = threads.unwrap_or_else(rayon::current_num_threads).max(1) as u64;
    let limit = available_memory_bytes();
    for s in scenarios {
        let employees: u64 = s.actors.enterprises.iter().map(|e| e.employees as u64).sum();
        let ties = (s.community.local_ties + s.community.long_range_ties) as u64 * 4;
        let per_rep = (s.community.residents as u64 + employees) * (BYTES_PER_AGENT_ESTIMATE + ties);
        let need = per_rep * threads;
        if let Some(limit) = limit {
            if need > limit {
                return Err(format!(
                    "scenario \"{}\": {} residents need about {:.1} GiB with {} threads, more than the {:.1} GiB of memory available; use fewer residents or --threads",
                    s.name,
                    s.community.residents,
                    need as f64 / (1u64 << 30) as f64,
                    threads,
                    limit as f64 / (1u64 << 30) as f64
                ));
            }
        }
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
