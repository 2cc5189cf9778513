//! Pattern-oriented validation (MODEL.md §4; DA §6.2) on the shipped experiments: each pattern
//! is a statistic with an acceptance criterion over paired replications (common random
//! numbers). Run with `--nocapture` to see the measured values that docs/validation.md reports.

mod common;

use common::{paired, repo, window, DRIVERS};
use govsim::experiment::{coverage_shock, run_many, Replication};
use govsim::measures::Shock;
use govsim::scenario::Scenario;

const REPS: u32 = 12;

/// A shipped experiment's scenario, by its path below scenarios/experiments.
fn load(experiment: &str) -> Scenario {
    common::load(&repo(&format!("scenarios/experiments/{experiment}")))
}

fn run(experiments: &[String]) -> Vec<Vec<Replication>> {
    let s: Vec<Scenario> = experiments.iter().map(|p| load(p)).collect();
    run_many(&s, 4242, REPS)
}

/// The scenarios of one experiment folder, by name.
fn experiment(folder: &str, names: &[&str]) -> Vec<String> {
    names.iter().map(|n| format!("{folder}/{n}.json")).collect()
}

/// Print the means of `a` and `b` and their paired difference a − b with its 95% interval
/// (the figures of docs/validation.md); returns (difference, low, high).
fn report(label: &str, a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    let (m, lo, hi) = paired(a, b);
    let ma = a.iter().sum::<f64>() / a.len() as f64;
    let mb = b.iter().sum::<f64>() / b.len() as f64;
    eprintln!("{label}: {ma:.4} vs {mb:.4}, difference {m:.4} [{lo:.4}, {hi:.4}]");
    (m, lo, hi)
}

/// [`report`] of a metric's mean over months [from, to): the first scenario − the second.
fn report_window(pattern: &str, r: &[Vec<Replication>], metric: &str, (from, to): (usize, usize)) -> (f64, f64, f64) {
    let label = format!("{pattern} {metric} months {from}-{to}");
    report(&label, &window(&r[0], metric, from, to), &window(&r[1], metric, from, to))
}

const FINAL: (usize, usize) = (108, 120);
const WHOLE_RUN: (usize, usize) = (0, 120);

#[test]
fn p2_third_party_entry_lowers_dependence_and_raises_skill() {
    let r = run(&experiment("third-party-entry", &["third-party-year3", "government-only"]));
    let (_, _, hi) = report_window("P2", &r, "dependence_on_government", FINAL);
    assert!(hi < 0.0, "dependence did not fall");
    let (_, _, hi) = report_window("P2", &r, "asymmetry", FINAL);
    assert!(hi < 0.0, "asymmetry did not fall");
    let (_, lo, _) = report_window("P2", &r, "mean_skill", FINAL);
    assert!(lo > 0.0, "skill did not rise");
}

/// Shock measures of coverage around the scenario's first event, per replication — the same
/// figures summary.json reports for that event.
fn event_shocks(experiment: &str, reps: &[Replication]) -> Vec<Shock> {
    let s = load(experiment);
    let month = s.events[0].month();
    reps.iter().map(|r| coverage_shock(r, &s, month)).collect()
}

#[test]
fn p3_volunteer_led_holds_up_best_when_support_stops() {
    let paths = experiment("support-withdrawal", &DRIVERS);
    let r = run(&paths);
    // persistence: coverage 36 months after the month-60 withdrawal relative to the year before
    let persistence = |i: usize| -> Vec<f64> { event_shocks(&paths[i], &r[i]).iter().map(|x| x.persistence).collect() };
    let vl = DRIVERS.iter().position(|n| *n == "volunteer-led").unwrap();
    for (i, n) in DRIVERS.iter().enumerate().filter(|(i, _)| *i != vl) {
        let (_, lo, _) = report(&format!("P3 persistence volunteer-led vs {n}"), &persistence(vl), &persistence(i));
        assert!(lo > 0.0, "volunteer-led does not hold up better than {n}");
    }
}

/// The paired withdrawal effect per driver (issue 13): coverage over months 60–96 with the
/// month-60 withdrawal minus the same driver without it (common random numbers). Where a
/// driver receives no outside support the experiment measures nothing — the effect is exactly
/// zero — so "holds up best" is by construction there (docs/validation.md, pattern 3). This
/// test keeps that visible: it fails when the volunteer-led or enterprise-driven arm gets
/// support to withdraw (then rewrite pattern 3) or when withdrawal stops hurting the government-driven model.
#[test]
fn p3_withdrawal_effect_per_driver_with_and_without() {
    let with: Vec<String> = DRIVERS.iter().map(|n| format!("support-withdrawal/{n}.json")).collect();
    let r_with = run(&with);
    let drivers: Vec<Scenario> = DRIVERS.iter().map(|n| common::driver(n)).collect();
    let r_without = run_many(&drivers, 4242, REPS);
    let mut effects = Vec::new();
    for (i, n) in DRIVERS.iter().enumerate() {
        let (m, lo, hi) = report(
            &format!("P3 withdrawal effect on coverage, months 60-96, {n}"),
            &window(&r_with[i], "coverage", 60, 96),
            &window(&r_without[i], "coverage", 60, 96),
        );
        effects.push((*n, m, lo, hi));
    }
    let effect = |name: &str| *effects.iter().find(|e| e.0 == name).unwrap();
    // nothing to withdraw: government pays for nothing in these two, and the enterprise has
    // left at its horizon (month 60) in both arms
    for name in ["volunteer-led", "enterprise-driven"] {
        let e = effect(name);
        assert!(e.1 == 0.0 && e.2 == 0.0 && e.3 == 0.0, "{name} now has support to withdraw: {e:?}");
    }
    let gd = effect("government-driven");
    assert!(gd.3 < 0.0, "withdrawal no longer lowers government-driven coverage: {gd:?}");
}

#[test]
fn p6_points_raise_sustained_participation() {
    let r = run(&experiment("points", &["points-year2", "no-points"]));
    // after the scheme starts (month 24): regular volunteering and retention, each higher with
    // points (the whole 95% interval above zero; docs/validation.md pattern 6)
    let (_, lo, _) = report_window("P6", &r, "regular_rate", (36, 120));
    assert!(lo > 0.0, "points did not raise regular participation");
    let (_, lo, _) = report_window("P6", &r, "retention_12m", (36, 120));
    assert!(lo > 0.0, "points did not raise retention");
}

#[test]
fn p7_staged_linkage_beats_waiting_for_all_five() {
    let r = run(&experiment("staged-linkage", &["staged", "all-at-once-year3"]));
    let (_, lo, _) = report_window("P7", &r, "coverage", WHOLE_RUN);
    assert!(lo > 0.0, "staged linkage does not cover more over the run");
    let (over_the_run, lo, _) = report_window("P7", &r, "active_rate", WHOLE_RUN);
    assert!(lo > 0.0, "staged linkage does not mobilise more over the run");
    // by year 10 the late starter has caught up (docs/validation.md pattern 7): no difference
    // either way in the final year (the 95% interval holds zero), and less than over the run
    let (at_the_end, lo, hi) = report_window("P7", &r, "active_rate", FINAL);
    assert!(lo < 0.0 && hi > 0.0, "the final-year active rates differ: [{lo:.4}, {hi:.4}]");
    assert!(
        at_the_end.abs() < over_the_run,
        "the final-year difference {at_the_end:.4} is not below {over_the_run:.4}"
    );
}

#[test]
fn epidemic_shock_is_absorbed_best_where_capacity_is_local() {
    // robustness of coverage to the year-4 emergency surge: multi-actor's is docs/validation.md
    // pattern 4; seed 000 reports epidemic volunteers stepping in ahead of social-work agencies
    let paths = experiment("epidemic", &["multi-actor", "volunteer-led", "government-driven"]);
    let r = run(&paths);
    let robustness = |i: usize| -> Vec<f64> { event_shocks(&paths[i], &r[i]).iter().map(|x| x.robustness).collect() };
    // both communities with capacity of their own keep more coverage through the surge than the
    // government-driven one (the whole 95% interval above zero)
    let (_, lo, _) = report("epidemic robustness multi-actor vs government-driven", &robustness(0), &robustness(2));
    assert!(lo > 0.0, "multi-actor does not absorb the surge better than government-driven");
    let (_, lo, _) = report("epidemic robustness volunteer-led vs government-driven", &robustness(1), &robustness(2));
    assert!(lo > 0.0, "volunteer-led does not absorb the surge better than government-driven");
}
