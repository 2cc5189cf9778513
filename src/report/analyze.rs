//! The report of `govsim analyze` (a sweep's `analysis/` folder): a smaller report — the design,
//! the strongest factors per scenario and output, every chart, method, provenance and limits.

use super::common::{self, read_json};
use super::html::{Cell, Page, Table};
use super::numbers::show;
use super::provenance::Provenance;
use crate::Error;
use serde_json::Value;
use std::path::Path;

/// Factors shown per scenario and output in the key results.
const TOP: usize = 3;

/// The index that ranks factors: μ* (Morris), ST (Sobol'), r (correlations).
fn ranks(r: &Value) -> bool {
    matches!(r["index"].as_str(), Some("mu_star" | "ST" | "pearson_r" | "r"))
}

pub fn build(dir: &Path, page: &mut Page, prov: Option<&Provenance>) -> Result<(String, String), Error> {
    let lang = page.lang;
    let s = read_json(dir, "sensitivity.json")?;
    let design = s["design"].as_str().unwrap_or("").to_string();
    let rows: Vec<&Value> = s["indices"].as_array().map(|l| l.iter().collect()).unwrap_or_default();
    // the index that ranks factors: μ* (Morris), ST (Sobol'), |r| (correlations)

    page.section("compared", lang.t("report.analyze_what"));
    page.p(&lang.fill("report.analyze_intro", &[("design", &design)]));

    page.section("results", lang.t("report.results"));
    let mut groups: Vec<(String, String)> = Vec::new();
    for r in rows.iter().filter(|r| ranks(r)) {
        let key = (r["scenario"].as_str().unwrap_or("").to_string(), r["output"].as_str().unwrap_or("").to_string());
        if !groups.contains(&key) {
            groups.push(key);
        }
    }
    let mut items = Vec::new();
    for (scenario, output) in &groups {
        let mut these: Vec<&&Value> = rows
            .iter()
            .filter(|r| ranks(r))
            .filter(|r| r["scenario"] == scenario.as_str() && r["output"] == output.as_str())
            .collect();
        these.sort_by(|a, b| {
            let v = |x: &Value| x["value"].as_f64().map_or(f64::NEG_INFINITY, f64::abs);
            v(b).total_cmp(&v(a))
        });
        let top: Vec<String> = these
            .iter()
            .take(TOP)
            .map(|r| {
                format!(
                    "{} ({} = {})",
                    r["factor"].as_str().unwrap_or(""),
                    r["index"].as_str().unwrap_or(""),
                    r["value"].as_f64().map_or("–".into(), show)
                )
            })
            .collect();
        items.push(super::html::esc(&lang.fill(
            "report.analyze_finding",
            &[("scenario", &lang.name(scenario)), ("output", &output_name(lang, output)), ("factors", &top.join(", "))],
        )));
    }
    page.list("findings", &items);

    page.section("charts", lang.t("report.charts"));
    let charts = dir.join("charts");
    let mut svgs: Vec<String> = std::fs::read_dir(&charts)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    svgs.retain(|n| n.ends_with(".svg"));
    svgs.sort();
    if svgs.is_empty() {
        page.p(lang.t("report.no_charts"));
    }
    for f in &svgs {
        if let Some(svg) = common::read_svg(&charts, f) {
            let how = if f.starts_with("morris") {
                lang.t("report.chart_morris_read")
            } else if f.starts_with("sobol") {
                lang.t("report.chart_sobol_read")
            } else {
                lang.t("report.chart_heatmap_read")
            };
            page.figure(&svg, f.trim_end_matches(".svg"), how);
        }
    }

    page.section("tables", lang.t("report.tables"));
    let mut t = Table::new(
        lang.t("report.sensitivity_caption"),
        &[
            lang.t("report.col_scenario"),
            lang.t("report.col_output"),
            lang.t("report.col_factor"),
            lang.t("report.col_index"),
            lang.t("report.col_value_ci"),
        ],
    );
    for r in &rows {
        let ci = r["ci95"].as_array().and_then(|c| {
            let (lo, hi) = (c.first().and_then(Value::as_f64)?, c.get(1).and_then(Value::as_f64)?);
            Some(format!(" [{}, {}]", show(lo), show(hi)))
        });
        t.row(vec![
            Cell::Text(lang.name(r["scenario"].as_str().unwrap_or("")).to_string()),
            Cell::Text(output_name(lang, r["output"].as_str().unwrap_or(""))),
            Cell::Code(r["factor"].as_str().unwrap_or("").to_string()),
            Cell::Text(r["index"].as_str().unwrap_or("").to_string()),
            Cell::Num(format!("{}{}", r["value"].as_f64().map_or("–".into(), show), ci.unwrap_or_default())),
        ]);
    }
    page.table(&t);

    page.section("method", lang.t("report.method"));
    page.p(lang.t("report.analyze_method"));
    common::provenance_section(page, prov);
    common::limits_section(page);
    Ok((lang.t("report.title_analyze").to_string(), lang.fill("report.subtitle_analyze", &[("design", &design)])))
}

/// A sweep output (`metric.statistic`) as readers know it: the metric's title and the statistic.
fn output_name(lang: crate::lang::Lang, output: &str) -> String {
    match output.split_once('.') {
        Some((id, statistic)) => match crate::measures::M::from_id(id) {
            Ok(m) => format!("{} ({statistic})", lang.metric_title(m)),
            Err(_) => output.to_string(),
        },
        None => output.to_string(),
    }
}
