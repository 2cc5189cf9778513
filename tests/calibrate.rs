//! `govsim calibrate`: parameter recovery on synthetic targets the model made itself at known
//! parameters, byte-identical results on 1 and 2 threads and across shards, resume after lost
//! or damaged blocks, and clear refusals of bad calibration files.

mod common;

use common::{govsim, repo, stderr};
use govsim::experiment::{run_scenario, targets::rep_value};
use govsim::output::table::CsvText;
use govsim::scenario::{self, Target};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The truth the recovery test must find again.
const TRUE_INTERCEPT: f64 = -2.5;
const TRUE_HAZARD: f64 = 0.15;

/// A small community (2,000 residents, 3 years) on the government-driven driver, where both
/// parameters move the targets: the intercept mostly the first year's volunteers, the hazard
/// how many stay by year three.
fn small_case(dir: &Path, targets: &Value) -> PathBuf {
    let case = json!({
        "extends": repo("scenarios/drivers/government-driven.json"),
        "name": "synthetic",
        "time": { "years": 3 },
        "community": { "residents": 2000 },
        "targets": targets,
    });
    let file = dir.join("synthetic.json");
    std::fs::write(&file, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    file
}

/// The targets: what the model gives at the true parameters (mean of 40 replications), each as
/// an interval of ±10% around it — the synthetic "source".
fn synthetic_targets(dir: &Path) -> Value {
    let measures = [
        ("active-year-1", "active_volunteers", 1, 12),
        ("active-year-2", "active_volunteers", 13, 24),
        ("active-year-3", "active_volunteers", 25, 36),
    ];
    let file = small_case(dir, &json!([]));
    let mut value = serde_json::to_value(scenario::load(&file).unwrap()).unwrap();
    value["behaviour"]["acceptance"]["intercept"] = json!(TRUE_INTERCEPT);
    value["behaviour"]["retention"]["base_hazard"] = json!(TRUE_HAZARD);
    let s = scenario::parse(&value.to_string(), &file, "synthetic").unwrap();
    let reps = run_scenario(&s, 99, 40);
    let targets: Vec<Value> = measures
        .iter()
        .map(|&(name, measure, from, to)| {
            let t = Target {
                name: name.into(),
                measure: measure.into(),
                from_month: from,
                to_month: to,
                ..Target::default()
            };
            let mean = reps.iter().map(|r| rep_value(&t, &s, r)).sum::<f64>() / reps.len() as f64;
            assert!(mean > 5.0, "{name}: the synthetic target {mean} is too small to fit");
            json!({
                "name": name, "measure": measure, "from_month": from, "to_month": to,
                "low": mean * 0.9, "high": mean * 1.1, "value": mean,
                "source": "synthetic: the model at acceptance intercept −2.5 and base hazard 0.15",
            })
        })
        .collect();
    Value::Array(targets)
}

fn calibration(dir: &Path, method: Value) -> PathBuf {
    let targets = synthetic_targets(dir);
    calibration_with(dir, method, &targets, 1)
}

fn calibration_with(dir: &Path, method: Value, targets: &Value, seed: u64) -> PathBuf {
    small_case(dir, targets);
    let c = json!({
        "name": "recovery",
        "cases": [{ "file": "synthetic.json" }],
        "parameters": [
            { "path": "behaviour.acceptance.intercept", "name": "intercept", "prior": { "type": "uniform", "min": -4.0, "max": -1.0 } },
            { "path": "behaviour.retention.base_hazard", "name": "hazard", "prior": { "type": "log_uniform", "min": 0.05, "max": 0.5 } }
        ],
        "method": method,
        "replications": 1,
        "seed": seed,
        "block_size": 7,
        "check": { "draws": 6, "replications": 1 }
    });
    let file = dir.join("recovery.json");
    std::fs::write(&file, serde_json::to_string_pretty(&c).unwrap()).unwrap();
    file
}

fn smc() -> Value {
    json!({ "type": "abc_smc", "population": 60, "generations": 4, "alpha": 0.5 })
}

fn run(file: &Path, out: &Path, extra: &[&str]) -> String {
    let a = govsim()
        .args(["calibrate", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--progress", "off"])
        .args(extra)
        .assert()
        .success();
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

/// The result files (not the blocks' sidecars, which hold machine facts: threads, wall time).
const RESULTS: [&str; 8] = [
    "posterior.csv",
    "parameters.csv",
    "predictive.csv",
    "generations.csv",
    "calibration.md",
    "summary.json",
    "calibrated/synthetic.json",
    "posterior.svg",
];

fn results(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = RESULTS
        .iter()
        .map(|f| (f.to_string(), std::fs::read(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))))
        .collect();
    // and every block file's rows
    for entry in walk(&out.join("generations")) {
        if entry.extension().is_some_and(|x| x == "csv") {
            files.push((entry.strip_prefix(out).unwrap().display().to_string(), std::fs::read(&entry).unwrap()));
        }
    }
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            found.extend(walk(&e.path()));
        } else {
            found.push(e.path());
        }
    }
    found
}

/// The posterior summary of a parameter: (q05, median, q95).
fn interval(out: &Path, name: &str) -> (f64, f64, f64) {
    let text = std::fs::read_to_string(out.join("parameters.csv")).unwrap();
    let mut csv = CsvText::new(&text).unwrap();
    let cols = csv.columns(["parameter", "posterior_q05", "posterior_median", "posterior_q95"]).unwrap();
    let row = csv.find(|r| r.as_ref().unwrap().text(&cols[0]) == name).unwrap().unwrap();
    let num = |k: usize| row.number(&cols[k]).unwrap();
    (num(1), num(2), num(3))
}

#[test]
fn recovers_known_parameters_identically_on_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let file = calibration(dir.path(), smc());
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    let printed = run(&file, &one, &["--threads", "1"]);
    run(&file, &two, &["--threads", "2"]);
    assert!(printed.contains("| intercept |"), "{printed}");
    eprintln!("{}", std::fs::read_to_string(one.join("calibration.md")).unwrap());
    let (lo, med, hi) = interval(&one, "intercept");
    eprintln!("intercept: truth {TRUE_INTERCEPT}, posterior {med} [{lo}, {hi}]");
    assert!(lo <= TRUE_INTERCEPT && TRUE_INTERCEPT <= hi, "intercept {TRUE_INTERCEPT} outside [{lo}, {hi}]");
    // the targets must say something: the interval is well inside the prior's 90% (2.7 wide)
    assert!(hi - lo < 0.6 * 2.7, "intercept interval [{lo}, {hi}] hardly narrower than the prior");
    let (lo, med, hi) = interval(&one, "hazard");
    eprintln!("hazard: truth {TRUE_HAZARD}, posterior {med} [{lo}, {hi}]");
    assert!(lo <= TRUE_HAZARD && TRUE_HAZARD <= hi, "hazard {TRUE_HAZARD} outside [{lo}, {hi}]");
    assert_eq!(results(&one), results(&two), "1 and 2 threads differ");
    // the calibrated scenario extends the case and loads, with the posterior medians
    let calibrated = one.join("calibrated/synthetic.json");
    let s = scenario::load(&calibrated).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.name, "synthetic-calibrated");
    let (_, med, _) = interval(&one, "intercept");
    assert!((s.behaviour.acceptance.intercept - med).abs() < 1e-9);
}

#[test]
fn shards_and_resume_give_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = calibration(dir.path(), json!({ "type": "abc_smc", "population": 30, "generations": 3 }));
    let whole = dir.path().join("whole");
    run(&file, &whole, &[]);
    // two shards taking turns, as array jobs of successive generations would
    let sharded = dir.path().join("sharded");
    let mut turns = 0;
    loop {
        let i = turns % 2;
        let said = run(&file, &sharded, &["--shard-index", &i.to_string(), "--shard-count", "2"]);
        turns += 1;
        if said.contains("posterior.csv") {
            break;
        }
        assert!(said.contains("waiting for block"), "{said}");
        assert!(turns < 20, "the shards never finished");
    }
    assert!(turns > 2, "the shards should have had to wait for each other");
    assert_eq!(results(&whole), results(&sharded), "sharded and unsharded differ");
    // lose a block of the last generation and the check, damage another: a rerun restores all
    let resumed = dir.path().join("whole");
    let g2 = resumed.join("generations/g002/block-000000.csv");
    std::fs::remove_file(&g2).unwrap();
    std::fs::remove_file(resumed.join("generations/check/block-000001.csv")).unwrap();
    let g1 = resumed.join("generations/g001/block-000001.csv");
    let text = std::fs::read_to_string(&g1).unwrap();
    let damaged = text.replacen(",1", ",2", 1);
    assert_ne!(text, damaged);
    std::fs::write(&g1, damaged).unwrap();
    let before = results(&sharded);
    let a = govsim()
        .args(["calibrate", file.to_str().unwrap(), "--out", resumed.to_str().unwrap(), "--progress", "off"])
        .assert()
        .success();
    let err = stderr(&a);
    assert!(err.contains("block-000001.csv is damaged"), "{err}");
    assert_eq!(results(&resumed), before, "resumed files differ");
}

#[test]
fn a_folder_of_another_calibration_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = calibration(dir.path(), json!({ "type": "rejection", "samples": 8, "accept": 4 }));
    let out = dir.path().join("out");
    run(&file, &out, &[]);
    let c: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let mut other = c.clone();
    other["seed"] = json!(2);
    let file2 = dir.path().join("other.json");
    std::fs::write(&file2, other.to_string()).unwrap();
    let a = govsim().args(["calibrate", file2.to_str().unwrap(), "--out", out.to_str().unwrap()]).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("different calibration") && err.contains("calibration.json"), "{err}");
}

/// An edit that makes a good calibration file bad.
type Change = Box<dyn Fn(&mut Value)>;

#[test]
fn bad_calibration_files_say_what_and_where() {
    let dir = tempfile::tempdir().unwrap();
    let file = calibration(dir.path(), smc());
    let good: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let cases: Vec<(&str, Change, Vec<&str>)> = vec![
        (
            "unknown path",
            Box::new(|c| c["parameters"][0]["path"] = json!("behaviour.acceptance.intercep")),
            vec!["parameters[0]", "intercept"],
        ),
        (
            "prior outside the field's range",
            Box::new(|c| c["parameters"][1]["prior"] = json!({"type": "uniform", "min": 0.1, "max": 3.0})),
            vec!["parameters[1]", "= 3", "base_hazard"],
        ),
        (
            "empty log-uniform",
            Box::new(|c| c["parameters"][1]["prior"] = json!({"type": "log_uniform", "min": 0.0, "max": 0.5})),
            vec!["parameters[1] (hazard).prior", "0 < min < max"],
        ),
        (
            "unknown target",
            Box::new(|c| c["cases"][0]["targets"] = json!(["nope"])),
            vec!["cases[0].targets", "\"nope\"", "active-year-1"],
        ),
        (
            "accept more than samples",
            Box::new(|c| c["method"] = json!({"type": "rejection", "samples": 10, "accept": 11})),
            vec!["method.accept", "11"],
        ),
        (
            "too many runs",
            Box::new(|c| c["method"] = json!({"type": "abc_smc", "population": 1000000, "generations": 100})),
            vec!["--max-runs"],
        ),
        ("unknown key", Box::new(|c| c["replicatons"] = json!(3)), vec!["replicatons"]),
        (
            "a reserved column name",
            Box::new(|c| c["parameters"][0]["name"] = json!("distance")),
            vec!["\"distance\"", "column"],
        ),
        ("a colon in a name", Box::new(|c| c["parameters"][0]["name"] = json!("synthetic:x")), vec!["colons"]),
        (
            "one path in two parameters",
            Box::new(|c| c["parameters"][1]["path"] = json!("behaviour.acceptance.intercept")),
            vec!["parameters[0]", "one parameter only"],
        ),
    ];
    for (why, change, words) in cases {
        let mut c = good.clone();
        change(&mut c);
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, c.to_string()).unwrap();
        let out = dir.path().join("never");
        let a = govsim().args(["calibrate", bad.to_str().unwrap(), "--out", out.to_str().unwrap()]).assert().code(2);
        let err = stderr(&a);
        for w in words {
            assert!(err.contains(w), "{why}: {w:?} not in: {err}");
        }
        assert!(!out.exists(), "{why}: an output folder was made for a refused file");
        // validate says the same
        govsim().args(["validate", bad.to_str().unwrap()]).assert().code(2);
    }
}

#[test]
fn the_shipped_calibration_schema_and_files_are_current() {
    let shipped = common::assert_shipped_schema(
        "govsim.calibration.schema.json",
        &govsim::calibrate::schema(),
        "schema --calibration",
    );
    assert_eq!(shipped["additionalProperties"], false);
    // every shipped calibration file is a valid calibration (cases, targets, priors in range)
    let files = common::files::json_files_in(&repo("calibrations"));
    assert!(!files.is_empty());
    for f in files {
        govsim()
            .args(["validate", f.to_str().unwrap()])
            .assert()
            .success()
            .stdout(predicates::str::contains("calibration:"));
    }
}

/// Coverage of the 90% intervals over calibration seeds: the same synthetic targets, ten
/// calibrations with different streams. With a nominal coverage of 0.9 per parameter, fewer than
/// 7 of 10 covering happens with probability 1.3% (binomial); ABC intervals at a finite tolerance
/// are, if anything, wider than the exact posterior's.
#[test]
fn recovery_intervals_cover_the_truth_across_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let targets = synthetic_targets(dir.path());
    let mut covered = [0; 2];
    let mut widths = [0.0; 2];
    for seed in 1..=10 {
        let file = calibration_with(dir.path(), smc(), &targets, seed);
        let out = dir.path().join(format!("seed-{seed}"));
        run(&file, &out, &[]);
        for (k, (name, truth)) in [("intercept", TRUE_INTERCEPT), ("hazard", TRUE_HAZARD)].into_iter().enumerate() {
            let (lo, med, hi) = interval(&out, name);
            eprintln!("seed {seed}: {name} {med:.3} [{lo:.3}, {hi:.3}] (truth {truth})");
            covered[k] += usize::from(lo <= truth && truth <= hi);
            widths[k] += (hi - lo) / 10.0;
        }
    }
    eprintln!(
        "covered: intercept {}/10, hazard {}/10; mean 90% width: intercept {:.3}, hazard {:.3}",
        covered[0], covered[1], widths[0], widths[1]
    );
    assert!(covered.iter().all(|&c| c >= 7), "coverage {covered:?} of 10");
}

/// The knock-out of the recovery test: targets so wide that any run meets them must leave the
/// posterior as wide as the prior (the narrowing above comes from the targets, not the sampler).
#[test]
fn uninformative_targets_leave_the_prior_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut targets = synthetic_targets(dir.path());
    for t in targets.as_array_mut().unwrap() {
        t["low"] = json!(0.0);
        t["high"] = json!(100000.0);
    }
    let file = calibration_with(dir.path(), smc(), &targets, 1);
    let out = dir.path().join("out");
    run(&file, &out, &[]);
    let text = std::fs::read_to_string(out.join("parameters.csv")).unwrap();
    let mut csv = CsvText::new(&text).unwrap();
    let cols = csv.columns(["parameter", "width_ratio"]).unwrap();
    for row in &mut csv {
        let row = row.unwrap();
        let ratio = row.number(&cols[1]).unwrap();
        eprintln!("{}: width ratio {ratio:.2}", row.text(&cols[0]));
        assert!(ratio > 0.75, "{}: width ratio {ratio} with targets that say nothing", row.text(&cols[0]));
    }
}

/// `--lang zh`: calibration.md, the charts and the printed tables in Chinese, parameters by name
/// (derived from their documentation) with their paths; the CSV files as in English.
#[test]
fn a_calibration_in_chinese_keeps_the_data_files() {
    let dir = tempfile::tempdir().unwrap();
    let method = json!({ "type": "abc_smc", "population": 8, "generations": 2, "alpha": 0.5 });
    let file = calibration(dir.path(), method);
    let (en, zh) = (dir.path().join("en"), dir.path().join("zh"));
    let printed_en = run(&file, &en, &["--threads", "1"]);
    let printed = run(&file, &zh, &["--threads", "1", "--lang", "zh"]);
    assert!(printed_en.contains("| intercept | acceptance: intercept (logit) | `behaviour.acceptance.intercept` |"));
    for f in ["posterior.csv", "parameters.csv", "predictive.csv", "generations.csv"] {
        let read = |d: &Path| std::fs::read(d.join(f)).unwrap();
        assert_eq!(read(&en), read(&zh), "{f}");
    }
    let md = std::fs::read_to_string(zh.join("calibration.md")).unwrap();
    assert!(md.starts_with("# 校准“recovery”") && md.contains("## 参数") && md.contains("## 后验预测检验"), "{md}");
    assert!(md.contains("| hazard | 留任：基础退出风险（1/月） | `behaviour.retention.base_hazard` |"), "{md}");
    assert!(md.contains("| 代 | 粒子数 | 容差 ε |"), "{md}");
    // the printed tables are calibration.md's, in Chinese too
    assert!(
        printed.contains("## 参数") && printed.contains("## 后验预测检验") && printed.contains("本次共运行"),
        "{printed}"
    );
    let svg = std::fs::read_to_string(zh.join("posterior.svg")).unwrap();
    assert!(svg.contains("后验分布") && svg.contains("留任：基础退出风险（1/月）") && svg.contains("权重"), "{svg}");
    let svg = std::fs::read_to_string(zh.join("predictive.svg")).unwrap();
    assert!(svg.contains("按原设定") && svg.contains("校准后"), "{svg}");
}
