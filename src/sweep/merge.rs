//! `govsim merge DIR`: check that every run of the sweep is on disk exactly once and write
//! `runs.csv` (one row per run), `points.csv` (one row per scenario × point, replication means)
//! and `manifest.json`. Nothing is written unless every block is present and valid.

use super::blocks::{block_file, block_number, blocks_dir, number, read_block, sidecar_file, write_atomic};
use super::plan::Resolved;
use super::SweepError;
use serde_json::{json, Value};
use std::path::Path;

/// Read `DIR/sweep.json`.
pub fn read_resolved(dir: &Path) -> Result<Resolved, SweepError> {
    let path = dir.join("sweep.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        SweepError::Input(format!("{}: cannot read ({e}); is {} a sweep output folder?", path.display(), dir.display()))
    })?;
    serde_json::from_str(&text)
        .map_err(|e| SweepError::Input(format!("{}: not a sweep.json of this govsim: {e}", path.display())))
}

/// Contiguous ranges of sorted numbers, e.g. [1,2,3,7] → "1–3, 7".
pub fn ranges(v: &[u64]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j + 1 < v.len() && v[j + 1] == v[j] + 1 {
            j += 1;
        }
        parts.push(if i == j { v[i].to_string() } else { format!("{}–{}", v[i], v[j]) });
        i = j + 1;
    }
    parts.join(", ")
}

/// What merge wrote.
pub struct Merged {
    pub runs: u64,
    pub points: u64,
    pub blocks: u64,
}

pub fn merge(dir: &Path) -> Result<Merged, SweepError> {
    let r = read_resolved(dir)?;
    let mut problems = Vec::new();
    // stray block files (another sweep's, or a renamed file)
    if let Ok(entries) = std::fs::read_dir(blocks_dir(dir)) {
        let mut stray: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| block_number(n).is_some_and(|b| b >= r.blocks || *n != format!("block-{:06}.csv", b)))
            .collect();
        stray.sort();
        if !stray.is_empty() {
            problems.push(format!(
                "block files that are not blocks of this sweep (it has blocks 0–{}): {}",
                r.blocks.saturating_sub(1),
                stray.join(", ")
            ));
        }
    }
    let mut missing = Vec::new();
    let mut rows: Vec<(u64, String, Vec<f64>)> = Vec::with_capacity(r.total_runs as usize);
    let mut seen = vec![0u8; r.total_runs as usize];
    for b in 0..r.blocks {
        let f = block_file(dir, b);
        if !f.exists() {
            missing.push(b);
            continue;
        }
        match read_block(&r, &f, b) {
            Ok(block) => {
                for row in block {
                    seen[row.0 as usize] = seen[row.0 as usize].saturating_add(1);
                    rows.push(row);
                }
            }
            Err(e) => problems.push(format!("{} is not a complete block of this sweep: {e}", f.display())),
        }
    }
    if !missing.is_empty() {
        let runs: Vec<String> = group(&missing)
            .iter()
            .map(|(a, z)| format!("{}–{}", r.block_runs(*a).start, r.block_runs(*z).end - 1))
            .collect();
        problems.insert(
            0,
            format!(
                "{} of {} block(s) missing: block(s) {} = runs {} (rerun `govsim sweep` with the same shards, or without shards, to complete them)",
                missing.len(),
                r.blocks,
                ranges(&missing),
                runs.join(", ")
            ),
        );
    }
    let dup: Vec<u64> = seen.iter().enumerate().filter(|(_, &c)| c > 1).map(|(i, _)| i as u64).collect();
    if !dup.is_empty() {
        problems.push(format!("runs present more than once: {}", ranges(&dup)));
    }
    if !problems.is_empty() {
        let mut m = format!("{}: the sweep is incomplete, nothing was written:", dir.display());
        for p in problems {
            m.push_str("\n  - ");
            m.push_str(&p);
        }
        return Err(SweepError::Runtime(m));
    }
    rows.sort_by_key(|x| x.0);
    // runs.csv: the block rows in run order
    let mut runs_csv = r.header();
    runs_csv.push('\n');
    for (_, line, _) in &rows {
        runs_csv.push_str(line);
        runs_csv.push('\n');
    }
    // points.csv: replication means per scenario × point
    let mut points_csv = vec!["scenario".to_string(), "point".into()];
    points_csv.extend(r.factors.iter().map(|f| f.header.clone()));
    points_csv.extend(r.outputs.iter().map(|o| o.header.clone()));
    let mut points_csv = points_csv.join(",") + "\n";
    let reps = r.replications as usize;
    for (k, chunk) in rows.chunks(reps).enumerate() {
        let id = r.run_id((k * reps) as u64);
        let mut line = format!("{},{}", r.scenarios[id.scenario].name, id.point);
        // factor cells exactly as the runs recorded them
        let first: Vec<&str> = chunk[0].1.split(',').collect();
        for cell in &first[4..4 + r.factors.len()] {
            line.push(',');
            line.push_str(cell);
        }
        for o in 0..r.outputs.len() {
            let mean = crate::experiment::stats::finite_mean(chunk.iter().map(|row| row.2[o]));
            line.push(',');
            line.push_str(&number(mean));
        }
        points_csv.push_str(&line);
        points_csv.push('\n');
    }
    let sidecars: Vec<Value> = (0..r.blocks)
        .map(|b| {
            std::fs::read_to_string(sidecar_file(dir, b))
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_else(|| json!({ "block": b }))
        })
        .collect();
    let manifest = json!({
        "name": r.name,
        "description": r.description,
        "govsim_version": r.govsim_version,
        "merged_by_govsim_version": env!("CARGO_PKG_VERSION"),
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
        "block_runs": sidecars,
    });
    let write = |name: &str, bytes: &[u8]| {
        write_atomic(&dir.join(name), bytes)
            .map_err(|e| SweepError::Runtime(format!("cannot write {}: {e}", dir.join(name).display())))
    };
    write("runs.csv", runs_csv.as_bytes())?;
    write("points.csv", points_csv.as_bytes())?;
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| SweepError::Runtime(e.to_string()))?;
    write("manifest.json", text.as_bytes())?;
    Ok(Merged { runs: r.total_runs, points: (r.points.len() * r.scenarios.len()) as u64, blocks: r.blocks })
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
    }
}
