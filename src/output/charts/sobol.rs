//! First-order and total Sobol' indices of one metric: two bars per factor.

use super::labels::{common_prefix, prefix_note};
use super::*;
use crate::sensitivity::SobolIndex;

/// First-order and total Sobol' indices of one metric: per factor an S1 and an ST bar side by
/// side with 95% interval whiskers; the y axis spans at least [0, 1], the range of a share.
pub fn sobol_chart(stem: &Path, metric: &str, factors: &[&str], indices: &[SobolIndex]) -> io::Result<()> {
    if indices.len() != factors.len() || factors.is_empty() {
        return Err(invalid(format!(
            "Sobol' chart of {metric}: {} indices for {} factor names (at least one needed)",
            indices.len(),
            factors.len()
        )));
    }
    let width = (300 + 170 * factors.len() as u32).clamp(1300, 2600);
    save(stem, (width, 1000), &SobolFigure { metric, factors, indices })
}

struct SobolFigure<'a> {
    metric: &'a str,
    factors: &'a [&'a str],
    indices: &'a [SobolIndex],
}

/// Split a factor's name into lines of at most `max` pixels, breaking after spaces, dots,
/// underscores, colons and Chinese characters (a single over-long piece stays whole).
fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    name: &str,
    font: &TextStyle,
    max: u32,
) -> Result<Vec<String>, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    // words: broken after separators; a word wider than the slot is broken between its Chinese
    // characters (so "接受邀约：" and "内在动机效应" stay whole where they fit)
    let mut words = Vec::new();
    let mut word = String::new();
    for c in name.chars() {
        word.push(c);
        if matches!(c, '.' | '_' | ' ' | ':' | '：' | '，' | '、' | '）') {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut pieces = Vec::new();
    for w in words {
        if w.chars().any(is_wide) && area.estimate_text_size(&w, font)?.0 > max {
            let mut piece = String::new();
            for c in w.chars() {
                piece.push(c);
                if is_wide(c) {
                    pieces.push(std::mem::take(&mut piece));
                }
            }
            if !piece.is_empty() {
                pieces.push(piece);
            }
        } else {
            pieces.push(w);
        }
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

/// A Chinese (CJK) character or full-width sign: a long run of them may break after any.
fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

impl Figure for SobolFigure<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let lang = crate::lang::current();
        let root = head(root, &lang.fill("sweep.sobol_title", &[("metric", &self.metric)]), "")?;
        let (w, h) = root.dim_in_pixel();
        let prefix = common_prefix(self.factors);
        // legend strip: what the two bars and the whiskers are
        let entries = [(lang.t("sweep.sobol_s1"), BLUE), (lang.t("sweep.sobol_st"), VERMILLION)];
        let (strip, plot) = root.split_vertically(legend_height(w, entries.iter().map(|e| e.0)));
        let mut note = lang.t("sweep.sobol_whiskers").to_string();
        if prefix > 0 {
            note = format!("{note}{}{}", lang.t("sweep.note_joiner"), prefix_note(self.factors, prefix));
        }
        legend_with(&strip, &entries, &note, Swatch::Square)?;

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
        mesh(&mut chart)
            .disable_x_mesh()
            .x_labels(n.max(2))
            .x_label_formatter(&|_| String::new())
            .x_desc(lang.t("sweep.factor"))
            .y_desc(lang.t("sweep.sobol_y"))
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
