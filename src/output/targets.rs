//! `govsim cases` output: each case's targets against the model, as targets.csv and as a
//! Markdown table (printed, and kept in docs/cases.md).

use super::table::{Num, Table};
use crate::experiment::targets::{Checked, Measure};

/// targets.csv: one row per (case, target).
pub fn targets_csv(checked: &[Checked]) -> String {
    let mut t = Table::new([
        "case",
        "target",
        "measure",
        "from_month",
        "to_month",
        "source",
        "value",
        "low",
        "high",
        "mean",
        "ci_low",
        "ci_high",
        "replications",
        "within",
        "off",
    ]);
    for c in checked {
        let (t0, e) = (&c.target, &c.estimate);
        t.row((
            &c.case,
            &t0.name,
            &t0.measure,
            c.months.0,
            c.months.1,
            &t0.source,
            Num(t0.value.unwrap_or(f64::NAN)),
            Num(t0.low),
            Num(t0.high),
            Num(e.mean),
            Num(e.ci_low),
            Num(e.ci_high),
            e.n,
            c.within(),
            Num(c.off()),
        ));
    }
    t.into_string()
}

/// A number for the table: integers as such, small values with three significant digits.
fn show(x: f64) -> String {
    if !x.is_finite() {
        "–".into()
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// The Markdown table: target → source → model mean [95% CI] → within, or off by how much.
pub fn targets_markdown(checked: &[Checked]) -> String {
    let lang = crate::lang::current();
    let mut s = format!("{}\n|---|---|---|---|---|---|---|\n", lang.t("table.targets_header"));
    for c in checked {
        let (t, e) = (&c.target, &c.estimate);
        let verdict = if c.within() {
            lang.t("table.target_within").to_string()
        } else if c.estimate.mean.is_nan() {
            lang.t("table.target_no_estimate").to_string()
        } else {
            let off = format!("{:.0}", c.off().abs() * 100.0);
            lang.fill(if c.off() < 0.0 { "table.target_below" } else { "table.target_above" }, &[("off", &off)])
        };
        let seed = t.value.map_or(String::new(), |v| lang.fill("table.target_source_value", &[("value", &show(v))]));
        s += &format!(
            "| {} | {} (`{}`) | {}–{} | {} | {}–{}{} | {} [{}, {}] | {} |\n",
            lang.name(&c.case),
            t.name,
            t.measure,
            c.months.0,
            c.months.1,
            t.source.replace('|', "/"),
            show(t.low),
            show(t.high),
            seed,
            show(e.mean),
            show(e.ci_low),
            show(e.ci_high),
            verdict
        );
    }
    s
}

/// `<case folder>/targets.png|svg`: the case's targets over its model series (none without targets).
pub fn targets_chart(
    dir: &std::path::Path,
    s: &crate::scenario::Scenario,
    reps: &[crate::experiment::Replication],
    checked: &[Checked],
) -> std::io::Result<()> {
    let own: Vec<Checked> = checked.iter().filter(|c| c.case == s.name).cloned().collect();
    let spy = (12 / s.time.step_months.max(1)) as usize;
    let summary = crate::experiment::Summary::of(reps, spy);
    let colour = super::charts::series_colour(s.colour, 0);
    let lang = crate::lang::current();
    let name = s.display_name(lang).to_string();
    let heading = lang.fill("chart.targets_heading", &[("name", &name), ("n", &reps.len())]);
    let model = super::charts::ModelSeries::new(name, colour, reps, summary.final_year);
    // a validated scenario's measures resolve; a target whose measure does not gets no panel
    let (own, series): (Vec<Checked>, Vec<super::charts::TargetSeries>) = own
        .into_iter()
        .filter_map(|c| {
            let m = Measure::of(&c.target.measure, s).ok()?;
            let band = crate::experiment::compare::band_of(reps, |r, t| m.value(r, t));
            let series = super::charts::TargetSeries {
                band,
                title: m.title(&c.target.measure),
                unit: lang.unit(m.unit()),
                range: m.range(),
            };
            Some((c, series))
        })
        .unzip();
    super::charts::Targets {
        heading: &heading,
        model: &model,
        checked: &own,
        series: &series,
        months_per_step: s.time.step_months as f64,
    }
    .save_in(dir)
}
