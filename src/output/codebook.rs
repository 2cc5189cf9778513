//! The codebook of an output folder: `datapackage.json`, a Frictionless Data Package
//! (<https://specs.frictionlessdata.io/data-package/>) with a Table Schema per CSV file
//! (<https://specs.frictionlessdata.io/table-schema/>): every column's name, type, unit and
//! meaning, in file order.
//!
//! It is written from the files themselves: every CSV file in the folder (and in its subfolders
//! that are not output folders of their own) is read back, and each header cell is described
//! from one of two tables — metric columns from the metrics table ([`METRICS`]: unit, title,
//! meaning), every other column from [`COLUMNS`] below. A column neither describes gets an empty
//! description, which the codebook tests refuse (tests/codebook.rs), so a new column in a
//! writer needs one row here.

use super::folder::MARKER;
use super::table::CsvText;
use crate::measures::METRICS;
use serde_json::{json, Value};
use std::fs;
use std::io;
use std::path::Path;

/// The codebook's file name.
pub const FILE: &str = "datapackage.json";

/// A column type of the Table Schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Number,
    Integer,
    String,
    Boolean,
}

impl Type {
    pub fn id(self) -> &'static str {
        match self {
            Type::Number => "number",
            Type::Integer => "integer",
            Type::String => "string",
            Type::Boolean => "boolean",
        }
    }
}

use Type::{Boolean as B, Integer as I, Number as N, String as S};

/// One row of [`COLUMNS`]: in files named `file` (`*`: any file), the column `column` (`*`: any
/// column of that file no other row or metric describes, e.g. a sweep's factors; its type is
/// then read from its cells) has this type, unit (empty: none) and meaning.
pub struct Column {
    pub file: &'static str,
    pub column: &'static str,
    pub kind: Type,
    pub unit: &'static str,
    pub description: &'static str,
}

const fn c(
    file: &'static str,
    column: &'static str,
    kind: Type,
    unit: &'static str,
    description: &'static str,
) -> Column {
    Column { file, column, kind, unit, description }
}

/// What every non-metric column of every CSV file govsim writes means. Looked up by (file,
/// column) first, then (`*`, column); metric ids are described by [`METRICS`]; a column ending
/// in `_ci95_low`/`_ci95_high` (or `_lower`/`_upper` in prim_trajectory.csv) by its base column.
pub const COLUMNS: &[Column] = &[
    // shared by the per-model and district files
    c("*", "replicate", I, "", "replication number (0-based); replications share common random numbers across models"),
    c("*", "step", I, "", "time step, counted from 0"),
    c("*", "month", I, "month", "month the step ends in, from 1 (step 0 of a monthly run is month 1); targets' windows use it"),
    c("*", "scenario", S, "", "scenario (model) name, as in its scenario file"),
    // timeseries_long.csv
    c("timeseries_long.csv", "metric", S, "", "metric id (docs/ODD.md §7.9; its unit and meaning in summary.json of the model's folder and in README.md)"),
    c("timeseries_long.csv", "value", N, "unit of the metric", "value of the metric in that replicate and month; empty when undefined"),
    // comparison.csv
    c("comparison.csv", "kind", S, "", "row kind: `model` (a model's estimate of a metric) or `pair` (difference model_a − model_b, paired across replications)"),
    c("comparison.csv", "model_a", S, "", "the model (kind model) or the first model of the difference (kind pair)"),
    c("comparison.csv", "model_b", S, "", "the second model of the difference (kind pair); empty for kind model"),
    c("comparison.csv", "metric", S, "", "metric id (docs/ODD.md §7.9)"),
    c("comparison.csv", "statistic", S, "", "what is estimated per replication: `final_year` (mean over the final year) or `whole_run` (mean over the whole run)"),
    c("comparison.csv", "mean", N, "unit of the metric", "mean across replications (kind pair: mean paired difference model_a − model_b)"),
    c("comparison.csv", "sd", N, "unit of the metric", "sample standard deviation across replications"),
    c("comparison.csv", "ci95_low", N, "unit of the metric", "lower end of the 95% t-interval of the mean"),
    c("comparison.csv", "ci95_high", N, "unit of the metric", "upper end of the 95% t-interval of the mean"),
    c("comparison.csv", "n", I, "replications", "replications where the statistic is defined"),
    c("comparison.csv", "vargha_delaney_a", N, "probability", "Vargha–Delaney A: probability that a replication of model_a exceeds one of model_b (ties count half); kind pair only"),
    c("comparison.csv", "effect", S, "", "label of A: negligible, small, medium or large at |A − 0.5| thresholds 0.06/0.14/0.21 (A = 0.56/0.64/0.71); kind pair only"),
    c("comparison.csv", "metric_name", S, "", "the metric's name in the language of the run (`--lang`), as charts and comparison.md show it"),
    c("comparison.csv", "unit", S, "", "the metric's unit in the language of the run"),
    c("comparison.csv", "meaning", S, "", "what the metric measures, one line, in the language of the run"),
    // organisations.csv
    c("organisations.csv", "model", S, "", "scenario (model) name"),
    c("organisations.csv", "organisation", S, "", "organisation: `government`, a social organisation's or enterprise's scenario name, `community_fund` or `residents` (resident-led teams)"),
    c("organisations.csv", "kind", S, "", "kind of organisation: government, social_organisation, enterprise, community_fund or residents"),
    c("organisations.csv", "teams", N, "teams", "alive teams it sponsors (founded, incubated; for residents: resident-led), final-year mean; mean across replications"),
    c("organisations.csv", "own_volunteers", N, "persons", "members of those teams (residents and brought-in), final-year mean; mean across replications"),
    c("organisations.csv", "active_volunteers", N, "persons", "members of those teams active in the step, final-year mean; mean across replications"),
    c("organisations.csv", "money_given_yuan", N, "yuan", "paid out of its own purse over the run (for residents: by their teams); mean across replications"),
    c("organisations.csv", "money_received_yuan", N, "yuan", "paid into its own purse over the run (government: its budget; for residents: to their teams); mean across replications"),
    c("organisations.csv", "teams_money_received_yuan", N, "yuan", "paid to the teams it sponsors over the run, by anybody; mean across replications"),
    c("organisations.csv", "teams_money_spent_yuan", N, "yuan", "spent by those teams (materials) or passed on when they dissolved, over the run; mean across replications"),
    c("organisations.csv", "replications", I, "replications", "replications the estimates are over"),
    // targets.csv (cases)
    c("targets.csv", "case", S, "", "case (scenario) name"),
    c("targets.csv", "target", S, "", "target name, as in the case file"),
    c("targets.csv", "measure", S, "", "what is measured: a metric id, or `members:<organisation>` / `teams:<organisation>`"),
    c("targets.csv", "from_month", I, "month", "first month of the target's window"),
    c("targets.csv", "to_month", I, "month", "last month of the target's window"),
    c("targets.csv", "source", S, "", "where the target's value comes from (seed or document)"),
    c("targets.csv", "value", N, "unit of the measure", "the value the source reports; empty when it gives only an interval"),
    c("targets.csv", "low", N, "unit of the measure", "lower end of the target interval"),
    c("targets.csv", "high", N, "unit of the measure", "upper end of the target interval"),
    c("targets.csv", "mean", N, "unit of the measure", "the model's mean over the window, across replications"),
    c("targets.csv", "ci_low", N, "unit of the measure", "lower end of the 95% t-interval of the model's mean"),
    c("targets.csv", "ci_high", N, "unit of the measure", "upper end of the 95% t-interval of the model's mean"),
    c("targets.csv", "replications", I, "replications", "replications where the measure is defined"),
    c("targets.csv", "within", B, "", "whether the model's mean lies within the target interval"),
    c("targets.csv", "off", N, "unit of the measure", "distance of the model's mean from the target interval (0 when within)"),
    // district: timeseries.csv and communities.csv
    c("timeseries.csv", "group", S, "", "group of communities, or `district` (`region`) for all communities of the district (region)"),
    c("timeseries.csv", "communities", I, "communities", "communities in the group (each metric is their mean)"),
    c("communities.csv", "community", I, "", "community number (0-based, in district file order)"),
    c("communities.csv", "group", S, "", "the community's group"),
    c("communities.csv", "residents", I, "persons", "residents of the community"),
    c("communities.csv", "district_enterprises", I, "enterprises", "district enterprises that reach the community"),
    c("communities.csv", "budget_received_share", N, "share", "share of its requested budget the community was paid, on average"),
    // region: districts.csv (timeseries.csv as a district's)
    c("districts.csv", "district", I, "", "district number (0-based, in region file order)"),
    c("districts.csv", "name", S, "", "the district's name (its district file's name, numbered when the file is used more than once)"),
    c("districts.csv", "file", S, "", "the district file, as the region file names it"),
    c("districts.csv", "seed", S, "", "the district's seed (written as text: it may exceed what a double holds exactly)"),
    c("districts.csv", "communities", I, "communities", "communities of the district"),
    c("districts.csv", "residents", I, "persons", "residents of the district"),
    // sweeps: runs.csv and points.csv
    c("runs.csv", "run", I, "", "run number (0-based), in the order of the sweep's design"),
    c("runs.csv", "point", I, "", "design point (0-based)"),
    c("runs.csv", "*", N, "", "a factor of the sweep (its value at this design point) or a named output; sweep.json defines it"),
    c("points.csv", "point", I, "", "design point (0-based)"),
    c("points.csv", "*", N, "", "a factor of the sweep (its value at this design point) or a named output (mean over the point's replications); sweep.json defines it"),
    // analyze: sensitivity.csv
    c("sensitivity.csv", "output", S, "", "the sweep output analysed (column header of runs.csv)"),
    c("sensitivity.csv", "factor", S, "", "the factor (column header of runs.csv)"),
    c("sensitivity.csv", "method", S, "", "sensitivity method (morris or sobol)"),
    c("sensitivity.csv", "index", S, "", "index of the method: Morris mu_star, mu, sigma; Sobol S1, ST"),
    c("sensitivity.csv", "value", N, "", "value of the index"),
    c("sensitivity.csv", "ci95_low", N, "", "lower end of the bootstrap 95% interval of the index"),
    c("sensitivity.csv", "ci95_high", N, "", "upper end of the bootstrap 95% interval of the index"),
    // discover: prim_trajectory.csv and prim_box.csv
    c("prim_trajectory.csv", "step", I, "", "step of the PRIM trajectory (0 = all cases)"),
    c("prim_trajectory.csv", "phase", S, "", "phase of PRIM that made the box: start, peel or paste"),
    c("prim_trajectory.csv", "coverage", N, "share", "share of the cases of interest inside the box"),
    c("prim_trajectory.csv", "density", N, "share", "share of the cases inside the box that are of interest"),
    c("prim_trajectory.csv", "mass", N, "share", "share of all cases inside the box"),
    c("prim_trajectory.csv", "n_restricted", I, "factors", "factors the box restricts"),
    c("prim_trajectory.csv", "cases", I, "cases", "cases inside the box"),
    c("prim_trajectory.csv", "cases_of_interest", I, "cases", "cases of interest inside the box"),
    c("prim_trajectory.csv", "chosen", I, "", "1 for the chosen box, else 0"),
    c("prim_trajectory.csv", "*", N, "unit of the factor", "limit of a factor in the box at this step (`<factor>_lower`, `<factor>_upper`)"),
    c("prim_box.csv", "factor", S, "", "the factor (column header of runs.csv)"),
    c("prim_box.csv", "unit", S, "", "the factor's unit"),
    c("prim_box.csv", "restricted", I, "", "1 if the chosen box restricts the factor, else 0"),
    c("prim_box.csv", "min", N, "unit of the factor", "lower limit of the chosen box"),
    c("prim_box.csv", "max", N, "unit of the factor", "upper limit of the chosen box"),
    c("prim_box.csv", "range_min", N, "unit of the factor", "smallest value of the factor over all cases"),
    c("prim_box.csv", "range_max", N, "unit of the factor", "largest value of the factor over all cases"),
    c("prim_box.csv", "quasi_p_lower", N, "probability", "quasi-p-value of the lower limit (empty where not restricted)"),
    c("prim_box.csv", "quasi_p_upper", N, "probability", "quasi-p-value of the upper limit (empty where not restricted)"),
    // calibrate: posterior.csv, generations.csv, parameters.csv, predictive.csv
    c("posterior.csv", "generation", I, "", "generation of APMC in which the particle was drawn"),
    c("posterior.csv", "particle", I, "", "the particle's number within its generation"),
    c("posterior.csv", "weight", N, "", "the particle's importance weight"),
    c("posterior.csv", "distance", N, "", "the particle's interval distance to the targets"),
    c("posterior.csv", "*", N, "", "a calibrated parameter's value (its name in calibration.json), or a fitted target's simulated value (`case:target`)"),
    c("generations.csv", "generation", I, "", "generation of APMC"),
    c("generations.csv", "particles", I, "particles", "particles drawn in the generation"),
    c("generations.csv", "runs", I, "runs", "simulation runs of the generation"),
    c("generations.csv", "epsilon", N, "", "distance threshold of the generation"),
    c("generations.csv", "acceptance", N, "share", "share of the particles accepted"),
    c("generations.csv", "ess", N, "particles", "effective sample size of the weights"),
    c("parameters.csv", "parameter", S, "", "the parameter's name"),
    c("parameters.csv", "paths", S, "", "scenario paths the parameter sets (space-separated)"),
    c("parameters.csv", "prior", S, "", "the prior distribution"),
    c("parameters.csv", "prior_q05", N, "unit of the parameter", "5% quantile of the prior"),
    c("parameters.csv", "prior_median", N, "unit of the parameter", "median of the prior"),
    c("parameters.csv", "prior_q95", N, "unit of the parameter", "95% quantile of the prior"),
    c("parameters.csv", "posterior_q05", N, "unit of the parameter", "5% quantile of the posterior"),
    c("parameters.csv", "posterior_median", N, "unit of the parameter", "median of the posterior"),
    c("parameters.csv", "posterior_q95", N, "unit of the parameter", "95% quantile of the posterior"),
    c("parameters.csv", "width_ratio", N, "ratio", "posterior 90% width over prior 90% width, on the prior's working scale"),
    c("predictive.csv", "case", S, "", "case name"),
    c("predictive.csv", "role", S, "", "`fitted` or `held back` (out-of-sample check)"),
    c("predictive.csv", "target", S, "", "target name"),
    c("predictive.csv", "measure", S, "", "what is measured: a metric id, or `members:<organisation>` / `teams:<organisation>`"),
    c("predictive.csv", "from_month", I, "month", "first month of the target's window"),
    c("predictive.csv", "to_month", I, "month", "last month of the target's window"),
    c("predictive.csv", "low", N, "unit of the measure", "lower end of the target interval"),
    c("predictive.csv", "high", N, "unit of the measure", "upper end of the target interval"),
    c("predictive.csv", "as_written_mean", N, "unit of the measure", "mean of the measure over runs of the case as written"),
    c("predictive.csv", "as_written_q05", N, "unit of the measure", "5% quantile over runs of the case as written"),
    c("predictive.csv", "as_written_q95", N, "unit of the measure", "95% quantile over runs of the case as written"),
    c("predictive.csv", "as_written_within", N, "share", "share of runs of the case as written within the target interval"),
    c("predictive.csv", "calibrated_mean", N, "unit of the measure", "mean of the measure over posterior predictive runs"),
    c("predictive.csv", "calibrated_q05", N, "unit of the measure", "5% quantile over posterior predictive runs"),
    c("predictive.csv", "calibrated_q95", N, "unit of the measure", "95% quantile over posterior predictive runs"),
    c("predictive.csv", "calibrated_within", N, "share", "share of posterior predictive runs within the target interval"),
    c("predictive.csv", "source", S, "", "where the target's value comes from"),
];

/// What each CSV file is (by file name), for the resource's description.
pub const FILES: &[(&str, &str)] = &[
    ("timeseries.csv", "time series: one row per (replicate, step) — or per (group, step) in a district or region — and one column per metric"),
    ("timeseries_long.csv", "the time series of all models in long format: one row per (scenario, replicate, month, metric)"),
    ("comparison.csv", "estimates per model and metric across replications (kind model) and paired differences between models with Vargha–Delaney A (kind pair)"),
    ("organisations.csv", "one row per organisation: teams, volunteers and money, mean across replications with 95% t-intervals"),
    ("targets.csv", "each case's targets against the model"),
    ("communities.csv", "one row per community of the district: its group, size, budget received and every metric's final-year mean"),
    ("districts.csv", "one row per district of the region: its file, seed, size and every metric's final-year mean over its communities"),
    ("runs.csv", "one row per run of the sweep: its design point, replicate, factor values and outputs"),
    ("points.csv", "one row per scenario × design point: factor values and each output's mean over replications"),
    ("sensitivity.csv", "sensitivity indices: one row per (scenario, output, factor, index) with bootstrap 95% interval"),
    ("prim_trajectory.csv", "the PRIM peeling and pasting trajectory: one row per box"),
    ("prim_box.csv", "the chosen PRIM box: one row per factor"),
    ("posterior.csv", "the posterior sample of the calibration: one row per particle"),
    ("generations.csv", "one row per APMC generation"),
    ("parameters.csv", "prior and posterior quantiles of each calibrated parameter"),
    ("predictive.csv", "posterior predictive check: each target against runs of the case as written and as calibrated"),
];

/// How a column is described: (type, unit, description, whether it is a `*` row's, whose type
/// is checked against the cells).
fn describe(file: &str, column: &str) -> Option<(Type, String, String, bool)> {
    let row = |f: &str, col: &str| COLUMNS.iter().find(|r| r.file == f && r.column == col);
    if let Some(r) = row(file, column).or_else(|| row("*", column)) {
        return Some((r.kind, r.unit.into(), r.description.into(), false));
    }
    let metric = |id: &str| METRICS.iter().find(|m| m.id == id);
    if let Some(m) = metric(column) {
        let what = match file {
            "communities.csv" => "final-year mean of the community: ",
            "districts.csv" => "mean over the district's communities of their final-year means: ",
            _ => "",
        };
        return Some((Type::Number, m.unit.into(), format!("{what}{} — {}", m.title, m.meaning), false));
    }
    // a sweep output `metric.statistic`
    if let Some((m, stat)) = column.split_once('.').and_then(|(id, stat)| Some((metric(id)?, stat))) {
        let unit = if stat.starts_with("months_to_") { "months" } else { m.unit };
        let stat = stat.replace('_', " ");
        return Some((Type::Number, unit.into(), format!("{stat} of {} — {}", m.title, m.meaning), false));
    }
    let suffixes =
        [("_ci95_low", "lower end of the 95% t-interval of"), ("_ci95_high", "upper end of the 95% t-interval of")];
    for (suffix, what) in suffixes {
        if let Some(base) = column.strip_suffix(suffix) {
            if let Some((kind, unit, d, false)) = describe(file, base) {
                return Some((kind, unit, format!("{what}: {d}"), false));
            }
        }
    }
    row(file, "*").map(|r| (r.kind, r.unit.into(), r.description.into(), true))
}

/// The type of a `*` column from its cells: its row's type (number), unless a filled cell is not
/// a number (then string). Not `integer` from whole numbers seen: another run may give a fraction.
fn read_type(declared: Type, cells: &[&str]) -> Type {
    if cells.iter().filter(|c| !c.is_empty()).all(|c| c.parse::<f64>().is_ok_and(f64::is_finite)) {
        declared
    } else {
        Type::String
    }
}

/// The Table Schema of the CSV file `path`, named `file`. Only its header is read, unless a
/// column's type must be read from its cells.
fn schema(file: &str, path: &Path) -> io::Result<Value> {
    use std::io::BufRead;
    let bad = |e: super::table::CsvError| io::Error::other(format!("{}: {e}", path.display()));
    let mut first = String::new();
    io::BufReader::new(fs::File::open(path)?).read_line(&mut first)?;
    let header = CsvText::new(&first).map_err(bad)?.header().to_vec();
    let described: Vec<_> = header.iter().map(|h| describe(file, h)).collect();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); header.len()];
    if described.iter().any(|d| d.as_ref().is_some_and(|d| d.3)) {
        let text = fs::read_to_string(path)?;
        let csv = CsvText::new(&text).map_err(bad)?;
        let columns = csv.columns(header.iter().map(String::as_str)).map_err(bad)?;
        for row in csv {
            let row = row.map_err(bad)?;
            for (col, c) in cells.iter_mut().zip(&columns) {
                col.push(row.text(c).to_string());
            }
        }
    }
    let fields: Vec<Value> = header
        .iter()
        .zip(described)
        .zip(&cells)
        .map(|((name, described), cells)| {
            let (kind, unit, description, wild) =
                described.unwrap_or((Type::String, String::new(), String::new(), false));
            let kind = if wild { read_type(kind, &cells.iter().map(String::as_str).collect::<Vec<_>>()) } else { kind };
            let mut f = json!({ "name": name, "type": kind.id(), "description": description });
            if !unit.is_empty() {
                f["unit"] = json!(unit);
            }
            f
        })
        .collect();
    Ok(json!({ "fields": fields, "missingValues": [""] }))
}

/// The CSV files of an output folder `dir`, relative paths with `/`, sorted: also in subfolders
/// that are not output folders of their own (no marker), and not a sweep's or calibration's
/// block files (`block-*.csv`, the shards' working files).
fn csv_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, prefix)) = stack.pop() {
        for e in fs::read_dir(&d)? {
            let e = e?;
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            let meta = e.metadata()?;
            if meta.is_dir() {
                if !e.path().join(MARKER).exists() {
                    stack.push((e.path(), format!("{prefix}{name}/")));
                }
            } else if name.ends_with(".csv") && !name.starts_with("block-") {
                found.push(format!("{prefix}{name}"));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// A resource name as the Data Package spec allows it (lower-case letters, digits, `-._/`).
fn resource_name(path: &str) -> String {
    let stem = path.strip_suffix(".csv").unwrap_or(path);
    stem.chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '-' | '.' | '_' | '/') => c,
            _ => '_',
        })
        .collect()
}

/// The codebook of the output folder `dir` written by `govsim command`, or `None` when it holds
/// no CSV file.
pub fn datapackage(dir: &Path, command: &str) -> io::Result<Option<Value>> {
    let files = csv_files(dir)?;
    if files.is_empty() {
        return Ok(None);
    }
    let mut names = std::collections::BTreeSet::new();
    let mut resources = Vec::new();
    for path in &files {
        let file = path.rsplit('/').next().unwrap_or(path);
        let mut name = resource_name(path);
        while !names.insert(name.clone()) {
            name.push('_');
        }
        let description = FILES.iter().find(|(f, _)| *f == file).map_or("", |(_, d)| d);
        resources.push(json!({
            "name": name,
            "path": path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": description,
            "schema": schema(file, &dir.join(path))?,
        }));
    }
    Ok(Some(json!({
        "profile": "tabular-data-package",
        "name": format!("govsim-{command}"),
        "description": format!("Results of `govsim {command}`: every CSV file of this folder with its columns' types, units and meanings (Frictionless Table Schema; empty cells are undefined values). Metrics are defined in docs/ODD.md §7.9."),
        "govsim_version": crate::version::VERSION,
        "resources": resources,
    })))
}

/// Write (or rewrite) `dir/datapackage.json` describing the CSV files now in `dir`, atomically
/// (shards of a sweep may write at once); nothing when `dir` holds no CSV file.
pub fn write(dir: &Path, command: &str) -> io::Result<()> {
    let Some(package) = datapackage(dir, command)? else { return Ok(()) };
    let text = serde_json::to_string_pretty(&package).map_err(io::Error::other)? + "\n";
    let tmp = dir.join(format!(".{FILE}.tmp-{}", std::process::id()));
    fs::write(&tmp, text).and_then(|()| fs::rename(&tmp, dir.join(FILE))).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_a_description_and_no_row_is_repeated() {
        for (i, r) in COLUMNS.iter().enumerate() {
            assert!(!r.description.is_empty(), "{} {}", r.file, r.column);
            assert!(
                !COLUMNS[..i].iter().any(|q| q.file == r.file && q.column == r.column),
                "{} {} twice",
                r.file,
                r.column
            );
            // a row for every file would hide the metric's own description (a file's row may:
            // organisations.csv's `teams` are an organisation's, not the metric)
            assert!(r.file != "*" || METRICS.iter().all(|m| m.id != r.column), "{} is a metric", r.column);
        }
    }

    #[test]
    fn columns_are_described_from_their_tables() {
        let (kind, unit, d, _) = describe("organisations.csv", "teams_ci95_high").unwrap();
        assert_eq!((kind, unit.as_str()), (Type::Number, "teams"));
        assert!(d.starts_with("upper end of the 95% t-interval of: alive teams"), "{d}");
        let (kind, unit, d, _) = describe("runs.csv", "coverage.final_year_mean").unwrap();
        assert_eq!((kind, unit.as_str()), (Type::Number, METRICS.iter().find(|m| m.id == "coverage").unwrap().unit));
        assert!(d.starts_with("final year mean of "), "{d}");
        assert!(describe("runs.csv", "actors.x").unwrap().3);
        assert!(describe("comparison.csv", "no_such_column").is_none());
        assert_eq!(read_type(Type::Number, &["1", "", "2"]), Type::Number);
        assert_eq!(read_type(Type::Number, &["1", "x"]), Type::String);
        assert_eq!(resource_name("Model A/timeseries.csv"), "model_a/timeseries");
    }
}
