//! `govsim compare` end to end on small communities: tables, statistics and figures.

mod common;

use common::{bin, drivers_dir, govsim, read_json, tempdir, write_json, Csv, DRIVERS};
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// The shipped driver models shrunk to 1,500 residents and 3 years, written into `dir`.
fn small_drivers(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(drivers_dir()).unwrap() {
        let path = entry.unwrap().path();
        let mut v = read_json(&path);
        v["community"] = serde_json::json!({ "residents": 1500 });
        v["time"] = serde_json::json!({ "years": 3 });
        if let Some(es) = v.get_mut("actors").and_then(|a| a.get_mut("enterprises")).and_then(|e| e.as_array_mut()) {
            for e in es {
                e["horizon_months"] = serde_json::json!(24);
            }
        }
        let target = dir.join(path.file_name().unwrap());
        write_json(&target, &v);
        out.push(target);
    }
    out.sort();
    out
}

/// Width and height from a PNG header (IHDR follows the 8-byte signature).
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{} is not a PNG", path.display());
    assert_eq!(&bytes[12..16], b"IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

/// All text of an SVG file (which must parse as XML).
fn svg_text(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants().filter_map(|n| n.text()).collect::<Vec<_>>().join("\n")
}

#[test]
fn compare_writes_tables_and_figures_a_reader_can_use() {
    let dir = tempdir();
    let scen = dir.path().join("scen");
    fs::create_dir(&scen).unwrap();
    small_drivers(&scen);
    let out = dir.path().join("cmp");
    let assert = govsim()
        .args(["compare", scen.to_str().unwrap(), "--reps", "6", "--seed", "3", "--out", out.to_str().unwrap()])
        // no fonts anywhere: an empty fontconfig setup must not matter (text uses the embedded font)
        .env("FONTCONFIG_FILE", dir.path().join("empty-fonts.conf"))
        .env("FONTCONFIG_PATH", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    for n in DRIVERS {
        assert!(stdout.contains(n), "table lacks {n}:\n{stdout}");
    }
    assert!(stdout.contains(out.to_str().unwrap()), "the table must end with where the files are");

    for (stem, size) in [("timeseries", (1800, 1050)), ("dependency", (1800, 1150)), ("final_state", (1800, 1050))] {
        assert_eq!(png_size(&out.join(format!("{stem}.png"))), size);
        let text = svg_text(&out.join(format!("{stem}.svg")));
        for n in DRIVERS {
            assert!(text.contains(n), "{stem}.svg lacks the model name {n}");
        }
    }
    let ts = svg_text(&out.join("timeseries.svg"));
    for axis in ["year", "share of residents", "share of demand", "index"] {
        assert!(ts.contains(axis), "timeseries.svg lacks the axis title {axis}");
    }
    let dep = svg_text(&out.join("dependency.svg"));
    assert!(dep.contains("D(g←v)") && dep.contains("D(v←g)") && dep.contains("knowledge"));

    // comparison.csv: model rows and pair rows; a pair's mean difference equals the difference
    // of the two models' means when every replication is defined (paired design)
    let csv = Csv::read(&out.join("comparison.csv"));
    let [kind, model_a, model_b, metric, statistic, mean, a, effect] =
        ["kind", "model_a", "model_b", "metric", "statistic", "mean", "vargha_delaney_a", "effect"].map(|c| csv.col(c));
    let row = |k: &str, a: &str, b: &str, m: &str| -> &Vec<String> {
        csv.rows
            .iter()
            .find(|r| {
                r[kind] == k && r[model_a] == a && r[model_b] == b && r[metric] == m && r[statistic] == "final_year"
            })
            .unwrap_or_else(|| panic!("no {k} row {a} {b} {m}"))
    };
    let number = |cell: &str| -> f64 { cell.parse().unwrap() };
    let dependence = "dependence_on_government";
    let pair = row("pair", "government-driven", "multi-actor", dependence);
    let diff = number(&pair[mean]);
    let expected = number(&row("model", "government-driven", "", dependence)[mean])
        - number(&row("model", "multi-actor", "", dependence)[mean]);
    assert!((diff - expected).abs() < 1e-9, "{diff} vs {expected}");
    assert!((0.0..=1.0).contains(&number(&pair[a])));
    assert!(["negligible", "small", "medium", "large"].contains(&pair[effect].as_str()));

    let json = read_json(&out.join("comparison.json"));
    assert_eq!(json["replications"], 6);
    assert_eq!(json["models"].as_object().unwrap().len(), 5);
    let md = fs::read_to_string(out.join("comparison.md")).unwrap();
    assert!(md.starts_with("# Comparison of driver models") && md.contains("| `asymmetry` |"));
    // each model's own files
    for n in DRIVERS {
        assert!(out.join(n).join("timeseries.csv").exists());
        assert_eq!(png_size(&out.join(n).join("timeseries.png")), (1800, 1050));
    }
}

#[test]
fn compare_needs_two_scenarios_and_a_usable_font() {
    let dir = tempdir();
    govsim()
        .args(["compare", "scenarios/drivers/volunteer-led.json", "--out", dir.path().join("o").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least two scenarios"));
    let bad_font = dir.path().join("font.ttf");
    fs::write(&bad_font, "not a font").unwrap();
    let files = small_drivers(dir.path());
    govsim()
        .args(["compare", files[0].to_str().unwrap(), files[1].to_str().unwrap(), "--reps", "2"])
        .args(["--font", bad_font.to_str().unwrap(), "--out", dir.path().join("o").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--font"));
    assert!(!dir.path().join("o").exists());
}

#[test]
fn progress_lines_go_to_stderr_when_not_a_terminal() {
    let dir = tempdir();
    let files = small_drivers(dir.path());
    govsim()
        .args(["compare", files[0].to_str().unwrap(), files[1].to_str().unwrap(), "--reps", "3"])
        .args(["--out", dir.path().join("o").to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("[govsim] 6/6 runs (100%)"))
        .stdout(predicate::str::contains("[govsim]").not());
}

/// The shared libraries an ELF file names in the `DT_NEEDED` entries of its dynamic section,
/// read from the file itself, so that no tool (`ldd`, `readelf`) is needed.
fn needed_libraries(elf: &[u8]) -> Vec<String> {
    assert_eq!(&elf[..4], b"\x7fELF", "not an ELF file");
    assert_eq!((elf[4], elf[5]), (2, 1), "not a 64-bit little-endian ELF file");
    let u16_at = |o: usize| u16::from_le_bytes(elf[o..o + 2].try_into().unwrap()) as usize;
    let u32_at = |o: usize| u32::from_le_bytes(elf[o..o + 4].try_into().unwrap()) as usize;
    let u64_at = |o: usize| u64::from_le_bytes(elf[o..o + 8].try_into().unwrap()) as usize;
    let (table, entry_size, count) = (u64_at(0x28), u16_at(0x3a), u16_at(0x3c));
    // a section header's type, file offset, size and linked section
    let section = |i: usize| {
        let h = table + i * entry_size;
        (u32_at(h + 4), u64_at(h + 24), u64_at(h + 32), u32_at(h + 40))
    };
    const SHT_DYNAMIC: usize = 6;
    const DT_NULL: usize = 0;
    const DT_NEEDED: usize = 1;
    let mut needed = Vec::new();
    for (_, offset, size, link) in (0..count).map(section).filter(|s| s.0 == SHT_DYNAMIC) {
        let strings = section(link).1;
        for entry in (offset..offset + size).step_by(16) {
            match u64_at(entry) {
                DT_NULL => break,
                DT_NEEDED => {
                    let name = &elf[strings + u64_at(entry + 8)..];
                    let end = name.iter().position(|&b| b == 0).unwrap();
                    needed.push(String::from_utf8_lossy(&name[..end]).into_owned());
                }
                _ => {}
            }
        }
    }
    needed
}

/// The binary must not link fontconfig or freetype: charts work on machines without fonts.
/// Direct links are read from the binary's dynamic section (always); links through another
/// library from `ldd`'s listing of the whole tree, where `ldd` exists.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn binary_does_not_link_system_font_libraries() {
    let font = |name: &str| name.contains("fontconfig") || name.contains("freetype");
    let needed = needed_libraries(&fs::read(bin()).unwrap());
    // the dynamic section was found and read: every glibc binary needs the C library
    assert!(needed.iter().any(|l| l.starts_with("libc.so")), "no libc.so among the needed libraries {needed:?}");
    assert!(!needed.iter().any(|l| font(l)), "govsim links system font libraries: {needed:?}");
    let Ok(out) = std::process::Command::new("ldd").arg(bin()).output() else {
        eprintln!("ldd not available: links through other libraries not checked (direct links were)");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("libc.so"),
        "ldd failed: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!font(&text), "govsim links system font libraries:\n{text}");
}
