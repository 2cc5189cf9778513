//! Invariants checked at every step of random valid scenarios (property tests), and
//! reproducibility across runs and thread counts.

mod common;

use common::{driver, DRIVERS};
use govsim::experiment::{run_many, run_replication};
use govsim::measures::{source_shares, Tracker, METRICS};
use govsim::model::entities::{State, NO_TEAM};
use govsim::model::World;
use govsim::scenario::{self, Scenario};
use proptest::prelude::*;

/// Check every invariant of one step; returns a description of the first violation.
fn check_step(w: &World, tracker: &mut Tracker) -> Result<(), String> {
    let r = w.record.clone();
    // money is conserved: stocks = initial + inflow − outflow
    let a = &w.audit;
    let expected = a.initial + a.inflow - a.outflow;
    let stocks = w.money_in_stocks();
    if (stocks - expected).abs() > 1e-6 * (1.0 + expected.abs()) {
        return Err(format!("money not conserved: stocks {stocks} vs {expected}"));
    }
    if w.fund < -1e-9 || w.so.iter().any(|s| s.funds.iter().any(|f| *f < -1e-9)) {
        return Err("negative money stock".into());
    }
    if w.teams.iter().any(|t| t.funds.iter().any(|f| *f < -1e-9)) {
        return Err("negative team balance".into());
    }
    // flows are non-negative and their shares sum to one where defined
    for row in &r.flows {
        if row.iter().any(|f| *f < 0.0 || !f.is_finite()) {
            return Err(format!("bad flow {row:?}"));
        }
        let s = source_shares(row);
        let sum: f64 = s.iter().sum();
        if sum.is_finite() && (sum - 1.0).abs() > 1e-9 {
            return Err(format!("shares sum to {sum}"));
        }
    }
    // counts are consistent
    if r.active_in_window > r.residents || r.core > r.residents || r.leaders > r.core || r.retained > r.retention_base {
        return Err(format!("inconsistent counts {r:?}"));
    }
    let ag = &w.agents;
    let mut in_alive_team = 0u64;
    for i in 0..ag.len() {
        let t = ag.team[i];
        let enrolled = ag.state[i] != State::Inactive;
        if (t != NO_TEAM) != enrolled {
            return Err(format!("agent {i}: team {t} but state {:?}", ag.state[i]));
        }
        if t != NO_TEAM && w.teams[t as usize].alive {
            in_alive_team += 1;
        }
        for v in [
            ag.motivation[i],
            ag.skill[i],
            ag.satisfaction[i],
            ag.commitment[i],
            ag.trust_government[i],
            ag.trust_neighbours[i],
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("agent {i}: a share out of [0,1]: {v}"));
            }
        }
    }
    let members: u64 = w.teams.iter().filter(|t| t.alive).map(|t| t.members as u64).sum();
    if members != in_alive_team {
        return Err(format!("team members {members} vs agents in alive teams {in_alive_team}"));
    }
    // every metric is finite or undefined (NaN) and inside its documented range
    let row = tracker.observe(&r);
    for (m, v) in METRICS.iter().zip(row) {
        if v.is_infinite() || (v.is_finite() && (v < m.range.0 - 1e-9 || v > m.range.1 + 1e-9)) {
            return Err(format!("{} = {v} outside {:?}", m.id, m.range));
        }
    }
    Ok(())
}

fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        0..DRIVERS.len(),
        100u32..1500,
        prop::sample::select(vec![1u32, 2, 3, 4, 6, 12]),
        1u32..4,
        0.0f64..80_000.0,
        0.0f64..1.0,
        0.0f64..1.0,
        any::<bool>(),
    )
        .prop_map(|(d, residents, step, years, budget, reach, rival, points)| {
            let mut s = driver(DRIVERS[d]);
            s.community.residents = residents;
            s.community.initial_core_volunteers = s.community.initial_core_volunteers.min(residents);
            s.time.step_months = step;
            s.time.years = years;
            s.actors.government.budget_per_month = budget;
            if let Some(c) = s.instruments.mobilisation_campaigns.as_mut() {
                c.reach = reach;
            }
            if points {
                let p = s.instruments.points.get_or_insert_with(Default::default);
                p.rivalness = rival;
                p.funder = if s.actors.community_fund.is_some() {
                    scenario::Funder::CommunityFund
                } else {
                    scenario::Funder::Government
                };
            }
            s
        })
        .prop_filter("valid", |s| scenario::validate(s).is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_at_every_step(s in arb_scenario(), seed in any::<u64>()) {
        let mut w = World::new(&s, seed, 0);
        let mut tracker = Tracker::new(&s.measures, w.months_per_step());
        for step in 0..w.steps() {
            w.step();
            if let Err(e) = check_step(&w, &mut tracker) {
                prop_assert!(false, "{} step {step}: {e}", s.name);
            }
        }
    }
}

#[test]
fn same_seed_same_results_different_seed_different_results() {
    let mut s = driver("multi-actor");
    s.community.residents = 2000;
    s.time.years = 3;
    let a = run_replication(&s, 42, 3);
    let b = run_replication(&s, 42, 3);
    let c = run_replication(&s, 43, 3);
    let bits =
        |r: &govsim::experiment::Replication| -> Vec<u64> { r.rows.iter().flatten().map(|v| v.to_bits()).collect() };
    assert_eq!(bits(&a), bits(&b));
    assert_ne!(bits(&a), bits(&c));
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let scenarios: Vec<Scenario> = DRIVERS
        .iter()
        .map(|d| {
            let mut s = driver(d);
            s.community.residents = 1500;
            s.time.years = 2;
            s
        })
        .collect();
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| run_many(&scenarios, 9, 4))
    };
    let one = run(1);
    let three = run(3);
    for (x, y) in one.iter().flatten().zip(three.iter().flatten()) {
        let bx: Vec<u64> = x.rows.iter().flatten().map(|v| v.to_bits()).collect();
        let by: Vec<u64> = y.rows.iter().flatten().map(|v| v.to_bits()).collect();
        assert_eq!(bx, by);
    }
}

#[test]
fn common_random_numbers_give_every_driver_the_same_residents() {
    let a = World::new(&driver("government-driven"), 7, 2);
    let b = World::new(&driver("volunteer-led"), 7, 2);
    assert_eq!(a.agents.motivation[..a.agents.residents], b.agents.motivation[..b.agents.residents]);
    assert_eq!(a.agents.time_budget[..a.agents.residents], b.agents.time_budget[..b.agents.residents]);
}
