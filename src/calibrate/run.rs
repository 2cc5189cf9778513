//! Running a calibration on disk: every generation (and the predictive check at the end) is a
//! fixed list of particles whose proposals follow from the generations before, cut into blocks
//! of `block_size` particles. Each block is written atomically to
//! `DIR/generations/<stage>/block-NNNNNN.csv` with a sidecar holding its checksum and this
//! calibration's fingerprint, as sweeps do. A rerun recomputes the proposals from the blocks on
//! disk, skips complete blocks and runs the rest; a shard runs its blocks (b mod N = index) of
//! the first incomplete stage, and goes on to the next stage only when every block of this one
//! is there (another shard's included). Nothing depends on threads or shards.

use super::abc::{self, Kernel, Population};
use super::plan::{distance, Plan, TargetRef, CHECK_GENERATION};
use crate::output::table::{nums, CsvText, Num, Table};
use crate::sweep::blocks::{fnv1a64, remove_stale_temporaries, write_atomic, Seal};
use crate::sweep::shard::Shard;
use crate::Error;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// A stage of the calibration: generation t, or the posterior predictive check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Generation(u32),
    Check,
}

impl Stage {
    /// Its folder name under `DIR/generations/`.
    pub fn folder(self) -> String {
        match self {
            Stage::Generation(t) => format!("g{t:03}"),
            Stage::Check => "check".into(),
        }
    }

    fn stream(self) -> u32 {
        match self {
            Stage::Generation(t) => t,
            Stage::Check => CHECK_GENERATION,
        }
    }
}

/// What one particle of a stage runs: its parameters (None: the cases as written) and seed.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    /// Working-space position (empty for the cases as written).
    pub z: Vec<f64>,
    /// Parameter values in their own units (None: as written).
    pub theta: Option<Vec<f64>>,
    /// log importance weight (0 for prior draws and the check).
    pub log_w: f64,
    /// Simulation seed of its runs.
    pub seed: u64,
}

/// The particle's own random stream: (seed, stage, particle).
fn stream(seed: u64, stage: Stage, i: u32) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(((stage.stream() as u64) << 32) | i as u64);
    rng
}

/// The proposals of a generation: from the prior (generation 0), else around the previous
/// population.
pub fn propose(plan: &Plan, t: u32, previous: Option<&Population>) -> Vec<Proposal> {
    let priors = plan.priors();
    let seed = plan.resolved.calibration.seed;
    let (n, keep, _, _) = plan.shape;
    let stage = Stage::Generation(t);
    let theta = |z: &[f64]| priors.iter().zip(z).map(|(p, &v)| p.from_work(v)).collect::<Vec<f64>>();
    match previous {
        None => (0..n)
            .map(|i| {
                let mut rng = stream(seed, stage, i);
                let seed = rng.next_u64();
                let z = abc::from_prior(&priors, &mut rng);
                Proposal { theta: Some(theta(&z)), z, log_w: 0.0, seed }
            })
            .collect(),
        Some(pop) => {
            let kernel = Kernel::of(&pop.particles, &priors);
            (0..n - keep)
                .map(|i| {
                    let mut rng = stream(seed, stage, i);
                    let seed = rng.next_u64();
                    let (z, moved) = abc::propose(pop, &kernel, &priors, &mut rng);
                    // a draw from the prior (no move landed in its support) weighs prior / prior
                    let log_w = if moved { abc::log_weight(&z, pop, &kernel, &priors) } else { 0.0 };
                    Proposal { theta: Some(theta(&z)), z, log_w, seed }
                })
                .collect()
        }
    }
}

/// The check's particles: `draws` posterior particles picked by weight, then `draws` runs of the
/// cases as written.
pub fn check_proposals(plan: &Plan, pop: &Population) -> Vec<Proposal> {
    let priors = plan.priors();
    let seed = plan.resolved.calibration.seed;
    let draws = plan.resolved.calibration.check.draws;
    (0..2 * draws)
        .map(|i| {
            let mut rng = stream(seed, Stage::Check, i);
            let seed = rng.next_u64();
            if i < draws {
                let p = &pop.particles[abc::pick(&pop.particles, rand::Rng::random::<f64>(&mut rng))];
                let theta = priors.iter().zip(&p.z).map(|(q, &v)| q.from_work(v)).collect();
                Proposal { z: p.z.clone(), theta: Some(theta), log_w: 0.0, seed }
            } else {
                Proposal { z: Vec::new(), theta: None, log_w: 0.0, seed }
            }
        })
        .collect()
}

/// One evaluated particle: its target values (in [`columns`] order) and distance.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluated {
    pub values: Vec<f64>,
    pub distance: f64,
}

/// The cases a stage runs: the fitted ones, or every case in the check.
pub fn stage_cases(plan: &Plan, stage: Stage) -> Vec<usize> {
    match stage {
        Stage::Generation(_) => plan.fitted(),
        Stage::Check => (0..plan.resolved.cases.len()).collect(),
    }
}

/// The target columns of a stage.
pub fn columns(plan: &Plan, stage: Stage) -> Vec<TargetRef> {
    plan.targets_of(&stage_cases(plan, stage))
}

/// The header of a stage's block files.
fn header(plan: &Plan, stage: Stage) -> Vec<String> {
    let mut h = vec!["particle".to_string(), "seed".to_string()];
    h.extend(plan.resolved.parameters.iter().map(|p| p.header.clone()));
    h.push("log_weight".into());
    h.extend(columns(plan, stage).into_iter().map(|c| plan.header(c)));
    h.push("distance".into());
    h
}

/// The distance of a stage's row of values: over the fitted cases' targets among them.
fn distance_of(plan: &Plan, stage: Stage, values: &[f64]) -> f64 {
    let cases = stage_cases(plan, stage);
    let fitted: Vec<bool> = cases
        .iter()
        .flat_map(|&c| {
            let n = plan.resolved.cases[c].targets.len();
            std::iter::repeat_n(!plan.resolved.cases[c].holdout, n)
        })
        .collect();
    let cols = columns(plan, stage);
    let targets: Vec<_> = cols.iter().zip(&fitted).filter(|(_, f)| **f).map(|(c, _)| plan.target(*c)).collect();
    let fit_values: Vec<f64> = values.iter().zip(&fitted).filter(|(_, f)| **f).map(|(v, _)| *v).collect();
    distance(&targets, &fit_values)
}

/// Simulate one particle; with the reason when its parameters make a case invalid.
fn evaluate(plan: &Plan, stage: Stage, p: &Proposal, stop: &AtomicBool) -> Option<(Evaluated, Option<String>)> {
    let reps = match stage {
        Stage::Generation(_) => plan.resolved.calibration.replications,
        Stage::Check => plan.resolved.calibration.check.replications,
    };
    let (values, problem) = plan.simulate(&stage_cases(plan, stage), p.theta.as_deref(), p.seed, reps, stop)?;
    Some((Evaluated { distance: distance_of(plan, stage, &values), values }, problem))
}

fn block_text(plan: &Plan, stage: Stage, first: u32, props: &[Proposal], evals: &[Evaluated]) -> String {
    let mut t = Table::new(header(plan, stage));
    let k = plan.resolved.parameters.len();
    for (j, (p, e)) in props.iter().zip(evals).enumerate() {
        let theta = p.theta.clone().unwrap_or_else(|| vec![f64::NAN; k]);
        t.row((first + j as u32, p.seed, nums(theta), Num(p.log_w), nums(e.values.iter().copied()), Num(e.distance)));
    }
    t.into_string()
}

fn stage_dir(dir: &Path, stage: Stage) -> PathBuf {
    dir.join("generations").join(stage.folder())
}

fn block_file(dir: &Path, stage: Stage, b: u32) -> PathBuf {
    stage_dir(dir, stage).join(format!("block-{b:06}.csv"))
}

fn sidecar_file(dir: &Path, stage: Stage, b: u32) -> PathBuf {
    stage_dir(dir, stage).join(format!("block-{b:06}.json"))
}

/// The fingerprint of a calibration: FNV-1a of its calibration.json text.
pub fn fingerprint(text: &str) -> String {
    format!("{:016x}", fnv1a64(text.as_bytes()))
}

/// A block on disk, read back and checked against what it must hold: this calibration's
/// fingerprint, an intact file (length and checksum as its sidecar recorded), the stage's header,
/// and one row per particle with the proposal's seed and parameters. Why not, otherwise.
fn read_block(
    plan: &Plan,
    dir: &Path,
    stage: Stage,
    b: u32,
    first: u32,
    props: &[Proposal],
    fp: &str,
) -> Result<Vec<Evaluated>, String> {
    let file = block_file(dir, stage, b);
    let bytes = std::fs::read(&file).map_err(|e| format!("cannot read it: {e}"))?;
    let side = std::fs::read(sidecar_file(dir, stage, b)).map_err(|e| format!("its sidecar: {e}"))?;
    let side: Value = serde_json::from_slice(&side).map_err(|e| format!("its sidecar is not JSON: {e}"))?;
    if side.get("calibration").and_then(Value::as_str) != Some(fp) {
        return Err("it belongs to another calibration (fingerprint differs)".into());
    }
    Seal::from_json(side.get("block_csv").unwrap_or(&Value::Null)).and_then(|s| s.check(&bytes, "its sidecar"))?;
    let text = String::from_utf8(bytes).map_err(|_| "it is not text".to_string())?;
    let expected = header(plan, stage);
    let mut csv = CsvText::new(&text).map_err(|e| e.to_string())?;
    if csv.header() != expected.as_slice() {
        return Err("its header is not this calibration's".into());
    }
    let cols = csv.columns(expected.iter().map(String::as_str)).map_err(|e| e.to_string())?;
    let k = plan.resolved.parameters.len();
    let n_values = expected.len() - k - 4;
    let mut out = Vec::new();
    for (j, row) in (&mut csv).enumerate() {
        let row = row.map_err(|e| e.to_string())?;
        let p = props.get(j).ok_or("it has more rows than the block has particles")?;
        let particle = row.whole(&cols[0]).map_err(|e| e.to_string())?;
        let seed = row.whole(&cols[1]).map_err(|e| e.to_string())?;
        let theta = p.theta.clone().unwrap_or_else(|| vec![f64::NAN; k]);
        let same_theta = theta.iter().enumerate().all(|(i, v)| row.text(&cols[2 + i]) == Num(*v).to_string());
        if particle != (first + j as u32) as u64 || seed != p.seed || !same_theta {
            return Err(format!("row {} is not the particle this calibration proposes there", j + 1));
        }
        let mut values = Vec::with_capacity(n_values);
        for c in &cols[k + 3..k + 3 + n_values] {
            values.push(row.number(c).map_err(|e| e.to_string())?);
        }
        let d = row.number(&cols[k + 3 + n_values]).map_err(|e| e.to_string())?;
        let d = if d.is_nan() { f64::INFINITY } else { d };
        // the distance follows from the values: an edited one is damage, not data
        if d != distance_of(plan, stage, &values) {
            return Err(format!("row {}'s distance is not its values' distance to the targets", j + 1));
        }
        out.push(Evaluated { values, distance: d });
    }
    if out.len() != props.len() {
        return Err(format!("it has {} rows, the block has {} particles", out.len(), props.len()));
    }
    Ok(out)
}

/// What happened to one stage in this call.
#[derive(Debug, Default, Clone)]
pub struct StageReport {
    pub blocks_run: u64,
    pub particles_run: u64,
    pub blocks_found: u64,
    /// Blocks of other shards not there yet.
    pub waiting: Vec<u32>,
    pub warnings: Vec<String>,
}

/// Make sure a stage's blocks exist: run this shard's missing or damaged ones (in parallel over
/// particles, each block written when complete). Every particle's evaluation if the whole stage
/// is on disk now, else None (other shards' blocks missing; see the report).
#[allow(clippy::too_many_arguments)]
pub fn stage(
    plan: &Plan,
    dir: &Path,
    stage: Stage,
    props: &[Proposal],
    fp: &str,
    shard: Option<&Shard>,
    tick: &(dyn Fn() + Sync),
    stop: &AtomicBool,
) -> Result<(Option<Vec<Evaluated>>, StageReport), Error> {
    let size = plan.resolved.calibration.block_size.max(1) as usize;
    let n_blocks = props.len().div_ceil(size) as u32;
    let mut report = StageReport::default();
    let sdir = stage_dir(dir, stage);
    std::fs::create_dir_all(&sdir).map_err(|e| Error::runtime(format!("cannot create {}: {e}", sdir.display())))?;
    report.warnings.extend(remove_stale_temporaries(&sdir));
    let range = |b: u32| (b as usize * size)..((b as usize + 1) * size).min(props.len());
    let mut found: Vec<Option<Vec<Evaluated>>> = vec![None; n_blocks as usize];
    let mut todo = Vec::new();
    for b in 0..n_blocks {
        let mine = shard.is_none_or(|s| b as u64 % s.count == s.index);
        if block_file(dir, stage, b).exists() {
            match read_block(plan, dir, stage, b, range(b).start as u32, &props[range(b)], fp) {
                Ok(e) => {
                    found[b as usize] = Some(e);
                    report.blocks_found += 1;
                    continue;
                }
                Err(why) if mine => report.warnings.push(format!(
                    "{} is damaged or not of this calibration ({why}); running it again",
                    block_file(dir, stage, b).display()
                )),
                Err(why) => report.warnings.push(format!(
                    "{} is damaged or not of this calibration ({why}); its shard must run it again",
                    block_file(dir, stage, b).display()
                )),
            }
        }
        if mine {
            todo.push(b);
        } else {
            report.waiting.push(b);
        }
    }
    let jobs: Vec<(usize, usize)> = todo.iter().enumerate().flat_map(|(k, &b)| range(b).map(move |i| (k, i))).collect();
    struct Pending {
        evals: Vec<Option<Evaluated>>,
        left: usize,
        started: std::time::Instant,
    }
    let state: Vec<Mutex<Pending>> = todo
        .iter()
        .map(|&b| {
            let n = range(b).len();
            Mutex::new(Pending { evals: vec![None; n], left: n, started: std::time::Instant::now() })
        })
        .collect();
    let error: Mutex<Option<String>> = Mutex::new(None);
    let invalid: Mutex<(u64, Option<(usize, String)>)> = Mutex::new((0, None));
    let written = AtomicU64::new(0);
    let run = AtomicU64::new(0);
    let threads = rayon::current_num_threads();
    let shard_label =
        shard.map_or("all blocks".to_string(), |s| format!("shard {} of {} ({})", s.index, s.count, s.source));
    jobs.par_iter().for_each(|&(k, i)| {
        if stop.load(Ordering::Relaxed) || error.lock().map_or(true, |e| e.is_some()) {
            return;
        }
        let Some((e, problem)) = evaluate(plan, stage, &props[i], stop) else { return };
        if let (Some(why), Ok(mut inv)) = (problem, invalid.lock()) {
            inv.0 += 1;
            // the first in particle order, so the message does not depend on scheduling
            if inv.1.as_ref().is_none_or(|(first, _)| i < *first) {
                inv.1 = Some((i, why));
            }
        }
        run.fetch_add(1, Ordering::Relaxed);
        tick();
        let b = todo[k];
        let done = {
            let Ok(mut st) = state[k].lock() else { return };
            st.evals[i - range(b).start] = Some(e);
            st.left -= 1;
            (st.left == 0).then(|| {
                let evals: Vec<Evaluated> = st
                    .evals
                    .iter_mut()
                    .map(|e| e.take().unwrap_or(Evaluated { values: vec![], distance: f64::INFINITY }))
                    .collect();
                (evals, st.started.elapsed().as_secs_f64())
            })
        };
        if let Some((evals, secs)) = done {
            let text = block_text(plan, stage, range(b).start as u32, &props[range(b)], &evals);
            let side = json!({
                "format": "govsim-calibration-block/1",
                "calibration": fp,
                "stage": stage.folder(),
                "block": b,
                "particles": [range(b).start, range(b).end - 1],
                "block_csv": Seal::of(text.as_bytes()).to_json(),
                "threads": threads,
                "wall_seconds": secs,
                "shard": shard_label,
                "govsim_version": crate::version::VERSION,
                "govsim_commit": crate::version::COMMIT,
                "govsim_modified": crate::version::MODIFIED,
            });
            let side = serde_json::to_string_pretty(&side).unwrap_or_default() + "\n";
            let res = write_atomic(&sidecar_file(dir, stage, b), side.as_bytes())
                .and_then(|()| write_atomic(&block_file(dir, stage, b), text.as_bytes()));
            match res {
                Ok(()) => {
                    written.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    if let Ok(mut slot) = error.lock() {
                        slot.get_or_insert(format!("cannot write {}: {e}", block_file(dir, stage, b).display()));
                    }
                }
            }
        }
    });
    if let Some(e) = error.lock().ok().and_then(|mut e| e.take()) {
        return Err(Error::runtime(e));
    }
    report.blocks_run = written.load(Ordering::Relaxed);
    report.particles_run = run.load(Ordering::Relaxed);
    if let Ok((n, Some((i, why)))) = invalid.lock().map(|g| g.clone()) {
        report.warnings.push(format!(
            "{}: {n} particle(s) this call had parameters that make a case invalid; they count as infinitely far from the targets (the posterior is limited to valid combinations). First, particle {i}: {why}",
            stage.folder()
        ));
    }
    if stop.load(Ordering::Relaxed) {
        return Err(Error::interrupted(format!(
            "{} block(s) of {} completed before the stop are kept in {}; rerun the same command to resume",
            report.blocks_run,
            stage.folder(),
            sdir.display()
        )));
    }
    // read back what this call wrote: one path for fresh and resumed blocks
    for &b in &todo {
        let e = read_block(plan, dir, stage, b, range(b).start as u32, &props[range(b)], fp).map_err(|why| {
            Error::runtime(format!(
                "{} was just written but does not read back: {why}",
                block_file(dir, stage, b).display()
            ))
        })?;
        found[b as usize] = Some(e);
    }
    if !report.waiting.is_empty() {
        return Ok((None, report));
    }
    Ok((Some(found.into_iter().flatten().flatten().collect()), report))
}
