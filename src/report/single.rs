//! The report of `govsim run` (one scenario's folder) and of `govsim district`.

use super::common::{self, read_json, Model};
use super::findings::{self, OUTCOMES};
use super::html::{esc, Page};
use super::numbers::Est;
use super::provenance::Provenance;
use crate::measures::M;
use crate::Error;
use std::path::Path;

/// One scenario's results (a folder of `govsim run`).
pub fn run(dir: &Path, page: &mut Page, prov: Option<&Provenance>) -> Result<(String, String), Error> {
    let lang = page.lang;
    let model = Model::read(lang, dir)?;
    let s = read_json(dir, "summary.json")?;
    let (reps, seed) = (s["replications"].as_u64(), s["seed"].as_u64());

    page.section("compared", lang.t("report.run_what"));
    page.p(&lang.fill("report.run_intro", &[("reps", &reps.unwrap_or(0))]));
    common::scenarios_table(page, std::slice::from_ref(&model));

    page.section("results", lang.t("report.results"));
    page.p(&lang.fill("report.run_results_intro", &[("year", &model.years)]));
    for (key, metrics) in OUTCOMES {
        page.h3(findings::outcome_title(lang, key));
        let items: Vec<String> = metrics.iter().map(|&m| estimate_sentence(lang, m, model.final_year(m))).collect();
        page.list("findings", &items);
    }

    common::charts_section(
        page,
        dir,
        lang,
        &[("timeseries.svg", "report.chart_timeseries", "report.chart_run_timeseries_read")],
    );

    page.section("tables", lang.t("report.tables"));
    let f = |m: M| model.final_year(m);
    common::measures_table(page, lang.t("report.measures_caption"), &[(model.display.clone(), &f)]);

    common::shocks_section(page, &[&model]);
    common::method_section(page, reps, seed, false);
    common::provenance_section(page, prov);
    common::limits_section(page);
    let title = lang.fill("report.title_run", &[("name", &model.display)]);
    let subtitle = lang.fill("report.subtitle_run", &[("reps", &reps.unwrap_or(0)), ("seed", &seed.unwrap_or(0))]);
    Ok((title, subtitle))
}

/// "Coverage: 0.82 [0.80, 0.84] share of demand in the final year." (escaped markup), with a
/// note where it sits at its bound.
fn estimate_sentence(lang: crate::lang::Lang, m: M, e: Est) -> String {
    let mut s = format!("<span class=\"outcome\">{}</span>{}", esc(lang.metric_title(m)), lang.t("report.colon"));
    s += &esc(&lang.fill("report.estimate", &[("value", &e.show()), ("unit", &lang.metric_unit(m))]));
    if let Some(b) = findings::at_bound(m, e.mean) {
        s.push_str(super::findings::gap(lang));
        s += &esc(&lang.fill("report.estimate_at_bound", &[("bound", &super::numbers::show(b))]));
    }
    s
}

/// A district's results (a folder of `govsim district`).
pub fn district(dir: &Path, page: &mut Page, prov: Option<&Provenance>) -> Result<(String, String), Error> {
    let lang = page.lang;
    let s = read_json(dir, "summary.json")?;
    let text = |k: &str| s[k].as_str().unwrap_or("").to_string();
    let name = text("district");
    let groups: Vec<(String, serde_json::Value)> = s["groups"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|g| {
                    let label = lang.name(g["group"].as_str().unwrap_or("")).to_string();
                    (format!("{label} ({})", g["communities"].as_u64().unwrap_or(0)), g["final_year"].clone())
                })
                .collect()
        })
        .unwrap_or_default();
    let communities = s["communities"].as_u64().unwrap_or(0);
    let residents = s["residents"].as_u64().unwrap_or(0);

    page.section("compared", lang.t("report.district_what"));
    page.p(&text("description"));
    page.p(&lang.fill(
        "report.district_intro",
        &[
            ("communities", &communities),
            ("residents", &super::numbers::fixed(residents as f64, 0)),
            ("groups", &groups.len()),
        ],
    ));

    page.section("results", lang.t("report.results"));
    page.p(lang.t("report.district_results_intro"));
    for (key, metrics) in OUTCOMES {
        page.h3(findings::outcome_title(lang, key));
        let items: Vec<String> = metrics
            .iter()
            .map(|&m| {
                let ests: Vec<(String, Est)> =
                    groups.iter().map(|(n, fy)| (n.clone(), Est::from_json(&fy[m.id()]))).collect();
                findings::unpaired_sentence(lang, m, &ests)
            })
            .collect();
        page.list("findings", &items);
    }

    common::charts_section(
        page,
        dir,
        lang,
        &[
            ("timeseries.svg", "report.chart_timeseries", "report.chart_district_timeseries_read"),
            ("final_state.svg", "report.chart_final_state", "report.chart_district_final_read"),
        ],
    );

    page.section("tables", lang.t("report.tables"));
    let fns: Vec<Box<dyn Fn(M) -> Est + '_>> = groups
        .iter()
        .map(|(_, fy)| Box::new(move |m: M| Est::from_json(&fy[m.id()])) as Box<dyn Fn(M) -> Est>)
        .collect();
    let columns: Vec<(String, &dyn Fn(M) -> Est)> =
        groups.iter().zip(&fns).map(|((n, _), f)| (n.clone(), f.as_ref())).collect();
    common::measures_table(page, lang.t("report.district_measures_caption"), &columns);

    common::method_section(page, None, s["seed"].as_u64(), false);
    page.p(lang.t("report.district_method"));
    common::provenance_section(page, prov);
    common::limits_section(page);
    let title = lang.fill("report.title_district", &[("name", &name)]);
    let subtitle = lang.fill(
        "report.subtitle_district",
        &[("communities", &communities), ("residents", &super::numbers::fixed(residents as f64, 0))],
    );
    Ok((title, subtitle))
}
