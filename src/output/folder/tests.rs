//! Output folders under every starting state and every interruption: the user's files are never
//! touched, and afterwards either the old or the new results are in place, complete.

use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// The registry of writes in progress and the fallback switch are process-wide: one test at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Every file under `root` (symbolic links as their target text) with its content.
fn snapshot(root: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let meta = fs::symlink_metadata(&p).unwrap();
            let rel = relative(root, &p);
            if meta.file_type().is_symlink() {
                out.insert(rel, format!("-> {}", fs::read_link(&p).unwrap().display()));
            } else if meta.is_dir() {
                out.insert(format!("{rel}/"), String::new());
                stack.push(p);
            } else {
                out.insert(rel, fs::read_to_string(&p).unwrap_or_else(|_| "<binary>".into()));
            }
        }
    }
    out
}

/// The results in a folder, without the marker (whose content names the version).
fn results(dir: &Path) -> Option<BTreeMap<String, String>> {
    if !fs::metadata(dir).ok()?.is_dir() {
        return None;
    }
    let mut s = snapshot(dir);
    s.remove(MARKER);
    // the codebook govsim adds beside CSV files (output::codebook; checked in tests/codebook.rs)
    s.remove("datapackage.json");
    Some(s)
}

fn fill_old(dir: &Path) -> io::Result<()> {
    fs::write(dir.join("a.csv"), "old a")?;
    fs::create_dir_all(dir.join("m"))?;
    fs::write(dir.join("m/b.csv"), "old b")
}

fn fill_new(dir: &Path) -> io::Result<()> {
    fs::write(dir.join("a.csv"), "new a, longer")?;
    fs::create_dir_all(dir.join("m"))?;
    fs::write(dir.join("m/b.csv"), "new b, longer")?;
    fs::write(dir.join("c.csv"), "new c")
}

/// Folder states a destination can be found in.
#[derive(Clone, Copy, Debug)]
enum Start {
    Absent,
    Empty,
    /// A folder of the user's.
    Foreign,
    /// Earlier results of govsim.
    Ours,
    /// Earlier results with a file of the user's added.
    OursPlusUserFile,
    /// Earlier results with one file edited by the user.
    OursEdited,
    /// A file where the folder should be.
    File,
    /// A symbolic link to a folder of earlier results.
    LinkToOurs,
    /// A symbolic link to a folder of the user's.
    LinkToForeign,
    /// A symbolic link to a folder that does not exist yet (followed: results go there).
    Dangling,
}

/// What interrupted the first write.
#[derive(Clone, Copy, Debug)]
enum Stop {
    Nothing,
    /// SIGKILL, power loss of the process: nothing is cleaned up.
    Kill(Phase),
    /// A second Ctrl-C: the handler removes the pending folders, then the process exits.
    SecondSignal(Phase),
    /// A first Ctrl-C: the stop flag is set and the write goes on.
    FirstSignal(Phase),
}

fn arb_phase() -> impl Strategy<Value = Phase> {
    prop_oneof![Just(Phase::Started), Just(Phase::Filled), Just(Phase::MovedAside), Just(Phase::Swapped)]
}

fn arb_start() -> impl Strategy<Value = Start> {
    prop_oneof![
        Just(Start::Absent),
        Just(Start::Empty),
        Just(Start::Foreign),
        Just(Start::Ours),
        Just(Start::OursPlusUserFile),
        Just(Start::OursEdited),
        Just(Start::File),
        Just(Start::LinkToOurs),
        Just(Start::LinkToForeign),
        Just(Start::Dangling),
    ]
}

fn arb_stop() -> impl Strategy<Value = Stop> {
    prop_oneof![
        Just(Stop::Nothing),
        arb_phase().prop_map(Stop::Kill),
        arb_phase().prop_map(Stop::SecondSignal),
        arb_phase().prop_map(Stop::FirstSignal),
    ]
}

/// Write earlier results of govsim into `dir` (as a completed run would have).
fn make_ours(dir: &Path) {
    let parent = dir.parent().unwrap();
    let name = dir.file_name().unwrap().to_str().unwrap();
    let d = Destination::within(parent, name, "test", Mode::Replace, Suggest::Sibling).unwrap();
    d.write(&AtomicBool::new(false), fill_old).unwrap();
}

/// Build the starting state; returns the folder where results are (or would be) found.
fn set_up(root: &Path, start: Start) -> PathBuf {
    let out = root.join("out");
    fs::write(root.join("thesis.txt"), "the user's own file").unwrap();
    let elsewhere = root.join("elsewhere");
    match start {
        Start::Absent => {}
        Start::Empty => fs::create_dir(&out).unwrap(),
        Start::Foreign => {
            fs::create_dir_all(out.join("sub")).unwrap();
            fs::write(out.join("sub/keep"), "x").unwrap();
        }
        Start::Ours => make_ours(&out),
        Start::OursPlusUserFile => {
            make_ours(&out);
            fs::write(out.join("notes.md"), "my notes").unwrap();
        }
        Start::OursEdited => {
            make_ours(&out);
            fs::write(out.join("a.csv"), "old a, annotated by hand").unwrap();
        }
        Start::File => fs::write(&out, "a file").unwrap(),
        Start::LinkToOurs => {
            make_ours(&elsewhere);
            std::os::unix::fs::symlink(&elsewhere, &out).unwrap();
            return elsewhere;
        }
        Start::LinkToForeign => {
            fs::create_dir(&elsewhere).unwrap();
            fs::write(elsewhere.join("data.csv"), "the user's data").unwrap();
            std::os::unix::fs::symlink(&elsewhere, &out).unwrap();
            return elsewhere;
        }
        Start::Dangling => {
            std::os::unix::fs::symlink("nowhere", &out).unwrap();
            return root.join("nowhere");
        }
    }
    out
}

fn refused(start: Start) -> bool {
    matches!(start, Start::Foreign | Start::OursPlusUserFile | Start::OursEdited | Start::File | Start::LinkToForeign)
}

/// Hidden temporary folders of govsim next to `folder`.
fn leftovers(folder: &Path) -> Vec<String> {
    let name = folder.file_name().unwrap().to_string_lossy().to_string();
    fs::read_dir(folder.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(&format!(".{name}.")) && !n.ends_with("99999998"))
        .collect()
}

fn check(start: Start, stop: Stop, fallback: bool, stale: bool) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    FORCE_FALLBACK.store(fallback, Ordering::SeqCst);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let folder = set_up(root, start);
    if stale {
        // a dead process's unfinished folder (govsim's), and a look-alike the user made
        let ours = root.join(".out.partial-99999999");
        fs::create_dir(&ours).unwrap();
        write_marker(&ours, "test", Contents::Partial).unwrap();
        fs::write(ours.join("a.csv"), "half").unwrap();
        let theirs = root.join(".out.partial-99999998");
        fs::create_dir(&theirs).unwrap();
        fs::write(theirs.join("x"), "not govsim's").unwrap();
    }
    let before = snapshot(root);
    let old = results(&folder);
    let user_files: BTreeMap<String, String> = before
        .iter()
        .filter(|(k, _)| {
            // everything but govsim's own earlier results and leftovers
            let ours_dir = matches!(start, Start::Ours | Start::LinkToOurs);
            let in_folder = k.starts_with(&format!("{}/", folder.file_name().unwrap().to_string_lossy()))
                || **k == format!("{}/", folder.file_name().unwrap().to_string_lossy());
            let stale_of_ours = k.starts_with(".out.partial-99999999");
            !(stale_of_ours || ours_dir && in_folder)
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let user_intact = |when: &str| {
        let now = snapshot(root);
        for (k, v) in &user_files {
            assert_eq!(now.get(k), Some(v), "{when}: the user's {k} changed or vanished ({start:?}, {stop:?})");
        }
    };

    let dest = Destination::new(&root.join("out"), "test", Mode::Replace);
    if refused(start) {
        assert!(matches!(dest, Err(Refusal::Input(_))), "{start:?} must be refused: {dest:?}");
        let mut after = snapshot(root);
        let mut before = before;
        // the dead process's folder is cleaned up before the refusal; nothing else changes
        after.retain(|k, _| !k.starts_with(".out.partial-99999999"));
        before.retain(|k, _| !k.starts_with(".out.partial-99999999"));
        assert_eq!(after, before, "a refused destination must leave everything as it was ({start:?})");
        return;
    }
    let dest = dest.unwrap();
    assert_eq!(leftovers(&folder), Vec::<String>::new(), "stale folders of dead processes are removed first");
    let stop_flag = AtomicBool::new(false);
    let mut hook = |phase: Phase| match stop {
        Stop::Kill(p) | Stop::SecondSignal(p) if p == phase => false,
        Stop::FirstSignal(p) if p == phase => {
            stop_flag.store(true, Ordering::SeqCst);
            true
        }
        _ => true,
    };
    let first = dest.write_with(&stop_flag, fill_new, &mut hook);
    if let Stop::SecondSignal(_) = stop {
        if matches!(first, Err(WriteError::Killed)) {
            remove_pending();
        }
    }
    forget_pending();
    user_intact("after the interrupted write");
    if let Stop::SecondSignal(p) = stop {
        // the handler leaves no partial folder (except the old results moved aside when killed
        // between the fallback's two renames, which the next run restores)
        if p != Phase::MovedAside || !fallback {
            assert_eq!(leftovers(&folder), Vec::<String>::new(), "a second Ctrl-C at {p:?} leaves nothing behind");
        }
    }
    let new_results = {
        let d = tempfile::tempdir().unwrap();
        fill_new(d.path()).unwrap();
        results(d.path())
    };
    match (&first, stop) {
        (Ok(_), _) => assert_eq!(results(&folder), new_results),
        (Err(WriteError::Interrupted), Stop::FirstSignal(Phase::Started | Phase::Filled)) => {
            assert_eq!(results(&folder), old, "a stop before the swap keeps the old results");
            assert_eq!(leftovers(&folder), Vec::<String>::new(), "and removes the temporary folder");
        }
        (Err(WriteError::Killed), _) => {}
        (other, _) => panic!("unexpected {other:?} for {start:?} {stop:?}"),
    }

    // the next run: it restores or cleans up what the interrupted one left
    let next = Destination::new(&root.join("out"), "test", Mode::Replace).unwrap();
    let now = results(&folder);
    assert!(
        now == old || now == new_results,
        "after {stop:?} from {start:?} (fallback {fallback}) the folder must hold the old or the new results: {now:?}"
    );
    assert_eq!(leftovers(&folder), Vec::<String>::new(), "no orphans after the next start ({start:?}, {stop:?})");
    next.write(&AtomicBool::new(false), fill_new).unwrap();
    assert_eq!(results(&folder), new_results);
    assert_eq!(leftovers(&folder), Vec::<String>::new());
    user_intact("after the next run");
    if matches!(start, Start::LinkToOurs | Start::Dangling) {
        assert!(
            fs::symlink_metadata(root.join("out")).unwrap().file_type().is_symlink(),
            "the link is followed, not replaced"
        );
    }
    FORCE_FALLBACK.store(false, Ordering::SeqCst);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn user_files_survive_and_results_are_old_or_new(start in arb_start(), stop in arb_stop(), fallback in any::<bool>(), stale in any::<bool>()) {
        check(start, stop, fallback, stale);
    }
}

#[test]
fn every_state_and_interruption_once() {
    let starts = [
        Start::Absent,
        Start::Empty,
        Start::Foreign,
        Start::Ours,
        Start::OursPlusUserFile,
        Start::OursEdited,
        Start::File,
        Start::LinkToOurs,
        Start::LinkToForeign,
        Start::Dangling,
    ];
    let phases = [Phase::Started, Phase::Filled, Phase::MovedAside, Phase::Swapped];
    let mut stops = vec![Stop::Nothing];
    for p in phases {
        stops.extend([Stop::Kill(p), Stop::SecondSignal(p), Stop::FirstSignal(p)]);
    }
    for start in starts {
        for &stop in &stops {
            for fallback in [false, true] {
                for stale in [false, true] {
                    check(start, stop, fallback, stale);
                }
            }
        }
    }
}

#[test]
fn a_kill_between_the_fallback_renames_is_repaired_by_the_next_run() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    FORCE_FALLBACK.store(true, Ordering::SeqCst);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    make_ours(&out);
    let dest = Destination::new(&out, "test", Mode::Replace).unwrap();
    let r = dest.write_with(&AtomicBool::new(false), fill_new, &mut |p| p != Phase::MovedAside);
    FORCE_FALLBACK.store(false, Ordering::SeqCst);
    forget_pending();
    assert!(matches!(r, Err(WriteError::Killed)));
    assert!(!out.exists(), "killed between the renames: no result folder, only the hidden old one");
    let next = Destination::new(&out, "test", Mode::Replace).unwrap();
    assert!(next.notes.iter().any(|n| n.contains("restored")), "{:?}", next.notes);
    assert_eq!(fs::read_to_string(out.join("a.csv")).unwrap(), "old a");
}

#[test]
fn names_that_cannot_be_a_folder_are_refused_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in ["..", ".", "a/b", ""] {
        assert!(
            matches!(
                Destination::within(tmp.path(), bad, "run", Mode::Replace, Suggest::Sibling),
                Err(Refusal::Input(_))
            ),
            "{bad:?}"
        );
    }
    let long = "x".repeat(MAX_NAME_BYTES + 1);
    let r = Destination::within(tmp.path(), &long, "run", Mode::Replace, Suggest::Sibling);
    assert!(matches!(&r, Err(Refusal::Input(m)) if m.contains("235")), "{r:?}");
    assert!(
        Destination::within(tmp.path(), &"x".repeat(MAX_NAME_BYTES), "run", Mode::Replace, Suggest::Sibling).is_ok()
    );
    // (`x/.` is the folder x itself, as everywhere in paths)
    for bad in [tmp.path().join("x/.."), PathBuf::from("/"), PathBuf::from(".."), PathBuf::from(".")] {
        assert!(matches!(Destination::new(&bad, "compare", Mode::Replace), Err(Refusal::Input(_))), "{bad:?}");
    }
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0, "nothing is created for refused names");
}

#[test]
fn a_sweep_folder_is_written_in_place_and_only_if_it_is_a_sweeps() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    let mode = Mode::InPlace { since: Some("sweep.json") };
    let d = Destination::new(&out, "sweep", mode).unwrap();
    d.write(&AtomicBool::new(false), |dir| fs::write(dir.join("blocks.csv"), "1")).unwrap();
    // resuming: the folder is the sweep's; nothing in it is removed
    fs::write(out.join("my-notes.txt"), "kept").unwrap();
    let d = Destination::new(&out, "sweep", mode).unwrap();
    d.write(&AtomicBool::new(false), |dir| fs::write(dir.join("more.csv"), "2")).unwrap();
    assert_eq!(fs::read_to_string(out.join("my-notes.txt")).unwrap(), "kept");
    assert!(out.join("blocks.csv").exists() && out.join("more.csv").exists());
    // another command's folder, or a folder of the user's, is refused
    assert!(matches!(Destination::new(&out, "other", Mode::InPlace { since: None }), Err(Refusal::Input(_))));
    let theirs = tmp.path().join("theirs");
    fs::create_dir(&theirs).unwrap();
    fs::write(theirs.join("data"), "x").unwrap();
    assert!(matches!(Destination::new(&theirs, "sweep", mode), Err(Refusal::Input(_))));
    // a sweep folder of a govsim that had no markers yet is taken over
    let legacy = tmp.path().join("legacy");
    fs::create_dir(&legacy).unwrap();
    fs::write(legacy.join("sweep.json"), "{}").unwrap();
    assert!(Destination::new(&legacy, "sweep", mode).is_ok());
}

#[test]
fn an_empty_folder_govsim_made_is_its_own_but_one_the_user_made_is_not() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("analysis");
    let d = Destination::new(&out, "test", Mode::Replace).unwrap();
    d.write(&AtomicBool::new(false), |dir| fs::create_dir(dir.join("charts"))).unwrap();
    assert!(Destination::new(&out, "test", Mode::Replace).is_ok(), "govsim's empty charts/ folder");
    fs::create_dir(out.join("mine")).unwrap();
    let r = Destination::new(&out, "test", Mode::Replace);
    assert!(matches!(&r, Err(Refusal::Input(m)) if m.contains("mine/")), "{r:?}");
}
