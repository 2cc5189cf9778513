//! report.html: one self-contained study report per output folder — what was compared and why,
//! the key results in plain language (each sentence made from the numbers, with its CI and
//! effect size), the charts with captions saying how to read them, tables with names, units and
//! meanings, shock measures, method, provenance and limits. Built from the folder's files only
//! (so `govsim report DIR` and the commands write the same page), with inline CSS and inline
//! SVG: no scripts, no external requests; prints to A4 with page breaks between sections.
//!
//! One concept per file: [`html`] (escaping, page, tables, figures), [`numbers`] (estimates
//! and number format), [`findings`] (the sentences), [`common`] (sections every report has),
//! [`compare`], [`cases`], [`single`] (run, district) and [`analyze`] (the kinds of folder),
//! [`provenance`] (provenance.json) and [`sha256`].

mod analyze;
mod cases;
mod common;
mod compare;
pub mod findings;
pub mod html;
pub mod numbers;
pub mod provenance;
pub mod sha256;
mod single;

use crate::lang::Lang;
use crate::Error;
use std::path::Path;

/// The report's file name in an output folder.
pub const FILE: &str = "report.html";

/// The kinds of output folder a report is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Compare,
    Cases,
    Run,
    District,
    Analyze,
}

/// What kind of output folder `dir` is, by the files in it.
pub fn kind(dir: &Path) -> Option<Kind> {
    if dir.join("comparison.json").is_file() {
        Some(Kind::Compare)
    } else if dir.join("targets.csv").is_file() {
        Some(Kind::Cases)
    } else if dir.join("sensitivity.json").is_file() {
        Some(Kind::Analyze)
    } else if dir.join("summary.json").is_file() {
        let s = common::read_json(dir, "summary.json").ok()?;
        if s.get("district").is_some() {
            Some(Kind::District)
        } else if s.get("scenario").is_some() {
            Some(Kind::Run)
        } else {
            None
        }
    } else {
        None
    }
}

/// The report of output folder `dir` in `lang`, from its files.
pub fn build(dir: &Path, lang: Lang) -> Result<String, Error> {
    let Some(kind) = kind(dir) else {
        return Err(Error::input(format!(
            "{}: not a folder govsim writes a report for (it holds none of comparison.json, targets.csv, summary.json, sensitivity.json)",
            dir.display()
        )));
    };
    let prov = provenance::Provenance::read(dir);
    let mut page = html::Page::new(lang);
    let (title, subtitle) = match kind {
        Kind::Compare => compare::build(dir, &mut page, prov.as_ref())?,
        Kind::Cases => cases::build(dir, &mut page, prov.as_ref())?,
        Kind::Run => single::run(dir, &mut page, prov.as_ref())?,
        Kind::District => single::district(dir, &mut page, prov.as_ref())?,
        Kind::Analyze => analyze::build(dir, &mut page, prov.as_ref())?,
    };
    let stamp = match &prov {
        Some(p) => lang.fill(
            "report.stamp",
            &[("version", &p.govsim_version), ("commit", &short(&p.commit)), ("date", &p.date_utc)],
        ),
        None => lang.fill(
            "report.stamp",
            &[("version", &crate::version::VERSION), ("commit", &short(provenance::COMMIT)), ("date", &"–")],
        ),
    };
    Ok(page.finish(&title, &format!("{subtitle} · {stamp}")))
}

fn short(commit: &str) -> String {
    commit.chars().take(12).collect()
}

/// Write `dir/report.html` (inside a folder being filled: the caller's write is atomic).
pub fn write(dir: &Path, lang: Lang) -> std::io::Result<()> {
    let html = build(dir, lang).map_err(|e| std::io::Error::other(e.message().to_string()))?;
    std::fs::write(dir.join(FILE), html)
}
