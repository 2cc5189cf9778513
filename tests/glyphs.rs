//! Chart text has glyphs: `govsim compare --lang zh` on a machine with no fonts (an empty
//! fontconfig setup) writes charts whose every character the bundled CJK font draws (none falls
//! back to the missing-glyph box), and PNGs that are not blank. Other people add Chinese phrases
//! to assets/translations.json: this test keeps the font subset honest, naming the character,
//! where it came from, and the script to rerun.

mod common;

use common::{drivers_dir, govsim, read_json, stderr, tempdir, write_json};
use std::fs;
use std::path::{Path, PathBuf};

const SUBSET: &str = "assets/fonts/NotoSansSC-govsim-subset.otf";
const SCRIPT: &str = "scripts/subset-cjk-font.sh";

/// The shipped driver models shrunk to 1,500 residents and 3 years, one with a Chinese label.
fn small_drivers(dir: &Path) {
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
        if path.file_stem().is_some_and(|s| s == "government-driven") {
            v["label"] = serde_json::json!("和美社区（政府驱动）");
        }
        write_json(&dir.join(path.file_name().unwrap()), &v);
    }
}

fn files_with(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_with(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

/// Every `<text>` element's text (entities unescaped by the XML parser).
fn svg_texts(path: &Path) -> Vec<String> {
    let svg = fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.descendants().filter_map(|d| d.text()).collect::<String>())
        .collect()
}

/// A PNG's pixels as RGB(A) bytes, with the number of channels.
fn png_pixels(path: &Path) -> (Vec<u8>, usize) {
    let decoder = png::Decoder::new(fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (buf, info.color_type.samples())
}

#[test]
fn every_character_drawn_in_chinese_has_a_glyph_and_no_png_is_blank() {
    let dir = tempdir();
    let scen = dir.path().join("scen");
    fs::create_dir(&scen).unwrap();
    small_drivers(&scen);
    // no fonts anywhere: an empty fontconfig setup
    let conf = dir.path().join("empty-fonts.conf");
    fs::write(&conf, "<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n").unwrap();
    let out = dir.path().join("out");
    let assert = govsim()
        .args(["compare", scen.to_str().unwrap(), "--lang", "zh", "--reps", "2", "--out", out.to_str().unwrap()])
        .env("FONTCONFIG_FILE", &conf)
        .env("FONTCONFIG_PATH", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .env("HOME", dir.path())
        .assert()
        .success();
    let err = stderr(&assert);
    assert!(!err.contains("has no glyph"), "govsim warned about missing glyphs:\n{err}");

    let bytes = fs::read(common::repo(SUBSET)).unwrap();
    let face = ttf_parser::Face::parse(&bytes, 0).expect("the bundled CJK subset parses");
    let mut svgs = Vec::new();
    files_with(&out, "svg", &mut svgs);
    assert!(svgs.len() >= 3, "too few SVG files in {}: {svgs:?}", out.display());
    let mut problems = Vec::new();
    let mut drawn = 0;
    for svg in &svgs {
        for text in svg_texts(svg) {
            for c in text.chars().filter(|c| !c.is_whitespace()) {
                drawn += 1;
                if face.glyph_index(c).is_none_or(|g| g.0 == 0)
                    && !problems.iter().any(|(p, _): &(char, String)| *p == c)
                {
                    let file = svg.strip_prefix(&out).unwrap_or(svg).display();
                    problems.push((c, format!("'{c}' (U+{:04X}) in {file}, text \"{text}\"", c as u32)));
                }
            }
        }
    }
    assert!(drawn > 500, "the SVG files hold only {drawn} characters of text");
    assert!(
        problems.is_empty(),
        "characters drawn in the charts that {SUBSET} has no glyph for (they show as empty boxes):\n  {}\n\
         if they come from assets/translations.json, src/ or a scenario label of the shipped files, rerun {SCRIPT} \
         (it keeps every character of those) and commit the new font",
        problems.iter().map(|(_, p)| p.as_str()).collect::<Vec<_>>().join("\n  ")
    );

    let mut pngs = Vec::new();
    files_with(&out, "png", &mut pngs);
    assert!(pngs.len() >= 3, "too few PNG files in {}", out.display());
    for png in &pngs {
        let (pixels, channels) = png_pixels(png);
        let total = pixels.len() / channels;
        let ink = pixels.chunks(channels).filter(|p| p[..3].iter().any(|&v| v < 200)).count();
        let dark = pixels.chunks(channels).filter(|p| p[..3].iter().all(|&v| v < 80)).count();
        // lines, dots and text: some ink, and dark pixels (text, axes) beyond a frame
        assert!(ink * 200 > total, "{} is blank: {ink} of {total} pixels inked", png.display());
        assert!(dark > 2000, "{} has almost no dark pixels (text, axes): {dark}", png.display());
    }
}

/// `--font auto` finds an installed CJK font by file name (here in ~/.fonts, as a user installs
/// one) and says which on stderr; `--font PATH` takes a file; a file that is not a font is a
/// clear error naming it.
#[test]
fn font_auto_finds_an_installed_cjk_font_and_font_path_still_works() {
    let dir = tempdir();
    let scen = dir.path().join("scen");
    fs::create_dir(&scen).unwrap();
    small_drivers(&scen);
    let file = scen.join("government-driven.json");
    let fonts = dir.path().join(".fonts/noto");
    fs::create_dir_all(&fonts).unwrap();
    let installed = fonts.join("NotoSansSC-Regular.otf");
    fs::copy(common::repo(SUBSET), &installed).unwrap();
    let run = |font: &str, out: &str| {
        govsim()
            .args(["run", file.to_str().unwrap(), "--reps", "1", "--font", font])
            .args(["--out", dir.path().join(out).to_str().unwrap()])
            .env("HOME", dir.path())
            .assert()
    };
    let err = stderr(&run("auto", "a").success());
    assert!(err.contains("--font auto: chart font "), "{err}");
    // a CJK font of the system's (a better-ranked file name) may win over the user's
    let system_font = ["/usr/share/fonts", "/usr/local/share/fonts"].iter().any(|d| {
        let mut found = Vec::new();
        Path::new(d).is_dir() && {
            files_with(Path::new(d), "ttc", &mut found);
            files_with(Path::new(d), "otf", &mut found);
            !found.is_empty()
        }
    });
    if !system_font {
        assert!(err.contains(installed.to_str().unwrap()), "{err}");
    }
    assert!(dir.path().join("a/government-driven/timeseries.png").is_file());

    let err = stderr(&run(installed.to_str().unwrap(), "b").success());
    assert!(!err.contains("--font auto") && !err.contains("has no glyph"), "{err}");
    let bad = dir.path().join("bad.ttf");
    fs::write(&bad, "not a font").unwrap();
    let err = stderr(&run(bad.to_str().unwrap(), "c").failure().code(2));
    assert!(err.contains(&format!("--font {}", bad.display())) && err.contains("not a usable"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
