//! `govsim discover` (scenario discovery with PRIM): the algorithm finds a planted box, its
//! peeling and pasting trajectory is EMA Workbench's step for step (tests/discover_ema.py runs
//! EMA's PRIM on the same cases), and the command works on a real sweep and refuses bad input.

mod common;

use common::{govsim, repo, stderr, tempdir, Csv};
use govsim::sweep::discover::{choose, prim, quasi_p, PrimOptions, Trajectory};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `n` uniform points in [0, 1]^`d`, of interest inside x0 < 0.3 and x2 > 0.6, with a share
/// `noise` of the labels flipped (inside and out).
fn planted(n: usize, d: usize, noise: f64, seed: u64) -> (Vec<Vec<f64>>, Vec<bool>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut columns = vec![Vec::with_capacity(n); d];
    let mut interest = Vec::with_capacity(n);
    for _ in 0..n {
        let x: Vec<f64> = (0..d).map(|_| rng.random::<f64>()).collect();
        let inside = x[0] < 0.3 && x[2] > 0.6;
        interest.push(inside != (rng.random::<f64>() < noise));
        for (c, v) in columns.iter_mut().zip(x) {
            c.push(v);
        }
    }
    (columns, interest)
}

/// Box limits are recovered to within this (the data's spacing near a limit is about
/// 1/(2000 × 0.12) in the box, and a peel removes 5% of it at a time).
const LIMIT_TOLERANCE: f64 = 0.03;

#[test]
fn prim_recovers_a_planted_box_and_leaves_the_other_factors_free() {
    for seed in [7, 8, 9] {
        let (columns, interest) = planted(2000, 4, 0.05, seed);
        let t = prim(&columns, &interest, &PrimOptions::default()).unwrap();
        // the default choice (the knee) and a density threshold agree on the box
        for density in [None, Some(0.9)] {
            let b = &t.steps[choose(&t.steps, density).step];
            assert_eq!(b.restricted, [true, false, true, false], "seed {seed}, {density:?}: {b:?}");
            assert!((b.upper[0] - 0.3).abs() < LIMIT_TOLERANCE, "seed {seed}: x0 ≤ {}", b.upper[0]);
            assert!((b.lower[2] - 0.6).abs() < LIMIT_TOLERANCE, "seed {seed}: x2 ≥ {}", b.lower[2]);
            // only the real limits: x0 from its smallest value, x2 up to its largest
            assert_eq!((b.lower[0], b.upper[2]), (t.lower0[0], t.upper0[2]), "seed {seed}");
            // 5% of the labels flipped: about 95% of the box is of interest; the planted box
            // holds about 230 of some 320 cases of interest (the rest are flipped labels outside)
            assert!(b.density > 0.9, "seed {seed}: density {}", b.density);
            assert!(b.coverage > 0.65, "seed {seed}: coverage {}", b.coverage);
            let qp = quasi_p(&columns, &interest, &t, b);
            assert!(qp[0][1] < 1e-6 && qp[2][0] < 1e-6, "seed {seed}: {qp:?}");
        }
    }
}

/// EMA Workbench's PRIM on the same cases (tests/discover_ema.py), or why it could not run.
fn ema_prim(dir: &Path, columns: &[Vec<f64>], interest: &[bool]) -> Result<Value, String> {
    let cases = dir.join("cases.csv");
    let mut text: String = (0..columns.len()).map(|j| format!("x{j},")).collect::<String>() + "y\n";
    for (i, y) in interest.iter().enumerate() {
        for c in columns {
            // shortest round-trip form: Python reads back the same bits
            text.push_str(&format!("{},", c[i]));
        }
        text.push_str(if *y { "1\n" } else { "0\n" });
    }
    fs::write(&cases, text).unwrap();
    let out = dir.join("ema.json");
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ema-venv");
    let script = repo("tests/discover_ema.py");
    let run = match Command::new("python3").arg(&script).arg("--venv").arg(&venv).arg(&cases).arg(&out).output() {
        Ok(run) => run,
        Err(e) => return Err(format!("python3 cannot be started ({e})")),
    };
    let said = String::from_utf8_lossy(&run.stderr).trim().to_string();
    match run.status.code() {
        Some(0) => Ok(serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap()),
        Some(77) => Err(said),
        _ => panic!("tests/discover_ema.py failed ({}):\n{said}", run.status),
    }
}

/// Coverage, density and mass agree to this; box limits are the same numbers (the same
/// quantiles of the same values); quasi-p-values (scipy's binomial test against statrs's
/// regularised incomplete beta) to this relative difference.
const STAT_TOLERANCE: f64 = 1e-12;
const QP_TOLERANCE: f64 = 1e-6;

#[test]
fn the_trajectory_is_ema_workbenchs() {
    let dir = tempdir();
    // 2,000 cases in 4 factors with 5% label noise; a harder one: 1,000 cases in 6 factors,
    // 15% noise, of interest in a box of two of them; and 750 cases on a grid of 5 levels per
    // factor (ties: limits fall halfway between levels)
    for (n, d, noise, seed, levels) in [(2000, 4, 0.05, 7, None), (1000, 6, 0.15, 11, None), (750, 3, 0.1, 5, Some(5))]
    {
        let (mut columns, interest) = planted(n, d, noise, seed);
        if let Some(l) = levels {
            let step = 1.0 / (l - 1) as f64;
            for v in columns.iter_mut().flatten() {
                *v = (*v / step).round() * step;
            }
        }
        let ema = match ema_prim(dir.path(), &columns, &interest) {
            Ok(v) => v,
            Err(why) => {
                eprintln!("SKIPPED the comparison with EMA Workbench: {why}");
                return;
            }
        };
        let t: Trajectory = prim(&columns, &interest, &PrimOptions::default()).unwrap();
        let list = |k: &str| ema[k].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect::<Vec<f64>>();
        let (coverage, density, mass, res_dim, cases) =
            (list("coverage"), list("density"), list("mass"), list("res_dim"), list("n"));
        let at = format!("n {n}, d {d}, noise {noise}, levels {levels:?}");
        assert_eq!(t.steps.len(), coverage.len(), "{at}: govsim has {} steps, EMA {}", t.steps.len(), coverage.len());
        for (i, s) in t.steps.iter().enumerate() {
            assert!((s.coverage - coverage[i]).abs() < STAT_TOLERANCE, "{at}, step {i}: coverage");
            assert!((s.density - density[i]).abs() < STAT_TOLERANCE, "{at}, step {i}: density");
            assert!((s.mass - mass[i]).abs() < STAT_TOLERANCE, "{at}, step {i}: mass");
            assert_eq!(s.n_restricted() as f64, res_dim[i], "{at}, step {i}: restricted factors");
            assert_eq!(s.cases as f64, cases[i], "{at}, step {i}: cases in the box");
            for j in 0..d {
                let lim = &ema["limits"][i][format!("x{j}")];
                let (lo, hi) = (lim[0].as_f64().unwrap(), lim[1].as_f64().unwrap());
                assert!((s.lower[j] - lo).abs() < STAT_TOLERANCE, "{at}, step {i}, x{j}: lower {} vs {lo}", s.lower[j]);
                assert!((s.upper[j] - hi).abs() < STAT_TOLERANCE, "{at}, step {i}, x{j}: upper {} vs {hi}", s.upper[j]);
            }
        }
        // quasi-p-values of the last box (EMA: -1 where a side is not restricted)
        let last = t.steps.last().unwrap();
        let qp = quasi_p(&columns, &interest, &t, last);
        let ema_qp = ema["qp_last"].as_object().unwrap();
        let mut compared = 0;
        for (j, ours) in qp.iter().enumerate() {
            match ema_qp.get(&format!("x{j}")) {
                None => assert!(ours.iter().all(|v| v.is_nan()), "{at}, x{j}: EMA has no quasi-p, govsim {ours:?}"),
                Some(pair) => {
                    for (side, g) in ours.iter().enumerate() {
                        let e = pair[side].as_f64().unwrap();
                        if e < 0.0 {
                            assert!(g.is_nan(), "{at}, x{j}[{side}]: EMA -1, govsim {g}");
                        } else {
                            let scale = e.abs().max(1e-300);
                            assert!((g - e).abs() <= QP_TOLERANCE * scale, "{at}, x{j}[{side}]: govsim {g}, EMA {e}");
                            compared += 1;
                        }
                    }
                }
            }
        }
        assert!(compared > 0, "{at}: the last box restricts nothing");
        let last_ema = coverage.len() - 1;
        eprintln!(
            "{at}: {} steps; last box coverage {:.4}/{:.4}, density {:.4}/{:.4} (govsim/EMA {})",
            t.steps.len(),
            last.coverage,
            coverage[last_ema],
            last.density,
            density[last_ema],
            ema["ema_workbench"]
        );
    }
}

/// A tiny merged sweep (1,000 residents, 2 years; 16 Latin-hypercube points × 2 replications)
/// of the exit hazard, which drives the share of active volunteers, and the recovery threshold
/// of the shock measures, which no final-year mean can depend on.
fn small_sweep(dir: &Path) -> PathBuf {
    let scenario = dir.join("tiny.json");
    let base = repo("tests/sweeps/small-government-driven.json");
    fs::write(&scenario, format!(r#"{{ "extends": "{}", "time": {{ "years": 2 }} }}"#, base.display())).unwrap();
    let sweep = dir.join("sweep.json");
    let text = format!(
        r#"{{
  "name": "discover-test",
  "scenarios": ["{}"],
  "factors": [
    {{ "path": "behaviour.retention.base_hazard", "min": 0.02, "max": 0.4 }},
    {{ "path": "measures.recovery_threshold", "min": 0.5, "max": 0.95 }}
  ],
  "design": {{ "type": "latin_hypercube", "points": 16 }},
  "replications": 2,
  "seed": 4,
  "outputs": [
    {{ "metric": "active_rate", "statistic": "final_year_mean" }},
    {{ "metric": "coverage", "statistic": "final_year_mean" }}
  ]
}}"#,
        scenario.display()
    );
    fs::write(&sweep, text).unwrap();
    let out = dir.join("sweep-out");
    govsim().args(["sweep", sweep.to_str().unwrap(), "--progress", "off", "--out"]).arg(&out).assert().success();
    out
}

/// The median of a column of runs.csv.
fn median(file: &Path, column: &str) -> f64 {
    let mut v = Csv::read(file).numbers(column);
    v.retain(|x| x.is_finite());
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

const ACTIVE: &str = "active_rate.final_year_mean";
const HAZARD: &str = "behaviour.retention.base_hazard";
const INERT: &str = "measures.recovery_threshold";

#[test]
fn discover_writes_the_trajectory_the_box_a_report_and_a_chart() {
    let dir = tempdir();
    let sweep = small_sweep(dir.path());
    let threshold = median(&sweep.join("runs.csv"), ACTIVE).to_string();
    let a = govsim()
        .args(["discover", sweep.to_str().unwrap(), "--output", ACTIVE, "--below", &threshold])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(stdout.contains("← chosen") && stdout.contains(&format!("{ACTIVE} below")), "{stdout}");
    let out = sweep.join("discovery");
    for f in ["prim_trajectory.csv", "prim_box.csv", "discovery.md", "prim_tradeoff.png", "prim_tradeoff.svg"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let t = Csv::read(&out.join("prim_trajectory.csv"));
    assert_eq!(t.header[..9].join(","), "step,phase,coverage,density,mass,n_restricted,cases,cases_of_interest,chosen");
    assert!(t.header.contains(&format!("{HAZARD}_lower")) && t.header.contains(&format!("{HAZARD}_upper")));
    // the first box holds all 32 runs, half of them (below the median) of interest
    assert_eq!((&t.rows[0][1][..], &t.rows[0][2][..], &t.rows[0][4][..], &t.rows[0][6][..]), ("start", "1", "1", "32"));
    assert_eq!(t.rows.iter().filter(|r| r[8] == "1").count(), 1, "one chosen box");
    let density = t.numbers("density");
    let chosen = t.rows.iter().position(|r| r[8] == "1").unwrap();
    assert!(density[chosen] > density[0], "the chosen box is denser than all runs: {density:?}");
    // fewer active volunteers where more of them leave: the box bounds the exit hazard from below
    let b = Csv::read(&out.join("prim_box.csv"));
    assert_eq!(b.header.join(","), "factor,unit,restricted,min,max,range_min,range_max,quasi_p_lower,quasi_p_upper");
    let hazard = b.rows.iter().find(|r| r[0] == HAZARD).unwrap();
    assert_eq!((&hazard[1][..], &hazard[2][..]), ("1/month", "1"), "{hazard:?}");
    assert!(hazard[3].parse::<f64>().unwrap() > hazard[5].parse::<f64>().unwrap(), "{hazard:?}");
    let qp: f64 = hazard[7].parse().unwrap();
    assert!((0.0..0.05).contains(&qp), "quasi-p of the hazard's lower limit {qp}");
    let inert = b.rows.iter().find(|r| r[0] == INERT).unwrap();
    assert_eq!((&inert[2][..], &inert[7][..], &inert[8][..]), ("0", "", ""), "{inert:?}");
    let md = fs::read_to_string(out.join("discovery.md")).unwrap();
    // the factor by its name (from the parameter's documentation) in the sentence, its path in the table
    assert!(md.contains(&format!("{ACTIVE} below")) && md.contains("retention: base exit hazard ≥"), "{md}");
    assert!(md.contains(&format!("| retention: base exit hazard | `{HAZARD}` | 1/month |")), "{md}");
    assert!(md.contains("Friedman") && md.contains("Bryant") && md.contains("Kwakkel"));
    // again, per design point and with a density: replaces its own folder
    govsim()
        .args(["discover", sweep.to_str().unwrap(), "--output", ACTIVE, "--below", &threshold])
        .args(["--threshold-share", "0.5", "--density", "0.8"])
        .assert()
        .success();
    let t = Csv::read(&out.join("prim_trajectory.csv"));
    assert_eq!(t.rows[0][6], "16", "one case per design point");
    // a file of the user's in the folder: refused, nothing changed
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let a = govsim()
        .args(["discover", sweep.to_str().unwrap(), "--output", ACTIVE, "--below", &threshold])
        .assert()
        .code(2);
    assert!(stderr(&a).contains("did not make") || stderr(&a).contains("govsim never"), "{}", stderr(&a));
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    // --out elsewhere
    let other = dir.path().join("elsewhere");
    govsim()
        .args(["discover", sweep.to_str().unwrap(), "--output", ACTIVE, "--above", &threshold, "--out"])
        .arg(&other)
        .assert()
        .success();
    assert!(other.join("prim_tradeoff.png").is_file());
}

#[test]
fn discover_refuses_bad_input_saying_what_there_is() {
    let dir = tempdir();
    let sweep = small_sweep(dir.path());
    let s = sweep.to_str().unwrap();
    // an output the sweep does not have: the ones it has are named
    let a = govsim().args(["discover", s, "--output", "coverage", "--below", "0.5"]).assert().code(2);
    let e = stderr(&a);
    assert!(
        e.contains("no output \"coverage\"") && e.contains(ACTIVE) && e.contains("coverage.final_year_mean"),
        "{e}"
    );
    assert!(!sweep.join("discovery").exists(), "nothing is written on bad input");
    // a threshold no run is below, or every run
    let a = govsim().args(["discover", s, "--output", ACTIVE, "--below", "-1"]).assert().code(2);
    assert!(stderr(&a).contains("no run has") && stderr(&a).contains("nothing to discover"), "{}", stderr(&a));
    let a = govsim().args(["discover", s, "--output", ACTIVE, "--below", "2"]).assert().code(2);
    assert!(stderr(&a).contains("every run has"), "{}", stderr(&a));
    // a scenario it does not have
    let a = govsim().args(["discover", s, "--output", ACTIVE, "--below", "0.1", "--scenario", "x"]).assert().code(2);
    assert!(stderr(&a).contains("its scenarios: tiny"), "{}", stderr(&a));
    // options out of range, a missing side
    govsim().args(["discover", s, "--output", ACTIVE, "--below", "0.1", "--peel-alpha", "0.6"]).assert().code(2);
    govsim().args(["discover", s, "--output", ACTIVE]).assert().code(2);
    // not a merged sweep: a plain folder, and a sweep whose merge is gone
    let plain = dir.path().join("plain");
    fs::create_dir_all(&plain).unwrap();
    let a = govsim().args(["discover", plain.to_str().unwrap(), "--output", ACTIVE, "--below", "0.1"]).assert().code(2);
    assert!(stderr(&a).contains("sweep output folder"), "{}", stderr(&a));
    fs::remove_file(sweep.join("manifest.json")).unwrap();
    let a = govsim().args(["discover", s, "--output", ACTIVE, "--below", "0.1"]).assert().code(2);
    assert!(stderr(&a).contains("not merged"), "{}", stderr(&a));
    assert!(!sweep.join("discovery").exists());
}

/// `--lang zh`: discovery.md, the terminal text and the chart in Chinese, factors by their
/// Chinese names with their paths kept; the CSV files byte for byte as in English.
#[test]
fn discover_in_chinese_keeps_the_data_files() {
    let dir = tempdir();
    let sweep = small_sweep(dir.path());
    let threshold = median(&sweep.join("runs.csv"), ACTIVE).to_string();
    let (en, zh) = (dir.path().join("en"), dir.path().join("zh"));
    for (out, lang) in [(&en, "en"), (&zh, "zh")] {
        govsim()
            .args(["discover", sweep.to_str().unwrap(), "--output", ACTIVE, "--below", &threshold, "--lang", lang])
            .arg("--out")
            .arg(out)
            .assert()
            .success();
    }
    for f in ["prim_trajectory.csv", "prim_box.csv"] {
        assert_eq!(fs::read(en.join(f)).unwrap(), fs::read(zh.join(f)).unwrap(), "{f}");
    }
    let md = fs::read_to_string(zh.join("discovery.md")).unwrap();
    assert!(md.starts_with(&format!("# 情景发现：{ACTIVE} 低于 ")), "{md}");
    assert!(md.contains("## 选定的框") && md.contains("## 剥离轨迹") && md.contains("← 选定"), "{md}");
    assert!(md.contains(&format!("| 留任：基础退出风险 | `{HAZARD}` | 1/月 |")), "{md}");
    assert!(md.contains("留任：基础退出风险 ≥"), "{md}");
    let svg = fs::read_to_string(zh.join("prim_tradeoff.svg")).unwrap();
    assert!(svg.contains("PRIM 权衡") && svg.contains("覆盖率：") && svg.contains("密度："), "{svg}");
}
