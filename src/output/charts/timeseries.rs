//! Time series of some metrics: one panel per metric, one line and 95% band per model, and
//! scheduled events as dashed lines.

use super::*;

/// The measures drawn in every time-series figure.
pub const TIMESERIES_PANELS: &[M] =
    &[M::DependenceOnGovernment, M::Asymmetry, M::ActiveRate, M::Retention12m, M::Coverage, M::SelfFundingShare];

/// Time series of the [`TIMESERIES_PANELS`] metrics, one line and band per model.
pub struct Timeseries<'a> {
    pub heading: &'a str,
    pub models: &'a [ModelSeries],
    pub months_per_step: f64,
    /// Scheduled events to mark: (year, label).
    pub events: &'a [(f64, String)],
    /// What the means and intervals are taken over ("replications", "communities").
    pub across: &'a str,
}

/// Split a series into runs of finite points (a NaN breaks the line).
pub(super) fn finite_runs(xs: &[f64], ys: &[f64]) -> Vec<Vec<(f64, f64)>> {
    let mut runs = vec![Vec::new()];
    for (&x, &y) in xs.iter().zip(ys) {
        if y.is_finite() {
            runs.last_mut().unwrap().push((x, y));
        } else if !runs.last().unwrap().is_empty() {
            runs.push(Vec::new());
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// Most scheduled events marked in a time-series chart: more lines and labels are unreadable.
pub const MAX_EVENT_MARKS: usize = 12;

/// Time series: one panel per metric, one line per model with a shaded 95% band; x in years.
impl Timeseries<'_> {
    /// Write `dir/timeseries.png` and `dir/timeseries.svg`.
    pub fn save_in(&self, dir: &Path) -> io::Result<()> {
        save(&dir.join("timeseries"), (1800, 1050), self)
    }
}

impl Figure for Timeseries<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let Timeseries { heading, models, months_per_step, events, across } = *self;
        let metrics = TIMESERIES_PANELS;
        let (plots, strip) = frame(root, heading, models)?;
        let (rows, cols) = grid(metrics.len());
        let steps = models.first().map_or(0, |m| m.bands.first().map_or(0, |b| b.mean.len()));
        let xs: Vec<f64> = (0..steps).map(|t| (t as f64 + 1.0) * months_per_step / 12.0).collect();
        let x_end = xs.last().copied().unwrap_or(1.0);
        for (panel, &m) in plots.split_evenly((rows, cols)).iter().zip(metrics) {
            // an interval of a mean reaching outside the measure's range says nothing more: cut it there
            let (r_lo, r_hi) = m.range();
            let inside = |v: f64| v.clamp(r_lo, r_hi);
            let (lo, hi) = y_range(
                models.iter().flat_map(|s| s.band(m).low.iter().chain(&s.band(m).high).map(|&v| inside(v))),
                r_lo,
            );
            let mut chart = ChartBuilder::on(panel)
                .caption(m.title(), (FAMILY, CAPTION))
                .margin(12)
                .x_label_area_size(64)
                .y_label_area_size(100)
                .build_cartesian_2d(0f64..x_end, lo..hi)?;
            mesh(&mut chart)
                .x_desc("year")
                .y_desc(m.unit())
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| compact(*y, Small::Zero))
                .draw()?;
            for s in models {
                let b = s.band(m);
                for (upper, lower) in finite_runs(&xs, &b.high).into_iter().zip(finite_runs(&xs, &b.low)) {
                    let polygon: Vec<(f64, f64)> =
                        upper.iter().chain(lower.iter().rev()).map(|&(x, y)| (x, inside(y))).collect();
                    chart.draw_series(std::iter::once(Polygon::new(polygon, s.colour.mix(0.18).filled())))?;
                }
            }
            // scheduled events: dashed vertical lines, labelled in the first panel; beyond a
            // readable number the rest are only counted (summary.json lists every event)
            for (n, (year, label)) in events.iter().take(MAX_EVENT_MARKS).enumerate() {
                let line = vec![(*year, lo), (*year, hi)];
                chart.draw_series(DashedLineSeries::new(line, 8, 6, RGBColor(90, 90, 90).stroke_width(2)))?;
                if m == metrics[0] {
                    let font = (FAMILY, NOTE).into_font().color(&RGBColor(60, 60, 60));
                    let y = hi - (hi - lo) * (0.06 + 0.08 * (n % 3) as f64);
                    chart.draw_series(std::iter::once(Text::new(format!(" {label}"), (*year, y), font)))?;
                }
            }
            for s in models {
                for run in finite_runs(&xs, &s.band(m).mean) {
                    chart.draw_series(LineSeries::new(run, s.colour.stroke_width(3)))?;
                }
            }
        }
        let mut caption = format!("lines: mean over {across}; shaded: 95% confidence interval of the mean");
        if events.len() > MAX_EVENT_MARKS {
            caption.push_str(&format!(
                "; dashed: the first {MAX_EVENT_MARKS} of {} scheduled events (all in summary.json)",
                events.len()
            ));
        }
        legend(&strip, models, &caption)?;
        Ok(())
    }
}
