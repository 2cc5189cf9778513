//! A metric over a two-factor grid, with a viridis colour bar.

use super::*;

/// A metric over a two-factor grid (the design [`crate::sensitivity::design::grid`] makes
/// from `[x_levels, y_levels]`).
pub struct Heatmap<'a> {
    /// The metric's name for the title and colour bar, e.g. "coverage".
    pub metric: &'a str,
    /// A grey line under the title (e.g. the factors' paths); empty for none.
    pub note: &'a str,
    /// Its unit, e.g. "share of demand"; empty for none.
    pub unit: &'a str,
    /// Axis title of the factor across, e.g. "government: budget per month (yuan/month)".
    pub x_factor: &'a str,
    pub x_levels: &'a [f64],
    /// Axis title of the factor up.
    pub y_factor: &'a str,
    pub y_levels: &'a [f64],
    /// One value per grid point in `grid(&[x_levels, y_levels])` order, i.e. `values[ix * ny + iy]`;
    /// NaN cells are shown as "n/a".
    pub values: &'a [f64],
    /// The metric's documented range (e.g. 0 to 1 for a share; infinite ends for none): the
    /// colour bar stays inside it.
    pub range: (f64, f64),
}

/// The colour bar's span for values from `vmin` to `vmax` of a measure documented over
/// `range`: at least a tenth of the range (or of the values' magnitude where the range is
/// unbounded), so that a spread of 0.006 in a share reads as small instead of filling the
/// whole scale, and never outside the range (a share's scale does not run to 1.5).
pub(super) fn colour_span(vmin: f64, vmax: f64, (lo, hi): (f64, f64)) -> (f64, f64) {
    if !vmin.is_finite() || !vmax.is_finite() {
        return (lo.max(0.0).min(if hi.is_finite() { hi } else { 1.0 }), if hi.is_finite() { hi } else { 1.0 });
    }
    let least = if (hi - lo).is_finite() { (hi - lo) * 0.1 } else { (vmin.abs().max(vmax.abs()) * 0.1).max(1e-9) };
    if vmax - vmin >= least {
        return (vmin, vmax);
    }
    let mid = (vmin + vmax) / 2.0;
    let (mut a, mut b) = (mid - least / 2.0, mid + least / 2.0);
    // shift back inside the documented range, keeping the span
    if a < lo {
        (a, b) = (lo, lo + least);
    }
    if b > hi {
        (a, b) = ((hi - least).max(lo), hi);
    }
    (a, b)
}

/// Heatmap of a metric over a two-factor grid, values written in the cells where they fit, with
/// a colour bar (viridis: perceptually even and readable in grey and by colour-blind readers).
pub fn heatmap_chart(stem: &Path, heatmap: &Heatmap) -> io::Result<()> {
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
    save(stem, (width, height), &HeatmapFigure(heatmap))
}

/// A grid level as given (the actual value a run used), without floating-point noise; levels of
/// 100 and more as whole numbers (26,666.67 yuan reads as 26667).
fn format_level(v: f64) -> String {
    let r = if v.abs() >= 100.0 { v.round() } else { (v * 1e4).round() / 1e4 };
    if r.is_finite() && r != 0.0 {
        format!("{r}")
    } else {
        format!("{v}")
    }
}

struct HeatmapFigure<'a>(&'a Heatmap<'a>);

/// Viridis at t in [0, 1] (9 stops of matplotlib's table, linearly interpolated).
pub(super) fn viridis(t: f64) -> RGBColor {
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
    let every = levels.len().div_ceil(max).max(1);
    match slot(v, levels.len()) {
        Some(i) if i % every == 0 => format_level(levels[i]),
        _ => String::new(),
    }
}

impl Figure for HeatmapFigure<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let hm = self.0;
        let (nx, ny) = (hm.x_levels.len(), hm.y_levels.len());
        let lang = crate::lang::current();
        // "metric — scenario": the grid between the two
        let title = match hm.metric.split_once(" — ") {
            Some((metric, scenario)) => {
                format!("{} — {scenario}", lang.fill("sweep.heatmap_title", &[("metric", &metric)]))
            }
            None => lang.fill("sweep.heatmap_title", &[("metric", &hm.metric)]),
        };
        let root = head(root, &title, hm.note)?;
        let (w, _) = root.dim_in_pixel();
        let (main, bar) = root.split_horizontally(w - 250);
        let (mut vmin, mut vmax) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in hm.values.iter().filter(|v| v.is_finite()) {
            vmin = vmin.min(*v);
            vmax = vmax.max(*v);
        }
        (vmin, vmax) = colour_span(vmin, vmax, hm.range);
        let t = |v: f64| (v - vmin) / (vmax - vmin);
        let mut chart = ChartBuilder::on(&main)
            .margin(16)
            .margin_top(24)
            .x_label_area_size(90)
            .y_label_area_size(130)
            .build_cartesian_2d(-0.5f64..(nx as f64 - 0.5), -0.5f64..(ny as f64 - 0.5))?;
        mesh(&mut chart)
            .disable_mesh()
            .x_labels(nx + 1)
            .y_labels(ny + 1)
            .x_label_formatter(&|v| sparse_label(hm.x_levels, *v, 12))
            .y_label_formatter(&|v| sparse_label(hm.y_levels, *v, 16))
            .x_desc(hm.x_factor)
            .y_desc(hm.y_factor)
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
                let text = compact(v, Small::Digits);
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
        let desc = if hm.unit.is_empty() {
            metric.to_string()
        } else {
            lang.fill("sweep.name_unit", &[("name", &metric), ("unit", &hm.unit)])
        };
        let ticks = Ticks::new(vmin..vmax, TICKS);
        let mut scale = ChartBuilder::on(&bar)
            .margin(16)
            .margin_top(24)
            .margin_left(20)
            .x_label_area_size(90)
            .y_label_area_size(130)
            .build_cartesian_2d(0f64..1f64, vmin..vmax)?;
        mesh(&mut scale)
            .disable_mesh()
            .disable_x_axis()
            .y_desc(desc)
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
