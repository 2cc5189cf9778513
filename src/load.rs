//! What a command reads before it runs, checked as a whole before any work starts: scenario
//! files from files and folders (every one loaded, all problems at once, names distinct), a
//! chart font, and any input file by its kind (`govsim validate`).

use crate::output::charts::{self, font, font::FontArg};
use crate::scenario::{self, Scenario};
use crate::Error;
use std::path::{Path, PathBuf};

/// Scenario files from files and folders (a folder contributes its `*.json` files, sorted). A
/// folder that is not on disk but is one govsim carries (`scenarios/drivers`) contributes its
/// built-in files, and govsim says so ([`crate::builtin`]); a missing path that is neither, nor
/// a `*.json` file name, is refused here, naming the folder it was looked for in.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for p in paths {
        if std::fs::symlink_metadata(p).is_err() {
            if let Some(found) = crate::builtin::folder(p) {
                crate::builtin::note_folder(p, found.len());
                files.extend(found);
            } else if crate::builtin::file(p).is_some() || p.extension().is_some_and(|x| x == "json") {
                // a file: loading it reads the built-in copy or says it cannot, with the others' problems
                files.push(p.clone());
            } else {
                let here =
                    std::env::current_dir().map_or_else(|_| "the current folder".into(), |d| d.display().to_string());
                return Err(Error::input(format!(
                    "{}: no such file or folder (looked in {here}); `govsim scenarios list` shows the scenarios built into govsim",
                    p.display()
                )));
            }
            continue;
        }
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

/// What charts call these scenarios: their names and labels (for [`font`]).
pub fn scenario_texts<'a>(scenarios: impl IntoIterator<Item = &'a Scenario>) -> Vec<&'a str> {
    scenarios.into_iter().flat_map(|s| [s.name.as_str(), s.label.as_str()]).collect()
}

/// Choose and register the chart font, before any run ([`crate::output::charts::font`]): with
/// no `--font`, the bundled font for the language and for `texts` (what charts will draw
/// beyond the translations: scenario labels and names); `--font PATH`, a regular file within
/// [`scenario::input::MAX_FONT_BYTES`] that the chart library can read (of a collection, its
/// Simplified Chinese face); `--font auto`, an installed CJK font, else the bundled CJK subset.
/// Says on stderr which font `auto` found, and which characters of `texts` a chosen font lacks.
pub fn font(font: Option<&FontArg>, texts: &[&str]) -> Result<(), Error> {
    let lang = crate::lang::current();
    let mut all: Vec<&str> = font::translated_texts(lang);
    all.extend_from_slice(texts);
    let texts = &all[..];
    match font {
        None => init_bundled(font::bundled_for(lang, texts), texts),
        Some(FontArg::File(path)) => {
            let (bytes, face) = read_font(path).map_err(|e| Error::input(format!("--font {}: {e}", path.display())))?;
            if face.starts_with(" (face") {
                eprintln!("--font {}: using{face}", path.display());
            }
            warn_missing(&format!("--font {}", path.display()), &bytes, texts);
            charts::init_font_bytes(Box::leak(bytes.into_boxed_slice()))
                .map_err(|e| Error::input(format!("--font {}: {e}", path.display())))
        }
        Some(FontArg::Auto) => {
            let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE")).map(PathBuf::from);
            let folders = font::font_folders(home.as_deref());
            for path in font::find_cjk_fonts(&folders) {
                // a font that cannot be read or has no Chinese is passed over, with a note
                match read_font(&path) {
                    Ok((bytes, face)) if font::missing(&bytes, 0, &["中文"]).is_empty() => {
                        eprintln!("--font auto: chart font {}{face}", path.display());
                        warn_missing(&format!("--font auto ({})", path.display()), &bytes, texts);
                        return charts::init_font_bytes(Box::leak(bytes.into_boxed_slice()))
                            .map_err(|e| Error::input(format!("--font auto: {}: {e}", path.display())));
                    }
                    Ok(_) => eprintln!("--font auto: {} has no Chinese characters; passed over", path.display()),
                    Err(e) => eprintln!("--font auto: {}: {e}; passed over", path.display()),
                }
            }
            eprintln!(
                "--font auto: no CJK font (Noto Sans CJK/SC, Source Han Sans, WenQuanYi, Microsoft YaHei, PingFang, ...) found in {}; using the bundled {}",
                folders.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", "),
                font::Bundled::CjkSubset.name()
            );
            init_bundled(font::Bundled::CjkSubset, texts)
        }
    }
}

fn init_bundled(b: font::Bundled, texts: &[&str]) -> Result<(), Error> {
    warn_missing(b.name(), b.bytes(), texts);
    charts::init_font_bytes(b.bytes()).map_err(|e| Error::runtime(format!("{}: {e}", b.name())))
}

/// A font file's bytes (of a collection, its preferred face copied out as a font of its own),
/// with a note naming the face for a collection (` (face 2 of 10: Noto Sans CJK SC)`).
fn read_font(path: &Path) -> Result<(Vec<u8>, String), String> {
    let bytes = scenario::input::read_limited(path, scenario::input::MAX_FONT_BYTES, "fonts")
        .map_err(|e| format!("cannot read: {e}"))?;
    let Some(count) = ttf_parser::fonts_in_collection(&bytes) else {
        ttf_parser::Face::parse(&bytes, 0).map_err(|e| format!("not a usable TrueType/OpenType font ({e})"))?;
        let name = font::face_name(&bytes, 0).map(|n| format!(" ({n})")).unwrap_or_default();
        return Ok((bytes, name));
    };
    let face = font::preferred_face(&bytes);
    let one = font::extract_face(&bytes, face)?;
    ttf_parser::Face::parse(&one, 0)
        .map_err(|e| format!("face {face} of the collection is not a usable TrueType/OpenType font ({e})"))?;
    let name = font::face_name(&one, 0).unwrap_or_else(|| "unnamed".to_string());
    Ok((one, format!(" (face {face} of {count}: {name})")))
}

/// Warn on stderr when the font lacks characters of `texts` (they would be drawn as boxes).
fn warn_missing(what: &str, bytes: &[u8], texts: &[&str]) {
    let lacking = font::missing(bytes, 0, texts);
    if !lacking.is_empty() {
        eprintln!(
            "warning: the chart font {what} has no glyph for {}; charts show an empty box for each (choose another with --font)",
            font::describe_chars(&lacking, 12)
        );
    }
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
        FileKind::Region => scenario::region::load_region(file)
            .map(|p| {
                format!(
                    " (region: {} districts, {} communities, {} residents)",
                    p.districts.len(),
                    p.communities(),
                    p.residents()
                )
            })
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
