//! The codebook (`datapackage.json`) of every output folder with CSV files, kept in step with the
//! writers: each command runs on small inputs and every CSV file of its folder must be described
//! column by column, in order, with a type its cells parse as, a description and, where given,
//! a unit. And `timeseries_long.csv` holds the numbers of the per-model `timeseries.csv` files.

mod common;

use common::{drivers_dir, govsim, read_json, repo, tempdir};
use govsim::output::table::CsvText;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The CSV files of an output folder (relative paths), as a user would find them: in the folder
/// and its subfolders that are not output folders of their own, without a sweep's block files.
fn csv_files(dir: &Path, prefix: &str, found: &mut BTreeSet<String>) {
    for e in fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().to_string();
        if e.path().is_dir() {
            if !e.path().join(".govsim-output").exists() && name != "blocks" && !name.starts_with('.') {
                csv_files(&e.path(), &format!("{prefix}{name}/"), found);
            }
        } else if name.ends_with(".csv") && !name.starts_with("block-") {
            found.insert(format!("{prefix}{name}"));
        }
    }
}

/// Check the codebook of `dir` against its CSV files; returns the files it describes.
fn check_codebook(dir: &Path) -> BTreeSet<String> {
    let package = read_json(&dir.join("datapackage.json"));
    assert_eq!(package["profile"], "tabular-data-package");
    let resources = package["resources"].as_array().expect("resources");
    let mut described = BTreeSet::new();
    let mut names = BTreeSet::new();
    for r in resources {
        let path = r["path"].as_str().unwrap();
        let name = r["name"].as_str().unwrap();
        assert!(name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-._/".contains(c)), "{name}");
        assert!(names.insert(name.to_string()), "resource name {name} twice");
        assert_eq!(r["format"], "csv", "{path}");
        assert!(!r["description"].as_str().unwrap().is_empty(), "{path}: no description");
        assert!(described.insert(path.to_string()), "{path} twice");
        let schema = &r["schema"];
        assert_eq!(schema["missingValues"], json!([""]), "{path}");
        let fields = schema["fields"].as_array().unwrap();
        let text = fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let csv = CsvText::new(&text).unwrap();
        let header: Vec<String> = csv.header().to_vec();
        let field_names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(field_names, header, "{path}: the codebook's columns are the file's, in order");
        for f in fields {
            let d = f["description"].as_str().unwrap_or_default();
            assert!(!d.trim().is_empty(), "{path}: column {} has no description", f["name"]);
            assert!(["number", "integer", "string", "boolean"].contains(&f["type"].as_str().unwrap()), "{path}: {f}");
            if let Some(u) = f.get("unit") {
                assert!(!u.as_str().unwrap().is_empty(), "{path}: {f}");
            }
        }
        let columns = csv.columns(header.iter().map(String::as_str)).unwrap();
        let mut rows = 0;
        for row in csv {
            let row = row.unwrap();
            rows += 1;
            for (f, c) in fields.iter().zip(&columns) {
                let cell = row.text(c);
                if cell.is_empty() {
                    continue;
                }
                let ok = match f["type"].as_str().unwrap() {
                    "number" => cell.parse::<f64>().is_ok_and(f64::is_finite),
                    "integer" => cell.parse::<i64>().is_ok(),
                    "boolean" => ["true", "false"].contains(&cell),
                    _ => true,
                };
                assert!(ok, "{path} line {}: column {} is {} but holds {cell:?}", row.line(), f["name"], f["type"]);
            }
        }
        assert!(rows > 0 || path.ends_with("targets.csv"), "{path}: no rows, so its types were not checked");
    }
    let mut on_disk = BTreeSet::new();
    csv_files(dir, "", &mut on_disk);
    assert_eq!(described, on_disk, "{}: the codebook describes exactly the CSV files there", dir.display());
    // the marker lists the codebook, so that the folder stays govsim's
    let marker = read_json(&dir.join(".govsim-output"));
    if marker.get("files").is_some() {
        assert!(marker["files"].get("datapackage.json").is_some(), "{marker}");
    }
    described
}

/// The shipped driver models shrunk to 600 residents and 2 years, written into `dir`.
fn small_drivers(dir: &Path, names: &[&str]) -> Vec<PathBuf> {
    names
        .iter()
        .map(|n| {
            let v = json!({
                "extends": drivers_dir().join(format!("{n}.json")),
                "community": { "residents": 600 },
                "time": { "years": 2 },
            });
            let f = dir.join(format!("{n}.json"));
            fs::write(&f, v.to_string()).unwrap();
            f
        })
        .collect()
}

#[test]
fn compare_run_and_cases_folders_describe_their_csv_files() {
    let dir = tempdir();
    let files = small_drivers(dir.path(), &["government-driven", "volunteer-led"]);
    let compare = dir.path().join("compare");
    govsim()
        .args(["compare", "--reps", "3", "--seed", "5", "--progress", "off", "--out"])
        .arg(&compare)
        .args(&files)
        .assert()
        .success();
    let got = check_codebook(&compare);
    for f in [
        "comparison.csv",
        "timeseries_long.csv",
        "government-driven/timeseries.csv",
        "government-driven/organisations.csv",
        "volunteer-led/timeseries.csv",
    ] {
        assert!(got.contains(f), "{f} not described: {got:?}");
    }
    // the codebook's metric columns come from the metrics table
    let package = read_json(&compare.join("datapackage.json"));
    let ts = package["resources"].as_array().unwrap().iter().find(|r| r["path"] == "volunteer-led/timeseries.csv");
    let coverage = ts.unwrap()["schema"]["fields"].as_array().unwrap().iter().find(|f| f["name"] == "coverage");
    let m = govsim::measures::METRICS.iter().find(|m| m.id == "coverage").unwrap();
    assert_eq!(coverage.unwrap()["unit"], m.unit);
    assert!(coverage.unwrap()["description"].as_str().unwrap().contains(m.meaning));

    // run: one folder per scenario, each with its own codebook
    let run = dir.path().join("run");
    govsim().args(["run", "--reps", "2", "--progress", "off", "--out"]).arg(&run).arg(&files[0]).assert().success();
    let got = check_codebook(&run.join("government-driven"));
    assert_eq!(got, BTreeSet::from(["organisations.csv".to_string(), "timeseries.csv".to_string()]));

    // cases: targets.csv (a boolean column) and the long file
    let case = json!({
        "extends": drivers_dir().join("government-driven.json"),
        "name": "tiny-case",
        "community": { "residents": 600 },
        "time": { "years": 2 },
        "targets": [
            { "name": "active", "measure": "active_volunteers", "from_month": 13, "to_month": 24, "low": 1, "high": 1000, "source": "test, with a comma" }
        ],
    });
    let case_file = dir.path().join("tiny-case.json");
    fs::write(&case_file, case.to_string()).unwrap();
    let cases = dir.path().join("cases");
    govsim()
        .args(["cases", "--reps", "2", "--progress", "off", "--out"])
        .arg(&cases)
        .arg(&case_file)
        .assert()
        .success();
    let got = check_codebook(&cases);
    assert!(
        got.contains("targets.csv") && got.contains("timeseries_long.csv") && got.contains("tiny-case/timeseries.csv")
    );
    let package = read_json(&cases.join("datapackage.json"));
    let targets = package["resources"].as_array().unwrap().iter().find(|r| r["path"] == "targets.csv").unwrap();
    let within = targets["schema"]["fields"].as_array().unwrap().iter().find(|f| f["name"] == "within").unwrap();
    assert_eq!(within["type"], "boolean");
}

#[test]
fn timeseries_long_holds_the_numbers_of_the_per_model_files() {
    let dir = tempdir();
    let files = small_drivers(dir.path(), &["social-organisation-driven", "multi-actor"]);
    let out = dir.path().join("compare");
    govsim()
        .args(["compare", "--reps", "2", "--seed", "9", "--progress", "off", "--out"])
        .arg(&out)
        .args(&files)
        .assert()
        .success();
    let long_text = fs::read_to_string(out.join("timeseries_long.csv")).unwrap();
    let mut long = CsvText::new(&long_text).unwrap();
    assert_eq!(long.header().join(","), "scenario,replicate,month,metric,value");
    let cols = long.columns(["scenario", "replicate", "month", "metric", "value"]).unwrap();
    let mut cells: BTreeMap<(String, String, String, String), String> = BTreeMap::new();
    for row in long.by_ref() {
        let row = row.unwrap();
        let key = (0..4).map(|i| row.text(&cols[i]).to_string()).collect::<Vec<_>>();
        let previous =
            cells.insert((key[0].clone(), key[1].clone(), key[2].clone(), key[3].clone()), row.text(&cols[4]).into());
        assert!(previous.is_none(), "{key:?} twice");
    }
    let mut compared = 0;
    let mut empty = 0;
    for name in ["social-organisation-driven", "multi-actor"] {
        let text = fs::read_to_string(out.join(name).join("timeseries.csv")).unwrap();
        let csv = CsvText::new(&text).unwrap();
        let header = csv.header().to_vec();
        let columns = csv.columns(header.iter().map(String::as_str)).unwrap();
        let metrics: Vec<&String> = header.iter().skip(3).collect();
        assert_eq!(metrics.len(), govsim::measures::METRICS.len());
        let mut rows = 0;
        for row in csv {
            let row = row.unwrap();
            rows += 1;
            let all: Vec<&str> = columns.iter().map(|c| row.text(c)).collect();
            for (i, metric) in metrics.iter().enumerate() {
                let key = (name.to_string(), all[0].to_string(), all[2].to_string(), metric.to_string());
                let value = cells.remove(&key).unwrap_or_else(|| panic!("{key:?} missing from timeseries_long.csv"));
                assert_eq!(value, all[3 + i], "{key:?}");
                compared += 1;
                empty += value.is_empty() as usize;
            }
        }
        assert_eq!(rows, 2 * 24, "{name}: 2 replications of 24 months");
    }
    assert!(cells.is_empty(), "rows of timeseries_long.csv in no per-model file: {:?}", cells.keys().next());
    assert_eq!(compared, 2 * 2 * 24 * govsim::measures::METRICS.len());
    assert!(empty < compared, "some values are numbers");
}

#[test]
fn district_folder_describes_its_csv_files() {
    let dir = tempdir();
    let group = |name: &str, count: u32| {
        json!({ "scenario": drivers_dir().join(format!("{name}.json")), "count": count,
                "overrides": { "time": { "years": 2 }, "community": { "residents": 300 } } })
    };
    let district = json!({
        "description": "codebook test district",
        "communities": [group("government-driven", 2), group("volunteer-led", 2)],
    });
    let file = dir.path().join("district.json");
    fs::write(&file, district.to_string()).unwrap();
    let out = dir.path().join("district");
    govsim().args(["district", "--progress", "off", "--out"]).arg(&out).arg(&file).assert().success();
    let got = check_codebook(&out);
    assert_eq!(got, BTreeSet::from(["communities.csv".to_string(), "timeseries.csv".to_string()]));
}

#[test]
fn region_folder_describes_its_merged_csv_files() {
    // the districts' own folders carry their own codebooks; the blocks are not CSV
    let dir = tempdir();
    let out = dir.path().join("region");
    govsim()
        .args(["region", "--progress", "off", "--out"])
        .arg(&out)
        .arg(repo("tests/regions/small.json"))
        .assert()
        .success();
    let got = check_codebook(&out);
    assert_eq!(got, BTreeSet::from(["districts.csv".to_string(), "timeseries.csv".to_string()]));
    let district = out.join("districts/000002-small-county");
    assert_eq!(
        check_codebook(&district),
        BTreeSet::from(["communities.csv".to_string(), "timeseries.csv".to_string()])
    );
}

/// A small Morris sweep of one small driver model (exit hazard and an inert factor).
fn small_sweep(dir: &Path) -> PathBuf {
    let text = json!({
        "name": "codebook-test",
        "scenarios": [repo("tests/sweeps/small-government-driven.json")],
        "factors": [
            { "path": "behaviour.retention.base_hazard", "min": 0.05, "max": 0.4 },
            { "path": "measures.recovery_threshold", "min": 0.5, "max": 0.95 }
        ],
        "design": { "type": "morris", "trajectories": 4, "levels": 4 },
        "replications": 2,
        "seed": 3,
        "outputs": [
            { "metric": "active_rate", "statistic": "final_year_mean" },
            { "metric": "coverage", "statistic": "whole_run_mean" },
            { "metric": "active_rate", "statistic": { "time_to_threshold": { "threshold": 0.05, "above": true } } }
        ]
    });
    let file = dir.join("sweep.json");
    fs::write(&file, text.to_string()).unwrap();
    let out = dir.join("sweep-out");
    govsim().args(["sweep", file.to_str().unwrap(), "--progress", "off", "--out"]).arg(&out).assert().success();
    out
}

#[test]
fn sweep_analyze_and_discover_folders_describe_their_csv_files() {
    let dir = tempdir();
    let sweep = small_sweep(dir.path());
    let got = check_codebook(&sweep);
    assert_eq!(got, BTreeSet::from(["points.csv".to_string(), "runs.csv".to_string()]));
    // the factor columns are numbers, the statistic columns say which metric and statistic
    let package = read_json(&sweep.join("datapackage.json"));
    let runs = &package["resources"].as_array().unwrap().iter().find(|r| r["path"] == "runs.csv").unwrap()["schema"];
    let field = |name: &str| runs["fields"].as_array().unwrap().iter().find(|f| f["name"] == name).unwrap().clone();
    assert_eq!(field("behaviour.retention.base_hazard")["type"], "number");
    assert!(field("active_rate.final_year_mean")["description"].as_str().unwrap().starts_with("final year mean of"));
    assert_eq!(field("run")["type"], "integer");
    // merging again rewrites it the same
    let before = fs::read(sweep.join("datapackage.json")).unwrap();
    govsim().args(["merge", sweep.to_str().unwrap()]).assert().success();
    assert_eq!(fs::read(sweep.join("datapackage.json")).unwrap(), before);

    govsim().args(["analyze", sweep.to_str().unwrap()]).assert().success();
    let got = check_codebook(&sweep.join("analysis"));
    assert_eq!(got, BTreeSet::from(["sensitivity.csv".to_string()]));

    let runs_text = fs::read_to_string(sweep.join("runs.csv")).unwrap();
    let mut csv = CsvText::new(&runs_text).unwrap();
    let active = csv.column("active_rate.final_year_mean").unwrap();
    let mut v: Vec<f64> = csv.by_ref().map(|r| r.unwrap().number(&active).unwrap()).filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let threshold = v[v.len() / 2].to_string();
    govsim()
        .args(["discover", sweep.to_str().unwrap(), "--output", "active_rate.final_year_mean", "--below", &threshold])
        .assert()
        .success();
    let got = check_codebook(&sweep.join("discovery"));
    assert_eq!(got, BTreeSet::from(["prim_box.csv".to_string(), "prim_trajectory.csv".to_string()]));
}

#[test]
fn calibration_folder_describes_its_csv_files() {
    let dir = tempdir();
    let out = dir.path().join("calibration");
    govsim()
        .args(["calibrate", repo("tests/calibrations/tiny.json").to_str().unwrap(), "--progress", "off", "--out"])
        .arg(&out)
        .assert()
        .success();
    let got = check_codebook(&out);
    for f in ["posterior.csv", "parameters.csv", "predictive.csv", "generations.csv"] {
        assert!(got.contains(f), "{f} not described: {got:?}");
    }
}
