//! Files of a sensitivity analysis (`govsim analyze`, computed by [`crate::sweep::analyze`]):
//! `sensitivity.csv`, `sensitivity.json` and the charts.

use super::charts::{self, Heatmap, MorrisPanel};
use super::{json_number, table, Num};
use crate::sweep::analyze::{Analysis, Figure, BOOTSTRAP};
use serde::Serialize;
use serde_json::{json, Value};
use std::io;
use std::path::{Path, PathBuf};

/// Write `sensitivity.csv` and `sensitivity.json` of `a` into `out` (the charts are already
/// there: [`crate::sweep::analyze::analyze`] draws them).
pub fn write_files(out: &Path, a: &Analysis) -> io::Result<()> {
    std::fs::write(out.join("sensitivity.csv"), sensitivity_csv(a))?;
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
/// in drawing order (each has an SVG twin).
pub fn write_charts(dir: &Path, a: &Analysis) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let factors: Vec<&str> = a.factors.iter().map(String::as_str).collect();
    let mut written = Vec::with_capacity(a.figures.len());
    for figure in &a.figures {
        let stem = match figure {
            Figure::Morris { scenario, panels } => {
                let stem = dir.join(format!("morris-{}", slug(scenario)));
                let titles: Vec<String> = panels.iter().map(|(output, _)| format!("{output} — {scenario}")).collect();
                let panels: Vec<MorrisPanel> =
                    panels.iter().zip(&titles).map(|((_, m), t)| MorrisPanel { metric: t, indices: m }).collect();
                charts::morris_chart(&stem, &factors, &panels)?;
                stem
            }
            Figure::Sobol { scenario, output, indices } => {
                let stem = dir.join(format!("sobol-{}-{}", slug(scenario), slug(output)));
                charts::sobol_chart(&stem, &format!("{output} — {scenario}"), &factors, indices)?;
                stem
            }
            Figure::Heatmap { scenario, output, unit, x_levels, y_levels, values } => {
                let stem = dir.join(format!("heatmap-{}-{}", slug(scenario), slug(output)));
                let h = Heatmap {
                    metric: &format!("{output} — {scenario}"),
                    unit,
                    x_factor: factors[0],
                    x_levels,
                    y_factor: factors[1],
                    y_levels,
                    values,
                };
                charts::heatmap_chart(&stem, &h)?;
                stem
            }
        };
        written.push(stem.with_extension("png"));
    }
    Ok(written)
}

/// File-name-safe form of a scenario or output name.
fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
}
