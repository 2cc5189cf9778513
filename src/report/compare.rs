//! The report of `govsim compare`: from comparison.json, each model's summary.json and the charts.

use super::common::{self, read_json, Model};
use super::findings::{self, Paired, OUTCOMES};
use super::html::{Cell, Page, Table};
use super::numbers::{fixed, Est};
use super::provenance::Provenance;
use crate::experiment::compare::KEY_METRICS;
use crate::measures::M;
use crate::Error;
use serde_json::Value;
use std::path::Path;

/// A model's estimate of each measure.
type EstimateOf<'a> = Box<dyn Fn(M) -> Est + 'a>;

/// One pairwise comparison as comparison.json holds it.
struct Pair {
    metric: String,
    a: String,
    b: String,
    difference: Est,
    vda: f64,
}

pub fn build(dir: &Path, page: &mut Page, prov: Option<&Provenance>) -> Result<(String, String), Error> {
    let lang = page.lang;
    let c = read_json(dir, "comparison.json")?;
    let pairs: Vec<Pair> = c["pairwise"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|p| Pair {
                    metric: p["metric"].as_str().unwrap_or("").into(),
                    a: p["model_a"].as_str().unwrap_or("").into(),
                    b: p["model_b"].as_str().unwrap_or("").into(),
                    difference: Est::from_json(&p["difference_a_minus_b"]),
                    vda: p["vargha_delaney_a"].as_f64().unwrap_or(f64::NAN),
                })
                .collect()
        })
        .unwrap_or_default();
    let names = model_order(&c, &pairs);
    let models = names.iter().map(|n| Model::read(lang, &dir.join(n))).collect::<Result<Vec<_>, _>>()?;
    let reps = c["replications"].as_u64();
    let seed = c["seed"].as_u64();
    let estimate = |i: usize, m: M| Est::from_json(&c["models"][&models[i].name][m.id()]["final_year"]);

    // what was compared and why
    page.section("compared", lang.t("report.compared"));
    page.p(&lang.fill("report.compare_intro", &[("n", &models.len()), ("reps", &reps.unwrap_or(0))]));
    common::scenarios_table(page, &models);

    // key results
    page.section("results", lang.t("report.results"));
    let years = models.first().map_or(0, |m| m.years);
    page.p(&lang.fill("report.results_intro", &[("year", &years)]));
    for (key, metrics) in OUTCOMES {
        page.h3(findings::outcome_title(lang, key));
        let items: Vec<String> = metrics
            .iter()
            .map(|&m| {
                let ests: Vec<(String, Est)> =
                    (0..models.len()).map(|i| (models[i].display.clone(), estimate(i, m))).collect();
                findings::sentence(lang, m, &ests, &|i, j| paired(&pairs, m, &models[i].name, &models[j].name))
            })
            .collect();
        page.list("findings", &items);
    }

    // charts
    common::charts_section(
        page,
        dir,
        lang,
        &[
            ("timeseries.svg", "report.chart_timeseries", "report.chart_timeseries_read"),
            ("dependency.svg", "report.chart_dependency", "report.chart_dependency_read"),
            ("final_state.svg", "report.chart_final_state", "report.chart_final_state_read"),
        ],
    );

    // tables
    page.section("tables", lang.t("report.tables"));
    let columns: Vec<(String, EstimateOf)> = (0..models.len())
        .map(|i| (models[i].display.clone(), Box::new(move |m| estimate(i, m)) as Box<dyn Fn(M) -> Est>))
        .collect();
    let columns: Vec<(String, &dyn Fn(M) -> Est)> = columns.iter().map(|(n, f)| (n.clone(), f.as_ref())).collect();
    common::measures_table(page, lang.t("report.measures_caption"), &columns);
    let display = |name: &str| models.iter().find(|m| m.name == name).map_or(name.to_string(), |m| m.display.clone());
    let mut t = Table::new(
        lang.t("report.pairs_caption"),
        &[
            lang.t("report.col_measure"),
            lang.t("report.col_model_a"),
            lang.t("report.col_model_b"),
            lang.t("report.col_difference"),
            lang.t("report.col_vda"),
            lang.t("report.col_effect"),
        ],
    );
    for &m in KEY_METRICS {
        for p in pairs.iter().filter(|p| p.metric == m.id()) {
            t.row(vec![
                Cell::Text(lang.metric_title(m).to_string()),
                Cell::Text(display(&p.a)),
                Cell::Text(display(&p.b)),
                Cell::Num(p.difference.show()),
                Cell::Num(fixed(p.vda, 2)),
                Cell::Text(findings::effect_name(lang, findings::effect_of(p.vda)).to_string()),
            ]);
        }
    }
    page.table(&t);
    page.p(lang.t("report.pairs_read"));

    common::shocks_section(page, &models.iter().collect::<Vec<_>>());
    common::method_section(page, reps, seed, true);
    common::provenance_section(page, prov);
    common::limits_section(page);

    let shown: Vec<&str> = models.iter().map(|m| m.display.as_str()).collect();
    let title = lang.fill("report.title_compare", &[("n", &models.len())]);
    let subtitle = lang.fill(
        "report.subtitle_compare",
        &[
            ("models", &shown.join(lang.t("report.list_separator"))),
            ("reps", &reps.unwrap_or(0)),
            ("seed", &seed.unwrap_or(0)),
        ],
    );
    Ok((title, subtitle))
}

/// The paired comparison of models `a` and `b` on `m`, as a − b (comparison.json may hold b − a).
fn paired(pairs: &[Pair], m: M, a: &str, b: &str) -> Option<Paired> {
    let p = pairs.iter().find(|p| p.metric == m.id() && ((p.a == a && p.b == b) || (p.a == b && p.b == a)))?;
    if p.a == a {
        Some(Paired { difference: p.difference, a: p.vda })
    } else {
        let d = p.difference;
        Some(Paired { difference: Est { mean: -d.mean, low: -d.high, high: -d.low, n: d.n }, a: 1.0 - p.vda })
    }
}

/// The models in the order they were compared: pairs run (0,1), (0,2), …, (1,2), …
fn model_order(c: &Value, pairs: &[Pair]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    if let Some(first) = pairs.first() {
        names.push(first.a.clone());
        for p in pairs.iter().filter(|p| p.metric == first.metric && p.a == first.a) {
            names.push(p.b.clone());
        }
    }
    if names.is_empty() {
        names = c["models"].as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    }
    names
}
