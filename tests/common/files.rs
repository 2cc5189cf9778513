//! Files the tests read and write: JSON, the CSV tables govsim writes, folder listings.

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// A JSON file as a value.
pub fn read_json(file: &Path) -> Value {
    let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// Write a value as indented JSON.
pub fn write_json(file: &Path, v: &Value) {
    fs::write(file, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// The `.json` files directly in `dir`, sorted.
pub fn json_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// A shipped district or sweep file (`file`, from the root) as JSON, with the scenario paths
/// of its `list` (or of the `field` of each entry) made absolute, so that a copy can be written
/// anywhere.
pub fn with_absolute_scenarios(file: &str, list: &str, field: Option<&str>) -> Value {
    let file = super::repo(file);
    let mut v = read_json(&file);
    let dir = file.parent().unwrap();
    for entry in v[list].as_array_mut().unwrap() {
        let slot = match field {
            Some(f) => &mut entry[f],
            None => entry,
        };
        *slot = Value::String(dir.join(slot.as_str().unwrap()).to_string_lossy().into_owned());
    }
    v
}

/// Every file below `dir` (in subfolders too), sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// Every `.json` file below `dir` (in subfolders too), sorted.
pub fn json_files_under(dir: &Path) -> Vec<PathBuf> {
    files_under(dir).into_iter().filter(|p| p.extension().is_some_and(|e| e == "json")).collect()
}

/// Names in `dir` that start with a dot (temporary files and folders, markers), sorted.
pub fn hidden_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// A CSV table as govsim writes it (cells with commas or quotes quoted, as RFC 4180): the header
/// and the rows of cells.
pub struct Csv {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Csv {
    pub fn parse(text: &str) -> Csv {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut lines = reader.records().map(|r| r.expect("CSV").iter().map(str::to_string).collect::<Vec<_>>());
        let header = lines.next().expect("a header line");
        let rows: Vec<Vec<String>> = lines.collect();
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(r.len(), header.len(), "row {} has {} cells, the header {}", i + 1, r.len(), header.len());
        }
        Csv { header, rows }
    }

    pub fn read(file: &Path) -> Csv {
        Csv::parse(&fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display())))
    }

    /// The position of a column, by its name in the header.
    pub fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    /// A column's cells as numbers (an empty cell is NaN).
    pub fn numbers(&self, name: &str) -> Vec<f64> {
        let c = self.col(name);
        self.rows
            .iter()
            .map(|r| if r[c].is_empty() { f64::NAN } else { r[c].parse().unwrap_or_else(|e| panic!("{name}: {e}")) })
            .collect()
    }
}
