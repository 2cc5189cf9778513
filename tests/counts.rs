//! Counts the seeds report (issue 13): volunteers registered on a platform versus active
//! ones. Registration is a separate step from activity and is kept when a volunteer stops,
//! so registered volunteers outnumber active ones (233 million registered nationally, far
//! fewer active [001]); the gap is widest where campaigns recruit many short spells.

mod common;

use common::{driver, DRIVERS};
use govsim::experiment::{run_many, Replication};
use govsim::measures::M;

fn col(r: &Replication, m: M) -> Vec<f64> {
    r.rows.iter().map(|row| row[m.index()]).collect()
}

#[test]
fn registration_is_kept_and_never_exceeds_what_it_counts() {
    let scenarios: Vec<_> = DRIVERS.iter().map(|n| driver(n)).collect();
    for (name, reps) in DRIVERS.iter().zip(run_many(&scenarios, 5, 2)) {
        for r in &reps {
            let (reg, share, active) =
                (col(r, M::RegisteredRate), col(r, M::RegisteredActiveShare), col(r, M::ActiveRate));
            for t in 1..reg.len() {
                assert!(reg[t] >= reg[t - 1], "{name} step {t}: registered fell {} → {}", reg[t - 1], reg[t]);
                // registered and active ⊆ active
                if share[t].is_finite() {
                    assert!(reg[t] * share[t] <= active[t] + 1e-12, "{name} step {t}");
                }
            }
        }
    }
}

#[test]
fn registered_volunteers_far_outnumber_active_ones_after_campaigns() {
    let reps = &run_many(&[driver("government-driven")], 5, 6)[0];
    for r in reps {
        let last = r.rows.len() - 1;
        let registered = r.rows[last][M::RegisteredRate.index()];
        let active_registered = registered * r.rows[last][M::RegisteredActiveShare.index()];
        assert!(
            registered > 3.0 * active_registered,
            "registered {registered} vs active among them {active_registered}"
        );
    }
}

#[test]
fn without_registration_nobody_is_registered_and_nothing_else_changes() {
    let s = driver("government-driven");
    let mut none = s.clone();
    let reg = &mut none.behaviour.registration;
    (reg.campaign, reg.social_organisation, reg.enterprise, reg.peer) = (0.0, 0.0, 0.0, 0.0);
    let (a, b) = (&run_many(&[s], 5, 1)[0][0], &run_many(&[none], 5, 1)[0][0]);
    assert!(col(b, M::RegisteredRate).iter().all(|x| *x == 0.0));
    // registering draws no random number: every other measure is bit-identical
    for m in [M::ActiveRate, M::Coverage, M::DependenceOnGovernment, M::Retention12m] {
        assert!(col(a, m).iter().zip(col(b, m)).all(|(x, y)| x.to_bits() == y.to_bits()), "{m} changed");
    }
}

#[test]
fn buildings_with_a_core_volunteer_are_counted_consistently() {
    let scenarios: Vec<_> = DRIVERS.iter().map(|n| driver(n)).collect();
    for ((name, s), reps) in DRIVERS.iter().zip(&scenarios).zip(run_many(&scenarios, 5, 2)) {
        let c = &s.community;
        let buildings = (c.residents as f64 / c.residents_per_building as f64).ceil();
        for r in &reps {
            for row in &r.rows {
                let (share, core) = (row[M::BuildingsWithCore.index()], row[M::CoreVolunteers.index()]);
                let with_core = (share * buildings).round();
                // each counted building holds at least one core resident; some core → some building
                assert!(with_core <= core, "{name}: {with_core} buildings with core but {core} core volunteers");
                assert_eq!(core > 0.0, with_core > 0.0, "{name}: core {core}, buildings with core {with_core}");
                let per = row[M::CorePerBuilding.index()];
                assert!((per * buildings - core).abs() < 1e-6, "{name}: {per} per building");
            }
        }
    }
}
