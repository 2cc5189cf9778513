//! Counts and money by organisation (issue 13, organisations.csv): per-organisation money adds
//! up to the flows the model already records (the money audit, government spending, money
//! reaching teams), team counts add up to the `teams` metric, and the file is written for every
//! model with one row per organisation.

mod common;

use common::{driver, govsim, read_json, tempdir, Csv, DRIVERS};
use govsim::experiment::{run_replication, Replication};
use govsim::measures::M;
use govsim::model::entities::{FUNDING, SELF};
use govsim::model::organisations::{rows, OrgKind, GOVERNMENT};
use govsim::model::World;
use govsim::scenario::{self, Event, Scenario};
use proptest::prelude::*;
use std::fs;
use std::path::Path;

/// Running sums of what the step records already hold, to compare the tallies with.
#[derive(Default)]
struct Recorded {
    government_spending: f64,
    government_budget: f64,
    to_teams: f64,
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-7 * (1.0 + scale.abs())
}

/// Every identity between the organisation tallies and the model's own books, after a step.
fn check_step(w: &World, rec: &mut Recorded, final_year: bool) -> Result<(), String> {
    let r = &w.record;
    rec.government_spending += r.government_spending;
    rec.government_budget += r.government_budget;
    rec.to_teams += r.flows[FUNDING][..SELF].iter().sum::<f64>();
    let o = &w.orgs;
    let s = &w.scenario;
    for (name, v) in [("given", &o.given), ("received", &o.received), ("teams_received", &o.teams_received)]
        .into_iter()
        .chain([("teams_spent", &o.teams_spent)])
    {
        if v.iter().any(|x| !x.is_finite() || *x < 0.0) {
            return Err(format!("{name} {v:?}"));
        }
    }
    // government: spending and budget as the step records have them
    if !close(o.given[GOVERNMENT], rec.government_spending, rec.government_spending) {
        return Err(format!("government gave {} but spent {}", o.given[GOVERNMENT], rec.government_spending));
    }
    if !close(o.received[GOVERNMENT], rec.government_budget, rec.government_budget) {
        return Err(format!(
            "government received {} but its budget was {}",
            o.received[GOVERNMENT], rec.government_budget
        ));
    }
    // each social organisation: received − given = its balance − its initial funds
    for (i, p) in s.actors.social_organisations.iter().enumerate() {
        let g = o.so(i);
        let balance: f64 = w.so[i].funds.iter().sum();
        let net = o.received[g] - o.given[g];
        if !close(net, balance - p.initial_funds, o.received[g]) {
            return Err(format!("{}: received − given = {net}, balance change {}", p.name, balance - p.initial_funds));
        }
    }
    // the fund: received − given = its balance − its initial balance
    let fund_start = s.actors.community_fund.as_ref().map_or(0.0, |f| f.initial_balance);
    let g = o.fund();
    if !close(o.received[g] - o.given[g], w.fund - fund_start, o.received[g]) {
        return Err(format!(
            "fund: received − given = {}, balance change {}",
            o.received[g] - o.given[g],
            w.fund - fund_start
        ));
    }
    if s.actors.community_fund.is_none() && (o.received[g] != 0.0 || o.given[g] != 0.0) {
        return Err("money through a fund the scenario does not have".into());
    }
    // enterprises and residents have no purse of their own (residents' is their teams')
    for e in 0..s.actors.enterprises.len() {
        if o.received[o.enterprise(e)] != 0.0 {
            return Err("an enterprise received money".into());
        }
    }
    if o.given[o.residents()] != 0.0 || o.received[o.residents()] != 0.0 {
        return Err("the residents' purse is their teams".into());
    }
    // teams: all money paid to teams is what the funding flows record; what they hold is
    // what they received less what they spent
    let team_in: f64 = o.teams_received.iter().sum();
    let team_out: f64 = o.teams_spent.iter().sum();
    if !close(team_in, rec.to_teams, team_in) {
        return Err(format!("teams received {team_in}, funding flows to teams {}", rec.to_teams));
    }
    let held: f64 = w.teams.iter().filter(|t| t.alive).map(|t| t.balance()).sum();
    if !close(team_in - team_out, held, team_in) {
        return Err(format!("teams received − spent = {}, they hold {held}", team_in - team_out));
    }
    // all together: the audit's inflow − outflow
    let stocks: f64 =
        (0..s.actors.social_organisations.len()).map(|i| o.received[o.so(i)] - o.given[o.so(i)]).sum::<f64>()
            + (o.received[g] - o.given[g])
            + (team_in - team_out);
    let a = &w.audit;
    if !close(stocks, a.inflow - a.outflow, a.inflow) {
        return Err(format!("organisations' net {stocks} vs audit inflow − outflow {}", a.inflow - a.outflow));
    }
    // counts: every alive team once, its members once
    let teams: u32 = o.teams.iter().sum();
    if teams != r.teams {
        return Err(format!("teams by organisation {teams} vs the record's {}", r.teams));
    }
    let members: u32 = o.members.iter().sum();
    let in_alive: u32 = w.teams.iter().filter(|t| t.alive).map(|t| t.members).sum();
    if members != in_alive {
        return Err(format!("members by organisation {members} vs {in_alive}"));
    }
    if final_year {
        if o.active.iter().zip(&o.members).any(|(a, m)| a > m) {
            return Err(format!("active {:?} above members {:?}", o.active, o.members));
        }
        let active: u32 = o.active.iter().sum();
        if active > r.active_volunteers {
            return Err(format!("active members {active} above active volunteers {}", r.active_volunteers));
        }
    }
    Ok(())
}

/// Shipped scenarios with every money path between them: the drivers, the withdrawal
/// experiment of the multi-actor model (funding stops, contract ends, enterprise leaves), and
/// cases with an agency's own team, adopted government teams, building cells and points.
const BASES: [&str; 10] = [
    "scenarios/drivers/government-driven.json",
    "scenarios/drivers/social-organisation-driven.json",
    "scenarios/drivers/enterprise-driven.json",
    "scenarios/drivers/volunteer-led.json",
    "scenarios/drivers/multi-actor.json",
    "scenarios/experiments/support-withdrawal/multi-actor.json",
    "scenarios/cases/h-centre.json",
    "scenarios/cases/y-community.json",
    "scenarios/cases/changshouyuan.json",
    "scenarios/cases/hemei.json",
];

fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        0..BASES.len(),
        100u32..1200,
        prop::sample::select(vec![1u32, 2, 3, 6, 12]),
        1u32..4,
        0.0f64..60_000.0,
        any::<bool>(),
        0u32..48,
        any::<bool>(),
    )
        .prop_map(|(b, residents, step, years, budget, points, leave_month, pool)| {
            let mut s = common::load(&common::repo(BASES[b]));
            s.community.residents = residents;
            s.community.initial_core_volunteers = s.community.initial_core_volunteers.min(residents);
            s.time.step_months = step;
            s.time.years = years;
            s.actors.government.budget_per_month = budget;
            if points {
                let p = s.instruments.points.get_or_insert_with(Default::default);
                p.funder = if s.actors.community_fund.is_some() {
                    scenario::Funder::CommunityFund
                } else {
                    scenario::Funder::Government
                };
            }
            if pool {
                s.instruments.coordination_platform.get_or_insert_with(Default::default);
            }
            // a social organisation leaves with its money, when there is one and time for it
            if let Some(so) = s.actors.social_organisations.first() {
                if leave_month < years * 12 {
                    let e: Event = serde_json::from_value(serde_json::json!({
                        "type": "social_organisation_leave", "month": leave_month, "social_organisation": so.name,
                    }))
                    .unwrap();
                    s.events.push(e);
                    s.events.sort_by_key(|e| e.month());
                }
            }
            s
        })
        .prop_filter("valid", |s| scenario::validate(s).is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn organisation_money_adds_up_to_the_books_at_every_step(s in arb_scenario(), seed in any::<u64>()) {
        let mut w = World::new(&s, seed, 0);
        let mut rec = Recorded::default();
        let (steps, per_year) = (w.steps(), s.time.steps_per_year());
        for step in 0..steps {
            w.step();
            if let Err(e) = check_step(&w, &mut rec, step + per_year >= steps) {
                prop_assert!(false, "{} step {step}: {e}", s.name);
            }
        }
    }
}

/// Final-year mean of a metric in one replication.
fn final_year(r: &Replication, m: M, per_year: usize) -> f64 {
    let rows = &r.rows[r.rows.len().saturating_sub(per_year)..];
    rows.iter().map(|row| row[m.index()]).sum::<f64>() / rows.len() as f64
}

#[test]
fn a_replications_teams_by_organisation_add_up_to_the_teams_metric() {
    for name in DRIVERS {
        let mut s = driver(name);
        s.community.residents = 2000;
        s.time.years = 3;
        let r = run_replication(&s, 3, 1);
        let o = &r.organisations;
        let per_year = s.time.steps_per_year() as usize;
        let teams: f64 = o.teams.iter().sum();
        let metric = final_year(&r, M::Teams, per_year);
        assert!((teams - metric).abs() < 1e-9, "{name}: {teams} vs teams metric {metric}");
        let active: f64 = o.active.iter().sum();
        assert!(active <= final_year(&r, M::ActiveVolunteers, per_year) + 1e-9, "{name}");
        // rows name every organisation once; the fund only where there is one
        let names: Vec<(String, OrgKind)> = rows(&s).into_iter().map(|(_, n, k)| (n, k)).collect();
        let expected = 2 + s.actors.social_organisations.len() + s.actors.enterprises.len()
            - s.actors.community_fund.is_none() as usize
            + 1;
        assert_eq!(names.len(), expected, "{name}: {names:?}");
        assert_eq!(names.first().unwrap().1, OrgKind::Government);
        assert_eq!(names.last().unwrap().1, OrgKind::Residents);
    }
}

/// The fixed columns of organisations.csv, then mean and interval of each figure.
fn expected_header() -> Vec<String> {
    let mut h: Vec<String> = ["model", "organisation", "kind"].map(String::from).to_vec();
    for c in [
        "teams",
        "own_volunteers",
        "active_volunteers",
        "money_given_yuan",
        "money_received_yuan",
        "teams_money_received_yuan",
        "teams_money_spent_yuan",
    ] {
        h.extend([c.to_string(), format!("{c}_ci95_low"), format!("{c}_ci95_high")]);
    }
    h.push("replications".into());
    h
}

/// organisations.csv of model `s` in `dir`: the header, one row per organisation in order,
/// every mean finite and non-negative, every interval finite around it.
fn check_file(dir: &Path, s: &Scenario, reps: usize) -> Csv {
    let csv = Csv::read(&dir.join("organisations.csv"));
    assert_eq!(csv.header, expected_header());
    let want: Vec<(String, &str)> = rows(s).into_iter().map(|(_, n, k)| (n, k.id())).collect();
    let got: Vec<(String, &str)> = csv.rows.iter().map(|r| (r[1].clone(), r[2].as_str())).collect();
    assert_eq!(got.len(), want.len(), "{}: {got:?}", s.name);
    for ((name, kind), row) in want.iter().zip(&csv.rows) {
        assert_eq!((&row[0], &row[1], row[2].as_str()), (&s.name, name, *kind));
        assert_eq!(row[csv.col("replications")], reps.to_string());
    }
    for c in (3..csv.header.len() - 1).step_by(3) {
        let (mean, low, high) =
            (csv.numbers(&csv.header[c]), csv.numbers(&csv.header[c + 1]), csv.numbers(&csv.header[c + 2]));
        for i in 0..mean.len() {
            let what = format!("{} {} {}", s.name, csv.rows[i][1], csv.header[c]);
            assert!(mean[i].is_finite() && mean[i] >= 0.0, "{what}: {}", mean[i]);
            assert!(low[i].is_finite() && high[i].is_finite() && low[i] <= mean[i] && mean[i] <= high[i], "{what}");
            assert!(high[i] >= 0.0, "{what}");
        }
    }
    csv
}

#[test]
fn compare_writes_one_row_per_organisation_in_every_models_folder() {
    let dir = tempdir();
    let out = dir.path().join("out");
    govsim().args(["compare", "--reps", "3", "--progress", "off", "--out"]).arg(&out).assert().success();
    for name in DRIVERS {
        let s = driver(name);
        let csv = check_file(&out.join(name), &s, 3);
        // the organisations' teams add up to the model's teams (summary.json, final year)
        let teams: f64 = csv.numbers("teams").iter().sum();
        let summary = read_json(&out.join(name).join("summary.json"));
        let metric = summary["metrics"]["teams"]["final_year"]["mean"].as_f64().unwrap();
        assert!((teams - metric).abs() < 1e-9 * (1.0 + metric), "{name}: {teams} vs {metric}");
        // members active in the step are members
        for (a, m) in csv.numbers("active_volunteers").iter().zip(csv.numbers("own_volunteers")) {
            assert!(*a <= m + 1e-9, "{name}");
        }
    }
}

#[test]
fn a_budget_spent_in_full_is_all_the_money() {
    // government's only instrument is a campaign every month costing its whole budget:
    // 5,000 yuan × 24 months given and received, nothing else moves
    let dir = tempdir();
    let file = dir.path().join("budget-only.json");
    fs::write(
        &file,
        r#"{
  "name": "budget-only",
  "time": { "years": 2 },
  "community": { "residents": 300 },
  "actors": { "government": { "budget_per_month": 5000, "founds_teams": 1 } },
  "instruments": { "mobilisation_campaigns": { "interval_months": 1, "duration_months": 1, "cost_per_month": 5000 } }
}"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    govsim().arg("run").arg(&file).args(["--reps", "3", "--out"]).arg(&out).assert().success();
    let s = common::load(&file);
    let csv = check_file(&out.join("budget-only"), &s, 3);
    let names: Vec<&str> = csv.rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names, ["government", "residents"]);
    for c in [
        "money_given_yuan",
        "money_given_yuan_ci95_low",
        "money_given_yuan_ci95_high",
        "money_received_yuan",
        "money_received_yuan_ci95_low",
        "money_received_yuan_ci95_high",
    ] {
        assert_eq!(csv.numbers(c), [120_000.0, 0.0], "{c}");
    }
    for c in ["teams_money_received_yuan", "teams_money_spent_yuan"] {
        assert_eq!(csv.numbers(c), [0.0, 0.0], "{c}");
    }
}

#[test]
fn readme_and_odd_name_every_column() {
    let readme = fs::read_to_string(common::repo("README.md")).unwrap();
    let odd = fs::read_to_string(common::repo("docs/ODD.md")).unwrap();
    for doc in [&readme, &odd] {
        assert!(doc.contains("organisations.csv"));
    }
    for (c, _, _) in govsim::output::organisations::COLUMNS {
        let id = format!("`{c}`");
        assert!(readme.contains(&id), "README.md does not name {id}");
        assert!(odd.contains(&id), "docs/ODD.md does not define {id}");
    }
    for kind in [
        OrgKind::Government,
        OrgKind::SocialOrganisation,
        OrgKind::Enterprise,
        OrgKind::CommunityFund,
        OrgKind::Residents,
    ] {
        assert!(readme.contains(&format!("`{}`", kind.id())), "README.md does not name kind {}", kind.id());
    }
}
