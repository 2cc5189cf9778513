//! Hostile input and interrupted work, driving the real binary; and property tests that the
//! scenario, district and sweep loaders never panic on arbitrary or mutated input.

mod common;

use common::files::with_absolute_scenarios;
use common::{bin, driver_file, govsim, read_json, stderr, tempdir, DRIVERS};
use govsim::scenario::{self, ScenarioError};
use proptest::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Start a long run, send `signal` after a second, and check it stops promptly and cleanly.
fn interrupt_with(signal: &str) {
    let dir = tempdir();
    let file = dir.path().join("big.json");
    fs::write(&file, r#"{"name": "big", "community": {"residents": 200000}}"#).unwrap();
    let out = dir.path().join("out");
    let child = std::process::Command::new(bin())
        .args(["run", file.to_str().unwrap(), "--reps", "200", "--progress", "off", "--out", out.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    let status = std::process::Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let sent = Instant::now();
    let output = child.wait_with_output().unwrap();
    assert!(sent.elapsed() < Duration::from_secs(10), "took {:?} to stop", sent.elapsed());
    assert_eq!(output.status.code(), Some(130), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("interrupted") && !stderr.contains("panicked"), "{stderr}");
    // nothing that looks like a result, and no temporary leftovers
    if out.exists() {
        let entries: Vec<_> = fs::read_dir(&out).unwrap().collect();
        assert!(entries.is_empty(), "leftovers in {}: {entries:?}", out.display());
    }
}

#[test]
fn ctrl_c_stops_a_run_promptly_without_writing() {
    interrupt_with("-INT");
}

#[test]
fn sigterm_stops_a_run_promptly_without_writing() {
    interrupt_with("-TERM");
}

#[test]
fn unwritable_output_fails_before_simulating() {
    let dir = tempdir();
    let blocker = dir.path().join("file");
    fs::write(&blocker, "x").unwrap();
    let volunteer_led = driver_file("volunteer-led");
    for cmd in [vec!["run", volunteer_led.to_str().unwrap()], vec!["compare"]] {
        let assert =
            govsim().args(&cmd).args(["--reps", "1", "--out", blocker.join("sub").to_str().unwrap()]).assert().code(1);
        let err = stderr(&assert);
        assert!(err.contains("cannot write results"), "{err}");
        assert!(!err.contains("simulated"), "the run should not start: {err}");
    }
}

#[test]
fn a_population_that_cannot_fit_in_memory_is_refused_up_front() {
    let dir = tempdir();
    let file = dir.path().join("huge.json");
    let enterprises: Vec<Value> =
        (0..200).map(|i| serde_json::json!({ "name": format!("e{i}"), "employees": 1_000_000 })).collect();
    let text = serde_json::json!({ "name": "huge", "actors": { "enterprises": enterprises } }).to_string();
    fs::write(&file, text).unwrap();
    govsim()
        .args(["run", file.to_str().unwrap(), "--out", dir.path().join("o").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("GiB"));
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(Value::from),
        "[a-z_$]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("community".to_string()),
                    Just("residents".to_string()),
                    Just("actors".to_string()),
                    Just("time".to_string()),
                    "[a-z_]{1,10}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replace the value at a pseudo-random position of `v` (chosen by `path`) with `new`.
fn mutate(v: &mut Value, path: &[usize], new: Value) {
    match (v, path.split_first()) {
        (Value::Object(m), Some((i, rest))) if !m.is_empty() => {
            let key = m.keys().nth(i % m.len()).unwrap().clone();
            let child = m.get_mut(&key).unwrap();
            if rest.is_empty() || !(child.is_object() || child.is_array()) {
                *child = new;
            } else {
                mutate(child, rest, new);
            }
        }
        (Value::Array(a), Some((i, rest))) if !a.is_empty() => {
            let n = a.len();
            mutate(&mut a[i % n], rest, new)
        }
        (slot, _) => *slot = new,
    }
}

fn check_loader(text: &str) {
    match scenario::parse(text, Path::new("fuzz.json"), "fuzz") {
        Ok(s) => {
            assert!(scenario::validate(&s).is_empty());
            // a valid scenario must also run (small ones only, to stay fast)
            let agents =
                s.community.residents as u64 + s.actors.enterprises.iter().map(|e| e.employees as u64).sum::<u64>();
            if agents <= 20_000 && s.actors.social_organisations.len() < 8 {
                let mut w = govsim::model::World::new(&s, 1, 0);
                for _ in 0..w.steps().min(3) {
                    w.step();
                }
            }
        }
        Err(e) => check_refusal(&e),
    }
}

/// A refusal names the file first and says what is wrong: a reason, or at least one problem,
/// each with its reason.
fn check_refusal(e: &ScenarioError) {
    let text = e.to_string();
    assert!(text.starts_with("fuzz.json: "), "the file is not named first: {text}");
    match e {
        ScenarioError::Io { .. } => panic!("text was parsed, yet a file could not be read: {text}"),
        ScenarioError::Parse { message, .. } => assert!(!message.trim().is_empty(), "refused without a reason: {text}"),
        ScenarioError::Invalid { issues, .. } | ScenarioError::Malformed { issues, .. } => {
            assert!(!issues.is_empty(), "refused without naming a problem: {text}");
            for i in issues {
                assert!(!i.message.trim().is_empty(), "a problem without a reason: {text}");
            }
        }
    }
}

/// Write `v` and load it with `load`: an error or a value, never a panic.
fn check_file_loader<T, E: std::fmt::Display>(v: &Value, load: impl Fn(&Path) -> Result<T, E>) {
    let dir = tempdir();
    let file = dir.path().join("mutated.json");
    fs::write(&file, v.to_string()).unwrap();
    if let Err(e) = load(&file) {
        assert!(e.to_string().contains("mutated.json"), "the file is not named: {e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn mutated_district_files_never_panic(path in prop::collection::vec(any::<usize>(), 1..6), new in arb_json()) {
        let mut v = with_absolute_scenarios("scenarios/scale/district-demo.json", "communities", Some("scenario"));
        mutate(&mut v, &path, new);
        check_file_loader(&v, scenario::district::load_district);
    }

    #[test]
    fn mutated_sweep_files_never_panic(path in prop::collection::vec(any::<usize>(), 1..6), new in arb_json()) {
        let mut v = with_absolute_scenarios("tests/sweeps/small.json", "scenarios", None);
        mutate(&mut v, &path, new);
        check_file_loader(&v, |f: &Path| govsim::sweep::prepare(f, govsim::sweep::limits::DEFAULT_MAX_RUNS));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics_the_loader(v in arb_json()) {
        check_loader(&v.to_string());
    }

    #[test]
    fn mutated_driver_scenarios_never_panic(
        file in prop::sample::select(DRIVERS.to_vec()),
        path in prop::collection::vec(any::<usize>(), 1..5),
        new in arb_json(),
    ) {
        let mut v = read_json(&driver_file(file));
        mutate(&mut v, &path, new);
        check_loader(&v.to_string());
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_loader(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        check_loader(&String::from_utf8_lossy(&bytes));
    }
}
