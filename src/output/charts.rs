//! Charts (plotters, PNG and SVG). Text is drawn with a font embedded in the binary (DejaVu Sans,
//! licence in assets/fonts), so figures render on machines without any system fonts; `--font`
//! swaps in another TTF/OTF, e.g. a CJK font for Chinese labels. Colours: Okabe–Ito, a
//! colour-blind-safe palette, with one fixed colour per driver model across all figures.

use crate::experiment::compare::Band;
use crate::experiment::Estimate;
use crate::measures::M;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};
use std::error::Error;
use std::path::Path;
use std::sync::OnceLock;

static DEJAVU: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(crate) const FAMILY: &str = "sans-serif";
// Text sizes in pixels, chosen so that a 1800-pixel-wide figure printed across a page (7 in)
// keeps tick labels above 6 pt and titles near 9 pt. Shared by all figures (also the
// sensitivity charts), so they sit together in a report.
pub(crate) const TITLE: u32 = 36;
pub(crate) const CAPTION: u32 = 28;
pub(crate) const LABEL: u32 = 22;
pub(crate) const DESC: u32 = 24;
pub(crate) const LEGEND: u32 = 26;
pub(crate) const NOTE: u32 = 20;
/// Grid lines of the mesh.
pub(crate) const GRID_LINE: RGBColor = RGBColor(225, 225, 225);
/// Secondary text: notes on a plot, guide-line labels.
pub(crate) const GREY: RGBColor = RGBColor(110, 110, 110);
static FONT_RESULT: OnceLock<Result<(), String>> = OnceLock::new();

/// Register the font used for all text, once per process. `custom` (the bytes of a TTF/OTF)
/// replaces the embedded DejaVu Sans; the first call wins.
pub fn init_fonts(custom: Option<Vec<u8>>) -> Result<(), String> {
    FONT_RESULT
        .get_or_init(|| {
            let bytes: &'static [u8] = match custom {
                Some(b) => Box::leak(b.into_boxed_slice()),
                None => DEJAVU,
            };
            for style in [FontStyle::Normal, FontStyle::Bold] {
                register_font(FAMILY, style, bytes)
                    .map_err(|_| "the font file is not a usable TrueType/OpenType font".to_string())?;
            }
            Ok(())
        })
        .clone()
}

/// Okabe–Ito colours without yellow (too pale on white).
pub(crate) const PALETTE: [RGBColor; 7] = [
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 114, 178),   // blue
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
];
pub(crate) const VERMILLION: RGBColor = PALETTE[0];
pub(crate) const BLUE: RGBColor = PALETTE[3];

/// The colour of a model: fixed for the five shipped driver models, by position otherwise.
pub fn model_colour(name: &str, index: usize) -> RGBColor {
    const DRIVERS: [&str; 5] =
        ["government-driven", "social-organisation-driven", "enterprise-driven", "volunteer-led", "multi-actor"];
    // a variant of a driver model ("government-driven-withdrawal") keeps the driver's colour
    match DRIVERS.iter().position(|d| name == *d || name.starts_with(&format!("{d}-"))) {
        Some(i) => PALETTE[i],
        None => PALETTE[(5 + index) % PALETTE.len()],
    }
}

/// A model's data for the figures.
pub struct ModelSeries {
    pub name: String,
    pub colour: RGBColor,
    /// Band per metric (all metrics, in `M` order), over steps.
    pub bands: Vec<Band>,
    /// Final-year estimate per metric (all metrics, in `M` order).
    pub final_year: Vec<Estimate>,
}

impl ModelSeries {
    fn band(&self, m: M) -> &Band {
        &self.bands[m.index()]
    }

    fn final_year(&self, m: M) -> Estimate {
        self.final_year[m.index()]
    }
}

/// Something that can be drawn on any plotters backend.
pub trait Figure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), Box<dyn Error>>
    where
        DB::ErrorType: 'static;
}

/// Write a figure as `<stem>.png` and `<stem>.svg`.
pub fn save(stem: &Path, size: (u32, u32), figure: &impl Figure) -> Result<(), String> {
    init_fonts(None)?;
    let png = stem.with_extension("png");
    let svg = stem.with_extension("svg");
    let fail = |e: Box<dyn Error>| format!("cannot draw {}: {e}", stem.display());
    {
        let root = BitMapBackend::new(&png, size).into_drawing_area();
        figure.draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.into()))?;
    }
    {
        let root = SVGBackend::new(&svg, size).into_drawing_area();
        figure.draw(&root).map_err(fail)?;
        root.present().map_err(|e| fail(e.into()))?;
    }
    Ok(())
}

/// Time series of some metrics, one line and band per model.
pub struct Timeseries<'a> {
    pub heading: &'a str,
    pub metrics: &'a [M],
    pub models: &'a [ModelSeries],
    pub months_per_step: f64,
    /// Scheduled events to mark: (year, label).
    pub events: &'a [(f64, String)],
    /// What the means and intervals are taken over ("replications", "communities").
    pub across: &'a str,
}

impl Figure for Timeseries<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), Box<dyn Error>>
    where
        DB::ErrorType: 'static,
    {
        draw_timeseries(root, self.heading, self.metrics, self.models, self.months_per_step, self.events, self.across)
    }
}

/// Final-year means with CIs, one panel per metric.
pub struct FinalState<'a> {
    pub heading: &'a str,
    pub metrics: &'a [M],
    pub models: &'a [ModelSeries],
    /// What the means and intervals are taken over ("replications", "communities").
    pub across: &'a str,
}

impl Figure for FinalState<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), Box<dyn Error>>
    where
        DB::ErrorType: 'static,
    {
        draw_final_state(root, self.heading, self.metrics, self.models, self.across)
    }
}

/// Dependency by dimension and in both directions.
pub struct Dependency<'a> {
    pub models: &'a [ModelSeries],
}

impl Figure for Dependency<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), Box<dyn Error>>
    where
        DB::ErrorType: 'static,
    {
        draw_dependency(root, self.models)
    }
}

/// Split a series into runs of finite points (a NaN breaks the line).
fn finite_runs(xs: &[f64], ys: &[f64]) -> Vec<Vec<(f64, f64)>> {
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

/// A y range covering the values, padded, starting at 0 for non-negative measures.
fn y_range(values: impl Iterator<Item = f64>, metric_lo: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if metric_lo >= 0.0 && lo >= 0.0 {
        lo = 0.0;
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.06;
    (if lo == 0.0 { 0.0 } else { lo - pad }, hi + pad)
}

/// Width in pixels of one legend entry (line sample plus name).
fn legend_entry_width(name: &str) -> i32 {
    70 + (LEGEND as f64 * 0.56) as i32 * name.chars().count() as i32
}

/// Legend rows of entries that fit in `width` pixels.
fn legend_rows<'a>(width: u32, names: impl Iterator<Item = &'a str>) -> Vec<Vec<&'a str>> {
    let mut rows: Vec<Vec<&str>> = vec![Vec::new()];
    let mut used = 0;
    for n in names {
        let w = legend_entry_width(n);
        if used + w > width as i32 - 20 && !rows.last().unwrap().is_empty() {
            rows.push(Vec::new());
            used = 0;
        }
        rows.last_mut().unwrap().push(n);
        used += w;
    }
    rows
}

/// Height of the legend strip: one line per row of entries plus the note.
pub(crate) fn legend_height<'a>(width: u32, names: impl Iterator<Item = &'a str>) -> u32 {
    legend_rows(width, names).len() as u32 * 38 + 40
}

/// How a legend entry shows its colour.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Swatch {
    /// A short thick line, for series drawn as lines.
    Line,
    /// A filled square, for bars.
    Square,
}

/// Shared legend strip: a coloured line and the model's name for each model, wrapped into
/// rows, with a note on what lines and bands mean.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    models: &[(&str, RGBColor)],
    note: &str,
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    legend_with(area, models, note, Swatch::Line)
}

/// A legend strip (see [`legend_height`] for its height): a swatch and a name per entry,
/// centred and wrapped into rows, then a grey note on what the marks mean.
pub(crate) fn legend_with<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(&str, RGBColor)],
    note: &str,
    swatch: Swatch,
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let (w, _) = area.dim_in_pixel();
    let font = (FAMILY, LEGEND).into_font();
    let rows = legend_rows(w, entries.iter().map(|(n, _)| *n));
    let mut y = 22;
    for row in &rows {
        let total: i32 = row.iter().map(|n| legend_entry_width(n)).sum();
        let mut x = ((w as i32 - total) / 2).max(10);
        for name in row {
            let colour = entries.iter().find(|(n, _)| n == name).map_or(BLACK, |(_, c)| *c);
            match swatch {
                Swatch::Line => area.draw(&PathElement::new(vec![(x, y), (x + 36, y)], colour.stroke_width(4)))?,
                Swatch::Square => area.draw(&Rectangle::new([(x + 4, y - 14), (x + 32, y + 14)], colour.filled()))?,
            }
            area.draw(&Text::new(name.to_string(), (x + 46, y - LEGEND as i32 / 2), font.clone()))?;
            x += legend_entry_width(name);
        }
        y += 38;
    }
    if !note.is_empty() {
        let note_font = (FAMILY, NOTE).into_font().color(&RGBColor(80, 80, 80));
        area.draw(&Text::new(note.to_string(), (10, y - 12), note_font))?;
    }
    Ok(())
}

/// The largest text size up to `size` (but not below 60% of it) at which `text` fits in
/// `width` pixels: long titles shrink instead of running off the canvas.
pub(crate) fn fitted_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    size: u32,
    width: u32,
) -> Result<u32, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let smallest = size * 3 / 5;
    let mut s = size;
    while s > smallest && area.estimate_text_size(text, &TextStyle::from((FAMILY, s)))?.0 > width {
        s -= 1;
    }
    Ok(s)
}

/// Fill the area white and put `heading` on top, shrunk to fit the width; the area below it.
pub(crate) fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    heading: &str,
) -> Result<DrawingArea<DB, Shift>, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    let size = fitted_size(root, heading, TITLE, w.saturating_sub(40))?;
    Ok(root.titled(heading, (FAMILY, size))?)
}

/// A figure's frame: white background, the title, and the plotting area above a legend strip
/// tall enough for the models' names.
type Areas<DB> = (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>);
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    heading: &str,
    models: &[ModelSeries],
) -> Result<Areas<DB>, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let root = titled(root, heading)?;
    let (w, h) = root.dim_in_pixel();
    Ok(root.split_vertically(h - legend_height(w, models.iter().map(|m| m.name.as_str()))))
}

/// Rows and columns of a panel grid: at most three panels a row.
fn grid(panels: usize) -> (usize, usize) {
    let cols = panels.clamp(1, 3);
    (panels.div_ceil(cols), cols)
}

/// Most scheduled events marked in a time-series chart: more lines and labels are unreadable.
pub const MAX_EVENT_MARKS: usize = 12;

/// Time series: one panel per metric, one line per model with a shaded 95% band; x in years.
pub fn draw_timeseries<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    heading: &str,
    metrics: &[M],
    models: &[ModelSeries],
    months_per_step: f64,
    events: &[(f64, String)],
    across: &str,
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let (plots, strip) = frame(root, heading, models)?;
    let (rows, cols) = grid(metrics.len());
    let steps = models.first().map_or(0, |m| m.bands.first().map_or(0, |b| b.mean.len()));
    let xs: Vec<f64> = (0..steps).map(|t| (t as f64 + 1.0) * months_per_step / 12.0).collect();
    let x_end = xs.last().copied().unwrap_or(1.0);
    for (panel, &m) in plots.split_evenly((rows, cols)).iter().zip(metrics) {
        // an interval of a mean reaching outside the measure's range says nothing more: cut it there
        let (r_lo, r_hi) = m.range();
        let inside = |v: f64| v.clamp(r_lo, r_hi);
        let (lo, hi) =
            y_range(models.iter().flat_map(|s| s.band(m).low.iter().chain(&s.band(m).high).map(|&v| inside(v))), r_lo);
        let mut chart = ChartBuilder::on(panel)
            .caption(m.title(), (FAMILY, CAPTION))
            .margin(12)
            .x_label_area_size(64)
            .y_label_area_size(100)
            .build_cartesian_2d(0f64..x_end, lo..hi)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID_LINE)
            .x_desc("year")
            .y_desc(m.unit())
            .label_style((FAMILY, LABEL))
            .axis_desc_style((FAMILY, DESC))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format_tick(*y))
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
    let names: Vec<(&str, RGBColor)> = models.iter().map(|s| (s.name.as_str(), s.colour)).collect();
    let mut caption = format!("lines: mean over {across}; shaded: 95% confidence interval of the mean");
    if events.len() > MAX_EVENT_MARKS {
        caption.push_str(&format!(
            "; dashed: the first {MAX_EVENT_MARKS} of {} scheduled events (all in summary.json)",
            events.len()
        ));
    }
    legend(&strip, &names, &caption)?;
    Ok(())
}

fn format_tick(y: f64) -> String {
    let a = y.abs();
    if a < 0.005 {
        "0".into()
    } else if a >= 10_000.0 {
        format!("{:.0}k", y / 1000.0)
    } else if a >= 100.0 {
        format!("{y:.0}")
    } else if a >= 10.0 {
        format!("{y:.1}")
    } else {
        format!("{y:.2}")
    }
}

/// Tick labels for a numeric axis: plain decimals, all with the same number of places, as
/// many as the tick step needs so that neighbouring ticks never read alike ("0.035" and
/// "0.04" instead of "0.04" twice; "0.005" instead of "5.0e-3").
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ticks {
    decimals: usize,
    step: f64,
}

impl Ticks {
    /// For the ticks plotters draws on `range` when asked for at most `count` labels
    /// (`x_labels(count)` / `y_labels(count)`: pass the same count).
    pub(crate) fn new(range: std::ops::Range<f64>, count: usize) -> Ticks {
        use plotters::coord::ranged1d::Ranged;
        let points: Vec<f64> = plotters::coord::types::RangedCoordf64::from(range).key_points(count);
        let step = points.windows(2).map(|w| w[1] - w[0]).fold(f64::INFINITY, f64::min);
        if !step.is_finite() || step <= 0.0 {
            let decimals = points.first().map_or(0, |v| Self::places(v.abs()));
            return Ticks { decimals, step: 0.0 };
        }
        let decimals = (0..=12)
            .find(|&d| {
                let labels: Vec<String> = points.iter().map(|v| fixed(*v, d, step)).collect();
                labels.windows(2).all(|w| w[0] != w[1])
                    && points
                        .iter()
                        .zip(&labels)
                        .all(|(v, l)| l.parse::<f64>().is_ok_and(|p| (p - v).abs() < step * 1e-3))
            })
            .unwrap_or(12);
        Ticks { decimals, step }
    }

    /// Decimals to show a lone value with two significant digits.
    fn places(a: f64) -> usize {
        if a == 0.0 || !a.is_finite() || a >= 10.0 {
            0
        } else {
            (1 - a.log10().floor() as i32).clamp(0, 12) as usize
        }
    }

    pub(crate) fn format(&self, v: f64) -> String {
        fixed(v, self.decimals, self.step)
    }
}

/// `v` with `decimals` places; values within a millionth of a step of zero are "0" (no "-0.0").
fn fixed(v: f64, decimals: usize, step: f64) -> String {
    let v = if v.abs() <= step * 1e-6 { 0.0 } else { v };
    format!("{v:.decimals$}")
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
) -> Result<(), Box<dyn Error>>
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
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID_LINE)
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|y| {
            let r = y.round();
            if (y - r).abs() < 1e-6 && r >= 0.0 && (r as usize) < n {
                labels[n - 1 - r as usize].clone()
            } else {
                String::new()
            }
        })
        .x_labels(6)
        .x_label_formatter(&|x| format_tick(*x))
        .x_desc(x_desc)
        .label_style((FAMILY, LABEL))
        .axis_desc_style((FAMILY, DESC))
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
pub fn draw_final_state<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    heading: &str,
    metrics: &[M],
    models: &[ModelSeries],
    across: &str,
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let (plots, strip) = frame(root, heading, models)?;
    let (rows, cols) = grid(metrics.len());
    let labels: Vec<String> = models.iter().map(|s| short(&s.name)).collect();
    // forest plots: models on the y axis, so names never collide
    for (panel, &m) in plots.split_evenly((rows, cols)).iter().zip(metrics) {
        let (r_lo, r_hi) = m.range();
        let inside =
            |e: Estimate| Estimate { ci_low: e.ci_low.clamp(r_lo, r_hi), ci_high: e.ci_high.clamp(r_lo, r_hi), ..e };
        let points: Vec<(Estimate, RGBColor)> = models.iter().map(|s| (inside(s.final_year(m)), s.colour)).collect();
        dot_panel(panel, m.title(), m.unit(), &labels, &points, r_lo)?;
    }
    let names: Vec<(&str, RGBColor)> = models.iter().map(|s| (s.name.as_str(), s.colour)).collect();
    legend(
        &strip,
        &names,
        &format!("dots: mean over {across} of the final-year average; bars: 95% confidence interval"),
    )?;
    Ok(())
}

/// Dependency in both directions: by dimension (volunteers on government), and a map of
/// D(v←g) against D(g←v) where the diagonal is symmetric dependence.
pub fn draw_dependency<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    models: &[ModelSeries],
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let (plots, strip) = frame(root, "Dependency between volunteers and government (final year)", models)?;
    let (left, right) = plots.split_horizontally(plots.dim_in_pixel().0 * 58 / 100);
    // left: grouped bars by dimension
    let dims = [
        ("legitimacy", M::DependenceLegitimacy),
        ("funding", M::DependenceFunding),
        ("human resources", M::DependenceHuman),
        ("knowledge", M::DependenceKnowledge),
        ("overall", M::DependenceOnGovernment),
    ];
    let mut chart = ChartBuilder::on(&left)
        .caption("Volunteers' dependence on government, by dimension", (FAMILY, CAPTION))
        .margin(12)
        .x_label_area_size(60)
        .y_label_area_size(100)
        .build_cartesian_2d(-0.5f64..(dims.len() as f64 - 0.5), 0f64..1.05)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID_LINE)
        .disable_x_mesh()
        .x_labels(dims.len())
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < dims.len() {
                dims[i as usize].0.to_string()
            } else {
                String::new()
            }
        })
        .y_desc("I·s(government, dimension)")
        .label_style((FAMILY, LABEL))
        .axis_desc_style((FAMILY, DESC))
        .draw()?;
    let n = models.len().max(1) as f64;
    let width = 0.8 / n;
    for (g, &(_, m)) in dims.iter().enumerate() {
        for (i, s) in models.iter().enumerate() {
            let e = s.final_year(m);
            let x0 = g as f64 - 0.4 + i as f64 * width;
            let x1 = x0 + width * 0.9;
            if e.mean.is_finite() {
                chart.draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, e.mean)], s.colour.filled())))?;
            }
            if e.ci_low.is_finite() && e.ci_high.is_finite() {
                let xc = (x0 + x1) / 2.0;
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(xc, e.ci_low), (xc, e.ci_high)],
                    BLACK.stroke_width(2),
                )))?;
            }
        }
    }
    // right: the asymmetry map
    let mut chart = ChartBuilder::on(&right)
        .caption("Both directions", (FAMILY, CAPTION))
        .margin(12)
        .margin_right(36)
        .x_label_area_size(64)
        .y_label_area_size(100)
        .build_cartesian_2d(0f64..1f64, 0f64..1f64)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID_LINE)
        .x_desc("government's dependence on volunteers D(g←v)")
        .y_desc("volunteers' dependence on government D(v←g)")
        .label_style((FAMILY, LABEL))
        .axis_desc_style((FAMILY, DESC))
        .draw()?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (1.0, 1.0)],
        RGBColor(150, 150, 150).stroke_width(2),
    )))?;
    let grey = (FAMILY, LABEL).into_font().color(&GREY);
    chart.draw_series(std::iter::once(Text::new("symmetric", (0.70, 0.64), grey.clone())))?;
    chart.draw_series(std::iter::once(Text::new("volunteers depend more ↑", (0.04, 0.97), grey.clone())))?;
    chart.draw_series(std::iter::once(Text::new("government depends more →", (0.47, 0.08), grey)))?;
    for s in models {
        let (y, x) = (s.final_year(M::DependenceOnGovernment), s.final_year(M::GovernmentDependence));
        if !(x.mean.is_finite() && y.mean.is_finite()) {
            continue;
        }
        if x.ci_low.is_finite() && x.ci_high.is_finite() {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x.ci_low, y.mean), (x.ci_high, y.mean)],
                s.colour.stroke_width(3),
            )))?;
        }
        if y.ci_low.is_finite() && y.ci_high.is_finite() {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x.mean, y.ci_low), (x.mean, y.ci_high)],
                s.colour.stroke_width(3),
            )))?;
        }
        chart.draw_series(std::iter::once(Circle::new((x.mean, y.mean), 11, s.colour.filled())))?;
    }
    let names: Vec<(&str, RGBColor)> = models.iter().map(|s| (s.name.as_str(), s.colour)).collect();
    legend(
        &strip,
        &names,
        "bars and dots: mean over replications of the final-year average; lines: 95% confidence interval",
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
