//! Sensitivity-analysis figures: the Morris μ*–σ plane, Sobol' index bars and a two-factor
//! heatmap, each written as `<stem>.png` and `<stem>.svg` through [`charts::save`], with the
//! same embedded font, text sizes and Okabe–Ito colours as the other figures.
//!
//! Factor names are parameter paths such as `behaviour.retention.base_hazard`, long and often
//! similar, so labels are placed where they collide with nothing, and bar labels wrap at the
//! dots of the path instead of running into each other.

use super::charts::{
    self, fitted_size, Figure, Swatch, Ticks, BLUE, CAPTION, DESC, FAMILY, GREY, GRID_LINE, LABEL, NOTE, VERMILLION,
};
use crate::sensitivity::{MorrisIndex, SobolIndex};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::error::Error;
use std::io;
use std::path::Path;

/// Dots of factors left unlabelled in a Morris panel.
const FAINT: RGBColor = RGBColor(170, 170, 170);
/// Tick labels asked for on numeric axes (plotters draws at most this many).
const TICKS: usize = 10;

type Drawn = Result<(), Box<dyn Error>>;

/// One metric's Morris indices, one per factor in the order of the factor names.
pub struct MorrisPanel<'a> {
    /// Names the panel, e.g. "Service coverage of demand (final year)".
    pub metric: &'a str,
    pub indices: &'a [MorrisIndex],
}

/// Morris screening plane, one panel per metric (two a row): μ* against σ, each factor a dot
/// labelled with its name, μ*'s 95% interval as a horizontal bar, and the line σ = μ*. Factors
/// far right matter; above the line their effect depends strongly on the other factors.
///
/// `font` replaces the embedded font as `--font` does (registered once per process: the first
/// registration wins).
pub fn morris_chart(stem: &Path, factors: &[&str], panels: &[MorrisPanel], font: Option<Vec<u8>>) -> io::Result<()> {
    if panels.is_empty() {
        return Err(invalid("a Morris chart needs at least one metric".into()));
    }
    for p in panels {
        if p.indices.len() != factors.len() {
            return Err(invalid(format!(
                "Morris chart of {}: {} indices for {} factor names",
                p.metric,
                p.indices.len(),
                factors.len()
            )));
        }
    }
    let cols = panels.len().min(2);
    let rows = panels.len().div_ceil(cols);
    let size = (if cols == 1 { 1300 } else { 2000 }, 110 + 920 * rows as u32);
    save(stem, size, &MorrisFigure { factors, panels }, font)
}

/// First-order and total Sobol' indices of one metric: per factor an S1 and an ST bar side by
/// side with 95% interval whiskers; the y axis spans at least [0, 1], the range of a share.
pub fn sobol_chart(
    stem: &Path,
    metric: &str,
    factors: &[&str],
    indices: &[SobolIndex],
    font: Option<Vec<u8>>,
) -> io::Result<()> {
    if indices.len() != factors.len() || factors.is_empty() {
        return Err(invalid(format!(
            "Sobol' chart of {metric}: {} indices for {} factor names (at least one needed)",
            indices.len(),
            factors.len()
        )));
    }
    let width = (300 + 170 * factors.len() as u32).clamp(1300, 2600);
    save(stem, (width, 1000), &SobolFigure { metric, factors, indices }, font)
}

/// A metric over a two-factor grid (the design [`crate::sensitivity::design::grid`] makes
/// from `[x_levels, y_levels]`).
pub struct Heatmap<'a> {
    /// The metric's name for the title and colour bar, e.g. "coverage".
    pub metric: &'a str,
    /// Its unit, e.g. "share of demand"; empty for none.
    pub unit: &'a str,
    /// Parameter path of the factor across, e.g. "actors.government.budget_per_month".
    pub x_factor: &'a str,
    pub x_levels: &'a [f64],
    /// Parameter path of the factor up.
    pub y_factor: &'a str,
    pub y_levels: &'a [f64],
    /// One value per grid point in `grid(&[x_levels, y_levels])` order, i.e. `values[ix * ny + iy]`;
    /// NaN cells are shown as "n/a".
    pub values: &'a [f64],
}

/// Heatmap of a metric over a two-factor grid, values written in the cells where they fit, with
/// a colour bar (viridis: perceptually even and readable in grey and by colour-blind readers).
pub fn heatmap_chart(stem: &Path, heatmap: &Heatmap, font: Option<Vec<u8>>) -> io::Result<()> {
    let (nx, ny) = (heatmap.x_levels.len(), heatmap.y_levels.len());
    if nx == 0 || ny == 0 || heatmap.values.len() != nx * ny {
        return Err(invalid(format!(
            "heatmap of {}: {} values for {nx} × {ny} levels",
            heatmap.metric,
            heatmap.values.len()
        )));
    }
    let width = (500 + 110 * nx as u32).clamp(1400, 2400);
    let height = (320 + 70 * ny as u32).clamp(1000, 1800);
    save(stem, (width, height), &HeatmapFigure(heatmap), font)
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

fn save(stem: &Path, size: (u32, u32), figure: &impl Figure, font: Option<Vec<u8>>) -> io::Result<()> {
    charts::init_fonts(font).map_err(io::Error::other)?;
    charts::save(stem, size, figure).map_err(io::Error::other)
}

/// A cell label: few digits, a fixed number of decimals for a magnitude, so cells line up;
/// plain decimals down to a millionth ("0.0052", not "5.2e-3").
fn format_cell(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        "n/a".into()
    } else if a == 0.0 {
        "0".into()
    } else if a >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.01 {
        format!("{v:.2}")
    } else if a >= 1e-6 {
        // two significant digits
        let places = (1 - a.log10().floor() as i32) as usize;
        format!("{v:.places$}")
    } else {
        format!("{v:.1e}")
    }
}

/// The length of the prefix up to a dot that all factor names share ("behaviour." for
/// `behaviour.retention.base_hazard` and `behaviour.satisfaction.voice`): labels leave it out
/// and the figure says so once. 0 for a single factor or names without a shared part.
fn common_prefix(names: &[&str]) -> usize {
    let Some((first, rest)) = names.split_first() else { return 0 };
    if rest.is_empty() {
        return 0;
    }
    first
        .char_indices()
        .rev()
        .find(|&(i, c)| {
            c == '.' && names.iter().all(|n| n.len() > i + 1 && n.as_bytes()[..=i] == first.as_bytes()[..=i])
        })
        .map_or(0, |(i, _)| i + 1)
}

/// The note on a shared prefix left out of the labels, or nothing.
fn prefix_note(names: &[&str], prefix: usize) -> String {
    match names.first() {
        Some(n) if prefix > 0 => format!("factor names without their common prefix \"{}\"", &n[..prefix]),
        _ => String::new(),
    }
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
    let root = charts::titled(&root.margin(12, 0, 0, 0), title)?;
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

/// A grid level as given (the actual value a run used), without floating-point noise.
fn format_level(v: f64) -> String {
    let r = (v * 1e6).round() / 1e6;
    if r.is_finite() && r != 0.0 {
        format!("{r}")
    } else {
        format!("{v}")
    }
}

/// Range of the finite values, padded by 8% above, from 0 (the indices are non-negative).
fn upper(values: impl Iterator<Item = f64>) -> f64 {
    let hi = values.filter(|v| v.is_finite()).fold(0.0, f64::max);
    if hi > 0.0 {
        hi * 1.08
    } else {
        1.0
    }
}

/// Pixel box of a label: (x0, y0, x1, y1).
type PixelBox = (i32, i32, i32, i32);

fn overlaps(a: PixelBox, b: PixelBox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Greedy label placement in pixels: the first spot around an anchor, inside the plot, that
/// covers nothing; failing that, the one that covers no dot or other label and the fewest
/// lines; failing that, the one that covers the fewest things.
struct Labels {
    plot: (std::ops::Range<i32>, std::ops::Range<i32>),
    /// Dots, labels and notes: text over them is unreadable.
    hard: Vec<PixelBox>,
    /// Pieces of lines and interval bars: text over them is still readable.
    soft: Vec<PixelBox>,
}

impl Labels {
    /// The box for a `(w, h)` label at `at`, and whether it had to move away from the anchor.
    fn place(&mut self, at: (i32, i32), (w, h): (u32, u32)) -> (PixelBox, bool) {
        let (w, h) = (w as i32, h as i32);
        let (x, y) = at;
        let mut candidates =
            vec![(14, -h / 2), (-14 - w, -h / 2), (8, -h - 10), (-w - 8, -h - 10), (8, 10), (-w - 8, 10)];
        for step in 1..10 {
            for sign in [-1, 1] {
                candidates.push((14, -h / 2 + sign * step * (h + 4)));
                candidates.push((-14 - w, -h / 2 + sign * step * (h + 4)));
            }
        }
        let (px, py) = &self.plot;
        let score = |&(dx, dy): &(i32, i32)| {
            let b = (x + dx, y + dy, x + dx + w, y + dy + h);
            let inside = b.0 >= px.start && b.2 <= px.end && b.1 >= py.start && b.3 <= py.end;
            let hard = self.hard.iter().filter(|t| overlaps(**t, b)).count();
            let soft = self.soft.iter().filter(|t| overlaps(**t, b)).count();
            (!inside, hard, soft)
        };
        let best = (0..candidates.len()).min_by_key(|&i| (score(&candidates[i]), i)).unwrap_or(0);
        let (dx, dy) = candidates[best];
        // a label wider than the plot still starts inside it
        let bx = (x + dx).clamp(px.start, (px.end - w).max(px.start));
        let by = (y + dy).clamp(py.start, (py.end - h).max(py.start));
        let b = (bx, by, bx + w, by + h);
        self.hard.push(b);
        (b, best >= 6)
    }
}

struct MorrisFigure<'a> {
    factors: &'a [&'a str],
    panels: &'a [MorrisPanel<'a>],
}

/// With at most this many factors every one is labelled.
const LABEL_ALL: usize = 10;
/// Otherwise the factors with the largest μ* are labelled...
const LABEL_TOP: usize = 8;
/// ...and up to this many in all, adding those with μ* or σ above this share of the panel's
/// largest (strong interactions with a modest mean effect).
const LABEL_MAX: usize = 12;
const LABEL_SHARE: f64 = 0.25;

/// Which factors of a panel get a label: all of a few, else those that matter (see above).
/// Factors without finite indices are not drawn and not labelled.
fn labelled(ix: &[MorrisIndex]) -> Vec<bool> {
    let finite = |m: &MorrisIndex| m.mu_star.is_finite() && m.sigma.is_finite();
    if ix.len() <= LABEL_ALL {
        return ix.iter().map(finite).collect();
    }
    let mut chosen = vec![false; ix.len()];
    let mut by_mu: Vec<usize> = (0..ix.len()).filter(|&i| finite(&ix[i])).collect();
    by_mu.sort_by(|&a, &b| ix[b].mu_star.total_cmp(&ix[a].mu_star).then(a.cmp(&b)));
    for &i in by_mu.iter().take(LABEL_TOP) {
        chosen[i] = true;
    }
    let mu_max = by_mu.first().map_or(0.0, |&i| ix[i].mu_star);
    let sigma_max = by_mu.iter().map(|&i| ix[i].sigma).fold(0.0, f64::max);
    let share = |v: f64, max: f64| if max > 0.0 { v / max } else { 0.0 };
    let score = |i: usize| share(ix[i].mu_star, mu_max).max(share(ix[i].sigma, sigma_max));
    let mut more: Vec<usize> = by_mu.iter().copied().filter(|&i| !chosen[i] && score(i) >= LABEL_SHARE).collect();
    more.sort_by(|&a, &b| score(b).total_cmp(&score(a)).then(a.cmp(&b)));
    for i in more.into_iter().take(LABEL_MAX - LABEL_TOP) {
        chosen[i] = true;
    }
    chosen
}

impl Figure for MorrisFigure<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let prefix = common_prefix(self.factors);
        let labels: Vec<&str> = self.factors.iter().map(|f| &f[prefix..]).collect();
        let mut note = prefix_note(self.factors, prefix);
        if self.factors.len() > LABEL_ALL {
            if !note.is_empty() {
                note.push_str("; ");
            }
            note.push_str("grey dots: factors with small effects, unlabelled");
        }
        let root = head(root, "Morris screening: elementary effects of each factor", &note)?;
        let cols = self.panels.len().min(2);
        let rows = self.panels.len().div_ceil(cols);
        for (area, panel) in root.split_evenly((rows, cols)).iter().zip(self.panels) {
            morris_panel(area, &labels, panel)?;
        }
        Ok(())
    }
}

fn morris_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, factors: &[&str], panel: &MorrisPanel) -> Drawn
where
    DB::ErrorType: 'static,
{
    let ix = panel.indices;
    let chosen = labelled(ix);
    let hidden = ix.iter().zip(&chosen).filter(|(m, c)| !**c && m.mu_star.is_finite() && m.sigma.is_finite()).count();
    // caption, and under it how many factors are left unlabelled
    let (w, _) = area.dim_in_pixel();
    let note_height = if hidden > 0 { NOTE + 8 } else { 0 };
    let (top, body) = area.split_vertically(CAPTION + 16 + note_height);
    let size = fitted_size(&top, panel.metric, CAPTION, w.saturating_sub(40))?;
    let centred = Pos::new(HPos::Center, VPos::Top);
    top.draw(&Text::new(panel.metric.to_string(), (w as i32 / 2, 8), TextStyle::from((FAMILY, size)).pos(centred)))?;
    if hidden > 0 {
        let text = format!(
            "unlabelled: {hidden} factor{} with small effects (see sensitivity.csv)",
            if hidden == 1 { "" } else { "s" }
        );
        let note = TextStyle::from((FAMILY, NOTE)).color(&GREY).pos(centred);
        top.draw(&Text::new(text, (w as i32 / 2, CAPTION as i32 + 14), note))?;
    }
    let x_hi = upper(ix.iter().flat_map(|m| [m.mu_star, m.mu_star_ci.1]));
    let y_hi = upper(ix.iter().map(|m| m.sigma));
    let (x_ticks, y_ticks) = (Ticks::new(0.0..x_hi, TICKS), Ticks::new(0.0..y_hi, TICKS));
    let mut chart = ChartBuilder::on(&body)
        .margin(16)
        .margin_top(4)
        .margin_right(40)
        .x_label_area_size(80)
        .y_label_area_size(110)
        .build_cartesian_2d(0f64..x_hi, 0f64..y_hi)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID_LINE)
        .x_labels(TICKS)
        .y_labels(TICKS)
        .x_desc("μ* = mean |elementary effect| (unit-cube scale)")
        .y_desc("σ = SD of elementary effects (unit-cube scale)")
        .label_style((FAMILY, LABEL))
        .axis_desc_style((FAMILY, DESC))
        .x_label_formatter(&|v| x_ticks.format(*v))
        .y_label_formatter(&|v| y_ticks.format(*v))
        .draw()?;
    // σ = μ*: above it a factor's effects vary more than their mean size (interactions or
    // non-linearity dominate)
    let t = x_hi.min(y_hi);
    chart.draw_series(DashedLineSeries::new(vec![(0.0, 0.0), (t, t)], 10, 8, GREY.stroke_width(2)))?;
    let points: Vec<(usize, (f64, f64))> = ix
        .iter()
        .enumerate()
        .filter(|(_, m)| m.mu_star.is_finite() && m.sigma.is_finite())
        .map(|(i, m)| (i, (m.mu_star, m.sigma)))
        .collect();
    // what labels must not cover: dots (hard), interval bars and the guide line (soft)
    let (mut hard, mut soft): (Vec<PixelBox>, Vec<PixelBox>) = (Vec::new(), Vec::new());
    // the unlabelled factors first, small and grey, under the others
    for &(_, p) in points.iter().filter(|(i, _)| !chosen[*i]) {
        chart.draw_series(std::iter::once(Circle::new(p, 5, FAINT.filled())))?;
        let (px, py) = chart.backend_coord(&p);
        hard.push((px - 5, py - 5, px + 5, py + 5));
    }
    for &(i, (x, y)) in points.iter().filter(|(i, _)| chosen[*i]) {
        let (lo, hi) = ix[i].mu_star_ci;
        if lo.is_finite() && hi.is_finite() && hi > lo {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(lo, y), (hi, y)],
                BLUE.mix(0.5).stroke_width(3),
            )))?;
            let (a, b) = (chart.backend_coord(&(lo, y)), chart.backend_coord(&(hi, y)));
            soft.push((a.0, a.1 - 3, b.0, b.1 + 3));
        }
        chart.draw_series(std::iter::once(Circle::new((x, y), 9, BLUE.filled())))?;
        let (px, py) = chart.backend_coord(&(x, y));
        hard.push((px - 10, py - 10, px + 10, py + 10));
    }
    for s in 0..=60 {
        let (px, py) = chart.backend_coord(&(t * s as f64 / 60.0, t * s as f64 / 60.0));
        soft.push((px - 3, py - 3, px + 3, py + 3));
    }
    let mut labels = Labels { plot: chart.plotting_area().get_pixel_range(), hard, soft };
    let screen = body.use_screen_coord();
    let note = TextStyle::from((FAMILY, NOTE)).color(&GREY);
    let end = chart.backend_coord(&(t, t));
    let size = body.estimate_text_size("σ/μ* = 1", &note)?;
    let (b, _) = labels.place(end, size);
    screen.draw(&Text::new("σ/μ* = 1", (b.0, b.1), note))?;
    let font = TextStyle::from((FAMILY, LABEL));
    // the most important first: they get the best spots
    let mut order: Vec<usize> = points.iter().map(|(i, _)| *i).filter(|i| chosen[*i]).collect();
    order.sort_by(|&a, &b| ix[b].mu_star.total_cmp(&ix[a].mu_star).then(a.cmp(&b)));
    for i in order {
        let at = chart.backend_coord(&(ix[i].mu_star, ix[i].sigma));
        let (b, moved) = labels.place(at, body.estimate_text_size(factors[i], &font)?);
        if moved {
            // a label pushed away from its dot gets a thin leader line
            let ly = if b.1 > at.1 { b.1 } else { b.3 };
            let lx = if b.0 > at.0 { b.0 } else { b.2 };
            screen.draw(&PathElement::new(vec![at, (lx, ly)], GREY.stroke_width(1)))?;
        }
        screen.draw(&Text::new(factors[i].to_string(), (b.0, b.1), font.clone()))?;
    }
    Ok(())
}

struct SobolFigure<'a> {
    metric: &'a str,
    factors: &'a [&'a str],
    indices: &'a [SobolIndex],
}

/// Split a parameter path into lines of at most `max` pixels, breaking after dots or
/// underscores (a single over-long piece stays whole).
fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    name: &str,
    font: &TextStyle,
    max: u32,
) -> Result<Vec<String>, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for c in name.chars() {
        piece.push(c);
        if c == '.' || c == '_' {
            pieces.push(std::mem::take(&mut piece));
        }
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    let mut lines: Vec<String> = Vec::new();
    for p in pieces {
        match lines.last_mut() {
            Some(line) if area.estimate_text_size(&format!("{line}{p}"), font)?.0 <= max => line.push_str(&p),
            _ => lines.push(p),
        }
    }
    Ok(lines)
}

impl Figure for SobolFigure<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let root = head(root, &format!("Sobol' indices of {}", self.metric), "")?;
        let (w, h) = root.dim_in_pixel();
        let prefix = common_prefix(self.factors);
        // legend strip: what the two bars and the whiskers are
        let entries = [("S1: first-order (alone)", BLUE), ("ST: total (with interactions)", VERMILLION)];
        let (strip, plot) = root.split_vertically(charts::legend_height(w, entries.iter().map(|e| e.0)));
        let mut note = "whiskers: 95% bootstrap confidence interval".to_string();
        if prefix > 0 {
            note = format!("{note}; {}", prefix_note(self.factors, prefix));
        }
        charts::legend_with(&strip, &entries, &note, Swatch::Square)?;

        let n = self.factors.len();
        let values = self.indices.iter().flat_map(|s| [s.s1, s.st, s.s1_ci.0, s.s1_ci.1, s.st_ci.0, s.st_ci.1]);
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for v in values.filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        let pad = (hi - lo) * 0.03;
        let (lo, hi) = (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad);
        // factor names under their bars, wrapped to the slot
        let label_font = TextStyle::from((FAMILY, LABEL));
        let slot = ((w - 200) / n as u32).saturating_sub(16).max(60);
        let mut names = Vec::with_capacity(n);
        for f in self.factors {
            names.push(wrap(&plot, &f[prefix..], &label_font, slot)?);
        }
        let lines = names.iter().map(Vec::len).max().unwrap_or(1) as u32;
        let line_height = LABEL + 6;
        let ticks = Ticks::new(lo..hi, TICKS);
        let mut chart = ChartBuilder::on(&plot)
            .margin(16)
            .margin_right(30)
            .x_label_area_size((20 + lines * line_height + DESC + 24).min(h / 2))
            .y_label_area_size(110)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), lo..hi)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID_LINE)
            .disable_x_mesh()
            .x_labels(n.max(2))
            .x_label_formatter(&|_| String::new())
            .x_desc("factor")
            .y_desc("Sobol' index (share of output variance)")
            .label_style((FAMILY, LABEL))
            .axis_desc_style((FAMILY, DESC))
            .y_labels(TICKS)
            .y_label_formatter(&|v| ticks.format(*v))
            .draw()?;
        if lo < 0.0 {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(-0.5, 0.0), (n as f64 - 0.5, 0.0)],
                BLACK.stroke_width(1),
            )))?;
        }
        for (i, s) in self.indices.iter().enumerate() {
            let c = i as f64;
            for (value, ci, colour, x0) in [(s.s1, s.s1_ci, BLUE, c - 0.38), (s.st, s.st_ci, VERMILLION, c + 0.02)] {
                let x1 = x0 + 0.36;
                if value.is_finite() {
                    chart.draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, value)], colour.filled())))?;
                }
                if ci.0.is_finite() && ci.1.is_finite() {
                    let xm = (x0 + x1) / 2.0;
                    let whisker = BLACK.stroke_width(2);
                    chart.draw_series(std::iter::once(PathElement::new(vec![(xm, ci.0), (xm, ci.1)], whisker)))?;
                    for y in [ci.0, ci.1] {
                        let cap = vec![(xm - 0.06, y), (xm + 0.06, y)];
                        chart.draw_series(std::iter::once(PathElement::new(cap, whisker)))?;
                    }
                }
            }
        }
        let screen = plot.use_screen_coord();
        let centred = label_font.pos(Pos::new(HPos::Center, VPos::Top));
        for (i, lines) in names.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(i as f64, lo));
            for (l, line) in lines.iter().enumerate() {
                screen.draw(&Text::new(line.clone(), (x, y + 12 + l as i32 * line_height as i32), centred.clone()))?;
            }
        }
        Ok(())
    }
}

struct HeatmapFigure<'a>(&'a Heatmap<'a>);

/// Viridis at t in [0, 1] (9 stops of matplotlib's table, linearly interpolated).
fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let s = t * 8.0;
    let i = (s.floor() as usize).min(7);
    let f = s - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |a: u8, b: u8| (a as f64 + f * (b as f64 - a as f64)).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Every n-th level's label, so at most about `max` are shown.
fn sparse_label(levels: &[f64], v: f64, max: usize) -> String {
    let i = v.round();
    if (v - i).abs() > 1e-6 || i < 0.0 || i as usize >= levels.len() {
        return String::new();
    }
    let every = levels.len().div_ceil(max).max(1);
    if i as usize % every == 0 {
        format_level(levels[i as usize])
    } else {
        String::new()
    }
}

impl Figure for HeatmapFigure<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let hm = self.0;
        let (nx, ny) = (hm.x_levels.len(), hm.y_levels.len());
        let root = head(root, &format!("{} over two factors", hm.metric), "")?;
        let (w, _) = root.dim_in_pixel();
        let (main, bar) = root.split_horizontally(w - 250);
        let (mut vmin, mut vmax) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in hm.values.iter().filter(|v| v.is_finite()) {
            vmin = vmin.min(*v);
            vmax = vmax.max(*v);
        }
        if !vmin.is_finite() {
            (vmin, vmax) = (0.0, 1.0);
        } else if vmax - vmin <= f64::EPSILON * vmax.abs().max(1.0) {
            let half = (vmax.abs() * 0.01).max(0.5);
            (vmin, vmax) = (vmin - half, vmax + half);
        }
        let t = |v: f64| (v - vmin) / (vmax - vmin);
        let mut chart = ChartBuilder::on(&main)
            .margin(16)
            .margin_top(24)
            .x_label_area_size(90)
            .y_label_area_size(130)
            .build_cartesian_2d(-0.5f64..(nx as f64 - 0.5), -0.5f64..(ny as f64 - 0.5))?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(nx + 1)
            .y_labels(ny + 1)
            .x_label_formatter(&|v| sparse_label(hm.x_levels, *v, 12))
            .y_label_formatter(&|v| sparse_label(hm.y_levels, *v, 16))
            .x_desc(hm.x_factor)
            .y_desc(hm.y_factor)
            .label_style((FAMILY, LABEL))
            .axis_desc_style((FAMILY, DESC))
            .draw()?;
        let cell_w = chart.backend_coord(&(1.0, 0.0)).0 - chart.backend_coord(&(0.0, 0.0)).0;
        let cell_h = chart.backend_coord(&(0.0, 0.0)).1 - chart.backend_coord(&(0.0, 1.0)).1;
        let value_font = TextStyle::from((FAMILY, LABEL)).pos(Pos::new(HPos::Center, VPos::Center));
        for ix in 0..nx {
            for iy in 0..ny {
                let v = hm.values[ix * ny + iy];
                let (x, y) = (ix as f64, iy as f64);
                let fill = if v.is_finite() { viridis(t(v)) } else { RGBColor(215, 215, 215) };
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    fill.filled(),
                )))?;
                let text = format_cell(v);
                let (tw, th) = main.estimate_text_size(&text, &value_font)?;
                if (tw as i32) < cell_w - 8 && (th as i32) < cell_h - 4 {
                    let ink = if v.is_finite() && t(v) < 0.6 { WHITE } else { BLACK };
                    chart.draw_series(std::iter::once(Text::new(text, (x, y), value_font.color(&ink))))?;
                }
            }
        }
        // colour bar
        // the scenario after " — " is in the title already
        let metric = hm.metric.split(" — ").next().unwrap_or(hm.metric);
        let desc = if hm.unit.is_empty() { metric.to_string() } else { format!("{metric} ({})", hm.unit) };
        let ticks = Ticks::new(vmin..vmax, TICKS);
        let mut scale = ChartBuilder::on(&bar)
            .margin(16)
            .margin_top(24)
            .margin_left(20)
            .x_label_area_size(90)
            .y_label_area_size(130)
            .build_cartesian_2d(0f64..1f64, vmin..vmax)?;
        scale
            .configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_desc(desc)
            .label_style((FAMILY, LABEL))
            .axis_desc_style((FAMILY, DESC))
            .y_labels(TICKS)
            .y_label_formatter(&|v| ticks.format(*v))
            .draw()?;
        let steps = 200;
        for s in 0..steps {
            let (a, b) = (s as f64 / steps as f64, (s + 1) as f64 / steps as f64);
            let (ya, yb) = (vmin + a * (vmax - vmin), vmin + b * (vmax - vmin));
            scale.draw_series(std::iter::once(Rectangle::new([(0.0, ya), (1.0, yb)], viridis(a).filled())))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitivity::design::{grid, morris, saltelli, scale};
    use crate::sensitivity::{morris_indices, sobol_indices};
    use std::f64::consts::PI;

    const FACTORS: [&str; 5] = [
        "behaviour.retention.base_hazard",
        "behaviour.retention.burnout_weight",
        "actors.government.budget_per_month",
        "instruments.points.rate",
        "community.residents",
    ];

    fn model(x: &[f64]) -> f64 {
        // two inert factors close together, one strong additive, two interacting
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin() + 0.02 * x[3] + 0.01 * x[4]
    }

    /// The SVG as text, after checking it is well-formed XML.
    fn svg_text(path: &Path) -> String {
        let svg = std::fs::read_to_string(path).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        doc.descendants().filter_map(|n| n.text()).collect::<Vec<_>>().join("\n")
    }

    fn check_png(path: &Path) {
        let bytes = std::fs::read(path).unwrap();
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000, "{}: {} bytes", path.display(), bytes.len());
    }

    #[test]
    fn charts_are_written_as_png_and_svg_with_titles_and_names() {
        let dir = tempfile::tempdir().unwrap();
        // set GOVSIM_KEEP_CHARTS=1 to keep the folder and look at the figures
        let out = if std::env::var_os("GOVSIM_KEEP_CHARTS").is_some() { dir.keep() } else { dir.path().to_path_buf() };
        let bounds = [(-PI, PI); 5];

        let d = morris(40, 5, 4, 1);
        let y: Vec<f64> = d.iter().map(|u| model(&scale(u, &bounds))).collect();
        let m1 = morris_indices(&d, &y, 5, 300, 1).unwrap();
        let y2: Vec<f64> = d.iter().map(|u| u[0] + 3.0 * u[1] * u[2]).collect();
        let m2 = morris_indices(&d, &y2, 5, 300, 1).unwrap();
        let panels = [
            MorrisPanel { metric: "Service coverage of demand (final year)", indices: &m1 },
            MorrisPanel { metric: "Annual retention of volunteers", indices: &m2 },
        ];
        morris_chart(&out.join("morris"), &FACTORS, &panels, None).unwrap();

        let y: Vec<f64> = saltelli(512, 5, 1).iter().map(|u| model(&scale(u, &bounds))).collect();
        let s = sobol_indices(&y, 5, 300, 1).unwrap();
        sobol_chart(&out.join("sobol"), "coverage (final year)", &FACTORS, &s, None).unwrap();

        let xs = [5000.0, 10000.0, 20000.0, 40000.0, 80000.0];
        let ys = [0.0, 0.01, 0.02, 0.05];
        let values: Vec<f64> =
            grid(&[xs.to_vec(), ys.to_vec()]).iter().map(|p| (p[0] / 80000.0).sqrt() * (1.0 - 8.0 * p[1])).collect();
        let hm = Heatmap {
            metric: "coverage",
            unit: "share of demand",
            x_factor: "actors.government.budget_per_month",
            x_levels: &xs,
            y_factor: "behaviour.retention.base_hazard",
            y_levels: &ys,
            values: &values,
        };
        heatmap_chart(&out.join("heatmap"), &hm, None).unwrap();

        for stem in ["morris", "sobol", "heatmap"] {
            check_png(&out.join(format!("{stem}.png")));
        }
        let text = svg_text(&out.join("morris.svg"));
        assert!(text.contains("(unit-cube scale)") && text.contains("σ/μ* = 1"));
        assert!(text.contains("Service coverage of demand") && text.contains("Annual retention"));
        assert!(FACTORS.iter().all(|f| text.contains(f)), "a factor label is missing");
        let text = svg_text(&out.join("sobol.svg"));
        assert!(text.contains("Sobol' index (share of output variance)") && text.contains("S1") && text.contains("ST"));
        // names are wrapped at the dots: every piece is there
        assert!(text.contains("retention.") && text.contains("budget_per_month") && text.contains("residents"));
        let text = svg_text(&out.join("heatmap.svg"));
        assert!(
            text.contains("actors.government.budget_per_month") && text.contains("behaviour.retention.base_hazard")
        );
        assert!(text.contains("coverage (share of demand)") && text.contains("80000"));
    }

    #[test]
    fn many_factors_label_only_those_that_matter() {
        let dir = tempfile::tempdir().unwrap();
        // 25 factors: f00 has the largest μ*, falling off; f24 has a small μ* but the largest σ
        let names: Vec<String> = (0..25).map(|i| format!("behaviour.group.f{i:02}")).collect();
        let factors: Vec<&str> = names.iter().map(String::as_str).collect();
        let indices: Vec<MorrisIndex> = (0..25)
            .map(|i| {
                let mu_star = if i == 24 { 0.002 } else { 0.5 * 0.7f64.powi(i) };
                let sigma = if i == 24 { 0.6 } else { 0.8 * mu_star };
                MorrisIndex { mu: mu_star, mu_star, sigma, mu_star_ci: (0.8 * mu_star, 1.2 * mu_star), effects: 10 }
            })
            .collect();
        let panels = [MorrisPanel { metric: "coverage.final_year_mean — government-driven", indices: &indices }];
        morris_chart(&dir.path().join("m"), &factors, &panels, None).unwrap();
        let text = svg_text(&dir.path().join("m.svg"));
        // the top 8 by μ* and the one with a large σ are labelled, without the shared prefix
        for i in (0..8).chain([24]) {
            assert!(text.lines().any(|l| l == format!("f{i:02}")), "f{i:02} is not labelled");
        }
        for i in 8..24 {
            assert!(!text.contains(&format!("f{i:02}")), "f{i:02} is labelled");
        }
        assert!(!text.lines().any(|l| l.starts_with("behaviour.group.f")), "labels keep the common prefix");
        assert!(text.contains("\"behaviour.group.\""), "the common prefix is not mentioned");
        assert!(text.contains("unlabelled: 16 factors with small effects (see sensitivity.csv)"));
        // tick labels are distinct and plain
        let ticks: Vec<&str> = text.lines().filter(|l| l.parse::<f64>().is_ok()).collect();
        assert!(ticks.len() >= 8 && ticks.iter().all(|t| !t.contains('e')), "{ticks:?}");
    }

    #[test]
    fn mismatched_input_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let m = MorrisIndex { mu: 1.0, mu_star: 1.0, sigma: 0.0, mu_star_ci: (1.0, 1.0), effects: 2 };
        let panels = [MorrisPanel { metric: "m", indices: &[m] }];
        assert!(morris_chart(&dir.path().join("a"), &["x", "y"], &panels, None).is_err());
        assert!(morris_chart(&dir.path().join("a"), &["x"], &[], None).is_err());
        assert!(sobol_chart(&dir.path().join("b"), "m", &["x"], &[], None).is_err());
        let hm = Heatmap {
            metric: "m",
            unit: "",
            x_factor: "a",
            x_levels: &[1.0, 2.0],
            y_factor: "b",
            y_levels: &[1.0],
            values: &[1.0],
        };
        assert!(heatmap_chart(&dir.path().join("c"), &hm, None).is_err());
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing is written for bad input");
    }

    #[test]
    fn prefixes_and_cells() {
        assert_eq!(common_prefix(&["a.b.c", "a.b.d", "a.e"]), 2);
        assert_eq!(common_prefix(&["a.b.c", "a.b.d"]), 4);
        assert_eq!(common_prefix(&["a.b", "c.d"]), 0);
        assert_eq!(common_prefix(&["a.b"]), 0);
        assert_eq!(format_cell(0.0052), "0.0052");
        assert_eq!(format_cell(0.35), "0.35");
        assert_eq!(format_cell(f64::NAN), "n/a");
    }

    #[test]
    fn viridis_runs_dark_to_light() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
    }
}
