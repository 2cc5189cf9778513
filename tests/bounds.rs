//! No shipped scenario may rest at a bound of a compared measure in its final year (issue 13):
//! a comparison made at a bound (coverage capped at 1, nobody active) is about the bound, not
//! about the mechanism. Scenarios that still do are listed in `AT_BOUND`, each with the reason;
//! the test fails both when a new one appears and when a listed one is fixed (so the list and
//! docs/validation.md stay true).

mod common;

use common::files::json_files_under;
use govsim::experiment::run_many;
use govsim::measures::M;

/// Final-year means this close to a bound count as at the bound.
const MARGIN: f64 = 0.005;
const REPS: u32 = 3;
/// Measures compared across models, with their bounds.
const COMPARED: [M; 3] = [M::Coverage, M::NeedMet, M::ActiveRate];

/// (scenario name, measure) pairs known to sit at a bound, and why; see docs/validation.md.
const AT_BOUND: [(&str, M, &str); 0] = [];

#[test]
fn no_shipped_scenario_rests_at_a_bound_of_a_compared_measure() {
    let files: Vec<_> = ["drivers", "cases", "experiments"]
        .iter()
        .flat_map(|d| json_files_under(&common::repo(&format!("scenarios/{d}"))))
        .collect();
    let scenarios: Vec<_> = files.iter().map(|f| common::load(f)).collect();
    assert!(scenarios.len() >= 20, "found only {} shipped scenarios", scenarios.len());
    let results = run_many(&scenarios, 11, REPS);
    let mut found = Vec::new();
    let mut closest: Option<(String, M, f64)> = None;
    for (s, reps) in scenarios.iter().zip(&results) {
        for m in COMPARED {
            let (lo, hi) = m.range();
            let mean = reps
                .iter()
                .map(|r| r.rows[r.rows.len() - 12..].iter().map(|row| row[m.index()]).sum::<f64>() / 12.0)
                .sum::<f64>()
                / reps.len() as f64;
            let gap = (mean - lo).min(hi - mean);
            if closest.as_ref().is_none_or(|(_, _, g)| gap < *g) {
                closest = Some((s.name.clone(), m, gap));
            }
            if mean <= lo + MARGIN || mean >= hi - MARGIN {
                found.push((s.name.clone(), m, mean));
            }
        }
    }
    println!("closest to a bound: {closest:?}");
    for (name, m, mean) in &found {
        println!("at bound: {name} {m} = {mean:.4}");
    }
    let new: Vec<_> = found.iter().filter(|(n, m, _)| !AT_BOUND.iter().any(|(k, km, _)| k == n && km == m)).collect();
    let fixed: Vec<_> = AT_BOUND.iter().filter(|(k, km, _)| !found.iter().any(|(n, m, _)| k == n && km == m)).collect();
    assert!(new.is_empty(), "at a bound in the final year (not listed): {new:?}");
    assert!(fixed.is_empty(), "listed as at a bound but no longer are (remove from AT_BOUND): {fixed:?}");
}
