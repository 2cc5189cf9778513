//! Calibration figures: the posterior (marginals on the diagonal with the prior's 90% interval,
//! pairs below it) and the posterior predictive check (each target's interval against the
//! cases as written and at posterior draws).

use super::*;

/// One parameter of the posterior figure.
pub struct Marginal<'a> {
    pub name: &'a str,
    /// The prior's bounds, the axis range.
    pub bounds: (f64, f64),
    /// The prior's 5% and 95% quantiles.
    pub prior_90: (f64, f64),
    pub log_scale: bool,
}

/// `posterior.png|svg`: particles' values (parameter units) with their weights.
pub struct Posterior<'a> {
    pub heading: &'a str,
    pub parameters: Vec<Marginal<'a>>,
    /// Per particle: values (one per parameter) and weight.
    pub particles: Vec<(Vec<f64>, f64)>,
}

const PRIOR: RGBColor = RGBColor(200, 200, 200);
const POST: RGBColor = RGBColor(31, 119, 180);
const WRITTEN: RGBColor = RGBColor(150, 150, 150);

/// Parameters up to which the figure has pair plots; beyond, marginals only (the pairs would
/// grow with the square of the count: 25 parameters would be a 12,000-pixel square).
pub const MAX_PAIRS: usize = 6;

impl Posterior<'_> {
    pub fn save_in(&self, dir: &Path) -> io::Result<()> {
        let k = self.parameters.len().max(1);
        if k > MAX_PAIRS {
            let rows = k.div_ceil(3) as u32;
            return save(&dir.join("posterior"), (1500, 160 + 420 * rows), self);
        }
        let side = 120 + 460 * k as u32;
        save(&dir.join("posterior"), (side, side + 60), self)
    }
}

/// A position on a parameter's axis: its log where the prior is log-uniform.
fn axis(m: &Marginal, v: f64) -> f64 {
    if m.log_scale {
        v.log10()
    } else {
        v
    }
}

/// A tick label: the value itself on a log axis, else with the digits the ticks need.
fn axis_label(m: &Marginal, ticks: &Ticks, v: f64) -> String {
    if m.log_scale {
        ticks.format_log(v)
    } else {
        ticks.format(v)
    }
}

impl Figure for Posterior<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let lang = crate::lang::current();
        let root = head(
            root,
            self.heading,
            &if self.parameters.len() > MAX_PAIRS {
                lang.fill("calibration.posterior_note_many", &[("n", &MAX_PAIRS)])
            } else {
                lang.t("calibration.posterior_note").to_string()
            },
        )?;
        let k = self.parameters.len();
        if k > MAX_PAIRS {
            for (j, cell) in root.split_evenly((k.div_ceil(3), 3)).iter().enumerate().take(k) {
                self.histogram(cell, j)?;
            }
            return Ok(());
        }
        let cells = root.split_evenly((k, k));
        let w_max = self.particles.iter().map(|p| p.1).fold(0.0, f64::max).max(1e-300);
        for i in 0..k {
            for j in 0..k {
                let cell = &cells[i * k + j];
                if j > i {
                    continue;
                }
                let (mx, my) = (&self.parameters[j], &self.parameters[i]);
                let (x0, x1) = (axis(mx, mx.bounds.0), axis(mx, mx.bounds.1));
                if i == j {
                    self.histogram(cell, j)?;
                } else {
                    let (y0, y1) = (axis(my, my.bounds.0), axis(my, my.bounds.1));
                    let (xt, yt) = (Ticks::new(x0..x1, 5), Ticks::new(y0..y1, 5));
                    let mut chart = ChartBuilder::on(cell)
                        .margin(10)
                        .x_label_area_size(64)
                        .y_label_area_size(104)
                        .build_cartesian_2d(x0..x1, y0..y1)?;
                    mesh(&mut chart)
                        .x_labels(5)
                        .y_labels(5)
                        .x_label_formatter(&|x| axis_label(mx, &xt, *x))
                        .y_label_formatter(&|y| axis_label(my, &yt, *y))
                        .x_desc(mx.name)
                        .y_desc(my.name)
                        .draw()?;
                    chart.draw_series(self.particles.iter().map(|(v, w)| {
                        let shade = 0.15 + 0.85 * (w / w_max);
                        Circle::new((axis(mx, v[j]), axis(my, v[i])), 5, POST.mix(shade).filled())
                    }))?;
                }
            }
        }
        Ok(())
    }
}

impl Posterior<'_> {
    /// Parameter `j`'s marginal: weighted histogram on 20 bins of the prior's range, over the
    /// prior's 90% interval.
    fn histogram<DB: DrawingBackend>(&self, cell: &DrawingArea<DB, Shift>, j: usize) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let mx = &self.parameters[j];
        let (x0, x1) = (axis(mx, mx.bounds.0), axis(mx, mx.bounds.1));
        // weighted histogram on 20 bins of the prior's range
        let bins = 20;
        let mut h = vec![0.0; bins];
        for (v, w) in &self.particles {
            let x = axis(mx, v[j]);
            let b = (((x - x0) / (x1 - x0)) * bins as f64).floor().clamp(0.0, bins as f64 - 1.0) as usize;
            h[b] += w;
        }
        let top = h.iter().copied().fold(0.0, f64::max).max(1e-9) * 1.1;
        let (xt, yt) = (Ticks::new(x0..x1, 5), Ticks::new(0.0..top, 5));
        let mut chart = ChartBuilder::on(cell)
            .caption(mx.name, (FAMILY, LABEL))
            .margin(10)
            .x_label_area_size(64)
            .y_label_area_size(104)
            .build_cartesian_2d(x0..x1, 0.0..top)?;
        mesh(&mut chart)
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&|x| axis_label(mx, &xt, *x))
            .y_label_formatter(&|y| yt.format(*y))
            .y_desc(crate::lang::current().t("calibration.weight"))
            .draw()?;
        let (p0, p1) = (axis(mx, mx.prior_90.0), axis(mx, mx.prior_90.1));
        chart.draw_series(std::iter::once(Rectangle::new([(p0, 0.0), (p1, top)], PRIOR.mix(0.35).filled())))?;
        let width = (x1 - x0) / bins as f64;
        chart.draw_series(h.iter().enumerate().map(|(b, &v)| {
            let l = x0 + b as f64 * width;
            Rectangle::new([(l, 0.0), (l + width, v)], POST.mix(0.8).filled())
        }))?;
        Ok(())
    }
}

/// One target of the predictive figure.
pub struct Predicted<'a> {
    pub label: String,
    /// In English, as the metrics table writes units (the chart translates it).
    pub unit: &'a str,
    pub low: f64,
    pub high: f64,
    pub held_back: bool,
    /// (mean, 5%, 95%) of the draws' values: the cases as written, and at posterior draws.
    pub as_written: (f64, f64, f64),
    pub calibrated: (f64, f64, f64),
}

/// `predictive.png|svg`.
pub struct Predictive<'a> {
    pub heading: &'a str,
    pub targets: Vec<Predicted<'a>>,
}

impl Predictive<'_> {
    pub fn save_in(&self, dir: &Path) -> io::Result<()> {
        let (rows, _) = grid(self.targets.len());
        save(&dir.join("predictive"), (1800, 200 + 420 * rows.max(1) as u32), self)
    }
}

impl Figure for Predictive<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let lang = crate::lang::current();
        let root = head(root, self.heading, lang.t("calibration.predictive_note"))?;
        let (rows, cols) = grid(self.targets.len());
        for (panel, t) in root.split_evenly((rows, cols)).iter().zip(&self.targets) {
            let values = [t.low, t.high, t.as_written.1, t.as_written.2, t.calibrated.1, t.calibrated.2];
            let (lo, hi) = y_range(
                values.into_iter(),
                if values.iter().all(|v| !v.is_finite() || *v >= 0.0) { 0.0 } else { -1.0 },
            );
            let caption = if t.held_back {
                lang.fill("calibration.held_back_caption", &[("target", &t.label)])
            } else {
                t.label.clone()
            };
            let size = fitted_size(panel, &caption, CAPTION, panel.dim_in_pixel().0.saturating_sub(40))?;
            let mut chart = ChartBuilder::on(panel)
                .caption(caption, (FAMILY, size))
                .margin(12)
                .x_label_area_size(50)
                .y_label_area_size(100)
                .build_cartesian_2d(0.0..2.0, lo..hi)?;
            let yt = Ticks::new(lo..hi, 6);
            mesh(&mut chart)
                .disable_x_mesh()
                .x_labels(0)
                .y_labels(6)
                .y_desc(crate::sweep::label::unit_text(lang, t.unit))
                .y_label_formatter(&|y| yt.format(*y))
                .draw()?;
            // the two columns' names under the axis
            let base = panel.get_base_pixel();
            let font = TextStyle::from((FAMILY, LABEL)).pos(Pos::new(HPos::Center, VPos::Top));
            for (x, name) in [(0.5, lang.t("calibration.as_written")), (1.5, lang.t("calibration.calibrated"))] {
                let (px, py) = chart.backend_coord(&(x, lo));
                panel.draw(&Text::new(name, (px - base.0, py - base.1 + 10), font.clone()))?;
            }
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.05, t.low.max(lo)), (1.95, t.high.min(hi))],
                PRIOR.mix(0.45).filled(),
            )))?;
            for (x, (m, q05, q95), colour) in [(0.5, t.as_written, WRITTEN), (1.5, t.calibrated, POST)] {
                if q05.is_finite() && q95.is_finite() {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(x, q05), (x, q95)],
                        colour.stroke_width(4),
                    )))?;
                }
                if m.is_finite() {
                    chart.draw_series(std::iter::once(Circle::new((x, m), 9, colour.filled())))?;
                }
            }
        }
        Ok(())
    }
}
