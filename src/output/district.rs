//! District results: per-group time series (means over the group's communities), one row per
//! community, a summary with the run's cost, and the figures.

use super::charts::{self, ModelSeries};
use super::table::{nums, Num, Table};
use super::{estimate_json, metric_ids};
use crate::experiment::compare::KEY_METRICS;
use crate::experiment::district::DistrictRun;
use crate::experiment::stats::{final_year_means, finite_mean};
use crate::experiment::Summary;
use crate::measures::N_METRICS;
use crate::scenario::district::{reaches, DistrictPlan};
use serde_json::{json, Value};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// How the district run went (summary.json).
pub struct DistrictInfo {
    pub seed: u64,
    pub threads: usize,
    pub seconds: f64,
    pub peak_memory_bytes: Option<u64>,
    pub source_file: PathBuf,
}

/// timeseries.csv: per group and step, each metric's mean over the group's communities; the
/// group `district` is the mean over all communities.
pub fn timeseries_csv(plan: &DistrictPlan, run: &DistrictRun) -> String {
    let step_months = plan.communities.first().map_or(1, |(s, _)| s.time.step_months);
    let steps = run.groups.iter().flatten().map(|r| r.rows.len()).min().unwrap_or(0);
    let mut out = Table::new(["group", "step", "month", "communities"].into_iter().chain(metric_ids()));
    let all: Vec<&crate::experiment::Replication> = run.groups.iter().flatten().collect();
    let named = plan.groups.iter().map(String::as_str).zip(run.groups.iter().map(|g| g.iter().collect::<Vec<_>>()));
    for (name, reps) in named.chain(std::iter::once(("district", all))) {
        for t in 0..steps {
            let means = (0..N_METRICS).map(|m| finite_mean(reps.iter().map(|r| r.rows[t][m])));
            out.row((name, t, (t as u32 + 1) * step_months, reps.len(), nums(means)));
        }
    }
    out.into_string()
}

/// communities.csv: one row per community — its group, size, the share of its requested
/// budget it was paid on average, and every metric's final-year mean.
pub fn communities_csv(plan: &DistrictPlan, run: &DistrictRun) -> String {
    let steps_per_year = steps_per_year(plan);
    let columns = ["community", "group", "residents", "district_enterprises", "budget_received_share"];
    let mut out = Table::new(columns.into_iter().chain(metric_ids()));
    for reps in &run.groups {
        for r in reps {
            let c = r.replicate as usize;
            let (s, g) = &plan.communities[c];
            let reached = plan.district.enterprises.iter().filter(|e| reaches(e.reach, c)).count();
            let finals = (0..N_METRICS).map(|m| final_year_means(std::slice::from_ref(r), m, steps_per_year)[0]);
            out.row((c, &plan.groups[*g], s.community.residents, reached, Num(run.budget_received[c]), nums(finals)));
        }
    }
    out.into_string()
}

fn steps_per_year(plan: &DistrictPlan) -> usize {
    (12 / plan.communities.first().map_or(1, |(s, _)| s.time.step_months.max(1))) as usize
}

/// summary.json: the district, how the run went, and per group the final-year estimate of the
/// key measures across its communities.
pub fn summary_json(plan: &DistrictPlan, run: &DistrictRun, info: &DistrictInfo) -> Value {
    let spy = steps_per_year(plan);
    let groups: Vec<Value> = plan
        .groups
        .iter()
        .zip(&run.groups)
        .map(|(name, reps)| {
            let summary = Summary::of(reps, spy);
            let mut final_year = serde_json::Map::new();
            for &m in KEY_METRICS {
                final_year.insert(m.id().to_string(), estimate_json(&summary.final_year[m.index()]));
            }
            let residents: u64 =
                reps.iter().map(|r| plan.communities[r.replicate as usize].0.community.residents as u64).sum();
            json!({ "group": name, "communities": reps.len(), "residents": residents, "final_year": final_year })
        })
        .collect();
    json!({
        "district": plan.district.name,
        "description": plan.district.description,
        "source_file": info.source_file.display().to_string(),
        "seed": info.seed,
        "seed_rule": "community c uses the streams of seed community_seed(seed, c), replication 0",
        "communities": plan.communities.len(),
        "residents": plan.residents(),
        "steps": plan.communities.first().map_or(0, |(s, _)| s.time.years * 12 / s.time.step_months.max(1)),
        "estimates_across": "communities of the group (mean, SD and 95% CI of final-year means)",
        "groups": groups,
        "money_residual_max": run.money_residual,
        "performance": {
            "threads": info.threads,
            "wall_seconds": info.seconds,
            "resident_steps": run.resident_steps,
            "resident_steps_per_second": run.resident_steps as f64 / info.seconds.max(1e-9),
            "peak_memory_bytes": info.peak_memory_bytes,
        },
        "govsim_version": crate::version::VERSION,
        "govsim_commit": crate::version::COMMIT,
        "govsim_modified": crate::version::MODIFIED,
    })
}

/// Write every district file into `dir` (a temporary folder swapped into place by the caller).
pub fn write_district_files(dir: &Path, plan: &DistrictPlan, run: &DistrictRun, info: &DistrictInfo) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    super::write_file(&dir.join("timeseries.csv"), timeseries_csv(plan, run))?;
    super::write_file(&dir.join("communities.csv"), communities_csv(plan, run))?;
    let json = serde_json::to_string_pretty(&summary_json(plan, run, info)).map_err(io::Error::other)?;
    super::write_file(&dir.join("summary.json"), json)?;
    let spy = steps_per_year(plan);
    let models: Vec<ModelSeries> = plan
        .groups
        .iter()
        .zip(&run.groups)
        .enumerate()
        .map(|(i, (name, reps))| {
            // a group's communities share its scenario's colour
            let colour = plan.communities.iter().find(|(_, g)| *g == i).and_then(|(s, _)| s.colour);
            let final_year = Summary::of(reps, spy).final_year;
            let shown = crate::lang::current().name(name);
            ModelSeries::new(format!("{shown} ({})", reps.len()), charts::series_colour(colour, i), reps, final_year)
        })
        .collect();
    let months_per_step = plan.communities.first().map_or(1, |(s, _)| s.time.step_months) as f64;
    let lang = crate::lang::current();
    let heading = lang.fill(
        "chart.district_heading",
        &[
            ("name", &plan.district.name),
            ("n", &plan.communities.len()),
            ("millions", &format!("{:.1}", plan.residents() as f64 / 1e6)),
        ],
    );
    let (events, across) = (district_events(plan), lang.t("chart.across_communities"));
    charts::Timeseries { heading: &heading, models: &models, months_per_step, events: &events, across }.save_in(dir)?;
    let heading = lang.fill("chart.district_final_heading", &[("name", &plan.district.name)]);
    charts::FinalState { heading: &heading, models: &models, across }.save_in(dir)
}

/// Events marked in the time series: district budget changes, and district enterprises
/// entering and leaving, inside the run; events in the same month share one line and label.
fn district_events(plan: &DistrictPlan) -> Vec<(f64, String)> {
    let mut events: Vec<(f64, String)> = plan
        .district
        .government
        .budget_changes
        .iter()
        .map(|c| (c.month as f64 / 12.0, crate::lang::current().t("event.district_budget").into()))
        .collect();
    let lang = crate::lang::current();
    for e in &plan.district.enterprises {
        let ent = &e.enterprise;
        let actor = lang.name(&ent.name);
        events.push((ent.start_month as f64 / 12.0, lang.fill("event.enters", &[("actor", &actor)])));
        let end = (ent.start_month + ent.horizon_months) as f64 / 12.0;
        events.push((end, lang.fill("event.leaves", &[("actor", &actor)])));
    }
    let years = plan.communities.first().map_or(0, |(s, _)| s.time.years) as f64;
    events.retain(|(y, _)| *y > 0.0 && *y < years);
    events.sort_by(|a, b| a.0.total_cmp(&b.0));
    events.dedup_by(|later, first| {
        let same = later.0 == first.0;
        if same {
            first.1 = format!("{}; {}", first.1, later.1);
        }
        same
    });
    events
}
