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
        for j in 0..d {
            match ema_qp.get(&format!("x{j}")) {
                None => assert!(qp[j].iter().all(|v| v.is_nan()), "{at}, x{j}: EMA has no quasi-p, govsim {:?}", qp[j]),
                Some(pair) => {
                    for side in 0..2 {
                        let e = pair[side].as_f64().unwrap();
                        let g = qp[j][side];
                        if e < 0.0 {
                            assert!(g.is_nan(), "{at}, x{j}[{side}]: EMA -1, govsim {g}");
                        } else {
                            let scale = e.abs().max(1e-300);
                            assert!((g - e).abs() <= QP_TOLERANCE * scale, "{at}, x{j}[{side}]: govsim {g}, EMA {e}");
                        }
                    }
                }
            }
        }
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
