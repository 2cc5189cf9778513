//! Output files. Results are written through [`folder::Destination`]: into a temporary folder
//! next to the target, swapped into place only when complete, and only over a folder govsim
//! wrote itself, so an interrupted or failed run never leaves a half-written folder that looks
//! finished and never removes a file the user made.

pub mod calibration;
pub mod charts;
pub mod codebook;
mod colour;
pub mod compare;
pub mod discovery;
pub mod district;
pub mod folder;
pub mod organisations;
pub mod sensitivity;
pub mod table;
pub mod targets;

pub use colour::Colour;
pub use table::{Num, Table};

use crate::experiment::{Estimate, Replication, Summary};
use crate::measures::{M, METRICS};
use crate::scenario::Scenario;
use serde_json::{json, Value};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What produced a result (written to summary.json so a run can be reproduced).
pub struct RunInfo {
    pub seed: u64,
    pub replications: u32,
    pub source_file: Option<PathBuf>,
}

/// Write `contents` to a new file at `path` (like [`fs::write`]) in pieces of 64 KiB. Large
/// `write` calls are slow on some kernels: on the reference VM (ext4) the 53 MB
/// `timeseries_long.csv` of the default compare took 0.24–0.48 s in one call and 0.28–0.52 s in
/// pieces of 1 MiB, but 17–24 ms in pieces of 64 to 256 KiB (and 37 ms in pieces of 8 KiB).
pub fn write_file(path: &Path, contents: impl AsRef<[u8]>) -> io::Result<()> {
    use std::io::Write as _;
    let mut file = fs::File::create(path)?;
    for piece in contents.as_ref().chunks(1 << 16) {
        file.write_all(piece)?;
    }
    Ok(())
}

/// The time series as CSV: one row per (replicate, step), one column per metric.
/// Undefined values are empty cells (pandas reads them as NaN).
pub fn timeseries_csv(reps: &[Replication], step_months: u32) -> String {
    use std::fmt::Write as _;
    // the header through the csv crate; the rows hold only numbers, which need no quoting, and
    // are written directly as `Num` writes them (a row per step of every replication)
    let mut out = Table::new(["replicate", "step", "month"].into_iter().chain(metric_ids())).into_string();
    for r in reps {
        for (step, row) in r.rows.iter().enumerate() {
            let _ = write!(out, "{},{step},{}", r.replicate, (step as u32 + 1) * step_months);
            for v in row {
                out.push(',');
                let _ = table::write_cell(&mut out, *v); // (a String takes any text)
            }
            out.push('\n');
        }
    }
    out
}

/// timeseries_long.csv: the time series of all `models` (name, replications, months per step)
/// in long format, one row per (scenario, replicate, month, metric): `scenario, replicate,
/// month, metric, value`, value as [`Num`] writes it (empty when undefined). The same numbers as
/// each model's `timeseries.csv`, so that one `pandas.read_csv` loads a whole study.
pub fn timeseries_long_csv<'a>(models: impl IntoIterator<Item = (&'a str, &'a [Replication], u32)>) -> String {
    use std::fmt::Write as _;
    let mut out = Table::new(["scenario", "replicate", "month", "metric", "value"]).into_string();
    for (name, reps, step_months) in models {
        // the scenario's cell, quoted as the csv crate quotes it (names are plain, so rarely)
        let mut cell = Table::new([name]).into_string();
        cell.truncate(cell.trim_end_matches(['\r', '\n']).len());
        // the row's start (scenario, replicate, month) is the same for every metric of a
        // month: written once, copied per metric (this file is most of a comparison's writing)
        let mut start = String::new();
        for r in reps {
            for (step, row) in r.rows.iter().enumerate() {
                let month = (step as u32 + 1) * step_months;
                start.clear();
                let _ = write!(start, "{cell},{},{month},", r.replicate);
                for (id, v) in metric_ids().zip(row) {
                    out.push_str(&start);
                    out.push_str(id);
                    out.push(',');
                    let _ = table::write_cell(&mut out, *v); // (a String takes any text)
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// The metric ids, in output column order (the metric columns of a CSV file).
pub(crate) fn metric_ids() -> impl Iterator<Item = &'static str> {
    METRICS.iter().map(|m| m.id)
}

/// A number in JSON: `null` when undefined (NaN or infinite).
pub(crate) fn json_number(v: f64) -> Value {
    if v.is_finite() {
        json!(v)
    } else {
        Value::Null
    }
}

/// An estimate across replications (or communities) in JSON.
pub(crate) fn estimate_json(e: &Estimate) -> Value {
    let num = json_number;
    json!({ "mean": num(e.mean), "sd": num(e.sd), "ci95_low": num(e.ci_low), "ci95_high": num(e.ci_high), "n": e.n })
}

/// summary.json: per metric, the final-year and whole-run estimates across replications,
/// with units and meanings, plus everything needed to reproduce the run.
pub fn summary_json(s: &Scenario, info: &RunInfo, summary: &Summary, reps: &[Replication]) -> Value {
    let mut metrics = serde_json::Map::new();
    for (i, m) in METRICS.iter().enumerate() {
        metrics.insert(
            m.id.to_string(),
            json!({
                "unit": m.unit,
                "meaning": m.meaning,
                "final_year": estimate_json(&summary.final_year[i]),
                "whole_run": estimate_json(&summary.whole_run[i]),
            }),
        );
    }
    let max_residual = reps.iter().map(|r| r.money_residual).fold(0.0, f64::max);
    let events = events_json(s, reps);
    // the partner volunteers depend on most in the final year (mean across replications)
    let partners = [M::DependenceOnGovernment, M::DependenceOnSo, M::DependenceOnEnterprises];
    let dominant = crate::measures::dominant_partner(&partners.map(|m| summary.final_year[m.index()].mean))
        .map(|p| crate::measures::PARTNERS[p]);
    json!({
        "scenario": s.name,
        "description": s.description,
        "source_file": info.source_file.as_ref().map(|p| p.display().to_string()),
        "govsim_version": crate::version::VERSION,
        "govsim_commit": crate::version::COMMIT,
        "govsim_modified": crate::version::MODIFIED,
        "seed": info.seed,
        "replications": info.replications,
        "years": s.time.years,
        "step_months": s.time.step_months,
        "statistics": "mean, sample SD and 95% t-interval across replications of each replication's final-year mean (final_year) or whole-run mean (whole_run) of the metric; undefined values are null and n counts replications where the statistic is defined",
        "money_conservation_max_residual_yuan": max_residual,
        "dominant_partner_final_year": dominant,
        "metrics": metrics,
        "events": events,
        "resolved_scenario": serde_json::to_value(s).unwrap_or(Value::Null),
    })
}

/// Shock measures of coverage around every scheduled event, estimated across replications.
pub fn events_json(s: &Scenario, reps: &[Replication]) -> Value {
    let list: Vec<Value> = s
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let shocks: Vec<crate::measures::Shock> =
                reps.iter().map(|r| crate::experiment::coverage_shock(r, s, e.month())).collect();
            let est = |f: fn(&crate::measures::Shock) -> f64| estimate_json(&Estimate::of(&shocks.iter().map(f).collect::<Vec<_>>()));
            let recovered = shocks.iter().filter(|x| x.recovery_months.is_finite()).count();
            json!({
                "index": i,
                "type": e.kind(),
                "month": e.month(),
                "event": serde_json::to_value(e).unwrap_or(Value::Null),
                "measured_on": "coverage",
                "robustness": est(|x| x.robustness),
                "resilience_loss_months": est(|x| x.resilience_loss),
                "recovery_months": est(|x| x.recovery_months),
                "recovered_share": if shocks.is_empty() { Value::Null } else { json!(recovered as f64 / shocks.len() as f64) },
                "persistence": est(|x| x.persistence),
            })
        })
        .collect();
    Value::Array(list)
}

/// Event markers for charts: (year, label).
pub fn event_marks(s: &Scenario) -> Vec<(f64, String)> {
    s.events.iter().map(|e| (e.month() as f64 / 12.0, event_label(e))).collect()
}

/// A chart label of an event that names whom it concerns, in the language of the process:
/// "government funding stops", "contract with h-centre ends", "emergency demand ×20 for 6 months".
pub fn event_label(e: &crate::scenario::Event) -> String {
    use crate::scenario::Event as E;
    let lang = crate::lang::current();
    let factor = |f: f64| format!("{}", (f * 1000.0).round() / 1000.0);
    match e {
        E::FundingChange { actor, factor: f, .. } if *f == 0.0 => {
            lang.fill("event.funding_stops", &[("actor", &lang.name(actor))])
        }
        E::FundingChange { actor, factor: f, .. } => {
            lang.fill("event.funding_factor", &[("actor", &lang.name(actor)), ("factor", &factor(*f))])
        }
        E::ContractEnd { social_organisation: so, .. } => lang.fill("event.contract_end", &[("so", &lang.name(so))]),
        E::EnterpriseEnter { enterprise: a, .. } | E::SocialOrganisationEnter { social_organisation: a, .. } => {
            lang.fill("event.enters", &[("actor", &lang.name(a))])
        }
        E::EnterpriseLeave { enterprise: a, .. } | E::SocialOrganisationLeave { social_organisation: a, .. } => {
            lang.fill("event.leaves", &[("actor", &lang.name(a))])
        }
        E::DemandShock { category, factor: f, duration_months, .. } => {
            let c =
                serde_json::to_value(category).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            let category = lang.name(&c).replace('_', " ");
            lang.fill(
                "event.demand_shock",
                &[("category", &category), ("factor", &factor(*f)), ("months", duration_months)],
            )
        }
        E::Campaign { duration_months, .. } => lang.fill("event.campaign", &[("months", duration_months)]),
        E::PointsStart { .. } => lang.t("event.points_start").to_string(),
        E::PointsStop { .. } => lang.t("event.points_stop").to_string(),
        E::CouncilStart { .. } => lang.t("event.council_start").to_string(),
        E::PlatformStart { .. } => lang.t("event.platform_start").to_string(),
    }
}

/// Write one scenario's `timeseries.csv`, `summary.json`, `organisations.csv` and time-series
/// figure into `dir`.
pub fn write_scenario_files(dir: &Path, s: &Scenario, info: &RunInfo, reps: &[Replication]) -> io::Result<()> {
    let steps_per_year = (12 / s.time.step_months.max(1)) as usize;
    let summary = Summary::of(reps, steps_per_year);
    fs::create_dir_all(dir)?;
    write_file(&dir.join("timeseries.csv"), timeseries_csv(reps, s.time.step_months))?;
    let json = serde_json::to_string_pretty(&summary_json(s, info, &summary, reps)).map_err(io::Error::other)?;
    fs::write(dir.join("summary.json"), json)?;
    fs::write(dir.join("organisations.csv"), organisations::organisations_csv(s, reps))?;
    let lang = crate::lang::current();
    let name = s.display_name(lang).to_string();
    let heading = lang.fill("chart.model_heading", &[("name", &name), ("n", &reps.len())]);
    let models = [charts::ModelSeries::new(name, charts::series_colour(s.colour, 0), reps, summary.final_year)];
    charts::Timeseries {
        heading: &heading,
        models: &models,
        months_per_step: s.time.step_months as f64,
        events: &event_marks(s),
        across: lang.t("chart.across_replications"),
    }
    .save_in(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Replication;
    use crate::measures::N_METRICS;

    /// The time-series files, written directly, are what the csv crate writes from the same
    /// rows (numbers through `Num`): checked on replications holding every kind of number.
    #[test]
    fn timeseries_files_are_what_the_csv_crate_writes() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let kinds = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.0, 1.0, 1e-7, 1e16, 1.0 + 1.0 / 131072.0];
        let reps: Vec<Replication> = (0..3)
            .map(|r| Replication {
                replicate: r * 7,
                rows: (0..25)
                    .map(|_| {
                        std::array::from_fn(|_| match rng.random_range(0..3) {
                            0 => kinds[rng.random_range(0..kinds.len())],
                            1 => rng.random::<f64>(),
                            _ => (rng.random::<f64>() - 0.5) * 1e6,
                        })
                    })
                    .collect(),
                money_residual: 0.0,
                organisations: Default::default(),
            })
            .collect();
        for step_months in [1, 3] {
            let mut t = Table::new(["replicate", "step", "month"].into_iter().chain(metric_ids()));
            for r in &reps {
                for (step, row) in r.rows.iter().enumerate() {
                    t.row((r.replicate, step, (step as u32 + 1) * step_months, table::nums(row.iter().copied())));
                }
            }
            assert_eq!(timeseries_csv(&reps, step_months), t.into_string());
            let mut t = Table::new(["scenario", "replicate", "month", "metric", "value"]);
            for name in ["plain", "with, a comma"] {
                for r in &reps {
                    for (step, row) in r.rows.iter().enumerate() {
                        for (id, &v) in metric_ids().zip(row) {
                            t.row((name, r.replicate, (step as u32 + 1) * step_months, id, Num(v)));
                        }
                    }
                }
            }
            let long = ["plain", "with, a comma"].map(|name| (name, reps.as_slice(), step_months));
            assert_eq!(timeseries_long_csv(long), t.into_string());
        }
        assert_eq!(N_METRICS, metric_ids().count());
    }
}
