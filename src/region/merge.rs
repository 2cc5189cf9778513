//! `govsim merge DIR` of a region: check that every district's block is there and intact, then
//! write the region-wide results. Nothing is written unless every block is; a merge that
//! fails removes the previous merge's files, and one that succeeds writes `manifest.json` last.
//!
//! The region-wide mean of a metric at a step, for a group, is the mean over all the group's
//! communities in all districts with the metric defined: Σ sums / Σ counts, added up in
//! district order, so it does not depend on how the districts were sharded. Its 95% band is
//! the t-interval from the same sums and sums of squares. Final-year estimates are taken over
//! every community's final-year mean, as a district's are.

use super::block::{self, block_file, Data, State};
use super::{read_resolved, Resolved};
use crate::experiment::compare::Band;
use crate::experiment::stats::{finite_mean, t_quantile_975, Estimate};
use crate::measures::N_METRICS;
use crate::output::charts::{self, ModelSeries};
use crate::output::table::{nums, Table};
use crate::output::{estimate_json, metric_ids};
use crate::sweep::blocks::{write_atomic, Seal};
use crate::Error;
use serde_json::{json, Value};
use std::path::Path;

/// The files a merge writes besides the charts, in the order it writes them (manifest last).
pub const MERGED: [&str; 4] = ["timeseries.csv", "districts.csv", "summary.json", "manifest.json"];

/// The charts a merge draws.
pub const CHARTS: [&str; 4] = ["timeseries.png", "timeseries.svg", "final_state.png", "final_state.svg"];

/// What merge wrote.
pub struct Merged {
    pub districts: usize,
    pub communities: u64,
    pub residents: u64,
}

/// Counts, sums and sums of squares of one metric over communities.
#[derive(Clone, Copy, Default)]
struct Sums {
    n: u64,
    sum: f64,
    sum_sq: f64,
}

impl Sums {
    fn add(&mut self, n: u64, sum: f64, sum_sq: f64) {
        self.n += n;
        self.sum += sum;
        self.sum_sq += sum_sq;
    }

    fn mean(self) -> f64 {
        if self.n > 0 {
            self.sum / self.n as f64
        } else {
            f64::NAN
        }
    }

    /// The 95% t-interval of the mean (collapsed onto the mean for fewer than two values).
    fn interval(self) -> (f64, f64) {
        let mean = self.mean();
        if self.n < 2 {
            return (mean, mean);
        }
        let n = self.n as f64;
        let var = ((self.sum_sq - self.sum * self.sum / n) / (n - 1.0)).max(0.0);
        let half = t_quantile_975(self.n as usize - 1) * (var / n).sqrt();
        (mean - half, mean + half)
    }
}

/// One group of communities across the region.
struct GroupTotals {
    communities: u64,
    residents: u64,
    /// Per step and metric.
    sums: Vec<[Sums; N_METRICS]>,
    /// Per metric: every community's final-year mean, in district and community order.
    final_year: Vec<Vec<f64>>,
}

impl GroupTotals {
    fn new(steps: usize) -> GroupTotals {
        GroupTotals {
            communities: 0,
            residents: 0,
            sums: vec![[Sums::default(); N_METRICS]; steps],
            final_year: vec![Vec::new(); N_METRICS],
        }
    }

    fn add(&mut self, g: &block::GroupData) {
        self.communities += g.communities;
        self.residents += g.residents;
        for (t, row) in self.sums.iter_mut().enumerate() {
            for (m, s) in row.iter_mut().enumerate() {
                s.add(g.n[t][m], g.sum[t][m], g.sum_sq[t][m]);
            }
        }
        for c in &g.final_year {
            for (m, v) in c.iter().enumerate() {
                self.final_year[m].push(v.unwrap_or(f64::NAN));
            }
        }
    }

    fn final_year(&self) -> Vec<Estimate> {
        self.final_year.iter().map(|v| Estimate::of(v)).collect()
    }
}

/// Check every block of the region in `dir` and, if all are there and intact, write
/// `timeseries.csv`, `districts.csv`, `summary.json`, the charts, `datapackage.json` and
/// `manifest.json` (last). Otherwise nothing is written, the previous merge's files are
/// removed, and the error names every missing or damaged block.
pub fn merge(dir: &Path) -> Result<Merged, Error> {
    let (r, region_bytes) = read_resolved(dir)?;
    let (mut blocks, mut performance, mut missing, mut damaged) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for k in 0..r.districts.len() as u64 {
        match block::read(&r, dir, k) {
            State::Intact { data, performance: p } => {
                blocks.push(*data);
                performance.push(p);
            }
            State::Missing => missing.push(k),
            State::Damaged(e) => damaged.push(format!("{}: {e}", block_file(dir, k).display())),
        }
    }
    if !missing.is_empty() || !damaged.is_empty() {
        return Err(incomplete(&r, dir, &missing, &damaged));
    }
    let steps = r.steps as usize;
    let mut groups: Vec<GroupTotals> = r.groups.iter().map(|_| GroupTotals::new(steps)).collect();
    for data in &blocks {
        for g in &data.groups {
            let i = r.groups.iter().position(|x| x.name == g.group).expect("read_resolved checked the groups");
            groups[i].add(g);
        }
    }
    let timeseries = timeseries_csv(&r, &groups);
    let districts = districts_csv(&r, &blocks);
    let summary = summary_json(&r, &groups, &blocks, performance);
    let summary = serde_json::to_string_pretty(&summary).map_err(|e| Error::runtime(e.to_string()))? + "\n";
    let write = |name: &str, bytes: &[u8]| {
        write_atomic(&dir.join(name), bytes)
            .map_err(|e| Error::runtime(format!("cannot write {}: {e}", dir.join(name).display())))
    };
    // no manifest while the other files are replaced: a merge cut short leaves nothing that
    // looks finished
    remove_file(&dir.join("manifest.json"))?;
    write("timeseries.csv", timeseries.as_bytes())?;
    write("districts.csv", districts.as_bytes())?;
    write("summary.json", summary.as_bytes())?;
    charts(dir, &r, &groups)
        .map_err(|e| Error::runtime(format!("cannot draw the charts in {}: {e}", dir.display())))?;
    crate::output::codebook::write(dir, "region").map_err(|e| {
        Error::runtime(format!("cannot write {}: {e}", dir.join(crate::output::codebook::FILE).display()))
    })?;
    let seals = [&region_bytes[..], timeseries.as_bytes(), districts.as_bytes(), summary.as_bytes()].map(Seal::of);
    let manifest = json!({
        "region": r.region,
        "merged_by_govsim_version": crate::version::VERSION,
        "merged_by_govsim_commit": crate::version::COMMIT,
        "districts": r.districts.len(),
        "checksums": {
            "about": "length and FNV-1a 64 checksum of each file as this merge read or wrote it",
            "region.json": seals[0].to_json(),
            "timeseries.csv": seals[1].to_json(),
            "districts.csv": seals[2].to_json(),
            "summary.json": seals[3].to_json(),
        },
    });
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| Error::runtime(e.to_string()))? + "\n";
    write("manifest.json", text.as_bytes())?;
    Ok(Merged {
        districts: r.districts.len(),
        communities: groups.iter().map(|g| g.communities).sum(),
        residents: groups.iter().map(|g| g.residents).sum(),
    })
}

fn remove_file(path: &Path) -> Result<(), Error> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::runtime(format!("cannot replace {}: {e}", path.display())))
        }
        _ => Ok(()),
    }
}

/// The error of a merge with missing or damaged blocks; the previous merge's files are removed.
fn incomplete(r: &Resolved, dir: &Path, missing: &[u64], damaged: &[String]) -> Error {
    let mut m = format!("{}: the region is incomplete, nothing was merged:", dir.display());
    if !missing.is_empty() {
        m.push_str(&format!(
            "\n  - {} of {} district(s) not run yet: district(s) {}",
            missing.len(),
            r.districts.len(),
            crate::sweep::merge::ranges(missing)
        ));
    }
    for d in damaged {
        m.push_str("\n  - ");
        m.push_str(d);
    }
    m.push_str(&format!(
        "\nRerun the same `govsim region` command (with the same shards, or without shards): it runs the missing and damaged districts and keeps the intact ones; then `govsim merge {}`.",
        dir.display()
    ));
    let (mut removed, mut failed) = (Vec::new(), Vec::new());
    for name in MERGED.iter().chain(&CHARTS).chain(&[crate::output::codebook::FILE]) {
        match std::fs::remove_file(dir.join(name)) {
            Ok(()) => removed.push(*name),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => failed.push(format!("{}: {e}", dir.join(name).display())),
        }
    }
    if !failed.is_empty() {
        m.push_str(&format!(
            "\nCould not remove the previous merge's {}: they are NOT the merge of the blocks now on disk; delete them.",
            failed.join("; ")
        ));
    }
    if !removed.is_empty() {
        m.push_str(&format!(
            "\nThe previous merge's {} were removed: they were not the merge of the blocks now on disk.",
            removed.join(", ")
        ));
    }
    if damaged.is_empty() {
        Error::runtime(m)
    } else {
        Error::input(m)
    }
}

/// timeseries.csv: per group and step, each metric's mean over the group's communities in all
/// districts; the group `region` is the mean over all communities.
fn timeseries_csv(r: &Resolved, groups: &[GroupTotals]) -> String {
    let mut out = Table::new(["group", "step", "month", "communities"].into_iter().chain(metric_ids()));
    for (g, totals) in r.groups.iter().zip(groups) {
        for (t, row) in totals.sums.iter().enumerate() {
            let month = (t as u32 + 1) * r.step_months;
            out.row((&g.name, t, month, totals.communities, nums(row.iter().map(|s| s.mean()))));
        }
    }
    let all = region_sums(r, groups);
    let communities: u64 = groups.iter().map(|g| g.communities).sum();
    for (t, row) in all.iter().enumerate() {
        out.row(("region", t, (t as u32 + 1) * r.step_months, communities, nums(row.iter().map(|s| s.mean()))));
    }
    out.into_string()
}

/// Per step and metric, the sums over every group (in group order).
fn region_sums(r: &Resolved, groups: &[GroupTotals]) -> Vec<[Sums; N_METRICS]> {
    let mut all = vec![[Sums::default(); N_METRICS]; r.steps as usize];
    for g in groups {
        for (a, row) in all.iter_mut().zip(&g.sums) {
            for (s, x) in a.iter_mut().zip(row) {
                s.add(x.n, x.sum, x.sum_sq);
            }
        }
    }
    all
}

/// districts.csv: one row per district — its name, file, seed, size, and each metric's
/// final-year mean over its communities.
fn districts_csv(r: &Resolved, blocks: &[Data]) -> String {
    let columns = ["district", "name", "file", "seed", "communities", "residents"];
    let mut out = Table::new(columns.into_iter().chain(metric_ids()));
    for (d, data) in r.districts.iter().zip(blocks) {
        let communities = || data.groups.iter().flat_map(|g| &g.final_year);
        let means = (0..N_METRICS).map(|m| finite_mean(communities().map(|c| c[m].unwrap_or(f64::NAN))));
        out.row((d.district, &d.name, &d.file, d.seed.to_string(), d.communities, d.residents, nums(means)));
    }
    out.into_string()
}

/// summary.json: the region, per group the final-year estimates of the key measures across its
/// communities, and how each district ran (time, memory, host: facts of the machine, kept out
/// of the CSV files).
fn summary_json(r: &Resolved, groups: &[GroupTotals], blocks: &[Data], performance: Vec<Value>) -> Value {
    let per_group: Vec<Value> = r
        .groups
        .iter()
        .zip(groups)
        .map(|(g, totals)| {
            let estimates = totals.final_year();
            let mut final_year = serde_json::Map::new();
            for &m in crate::experiment::compare::KEY_METRICS {
                final_year.insert(m.id().to_string(), estimate_json(&estimates[m.index()]));
            }
            let districts = blocks.iter().filter(|b| b.groups.iter().any(|x| x.group == g.name)).count();
            json!({ "group": g.name, "districts": districts, "communities": totals.communities,
                    "residents": totals.residents, "final_year": final_year })
        })
        .collect();
    let seconds: Vec<f64> = performance.iter().filter_map(|p| p.get("wall_seconds").and_then(Value::as_f64)).collect();
    let memory = performance.iter().filter_map(|p| p.get("peak_memory_bytes").and_then(Value::as_u64)).max();
    let per_district: Vec<Value> = r
        .districts
        .iter()
        .zip(performance)
        .map(|(d, p)| json!({ "district": d.district, "name": d.name, "performance": p }))
        .collect();
    json!({
        "region": r.region,
        "description": r.description,
        "seed": r.seed,
        "seed_rule": "district k runs as `govsim district` with seed district_seed(seed, k) = community_seed(seed, k); its community c then uses the streams of community_seed(that seed, c)",
        "districts": r.districts.len(),
        "communities": groups.iter().map(|g| g.communities).sum::<u64>(),
        "residents": groups.iter().map(|g| g.residents).sum::<u64>(),
        "steps": r.steps,
        "estimates_across": "all communities of the group in every district (mean, SD and 95% CI of final-year means)",
        "groups": per_group,
        "performance": {
            "about": "per district as it ran (wall seconds of simulating and writing it, the peak memory of the task that ran it so far, threads, host); not part of the results",
            "district_wall_seconds_total": seconds.iter().sum::<f64>(),
            "district_wall_seconds_max": seconds.iter().copied().fold(0.0, f64::max),
            "peak_memory_bytes_max": memory,
            "districts": per_district,
        },
        "govsim_version": r.govsim_version,
        "merged_by_govsim_version": crate::version::VERSION,
    })
}

/// timeseries.png/.svg and final_state.png/.svg: each group's region-wide mean and 95% band.
fn charts(dir: &Path, r: &Resolved, groups: &[GroupTotals]) -> std::io::Result<()> {
    let lang = crate::lang::current();
    let looks = charts::line_looks(&r.groups.iter().map(|g| g.colour).collect::<Vec<_>>());
    let models: Vec<ModelSeries> = r
        .groups
        .iter()
        .zip(groups)
        .zip(looks)
        .map(|((g, totals), look)| {
            let bands = (0..N_METRICS)
                .map(|m| {
                    let mut b = Band { mean: Vec::new(), low: Vec::new(), high: Vec::new() };
                    for row in &totals.sums {
                        let (low, high) = row[m].interval();
                        b.mean.push(row[m].mean());
                        b.low.push(low);
                        b.high.push(high);
                    }
                    b
                })
                .collect();
            let name = format!("{} ({})", lang.name(&g.name), totals.communities);
            ModelSeries { name, colour: look.0, repeat: look.1, bands, final_year: totals.final_year() }
        })
        .collect();
    let communities: u64 = groups.iter().map(|g| g.communities).sum();
    let residents: u64 = groups.iter().map(|g| g.residents).sum();
    let heading = lang.fill(
        "chart.region_heading",
        &[
            ("name", &r.region),
            ("d", &r.districts.len()),
            ("n", &communities),
            ("millions", &format!("{:.1}", residents as f64 / 1e6)),
        ],
    );
    let across = lang.t("chart.across_communities");
    let months_per_step = r.step_months as f64;
    charts::Timeseries { heading: &heading, models: &models, months_per_step, events: &[], across }.save_in(dir)?;
    let heading = lang.fill("chart.region_final_heading", &[("name", &r.region)]);
    charts::FinalState { heading: &heading, models: &models, across }.save_in(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_give_the_mean_and_the_t_interval_of_their_values() {
        // 1, 2, 3: mean 2, SD 1, t(2) = 4.302653 → half-width 4.302653/√3
        let mut s = Sums::default();
        s.add(2, 3.0, 5.0);
        s.add(1, 3.0, 9.0);
        assert_eq!(s.mean(), 2.0);
        let (low, high) = s.interval();
        let e = Estimate::of(&[1.0, 2.0, 3.0]);
        assert!((low - e.ci_low).abs() < 1e-12 && (high - e.ci_high).abs() < 1e-12, "{low} {high} {e:?}");
        assert!(Sums::default().mean().is_nan());
        s = Sums::default();
        s.add(1, 4.0, 16.0);
        assert_eq!(s.interval(), (4.0, 4.0));
    }
}
