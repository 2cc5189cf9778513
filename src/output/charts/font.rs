//! The chart font: which one draws the text, and where it comes from.
//!
//! plotters' `ab_glyph` renderer has one font per family and no fallback: a character the font
//! lacks is drawn as an empty box. So the font is chosen once per process, before the first
//! chart, from everything that will be drawn:
//! - the bundled DejaVu Sans ([`DEJAVU`]) under `--lang en` when every text is Latin;
//! - the bundled subset of Noto Sans CJK SC ([`CJK_SUBSET`]: Latin, punctuation, maths, all
//!   GB2312 hanzi and every character of `assets/translations.json`) under `--lang zh`, and under
//!   `--lang en` when a text (a scenario `label`, say) holds a character DejaVu lacks;
//! - `--font PATH`: that TrueType/OpenType file (of a collection, its Simplified Chinese face
//!   where it has one, else the first);
//! - `--font auto`: an installed CJK font found by file name in the usual font folders of Linux,
//!   macOS and Windows (no fontconfig), else the bundled subset.
//!
//! Both bundled fonts are in assets/fonts with their licences (README.md there says how the
//! subset is made: scripts/subset-cjk-font.sh).

use crate::lang::Lang;
use std::path::{Path, PathBuf};

/// DejaVu Sans (Latin, Greek, Cyrillic, maths symbols; no CJK).
pub static DEJAVU: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
/// The bundled subset of Noto Sans CJK SC Regular (SIL Open Font License 1.1).
pub static CJK_SUBSET: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-govsim-subset.otf");
/// Where [`CJK_SUBSET`] is in the repository, and the script that makes it.
pub const CJK_SUBSET_FILE: &str = "assets/fonts/NotoSansSC-govsim-subset.otf";
pub const CJK_SUBSET_SCRIPT: &str = "scripts/subset-cjk-font.sh";

/// `--font`: `auto` or a font file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FontArg {
    /// Look for an installed CJK font.
    Auto,
    /// This TrueType/OpenType file (or collection).
    File(PathBuf),
}

impl FontArg {
    /// `auto` (any case) or a path (`./auto` for a file named auto).
    pub fn parse(text: &str) -> FontArg {
        if text.eq_ignore_ascii_case("auto") {
            FontArg::Auto
        } else {
            FontArg::File(PathBuf::from(text))
        }
    }
}

/// One of the fonts embedded in the binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundled {
    DejaVu,
    CjkSubset,
}

impl Bundled {
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Bundled::DejaVu => DEJAVU,
            Bundled::CjkSubset => CJK_SUBSET,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Bundled::DejaVu => "DejaVu Sans (bundled)",
            Bundled::CjkSubset => "Noto Sans SC subset (bundled)",
        }
    }
}

/// The bundled font for texts in `lang`: the CJK subset for Chinese, or where DejaVu lacks a
/// character of `texts` (those the charts will draw beyond the translations: scenario labels,
/// names); else DejaVu Sans.
pub fn bundled_for(lang: Lang, texts: &[&str]) -> Bundled {
    if lang == Lang::Zh || !missing(DEJAVU, 0, texts).is_empty() {
        Bundled::CjkSubset
    } else {
        Bundled::DejaVu
    }
}

/// Every text of `lang` in the translations file (phrases, names, metrics, units), for checking
/// a font covers them; none for English (DejaVu Sans covers the English wording: a test checks).
pub fn translated_texts(lang: Lang) -> Vec<&'static str> {
    if lang == Lang::En {
        return Vec::new();
    }
    let t = crate::lang::translations();
    let mut texts: Vec<&'static str> = Vec::new();
    texts.extend(t.names.values().map(String::as_str));
    texts.extend(t.units.values().map(String::as_str));
    texts.extend(t.metrics.values().flat_map(|m| [m.title.as_str(), m.meaning.as_str()]));
    texts.extend(t.sections.values().flat_map(|s| s.values()).map(|p| p.zh.as_str()));
    texts
}

/// The characters of `texts` (each once, in order of appearance) that face `index` of the font
/// `bytes` has no glyph for (all of them if it does not parse). Spaces and control characters
/// are not drawn and not counted.
pub fn missing(bytes: &[u8], index: u32, texts: &[&str]) -> Vec<char> {
    let face = ttf_parser::Face::parse(bytes, index).ok();
    let mut out: Vec<char> = Vec::new();
    for c in texts.iter().flat_map(|t| t.chars()) {
        if c.is_whitespace() || c.is_control() || out.contains(&c) {
            continue;
        }
        if face.as_ref().and_then(|f| f.glyph_index(c)).is_none_or(|g| g.0 == 0) {
            out.push(c);
        }
    }
    out
}

/// Characters for a message: `'和' (U+548C), …` (at most `max`, then how many more).
pub fn describe_chars(chars: &[char], max: usize) -> String {
    let mut parts: Vec<String> = chars.iter().take(max).map(|c| format!("'{c}' (U+{:04X})", *c as u32)).collect();
    if chars.len() > max {
        parts.push(format!("and {} more", chars.len() - max));
    }
    parts.join(", ")
}

/// A face's names (full name, family, typographic family), for messages and face choice.
pub fn face_name(bytes: &[u8], index: u32) -> Option<String> {
    let face = ttf_parser::Face::parse(bytes, index).ok()?;
    let names = face.names();
    let get = |id: u16| names.into_iter().filter(|n| n.name_id == id).find_map(|n| n.to_string());
    get(ttf_parser::name_id::FULL_NAME).or_else(|| get(ttf_parser::name_id::FAMILY))
}

/// The face of a font file to use: of a collection (TTC) the one whose name says Simplified
/// Chinese (`SC`, `GB`, `CN`), in a regular weight where there is a choice, else the first; 0 for
/// a single font.
pub fn preferred_face(bytes: &[u8]) -> u32 {
    let Some(count) = ttf_parser::fonts_in_collection(bytes) else { return 0 };
    let score = |i: u32| -> i32 {
        let Some(name) = face_name(bytes, i) else { return i32::MIN };
        let words: Vec<String> = name.split([' ', '-', '_']).map(|w| w.to_ascii_uppercase()).collect();
        let has = |w: &str| words.iter().any(|x| x == w);
        let mut s = 0;
        if has("SC") || has("GB") || has("CN") || name.contains("简") {
            s += 4;
        }
        if ["TC", "HK", "JP", "KR"].iter().any(|w| has(w)) {
            s -= 2;
        }
        if ["MONO", "BOLD", "LIGHT", "THIN", "MEDIUM", "SEMIBOLD", "HEAVY", "BLACK", "ULTRALIGHT", "DEMILIGHT"]
            .iter()
            .any(|w| has(w))
        {
            s -= 1;
        }
        s
    };
    let mut best = 0;
    for i in 1..count {
        if score(i) > score(best) {
            best = i;
        }
    }
    best
}

/// Face `index` of a font collection (TTC) as a font file of its own (its tables copied out),
/// since the chart library reads only a file's first face; a single font as it is.
pub fn extract_face(bytes: &[u8], index: u32) -> Result<Vec<u8>, String> {
    if ttf_parser::fonts_in_collection(bytes).is_none() {
        return Ok(bytes.to_vec());
    }
    let bad = || format!("face {index} of the font collection is damaged");
    let u32_at = |at: usize| -> Result<u32, String> {
        bytes.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])).ok_or_else(bad)
    };
    let u16_at = |at: usize| -> Result<u16, String> {
        bytes.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]])).ok_or_else(bad)
    };
    let faces = u32_at(8)?;
    if index >= faces {
        return Err(format!("the font collection has {faces} faces, no face {index}"));
    }
    let start = u32_at(12 + 4 * index as usize)? as usize;
    let tables = u16_at(start + 4)? as usize;
    let header = bytes.get(start..start + 12).ok_or_else(bad)?;
    let mut out = header.to_vec();
    let mut data: Vec<u8> = Vec::new();
    let first = 12 + 16 * tables;
    for t in 0..tables {
        let record = start + 12 + 16 * t;
        let (tag, sum, offset, length) =
            (u32_at(record)?, u32_at(record + 4)?, u32_at(record + 8)? as usize, u32_at(record + 12)? as usize);
        let table = bytes.get(offset..offset.checked_add(length).ok_or_else(bad)?).ok_or_else(bad)?;
        let at = (first + data.len()) as u32;
        for v in [tag, sum, at, length as u32] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        data.extend_from_slice(table);
        data.resize(data.len().next_multiple_of(4), 0);
    }
    out.extend_from_slice(&data);
    Ok(out)
}

/// Font file names of CJK fonts (lower case), best first: Noto Sans CJK / Noto Sans SC, Source
/// Han Sans, WenQuanYi Micro Hei and Zen Hei, Microsoft YaHei, PingFang, Hiragino Sans GB, Heiti,
/// SimHei, Droid Sans Fallback.
pub const CJK_FONT_FILES: &[&str] = &[
    "notosanscjksc-regular.otf",
    "notosanssc-regular.otf",
    "notosanssc-regular.ttf",
    "notosanscjk-regular.ttc",
    "notosanscjk-vf.otf.ttc",
    "notosanssc[wght].ttf",
    "notosanssc-vf.otf",
    "notosanssc-vf.ttf",
    "sourcehansanssc-regular.otf",
    "sourcehansanscn-regular.otf",
    "sourcehansans-regular.ttc",
    "sourcehansans.ttc",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "msyh.ttc",
    "msyh.ttf",
    "pingfang.ttc",
    "hiragino sans gb.ttc",
    "hiragino sans gb w3.ttc",
    "stheiti light.ttc",
    "stheiti medium.ttc",
    "simhei.ttf",
    "droidsansfallbackfull.ttf",
    "droidsansfallback.ttf",
];

/// The usual font folders of Linux, macOS and Windows (those of the user under `home`).
pub fn font_folders(home: Option<&Path>) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> =
        ["/usr/share/fonts", "/usr/local/share/fonts", "/System/Library/Fonts", "/Library/Fonts", "C:\\Windows\\Fonts"]
            .iter()
            .map(PathBuf::from)
            .collect();
    if let Some(windir) = std::env::var_os("WINDIR") {
        folders.push(Path::new(&windir).join("Fonts"));
    }
    if let Some(local) = std::env::var_os("LOCALAPPDATA") {
        folders.push(Path::new(&local).join("Microsoft").join("Windows").join("Fonts"));
    }
    if let Some(home) = home {
        for sub in [".local/share/fonts", ".fonts", "Library/Fonts"] {
            folders.push(home.join(sub));
        }
    }
    folders
}

/// Installed CJK font files under `folders` (searched 6 levels deep), best first by
/// [`CJK_FONT_FILES`], then by path.
pub fn find_cjk_fonts(folders: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: u32, found: &mut Vec<(usize, PathBuf)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let path = e.path();
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() || (kind.is_symlink() && path.is_dir()) {
                if depth > 0 {
                    walk(&path, depth - 1, found);
                }
            } else if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                let name = name.to_lowercase();
                if let Some(rank) = CJK_FONT_FILES.iter().position(|f| *f == name) {
                    found.push((rank, path));
                }
            }
        }
    }
    let mut found = Vec::new();
    for f in folders {
        walk(f, 6, &mut found);
    }
    found.sort();
    found.dedup();
    found.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn the_bundled_fonts_parse_and_the_subset_draws_chinese() {
        for b in [Bundled::DejaVu, Bundled::CjkSubset] {
            assert!(ttf_parser::Face::parse(b.bytes(), 0).is_ok(), "{}", b.name());
        }
        assert!(missing(CJK_SUBSET, 0, &["和美社区 政府驱动型 ← · Σ ≥ ≤ × − ₁₂ ± μ σ … 95% CI"]).is_empty());
        assert_eq!(missing(DEJAVU, 0, &["Hemei 和美 ≥"]), vec!['和', '美']);
        assert!(CJK_SUBSET.len() < 3 << 20, "the bundled CJK subset grew to {} bytes", CJK_SUBSET.len());
    }

    /// The string and character literals of Rust source (comments skipped), roughly: enough to
    /// find every text a chart may draw.
    fn literals(src: &str) -> Vec<String> {
        let chars: Vec<char> = src.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            if c == '/' && next == Some('/') {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            } else if c == '/' && next == Some('*') {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            } else if c == 'r'
                && (next == Some('"') || next == Some('#'))
                && !chars[i.saturating_sub(1)].is_alphanumeric()
            {
                // raw string r"…", r#"…"#
                let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
                if chars.get(i + 1 + hashes) != Some(&'"') {
                    i += 1;
                    continue;
                }
                let start = i + 2 + hashes;
                let mut j = start;
                while j < chars.len()
                    && !(chars[j] == '"' && chars[j + 1..].iter().take(hashes).filter(|&&h| h == '#').count() == hashes)
                {
                    j += 1;
                }
                out.push(chars[start..j.min(chars.len())].iter().collect());
                i = j + 1 + hashes;
            } else if c == '"' {
                let mut j = i + 1;
                let mut text = String::new();
                while j < chars.len() && chars[j] != '"' {
                    if chars[j] == '\\' {
                        j += 1; // the escaped character, as itself (`\n` as n: ASCII either way)
                    }
                    if let Some(&c) = chars.get(j) {
                        text.push(c);
                    }
                    j += 1;
                }
                out.push(text);
                i = j + 1;
            } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
                out.push(chars[i + 1].to_string());
                i += 3;
            } else {
                i += 1;
            }
        }
        out
    }

    /// Every `.rs` file under `dir` (the sources texts are checked in; also the lang tests').
    pub(crate) fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    /// CJK characters (ideographs, CJK and full-width punctuation): texts for `--lang zh`, drawn
    /// with the CJK font.
    fn is_cjk(c: char) -> bool {
        matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
    }

    /// Every character of the translations file, and of every string literal in src/output (what
    /// charts, tables and reports may draw), has a glyph in the bundled CJK subset; the literals'
    /// non-CJK characters also in DejaVu Sans (English charts). A character missing is named with
    /// where it comes from and the script to rerun.
    #[test]
    fn the_bundled_fonts_cover_the_translations_and_the_texts_of_the_code() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources: Vec<(String, String)> = Vec::new(); // (where, text)
        let translations = crate::lang::TRANSLATIONS_JSON;
        let parsed: serde_json::Value = serde_json::from_str(translations).unwrap();
        fn strings(v: &serde_json::Value, at: &str, out: &mut Vec<(String, String)>) {
            match v {
                serde_json::Value::String(s) => out.push((format!("assets/translations.json {at}"), s.clone())),
                serde_json::Value::Object(m) => m.iter().for_each(|(k, v)| strings(v, &format!("{at}.{k}"), out)),
                serde_json::Value::Array(a) => {
                    a.iter().enumerate().for_each(|(i, v)| strings(v, &format!("{at}[{i}]"), out))
                }
                _ => {}
            }
        }
        strings(&parsed, "", &mut sources);
        let from_translations = sources.len();
        let mut files = Vec::new();
        rust_files(&root.join("src/output"), &mut files);
        files.sort();
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            let name = f.strip_prefix(root).unwrap_or(f).display().to_string();
            sources.extend(literals(&text).into_iter().map(|l| (name.clone(), l)));
        }
        assert!(from_translations > 20 && sources.len() > from_translations + 500, "too few texts found");
        let mut problems = Vec::new();
        for (i, (at, text)) in sources.iter().enumerate() {
            let cjk = missing(CJK_SUBSET, 0, &[text]);
            let latin: String = text.chars().filter(|&c| !is_cjk(c)).collect();
            let dejavu = if i < from_translations { Vec::new() } else { missing(DEJAVU, 0, &[&latin]) };
            for (chars, font) in [(cjk, CJK_SUBSET_FILE), (dejavu, "assets/fonts/DejaVuSans.ttf")] {
                if !chars.is_empty() {
                    problems.push(format!("{} in {at} (\"{text}\") not in {font}", describe_chars(&chars, 8)));
                }
            }
        }
        // the English wording of the translations in DejaVu Sans
        let en: Vec<&str> =
            crate::lang::translations().sections.values().flat_map(|s| s.values()).map(|p| p.en.as_str()).collect();
        let lacking = missing(DEJAVU, 0, &en);
        if !lacking.is_empty() {
            problems.push(format!(
                "{} of the English phrases of assets/translations.json not in DejaVu Sans",
                describe_chars(&lacking, 8)
            ));
        }
        assert!(
            problems.is_empty(),
            "characters without a glyph (drawn as empty boxes):\n  {}\nfor the CJK subset, rerun {CJK_SUBSET_SCRIPT} (it keeps every character of assets/translations.json and src/) and commit the new font",
            problems.join("\n  ")
        );
        assert!(
            literals("let a = \"x\\\"y\"; // \"no\"\n let b = r#\"z\"#; let c = '≥'; /* \"no\" */")
                == ["x\"y", "z", "≥"]
        );
    }

    #[test]
    fn the_language_and_the_texts_choose_the_bundled_font() {
        assert_eq!(bundled_for(Lang::En, &["government-driven", "Sobol' S₁ ≥ 0.5 — μ*"]), Bundled::DejaVu);
        assert_eq!(bundled_for(Lang::En, &["government-driven", "和美社区"]), Bundled::CjkSubset);
        assert_eq!(bundled_for(Lang::Zh, &[]), Bundled::CjkSubset);
    }

    #[test]
    fn a_collection_face_is_copied_out_whole() {
        // a collection of two faces: DejaVu, then the CJK subset
        let faces = [DEJAVU, CJK_SUBSET];
        let mut ttc = b"ttcf\x00\x01\x00\x00\x00\x00\x00\x02".to_vec();
        let mut bodies = Vec::new();
        let mut offsets = Vec::new();
        let base = 12 + 8;
        for f in faces {
            // a face's tables must be reached from the collection's start: shift its offsets
            let at = base + bodies.len();
            let n = u16::from_be_bytes([f[4], f[5]]) as usize;
            let mut face = f.to_vec();
            for t in 0..n {
                let r = 12 + 16 * t + 8;
                let off = u32::from_be_bytes(face[r..r + 4].try_into().unwrap()) + at as u32;
                face[r..r + 4].copy_from_slice(&off.to_be_bytes());
            }
            offsets.push(at as u32);
            bodies.extend_from_slice(&face);
            bodies.resize(bodies.len().next_multiple_of(4), 0);
        }
        for o in offsets {
            ttc.extend_from_slice(&o.to_be_bytes());
        }
        ttc.extend_from_slice(&bodies);
        assert_eq!(ttf_parser::fonts_in_collection(&ttc), Some(2));
        assert!(missing(&ttc, 1, &["和美"]).is_empty());
        let one = extract_face(&ttc, 1).unwrap();
        assert!(ttf_parser::fonts_in_collection(&one).is_none());
        assert!(missing(&one, 0, &["和美社区 ≥ Hemei"]).is_empty());
        assert_eq!(face_name(&one, 0), face_name(CJK_SUBSET, 0));
        assert_eq!(preferred_face(&ttc), 1, "the SC face wins over DejaVu");
        assert!(extract_face(&ttc, 2).unwrap_err().contains("no face 2"));
        assert_eq!(extract_face(DEJAVU, 0).unwrap(), DEJAVU);
    }

    #[test]
    fn fonts_are_found_by_file_name_best_first() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("truetype/wqy");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("wqy-microhei.ttc"), b"x").unwrap();
        std::fs::write(dir.path().join("NotoSansCJK-Regular.ttc"), b"x").unwrap();
        std::fs::write(dir.path().join("DejaVuSans.ttf"), b"x").unwrap();
        let found = find_cjk_fonts(&[dir.path().to_path_buf(), dir.path().join("nosuch")]);
        assert_eq!(found, vec![dir.path().join("NotoSansCJK-Regular.ttc"), deep.join("wqy-microhei.ttc")]);
        assert!(font_folders(Some(Path::new("/home/u"))).contains(&PathBuf::from("/home/u/.fonts")));
        assert_eq!(FontArg::parse("AUTO"), FontArg::Auto);
        assert_eq!(FontArg::parse("./auto"), FontArg::File(PathBuf::from("./auto")));
    }
}
