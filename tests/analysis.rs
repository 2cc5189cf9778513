//! docs/analysis.md's worked examples reproduce comparison.md: the pandas block (and the base R
//! block, where `Rscript` is installed) marked `<!-- tested: … -->` runs on a fresh
//! `govsim compare --reps 5` and must print, for each model, exactly the cell comparison.md
//! prints for the measure, for several measures (shares, signed indices, persons, yuan/hour).
//!
//! pandas and scipy: the system python3's if it has them, else a virtual environment under
//! `target/tmp/py-venv` made once with pip (reused by later runs). The test says why it skips
//! when there is no python3, no venv module, or pip cannot reach the package registry.

mod common;

use common::{govsim, repo, tempdir};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Measures the examples are run for: the doc's own (`coverage`) and three whose cells are
/// formatted differently (negative values and "0.000", whole persons, two decimals).
const METRICS: [&str; 4] = ["coverage", "asymmetry", "core_volunteers", "gov_cost_per_service_hour"];

/// pip's words for a registry it cannot reach (rather than a package it cannot install).
const NETWORK_ERRORS: [&str; 11] = [
    "NewConnectionError",
    "ConnectionError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "No route to host",
    "Connection refused",
    "timed out",
    "ProxyError",
    "SSLError",
];

/// The code of the fenced block right after `<!-- tested: NAME -->` in docs/analysis.md.
fn tested_block(doc: &str, name: &str) -> String {
    let marker = format!("<!-- tested: {name} -->");
    let at = doc.find(&marker).unwrap_or_else(|| panic!("docs/analysis.md has no {marker}"));
    let rest = doc[at + marker.len()..].trim_start();
    assert!(rest.starts_with("```"), "{marker} is not right before a fenced block");
    let body = &rest[rest.find('\n').unwrap() + 1..];
    body[..body.find("\n```").expect("the block's closing fence")].to_string() + "\n"
}

/// The block with its `metric` line (`prefix` + `"coverage"`) set to another metric.
fn with_metric(code: &str, prefix: &str, metric: &str) -> String {
    let line = format!("{prefix}\"coverage\"");
    assert_eq!(code.lines().filter(|l| *l == line).count(), 1, "the block has no single line `{line}`");
    code.lines()
        .map(|l| if l == line { format!("{prefix}\"{metric}\"") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The cells of a Markdown table row.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

/// comparison.md's key-measure cells of `metric`: (model, cell) in column order. The measure's
/// row is found by its name, which the meanings table gives for the id.
fn printed_cells(md: &str, metric: &str) -> Vec<(String, String)> {
    let id = format!("`{metric}`");
    let title = md
        .lines()
        .map(cells)
        .find(|c| c.len() == 4 && c[1] == id)
        .unwrap_or_else(|| panic!("comparison.md does not explain {id}"))[0]
        .clone();
    let header = cells(md.lines().find(|l| l.starts_with("| measure | unit |")).expect("the key measures table"));
    let row = md
        .lines()
        .map(cells)
        .find(|c| c.len() == header.len() && c[0] == title)
        .unwrap_or_else(|| panic!("no key measure row {title}"));
    header[2..].iter().cloned().zip(row[2..].iter().cloned()).collect()
}

/// Run `program script` in `dir`; its stdout as (model, cell) lines.
fn run_example(program: &Path, dir: &Path, script: &Path) -> Vec<(String, String)> {
    let out = Command::new(program)
        .arg(script)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{} cannot be started: {e}", program.display()));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{} {} failed ({}):\n{said}{}",
        program.display(),
        script.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    said.lines()
        .map(|l| {
            let (model, cell) = l.split_once(": ").unwrap_or_else(|| panic!("not `model: cell`: {l}"));
            (model.to_string(), cell.to_string())
        })
        .collect()
}

/// A python with pandas and scipy, or why there is none.
fn python_with_pandas() -> Result<PathBuf, String> {
    let imports = |python: &Path| {
        Command::new(python).args(["-c", "import pandas, scipy"]).output().is_ok_and(|o| o.status.success())
    };
    let system = PathBuf::from("python3");
    match Command::new(&system).arg("--version").output() {
        Ok(o) if o.status.success() => {}
        _ => return Err("no python3 on the PATH".into()),
    }
    if imports(&system) {
        return Ok(system);
    }
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("py-venv");
    let python = venv.join("bin").join("python");
    let marker = venv.join(".pandas-scipy-installed");
    if marker.exists() && imports(&python) {
        return Ok(python);
    }
    if venv.exists() {
        // an install that did not finish: start again
        fs::remove_dir_all(&venv).unwrap();
    }
    let made = Command::new(&system).args(["-m", "venv"]).arg(&venv).output().map_err(|e| e.to_string())?;
    if !made.status.success() {
        return Err(format!("python3 cannot make a virtual environment: {}", String::from_utf8_lossy(&made.stderr)));
    }
    let pip = Command::new(&python)
        .args(["-m", "pip", "install", "--disable-pip-version-check", "--retries", "1", "--timeout", "30"])
        .args(["pandas", "scipy"])
        .output()
        .map_err(|e| e.to_string())?;
    if !pip.status.success() {
        let text = String::from_utf8_lossy(&pip.stdout).into_owned() + &String::from_utf8_lossy(&pip.stderr);
        if let Some(line) = text.lines().find(|l| NETWORK_ERRORS.iter().any(|e| l.contains(e))) {
            return Err(format!("pip cannot reach the package registry to install pandas: {}", line.trim()));
        }
        panic!("pip could not install pandas and scipy into {}:\n{text}", venv.display());
    }
    fs::write(&marker, "").unwrap();
    Ok(python)
}

/// Whether `Rscript` runs.
fn rscript() -> Option<PathBuf> {
    let r = PathBuf::from("Rscript");
    Command::new(&r).arg("--version").output().ok().filter(|o| o.status.success()).map(|_| r)
}

#[test]
fn the_worked_examples_print_comparison_md() {
    let doc = fs::read_to_string(repo("docs/analysis.md")).unwrap();
    let pandas_block = tested_block(&doc, "pandas");
    let r_block = tested_block(&doc, "R");
    // check both blocks can be set to another metric before anything runs
    for m in METRICS {
        with_metric(&pandas_block, "metric = ", m);
        with_metric(&r_block, "metric <- ", m);
    }

    let python = python_with_pandas();
    let r = rscript();
    if let (Err(why), None) = (&python, &r) {
        println!("skipped: {why}; and Rscript is not installed");
        return;
    }

    // the blocks read output/compare from the folder they run in, as from the repository's root
    let dir = tempdir();
    let out = dir.path().join("output").join("compare");
    let drivers = repo("scenarios/drivers");
    govsim()
        .arg("compare")
        .arg(&drivers)
        .args(["--reps", "5", "--progress", "off"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let md = fs::read_to_string(out.join("comparison.md")).unwrap();

    // each example: (name, its interpreter or why not, its block, how it sets the metric, file extension)
    let python = python.map_err(|why| format!("skipped the pandas example: {why}"));
    let r = r.ok_or_else(|| "skipped the R example: Rscript is not installed".to_string());
    let examples = [("pandas", python, &pandas_block, "metric = ", "py"), ("R", r, &r_block, "metric <- ", "R")];
    let mut ran = Vec::new();
    for (name, program, block, prefix, ext) in examples {
        let program = match program {
            Ok(p) => p,
            Err(why) => {
                println!("{why}");
                continue;
            }
        };
        for m in METRICS {
            let script = dir.path().join(format!("{m}.{ext}"));
            fs::write(&script, with_metric(block, prefix, m)).unwrap();
            assert_eq!(run_example(&program, dir.path(), &script), printed_cells(&md, m), "{name}, {m}");
        }
        ran.push(name);
    }
    println!("{} reproduced comparison.md for {METRICS:?}", ran.join(" and "));
}

#[test]
fn printed_cells_reads_the_key_measures_table() {
    let md = "| measure | unit | a | b |\n|---|---|---:|---:|\n| Coverage | share | 0.5 [0.4, 0.6] | 0.1 |\n\n\
              | measure | id (column in the CSV files) | unit | meaning |\n|---|---|---|---|\n\
              | Coverage | `coverage` | share | how much |\n";
    assert_eq!(
        printed_cells(md, "coverage"),
        vec![("a".to_string(), "0.5 [0.4, 0.6]".to_string()), ("b".to_string(), "0.1".to_string())]
    );
    let code = "x = 1\nmetric = \"coverage\"\n";
    assert_eq!(with_metric(code, "metric = ", "asymmetry"), "x = 1\nmetric = \"asymmetry\"\n");
}
