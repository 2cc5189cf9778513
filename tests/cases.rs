//! Cases are cases (issue 13): every case file encodes what its seed says that differs from its
//! driver, so no case's output equals the driver it extends; and where a seed states an
//! ordering, the case reproduces it.

mod common;

use common::files::json_files_under;
use govsim::experiment::{run_many, run_replication, Replication};
use govsim::measures::M;

fn same_bits(a: &Replication, b: &Replication) -> bool {
    a.rows.iter().zip(&b.rows).all(|(x, y)| x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits()))
}

#[test]
fn no_case_restates_its_driver() {
    let cases = json_files_under(&common::repo("scenarios/cases"));
    assert!(cases.len() >= 9);
    let mut checked = 0;
    for file in &cases {
        let text = std::fs::read_to_string(file).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let Some(parent) = json["extends"].as_str() else {
            continue;
        };
        let Some(driver) = parent.strip_prefix("../drivers/").and_then(|p| p.strip_suffix(".json")) else {
            continue;
        };
        let case = common::load(file);
        let (c, d) = (run_replication(&case, 5, 0), run_replication(&common::driver(driver), 5, 0));
        assert!(!same_bits(&c, &d), "{}: the case's time series equal its driver {driver}'s", file.display());
        checked += 1;
    }
    assert!(checked >= 4, "only {checked} cases extend a driver");
}

/// Seed 002: H centre's volunteers are "weakly attached to government, strongly attached to the
/// agency" (弱依附于政府、强依附于社工机构).
#[test]
fn h_centre_volunteers_depend_more_on_the_agency_than_on_government() {
    let s = common::load(&common::repo("scenarios/cases/h-centre.json"));
    let reps = run_many(std::slice::from_ref(&s), 9, 6).remove(0);
    let on = |m: M| common::window(&reps, m.id(), 108, 120);
    let (so, gov) = (on(M::DependenceOnSo), on(M::DependenceOnGovernment));
    let (mean, lo, hi) = common::paired(&so, &gov);
    println!("H centre: D(v←SO) − D(v←g) = {mean:.3} [{lo:.3}, {hi:.3}]");
    assert!(lo > 0.0, "D(v←SO) − D(v←g) = {mean:.3} [{lo:.3}, {hi:.3}]");
}
