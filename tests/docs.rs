//! The documentation holds together: README.md lists every metric id and docs/ODD.md §7.9
//! defines each one, so a new measure cannot land undocumented; every author–year citation in
//! README.md and docs/ is in the reference list of docs/ODD.md; every relative link of the
//! Markdown files resolves inside the repository, and no tracked file points outside it;
//! CITATION.cff cites the version Cargo.toml builds.

mod common;

use govsim::measures::METRICS;

#[test]
fn readme_and_odd_name_every_metric() {
    let readme = std::fs::read_to_string(common::repo("README.md")).unwrap();
    let odd = std::fs::read_to_string(common::repo("docs/ODD.md")).unwrap();
    let count = format!("Metric ids ({}):", METRICS.len());
    assert!(readme.contains(&count), "README.md should say {count}");
    for m in METRICS {
        let id = format!("`{}`", m.id);
        assert!(readme.contains(&id), "README.md does not list {id}");
        // ODD §7.9 may name a family at once: `dependence_on_government_<legitimacy/…>`
        let family = m.id.rsplit_once('_').map(|(head, _)| format!("`{head}_<"));
        let named = odd.contains(&id) || family.is_some_and(|f| odd.contains(&f));
        assert!(named, "docs/ODD.md does not define {id}");
    }
}

/// The repository's tracked files (`git ls-files`), or `None` (with the reason printed) where
/// git or the repository is not there, e.g. in a source tarball.
fn tracked_files() -> Option<Vec<String>> {
    let out = std::process::Command::new("git").arg("ls-files").current_dir(common::root()).output();
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).lines().map(str::to_string).collect()),
        Ok(o) => {
            eprintln!("skipped: `git ls-files` failed: {}", String::from_utf8_lossy(&o.stderr).trim());
            None
        }
        Err(e) => {
            eprintln!("skipped: cannot run git: {e}");
            None
        }
    }
}

/// README.md and docs/*.md, by path from the root.
fn readme_and_docs() -> Vec<String> {
    let mut files = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(common::repo("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// The text with fenced code blocks and inline code spans blanked out (links and citations in
/// code are examples, not references).
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            out.push('\n');
            continue;
        }
        if !fenced {
            let mut in_code = false;
            for c in line.chars() {
                if c == '`' {
                    in_code = !in_code;
                } else if !in_code {
                    out.push(c);
                }
            }
        }
        out.push('\n');
    }
    out
}

/// Words before a year that are not authors.
const NOT_AUTHORS: [&str; 16] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Draft",
    "Version",
    "Unicode",
    "Edition",
];

/// Author–year citations of a text: (first author's surname, year) for "Emerson 1962",
/// "Chacón et al. 2007", "Pfeffer & Salancik 1978", "Nabatchi, Sancino & Sicilia (2017)" (the
/// last name before the year: the reference list must hold it with the year as well).
fn citations(text: &str) -> Vec<(String, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut found = Vec::new();
    for i in 1..words.len() {
        let year = words[i].trim_start_matches('(').trim_end_matches([',', ';', ':', ')', '.', ']']);
        let year = year.strip_suffix(['a', 'b']).unwrap_or(year);
        if year.len() != 4
            || !year.bytes().all(|b| b.is_ascii_digit())
            || !(year.starts_with("19") || year.starts_with("20"))
        {
            continue;
        }
        let name =
            if words[i - 1].starts_with("al.") && i >= 3 && words[i - 2] == "et" { words[i - 3] } else { words[i - 1] };
        if name.ends_with(':') {
            continue; // "IKEA Heshun: 2018" is a place and a date
        }
        let name = name.trim_matches(|c: char| !c.is_alphabetic() && c != '\'');
        let name = name.strip_suffix("'s").unwrap_or(name);
        let mut chars = name.chars();
        let capital = chars.next().is_some_and(|c| c.is_uppercase() && !c.is_ascii_digit() && c.is_alphabetic());
        let word =
            name.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'') && name.chars().any(|c| c.is_lowercase());
        if capital && word && !NOT_AUTHORS.contains(&name) {
            found.push((name.to_string(), year.to_string()));
        }
    }
    found
}

/// The entries of docs/ODD.md's reference list, each joined onto one line.
fn odd_references() -> Vec<String> {
    let odd = std::fs::read_to_string(common::repo("docs/ODD.md")).unwrap();
    let start = odd.find("\n## References\n").expect("docs/ODD.md has a \"## References\" section");
    let section = &odd[start + 1..];
    let end = section[3..].find("\n## ").map_or(section.len(), |e| e + 3);
    let mut entries: Vec<String> = Vec::new();
    for line in section[..end].lines() {
        if let Some(entry) = line.strip_prefix("- ") {
            entries.push(entry.to_string());
        } else if line.starts_with("  ") && !entries.is_empty() {
            let last = entries.last_mut().unwrap();
            last.push(' ');
            last.push_str(line.trim());
        }
    }
    entries
}

/// Every author–year citation in README.md and docs/*.md is in docs/ODD.md's reference list: an
/// entry there names the author and the year.
#[test]
fn every_citation_is_in_the_reference_list() {
    let entries = odd_references();
    assert!(entries.len() >= 50, "docs/ODD.md lists {} references", entries.len());
    for i in 0..=4 {
        let seed = format!("**[00{i}]**");
        assert!(entries.iter().any(|e| e.starts_with(&seed)), "the reference list describes seed [00{i}]");
    }
    let mut missing = Vec::new();
    let mut n = 0;
    for file in readme_and_docs() {
        let text = std::fs::read_to_string(common::repo(&file)).unwrap();
        for (name, year) in citations(&prose(&text)) {
            n += 1;
            if !entries.iter().any(|e| e.contains(&name) && e.contains(&year)) {
                missing.push(format!("{file}: {name} {year}"));
            }
        }
    }
    assert!(n >= 40, "only {n} citations found: is the pattern still right?");
    missing.dedup();
    assert!(missing.is_empty(), "not in the references of docs/ODD.md:\n{}", missing.join("\n"));
}

#[test]
fn the_citation_pattern_finds_the_usual_forms() {
    let text = "as Emerson 1962 and IKEA Heshun: 2018 and (Chacón et al. 2007; Pfeffer & Salancik 1978) with Nabatchi, Sancino & \
                Sicilia (2017), but not July 2022 nor Draft 2020-12 nor §7.10 2020 nor Sobol' (2001).";
    let found = citations(text);
    let want = [("Emerson", "1962"), ("Chacón", "2007"), ("Salancik", "1978"), ("Sicilia", "2017"), ("Sobol'", "2001")];
    let want: Vec<(String, String)> = want.iter().map(|(a, y)| (a.to_string(), y.to_string())).collect();
    assert_eq!(found, want);
}

/// Nothing in the repository points at a file outside it: the seed texts, the research notes
/// and the model notes the project started from live beside the repository, not in it, and are
/// cited by the reference list of docs/ODD.md instead.
#[test]
fn no_tracked_file_points_outside_the_repository() {
    let Some(files) = tracked_files() else { return };
    // built from pieces so that this file does not match itself
    let needles: Vec<String> = [
        ["..", "/shared"],
        ["shared", "/seeds"],
        ["shared", "/research"],
        ["shared", "/MODEL"],
        ["MODEL", ".md"],
        ["domain", "-anchors"],
        ["DA", " §"],
        ["/work", "/main"],
        ["/work", "/shared"],
        ["/work", "/wt-"],
    ]
    .iter()
    .map(|p| p.concat())
    .collect();
    let mut found = Vec::new();
    let mut read = 0;
    for file in &files {
        let Ok(text) = std::fs::read_to_string(common::repo(file)) else { continue };
        read += 1;
        for (n, line) in text.lines().enumerate() {
            for needle in &needles {
                if line.contains(needle.as_str()) {
                    found.push(format!("{file}:{}: {needle}", n + 1));
                }
            }
        }
    }
    assert!(read > 100, "read only {read} tracked text files");
    assert!(found.is_empty(), "pointers outside the repository:\n{}", found.join("\n"));
}

/// GitHub's anchor of a heading: lower case, punctuation other than `-` and `_` dropped, spaces
/// to `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown file: its headings' slugs (a repeated one gets `-1`, `-2`, …) and
/// explicit `<a id="…">` / `<a name="…">`.
fn anchors(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        if let Some(h) = line.strip_prefix('#') {
            let h = h.trim_start_matches('#');
            if h.starts_with(' ') {
                let s = slug(h);
                let seen = seen.entry(s.clone()).or_insert(0);
                out.push(if *seen == 0 { s } else { format!("{s}-{seen}") });
                *seen += 1;
            }
        }
        for key in ["<a id=\"", "<a name=\""] {
            for part in line.split(key).skip(1) {
                if let Some(end) = part.find('"') {
                    out.push(part[..end].to_string());
                }
            }
        }
    }
    out
}

/// The targets of a text's Markdown links and images: inline `[text](target "title")` and
/// reference definitions `[label]: target`.
fn link_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split("](").skip(1) {
        let mut depth = 0;
        let end = part.char_indices().find(|&(_, c)| {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => return true,
                ')' => depth -= 1,
                _ => {}
            }
            false
        });
        if let Some((end, _)) = end {
            let target = part[..end].split_whitespace().next().unwrap_or("");
            out.push(target.trim_start_matches('<').trim_end_matches('>').to_string());
        }
    }
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with('[') && !line.starts_with("[^") {
            // a definition is the label, the target and at most a title: "[001]: "…" (a bonus); more" is prose
            if let Some((_, rest)) = line.split_once("]: ") {
                let mut words = rest.split_whitespace();
                let target = words.next().unwrap_or("");
                let title = words.collect::<Vec<_>>().join(" ");
                let titled = title.is_empty()
                    || [('"', '"'), ('\'', '\''), ('(', ')')]
                        .iter()
                        .any(|&(a, b)| title.starts_with(a) && title.ends_with(b));
                if titled {
                    out.push(target.to_string());
                }
            }
        }
    }
    out
}

/// External links may point only at standard specifications and DOIs (they are not fetched:
/// the tests run without network); everything else the docs need is in the repository.
const EXTERNAL_ALLOWED: [&str; 6] = [
    "https://doi.org/",
    "https://specs.frictionlessdata.io/",
    "https://json-schema.org/",
    "https://spdx.org/licenses/",
    "https://citation-file-format.github.io/",
    "https://www.apache.org/licenses/",
];

/// Every relative link in the tracked Markdown files (README.md, docs/, assets/fonts/README.md,
/// …) resolves to a tracked file or folder, and a `#anchor` to a heading of that file; external
/// links are only to standard specifications and DOIs.
#[test]
fn every_markdown_link_resolves_inside_the_repository() {
    let Some(files) = tracked_files() else { return };
    let tracked: std::collections::HashSet<&str> = files.iter().map(String::as_str).collect();
    let is_tracked = |p: &str| tracked.contains(p) || files.iter().any(|f| f.starts_with(&format!("{p}/")));
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in files.iter().filter(|f| f.ends_with(".md")) {
        let text = std::fs::read_to_string(common::repo(file)).unwrap();
        let dir = std::path::Path::new(file).parent().unwrap_or(std::path::Path::new(""));
        for target in link_targets(&prose(&text)) {
            checked += 1;
            if target.starts_with("http://") || target.starts_with("https://") {
                if !EXTERNAL_ALLOWED.iter().any(|a| target.starts_with(a)) {
                    broken.push(format!("{file}: external link {target} (only specifications and DOIs)"));
                }
                continue;
            }
            if target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = target.split_once('#').unwrap_or((target.as_str(), ""));
            let path = path.replace("%20", " ");
            let resolved = if path.is_empty() {
                file.clone()
            } else if let Some(abs) = path.strip_prefix('/') {
                abs.to_string()
            } else {
                // normalise `a/../b` and `./b` without touching the file system
                let mut parts: Vec<String> = dir.iter().map(|p| p.to_string_lossy().into_owned()).collect();
                for p in path.split('/') {
                    match p {
                        "" | "." => {}
                        ".." => {
                            if parts.pop().is_none() {
                                parts.push("..".into());
                            }
                        }
                        p => parts.push(p.to_string()),
                    }
                }
                parts.join("/")
            };
            if !is_tracked(&resolved) {
                broken.push(format!("{file}: {target} ({resolved} is not a file of the repository)"));
                continue;
            }
            if !anchor.is_empty() && resolved.ends_with(".md") {
                let target_text = std::fs::read_to_string(common::repo(&resolved)).unwrap();
                if !anchors(&target_text).iter().any(|a| a == anchor) {
                    broken.push(format!("{file}: {target} (no heading with anchor #{anchor} in {resolved})"));
                }
            }
        }
    }
    assert!(checked >= 5, "only {checked} links found: is the parser still right?");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn slugs_and_anchors_follow_github() {
    assert_eq!(slug("7.9 Measures (`src/measures/`)"), "79-measures-srcmeasures");
    assert_eq!(slug("中文 / languages"), "中文--languages");
    assert_eq!(slug("1. Purpose and patterns"), "1-purpose-and-patterns");
    let a = anchors("# Notes\n## Notes\n```\n# not a heading\n```\n### Notes\n<a id=\"here\"></a>\n");
    assert_eq!(a, ["notes", "notes-1", "notes-2", "here"]);
    let t = link_targets("see [ODD](docs/ODD.md#references) and ![x](a_(b).png \"t\")\n[ref]: CITATION.cff\n[001]: \"quoted\" (bonus); prose\n");
    assert_eq!(t, ["docs/ODD.md#references", "a_(b).png", "CITATION.cff"]);
}

/// CITATION.cff cites the version Cargo.toml builds.
#[test]
fn citation_cff_has_the_crate_version() {
    let cff = std::fs::read_to_string(common::repo("CITATION.cff")).unwrap();
    let field = |text: &str, key: &str| -> Option<String> {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().trim_start_matches([':', '=']).trim().trim_matches(['"', '\'']).to_string())
    };
    let cargo = std::fs::read_to_string(common::repo("Cargo.toml")).unwrap();
    let version = field(&cargo, "version =").or_else(|| field(&cargo, "version=")).expect("Cargo.toml has a version");
    assert_eq!(field(&cff, "version:").as_deref(), Some(version.as_str()), "CITATION.cff version");
    assert_eq!(field(&cff, "cff-version:").as_deref(), Some("1.2.0"));
    assert_eq!(field(&cff, "title:").as_deref(), Some("govsim"));
    for i in 0..=4 {
        assert!(cff.contains(&format!("[00{i}]")), "CITATION.cff's references include seed [00{i}]");
    }
    let readme = std::fs::read_to_string(common::repo("README.md")).unwrap();
    assert!(readme.contains("## How to cite") && readme.contains(&format!("version = {{{version}}}")));
}
