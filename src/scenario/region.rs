//! Region files: a province or city as a list of district files, each run `count` times with
//! its own seed. A region adds nothing to the model: every district is an ordinary district
//! file with its own district government and enterprises, run exactly as `govsim district`
//! runs it. What the region adds is scale: its districts are the shards of a batch array
//! (`govsim region FILE --shard-from-env`), each small enough for one task's memory, and
//! `govsim merge` aggregates them into region-wide results (src/region/).

use super::district::{load_district, DistrictPlan};
use super::params::{params, Check, Issue};
use super::{input, ScenarioError};
use serde_json::Value;
use std::path::Path;

params! {
    /// A region (省/市): districts, each built from a district file.
    pub struct Region {
        /// Optional JSON Schema reference for editors.
        #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
        schema_ref: Option<String> = None;
        /// Short identifier used for the output folder; defaults to the file name.
        name: String = String::new();
        /// Free text: what this region represents and where its numbers come from.
        description: String = String::new();
        /// Master seed: district k of the region draws from the streams of
        /// `community_seed(seed, k)`, as a district run with that seed would.
        seed: u64 = 1;
        /// Groups of districts; each group is `count` districts built from one district file.
        districts: Vec<DistrictGroup> = Vec::new();
    }
}

params! {
    /// `count` districts built from one district file, each with its own seed.
    pub struct DistrictGroup {
        /// District file of these districts, relative to the region file.
        district: String = String::new();
        /// Number of districts built from it (they differ only in their random draws).
        count: u32 = 1, range(1, 10_000), unit("districts");
    }
}

/// A region ready to run: its districts' plans (one per group), and every district in order.
#[derive(Clone, Debug)]
pub struct RegionPlan {
    pub region: Region,
    /// One plan per group of the region file, in file order.
    pub plans: Vec<DistrictPlan>,
    /// Every district of the region, in order: its name and the index of its plan.
    pub districts: Vec<(String, usize)>,
}

impl RegionPlan {
    /// The plan of district `k`.
    pub fn plan(&self, k: usize) -> &DistrictPlan {
        &self.plans[self.districts[k].1]
    }

    /// Total residents of the region.
    pub fn residents(&self) -> u64 {
        self.districts.iter().map(|(_, p)| self.plans[*p].residents()).sum()
    }

    /// Total communities of the region.
    pub fn communities(&self) -> u64 {
        self.districts.iter().map(|(_, p)| self.plans[*p].communities.len() as u64).sum()
    }
}

/// The seed of district `k` of a region with master seed `seed`: the same SplitMix64 mix that
/// gives each community of a district its seed, so districts never share draws and a
/// district's draws do not depend on how many districts there are.
pub fn district_seed(seed: u64, k: usize) -> u64 {
    crate::experiment::district::community_seed(seed, k)
}

/// Read and validate a region file and every district file it names; errors name
/// the region file and the field path (`districts[1].district`), or the district file and
/// its field.
pub fn load_region(file: &Path) -> Result<RegionPlan, ScenarioError> {
    let invalid = |issues: Vec<Issue>| ScenarioError::Invalid { file: file.to_path_buf(), issues };
    let region = read_region(file)?;
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut plans = Vec::with_capacity(region.districts.len());
    let mut issues = Vec::new();
    for (g, group) in region.districts.iter().enumerate() {
        match load_district(&dir.join(&group.district)) {
            Ok(plan) => plans.push(plan),
            Err(e) => issues.push(Issue {
                path: format!("districts[{g}].district"),
                message: format!("cannot use \"{}\": {e}", group.district),
            }),
        }
    }
    if !issues.is_empty() {
        return Err(invalid(issues));
    }
    issues.extend(plan_issues(&plans));
    if !issues.is_empty() {
        return Err(invalid(issues));
    }
    let mut districts: Vec<(String, usize)> = Vec::new();
    for (g, group) in region.districts.iter().enumerate() {
        for j in 0..group.count {
            let name = &plans[g].district.name;
            districts.push((if group.count > 1 { format!("{name}-{}", j + 1) } else { name.clone() }, g));
        }
    }
    // numbered names must not meet a district named like them ("a" twice gives "a-2")
    if let Some(&(k, first)) = super::duplicate_names(districts.iter().map(|(n, _)| n.as_str())).first() {
        return Err(invalid(vec![Issue {
            path: format!("districts[{}].district", districts[k].1),
            message: format!(
                "its districts would be named like districts[{}]'s (\"{}\"); give the district files distinct \"name\"s",
                districts[first].1, districts[k].0
            ),
        }]));
    }
    Ok(RegionPlan { region, plans, districts })
}

/// What the districts must share: distinct names (they label the results) and one clock.
fn plan_issues(plans: &[DistrictPlan]) -> Vec<Issue> {
    let mut issues = Vec::new();
    let clock = |p: &DistrictPlan| p.communities.first().map(|(s, _)| s.time.clone());
    let names = plans.iter().map(|p| p.district.name.as_str());
    for (later, first) in super::duplicate_names(names) {
        issues.push(Issue {
            path: format!("districts[{later}].district"),
            message: format!(
                "district name \"{}\" is also the name of districts[{first}]; give the district files distinct \"name\"s",
                plans[later].district.name
            ),
        });
    }
    for (g, p) in plans.iter().enumerate() {
        if p.groups.iter().any(|name| name == "region") {
            issues.push(Issue {
                path: format!("districts[{g}].district"),
                message: "a group of its communities is named \"region\", the name of the region-wide rows of the results; rename that scenario".into(),
            });
        }
        if let (Some(a), Some(b)) = (clock(&plans[0]), clock(p)) {
            if a != b {
                issues.push(Issue {
                    path: format!("districts[{g}].district"),
                    message: format!(
                        "time ({} years, {}-month steps) differs from the first district's ({} years, {}-month steps); all districts of a region run on one clock",
                        b.years, b.step_months, a.years, a.step_months
                    ),
                });
            }
        }
    }
    issues
}

/// The region file itself: read strictly, typed, its name defaulted and checked, its ranges
/// checked, and at least one group of districts.
fn read_region(file: &Path) -> Result<Region, ScenarioError> {
    let text = input::read_json_text(file)?;
    let object = input::parse_object(&text, file)?;
    input::expect_kind(&object, file, input::FileKind::Region)?;
    let value = Value::Object(object);
    static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let found = input::check_schema(&value, SCHEMA.get_or_init(region_schema), "");
    if found.structural {
        return Err(ScenarioError::Malformed { file: file.to_path_buf(), issues: found.into_issues() });
    }
    let mut region: Region = serde_path_to_error::deserialize(value).map_err(|e| ScenarioError::Parse {
        file: file.to_path_buf(),
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    let mut issues = Vec::new();
    if region.name.is_empty() {
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if let Err(issue) = super::check_default_name(stem, file) {
            issues.push(issue);
        }
        region.name = stem.to_string();
    } else if let Err(message) = super::check_name(&region.name) {
        issues.push(Issue { path: "name".into(), message });
    }
    region.check("", &mut issues);
    if region.districts.is_empty() {
        issues
            .push(Issue { path: "districts".into(), message: "a region needs at least one group of districts".into() });
    }
    let total: u64 = region.districts.iter().map(|g| g.count as u64).sum();
    if total > MAX_DISTRICTS {
        issues.push(Issue {
            path: "districts".into(),
            message: format!("{total} districts in all; at most {MAX_DISTRICTS} (split the region into several files)"),
        });
    }
    if issues.is_empty() {
        Ok(region)
    } else {
        Err(ScenarioError::Invalid { file: file.to_path_buf(), issues })
    }
}

/// Most districts one region file may hold: its region.json (about 400 bytes per district)
/// must stay well within the 16 MiB every JSON input may have.
pub const MAX_DISTRICTS: u64 = 10_000;

/// The JSON Schema of region files.
pub fn region_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Region)).expect("a schema is always serialisable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn district_seeds_differ_from_each_other_and_from_the_master_seed() {
        let seeds: std::collections::BTreeSet<u64> = (0..1000).map(|k| district_seed(7, k)).collect();
        assert_eq!(seeds.len(), 1000);
        assert!(!seeds.contains(&7));
    }
}
