//! What every report reads and shows: a model's summary.json, the scenarios and their
//! timelines, the key-measures table, shock measures, method, provenance and limits.

use super::html::{esc, Cell, Page, Table};
use super::numbers::{show, Est};
use super::provenance::Provenance;
use crate::experiment::compare::KEY_METRICS;
use crate::lang::{display_name, Lang};
use crate::measures::M;
use crate::Error;
use serde_json::Value;
use std::path::Path;

/// A JSON file of the folder.
pub fn read_json(dir: &Path, rel: &str) -> Result<Value, Error> {
    let path = dir.join(rel);
    let text =
        std::fs::read_to_string(&path).map_err(|e| Error::input(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| Error::input(format!("{} is not valid JSON: {e}", path.display())))
}

/// An SVG chart of the folder, if it is there.
pub fn read_svg(dir: &Path, rel: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(rel)).ok().filter(|s| s.contains("<svg"))
}

/// The "charts" section: each of `charts` (SVG file in `dir`, title and how-to-read phrase
/// keys) that the folder holds, as a figure with its caption.
pub fn charts_section(page: &mut Page, dir: &Path, lang: Lang, charts: &[(&str, &'static str, &'static str)]) {
    page.section("charts", lang.t("report.charts"));
    for &(file, title, how) in charts {
        if let Some(svg) = read_svg(dir, file) {
            page.figure(&svg, lang.t(title), lang.t(how));
        }
    }
}

/// One model (scenario) as its summary.json describes it.
pub struct Model {
    pub name: String,
    /// As readers see it: its label, or its name in the report's language.
    pub display: String,
    pub description: String,
    pub source_file: String,
    /// (month, what happens) on its timeline.
    pub timeline: Vec<(u32, String)>,
    /// The summary's `events` (shock measures per event).
    pub events: Vec<Value>,
    /// The summary's `metrics`.
    pub metrics: Value,
    pub years: u64,
}

impl Model {
    /// Read `dir/summary.json`.
    pub fn read(lang: Lang, dir: &Path) -> Result<Model, Error> {
        let s = read_json(dir, "summary.json")?;
        let text = |v: &Value| v.as_str().unwrap_or("").to_string();
        let name = text(&s["scenario"]);
        let label = text(&s["resolved_scenario"]["label"]);
        let timeline = s["resolved_scenario"]["events"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|e| serde_json::from_value::<crate::scenario::Event>(e.clone()).ok())
                    .map(|e| (e.month(), event_text(lang, &e)))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Model {
            display: display_name(lang, &name, &label).to_string(),
            description: text(&s["description"]),
            source_file: text(&s["source_file"]),
            timeline,
            events: s["events"].as_array().cloned().unwrap_or_default(),
            metrics: s["metrics"].clone(),
            years: s["years"].as_u64().unwrap_or(0),
            name,
        })
    }

    /// Its final-year estimate of `m`.
    pub fn final_year(&self, m: M) -> Est {
        Est::from_json(&self.metrics[m.id()]["final_year"])
    }

    /// Its timeline in words: "month 60: government funding stops; …", or "no events".
    pub fn timeline_text(&self, lang: Lang) -> String {
        if self.timeline.is_empty() {
            return lang.t("report.no_events").to_string();
        }
        self.timeline
            .iter()
            .map(|(month, what)| lang.fill("report.event_at", &[("month", month), ("what", what)]))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// What an event does, in the report's language: "government funding stops", "contract with
/// h-centre ends", "emergency demand ×20 for 6 months".
pub fn event_text(lang: Lang, e: &crate::scenario::Event) -> String {
    use crate::scenario::{Category as C, Event as E};
    let factor = |f: f64| format!("{}", (f * 1000.0).round() / 1000.0);
    match e {
        E::FundingChange { actor, factor: f, .. } if *f == 0.0 => {
            lang.fill("report.ev_funding_stops", &[("actor", &lang.name(actor))])
        }
        E::FundingChange { actor, factor: f, .. } => {
            lang.fill("report.ev_funding_factor", &[("actor", &lang.name(actor)), ("factor", &factor(*f))])
        }
        E::ContractEnd { social_organisation, .. } => {
            lang.fill("report.ev_contract_end", &[("org", &lang.name(social_organisation))])
        }
        E::EnterpriseEnter { enterprise: o, .. } | E::SocialOrganisationEnter { social_organisation: o, .. } => {
            lang.fill("report.ev_enters", &[("org", &lang.name(o))])
        }
        E::EnterpriseLeave { enterprise: o, .. } | E::SocialOrganisationLeave { social_organisation: o, .. } => {
            lang.fill("report.ev_leaves", &[("org", &lang.name(o))])
        }
        E::DemandShock { category, factor: f, duration_months, .. } => {
            let c = match category {
                C::ElderCare => lang.t("report.cat_elder_care"),
                C::Children => lang.t("report.cat_children"),
                C::Environment => lang.t("report.cat_environment"),
                C::Safety => lang.t("report.cat_safety"),
                C::Mediation => lang.t("report.cat_mediation"),
                C::Emergency => lang.t("report.cat_emergency"),
            };
            lang.fill("report.ev_demand", &[("category", &c), ("factor", &factor(*f)), ("months", duration_months)])
        }
        E::Campaign { duration_months, .. } => lang.fill("report.ev_campaign", &[("months", duration_months)]),
        E::PointsStart { .. } => lang.t("report.ev_points_start").to_string(),
        E::PointsStop { .. } => lang.t("report.ev_points_stop").to_string(),
        E::CouncilStart { .. } => lang.t("report.ev_council_start").to_string(),
        E::PlatformStart { .. } => lang.t("report.ev_platform_start").to_string(),
    }
}

/// The scenarios: name, what it is (its description), its file and its timeline.
pub fn scenarios_table(page: &mut Page, models: &[Model]) {
    let lang = page.lang;
    let mut t = Table::new(
        lang.t("report.scenarios_caption"),
        &[lang.t("report.col_scenario"), lang.t("report.col_description"), lang.t("report.col_timeline")],
    )
    .class("scenarios");
    for m in models {
        let who = if m.display == m.name { m.name.clone() } else { format!("{} ({})", m.display, m.name) };
        t.row(vec![
            Cell::Named(who, m.source_file.clone()),
            Cell::Text(m.description.clone()),
            Cell::Text(m.timeline_text(lang)),
        ]);
    }
    page.table(&t);
}

/// The key measures by model: name with meaning, unit, and each model's final-year mean [95% CI].
pub fn measures_table(page: &mut Page, caption: &str, columns: &[(String, &dyn Fn(M) -> Est)]) {
    let lang = page.lang;
    let mut header = vec![lang.t("report.col_measure").to_string(), lang.t("report.col_unit").to_string()];
    header.extend(columns.iter().map(|(n, _)| n.clone()));
    let mut t = Table::with_header(caption, header).class("measures");
    for &m in KEY_METRICS {
        let mut row = vec![
            Cell::Named(lang.metric_title(m).to_string(), lang.metric_meaning(m).to_string()),
            Cell::Text(lang.metric_unit(m).to_string()),
        ];
        row.extend(columns.iter().map(|(_, f)| Cell::Est(f(m))));
        t.row(row);
    }
    page.table(&t);
}

/// Shock measures of coverage around each event of each model, if any model has events.
pub fn shocks_section(page: &mut Page, models: &[&Model]) {
    if models.iter().all(|m| m.events.is_empty()) {
        return;
    }
    let lang = page.lang;
    page.section("shocks", lang.t("report.shocks"));
    page.p(lang.t("report.shocks_intro"));
    let mut t = Table::new(
        lang.t("report.shocks_caption"),
        &[
            lang.t("report.col_scenario"),
            lang.t("report.col_event"),
            lang.t("report.col_robustness"),
            lang.t("report.col_resilience_loss"),
            lang.t("report.col_recovery"),
            lang.t("report.col_recovered_share"),
            lang.t("report.col_persistence"),
        ],
    );
    for m in models {
        for e in &m.events {
            let what = serde_json::from_value::<crate::scenario::Event>(e["event"].clone())
                .map(|x| event_text(lang, &x))
                .unwrap_or_else(|_| e["type"].as_str().unwrap_or("").replace('_', " "));
            let month = e["month"].as_u64().unwrap_or(0);
            t.row(vec![
                Cell::Text(m.display.clone()),
                Cell::Text(lang.fill("report.event_at", &[("month", &month), ("what", &what)])),
                Cell::Num(Est::from_json(&e["robustness"]).show()),
                Cell::Num(Est::from_json(&e["resilience_loss_months"]).show()),
                Cell::Num(Est::from_json(&e["recovery_months"]).show()),
                Cell::Num(e["recovered_share"].as_f64().map_or("–".into(), show)),
                Cell::Num(Est::from_json(&e["persistence"]).show()),
            ]);
        }
    }
    page.table(&t);
    page.p(lang.t("report.shocks_read"));
}

/// How the numbers were made: replications, seed, common random numbers, CIs, Vargha–Delaney A.
pub fn method_section(page: &mut Page, reps: Option<u64>, seed: Option<u64>, paired: bool) {
    let lang = page.lang;
    page.section("method", lang.t("report.method"));
    let reps = reps.map_or("–".to_string(), |r| r.to_string());
    let seed = seed.map_or("–".to_string(), |s| s.to_string());
    page.p(&lang.fill("report.method_reps", &[("reps", &reps), ("seed", &seed)]));
    if paired {
        page.p(lang.t("report.method_crn"));
    }
    page.p(lang.t("report.method_ci"));
    if paired {
        page.p(lang.t("report.method_vda"));
        page.note(lang.t("report.method_vda_ci"));
    }
    page.p(lang.t("report.method_measures"));
}

/// Provenance: version and commit, command line, date, wall time, threads, input files' hashes.
pub fn provenance_section(page: &mut Page, prov: Option<&Provenance>) {
    let lang = page.lang;
    page.section("provenance", lang.t("report.provenance"));
    let Some(p) = prov else {
        page.p(lang.t("report.provenance_missing"));
        return;
    };
    let mut t =
        Table::new(lang.t("report.provenance_caption"), &[lang.t("report.col_item"), lang.t("report.col_value")])
            .class("prov");
    let rows: Vec<(&str, Cell)> = vec![
        (lang.t("report.prov_version"), Cell::Code(format!("govsim {} ({})", p.govsim_version, p.commit))),
        (
            lang.t("report.prov_command"),
            Cell::Code(p.command_line.iter().map(|a| shell_word(a)).collect::<Vec<_>>().join(" ")),
        ),
        (lang.t("report.prov_date"), Cell::Text(p.date_utc.clone())),
        (
            lang.t("report.prov_wall"),
            Cell::Text(lang.fill("report.seconds", &[("s", &format!("{:.1}", p.wall_seconds))])),
        ),
        (lang.t("report.prov_threads"), Cell::Text(p.threads.to_string())),
        (lang.t("report.prov_lang"), Cell::Text(p.lang.clone())),
    ];
    for (k, v) in rows {
        t.row(vec![Cell::Text(k.to_string()), v]);
    }
    page.table(&t);
    if !p.input_files.is_empty() {
        let mut files =
            Table::new(lang.t("report.files_caption"), &[lang.t("report.col_file"), lang.t("report.col_sha256")]);
        for f in &p.input_files {
            files.row(vec![Cell::Code(f.path.clone()), Cell::Code(f.sha256.clone())]);
        }
        page.table(&files);
    }
}

/// A command-line word as a shell would need it.
fn shell_word(a: &str) -> String {
    if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c)) {
        a.to_string()
    } else {
        format!("'{}'", a.replace('\'', "'\\''"))
    }
}

/// What the model does not capture, with a pointer to the model's documentation.
pub fn limits_section(page: &mut Page) {
    let lang = page.lang;
    page.section("limits", lang.t("report.limits"));
    let items: Vec<String> = [
        lang.t("report.limit_stylised"),
        lang.t("report.limit_assumptions"),
        lang.t("report.limit_mechanisms"),
        lang.t("report.limit_validation"),
    ]
    .iter()
    .map(|s| esc(s))
    .collect();
    page.list("limits", &items);
    page.raw(&format!(
        "<p>{} <span class=\"mono\">docs/ODD.md</span>, <span class=\"mono\">docs/validation.md</span>.</p>",
        esc(lang.t("report.limits_docs"))
    ));
}
