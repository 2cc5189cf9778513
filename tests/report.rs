//! report.html: the self-contained study report of compare, cases, run and district, and
//! `govsim report DIR`. Structure without a browser (sections, charts, tables, names not ids,
//! no external requests, both languages, the rebuild equals what the command wrote, refusals);
//! then in a real browser when `chromium` is installed (`.ci/run` installs it): rendered to PNG
//! and PDF, not blank, several pages, no console messages, no request leaving the page, every
//! chart and table in the DOM. Without chromium the browser test says why it skips and passes.

mod common;

use common::{drivers_dir, govsim, read_json, stderr, tempdir};
use govsim::lang::Lang;
use govsim::measures::METRICS;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `govsim compare` of the five driver models, 3 replications, in `lang`, into `out`.
fn compare(out: &Path, lang: &str) {
    govsim()
        .args(["compare", drivers_dir().to_str().unwrap(), "--reps", "3", "--progress", "off", "--lang", lang, "--out"])
        .arg(out)
        .assert()
        .success();
}

/// How often `needle` occurs in `text`.
fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

/// The values of every `src=` and `href=` attribute, and of CSS `url(`.
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["src=\"", "href=\"", "url("] {
        for piece in html.split(key).skip(1) {
            out.push(piece.split(['"', ')']).next().unwrap_or("").to_string());
        }
    }
    out
}

/// What every report must hold: the language, the sections, charts and tables, no scripts and
/// nothing fetched from elsewhere, metrics by name (not id) in the tables.
fn check_structure(html: &str, lang: Lang, charts: usize) {
    let code = if lang == Lang::Zh { "zh-CN" } else { "en" };
    assert!(html.starts_with("<!DOCTYPE html>"), "not an HTML5 document");
    assert!(html.contains(&format!("<html lang=\"{code}\">")), "html lang is not {code}");
    for id in ["compared", "results", "charts", "tables", "method", "provenance", "limits"] {
        assert!(html.contains(&format!("<h2 id=\"{id}\"")), "section {id} missing");
    }
    assert_eq!(count(html, "<figure>"), charts, "figures");
    assert_eq!(count(html, "<svg "), charts, "inline charts");
    assert!(count(html, "<figcaption>") == charts, "every chart has a caption");
    assert!(!html.contains("<?xml"), "an XML declaration inside HTML");
    assert!(!html.contains("<svg width="), "a chart keeps its fixed pixel size");
    for bad in ["<script", "<link", "<iframe", "<img", "@import"] {
        assert!(!html.contains(bad), "{bad} in the report");
    }
    for r in references(html) {
        assert!(r.starts_with('#'), "reference {r:?}: the report must not fetch anything");
    }
    assert!(html.contains("@media print") && html.contains("size: A4") && html.contains("break-inside: avoid"));
    // tables show metrics by name, never by id (ids with '_' cannot be ordinary words)
    let tables: String = html.split("<table").skip(1).map(|t| t.split("</table>").next().unwrap()).collect();
    for m in METRICS.iter().filter(|m| m.id.contains('_')) {
        assert!(!tables.contains(m.id), "metric id {} in a table", m.id);
    }
    // every phrase was found in the translations file
    for (at, _) in html.match_indices("report.") {
        let next = html[at + 7..].chars().next().unwrap_or(' ');
        assert!(
            !next.is_ascii_lowercase(),
            "a phrase key instead of its text: {}",
            &html[at..(at + 40).min(html.len())]
        );
    }
    let method = |key| html.contains(&govsim::report::html::esc(lang.t(key)));
    assert!(method("report.method_ci") || method("report.analyze_method"), "what the numbers are");
}

#[test]
fn compare_writes_a_self_contained_report_in_both_languages_and_report_rebuilds_it() {
    let dir = tempdir();
    for lang in Lang::ALL {
        let out = dir.path().join(format!("cmp-{}", lang.code()));
        compare(&out, lang.code());
        let html = fs::read_to_string(out.join("report.html")).unwrap();
        check_structure(&html, lang, 3);
        assert!(
            html.contains(&govsim::report::html::esc(lang.t("report.method_vda_ci"))),
            "why A and the CI can differ"
        );
        // 5 scenarios, 15 key measures, the pairs, provenance and input files
        assert_eq!(count(&html, "<table"), 5);
        assert_eq!(count(&html, "<tr>"), 1 + 5 + 1 + 15 + 1 + 15 * 10 + 1 + 6 + 1 + 5);
        // a sentence per headline measure, each with its CI and effect size
        let results = html.split("<h2 id=\"results\"").nth(1).unwrap().split("<h2").next().unwrap();
        assert_eq!(count(results, "<li>"), 9, "{results}");
        for li in results.split("<li>").skip(1) {
            let li = li.split("</li>").next().unwrap();
            let claims = li.contains("Vargha–Delaney A") || li.contains(lang.t("report.finding_undefined"));
            assert!(
                claims
                    && (li.contains("95%")
                        || li.contains(&lang.fill("report.finding_all_at_bound", &[("bound", &"0")]))),
                "{li}"
            );
        }
        for m in govsim::report::findings::OUTCOMES.iter().flat_map(|(_, ms)| ms.iter()) {
            assert!(html.contains(&govsim::report::html::esc(lang.metric_title(*m))), "{}", m.id());
        }
        for name in common::DRIVERS {
            assert!(html.contains(lang.name(name)), "{name}");
        }
        // provenance: command line, date, threads and the five files' SHA-256
        let p = read_json(&out.join("provenance.json"));
        assert_eq!(p["command"], "compare");
        assert!(p["command_line"].as_array().unwrap().iter().any(|a| a == "--reps"));
        assert_eq!(p["input_files"].as_array().unwrap().len(), 5);
        for f in p["input_files"].as_array().unwrap() {
            let file = PathBuf::from(f["path"].as_str().unwrap());
            let sha = govsim::report::sha256::hex(&fs::read(&file).unwrap());
            assert_eq!(f["sha256"], sha.as_str());
            assert!(html.contains(&sha), "the hash of {} is in the report", file.display());
        }
        assert!(p["date_utc"].as_str().unwrap().ends_with('Z') && p["threads"].as_u64().unwrap() >= 1);
        // `govsim report` rebuilds the same page from the folder's files
        govsim().args(["report", out.to_str().unwrap(), "--lang", lang.code()]).assert().success();
        assert_eq!(fs::read_to_string(out.join("report.html")).unwrap(), html);
    }
    // in the other language, and the folder stays govsim's: a new compare may replace it
    let out = dir.path().join("cmp-en");
    govsim().args(["report", out.to_str().unwrap(), "--lang", "zh"]).assert().success();
    let zh = fs::read_to_string(out.join("report.html")).unwrap();
    check_structure(&zh, Lang::Zh, 3);
    let marker = read_json(&out.join(govsim::output::folder::MARKER));
    assert_eq!(marker["command"], "compare");
    assert_eq!(marker["files"]["report.html"].as_u64(), Some(zh.len() as u64));
    assert_eq!(common::files::hidden_entries(dir.path()), Vec::<String>::new());
    compare(&out, "en");
}

#[test]
fn report_refuses_folders_govsim_did_not_write_whole() {
    let dir = tempdir();
    let mine = dir.path().join("mine");
    fs::create_dir(&mine).unwrap();
    fs::write(mine.join("summary.json"), "{}").unwrap();
    let a = govsim().args(["report", mine.to_str().unwrap()]).assert().code(2);
    assert!(stderr(&a).contains("govsim did not write this folder"), "{}", stderr(&a));
    assert!(!mine.join("report.html").exists());
    let a = govsim().args(["report", dir.path().join("nothing").to_str().unwrap()]).assert().code(2);
    assert!(stderr(&a).contains("is not a folder"), "{}", stderr(&a));
    // a govsim folder with a file of the user's is the user's
    let out = dir.path().join("run");
    let small = dir.path().join("small.json");
    let events = r#"[{ "type": "funding_change", "month": 12, "actor": "government", "factor": 0 }]"#;
    let text = format!(
        r#"{{ "name": "small", "community": {{ "residents": 300 }}, "time": {{ "years": 2 }}, "events": {events} }}"#
    );
    fs::write(&small, text).unwrap();
    govsim()
        .args(["run", small.to_str().unwrap(), "--reps", "2", "--progress", "off", "--out"])
        .arg(&out)
        .assert()
        .success();
    let run = out.join("small");
    let html = fs::read_to_string(run.join("report.html")).unwrap();
    check_structure(&html, Lang::En, 1);
    // the event on the timeline and its shock measures
    assert!(html.contains("<h2 id=\"shocks\""), "shock measures of the event");
    assert_eq!(count(&html, "month 12: government funding stops"), 2, "timeline and shock table");
    fs::write(run.join("notes.txt"), "mine").unwrap();
    let a = govsim().args(["report", run.to_str().unwrap()]).assert().code(2);
    assert!(stderr(&a).contains("notes.txt"), "{}", stderr(&a));
    assert_eq!(fs::read_to_string(run.join("report.html")).unwrap(), html);
    // from inside the folder: refused with what to do
    fs::remove_file(run.join("notes.txt")).unwrap();
    let a = govsim().current_dir(&run).args(["report", "."]).assert().code(2);
    assert!(stderr(&a).contains("run it from outside"), "{}", stderr(&a));
}

#[test]
fn cases_and_district_write_reports() {
    let dir = tempdir();
    let out = dir.path().join("cases");
    govsim()
        .args([
            "cases",
            common::repo("scenarios/cases/hemei.json").to_str().unwrap(),
            "--reps",
            "2",
            "--progress",
            "off",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    check_structure(&html, Lang::En, 1);
    assert!(html.contains("700") && html.contains("Hemei"), "the case's target and source");
    let file = dir.path().join("district.json");
    let district = serde_json::json!({
        "description": "a tiny test district",
        "communities": [
            { "scenario": drivers_dir().join("government-driven.json"), "count": 2, "overrides": { "time": { "years": 1 }, "community": { "residents": 300 } } },
            { "scenario": drivers_dir().join("volunteer-led.json"), "count": 2, "overrides": { "time": { "years": 1 }, "community": { "residents": 300 } } }
        ]
    });
    common::write_json(&file, &district);
    let out = dir.path().join("district");
    govsim()
        .args(["district", file.to_str().unwrap(), "--progress", "off", "--lang", "zh", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    check_structure(&html, Lang::Zh, 2);
}

/// Chromium, if installed (GOVSIM_CHROMIUM names another binary).
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GOVSIM_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser", "google-chrome"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// Run headless chromium on `page` with `args`; (stdout, stderr).
fn headless(browser: &Path, page: &Path, args: &[String]) -> (String, String) {
    let out = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-background-networking"])
        .args(["--no-first-run", "--disable-extensions", "--disable-component-update"])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium starts");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The page's own problems in a headless run: console messages (the report has no scripts, so
/// any message is a problem) and requests the page made to anywhere but a local file.
fn problems(browser: &Path, page: &Path, work: &Path) -> (Vec<String>, String) {
    let netlog = work.join(format!("{}.netlog.json", page.file_stem().unwrap().to_string_lossy()));
    let (dom, err) = headless(
        browser,
        page,
        &[
            "--enable-logging=stderr".into(),
            "--v=0".into(),
            format!("--log-net-log={}", netlog.display()),
            "--dump-dom".into(),
        ],
    );
    let mut found: Vec<String> = err
        .lines()
        .filter(|l| {
            l.contains(":CONSOLE") || l.contains("Uncaught") || l.contains("ERR_") || l.contains("Failed to load")
        })
        .map(str::to_string)
        .collect();
    let log: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&netlog).unwrap()).expect("the net log parses");
    for e in log["events"].as_array().unwrap() {
        let p = &e["params"];
        // the page's requests carry its origin: "null" for a file; the browser's own have none
        let from_page = p["initiator"].as_str().is_some_and(|i| i == "null" || i.starts_with("file:"));
        if let (true, Some(url)) = (from_page, p["url"].as_str()) {
            if !url.starts_with("file:") && !url.starts_with("data:") {
                found.push(format!("request to {url}"));
            }
        }
    }
    (found, dom)
}

#[test]
fn the_report_renders_in_a_real_browser() {
    let Some(browser) = chromium() else {
        // .ci/run installs chromium as root and then requires this test to run
        assert!(
            std::env::var_os("GOVSIM_REQUIRE_BROWSER").is_none(),
            "GOVSIM_REQUIRE_BROWSER is set but there is no chromium"
        );
        eprintln!("SKIPPED: no chromium on PATH (apt-get install chromium; .ci/run installs it), so the report was not rendered");
        return;
    };
    let dir = tempdir();
    let work = dir.path();
    // the check itself: a page with a failing script, a console error and a request elsewhere
    let bad = work.join("bad.html");
    fs::write(&bad, "<!DOCTYPE html><html><body><p>x</p><img src=\"http://127.0.0.1:9/x.png\"><script>console.error('boom'); nosuch();</script></body></html>").unwrap();
    let (found, _) = problems(&browser, &bad, work);
    assert!(found.iter().any(|f| f.contains("boom")), "console errors are seen: {found:?}");
    assert!(found.iter().any(|f| f.contains("nosuch")), "script errors are seen: {found:?}");
    assert!(found.iter().any(|f| f.contains("127.0.0.1:9")), "requests are seen: {found:?}");

    for lang in Lang::ALL {
        let out = work.join(format!("cmp-{}", lang.code()));
        compare(&out, lang.code());
        let page = out.join("report.html");
        let html = fs::read_to_string(&page).unwrap();
        let (found, dom) = problems(&browser, &page, work);
        assert!(found.is_empty(), "{}: {found:?}", lang.code());
        // every chart and table is in the rendered DOM, and the text in the right language
        assert_eq!(count(&dom, "<svg "), 3, "charts in the DOM");
        assert_eq!(count(&dom, "<table"), count(&html, "<table"), "tables in the DOM");
        assert_eq!(count(&dom, "<figcaption>"), 3);
        assert!(dom.contains(lang.t("report.results")) && dom.contains(lang.t("report.limits")));
        // a screenshot that is not blank
        let png = work.join(format!("report-{}.png", lang.code()));
        headless(&browser, &page, &[format!("--screenshot={}", png.display()), "--window-size=1280,4000".into()]);
        let (inked, colours) = ink(&png);
        assert!(inked > 0.03, "{}: only {:.1}% of the screenshot is not background", lang.code(), inked * 100.0);
        assert!(colours >= 5, "{}: {colours} colours: charts missing?", lang.code());
        // a PDF of several A4 pages
        let pdf = work.join(format!("report-{}.pdf", lang.code()));
        headless(&browser, &page, &[format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".into()]);
        let bytes = fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF"), "not a PDF");
        let pages = pdf_pages(&bytes);
        assert!(pages > 1, "{}: {pages} page(s)", lang.code());
        eprintln!("{}: screenshot {:.0}% inked, {colours} colours; PDF {pages} pages", lang.code(), inked * 100.0);
        if let Some(keep) = std::env::var_os("GOVSIM_REPORT_SHOTS") {
            let keep = PathBuf::from(keep);
            fs::create_dir_all(&keep).unwrap();
            for f in [&png, &pdf, &page] {
                let name = format!("{}-{}", lang.code(), f.file_name().unwrap().to_string_lossy());
                fs::copy(f, keep.join(name)).unwrap();
            }
        }
    }
}

/// The share of pixels that differ from the page's background (the top-left pixel), and how
/// many distinct colours the image holds (capped at 1,000).
fn ink(path: &Path) -> (f64, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let background = pixels[0];
    let inked = pixels.iter().filter(|p| p[..3] != background[..3]).count();
    let mut colours = std::collections::HashSet::new();
    for p in &pixels {
        if colours.len() >= 1000 {
            break;
        }
        colours.insert(p[..3].to_vec());
    }
    (inked as f64 / pixels.len() as f64, colours.len())
}

/// The page count of a PDF: the largest `/Count` of its page tree.
fn pdf_pages(bytes: &[u8]) -> usize {
    let text = String::from_utf8_lossy(bytes);
    text.split("/Count ")
        .skip(1)
        .filter_map(|s| s.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()))
        .max()
        .unwrap_or(0)
}

#[test]
fn analyze_writes_a_smaller_report_with_every_chart() {
    let dir = tempdir();
    let sweep = serde_json::json!({
        "name": "report-test",
        "scenarios": [common::repo("tests/sweeps/small-government-driven.json")],
        "factors": [
            { "path": "behaviour.retention.base_hazard", "min": 0.05, "max": 0.4 },
            { "path": "measures.recovery_threshold", "min": 0.5, "max": 0.95 }
        ],
        "design": { "type": "grid", "levels_per_factor": 2 },
        "replications": 2,
        "seed": 3,
        "outputs": [{ "metric": "active_rate", "statistic": "final_year_mean" }]
    });
    let file = dir.path().join("sweep.json");
    common::write_json(&file, &sweep);
    let out = dir.path().join("out");
    govsim().args(["sweep", file.to_str().unwrap(), "--progress", "off", "--out"]).arg(&out).assert().success();
    govsim().args(["analyze", out.to_str().unwrap(), "--lang", "zh"]).assert().success();
    let analysis = out.join("analysis");
    let svgs = fs::read_dir(analysis.join("charts"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "svg"))
        .count();
    assert!(svgs >= 1, "a two-factor grid draws heatmaps");
    let html = fs::read_to_string(analysis.join("report.html")).unwrap();
    check_structure(&html, Lang::Zh, svgs);
    assert!(html.contains(&govsim::report::html::esc(Lang::Zh.metric_title(govsim::measures::M::ActiveRate))));
}
