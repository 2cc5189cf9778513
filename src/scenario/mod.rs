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
    Parse {
        file: PathBuf,
        path: String,
        message: String,
    },
    /// The file parsed but values are out of range or inconsistent; all problems at once.
    Invalid { file: PathBuf, issues: Vec<Issue> },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Io { file, message } => {
                write!(f, "{}: cannot read: {message}", file.display())
            }
            ScenarioError::Parse {
                file,
                path,
                message,
            } => {
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
    let text = std::fs::read_to_string(file).map_err(|e| ScenarioError::Io {
        file: file.to_path_buf(),
        message: e.to_string(),
    })?;
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("scenario");
    parse(&text, file, stem)
}

/// Parse and validate scenario text; `file` is only used in messages.
pub fn parse(text: &str, file: &Path, default_name: &str) -> Result<Scenario, ScenarioError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let mut scenario: Scenario =
        serde_path_to_error::deserialize(de).map_err(|e| ScenarioError::Parse {
            file: file.to_path_buf(),
            path: e.path().to_string(),
            message: e.inner().to_string(),
        })?;
    if scenario.name.is_empty() {
        scenario.name = default_name.to_string();
    }
    let issues = validate(&scenario);
    if issues.is_empty() {
        Ok(scenario)
    } else {
        Err(ScenarioError::Invalid {
            file: file.to_path_buf(),
            issues,
        })
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
