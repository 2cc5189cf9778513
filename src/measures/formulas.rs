//! The formulas of the measures as small pure functions, each unit-tested with hand-computed
//! cases among them (i) government the sole supplier, (ii) a social organisation supplying half
//! of every flow, (iii) a symmetric relation.

use crate::model::entities::{DIMENSIONS, SOURCES};

/// Source shares s(j) = flow(j) / Σ flow; all NaN when nothing flowed (undefined, not zero).
pub fn source_shares(flows: &[f64; SOURCES]) -> [f64; SOURCES] {
    let total: f64 = flows.iter().sum();
    if total > 0.0 {
        flows.map(|f| f / total)
    } else {
        [f64::NAN; SOURCES]
    }
}

/// Herfindahl–Hirschman index Σ s²; NaN when shares are undefined.
pub fn hhi(shares: &[f64]) -> f64 {
    shares.iter().map(|s| s * s).sum()
}

/// Overall dependence on source j: Σ_k w_k·I_k·s(j,k). Dimensions with no flow in the window
/// are left out and the remaining weights renormalised (a dimension nobody supplies creates no
/// dependence on anybody); NaN if no dimension had any flow.
pub fn dependence(shares: &[[f64; SOURCES]; DIMENSIONS], importance: &[f64; 4], weights: &[f64; 4], j: usize) -> f64 {
    dependence_on(shares, importance, weights, &[j])
}

/// Partners in the order of [`dominant_partner`]'s argument.
pub const PARTNERS: [&str; 3] = ["government", "social_organisations", "enterprises"];

/// The partner (index into [`PARTNERS`]) volunteers depend on most: the largest defined
/// dependence, the first on ties; `None` when none is defined.
pub fn dominant_partner(dependence: &[f64; 3]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (p, d) in dependence.iter().enumerate() {
        if d.is_finite() && best.is_none_or(|b| *d > dependence[b]) {
            best = Some(p);
        }
    }
    best
}

/// Dependence on a group of sources (e.g. the community's own: fund and residents): as
/// [`dependence`] with s(group, k) = Σ_{j in group} s(j, k).
pub fn dependence_on(
    shares: &[[f64; SOURCES]; DIMENSIONS],
    importance: &[f64; 4],
    weights: &[f64; 4],
    group: &[usize],
) -> f64 {
    let mut num = 0.0;
    let mut wsum = 0.0;
    for k in 0..DIMENSIONS {
        let share: f64 = group.iter().map(|&j| shares[k][j]).sum();
        if share.is_finite() {
            num += weights[k] * importance[k] * share;
            wsum += weights[k];
        }
    }
    if wsum > 0.0 {
        num / wsum
    } else {
        f64::NAN
    }
}

/// Weighted share of dimensions where source j's share reaches the threshold (唯一性依赖).
pub fn sole_dependence(shares: &[[f64; SOURCES]; DIMENSIONS], weights: &[f64; 4], j: usize, threshold: f64) -> f64 {
    let mut num = 0.0;
    let mut wsum = 0.0;
    for k in 0..DIMENSIONS {
        if shares[k][j].is_finite() {
            wsum += weights[k];
            if shares[k][j] >= threshold {
                num += weights[k];
            }
        }
    }
    if wsum > 0.0 {
        num / wsum
    } else {
        f64::NAN
    }
}

/// a / (a + b), None when a + b is 0.
pub fn share_of(a: f64, b: f64) -> Option<f64> {
    let t = a + b;
    if t > 0.0 {
        Some((a / t).clamp(0.0, 1.0))
    } else {
        None
    }
}

/// Burstiness B = (σ − μ)/(σ + μ) of a series (Goh & Barabási 2008). govsim applies it to
/// monthly volunteer hours rather than inter-event times: 1 = all hours in one burst,
/// −1 = the same every month. NaN for fewer than two values or no hours at all.
pub fn burstiness(series: &[f64]) -> f64 {
    if series.len() < 2 {
        return f64::NAN;
    }
    let n = series.len() as f64;
    let mean = series.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return f64::NAN;
    }
    let var = series.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let sd = var.sqrt();
    (sd - mean) / (sd + mean)
}

/// Coefficient of variation (population SD / mean); NaN when the mean is 0.
pub fn coefficient_of_variation(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    if n == 0.0 {
        return f64::NAN;
    }
    let mean = values.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return f64::NAN;
    }
    (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt() / mean
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::entities::{GOV, SO};

    const ONES: [f64; 4] = [1.0; 4];
    const QUARTERS: [f64; 4] = [0.25; 4];

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn case_i_government_sole_supplier() {
        // case (i): D(v←g) = 1, D(g←v) = 0 → A = 1, M = 1, HHI = 1, N_eff = 1
        let s = source_shares(&[5.0, 0.0, 0.0, 0.0, 0.0]);
        let shares = [s; 4];
        let d = dependence(&shares, &ONES, &QUARTERS, GOV);
        assert!(close(d, 1.0));
        let d_gv = 0.0;
        assert!(close(d - d_gv, 1.0));
        assert!(close(d + d_gv, 1.0));
        assert!(close(hhi(&s), 1.0));
        assert!(close(1.0 / hhi(&s), 1.0));
        assert!(close(sole_dependence(&shares, &QUARTERS, GOV, 0.9), 1.0));
    }

    #[test]
    fn case_ii_social_organisation_takes_half() {
        // (ii): s = 0.5 each, HHI = 0.5, N_eff = 2, D(v←g) = 0.5
        let s = source_shares(&[3.0, 3.0, 0.0, 0.0, 0.0]);
        assert!(close(s[GOV], 0.5) && close(s[SO], 0.5));
        let shares = [s; 4];
        assert!(close(hhi(&s), 0.5));
        assert!(close(1.0 / hhi(&s), 2.0));
        assert!(close(dependence(&shares, &ONES, &QUARTERS, GOV), 0.5));
        assert!(close(sole_dependence(&shares, &QUARTERS, GOV, 0.9), 0.0));
    }

    #[test]
    fn case_iii_symmetric() {
        // (iii): government supplies half of every dimension and volunteers half of its needs → A = 0
        let s = source_shares(&[1.0, 0.0, 0.0, 0.0, 1.0]);
        let d = dependence(&[s; 4], &ONES, &QUARTERS, GOV);
        let d_gv = share_of(10.0, 10.0).unwrap();
        assert!(close(d - d_gv, 0.0));
    }

    #[test]
    fn dependence_weights_importance_and_skips_empty_dimensions() {
        // legitimacy all government, funding half, human none, knowledge: nothing flowed
        let shares = [
            source_shares(&[1.0, 0.0, 0.0, 0.0, 0.0]),
            source_shares(&[1.0, 1.0, 0.0, 0.0, 0.0]),
            source_shares(&[0.0, 0.0, 0.0, 0.0, 4.0]),
            source_shares(&[0.0; 5]),
        ];
        // (0.25·1·1 + 0.25·0.5·0.5 + 0.25·1·0) / 0.75 with importance (1, 0.5, 1, 1)
        let d = dependence(&shares, &[1.0, 0.5, 1.0, 1.0], &QUARTERS, GOV);
        assert!(close(d, (0.25 + 0.0625) / 0.75));
        assert!(dependence(&[source_shares(&[0.0; 5]); 4], &ONES, &QUARTERS, GOV).is_nan());
    }

    #[test]
    fn dependence_on_every_partner_and_on_the_community() {
        use crate::model::entities::{ENT, FUND, SELF};
        // every dimension: enterprise 3, community fund 1, residents 1, government 0
        let s = source_shares(&[0.0, 0.0, 3.0, 1.0, 1.0]);
        let shares = [s; 4];
        assert!(close(dependence(&shares, &ONES, &QUARTERS, ENT), 0.6));
        assert!(close(dependence(&shares, &ONES, &QUARTERS, GOV), 0.0));
        assert!(close(dependence_on(&shares, &ONES, &QUARTERS, &[FUND, SELF]), 0.4));
        // the parts add up to one when importance is 1
        let all = dependence_on(&shares, &ONES, &QUARTERS, &[GOV, SO, ENT, FUND, SELF]);
        assert!(close(all, 1.0));
        // a single source as a group is the plain dependence, bit for bit
        assert_eq!(dependence_on(&shares, &ONES, &QUARTERS, &[ENT]), dependence(&shares, &ONES, &QUARTERS, ENT));
    }

    #[test]
    fn the_dominant_partner_is_the_largest_defined_dependence() {
        assert_eq!(dominant_partner(&[0.2, 0.5, 0.1]), Some(1));
        assert_eq!(dominant_partner(&[0.0, 0.0, 0.7]), Some(2));
        // ties go to the first (government)
        assert_eq!(dominant_partner(&[0.3, 0.3, 0.0]), Some(0));
        assert_eq!(dominant_partner(&[f64::NAN, 0.1, f64::NAN]), Some(1));
        assert_eq!(dominant_partner(&[f64::NAN; 3]), None);
    }

    #[test]
    fn burstiness_hand_cases() {
        assert!(close(burstiness(&[3.0, 3.0, 3.0]), -1.0));
        // one burst in 4 months: μ = 1, σ = √3 → (√3 − 1)/(√3 + 1)
        let b = burstiness(&[4.0, 0.0, 0.0, 0.0]);
        assert!(close(b, (3f64.sqrt() - 1.0) / (3f64.sqrt() + 1.0)));
        assert!(burstiness(&[0.0, 0.0]).is_nan());
        assert!(burstiness(&[1.0]).is_nan());
    }

    #[test]
    fn coverage_variation_and_shares() {
        assert!(close(coefficient_of_variation(&[1.0, 1.0]), 0.0));
        assert!(close(coefficient_of_variation(&[0.5, 1.5]), 0.5));
        assert_eq!(share_of(0.0, 0.0), None);
        assert!(close(share_of(1.0, 3.0).unwrap(), 0.25));
    }
}
