//! Dependence on every partner (issue 13): volunteers of the enterprise-driven model depend on
//! the enterprise while it is engaged and stop when it leaves; those of the
//! social-organisation-driven model depend on the organisation more than on government.
//! Knock-out: without the partner the dependence on it is zero (or undefined), not a constant.

mod common;

use common::driver;
use govsim::experiment::{run_many, Replication};
use govsim::measures::M;

const REPS: u32 = 6;

/// Per replication, the mean of a metric over months [from, to) (undefined months skipped).
fn mean(reps: &[Replication], m: M, from: usize, to: usize) -> Vec<f64> {
    common::window(reps, m.id(), from, to)
}

/// Every replication's value of `a` exceeds its value of `b` (paired, common random numbers).
fn all_above(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x > y)
}

#[test]
fn enterprise_driven_volunteers_depend_on_the_enterprise_while_it_is_engaged() {
    let s = driver("enterprise-driven");
    let horizon = s.actors.enterprises[0].horizon_months as usize;
    assert!((36..=96).contains(&horizon), "the test reads years 2 to the horizon and the last year");
    let r = &run_many(&[s], 3, REPS)[0];
    let engaged = mean(r, M::DependenceOnEnterprises, 24, horizon);
    let gov = mean(r, M::DependenceOnGovernment, 24, horizon);
    let after = mean(r, M::DependenceOnEnterprises, 108, 120);
    assert!(engaged.iter().all(|d| *d > 0.4), "dependence on the enterprise while engaged: {engaged:?}");
    assert!(all_above(&engaged, &gov), "enterprise {engaged:?} vs government {gov:?}");
    assert!(all_above(&engaged, &after), "it falls when the enterprise leaves: {engaged:?} → {after:?}");
    // the dominant partner is the enterprise while it is engaged
    let dominant = mean(r, M::DependenceOnDominantPartner, 24, horizon);
    assert!(engaged.iter().zip(&dominant).all(|(e, d)| (e - d).abs() < 1e-12));
}

#[test]
fn social_organisation_driven_volunteers_depend_on_the_organisation_more_than_on_government() {
    let r = &run_many(&[driver("social-organisation-driven")], 3, REPS)[0];
    let so = mean(r, M::DependenceOnSo, 108, 120);
    let gov = mean(r, M::DependenceOnGovernment, 108, 120);
    assert!(all_above(&so, &gov), "social organisation {so:?} vs government {gov:?}");
    // and the organisation depends on its volunteers for delivery
    let reverse = mean(r, M::SoDependenceOnVolunteers, 108, 120);
    assert!(reverse.iter().all(|x| *x > 0.0 && *x <= 0.5 + 1e-12), "{reverse:?}");
}

#[test]
fn without_a_partner_there_is_no_dependence_on_it() {
    let mut s = driver("enterprise-driven");
    s.actors.enterprises.clear();
    s.events.retain(|e| {
        !matches!(e, govsim::scenario::Event::EnterpriseEnter { .. } | govsim::scenario::Event::EnterpriseLeave { .. })
    });
    let r = &run_many(&[s], 3, 2)[0];
    for rep in r {
        for row in &rep.rows {
            let d = row[M::DependenceOnEnterprises.index()];
            assert!(d == 0.0 || d.is_nan(), "dependence on an absent enterprise: {d}");
            assert!(row[M::EnterpriseDependenceOnVolunteers.index()].is_nan());
        }
    }
}

#[test]
fn summary_names_the_dominant_partner() {
    let dir = common::tempdir();
    let out = dir.path().join("out");
    common::govsim()
        .args(["compare", "--reps", "2", "--progress", "off", "--out", out.to_str().unwrap()])
        .arg(common::driver_file("social-organisation-driven"))
        .arg(common::driver_file("government-driven"))
        .assert()
        .success();
    for (model, partner) in
        [("social-organisation-driven", "social_organisations"), ("government-driven", "government")]
    {
        let s = common::read_json(&out.join(model).join("summary.json"));
        assert_eq!(s["dominant_partner_final_year"], partner, "{model}");
    }
}
