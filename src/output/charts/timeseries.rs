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
        let lang = crate::lang::current();
        let metrics = TIMESERIES_PANELS;
        let mut events = events.to_vec();
        events.sort_by(|a, b| a.0.total_cmp(&b.0));
        let marked = &events[..events.len().min(MAX_EVENT_MARKS)];
        // many events, or several in one month, would bury the first panel's data under their
        // labels: then the lines carry numbers and a key under the panels names the events
        let keyed = marked.len() > INLINE_EVENTS || most_in_one_month(marked) > INLINE_EVENTS / 2;
        let (plots, strip) = frame(root, heading, models)?;
        let (plots, key) = if keyed {
            let lines = event_key_lines(marked, lang, plots.dim_in_pixel().0.saturating_sub(40));
            let h = plots.dim_in_pixel().1;
            let (p, k) = plots.split_vertically(h.saturating_sub(lines.len() as u32 * (NOTE + 8) + 12));
            (p, Some((k, lines)))
        } else {
            (plots, None)
        };
        let (rows, cols) = grid(metrics.len());
        let steps = models.first().map_or(0, |m| m.bands.first().map_or(0, |b| b.mean.len()));
        let xs: Vec<f64> = (0..steps).map(|t| (t as f64 + 1.0) * months_per_step / 12.0).collect();
        let x_end = xs.last().copied().unwrap_or(1.0);
        let mut unplaced = 0;
        for (panel, &m) in plots.split_evenly((rows, cols)).iter().zip(metrics) {
            // an interval of a mean reaching outside the measure's range says nothing more: cut it there
            let (r_lo, r_hi) = m.range();
            let inside = |v: f64| v.clamp(r_lo, r_hi);
            let (lo, hi) = y_range(
                models.iter().flat_map(|s| s.band(m).low.iter().chain(&s.band(m).high).map(|&v| inside(v))),
                r_lo,
            );
            // the panel with the events' labels gets headroom above the data for their stack
            // (one row of numbers when keyed)
            let labelled = m == metrics[0] && !marked.is_empty();
            let top = if labelled {
                // inline labels stack one row each; numbers take one row
                let n = if keyed { 1.0 } else { marked.len() as f64 };
                let plot_px = (panel.dim_in_pixel().1 as f64 - 64.0 - CAPTION as f64 - 40.0).max(1.0);
                let share = ((n * (NOTE as f64 + 8.0) + 12.0) / plot_px).min(0.6);
                hi + (hi - lo) * share / (1.0 - share)
            } else {
                hi
            };
            let mut chart = ChartBuilder::on(panel)
                .caption(lang.metric_title(m), (FAMILY, CAPTION))
                .margin(12)
                .x_label_area_size(64)
                .y_label_area_size(100)
                .build_cartesian_2d(0f64..x_end, lo..top)?;
            let (xt, yt) = (Ticks::new(0.0..x_end, TICKS), Ticks::new(lo..top, TICKS));
            // no tick labels in the headroom or the padding under 0: values there are not the measure's
            let y_label =
                |y: f64| if y > hi + (top - hi) * 0.02 && top > hi { String::new() } else { yt.format_above(y, r_lo) };
            mesh(&mut chart)
                .x_desc(lang.t("chart.year"))
                .y_desc(axis_unit(m))
                .x_labels(TICKS)
                .y_labels(TICKS)
                .x_label_formatter(&|x| xt.format(*x))
                .y_label_formatter(&|y| y_label(*y))
                .draw()?;
            // scheduled events: one dashed vertical line per month with events; beyond a readable
            // number the rest are only counted (summary.json lists every event)
            let mut years: Vec<f64> = marked.iter().map(|e| e.0).collect();
            years.dedup();
            for &year in &years {
                let line = vec![(year, lo), (year, top)];
                chart.draw_series(DashedLineSeries::new(line, 8, 6, RGBColor(90, 90, 90).stroke_width(2)))?;
            }
            for s in models {
                for run in finite_runs(&xs, &s.band(m).mean) {
                    draw_line(&mut chart, run, s)?;
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
            // a panel without anything to show says why instead of drawing an empty frame or a line
            // on the axis that reads as data
            if let Some(why) = nothing_to_show(models, m, lang) {
                let font = TextStyle::from((FAMILY, LABEL)).color(&GREY).pos(Pos::new(HPos::Center, VPos::Center));
                chart.draw_series(std::iter::once(Text::new(why, (x_end / 2.0, lo + (hi - lo) * 0.55), font)))?;
            }
            // the events' labels (or numbers) in the first panel, on white, stacked where they share a month
            if labelled {
                let tags = if keyed { event_tags(marked) } else { marked.to_vec() };
                unplaced = draw_event_labels(root, &chart, &tags, top)?;
            }
        }
        if let Some((key, lines)) = key {
            let font = TextStyle::from((FAMILY, NOTE)).color(&RGBColor(40, 40, 40));
            for (i, line) in lines.iter().enumerate() {
                key.draw(&Text::new(line.clone(), (20, 6 + i as i32 * (NOTE as i32 + 8)), font.clone()))?;
            }
        }
        let mut caption = format!("{}; {}", lang.fill("chart.lines_bands", &[("across", &across)]), index_note());
        if events.len() > MAX_EVENT_MARKS {
            caption.push_str("; ");
            caption.push_str(&lang.fill("chart.events_first", &[("n", &MAX_EVENT_MARKS), ("total", &events.len())]));
        }
        if unplaced > 0 {
            caption.push_str("; ");
            caption.push_str(&lang.fill("chart.events_unplaced", &[("n", &unplaced)]));
        }
        legend(&strip, models, &caption)?;
        Ok(())
    }
}

/// Most event labels written beside their lines; more are numbered, with a key under the panels.
const INLINE_EVENTS: usize = 4;

/// The largest number of events that share a month.
pub(super) fn most_in_one_month(events: &[(f64, String)]) -> usize {
    let mut most = 0;
    let mut i = 0;
    while i < events.len() {
        let n = events[i..].iter().take_while(|e| e.0 == events[i].0).count();
        most = most.max(n);
        i += n;
    }
    most
}

/// One tag per month with events, numbering them as the key does: "1", "2–4".
pub(super) fn event_tags(events: &[(f64, String)]) -> Vec<(f64, String)> {
    let mut tags = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let n = events[i..].iter().take_while(|e| e.0 == events[i].0).count();
        let tag = if n == 1 { format!("{}", i + 1) } else { format!("{}–{}", i + 1, i + n) };
        tags.push((events[i].0, tag));
        i += n;
    }
    tags
}

/// The key of numbered events, by month: "year 5: 1 government funding stops  2 …", wrapped
/// into lines of at most `width` pixels.
fn event_key_lines(events: &[(f64, String)], lang: crate::lang::Lang, width: u32) -> Vec<String> {
    let mut lines = vec![lang.t("chart.events_key").to_string()];
    let mut push = |item: String| {
        let last = lines.last_mut().expect("starts with the heading");
        let joined = format!("{last}   {item}");
        if text_width(&joined, NOTE) as u32 <= width {
            *last = joined;
        } else {
            lines.push(item);
        }
    };
    for (i, (year, label)) in events.iter().enumerate() {
        let item = format!("{} {label}", i + 1);
        if i == 0 || events[i - 1].0 != *year {
            // whole years as "5", others to the month ("5.5")
            let y = if year.fract().abs() < 1e-9 {
                format!("{year:.0}")
            } else {
                format!("{:.2}", year).trim_end_matches('0').to_string()
            };
            push(format!("{}: {item}", lang.fill("chart.at_year", &[("year", &y)])));
        } else {
            push(item);
        }
    }
    lines
}

/// Why a panel shows no line to read, if it does not: every model's series is undefined
/// (nothing to divide by) or exactly 0 throughout.
fn nothing_to_show(models: &[ModelSeries], m: M, lang: crate::lang::Lang) -> Option<&'static str> {
    let means = || models.iter().flat_map(|s| s.band(m).mean.iter().copied());
    if models.is_empty() || means().next().is_none() {
        return None;
    }
    if means().all(|v| !v.is_finite()) {
        Some(lang.t("chart.undefined_throughout"))
    } else if means().all(|v| !v.is_finite() || v == 0.0) {
        Some(lang.t("chart.zero_throughout"))
    } else {
        None
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
