//! `govsim report DIR`: rebuild report.html from an output folder's files, and the helper the
//! simulating commands use to add provenance.json and report.html to the folder they write.

use super::flags::Options;
use super::{destination, put, say};
use govsim::output::folder::{link_files, Destination};
use govsim::report::provenance::{Provenance, Started, FILE as PROVENANCE};
use govsim::Error;
use std::path::{Path, PathBuf};

/// Write provenance.json and report.html into `dir` (a folder being filled by a command).
pub fn finish(dir: &Path, provenance: &Provenance) -> std::io::Result<()> {
    let start = std::time::Instant::now();
    provenance.write(dir)?;
    govsim::report::write(dir, govsim::lang::current())?;
    if std::env::var_os("GOVSIM_REPORT_TIMING").is_some() {
        eprintln!("report.html of {} written in {:.3} s", dir.display(), start.elapsed().as_secs_f64());
    }
    Ok(())
}

/// The provenance of a simulating command, with its seed and replications.
pub fn provenance(
    command: &str,
    started: &Started,
    threads: usize,
    files: &[PathBuf],
    seed: u64,
    reps: Option<u32>,
) -> Provenance {
    let mut p = Provenance::new(command, started, threads, files);
    p.seed = Some(seed);
    p.replications = reps;
    p
}

/// `govsim report DIR [--lang]`.
pub fn report(dir: &Path, o: &Options) -> Result<(), Error> {
    let dest = destination(Destination::existing(dir, "govsim report"))?;
    let target = dest.target();
    // built first from the folder as it is, so a folder it cannot read is left untouched
    let start = std::time::Instant::now();
    let html = govsim::report::build(&target, o.lang)?;
    put(&dest, "the report", |tmp| {
        link_files(&target, tmp, &[govsim::report::FILE])?;
        std::fs::write(tmp.join(govsim::report::FILE), &html)
    })?;
    let note = if target.join(PROVENANCE).is_file() {
        ""
    } else {
        " (the folder has no provenance.json: written by an older govsim)"
    };
    say(&format!(
        "{} rebuilt in {:.2} s{note}",
        dir.join(govsim::report::FILE).display(),
        start.elapsed().as_secs_f64()
    ))
}
