//! A district's block, `DIR/blocks/district-NNNNNN.json`: what the region merge needs from
//! district k, written atomically once the district's own results are in place. Its `data` is
//! sealed (length and FNV-1a checksum of its compact JSON text, numbers in shortest round-trip
//! form), so that a cut or edited block is run again rather than merged; its `performance`
//! (time, memory, host) is outside the seal and enters only the merged summary.json.

use super::{District, Resolved};
use crate::experiment::district::DistrictRun;
use crate::experiment::stats::final_year_means;
use crate::measures::N_METRICS;
use crate::scenario::district::DistrictPlan;
use crate::sweep::blocks::{write_atomic, Seal};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// `DIR/blocks/district-NNNNNN.json`.
pub fn block_file(dir: &Path, k: u64) -> PathBuf {
    dir.join("blocks").join(format!("district-{k:06}.json"))
}

/// What the merge needs from one district.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Data {
    /// The district's entry in region.json, as it ran.
    pub district: District,
    /// Per group of the district (in the district file's order).
    pub groups: Vec<GroupData>,
}

/// One group of communities of one district.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupData {
    pub group: String,
    pub communities: u64,
    pub residents: u64,
    /// Per step and metric: how many of the group's communities had the metric defined.
    pub n: Vec<Vec<u64>>,
    /// Per step and metric: the sum of its defined values over those communities, in order.
    pub sum: Vec<Vec<f64>>,
    /// Per step and metric: the sum of their squares.
    pub sum_sq: Vec<Vec<f64>>,
    /// Per community (in community order) and metric: its final-year mean (`null`: undefined).
    pub final_year: Vec<Vec<Option<f64>>>,
}

impl Data {
    /// The block of district `entry` (planned as `plan`) from its run.
    pub fn of(entry: &District, plan: &DistrictPlan, run: &DistrictRun, steps_per_year: usize) -> Data {
        let groups = entry
            .groups
            .iter()
            .zip(&run.groups)
            .map(|(name, reps)| {
                let steps = reps.iter().map(|r| r.rows.len()).min().unwrap_or(0);
                let (mut n, mut sum, mut sum_sq) = (Vec::new(), Vec::new(), Vec::new());
                for t in 0..steps {
                    let (mut nt, mut st, mut qt) = (vec![0u64; N_METRICS], vec![0.0; N_METRICS], vec![0.0; N_METRICS]);
                    for r in reps {
                        for (m, &v) in r.rows[t].iter().enumerate() {
                            if v.is_finite() {
                                nt[m] += 1;
                                st[m] += v;
                                qt[m] += v * v;
                            }
                        }
                    }
                    n.push(nt);
                    sum.push(st);
                    sum_sq.push(qt);
                }
                let final_year = reps
                    .iter()
                    .map(|r| {
                        (0..N_METRICS)
                            .map(|m| {
                                Some(final_year_means(std::slice::from_ref(r), m, steps_per_year)[0])
                                    .filter(|v| v.is_finite())
                            })
                            .collect()
                    })
                    .collect();
                GroupData {
                    group: name.clone(),
                    communities: reps.len() as u64,
                    residents: reps
                        .iter()
                        .map(|r| plan.communities[r.replicate as usize].0.community.residents as u64)
                        .sum(),
                    n,
                    sum,
                    sum_sq,
                    final_year,
                }
            })
            .collect();
        Data { district: entry.clone(), groups }
    }

    /// Why this block does not belong to district `k` of `r`, if it does not.
    pub fn check(&self, r: &Resolved, k: u64) -> Result<(), String> {
        let want = &r.districts[k as usize];
        if &self.district != want {
            return Err(format!(
                "it is not district {k}'s block of this region (it says district {} \"{}\", seed {}, {} communities)",
                self.district.district, self.district.name, self.district.seed, self.district.communities
            ));
        }
        let names: Vec<&String> = self.groups.iter().map(|g| &g.group).collect();
        if names != want.groups.iter().collect::<Vec<_>>() {
            return Err(format!("its groups {names:?} are not the district's {:?}", want.groups));
        }
        let communities: u64 = self.groups.iter().map(|g| g.communities).sum();
        let residents: u64 = self.groups.iter().map(|g| g.residents).sum();
        if communities != want.communities || residents != want.residents {
            return Err(format!(
                "it holds {communities} communities of {residents} residents; the district has {} of {}",
                want.communities, want.residents
            ));
        }
        let steps = r.steps as usize;
        for g in &self.groups {
            let rows_ok =
                |rows: usize, width: &dyn Fn(usize) -> usize| rows == steps && (0..rows).all(|t| width(t) == N_METRICS);
            let shaped = rows_ok(g.n.len(), &|t| g.n[t].len())
                && rows_ok(g.sum.len(), &|t| g.sum[t].len())
                && rows_ok(g.sum_sq.len(), &|t| g.sum_sq[t].len())
                && g.final_year.len() as u64 == g.communities
                && g.final_year.iter().all(|c| c.len() == N_METRICS);
            let counted = g.n.iter().flatten().all(|&n| n <= g.communities);
            let finite = g.sum.iter().chain(&g.sum_sq).flatten().all(|v| v.is_finite());
            if !shaped || !counted || !finite {
                return Err(format!(
                    "group \"{}\": its sums are not {steps} steps × {N_METRICS} metrics of at most {} communities",
                    g.group, g.communities
                ));
            }
        }
        Ok(())
    }
}

/// Write district k's block: its data, the data's seal, and how the district ran.
pub fn write(dir: &Path, data: &Data, performance: Value) -> std::io::Result<()> {
    let compact = serde_json::to_string(data).map_err(std::io::Error::other)?;
    let block = json!({
        "seal": Seal::of(compact.as_bytes()).to_json(),
        "data": data,
        "performance": performance,
        "govsim_version": crate::version::VERSION,
        "govsim_commit": crate::version::COMMIT,
    });
    let text = serde_json::to_string(&block).map_err(std::io::Error::other)? + "\n";
    write_atomic(&block_file(dir, data.district.district), text.as_bytes())
}

/// What is on disk for district k.
#[derive(Debug)]
pub enum State {
    Missing,
    /// There, but not this district's complete, intact block, and why.
    Damaged(String),
    Intact {
        data: Box<Data>,
        performance: Value,
    },
}

/// Check district k's block. Never panics; reads only the block file.
pub fn read(r: &Resolved, dir: &Path, k: u64) -> State {
    let path = block_file(dir, k);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return State::Missing,
        Err(e) => return State::Damaged(format!("cannot be read: {e}")),
    };
    let mut block: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => return State::Damaged(format!("is not valid JSON (cut short?): {e}")),
    };
    let seal = match block.get("seal").map(Seal::from_json) {
        Some(Ok(s)) => s,
        Some(Err(e)) => return State::Damaged(format!("has a malformed \"seal\": {e}")),
        None => return State::Damaged("has no \"seal\"".into()),
    };
    let data: Data = match block.get_mut("data").map(Value::take).map(serde_json::from_value) {
        Some(Ok(d)) => d,
        Some(Err(e)) => return State::Damaged(format!("its \"data\" is not a district block of this govsim: {e}")),
        None => return State::Damaged("has no \"data\"".into()),
    };
    let compact = match serde_json::to_string(&data) {
        Ok(c) => c,
        Err(e) => return State::Damaged(e.to_string()),
    };
    if let Err(e) = seal.check(compact.as_bytes(), "its seal") {
        return State::Damaged(format!("its data: {e}"));
    }
    if let Err(e) = data.check(r, k) {
        return State::Damaged(e);
    }
    State::Intact { data: Box::new(data), performance: block.get("performance").cloned().unwrap_or(Value::Null) }
}
