//! `govsim scenarios list|export`: the study material built into the binary ([`govsim::builtin`]).

use super::flags::Schema;
use super::say;
use govsim::builtin::{self, OnDisk};
use govsim::scenario::input::FileKind;
use govsim::Error;
use std::path::{Path, PathBuf};

/// One line per built-in file: its path, kind, whether a file of that path is on disk here (and
/// the same), and the start of its description.
pub fn list() -> Result<(), Error> {
    let files = builtin::list();
    let width = files.iter().map(|f| f.name.len()).max().unwrap_or(4);
    say(&format!("{:width$}  {:11}  {:14}  description", "path", "kind", "on disk here"))?;
    for f in &files {
        let kind = match f.kind {
            FileKind::Scenario => "scenario",
            FileKind::District => "district",
            FileKind::Region => "region",
            FileKind::Sweep => "sweep",
            FileKind::Calibration => "calibration",
        };
        let here = match f.on_disk {
            OnDisk::Absent => "no (built-in)",
            OnDisk::Same => "yes, the same",
            OnDisk::Differs => "yes, differs",
        };
        let description = shorten(f.description.lines().next().unwrap_or(""), DESCRIPTION_COLUMNS);
        say(&format!("{:width$}  {kind:11}  {here:14}  {description}", f.name))?;
    }
    say(&format!(
        "{} files built into govsim {}. Any command reads them by these paths when no such file is on disk here; a file on disk wins. `govsim scenarios export DIR` writes them out to edit.",
        files.len(),
        govsim::version::VERSION
    ))
}

/// How many terminal columns of a description `list` shows (a Chinese character takes two).
const DESCRIPTION_COLUMNS: usize = 72;

/// `text` cut to `columns` terminal columns, with an ellipsis where it was cut.
fn shorten(text: &str, columns: usize) -> String {
    if govsim::lang::terminal_width(text) <= columns {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if govsim::lang::terminal_width(&out) + govsim::lang::terminal_width(&c.to_string()) > columns - 1 {
            break;
        }
        out.push(c);
    }
    out + "…"
}

/// The JSON Schemas the built-in files name in `$schema` (relative to the export folder).
const SCHEMAS: [(&str, Schema); 5] = [
    ("govsim.schema.json", Schema::Scenario),
    ("govsim.sweep.schema.json", Schema::Sweep),
    ("govsim.district.schema.json", Schema::District),
    ("govsim.region.schema.json", Schema::Region),
    ("govsim.calibration.schema.json", Schema::Calibration),
];

/// Write every built-in file under `dir`, with the schemas. `dir` must be absent or an empty
/// folder: nothing of the user's is overwritten. The files are written into a new folder beside
/// `dir` first and moved into place at the end, so a failure leaves `dir` as it was.
pub fn export(dir: &Path) -> Result<(), Error> {
    let refuse = |why: String| Error::input(format!("{}: {why}; nothing was written", dir.display()));
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(refuse(format!("cannot look at it: {e}"))),
        Ok(_) if !dir.is_dir() => return Err(refuse("it exists and is not a folder".into())),
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(|e| refuse(format!("cannot read it: {e}")))?;
            if let Some(first) = entries.next() {
                let first = first.map_or_else(|_| "?".into(), |e| e.file_name().to_string_lossy().into_owned());
                return Err(refuse(format!(
                    "the folder is not empty (it holds {first}…); export into a new or empty folder so none of your files is overwritten"
                )));
            }
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let stem = dir.file_name().map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    let tmp = parent.join(format!(".{stem}.govsim-export-{}", std::process::id()));
    let written = fill(&tmp).and_then(|n| move_into(&tmp, dir).map(|()| n));
    let _ = std::fs::remove_dir_all(&tmp); // only ever holds what fill wrote
    let n = written
        .map_err(|e| Error::runtime(format!("{}: cannot export: {e}; nothing was left there", dir.display())))?;
    say(&format!(
        "wrote {n} built-in files and {} JSON Schemas to {}: scenarios/, sweeps/, calibrations/. Edit them and run from there, e.g. `cd {} && govsim compare scenarios/drivers`.",
        SCHEMAS.len(),
        dir.display(),
        dir.display()
    ))
}

/// Write the files and schemas into the new folder `tmp`; how many files.
fn fill(tmp: &Path) -> std::io::Result<usize> {
    std::fs::create_dir(tmp)?;
    for (name, text) in builtin::FILES {
        let path = tmp.join(name);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::write(path, text)?;
    }
    for (name, which) in SCHEMAS {
        let text = serde_json::to_string_pretty(&super::schema_json(which)).map_err(std::io::Error::other)?;
        std::fs::write(tmp.join(name), text + "\n")?;
    }
    Ok(builtin::FILES.len())
}

/// Put what `tmp` holds at `dir`: a rename of the folder when `dir` is absent, else (an empty
/// folder) of each entry; on failure the entries already moved go back into `tmp`.
fn move_into(tmp: &Path, dir: &Path) -> std::io::Result<()> {
    if !dir.exists() {
        return std::fs::rename(tmp, dir);
    }
    let mut moved: Vec<std::ffi::OsString> = Vec::new();
    for entry in std::fs::read_dir(tmp)? {
        let name = entry?.file_name();
        if let Err(e) = std::fs::rename(tmp.join(&name), dir.join(&name)) {
            for done in &moved {
                let _ = std::fs::rename(dir.join(done), tmp.join(done));
            }
            return Err(e);
        }
        moved.push(name);
    }
    Ok(())
}
