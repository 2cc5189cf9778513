//! `--lang zh|en` end to end: what people read (tables, chart texts, the terminal table) is in the
//! chosen language, scenario labels show where names did, and data files keep their ids.

mod common;

use common::{drivers_dir, govsim, read_json, tempdir};
use std::fs;
use std::path::Path;

/// Every text of the SVG figures in `dir` (the SVG backend writes text as it was drawn).
fn svg_texts(dir: &Path) -> String {
    let mut out = String::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "svg") {
            let svg = fs::read_to_string(&p).unwrap();
            let doc = roxmltree::Document::parse(&svg).unwrap();
            for n in doc.descendants().filter_map(|n| n.text()) {
                out.push_str(n);
                out.push('\n');
            }
        }
    }
    out
}

fn has_han(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn compare(lang: &str, out: &Path, extra: &[&str]) -> String {
    let drivers = drivers_dir();
    let mut cmd = govsim();
    cmd.arg("compare").args(extra);
    if extra.is_empty() {
        cmd.arg(&drivers);
    }
    let assert = cmd.args(["--reps", "2", "--progress", "off", "--lang", lang, "--out"]).arg(out).assert().success();
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

#[test]
fn chinese_run_writes_chinese_for_people_and_ids_for_programs() {
    let tmp = tempdir();
    let (en, zh) = (tmp.path().join("en"), tmp.path().join("zh"));
    let stdout_en = compare("en", &en, &[]);
    let stdout_zh = compare("zh", &zh, &[]);

    // the terminal table and comparison.md: Chinese driver names (seed 001) and headings
    assert!(stdout_zh.contains("政府驱动型") && stdout_zh.contains("末年均值"), "{stdout_zh}");
    assert!(!has_han(&stdout_en.lines().take(7).collect::<String>()), "{stdout_en}");
    let md = fs::read_to_string(zh.join("comparison.md")).unwrap();
    for text in ["# 驱动模式比较", "## 主要指标", "多主体共同驱动型", "志愿者主导型", "指标含义", "A₁₂", "可忽略"]
    {
        assert!(md.contains(text), "comparison.md lacks {text}:\n{md}");
    }
    // names, not ids, in the key table; the ids are given once, in the meanings table
    let key_table = md.split("## 指标含义").next().unwrap();
    assert!(!key_table.contains("`dependence_on_government`"), "{key_table}");
    assert!(md.contains("`dependence_on_government`"));

    // charts: Chinese titles and legends in zh, none in en
    let (svg_en, svg_zh) = (svg_texts(&en), svg_texts(&zh));
    assert!(!has_han(&svg_en), "English figures hold Chinese text");
    for text in ["驱动模式比较", "政府驱动型", "社会组织驱动型", "年", "志愿力量与政府：双向依赖"]
    {
        assert!(svg_zh.contains(text), "the Chinese figures lack {text}");
    }

    // data files: the same ids and numbers in both languages; only the name columns differ
    let csv = |dir: &Path| fs::read_to_string(dir.join("comparison.csv")).unwrap();
    let (csv_en, csv_zh) = (csv(&en), csv(&zh));
    let header = csv_en.lines().next().unwrap();
    assert_eq!(header, csv_zh.lines().next().unwrap());
    assert!(
        header.starts_with("kind,model_a,model_b,metric,statistic,mean,")
            && header.ends_with(",metric_name,unit,meaning")
    );
    let numbers = |text: &str| -> Vec<String> {
        text.lines().map(|l| l.split(',').take(12).collect::<Vec<_>>().join(",")).collect()
    };
    assert_eq!(numbers(&csv_en), numbers(&csv_zh), "the numbers and ids of comparison.csv depend on the language");
    assert_eq!(
        fs::read(en.join("timeseries_long.csv")).unwrap(),
        fs::read(zh.join("timeseries_long.csv")).unwrap(),
        "the time series depend on the language"
    );
    let json = read_json(&zh.join("comparison.json"));
    assert_eq!(json["lang"], "zh");
    assert_eq!(json["labels"]["government-driven"], "政府驱动型");
    assert!(json["models"]["government-driven"]["dependence_on_government"]["final_year"]["mean"].is_number());
}

#[test]
fn a_label_is_shown_where_the_name_was_and_arms_of_one_driver_are_told_apart() {
    let tmp = tempdir();
    let a = tmp.path().join("hemei-like.json");
    let base = drivers_dir().join("government-driven.json");
    fs::write(
        &a,
        format!(
            r#"{{"extends": "{}", "name": "arm-b", "label": "和美社区 (arm B)", "time": {{"years": 2}}, "community": {{"residents": 800}}}}"#,
            base.display()
        ),
    )
    .unwrap();
    let b = tmp.path().join("base.json");
    fs::write(
        &b,
        format!(r#"{{"extends": "{}", "time": {{"years": 2}}, "community": {{"residents": 800}}}}"#, base.display()),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let stdout = compare("en", &out, &[b.to_str().unwrap(), a.to_str().unwrap()]);
    assert!(stdout.contains("和美社区 (arm B)"), "{stdout}");
    let md = fs::read_to_string(out.join("comparison.md")).unwrap();
    assert!(md.contains("| 和美社区 (arm B) |"), "{md}");
    assert!(svg_texts(&out).contains("和美社区 (arm B)"), "the legend does not show the label");
    // the folder is still named by the ASCII name
    assert!(out.join("arm-b").join("summary.json").is_file());
    // both extend the government-driven driver and inherit its colour: the second is drawn dashed
    let svg = fs::read_to_string(out.join("timeseries.svg")).unwrap();
    assert!(svg.contains("<polyline") || svg.contains("<path"));
    let colour = "#D55E00"; // vermillion, the government-driven driver's colour
    let lighter = "#E28E4D"; // 30% of the way to white: 213+0.3·42=225.6, 94+0.3·161=142.3, 0+0.3·255=76.5
    assert!(svg.to_uppercase().contains(colour), "the first arm keeps the driver's colour");
    assert!(svg.to_uppercase().contains(lighter), "the second arm is not drawn in the lighter tint");
}
