//! Key results in plain language, each sentence made from the numbers: the highest and the
//! lowest model on a headline measure, their means with 95% CIs, the paired difference with its
//! CI and Vargha–Delaney A with its label. A ratio only where both means are positive and the
//! lower one is well away from 0; "no clear difference" where the paired CI includes 0; a note
//! where a measure sits at its bound.

use super::html::esc;
use super::numbers::{digits, fixed, show, Est};
use crate::lang::Lang;
use crate::measures::M;

/// The headline measures of the three outcomes (docs/ODD.md §1, Purpose), in the report's order.
pub const OUTCOMES: [(&str, [M; 3]); 3] = [
    ("report.outcome_dependency", [M::DependenceOnGovernment, M::Asymmetry, M::SoleDependence]),
    ("report.outcome_participation", [M::ActiveRate, M::Retention12m, M::CoproductionDepth]),
    ("report.outcome_sustainability", [M::Coverage, M::SelfFundingShare, M::GovCostPerServiceHour]),
];

/// The title of an outcome key of [`OUTCOMES`].
pub fn outcome_title(lang: Lang, key: &str) -> &'static str {
    match key {
        "report.outcome_dependency" => lang.t("report.outcome_dependency"),
        "report.outcome_participation" => lang.t("report.outcome_participation"),
        _ => lang.t("report.outcome_sustainability"),
    }
}

/// The space between sentences: none between Chinese sentences.
pub fn gap(lang: Lang) -> &'static str {
    if lang == Lang::Zh {
        ""
    } else {
        " "
    }
}

/// Vargha–Delaney's label in the report's language.
pub fn effect_name(lang: Lang, effect: &str) -> &'static str {
    match effect {
        "negligible" => lang.t("report.effect_negligible"),
        "small" => lang.t("report.effect_small"),
        "medium" => lang.t("report.effect_medium"),
        "large" => lang.t("report.effect_large"),
        _ => lang.t("report.effect_undefined"),
    }
}

/// Vargha–Delaney's label of A (thresholds as in [`crate::experiment::compare::effect_label`]).
pub fn effect_of(a: f64) -> &'static str {
    crate::experiment::compare::effect_label(a)
}

/// A paired comparison of two models on one measure: the difference a − b and A = P(a > b).
#[derive(Clone, Copy, Debug)]
pub struct Paired {
    pub difference: Est,
    pub a: f64,
}

/// Whether `x` sits at one of the measure's bounds (within 0.1% of its range, or 1e-9).
pub fn at_bound(m: M, x: f64) -> Option<f64> {
    let (lo, hi) = m.range();
    let tol = if (hi - lo).is_finite() { 1e-3 * (hi - lo) } else { 1e-9 };
    [lo, hi].into_iter().find(|b| b.is_finite() && x.is_finite() && (x - b).abs() <= tol)
}

/// One sentence (escaped markup) about measure `m` across `models` (display name, estimate):
/// the highest against the lowest, using `pair(i, j)` for the paired comparison of models i and j.
/// Where the lowest sits at the measure's bound, the highest is also set against the lowest
/// model off the bound, so that the comparison is not only about the bound.
pub fn sentence(lang: Lang, m: M, models: &[(String, Est)], pair: &dyn Fn(usize, usize) -> Option<Paired>) -> String {
    let head = format!("<span class=\"outcome\">{}</span>{}", esc(lang.metric_title(m)), lang.t("report.colon"));
    let defined: Vec<usize> = (0..models.len()).filter(|&i| models[i].1.mean.is_finite()).collect();
    if defined.len() < 2 {
        return head + &esc(lang.t("report.finding_undefined"));
    }
    let by_mean = |i: &&usize, j: &&usize| models[**i].1.mean.total_cmp(&models[**j].1.mean);
    let hi = *defined.iter().max_by(by_mean).unwrap_or(&0);
    let lo = *defined.iter().min_by(by_mean).unwrap_or(&0);
    // every model at the same bound: the comparison is about the bound
    let bounds: Vec<Option<f64>> = defined.iter().map(|&i| at_bound(m, models[i].1.mean)).collect();
    if let Some(Some(bound)) = bounds.first().copied().filter(|f| f.is_some() && bounds.iter().all(|x| x == f)) {
        return head + &esc(&lang.fill("report.finding_all_at_bound", &[("bound", &show(bound))]));
    }
    let Some(p) = pair(hi, lo) else {
        return head + &esc(lang.t("report.finding_undefined"));
    };
    let mut out = head + &esc(&claim(lang, m, &models[hi], &models[lo], p));
    if at_bound(m, models[lo].1.mean).is_some() && at_bound(m, models[hi].1.mean).is_none() {
        let off = defined.iter().filter(|&&i| i != hi && at_bound(m, models[i].1.mean).is_none()).min_by(by_mean);
        if let Some((&lo2, Some(p2))) = off.map(|i| (i, pair(hi, *i))) {
            out.push_str(gap(lang));
            out +=
                &esc(&lang
                    .fill("report.finding_off_bound", &[("claim", &claim(lang, m, &models[hi], &models[lo2], p2))]));
        }
    }
    out
}

/// The claim about `a` (the higher) against `b`: a ratio, a difference or no clear difference,
/// with the means, their CIs, the paired difference's CI and A; and a note for a bound.
fn claim(lang: Lang, m: M, a: &(String, Est), b: &(String, Est), p: Paired) -> String {
    let unit = lang.metric_unit(m);
    let d = p.difference;
    let effect = effect_name(lang, effect_of(p.a));
    let dd = digits(&[d.mean, d.low, d.high]);
    let (name_a, name_b) = (a.0.as_str(), b.0.as_str());
    let (ma, mb) = (a.1.show(), b.1.show());
    let (dm, dl, dh) = (fixed(d.mean, dd), fixed(d.low, dd), fixed(d.high, dd));
    let va = fixed(p.a, 2);
    let ratio = a.1.mean / b.1.mean;
    let ratio_text = fixed(ratio, if ratio >= 10.0 { 0 } else { 1 });
    let args: [(&str, &dyn std::fmt::Display); 11] = [
        ("a", &name_a),
        ("b", &name_b),
        ("ma", &ma),
        ("mb", &mb),
        ("unit", &unit),
        ("d", &dm),
        ("dl", &dl),
        ("dh", &dh),
        ("va", &va),
        ("effect", &effect),
        ("ratio", &ratio_text),
    ];
    let mut text = if !d.has_ci() {
        lang.fill("report.finding_no_ci", &args)
    } else if d.includes_zero() {
        lang.fill("report.finding_no_clear", &args)
    } else {
        // a ratio only on a ratio scale, with the lower mean positive and precisely known
        let ratio_scale = m.range().0 >= 0.0;
        let lower_clear = b.1.low > 0.0 && (b.1.high - b.1.low) / 2.0 < 0.25 * b.1.mean;
        if ratio_scale && lower_clear && ratio.is_finite() && ratio >= 1.25 {
            lang.fill("report.finding_ratio", &args)
        } else {
            lang.fill("report.finding_difference", &args)
        }
    };
    for (name, e) in [a, b] {
        if let Some(bound) = at_bound(m, e.mean) {
            text.push_str(gap(lang));
            text += &lang.fill("report.finding_at_bound", &[("model", &name.as_str()), ("bound", &show(bound))]);
        }
    }
    text
}

/// A sentence (escaped markup) for groups that are not paired (a district's groups of
/// communities): the highest and the lowest with their CIs, and whether the CIs overlap.
pub fn unpaired_sentence(lang: Lang, m: M, groups: &[(String, Est)]) -> String {
    let metric = lang.metric_title(m);
    let unit = lang.metric_unit(m);
    let head = format!("<span class=\"outcome\">{}</span>{}", esc(metric), lang.t("report.colon"));
    let defined: Vec<&(String, Est)> = groups.iter().filter(|g| g.1.mean.is_finite()).collect();
    if defined.len() < 2 {
        return head + &esc(lang.t("report.finding_undefined"));
    }
    let hi = defined.iter().max_by(|x, y| x.1.mean.total_cmp(&y.1.mean)).unwrap();
    let lo = defined.iter().min_by(|x, y| x.1.mean.total_cmp(&y.1.mean)).unwrap();
    let args: [(&str, &dyn std::fmt::Display); 5] =
        [("a", &hi.0), ("b", &lo.0), ("ma", &hi.1.show()), ("mb", &lo.1.show()), ("unit", &unit)];
    let key = if hi.1.has_ci() && lo.1.has_ci() && lo.1.high < hi.1.low {
        "report.finding_unpaired_apart"
    } else {
        "report.finding_unpaired_overlap"
    };
    let mut text = match key {
        "report.finding_unpaired_apart" => lang.fill("report.finding_unpaired_apart", &args),
        _ => lang.fill("report.finding_unpaired_overlap", &args),
    };
    for (name, e) in [hi, lo] {
        if let Some(bound) = at_bound(m, e.mean) {
            text.push_str(gap(lang));
            text += &lang.fill("report.finding_at_bound", &[("model", &name.as_str()), ("bound", &show(bound))]);
        }
    }
    head + &esc(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(mean: f64, half: f64) -> Est {
        Est { mean, low: mean - half, high: mean + half, n: 30 }
    }

    #[test]
    fn claims_follow_the_intervals() {
        let models = vec![("gov".to_string(), e(0.6, 0.02)), ("vol".to_string(), e(0.2, 0.02))];
        let clear = |_: usize, _: usize| Some(Paired { difference: e(0.4, 0.03), a: 1.0 });
        let s = sentence(Lang::En, M::DependenceOnGovernment, &models, &clear);
        assert!(s.contains("3.0×") && s.contains("large"), "{s}");
        let unclear = |_: usize, _: usize| Some(Paired { difference: e(0.01, 0.03), a: 0.52 });
        let s = sentence(Lang::En, M::DependenceOnGovernment, &models, &unclear);
        assert!(s.contains("no clear difference") && !s.contains('×'), "{s}");
        // a difference, not a ratio, on a measure that can be negative
        let s = sentence(Lang::En, M::Asymmetry, &models, &clear);
        assert!(!s.contains('×') && s.contains("higher"), "{s}");
        // a lower model at 0: no ratio, and the bound is said
        let models = vec![("gov".to_string(), e(0.6, 0.02)), ("vol".to_string(), e(0.0, 0.0))];
        let s = sentence(Lang::En, M::DependenceOnGovernment, &models, &clear);
        assert!(!s.contains('×') && s.contains("bound"), "{s}");
        let both = vec![("gov".to_string(), e(1.0, 0.0)), ("vol".to_string(), e(1.0, 0.0))];
        let s = sentence(Lang::Zh, M::Coverage, &both, &clear);
        assert!(s.contains("边界"), "{s}");
    }
}
