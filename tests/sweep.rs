//! `govsim sweep` and `govsim merge` end to end on tests/sweeps/small.json (2 driver models at
//! 1,000 residents for 3 years, a 3-point grid, 2 replications: 12 runs in 6 blocks of 2).
//! The Slurm test script runs exactly `govsim sweep tests/sweeps/small.json --out $OUT
//! --shard-from-env` in an array of 4, then `govsim merge $OUT`. Every file is named by its
//! absolute path and every output goes to a temporary folder: nothing depends on the folder
//! the tests start in or on results left there by earlier runs.

mod common;

use assert_cmd::assert::Assert;
use common::files::{hidden_entries, json_files_in, with_absolute_scenarios};
use common::{assert_shipped_schema, govsim, read_json, repo, tempdir, write_json, Csv};
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const SMALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sweeps/small.json");

fn sweep(out: &Path, extra: &[&str]) -> Assert {
    govsim().args(["sweep", SMALL, "--out", out.to_str().unwrap(), "--progress", "off"]).args(extra).assert()
}

/// `govsim merge OUT`.
fn merge(out: &Path) -> Assert {
    govsim().args(["merge", out.to_str().unwrap()]).assert()
}

fn results(out: &Path) -> (Vec<u8>, Vec<u8>) {
    (fs::read(out.join("runs.csv")).unwrap(), fs::read(out.join("points.csv")).unwrap())
}

/// A new temporary folder with the reference run in it: the folder, the path `name` in it for
/// another run of the same sweep, and the reference's bytes.
fn beside_reference(name: &str) -> (TempDir, PathBuf, (Vec<u8>, Vec<u8>)) {
    let dir = tempdir();
    let (_, expected) = reference(dir.path());
    let out = dir.path().join(name);
    (dir, out, expected)
}

/// Merge `out` and check that the result is the reference's bytes.
fn merge_gives(out: &Path, expected: &(Vec<u8>, Vec<u8>)) -> Assert {
    let merged = merge(out).success();
    assert_eq!(&results(out), expected, "the merge differs from the unsharded run");
    merged
}

/// The unsharded run everything else is compared with.
fn reference(dir: &Path) -> (PathBuf, (Vec<u8>, Vec<u8>)) {
    let out = dir.join("all");
    sweep(&out, &[]).success();
    let r = results(&out);
    (out, r)
}

#[test]
fn unsharded_sweep_runs_everything_and_merges() {
    let dir = tempdir();
    let (out, (runs, points)) = reference(dir.path());
    let runs = String::from_utf8(runs).unwrap();
    let lines: Vec<&str> = runs.lines().collect();
    assert_eq!(
        lines[0],
        "run,scenario,point,replicate,behaviour.retention.base_hazard,asymmetry.final_year_mean,coverage.whole_run_mean,active_rate.months_to_above_0.05"
    );
    assert_eq!(lines.len(), 1 + 12);
    // run order: scenario × point × replicate; grid levels 0.1, 0.25, 0.4
    assert!(lines[1].starts_with("0,government-driven,0,0,0.1,"), "{}", lines[1]);
    assert!(lines[4].starts_with("3,government-driven,1,1,0.25,"), "{}", lines[4]);
    assert!(lines[12].starts_with("11,social-organisation-driven,2,1,0.4,"), "{}", lines[12]);
    // common random numbers: replicate r is the same stream at every point, yet the factor matters
    let asym = Csv::parse(&runs).numbers("asymmetry.final_year_mean");
    assert_ne!(asym[0], asym[4], "the exit hazard changed nothing");
    let points = Csv::parse(&String::from_utf8(points).unwrap());
    assert_eq!(points.rows.len(), 6);
    assert!(points
        .header
        .join(",")
        .starts_with("scenario,point,behaviour.retention.base_hazard,asymmetry.final_year_mean"));
    // points.csv holds the replication means of runs.csv
    let mean = (asym[0] + asym[1]) / 2.0;
    let p1 = points.numbers("asymmetry.final_year_mean")[0];
    assert!((p1 - mean).abs() < 1e-12, "{p1} vs {mean}");
    let manifest = read_json(&out.join("manifest.json"));
    assert_eq!(manifest["total_runs"], 12);
    assert_eq!(manifest["blocks"], 6);
    assert_eq!(manifest["block_runs"].as_array().unwrap().len(), 6);
    assert!(manifest["block_runs"][0]["threads"].as_u64().unwrap() >= 1);
    assert_eq!(read_json(&out.join("sweep.json"))["points"].as_array().unwrap().len(), 3);
    // no temporary files left behind, only the marker of govsim's folder
    assert_eq!(hidden_entries(&out), [".govsim-output"]);
    assert_eq!(hidden_entries(&out.join("blocks")), Vec::<String>::new());
}

#[test]
fn three_shards_in_separate_processes_merge_to_the_same_bytes() {
    let (_dir, out, expected) = beside_reference("sharded");
    for i in ["0", "1", "2"] {
        sweep(&out, &["--shard-index", i, "--shard-count", "3"]).success().stdout(
            predicate::str::contains(format!("shard {i} of 3"))
                .and(predicate::str::contains("ran 4 runs in 2 block(s)")),
        );
        assert!(!out.join("runs.csv").exists(), "a shard must not merge");
    }
    merge_gives(&out, &expected).stdout(predicate::str::contains("merged 12 runs"));
}

#[test]
fn slurm_array_of_four_tasks_merges_to_the_same_bytes() {
    // what the Slurm test script does, with the variables Slurm 22.05 sets for --array=0-3
    let (_dir, out, expected) = beside_reference("slurm");
    for id in 0..4 {
        govsim()
            .args(["sweep", SMALL, "--out", out.to_str().unwrap(), "--shard-from-env"])
            .env("SLURM_ARRAY_TASK_ID", id.to_string())
            .env("SLURM_ARRAY_TASK_MIN", "0")
            .env("SLURM_ARRAY_TASK_MAX", "3")
            .env("SLURM_ARRAY_TASK_STEP", "1")
            .env("SLURM_ARRAY_TASK_COUNT", "4")
            .env("SLURM_CPUS_PER_TASK", "1")
            .assert()
            .success()
            .stdout(predicate::str::contains(format!("shard {id} of 4 (Slurm array")))
            .stderr(predicate::str::contains("1 threads"));
    }
    merge_gives(&out, &expected);
}

#[test]
fn a_lost_block_is_redone_alone_and_merge_says_which_is_missing() {
    let (_dir, out, expected) = beside_reference("resume");
    for i in ["0", "1", "2"] {
        sweep(&out, &["--shard-index", i, "--shard-count", "3"]).success();
    }
    // block 4 (runs 8–9) belongs to shard 1 of 3; shard 1 also has block 1
    fs::remove_file(out.join("blocks/block-000004.csv")).unwrap();
    let before = fs::read(out.join("blocks/block-000001.csv")).unwrap();
    merge(&out)
        .code(1)
        .stderr(predicate::str::contains("block(s) 4 = runs 8–9").and(predicate::str::contains("nothing was written")));
    assert!(!out.join("runs.csv").exists() && !out.join("points.csv").exists() && !out.join("manifest.json").exists());
    sweep(&out, &["--shard-index", "1", "--shard-count", "3"]).success().stdout(
        predicate::str::contains("ran 2 runs in 1 block(s)")
            .and(predicate::str::contains("skipped 1 block(s) (2 runs)")),
    );
    assert_eq!(fs::read(out.join("blocks/block-000001.csv")).unwrap(), before);
    merge_gives(&out, &expected);
    // a complete folder: rerunning everything does nothing and merges the same bytes
    sweep(&out, &[]).success().stdout(predicate::str::contains("ran 0 runs in 0 block(s)"));
    assert_eq!(results(&out), expected);
}

#[test]
fn a_truncated_block_is_not_taken_as_done() {
    let dir = tempdir();
    let (out, expected) = reference(dir.path());
    let f = out.join("blocks/block-000002.csv");
    let text = fs::read_to_string(&f).unwrap();
    fs::write(&f, text.lines().take(2).collect::<Vec<_>>().join("\n")).unwrap();
    merge(&out)
        .code(2)
        .stderr(predicate::str::contains("block-000002.csv").and(predicate::str::contains("no line break")));
    sweep(&out, &[]).success().stderr(predicate::str::contains("running the block again"));
    assert_eq!(results(&out), expected);
}

/// Exit code and stderr of `govsim analyze DIR`.
fn analyze(dir: &Path) -> (i32, String) {
    let o = govsim().args(["analyze", dir.to_str().unwrap()]).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stderr).to_string())
}

/// Change one digit inside a number (not its first or last digit, so it is still a number as
/// govsim writes it).
fn bump_digit(cell: &str) -> String {
    let mut c: Vec<char> = cell.chars().collect();
    let i = (1..c.len() - 1).find(|&i| c[i].is_ascii_digit()).expect("a number of 3 or more characters");
    c[i] = if c[i] == '9' { '1' } else { (c[i] as u8 + 1) as char };
    c.into_iter().collect()
}

/// Replace cell `col` of data row `row` (1-based, after the header) of a CSV text.
fn edit_cell(text: &str, row: usize, col: usize, edit: impl Fn(&str) -> String) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[row].split(',').map(str::to_string).collect();
    cells[col] = edit(&cells[col]);
    lines[row] = cells.join(",");
    lines.join("\n") + "\n"
}

#[test]
fn damaged_blocks_are_refused_by_merge_and_rerun_by_sweep() {
    let dir = tempdir();
    let (_, expected) = reference(dir.path());
    // what `analyze` answers for a folder that is not a sweep: a stale merge must get the same
    let not_a_sweep = dir.path().join("empty");
    fs::create_dir_all(&not_a_sweep).unwrap();
    let (not_a_sweep_code, _) = analyze(&not_a_sweep);
    assert_eq!(not_a_sweep_code, 2);
    // block 2 holds runs 4 and 5: government-driven, point 2 (exit hazard 0.4), replicates 0 and 1
    let csv = |out: &Path| out.join("blocks/block-000002.csv");
    let side = |out: &Path| out.join("blocks/block-000002.json");
    type Damage = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Damage, &str)> = vec![
        (
            "last number cut",
            Box::new(move |out| {
                let text = fs::read_to_string(csv(out)).unwrap();
                fs::write(csv(out), &text[..text.len() - 2]).unwrap();
            }),
            "its last line has no line break: the file was cut short",
        ),
        (
            "output edited",
            Box::new(move |out| {
                let text = fs::read_to_string(csv(out)).unwrap();
                // asymmetry.final_year_mean of run 4
                fs::write(csv(out), edit_cell(&text, 1, 5, bump_digit)).unwrap();
            }),
            "was changed since (an edited value?)",
        ),
        (
            "factor edited",
            Box::new(move |out| {
                let text = fs::read_to_string(csv(out)).unwrap();
                fs::write(csv(out), edit_cell(&text, 2, 4, |_| "0.25".into())).unwrap();
            }),
            "run 5: factor behaviour.retention.base_hazard is \"0.25\", but design point 2 has \"0.4\"",
        ),
        (
            "sidecar deleted",
            Box::new(move |out| fs::remove_file(side(out)).unwrap()),
            "its sidecar block-000002.json is missing",
        ),
        (
            "sidecar truncated",
            Box::new(move |out| {
                let text = fs::read_to_string(side(out)).unwrap();
                fs::write(side(out), &text[..text.len() / 2]).unwrap();
            }),
            "its sidecar block-000002.json is not valid JSON",
        ),
    ];
    for (k, (what, damage, problem)) in cases.into_iter().enumerate() {
        let out = dir.path().join(format!("case{k}"));
        sweep(&out, &[]).success();
        assert_eq!(analyze(&out).0, 0, "{what}: a clean sweep analyses");
        damage(&out);
        let merged = govsim().args(["merge", out.to_str().unwrap()]).output().unwrap();
        let stderr = String::from_utf8_lossy(&merged.stderr);
        assert_eq!(merged.status.code(), Some(2), "{what}: {stderr}");
        let block = format!("  - {}: ", csv(&out).display());
        assert!(
            stderr.lines().any(|l| l.starts_with(&block) && l.contains(problem)),
            "{what}: no line names the block and says {problem:?}:\n{stderr}"
        );
        for needle in [
            "nothing was merged",
            "Rerun the same `govsim sweep` command",
            "runs.csv, points.csv, manifest.json were removed",
        ] {
            assert!(stderr.contains(needle), "{what}: {needle:?} missing in\n{stderr}");
        }
        for f in ["runs.csv", "points.csv", "manifest.json"] {
            assert!(!out.join(f).exists(), "{what}: the previous {f} was left behind");
        }
        let (code, stderr) = analyze(&out);
        assert_eq!(code, not_a_sweep_code, "{what}: analyze of a failed merge: {stderr}");
        assert!(stderr.contains("not merged") && stderr.contains("govsim merge"), "{what}: {stderr}");
        // resume treats the damaged block like a missing one, and leaves the others alone
        let intact = fs::read(out.join("blocks/block-000001.csv")).unwrap();
        sweep(&out, &[])
            .success()
            .stderr(
                predicate::str::contains(format!("warning: {} is damaged: ", csv(&out).display()))
                    .and(predicate::str::contains(problem))
                    .and(predicate::str::contains("running the block again")),
            )
            .stdout(predicate::str::contains("ran 2 runs in 1 block(s)"));
        assert_eq!(results(&out), expected, "{what}: the repaired merge differs from a clean run");
        assert_eq!(fs::read(out.join("blocks/block-000001.csv")).unwrap(), intact);
        merge(&out).success().stderr(predicate::str::is_empty());
        assert_eq!(analyze(&out).0, 0, "{what}: the repaired sweep analyses");
    }
}

#[test]
fn blocks_without_a_checksum_are_checked_by_content_and_reported() {
    // block sidecars written before checksums have no "block_csv": such blocks still merge if
    // their content is right, with a warning; a wrong factor value is still caught
    let dir = tempdir();
    let (out, expected) = reference(dir.path());
    for b in [1, 3] {
        let p = out.join(format!("blocks/block-{b:06}.json"));
        let mut v = read_json(&p);
        assert!(v.as_object_mut().unwrap().remove("block_csv").is_some());
        write_json(&p, &v);
    }
    merge(&out)
        .success()
        .stderr(predicate::str::contains("2 block(s) of 6 have no checksum").and(predicate::str::contains("1, 3")));
    assert_eq!(results(&out), expected);
    let manifest = read_json(&out.join("manifest.json"));
    assert_eq!(manifest["unsealed_blocks"], serde_json::json!([1, 3]));
    let f = out.join("blocks/block-000003.csv");
    let text = fs::read_to_string(&f).unwrap();
    // run 6 is social-organisation-driven at point 0 (exit hazard 0.1)
    fs::write(&f, edit_cell(&text, 1, 4, |_| "0.25".into())).unwrap();
    merge(&out).code(2).stderr(predicate::str::contains("block-000003.csv: run 6: factor"));
}

#[test]
fn a_stray_block_file_is_refused_and_the_old_merge_removed() {
    let dir = tempdir();
    let (out, _) = reference(dir.path());
    fs::copy(out.join("blocks/block-000001.csv"), out.join("blocks/block-000006.csv")).unwrap();
    merge(&out)
        .code(2)
        .stderr(predicate::str::contains("not blocks of this sweep (it has blocks 0–5): block-000006.csv"));
    assert!(!out.join("manifest.json").exists() && !out.join("points.csv").exists());
}

#[test]
fn one_and_two_threads_give_the_same_bytes() {
    let dir = tempdir();
    let mut all = Vec::new();
    for t in ["1", "2"] {
        let out = dir.path().join(format!("t{t}"));
        sweep(&out, &["--threads", t]).success().stderr(predicate::str::contains(format!("{t} threads")));
        all.push(results(&out));
    }
    assert_eq!(all[0], all[1]);
}

/// Runs of a block that draw the same population (one replicate of the grid's points, which
/// vary behaviour only) share it. The grid at 32 levels is 128 runs; in blocks of 16 (8 points ×
/// 2 replicates) one thread runs them as 16 jobs of 8 runs, each drawing one population, and
/// eight threads run every run alone (a thread's share would be too few times the longest job);
/// in blocks of one run nothing is shared. All three give the same bytes.
#[test]
fn runs_that_share_a_population_give_the_bytes_of_runs_that_draw_their_own() {
    let dir = tempdir();
    let grid = |v: &mut serde_json::Value, block: u64| {
        v["design"]["levels_per_factor"] = 32.into();
        v["block_size"] = block.into();
    };
    let shared = variant(dir.path(), "blocks-of-16", |v| grid(v, 16));
    let alone = variant(dir.path(), "blocks-of-1", |v| grid(v, 1));
    let mut all = Vec::new();
    for (file, t) in [(&alone, "2"), (&shared, "1"), (&shared, "8")] {
        let out = dir.path().join(format!("{}-t{t}", file.file_stem().unwrap().to_str().unwrap()));
        govsim()
            .args(["sweep", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--progress", "off"])
            .args(["--threads", t])
            .assert()
            .success();
        all.push(results(&out));
    }
    assert_eq!(all[0].0.iter().filter(|&&c| c == b'\n').count(), 129, "a header and 128 runs");
    assert_eq!(all[1], all[0], "shared on 1 thread");
    assert_eq!(all[2], all[0], "alone on 8 threads");
}

/// A copy of small.json (scenario paths made absolute) with one change.
fn variant(dir: &Path, name: &str, change: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let mut v = with_absolute_scenarios("tests/sweeps/small.json", "scenarios", None);
    change(&mut v);
    let p = dir.join(format!("{name}.json"));
    write_json(&p, &v);
    p
}

/// An edit of the test sweep file.
type Change = Box<dyn FnOnce(&mut serde_json::Value)>;

#[test]
fn bad_factors_are_refused_before_anything_runs() {
    let dir = tempdir();
    let cases: Vec<(&str, Change, Vec<&str>)> = vec![
        (
            "bad-path",
            Box::new(|v| v["factors"][0]["path"] = "behaviour.retention.base_hazrd".into()),
            vec!["bad-path.json", "factors[0]", "base_hazrd", "nearest valid keys: base_hazard"],
        ),
        (
            "out-of-range",
            Box::new(|v| v["factors"][0]["max"] = 1.5.into()),
            vec!["factors[0] (behaviour.retention.base_hazard) = 1.5", "government-driven", "allowed range [0, 1]"],
        ),
        (
            "no-such-organisation",
            Box::new(|v| {
                v["factors"][0] =
                    serde_json::json!({ "path": "actors.social_organisations.0.social_workers", "levels": [2, 4] })
            }),
            vec!["factors[0]", "government-driven", "empty list"],
        ),
        (
            "inconsistent-point",
            Box::new(|v| {
                v["factors"][0] =
                    serde_json::json!({ "path": "behaviour.states.regular_commitment", "min": 0.1, "max": 0.9 })
            }),
            vec!["= 0.9", "core_commitment"],
        ),
        (
            "unknown-key",
            Box::new(|v| v["design"]["levelz"] = 3.into()),
            vec!["unknown-key.json", "design.levelz: unknown field \"levelz\" (did you mean \"levels_per_factor\"?)"],
        ),
        (
            "bad-metric",
            Box::new(|v| v["outputs"][0]["metric"] = "asymetry".into()),
            vec!["outputs[0].metric", "nearest: asymmetry"],
        ),
        (
            "odd-morris",
            Box::new(|v| v["design"] = serde_json::json!({ "type": "morris", "trajectories": 2, "levels": 3 })),
            vec!["design", "morris"],
        ),
    ];
    for (name, change, needles) in cases {
        let file = variant(dir.path(), name, change);
        let out = dir.path().join(format!("out-{name}"));
        let mut a = govsim().args(["sweep", file.to_str().unwrap(), "--out", out.to_str().unwrap()]).assert().code(2);
        for n in needles {
            a = a.stderr(predicate::str::contains(n));
        }
        assert!(!out.exists(), "{name}: the output folder was created");
    }
}

#[test]
fn a_folder_of_another_sweep_is_refused() {
    let dir = tempdir();
    let (out, expected) = reference(dir.path());
    let other = variant(dir.path(), "other", |v| v["replications"] = 3.into());
    govsim()
        .args(["sweep", other.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("different sweep").and(predicate::str::contains("replications")));
    assert_eq!(results(&out), expected);
}

#[test]
fn malformed_scheduler_variables_are_bad_input() {
    let dir = tempdir();
    let out = dir.path().join("x");
    let o = out.to_str().unwrap();
    govsim()
        .args(["sweep", SMALL, "--out", o, "--shard-from-env"])
        .env("SLURM_ARRAY_TASK_ID", "2")
        .env("SLURM_ARRAY_TASK_MIN", "0")
        .env("SLURM_ARRAY_TASK_STEP", "1")
        .env("SLURM_ARRAY_TASK_COUNT", "two")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SLURM_ARRAY_TASK_COUNT=\"two\""));
    govsim()
        .args(["sweep", SMALL, "--out", o, "--shard-from-env"])
        .env("JOB_COMPLETION_INDEX", "1")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("JOB_COMPLETION_INDEX=1").and(predicate::str::contains("--shard-count")));
    govsim()
        .args(["sweep", SMALL, "--out", o, "--shard-from-env"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no array task variable"));
    govsim().args(["sweep", SMALL, "--out", o, "--shard-index", "3", "--shard-count", "3"]).assert().code(2);
    govsim()
        .args(["sweep", SMALL, "--out", o])
        .env("SLURM_CPUS_PER_TASK", "lots")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SLURM_CPUS_PER_TASK"));
    assert!(!out.exists());
    govsim()
        .args(["merge", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sweep.json"));
}

/// The shipped sweeps: their run counts, and `--dry-run` writes nothing, not even the default
/// output folder (output/sweeps/NAME below the current folder, here an empty temporary one).
#[test]
fn shipped_sweeps_are_valid() {
    let expected = [
        ("sweeps/morris-screening.json", "5 scenario(s) × 240 point(s) × 5 replication(s) = 6000 runs in 375 block(s)"),
        (
            "sweeps/budget-by-so-capacity.json",
            "2 scenario(s) × 25 point(s) × 10 replication(s) = 500 runs in 32 block(s)",
        ),
        (
            "sweeps/entry-time-by-contract.json",
            "1 scenario(s) × 20 point(s) × 10 replication(s) = 200 runs in 13 block(s)",
        ),
        (
            "sweeps/multi-actor-resources.json",
            "1 scenario(s) × 25 point(s) × 6 replication(s) = 150 runs in 10 block(s)",
        ),
        ("tests/sweeps/small.json", "2 scenario(s) × 3 point(s) × 2 replication(s) = 12 runs in 6 block(s)"),
    ];
    assert_eq!(json_files_in(&repo("sweeps")).len(), 4, "a new shipped sweep needs a line here");
    let here = tempdir();
    for (file, counts) in expected {
        govsim()
            .current_dir(here.path())
            .args(["sweep", repo(file).to_str().unwrap(), "--dry-run"])
            .assert()
            .success()
            .stdout(predicate::str::contains(counts));
    }
    assert_eq!(fs::read_dir(here.path()).unwrap().count(), 0, "a dry run wrote into the current folder");
}

#[test]
fn the_shipped_sweep_schema_file_is_up_to_date() {
    let shipped = assert_shipped_schema("govsim.sweep.schema.json", &govsim::sweep::schema(), "schema --sweep");
    assert_eq!(shipped["additionalProperties"], false);
}

/// A copy of small.json whose design or replications make a very large sweep.
fn large(dir: &Path, name: &str, design: serde_json::Value, replications: serde_json::Value) -> PathBuf {
    variant(dir, name, move |v| {
        v["factors"] = serde_json::json!([
            { "path": "behaviour.retention.base_hazard", "min": 0.1, "max": 0.4 },
            { "path": "measures.recovery_threshold", "min": 0.5, "max": 0.9 },
            { "path": "behaviour.retention.base_hazard", "name": "hazard_again", "min": 0.1, "max": 0.4 }
        ]);
        v["design"] = design;
        v["replications"] = replications;
    })
}

#[test]
fn huge_sweeps_are_refused_up_front_with_the_count() {
    let dir = tempdir();
    let grid = large(dir.path(), "grid", serde_json::json!({ "type": "grid", "levels_per_factor": 10000 }), 2.into());
    let out = dir.path().join("out");
    for extra in [&["--dry-run"][..], &[]] {
        let start = std::time::Instant::now();
        govsim()
            .args(["sweep", grid.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .args(extra)
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("grid.json")
                    .and(predicate::str::contains(
                        "10000 × 10000 × 10000 grid level(s) = 1,000,000,000,000 point(s) × 2 scenario(s) × 2 replication(s) = 4,000,000,000,000 runs, more than the limit of 10,000,000 runs",
                    ))
                    .and(predicate::str::contains("--max-runs 4000000000000"))
                    .and(predicate::str::contains("× 3 factor(s) × 8 bytes = 24,000,000,000,000 bytes")),
            );
        assert!(start.elapsed().as_secs() < 5, "refusing took {:?}", start.elapsed());
        assert!(!out.exists());
    }
    // --max-runs raises the run limit: 100 points × 2 scenarios × 100,000 replications
    let lhs = large(dir.path(), "lhs", serde_json::json!({ "type": "latin_hypercube", "points": 100 }), 100_000.into());
    let dry = |extra: &[&str]| govsim().args(["sweep", lhs.to_str().unwrap(), "--dry-run"]).args(extra).assert();
    dry(&[]).code(2).stderr(
        predicate::str::contains(
            "a Latin hypercube of 100 point(s) × 2 scenario(s) × 100000 replication(s) = 20,000,000 runs, more than the limit of 10,000,000 runs",
        )
        .and(predicate::str::contains("--max-runs 20000000")),
    );
    dry(&["--max-runs", "19999999"]).code(2).stderr(predicate::str::contains("more than the limit of 19,999,999 runs"));
    dry(&["--max-runs", "20000000"])
        .success()
        .stdout(predicate::str::contains("2 scenario(s) × 100 point(s) × 100000 replication(s) = 20000000 runs"));
    dry(&["--max-runs", "0"]).code(2).stderr(predicate::str::contains("--max-runs"));
}

#[test]
fn numbers_outside_the_schema_bounds_are_refused_at_load() {
    let dir = tempdir();
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "reps-1e9",
            Box::new(|v| v["replications"] = 1_000_000_000.into()),
            "replications: value 1000000000 is outside the allowed range [1, 100000]",
        ),
        (
            "reps-0",
            Box::new(|v| v["replications"] = 0.into()),
            "replications: value 0 is outside the allowed range [1, 100000]",
        ),
        (
            "block-size",
            Box::new(|v| v["block_size"] = 2_000_000.into()),
            "block_size: value 2000000 is outside the allowed range [1, 1000000]",
        ),
        (
            "grid-levels",
            Box::new(|v| v["design"]["levels_per_factor"] = 10_001.into()),
            "design.levels_per_factor: value 10001 is outside the allowed range [2, 10000]",
        ),
        (
            "morris-levels",
            Box::new(|v| v["design"] = serde_json::json!({ "type": "morris", "trajectories": 2, "levels": 1002 })),
            "design.levels: value 1002 is outside the allowed range [2, 1000]",
        ),
    ];
    for (name, change, needle) in cases {
        let file = variant(dir.path(), name, change);
        let start = std::time::Instant::now();
        govsim()
            .args(["sweep", file.to_str().unwrap(), "--dry-run"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("{name}.json")).and(predicate::str::contains(needle)));
        assert!(start.elapsed().as_secs() < 5, "{name}: {:?}", start.elapsed());
    }
    // `1e9` is a JSON float: refused as not a whole number, naming the field
    let file = dir.path().join("float.json");
    let text = fs::read_to_string(variant(dir.path(), "f", |_| {})).unwrap();
    fs::write(&file, text.replace("\"replications\": 2", "\"replications\": 1e9")).unwrap();
    govsim()
        .args(["sweep", file.to_str().unwrap(), "--dry-run"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("replications"));
}

#[test]
fn thread_counts_follow_the_common_rule() {
    let dir = tempdir();
    let (_, expected) = reference(dir.path());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // 0 = all cores, even where Slurm says otherwise
    let out = dir.path().join("zero");
    govsim()
        .args(["sweep", SMALL, "--out", out.to_str().unwrap(), "--progress", "off", "--threads", "0"])
        .env("SLURM_CPUS_PER_TASK", "1")
        .env_remove("RAYON_NUM_THREADS")
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("; {cores} threads")));
    assert_eq!(results(&out), expected);
    let o = dir.path().join("never");
    let o = o.to_str().unwrap();
    for bad in ["1025", "-1", "many"] {
        govsim()
            .args(["sweep", SMALL, "--out", o, &format!("--threads={bad}")])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--threads").and(predicate::str::contains(bad)));
    }
    govsim()
        .args(["sweep", SMALL, "--out", o, "--threads", "1025"])
        .assert()
        .stderr(predicate::str::contains("0 (all cores) to 1024"));
    for bad in ["0", "1025", "-2", ""] {
        govsim().args(["sweep", SMALL, "--out", o]).env("SLURM_CPUS_PER_TASK", bad).assert().code(2).stderr(
            predicate::str::contains(format!("SLURM_CPUS_PER_TASK={bad:?}")).and(predicate::str::contains("1 to 1024")),
        );
    }
    assert!(!Path::new(o).exists());
    // SLURM_CPUS_PER_TASK applies when --threads is absent
    let out = dir.path().join("slurm");
    govsim()
        .args(["sweep", SMALL, "--out", out.to_str().unwrap(), "--progress", "off"])
        .env("SLURM_CPUS_PER_TASK", "1")
        .assert()
        .success()
        .stderr(predicate::str::contains("; 1 threads"));
}
