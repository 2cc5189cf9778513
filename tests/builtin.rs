//! The study material built into the binary: `govsim compare` from an empty folder, a file on
//! disk winning over its built-in namesake (and govsim saying so), `govsim scenarios list` and
//! `export`, and the version and commit in summary.json.

mod common;

use common::cli::{govsim, stderr};
use common::repo;
use std::path::Path;

/// Every file under `dir`, as `/`-separated paths relative to it, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = common::files::files_under(dir)
        .iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    out.sort();
    out
}

#[test]
fn compare_runs_from_an_empty_folder_on_the_built_in_drivers() {
    let tmp = tempfile::tempdir().unwrap();
    let a = govsim().current_dir(tmp.path()).args(["compare", "--reps", "2", "--progress", "off"]).assert().success();
    let err = stderr(&a);
    assert!(err.contains("scenarios/drivers: no such folder here; using the 5 built-in files"), "{err}");
    let out = tmp.path().join("output/compare");
    let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    for model in
        ["government-driven", "enterprise-driven", "social-organisation-driven", "volunteer-led", "multi-actor"]
    {
        assert!(csv.contains(model), "{model} missing from comparison.csv");
    }
    // the same numbers as the files in the repository give (bit for bit: the same bytes)
    let from_repo = tempfile::tempdir().unwrap();
    govsim()
        .args(["compare", "--reps", "2", "--progress", "off", "--out"])
        .arg(from_repo.path().join("c"))
        .arg(repo("scenarios/drivers"))
        .assert()
        .success();
    assert_eq!(csv, std::fs::read_to_string(from_repo.path().join("c/comparison.csv")).unwrap());
    // provenance names the built-in files and hashes the bytes used
    let prov: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("provenance.json")).unwrap()).unwrap();
    let inputs = prov["input_files"].as_array().unwrap();
    assert_eq!(inputs.len(), 5);
    assert!(inputs.iter().all(|f| f["sha256"].as_str().unwrap().len() == 64), "{inputs:?}");
}

#[test]
fn built_in_cases_extend_built_in_drivers_and_sweeps_find_their_scenarios() {
    let tmp = tempfile::tempdir().unwrap();
    let a = govsim()
        .current_dir(tmp.path())
        .args(["validate", "scenarios/cases/hemei.json", "sweeps/multi-actor-resources.json"])
        .arg("calibrations/shared-behaviour.json")
        .assert()
        .success();
    let err = stderr(&a);
    assert!(err.contains("scenarios/cases/hemei.json: no such file here; using the copy built into govsim"), "{err}");
    // said once per file, however often it is read
    assert_eq!(err.matches("scenarios/cases/hemei.json: no such file here").count(), 1, "{err}");
    govsim()
        .current_dir(tmp.path())
        .args(["sweep", "sweeps/multi-actor-resources.json", "--dry-run"])
        .assert()
        .success();
}

#[test]
fn a_file_on_disk_wins_and_govsim_says_when_it_differs() {
    let tmp = tempfile::tempdir().unwrap();
    let drivers = tmp.path().join("scenarios/drivers");
    std::fs::create_dir_all(&drivers).unwrap();
    // an unchanged copy and an edited one: the folder on disk is used, not the built-in five
    std::fs::copy(repo("scenarios/drivers/government-driven.json"), drivers.join("government-driven.json")).unwrap();
    let text = std::fs::read_to_string(repo("scenarios/drivers/volunteer-led.json")).unwrap();
    let edited =
        text.replacen("\"name\": \"volunteer-led\"", "\"name\": \"volunteer-led\",\n  \"time\": { \"years\": 2 }", 1);
    assert_ne!(edited, text);
    std::fs::write(drivers.join("volunteer-led.json"), edited).unwrap();
    let a = govsim().current_dir(tmp.path()).args(["compare", "--reps", "2", "--progress", "off"]).assert().success();
    let err = stderr(&a);
    assert!(!err.contains("built-in files"), "{err}");
    assert!(
        err.contains("scenarios/drivers/volunteer-led.json: using the file on disk, which differs from the copy built into govsim"),
        "{err}"
    );
    assert!(!err.contains("government-driven.json"), "an unchanged copy needs no word: {err}");
    let csv = std::fs::read_to_string(tmp.path().join("output/compare/comparison.csv")).unwrap();
    assert!(!csv.contains("multi-actor"), "only the two files on disk are compared");
}

#[test]
fn a_missing_folder_is_named_with_where_it_was_looked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let a = govsim().current_dir(tmp.path()).args(["compare", "scenarios/drivrs"]).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("scenarios/drivrs: no such file or folder (looked in"), "{err}");
    assert!(err.contains("govsim scenarios list"), "{err}");
    assert!(!err.contains("found 1"), "{err}");
    // one scenario is not a comparison: say which one was found
    let a = govsim().current_dir(tmp.path()).args(["compare", "scenarios/drivers/multi-actor.json"]).assert().code(2);
    let err = stderr(&a);
    assert!(
        err.contains("compare needs at least two scenarios; scenarios/drivers/multi-actor.json gives one"),
        "{err}"
    );
}

#[test]
fn scenarios_list_shows_every_built_in_file_and_whether_it_is_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let a = govsim().current_dir(tmp.path()).args(["scenarios", "list"]).assert().success();
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let built_in: Vec<String> = ["scenarios", "sweeps", "calibrations"]
        .iter()
        .flat_map(|top| files_under(&repo(top)).into_iter().map(move |f| format!("{top}/{f}")))
        .filter(|f| f.ends_with(".json"))
        .collect();
    assert!(built_in.len() > 40, "{built_in:?}");
    for f in &built_in {
        let line =
            out.lines().find(|l| l.starts_with(&format!("{f} "))).unwrap_or_else(|| panic!("{f} not listed:\n{out}"));
        assert!(line.contains("no (built-in)"), "{line}");
    }
    assert!(out.lines().any(|l| l.starts_with("sweeps/morris-screening.json") && l.contains("sweep")), "{out}");
    assert!(out.contains(&format!("{} files built into govsim", built_in.len())), "{out}");
    // in the repository every file is on disk and the same
    let a = govsim().current_dir(repo(".")).args(["scenarios", "list"]).assert().success();
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(out.lines().filter(|l| l.contains("yes, the same")).count() == built_in.len(), "{out}");
}

#[test]
fn scenarios_export_writes_the_files_and_schemas_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    govsim().args(["scenarios", "export"]).arg(&dir).assert().success();
    let written = files_under(&dir);
    for top in ["scenarios", "sweeps", "calibrations"] {
        for f in files_under(&repo(top)).iter().filter(|f| f.ends_with(".json")) {
            let rel = format!("{top}/{f}");
            assert!(written.contains(&rel), "{rel} not exported");
            assert_eq!(std::fs::read(dir.join(&rel)).unwrap(), std::fs::read(repo(&rel)).unwrap(), "{rel}");
        }
    }
    // the schemas the files' `$schema` name, as shipped in the repository
    for schema in [
        "govsim.schema.json",
        "govsim.sweep.schema.json",
        "govsim.district.schema.json",
        "govsim.region.schema.json",
        "govsim.calibration.schema.json",
    ] {
        assert_eq!(std::fs::read(dir.join(schema)).unwrap(), std::fs::read(repo(schema)).unwrap(), "{schema}");
    }
    assert!(!written.iter().any(|f| f.contains("govsim-export")), "no temporary folder left: {written:?}");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "nothing beside the export");
    // an exported case runs from there
    govsim().current_dir(&dir).args(["validate", "scenarios/cases/hemei.json"]).assert().success();
    // a folder that holds anything is refused, and left as it was
    let mine = tmp.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "my notes").unwrap();
    let a = govsim().args(["scenarios", "export"]).arg(&mine).assert().code(2);
    assert!(stderr(&a).contains("the folder is not empty"), "{}", stderr(&a));
    assert_eq!(files_under(&mine), ["notes.txt"]);
    assert_eq!(std::fs::read_to_string(mine.join("notes.txt")).unwrap(), "my notes");
    // so is a file, untouched
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    govsim().args(["scenarios", "export"]).arg(&file).assert().code(2);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    // an empty folder is filled
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    govsim().args(["scenarios", "export"]).arg(&empty).assert().success();
    assert_eq!(files_under(&empty), written);
}

#[test]
fn summary_json_names_the_version_and_commit() {
    let tmp = tempfile::tempdir().unwrap();
    govsim()
        .args(["run", "--reps", "1", "--progress", "off", "--out"])
        .arg(tmp.path().join("o"))
        .arg(repo("scenarios/drivers/volunteer-led.json"))
        .assert()
        .success();
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("o/volunteer-led/summary.json")).unwrap())
            .unwrap();
    assert_eq!(s["govsim_version"], env!("CARGO_PKG_VERSION"));
    let commit = s["govsim_commit"].as_str().unwrap();
    assert!(commit == "unknown" || (commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit())), "{commit}");
    assert!(s["govsim_modified"].is_boolean());
    // the same commit `--version` prints
    let v = String::from_utf8(govsim().arg("--version").assert().success().get_output().stdout.clone()).unwrap();
    assert!(commit == "unknown" || v.contains(&commit[..12]), "{v} vs {commit}");
}
