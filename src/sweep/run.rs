//! Running a share of the run list: the blocks not yet on disk, all their runs in one rayon
//! pool, each block written as soon as its last run finishes.

use super::blocks::{self, block_file, check_block, sidecar_file, write_atomic, BlockState};
use super::plan::{outputs_of, Plan, Resolved};
use crate::experiment::{run_replication_with, shared_population};
use crate::output::folder::Destination;
use crate::Error;
use rayon::prelude::*;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Write `DIR/<file>` holding `text` (the resolved form of a sweep or calibration), or check
/// that the one there is the same. Refuses (bad input) to mix results of a different `what`.
pub fn write_or_check(dir: &Path, file: &str, text: &str, what: &str) -> Result<(), Error> {
    let path = dir.join(file);
    let existing = match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(e),
        _ => crate::scenario::input::read_limited(&path, crate::scenario::input::MAX_JSON_BYTES, file)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .map_err(std::io::Error::other),
    };
    match existing {
        Ok(old) if old == text => Ok(()),
        Ok(old) => {
            let differing = match (
                serde_json::from_str::<serde_json::Value>(&old),
                serde_json::from_str::<serde_json::Value>(text),
            ) {
                (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) => {
                    let keys: std::collections::BTreeSet<&String> =
                        a.keys().chain(b.keys()).filter(|k| a.get(*k) != b.get(*k)).collect();
                    keys.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
                }
                _ => format!("it is not a readable {file}"),
            };
            Err(Error::input(format!(
                "{} holds results of a different {what} ({file} differs in: {}); refusing to mix them — use another --out or remove that folder",
                dir.display(),
                if differing.is_empty() { "formatting" } else { &differing }
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => write_atomic(&path, text.as_bytes())
            .map_err(|e| Error::runtime(format!("cannot write {}: {e}", path.display()))),
        Err(e) => Err(Error::runtime(format!("cannot read {}: {e}", path.display()))),
    }
}

/// What a sweep finds in its output folder when it starts.
#[derive(Debug, Default)]
pub struct Opened {
    /// Blocks to run: missing, or damaged (each named in `warnings`).
    pub todo: Vec<u64>,
    /// Blocks already complete on disk.
    pub skipped: Vec<u64>,
    /// What was cleaned up (stale temporaries of killed processes).
    pub notes: Vec<String>,
    pub warnings: Vec<String>,
}

/// Start a sweep in its checked output folder `dest` (in [`Mode::InPlace`]): write `sweep.json`
/// or check that the one there is this sweep (first: a folder holding another sweep is refused
/// before govsim marks it), mark the folder as govsim's, remove stale temporaries of killed
/// processes, and find which of `blocks` are still to run.
///
/// [`Mode::InPlace`]: crate::output::folder::Mode::InPlace
pub fn open(r: &Resolved, dest: &Destination, blocks: &[u64], stop: &AtomicBool) -> Result<Opened, Error> {
    let text = serde_json::to_string_pretty(r).map_err(|e| Error::runtime(e.to_string()))? + "\n";
    let notes = open_in_place(dest, "sweep.json", &text, "sweep", stop)?;
    let (todo, skipped, warnings) = pending(r, dest.shown(), blocks);
    Ok(Opened { todo, skipped, notes, warnings })
}

/// Start work in a shared output folder `dest` (in [`Mode::InPlace`]) whose shards must all be
/// doing the same `what`: write `DIR/<file>` holding `text` or check that the one there is the
/// same (first: a folder holding other work is refused before govsim marks it), mark the folder
/// as govsim's, and remove stale temporaries of killed processes (what was removed is returned).
///
/// [`Mode::InPlace`]: crate::output::folder::Mode::InPlace
pub fn open_in_place(
    dest: &Destination,
    file: &str,
    text: &str,
    what: &str,
    stop: &AtomicBool,
) -> Result<Vec<String>, Error> {
    let out = dest.shown();
    write_or_check(out, file, text, what)?;
    dest.write(stop, |_| Ok(())).map_err(|e| Error::runtime(format!("cannot write into {}: {e}", out.display())))?;
    Ok(blocks::remove_stale_temporaries(out))
}

/// Split `blocks` into those still to run and those already complete on disk. A block whose
/// file is there but damaged (see [`blocks::check_block`]: cut short, edited, not of this sweep,
/// sidecar missing or damaged) is treated like a missing one: a warning names it and what is
/// wrong, and it is run again (and overwritten).
pub fn pending(r: &Resolved, dir: &Path, blocks: &[u64]) -> (Vec<u64>, Vec<u64>, Vec<String>) {
    let (mut todo, mut done, mut warnings) = (Vec::new(), Vec::new(), Vec::new());
    for &b in blocks {
        match check_block(r, dir, b) {
            BlockState::Missing => todo.push(b),
            BlockState::Intact { .. } => done.push(b),
            BlockState::Damaged(e) => {
                warnings.push(format!("{} is damaged: {e}; running the block again", block_file(dir, b).display()));
                todo.push(b);
            }
        }
    }
    (todo, done, warnings)
}

/// What a call to [`run_blocks`] did.
#[derive(Debug, Default)]
pub struct Report {
    pub blocks_written: u64,
    pub runs_done: u64,
}

struct Block {
    rows: Vec<Option<Vec<f64>>>,
    left: usize,
    started: Option<Instant>,
}

/// Run every run of `todo` (block numbers) in the current rayon pool, calling `tick` after each
/// run; write each block when complete. Stops promptly when `stop` is set (completed blocks stay
/// on disk) and returns `Interrupted`.
pub fn run_blocks(
    plan: &Plan,
    dir: &Path,
    todo: &[u64],
    label: &str,
    tick: &(dyn Fn() + Sync),
    stop: &AtomicBool,
) -> Result<Report, Error> {
    let r = &plan.resolved;
    std::fs::create_dir_all(blocks::blocks_dir(dir))
        .map_err(|e| Error::runtime(format!("cannot create {}: {e}", blocks::blocks_dir(dir).display())))?;
    let state: Vec<Mutex<Block>> = todo
        .iter()
        .map(|&b| {
            let n = r.block_runs(b).count();
            Mutex::new(Block { rows: vec![None; n], left: n, started: None })
        })
        .collect();
    let threads = rayon::current_num_threads();
    let jobs = jobs_of(plan, todo, threads);
    let halt = AtomicBool::new(false);
    let error: Mutex<Option<String>> = Mutex::new(None);
    let written = AtomicU64::new(0);
    let runs_done = AtomicU64::new(0);
    let fail = |m: String| {
        halt.store(true, Ordering::SeqCst);
        if let Ok(mut e) = error.lock() {
            e.get_or_insert(m);
        }
    };
    let halted = || halt.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed);
    // run `run` of block todo[k] is done: keep its outputs, and write the block once complete
    let record = |k: usize, run: u64, outputs: Vec<f64>| {
        let b = todo[k];
        let finished = {
            let Ok(mut st) = state[k].lock() else { return fail("a worker thread panicked".into()) };
            let start = r.block_runs(b).start;
            st.rows[(run - start) as usize] = Some(outputs);
            st.left -= 1;
            if st.left == 0 {
                let rows: Vec<(u64, Vec<f64>)> = st
                    .rows
                    .iter_mut()
                    .enumerate()
                    .map(|(j, o)| (start + j as u64, o.take().unwrap_or_default()))
                    .collect();
                Some((rows, st.started.map_or(0.0, |t| t.elapsed().as_secs_f64())))
            } else {
                None
            }
        };
        if let Some((rows, secs)) = finished {
            let csv = blocks::runs_text(r, &rows);
            let sidecar = blocks::sidecar(r, b, csv.as_bytes(), threads, secs, &host(), label);
            let side = serde_json::to_string_pretty(&sidecar).unwrap_or_default() + "\n";
            // the sidecar (with the block file's checksum) first: a block file on disk whose
            // sidecar matches it means the block is done
            let res = write_atomic(&sidecar_file(dir, b), side.as_bytes())
                .and_then(|()| write_atomic(&block_file(dir, b), csv.as_bytes()));
            match res {
                Ok(()) => {
                    written.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => fail(format!("cannot write {}: {e}", block_file(dir, b).display())),
            }
        }
    };
    jobs.par_iter().for_each(|(k, runs)| {
        if halted() {
            return;
        }
        if let Ok(mut st) = state[*k].lock() {
            st.started.get_or_insert_with(Instant::now);
        }
        // a job of several runs draws their common population once (replicate and key alike)
        let first = r.run_id(runs[0]);
        let population =
            shared_population(plan.scenario(first.scenario, first.point), r.seed, first.replicate, runs.len());
        for &run in runs {
            if halted() {
                return;
            }
            let id = r.run_id(run);
            // built and validated once, by `prepare`
            let scenario = plan.scenario(id.scenario, id.point);
            let Some(rep) = run_replication_with(scenario, r.seed, id.replicate, population.as_ref(), stop) else {
                return;
            };
            let outputs = outputs_of(&r.outputs, scenario, &rep);
            runs_done.fetch_add(1, Ordering::Relaxed);
            tick();
            record(*k, run, outputs);
        }
    });
    if let Some(e) = error.lock().ok().and_then(|mut e| e.take()) {
        return Err(Error::runtime(e));
    }
    let report =
        Report { blocks_written: written.load(Ordering::Relaxed), runs_done: runs_done.load(Ordering::Relaxed) };
    if stop.load(Ordering::Relaxed) {
        return Err(Error::interrupted(format!(
            "{} block(s) completed before the stop are kept in {}; rerun the same command to resume",
            report.blocks_written,
            blocks::blocks_dir(dir).display()
        )));
    }
    Ok(report)
}

/// The most runs a job shares one population among: a longer job would be a longer wait at the
/// end of the sweep, for no more saving than a population draw per run.
const SHARED_RUNS: usize = 8;

/// Sharing runs only when a thread's share of the runs is at least this many times the longest
/// job: drawing a population is about a sixth of a 10,000-resident run (building worlds took 17%
/// of the CPU time of 100 such runs), so waiting at the end for a job of at most an eighth of a
/// thread's share costs about what sharing saves at worst, and much less in a long sweep.
const SHARE_PER_LONGEST_JOB: usize = 8;

/// The jobs that run the runs of `todo` (blocks; a job names its block by index into `todo`):
/// the runs of a block that draw the same population (one replicate of scenarios with the same
/// [`crate::model::population::Population::key`], such as the points of a design that varies
/// behaviour only) form jobs of up to [`SHARED_RUNS`], each of which draws it once and runs each
/// around a copy, in run order, as `compare` does: the same results, without drawing a population
/// per run. Only when a thread's share of the runs is at least [`SHARE_PER_LONGEST_JOB`] times the
/// longest job; else every run is a job of its own, so that all threads stay busy to the end.
fn jobs_of(plan: &Plan, todo: &[u64], threads: usize) -> Vec<(usize, Vec<u64>)> {
    let r = &plan.resolved;
    let alone = || todo.iter().enumerate().flat_map(|(k, &b)| r.block_runs(b).map(move |run| (k, vec![run]))).collect();
    let runs: usize = todo.iter().map(|&b| r.block_runs(b).count()).sum();
    if runs < SHARE_PER_LONGEST_JOB * threads.max(1) * 2 {
        return alone(); // no job could hold two runs
    }
    let population = plan.population_ids();
    let mut jobs: Vec<(usize, Vec<u64>)> = Vec::new();
    for (k, &b) in todo.iter().enumerate() {
        // the job each (replicate, population) of this block is filling
        let mut filling: std::collections::HashMap<(u32, usize), usize> = std::collections::HashMap::new();
        for run in r.block_runs(b) {
            let id = r.run_id(run);
            let within = (id.replicate, population[plan.held_at(id.scenario, id.point)]);
            match filling.get(&within) {
                Some(&g) if jobs[g].1.len() < SHARED_RUNS => jobs[g].1.push(run),
                _ => {
                    filling.insert(within, jobs.len());
                    jobs.push((k, vec![run]));
                }
            }
        }
    }
    let longest = jobs.iter().map(|(_, runs)| runs.len()).max().unwrap_or(0);
    if longest <= 1 || runs < SHARE_PER_LONGEST_JOB * threads.max(1) * longest {
        return alone();
    }
    jobs
}

/// This machine's name, for the sidecars (empty if unknown).
pub fn host() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::population::Population;
    use crate::sweep::{limits, plan::prepare};
    use std::collections::HashSet;

    fn plan_of(file: &Path) -> Plan {
        prepare(file, limits::DEFAULT_MAX_RUNS).unwrap()
    }

    /// The shipped Morris screening: 23 behavioural factors, so every point of a scenario draws
    /// the same population; blocks of 16 runs, 5 replicates.
    fn morris() -> Plan {
        plan_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sweeps/morris-screening.json"))
    }

    /// Check `jobs` of `todo`: every run of the blocks exactly once, in a job of its own block,
    /// in run order, at most [`SHARED_RUNS`] a job; one replicate and one population per job.
    /// Returns how many runs the blocks hold.
    fn check_jobs(plan: &Plan, todo: &[u64], jobs: &[(usize, Vec<u64>)]) -> usize {
        let r = &plan.resolved;
        let key = |run: u64| {
            let id = r.run_id(run);
            (id.replicate, Population::key(plan.scenario(id.scenario, id.point)))
        };
        let mut seen = HashSet::new();
        for (k, runs) in jobs {
            assert!(!runs.is_empty() && runs.len() <= SHARED_RUNS, "{runs:?}");
            assert!(runs.windows(2).all(|w| w[0] < w[1]), "{runs:?}");
            for &run in runs {
                assert!(r.block_runs(todo[*k]).contains(&run), "run {run} is not in block {}", todo[*k]);
                assert!(seen.insert(run), "run {run} twice");
            }
            assert!(runs.iter().all(|&run| key(run) == key(runs[0])), "{runs:?} draw different populations");
        }
        let runs: usize = todo.iter().map(|&b| r.block_runs(b).count()).sum();
        assert_eq!(seen.len(), runs);
        runs
    }

    #[test]
    fn runs_that_draw_the_same_population_share_a_job_within_their_block() {
        let plan = morris();
        let todo: Vec<u64> = vec![0, 1, 7, plan.resolved.blocks - 1];
        let jobs = jobs_of(&plan, &todo, 2);
        let runs = check_jobs(&plan, &todo, &jobs);
        // blocks of 16 runs over 5 replicates: 5 populations drawn a block, not 16
        assert_eq!((runs, jobs.len()), (64, 5 * todo.len()));
    }

    #[test]
    fn runs_share_only_when_every_thread_has_many_times_the_longest_job() {
        let plan = morris();
        let todo: Vec<u64> = vec![0, 1, 7, plan.resolved.blocks - 1];
        // 64 runs in jobs of at most 4: shared on 2 threads (32 runs each), not on 3
        assert!(jobs_of(&plan, &todo, 2).len() < 64);
        let alone = jobs_of(&plan, &todo, 3);
        check_jobs(&plan, &todo, &alone);
        let runs: Vec<u64> = alone.iter().flat_map(|(_, runs)| runs.clone()).collect();
        let in_order: Vec<u64> = todo.iter().flat_map(|&b| plan.resolved.block_runs(b)).collect();
        assert_eq!((alone.len(), runs), (64, in_order));
    }

    #[test]
    fn runs_whose_communities_differ_do_not_share_and_a_job_holds_at_most_eight() {
        // 2 driver models × (residents at 8 levels × exit hazard at 8 levels) × 2 replicates in
        // one block of 256 runs: 8 populations (one per number of residents, the two models of
        // one community sharing theirs), each drawn once per replicate
        let dir = tempfile::tempdir().unwrap();
        let drivers = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/drivers");
        let sweep = serde_json::json!({
            "name": "keys",
            "scenarios": [drivers.join("government-driven.json"), drivers.join("multi-actor.json")],
            "factors": [
                { "path": "community.residents", "min": 1000, "max": 1700 },
                { "path": "behaviour.retention.base_hazard", "min": 0.1, "max": 0.4 }
            ],
            "design": { "type": "grid", "levels_per_factor": 8 },
            "replications": 2,
            "seed": 1,
            "block_size": 256,
            "outputs": [{ "metric": "coverage", "statistic": "final_year_mean" }]
        });
        let file = dir.path().join("keys.json");
        std::fs::write(&file, sweep.to_string()).unwrap();
        let plan = plan_of(&file);
        let todo = [0];
        let jobs = jobs_of(&plan, &todo, 1);
        let runs = check_jobs(&plan, &todo, &jobs);
        let keys: HashSet<String> = (0..plan.resolved.points.len())
            .flat_map(|p| (0..2).map(move |s| (s, p)))
            .map(|(s, p)| Population::key(plan.scenario(s, p)))
            .collect();
        assert_eq!((runs, keys.len()), (256, 8));
        // each (replicate, population) holds 16 runs (8 points of each of the 2 scenarios): 2 jobs
        assert_eq!(jobs.len(), 2 * 8 * 2, "{jobs:?}");
    }
}
