//! What a user writes: scenario types, loading with precise error paths, validation, schema.

pub mod district;
mod events;
pub mod input;
pub mod params;
pub mod reference;
pub mod region;
mod types;
mod validate;

pub use events::{Category, Event, MAX_EVENTS};
pub use params::Issue;
pub use types::*;
pub use validate::{MAX_COURTYARD, MAX_ENTERPRISES, MAX_SOCIAL_ORGANISATIONS};

use params::Check;
use std::fmt;
use std::path::{Path, PathBuf};

impl Scenario {
    /// What readers see for this scenario in `lang`: its `label`, else its name (a driver
    /// model's name in Chinese under `--lang zh`).
    pub fn display_name(&self, lang: crate::lang::Lang) -> &str {
        crate::lang::display_name(lang, &self.name, &self.label)
    }
}

/// Why a scenario file could not be used. Every variant names the file.
#[derive(Debug)]
pub enum ScenarioError {
    /// The file could not be read.
    Io { file: PathBuf, message: String },
    /// The file is not valid JSON or does not match the format (wrong type, unknown field…).
    Parse { file: PathBuf, path: String, message: String },
    /// The file parsed but values are out of range or inconsistent; all problems at once.
    Invalid { file: PathBuf, issues: Vec<Issue> },
    /// The file does not follow the format: unknown keys, wrong types, missing keys, unknown
    /// names (with any out-of-range values found alongside); all problems at once.
    Malformed { file: PathBuf, issues: Vec<Issue> },
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
                write_issues(f, issues)
            }
            ScenarioError::Malformed { file, issues } => {
                write!(f, "{}: {} problem(s):", file.display(), issues.len())?;
                write_issues(f, issues)
            }
        }
    }
}

/// One line per issue; a message of several lines (an `extends` base's problems) is indented.
fn write_issues(f: &mut fmt::Formatter<'_>, issues: &[Issue]) -> fmt::Result {
    for i in issues {
        write!(f, "\n  - {}: {}", i.path, i.message.replace('\n', "\n    "))?;
    }
    Ok(())
}

impl std::error::Error for ScenarioError {}

/// The one check of every name that becomes part of a path (scenario, district and sweep
/// names name output folders): 1 to 100 ASCII letters, digits, `-` and `_`.
pub fn check_name(name: &str) -> Result<(), String> {
    const WHY: &str = "(it names the output folder)";
    if name.is_empty() {
        return Err(format!("the name must not be empty {WHY}"));
    }
    if name == "." || name == ".." || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(format!(
            "{} may contain only ASCII letters, digits, '-' and '_' {WHY}",
            input::describe(&serde_json::Value::String(name.to_string()))
        ));
    }
    if name.len() > 100 {
        return Err(format!("the name is {} characters long; at most 100 are allowed {WHY}", name.len()));
    }
    Ok(())
}

/// The rule of distinct scenario names: results are labelled by scenario name (`run`'s folders,
/// the rows of a comparison, a sweep or a district), so the scenarios of one command must not
/// share one. For every scenario whose name an earlier one already has: (its index, the index
/// of the first scenario with that name). Each caller says it in its own words.
pub fn duplicate_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<(usize, usize)> {
    let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut duplicates = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        match first.get(name) {
            Some(&j) => duplicates.push((i, j)),
            None => {
                first.insert(name, i);
            }
        }
    }
    duplicates
}

/// The check of a default name taken from a file's stem, as an issue of the field `name`.
pub(crate) fn check_default_name(name: &str, file: &Path) -> Result<(), Issue> {
    check_name(name).map_err(|m| Issue {
        path: "name".into(),
        message: format!(
            "the file has no \"name\", and its file name {} does not give a valid default: {m}; set \"name\" in the file",
            input::describe(&serde_json::Value::String(
                file.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned())
            ))
        ),
    })
}

/// Read, parse and validate a scenario file. The scenario's name defaults to the file stem.
/// A file with `"extends": "base.json"` is merged over its base first (see [`Scenario::extends`]).
/// Every file read is checked strictly (see [`input`]): all problems of the format at once.
pub fn load(file: &Path) -> Result<Scenario, ScenarioError> {
    let text = input::read_json_text(file)?;
    let object = input::parse_object(&text, file)?;
    input::expect_kind(&object, file, input::FileKind::Scenario)?;
    let merged = resolve_extends(object, file, &mut Vec::new())?;
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let mut scenario = typed(merged, file)?;
    finish(&mut scenario, file, Some(stem))?;
    Ok(scenario)
}

/// The scenario schema, generated once.
pub(crate) fn cached_schema() -> &'static serde_json::Value {
    static SCHEMA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(schema)
}

/// Refuse a value with structural problems, listing them with every range problem found.
fn check_format(value: &serde_json::Value, file: &Path) -> Result<(), ScenarioError> {
    let mut found = input::check_schema(value, cached_schema(), "");
    // listed with the structural problems; validate() reports it otherwise
    if let Some(Err(message)) = value.get("name").and_then(|n| n.as_str()).filter(|n| !n.is_empty()).map(check_name) {
        found.push("name".into(), message, false);
    }
    if found.structural {
        return Err(ScenarioError::Malformed { file: file.to_path_buf(), issues: found.into_issues() });
    }
    Ok(())
}

/// Check a file's own value, then follow `extends` chains (at most 8 deep, no cycles) and merge
/// each file over its base. Every base is read, parsed and checked as strictly as the file.
/// `chain` holds the files above this one (canonical path where it resolves, path as named).
fn resolve_extends(
    object: serde_json::Map<String, serde_json::Value>,
    file: &Path,
    chain: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<serde_json::Value, ScenarioError> {
    let mut value = serde_json::Value::Object(object);
    check_format(&value, file)?;
    let base = match value.as_object_mut().and_then(|o| o.remove("extends")) {
        None | Some(serde_json::Value::Null) => return Ok(value),
        Some(serde_json::Value::String(base)) => base,
        // check_format refused every other type; kept as a guard
        Some(other) => {
            let message = format!("expected a string, found {}", input::describe(&other));
            let issues = vec![Issue { path: "extends".into(), message }];
            return Err(ScenarioError::Malformed { file: file.to_path_buf(), issues });
        }
    };
    let refuse = |message: String| ScenarioError::Malformed {
        file: file.to_path_buf(),
        issues: vec![Issue { path: "extends".into(), message }],
    };
    let base_path = file.parent().unwrap_or(Path::new(".")).join(&base);
    let quoted = input::describe(&base.clone().into());
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    chain.push((canonical(file), file.to_path_buf()));
    if chain.iter().any(|(c, _)| *c == canonical(&base_path)) {
        let names: Vec<String> = chain.iter().map(|(_, p)| p.display().to_string()).collect();
        return Err(refuse(format!("{quoted} makes a cycle: {} → {}", names.join(" → "), base_path.display())));
    }
    if chain.len() > 8 {
        return Err(refuse(format!("cannot use {quoted}: more than 8 levels of `extends`")));
    }
    let cannot = |e: ScenarioError| refuse(format!("cannot use {quoted}: {e}"));
    let text = input::read_json_text(&base_path).map_err(cannot)?;
    let object = input::parse_object(&text, &base_path).map_err(cannot)?;
    let mut base_value = resolve_extends(object, &base_path, chain).map_err(cannot)?;
    if let Some(o) = base_value.as_object_mut() {
        // a scenario is called by its own name and label, never its base's
        o.remove("name");
        o.remove("label");
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

/// The typed scenario of a value that passed [`check_format`] (serde's message is a fallback).
fn typed(value: serde_json::Value, file: &Path) -> Result<Scenario, ScenarioError> {
    serde_path_to_error::deserialize(value).map_err(|e| ScenarioError::Parse {
        file: file.to_path_buf(),
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })
}

/// Fill the default name (from `default_name`, a file stem, if any) and validate.
fn finish(scenario: &mut Scenario, file: &Path, default_name: Option<&str>) -> Result<(), ScenarioError> {
    let mut issues = Vec::new();
    if scenario.name.is_empty() {
        if let Some(name) = default_name {
            if let Err(issue) = check_default_name(name, file) {
                issues.push(issue);
            }
            scenario.name = name.to_string();
        }
    }
    scenario.extends = None;
    let name_reported = !issues.is_empty();
    issues.extend(validate(scenario).into_iter().filter(|i| !(name_reported && i.path == "name")));
    if issues.is_empty() {
        Ok(())
    } else {
        Err(ScenarioError::Invalid { file: file.to_path_buf(), issues })
    }
}

/// Parse and validate scenario text; `file` is only used in messages. The text is checked as
/// strictly as a file (one object, no duplicate keys, every format problem at once).
pub fn parse(text: &str, file: &Path, default_name: &str) -> Result<Scenario, ScenarioError> {
    let value = serde_json::Value::Object(input::parse_object(text, file)?);
    check_format(&value, file)?;
    if value.get("extends").is_some_and(|e| !e.is_null()) {
        let message = "`extends` needs the scenario to be loaded from a file (govsim::scenario::load)".to_string();
        return Err(ScenarioError::Malformed {
            file: file.to_path_buf(),
            issues: vec![Issue { path: "extends".into(), message }],
        });
    }
    let mut scenario = typed(value, file)?;
    finish(&mut scenario, file, Some(default_name))?;
    Ok(scenario)
}

/// Every range and consistency problem of a scenario (empty = valid).
pub fn validate(s: &Scenario) -> Vec<Issue> {
    let mut issues = Vec::new();
    s.check("", &mut issues);
    validate::cross_checks(s, &mut issues);
    issues
}

/// The JSON Schema of scenario files (Draft 2020-12), with defaults, ranges and units.
pub fn schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Scenario);
    serde_json::to_value(schema).expect("a schema is always serialisable")
}
