//! What a command reads before it runs, checked as a whole before any work starts: scenario
//! files from files and folders (every one loaded, all problems at once, names distinct), a
//! chart font, and any input file by its kind (`govsim validate`).

use crate::scenario::{self, Scenario};
use crate::Error;
use std::path::{Path, PathBuf};

/// Scenario files from files and folders (a folder contributes its `*.json` files, sorted).
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for p in paths {
        if !p.is_dir() {
            files.push(p.clone());
            continue;
        }
        let entries =
            std::fs::read_dir(p).map_err(|e| Error::input(format!("{}: cannot read folder: {e}", p.display())))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|f| f.extension().is_some_and(|x| x == "json"))
            .collect();
        found.sort();
        if found.is_empty() {
            return Err(Error::input(format!("{}: no scenario files (*.json) in this folder", p.display())));
        }
        files.extend(found);
    }
    Ok(files)
}

/// Load every scenario file; if any fails, every failure together as bad input. Two files with
/// the same scenario name are refused ([`scenario::duplicate_names`]): their results would
/// overwrite each other.
pub fn scenarios(files: &[PathBuf]) -> Result<Vec<Scenario>, Error> {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        match scenario::load(f) {
            Ok(s) => ok.push(s),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(Error::input(errors.join("\n")));
    }
    if let Some(&(i, j)) = scenario::duplicate_names(ok.iter().map(|s| s.name.as_str())).first() {
        return Err(Error::input(format!(
            "{} and {} both have the scenario name \"{}\"; their results would overwrite each other (set a distinct \"name\")",
            files[j].display(),
            files[i].display(),
            ok[i].name
        )));
    }
    Ok(ok)
}

/// Use a custom chart font (`--font`), checked before any run: a regular file within
/// [`scenario::input::MAX_FONT_BYTES`] that the chart library can read.
pub fn font(font: Option<&Path>) -> Result<(), Error> {
    let Some(font) = font else { return Ok(()) };
    let bytes = scenario::input::read_limited(font, scenario::input::MAX_FONT_BYTES, "fonts")
        .map_err(|e| Error::input(format!("--font {}: cannot read: {e}", font.display())))?;
    crate::output::charts::init_fonts(Some(bytes)).map_err(|e| Error::input(format!("--font {}: {e}", font.display())))
}

/// Check a scenario, district or sweep file (the kind by `$schema` or by shape) as the command
/// that uses it would (a district with its scenarios, a sweep as `sweep --dry-run`). What it
/// holds, for files that hold more than one scenario (e.g. ` (district: 3 communities, 9000
/// residents)`), or every problem of the file.
pub fn check(file: &Path) -> Result<String, String> {
    use scenario::input::{self, FileKind};
    let kind = input::read_json_text(file)
        .and_then(|text| input::parse_object(&text, file))
        .map(|object| input::kind_of(&object))
        .map_err(|e| e.to_string())?;
    match kind {
        FileKind::Scenario => scenario::load(file).map(|_| String::new()).map_err(|e| e.to_string()),
        FileKind::District => scenario::district::load_district(file)
            .map(|p| format!(" (district: {} communities, {} residents)", p.communities.len(), p.residents()))
            .map_err(|e| e.to_string()),
        FileKind::Sweep => crate::sweep::prepare(file, crate::sweep::limits::DEFAULT_MAX_RUNS)
            .map(|p| format!(" (sweep: {} runs in {} block(s))", p.resolved.total_runs, p.resolved.blocks))
            .map_err(|e| e.to_string()),
        FileKind::Calibration => crate::calibrate::plan::prepare(file, crate::sweep::limits::DEFAULT_MAX_RUNS)
            .map(|p| {
                let fitted = p.fitted().len() as u64;
                let runs =
                    crate::calibrate::plan::total_runs(&p.resolved.calibration, fitted, p.resolved.cases.len() as u64);
                format!(
                    " (calibration: {} parameter(s), {} case(s) fitted, {} held back, at most {runs} runs)",
                    p.resolved.parameters.len(),
                    fitted,
                    p.resolved.cases.len() as u64 - fitted
                )
            })
            .map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_names_point_at_the_first_holder() {
        let names = ["a", "b", "a", "c", "b", "a"];
        assert_eq!(scenario::duplicate_names(names), vec![(2, 0), (4, 1), (5, 0)]);
        assert!(scenario::duplicate_names(["x", "y"]).is_empty());
    }

    #[test]
    fn same_names_in_two_files_are_refused_with_both_files() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
        for f in [&a, &b] {
            std::fs::write(f, r#"{ "name": "same" }"#).unwrap();
        }
        let e = scenarios(&[a.clone(), b.clone()]).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Input);
        assert!(e.message().starts_with(&format!("{} and {} both have", a.display(), b.display())), "{e}");
    }

    #[test]
    fn folders_give_their_json_files_sorted() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["b.json", "a.json", "notes.txt"] {
            std::fs::write(dir.path().join(f), "{}").unwrap();
        }
        let files = expand(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(files, vec![dir.path().join("a.json"), dir.path().join("b.json")]);
        let empty = tempfile::tempdir().unwrap();
        assert!(expand(&[empty.path().to_path_buf()]).unwrap_err().message().contains("no scenario files"));
    }
}
