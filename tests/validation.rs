//! Pattern-oriented validation (MODEL.md §4; DA §6.2) on the shipped experiments: each pattern
//! is a statistic with an acceptance criterion over paired replications (common random
//! numbers). Run with `--nocapture` to see the measured values that docs/validation.md reports.

mod common;

use common::{paired, window};
use govsim::experiment::{coverage_shock, run_many, Replication};
use govsim::measures::Shock;
use govsim::scenario::{self, Scenario};
use std::path::Path;

const REPS: u32 = 12;

fn load(path: &str) -> Scenario {
    scenario::load(Path::new(path)).unwrap_or_else(|e| panic!("{e}"))
}

fn run(paths: &[&str]) -> Vec<Vec<Replication>> {
    let s: Vec<Scenario> = paths.iter().map(|p| load(p)).collect();
    run_many(&s, 4242, REPS)
}

fn report(label: &str, a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    let (m, lo, hi) = paired(a, b);
    let ma = a.iter().sum::<f64>() / a.len() as f64;
    let mb = b.iter().sum::<f64>() / b.len() as f64;
    eprintln!("{label}: {ma:.4} vs {mb:.4}, difference {m:.4} [{lo:.4}, {hi:.4}]");
    (m, lo, hi)
}

const FINAL: (usize, usize) = (108, 120);

#[test]
fn p2_third_party_entry_lowers_dependence_and_raises_skill() {
    let r = run(&[
        "scenarios/experiments/third-party-entry/third-party-year3.json",
        "scenarios/experiments/third-party-entry/government-only.json",
    ]);
    let (_, _, hi) = report(
        "P2 dependence_on_government",
        &window(&r[0], "dependence_on_government", FINAL.0, FINAL.1),
        &window(&r[1], "dependence_on_government", FINAL.0, FINAL.1),
    );
    assert!(hi < 0.0, "dependence did not fall");
    let (_, _, hi) = report(
        "P2 asymmetry",
        &window(&r[0], "asymmetry", FINAL.0, FINAL.1),
        &window(&r[1], "asymmetry", FINAL.0, FINAL.1),
    );
    assert!(hi < 0.0, "asymmetry did not fall");
    let (_, lo, _) = report(
        "P2 mean_skill",
        &window(&r[0], "mean_skill", FINAL.0, FINAL.1),
        &window(&r[1], "mean_skill", FINAL.0, FINAL.1),
    );
    assert!(lo > 0.0, "skill did not rise");
}

/// Shock measures of coverage around the scenario's first event, per replication — the same
/// figures summary.json reports for that event.
fn event_shocks(path: &str, reps: &[Replication]) -> Vec<Shock> {
    let s = load(path);
    let month = s.events[0].month();
    reps.iter().map(|r| coverage_shock(r, &s, month)).collect()
}

#[test]
fn p3_volunteer_led_holds_up_best_when_support_stops() {
    let names =
        ["volunteer-led", "government-driven", "social-organisation-driven", "enterprise-driven", "multi-actor"];
    let paths: Vec<String> =
        names.iter().map(|n| format!("scenarios/experiments/support-withdrawal/{n}.json")).collect();
    let r = run(&paths.iter().map(String::as_str).collect::<Vec<_>>());
    // persistence: coverage 36 months after the month-60 withdrawal relative to the year before
    let persistence = |i: usize| -> Vec<f64> { event_shocks(&paths[i], &r[i]).iter().map(|x| x.persistence).collect() };
    let vl = persistence(0);
    for (i, n) in names.iter().enumerate().skip(1) {
        let (_, lo, _) = report(&format!("P3 persistence volunteer-led vs {n}"), &vl, &persistence(i));
        assert!(lo > 0.0, "volunteer-led does not hold up better than {n}");
    }
}

#[test]
fn p6_points_raise_sustained_participation() {
    let r = run(&["scenarios/experiments/points/points-year2.json", "scenarios/experiments/points/no-points.json"]);
    // after the scheme starts (month 24): regular volunteering and retention
    let (_, lo, _) = report(
        "P6 regular_rate months 36-120",
        &window(&r[0], "regular_rate", 36, 120),
        &window(&r[1], "regular_rate", 36, 120),
    );
    assert!(lo > 0.0, "points did not raise regular participation");
    report(
        "P6 retention_12m months 36-120",
        &window(&r[0], "retention_12m", 36, 120),
        &window(&r[1], "retention_12m", 36, 120),
    );
}

#[test]
fn p7_staged_linkage_beats_waiting_for_all_five() {
    let r = run(&[
        "scenarios/experiments/staged-linkage/staged.json",
        "scenarios/experiments/staged-linkage/all-at-once-year3.json",
    ]);
    let (_, lo, _) =
        report("P7 coverage whole run", &window(&r[0], "coverage", 0, 120), &window(&r[1], "coverage", 0, 120));
    assert!(lo > 0.0, "staged linkage does not cover more over the run");
    let (_, lo, _) = report(
        "P7 active_rate whole run",
        &window(&r[0], "active_rate", 0, 120),
        &window(&r[1], "active_rate", 0, 120),
    );
    assert!(lo > 0.0, "staged linkage does not mobilise more over the run");
    report(
        "P7 active_rate final year",
        &window(&r[0], "active_rate", FINAL.0, FINAL.1),
        &window(&r[1], "active_rate", FINAL.0, FINAL.1),
    );
}

#[test]
fn epidemic_shock_is_absorbed_best_where_capacity_is_local() {
    // reported, not a seed pattern: robustness of coverage to the year-4 emergency surge
    let names = ["multi-actor", "volunteer-led", "government-driven"];
    let paths: Vec<String> = names.iter().map(|n| format!("scenarios/experiments/epidemic/{n}.json")).collect();
    let r = run(&paths.iter().map(String::as_str).collect::<Vec<_>>());
    let robustness = |i: usize| -> Vec<f64> { event_shocks(&paths[i], &r[i]).iter().map(|x| x.robustness).collect() };
    let (_, lo, _) = report("epidemic robustness multi-actor vs government-driven", &robustness(0), &robustness(2));
    assert!(lo > 0.0);
    report("epidemic robustness volunteer-led vs government-driven", &robustness(1), &robustness(2));
}
