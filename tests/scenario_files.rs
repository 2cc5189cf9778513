//! The scenario format: shipped files, shared baseline, and the rule that every numeric
//! parameter carries a meaning, a default, a valid range and a unit in the schema.

mod common;

use common::files::json_files_under;
use common::{assert_shipped_schema, driver, driver_file, tempdir, DRIVERS};
use govsim::scenario::{self, Scenario};
use std::path::Path;

#[test]
fn the_five_driver_models_share_one_baseline_community() {
    let s: Vec<Scenario> = DRIVERS.iter().map(|n| driver(n)).collect();
    for (x, n) in s.iter().zip(DRIVERS) {
        assert_eq!(x.name, n);
        assert_eq!(x.community, s[0].community, "{n}: community differs");
        assert_eq!(x.behaviour, s[0].behaviour, "{n}: behaviour differs");
        assert_eq!(x.measures, s[0].measures, "{n}: measures differ");
        assert_eq!(x.time, s[0].time, "{n}: time differs");
        assert!(!x.description.is_empty());
    }
    assert_eq!(s[0].community.residents, 10_000);
}

#[test]
fn the_default_scenario_is_valid() {
    assert!(scenario::validate(&Scenario::default()).is_empty());
}

#[test]
fn every_numeric_parameter_documents_meaning_default_range_and_unit() {
    let schema = scenario::schema();
    let defs = schema["$defs"].as_object().unwrap();
    let mut checked = 0;
    for (name, def) in defs {
        let Some(props) = def["properties"].as_object() else { continue };
        for (field, p) in props {
            let ty = p["type"].as_str().unwrap_or("");
            assert!(p["description"].is_string(), "{name}.{field} has no description");
            if ty == "number" || ty == "integer" {
                for key in ["minimum", "maximum", "x-unit", "default"] {
                    assert!(!p[key].is_null(), "{name}.{field} has no {key}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 150, "only {checked} numeric parameters found");
}

#[test]
fn all_range_problems_are_reported_at_once() {
    let text = r#"{"time": {"years": 0}, "behaviour": {"retention": {"base_hazard": 2}, "activity": {"core": -1}}}"#;
    let err = scenario::parse(text, Path::new("x.json"), "x").unwrap_err().to_string();
    for path in ["time.years", "behaviour.retention.base_hazard", "behaviour.activity.core"] {
        assert!(err.contains(path), "{path} missing in {err}");
    }
}

#[test]
fn non_finite_numbers_are_refused() {
    // JSON has no NaN or infinity; a number too large for f64 is refused by the parser, with
    // where it stands (some parsers would read it as infinity)
    let text = r#"{"actors": {"government": {"budget_per_month": 1e999}}}"#;
    let err = scenario::parse(text, Path::new("x.json"), "x").unwrap_err().to_string();
    assert_eq!(err, "x.json: not valid JSON: number out of range at line 1 column 52");
    // a program building scenarios through the library can set any f64: validation says of
    // each such field that its value is not a finite number (besides any range problem)
    let mut s = Scenario::default();
    s.actors.government.budget_per_month = f64::NAN;
    s.actors.government.staff_task_hours = f64::INFINITY;
    let issues: Vec<String> = scenario::validate(&s).iter().map(ToString::to_string).collect();
    for expected in [
        "actors.government.budget_per_month: value NaN is not a finite number",
        "actors.government.staff_task_hours: value inf is not a finite number",
    ] {
        assert!(issues.iter().any(|i| i == expected), "no `{expected}` in {issues:#?}");
    }
}

#[test]
fn the_shipped_schema_file_is_up_to_date() {
    // scenario files point editors at govsim.schema.json
    assert_shipped_schema("govsim.schema.json", &scenario::schema(), "schema");
}

#[test]
fn every_shipped_scenario_loads() {
    let mut n = 0;
    for p in json_files_under(Path::new("scenarios")) {
        let text = std::fs::read_to_string(&p).unwrap();
        let kind = scenario::input::kind_of(&serde_json::from_str(&text).unwrap());
        if kind == scenario::input::FileKind::District {
            // district files: groups of community scenarios (tests/district.rs)
            let d = scenario::district::load_district(&p).unwrap_or_else(|e| panic!("{e}"));
            assert!(!d.district.description.is_empty(), "{} has no description", p.display());
        } else if kind == scenario::input::FileKind::Region {
            // region files: groups of district files (tests/region.rs)
            let r = scenario::region::load_region(&p).unwrap_or_else(|e| panic!("{e}"));
            assert!(!r.region.description.is_empty(), "{} has no description", p.display());
        } else {
            let s = common::load(&p);
            assert!(!s.description.is_empty(), "{} has no description", p.display());
            n += 1;
        }
    }
    assert!(n >= 5 + 9 + 16, "only {n} scenario files found");
}

#[test]
fn extends_merges_over_the_base_and_does_not_inherit_the_name() {
    let dir = tempdir();
    let base = driver_file("government-driven");
    let child = dir.path().join("child.json");
    std::fs::write(
        &child,
        format!(r#"{{"extends": "{}", "community": {{"residents": 500}}, "actors": {{"government": {{"budget_per_month": 7}}}}}}"#, base.display()),
    )
    .unwrap();
    let s = scenario::load(&child).unwrap();
    let b = scenario::load(&base).unwrap();
    assert_eq!(s.name, "child");
    assert_eq!(s.community.residents, 500);
    assert_eq!(s.actors.government.budget_per_month, 7.0);
    assert_eq!(s.actors.government.founds_teams, b.actors.government.founds_teams);
    assert_eq!(s.instruments, b.instruments);
    assert_eq!(s.extends, None);
}

#[test]
fn events_are_checked_against_the_scenario() {
    let text = r#"{"time": {"years": 2}, "events": [
        {"type": "funding_change", "month": 30, "actor": "nobody", "factor": 0},
        {"type": "points_start", "month": 3},
        {"type": "demand_shock", "month": 5, "category": "emergency", "factor": -1, "duration_months": 0}]}"#;
    let err = scenario::parse(text, Path::new("e.json"), "e").unwrap_err().to_string();
    for needle in [
        "events[0].month",
        "after the end of the run",
        "events[0].actor",
        "\"nobody\"",
        "events[1].type",
        "instruments.points",
        "events[2].factor",
        "events[2].duration_months",
    ] {
        assert!(err.contains(needle), "{needle} missing in {err}");
    }
    let unknown = scenario::parse(r#"{"events": [{"type": "earthquake", "month": 1}]}"#, Path::new("e.json"), "e");
    assert!(unknown.unwrap_err().to_string().contains("earthquake"));
}
