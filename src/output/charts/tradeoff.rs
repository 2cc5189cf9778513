//! PRIM's coverage–density trade-off (`govsim discover`): every box of the peeling and pasting
//! trajectory, coloured by how many factors it restricts, the chosen box ringed (as EMA
//! Workbench's `show_tradeoff`).

use super::heatmap::viridis;
use super::labels::{Labels, PixelBox};
use super::*;

/// One box of the trajectory.
#[derive(Clone, Copy, Debug)]
pub struct TradeoffPoint {
    pub coverage: f64,
    pub density: f64,
    /// Factors the box restricts.
    pub restricted: usize,
    /// Whether the step pasted (widened a limit) rather than peeled.
    pub paste: bool,
}

/// The trade-off chart's data.
pub struct Tradeoff<'a> {
    /// E.g. "coverage.final_year_mean below 0.5 — multi-actor".
    pub title: &'a str,
    /// A grey line under the title (what a case is, how many).
    pub note: &'a str,
    /// The steps in order (the first is the box of all cases).
    pub points: &'a [TradeoffPoint],
    /// The chosen step.
    pub chosen: usize,
    /// What a case is, plural ("runs", "design points"), for the axis titles.
    pub cases: &'a str,
    /// The density asked for, drawn as a dashed line.
    pub density: Option<f64>,
}

/// The coverage–density chart of a PRIM trajectory: x coverage, y density (both shares, 0 to
/// 1), one dot per step joined in order, colour by restricted factors (viridis, discrete), the
/// chosen box ringed and labelled, the density asked for dashed.
pub fn tradeoff_chart(stem: &Path, t: &Tradeoff) -> io::Result<()> {
    if t.points.is_empty() || t.chosen >= t.points.len() {
        return Err(invalid(format!("trade-off chart: {} steps, chosen step {}", t.points.len(), t.chosen)));
    }
    save(stem, (1500, 1300), &TradeoffFigure(t))
}

struct TradeoffFigure<'a>(&'a Tradeoff<'a>);

/// The colour of a box restricting `r` of at most `max` factors.
fn colour(r: usize, max: usize) -> RGBColor {
    // viridis without its palest yellow end, readable on white
    viridis(if max == 0 { 0.0 } else { r as f64 / max as f64 * 0.85 })
}

impl Figure for TradeoffFigure<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let t = self.0;
        let lang = crate::lang::current();
        let root = head(root, &lang.fill("discovery.tradeoff_title", &[("title", &t.title)]), t.note)?;
        let max = t.points.iter().map(|p| p.restricted).max().unwrap_or(0);
        let names: Vec<String> = (0..=max)
            .map(|r| match r {
                1 => lang.t("discovery.restricted_one").to_string(),
                _ => lang.fill("discovery.restricted_n", &[("n", &r)]),
            })
            .collect();
        let (w, h) = root.dim_in_pixel();
        let legend_h = legend_height(w, names.iter().map(String::as_str));
        let (plot, strip) = root.split_vertically(h - legend_h);
        let ticks = Ticks::new(0.0..1.0, TICKS);
        let mut chart = ChartBuilder::on(&plot)
            .margin(16)
            .margin_right(40)
            .x_label_area_size(90)
            .y_label_area_size(120)
            .build_cartesian_2d(0f64..1.04, 0f64..1.04)?;
        mesh(&mut chart)
            .x_labels(TICKS)
            .y_labels(TICKS)
            .x_desc(lang.fill("discovery.coverage_axis", &[("cases", &t.cases)]))
            .y_desc(lang.fill("discovery.density_axis", &[("cases", &t.cases)]))
            .x_label_formatter(&|v| ticks.format(*v))
            .y_label_formatter(&|v| ticks.format(*v))
            .draw()?;
        let mut hard: Vec<PixelBox> = Vec::new();
        let mut soft: Vec<PixelBox> = Vec::new();
        if let Some(d) = t.density.filter(|d| d.is_finite()) {
            chart.draw_series(DashedLineSeries::new(vec![(0.0, d), (1.04, d)], 12, 8, GREY.stroke_width(2)))?;
            let (_, py) = chart.backend_coord(&(0.0, d));
            let (x0, x1) = (chart.backend_coord(&(0.0, d)).0, chart.backend_coord(&(1.04, d)).0);
            soft.push((x0, py - 2, x1, py + 2));
        }
        // the order of the steps, thin
        let path: Vec<(f64, f64)> = t
            .points
            .iter()
            .filter(|p| p.coverage.is_finite() && p.density.is_finite())
            .map(|p| (p.coverage, p.density))
            .collect();
        chart.draw_series(std::iter::once(PathElement::new(path.clone(), RGBColor(150, 150, 150).stroke_width(1))))?;
        for w in path.windows(2) {
            let (a, b) = (chart.backend_coord(&w[0]), chart.backend_coord(&w[1]));
            soft.push((a.0.min(b.0) - 1, a.1.min(b.1) - 1, a.0.max(b.0) + 1, a.1.max(b.1) + 1));
        }
        for p in t.points.iter().filter(|p| p.coverage.is_finite() && p.density.is_finite()) {
            let at = (p.coverage, p.density);
            let fill = colour(p.restricted, max);
            let edge = RGBColor(60, 60, 60).stroke_width(1);
            if p.paste {
                // no outline: pasting steps lie close together, and outlines would blot them out
                chart.draw_series(std::iter::once(TriangleMarker::new(at, 12, fill.filled())))?;
            } else {
                chart.draw_series(std::iter::once(Circle::new(at, 8, fill.filled())))?;
                chart.draw_series(std::iter::once(Circle::new(at, 8, edge)))?;
            }
            let (px, py) = chart.backend_coord(&at);
            hard.push((px - 8, py - 8, px + 8, py + 8));
        }
        // the chosen box: a ring and its label
        let c = t.points[t.chosen];
        let mut labels = Labels { plot: chart.plotting_area().get_pixel_range(), hard, soft };
        if c.coverage.is_finite() && c.density.is_finite() {
            chart.draw_series(std::iter::once(Circle::new((c.coverage, c.density), 18, BLACK.stroke_width(3))))?;
            let at = chart.backend_coord(&(c.coverage, c.density));
            // the label keeps clear of the ring (radius 18), not only of the dot
            labels.hard.push((at.0 - 21, at.1 - 21, at.0 + 21, at.1 + 21));
            let text = lang.fill(
                "discovery.chosen_label",
                &[
                    ("step", &t.chosen),
                    ("coverage", &format!("{:.2}", c.coverage)),
                    ("density", &format!("{:.2}", c.density)),
                    ("n", &c.restricted),
                ],
            );
            let font = TextStyle::from((FAMILY, LABEL + 2));
            let (b, moved) = labels.place(at, plot.estimate_text_size(&text, &font)?);
            let screen = plot.use_screen_coord();
            if moved {
                let ly = if b.1 > at.1 { b.1 } else { b.3 };
                let lx = if b.0 > at.0 { b.0 } else { b.2 };
                screen.draw(&PathElement::new(vec![at, (lx, ly)], GREY.stroke_width(1)))?;
            }
            screen.draw(&Text::new(text, (b.0, b.1), font))?;
        }
        let entries: Vec<(&str, RGBColor)> =
            names.iter().enumerate().map(|(r, n)| (n.as_str(), colour(r, max))).collect();
        let mut note = lang.t("discovery.tradeoff_note").to_string();
        if let Some(d) = t.density {
            note.push_str(&lang.fill("discovery.tradeoff_dashed", &[("density", &d)]));
        }
        legend_with(&strip, &entries, &note, Swatch::Square)
    }
}
