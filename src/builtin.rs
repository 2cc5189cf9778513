//! The study material govsim carries: the driver scenarios, cases, experiments and district
//! files, the shipped sweeps and calibrations — every `*.json` under scenarios/, sweeps/ and
//! calibrations/ at build time (build.rs) — so that `govsim compare` works from any folder.
//!
//! A relative path that is not on disk, and names one of these files (after `.` and `..` are
//! resolved as written, so a built-in case's `"extends": "../drivers/x.json"` finds the built-in
//! driver), reads the built-in copy. A file on disk always wins. govsim says on stderr, once per
//! file, when it used a built-in copy and when a file on disk differs from the built-in copy of
//! the same name; `govsim scenarios list` shows them all and `govsim scenarios export DIR`
//! writes them out to edit.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));

/// The folders of study material, relative to the repository.
pub const FOLDERS: [&str; 3] = ["scenarios", "sweeps", "calibrations"];

/// `path` as a built-in name: relative, `/`-separated, `.` dropped and `..` resolved; `None` for
/// an absolute path or one that climbs above its start.
pub fn name_of(path: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(p) => parts.push(p.to_str()?.to_string()),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The contents of the built-in file called `name`.
pub fn get(name: &str) -> Option<&'static str> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

/// The built-in file `path` names, as (name, contents).
pub fn file(path: &Path) -> Option<(String, &'static str)> {
    let name = name_of(path)?;
    get(&name).map(|text| (name, text))
}

/// The built-in `*.json` files directly in the folder `path` names, as paths under `path`
/// (sorted); `None` if it names no built-in folder.
pub fn folder(path: &Path) -> Option<Vec<PathBuf>> {
    let name = name_of(path)?;
    let prefix = format!("{name}/");
    let mut found: Vec<PathBuf> = FILES
        .iter()
        .filter_map(|(n, _)| n.strip_prefix(&prefix))
        .filter(|rest| !rest.contains('/'))
        .map(|rest| path.join(rest))
        .collect();
    found.sort();
    (!found.is_empty()).then_some(found)
}

/// What has been said already: once per file or folder, whichever command asks how often.
static SAID: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn say_once(key: String, message: impl FnOnce() -> String) {
    let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
    // a file in a folder already announced is not announced again
    let covered = said
        .iter()
        .filter_map(|k| k.strip_prefix("folder:"))
        .any(|folder| key.strip_prefix("file:").is_some_and(|file| file.starts_with(&format!("{folder}/"))));
    if !covered && said.insert(key) {
        eprintln!("govsim: {}", message());
    }
}

/// Say that the folder `path` is not on disk and its built-in files are used.
pub fn note_folder(path: &Path, count: usize) {
    let Some(name) = name_of(path) else { return };
    say_once(format!("folder:{name}"), || {
        format!(
            "{}: no such folder here; using the {count} built-in files of govsim {} (`govsim scenarios list`; `govsim scenarios export DIR` writes them out to edit)",
            path.display(),
            crate::version::VERSION
        )
    });
}

/// Say that the file `name` (as `..` in its path resolves) is not on disk and its built-in copy is used.
pub fn note_used(name: &str) {
    say_once(format!("file:{name}"), || {
        format!("{name}: no such file here; using the copy built into govsim {}", crate::version::VERSION)
    });
}

/// Say it if the file on disk at `path`, read as `bytes`, has a built-in namesake it differs from.
pub fn note_disk_copy(path: &Path, bytes: &[u8]) {
    let Some((name, text)) = file(path) else { return };
    if text.as_bytes() != bytes {
        say_once(format!("differs:{name}"), || {
            format!(
                "{}: using the file on disk, which differs from the copy built into govsim {}",
                path.display(),
                crate::version::VERSION
            )
        });
    }
}

/// One line per built-in file for `govsim scenarios list`: name, kind, and whether a file of
/// that name is on disk here (relative to the current folder) and the same.
pub fn list() -> Vec<Listed> {
    FILES
        .iter()
        .map(|(name, text)| {
            let on_disk = match std::fs::read(name) {
                Ok(bytes) if bytes == text.as_bytes() => OnDisk::Same,
                Ok(_) => OnDisk::Differs,
                Err(_) => OnDisk::Absent,
            };
            let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            let kind = match value.as_object() {
                Some(o) => crate::scenario::input::kind_of(o),
                None => crate::scenario::input::FileKind::Scenario,
            };
            let description = value.get("description").and_then(|d| d.as_str()).unwrap_or("").to_string();
            Listed { name, kind, description, on_disk }
        })
        .collect()
}

/// A built-in file as `govsim scenarios list` shows it.
pub struct Listed {
    pub name: &'static str,
    pub kind: crate::scenario::input::FileKind,
    pub description: String,
    pub on_disk: OnDisk,
}

/// Whether a file of a built-in file's name is on disk here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnDisk {
    Absent,
    Same,
    Differs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_dots_as_written() {
        assert_eq!(name_of(Path::new("scenarios/drivers")).as_deref(), Some("scenarios/drivers"));
        assert_eq!(name_of(Path::new("./scenarios/drivers/")).as_deref(), Some("scenarios/drivers"));
        assert_eq!(
            name_of(Path::new("scenarios/cases/../drivers/multi-actor.json")).as_deref(),
            Some("scenarios/drivers/multi-actor.json")
        );
        assert_eq!(name_of(Path::new("../scenarios/drivers")), None);
        assert_eq!(name_of(Path::new("/scenarios/drivers")), None);
        assert_eq!(name_of(Path::new(".")), None);
    }

    #[test]
    fn carries_the_study_material() {
        let drivers = folder(Path::new("scenarios/drivers")).expect("the drivers are built in");
        assert_eq!(drivers.len(), 5, "{drivers:?}");
        assert!(get("scenarios/cases/hemei.json").is_some());
        assert!(get("sweeps/multi-actor-resources.json").is_some());
        assert!(get("calibrations/shared-behaviour.json").is_some());
        assert!(folder(Path::new("scenarios")).is_none(), "scenarios/ holds folders, no files directly");
        assert!(folder(Path::new("scenarios/drive")).is_none());
        // every file is exactly the file in the repository (the tests run from the crate root)
        for (name, text) in FILES {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            assert_eq!(std::fs::read_to_string(root.join(name)).unwrap(), *text, "{name}");
        }
    }
}
