//! Where simulation time goes, for `--timings`: CPU time of building worlds, stepping them and
//! computing the measures, summed over every replication or community and every thread, and the
//! parts of a step ([`StepPhases`]). A few clock reads per step; nothing here changes a result.

use crate::model::world::StepPhases;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Nanoseconds spent in each phase since the last [`PhaseClock::reset`].
pub struct PhaseClock {
    init: AtomicU64,
    steps: AtomicU64,
    measures: AtomicU64,
    /// The parts of the steps, as [`StepPhases`].
    start: AtomicU64,
    pass: AtomicU64,
    chunks: AtomicU64,
    rest: AtomicU64,
}

/// The process's clock (a command runs one simulation at a time).
pub static CLOCK: PhaseClock = PhaseClock {
    init: AtomicU64::new(0),
    steps: AtomicU64::new(0),
    measures: AtomicU64::new(0),
    start: AtomicU64::new(0),
    pass: AtomicU64::new(0),
    chunks: AtomicU64::new(0),
    rest: AtomicU64::new(0),
};

/// CPU seconds by phase, summed over threads (the step's parts as [`StepPhases`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PhaseSeconds {
    pub init: f64,
    pub steps: f64,
    pub measures: f64,
    pub start: f64,
    pub pass: f64,
    pub chunks: f64,
    pub rest: f64,
}

impl PhaseClock {
    fn all(&self) -> [&AtomicU64; 7] {
        [&self.init, &self.steps, &self.measures, &self.start, &self.pass, &self.chunks, &self.rest]
    }

    pub fn reset(&self) {
        for a in self.all() {
            a.store(0, Ordering::Relaxed);
        }
    }

    pub fn seconds(&self) -> PhaseSeconds {
        let [init, steps, measures, start, pass, chunks, rest] =
            self.all().map(|a| a.load(Ordering::Relaxed) as f64 / 1e9);
        PhaseSeconds { init, steps, measures, start, pass, chunks, rest }
    }

    /// Add the parts of a world's steps, once it has finished.
    pub(crate) fn add_world(&self, p: StepPhases) {
        for (a, v) in [(&self.start, p.start), (&self.pass, p.pass), (&self.chunks, p.chunks), (&self.rest, p.rest)] {
            a.fetch_add(v, Ordering::Relaxed);
        }
    }

    pub(crate) fn add_init(&self, since: Instant) {
        self.init.fetch_add(since.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }

    pub(crate) fn add(&self, steps_nanos: u64, measures_nanos: u64) {
        self.steps.fetch_add(steps_nanos, Ordering::Relaxed);
        self.measures.fetch_add(measures_nanos, Ordering::Relaxed);
    }
}

/// Times one replication's or community's steps and measures, to add to [`CLOCK`] at the end.
#[derive(Default)]
pub(crate) struct StepTimer {
    steps: u64,
    measures: u64,
}

impl StepTimer {
    /// Run `step`, then `measure` its result, timing each.
    #[inline]
    pub fn time<R, M>(&mut self, step: impl FnOnce() -> R, measure: impl FnOnce(R) -> M) -> M {
        let t0 = Instant::now();
        let r = step();
        let t1 = Instant::now();
        let m = measure(r);
        self.steps += (t1 - t0).as_nanos() as u64;
        self.measures += t1.elapsed().as_nanos() as u64;
        m
    }

    pub fn add_to_clock(&self) {
        CLOCK.add(self.steps, self.measures);
    }
}
