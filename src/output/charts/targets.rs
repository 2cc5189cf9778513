//! A case's targets over its model series: one panel per target, the model's mean and 95% band
//! over the run, and the target's interval drawn as a box over its window of months.

use super::timeseries::finite_runs;
use super::*;
use crate::experiment::targets::Checked;

/// The target figure of one case (`<case>/targets.png|svg` from `govsim cases`).
pub struct Targets<'a> {
    pub heading: &'a str,
    pub model: &'a ModelSeries,
    pub checked: &'a [Checked],
    /// The model's series of each checked target's measure, in the same order.
    pub series: &'a [TargetSeries],
    pub months_per_step: f64,
}

/// A target measure's series over the run: its band across replications, title, unit and range.
pub struct TargetSeries {
    pub band: crate::experiment::compare::Band,
    pub title: String,
    pub unit: &'static str,
    pub range: (f64, f64),
}

impl Targets<'_> {
    /// Write `dir/targets.png` and `dir/targets.svg`; a case without targets gets none.
    pub fn save_in(&self, dir: &Path) -> io::Result<()> {
        if self.checked.is_empty() {
            return Ok(());
        }
        let (rows, _) = grid(self.checked.len());
        save(&dir.join("targets"), (1800, 200 + 420 * rows as u32), self)
    }
}

const TARGET: RGBColor = RGBColor(90, 90, 90);

impl Figure for Targets<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let models = std::slice::from_ref(self.model);
        let (plots, strip) = frame(root, self.heading, models)?;
        let (rows, cols) = grid(self.checked.len());
        for ((panel, c), series) in plots.split_evenly((rows, cols)).iter().zip(self.checked).zip(self.series) {
            let b = &series.band;
            let xs: Vec<f64> = (0..b.mean.len()).map(|t| (t as f64 + 1.0) * self.months_per_step).collect();
            let x_end = xs.last().copied().unwrap_or(12.0);
            let (r_lo, r_hi) = series.range;
            let inside = |v: f64| v.clamp(r_lo, r_hi);
            let values = b.low.iter().chain(&b.high).map(|&v| inside(v)).chain([c.target.low, c.target.high]);
            let (lo, hi) = y_range(values, r_lo);
            // the caption shrinks to fit its panel; if it still does not fit, the target's name alone
            let width = panel.dim_in_pixel().0.saturating_sub(24);
            let mut caption = format!("{} — {}", c.target.name, series.title);
            let mut size = fitted_size(panel, &caption, CAPTION, width)?;
            if panel.estimate_text_size(&caption, &TextStyle::from((FAMILY, size)))?.0 > width {
                caption = c.target.name.clone();
                size = fitted_size(panel, &caption, CAPTION, width)?;
            }
            let mut chart = ChartBuilder::on(panel)
                .caption(caption, (FAMILY, size))
                .margin(12)
                .margin_right(36)
                .x_label_area_size(64)
                .y_label_area_size(100)
                .build_cartesian_2d(0f64..x_end, lo..hi)?;
            let (xt, yt) = (Ticks::new(0.0..x_end, TICKS), Ticks::new(lo..hi, TICKS));
            mesh(&mut chart)
                .x_desc(crate::lang::current().t("chart.month"))
                .y_desc(series.unit)
                .x_labels(TICKS)
                .y_labels(TICKS)
                .x_label_formatter(&|x| xt.format(*x))
                .y_label_formatter(&|y| yt.format_above(*y, r_lo))
                .draw()?;
            // the target: its interval over its window (a month wide at least, to be seen)
            // at least 2% of the run wide, so that a single month can be seen
            let half = (x_end * 0.01).max(0.5);
            let (from, to) = (c.months.0 as f64 - half, c.months.1 as f64 + half);
            let (t_lo, t_hi) = (c.target.low.max(lo), c.target.high.min(hi));
            chart
                .draw_series(std::iter::once(Rectangle::new([(from, t_lo), (to, t_hi)], TARGET.mix(0.25).filled())))?;
            chart.draw_series(std::iter::once(Rectangle::new([(from, t_lo), (to, t_hi)], TARGET.stroke_width(2))))?;
            let colour = self.model.colour;
            // the same band and line as the time-series figure: a NaN breaks them
            for (upper, lower) in finite_runs(&xs, &b.high).into_iter().zip(finite_runs(&xs, &b.low)) {
                let polygon: Vec<(f64, f64)> =
                    upper.iter().chain(lower.iter().rev()).map(|&(x, y)| (x, inside(y))).collect();
                chart.draw_series(std::iter::once(Polygon::new(polygon, colour.mix(0.18).filled())))?;
            }
            for run in finite_runs(&xs, &b.mean) {
                draw_line(&mut chart, run, self.model)?;
            }
            let lang = crate::lang::current();
            let verdict = if c.within() {
                lang.t("chart.target_within").to_string()
            } else {
                lang.fill("chart.target_off", &[("off", &format!("{:+.0}", c.off() * 100.0))])
            };
            let font = (FAMILY, NOTE).into_font().color(&RGBColor(60, 60, 60));
            // the source's words are in targets.csv and targets.md: here only the seed file's number
            let seed: String = c.target.source.chars().take_while(|ch| *ch != ']').chain([']']).collect();
            let value = c.target.value.map_or(String::new(), |v| format!(": {}", compact(v, Small::Zero)));
            let note = lang.fill(
                "chart.target_note",
                &[
                    ("seed", &seed),
                    ("value", &value),
                    ("model", &compact(c.estimate.mean, Small::Zero)),
                    ("verdict", &verdict),
                ],
            );
            chart.draw_series(std::iter::once(Text::new(note, (0.0, hi - (hi - lo) * 0.04), font)))?;
        }
        legend(&strip, models, crate::lang::current().t("chart.targets_caption"))?;
        Ok(())
    }
}
