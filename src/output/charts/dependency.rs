//! Dependency of volunteers: on government by dimension, on every partner, and between
//! volunteers and government in both directions.

use super::*;

/// Dependency in both directions: by dimension (volunteers on government), and a map of
/// D(v←g) against D(g←v) where the diagonal is symmetric dependence.
pub struct Dependency<'a> {
    pub models: &'a [ModelSeries],
}

impl Dependency<'_> {
    /// Write `dir/dependency.png` and `dir/dependency.svg`.
    pub fn save_in(&self, dir: &Path) -> io::Result<()> {
        save(&dir.join("dependency"), (1800, 1150), self)
    }
}

impl Figure for Dependency<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        let lang = crate::lang::current();
        let (plots, strip) = frame(root, lang.t("chart.dependency_heading"), self.models)?;
        let (left, right) = plots.split_horizontally(plots.dim_in_pixel().0 * 58 / 100);
        let (top, bottom) = left.split_vertically(left.dim_in_pixel().1 / 2);
        let dims = [
            (lang.t("chart.dim_legitimacy"), M::DependenceLegitimacy),
            (lang.t("chart.dim_funding"), M::DependenceFunding),
            (lang.t("chart.dim_human"), M::DependenceHuman),
            (lang.t("chart.dim_knowledge"), M::DependenceKnowledge),
            (lang.t("chart.dim_overall"), M::DependenceOnGovernment),
        ];
        let y_desc = lang.t("chart.dependence_axis");
        grouped_bars(&top, self.models, lang.t("chart.by_dimension"), &dims, y_desc)?;
        let partners = [
            (lang.t("chart.partner_government"), M::DependenceOnGovernment),
            (lang.t("chart.partner_so"), M::DependenceOnSo),
            (lang.t("chart.partner_enterprises"), M::DependenceOnEnterprises),
            (lang.t("chart.partner_community"), M::DependenceOnCommunity),
        ];
        grouped_bars(&bottom, self.models, lang.t("chart.by_partner"), &partners, y_desc)?;
        both_directions(&right, self.models)?;
        let note = format!("{}; {}", lang.t("chart.dependency_caption"), index_note());
        legend(&strip, self.models, &note)
    }
}

/// Grouped bars: one group per measure in `groups` (label, metric), one bar per model.
fn grouped_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    models: &[ModelSeries],
    caption: &str,
    groups: &[(&str, M)],
    y_desc: &str,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let dims = groups;
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FAMILY, CAPTION))
        .margin(12)
        .x_label_area_size(60)
        .y_label_area_size(100)
        .build_cartesian_2d(-0.5f64..(dims.len() as f64 - 0.5), -0.02f64..1.05)?;
    let y_ticks = Ticks::new(-0.02..1.05, TICKS);
    mesh(&mut chart)
        .disable_x_mesh()
        .y_labels(TICKS)
        .y_label_formatter(&|y| y_ticks.format_above(*y, 0.0))
        .x_labels(dims.len())
        .x_label_formatter(&|x| slot(*x, dims.len()).map_or(String::new(), |i| dims[i].0.to_string()))
        .y_desc(y_desc)
        .draw()?;
    let width = 0.8 / models.len().max(1) as f64;
    for (g, &(_, m)) in dims.iter().enumerate() {
        for (i, s) in models.iter().enumerate() {
            let e = s.final_year(m);
            let x0 = g as f64 - 0.4 + i as f64 * width;
            let x1 = x0 + width * 0.9;
            if e.mean.is_finite() {
                chart.draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, e.mean)], s.colour.filled())))?;
                // a bar of height 0 is still there: a stub on the axis tells it from a missing one
                if e.mean < 0.006 {
                    chart
                        .draw_series(std::iter::once(Rectangle::new([(x0, -0.012), (x1, 0.006)], s.colour.filled())))?;
                }
            }
            if e.ci_low.is_finite() && e.ci_high.is_finite() {
                let xc = (x0 + x1) / 2.0;
                let whisker = PathElement::new(vec![(xc, e.ci_low), (xc, e.ci_high)], BLACK.stroke_width(2));
                chart.draw_series(std::iter::once(whisker))?;
            }
        }
    }
    Ok(())
}

/// The asymmetry map: D(v←g) against D(g←v) per model, where the diagonal is symmetric dependence.
fn both_directions<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, models: &[ModelSeries]) -> Drawn
where
    DB::ErrorType: 'static,
{
    let lang = crate::lang::current();
    let mut chart = ChartBuilder::on(area)
        .caption(lang.t("chart.both_directions"), (FAMILY, CAPTION))
        .margin(12)
        .margin_right(36)
        .x_label_area_size(64)
        .y_label_area_size(100)
        .build_cartesian_2d(-0.03f64..1.03f64, -0.03f64..1.03f64)?;
    // a little room around 0 to 1, so that a dot at 0 or 1 is not cut by the frame
    let ticks = Ticks::new(-0.03..1.03, TICKS);
    let label = |v: f64| if (-1e-9..=1.0 + 1e-9).contains(&v) { ticks.format(v) } else { String::new() };
    mesh(&mut chart)
        .x_labels(TICKS)
        .y_labels(TICKS)
        .x_label_formatter(&|v| label(*v))
        .y_label_formatter(&|v| label(*v))
        .x_desc(lang.t("chart.axis_gv"))
        .y_desc(lang.t("chart.axis_vg"))
        .draw()?;
    let diagonal = PathElement::new(vec![(0.0, 0.0), (1.0, 1.0)], RGBColor(150, 150, 150).stroke_width(2));
    chart.draw_series(std::iter::once(diagonal))?;
    let grey = (FAMILY, LABEL).into_font().color(&GREY);
    chart.draw_series(std::iter::once(Text::new(lang.t("chart.symmetric"), (0.70, 0.64), grey.clone())))?;
    chart.draw_series(std::iter::once(Text::new(
        lang.t("chart.volunteers_depend_more"),
        (0.04, 0.97),
        grey.clone(),
    )))?;
    chart.draw_series(std::iter::once(Text::new(lang.t("chart.government_depends_more"), (0.47, 0.08), grey)))?;
    for s in models {
        let (y, x) = (s.final_year(M::DependenceOnGovernment), s.final_year(M::GovernmentDependence));
        if !(x.mean.is_finite() && y.mean.is_finite()) {
            continue;
        }
        let bar = |from: (f64, f64), to: (f64, f64)| PathElement::new(vec![from, to], s.colour.stroke_width(3));
        if x.ci_low.is_finite() && x.ci_high.is_finite() {
            chart.draw_series(std::iter::once(bar((x.ci_low, y.mean), (x.ci_high, y.mean))))?;
        }
        if y.ci_low.is_finite() && y.ci_high.is_finite() {
            chart.draw_series(std::iter::once(bar((x.mean, y.ci_low), (x.mean, y.ci_high))))?;
        }
        chart.draw_series(std::iter::once(Circle::new((x.mean, y.mean), 11, s.colour.filled())))?;
    }
    Ok(())
}
