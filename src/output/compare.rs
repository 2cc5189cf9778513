//! Files of a comparison of driver models: comparison.csv / .json / .md and the figures.

use super::charts::{self, ModelSeries};
use super::{estimate_json, json_number, table, write_scenario_files, Num, RunInfo};
use crate::experiment::compare::{pairwise, ModelResults, PairwiseDifference, KEY_METRICS};
use crate::experiment::{Estimate, Replication, Summary};
use crate::lang::{pad, terminal_width};
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
    /// What readers see for each model: its label, or its name in the language of the run.
    pub labels: Vec<String>,
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
            labels: scenarios.iter().map(|s| s.display_name(crate::lang::current()).to_string()).collect(),
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
    /// The metric's name, unit and meaning in the language of the run (the id is `metric`).
    metric_name: &'a str,
    unit: &'a str,
    meaning: &'a str,
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
        let lang = crate::lang::current();
        let m = M::from_id(metric).ok();
        ComparisonRow {
            metric_name: m.map_or("", |m| lang.metric_title(m)),
            unit: m.map_or("", |m| lang.metric_unit(m)),
            meaning: m.map_or("", |m| lang.metric_meaning(m)),
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
                json!({ "unit": metric.unit, "name": crate::lang::current().metric_title(M::ALL[m]), "final_year": estimate_json(&s.final_year[m]), "whole_run": estimate_json(&s.whole_run[m]) }),
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
    let labels: serde_json::Map<String, Value> =
        c.names.iter().zip(&c.labels).map(|(n, l)| (n.clone(), json!(l))).collect();
    json!({
        "govsim_version": crate::version::VERSION,
        "govsim_commit": crate::version::COMMIT,
        "govsim_modified": crate::version::MODIFIED,
        "lang": crate::lang::current().code(),
        "labels": labels,
        "seed": c.seed,
        "replications": c.replications,
        "scenario_files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
        "design": "common random numbers: replication r of every model uses the same residents and random streams, so differences are paired",
        "statistics": "final_year = each replication's mean over the last 12 months; whole_run = its mean over the run; mean, sample SD and 95% t-interval across replications. Pairs: paired difference a − b with its 95% t-interval, Vargha–Delaney A = P(a > b) with labels negligible/small/medium/large at |A − 0.5| ≥ 0.06/0.14/0.21 (A = 0.56/0.64/0.71)",
        "models": models,
        "pairwise": pairs,
    })
}

/// Decimals of a metric in the tables: three significant digits of the largest magnitude
/// among the models' final-year means (so a row reads "676 … 31", not "676 … 31.0 … 6.850"),
/// at most three decimals (no share needs more to be compared).
fn decimals(c: &Comparison, m: M) -> usize {
    let largest =
        c.summaries.iter().map(|s| s.final_year[m.index()].mean.abs()).filter(|v| v.is_finite()).fold(0.0, f64::max);
    if largest == 0.0 {
        3
    } else {
        (2 - largest.log10().floor() as i32).clamp(0, 3) as usize
    }
}

/// "0.123 [0.110, 0.136]" with `d` decimals; "–" where undefined.
fn est(e: &Estimate, d: usize) -> String {
    let num =
        |v: f64| if v.abs() < 0.5 * 10f64.powi(-(d as i32)) { format!("{:.d$}", 0.0) } else { format!("{v:.d$}") };
    if !e.mean.is_finite() {
        "–".into()
    } else if e.ci_low.is_finite() && e.ci_high.is_finite() {
        format!("{} [{}, {}]", num(e.mean), num(e.ci_low), num(e.ci_high))
    } else {
        num(e.mean)
    }
}

/// comparison.md: the key measures per model by name and unit, what each measure means, then
/// the pairwise differences with effect sizes; in the language of the run.
pub fn comparison_md(c: &Comparison) -> String {
    let lang = crate::lang::current();
    let mut out = format!(
        "# {}\n\n{}\n\n## {}\n\n",
        lang.t("table.comparison_heading"),
        lang.fill("table.comparison_intro", &[("n", &c.replications), ("seed", &c.seed)]),
        lang.t("table.key_measures"),
    );
    let _ = write!(out, "| {} | {} |", lang.t("table.measure"), lang.t("table.unit"));
    for n in &c.labels {
        let _ = write!(out, " {} |", cell(n));
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---:|".repeat(c.labels.len()));
    out.push('\n');
    for &m in KEY_METRICS {
        let d = decimals(c, m);
        let _ = write!(out, "| {} | {} |", cell(lang.metric_title(m)), cell(lang.metric_unit(m)));
        for s in &c.summaries {
            let _ = write!(out, " {} |", est(&s.final_year[m.index()], d));
        }
        out.push('\n');
    }
    let _ = write!(
        out,
        "\n## {}\n\n| {} | {} | {} | {} |\n|---|---|---|---|\n",
        lang.t("table.meanings"),
        lang.t("table.measure"),
        lang.t("table.id"),
        lang.t("table.unit"),
        lang.t("table.meaning")
    );
    for &m in KEY_METRICS {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            cell(lang.metric_title(m)),
            m.id(),
            cell(lang.metric_unit(m)),
            cell(lang.metric_meaning(m))
        );
    }
    let _ = write!(
        out,
        "\n{}\n\n## {}\n\n{}\n\n| {} | {} | {} | {} | A₁₂ | {} |\n|---|---|---|---:|---:|---|\n",
        lang.t("table.all_metrics"),
        lang.t("table.pairwise_heading"),
        lang.t("table.pairwise_intro"),
        lang.t("table.measure"),
        lang.t("table.first_model"),
        lang.t("table.second_model"),
        lang.t("table.difference"),
        lang.t("table.effect"),
    );
    let label = |name: &str| c.names.iter().position(|n| n == name).map_or(name.to_string(), |i| c.labels[i].clone());
    for p in &c.pairs {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(lang.metric_title(p.metric)),
            cell(&label(&p.model_a)),
            cell(&label(&p.model_b)),
            est(&p.difference, decimals(c, p.metric)),
            if p.vargha_delaney_a.is_finite() { format!("{:.2}", p.vargha_delaney_a) } else { "–".into() },
            effect_label(lang, p.effect),
        );
    }
    out
}

/// A table cell's text: a `|` would end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The label of a Vargha–Delaney A in the language of the run.
pub fn effect_label(lang: crate::lang::Lang, effect: &str) -> &'static str {
    match effect {
        "negligible" => lang.t("table.effect_negligible"),
        "small" => lang.t("table.effect_small"),
        "medium" => lang.t("table.effect_medium"),
        "large" => lang.t("table.effect_large"),
        _ => "–",
    }
}

/// The compact terminal table: one row per model, the headline measures with 95% CIs.
pub fn terminal_table(c: &Comparison) -> String {
    let lang = crate::lang::current();
    let cols: [(M, &str); 6] = [
        (M::DependenceOnGovernment, "D(v←g)"),
        (M::Asymmetry, lang.t("table.short_asymmetry")),
        (M::ActiveRate, lang.t("table.short_active_rate")),
        (M::Retention12m, lang.t("table.short_retention")),
        (M::Coverage, lang.t("table.short_coverage")),
        (M::GovCostPerServiceHour, lang.t("table.short_gov_cost")),
    ];
    let first = lang.t("table.model");
    let width = c.labels.iter().map(|n| terminal_width(n)).max().unwrap_or(5).max(terminal_width(first));
    let mut out = pad(first, width, false);
    for (_, h) in &cols {
        let _ = write!(out, "  {}", pad(h, 18, true));
    }
    out.push('\n');
    for (name, s) in c.labels.iter().zip(&c.summaries) {
        out.push_str(&pad(name, width, false));
        for (m, _) in cols {
            let e = s.final_year[m.index()];
            let d = decimals(c, m);
            let text = if e.mean.is_finite() && e.ci_high.is_finite() {
                format!("{:.*} ±{:.*}", d, e.mean, d, (e.ci_high - e.ci_low) / 2.0)
            } else if e.mean.is_finite() {
                format!("{:.d$}", e.mean)
            } else {
                "–".into()
            };
            let _ = write!(out, "  {}", pad(&text, 18, true));
        }
        out.push('\n');
    }
    out.push_str(lang.t("table.terminal_note"));
    out.push('\n');
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
    let lang = crate::lang::current();
    let looks = charts::line_looks(&scenarios.iter().map(|s| s.colour).collect::<Vec<_>>());
    let models: Vec<ModelSeries> = c
        .labels
        .iter()
        .zip(results)
        .zip(&c.summaries)
        .zip(looks)
        .map(|(((label, r), summary), look)| {
            ModelSeries::new(label.clone(), look.0, r, summary.final_year.clone()).with_look(look)
        })
        .collect();
    let heading = lang.fill("chart.compare_heading", &[("n", &c.replications)]);
    let mut events: Vec<(f64, String)> = scenarios.iter().flat_map(super::event_marks).collect();
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    events.dedup();
    let across = lang.t("chart.across_replications");
    let months_per_step = c.months_per_step;
    let final_heading = lang.fill("chart.final_state_heading", &[("year", &final_year_label(scenarios))]);
    // The files are independent of each other: write them on the pool's threads (each file's
    // bytes do not depend on which thread writes it).
    type Job<'a> = Box<dyn FnOnce() -> io::Result<()> + Send + 'a>;
    let mut jobs: Vec<Job> = vec![
        Box::new(|| {
            super::write_file(&dir.join("comparison.csv"), comparison_csv(c))?;
            let json = serde_json::to_string_pretty(&comparison_json(c, files)).map_err(io::Error::other)?;
            super::write_file(&dir.join("comparison.json"), json)?;
            super::write_file(&dir.join("comparison.md"), comparison_md(c))
        }),
        Box::new(|| {
            let long = scenarios.iter().zip(results).map(|(s, r)| (s.name.as_str(), r.as_slice(), s.time.step_months));
            super::write_file(&dir.join("timeseries_long.csv"), super::timeseries_long_csv(long))
        }),
        Box::new(|| {
            charts::Timeseries { heading: &heading, models: &models, months_per_step, events: &events, across }
                .save_in(dir)
        }),
        Box::new(|| charts::Dependency { models: &models }.save_in(dir)),
        Box::new(|| charts::FinalState { heading: &final_heading, models: &models, across }.save_in(dir)),
    ];
    for ((s, r), file) in scenarios.iter().zip(results).zip(files) {
        jobs.push(Box::new(move || {
            let info = RunInfo { seed: c.seed, replications: c.replications, source_file: Some(file.clone()) };
            write_scenario_files(&dir.join(&s.name), s, &info, r)
        }));
    }
    use rayon::prelude::*;
    jobs.into_par_iter().map(|job| job()).collect()
}

fn final_year_label(scenarios: &[Scenario]) -> String {
    let years: Vec<u32> = scenarios.iter().map(|s| s.time.years).collect();
    if years.windows(2).all(|w| w[0] == w[1]) {
        years.first().map_or("?".into(), |y| y.to_string())
    } else {
        crate::lang::current().t("chart.last").into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_three_significant_digits_of_the_rows_largest() {
        let e = |mean: f64| Estimate { mean, sd: 0.0, ci_low: mean - 1.0, ci_high: mean + 1.0, n: 3 };
        let summary = |v: f64| Summary {
            final_year: vec![e(v); crate::measures::N_METRICS],
            whole_run: vec![e(v); crate::measures::N_METRICS],
        };
        let c = |values: &[f64]| Comparison {
            names: values.iter().map(|v| v.to_string()).collect(),
            labels: values.iter().map(|v| v.to_string()).collect(),
            summaries: values.iter().map(|&v| summary(v)).collect(),
            pairs: Vec::new(),
            seed: 1,
            replications: 3,
            months_per_step: 1.0,
        };
        // 676 and 6.85 in one row: both without decimals ("676", "7"), not "676" and "6.850"
        assert_eq!(decimals(&c(&[676.0, 6.85]), M::CoreVolunteers), 0);
        assert_eq!(decimals(&c(&[55.9, 0.95]), M::CoreVolunteers), 1);
        assert_eq!(decimals(&c(&[5.8, 1.2]), M::CoreVolunteers), 2);
        assert_eq!(decimals(&c(&[0.845, 0.0]), M::CoreVolunteers), 3);
        assert_eq!(decimals(&c(&[0.0, 0.0]), M::CoreVolunteers), 3);
        assert_eq!(est(&e(6.85), 0), "7 [6, 8]");
        assert_eq!(
            est(&Estimate { mean: -0.0001, ci_low: -0.0002, ci_high: 0.0, ..e(0.0) }, 3),
            "0.000 [0.000, 0.000]"
        );
    }
}
