//! The Morris screening plane: μ* against σ per factor, one panel per metric.

use super::labels::{common_prefix, prefix_note, Labels, PixelBox};
use super::*;
use crate::sensitivity::MorrisIndex;

/// Dots of factors left unlabelled in a Morris panel.
const FAINT: RGBColor = RGBColor(170, 170, 170);

/// One metric's Morris indices, one per factor in the order of the factor names.
pub struct MorrisPanel<'a> {
    /// Names the panel, e.g. "Service coverage of demand (final year)".
    pub metric: &'a str,
    pub indices: &'a [MorrisIndex],
}

/// Morris screening plane, one panel per metric (two a row): μ* against σ, each factor a dot
/// labelled with its name, μ*'s 95% interval as a horizontal bar, and the line σ = μ*. Factors
/// far right matter; above the line their effect depends strongly on the other factors.
/// `factors` are the names readers see (labels, not paths: the analysis tables give the paths).
pub fn morris_chart(stem: &Path, factors: &[&str], panels: &[MorrisPanel]) -> io::Result<()> {
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
    save(stem, size, &MorrisFigure { factors, panels })
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
        let lang = crate::lang::current();
        let prefix = common_prefix(self.factors);
        let labels: Vec<&str> = self.factors.iter().map(|f| &f[prefix..]).collect();
        let mut notes = vec![lang.t("sweep.morris_scale").to_string()];
        notes.extend(Some(prefix_note(self.factors, prefix)).filter(|n| !n.is_empty()));
        if self.factors.len() > LABEL_ALL {
            notes.push(lang.t("sweep.morris_grey").to_string());
        }
        let note = notes.join(lang.t("sweep.note_joiner"));
        let root = head(root, lang.t("sweep.morris_title"), &note)?;
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
    let lang = crate::lang::current();
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
        let key = if hidden == 1 { "sweep.morris_unlabelled_one" } else { "sweep.morris_unlabelled" };
        let text = lang.fill(key, &[("n", &hidden)]);
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
    mesh(&mut chart)
        .x_labels(TICKS)
        .y_labels(TICKS)
        .x_desc(lang.t("sweep.morris_x"))
        .y_desc(lang.t("sweep.morris_y"))
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
