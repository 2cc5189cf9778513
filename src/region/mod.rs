//! Regions (`govsim region`, `govsim merge`): a region file lists district files; district k
//! of the region runs exactly as `govsim district` would with the seed
//! `district_seed(seed, k)`. Districts are the shards' units of work, as blocks are a sweep's:
//! shard s of N runs the districts k with k mod N = s, one after another, each on all the
//! task's threads. Each district writes
//! - `DIR/districts/NNNNNN-<name>/`: its full `govsim district` results (tables, charts, report);
//! - `DIR/blocks/district-NNNNNN.json` (last, atomically): what the merge needs from it — per
//!   group and step, each metric's count of defined values, sum and sum of squares over the
//!   group's communities; and every community's final-year means — sealed with a checksum.
//!
//! A rerun skips districts whose block is intact. `govsim merge DIR` checks that every block is
//! there and intact and writes the region-wide `timeseries.csv` (per group of communities, the
//! mean over all its communities in all districts), `districts.csv` (one row per district),
//! `summary.json`, charts and `manifest.json` (last). A region run without shards merges at
//! the end; its tables are byte-identical to those of any sharding (summary.json also says how
//! each district ran: time, memory, host and shard).
//!
//! Files: [`block`] a district's block, [`merge`] checking the blocks and writing the
//! region-wide results.

pub mod block;
pub mod merge;

use crate::output::Colour;
use crate::scenario::region::{district_seed, RegionPlan};
use crate::Error;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The region as run: what every shard must agree on, written to `DIR/region.json` by the
/// first shard and checked by every other one (and by `govsim merge`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolved {
    pub region: String,
    pub description: String,
    pub seed: u64,
    pub years: u32,
    pub step_months: u32,
    pub steps: u32,
    /// Metric ids in column order (blocks of a govsim with other metrics are refused).
    pub metrics: Vec<String>,
    /// Groups of communities across the region (by scenario name, in order of first
    /// appearance), with their chart colours.
    pub groups: Vec<Group>,
    pub districts: Vec<District>,
    pub govsim_version: String,
}

/// A group of communities: all communities built from scenarios of this name, in any district.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    pub colour: Option<Colour>,
}

/// District k of the region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct District {
    pub district: u64,
    pub name: String,
    /// The district file, as the region file names it.
    pub file: String,
    pub seed: u64,
    pub communities: u64,
    pub residents: u64,
    /// Its groups' names, in the district file's order.
    pub groups: Vec<String>,
    /// FNV-1a 64 of the district as resolved (its district file's settings and every
    /// community's scenario, overrides and district enterprises applied), so that shards and
    /// resumed runs of an edited district or scenario file are refused rather than mixed.
    pub fingerprint: String,
}

impl Resolved {
    /// The resolved form of a loaded region.
    pub fn of(plan: &RegionPlan) -> Resolved {
        let region = &plan.region;
        let time = plan.plans[0].communities.first().map(|(s, _)| s.time.clone()).unwrap_or_default();
        let mut groups: Vec<Group> = Vec::new();
        for p in &plan.plans {
            for (g, name) in p.groups.iter().enumerate() {
                if !groups.iter().any(|x| &x.name == name) {
                    let colour = p.communities.iter().find(|(_, i)| *i == g).and_then(|(s, _)| s.colour);
                    groups.push(Group { name: name.clone(), colour });
                }
            }
        }
        let fingerprints: Vec<String> = plan.plans.iter().map(fingerprint).collect();
        let districts = plan
            .districts
            .iter()
            .enumerate()
            .map(|(k, (name, g))| {
                let p = &plan.plans[*g];
                District {
                    fingerprint: fingerprints[*g].clone(),
                    district: k as u64,
                    name: name.clone(),
                    file: region.districts[*g].district.clone(),
                    seed: district_seed(region.seed, k),
                    communities: p.communities.len() as u64,
                    residents: p.residents(),
                    groups: p.groups.clone(),
                }
            })
            .collect();
        Resolved {
            region: region.name.clone(),
            description: region.description.clone(),
            seed: region.seed,
            years: time.years,
            step_months: time.step_months,
            steps: time.steps(),
            metrics: crate::output::metric_ids().map(str::to_string).collect(),
            groups,
            districts,
            govsim_version: crate::version::VERSION.to_string(),
        }
    }

    /// The text of region.json.
    pub fn text(&self) -> String {
        serde_json::to_string_pretty(self).expect("a resolved region is always serialisable") + "\n"
    }

    /// Steps per year of the region's clock.
    pub fn steps_per_year(&self) -> usize {
        (12 / self.step_months.max(1)) as usize
    }
}

/// The fingerprint of a resolved district: FNV-1a 64 of the JSON of its settings and of every
/// community's group and scenario, in order, as 16 hex digits.
fn fingerprint(plan: &crate::scenario::district::DistrictPlan) -> String {
    struct Fnv(u64);
    impl std::io::Write for Fnv {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            for &b in bytes {
                self.0 ^= u64::from(b);
                self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
            }
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = Fnv(crate::sweep::blocks::fnv1a64(&[]));
    // writing JSON into a hasher cannot fail
    let _ = serde_json::to_writer(&mut h, &plan.district);
    for (scenario, group) in &plan.communities {
        let _ = serde_json::to_writer(&mut h, &(group, scenario));
    }
    format!("{:016x}", h.0)
}

/// The file every shard writes or checks first.
pub const RESOLVED: &str = "region.json";

/// `DIR/districts/NNNNNN-<name>`: district k's own results.
pub fn district_folder(dir: &Path, k: u64, name: &str) -> PathBuf {
    dir.join("districts").join(format!("{k:06}-{name}"))
}

/// Read and check `DIR/region.json`, with its bytes (for the manifest's checksum).
pub fn read_resolved(dir: &Path) -> Result<(Resolved, Vec<u8>), Error> {
    let path = dir.join(RESOLVED);
    let bytes =
        crate::scenario::input::read_limited(&path, crate::scenario::input::MAX_JSON_BYTES, RESOLVED).map_err(|e| {
            Error::input(format!("{}: cannot read ({e}); is {} a region output folder?", path.display(), dir.display()))
        })?;
    let r: Resolved = serde_json::from_slice(&bytes)
        .map_err(|e| Error::input(format!("{}: not a region.json of this govsim: {e}", path.display())))?;
    let numbered = r.districts.iter().enumerate().all(|(k, d)| d.district == k as u64);
    let metrics = r.metrics.iter().map(String::as_str).eq(crate::output::metric_ids());
    let known = r.districts.iter().flat_map(|d| &d.groups).all(|g| r.groups.iter().any(|x| &x.name == g));
    // a clock a scenario can have (1 to 50 years of 1- to 12-month steps), so nothing after this
    // sizes its work from an edited number
    let clock = (1..=50).contains(&r.years)
        && (1..=12).contains(&r.step_months)
        && 12 % r.step_months == 0
        && r.steps == r.years * 12 / r.step_months;
    if r.districts.is_empty() || !numbered || !metrics || !known || !clock {
        return Err(Error::input(format!(
            "{}: its districts, groups, metrics or clock do not fit together (changed or damaged after `govsim region` wrote it, or written by a govsim with other metrics); run the region again into a new folder",
            path.display()
        )));
    }
    Ok((r, bytes))
}
