//! Design points: the factor values of every point, in a fixed order. The grid is built here;
//! Latin hypercube, Morris and Saltelli samples come from `crate::sensitivity::design` as unit-cube
//! points, mapped to factor values by [`from_unit`] (bounds linearly, as
//! `crate::sensitivity::design::scale` does; levels by index).

use super::spec::{Design, Factor};

/// How one factor's values are given.
#[derive(Clone, Debug, PartialEq)]
pub enum Range {
    Bounds { min: f64, max: f64 },
    Levels(Vec<f64>),
}

impl Range {
    pub fn of(f: &Factor) -> Result<Range, String> {
        match (f.min, f.max, &f.levels) {
            (Some(min), Some(max), None) => {
                if !(min.is_finite() && max.is_finite()) {
                    Err("min and max must be finite numbers".into())
                } else if min >= max {
                    Err(format!("min {min} must be below max {max}"))
                } else {
                    Ok(Range::Bounds { min, max })
                }
            }
            (None, None, Some(levels)) => {
                if levels.is_empty() {
                    Err("levels must list at least one value".into())
                } else if let Some(v) = levels.iter().find(|v| !v.is_finite()) {
                    Err(format!("level {v} is not a finite number"))
                } else {
                    Ok(Range::Levels(levels.clone()))
                }
            }
            (_, _, Some(_)) => Err("give either `levels` or `min` and `max`, not both".into()),
            _ => Err("give `min` and `max` (a continuous factor) or `levels` (a list of values)".into()),
        }
    }

    /// The values whose validity bounds every design: both bounds, or every level.
    pub fn extremes(&self) -> Vec<f64> {
        match self {
            Range::Bounds { min, max } => vec![*min, *max],
            Range::Levels(l) => l.clone(),
        }
    }
}

/// Number of points a design has for `k` factors (without generating them).
pub fn point_count(design: &Design, ranges: &[Range]) -> u64 {
    let k = ranges.len() as u64;
    match design {
        Design::Grid { levels_per_factor } => ranges
            .iter()
            .map(|r| match r {
                Range::Bounds { .. } => *levels_per_factor as u64,
                Range::Levels(l) => l.len() as u64,
            })
            .fold(1u64, |a, b| a.saturating_mul(b)),
        Design::LatinHypercube { points } => *points as u64,
        Design::Morris { trajectories, .. } => *trajectories as u64 * (k + 1),
        Design::Sobol { base_samples } => *base_samples as u64 * (k + 2),
    }
}

/// Every design point (one value per factor), in design order. `seed` drives randomised designs
/// (the sweep's master seed: the same sweep file always gives the same points).
pub fn design_points(design: &Design, ranges: &[Range], seed: u64) -> Result<Vec<Vec<f64>>, String> {
    use crate::sensitivity::design as sd;
    let k = ranges.len();
    let unit = match design {
        Design::Grid { levels_per_factor } => return Ok(grid(ranges, *levels_per_factor)),
        Design::LatinHypercube { points } => sd::latin_hypercube(*points as usize, k, seed),
        Design::Morris { trajectories, levels } => {
            sd::try_morris(*trajectories as usize, k, *levels as usize, seed).map_err(|e| format!("morris: {e}"))?
        }
        Design::Sobol { base_samples } => sd::saltelli(*base_samples as usize, k, seed),
    };
    if unit.is_empty() {
        return Err(format!("design \"{}\" gives no points for {k} factor(s)", design.kind()));
    }
    Ok(from_unit(&unit, ranges))
}

/// The levels of one factor in a grid.
pub fn grid_levels(range: &Range, levels_per_factor: u32) -> Vec<f64> {
    match range {
        Range::Levels(l) => l.clone(),
        Range::Bounds { min, max } => {
            let n = levels_per_factor.max(2);
            (0..n).map(|i| if i + 1 == n { *max } else { min + (max - min) * i as f64 / (n - 1) as f64 }).collect()
        }
    }
}

/// Full factorial: cartesian product of the factors' levels, the last factor varying fastest.
pub fn grid(ranges: &[Range], levels_per_factor: u32) -> Vec<Vec<f64>> {
    let levels: Vec<Vec<f64>> = ranges.iter().map(|r| grid_levels(r, levels_per_factor)).collect();
    let mut points: Vec<Vec<f64>> = vec![Vec::new()];
    for l in &levels {
        points = points.into_iter().flat_map(|p| l.iter().map(move |v| [p.as_slice(), &[*v]].concat())).collect();
    }
    if levels.is_empty() {
        return Vec::new();
    }
    points
}

/// Map unit-cube points to factor values: bounds linearly, levels by index ⌊u·n⌋.
pub fn from_unit(unit: &[Vec<f64>], ranges: &[Range]) -> Vec<Vec<f64>> {
    unit.iter()
        .map(|u| {
            u.iter()
                .zip(ranges)
                .map(|(&x, r)| match r {
                    Range::Bounds { min, max } => min + x.clamp(0.0, 1.0) * (max - min),
                    Range::Levels(l) => l[((x.clamp(0.0, 1.0) * l.len() as f64).floor() as usize).min(l.len() - 1)],
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_is_cartesian_last_factor_fastest() {
        let r = [Range::Bounds { min: 0.0, max: 1.0 }, Range::Levels(vec![10.0, 20.0])];
        let g = grid(&r, 3);
        assert_eq!(
            g,
            vec![vec![0.0, 10.0], vec![0.0, 20.0], vec![0.5, 10.0], vec![0.5, 20.0], vec![1.0, 10.0], vec![1.0, 20.0]]
        );
        assert_eq!(point_count(&Design::Grid { levels_per_factor: 3 }, &r), 6);
    }

    #[test]
    fn grid_levels_hit_both_bounds_exactly() {
        let l = grid_levels(&Range::Bounds { min: 0.1, max: 0.7 }, 4);
        assert_eq!(l.len(), 4);
        assert_eq!(l[0], 0.1);
        assert_eq!(l[3], 0.7);
        assert!((l[1] - 0.3).abs() < 1e-12 && (l[2] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn unit_points_map_to_bounds_and_levels() {
        let r = [Range::Bounds { min: 10.0, max: 20.0 }, Range::Levels(vec![1.0, 2.0, 3.0])];
        let v = from_unit(&[vec![0.0, 0.0], vec![0.5, 0.34], vec![1.0, 0.999], vec![1.0, 1.0]], &r);
        assert_eq!(v, vec![vec![10.0, 1.0], vec![15.0, 2.0], vec![20.0, 3.0], vec![20.0, 3.0]]);
    }

    #[test]
    fn ranges_need_bounds_or_levels() {
        let f = |min, max, levels| Factor {
            path: super::super::spec::FactorPath::One("x".into()),
            name: None,
            label: None,
            min,
            max,
            levels,
        };
        assert!(Range::of(&f(Some(1.0), Some(0.0), None)).unwrap_err().contains("below"));
        assert!(Range::of(&f(Some(1.0), None, None)).is_err());
        assert!(Range::of(&f(Some(0.0), Some(1.0), Some(vec![1.0]))).unwrap_err().contains("not both"));
        assert!(Range::of(&f(None, None, Some(vec![]))).is_err());
        assert_eq!(Range::of(&f(None, None, Some(vec![2.0]))), Ok(Range::Levels(vec![2.0])));
    }

    #[test]
    fn randomised_designs_match_their_counts_and_are_reproducible() {
        let r = vec![Range::Bounds { min: 10.0, max: 20.0 }, Range::Levels(vec![1.0, 2.0, 3.0, 4.0])];
        for d in [
            Design::LatinHypercube { points: 8 },
            Design::Morris { trajectories: 3, levels: 4 },
            Design::Sobol { base_samples: 8 },
        ] {
            let p = design_points(&d, &r, 5).unwrap();
            assert_eq!(p.len() as u64, point_count(&d, &r), "{d:?}");
            assert_eq!(p, design_points(&d, &r, 5).unwrap(), "{d:?} is not a function of the seed");
            for x in &p {
                assert!((10.0..=20.0).contains(&x[0]), "{d:?}: {x:?}");
                assert!([1.0, 2.0, 3.0, 4.0].contains(&x[1]), "{d:?}: {x:?}");
            }
        }
        // Morris: consecutive points of a trajectory differ in exactly one factor
        let p = design_points(&Design::Morris { trajectories: 2, levels: 4 }, &r, 1).unwrap();
        for t in p.chunks(3) {
            for w in t.windows(2) {
                assert_eq!(w[0].iter().zip(&w[1]).filter(|(a, b)| a != b).count(), 1, "{t:?}");
            }
        }
        // Latin hypercube: each of the 4 levels is hit by exactly 2 of 8 points
        let p = design_points(&Design::LatinHypercube { points: 8 }, &r, 3).unwrap();
        for level in [1.0, 2.0, 3.0, 4.0] {
            assert_eq!(p.iter().filter(|x| x[1] == level).count(), 2);
        }
        assert!(design_points(&Design::Morris { trajectories: 2, levels: 3 }, &r, 1).unwrap_err().contains("morris"));
    }

    #[test]
    fn counts_of_randomised_designs() {
        let r = vec![Range::Bounds { min: 0.0, max: 1.0 }; 5];
        assert_eq!(point_count(&Design::Morris { trajectories: 10, levels: 4 }, &r), 60);
        assert_eq!(point_count(&Design::Sobol { base_samples: 64 }, &r), 64 * 7);
        assert_eq!(point_count(&Design::LatinHypercube { points: 50 }, &r), 50);
    }
}
