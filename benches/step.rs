//! Benchmarks (divan): one model step at 1k–1M residents with all mechanisms on (the multi-actor
//! driver model), the measures' cost per step, one whole replication of the default community, and
//! one step of a million residents on 1 and 2 threads.
//! Run with `cargo bench`; see docs/performance.md for results on the reference machine.

use divan::{black_box, Bencher};
use govsim::experiment::run_replication;
use govsim::measures::Tracker;
use govsim::model::World;
use govsim::scenario::{self, Scenario};
use std::path::Path;

fn main() {
    // Every benchmark runs on the worker of a one-thread pool, as `govsim run --threads 1` steps
    // each world on the worker of its pool. Handing each step to a pool from outside it would add
    // two threads' wake-ups (tens of µs on the reference machine) to every step measured.
    pool(1).install(divan::main);
}

fn multi_actor(residents: u32) -> Scenario {
    let mut s = scenario::load(Path::new("scenarios/drivers/multi-actor.json")).unwrap();
    s.community.residents = residents;
    s
}

/// A pool of `n` worker threads: the model's chunks run on the pool they are called from.
fn pool(n: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap()
}

/// One step on one thread (the pool's, see `main`) of a world that has already run two years
/// (participation established).
#[divan::bench(args = [1_000, 10_000, 100_000, 1_000_000], sample_count = 10)]
fn step(bencher: Bencher, residents: u32) {
    let s = multi_actor(residents);
    let mut w = World::new(&s, 1, 0);
    for _ in 0..24 {
        w.step();
    }
    bencher.counter(divan::counter::ItemsCount::new(residents)).bench_local(|| black_box(w.step().coverage));
}

/// The measures of one step (rolling window of 12 months).
#[divan::bench]
fn measures(bencher: Bencher) {
    let s = multi_actor(10_000);
    let mut w = World::new(&s, 1, 0);
    let mut t = Tracker::new(&s.measures, 1.0);
    for _ in 0..24 {
        t.observe(w.step());
    }
    let record = w.record.clone();
    bencher.bench_local(|| black_box(t.observe(&record)));
}

/// One whole replication on one thread: 10,000 residents, 10 years, monthly steps, with
/// initialisation.
#[divan::bench(sample_count = 10)]
fn replication_10k_10y(bencher: Bencher) {
    let s = multi_actor(10_000);
    bencher
        .counter(divan::counter::ItemsCount::new(10_000u32 * 120))
        .bench_local(|| black_box(run_replication(&s, 1, 0).rows.len()));
}

/// One step of a single community of 1,000,000 residents on 1 and 2 threads: chunks of
/// residents step in parallel (results are the same on any number of threads).
#[divan::bench(args = [1, 2], sample_count = 10)]
fn step_1m_threads(bencher: Bencher, threads: usize) {
    let pool = pool(threads);
    let s = multi_actor(1_000_000);
    let mut w = World::new(&s, 1, 0);
    pool.install(|| {
        for _ in 0..24 {
            w.step();
        }
    });
    bencher.counter(divan::counter::ItemsCount::new(1_000_000u32)).bench_local(|| {
        pool.install(|| black_box(w.step().coverage));
    });
}
