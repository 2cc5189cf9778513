//! Block files: `DIR/blocks/block-000123.csv` holds the rows of one block of consecutive runs,
//! in the layout of runs.csv (same header). A block file is written to a temporary name and
//! renamed, so it exists only when complete; a sidecar `block-000123.json`, written just before
//! it, records the block file's length and checksum (`"block_csv": {"bytes", "fnv1a64"}`) and
//! where and how fast it ran (machine-dependent facts stay out of the CSV files).
//!
//! [`check_block`] is what resume and merge trust: a block counts only if its file ends with a
//! line break, has this sweep's header, one row per run of the block in order with the run's
//! scenario, point, replicate and the design's factor values, outputs written as govsim writes
//! numbers, and a sidecar of this block whose length and checksum match. A block whose sidecar
//! has no checksum (written by a govsim before checksums) counts if everything else holds, and
//! is reported as unsealed.

use super::plan::{Resolved, RUN_COLUMNS};
use crate::output::table::{nums, Column, CsvText, Num, Table};
use serde_json::{json, Value};
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

/// How old a temporary must be before it counts as left behind: writing one takes milliseconds,
/// and a shard on another machine has a process id this machine cannot check.
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(120);

/// Remove the temporary files (`.NAME.tmp-PID-N`) that killed processes left in `dir` and
/// `dir/blocks`: those whose process is not running here and that are older than
/// [`STALE_AFTER`], so that a temporary another node's shard is writing right now is left alone.
/// Says what it removed.
pub fn remove_stale_temporaries(dir: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    for d in [dir.to_path_buf(), blocks_dir(dir)] {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(pid) = crate::output::folder::temporary_pid(&name) else { continue };
            let old = e
                .metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > STALE_AFTER);
            let stale = old && crate::output::folder::process_is_gone(pid) && e.file_type().is_ok_and(|t| t.is_file());
            if stale && fs::remove_file(e.path()).is_ok() {
                notes.push(format!("removed {} left by a stopped govsim (process {pid})", e.path().display()));
            }
        }
    }
    notes
}

/// The text of a block file, or of runs.csv: the sweep's header, then one row per run (run,
/// scenario, point, replicate, the point's factor values, the run's outputs).
pub fn runs_text(r: &Resolved, rows: &[(u64, Vec<f64>)]) -> String {
    let mut t = Table::new(r.columns());
    for (run, outputs) in rows {
        let id = r.run_id(*run);
        let factors = nums(r.points[id.point].iter().copied());
        t.row((run, &r.scenarios[id.scenario].name, id.point, id.replicate, factors, nums(outputs.iter().copied())));
    }
    t.into_string()
}

/// FNV-1a, 64 bit (Fowler–Noll–Vo): the checksum of block files and merged files. It detects
/// accidental damage and edits (a cut file, a changed digit), not a forger, who could rewrite the
/// sidecar as well. Unlike std's `DefaultHasher` it is fixed: the same bytes give the same value
/// on every platform and Rust version.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The length and checksum of a file, as recorded in a block's sidecar and in manifest.json:
/// `{"bytes": 812, "fnv1a64": "9f2c0a53b1e4d7a8"}` (16 hex digits: a JSON number could lose
/// digits in readers that use doubles).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seal {
    pub bytes: u64,
    pub fnv1a64: u64,
}

impl Seal {
    pub fn of(bytes: &[u8]) -> Seal {
        Seal { bytes: bytes.len() as u64, fnv1a64: fnv1a64(bytes) }
    }

    pub fn to_json(self) -> Value {
        json!({ "bytes": self.bytes, "fnv1a64": format!("{:016x}", self.fnv1a64) })
    }

    pub fn from_json(v: &Value) -> Result<Seal, String> {
        let bytes = v.get("bytes").and_then(Value::as_u64).ok_or("no whole number \"bytes\"")?;
        let hex = v.get("fnv1a64").and_then(Value::as_str).ok_or("no text \"fnv1a64\"")?;
        if hex.len() != 16 {
            return Err(format!("\"fnv1a64\": {hex:?} is not 16 hex digits"));
        }
        let fnv1a64 = u64::from_str_radix(hex, 16).map_err(|_| format!("\"fnv1a64\": {hex:?} is not 16 hex digits"))?;
        Ok(Seal { bytes, fnv1a64 })
    }

    /// Why `bytes` are not the bytes this seal was made of, if they are not.
    pub fn check(self, bytes: &[u8], recorded_in: &str) -> Result<(), String> {
        let now = Seal::of(bytes);
        if now.bytes != self.bytes {
            return Err(format!(
                "it has {} bytes, but {recorded_in} recorded {} when it was written: it was cut or changed since",
                now.bytes, self.bytes
            ));
        }
        if now.fnv1a64 != self.fnv1a64 {
            return Err(format!(
                "its checksum (FNV-1a 64) is {:016x}, but {recorded_in} recorded {:016x} when it was written: it was changed since (an edited value?)",
                now.fnv1a64, self.fnv1a64
            ));
        }
        Ok(())
    }
}

/// The sidecar of block `b` whose file holds `csv`.
pub fn sidecar(r: &Resolved, b: u64, csv: &[u8], threads: usize, wall_seconds: f64, host: &str, shard: &str) -> Value {
    let runs = r.block_runs(b);
    json!({
        "block": b,
        "runs": [runs.start, runs.end.saturating_sub(1)],
        "block_csv": Seal::of(csv).to_json(),
        "threads": threads,
        "wall_seconds": wall_seconds,
        "host": host,
        "shard": shard,
        "govsim_version": crate::version::VERSION,
        "govsim_commit": crate::version::COMMIT,
        "govsim_modified": crate::version::MODIFIED,
    })
}

/// A block file's rows after checking them: (run, output values).
pub type Rows = Vec<(u64, Vec<f64>)>;

/// What is on disk for one block.
#[derive(Debug)]
pub enum BlockState {
    /// No block file: never run, or lost.
    Missing,
    /// A block file that is not this sweep's complete, intact block, and why.
    Damaged(String),
    /// Intact: its rows and its sidecar; `sealed` is false for a block whose sidecar has no
    /// checksum (written by a govsim before checksums), checked on its content alone.
    Intact { rows: Rows, sidecar: Value, sealed: bool },
}

/// Check block `b` of this sweep in `dir`: its file (see the module documentation) and its
/// sidecar. Never panics; reads only the two files.
pub fn check_block(r: &Resolved, dir: &Path, b: u64) -> BlockState {
    let path = block_file(dir, b);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return BlockState::Missing,
        Err(e) => return BlockState::Damaged(format!("cannot be read: {e}")),
    };
    let rows = match std::str::from_utf8(&bytes) {
        Ok(text) => match parse_block(r, text, b) {
            Ok(rows) => rows,
            Err(e) => return BlockState::Damaged(e),
        },
        Err(_) => return BlockState::Damaged("it is not text (not UTF-8): the file is damaged".into()),
    };
    let side_path = sidecar_file(dir, b);
    let side_name = format!("its sidecar block-{b:06}.json");
    let sidecar: Value = match fs::read(&side_path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return BlockState::Damaged(format!(
                "{side_name} is missing (it records the block file's length and checksum)"
            ))
        }
        Err(e) => return BlockState::Damaged(format!("{side_name} cannot be read: {e}")),
        Ok(text) => match serde_json::from_slice(&text) {
            Ok(v) => v,
            Err(e) => return BlockState::Damaged(format!("{side_name} is not valid JSON (cut short?): {e}")),
        },
    };
    let runs = r.block_runs(b);
    let want_runs = json!([runs.start, runs.end.saturating_sub(1)]);
    if sidecar.get("block") != Some(&json!(b)) || sidecar.get("runs") != Some(&want_runs) {
        return BlockState::Damaged(format!(
            "{side_name} is not this block's: it says block {}, runs {}; expected block {b}, runs {want_runs}",
            sidecar.get("block").unwrap_or(&Value::Null),
            sidecar.get("runs").unwrap_or(&Value::Null)
        ));
    }
    let sealed = match sidecar.get("block_csv") {
        None => false,
        Some(v) => {
            let seal = match Seal::from_json(v) {
                Ok(s) => s,
                Err(e) => return BlockState::Damaged(format!("{side_name} has a malformed \"block_csv\": {e}")),
            };
            if let Err(e) = seal.check(&bytes, &side_name) {
                return BlockState::Damaged(e);
            }
            true
        }
    };
    BlockState::Intact { rows, sidecar, sealed }
}

/// Check the text of block file `b`: the final line break, the header, one row per run of the
/// block in order, the scenario, point and replicate of each run, the design's factor values,
/// and outputs that are numbers as govsim writes them ([`Num`]) or empty. Columns are read by
/// their names; a problem names its line (and column and value, for one cell).
pub fn parse_block(r: &Resolved, text: &str, b: u64) -> Result<Rows, String> {
    if text.is_empty() {
        return Err("the file is empty".into());
    }
    if !text.ends_with('\n') {
        return Err(
            "its last line has no line break: the file was cut short (its last number may be incomplete)".into()
        );
    }
    let csv = CsvText::new(text).map_err(|e| e.to_string())?;
    if csv.header() != r.columns().as_slice() {
        return Err("its header is not the header of this sweep".into());
    }
    let columns = |names: Vec<&str>| csv.columns(names).map_err(|e| e.to_string());
    let [run_c, scenario_c, point_c, replicate_c] = <[Column; 4]>::try_from(columns(RUN_COLUMNS.to_vec())?)
        .map_err(|_| "its header is not the header of this sweep".to_string())?;
    let factor_cs = columns(r.factors.iter().map(|f| f.header.as_str()).collect())?;
    let output_cs = columns(r.outputs.iter().map(|o| o.header.as_str()).collect())?;
    let expected = r.block_runs(b);
    let mut rows = Vec::new();
    for (k, row) in csv.enumerate() {
        let row = row.map_err(|e| e.to_string())?;
        let line = row.line();
        let run = row.whole(&run_c).map_err(|e| e.to_string())?;
        let want = expected.start + k as u64;
        if run != want || want >= expected.end {
            return Err(format!(
                "line {line} is run {run}, expected {}",
                if want < expected.end { format!("run {want}") } else { "no more rows".into() }
            ));
        }
        let id = r.run_id(run);
        let name = &r.scenarios[id.scenario].name;
        let labels = [&scenario_c, &point_c, &replicate_c].map(|c| row.text(c));
        if labels != [name.as_str(), &id.point.to_string(), &id.replicate.to_string()] {
            let [s, p, rep] = labels;
            return Err(format!(
                "run {run} is labelled ({s}, {p}, {rep}), not as this sweep's run list says ({name}, {}, {}) (line {line})",
                id.point, id.replicate
            ));
        }
        for (c, v) in factor_cs.iter().zip(&r.points[id.point]) {
            let (cell, want) = (row.text(c), Num(*v).to_string());
            if cell != want {
                return Err(format!(
                    "run {run}: factor {} is {cell:?}, but design point {} has {want:?} (line {line})",
                    c.name(),
                    id.point
                ));
            }
        }
        let outputs = output_cs.iter().map(|c| row.number(c)).collect::<Result<Vec<f64>, _>>();
        rows.push((run, outputs.map_err(|e| e.to_string())?));
    }
    if rows.len() as u64 != expected.end - expected.start {
        return Err(format!("it has {} rows, the block has {} runs", rows.len(), expected.end - expected.start));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_test_vectors() {
        // the reference vectors of the FNV specification (draft-eastlake-fnv)
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn seals_round_trip_and_name_the_difference() {
        let s = Seal::of(b"run,x\n1,2\n");
        assert_eq!(Seal::from_json(&s.to_json()), Ok(s));
        assert_eq!(s.to_json()["fnv1a64"].as_str().unwrap().len(), 16);
        assert!(s.check(b"run,x\n1,2\n", "the sidecar").is_ok());
        let e = s.check(b"run,x\n1,3\n", "the sidecar").unwrap_err();
        assert!(e.contains("checksum") && e.contains("edited"), "{e}");
        let e = s.check(b"run,x\n1,2", "the sidecar").unwrap_err();
        assert!(e.contains("has 9 bytes") && e.contains("recorded 10"), "{e}");
        for bad in [
            json!({}),
            json!({"bytes": 3}),
            json!({"bytes": 3, "fnv1a64": "xyz"}),
            json!({"bytes": -1, "fnv1a64": "0000000000000000"}),
        ] {
            assert!(Seal::from_json(&bad).is_err(), "{bad}");
        }
    }
}
