//! Targets in case files and `govsim cases` (issue 14): what a case's source reports, held
//! against the model; the target's arithmetic by hand, and the command end to end.

mod common;

use common::{govsim, tempdir};
use govsim::experiment::targets::{check, window};
use govsim::experiment::{run_scenario, Estimate};
use govsim::output::table::CsvText;
use govsim::scenario::Target;

fn target(low: f64, high: f64) -> Target {
    Target { name: "t".into(), measure: "teams".into(), low, high, source: "[000] test".into(), ..Target::default() }
}

#[test]
fn a_target_is_the_mean_of_its_window_means_and_says_how_far_off_it_is() {
    let mut s = common::driver("government-driven");
    s.time.years = 1;
    s.community.residents = 500;
    s.targets = vec![Target { from_month: 3, to_month: 5, ..target(0.0, 1e9) }];
    let reps = run_scenario(&s, 2, 3);
    let c = &check(&s, &reps)[0];
    assert_eq!(c.months, (3, 5));
    // by hand: months 3–5 are rows 2, 3, 4 (row r is month r + 1)
    let m = govsim::measures::M::Teams.index();
    let by_hand: Vec<f64> = reps.iter().map(|r| (r.rows[2][m] + r.rows[3][m] + r.rows[4][m]) / 3.0).collect();
    assert_eq!(c.estimate, Estimate::of(&by_hand));
    assert!(c.within());
    // the final year when the window is 0–0
    assert_eq!(window(&target(0.0, 1.0), &s), (1, 12));
    // how far off: as a share of the nearer end
    let mut off = c.clone();
    off.estimate.mean = 12.0;
    off.target = target(4.0, 8.0);
    assert!(!off.within());
    assert!((off.off() - 0.5).abs() < 1e-12, "12 is 50% above 8: {}", off.off());
    off.estimate.mean = 3.0;
    assert!((off.off() + 0.25).abs() < 1e-12, "3 is 25% below 4: {}", off.off());
}

#[test]
fn a_bad_target_is_refused_at_its_path() {
    let dir = tempdir();
    let file = dir.path().join("case.json");
    let v = serde_json::json!({
        "extends": common::driver_file("government-driven"),
        "targets": [
            { "name": "a", "measure": "active_volunteer", "low": 1, "high": 2, "source": "[001] x" },
            { "name": "a", "measure": "teams", "from_month": 5, "to_month": 200, "low": 3, "high": 2, "source": " " }
        ]
    });
    std::fs::write(&file, v.to_string()).unwrap();
    let out = govsim().arg("validate").arg(&file).assert().code(2);
    let e = common::cli::stderr(&out);
    for needle in [
        "targets[0].measure",
        "active_volunteers",
        "targets[1].name",
        "targets[1].from_month",
        "months 1–120",
        "targets[1].low",
        "targets[1].source",
    ] {
        assert!(e.contains(needle), "the error should mention {needle}: {e}");
    }
}

#[test]
fn cases_prints_the_table_and_writes_targets_csv() {
    let dir = tempdir();
    let out = dir.path().join("cases");
    let a = govsim()
        .args(["cases", "--reps", "3", "--threads", "2", "--out"])
        .arg(&out)
        .current_dir(common::root())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(stdout.contains("| case | target |"), "{stdout}");
    let shipped: usize = common::files::json_files_in(&common::repo("scenarios/cases"))
        .iter()
        .map(|f| common::load(f).targets.len())
        .sum();
    assert!(shipped >= 6, "the shipped cases carry {shipped} targets");
    let text = std::fs::read_to_string(out.join("targets.csv")).unwrap();
    let csv = CsvText::new(&text).unwrap();
    let (within, mean, source) =
        (csv.column("within").unwrap(), csv.column("mean").unwrap(), csv.column("source").unwrap());
    let mut rows = 0;
    for row in csv {
        let row = row.unwrap();
        assert!(row.number(&mean).unwrap().is_finite());
        assert!(["true", "false"].contains(&row.text(&within)));
        assert!(row.text(&source).starts_with('['), "a source names its seed: {}", row.text(&source));
        rows += 1;
    }
    assert_eq!(rows, shipped);
    assert!(stdout.contains(&format!("of {shipped} targets within")), "{stdout}");
    assert!(out.join("hemei").join("timeseries.csv").is_file());
    assert!(out.join("targets.md").is_file());
    // a chart of the targets over the model's series for each case with targets, none without
    for ext in ["png", "svg"] {
        assert!(out.join("hemei").join(format!("targets.{ext}")).is_file());
        assert!(!out.join("beilangdong-zero-waste").join(format!("targets.{ext}")).exists());
    }
}

/// docs/cases.md shows the table `govsim cases` prints for the shipped cases (30 replications,
/// seed 1); `GOVSIM_BLESS=1` rewrites it.
#[test]
fn docs_cases_shows_the_current_targets_table() {
    let files = common::files::json_files_in(&common::repo("scenarios/cases"));
    let cases: Vec<_> = files.iter().map(|f| common::load(f)).collect();
    let results = govsim::experiment::run_many(&cases, 1, 30);
    let checked: Vec<_> = cases.iter().zip(&results).flat_map(|(s, r)| check(s, r)).collect();
    let table = govsim::output::targets::targets_markdown(&checked);
    let doc = common::repo("docs/cases.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    let (begin, end) = ("<!-- targets:begin -->\n", "<!-- targets:end -->");
    let a = text.find(begin).expect("docs/cases.md has a targets:begin marker") + begin.len();
    let b = text.find(end).expect("docs/cases.md has a targets:end marker");
    if std::env::var_os("GOVSIM_BLESS").is_some() {
        std::fs::write(&doc, format!("{}{table}{}", &text[..a], &text[b..])).unwrap();
        return;
    }
    assert_eq!(
        &text[a..b],
        table,
        "docs/cases.md's targets table is out of date: GOVSIM_BLESS=1 cargo test --release --test targets"
    );
}
