//! `govsim merge DIR`: check that every run of the sweep is on disk exactly once and intact, and
//! write `runs.csv` (one row per run), `points.csv` (one row per scenario × point, replication
//! means) and `manifest.json`. Nothing is written unless every block is present and intact.
//!
//! Merged files are never left looking valid when they are not the merge of the blocks on disk:
//! a merge that fails removes the previous `runs.csv`, `points.csv` and `manifest.json`; a merge
//! that succeeds removes `manifest.json` first and writes it last, with the length and checksum
//! of `sweep.json`, `runs.csv` and `points.csv`, which `govsim analyze` checks before it reads.

use super::blocks::{block_file, block_number, blocks_dir, check_block, runs_text, write_atomic, BlockState, Seal};
use super::plan::Resolved;
use crate::experiment::stats::finite_mean;
use crate::output::table::{nums, Table};
use crate::Error;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

/// The files a merge writes, in the order it writes them (manifest.json last).
pub const MERGED: [&str; 3] = ["runs.csv", "points.csv", "manifest.json"];

/// Read `DIR/sweep.json` and check it is consistent.
pub fn read_resolved(dir: &Path) -> Result<Resolved, Error> {
    read_resolved_bytes(dir).map(|(r, _)| r)
}

/// [`read_resolved`], with the file's bytes (for its checksum). A sweep.json whose counts do not
/// agree with its own sweep file (edited or damaged) is refused as bad input, so that nothing
/// after it sizes work or memory from numbers the sweep never had.
pub fn read_resolved_bytes(dir: &Path) -> Result<(Resolved, Vec<u8>), Error> {
    let path = dir.join("sweep.json");
    let bytes = std::fs::read(&path).map_err(|e| {
        Error::input(format!("{}: cannot read ({e}); is {} a sweep output folder?", path.display(), dir.display()))
    })?;
    let r: Resolved = serde_json::from_slice(&bytes)
        .map_err(|e| Error::input(format!("{}: not a sweep.json of this govsim: {e}", path.display())))?;
    consistent(&r).map_err(|e| {
        Error::input(format!(
            "{}: {e}; the file was changed or damaged after `govsim sweep` wrote it (run the sweep again into a new folder)",
            path.display()
        ))
    })?;
    Ok((r, bytes))
}

/// Why a resolved sweep's numbers do not agree with each other, if they do not.
fn consistent(r: &Resolved) -> Result<(), String> {
    let problems = super::limits::check_bounds(&r.sweep);
    if let Some(p) = problems.first() {
        return Err(format!("its sweep file is out of bounds: {p}"));
    }
    let s = &r.sweep;
    if r.replications != s.replications || r.block_size != s.block_size || r.seed != s.seed {
        return Err("replications, block_size or seed differ from its sweep file".into());
    }
    if r.scenarios.is_empty() || r.scenarios.len() != s.scenarios.len() {
        return Err(format!("{} scenario(s), its sweep file names {}", r.scenarios.len(), s.scenarios.len()));
    }
    if r.factors.is_empty() || r.factors.len() != s.factors.len() {
        return Err(format!("{} factor(s), its sweep file has {}", r.factors.len(), s.factors.len()));
    }
    if r.outputs.is_empty() || r.outputs.len() != s.outputs.len() {
        return Err(format!("{} output(s), its sweep file has {}", r.outputs.len(), s.outputs.len()));
    }
    let points = super::limits::count(s).points;
    if points != Some(r.points.len() as u128) {
        return Err(format!("{} design point(s), its design has {}", r.points.len(), super::limits::big(points)));
    }
    if let Some(p) = r.points.iter().position(|p| p.len() != r.factors.len()) {
        return Err(format!("design point {p} has {} value(s) for {} factor(s)", r.points[p].len(), r.factors.len()));
    }
    let total = (r.scenarios.len() as u64)
        .checked_mul(r.points.len() as u64)
        .and_then(|x| x.checked_mul(r.replications as u64));
    if total != Some(r.total_runs) || r.blocks != r.total_runs.div_ceil(r.block_size.max(1) as u64) {
        return Err(format!(
            "total_runs {} and blocks {} are not scenarios × points × replications and its blocks of {}",
            r.total_runs, r.blocks, r.block_size
        ));
    }
    Ok(())
}

/// Contiguous ranges of sorted numbers, e.g. [1,2,3,7] → "1–3, 7".
pub fn ranges(v: &[u64]) -> String {
    group(v)
        .iter()
        .map(|&(a, z)| if a == z { a.to_string() } else { format!("{a}–{z}") })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What merge wrote.
pub struct Merged {
    pub runs: u64,
    pub points: u64,
    pub blocks: u64,
    /// Things the user should know (blocks without a checksum).
    pub warnings: Vec<String>,
}

/// Remove the merged files of an earlier merge; what was removed, and what could not be.
fn remove_merged(dir: &Path) -> (Vec<&'static str>, Vec<String>) {
    let (mut removed, mut failed) = (Vec::new(), Vec::new());
    for name in MERGED {
        match std::fs::remove_file(dir.join(name)) {
            Ok(()) => removed.push(name),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => failed.push(format!("{}: {e}", dir.join(name).display())),
        }
    }
    // the codebook describes the merged files: it goes with them (rewritten by the next merge)
    let _ = std::fs::remove_file(dir.join(crate::output::codebook::FILE));
    (removed, failed)
}

/// Check every block of the sweep in `dir` and, if all are there and intact, write `runs.csv`,
/// `points.csv` and `manifest.json` (last). Otherwise nothing is written, the previous merge's
/// files are removed, and the error names every missing or damaged block: bad input if a block
/// file is damaged, a failure if blocks are only missing (not run yet).
pub fn merge(dir: &Path) -> Result<Merged, Error> {
    let (r, sweep_bytes) = read_resolved_bytes(dir)?;
    // damaged: block files on disk that cannot be used (bad input: exit 2); missing: not run yet
    let (present, mut damaged) = list_blocks(&r, dir);
    let missing = absent(&present, r.blocks);
    let mut rows: Vec<(u64, Vec<f64>)> = Vec::new();
    let mut sidecars: Vec<Value> = Vec::new();
    let mut unsealed: Vec<u64> = Vec::new();
    for &b in &present {
        match check_block(&r, dir, b) {
            BlockState::Intact { rows: block, sidecar, sealed } => {
                if !sealed {
                    unsealed.push(b);
                }
                if damaged.is_empty() && missing.is_empty() {
                    rows.extend(block);
                    sidecars.push(sidecar);
                }
            }
            BlockState::Damaged(e) => damaged.push(format!("{}: {e}", block_file(dir, b).display())),
            // removed since the folder was listed
            BlockState::Missing => damaged.push(format!("{}: disappeared while merging", block_file(dir, b).display())),
        }
    }
    if !damaged.is_empty() || !missing.is_empty() {
        return Err(incomplete(&r, dir, &damaged, &missing));
    }
    // check_block gives each block's runs in order, and blocks are read in order: run order
    debug_assert!(rows.windows(2).all(|w| w[0].0 + 1 == w[1].0));
    let (runs_csv, points_csv) = merged_csv(&r, &rows);
    let mut warnings = Vec::new();
    if !unsealed.is_empty() {
        warnings.push(format!(
            "{} block(s) of {} have no checksum in their sidecar (written by an earlier govsim, before block checksums): block(s) {}. Their content was checked (complete rows, labels, factor values, numbers), but an edited output value cannot be detected; to be sure, delete those block files and rerun `govsim sweep`",
            unsealed.len(),
            r.blocks,
            ranges(&unsealed)
        ));
    }
    let seals = [&sweep_bytes[..], runs_csv.as_bytes(), points_csv.as_bytes()].map(Seal::of);
    let manifest = manifest(&r, seals, &unsealed, sidecars);
    let write = |name: &str, bytes: &[u8]| {
        write_atomic(&dir.join(name), bytes)
            .map_err(|e| Error::runtime(format!("cannot write {}: {e}", dir.join(name).display())))
    };
    // no manifest while runs.csv and points.csv are being replaced: a merge cut short here
    // leaves no files that look like a finished merge
    match std::fs::remove_file(dir.join("manifest.json")) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(Error::runtime(format!("cannot replace {}: {e}", dir.join("manifest.json").display())))
        }
        _ => {}
    }
    write("runs.csv", runs_csv.as_bytes())?;
    write("points.csv", points_csv.as_bytes())?;
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| Error::runtime(e.to_string()))? + "\n";
    write("manifest.json", text.as_bytes())?;
    crate::output::codebook::write(dir, "sweep").map_err(|e| {
        Error::runtime(format!("cannot write {}: {e}", dir.join(crate::output::codebook::FILE).display()))
    })?;
    Ok(Merged { runs: r.total_runs, points: (r.points.len() * r.scenarios.len()) as u64, blocks: r.blocks, warnings })
}

/// The block files in `DIR/blocks` (the work that follows is bounded by them, not by the count
/// sweep.json claims), and a problem naming the files there that are not blocks of this sweep.
fn list_blocks(r: &Resolved, dir: &Path) -> (BTreeSet<u64>, Vec<String>) {
    let mut present: BTreeSet<u64> = BTreeSet::new();
    let mut damaged = Vec::new();
    let Ok(entries) = std::fs::read_dir(blocks_dir(dir)) else { return (present, damaged) };
    let mut stray: Vec<String> = Vec::new();
    for name in entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().to_string()) {
        let Some(b) = block_number(&name) else { continue };
        if b >= r.blocks || name != format!("block-{b:06}.csv") {
            stray.push(name);
        } else {
            present.insert(b);
        }
    }
    stray.sort();
    if !stray.is_empty() {
        damaged.push(format!(
            "block files that are not blocks of this sweep (it has blocks 0–{}): {}; move them away",
            r.blocks.saturating_sub(1),
            stray.join(", ")
        ));
    }
    (present, damaged)
}

/// Why nothing was merged: the missing blocks (as ranges of blocks and runs) and the damaged
/// ones, what to run, and which files of the previous merge were removed (they are not the
/// merge of the blocks now on disk).
fn incomplete(r: &Resolved, dir: &Path, damaged: &[String], missing: &[(u64, u64)]) -> Error {
    let mut m = if damaged.is_empty() {
        format!("{}: the sweep is incomplete, nothing was written:", dir.display())
    } else {
        format!("{}: {} problem(s) with block files, nothing was merged:", dir.display(), damaged.len())
    };
    if !missing.is_empty() {
        let n: u64 = missing.iter().map(|(a, z)| z - a + 1).sum();
        let blocks: Vec<String> =
            missing.iter().map(|&(a, z)| if a == z { a.to_string() } else { format!("{a}–{z}") }).collect();
        let runs: Vec<String> =
            missing.iter().map(|(a, z)| format!("{}–{}", r.block_runs(*a).start, r.block_runs(*z).end - 1)).collect();
        m.push_str(&format!(
            "\n  - {n} of {} block(s) missing: block(s) {} = runs {}",
            r.blocks,
            blocks.join(", "),
            runs.join(", ")
        ));
    }
    for d in damaged {
        m.push_str("\n  - ");
        m.push_str(d);
    }
    m.push_str(&format!(
        "\nRerun the same `govsim sweep` command (with the same shards, or without shards): it runs the missing and damaged blocks again and keeps the intact ones; then `govsim merge {}`.",
        dir.display()
    ));
    let (removed, failed) = remove_merged(dir);
    if !removed.is_empty() {
        m.push_str(&format!(
            "\nThe previous merge's {} {} removed: {} not the merge of the blocks now on disk.",
            removed.join(", "),
            if removed.len() == 1 { "was" } else { "were" },
            if removed.len() == 1 { "it is" } else { "they are" }
        ));
    }
    if !failed.is_empty() {
        m.push_str(&format!("\nCould not remove the previous merge's files, which are stale: {}", failed.join("; ")));
        return Error::runtime(m);
    }
    if damaged.is_empty() {
        Error::runtime(m)
    } else {
        Error::input(m)
    }
}

/// runs.csv (the block rows in run order, as the blocks hold them: [`parse_block`] accepts
/// only the cells govsim writes) and points.csv (replication means per scenario × point) of
/// every run's outputs.
///
/// [`parse_block`]: super::blocks::parse_block
fn merged_csv(r: &Resolved, rows: &[(u64, Vec<f64>)]) -> (String, String) {
    let runs_csv = runs_text(r, rows);
    let names = r.factors.iter().map(|f| f.header.as_str()).chain(r.outputs.iter().map(|o| o.header.as_str()));
    let mut points_csv = Table::new(["scenario", "point"].into_iter().chain(names));
    let reps = r.replications as usize;
    for (k, chunk) in rows.chunks(reps).enumerate() {
        let id = r.run_id((k * reps) as u64);
        let means = (0..r.outputs.len()).map(|o| finite_mean(chunk.iter().map(|row| row.1[o])));
        let factors = nums(r.points[id.point].iter().copied());
        points_csv.row((&r.scenarios[id.scenario].name, id.point, factors, nums(means)));
    }
    (runs_csv, points_csv.into_string())
}

/// manifest.json: what was merged, with the seals of sweep.json, runs.csv and points.csv (in
/// that order) and every block's sidecar.
fn manifest(r: &Resolved, seals: [Seal; 3], unsealed: &[u64], sidecars: Vec<Value>) -> Value {
    let [sweep_json, runs_csv, points_csv] = seals;
    json!({
        "name": r.name,
        "description": r.description,
        "govsim_version": r.govsim_version,
        "merged_by_govsim_version": crate::version::VERSION,
        "merged_by_govsim_commit": crate::version::COMMIT,
        "merged_by_govsim_modified": crate::version::MODIFIED,
        "design": r.sweep.design,
        "factors": r.factors,
        "outputs": r.outputs,
        "scenarios": r.scenarios.iter().map(|s| json!({ "file": s.file, "name": s.name })).collect::<Vec<_>>(),
        "seed": r.seed,
        "seeds": r.seeds,
        "replications": r.replications,
        "points": r.points.len(),
        "total_runs": r.total_runs,
        "block_size": r.block_size,
        "blocks": r.blocks,
        "files": {
            "runs.csv": "one row per run: run, scenario, point, replicate, one column per factor (header = factor path or name), one column per output (header = metric.statistic); empty cells are undefined values",
            "points.csv": "one row per scenario × design point: factor values and the mean over replications of each output (undefined replications left out)",
            "sweep.json": "the resolved sweep: the sweep file, the loaded scenarios and every design point",
        },
        "checksums": {
            "about": "length and FNV-1a 64 checksum of each file as this merge read or wrote it; `govsim analyze` refuses files that differ (changed, or left by an interrupted merge)",
            "sweep.json": sweep_json.to_json(),
            "runs.csv": runs_csv.to_json(),
            "points.csv": points_csv.to_json(),
        },
        "unsealed_blocks": unsealed,
        "block_runs": sidecars,
    })
}

/// The blocks of 0..n not in `present`, as contiguous (first, last) groups (work in proportion
/// to `present`, not to `n`).
fn absent(present: &BTreeSet<u64>, n: u64) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut next = 0u64;
    for &b in present.iter().filter(|&&b| b < n) {
        if b > next {
            out.push((next, b - 1));
        }
        next = b + 1;
    }
    if next < n {
        out.push((next, n - 1));
    }
    out
}

/// Contiguous groups of sorted numbers as (first, last).
fn group(v: &[u64]) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for &x in v {
        match out.last_mut() {
            Some((_, z)) if *z + 1 == x => *z = x,
            _ => out.push((x, x)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn sweep_json_gives_back_the_exact_design_values() {
        // block files hold the design's values as run; merge compares them with sweep.json's,
        // so parsing must give back every bit (serde_json's `float_roundtrip`): without it,
        // e.g. 0.9297704577445984 came back one unit in the last place off
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = (x >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi((x % 9) as i32 - 4);
            let back: f64 = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
            assert_eq!(back.to_bits(), v.to_bits(), "{v}");
        }
        let v = 0.9297704577445984f64;
        assert_eq!(serde_json::from_str::<f64>(&serde_json::to_string(&v).unwrap()).unwrap(), v);
    }

    #[test]
    fn ranges_are_compact() {
        assert_eq!(super::ranges(&[1, 2, 3, 7, 9, 10]), "1–3, 7, 9–10");
        assert_eq!(super::ranges(&[]), "");
        assert_eq!(super::group(&[4, 5, 8]), vec![(4, 5), (8, 8)]);
        let present: std::collections::BTreeSet<u64> = [1, 2, 5].into_iter().collect();
        assert_eq!(super::absent(&present, 8), vec![(0, 0), (3, 4), (6, 7)]);
        assert_eq!(super::absent(&present, 6), vec![(0, 0), (3, 4)]);
        assert_eq!(super::absent(&Default::default(), 0), vec![]);
        // a huge count costs nothing
        assert_eq!(super::absent(&present, u64::MAX), vec![(0, 0), (3, 4), (6, u64::MAX - 1)]);
    }
}
