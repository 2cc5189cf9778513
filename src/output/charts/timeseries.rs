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
        let mut unplaced = 0;
        let mut events = events.to_vec();
        events.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (panel, &m) in plots.split_evenly((rows, cols)).iter().zip(metrics) {
            // an interval of a mean reaching outside the measure's range says nothing more: cut it there
            let (r_lo, r_hi) = m.range();
            let inside = |v: f64| v.clamp(r_lo, r_hi);
            let (lo, hi) = y_range(
                models.iter().flat_map(|s| s.band(m).low.iter().chain(&s.band(m).high).map(|&v| inside(v))),
                r_lo,
            );
            // the panel with the events' labels gets headroom above the data for their stack
            let labelled = m == metrics[0] && !events.is_empty();
            let top = if labelled {
                let n = events.len().min(MAX_EVENT_MARKS) as f64;
                let plot_px = (panel.dim_in_pixel().1 as f64 - 64.0 - CAPTION as f64 - 40.0).max(1.0);
                let share = ((n * (NOTE as f64 + 8.0) + 12.0) / plot_px).min(0.6);
                hi + (hi - lo) * share / (1.0 - share)
            } else {
                hi
            };
            let mut chart = ChartBuilder::on(panel)
                .caption(m.title(), (FAMILY, CAPTION))
                .margin(12)
                .x_label_area_size(64)
                .y_label_area_size(100)
                .build_cartesian_2d(0f64..x_end, lo..top)?;
            let (xt, yt) = (Ticks::new(0.0..x_end, TICKS), Ticks::new(lo..top, TICKS));
            // no tick labels in the headroom: values there are not the measure's
            let y_label = |y: f64| if y > hi + (top - hi) * 0.02 && top > hi { String::new() } else { yt.format(y) };
            mesh(&mut chart)
                .x_desc("year")
                .y_desc(axis_unit(m))
                .x_labels(TICKS)
                .y_labels(TICKS)
                .x_label_formatter(&|x| xt.format(*x))
                .y_label_formatter(&|y| y_label(*y))
                .draw()?;
            // scheduled events: one dashed vertical line per month with events; beyond a readable
            // number the rest are only counted (summary.json lists every event)
            let mut years: Vec<f64> = events.iter().take(MAX_EVENT_MARKS).map(|e| e.0).collect();
            years.dedup();
            for &year in &years {
                let line = vec![(year, lo), (year, top)];
                chart.draw_series(DashedLineSeries::new(line, 8, 6, RGBColor(90, 90, 90).stroke_width(2)))?;
            }
            for s in models {
                for run in finite_runs(&xs, &s.band(m).mean) {
                    chart.draw_series(LineSeries::new(run, s.colour.stroke_width(3)))?;
                }
            }
            // the bands over the lines, so that a zigzagging line (campaigns) does not hide them
            for s in models {
                let b = s.band(m);
                for (upper, lower) in finite_runs(&xs, &b.high).into_iter().zip(finite_runs(&xs, &b.low)) {
                    let polygon: Vec<(f64, f64)> =
                        upper.iter().chain(lower.iter().rev()).map(|&(x, y)| (x, inside(y))).collect();
                    chart.draw_series(std::iter::once(Polygon::new(polygon, s.colour.mix(0.22).filled())))?;
                }
            }
            // the events' labels in the first panel, on white, stacked where they share a month
            if m == metrics[0] && !events.is_empty() {
                unplaced = draw_event_labels(root, &chart, &events[..events.len().min(MAX_EVENT_MARKS)], top)?;
            }
        }
        let mut caption = format!(
            "lines: mean over {across}; shaded: 95% CI of the mean (unseen where narrower than the line); {INDEX_NOTE}"
        );
        if events.len() > MAX_EVENT_MARKS {
            caption.push_str(&format!(
                "; dashed: the first {MAX_EVENT_MARKS} of {} scheduled events (all in summary.json)",
                events.len()
            ));
        }
        if unplaced > 0 {
            caption.push_str(&format!("; {unplaced} event labels did not fit (all in summary.json)"));
        }
        legend(&strip, models, &caption)?;
        Ok(())
    }
}

/// Draw the labels of `events` (year, label; sorted by year) in `chart`'s plot: beside their
/// lines, stacked from the top ([`labels::event_boxes`]), on a white box so that no line crosses
/// the text. Returns how many labels did not fit.
fn draw_event_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart<'_, DB>,
    events: &[(f64, String)],
    hi: f64,
) -> Result<usize, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let font = (FAMILY, NOTE).into_font().color(&RGBColor(40, 40, 40));
    let (base_x, base_y) = root.get_base_pixel();
    let plot = chart.plotting_area().get_pixel_range();
    let plot = ((plot.0.start - base_x)..(plot.0.end - base_x), (plot.1.start - base_y)..(plot.1.end - base_y));
    let xs: Vec<i32> = events.iter().map(|(year, _)| chart.backend_coord(&(*year, hi)).0 - base_x).collect();
    let mut sizes = Vec::with_capacity(events.len());
    for (_, label) in events {
        let (w, h) = root.estimate_text_size(label, &font)?;
        sizes.push((w + 8, h + 6));
    }
    let boxes = labels::event_boxes(plot, &xs, &sizes);
    for ((_, label), b) in events.iter().zip(&boxes) {
        if let Some((x0, y0, x1, y1)) = *b {
            root.draw(&Rectangle::new([(x0, y0), (x1, y1)], WHITE.mix(0.88).filled()))?;
            root.draw(&Text::new(label.clone(), (x0 + 4, y0 + 3), font.clone()))?;
        }
    }
    Ok(boxes.iter().filter(|b| b.is_none()).count())
}
