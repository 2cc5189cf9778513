//! Files of a scenario discovery (`govsim discover`, computed by [`crate::sweep::discover`]):
//! `prim_trajectory.csv` (every box of the peeling and pasting trajectory), `prim_box.csv` (the
//! chosen box), `discovery.md` (the question and the box in words) and the chart
//! `prim_tradeoff.png`/`.svg` (coverage against density of every step).

use super::charts::{self, Tradeoff, TradeoffPoint};
use super::table::{nums, Num, Table};
use crate::lang::Lang;
use crate::sweep::discover::{number, percent, Discovery, Per, Phase, Rule, Side, Step};
use crate::sweep::label;
use std::io;
use std::path::Path;

/// The files [`write_files`] writes (the chart also as `.svg`).
pub const FILES: [&str; 4] = ["prim_trajectory.csv", "prim_box.csv", "discovery.md", "prim_tradeoff.png"];

/// Write every file of the discovery into `out`.
pub fn write_files(out: &Path, d: &Discovery) -> io::Result<()> {
    let lang = crate::lang::current();
    std::fs::write(out.join("prim_trajectory.csv"), trajectory_csv(d))?;
    std::fs::write(out.join("prim_box.csv"), box_csv(d))?;
    std::fs::write(out.join("discovery.md"), discovery_md(d))?;
    let points: Vec<TradeoffPoint> = d
        .trajectory
        .steps
        .iter()
        .map(|s| TradeoffPoint {
            coverage: s.coverage,
            density: s.density,
            restricted: s.n_restricted(),
            paste: s.phase == Phase::Paste,
        })
        .collect();
    let note = lang.fill(
        "discovery.tradeoff_cases",
        &[
            ("cases", &cases_n(lang, d.per, d.trajectory.cases)),
            ("sweep", &d.sweep),
            ("interest", &d.trajectory.of_interest),
            ("share", &percent(d.trajectory.of_interest as f64 / d.trajectory.cases as f64)),
            ("alpha", &d.options.peel_alpha),
            ("mass", &d.options.min_mass),
        ],
    );
    let title = format!("{} — {}", asked(d), lang.name(&d.scenario));
    let t = Tradeoff {
        title: &title,
        note: &note,
        points: &points,
        chosen: d.choice.step,
        cases: cases_noun(lang, d.per),
        density: d.density,
    };
    charts::tradeoff_chart(&out.join("prim_tradeoff"), &t)
}

/// What a case is, plural, without a number ("runs", "design points"; 运行, 设计点).
fn cases_noun(lang: Lang, per: Per) -> &'static str {
    match per {
        Per::Run => lang.t("discovery.runs"),
        Per::Point(_) => lang.t("discovery.points"),
    }
}

/// A number of cases ("32 runs", "1 design point"; 32 次运行, 1 个设计点).
fn cases_n(lang: Lang, per: Per, n: usize) -> String {
    let key = match (per, n) {
        (Per::Run, 1) => "discovery.run_1",
        (Per::Run, _) => "discovery.runs_n",
        (Per::Point(_), 1) => "discovery.point_1",
        (Per::Point(_), _) => "discovery.points_n",
    };
    lang.fill(key, &[("n", &n)])
}

/// "coverage.final_year_mean below 0.5" (the output by its column header, an id).
fn asked(d: &Discovery) -> String {
    let lang = crate::lang::current();
    let q = &d.question;
    let side = match q.side {
        Side::Below => lang.t("discovery.below"),
        Side::Above => lang.t("discovery.above"),
    };
    format!("{} {side} {}", q.output, number(q.threshold))
}

/// A phase of the trajectory in words (start, peel, paste; the CSV keeps the ids).
fn phase_name(lang: Lang, p: Phase) -> &'static str {
    match p {
        Phase::Start => lang.t("discovery.phase_start"),
        Phase::Peel => lang.t("discovery.phase_peel"),
        Phase::Paste => lang.t("discovery.phase_paste"),
    }
}

/// Public for the terminal table of `govsim discover`.
pub fn phase_in_words(p: Phase) -> &'static str {
    phase_name(crate::lang::current(), p)
}

/// prim_trajectory.csv: one row per step — step, phase (start, peel, paste), coverage, density,
/// mass, n_restricted, cases, cases_of_interest, chosen (1 for the chosen box), then each
/// factor's `<factor>_lower` and `<factor>_upper` limit.
pub fn trajectory_csv(d: &Discovery) -> String {
    let fixed =
        ["step", "phase", "coverage", "density", "mass", "n_restricted", "cases", "cases_of_interest", "chosen"];
    let limits = d.factors.iter().flat_map(|f| [format!("{f}_lower"), format!("{f}_upper")]);
    let mut t = Table::new(fixed.iter().map(|s| s.to_string()).chain(limits));
    for (i, s) in d.trajectory.steps.iter().enumerate() {
        let lims = s.lower.iter().zip(&s.upper).flat_map(|(lo, hi)| [*lo, *hi]);
        t.row((
            i,
            s.phase.name(),
            nums([s.coverage, s.density, s.mass]),
            s.n_restricted(),
            s.cases,
            s.of_interest,
            (i == d.choice.step) as u8,
            nums(lims),
        ));
    }
    t.into_string()
}

/// prim_box.csv: the chosen box, one row per factor — factor, unit, restricted (1/0), min and
/// max of the box, range_min and range_max (the factor's values over all cases), and the
/// quasi-p-values of the lower and upper limit (empty where that side is not restricted).
pub fn box_csv(d: &Discovery) -> String {
    let mut t = Table::new([
        "factor",
        "unit",
        "restricted",
        "min",
        "max",
        "range_min",
        "range_max",
        "quasi_p_lower",
        "quasi_p_upper",
    ]);
    let b = d.chosen();
    let units = factor_units(d);
    for (j, f) in d.factors.iter().enumerate() {
        t.row((
            f,
            &units[j],
            b.restricted[j] as u8,
            Num(b.lower[j]),
            Num(b.upper[j]),
            Num(d.trajectory.lower0[j]),
            Num(d.trajectory.upper0[j]),
            nums(d.quasi_p[j]),
        ));
    }
    t.into_string()
}

/// Each factor's unit as declared (English, an id of the CSV), from the scenario schema by its
/// first parameter path ("" if none).
fn factor_units(d: &Discovery) -> Vec<String> {
    d.factor_paths.iter().map(|paths| paths.first().and_then(|p| unit_of(p)).unwrap_or_default()).collect()
}

/// The `x-unit` of the field at a parameter path (`actors.enterprises.0.donation_per_month`).
fn unit_of(path: &str) -> Option<String> {
    label::doc(path).map(|d| d.unit).filter(|u| !u.is_empty())
}

/// Factor `j`'s name for readers: its own label or one from its parameter's documentation; its
/// column header where the schema does not know its path.
fn factor_name(lang: Lang, d: &Discovery, j: usize) -> String {
    let paths: Vec<&str> = d.factor_paths.get(j).map_or(Vec::new(), |p| p.iter().map(String::as_str).collect());
    let own = d.factor_labels.get(j).and_then(Option::as_deref);
    if paths.is_empty() || (own.is_none() && label::doc(paths[0]).is_none()) {
        return own.map_or_else(|| format!("`{}`", d.factors[j]), str::to_string);
    }
    label::of(lang, own, &paths).name
}

/// A factor's restriction in words: "government: budget per month ≤ 8,750 (yuan/month)", "… ≥ 3",
/// "2 ≤ … ≤ 5"; a factor of few levels with the levels inside: "… ≤ 15,000 (yuan/month; levels
/// 0, 10,000)".
fn condition(lang: Lang, d: &Discovery, b: &Step, j: usize, unit: &str) -> String {
    let f = factor_name(lang, d, j);
    let unit = label::unit_text(lang, unit);
    let levels = d.levels_inside.get(j).and_then(Option::as_ref).map(|v| {
        let list: Vec<String> = v.iter().map(|x| number(*x)).collect();
        let key = if v.len() == 1 { "discovery.level" } else { "discovery.levels" };
        lang.fill(key, &[("levels", &list.join(lang.t("discovery.list_sep")))])
    });
    let what = match (unit.is_empty(), levels) {
        (true, None) => String::new(),
        (false, None) => unit,
        (true, Some(l)) => l,
        (false, Some(l)) => format!("{unit}{}{l}", lang.t("discovery.unit_sep")),
    };
    let what = if what.is_empty() { what } else { lang.fill("discovery.paren", &[("text", &what)]) };
    let low = b.lower[j] != d.trajectory.lower0[j];
    let high = b.upper[j] != d.trajectory.upper0[j];
    match (low, high) {
        (true, true) => format!("{} ≤ {f} ≤ {}{what}", number(b.lower[j]), number(b.upper[j])),
        (true, false) => format!("{f} ≥ {}{what}", number(b.lower[j])),
        (false, true) => format!("{f} ≤ {}{what}", number(b.upper[j])),
        (false, false) => lang.fill("discovery.anywhere", &[("factor", &f)]),
    }
}

/// The chosen box in one sentence, e.g. "coverage.final_year_mean below 0.5 happens in 87% of
/// the runs where government: budget per month ≤ 8,750 (yuan/month)".
pub fn box_in_words(d: &Discovery) -> String {
    let lang = crate::lang::current();
    let b = d.chosen();
    let units = factor_units(d);
    let conditions: Vec<String> =
        (0..d.factors.len()).filter(|&j| b.restricted[j]).map(|j| condition(lang, d, b, j, &units[j])).collect();
    let many = cases_noun(lang, d.per);
    let args: [(&str, &dyn std::fmt::Display); 5] = [
        ("asked", &asked(d)),
        ("share", &percent(b.density)),
        ("cases", &many),
        ("where", &join_and(lang, &conditions)),
        (
            "replications",
            &match d.per {
                Per::Point(share) => percent(share),
                Per::Run => String::new(),
            },
        ),
    ];
    let key = match (d.per, conditions.is_empty()) {
        (Per::Run, true) => "discovery.box_none_runs",
        (Per::Point(_), true) => "discovery.box_none_points",
        (Per::Run, false) => "discovery.box_runs",
        (Per::Point(_), false) => "discovery.box_points",
    };
    lang.fill(key, &args)
}

fn join_and(lang: Lang, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => {
            lang.fill("discovery.and", &[("list", &rest.join(lang.t("discovery.list_sep"))), ("last", last)])
        }
    }
}

/// How the box was chosen, in words.
pub fn rule_in_words(d: &Discovery) -> String {
    let lang = crate::lang::current();
    let s = d.choice.step;
    match d.choice.rule {
        Rule::Density(x) => lang.fill("discovery.rule_density", &[("step", &s), ("x", &x)]),
        Rule::DensityNotReached(x) => lang.fill("discovery.rule_not_reached", &[("step", &s), ("x", &x)]),
        Rule::Knee => lang.fill("discovery.rule_knee", &[("step", &s)]),
        Rule::Last => lang.fill("discovery.rule_last", &[("step", &s)]),
        Rule::NoPeel => lang.t("discovery.rule_no_peel").to_string(),
    }
}

/// discovery.md: the question, the cases, the box in words with its table, how to read the
/// numbers, and the whole trajectory, in the language of the process.
pub fn discovery_md(d: &Discovery) -> String {
    let lang = crate::lang::current();
    let q = &d.question;
    let many = cases_noun(lang, d.per);
    let t = &d.trajectory;
    let b = d.chosen();
    let units = factor_units(d);
    let unit = label::unit_text(lang, &d.unit);
    let unit = if unit.is_empty() { unit } else { lang.fill("discovery.paren", &[("text", &unit)]) };
    let side = match q.side {
        Side::Below => lang.t("discovery.below"),
        Side::Above => lang.t("discovery.above"),
    };
    let mut m = format!("# {}\n\n", lang.fill("discovery.md_title", &[("asked", &asked(d))]));
    let cases = match d.per {
        Per::Run => lang.fill(
            "discovery.md_case_run",
            &[("output", &q.output), ("unit", &unit), ("side", &side), ("threshold", &number(q.threshold))],
        ),
        Per::Point(share) => lang.fill(
            "discovery.md_case_point",
            &[
                ("share", &percent(share)),
                ("output", &q.output),
                ("unit", &unit),
                ("side", &side),
                ("threshold", &number(q.threshold)),
                ("x", &share),
            ],
        ),
    };
    m.push_str(&lang.fill(
        "discovery.md_cases",
        &[
            ("sweep", &d.sweep),
            ("scenario", &d.scenario),
            ("what", &cases),
            ("cases", &cases_n(lang, d.per, t.cases)),
            ("interest", &t.of_interest),
            ("base", &percent(t.of_interest as f64 / t.cases as f64)),
            ("output", &q.output),
            ("low", &number(d.value_range.0)),
            ("high", &number(d.value_range.1)),
        ],
    ));
    if d.left_out > 0 {
        m.push_str(&lang.fill("discovery.md_left_out", &[("cases", &cases_n(lang, d.per, d.left_out))]));
    }
    let factors: Vec<String> = (0..d.factors.len()).map(|j| factor_name(lang, d, j)).collect();
    m.push_str("\n\n");
    m.push_str(&lang.fill(
        "discovery.md_prim",
        &[
            ("peel", &d.options.peel_alpha),
            ("paste", &d.options.paste_alpha),
            ("off", &if d.options.paste { "" } else { lang.t("discovery.pasting_off") }),
            ("mass", &d.options.min_mass),
            ("factors", &factors.join(lang.t("discovery.list_sep"))),
        ],
    ));
    m.push_str(&format!("\n\n## {}\n\n", lang.t("discovery.md_box")));
    m.push_str(&format!("**{}**\n\n", lang.fill("discovery.sentence", &[("text", &box_in_words(d))])));
    if b.n_restricted() > 0 {
        m.push_str(&lang.fill(
            "discovery.md_mass",
            &[
                ("cases", &many),
                ("mass", &percent(b.mass)),
                ("coverage", &percent(b.coverage)),
                ("base", &percent(t.of_interest as f64 / t.cases as f64)),
            ],
        ));
        m.push_str("\n\n");
    }
    m.push_str(&lang.fill("discovery.md_chosen", &[("rule", &rule_in_words(d))]));
    m.push_str("\n\n");
    let cols = [
        "discovery.col_factor",
        "discovery.col_path",
        "discovery.col_unit",
        "discovery.col_box_min",
        "discovery.col_box_max",
        "discovery.col_range",
        "discovery.col_qp_lower",
        "discovery.col_qp_upper",
    ];
    m.push_str(&format!("| {} |\n|{}\n", cols.map(|k| lang.t(k)).join(" | "), "---|".repeat(cols.len())));
    for (j, f) in d.factors.iter().enumerate() {
        let lim = |restricted: bool, v: f64| if restricted { format!("**{}**", number(v)) } else { number(v) };
        let qp = |v: f64| if v.is_finite() { format!("{v:.2e}") } else { "–".into() };
        let paths = d
            .factor_paths
            .get(j)
            .filter(|p| !p.is_empty())
            .map_or(format!("`{f}`"), |p| p.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", "));
        m.push_str(&format!(
            "| {} | {paths} | {} | {} | {} | {} – {} | {} | {} |\n",
            factors[j].replace('|', "\\|"),
            label::unit_text(lang, &units[j]),
            lim(b.lower[j] != t.lower0[j], b.lower[j]),
            lim(b.upper[j] != t.upper0[j], b.upper[j]),
            number(t.lower0[j]),
            number(t.upper0[j]),
            qp(d.quasi_p[j][0]),
            qp(d.quasi_p[j][1])
        ));
    }
    m.push_str(&format!("\n## {}\n\n", lang.t("discovery.md_read")));
    m.push_str(&lang.fill("discovery.md_read_text", &[("cases", &many), ("alpha", &percent(d.options.peel_alpha))]));
    m.push_str(&format!("\n\n## {}\n\n", lang.t("discovery.md_trajectory")));
    let cols = [
        "discovery.col_step",
        "discovery.col_phase",
        "discovery.col_coverage",
        "discovery.col_density",
        "discovery.col_mass",
        "discovery.col_restricted",
        "discovery.col_cases",
        "discovery.col_of_interest",
    ];
    m.push_str(&format!("| {} |\n|{}\n", cols.map(|k| lang.t(k)).join(" | "), "---|".repeat(cols.len())));
    for (i, s) in t.steps.iter().enumerate() {
        let mark = if i == d.choice.step { format!(" {}", lang.t("discovery.chosen_mark")) } else { String::new() };
        m.push_str(&format!(
            "| {i}{mark} | {} | {:.3} | {:.3} | {:.3} | {} | {} | {} |\n",
            phase_name(lang, s.phase),
            s.coverage,
            s.density,
            s.mass,
            s.n_restricted(),
            s.cases,
            s.of_interest
        ));
    }
    m.push_str(&format!("\n{} ", lang.t("discovery.references")));
    m.push_str("Friedman, J. H. & Fisher, N. I. (1999). Bump hunting in high-dimensional data. *Statistics and Computing* 9, 123–143. Bryant, B. P. & Lempert, R. J. (2010). Thinking inside the box: a participatory, computer-assisted approach to scenario discovery. *Technological Forecasting and Social Change* 77, 34–49. Kwakkel, J. H. (2017). The Exploratory Modeling Workbench. *Environmental Modelling & Software* 96, 239–250.\n");
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_come_from_the_scenario_schema() {
        assert_eq!(unit_of("actors.government.budget_per_month").as_deref(), Some("yuan/month"));
        assert_eq!(unit_of("actors.enterprises.0.donation_per_month").as_deref(), Some("yuan/month"));
        assert_eq!(unit_of("behaviour.retention.base_hazard").as_deref(), Some("1/month"));
        assert_eq!(unit_of("no.such.path"), None);
    }

    /// A discovery of a planted box (x0 < 0.3 and x2 > 0.6 in 600 points, a few labels flipped).
    fn planted() -> Discovery {
        use crate::sweep::discover::{choose, levels_inside, prim, quasi_p, PrimOptions, Question, Side};
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut uniform = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut columns = vec![Vec::new(); 3];
        let mut interest = Vec::new();
        for _ in 0..600 {
            let p = [uniform(), (uniform() * 4.0).round() * 5000.0, uniform()];
            interest.push((p[0] < 0.3 && p[2] > 0.6) != (uniform() < 0.05));
            for (c, v) in columns.iter_mut().zip(p) {
                c.push(v);
            }
        }
        let options = PrimOptions::default();
        let trajectory = prim(&columns, &interest, &options).unwrap();
        let choice = choose(&trajectory.steps, None);
        let chosen = &trajectory.steps[choice.step];
        Discovery {
            sweep: "planted".into(),
            scenario: "test".into(),
            question: Question {
                output: "coverage.final_year_mean".into(),
                side: Side::Below,
                threshold: 0.5,
                scenario: None,
                share: None,
            },
            per: Per::Run,
            unit: "share of demand".into(),
            factors: vec!["behaviour.retention.base_hazard".into(), "budget".into(), "x2".into()],
            factor_paths: vec![
                vec!["behaviour.retention.base_hazard".into()],
                vec!["actors.government.budget_per_month".into()],
                vec![],
            ],
            factor_labels: vec![None, Some("Government budget".into()), None],
            left_out: 3,
            value_range: (0.1, 0.9),
            options,
            density: None,
            quasi_p: quasi_p(&columns, &interest, &trajectory, chosen),
            levels_inside: levels_inside(&columns, chosen),
            trajectory,
            choice,
        }
    }

    #[test]
    fn every_file_is_written_and_says_what_was_found() {
        let d = planted();
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), &d).unwrap();
        for f in FILES.iter().chain(&["prim_tradeoff.svg"]) {
            assert!(dir.path().join(f).is_file(), "{f}");
        }
        let png = std::fs::read(dir.path().join("prim_tradeoff.png")).unwrap();
        assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000);
        let svg = std::fs::read_to_string(dir.path().join("prim_tradeoff.svg")).unwrap();
        assert!(svg.contains("PRIM trade-off: coverage.final_year_mean below 0.5") && svg.contains("chosen: step"));
        // the box in words: the planted limits, with units from the schema
        let words = box_in_words(&d);
        assert!(words.starts_with("coverage.final_year_mean below 0.5 happens in "), "{words}");
        assert!(words.contains("retention: base exit hazard ≤ 0.") && words.contains("(1/month)"), "{words}");
        assert!(words.contains("`x2` ≥ 0."), "{words}");
        // a factor of few levels is told by its levels inside the box
        if d.chosen().restricted[1] {
            assert!(words.contains("(yuan/month; levels 0, 5,000"), "{words}");
        }
        let md = discovery_md(&d);
        assert!(md.contains("3 runs left out") && md.contains("← chosen"), "{md}");
        // one trajectory row per step, one box row per factor
        assert_eq!(trajectory_csv(&d).lines().count(), d.trajectory.steps.len() + 1);
        let boxes = box_csv(&d);
        assert_eq!(boxes.lines().count(), 4);
        assert!(boxes.contains("\nbudget,yuan/month,") && boxes.contains(",0,20000,"), "{boxes}");
    }

    #[test]
    fn lists_read_as_prose() {
        let s = |v: &[&str]| join_and(Lang::En, &v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["a"]), "a");
        assert_eq!(s(&["a", "b"]), "a and b");
        assert_eq!(s(&["a", "b", "c"]), "a, b and c");
    }
}
