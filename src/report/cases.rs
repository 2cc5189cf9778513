//! The report of `govsim cases`: each case's targets against what its source reports.

use super::common::{self, read_svg, Model};
use super::html::{esc, Cell, Page, Table};
use super::numbers::{digits, fixed, Est};
use super::provenance::Provenance;
use crate::output::table::CsvText;
use crate::Error;
use std::path::Path;

/// One row of targets.csv.
struct Target {
    case: String,
    name: String,
    measure: String,
    months: (String, String),
    source: String,
    low: f64,
    high: f64,
    model: Est,
    within: bool,
    off: f64,
}

fn read_targets(dir: &Path) -> Result<Vec<Target>, Error> {
    let path = dir.join("targets.csv");
    let text =
        std::fs::read_to_string(&path).map_err(|e| Error::input(format!("cannot read {}: {e}", path.display())))?;
    let bad = |e: crate::output::table::CsvError| Error::input(format!("{}: {e}", path.display()));
    let csv = CsvText::new(&text).map_err(bad)?;
    let cols = csv
        .columns([
            "case",
            "target",
            "measure",
            "from_month",
            "to_month",
            "source",
            "low",
            "high",
            "mean",
            "ci_low",
            "ci_high",
            "replications",
            "within",
            "off",
        ])
        .map_err(bad)?;
    let mut out = Vec::new();
    for row in csv {
        let row = row.map_err(bad)?;
        let num = |i: usize| row.number(&cols[i]).unwrap_or(f64::NAN);
        out.push(Target {
            case: row.text(&cols[0]).into(),
            name: row.text(&cols[1]).into(),
            measure: row.text(&cols[2]).into(),
            months: (row.text(&cols[3]).into(), row.text(&cols[4]).into()),
            source: row.text(&cols[5]).into(),
            low: num(6),
            high: num(7),
            model: Est { mean: num(8), low: num(9), high: num(10), n: row.whole(&cols[11]).unwrap_or(0) },
            within: row.text(&cols[12]) == "true",
            off: num(13),
        });
    }
    Ok(out)
}

pub fn build(dir: &Path, page: &mut Page, prov: Option<&Provenance>) -> Result<(String, String), Error> {
    let lang = page.lang;
    let targets = read_targets(dir)?;
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| Error::input(format!("cannot read {}: {e}", dir.display())))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("summary.json").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let models = names.iter().map(|n| Model::read(lang, &dir.join(n))).collect::<Result<Vec<_>, _>>()?;
    let display = |case: &str| models.iter().find(|m| m.name == case).map_or(case.to_string(), |m| m.display.clone());
    let reps = prov.and_then(|p| p.replications).map(u64::from).or(targets.first().map(|t| t.model.n));

    page.section("compared", lang.t("report.cases_what"));
    page.p(lang.t("report.cases_intro"));
    common::scenarios_table(page, &models);

    page.section("results", lang.t("report.results"));
    let within = targets.iter().filter(|t| t.within).count();
    page.p(&lang.fill("report.cases_summary", &[("within", &within), ("n", &targets.len()), ("cases", &models.len())]));
    let items: Vec<String> = targets
        .iter()
        .map(|t| {
            let verdict = verdict(lang, t);
            let text = lang.fill(
                "report.case_finding",
                &[
                    ("target", &t.name),
                    ("model", &t.model.show()),
                    ("low", &fixed(t.low, digits(&[t.low, t.high]))),
                    ("high", &fixed(t.high, digits(&[t.low, t.high]))),
                    ("verdict", &verdict),
                ],
            );
            format!("<span class=\"outcome\">{}</span>{}{}", esc(&display(&t.case)), lang.t("report.colon"), esc(&text))
        })
        .collect();
    page.list("findings", &items);

    page.section("charts", lang.t("report.charts"));
    for m in &models {
        if let Some(svg) = read_svg(&dir.join(&m.name), "targets.svg") {
            let title = format!("{} — {}", m.display, lang.t("report.chart_targets"));
            page.figure(&svg, &title, lang.t("report.chart_targets_read"));
        }
    }

    page.section("tables", lang.t("report.tables"));
    let mut t = Table::new(
        lang.t("report.targets_caption"),
        &[
            lang.t("report.col_case"),
            lang.t("report.col_target"),
            lang.t("report.col_months"),
            lang.t("report.col_source"),
            lang.t("report.col_interval"),
            lang.t("report.col_model"),
            lang.t("report.col_verdict"),
        ],
    );
    for x in &targets {
        let what = measure_name(lang, &x.measure);
        t.row(vec![
            Cell::Text(display(&x.case)),
            Cell::Named(x.name.clone(), what),
            Cell::Num(format!("{}–{}", x.months.0, x.months.1)),
            Cell::Text(x.source.clone()),
            Cell::Num(format!(
                "{} – {}",
                fixed(x.low, digits(&[x.low, x.high])),
                fixed(x.high, digits(&[x.low, x.high]))
            )),
            Cell::Est(x.model),
            Cell::Text(verdict(lang, x)),
        ]);
    }
    page.table(&t);

    common::shocks_section(page, &models.iter().collect::<Vec<_>>());
    common::method_section(page, reps, prov.and_then(|p| p.seed), false);
    page.p(lang.t("report.cases_method"));
    common::provenance_section(page, prov);
    common::limits_section(page);
    let title = lang.t("report.title_cases").to_string();
    let subtitle = lang.fill("report.subtitle_cases", &[("cases", &models.len()), ("n", &targets.len())]);
    Ok((title, subtitle))
}

/// Within, or below/above by how much.
fn verdict(lang: crate::lang::Lang, t: &Target) -> String {
    if t.within {
        lang.t("report.within").to_string()
    } else if !t.model.mean.is_finite() {
        lang.t("report.no_estimate").to_string()
    } else if t.off < 0.0 {
        lang.fill("report.below_by", &[("pct", &fixed(t.off.abs() * 100.0, 0))])
    } else {
        lang.fill("report.above_by", &[("pct", &fixed(t.off.abs() * 100.0, 0))])
    }
}

/// A target's measure as readers know it: the metric's title, or an organisation's count.
fn measure_name(lang: crate::lang::Lang, measure: &str) -> String {
    if let Ok(m) = crate::measures::M::from_id(measure) {
        return format!("{} ({})", lang.metric_title(m), lang.metric_unit(m));
    }
    match measure.split_once(':') {
        Some(("members", org)) => lang.fill("report.members_of", &[("org", &org)]),
        Some(("teams", org)) => lang.fill("report.teams_of", &[("org", &org)]),
        _ => measure.to_string(),
    }
}
