//! `govsim analyze DIR`: sensitivity of every output to the factors, per scenario, from a merged
//! sweep (`points.csv`, the replication mean of each output at each design point; common random
//! numbers make differences between points differences of parameters, not of luck).
//!
//! - Morris designs: μ, μ* (with a bootstrap 95% CI over trajectories) and σ of the elementary
//!   effects, in unit-cube steps (Morris 1991; Campolongo et al. 2007).
//! - Sobol' (Saltelli) designs: first-order S1 (Saltelli 2010) and total ST (Jansen 1999) with
//!   bootstrap 95% CIs.
//! - Grids and Latin hypercubes: Pearson correlation of each factor with the output; a grid of
//!   exactly two factors also gets a heatmap per output.
//!
//! Only a complete, current merge is analysed: manifest.json must record the length and checksum
//! of sweep.json, runs.csv and points.csv as they are (see `super::merge`).
//!
//! This module computes ([`compute`]); [`crate::output::sensitivity`] writes `sensitivity.csv`
//! (tidy: scenario, output, factor, method, index, value, ci_low, ci_high), `sensitivity.json`
//! and the charts. [`analyze`] does both for `govsim analyze`.

use super::blocks::Seal;
use super::discover::RunValue;
use super::merge::read_resolved_bytes;
use super::plan::Resolved;
use super::spec::Design;
use crate::output::table::{CsvError, CsvText};
use crate::sensitivity::{morris_indices, sobol_indices, MorrisIndex, SobolIndex};
use crate::Error;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The writers of the analysis files, where `govsim analyze` has always found them.
pub use crate::output::sensitivity::{sensitivity_csv, sensitivity_json, write_files};

/// Bootstrap resamples for every interval.
pub const BOOTSTRAP: usize = 1000;

/// One index of one factor for one (scenario, output).
#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    pub scenario: String,
    pub output: String,
    pub factor: String,
    pub method: &'static str,
    pub index: &'static str,
    pub value: f64,
    pub ci: (f64, f64),
}

/// What the analysis found.
pub struct Analysis {
    pub design: &'static str,
    /// Factor names (column headers), in sweep order.
    pub factors: Vec<String>,
    /// Each factor's parameter paths and own `label` (if the sweep file gives one), for the
    /// names readers see ([`Analysis::factor_label`]).
    pub factor_paths: Vec<(Vec<String>, Option<String>)>,
    /// The outputs, in sweep order (their metric and statistic name them for readers).
    pub outputs: Vec<super::plan::ResolvedOutput>,
    pub indices: Vec<Index>,
    /// (scenario, output, why) for outputs that could not be analysed.
    pub skipped: Vec<(String, String, String)>,
    /// (scenario, output, what) for outputs analysed on part of the design.
    pub notes: Vec<(String, String, String)>,
    /// What to draw, in drawing order.
    pub figures: Vec<Figure>,
    /// The charts drawn (PNG files; each has an SVG twin); empty until they are.
    pub charts: Vec<PathBuf>,
}

/// The data of one sensitivity chart.
pub enum Figure {
    /// Morris indices of every analysed output of a scenario: (output, one index per factor).
    Morris { scenario: String, panels: Vec<(String, Vec<MorrisIndex>)> },
    /// Sobol' indices of one output, one per factor.
    Sobol { scenario: String, output: String, indices: Vec<SobolIndex> },
    /// One output over a grid of exactly two factors: `values[ix * y_levels.len() + iy]`.
    Heatmap { scenario: String, output: String, unit: String, x_levels: Vec<f64>, y_levels: Vec<f64>, values: Vec<f64> },
}

/// The text of `DIR/points.csv` if it is the complete result of the last merge of this sweep
/// (see [`read_merged_file`]).
fn read_merged(dir: &Path, sweep_json: &[u8]) -> Result<String, Error> {
    read_merged_file(dir, sweep_json, "points.csv")
}

/// The text of `DIR/<file>` (`runs.csv` or `points.csv`) if it is the complete result of the
/// last merge of this sweep: manifest.json (written last by a merge, removed by a failed one) is
/// there and records the length and checksum of sweep.json, runs.csv and points.csv as they are
/// now (runs.csv by its length unless it is the file read). Anything else — never merged, a
/// failed or interrupted merge, files changed since — is bad input, with what to run.
fn read_merged_file(dir: &Path, sweep_json: &[u8], file: &str) -> Result<String, Error> {
    let again = format!("run `govsim merge {}` (again)", dir.display());
    let refuse = |what: String| Error::input(format!("{}: {what}; {again}", dir.display()));
    let manifest_path = dir.join("manifest.json");
    let manifest: Value = match std::fs::read(&manifest_path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(refuse(
                "not merged: there is no manifest.json (the sweep was never merged, or its last merge failed or was cut short)"
                    .into(),
            ))
        }
        Err(e) => return Err(refuse(format!("cannot read manifest.json: {e}"))),
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| refuse(format!("manifest.json is damaged (not valid JSON: {e})")))?,
    };
    let Some(checksums) = manifest.get("checksums") else {
        return Err(refuse(
            "manifest.json records no checksums of the merged files (merged by an earlier govsim), so they cannot be trusted".into(),
        ));
    };
    let seal = |name: &str| -> Result<Seal, Error> {
        let v = checksums.get(name).ok_or_else(|| refuse(format!("manifest.json has no checksum of {name}")))?;
        Seal::from_json(v).map_err(|e| refuse(format!("manifest.json: the checksum of {name} is malformed: {e}")))
    };
    seal("sweep.json")?.check(sweep_json, "the last merge").map_err(|e| {
        refuse(format!("sweep.json is not the one the last merge read: {e}; the merged files are stale"))
    })?;
    // runs.csv is not read here: its length tells a missing or half-written file
    let runs = seal("runs.csv")?;
    match std::fs::metadata(dir.join("runs.csv")) {
        Ok(m) if m.len() == runs.bytes => {}
        Ok(m) => {
            return Err(refuse(format!(
                "runs.csv has {} bytes, but the last merge wrote {}: it is not that merge's result",
                m.len(),
                runs.bytes
            )))
        }
        Err(e) => return Err(refuse(format!("runs.csv cannot be read ({e}): the merge is incomplete"))),
    }
    let bytes = std::fs::read(dir.join(file))
        .map_err(|e| refuse(format!("{file} cannot be read ({e}): the merge is incomplete")))?;
    seal(file)?
        .check(&bytes, "the last merge")
        .map_err(|e| refuse(format!("{file} is not the last merge's result: {e}")))?;
    String::from_utf8(bytes).map_err(|_| refuse(format!("{file} is not text (UTF-8)")))
}

/// The resolved sweep of the merged sweep in `dir` and every run's value of `output` (a column
/// of runs.csv, e.g. `coverage.final_year_mean`), in run order (`govsim discover`). A folder
/// that is not a complete, current merge is bad input ([`read_merged_file`]), and so is an
/// output the sweep does not have, naming the ones it has.
pub fn read_runs(dir: &Path, output: &str) -> Result<(Resolved, Vec<RunValue>), Error> {
    if !dir.is_dir() {
        let why = if dir.exists() { "it is a file" } else { "no such folder" };
        return Err(Error::input(format!("{} is not a sweep output folder ({why})", dir.display())));
    }
    let (r, sweep_json) = read_resolved_bytes(dir)?;
    let text = read_merged_file(dir, &sweep_json, "runs.csv")?;
    if !r.outputs.iter().any(|o| o.header == output) {
        let there: Vec<&str> = r.outputs.iter().map(|o| o.header.as_str()).collect();
        return Err(Error::input(format!(
            "{}: the sweep has no output {output:?}; its outputs: {}",
            dir.display(),
            there.join(", ")
        )));
    }
    let path = dir.join("runs.csv");
    let bad = |e: CsvError| Error::input(format!("{}: {e}", path.display()));
    let csv = CsvText::new(&text).map_err(bad)?;
    let (run, scenario, point) =
        (csv.column("run").map_err(bad)?, csv.column("scenario").map_err(bad)?, csv.column("point").map_err(bad)?);
    let value = csv.column(output).map_err(bad)?;
    let mut runs = Vec::new();
    for row in csv {
        let row = row.map_err(bad)?;
        // the merge wrote every run once, in run order
        let id = r.run_id(runs.len() as u64);
        let expected = (id.run, r.scenarios.get(id.scenario).map(|s| s.name.as_str()), id.point as u64);
        let found = (row.whole(&run).map_err(bad)?, Some(row.text(&scenario)), row.whole(&point).map_err(bad)?);
        if runs.len() as u64 >= r.total_runs || found != expected {
            return Err(bad(row.bad(
                &run,
                format!("is not run {} of this sweep in run order; run `govsim merge {}` again", id.run, dir.display()),
            )));
        }
        runs.push(RunValue { scenario: id.scenario, point: id.point, value: row.number(&value).map_err(bad)? });
    }
    if runs.len() as u64 != r.total_runs {
        return Err(Error::input(format!(
            "{}: {} runs, the sweep has {}; run `govsim merge {}` again",
            path.display(),
            runs.len(),
            r.total_runs,
            dir.display()
        )));
    }
    Ok((r, runs))
}

/// Replication means per scenario (in sweep order) and point: `means[s][p][o]`. Columns are
/// read by name; a problem names the file, line, column and value.
fn read_points(dir: &Path, r: &Resolved, text: &str) -> Result<Vec<Vec<Vec<f64>>>, Error> {
    let path = dir.join("points.csv");
    let bad = |e: CsvError| Error::input(format!("{}: {e}", path.display()));
    let mut means = vec![vec![vec![f64::NAN; r.outputs.len()]; r.points.len()]; r.scenarios.len()];
    let mut seen = vec![vec![false; r.points.len()]; r.scenarios.len()];
    let csv = CsvText::new(text).map_err(bad)?;
    let (scenario, point) = (csv.column("scenario").map_err(bad)?, csv.column("point").map_err(bad)?);
    let outputs = csv.columns(r.outputs.iter().map(|o| o.header.as_str())).map_err(bad)?;
    for row in csv {
        let row = row.map_err(bad)?;
        let s = r
            .scenarios
            .iter()
            .position(|x| x.name == row.text(&scenario))
            .ok_or_else(|| bad(row.bad(&scenario, "is not a scenario of this sweep")))?;
        let p =
            usize::try_from(row.whole(&point).map_err(bad)?).ok().filter(|&p| p < r.points.len()).ok_or_else(|| {
                bad(row
                    .bad(&point, format!("is not a point of this sweep (0 to {})", r.points.len().saturating_sub(1))))
            })?;
        for (o, column) in outputs.iter().enumerate() {
            means[s][p][o] = row.number(column).map_err(bad)?;
        }
        seen[s][p] = true;
    }
    if let Some(s) = seen.iter().position(|v| v.iter().any(|x| !x)) {
        return Err(Error::input(format!(
            "{}: points of scenario {} are missing; run `govsim merge {}` again",
            path.display(),
            r.scenarios[s].name,
            dir.display()
        )));
    }
    Ok(means)
}

/// Pearson correlation (NaN when either side is constant or pairs are missing).
pub fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let pairs: Vec<(f64, f64)> =
        x.iter().zip(y).filter(|(a, b)| a.is_finite() && b.is_finite()).map(|(a, b)| (*a, *b)).collect();
    let n = pairs.len() as f64;
    if n < 3.0 {
        return f64::NAN;
    }
    let (mx, my) = (pairs.iter().map(|p| p.0).sum::<f64>() / n, pairs.iter().map(|p| p.1).sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in &pairs {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return f64::NAN;
    }
    sxy / (sxx * syy).sqrt()
}

/// Analyse a merged sweep in `dir`, writing the charts into `charts_dir` (`govsim analyze`):
/// [`compute`], then [`crate::output::sensitivity::write_charts`].
pub fn analyze(dir: &Path, charts_dir: &Path) -> Result<Analysis, Error> {
    let mut a = compute(dir)?;
    a.charts = crate::output::sensitivity::write_charts(charts_dir, &a)
        .map_err(|e| Error::runtime(format!("cannot draw a chart into {}: {e}", charts_dir.display())))?;
    Ok(a)
}

/// The sensitivity indices of a merged sweep in `dir`, and what to draw (nothing is written).
pub fn compute(dir: &Path) -> Result<Analysis, Error> {
    let (r, sweep_json) = read_resolved_bytes(dir)?;
    let text = read_merged(dir, &sweep_json)?;
    let means = read_points(dir, &r, &text)?;
    let k = r.factors.len();
    let mut a = Analysis {
        design: r.sweep.design.kind(),
        factors: r.factors.iter().map(|f| f.header.clone()).collect(),
        factor_paths: r
            .factors
            .iter()
            .enumerate()
            .map(|(i, f)| (f.paths.clone(), r.sweep.factors.get(i).and_then(|s| s.label.clone())))
            .collect(),
        outputs: r.outputs.clone(),
        indices: Vec::new(),
        skipped: Vec::new(),
        notes: Vec::new(),
        figures: Vec::new(),
        charts: Vec::new(),
    };
    // Morris needs the unit-cube design: regenerate it exactly as the sweep did (same seed)
    let morris_unit = match &r.sweep.design {
        Design::Morris { trajectories, levels } => {
            crate::sensitivity::design::try_morris(*trajectories as usize, k, *levels as usize, r.seed)
                .map_err(|e| Error::input(format!("sweep.json: morris design: {e}")))?
        }
        _ => Vec::new(),
    };
    let grid = match (&r.sweep.design, k) {
        (Design::Grid { levels_per_factor }, 2) => Some(two_factor_levels(&r, *levels_per_factor)?),
        _ => None,
    };
    for (s, sc) in r.scenarios.iter().enumerate() {
        let mut morris_panels = Vec::new();
        for (o, out) in r.outputs.iter().enumerate() {
            let y: Vec<f64> = means[s].iter().map(|p| p[o]).collect();
            let at = (sc.name.as_str(), out.header.as_str());
            match &r.sweep.design {
                Design::Morris { .. } => {
                    if let Some(m) = a.morris(at, &morris_unit, &y, r.seed) {
                        morris_panels.push((out.header.clone(), m));
                    }
                }
                Design::Sobol { .. } => a.sobol(at, &y, r.seed),
                Design::Grid { .. } | Design::LatinHypercube { .. } => {
                    a.correlations(at, &r.points, &y);
                    if let Some((x_levels, y_levels)) = &grid {
                        a.figures.push(Figure::Heatmap {
                            scenario: sc.name.clone(),
                            output: out.header.clone(),
                            unit: out.unit.clone(),
                            x_levels: x_levels.clone(),
                            y_levels: y_levels.clone(),
                            values: y,
                        });
                    }
                }
            }
        }
        if !morris_panels.is_empty() {
            a.figures.push(Figure::Morris { scenario: sc.name.clone(), panels: morris_panels });
        }
    }
    Ok(a)
}

/// The levels of a two-factor grid as run (integer factors were rounded), in design order.
fn two_factor_levels(r: &Resolved, levels_per_factor: u32) -> Result<(Vec<f64>, Vec<f64>), Error> {
    let ranges = r
        .sweep
        .factors
        .iter()
        .map(super::design::Range::of)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::input(format!("sweep.json: {e}")))?;
    let nx = super::design::grid_levels(&ranges[0], levels_per_factor).len();
    let ny = super::design::grid_levels(&ranges[1], levels_per_factor).len();
    let xs = (0..nx).map(|i| r.points[i * ny][0]).collect();
    let ys = (0..ny).map(|j| r.points[j][1]).collect();
    Ok((xs, ys))
}

/// Where an index belongs: (scenario, output).
type At<'a> = (&'a str, &'a str);

impl Analysis {
    /// What readers see for factor `i`: its own label or one derived from its parameter's
    /// documentation, with its unit; its column header where nothing is known.
    pub fn factor_label(&self, lang: crate::lang::Lang, i: usize) -> super::label::ParamLabel {
        match self.factor_paths.get(i) {
            Some((paths, label)) => {
                let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
                super::label::of(lang, label.as_deref(), &paths)
            }
            None => super::label::ParamLabel { name: self.factors[i].clone(), unit: String::new() },
        }
    }

    /// What readers see for an output (by its column header): the metric's title and the
    /// statistic, and the unit; the header itself for an output the sweep does not list.
    pub fn output_title(&self, lang: crate::lang::Lang, header: &str) -> (String, String) {
        match self.outputs.iter().find(|o| o.header == header) {
            Some(o) => super::label::output_title(lang, o.metric, &o.statistic),
            None => (header.to_string(), String::new()),
        }
    }

    fn push(&mut self, at: At, factor: usize, method: &'static str, index: &'static str, value: f64, ci: (f64, f64)) {
        let (scenario, output, factor) = (at.0.to_string(), at.1.to_string(), self.factors[factor].clone());
        self.indices.push(Index { scenario, output, factor, method, index, value, ci });
    }

    fn skip(&mut self, at: At, why: String) {
        self.skipped.push((at.0.to_string(), at.1.to_string(), why));
    }

    /// Morris indices of output `y` (one value per point of the `unit` design). A trajectory
    /// with an undefined output (e.g. dependence where nobody volunteers) gives no elementary
    /// effects: the complete trajectories are used, and the others counted in a note.
    fn morris(&mut self, at: At, unit: &[Vec<f64>], y: &[f64], seed: u64) -> Option<Vec<MorrisIndex>> {
        let k = self.factors.len();
        let (mut unit_ok, mut y_ok) = (Vec::new(), Vec::new());
        for (u, v) in unit.chunks(k + 1).zip(y.chunks(k + 1)) {
            if v.iter().all(|x| x.is_finite()) {
                unit_ok.extend_from_slice(u);
                y_ok.extend_from_slice(v);
            }
        }
        let dropped = (y.len() - y_ok.len()) / (k + 1);
        if dropped > 0 {
            let why = format!(
                "{dropped} of {} trajectories left out: the output is undefined at some of their points",
                y.len() / (k + 1)
            );
            self.notes.push((at.0.to_string(), at.1.to_string(), why));
        }
        match morris_indices(&unit_ok, &y_ok, k, BOOTSTRAP, seed) {
            Ok(m) => {
                for (f, idx) in m.iter().enumerate() {
                    self.push(at, f, "morris", "mu", idx.mu, (f64::NAN, f64::NAN));
                    self.push(at, f, "morris", "mu_star", idx.mu_star, idx.mu_star_ci);
                    self.push(at, f, "morris", "sigma", idx.sigma, (f64::NAN, f64::NAN));
                }
                Some(m)
            }
            Err(e) => {
                self.skip(at, e.to_string());
                None
            }
        }
    }

    /// Sobol' indices of output `y`, if it is defined at every point.
    fn sobol(&mut self, at: At, y: &[f64], seed: u64) {
        let undefined = y.iter().filter(|v| !v.is_finite()).count();
        if undefined > 0 {
            return self.skip(at, format!("undefined at {undefined} of {} points", y.len()));
        }
        match sobol_indices(y, self.factors.len(), BOOTSTRAP, seed) {
            Ok(v) => {
                for (f, idx) in v.iter().enumerate() {
                    self.push(at, f, "sobol", "S1", idx.s1, idx.s1_ci);
                    self.push(at, f, "sobol", "ST", idx.st, idx.st_ci);
                }
                let (scenario, output) = (at.0.to_string(), at.1.to_string());
                self.figures.push(Figure::Sobol { scenario, output, indices: v });
            }
            Err(e) => self.skip(at, e.to_string()),
        }
    }

    /// Pearson correlation of output `y` with each factor over the design `points`.
    fn correlations(&mut self, at: At, points: &[Vec<f64>], y: &[f64]) {
        for f in 0..self.factors.len() {
            let x: Vec<f64> = points.iter().map(|p| p[f]).collect();
            self.push(at, f, "correlation", "pearson_r", correlation(&x, y), (f64::NAN, f64::NAN));
        }
    }
}

/// (scenario, output, factors with their main index, best first).
pub type Ranked = (String, String, Vec<(String, f64)>);

/// The main index of the design ("mu_star", "ST" or "pearson_r") and, per (scenario, output),
/// the factors ranked by it (absolute value), best first.
pub fn ranking(a: &Analysis) -> Vec<Ranked> {
    let main = match a.design {
        "morris" => "mu_star",
        "sobol" => "ST",
        _ => "pearson_r",
    };
    let mut out: Vec<Ranked> = Vec::new();
    for i in a.indices.iter().filter(|i| i.index == main) {
        match out.iter_mut().find(|(s, o, _)| *s == i.scenario && *o == i.output) {
            Some((_, _, v)) => v.push((i.factor.clone(), i.value)),
            None => out.push((i.scenario.clone(), i.output.clone(), vec![(i.factor.clone(), i.value)])),
        }
    }
    for (_, _, v) in &mut out {
        // largest first; undefined (NaN) last
        let key = |x: f64| if x.is_finite() { x.abs() } else { -1.0 };
        v.sort_by(|a, b| key(b.1).total_cmp(&key(a.1)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_hand_cases() {
        assert!((correlation(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]) - 1.0).abs() < 1e-12);
        assert!((correlation(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // x = 1..4, y = 1, 3, 2, 4: sxy = 4, sxx = syy = 5 → r = 0.8
        assert!((correlation(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0]) - 0.8).abs() < 1e-12);
        assert!(correlation(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]).is_nan());
        assert!(correlation(&[1.0, 2.0], &[1.0, 2.0]).is_nan());
    }
}
