//! Files of a comparison of driver models: comparison.csv / .json / .md and the figures.

use super::charts::{self, ModelSeries};
use super::{estimate_json, json_number, table, write_scenario_files, Num, RunInfo};
use crate::experiment::compare::{pairwise, ModelResults, PairwiseDifference, KEY_METRICS};
use crate::experiment::{Estimate, Replication, Summary};
use crate::measures::{M, METRICS};
use crate::scenario::Scenario;
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Everything computed for a comparison, ready to be written or printed.
pub struct Comparison {
    pub names: Vec<String>,
    pub summaries: Vec<Summary>,
    pub pairs: Vec<PairwiseDifference>,
    pub seed: u64,
    pub replications: u32,
    pub months_per_step: f64,
}

impl Comparison {
    pub fn new(scenarios: &[Scenario], results: &[Vec<Replication>], seed: u64, replications: u32) -> Comparison {
        let steps_per_year = |s: &Scenario| (12 / s.time.step_months.max(1)) as usize;
        let models: Vec<ModelResults> = scenarios
            .iter()
            .zip(results)
            .map(|(s, r)| ModelResults { name: s.name.clone(), reps: r, steps_per_year: steps_per_year(s) })
            .collect();
        Comparison {
            names: scenarios.iter().map(|s| s.name.clone()).collect(),
            summaries: scenarios.iter().zip(results).map(|(s, r)| Summary::of(r, steps_per_year(s))).collect(),
            pairs: pairwise(&models),
            seed,
            replications,
            months_per_step: scenarios.first().map_or(1.0, |s| s.time.step_months as f64),
        }
    }
}

/// One row of comparison.csv: a model's estimate of a metric (`kind` model) or a paired
/// difference model_a − model_b with Vargha–Delaney A (`kind` pair).
#[derive(Serialize, Default)]
struct ComparisonRow<'a> {
    kind: &'a str,
    model_a: &'a str,
    model_b: &'a str,
    metric: &'a str,
    statistic: &'a str,
    mean: Num,
    sd: Num,
    ci95_low: Num,
    ci95_high: Num,
    n: usize,
    vargha_delaney_a: Option<Num>,
    effect: &'a str,
}

impl<'a> ComparisonRow<'a> {
    fn new(
        kind: &'a str,
        (model_a, model_b): (&'a str, &'a str),
        metric: &'a str,
        statistic: &'a str,
        e: &Estimate,
    ) -> Self {
        let (mean, sd, ci95_low, ci95_high) = (Num(e.mean), Num(e.sd), Num(e.ci_low), Num(e.ci_high));
        ComparisonRow {
            kind,
            model_a,
            model_b,
            metric,
            statistic,
            mean,
            sd,
            ci95_low,
            ci95_high,
            n: e.n,
            ..Default::default()
        }
    }
}

/// comparison.csv: one tidy table. Rows of kind `model` hold a model's estimate of a metric;
/// rows of kind `pair` the paired difference model_a − model_b with Vargha–Delaney A.
pub fn comparison_csv(c: &Comparison) -> String {
    let mut rows = Vec::new();
    for (name, s) in c.names.iter().zip(&c.summaries) {
        for (m, metric) in METRICS.iter().enumerate() {
            for (stat, e) in [("final_year", &s.final_year[m]), ("whole_run", &s.whole_run[m])] {
                rows.push(ComparisonRow::new("model", (name, ""), metric.id, stat, e));
            }
        }
    }
    for p in &c.pairs {
        rows.push(ComparisonRow {
            vargha_delaney_a: Some(Num(p.vargha_delaney_a)),
            effect: p.effect,
            ..ComparisonRow::new("pair", (&p.model_a, &p.model_b), p.metric.id(), "final_year", &p.difference)
        });
    }
    table::struct_rows(rows)
}

pub fn comparison_json(c: &Comparison, files: &[PathBuf]) -> Value {
    let mut models = serde_json::Map::new();
    for (name, s) in c.names.iter().zip(&c.summaries) {
        let mut metrics = serde_json::Map::new();
        for (m, metric) in METRICS.iter().enumerate() {
            metrics.insert(
                metric.id.into(),
                json!({ "unit": metric.unit, "final_year": estimate_json(&s.final_year[m]), "whole_run": estimate_json(&s.whole_run[m]) }),
            );
        }
        models.insert(name.clone(), Value::Object(metrics));
    }
    let pairs: Vec<Value> = c
        .pairs
        .iter()
        .map(|p| {
            json!({
                "metric": p.metric, "model_a": p.model_a, "model_b": p.model_b,
                "difference_a_minus_b": estimate_json(&p.difference),
                "vargha_delaney_a": json_number(p.vargha_delaney_a), "effect": p.effect,
            })
        })
        .collect();
    json!({
        "govsim_version": env!("CARGO_PKG_VERSION"),
        "seed": c.seed,
        "replications": c.replications,
        "scenario_files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
        "design": "common random numbers: replication r of every model uses the same residents and random streams, so differences are paired",
        "statistics": "final_year = each replication's mean over the last 12 months; whole_run = its mean over the run; mean, sample SD and 95% t-interval across replications. Pairs: paired difference a − b with its 95% t-interval, Vargha–Delaney A = P(a > b) with labels negligible/small/medium/large at |A − 0.5| ≥ 0.06/0.14/0.21 (A = 0.56/0.64/0.71)",
        "models": models,
        "pairwise": pairs,
    })
}

/// "0.123 [0.110, 0.136]" with a precision suited to the magnitude.
fn est(e: &Estimate) -> String {
    if !e.mean.is_finite() {
        return "–".into();
    }
    let digits = if e.mean.abs() >= 100.0 {
        0
    } else if e.mean.abs() >= 10.0 {
        1
    } else {
        3
    };
    if e.ci_low.is_finite() {
        format!("{:.*} [{:.*}, {:.*}]", digits, e.mean, digits, e.ci_low, digits, e.ci_high)
    } else {
        format!("{:.*}", digits, e.mean)
    }
}

/// comparison.md: the key measures per model, and the pairwise differences with effect sizes.
pub fn comparison_md(c: &Comparison) -> String {
    let mut out = format!(
        "# Comparison of driver models\n\n{} replications per model, seed {}, common random numbers. Final-year mean and 95% confidence interval across replications.\n\n",
        c.replications, c.seed
    );
    out.push_str("| metric | unit |");
    for n in &c.names {
        let _ = write!(out, " {n} |");
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---|".repeat(c.names.len()));
    out.push('\n');
    for &m in KEY_METRICS {
        let _ = write!(out, "| `{m}` | {} |", m.unit());
        for s in &c.summaries {
            let _ = write!(out, " {} |", est(&s.final_year[m.index()]));
        }
        out.push('\n');
    }
    out.push_str("\n## Pairwise differences (final year, A − B, paired)\n\nVargha–Delaney A = probability that a replication of A scores higher than one of B.\n\n| metric | A | B | difference [95% CI] | A₁₂ | effect |\n|---|---|---|---|---|---|\n");
    for p in &c.pairs {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            p.metric,
            p.model_a,
            p.model_b,
            est(&p.difference),
            if p.vargha_delaney_a.is_finite() { format!("{:.2}", p.vargha_delaney_a) } else { "–".into() },
            p.effect
        );
    }
    out
}

/// The compact terminal table: one row per model, the headline measures with 95% CIs.
pub fn terminal_table(c: &Comparison) -> String {
    let cols: [(M, &str); 6] = [
        (M::DependenceOnGovernment, "D(v←g)"),
        (M::Asymmetry, "asymmetry"),
        (M::ActiveRate, "active rate"),
        (M::Retention12m, "retention"),
        (M::Coverage, "coverage"),
        (M::GovCostPerServiceHour, "gov yuan/h"),
    ];
    let width = c.names.iter().map(|n| n.chars().count()).max().unwrap_or(5).max(5);
    let mut out = format!("{:width$}", "model");
    for (_, h) in &cols {
        let _ = write!(out, "  {h:>18}");
    }
    out.push('\n');
    for (name, s) in c.names.iter().zip(&c.summaries) {
        let _ = write!(out, "{name:width$}");
        for (m, _) in cols {
            let e = s.final_year[m.index()];
            let text = if e.mean.is_finite() && e.ci_high.is_finite() {
                let d = if e.mean.abs() >= 10.0 { 1 } else { 3 };
                format!("{:.*} ±{:.*}", d, e.mean, d, (e.ci_high - e.ci_low) / 2.0)
            } else if e.mean.is_finite() {
                format!("{:.3}", e.mean)
            } else {
                "–".into()
            };
            let _ = write!(out, "  {text:>18}");
        }
        out.push('\n');
    }
    out.push_str("final-year means ±95% CI half-width across replications\n");
    out
}

/// Write all comparison files into `dir` (a temporary folder swapped into place by the caller).
pub fn write_comparison_files(
    dir: &Path,
    c: &Comparison,
    scenarios: &[Scenario],
    results: &[Vec<Replication>],
    files: &[PathBuf],
) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(dir.join("comparison.csv"), comparison_csv(c))?;
    let json = serde_json::to_string_pretty(&comparison_json(c, files)).map_err(io::Error::other)?;
    fs::write(dir.join("comparison.json"), json)?;
    fs::write(dir.join("comparison.md"), comparison_md(c))?;
    let long = scenarios.iter().zip(results).map(|(s, r)| (s.name.as_str(), r.as_slice(), s.time.step_months));
    fs::write(dir.join("timeseries_long.csv"), super::timeseries_long_csv(long))?;
    let colours = charts::distinct_colours(&scenarios.iter().map(|s| s.colour).collect::<Vec<_>>());
    let models: Vec<ModelSeries> = scenarios
        .iter()
        .zip(results)
        .zip(&c.summaries)
        .zip(colours)
        .map(|(((s, r), summary), colour)| ModelSeries::new(s.name.clone(), colour, r, summary.final_year.clone()))
        .collect();
    let heading = format!("Driver models compared — mean and 95% CI over {} replications", c.replications);
    let mut events: Vec<(f64, String)> = scenarios.iter().flat_map(super::event_marks).collect();
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    events.dedup();
    let across = "replications";
    let months_per_step = c.months_per_step;
    charts::Timeseries { heading: &heading, models: &models, months_per_step, events: &events, across }.save_in(dir)?;
    charts::Dependency { models: &models }.save_in(dir)?;
    let heading =
        format!("Final state (year {}): participation, asymmetry, sustainability", final_year_label(scenarios));
    charts::FinalState { heading: &heading, models: &models, across }.save_in(dir)?;
    for ((s, r), file) in scenarios.iter().zip(results).zip(files) {
        let info = RunInfo { seed: c.seed, replications: c.replications, source_file: Some(file.clone()) };
        write_scenario_files(&dir.join(&s.name), s, &info, r)?;
    }
    Ok(())
}

fn final_year_label(scenarios: &[Scenario]) -> String {
    let years: Vec<u32> = scenarios.iter().map(|s| s.time.years).collect();
    if years.windows(2).all(|w| w[0] == w[1]) {
        years.first().map_or("?".into(), |y| y.to_string())
    } else {
        "last".into()
    }
}
