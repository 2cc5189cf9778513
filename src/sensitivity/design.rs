//! Experimental designs. All but [`grid`] live in the unit cube; [`scale`] maps a row onto the
//! parameters' ranges. Every random design is a pure function of its seed (ChaCha8, portable
//! across platforms; how its bits become floats and shuffles is fixed by the rand version pinned
//! in Cargo.lock), so a sweep split across machines rebuilds exactly the same rows.

use super::SensitivityError;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Largest number of points per base matrix the Sobol' generator can address (sobol_burley).
const SOBOL_MAX_POINTS: usize = 1 << 16;
/// Largest number of Sobol' dimensions (sobol_burley); A and B together use 2k of them.
const SOBOL_MAX_DIMS: usize = 256;

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// Full factorial design over given level values: the cartesian product, the LAST factor
/// varying fastest (so a two-factor grid reads row by row as `values[ix * ny + iy]`).
///
/// No factors gives one empty row (the single "do nothing" point); a factor with no levels
/// gives no rows.
pub fn grid(levels: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let mut rows = vec![Vec::with_capacity(levels.len())];
    for factor in levels {
        rows = rows
            .iter()
            .flat_map(|row| {
                factor.iter().map(move |&v| {
                    let mut r = row.clone();
                    r.push(v);
                    r
                })
            })
            .collect();
    }
    rows
}

/// Latin hypercube: `n` points in [0,1)^k such that in every dimension each of the `n` equal
/// strata [s/n, (s+1)/n) holds exactly one point; within its stratum a point is uniform.
/// Space-filling in every one-dimensional projection for the price of plain Monte Carlo.
pub fn latin_hypercube(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = rng(seed);
    let mut rows = vec![Vec::with_capacity(k); n];
    let mut strata: Vec<usize> = (0..n).collect();
    for _ in 0..k {
        strata.shuffle(&mut rng);
        for (row, &s) in rows.iter_mut().zip(&strata) {
            let u: f64 = rng.random();
            row.push(in_stratum(s, n, u));
        }
    }
    rows
}

/// (s + u) / n, kept inside [s/n, (s+1)/n) despite rounding.
fn in_stratum(s: usize, n: usize, u: f64) -> f64 {
    let (lo, hi) = (s as f64 / n as f64, (s + 1) as f64 / n as f64);
    let v = (s as f64 + u) / n as f64;
    if v >= hi {
        // the largest double below hi, still in the stratum for any n a design can have
        f64::from_bits(hi.to_bits() - 1).max(lo)
    } else {
        v.max(lo)
    }
}

/// Morris trajectories: `trajectories · (k+1)` points in [0,1]^k; trajectory t is rows
/// t(k+1) .. (t+1)(k+1). Values lie on the grid {0, 1/(p−1), …, 1} with p = `levels`, and
/// consecutive rows of a trajectory differ in exactly one coordinate by ±Δ, Δ = p / (2(p−1)),
/// each factor moving exactly once, in a random order (Morris 1991; Campolongo et al. 2007).
///
/// The start point is uniform on the grid and each factor then moves in the one direction
/// that stays on it (for even p every grid value has exactly one neighbour at distance Δ),
/// which is the same distribution as Morris's x* plus random direction D*.
///
/// Invalid input (odd or fewer than 2 levels, k = 0, no trajectories) gives no rows; use
/// [`try_morris`] to learn why.
pub fn morris(trajectories: usize, k: usize, levels: usize, seed: u64) -> Vec<Vec<f64>> {
    try_morris(trajectories, k, levels, seed).unwrap_or_default()
}

/// [`morris`], saying what is wrong with invalid parameters.
pub fn try_morris(trajectories: usize, k: usize, levels: usize, seed: u64) -> Result<Vec<Vec<f64>>, SensitivityError> {
    if k == 0 {
        return Err(SensitivityError::NoFactors);
    }
    if levels < 2 || levels % 2 != 0 {
        return Err(SensitivityError::BadLevels(levels));
    }
    if trajectories == 0 {
        return Err(SensitivityError::TooFew { what: "trajectories", needed: 1, found: 0 });
    }
    trajectories.checked_mul(k + 1).ok_or(SensitivityError::TooLarge)?;
    let half = levels / 2; // Δ in grid steps
    let top = (levels - 1) as f64;
    let mut rng = rng(seed);
    let mut rows = Vec::new();
    let mut order: Vec<usize> = (0..k).collect();
    for _ in 0..trajectories {
        // grid indices, so every value is exactly j / (p − 1)
        let mut at: Vec<usize> = (0..k).map(|_| rng.random_range(0..levels)).collect();
        rows.push(at.iter().map(|&j| j as f64 / top).collect());
        order.shuffle(&mut rng);
        for &i in &order {
            at[i] = if at[i] < half { at[i] + half } else { at[i] - half };
            rows.push(at.iter().map(|&j| j as f64 / top).collect());
        }
    }
    Ok(rows)
}

/// Saltelli's design for first-order and total Sobol' indices: `n(k+2)` points in [0,1)^k in
/// blocks of k+2 rows; block j is [A_j, AB_j^(1), …, AB_j^(k), B_j], where AB^(i) is A with
/// column i taken from B (SALib's order without second-order terms).
///
/// The base matrices A and B are columns 0..k and k..2k of an Owen-scrambled Sobol' sequence
/// (sobol_burley, seeded from `seed`), whose low discrepancy makes the estimators converge
/// much faster than Monte Carlo; use n a power of two, where the points form a complete net.
/// sobol_burley stops at 2^16 points and 256 dimensions (f32 values, ample for parameters),
/// so for n > 65,536 or k > 128 A and B come from a 2k-dimensional Latin hypercube instead.
pub fn saltelli(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let base = if n <= SOBOL_MAX_POINTS && 2 * k <= SOBOL_MAX_DIMS {
        let scramble = rng(seed).random::<u32>();
        (0..n)
            .map(|j| (0..2 * k).map(|d| f64::from(sobol_burley::sample(j as u32, d as u32, scramble))).collect())
            .collect()
    } else {
        latin_hypercube(n, 2 * k, seed)
    };
    let mut rows = Vec::new();
    for ab in base {
        let (a, b) = ab.split_at(k);
        rows.push(a.to_vec());
        for i in 0..k {
            let mut r = a.to_vec();
            r[i] = b[i];
            rows.push(r);
        }
        rows.push(b.to_vec());
    }
    rows
}

/// Map a unit-cube row onto parameter ranges: x_i = lo_i + u_i (hi_i − lo_i). A row and bounds of
/// different lengths are paired up to the shorter one.
pub fn scale(unit: &[f64], bounds: &[(f64, f64)]) -> Vec<f64> {
    unit.iter().zip(bounds).map(|(u, (lo, hi))| lo + u * (hi - lo)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_is_cartesian_with_last_factor_fastest() {
        let g = grid(&[vec![1.0, 2.0], vec![10.0, 20.0, 30.0]]);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], vec![1.0, 10.0]);
        assert_eq!(g[1], vec![1.0, 20.0]);
        assert_eq!(g[2], vec![1.0, 30.0]);
        assert_eq!(g[3], vec![2.0, 10.0]);
        assert_eq!(g[5], vec![2.0, 30.0]);
        assert_eq!(grid(&[vec![1.0], vec![], vec![2.0]]).len(), 0);
        assert_eq!(grid(&[]), vec![Vec::<f64>::new()]);
        assert_eq!(grid(&[vec![0.0; 3], vec![0.0; 4], vec![0.0; 5]]).len(), 60);
    }

    #[test]
    fn latin_hypercube_has_each_stratum_once_per_dimension() {
        for (n, k) in [(1, 1), (7, 3), (100, 5), (1000, 2)] {
            let d = latin_hypercube(n, k, 42);
            assert_eq!(d.len(), n);
            for dim in 0..k {
                let mut seen = vec![false; n];
                for row in &d {
                    assert_eq!(row.len(), k);
                    let u = row[dim];
                    assert!((0.0..1.0).contains(&u));
                    let s = (u * n as f64).floor() as usize;
                    assert!(!seen[s], "stratum {s} of dimension {dim} twice (n = {n})");
                    seen[s] = true;
                }
            }
        }
        assert!(latin_hypercube(0, 3, 1).is_empty());
        assert!(latin_hypercube(3, 0, 1).iter().all(|r| r.is_empty()));
    }

    #[test]
    fn stratum_edges_survive_rounding() {
        let n = 3;
        for s in 0..n {
            let v = in_stratum(s, n, 1.0 - f64::EPSILON / 2.0);
            assert!(v < (s + 1) as f64 / n as f64 && v >= s as f64 / n as f64);
        }
    }

    #[test]
    fn morris_trajectories_move_each_factor_once_by_delta_on_the_grid() {
        for (r, k, p) in [(20, 4, 4), (5, 1, 2), (10, 6, 6)] {
            let d = morris(r, k, p, 9);
            assert_eq!(d.len(), r * (k + 1));
            let delta = p as f64 / (2.0 * (p - 1) as f64);
            for row in &d {
                for &v in row {
                    assert!((0.0..=1.0).contains(&v));
                    let j = v * (p - 1) as f64;
                    assert!((j - j.round()).abs() < 1e-12, "{v} is off the grid");
                }
            }
            for t in 0..r {
                let mut moved = vec![0; k];
                for s in 0..k {
                    let (a, b) = (&d[t * (k + 1) + s], &d[t * (k + 1) + s + 1]);
                    let changed: Vec<usize> = (0..k).filter(|&i| a[i] != b[i]).collect();
                    assert_eq!(changed.len(), 1);
                    assert!(((b[changed[0]] - a[changed[0]]).abs() - delta).abs() < 1e-12);
                    moved[changed[0]] += 1;
                }
                assert!(moved.iter().all(|&m| m == 1));
            }
        }
    }

    #[test]
    fn morris_orders_and_directions_vary() {
        let (k, d) = (5, morris(50, 5, 4, 3));
        let first_moved: std::collections::BTreeSet<usize> =
            (0..50).map(|t| (0..k).find(|&i| d[t * (k + 1)][i] != d[t * (k + 1) + 1][i]).unwrap()).collect();
        assert!(first_moved.len() > 1, "factor order is not random");
        let ups = (0..50).filter(|t| d[t * (k + 1) + 1].iter().sum::<f64>() > d[t * (k + 1)].iter().sum::<f64>());
        let ups = ups.count();
        assert!(ups > 5 && ups < 45, "step directions are not mixed: {ups} of 50 up");
    }

    #[test]
    fn morris_rejects_bad_parameters() {
        assert_eq!(try_morris(10, 3, 3, 1), Err(SensitivityError::BadLevels(3)));
        assert_eq!(try_morris(10, 3, 0, 1), Err(SensitivityError::BadLevels(0)));
        assert_eq!(try_morris(10, 0, 4, 1), Err(SensitivityError::NoFactors));
        assert!(try_morris(0, 3, 4, 1).is_err());
        assert_eq!(try_morris(usize::MAX, 3, 4, 1), Err(SensitivityError::TooLarge));
        assert!(morris(10, 3, 5, 1).is_empty());
    }

    #[test]
    fn saltelli_blocks_mix_a_and_b_one_column_at_a_time() {
        let (n, k) = (64, 4);
        let d = saltelli(n, k, 5);
        assert_eq!(d.len(), n * (k + 2));
        for j in 0..n {
            let block = &d[j * (k + 2)..(j + 1) * (k + 2)];
            let (a, b) = (&block[0], &block[k + 1]);
            for (i, ab) in block[1..=k].iter().enumerate() {
                for c in 0..k {
                    assert_eq!(ab[c], if c == i { b[c] } else { a[c] });
                }
            }
            assert!(block.iter().flatten().all(|u| (0.0..1.0).contains(u)));
            assert!((0..k).all(|c| a[c] != b[c]), "A and B must be independent columns");
        }
    }

    #[test]
    fn saltelli_base_is_balanced_and_falls_back_beyond_sobol_limits() {
        // a scrambled Sobol' net of 2^m points has one point in each of the 2^m strata per dimension
        let (n, k) = (256, 3);
        let d = saltelli(n, k, 11);
        for c in 0..k {
            let mut seen = vec![false; n];
            for j in 0..n {
                seen[(d[j * (k + 2)][c] * n as f64) as usize] = true;
            }
            assert!(seen.iter().all(|&s| s));
        }
        let wide = saltelli(3, 130, 1);
        assert_eq!(wide.len(), 3 * 132);
        assert!(wide.iter().all(|r| r.len() == 130 && r.iter().all(|u| (0.0..1.0).contains(u))));
        assert!(saltelli(0, 3, 1).is_empty());
    }

    #[test]
    fn designs_are_reproducible_from_their_seed() {
        assert_eq!(latin_hypercube(20, 3, 7), latin_hypercube(20, 3, 7));
        assert_ne!(latin_hypercube(20, 3, 7), latin_hypercube(20, 3, 8));
        assert_eq!(morris(10, 3, 4, 7), morris(10, 3, 4, 7));
        assert_ne!(morris(10, 3, 4, 7), morris(10, 3, 4, 8));
        assert_eq!(saltelli(32, 3, 7), saltelli(32, 3, 7));
        assert_ne!(saltelli(32, 3, 7), saltelli(32, 3, 8));
    }

    #[test]
    fn scale_maps_the_unit_interval_onto_bounds() {
        assert_eq!(scale(&[0.0, 0.5, 1.0], &[(2.0, 4.0), (-1.0, 1.0), (10.0, 20.0)]), vec![2.0, 0.0, 20.0]);
        assert_eq!(scale(&[0.5, 0.5], &[(0.0, 2.0)]), vec![1.0]);
    }
}
