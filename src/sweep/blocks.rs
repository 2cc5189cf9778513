//! Block files: `DIR/blocks/block-000123.csv` holds the rows of one block of consecutive runs,
//! in the layout of runs.csv (same header). A block file is written to a temporary name and
//! renamed, so it exists only when complete; a sidecar `block-000123.json` records where and how
//! fast it ran (machine-dependent facts stay out of the CSV files).

use super::plan::Resolved;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

pub fn blocks_dir(dir: &Path) -> PathBuf {
    dir.join("blocks")
}

pub fn block_file(dir: &Path, b: u64) -> PathBuf {
    blocks_dir(dir).join(format!("block-{b:06}.csv"))
}

pub fn sidecar_file(dir: &Path, b: u64) -> PathBuf {
    blocks_dir(dir).join(format!("block-{b:06}.json"))
}

/// The block number of a file name `block-NNNNNN.csv`.
pub fn block_number(name: &str) -> Option<u64> {
    name.strip_prefix("block-")?.strip_suffix(".csv")?.parse().ok()
}

/// Write `bytes` to `path` atomically: a unique temporary file in the same folder, flushed to
/// disk, then renamed (readers see the old file, or none, or the complete new one).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let tmp = parent.join(format!(".{name}.tmp-{}-{nanos}", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A number as written in result files: Rust's shortest round-trip form; empty if undefined.
pub fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}

/// One row of runs.csv (without the line break).
pub fn row(r: &Resolved, run: u64, outputs: &[f64]) -> String {
    let id = r.run_id(run);
    let mut line = format!("{run},{},{},{}", r.scenarios[id.scenario].name, id.point, id.replicate);
    for v in r.points[id.point].iter().chain(outputs) {
        line.push(',');
        line.push_str(&number(*v));
    }
    line
}

/// The text of a block file.
pub fn block_text(r: &Resolved, rows: &[(u64, Vec<f64>)]) -> String {
    let mut text = r.header();
    text.push('\n');
    for (run, outputs) in rows {
        let _ = writeln!(text, "{}", row(r, *run, outputs));
    }
    text
}

/// A block file's rows after checking them: (run, line, output values).
pub type Rows = Vec<(u64, String, Vec<f64>)>;

/// Read a block file and check it is complete and belongs to this sweep: the header, one row per
/// run of the block in order, and the scenario, point and replicate of each run.
pub fn read_block(r: &Resolved, path: &Path, b: u64) -> Result<Rows, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut lines = text.lines();
    let header = r.header();
    if lines.next() != Some(header.as_str()) {
        return Err("its header is not the header of this sweep".into());
    }
    let expected = r.block_runs(b);
    let n_factors = r.factors.len();
    let mut rows = Vec::new();
    for (k, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != 4 + n_factors + r.outputs.len() {
            return Err(format!(
                "row {} has {} cells, expected {}",
                k + 1,
                cells.len(),
                4 + n_factors + r.outputs.len()
            ));
        }
        let run: u64 = cells[0].parse().map_err(|_| format!("row {}: run {:?} is not a number", k + 1, cells[0]))?;
        let want = expected.start + k as u64;
        if run != want {
            return Err(format!("row {} is run {run}, expected run {want}", k + 1));
        }
        let id = r.run_id(run);
        if cells[1] != r.scenarios[id.scenario].name
            || cells[2] != id.point.to_string()
            || cells[3] != id.replicate.to_string()
        {
            return Err(format!(
                "run {run} is labelled ({}, {}, {}), not as this sweep's run list says",
                cells[1], cells[2], cells[3]
            ));
        }
        let mut outputs = Vec::with_capacity(r.outputs.len());
        for c in &cells[4 + n_factors..] {
            outputs.push(if c.is_empty() {
                f64::NAN
            } else {
                c.parse::<f64>().map_err(|_| format!("run {run}: {c:?} is not a number"))?
            });
        }
        rows.push((run, line.to_string(), outputs));
    }
    if rows.len() as u64 != expected.end - expected.start {
        return Err(format!("it has {} rows, the block has {} runs", rows.len(), expected.end - expected.start));
    }
    Ok(rows)
}
