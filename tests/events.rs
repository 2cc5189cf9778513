//! Timeline events change the world through the generic mechanisms, at the month they say.

mod common;

use govsim::model::entities::State;
use govsim::model::World;
use govsim::scenario::{self, Category, Event, Scenario};

/// A shipped driver model at 3,000 residents for 3 years.
fn driver(name: &str) -> Scenario {
    let mut s = common::driver(name);
    s.community.residents = 3000;
    s.time.years = 3;
    s
}

/// The world of `s` (replication `seed`) after its first `steps` steps.
fn world_after(s: &Scenario, seed: u64, steps: usize) -> World {
    let mut w = World::new(s, seed, 0);
    for _ in 0..steps {
        w.step();
    }
    w
}

#[test]
fn a_funding_stop_stops_government_spending_from_its_month() {
    let mut s = driver("government-driven");
    s.events.push(Event::FundingChange { month: 12, actor: "government".into(), factor: 0.0 });
    assert!(scenario::validate(&s).is_empty());
    let mut w = World::new(&s, 1, 0);
    let spending: Vec<f64> = (0..36).map(|_| w.step().government_spending).collect();
    assert!(spending[..12].iter().all(|x| *x > 0.0), "{spending:?}");
    assert!(spending[12..].iter().all(|x| *x == 0.0), "{spending:?}");
}

#[test]
fn an_enterprise_leaving_takes_its_teams_and_employees() {
    let mut s = driver("enterprise-driven");
    s.events.push(Event::EnterpriseLeave { month: 18, enterprise: "community-centre-sponsor".into() });
    let mut w = world_after(&s, 2, 18);
    assert!(w.ent[0].engaged);
    w.step();
    assert!(!w.ent[0].engaged);
    w.step();
    let residents = w.agents.residents;
    let employees_enrolled = (residents..w.agents.len()).filter(|&i| w.agents.state[i] != State::Inactive).count();
    assert_eq!(employees_enrolled, 0, "employees stay after their employer left");
}

#[test]
fn a_demand_shock_lowers_coverage_only_while_it_lasts() {
    let base = driver("multi-actor");
    let mut shocked = base.clone();
    shocked.events.push(Event::DemandShock {
        month: 24,
        category: Category::Emergency,
        factor: 30.0,
        duration_months: 3,
    });
    let coverage = |s: &Scenario| -> Vec<f64> {
        let mut w = World::new(s, 3, 0);
        (0..36).map(|_| w.step().coverage).collect()
    };
    let (a, b) = (coverage(&base), coverage(&shocked));
    // same seed: identical before the shock (common random numbers)
    assert_eq!(a[..24], b[..24]);
    for t in 24..27 {
        assert!(b[t] < a[t], "month {t}: {} vs {}", b[t], a[t]);
    }
}

#[test]
fn a_social_organisation_leaving_takes_its_money_and_umbrella() {
    let mut s = driver("social-organisation-driven");
    s.events.push(Event::SocialOrganisationLeave { month: 12, social_organisation: "social-work-centre".into() });
    let w = world_after(&s, 4, 13);
    assert_eq!(w.so[0].workers, 0);
    assert_eq!(w.so[0].funds.iter().sum::<f64>(), 0.0);
    assert!(w.teams.iter().filter(|t| t.alive).all(|t| t.so_umbrella.is_none()));
    let a = &w.audit;
    assert!((w.money_in_stocks() - (a.initial + a.inflow - a.outflow)).abs() < 1e-6);
}
