//! Files of a sensitivity analysis (`govsim analyze`, computed by [`crate::sweep::analyze`]):
//! `sensitivity.csv`, `sensitivity.json` (ids, in every language), `sensitivity.md` (the
//! factors by name with their paths and the ranking, in the language of the process) and the
//! charts.

use super::charts::{self, Heatmap, MorrisPanel};
use super::{json_number, table, Num};
use crate::sweep::analyze::{Analysis, Figure, BOOTSTRAP};
use crate::sweep::label::ParamLabel;
use serde::Serialize;
use serde_json::{json, Value};
use std::io;
use std::path::{Path, PathBuf};

/// Write `sensitivity.csv` and `sensitivity.json` of `a` into `out` (the charts are already
/// there: [`crate::sweep::analyze::analyze`] draws them).
pub fn write_files(out: &Path, a: &Analysis) -> io::Result<()> {
    std::fs::write(out.join("sensitivity.csv"), sensitivity_csv(a))?;
    std::fs::write(out.join("sensitivity.md"), sensitivity_md(a))?;
    let json = serde_json::to_string_pretty(&sensitivity_json(a)).map_err(io::Error::other)?;
    std::fs::write(out.join("sensitivity.json"), json)
}

/// One row of sensitivity.csv.
#[derive(Serialize, Default)]
struct SensitivityRow<'a> {
    scenario: &'a str,
    output: &'a str,
    factor: &'a str,
    method: &'a str,
    index: &'a str,
    value: Num,
    ci95_low: Num,
    ci95_high: Num,
}

/// sensitivity.csv: one row per (scenario, output, factor, index).
pub fn sensitivity_csv(a: &Analysis) -> String {
    table::struct_rows(a.indices.iter().map(|i| SensitivityRow {
        scenario: &i.scenario,
        output: &i.output,
        factor: &i.factor,
        method: i.method,
        index: i.index,
        value: Num(i.value),
        ci95_low: Num(i.ci.0),
        ci95_high: Num(i.ci.1),
    }))
}

/// sensitivity.json: the same rows, with the design, the bootstrap resamples and the outputs
/// skipped or analysed on part of the design.
pub fn sensitivity_json(a: &Analysis) -> Value {
    let num = json_number;
    let rows: Vec<Value> = a
        .indices
        .iter()
        .map(|i| {
            json!({ "scenario": i.scenario, "output": i.output, "factor": i.factor, "method": i.method,
                    "index": i.index, "value": num(i.value), "ci95": [num(i.ci.0), num(i.ci.1)] })
        })
        .collect();
    let listed = |v: &[(String, String, String)]| -> Vec<Value> {
        v.iter().map(|(s, o, why)| json!({ "scenario": s, "output": o, "why": why })).collect()
    };
    json!({ "design": a.design, "bootstrap_resamples": BOOTSTRAP, "indices": rows,
            "skipped": listed(&a.skipped), "partial": listed(&a.notes) })
}

/// Draw every figure of the analysis into `dir` (created if need be); the PNG files written,
/// in drawing order (each has an SVG twin). Factors are named by their labels and outputs by
/// their metric's title, in the language of the process; `sensitivity.md` gives the paths.
pub fn write_charts(dir: &Path, a: &Analysis) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let lang = crate::lang::current();
    let labels: Vec<ParamLabel> = (0..a.factors.len()).map(|i| a.factor_label(lang, i)).collect();
    let factors: Vec<&str> = labels.iter().map(|l| l.name.as_str()).collect();
    let title = |output: &str, scenario: &str| {
        let (t, _) = a.output_title(lang, output);
        format!("{t} — {}", lang.name(scenario))
    };
    let mut written = Vec::with_capacity(a.figures.len());
    for figure in &a.figures {
        let stem = match figure {
            Figure::Morris { scenario, panels } => {
                let stem = dir.join(format!("morris-{}", slug(scenario)));
                let titles: Vec<String> = panels.iter().map(|(output, _)| title(output, scenario)).collect();
                let panels: Vec<MorrisPanel> =
                    panels.iter().zip(&titles).map(|((_, m), t)| MorrisPanel { metric: t, indices: m }).collect();
                charts::morris_chart(&stem, &factors, &panels)?;
                stem
            }
            Figure::Sobol { scenario, output, indices } => {
                let stem = dir.join(format!("sobol-{}-{}", slug(scenario), slug(output)));
                charts::sobol_chart(&stem, &title(output, scenario), &factors, indices)?;
                stem
            }
            Figure::Heatmap { scenario, output, x_levels, y_levels, values, .. } => {
                let stem = dir.join(format!("heatmap-{}-{}", slug(scenario), slug(output)));
                let (_, unit) = a.output_title(lang, output);
                let paths = |i: usize| a.factor_paths.get(i).map_or(a.factors[i].clone(), |(p, _)| p.join(", "));
                let note = lang.fill("sweep.heatmap_paths", &[("x", &paths(0)), ("y", &paths(1))]);
                let h = Heatmap {
                    metric: &title(output, scenario),
                    note: &note,
                    unit: &unit,
                    x_factor: &labels[0].with_unit(lang),
                    x_levels,
                    y_factor: &labels[1].with_unit(lang),
                    y_levels,
                    values,
                    // outputs are "<metric>.<statistic>": the metric's documented range
                    range: output
                        .split_once('.')
                        .and_then(|(m, _)| crate::measures::M::from_id(m).ok())
                        .map_or((f64::NEG_INFINITY, f64::INFINITY), |m| m.range()),
                };
                charts::heatmap_chart(&stem, &h)?;
                stem
            }
        };
        written.push(stem.with_extension("png"));
    }
    Ok(written)
}

/// sensitivity.md: the factors (name, unit, column header, paths), then per scenario and
/// output the factors ranked by the design's main index with its 95% interval, in the language
/// of the process (the CSV and JSON files keep their ids).
pub fn sensitivity_md(a: &Analysis) -> String {
    let lang = crate::lang::current();
    let main = main_index(a.design);
    let mut m = lang.fill("sweep.md_title", &[("design", &lang.t(design_key(a.design)))]);
    m.push_str("\n\n");
    m.push_str(lang.t(match a.design {
        "morris" => "sweep.md_about_morris",
        "sobol" => "sweep.md_about_sobol",
        _ => "sweep.md_about_correlation",
    }));
    m.push_str("\n\n## ");
    m.push_str(lang.t("sweep.md_factors"));
    m.push_str("\n\n");
    m.push_str(&row(&[
        lang.t("sweep.col_factor"),
        lang.t("sweep.col_unit"),
        lang.t("sweep.col_header"),
        lang.t("sweep.col_paths"),
    ]));
    m.push_str("|---|---|---|---|\n");
    for (i, header) in a.factors.iter().enumerate() {
        let l = a.factor_label(lang, i);
        let paths = a
            .factor_paths
            .get(i)
            .map_or(String::new(), |(p, _)| p.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", "));
        let unit = if l.unit.is_empty() { "–" } else { &l.unit };
        m.push_str(&row(&[&l.name, unit, &format!("`{header}`"), &paths]));
    }
    for (scenario, output, ranked) in crate::sweep::analyze::ranking(a) {
        let (title, unit) = a.output_title(lang, &output);
        let unit = if unit.is_empty() { String::new() } else { lang.fill("sweep.md_unit", &[("unit", &unit)]) };
        m.push_str(&format!("\n## {title} — {}\n\n", lang.name(&scenario)));
        m.push_str(&lang.fill("sweep.md_output", &[("output", &output), ("scenario", &scenario), ("unit", &unit)]));
        // what the metric measures, and its range (what an "index" runs over)
        if let Some(o) = a.outputs.iter().find(|o| o.header == output) {
            let (low, high) = o.metric.metric().range;
            let meaning = lang.metric_meaning(o.metric);
            m.push_str(&if low.is_finite() && high.is_finite() {
                lang.fill("sweep.md_meaning_range", &[("meaning", &meaning), ("low", &low), ("high", &high)])
            } else {
                lang.fill("sweep.md_meaning", &[("meaning", &meaning)])
            });
        }
        m.push_str("\n\n");
        m.push_str(&row(&["#", lang.t("sweep.col_factor"), lang.t(main.1), lang.t("sweep.col_ci")]));
        m.push_str("|---|---|---|---|\n");
        for (k, (factor, value)) in ranked.iter().enumerate() {
            let i = a.factors.iter().position(|f| f == factor);
            let name = i.map_or(factor.clone(), |i| a.factor_label(lang, i).name);
            let ci = a
                .indices
                .iter()
                .find(|x| x.scenario == scenario && x.output == output && &x.factor == factor && x.index == main.0)
                .map(|x| x.ci)
                .unwrap_or((f64::NAN, f64::NAN));
            let ci = if ci.0.is_finite() && ci.1.is_finite() {
                format!("[{}, {}]", sig(ci.0), sig(ci.1))
            } else {
                "–".into()
            };
            let v = if value.is_finite() { sig(*value) } else { lang.t("sweep.undefined").to_string() };
            m.push_str(&row(&[&(k + 1).to_string(), &name, &v, &ci]));
        }
    }
    for (scenario, output, why) in &a.skipped {
        m.push_str(&format!(
            "\n- {}\n",
            lang.fill("sweep.md_skipped", &[("scenario", scenario), ("output", output), ("why", why)])
        ));
    }
    for (scenario, output, what) in &a.notes {
        m.push_str(&format!("\n- `{scenario}` · `{output}`: {what}\n"));
    }
    m
}

/// A number with 3 significant digits (the full precision is in sensitivity.csv).
fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let decimals = (2 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
    format!("{v:.decimals$}")
}

/// The index factors are ranked by (its id in sensitivity.csv) and its column title's key.
fn main_index(design: &str) -> (&'static str, &'static str) {
    match design {
        "morris" => ("mu_star", "sweep.col_mu_star"),
        "sobol" => ("ST", "sweep.col_st"),
        _ => ("pearson_r", "sweep.col_pearson"),
    }
}

/// The key of a design's name.
fn design_key(design: &str) -> &'static str {
    match design {
        "morris" => "sweep.design_morris",
        "sobol" => "sweep.design_sobol",
        "grid" => "sweep.design_grid",
        _ => "sweep.design_lhs",
    }
}

/// One row of a Markdown table (`|` in cells escaped).
fn row(cells: &[&str]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
    format!("| {} |\n", cells.join(" | "))
}

/// File-name-safe form of a scenario or output name.
fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
}
