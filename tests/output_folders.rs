//! The user's files are never deleted, overwritten or hidden: output folders govsim did not
//! write are refused before simulating, old results survive interruptions, leftovers of dead
//! processes are cleaned up, and work that cannot fit is refused up front. Drives the binary.

mod common;

use assert_cmd::Command;
use common::files::{hidden_entries, with_absolute_scenarios};
use common::{bin, drivers_dir, govsim, read_json, repo, stderr, tempdir, write_json};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// A small, quick scenario (`name`, 300 residents, 1 year) in `dir`.
fn tiny(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(format!("{name}.json"));
    fs::write(&p, format!(r#"{{"name": "{name}", "time": {{"years": 1}}, "community": {{"residents": 300}}}}"#))
        .unwrap();
    p
}

/// The arguments of a quick `compare` of the five driver models (2 replications) into `out`.
fn compare_args(out: &str) -> Vec<String> {
    let drivers = drivers_dir().to_str().unwrap().to_string();
    ["compare", &drivers, "--reps", "2", "--progress", "off", "--out", out].map(String::from).to_vec()
}

fn compare_into(out: &Path) -> Command {
    let mut c = govsim();
    c.args(compare_args(out.to_str().unwrap()));
    c
}

#[test]
fn a_folder_govsim_did_not_write_is_refused_before_simulating_and_kept() {
    let dir = tempdir();
    let d = dir.path().join("d");
    fs::create_dir_all(d.join("sub")).unwrap();
    fs::write(d.join("sub/keep"), "x").unwrap();
    let a = compare_into(&d).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains(&d.display().to_string()) && err.contains("did not write"), "{err}");
    assert!(err.contains("d-2"), "suggests a new folder: {err}");
    assert!(!err.contains("simulated"), "refused before simulating: {err}");
    assert_eq!(fs::read_to_string(d.join("sub/keep")).unwrap(), "x");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "nothing else was written next to it");
}

#[test]
fn the_current_folder_and_dot_paths_are_refused() {
    let dir = tempdir();
    fs::write(dir.path().join("thesis.tex"), "chapter 1").unwrap();
    let here = dir.path().to_str().unwrap().to_string();
    for out in [here.as_str(), ".", "..", "sub/.."] {
        let a = govsim().current_dir(dir.path()).args(compare_args(out)).assert().code(2);
        assert!(!stderr(&a).contains("simulated"), "{out}: {}", stderr(&a));
    }
    assert_eq!(fs::read_to_string(dir.path().join("thesis.tex")).unwrap(), "chapter 1");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_file_as_output_folder_is_refused() {
    let dir = tempdir();
    let f = dir.path().join("results");
    fs::write(&f, "mine").unwrap();
    let a = compare_into(&f).assert().code(2);
    assert!(stderr(&a).contains("is a file"), "{}", stderr(&a));
    assert_eq!(fs::read_to_string(&f).unwrap(), "mine");
}

#[test]
fn reruns_replace_govsim_results_but_not_once_the_user_added_a_file() {
    let dir = tempdir();
    let out = dir.path().join("cmp");
    compare_into(&out).assert().success();
    let marker = read_json(&out.join(".govsim-output"));
    assert_eq!(marker["command"], "compare");
    assert!(marker["files"]["comparison.csv"].as_u64().unwrap() > 0);
    assert!(marker["files"]["volunteer-led/summary.json"].is_u64());
    // rerun with another seed: replaced
    let first = fs::read_to_string(out.join("comparison.csv")).unwrap();
    compare_into(&out).args(["--seed", "9"]).assert().success();
    assert_ne!(fs::read_to_string(out.join("comparison.csv")).unwrap(), first);
    // the user's notes make the folder theirs
    fs::write(out.join("notes.md"), "my reading of the results").unwrap();
    let a = compare_into(&out).assert().code(2);
    assert!(stderr(&a).contains("notes.md"), "{}", stderr(&a));
    assert_eq!(fs::read_to_string(out.join("notes.md")).unwrap(), "my reading of the results");
    // and so does a result file they edited
    fs::remove_file(out.join("notes.md")).unwrap();
    fs::write(out.join("comparison.md"), "edited by hand").unwrap();
    let a = compare_into(&out).assert().code(2);
    assert!(stderr(&a).contains("comparison.md (changed"), "{}", stderr(&a));
    assert_eq!(fs::read_to_string(out.join("comparison.md")).unwrap(), "edited by hand");
}

#[test]
fn a_symbolic_link_to_a_folder_is_followed_not_replaced() {
    let dir = tempdir();
    let real = dir.path().join("real");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    compare_into(&link).assert().success();
    compare_into(&link).assert().success();
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(real.join("comparison.csv").is_file());
}

#[test]
fn run_refuses_a_scenario_folder_it_did_not_write_and_writes_none_of_the_others() {
    let dir = tempdir();
    let a = tiny(dir.path(), "alpha");
    let b = tiny(dir.path(), "beta");
    let out = dir.path().join("out");
    fs::create_dir_all(out.join("beta")).unwrap();
    fs::write(out.join("beta/data.csv"), "field notes").unwrap();
    fs::write(out.join("README"), "my folder").unwrap();
    let r = govsim()
        .args(["run", a.to_str().unwrap(), b.to_str().unwrap(), "--reps", "2", "--out", out.to_str().unwrap()])
        .assert()
        .code(2);
    assert!(stderr(&r).contains("beta"), "{}", stderr(&r));
    assert!(!out.join("alpha").exists(), "nothing is run when one destination is refused");
    assert_eq!(fs::read_to_string(out.join("beta/data.csv")).unwrap(), "field notes");
    // `run` writes into a folder of the user's, next to their files, without touching them
    fs::remove_dir_all(out.join("beta")).unwrap();
    govsim()
        .args(["run", a.to_str().unwrap(), b.to_str().unwrap(), "--reps", "2", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(fs::read_to_string(out.join("README")).unwrap(), "my folder");
    assert!(out.join("alpha/.govsim-output").is_file() && out.join("beta/summary.json").is_file());
}

#[test]
fn leftovers_of_dead_processes_are_removed_only_if_they_are_govsims() {
    let dir = tempdir();
    let out = dir.path().join("cmp");
    // 99999999 is above Linux's largest process id: that process is gone
    let ours = dir.path().join(".cmp.partial-99999999");
    fs::create_dir(&ours).unwrap();
    fs::write(ours.join(".govsim-output"), r#"{"written_by": "govsim", "command": "compare", "files": {"a.csv": 4}}"#)
        .unwrap();
    fs::write(ours.join("a.csv"), "half").unwrap();
    let theirs = dir.path().join(".cmp.partial-99999998");
    fs::create_dir(&theirs).unwrap();
    fs::write(theirs.join("x"), "not govsim's").unwrap();
    let a = compare_into(&out).assert().success();
    assert!(stderr(&a).contains("left by an interrupted govsim"), "{}", stderr(&a));
    assert!(!ours.exists());
    assert_eq!(fs::read_to_string(theirs.join("x")).unwrap(), "not govsim's");
}

/// Start `compare` paused (GOVSIM_TEST_PAUSE) after writing its results, before the swap.
fn paused_compare(out: &Path) -> (Child, BufReader<ChildStderr>) {
    paused_compare_at(out, "filled")
}

/// Start `compare` paused at `phase` of its write (`filled`: before the swap; `swapped`: after).
fn paused_compare_at(out: &Path, phase: &str) -> (Child, BufReader<ChildStderr>) {
    let mut child = std::process::Command::new(bin())
        .args(compare_args(out.to_str().unwrap()))
        .env("GOVSIM_TEST_PAUSE", phase)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let start = Instant::now();
    let mut line = String::new();
    while !line.contains(&format!("paused at phase {phase}")) {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "the run ended before pausing");
        assert!(start.elapsed() < Duration::from_secs(60));
    }
    (child, err)
}

fn interrupt(child: &Child) {
    assert!(std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
}

/// Send Ctrl-C and wait: the exit code, and what the run printed on stderr after pausing.
fn interrupt_and_wait(mut child: Child, mut err: BufReader<ChildStderr>) -> (Option<i32>, String) {
    interrupt(&child);
    let status = child.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    (status.code(), rest)
}

/// Results of `compare --seed 3` in `cmp` of a new temporary folder: the folder, `cmp` and the
/// text of its comparison.csv.
fn earlier_results() -> (TempDir, PathBuf, String) {
    let dir = tempdir();
    let out = dir.path().join("cmp");
    compare_into(&out).args(["--seed", "3"]).assert().success();
    let old = fs::read_to_string(out.join("comparison.csv")).unwrap();
    (dir, out, old)
}

#[test]
fn ctrl_c_while_writing_keeps_the_old_results_and_exits_130() {
    let (dir, out, old) = earlier_results();
    let (child, err) = paused_compare(&out);
    let (code, rest) = interrupt_and_wait(child, err);
    assert_eq!(code, Some(130), "{rest}");
    assert!(rest.contains("is as it was"), "{rest}");
    assert_eq!(fs::read_to_string(out.join("comparison.csv")).unwrap(), old, "the old results are intact");
    assert_eq!(hidden_entries(dir.path()), Vec::<String>::new(), "no partial folder is left");
}

#[test]
fn a_second_ctrl_c_while_writing_removes_the_partial_folder_and_exits_at_once() {
    let (dir, out, old) = earlier_results();
    let (mut child, _err) = paused_compare(&out);
    assert!(!hidden_entries(dir.path()).is_empty(), "the partial folder exists while paused");
    interrupt(&child);
    std::thread::sleep(Duration::from_millis(200));
    interrupt(&child);
    let sent = Instant::now();
    let status = child.wait().unwrap();
    assert!(sent.elapsed() < Duration::from_secs(2), "exits at once, not after the pause");
    assert_eq!(status.code(), Some(130));
    assert_eq!(fs::read_to_string(out.join("comparison.csv")).unwrap(), old);
    assert_eq!(hidden_entries(dir.path()), Vec::<String>::new(), "the partial folder is removed");
}

#[test]
fn threads_follow_one_rule() {
    let dir = tempdir();
    let f = tiny(dir.path(), "t");
    let out = dir.path().join("o");
    for bad in ["1025", "100000", "-1", "many"] {
        let a =
            govsim().args(["run", f.to_str().unwrap(), "--reps", "1", &format!("--threads={bad}")]).assert().code(2);
        assert!(stderr(&a).contains("0 (all cores) to 1024"), "{bad}: {}", stderr(&a));
    }
    govsim()
        .args(["run", f.to_str().unwrap(), "--reps", "1", "--threads", "0", "--out", out.to_str().unwrap()])
        .assert()
        .success();
}

#[test]
fn replications_that_cannot_fit_are_refused_up_front_with_the_numbers() {
    let dir = tempdir();
    let f = dir.path().join("long.json");
    fs::write(
        &f,
        r#"{"name": "long", "time": {"years": 50}, "community": {"residents": 1, "initial_core_volunteers": 0}}"#,
    )
    .unwrap();
    let start = Instant::now();
    let a = govsim()
        .args(["run", f.to_str().unwrap(), "--reps", "100000", "--out", dir.path().join("o").to_str().unwrap()])
        .assert()
        .code(2);
    assert!(start.elapsed() < Duration::from_secs(10));
    let err = stderr(&a);
    assert!(
        err.contains("100000 replication(s)") && err.contains("needs about") && err.contains("allowed by"),
        "{err}"
    );
}

/// `govsim district` of the 10-million-resident district started by the shell line
/// `SETUP && exec govsim …` (SETUP sets a memory limit): its exit code and stderr.
fn big_district_after(setup: &str) -> (Option<i32>, String) {
    let out = tempdir();
    let district = repo("scenarios/scale/district-10m.json");
    let cmd = format!(
        "{setup} && exec {} district {} --out {}",
        bin().display(),
        district.display(),
        out.path().join("d").display()
    );
    let result = std::process::Command::new("sh").args(["-c", &cmd]).output().unwrap();
    (result.status.code(), String::from_utf8_lossy(&result.stderr).into_owned())
}

#[test]
fn the_address_space_limit_is_respected() {
    // `ulimit -v` of 300 MiB: a 10-million-resident district needs far more
    let (code, err) = big_district_after("ulimit -v 307200");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("ulimit -v") && err.contains("MiB"), "{err}");
}

#[test]
fn many_events_draw_a_bounded_number_of_markers() {
    let dir = tempdir();
    let events: Vec<String> = (0..200)
        .map(|m| {
            format!(
                r#"{{"type": "demand_shock", "month": {}, "category": "safety", "factor": 1.5, "duration_months": 1}}"#,
                m % 24
            )
        })
        .collect();
    let f = dir.path().join("busy.json");
    fs::write(
        &f,
        format!(
            r#"{{"name": "busy", "time": {{"years": 2}}, "community": {{"residents": 300}}, "events": [{}]}}"#,
            events.join(",")
        ),
    )
    .unwrap();
    let out = dir.path().join("o");
    govsim().args(["run", f.to_str().unwrap(), "--reps", "2", "--out", out.to_str().unwrap()]).assert().success();
    let svg = fs::read_to_string(out.join("busy/timeseries.svg")).unwrap();
    assert!(svg.contains("the first 12 of 200 scheduled events"), "the rest are counted");
    assert!(svg.len() < 2_000_000, "the chart stays small: {} bytes", svg.len());
}

/// A cgroup with a 300 MiB memory limit, as Slurm `--mem=300M` or a Kubernetes limit sets;
/// `None` where this machine does not let the test make one (not root, no writable cgroup file
/// system): the limit's parsing is unit-tested in src/limits.rs either way.
fn memory_cgroup() -> Option<PathBuf> {
    let name = format!("govsim-test-{}", std::process::id());
    for (root, limit_file) in [("/sys/fs/cgroup/memory", "memory.limit_in_bytes"), ("/sys/fs/cgroup", "memory.max")] {
        let dir = Path::new(root).join(&name);
        if fs::create_dir(&dir).is_ok() {
            if fs::write(dir.join(limit_file), "314572800").is_ok() {
                return Some(dir);
            }
            let _ = fs::remove_dir(&dir);
        }
    }
    None
}

#[test]
fn the_cgroup_memory_limit_is_respected() {
    let Some(group) = memory_cgroup() else {
        eprintln!("not run: cannot create a memory cgroup on this machine");
        return;
    };
    let (code, err) = big_district_after(&format!("echo $$ > {}/cgroup.procs", group.display()));
    let _ = fs::remove_dir(&group); // empty again once the process has ended
    assert_eq!(code, Some(2), "refused up front, not killed by the kernel (137): {err}");
    assert!(err.contains("cgroup memory limit") && err.contains("needs about"), "{err}");
}

#[test]
fn more_events_than_the_limit_are_refused_up_front() {
    let dir = tempdir();
    let events = vec![r#"{"type": "points_start", "month": 1}"#; 1001].join(",");
    let f = dir.path().join("flood.json");
    fs::write(&f, format!(r#"{{"name": "flood", "events": [{events}]}}"#)).unwrap();
    let a =
        govsim().args(["run", f.to_str().unwrap(), "--out", dir.path().join("o").to_str().unwrap()]).assert().code(2);
    let err = stderr(&a);
    assert!(err.contains("events: 1001") && err.contains("at most 1000 are allowed"), "{err}");
    assert!(!dir.path().join("o").exists());
}

#[test]
fn a_kill_while_writing_leaves_a_hidden_folder_that_the_next_run_removes() {
    let (dir, out, old) = earlier_results();
    let (mut child, _err) = paused_compare(&out);
    assert!(std::process::Command::new("kill").args(["-KILL", &child.id().to_string()]).status().unwrap().success());
    child.wait().unwrap();
    assert_eq!(hidden_entries(dir.path()).len(), 1, "the killed write's hidden folder");
    assert_eq!(fs::read_to_string(out.join("comparison.csv")).unwrap(), old, "the old results are intact");
    let a = compare_into(&out).assert().success();
    assert!(stderr(&a).contains("left by an interrupted govsim"), "{}", stderr(&a));
    assert_eq!(hidden_entries(dir.path()), Vec::<String>::new(), "removed by the next run");
}

#[test]
fn ctrl_c_after_the_swap_exits_130_and_says_the_new_results_are_complete() {
    let (dir, out, _) = earlier_results();
    let (child, err) = paused_compare_at(&out, "swapped");
    let (code, rest) = interrupt_and_wait(child, err);
    assert_eq!(code, Some(130), "{rest}");
    assert!(rest.contains("written completely"), "{rest}");
    let fresh = dir.path().join("fresh");
    compare_into(&fresh).assert().success();
    assert_eq!(fs::read(out.join("comparison.csv")).unwrap(), fs::read(fresh.join("comparison.csv")).unwrap());
    assert_eq!(hidden_entries(dir.path()), Vec::<String>::new());
}

#[test]
fn relative_links_and_trailing_slashes_are_followed() {
    let dir = tempdir();
    compare_into(&dir.path().join("c1")).assert().success();
    std::os::unix::fs::symlink("c1", dir.path().join("lc1")).unwrap();
    std::os::unix::fs::symlink("not-yet", dir.path().join("later")).unwrap();
    for out in ["lc1", "lc1/", "./lc1", "later", "c1/", "c1/."] {
        govsim().current_dir(dir.path()).args(compare_args(out)).assert().success();
    }
    for link in ["lc1", "later"] {
        assert!(fs::symlink_metadata(dir.path().join(link)).unwrap().file_type().is_symlink());
    }
    assert!(dir.path().join("not-yet/comparison.csv").is_file());
}

#[test]
fn a_refused_destination_creates_nothing() {
    let dir = tempdir();
    let out = dir.path().join("new-parent").join("a".repeat(236));
    let a = compare_into(&out).assert().code(2);
    assert!(stderr(&a).contains("236 bytes"), "{}", stderr(&a));
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "no folder was created for a refused run");
}

#[test]
fn a_read_only_results_folder_is_left_alone() {
    // access(2) lets root write anywhere, so only another user sees the folder as read-only
    // SAFETY: geteuid has no preconditions
    if unsafe { libc::geteuid() } == 0 {
        eprintln!("not run: root may write into read-only folders");
        return;
    }
    let dir = tempdir();
    let out = dir.path().join("p1");
    compare_into(&out).assert().success();
    let mut perm = fs::metadata(&out).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o555);
    fs::set_permissions(&out, perm.clone()).unwrap();
    let a = compare_into(&out).args(["--seed", "3"]).assert().code(2);
    assert!(stderr(&a).contains("read-only"), "{}", stderr(&a));
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
    fs::set_permissions(&out, perm).unwrap();
}

#[test]
fn a_refused_sweep_leaves_the_users_folder_unmarked() {
    let dir = tempdir();
    let study = dir.path().join("study");
    fs::create_dir(&study).unwrap();
    // the user keeps their own sweep file there, and results of their own
    let small = with_absolute_scenarios("tests/sweeps/small.json", "scenarios", None);
    write_json(&study.join("sweep.json"), &small);
    fs::write(study.join("runs.csv"), "my precious results").unwrap();
    let sweep = |file: &Path| {
        govsim()
            .args(["sweep", file.to_str().unwrap(), "--out", study.to_str().unwrap(), "--progress", "off"])
            .assert()
            .code(2)
    };
    sweep(&study.join("sweep.json"));
    assert!(!study.join(".govsim-output").exists(), "a refused sweep does not mark the folder as its own");
    fs::rename(study.join("sweep.json"), dir.path().join("sweep.json")).unwrap();
    sweep(&dir.path().join("sweep.json"));
    assert_eq!(fs::read_to_string(study.join("runs.csv")).unwrap(), "my precious results");
}

#[test]
fn a_byte_order_mark_from_a_windows_editor_is_accepted() {
    let dir = tempdir();
    let f = dir.path().join("bom.json");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(r#"{"name": "bom", "time": {"years": 1}, "community": {"residents": 200}}"#.as_bytes());
    fs::write(&f, bytes).unwrap();
    govsim().args(["validate", f.to_str().unwrap()]).assert().success();
}

#[test]
fn temporary_files_of_killed_sweeps_are_removed_at_the_next_start() {
    let dir = tempdir();
    let out = dir.path().join("sw");
    let run = || {
        govsim()
            .args([
                "sweep",
                repo("tests/sweeps/small.json").to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--progress",
                "off",
            ])
            .assert()
    };
    run().success();
    let stale = out.join("blocks/.block-000001.csv.tmp-99999999-123");
    fs::write(&stale, "half a block").unwrap();
    // a fresh temporary may be another node's shard writing right now: it is left alone
    let a = run().success();
    assert!(stale.exists(), "a temporary of a moment ago was removed: {}", stderr(&a));
    // one older than govsim::sweep::blocks::STALE_AFTER is a stopped process's
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options().write(true).open(&stale).unwrap().set_modified(old).unwrap();
    let a = run().success();
    assert!(!stale.exists(), "{}", stderr(&a));
    assert!(stderr(&a).contains("left by a stopped govsim"), "{}", stderr(&a));
}
