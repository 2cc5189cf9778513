//! A district run: every community is its own [`World`] with its own random streams, and all
//! communities step in parallel (rayon) between district-level decisions. The district
//! government's allocation is computed between steps from every community's state in
//! community order, and each community's step reads only its own state, so the output is
//! bit-identical for any number of threads.

use super::Replication;
use crate::measures::{Tracker, N_METRICS};
use crate::model::World;
use crate::scenario::district::DistrictPlan;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// What a district run produced.
#[derive(Clone, Debug)]
pub struct DistrictRun {
    /// Per group, one [`Replication`] per community (`replicate` = community index), in
    /// community order: communities of a group are exchangeable units, so the replication
    /// summaries (means and 95% CIs) read as "across the group's communities".
    pub groups: Vec<Vec<Replication>>,
    /// Per community: mean share of its requested budget the district paid over the run.
    pub budget_received: Vec<f64>,
    /// Largest money-audit residual of any community (yuan; should be ~0).
    pub money_residual: f64,
    /// Resident-steps simulated (residents × steps, summed over communities).
    pub resident_steps: u64,
}

/// The seed of community `c`'s streams: a SplitMix64 mix of (seed, c), so communities never
/// share draws and a community's draws do not depend on how many communities there are.
pub fn community_seed(seed: u64, c: usize) -> u64 {
    let mut z = seed ^ (c as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// District budget allocation. Writes into `factors[i]` the share of its request community
/// `i` is paid: the pool `share × Σ requests` is divided `(1 − weight)` in proportion to
/// requests and `weight` in proportion to request × coverage (by request alone while no
/// community covers anything). Σ factors[i] × requests[i] = pool exactly up to rounding.
pub fn allocate(requests: &[f64], coverage: &[f64], share: f64, weight: f64, factors: &mut [f64]) {
    let total: f64 = requests.iter().sum();
    let weighted: f64 = requests.iter().zip(coverage).map(|(r, c)| r * c.max(0.0)).sum();
    for ((f, &r), &c) in factors.iter_mut().zip(requests).zip(coverage) {
        *f = if r <= 0.0 || total <= 0.0 {
            // nothing requested: nothing paid, and the factor has no effect
            1.0
        } else {
            let by_request = 1.0 / total;
            let by_performance = if weighted > 0.0 { c.max(0.0) / weighted } else { by_request };
            share * total * ((1.0 - weight) * by_request + weight * by_performance)
        };
    }
}

/// Run the district for its scenarios' length. `on_step` is called after each step (for
/// progress); `None` once `stop` is set.
pub fn run_district(
    plan: &DistrictPlan,
    seed: u64,
    stop: &AtomicBool,
    on_step: &(dyn Fn(u32) + Sync),
) -> Option<DistrictRun> {
    let n = plan.communities.len();
    let mut worlds: Vec<World> = plan
        .communities
        .par_iter()
        .enumerate()
        .map(|(c, (s, _))| {
            let built = std::time::Instant::now();
            let w = World::new(s, community_seed(seed, c), 0);
            super::clock::CLOCK.add_init(built);
            w
        })
        .collect();
    let mut trackers: Vec<Tracker> =
        worlds.iter().map(|w| Tracker::new(&w.scenario.measures, w.months_per_step())).collect();
    let steps = worlds.first().map_or(0, |w| w.steps());
    let mut rows: Vec<Vec<[f64; N_METRICS]>> = (0..n).map(|_| Vec::with_capacity(steps as usize)).collect();
    let requests: Vec<f64> = plan.communities.iter().map(|(s, _)| s.actors.government.budget_per_month).collect();
    let weight = plan.district.government.performance_weight;
    let mut coverage = vec![0.0; n];
    let mut factors = vec![1.0; n];
    let mut received = vec![0.0; n];
    let mut timers: Vec<super::clock::StepTimer> = (0..n).map(|_| Default::default()).collect();
    for step in 0..steps {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        let month = worlds[0].month();
        for (c, w) in coverage.iter_mut().zip(&worlds) {
            *c = w.coverage();
        }
        allocate(&requests, &coverage, plan.budget_share(month), weight, &mut factors);
        for ((w, &f), got) in worlds.iter_mut().zip(&factors).zip(&mut received) {
            w.timeline.district_budget = f;
            *got += f;
        }
        worlds
            .par_iter_mut()
            .zip(trackers.par_iter_mut())
            .zip(rows.par_iter_mut())
            .zip(timers.par_iter_mut())
            .for_each(|(((w, t), r), timer)| {
                r.push(timer.time(|| w.step(), |record| t.observe(record)));
            });
        on_step(step);
    }
    let mut groups: Vec<Vec<Replication>> = plan.groups.iter().map(|_| Vec::new()).collect();
    let mut money_residual: f64 = 0.0;
    for (c, ((w, r), (_, g))) in worlds.iter().zip(rows).zip(&plan.communities).enumerate() {
        let a = &w.audit;
        let residual = (w.money_in_stocks() - (a.initial + a.inflow - a.outflow)).abs();
        money_residual = money_residual.max(residual);
        groups[*g].push(Replication {
            replicate: c as u32,
            rows: r,
            money_residual: residual,
            organisations: w.orgs.totals(),
        });
    }
    timers.iter().for_each(super::clock::StepTimer::add_to_clock);
    worlds.iter().for_each(|w| super::clock::CLOCK.add_world(w.phases()));
    let budget_received = received.iter().map(|s| s / steps.max(1) as f64).collect();
    Some(DistrictRun { groups, budget_received, money_residual, resident_steps: plan.residents() * steps as u64 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_by_request_pays_each_its_share() {
        let mut f = [0.0; 3];
        allocate(&[100.0, 300.0, 0.0], &[0.5, 0.1, 0.9], 0.8, 0.0, &mut f);
        assert_eq!(f, [0.8, 0.8, 1.0]);
    }

    #[test]
    fn allocation_by_performance_follows_coverage_and_spends_the_pool() {
        // requests 100 and 300, coverage 0.6 and 0.2: weighted 60 + 60 = 120;
        // pool 400; all by performance → each gets 200 → factors 2 and 2/3
        let mut f = [0.0; 2];
        allocate(&[100.0, 300.0], &[0.6, 0.2], 1.0, 1.0, &mut f);
        assert!((f[0] - 2.0).abs() < 1e-12 && (f[1] - 2.0 / 3.0).abs() < 1e-12, "{f:?}");
        // half and half: 0.5·(1 + 2) and 0.5·(1 + 2/3)
        allocate(&[100.0, 300.0], &[0.6, 0.2], 1.0, 0.5, &mut f);
        assert!((f[0] - 1.5).abs() < 1e-12 && (f[1] - 5.0 / 6.0).abs() < 1e-12, "{f:?}");
        let paid = 100.0 * f[0] + 300.0 * f[1];
        assert!((paid - 400.0).abs() < 1e-9);
        // nobody covers anything yet: by request
        allocate(&[100.0, 300.0], &[0.0, 0.0], 1.0, 1.0, &mut f);
        assert_eq!(f, [1.0, 1.0]);
    }

    #[test]
    fn community_seeds_differ() {
        let seeds: std::collections::BTreeSet<u64> = (0..10_000).map(|c| community_seed(1, c)).collect();
        assert_eq!(seeds.len(), 10_000);
        assert_ne!(community_seed(1, 0), community_seed(2, 0));
    }
}
