//! Tests of the figures: tick labels, fitted titles, files written with their texts, Morris
//! label choice, refused input.

use super::heatmap::viridis;
use super::labels::common_prefix;
use super::*;
use crate::sensitivity::design::{grid, morris, saltelli, scale};
use crate::sensitivity::{morris_indices, sobol_indices, MorrisIndex};
use std::f64::consts::PI;

fn labels(range: std::ops::Range<f64>, count: usize) -> Vec<String> {
    use plotters::coord::ranged1d::Ranged;
    let t = Ticks::new(range.clone(), count);
    plotters::coord::types::RangedCoordf64::from(range).key_points(count).iter().map(|v| t.format(*v)).collect()
}

#[test]
fn tick_labels_are_distinct_plain_and_aligned() {
    for (range, count) in [
        (0.0..0.057, 10),
        (0.0..0.0062, 10),
        (0.0..0.33, 10),
        (0.0..6.7, 10),
        (-0.62..1.7, 10),
        (0.3..0.92, 8),
        (0.0..87_000.0, 10),
        (1e-4..3e-4, 10),
    ] {
        let l = labels(range.clone(), count);
        assert!(l.len() >= 2, "{range:?}: {l:?}");
        assert!(l.windows(2).all(|w| w[0] != w[1]), "{range:?}: {l:?}");
        assert!(l.iter().all(|s| !s.contains('e') && s.parse::<f64>().is_ok()), "{range:?}: {l:?}");
        assert!(l.iter().all(|s| !(s.starts_with('-') && s.parse::<f64>().unwrap() == 0.0)), "{l:?}");
        let places = |s: &String| s.split('.').nth(1).map_or(0, str::len);
        assert!(l.iter().all(|s| places(s) == places(&l[0])), "{range:?}: {l:?}");
    }
    assert_eq!(labels(0.0..0.057, 10)[..3], ["0.00", "0.01", "0.02"]);
    assert_eq!(labels(0.0..0.047, 10)[..3], ["0.000", "0.005", "0.010"]);
    assert_eq!(labels(0.0..6.7, 10)[..3], ["0", "1", "2"]);
}

#[test]
fn short_titles_keep_their_size_and_long_ones_shrink() {
    init_fonts(None).unwrap();
    let mut svg = String::new();
    let root = SVGBackend::with_string(&mut svg, (1300, 1000)).into_drawing_area();
    assert_eq!(fitted_size(&root, "Time series", TITLE, 1260).unwrap(), TITLE);
    let long = "Sobol' indices of gov_cost_per_service_hour.final_year_mean — social-organisation-driven";
    let s = fitted_size(&root, long, TITLE, 1260).unwrap();
    assert!(s < TITLE && root.estimate_text_size(long, &TextStyle::from((FAMILY, s))).unwrap().0 <= 1260);
}

const FACTORS: [&str; 5] = [
    "behaviour.retention.base_hazard",
    "behaviour.retention.burnout_weight",
    "actors.government.budget_per_month",
    "instruments.points.rate",
    "community.residents",
];

fn model(x: &[f64]) -> f64 {
    // two inert factors close together, one strong additive, two interacting
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin() + 0.02 * x[3] + 0.01 * x[4]
}

/// The SVG as text, after checking it is well-formed XML.
fn svg_text(path: &Path) -> String {
    let svg = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    doc.descendants().filter_map(|n| n.text()).collect::<Vec<_>>().join("\n")
}

fn check_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000, "{}: {} bytes", path.display(), bytes.len());
}

#[test]
fn charts_are_written_as_png_and_svg_with_titles_and_names() {
    let dir = tempfile::tempdir().unwrap();
    // set GOVSIM_KEEP_CHARTS=1 to keep the folder and look at the figures
    let out = if std::env::var_os("GOVSIM_KEEP_CHARTS").is_some() { dir.keep() } else { dir.path().to_path_buf() };
    let bounds = [(-PI, PI); 5];

    let d = morris(40, 5, 4, 1);
    let y: Vec<f64> = d.iter().map(|u| model(&scale(u, &bounds))).collect();
    let m1 = morris_indices(&d, &y, 5, 300, 1).unwrap();
    let y2: Vec<f64> = d.iter().map(|u| u[0] + 3.0 * u[1] * u[2]).collect();
    let m2 = morris_indices(&d, &y2, 5, 300, 1).unwrap();
    let panels = [
        MorrisPanel { metric: "Service coverage of demand (final year)", indices: &m1 },
        MorrisPanel { metric: "Annual retention of volunteers", indices: &m2 },
    ];
    morris_chart(&out.join("morris"), &FACTORS, &panels).unwrap();

    let y: Vec<f64> = saltelli(512, 5, 1).iter().map(|u| model(&scale(u, &bounds))).collect();
    let s = sobol_indices(&y, 5, 300, 1).unwrap();
    sobol_chart(&out.join("sobol"), "coverage (final year)", &FACTORS, &s).unwrap();

    let xs = [5000.0, 10000.0, 20000.0, 40000.0, 80000.0];
    let ys = [0.0, 0.01, 0.02, 0.05];
    let values: Vec<f64> =
        grid(&[xs.to_vec(), ys.to_vec()]).iter().map(|p| (p[0] / 80000.0).sqrt() * (1.0 - 8.0 * p[1])).collect();
    let hm = Heatmap {
        metric: "coverage",
        note: "",
        unit: "share of demand",
        x_factor: "actors.government.budget_per_month",
        x_levels: &xs,
        y_factor: "behaviour.retention.base_hazard",
        y_levels: &ys,
        values: &values,
        range: (0.0, 1.0),
    };
    heatmap_chart(&out.join("heatmap"), &hm).unwrap();

    for stem in ["morris", "sobol", "heatmap"] {
        check_png(&out.join(format!("{stem}.png")));
    }
    let text = svg_text(&out.join("morris.svg"));
    assert!(text.contains("(unit-cube scale)") && text.contains("σ/μ* = 1"));
    assert!(text.contains("Service coverage of demand") && text.contains("Annual retention"));
    assert!(FACTORS.iter().all(|f| text.contains(f)), "a factor label is missing");
    let text = svg_text(&out.join("sobol.svg"));
    assert!(text.contains("Sobol' index (share of output variance)") && text.contains("S1") && text.contains("ST"));
    // names are wrapped at the dots: every piece is there
    assert!(text.contains("retention.") && text.contains("budget_per_month") && text.contains("residents"));
    let text = svg_text(&out.join("heatmap.svg"));
    assert!(text.contains("actors.government.budget_per_month") && text.contains("behaviour.retention.base_hazard"));
    assert!(text.contains("coverage (share of demand)") && text.contains("80000"));
}

#[test]
fn many_factors_label_only_those_that_matter() {
    let dir = tempfile::tempdir().unwrap();
    // 25 factors: f00 has the largest μ*, falling off; f24 has a small μ* but the largest σ
    let names: Vec<String> = (0..25).map(|i| format!("behaviour.group.f{i:02}")).collect();
    let factors: Vec<&str> = names.iter().map(String::as_str).collect();
    let indices: Vec<MorrisIndex> = (0..25)
        .map(|i| {
            let mu_star = if i == 24 { 0.002 } else { 0.5 * 0.7f64.powi(i) };
            let sigma = if i == 24 { 0.6 } else { 0.8 * mu_star };
            MorrisIndex { mu: mu_star, mu_star, sigma, mu_star_ci: (0.8 * mu_star, 1.2 * mu_star), effects: 10 }
        })
        .collect();
    let panels = [MorrisPanel { metric: "coverage.final_year_mean — government-driven", indices: &indices }];
    morris_chart(&dir.path().join("m"), &factors, &panels).unwrap();
    let text = svg_text(&dir.path().join("m.svg"));
    // the top 8 by μ* and the one with a large σ are labelled, without the shared prefix
    for i in (0..8).chain([24]) {
        assert!(text.lines().any(|l| l == format!("f{i:02}")), "f{i:02} is not labelled");
    }
    for i in 8..24 {
        assert!(!text.contains(&format!("f{i:02}")), "f{i:02} is labelled");
    }
    assert!(!text.lines().any(|l| l.starts_with("behaviour.group.f")), "labels keep the common prefix");
    assert!(text.contains("\"behaviour.group.\""), "the common prefix is not mentioned");
    assert!(text.contains("unlabelled: 16 factors with small effects (see sensitivity.md)"));
    // tick labels are distinct and plain
    let ticks: Vec<&str> = text.lines().filter(|l| l.parse::<f64>().is_ok()).collect();
    assert!(ticks.len() >= 8 && ticks.iter().all(|t| !t.contains('e')), "{ticks:?}");
}

#[test]
fn mismatched_input_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let m = MorrisIndex { mu: 1.0, mu_star: 1.0, sigma: 0.0, mu_star_ci: (1.0, 1.0), effects: 2 };
    let panels = [MorrisPanel { metric: "m", indices: &[m] }];
    assert!(morris_chart(&dir.path().join("a"), &["x", "y"], &panels).is_err());
    assert!(morris_chart(&dir.path().join("a"), &["x"], &[]).is_err());
    assert!(sobol_chart(&dir.path().join("b"), "m", &["x"], &[]).is_err());
    let hm = Heatmap {
        metric: "m",
        note: "",
        unit: "",
        x_factor: "a",
        x_levels: &[1.0, 2.0],
        y_factor: "b",
        y_levels: &[1.0],
        values: &[1.0],
        range: (0.0, 1.0),
    };
    assert!(heatmap_chart(&dir.path().join("c"), &hm).is_err());
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing is written for bad input");
}

#[test]
fn prefixes_and_cells() {
    assert_eq!(common_prefix(&["a.b.c", "a.b.d", "a.e"]), 2);
    assert_eq!(common_prefix(&["a.b.c", "a.b.d"]), 4);
    assert_eq!(common_prefix(&["a.b", "c.d"]), 0);
    assert_eq!(common_prefix(&["a.b"]), 0);
    assert_eq!(compact(0.0052, Small::Digits), "0.0052");
    assert_eq!(compact(0.35, Small::Digits), "0.35");
    assert_eq!(compact(f64::NAN, Small::Digits), "n/a");
    // ticks: small values next to larger ticks read 0; cells keep two digits
    assert_eq!(compact(0.004, Small::Zero), "0");
    assert_eq!(compact(0.007, Small::Zero), "0.01");
    assert_eq!(compact(0.007, Small::Digits), "0.0070");
    for small in [Small::Zero, Small::Digits] {
        assert_eq!(compact(-12.34, small), "-12.3");
        assert_eq!(compact(123_456.0, small), "123k");
    }
}

#[test]
fn viridis_runs_dark_to_light() {
    assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
    assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
    assert_eq!(viridis(f64::NAN), viridis(0.0));
}

#[test]
fn a_model_that_reuses_a_colour_keeps_the_hue_and_gets_a_lighter_dashed_line() {
    let sky = Some(crate::output::Colour(86, 180, 233));
    let c = line_looks(&[sky, sky, None, sky]);
    assert_eq!(c[0], (RGBColor(86, 180, 233), 0));
    // the second of the colour: lighter (each channel 30% of the way to white) and dashed
    assert_eq!(c[1], (RGBColor(137, 203, 240), 1), "86 + 0.3·169 = 136.7 → 137; 180 + 0.3·75 = 202.5 → 203");
    assert!(dash_of(c[1].1).is_some() && dash_of(c[0].1).is_none());
    assert_eq!(c[2], (series_colour(None, 2), 0), "a model without a colour takes its palette colour, solid");
    assert_eq!(c[3].1, 2, "the third of the colour is dotted");
    assert_ne!(dash_of(1), dash_of(2));
    // distinct colours are kept as given, all solid
    let d = line_looks(&[Some(crate::output::Colour(1, 2, 3)), None]);
    assert_eq!(d, vec![(RGBColor(1, 2, 3), 0), (series_colour(None, 1), 0)]);
}

/// Hand cases of tick labels: whole numbers without decimals, low rates with the digits that
/// tell them apart, and log axes in significant digits that never repeat.
#[test]
fn tick_labels_hand_cases() {
    assert_eq!(labels(0.0..10.5, 10)[..3], ["0", "2", "4"]);
    assert_eq!(labels(0.0..21.0, 6)[..3], ["0", "5", "10"]);
    let low = labels(0.0..0.0123, 10);
    assert!(low.windows(2).all(|w| w[0] != w[1]), "{low:?}");
    assert_eq!(low[..3], ["0.000", "0.002", "0.004"]);
    assert_eq!(labels(0.0..1.0, 10)[..3], ["0.0", "0.2", "0.4"]);
    let signed = labels(-0.42..0.53, 10);
    assert!(signed.contains(&"0.0".to_string()) && signed[0].starts_with("-0."), "{signed:?}");
    // log10 axis of 0.01..0.03: ticks 0.01 apart in log units differ by 2.3%
    use plotters::coord::ranged1d::Ranged;
    let (a, b) = (0.01f64.log10(), 0.03f64.log10());
    let t = Ticks::new(a..b, 5);
    let l: Vec<String> =
        plotters::coord::types::RangedCoordf64::from(a..b).key_points(5).iter().map(|v| t.format_log(*v)).collect();
    assert!(l.len() >= 3 && l.windows(2).all(|w| w[0] != w[1]), "{l:?}");
    assert!(l.iter().all(|s| !s.contains('e') && s.parse::<f64>().is_ok()), "{l:?}");
    let t = Ticks { decimals: 0, step: 1.0 };
    assert_eq!([t.format_log(-2.0), t.format_log(0.0), t.format_log(2.0)], ["0.010", "1.0", "100"]);
}

/// Event labels: many in one month and some close by stay inside the plot and never overlap;
/// what cannot fit is reported, not drawn over the others.
#[test]
fn event_labels_stack_inside_the_plot_without_overlap() {
    use super::labels::{event_boxes, PixelBox};
    let plot = (100..500, 50..350);
    let xs = [300, 300, 300, 300, 305, 480, 110, 110];
    let sizes = [(250, 26), (180, 26), (220, 26), (120, 26), (90, 26), (200, 26), (150, 26), (60, 26)];
    let boxes = event_boxes(plot.clone(), &xs, &sizes);
    let placed: Vec<PixelBox> = boxes.iter().flatten().copied().collect();
    assert_eq!(placed.len(), xs.len(), "{boxes:?}");
    for (i, a) in placed.iter().enumerate() {
        assert!(a.0 >= plot.0.start && a.2 <= plot.0.end && a.1 >= plot.1.start && a.3 <= plot.1.end, "{a:?}");
        for b in &placed[i + 1..] {
            assert!(!(a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3), "{a:?} overlaps {b:?}");
        }
    }
    for ((b, &x), &(w, _)) in boxes.iter().zip(&xs).zip(&sizes) {
        let b = b.unwrap();
        // beside its line or over it, never away from it
        assert!(b.0 == x + 6 || b.2 == x - 6 || (b.0 <= x && x <= b.2), "{b:?} for {x}");
        assert_eq!(b.2 - b.0, w as i32);
    }
    // a stack taller than the plot: the rest are reported as not placed
    let many = event_boxes(plot.clone(), &[300; 40], &[(100, 26); 40]);
    let n = many.iter().flatten().count();
    assert!((20..40).contains(&n), "{n}");
    // a label wider than the plot fits nowhere
    assert_eq!(event_boxes(plot, &[300], &[(500, 26)]), vec![None]);
}

/// Event labels say whom an event concerns, so two funding changes can be told apart.
#[test]
fn event_labels_name_the_actor() {
    use crate::output::event_label;
    let e = |v: serde_json::Value| serde_json::from_value::<crate::scenario::Event>(v).unwrap();
    let gov = e(serde_json::json!({"type": "funding_change", "month": 60, "actor": "government", "factor": 0}));
    let so = e(serde_json::json!({"type": "funding_change", "month": 60, "actor": "h-centre", "factor": 0.5}));
    assert_eq!(event_label(&gov), "government funding stops");
    assert_eq!(event_label(&so), "h-centre funding ×0.5");
    let end = e(serde_json::json!({"type": "contract_end", "month": 60, "social_organisation": "h-centre"}));
    assert_eq!(event_label(&end), "contract with h-centre ends");
    let shock = e(
        serde_json::json!({"type": "demand_shock", "month": 36, "category": "elder_care", "factor": 20, "duration_months": 6}),
    );
    assert_eq!(event_label(&shock), "elder care demand ×20 for 6 months");
}

#[test]
fn events_sharing_a_month_are_numbered_together() {
    use super::timeseries::{event_tags, most_in_one_month};
    let ev = |y: f64, s: &str| (y, s.to_string());
    let events = [ev(2.0, "a"), ev(5.0, "b"), ev(5.0, "c"), ev(5.0, "d"), ev(7.5, "e")];
    assert_eq!(most_in_one_month(&events), 3);
    assert_eq!(event_tags(&events), vec![ev(2.0, "1"), ev(5.0, "2–4"), ev(7.5, "5")]);
    assert_eq!(most_in_one_month(&[]), 0);
}

#[test]
fn long_model_names_keep_their_start_and_end() {
    init_fonts(None).unwrap();
    let name = "social-organisation-driven-withdrawal";
    let full = text_width(name, LABEL);
    let short = super::final_state::fitted_name(name, full / 2);
    assert!(short.contains('…') && short.starts_with("social") && short.ends_with("drawal"), "{short}");
    assert!(text_width(&short, LABEL) <= full / 2);
    assert_eq!(super::final_state::fitted_name("multi-actor", full), "multi-actor");
}

#[test]
fn the_colour_bar_shows_a_spread_honestly_and_stays_in_the_measures_range() {
    use super::heatmap::colour_span;
    let close = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).abs() < 1e-12 && (a.1 - b.1).abs() < 1e-12;
    // a share that is 1 everywhere: a tenth of its range, ending at 1 (not 0.5 to 1.5)
    assert!(close(colour_span(1.0, 1.0, (0.0, 1.0)), (0.9, 1.0)));
    // a 0.006 spread in a share: drawn on a 0.1 span around it, so it looks small
    assert!(close(colour_span(0.500, 0.506, (0.0, 1.0)), (0.453, 0.553)));
    // near the floor: shifted up to start at 0
    assert!(close(colour_span(0.0, 0.002, (0.0, 1.0)), (0.0, 0.1)));
    // a wide spread keeps its own ends
    assert!(close(colour_span(0.2, 0.9, (0.0, 1.0)), (0.2, 0.9)));
    // unbounded (persons): a tenth of the magnitude
    assert!(close(colour_span(100.0, 100.0, (0.0, f64::INFINITY)), (95.0, 105.0)));
}
