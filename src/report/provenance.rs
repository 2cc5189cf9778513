//! provenance.json: what produced an output folder, as the report shows it — govsim version and
//! commit, the command line, the date (UTC), the wall time, the threads and the SHA-256 of every
//! input file. It is a file of its own so that the result files (CSV, summary.json,
//! comparison.json) stay byte-identical across runs, dates and thread counts.

use super::sha256;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file name in an output folder.
pub const FILE: &str = "provenance.json";

/// The commit govsim was built from, or "unknown" ([`crate::version`]).
pub use crate::version::COMMIT;

/// One input file and its digest.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct InputFile {
    pub path: String,
    /// SHA-256 of its bytes as read, or "unreadable".
    pub sha256: String,
}

/// What produced an output folder.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Provenance {
    pub govsim_version: String,
    pub commit: String,
    /// Whether the build had uncommitted changes (absent in files of older versions: false).
    #[serde(default)]
    pub modified: bool,
    /// The command (`compare`, `run`, `cases`, `district`, `analyze`).
    pub command: String,
    /// The whole command line, as given.
    pub command_line: Vec<String>,
    /// When the command started, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub date_utc: String,
    /// Seconds from the start of the command to writing the results.
    pub wall_seconds: f64,
    pub threads: usize,
    pub seed: Option<u64>,
    pub replications: Option<u32>,
    pub lang: String,
    pub input_files: Vec<InputFile>,
}

impl Provenance {
    /// The provenance of `command` started at `start` (see [`Started`]) reading `files`.
    pub fn new(command: &str, start: &Started, threads: usize, files: &[PathBuf]) -> Provenance {
        Provenance {
            govsim_version: crate::version::VERSION.to_string(),
            commit: COMMIT.to_string(),
            modified: crate::version::MODIFIED,
            command: command.to_string(),
            command_line: std::env::args().collect(),
            date_utc: start.date_utc.clone(),
            wall_seconds: start.instant.elapsed().as_secs_f64(),
            threads,
            seed: None,
            replications: None,
            lang: crate::lang::current().code().to_string(),
            input_files: files.iter().map(|f| input_file(f)).collect(),
        }
    }

    /// Write it into `dir` as [`FILE`].
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)? + "\n";
        std::fs::write(dir.join(FILE), text)
    }

    /// Read `dir`'s [`FILE`], if there is a readable one.
    pub fn read(dir: &Path) -> Option<Provenance> {
        serde_json::from_str(&std::fs::read_to_string(dir.join(FILE)).ok()?).ok()
    }
}

/// The digest of one input file.
pub fn input_file(path: &Path) -> InputFile {
    InputFile {
        path: path.display().to_string(),
        sha256: crate::scenario::input::read_json_bytes(path)
            .map_or_else(|_| "unreadable".to_string(), |b| sha256::hex(&b)),
    }
}

/// When a command started: the wall clock (for the date) and a monotonic instant (for the time).
pub struct Started {
    pub date_utc: String,
    pub instant: std::time::Instant,
}

impl Started {
    pub fn now() -> Started {
        Started { date_utc: utc_now(), instant: std::time::Instant::now() }
    }
}

/// The current time, UTC, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    utc(secs)
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ` (days to civil date: Hinnant's algorithm).
pub fn utc(secs: u64) -> String {
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_798_761_599), "2026-12-31T23:59:59Z");
    }
}
