//! Experiments: many replications of a scenario in parallel (rayon), each with its own random
//! streams derived from (seed, replication), and summary statistics across replications.

pub mod clock;
pub mod compare;
pub mod district;
pub mod stats;
pub mod targets;
pub use stats::{Estimate, Summary};

use crate::measures::{Tracker, N_METRICS};
use crate::model::organisations::OrgTotals;
use crate::model::population::Population;
use crate::model::World;
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// One replication's metric rows (one per step) and its money-audit residual.
#[derive(Clone, Debug)]
pub struct Replication {
    pub replicate: u32,
    pub rows: Vec<[f64; N_METRICS]>,
    /// |money in stocks − (initial + inflow − outflow)| at the end (should be ~0).
    pub money_residual: f64,
    /// Per organisation (government, social organisations, enterprises, fund, residents):
    /// final-year team and volunteer counts and whole-run money (organisations.csv).
    pub organisations: OrgTotals,
}

/// Shock measures of one replication's coverage around an event in `month`, with the
/// scenario's shock settings (the figures summary.json reports).
pub fn coverage_shock(rep: &Replication, s: &Scenario, month: u32) -> crate::measures::Shock {
    let q = crate::measures::M::Coverage.index();
    let t = &s.time;
    let steps = |months: u32| t.steps_in(months) as usize;
    let ms = &s.measures;
    let series: Vec<f64> = rep.rows.iter().map(|row| row[q]).collect();
    crate::measures::shock(
        &series,
        (month / t.months_per_step()) as usize,
        steps(ms.shock_baseline_months),
        steps(ms.shock_horizon_months),
        ms.recovery_threshold,
        steps(ms.recovery_hold_months),
        t.months_per_step() as f64,
    )
}

/// Run one replication to the end.
pub fn run_replication(s: &Scenario, seed: u64, replicate: u32) -> Replication {
    let never = AtomicBool::new(false);
    run_replication_until(s, seed, replicate, &never).unwrap_or_else(|| unreachable!("never stopped"))
}

/// Run one replication, checking `stop` at every step; `None` if it was stopped.
pub fn run_replication_until(s: &Scenario, seed: u64, replicate: u32, stop: &AtomicBool) -> Option<Replication> {
    run_replication_with(s, seed, replicate, None, stop)
}

/// Run one replication in a world built around `population` if given (drawn for this seed
/// and replication by a scenario with the same [`Population::key`]), else drawing its own;
/// `None` if `stop` was set. Either way the same world, bit for bit.
pub fn run_replication_with(
    s: &Scenario,
    seed: u64,
    replicate: u32,
    population: Option<&Population>,
    stop: &AtomicBool,
) -> Option<Replication> {
    let built = std::time::Instant::now();
    let mut world = match population {
        Some(p) => World::with_population(s, seed, replicate, p),
        None => World::new(s, seed, replicate),
    };
    let mut tracker = Tracker::new(&s.measures, world.months_per_step());
    let mut rows = Vec::with_capacity(world.steps() as usize);
    clock::CLOCK.add_init(built);
    let mut timer = clock::StepTimer::default();
    for _ in 0..world.steps() {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        rows.push(timer.time(|| world.step(), |record| tracker.observe(record)));
    }
    timer.add_to_clock();
    clock::CLOCK.add_world(world.phases());
    let a = &world.audit;
    let money_residual = (world.money_in_stocks() - (a.initial + a.inflow - a.outflow)).abs();
    Some(Replication { replicate, rows, money_residual, organisations: world.orgs.totals() })
}

/// How [`run_many_with`] groups scenarios (indices, in order) into jobs of one replication
/// each: scenarios that draw the same population (the driver models of one community, with
/// common random numbers) form one group, whose job draws the population once and runs each of
/// them around a copy, one after another. Only when there are at least as many such jobs as
/// `threads`: with fewer, every scenario is a group of its own, so that all threads have work.
pub fn population_groups(scenarios: &[Scenario], reps: u32, threads: usize) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, id) in population_ids(scenarios).into_iter().enumerate() {
        match groups.get_mut(id) {
            Some(members) => members.push(i),
            None => groups.push(vec![i]),
        }
    }
    if groups.len() == scenarios.len() || (groups.len() as u64 * reps as u64) < threads as u64 {
        return (0..scenarios.len()).map(|i| vec![i]).collect();
    }
    groups
}

/// Which population each scenario draws, as a number: scenarios with the same
/// [`Population::key`] get the same one, numbered 0, 1, … in order of first appearance.
pub fn population_ids(scenarios: &[Scenario]) -> Vec<usize> {
    let mut ids = std::collections::HashMap::new();
    scenarios
        .iter()
        .map(|s| {
            let next = ids.len();
            *ids.entry(Population::key(s)).or_insert(next)
        })
        .collect()
}

/// The population that `runs` runs of replication `replicate` of scenarios drawing the same
/// population as `s` share, drawn once (its time counted as building worlds); `None` for a single
/// run, which draws its own.
pub fn shared_population(s: &Scenario, seed: u64, replicate: u32, runs: usize) -> Option<Population> {
    (runs > 1).then(|| {
        let built = std::time::Instant::now();
        let population = Population::draw(s, seed, replicate);
        clock::CLOCK.add_init(built);
        population
    })
}

/// Run `reps` replications in parallel; results come back in replication order whatever the
/// number of threads, so output is identical on any machine.
pub fn run_scenario(s: &Scenario, seed: u64, reps: u32) -> Vec<Replication> {
    (0..reps).into_par_iter().map(|r| run_replication(s, seed, r)).collect()
}

/// Run several scenarios, all replications of all scenarios in one parallel pool.
pub fn run_many(scenarios: &[Scenario], seed: u64, reps: u32) -> Vec<Vec<Replication>> {
    let never = AtomicBool::new(false);
    run_many_with(scenarios, seed, reps, &|| {}, &never).unwrap_or_else(|| unreachable!("never stopped"))
}

/// As [`run_many`], calling `done` after each finished replication (for progress reports) and
/// giving up promptly, with `None`, once `stop` is set (Ctrl-C, SIGTERM).
/// Replication r of every scenario uses streams (seed, r): common random numbers.
pub fn run_many_with(
    scenarios: &[Scenario],
    seed: u64,
    reps: u32,
    done: &(dyn Fn() + Sync),
    stop: &AtomicBool,
) -> Option<Vec<Vec<Replication>>> {
    let groups = population_groups(scenarios, reps, rayon::current_num_threads());
    let jobs: Vec<(&[usize], u32)> =
        groups.iter().flat_map(|members| (0..reps).map(move |r| (members.as_slice(), r))).collect();
    let finished: Option<Vec<Vec<(usize, Replication)>>> = jobs
        .into_par_iter()
        .map(|(members, r)| {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let population = shared_population(&scenarios[members[0]], seed, r, members.len());
            members
                .iter()
                .map(|&i| {
                    let rep = run_replication_with(&scenarios[i], seed, r, population.as_ref(), stop)?;
                    done();
                    Some((i, rep))
                })
                .collect()
        })
        .collect();
    let mut finished: Vec<(usize, Replication)> = finished?.into_iter().flatten().collect();
    // replication order within each scenario, whatever order the groups ran in
    finished.sort_by_key(|(i, rep)| (*i, rep.replicate));
    let mut out: Vec<Vec<Replication>> = scenarios.iter().map(|_| Vec::with_capacity(reps as usize)).collect();
    for (i, rep) in finished {
        out[i].push(rep);
    }
    Some(out)
}
