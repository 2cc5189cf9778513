//! The scenario format: shipped files, shared baseline, and the rule that every numeric
//! parameter carries a meaning, a default, a valid range and a unit in the schema.

use govsim::scenario::{self, Scenario};
use std::path::Path;

#[test]
fn the_five_driver_models_share_one_baseline_community() {
    let names =
        ["government-driven", "social-organisation-driven", "enterprise-driven", "volunteer-led", "multi-actor"];
    let s: Vec<Scenario> =
        names.iter().map(|n| scenario::load(Path::new(&format!("scenarios/drivers/{n}.json"))).unwrap()).collect();
    for (x, n) in s.iter().zip(names) {
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
    // JSON has no NaN literal; overflowing numbers parse as infinity in some parsers, not here
    let err = scenario::parse(r#"{"actors": {"government": {"budget_per_month": 1e999}}}"#, Path::new("x.json"), "x");
    assert!(err.is_err());
}

#[test]
fn the_shipped_schema_file_is_up_to_date() {
    // scenario files point editors at govsim.schema.json; regenerate with `govsim schema > govsim.schema.json`
    let shipped: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("govsim.schema.json").unwrap()).unwrap();
    assert_eq!(
        shipped,
        scenario::schema(),
        "govsim.schema.json is stale: run `cargo run -- schema > govsim.schema.json`"
    );
}
