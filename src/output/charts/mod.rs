//! Charts (plotters), each written as `<stem>.png` and `<stem>.svg`, one file per figure:
//! [`timeseries`], [`final_state`] and [`dependency`] compare models (driver models, district
//! groups); [`morris`], [`sobol`] and [`heatmap`] show a sweep's sensitivity analysis, [`tradeoff`]
//! its scenario discovery (PRIM); [`labels`]
//! places labels where they collide with nothing. This file holds what they share: the font,
//! text sizes, palette, a figure's frame and title, tick labels and the legend strip.
//!
//! Text is drawn with a font embedded in the binary, so figures render on machines without any
//! system fonts: DejaVu Sans for Latin texts, a subset of Noto Sans CJK SC for Chinese ones
//! (licences in assets/fonts); `--font` swaps in another TTF/OTF, or `--font auto` an installed
//! CJK font ([`font`] says how the font is chosen). Colours: Okabe–Ito, a colour-blind-safe palette; a model is
//! drawn in its scenario's `colour` (the driver files set one each, which their variants inherit
//! through `extends`), else by position.

mod calibration;
mod dependency;
mod final_state;
pub mod font;
mod heatmap;
mod labels;
mod morris;
mod sobol;
mod targets;
#[cfg(test)]
mod tests;
mod timeseries;
mod tradeoff;

pub use calibration::{Marginal, Posterior, Predicted, Predictive};
pub use dependency::Dependency;
pub use final_state::{FinalState, FINAL_STATE_PANELS};
pub use heatmap::{heatmap_chart, Heatmap};
pub use morris::{morris_chart, MorrisPanel};
pub use sobol::sobol_chart;
pub use targets::{TargetSeries, Targets};
pub use timeseries::{Timeseries, MAX_EVENT_MARKS, TIMESERIES_PANELS};
pub use tradeoff::{tradeoff_chart, Tradeoff, TradeoffPoint};

use crate::experiment::compare::{band, Band};
use crate::experiment::{Estimate, Replication};
use crate::measures::M;
use crate::output::Colour;
use plotters::chart::{ChartContext, MeshStyle};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontStyle};
use std::error::Error;
use std::io;
use std::path::Path;
use std::sync::OnceLock;

/// The font family of all chart text. The chosen font is registered under this name and under
/// "sans-serif" (plotters' default); SVG files name it in `font-family`, so the list tells SVG
/// viewers what to use: CJK fonts first (their Latin letters are narrower than DejaVu Sans', so
/// text laid out for either bundled font still fits), then DejaVu Sans, then any sans-serif.
const FAMILY: &str = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', 'DejaVu Sans', sans-serif";
// Text sizes in pixels, chosen so that a 1800-pixel-wide figure printed across a page (7 in)
// keeps tick labels above 6 pt and titles near 9 pt. Shared by all figures (also the
// sensitivity charts), so they sit together in a report.
const TITLE: u32 = 36;
const CAPTION: u32 = 28;
const LABEL: u32 = 22;
const DESC: u32 = 24;
const LEGEND: u32 = 26;
const NOTE: u32 = 20;
/// Grid lines of the mesh.
const GRID_LINE: RGBColor = RGBColor(225, 225, 225);
/// Secondary text: notes on a plot, guide-line labels.
const GREY: RGBColor = RGBColor(110, 110, 110);

/// Tick labels asked for on numeric axes (plotters draws at most this many).
const TICKS: usize = 10;

type Drawn = Result<(), Box<dyn Error>>;

static FONT_RESULT: OnceLock<Result<(), String>> = OnceLock::new();

/// Register the font used for all text, once per process. `custom` (the bytes of a TTF/OTF)
/// replaces the embedded DejaVu Sans; the first call wins.
pub fn init_fonts(custom: Option<Vec<u8>>) -> Result<(), String> {
    match custom {
        Some(bytes) => init_font_bytes(Box::leak(bytes.into_boxed_slice())),
        None => init_font_bytes(font::DEJAVU),
    }
}

/// Register `bytes` (a TrueType/OpenType font, e.g. [`font::Bundled::bytes`]) for all chart
/// text, once per process; the first call wins ([`font`] says how the CLI chooses).
pub fn init_font_bytes(bytes: &'static [u8]) -> Result<(), String> {
    FONT_RESULT
        .get_or_init(|| {
            for family in [FAMILY, "sans-serif"] {
                for style in [FontStyle::Normal, FontStyle::Bold] {
                    register_font(family, style, bytes)
                        .map_err(|_| "the font file is not a usable TrueType/OpenType font".to_string())?;
                }
            }
            Ok(())
        })
        .clone()
}

/// Okabe–Ito colours without yellow (too pale on white).
const PALETTE: [RGBColor; 7] = [
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 114, 178),   // blue
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
];
const VERMILLION: RGBColor = PALETTE[0];
const BLUE: RGBColor = PALETTE[3];

/// The colour of the model at `index` of a figure: its scenario's `colour`, else by position
/// from the palette's sixth colour on (sky blue, black, vermillion, ...; the driver files use
/// the first five).
pub fn series_colour(colour: Option<Colour>, index: usize) -> RGBColor {
    colour.map_or(PALETTE[(5 + index) % PALETTE.len()], |Colour(r, g, b)| RGBColor(r, g, b))
}

/// How each of a figure's models is drawn: its scenario's `colour` (or [`series_colour`]); a
/// model whose colour an earlier one already has (a case that `extends` a driver, the arms of
/// an experiment) keeps the hue, so that the arms of one driver read together, and is told
/// apart by a lighter tint and a dashed line (then dotted, …), its `repeat` > 0.
pub fn line_looks(colours: &[Option<Colour>]) -> Vec<(RGBColor, u8)> {
    let mut base: Vec<RGBColor> = Vec::with_capacity(colours.len());
    let mut out = Vec::with_capacity(colours.len());
    for (i, &c) in colours.iter().enumerate() {
        let colour = series_colour(c, i);
        let repeat = base.iter().filter(|&&b| b == colour).count().min(u8::MAX as usize) as u8;
        base.push(colour);
        out.push((if repeat == 0 { colour } else { tint(colour, repeat) }, repeat));
    }
    out
}

/// A lighter tint of `c` for its `repeat`-th reuse: mixed with white, more for later repeats
/// (at most 60%, so that it stays visible on white).
fn tint(c: RGBColor, repeat: u8) -> RGBColor {
    let w = (0.3 + 0.15 * (repeat as f64 - 1.0)).min(0.6);
    let mix = |v: u8| (v as f64 + (255.0 - v as f64) * w).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// Dash and gap lengths (pixels) of the line of a model's `repeat`-th reuse of a colour:
/// none for the first, dashes for the second, dots for the third, long dashes after.
fn dash_of(repeat: u8) -> Option<(u32, u32)> {
    match repeat {
        0 => None,
        1 => Some((16, 9)),
        2 => Some((4, 7)),
        _ => Some((28, 8)),
    }
}

/// Draw a model's line through `points` in its look (solid, or dashed for a repeated colour).
fn draw_line<DB: DrawingBackend>(chart: &mut Chart<'_, DB>, points: Vec<(f64, f64)>, s: &ModelSeries) -> Drawn
where
    DB::ErrorType: 'static,
{
    match dash_of(s.repeat) {
        None => chart.draw_series(LineSeries::new(points, s.colour.stroke_width(3)))?,
        Some((dash, gap)) => chart.draw_series(DashedLineSeries::new(points, dash, gap, s.colour.stroke_width(3)))?,
    };
    Ok(())
}

/// A model's data for the figures.
pub struct ModelSeries {
    /// The name readers see (the scenario's label, or its name in the language of the figure).
    pub name: String,
    pub colour: RGBColor,
    /// How many earlier models of the figure have the same colour ([`line_looks`]): 0 draws
    /// solid lines, more draw dashed or dotted ones.
    pub repeat: u8,
    /// Band per metric (all metrics, in `M` order), over steps.
    pub bands: Vec<Band>,
    /// Final-year estimate per metric (all metrics, in `M` order).
    pub final_year: Vec<Estimate>,
}

impl ModelSeries {
    /// A model's 95% bands of every metric over `reps`, with its final-year estimates.
    pub fn new(name: String, colour: RGBColor, reps: &[Replication], final_year: Vec<Estimate>) -> ModelSeries {
        ModelSeries { name, colour, repeat: 0, bands: M::ALL.iter().map(|&m| band(reps, m)).collect(), final_year }
    }

    /// The same model drawn in a given look ([`line_looks`]).
    pub fn with_look(self, (colour, repeat): (RGBColor, u8)) -> ModelSeries {
        ModelSeries { colour, repeat, ..self }
    }

    fn band(&self, m: M) -> &Band {
        &self.bands[m.index()]
    }

    fn final_year(&self, m: M) -> Estimate {
        self.final_year[m.index()]
    }
}

/// Something that can be drawn on any plotters backend.
pub trait Figure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static;
}

/// Write a figure as `<stem>.png` and `<stem>.svg`, with the font registered by [`init_fonts`]
/// (the embedded one if none was).
pub fn save(stem: &Path, size: (u32, u32), figure: &impl Figure) -> io::Result<()> {
    init_fonts(None).map_err(io::Error::other)?;
    let fail = |e: Box<dyn Error>| io::Error::other(format!("cannot draw {}: {e}", stem.display()));
    let (png, svg) = (stem.with_extension("png"), stem.with_extension("svg"));
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

/// Input a figure cannot be drawn from (nothing is written).
fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// A y range covering the values, padded: non-negative measures start just below their floor
/// (a line or dot at 0 stays visible above the axis; [`Ticks::format_above`] hides the ticks below),
/// signed ones (asymmetry) always include 0, the point of symmetry.
fn y_range(values: impl Iterator<Item = f64>, metric_lo: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if metric_lo >= 0.0 && lo >= metric_lo {
        // from the measure's floor: 0 for most, 0.25 for co-production depth (one phase of four)
        lo = metric_lo;
    } else if metric_lo < 0.0 {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.06;
    (if lo == metric_lo { lo - (hi - lo) * 0.025 } else { lo - pad }, hi + pad)
}

/// The axis title of a metric: its unit, and for a unitless index its range ("index, 0 to 1");
/// figures with an index say once what an index is ([`index_note`]).
fn axis_unit(m: M) -> String {
    let lang = crate::lang::current();
    match m.unit() {
        "index" => {
            let (lo, hi) = m.range();
            lang.fill("chart.index_range", &[("lo", &lo), ("hi", &hi)])
        }
        _ => lang.metric_unit(m).to_string(),
    }
}

/// What "index" on an axis means, said once per figure that has one.
fn index_note() -> &'static str {
    crate::lang::current().t("chart.index_note")
}

/// Width in pixels of `text` at `size` in the font charts are drawn with (Chinese is about twice
/// as wide per character as Latin, so no estimate by character count would do).
fn text_width(text: &str, size: u32) -> i32 {
    let _ = init_fonts(None);
    match FontDesc::from((FAMILY, size)).box_size(text) {
        Ok((w, _)) => w as i32,
        // the font could not measure: a wide guess, so that nothing overlaps
        Err(_) => size as i32 * text.chars().count() as i32,
    }
}

/// Width in pixels of one legend entry (line sample, name and the gap after it).
fn legend_entry_width(name: &str) -> i32 {
    46 + text_width(name, LEGEND) + 34
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
fn legend_height<'a>(width: u32, names: impl Iterator<Item = &'a str>) -> u32 {
    legend_rows(width, names).len() as u32 * 38 + 40
}

/// How a legend entry shows its colour.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Swatch {
    /// A short thick line, for series drawn as lines.
    Line,
    /// A filled square, for bars.
    Square,
}

/// The legend strip of a figure of models: each model's colour as a line and its name, with a
/// note on what lines, bands or dots mean.
fn legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, models: &[ModelSeries], note: &str) -> Drawn
where
    DB::ErrorType: 'static,
{
    let entries: Vec<(&str, RGBColor)> = models.iter().map(|s| (s.name.as_str(), s.colour)).collect();
    let dashes: Vec<u8> = models.iter().map(|s| s.repeat).collect();
    legend_styled(area, &entries, &dashes, note, Swatch::Line)
}

/// The position `i` in `0..n` when `v` is (within rounding) the whole number `i`: tick values
/// of a category axis, whose categories sit at 0, 1, 2, ...
fn slot(v: f64, n: usize) -> Option<usize> {
    let i = v.round();
    ((v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n).then_some(i as usize)
}

/// A legend strip (see [`legend_height`] for its height): a swatch and a name per entry,
/// centred and wrapped into rows, then a grey note on what the marks mean.
fn legend_with<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(&str, RGBColor)],
    note: &str,
    swatch: Swatch,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    legend_styled(area, entries, &[], note, swatch)
}

/// [`legend_with`], line swatches dashed as the models' lines are (`repeats[i]` of entry i; none
/// given: all solid).
fn legend_styled<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(&str, RGBColor)],
    repeats: &[u8],
    note: &str,
    swatch: Swatch,
) -> Drawn
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
            let at = entries.iter().position(|(n, _)| n == name);
            let colour = at.map_or(BLACK, |i| entries[i].1);
            let dash = at.and_then(|i| repeats.get(i)).and_then(|&r| dash_of(r));
            match (swatch, dash) {
                (Swatch::Line, Some((d, g))) => {
                    // dashes of the line's pattern, as many as fit the sample
                    let mut x0 = x;
                    while x0 < x + 36 {
                        let x1 = (x0 + d as i32).min(x + 36);
                        area.draw(&PathElement::new(vec![(x0, y), (x1, y)], colour.stroke_width(4)))?;
                        x0 = x1 + g as i32;
                    }
                }
                (Swatch::Line, None) => {
                    area.draw(&PathElement::new(vec![(x, y), (x + 36, y)], colour.stroke_width(4)))?
                }
                (Swatch::Square, _) => {
                    area.draw(&Rectangle::new([(x + 4, y - 14), (x + 32, y + 14)], colour.filled()))?
                }
            }
            area.draw(&Text::new(name.to_string(), (x + 46, y - LEGEND as i32 / 2), font.clone()))?;
            x += legend_entry_width(name);
        }
        y += 38;
    }
    if !note.is_empty() {
        let size = fitted_size(area, note, NOTE, w.saturating_sub(20))?;
        let note_font = (FAMILY, size).into_font().color(&RGBColor(80, 80, 80));
        area.draw(&Text::new(note.to_string(), (10, y - 12), note_font))?;
    }
    Ok(())
}

/// The largest text size up to `size` (but not below 60% of it) at which `text` fits in
/// `width` pixels: long titles shrink instead of running off the canvas.
fn fitted_size<DB: DrawingBackend>(
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
fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    heading: &str,
) -> Result<DrawingArea<DB, Shift>, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    let size = fitted_size(root, heading, TITLE, w.saturating_sub(40))?;
    // a little room above: CJK fonts rise above the em box plotters places titles by
    Ok(root.margin(8, 0, 0, 0).titled(heading, (FAMILY, size))?)
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

/// A chart with numbers on both axes (every chart here is one).
type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The mesh every chart starts from: light grey grid lines at the labelled ticks only, and the
/// shared text sizes of tick labels and axis titles.
fn mesh<'a, 'b, DB: DrawingBackend>(
    chart: &'b mut Chart<'a, DB>,
) -> MeshStyle<'a, 'b, RangedCoordf64, RangedCoordf64, DB> {
    let mut style = chart.configure_mesh();
    style
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID_LINE)
        .label_style((FAMILY, LABEL))
        .axis_desc_style((FAMILY, DESC));
    style
}

/// Rows and columns of a panel grid: at most three panels a row.
fn grid(panels: usize) -> (usize, usize) {
    let cols = panels.clamp(1, 3);
    (panels.div_ceil(cols), cols)
}

/// A title line at the top, shrunk to fit, and a grey note under it (if any); the rest.
fn head<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    note: &str,
) -> Result<DrawingArea<DB, Shift>, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let root = titled(&root.margin(12, 0, 0, 0), title)?;
    if note.is_empty() {
        return Ok(root);
    }
    let (w, _) = root.dim_in_pixel();
    let (strip, rest) = root.split_vertically(NOTE + 16);
    let size = fitted_size(&strip, note, NOTE, w.saturating_sub(40))?;
    let font = TextStyle::from((FAMILY, size)).color(&GREY).pos(Pos::new(HPos::Center, VPos::Top));
    strip.draw(&Text::new(note.to_string(), (w as i32 / 2, 2), font))?;
    Ok(rest)
}

/// Tick labels for a numeric axis: plain decimals, all with the same number of places, as
/// many as the tick step needs so that neighbouring ticks never read alike ("0.035" and
/// "0.04" instead of "0.04" twice; "0.005" instead of "5.0e-3").
#[derive(Clone, Copy, Debug)]
struct Ticks {
    decimals: usize,
    step: f64,
}

impl Ticks {
    /// For the ticks plotters draws on `range` when asked for at most `count` labels
    /// (`x_labels(count)` / `y_labels(count)`: pass the same count).
    fn new(range: std::ops::Range<f64>, count: usize) -> Ticks {
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

    fn format(&self, v: f64) -> String {
        fixed(v, self.decimals, self.step)
    }

    /// [`Ticks::format`], but nothing for ticks below `lowest` (the padding under a measure
    /// that cannot be negative holds no values).
    fn format_above(&self, v: f64, lowest: f64) -> String {
        if v < lowest - self.step * 1e-6 {
            String::new()
        } else {
            self.format(v)
        }
    }

    /// The label of tick `v` on an axis of log10 values: the value `10^v` itself, with as many
    /// significant digits as neighbouring ticks need to differ ("0.012, 0.015, 0.018", never
    /// "0.01, 0.01, 0.02"), at least two.
    fn format_log(&self, v: f64) -> String {
        let x = 10f64.powf(v);
        if !x.is_finite() || x <= 0.0 {
            return "n/a".into();
        }
        // neighbours differ by the factor 10^step: a relative difference r needs about
        // 1 - log10(r) significant digits
        let r = if self.step > 0.0 { 1.0 - 10f64.powf(-self.step) } else { 0.01 };
        let digits = (1.0 - r.log10().floor()).clamp(2.0, 12.0) as i32;
        let places = (digits - 1 - x.log10().floor() as i32).clamp(0, 12) as usize;
        format!("{x:.places$}")
    }
}

/// `v` with `decimals` places; values within a millionth of a step of zero are "0" (no "-0.0").
fn fixed(v: f64, decimals: usize, step: f64) -> String {
    let v = if v.abs() <= step * 1e-6 { 0.0 } else { v };
    format!("{v:.decimals$}")
}

/// What [`compact`] writes for magnitudes below 0.005.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Small {
    /// "0": tick labels of an axis whose other ticks are much larger.
    Zero,
    /// Two significant digits down to a millionth ("0.0052", not "5.2e-3"), below that
    /// scientific: values written in cells.
    Digits,
}

/// A number in few characters, with a fixed number of decimals for a magnitude so that labels
/// of one kind line up: "12k", "340", "12.5", "0.35"; undefined values are "n/a". The one
/// formatter of chart numbers that are not axis ticks of a known step (those are [`Ticks`]).
fn compact(v: f64, small: Small) -> String {
    let a = v.abs();
    if !v.is_finite() {
        "n/a".into()
    } else if a == 0.0 || (small == Small::Zero && a < 0.005) {
        "0".into()
    } else if a >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.01 || small == Small::Zero {
        format!("{v:.2}")
    } else if a >= 1e-6 {
        // two significant digits
        let places = (1 - a.log10().floor() as i32) as usize;
        format!("{v:.places$}")
    } else {
        format!("{v:.1e}")
    }
}
