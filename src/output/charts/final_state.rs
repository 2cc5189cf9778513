//! Final-year means with 95% intervals: one forest plot per metric, one row per model.

use super::*;

/// The measures drawn in the final-state figures of comparisons and districts.
pub const FINAL_STATE_PANELS: &[M] = &[
    M::ActiveRate,
    M::Retention12m,
    M::CoproductionDepth,
    M::Asymmetry,
    M::Coverage,
    M::NeedMet,
    M::Oversupply,
    M::GovCostPerServiceHour,
];

/// Final-year means with CIs, one panel per metric.
pub struct FinalState<'a> {
    pub heading: &'a str,
    pub models: &'a [ModelSeries],
    /// What the means and intervals are taken over ("replications", "communities").
    pub across: &'a str,
}

/// Short label of a model for category axes (the full names are in the legend).
fn short(name: &str) -> String {
    if name.chars().count() <= 12 {
        name.to_string()
    } else {
        name.split(['-', '_']).next().unwrap_or(name).to_string()
    }
}

/// A forest plot: one row per model (first on top), the estimate as a dot and its 95%
/// confidence interval as a horizontal bar.
fn dot_panel<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    caption: &str,
    x_desc: &str,
    labels: &[String],
    points: &[(Estimate, RGBColor)],
    metric_lo: f64,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (lo, hi) = y_range(points.iter().flat_map(|(e, _)| [e.ci_low, e.ci_high, e.mean]), metric_lo);
    let n = points.len();
    let row = |i: usize| (n - 1 - i) as f64;
    let mut chart = ChartBuilder::on(panel)
        .caption(caption, (FAMILY, CAPTION))
        .margin(12)
        .margin_right(30)
        .x_label_area_size(64)
        .y_label_area_size(150)
        .build_cartesian_2d(lo..hi, -0.5f64..(n as f64 - 0.5))?;
    let x_ticks = Ticks::new(lo..hi, 6);
    mesh(&mut chart)
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|y| slot(*y, n).map_or(String::new(), |r| labels[n - 1 - r].clone()))
        .x_labels(6)
        .x_label_formatter(&|x| x_ticks.format(*x))
        .x_desc(x_desc)
        .draw()?;
    for (i, (e, colour)) in points.iter().enumerate() {
        let y = row(i);
        if e.ci_low.is_finite() && e.ci_high.is_finite() {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(e.ci_low, y), (e.ci_high, y)],
                colour.stroke_width(3),
            )))?;
            for x in [e.ci_low, e.ci_high] {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, y - 0.15), (x, y + 0.15)],
                    colour.stroke_width(3),
                )))?;
            }
        }
        if e.mean.is_finite() {
            chart.draw_series(std::iter::once(Circle::new((e.mean, y), 10, colour.filled())))?;
        }
    }
    Ok(())
}

/// Final state: one panel per metric, final-year mean per model with its 95% CI.
impl FinalState<'_> {
    /// Write `dir/final_state.png` and `dir/final_state.svg`.
    pub fn save_in(&self, dir: &Path) -> io::Result<()> {
        save(&dir.join("final_state"), (1800, 1050), self)
    }
}

impl Figure for FinalState<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let FinalState { heading, models, across } = *self;
        let metrics = FINAL_STATE_PANELS;
        let (plots, strip) = frame(root, heading, models)?;
        let (rows, cols) = grid(metrics.len());
        let labels: Vec<String> = models.iter().map(|s| short(&s.name)).collect();
        // forest plots: models on the y axis, so names never collide
        for (panel, &m) in plots.split_evenly((rows, cols)).iter().zip(metrics) {
            let (r_lo, r_hi) = m.range();
            let inside = |e: Estimate| Estimate {
                ci_low: e.ci_low.clamp(r_lo, r_hi),
                ci_high: e.ci_high.clamp(r_lo, r_hi),
                ..e
            };
            let points: Vec<(Estimate, RGBColor)> =
                models.iter().map(|s| (inside(s.final_year(m)), s.colour)).collect();
            dot_panel(panel, m.title(), &axis_unit(m), &labels, &points, r_lo)?;
        }
        legend(
            &strip,
            models,
            &format!("dots: mean over {across} of the final-year average; bars: 95% confidence interval; {INDEX_NOTE}"),
        )?;
        Ok(())
    }
}
