//! `govsim analyze` on small sweeps: a factor the outputs cannot depend on must get exactly zero
//! sensitivity (common random numbers make every replication identical across its levels), and
//! a factor that drives them must not.

mod common;

use common::{govsim, read_json, repo, stderr, tempdir, write_json, Csv};
use std::fs;
use std::path::{Path, PathBuf};

/// A sweep file over the small government-driven scenario (1,000 residents, 3 years) with two
/// factors: the base exit hazard (drives participation) and the recovery threshold of the shock
/// measures (only read when measuring shocks, so no final-year mean can depend on it).
fn sweep_file(dir: &Path, design: &str) -> PathBuf {
    let scenario = repo("tests/sweeps/small-government-driven.json");
    let text = format!(
        r#"{{
  "name": "analyze-test",
  "scenarios": ["{}"],
  "factors": [
    {{ "path": "behaviour.retention.base_hazard", "min": 0.05, "max": 0.4 }},
    {{ "path": "measures.recovery_threshold", "min": 0.5, "max": 0.95 }}
  ],
  "design": {design},
  "replications": 2,
  "seed": 3,
  "outputs": [
    {{ "metric": "active_rate", "statistic": "final_year_mean" }},
    {{ "metric": "retention_12m", "statistic": "whole_run_mean" }}
  ]
}}"#,
        scenario.display()
    );
    let p = dir.join("sweep.json");
    fs::write(&p, text).unwrap();
    p
}

/// Run and analyse; the rows of sensitivity.csv as (output, factor, index, value).
fn analyse(dir: &Path, design: &str) -> (PathBuf, Vec<(String, String, String, f64)>) {
    let file = sweep_file(dir, design);
    let out = dir.join("out");
    govsim().args(["sweep", file.to_str().unwrap(), "--progress", "off", "--out"]).arg(&out).assert().success();
    govsim().args(["analyze", out.to_str().unwrap()]).assert().success();
    let csv = Csv::read(&out.join("analysis/sensitivity.csv"));
    assert_eq!(csv.header.join(","), "scenario,output,factor,method,index,value,ci95_low,ci95_high");
    let rows =
        csv.rows.iter().map(|c| (c[1].clone(), c[2].clone(), c[4].clone(), c[5].parse().unwrap_or(f64::NAN))).collect();
    (out, rows)
}

fn value(rows: &[(String, String, String, f64)], output: &str, factor: &str, index: &str) -> f64 {
    rows.iter().find(|r| r.0 == output && r.1 == factor && r.2 == index).map(|r| r.3).unwrap()
}

const HAZARD: &str = "behaviour.retention.base_hazard";
const NULL: &str = "measures.recovery_threshold";

#[test]
fn morris_finds_the_driving_factor_and_gives_the_inert_one_zero() {
    let dir = tempdir();
    let (out, rows) = analyse(dir.path(), r#"{ "type": "morris", "trajectories": 4, "levels": 4 }"#);
    for output in ["active_rate.final_year_mean", "retention_12m.whole_run_mean"] {
        assert_eq!(value(&rows, output, NULL, "mu_star"), 0.0, "{output}");
        assert_eq!(value(&rows, output, NULL, "sigma"), 0.0, "{output}");
        let mu_star = value(&rows, output, HAZARD, "mu_star");
        assert!(mu_star > 0.01, "{output}: μ* of the exit hazard {mu_star}");
        assert!(mu_star >= value(&rows, output, HAZARD, "mu").abs() - 1e-12);
    }
    // more exits, fewer active volunteers: the mean effect is negative
    assert!(value(&rows, "active_rate.final_year_mean", HAZARD, "mu") < 0.0);
    assert!(out.join("analysis/charts/morris-government-driven.png").exists());
    assert_eq!(read_json(&out.join("analysis/sensitivity.json"))["design"], "morris");
}

#[test]
fn sobol_gives_the_inert_factor_zero_total_effect() {
    let dir = tempdir();
    let (out, rows) = analyse(dir.path(), r#"{ "type": "sobol", "base_samples": 16 }"#);
    let output = "active_rate.final_year_mean";
    assert_eq!(value(&rows, output, NULL, "ST"), 0.0);
    assert_eq!(value(&rows, output, NULL, "S1"), 0.0);
    // one factor does everything: its total index is about one (16 base samples: a wide margin)
    let st = value(&rows, output, HAZARD, "ST");
    assert!((0.6..1.4).contains(&st), "ST of the exit hazard {st}");
    assert!(out.join("analysis/charts/sobol-government-driven-active_rate-final_year_mean.svg").exists());
}

#[test]
fn a_two_factor_grid_gets_correlations_and_heatmaps() {
    let dir = tempdir();
    let (out, rows) = analyse(dir.path(), r#"{ "type": "grid", "levels_per_factor": 3 }"#);
    assert!(value(&rows, "active_rate.final_year_mean", HAZARD, "pearson_r") < -0.5);
    // the inert factor: constant output along it within each hazard level, but the correlation
    // over the whole grid is exactly zero because the levels are balanced
    assert!(value(&rows, "active_rate.final_year_mean", NULL, "pearson_r").abs() < 1e-9);
    for f in [
        "heatmap-government-driven-active_rate-final_year_mean.png",
        "heatmap-government-driven-retention_12m-whole_run_mean.svg",
    ] {
        assert!(out.join("analysis/charts").join(f).exists(), "{f}");
    }
}

#[test]
fn analyze_before_merge_or_on_another_folder_is_bad_input() {
    let dir = tempdir();
    let out = dir.path().join("nothing");
    fs::create_dir_all(&out).unwrap();
    let a = govsim().args(["analyze", out.to_str().unwrap()]).assert().code(2);
    assert!(stderr(&a).contains("sweep.json"));
    // shards only, not merged yet
    let file = sweep_file(dir.path(), r#"{ "type": "grid", "levels_per_factor": 2 }"#);
    let out = dir.path().join("sharded");
    govsim()
        .args([
            "sweep",
            file.to_str().unwrap(),
            "--shard-index",
            "0",
            "--shard-count",
            "1",
            "--progress",
            "off",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let a = govsim().args(["analyze", out.to_str().unwrap()]).assert().code(2);
    assert!(stderr(&a).contains("govsim merge"));
    assert!(!out.join("analysis").exists());
}

#[test]
fn stale_or_partial_merges_are_refused() {
    let dir = tempdir();
    let (out, _) = analyse(dir.path(), r#"{ "type": "grid", "levels_per_factor": 2 }"#);
    let not_a_sweep = govsim().args(["analyze", dir.path().to_str().unwrap()]).assert().code(2);
    let code = not_a_sweep.get_output().status.code();
    let refused = |why: &str| {
        let a = govsim().args(["analyze", out.to_str().unwrap()]).assert();
        let err = stderr(&a);
        assert_eq!(a.get_output().status.code(), code, "{why}: {err}");
        assert!(err.contains(why) && err.contains("govsim merge"), "{why}: {err}");
    };
    let merge = || govsim().args(["merge", out.to_str().unwrap()]).assert().success();
    let points = out.join("points.csv");
    // a value of points.csv changed after the merge
    let text = fs::read_to_string(&points).unwrap();
    fs::write(&points, text.replacen(",0.", ",1.", 1)).unwrap();
    refused("points.csv is not the last merge's result");
    merge();
    // points.csv gone, or runs.csv cut (a merge interrupted while writing)
    fs::remove_file(&points).unwrap();
    refused("points.csv cannot be read");
    merge();
    let runs = fs::read(out.join("runs.csv")).unwrap();
    fs::write(out.join("runs.csv"), &runs[..runs.len() / 2]).unwrap();
    refused("runs.csv has");
    merge();
    // sweep.json changed since the merge
    let sweep = out.join("sweep.json");
    let text = fs::read_to_string(&sweep).unwrap();
    fs::write(&sweep, text.replacen("\"description\": \"\"", "\"description\": \"changed\"", 1)).unwrap();
    refused("sweep.json is not the one the last merge read");
    fs::write(&sweep, &text).unwrap();
    govsim().args(["analyze", out.to_str().unwrap()]).assert().success();
    // a manifest without checksums (merged by an earlier govsim), or a damaged one
    let manifest = out.join("manifest.json");
    let mut m = read_json(&manifest);
    m.as_object_mut().unwrap().remove("checksums");
    fs::write(&manifest, serde_json::to_string(&m).unwrap()).unwrap();
    refused("records no checksums");
    fs::write(&manifest, "{").unwrap();
    refused("manifest.json is damaged");
    merge();
    govsim().args(["analyze", out.to_str().unwrap()]).assert().success();
}

#[test]
fn an_edited_sweep_json_is_refused_before_it_sizes_anything() {
    let dir = tempdir();
    let (out, _) = analyse(dir.path(), r#"{ "type": "grid", "levels_per_factor": 2 }"#);
    let sweep = out.join("sweep.json");
    let mut v = read_json(&sweep);
    // claims of a billion runs that the file's design does not have
    v["total_runs"] = 1_000_000_000_000u64.into();
    v["blocks"] = 62_500_000_000u64.into();
    write_json(&sweep, &v);
    for cmd in ["merge", "analyze"] {
        let a = govsim().args([cmd, out.to_str().unwrap()]).assert().code(2);
        let err = stderr(&a);
        assert!(err.contains("sweep.json") && err.contains("total_runs 1000000000000"), "{cmd}: {err}");
    }
}

/// Factors are named for readers (own `label`, else from the parameter's documentation) in the
/// charts and sensitivity.md, which keeps the paths; `--lang zh` writes the readable files in
/// Chinese and leaves the data files byte for byte as in English.
#[test]
fn factors_are_named_and_readable_files_follow_the_language() {
    let dir = tempdir();
    let file = sweep_file(dir.path(), r#"{ "type": "morris", "trajectories": 4, "levels": 4 }"#);
    let text = fs::read_to_string(&file).unwrap().replace(
        r#""path": "measures.recovery_threshold","#,
        r#""path": "measures.recovery_threshold", "label": "Recovery bar (own label)","#,
    );
    fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    govsim().args(["sweep", file.to_str().unwrap(), "--progress", "off", "--out"]).arg(&out).assert().success();
    let analysis = out.join("analysis");
    let read = |f: &str| fs::read_to_string(analysis.join(f)).unwrap();

    let said = govsim().args(["analyze", out.to_str().unwrap()]).assert().success();
    let stdout = String::from_utf8_lossy(&said.get_output().stdout).into_owned();
    assert!(
        stdout.contains("retention: base exit hazard (") && stdout.contains("Recovery bar (own label)"),
        "{stdout}"
    );
    // an SVG text element's text is a line of its own
    let has_line = |svg: &str, text: &str| svg.lines().any(|l| l.trim() == text);
    let svg = read("charts/morris-government-driven.svg");
    assert!(has_line(&svg, "retention: base exit hazard") && has_line(&svg, "Recovery bar (own label)"), "{svg}");
    assert!(!svg.contains(HAZARD) && svg.contains("Morris screening"));
    let md = read("sensitivity.md");
    assert!(md.starts_with("# Sensitivity analysis (Morris screening)"), "{md}");
    assert!(md.contains(&format!("| retention: base exit hazard | 1/month | `{HAZARD}` | `{HAZARD}` |")), "{md}");
    assert!(md.contains("| Recovery bar (own label) |") && md.contains(&format!("`{NULL}` |")), "{md}");
    let (csv_en, json_en) = (read("sensitivity.csv"), read("sensitivity.json"));

    let said = govsim().args(["analyze", out.to_str().unwrap(), "--lang", "zh"]).assert().success();
    let stdout = String::from_utf8_lossy(&said.get_output().stdout).into_owned();
    assert!(stdout.contains("各因子按 μ* 排序") && stdout.contains("留任：基础退出风险"), "{stdout}");
    let md = read("sensitivity.md");
    assert!(md.starts_with("# 敏感性分析（Morris 方法筛选）") && md.contains("## 因子"), "{md}");
    assert!(md.contains("| 因子 | 单位 | 结果文件中的列名 | 情景参数路径 |"), "{md}");
    assert!(md.contains(&format!("| 留任：基础退出风险 | 1/月 | `{HAZARD}` | `{HAZARD}` |")), "{md}");
    // an own label is the same in every language
    assert!(md.contains("| Recovery bar (own label) |"), "{md}");
    let svg = read("charts/morris-government-driven.svg");
    assert!(svg.contains("Morris 方法筛选") && has_line(&svg, "留任：基础退出风险"), "{svg}");
    // data files keep their ids and column names
    assert_eq!(read("sensitivity.csv"), csv_en);
    assert_eq!(read("sensitivity.json"), json_en);
    assert!(csv_en.starts_with("scenario,output,factor,method,index,value,ci95_low,ci95_high\n"));
}
