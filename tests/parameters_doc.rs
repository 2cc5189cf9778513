//! The parameter reference and the scenario guide cannot drift from the program:
//! docs/parameters.md is exactly what `govsim schema --markdown` prints, and every scenario
//! file docs/scenarios.md shows is checked by `govsim validate` as the guide says (valid, or
//! refused with the very message the guide shows).

mod common;

use common::{govsim, repo};
use std::fs;
use std::path::Path;

const REFERENCE: &str = "docs/parameters.md";
const GUIDE: &str = "docs/scenarios.md";
const REGENERATE: &str =
    "govsim schema --markdown > docs/parameters.md (or GOVSIM_BLESS=1 cargo test --release --test parameters_doc)";

#[test]
fn parameters_md_is_what_govsim_schema_markdown_prints() {
    let out = govsim().args(["schema", "--markdown"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.starts_with(govsim::scenario::reference::HEADER), "the reference starts with its header");
    assert!(printed.contains("| `behaviour.acceptance.intercept` | -2 | [-20, 20] | logit |"));
    let path = repo(REFERENCE);
    if std::env::var_os("GOVSIM_BLESS").is_some() {
        fs::write(&path, &printed).unwrap();
        return;
    }
    let shipped = fs::read_to_string(&path).unwrap_or_default();
    if shipped != printed {
        let first = shipped.lines().zip(printed.lines()).position(|(a, b)| a != b);
        let hint = match first {
            Some(i) => format!(
                "first difference at line {}:\n  {REFERENCE}: {}\n  govsim prints: {}",
                i + 1,
                shipped.lines().nth(i).unwrap_or(""),
                printed.lines().nth(i).unwrap_or("")
            ),
            None => format!("{} lines in {REFERENCE}, {} printed", shipped.lines().count(), printed.lines().count()),
        };
        panic!("{REFERENCE} is out of date; regenerate it: {REGENERATE}\n{hint}");
    }
}

/// A file the guide shows: the line before its ```json block reads ``File `path`:`` (a file
/// that must validate) or ``File `path` (a mistake):`` (one `govsim validate` must refuse; the
/// next ``` block after it is what govsim prints on stderr).
struct Shown {
    path: String,
    text: String,
    mistake: bool,
    /// The output block that follows a mistake.
    expected_error: Option<String>,
}

fn shown_files(guide: &str) -> Vec<Shown> {
    let lines: Vec<&str> = guide.lines().collect();
    let block = |start: usize| -> Option<(String, usize)> {
        // from the opening fence at `start` to the closing one
        let end = (start + 1..lines.len()).find(|&j| lines[j].trim_end() == "```")?;
        Some((lines[start + 1..end].join("\n") + "\n", end))
    };
    let mut shown = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        let named = line.strip_prefix("File `").and_then(|rest| {
            let (path, tail) = rest.split_once('`')?;
            match tail {
                ":" => Some((path.to_string(), false)),
                " (a mistake):" => Some((path.to_string(), true)),
                _ => None,
            }
        });
        let Some((path, mistake)) = named else {
            i += 1;
            continue;
        };
        let fence = (i + 1..lines.len()).find(|&j| !lines[j].trim().is_empty()).unwrap();
        assert_eq!(lines[fence], "```json", "{GUIDE} line {}: `File` must be followed by a ```json block", i + 1);
        let (text, end) = block(fence).unwrap_or_else(|| panic!("{GUIDE}: unclosed block after line {}", i + 1));
        let mut expected_error = None;
        if mistake {
            let next = (end + 1..lines.len()).find(|&j| lines[j].starts_with("```")).unwrap();
            let (out, _) = block(next).unwrap();
            expected_error = Some(out);
        }
        shown.push(Shown { path, text, mistake, expected_error });
        i = end + 1;
    }
    shown
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// Every file of the guide, written where the guide puts it (beside a copy of the shipped
/// driver models, so that `extends` resolves as in the repository), passes or fails
/// `govsim validate` as the guide says, with the message it shows.
#[test]
fn every_file_of_the_scenario_guide_validates_as_shown() {
    let guide = fs::read_to_string(repo(GUIDE)).unwrap();
    let shown = shown_files(&guide);
    assert!(shown.len() >= 3, "{GUIDE} shows only {} files", shown.len());
    assert!(shown.iter().any(|s| s.mistake), "{GUIDE} shows no mistake and its message");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo("scenarios/drivers"), &dir.path().join("scenarios/drivers"));
    fs::copy(repo("govsim.schema.json"), dir.path().join("govsim.schema.json")).unwrap();
    // in the guide's order: a file may grow step by step, and a later file may extend an earlier one
    for s in &shown {
        assert!(!s.path.starts_with('/') && !s.path.contains(".."), "{}: a path inside the repository", s.path);
        let file = dir.path().join(&s.path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, &s.text).unwrap();
        let out = govsim().current_dir(dir.path()).args(["validate", &s.path]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if s.mistake {
            assert_eq!(out.status.code(), Some(2), "{}: should be refused\n{stdout}{stderr}", s.path);
            let expected = s.expected_error.as_deref().unwrap();
            assert_eq!(stderr, expected, "{}: {GUIDE} shows another message than govsim prints", s.path);
        } else {
            assert!(out.status.success(), "{}: {GUIDE} shows a file govsim refuses:\n{stderr}", s.path);
            assert_eq!(stdout, format!("{}: ok\n", s.path), "{}", s.path);
        }
    }
}

/// The guide links the reference, and the README links the guide.
#[test]
fn the_guide_is_linked() {
    let guide = fs::read_to_string(repo(GUIDE)).unwrap();
    assert!(guide.contains("(parameters.md)"), "{GUIDE} links docs/parameters.md");
    let readme = fs::read_to_string(repo("README.md")).unwrap();
    let section = readme.split("## Scenario files").nth(1).unwrap().split("\n## ").next().unwrap();
    assert!(section.contains("(docs/scenarios.md)"), "README's Scenario files section links the guide");
}
