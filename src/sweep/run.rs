//! Running a share of the run list: the blocks not yet on disk, all their runs in one rayon
//! pool, each block written as soon as its last run finishes.

use super::blocks::{self, block_file, check_block, sidecar_file, write_atomic, BlockState};
use super::plan::{outputs_of, Plan, Resolved};
use crate::experiment::run_replication_until;
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
    let jobs: Vec<(usize, u64)> =
        todo.iter().enumerate().flat_map(|(k, &b)| r.block_runs(b).map(move |i| (k, i))).collect();
    let halt = AtomicBool::new(false);
    let error: Mutex<Option<String>> = Mutex::new(None);
    let written = AtomicU64::new(0);
    let runs_done = AtomicU64::new(0);
    let threads = rayon::current_num_threads();
    let fail = |m: String| {
        halt.store(true, Ordering::SeqCst);
        if let Ok(mut e) = error.lock() {
            e.get_or_insert(m);
        }
    };
    jobs.par_iter().for_each(|&(k, run)| {
        if halt.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed) {
            return;
        }
        let b = todo[k];
        if let Ok(mut st) = state[k].lock() {
            st.started.get_or_insert_with(Instant::now);
        }
        let id = r.run_id(run);
        // built and validated once, by `prepare`
        let scenario = plan.scenario(id.scenario, id.point);
        let Some(rep) = run_replication_until(scenario, r.seed, id.replicate, stop) else { return };
        let outputs = outputs_of(&r.outputs, scenario, &rep);
        runs_done.fetch_add(1, Ordering::Relaxed);
        tick();
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

/// This machine's name, for the sidecars (empty if unknown).
pub fn host() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}
