//! The govsim binary end to end: run, validate, schema, and every kind of bad input.

mod common;

use assert_cmd::assert::Assert;
use common::files::hidden_entries;
use common::{drivers_dir, govsim, read_json, tempdir, DRIVERS};
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// A small valid scenario (1,000 residents, 2 years) with every instrument family switched on.
fn small_scenario(dir: &Path, name: &str) -> PathBuf {
    let text = format!(
        r#"{{
  "name": "{name}",
  "time": {{ "years": 2 }},
  "community": {{ "residents": 1000 }},
  "actors": {{
    "government": {{ "budget_per_month": 20000, "founds_teams": 2 }},
    "social_organisations": [{{ "name": "so", "social_workers": 2 }}],
    "enterprises": [{{ "name": "e", "donation_per_month": 5000, "employees": 20, "horizon_months": 12 }}],
    "community_fund": {{ "merchants": 10 }}
  }},
  "instruments": {{
    "mobilisation_campaigns": {{}},
    "direct_subsidies": {{}},
    "purchase_of_services": [{{ "social_organisation": "so", "amount_per_month": 12000 }}],
    "registration": {{}},
    "points": {{ "funder": "community_fund" }},
    "deliberation_council": {{}},
    "coordination_platform": {{}}
  }}
}}"#
    );
    let p = dir.join(format!("{name}.json"));
    fs::write(&p, text).unwrap();
    p
}

/// `govsim run FILE… --out OUT EXTRA…`.
fn run(files: &[&Path], out: &Path, extra: &[&str]) -> Assert {
    govsim().arg("run").args(files).arg("--out").arg(out).args(extra).assert()
}

#[test]
fn run_writes_timeseries_and_summary() {
    let dir = tempdir();
    let file = small_scenario(dir.path(), "small");
    let out = dir.path().join("out");
    run(&[&file], &out, &["--reps", "3", "--seed", "5"])
        .success()
        .stdout(predicate::str::contains("small: 3 replications"));
    let csv = fs::read_to_string(out.join("small/timeseries.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    for id in ["replicate", "step", "month", "dependence_on_government", "asymmetry", "retention_12m", "community_fund"]
    {
        assert!(header.split(',').any(|c| c == id), "column {id} missing");
    }
    // 3 replicates × 24 monthly steps + header
    assert_eq!(csv.lines().count(), 1 + 3 * 24);
    let summary = read_json(&out.join("small/summary.json"));
    assert_eq!(summary["seed"], 5);
    assert_eq!(summary["replications"], 3);
    let cov = &summary["metrics"]["coverage"]["final_year"];
    let (m, lo, hi) =
        (cov["mean"].as_f64().unwrap(), cov["ci95_low"].as_f64().unwrap(), cov["ci95_high"].as_f64().unwrap());
    assert!(lo <= m && m <= hi && (0.0..=1.0).contains(&m));
    assert!(summary["money_conservation_max_residual_yuan"].as_f64().unwrap() < 1e-3);
    // no temporary folders left behind
    assert_eq!(hidden_entries(&out), Vec::<String>::new());
}

#[test]
fn output_is_identical_on_one_and_two_threads() {
    let dir = tempdir();
    let file = small_scenario(dir.path(), "small");
    let mut texts = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("out{threads}"));
        run(&[&file], &out, &["--reps", "4", "--threads", threads]).success();
        texts.push(fs::read(out.join("small/timeseries.csv")).unwrap());
    }
    assert_eq!(texts[0], texts[1]);
}

#[test]
fn timings_say_where_the_time_went_and_change_no_result() {
    let dir = tempdir();
    let file = small_scenario(dir.path(), "small");
    let plain = dir.path().join("plain");
    let timed = dir.path().join("timed");
    run(&[&file], &plain, &["--reps", "3"]).success().stderr(predicate::str::contains("timings").not());
    let out =
        run(&[&file], &timed, &["--reps", "3", "--timings", "--threads", "1"]).success().get_output().stderr.clone();
    let err = String::from_utf8(out).unwrap();
    let block = err.split_once("timings (seconds)\n").unwrap_or_else(|| panic!("no timings: {err}")).1;
    let seconds = |label: &str| -> f64 {
        let rest = block
            .lines()
            .find_map(|l| l.trim_start().strip_prefix(label).filter(|r| r.starts_with(' ')))
            .unwrap_or_else(|| panic!("no {label}: {err}"));
        rest.split_whitespace().next().unwrap().parse().unwrap()
    };
    // every phase is reported, with a number of seconds
    let (build, step, measures) = (seconds("build worlds"), seconds("step"), seconds("measures"));
    assert!(build >= 0.0 && step >= 0.0 && measures >= 0.0, "{err}");
    assert!(err.contains("million agent-steps/s per thread"), "{err}");
    // the parts of a step are inside the step (to the printed millisecond), the chunks of
    // agents inside the residents pass (one thread here)
    let parts = [seconds("start of step"), seconds("residents pass"), seconds("teams, counts")];
    assert!(parts.iter().all(|&p| p >= 0.0) && parts.iter().sum::<f64>() <= step + 0.003, "{err}");
    let chunks: f64 = block
        .split_once("chunks of agents: ")
        .and_then(|(_, r)| r.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no chunks: {err}"));
    assert!(chunks >= 0.0 && chunks <= parts[1] + 0.001, "{err}");
    assert!(seconds("total") >= seconds("simulate"), "{err}");
    assert!(seconds("write results") >= 0.0, "{err}");
    for f in ["timeseries.csv", "summary.json"] {
        assert_eq!(
            fs::read(plain.join("small").join(f)).unwrap(),
            fs::read(timed.join("small").join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn rerun_replaces_old_results() {
    let dir = tempdir();
    let file = small_scenario(dir.path(), "small");
    let out = dir.path().join("out");
    run(&[&file], &out, &["--reps", "2"]).success();
    run(&[&file], &out, &["--reps", "3"]).success();
    let csv = fs::read_to_string(out.join("small/timeseries.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 3 * 24);
    // a file the user put there makes the folder theirs: refused, and kept (tests/output_folders.rs)
    fs::write(out.join("small/notes.txt"), "mine").unwrap();
    run(&[&file], &out, &["--reps", "2"]).code(2);
    assert_eq!(fs::read_to_string(out.join("small/notes.txt")).unwrap(), "mine");
    assert_eq!(fs::read_to_string(out.join("small/timeseries.csv")).unwrap(), csv);
}

#[test]
fn validate_accepts_shipped_scenarios() {
    let mut files: Vec<_> = fs::read_dir(drivers_dir()).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut names: Vec<_> = files.iter().map(|f| f.file_stem().unwrap().to_str().unwrap()).collect();
    names.sort();
    let mut expected = DRIVERS;
    expected.sort();
    assert_eq!(names, expected, "scenarios/drivers holds the five driver models");
    govsim().arg("validate").args(&files).assert().success().stdout(predicate::str::contains(": ok").count(5));
}

#[test]
fn schema_describes_ranges_and_units() {
    let out = govsim().arg("schema").assert().success().get_output().stdout.clone();
    let schema: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let residents = &schema["$defs"]["Community"]["properties"]["residents"];
    assert_eq!(residents["minimum"], 1);
    assert_eq!(residents["x-unit"], "persons");
    assert!(residents["description"].as_str().unwrap().contains("resident"));
    assert_eq!(schema["$defs"]["Retention"]["additionalProperties"], false);
}

/// Each malformed file: exit code 2, the file name, the field path and what is allowed.
#[test]
fn bad_inputs_get_clear_errors() {
    let cases: &[(&str, &[&str])] = &[
        ("wrong-type.json", &["community.residents", "expected a whole number, found \"many\""]),
        ("unknown-field.json", &["comunity", "unknown field", "did you mean \"community\"", "allowed: $schema,"]),
        (
            "out-of-range.json",
            &["community.residents", "value 0", "[1, 20000000]", "behaviour.retention.base_hazard", "1.5"],
        ),
        ("not-json.json", &["not valid JSON", "line 1"]),
        ("missing-actor.json", &["instruments.purchase_of_services[0].social_organisation", "\"nobody\""]),
        ("beta-infeasible.json", &["community.traits.motivation_sd", "0.6", "[0, 0.49]"]),
        ("weights-sum.json", &["measures.weights", "sum to 2"]),
        ("duplicate-name.json", &["actors.social_organisations[1].name", "duplicate"]),
        ("start-after-end.json", &["actors.enterprises[0].start_month", "after the end of the run"]),
        (
            "inconsistent-instruments.json",
            &["duration_months", "interval_months 2", "instruments.points.end_month", "needs actors.community_fund"],
        ),
        ("null-value.json", &["community.residents", "expected a whole number, found null"]),
        ("bad-name.json", &["name", "may contain only"]),
        ("empty-file.json", &["not valid JSON", "EOF"]),
    ];
    for (file, needles) in cases {
        let path = format!("tests/bad/scenario/{file}");
        let assert = govsim().args(["validate", &path]).assert().code(2).stderr(predicate::str::contains(*file));
        let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        for n in *needles {
            assert!(err.contains(n), "{file}: expected `{n}` in:\n{err}");
        }
        assert!(!err.contains("panicked"), "{file} panicked:\n{err}");
    }
}

#[test]
fn invalid_scenario_stops_the_whole_run_before_anything_is_written() {
    let dir = tempdir();
    let good = small_scenario(dir.path(), "good");
    let out = dir.path().join("out");
    run(&[&good, Path::new("tests/bad/scenario/out-of-range.json")], &out, &[])
        .code(2)
        .stderr(predicate::str::contains("out-of-range.json"));
    assert!(!out.exists(), "nothing may be written when any input is invalid");
}

#[test]
fn missing_file_and_bad_flags_are_input_errors() {
    govsim()
        .args(["validate", "no/such/file.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.json"));
    govsim().args(["run", "scenarios/drivers/volunteer-led.json", "--reps", "0"]).assert().code(2);
    govsim().args(["frobnicate"]).assert().code(2);
}

#[test]
fn duplicate_scenario_names_are_refused() {
    let dir = tempdir();
    let a = small_scenario(dir.path(), "same");
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    let b = small_scenario(&sub, "same");
    run(&[&a, &b], &dir.path().join("o"), &[]).code(2).stderr(predicate::str::contains("both have the scenario name"));
}

#[test]
fn unwritable_output_is_a_runtime_error_without_panic() {
    let dir = tempdir();
    let file = small_scenario(dir.path(), "small");
    let blocker = dir.path().join("blocker");
    fs::write(&blocker, "a file, not a folder").unwrap();
    run(&[&file], &blocker.join("x"), &["--reps", "1"])
        .code(1)
        .stderr(predicate::str::contains("cannot write results").and(predicate::str::contains("panicked").not()));
}

/// `--version` says the version and the commit it was built from (or that it is unknown), so a
/// result can be traced to its source.
#[test]
fn version_names_the_commit() {
    let out = govsim().arg("--version").assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).unwrap();
    let prefix = format!("govsim {} (commit ", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&prefix), "{text}");
    let commit = text[prefix.len()..].trim_end().trim_end_matches(')').split(',').next().unwrap().to_string();
    assert!(
        (commit.len() == 12 && commit.chars().all(|c| c.is_ascii_hexdigit())) || commit.starts_with("unknown"),
        "{text}"
    );
}

/// What a successful `govsim ARGS` printed on stdout.
fn stdout_of(args: &[&str]) -> String {
    let out = govsim().args(args).assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

/// The commands `govsim --help` lists (without `help`).
fn subcommands() -> Vec<String> {
    subcommands_of(&[])
}

/// The commands `govsim <parent...> --help` lists.
fn subcommands_of(parent: &[&str]) -> Vec<String> {
    let help = stdout_of(&[parent, &["--help"]].concat());
    let listed = help.split("Commands:").nth(1).expect("--help lists the commands");
    let listed = listed.split("\n\n").next().unwrap();
    let names: Vec<String> = listed
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ")) // not the wrapped descriptions
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_string)
        .collect();
    assert!(parent.is_empty() || !names.is_empty(), "{help}");
    assert!(!parent.is_empty() || (names.len() >= 12 && names.iter().any(|n| n == "compare")), "{names:?}");
    names
}

#[test]
fn completions_cover_the_commands_and_flags() {
    let bash = stdout_of(&["completions", "bash"]);
    assert!(bash.contains("compare") && bash.contains("--reps") && bash.contains("complete -F"), "{bash}");
    for shell in ["zsh", "fish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains("sweep") && script.contains("--shard-count"), "{shell}: {script}");
    }
    assert!(stdout_of(&["completions", "fish"]).contains("complete -c govsim"));
    assert!(stdout_of(&["completions", "zsh"]).starts_with("#compdef govsim"));
    // every command is offered
    for name in subcommands() {
        assert!(bash.contains(&name), "bash completion lacks {name}");
    }
    govsim().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn the_man_page_names_every_command() {
    let page = stdout_of(&["man"]);
    // after clap_mangen's two-line quote-string preamble, the title line
    let title = page.lines().find(|l| !l.starts_with(".ie ") && !l.starts_with(".el ")).unwrap();
    assert!(title.starts_with(".TH govsim 1"), "{title}");
    assert!(page.lines().position(|l| l.starts_with(".TH")) < page.lines().position(|l| l.starts_with(".SH")));
    assert!(page.contains(".SH NAME") && page.contains(".SH SYNOPSIS") && page.contains(".SH SUBCOMMANDS"));
    for name in subcommands() {
        assert!(page.contains(&format!("govsim\\-{}", name.replace('-', "\\-"))), "the man page lacks {name}");
    }
    // man renders it, where man is installed
    let rendered = std::process::Command::new("man")
        .args(["-l", "-"])
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(page.as_bytes())?;
            child.wait_with_output()
        });
    match rendered {
        Ok(o) if o.status.success() && !o.stdout.is_empty() => {
            let text = String::from_utf8_lossy(&o.stdout);
            assert!(text.contains("NAME") && text.contains("compare"), "{text}");
        }
        Ok(o) => eprintln!("man -l did not render (status {}): {}", o.status, String::from_utf8_lossy(&o.stderr)),
        Err(e) => eprintln!("skipped rendering: cannot run man: {e}"),
    }
}

#[test]
fn man_out_writes_a_page_per_command_and_replaces_only_its_own() {
    let dir = tempdir();
    let out = dir.path().join("man1");
    govsim().args(["man", "--out"]).arg(&out).assert().success();
    let mut names: Vec<String> =
        fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    let mut want: Vec<String> = subcommands().iter().map(|n| format!("govsim-{n}.1")).collect();
    want.push("govsim.1".into());
    // a command with commands of its own gets a page for each of them too
    want.extend(subcommands_of(&["scenarios"]).iter().map(|n| format!("govsim-scenarios-{n}.1")));
    want.sort();
    assert_eq!(names, want);
    let compare = fs::read_to_string(out.join("govsim-compare.1")).unwrap();
    assert!(compare.contains(".TH govsim-compare 1") && compare.contains("reps"));
    // again: its own pages are replaced
    govsim().args(["man", "--out"]).arg(&out).assert().success();
    // a file of the same name that is not a govsim page is refused, and nothing is written
    fs::write(out.join("govsim-run.1"), "mine").unwrap();
    fs::remove_file(out.join("govsim.1")).unwrap();
    govsim()
        .args(["man", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a govsim man page"));
    assert_eq!(fs::read_to_string(out.join("govsim-run.1")).unwrap(), "mine");
    assert!(!out.join("govsim.1").exists());
}
