//! District files: many communities, each a full community scenario with its own driver model,
//! under one district government that funds the community governments and district
//! enterprises whose programmes reach many communities at once (Lianjia's stores, IKEA's
//! community centres [001]). A district is composed from ordinary scenario files, so every
//! behaviour still comes from them; the district adds only who pays and who is reached.

use super::params::{params, Check, Issue};
use super::{input, load, merge, Enterprise, Scenario, ScenarioError};
use serde_json::Value;
use std::path::Path;

params! {
    /// A district (街道/区): groups of communities under a district government and enterprises.
    pub struct District {
        /// Optional JSON Schema reference for editors.
        #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
        schema_ref: Option<String> = None;
        /// Short identifier used for the output folder; defaults to the file name.
        name: String = String::new();
        /// Free text: what this district represents and where its numbers come from.
        description: String = String::new();
        /// Groups of communities; each group is `count` communities built from one scenario file.
        communities: Vec<CommunityGroup> = Vec::new();
        /// The district government, which pays the community governments' budgets.
        government: DistrictGovernment = DistrictGovernment::default();
        /// Enterprises running one programme in many of the district's communities.
        enterprises: Vec<DistrictEnterprise> = Vec::new();
    }
}

params! {
    /// `count` communities built from one scenario file (its driver model and community).
    pub struct CommunityGroup {
        /// Scenario file of these communities, relative to the district file.
        scenario: String = String::new();
        /// Number of communities built from it.
        count: u32 = 1, range(1, 100_000), unit("communities");
        /// Values merged over the scenario file for these communities, in the scenario format
        /// (e.g. `{"community": {"residents": 4000}}`); objects merge, values replace.
        #[schemars(with = "std::collections::BTreeMap<String, serde_json::Value>")]
        overrides: serde_json::Map<String, serde_json::Value> = serde_json::Map::new();
    }
}

params! {
    /// The district government: it pays each community government's budget
    /// (`actors.government.budget_per_month` of the community's scenario, its "request")
    /// out of one district pool, part by request and part by service coverage.
    pub struct DistrictGovernment {
        /// District money for community governments at the start, as a share of the sum of their requests.
        budget_share: f64 = 1.0, range(0.0, 10.0), unit("share of requested budgets");
        /// Share of the district money allocated in proportion to request × last month's service
        /// coverage instead of request alone (performance-based allocation, 以奖代补).
        performance_weight: f64 = 0.0, range(0.0, 1.0), unit("share");
        /// Changes of the district budget from given months on (fiscal tightening, new programmes).
        budget_changes: Vec<BudgetChange> = Vec::new();
    }
}

params! {
    /// The district budget from `month` on.
    pub struct BudgetChange {
        /// First month of the new budget.
        month: u32 = 0, range(0, 6000), unit("month");
        /// District money from then on, as a share of the sum of the communities' requests.
        budget_share: f64 = 1.0, range(0.0, 10.0), unit("share of requested budgets");
    }
}

params! {
    /// An enterprise whose programme runs in a share of the district's communities; in each
    /// it reaches it acts exactly like a community enterprise with these settings, and it
    /// enters and leaves all of them in the same months (a district-wide partner change).
    pub struct DistrictEnterprise {
        /// Share of the district's communities its programme reaches, spread evenly over the community list.
        reach: f64 = 1.0, range(0.0, 1.0), unit("share of communities");
        /// The programme in each community it reaches (fields as in a scenario's `actors.enterprises`).
        enterprise: Enterprise = Enterprise::default();
    }
}

/// A district ready to run: one validated scenario per community, in community order.
#[derive(Clone, Debug)]
pub struct DistrictPlan {
    pub district: District,
    /// Group names (the scenarios' names), in file order.
    pub groups: Vec<String>,
    /// Each community's scenario and group index.
    pub communities: Vec<(Scenario, usize)>,
}

impl DistrictPlan {
    /// Total resident agents across communities.
    pub fn residents(&self) -> u64 {
        self.communities.iter().map(|(s, _)| s.community.residents as u64).sum()
    }

    /// District budget share in force in `month` (changes are sorted by month at load time).
    pub fn budget_share(&self, month: u32) -> f64 {
        let g = &self.district.government;
        g.budget_changes.iter().take_while(|c| c.month <= month).last().map_or(g.budget_share, |c| c.budget_share)
    }
}

/// Whether community `c` of `n` is reached by a programme of reach `share`: every
/// (1/share)-th community on average, spread evenly so that all groups are reached alike.
pub fn reaches(share: f64, c: usize) -> bool {
    ((c + 1) as f64 * share).floor() > (c as f64 * share).floor()
}

/// Read and validate a district file and every scenario it uses; errors name the district
/// file and the field path (`communities[2].scenario`), or the scenario file and its field.
/// Each group's scenario is resolved once (its file, then its overrides, typed and validated),
/// and so is each distinct community (a group's scenario with the district enterprises that
/// reach it).
pub fn load_district(file: &Path) -> Result<DistrictPlan, ScenarioError> {
    let invalid = |issues: Vec<Issue>| ScenarioError::Invalid { file: file.to_path_buf(), issues };
    let mut district = read_district(file)?;
    let dir = file.parent().unwrap_or(Path::new("."));
    let groups = district
        .communities
        .iter()
        .enumerate()
        .map(|(g, group)| group_scenario(dir, g, group).map_err(invalid))
        .collect::<Result<Vec<Scenario>, _>>()?;
    let mut issues = group_issues(&groups);
    issues.extend(budget_change_issues(&district, &groups));
    if !issues.is_empty() {
        return Err(invalid(issues));
    }
    // stable: of two changes in the same month, the later in the file wins
    district.government.budget_changes.sort_by_key(|c| c.month);
    let communities = communities(&district, &groups).map_err(|issue| invalid(vec![issue]))?;
    let groups = groups.into_iter().map(|s| s.name).collect();
    Ok(DistrictPlan { district, groups, communities })
}

/// The district file itself: read strictly, typed, its name defaulted and checked, its ranges
/// checked, and at least one group of communities.
fn read_district(file: &Path) -> Result<District, ScenarioError> {
    let text = input::read_json_text(file)?;
    let object = input::parse_object(&text, file)?;
    input::expect_kind(&object, file, input::FileKind::District)?;
    let value = Value::Object(object);
    let found = check_format(&value);
    if found.structural {
        return Err(ScenarioError::Malformed { file: file.to_path_buf(), issues: found.into_issues() });
    }
    let mut district: District = serde_path_to_error::deserialize(value).map_err(|e| ScenarioError::Parse {
        file: file.to_path_buf(),
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    let mut issues = Vec::new();
    if district.name.is_empty() {
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if let Err(issue) = super::check_default_name(stem, file) {
            issues.push(issue);
        }
        district.name = stem.to_string();
    } else if let Err(message) = super::check_name(&district.name) {
        issues.push(Issue { path: "name".into(), message });
    }
    district.check("", &mut issues);
    if district.communities.is_empty() {
        issues.push(Issue {
            path: "communities".into(),
            message: "a district needs at least one group of communities".into(),
        });
    }
    if issues.is_empty() {
        Ok(district)
    } else {
        Err(ScenarioError::Invalid { file: file.to_path_buf(), issues })
    }
}

/// The scenario of group `g`: its scenario file with the group's overrides merged over it
/// (objects merge, values replace, as `extends` does), typed and validated. Problems are
/// issues of the district file at `communities[g]`.
fn group_scenario(dir: &Path, g: usize, group: &CommunityGroup) -> Result<Scenario, Vec<Issue>> {
    let path = format!("communities[{g}]");
    let base = load(&dir.join(&group.scenario)).map_err(|e| {
        vec![Issue { path: format!("{path}.scenario"), message: format!("cannot use \"{}\": {e}", group.scenario) }]
    })?;
    let mut value =
        serde_json::to_value(&base).map_err(|e| vec![Issue { path: path.clone(), message: e.to_string() }])?;
    merge(&mut value, Value::Object(group.overrides.clone()));
    let scenario: Scenario = serde_path_to_error::deserialize(value)
        .map_err(|e| vec![Issue { path: format!("{path}.overrides.{}", e.path()), message: e.inner().to_string() }])?;
    let problems = super::validate(&scenario);
    if !problems.is_empty() {
        return Err(problems
            .into_iter()
            .map(|i| Issue { path: format!("{path}.overrides.{}", i.path), ..i })
            .collect());
    }
    Ok(scenario)
}

/// What the groups' scenarios must share: a name each (an override may blank it), distinct
/// names (they label the results), and one clock.
fn group_issues(groups: &[Scenario]) -> Vec<Issue> {
    let duplicates: std::collections::HashSet<usize> =
        super::duplicate_names(groups.iter().map(|s| s.name.as_str())).into_iter().map(|(i, _)| i).collect();
    let mut issues = Vec::new();
    for (g, s) in groups.iter().enumerate() {
        let path = format!("communities[{g}]");
        if s.name.is_empty() {
            // an override "name": "" (validate leaves empty names to the loader's default)
            if let Err(message) = super::check_name(&s.name) {
                issues.push(Issue { path: format!("{path}.overrides.name"), message });
            }
        }
        if duplicates.contains(&g) {
            issues.push(Issue {
                path: format!("{path}.scenario"),
                message: format!(
                    "scenario name \"{}\" is used by two groups; give one a distinct \"name\" in overrides",
                    s.name
                ),
            });
        }
        let first = &groups[0].time;
        if *first != s.time {
            issues.push(Issue {
                path: format!("{path}.scenario"),
                message: format!(
                    "time ({} years, {}-month steps) differs from the first group's ({} years, {}-month steps); all communities of a district run on one clock",
                    s.time.years, s.time.step_months, first.years, first.step_months
                ),
            });
        }
    }
    issues
}

/// District budget changes after the end of the run (on the first group's clock).
fn budget_change_issues(district: &District, groups: &[Scenario]) -> Vec<Issue> {
    let Some(time) = groups.first().map(|s| &s.time) else { return Vec::new() };
    let months = time.months();
    let late = district.government.budget_changes.iter().enumerate().filter(|(_, c)| c.month >= months);
    late.map(|(i, c)| Issue {
        path: format!("government.budget_changes[{i}].month"),
        message: format!(
            "value {} is after the end of the run (month {}; the communities run {} years)",
            c.month,
            time.last_month(),
            time.years
        ),
    })
    .collect()
}

/// Every community's scenario and group, in community order: its group's scenario with the
/// district enterprises that reach it. Each distinct community (group and enterprises) is
/// built and validated once, for the first community that has it: a district enterprise must
/// fit every community it joins (names, counts, timeline).
fn communities(district: &District, groups: &[Scenario]) -> Result<Vec<(Scenario, usize)>, Issue> {
    let n: usize = district.communities.iter().map(|g| g.count as usize).sum();
    let mut resolved: std::collections::HashMap<(usize, Vec<usize>), Scenario> = std::collections::HashMap::new();
    let mut communities = Vec::with_capacity(n);
    for (g, group) in district.communities.iter().enumerate() {
        for _ in 0..group.count {
            let c = communities.len();
            let reached: Vec<usize> =
                (0..district.enterprises.len()).filter(|&e| reaches(district.enterprises[e].reach, c)).collect();
            let key = (g, reached);
            if !resolved.contains_key(&key) {
                let s = with_enterprises(&groups[g], district, &key.1);
                let problems = super::validate(&s);
                if let Some(first) = problems.first() {
                    return Err(Issue {
                        path: "enterprises".into(),
                        message: format!(
                            "community {c} (group {g}, \"{}\") is not valid with the district enterprises added: {}: {} ({} problem(s) in all)",
                            s.name,
                            first.path,
                            first.message,
                            problems.len()
                        ),
                    });
                }
                resolved.insert(key.clone(), s);
            }
            communities.push((resolved[&key].clone(), g));
        }
    }
    Ok(communities)
}

/// A group's scenario with the district enterprises `reached` (indices) added, unnamed ones
/// named `district-enterprise-<index>`.
fn with_enterprises(base: &Scenario, district: &District, reached: &[usize]) -> Scenario {
    let mut s = base.clone();
    for &e in reached {
        let mut ent = district.enterprises[e].enterprise.clone();
        if ent.name.is_empty() {
            ent.name = format!("district-enterprise-{e}");
        }
        s.actors.enterprises.push(ent);
    }
    s
}

/// Every format problem of a district file, its scenario overrides included (checked against
/// the scenario format with paths `communities[2].overrides.…`; `extends` is refused there).
fn check_format(value: &Value) -> input::Findings {
    static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let mut found = input::check_schema(value, SCHEMA.get_or_init(district_schema), "");
    // listed with the structural problems; load_district reports it otherwise
    if let Some(Err(message)) =
        value.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()).map(super::check_name)
    {
        found.push("name".into(), message, false);
    }
    let groups = value.get("communities").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    for (g, group) in groups.iter().enumerate() {
        let Some(Value::Object(overrides)) = group.get("overrides") else { continue };
        let prefix = format!("communities[{g}].overrides");
        let mut rest = overrides.clone();
        if rest.remove("extends").is_some() {
            found.push(
                format!("{prefix}.extends"),
                "not allowed in overrides: they are merged over the group's scenario file; put `extends` in that file"
                    .into(),
                true,
            );
        }
        found.extend(input::check_schema(&Value::Object(rest), overrides_schema(), &prefix));
    }
    found
}

/// The scenario schema without `extends` (its `allowed:` lists must not offer it).
fn overrides_schema() -> &'static Value {
    static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut s = super::cached_schema().clone();
        if let Some(p) = s.get_mut("properties").and_then(Value::as_object_mut) {
            p.remove("extends");
        }
        s
    })
}

/// The JSON Schema of district files.
pub fn district_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(District)).expect("a schema is always serialisable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_spreads_evenly_and_counts_right() {
        let n = 1000;
        for share in [0.0, 0.1, 0.3, 0.5, 1.0] {
            let reached = (0..n).filter(|&c| reaches(share, c)).count();
            assert_eq!(reached, (n as f64 * share).floor() as usize, "share {share}");
        }
        // a quarter reach: every fourth community
        let hits: Vec<usize> = (0..12).filter(|&c| reaches(0.25, c)).collect();
        assert_eq!(hits, vec![3, 7, 11]);
    }

    #[test]
    fn the_budget_in_force_is_the_last_change_up_to_the_month() {
        let mut district = District::default();
        district.government.budget_share = 1.0;
        // as load_district leaves them: sorted by month
        district.government.budget_changes =
            vec![BudgetChange { month: 12, budget_share: 0.5 }, BudgetChange { month: 60, budget_share: 0.7 }];
        let plan = DistrictPlan { district, groups: Vec::new(), communities: Vec::new() };
        let shares: Vec<f64> = [0, 11, 12, 59, 60, 119].iter().map(|&m| plan.budget_share(m)).collect();
        assert_eq!(shares, [1.0, 1.0, 0.5, 0.5, 0.7, 0.7]);
    }
}
