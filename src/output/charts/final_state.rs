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

/// A model's name as a row label that fits `width` pixels at the tick-label size: whole if it
/// fits, else its start and end around "…" (the arms of an experiment differ at the end:
/// "social-organisation…-withdrawal"). The full names are in the legend.
pub(super) fn fitted_name(name: &str, width: i32) -> String {
    if text_width(name, LABEL) <= width {
        return name.to_string();
    }
    let chars: Vec<char> = name.chars().collect();
    let mut keep = chars.len().saturating_sub(1);
    while keep > 2 {
        let head = keep.div_ceil(2);
        let tail = keep - head;
        let short: String = chars[..head].iter().chain(['…'].iter()).chain(&chars[chars.len() - tail..]).collect();
        if text_width(&short, LABEL) <= width {
            return short;
        }
        keep -= 1;
    }
    chars.iter().take(2).chain(['…'].iter()).collect()
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
    // room for the longest name, at most 40% of the panel
    let label_area = labels.iter().map(|l| text_width(l, LABEL)).max().unwrap_or(0) + 24;
    let mut chart = ChartBuilder::on(panel)
        .caption(caption, (FAMILY, CAPTION))
        .margin(12)
        .margin_right(30)
        .x_label_area_size(64)
        .y_label_area_size(label_area.clamp(60, panel.dim_in_pixel().0 as i32 * 2 / 5) as u32)
        .build_cartesian_2d(lo..hi, -0.5f64..(n as f64 - 0.5))?;
    let x_ticks = Ticks::new(lo..hi, 6);
    mesh(&mut chart)
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|y| slot(*y, n).map_or(String::new(), |r| labels[n - 1 - r].clone()))
        .x_labels(6)
        .x_label_formatter(&|x| x_ticks.format_above(*x, metric_lo))
        .x_desc(x_desc)
        .draw()?;
    // dots no taller than their row, so that many models do not run into each other
    let row_px = chart.plotting_area().get_pixel_range().1.len() as f64 / n.max(1) as f64;
    let radius = (row_px / 2.6).clamp(4.0, 10.0) as i32;
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
            chart.draw_series(std::iter::once(Circle::new((e.mean, y), radius, colour.filled())))?;
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
        let lang = crate::lang::current();
        let panel_width = plots.dim_in_pixel().0 as i32 / cols as i32;
        let labels: Vec<String> = models.iter().map(|s| fitted_name(&s.name, panel_width * 2 / 5 - 24)).collect();
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
            dot_panel(panel, lang.metric_title(m), &axis_unit(m), &labels, &points, r_lo)?;
        }
        let note = format!("{}; {}", lang.fill("chart.dots_bars", &[("across", &across)]), index_note());
        legend(&strip, models, &note)?;
        Ok(())
    }
}
