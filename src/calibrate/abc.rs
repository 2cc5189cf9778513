//! The sampler, with no I/O: adaptive population Monte Carlo ABC (Lenormand, Jabot & Deffuant
//! 2013, "Adaptive approximate Bayesian computation for complex models", Comput. Stat. 28),
//! importance weights as Beaumont, Cornuet, Marin & Robert (2009). Every generation simulates a
//! fixed number of particles, so a generation is a fixed list of runs that can be cut into
//! blocks and shards; the tolerance follows the distances (the alpha-quantile), so nobody has
//! to guess a schedule.
//!
//! Everything here works in the priors' working space (see [`super::prior`]).

use super::spec::Prior;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// One evaluated particle.
#[derive(Clone, Debug, PartialEq)]
pub struct Particle {
    /// Where it was simulated: (generation, index in that generation).
    pub origin: (u32, u32),
    /// Parameter values in the working space.
    pub z: Vec<f64>,
    /// log of its importance weight prior / proposal density (0 for a draw from the prior): on
    /// one scale across generations, so kept and new particles compare (Lenormand et al. 2013).
    pub log_w: f64,
    /// Importance weight normalised within its population.
    pub weight: f64,
    /// Distance of its simulated targets to the observed ones (∞ if undefined).
    pub distance: f64,
    /// Its simulated target values (carried along for the posterior's table).
    pub values: Vec<f64>,
}

/// The kept particles after a generation, and how the generation went.
#[derive(Clone, Debug)]
pub struct Population {
    pub generation: u32,
    pub particles: Vec<Particle>,
    /// The tolerance: the largest distance kept.
    pub epsilon: f64,
    /// Share of this generation's new particles within the new tolerance (1 for generation 0).
    pub acceptance: f64,
}

impl Population {
    /// Effective sample size 1 / Σ w².
    pub fn ess(&self) -> f64 {
        1.0 / self.particles.iter().map(|p| p.weight * p.weight).sum::<f64>()
    }
}

/// log of the joint prior density (independent priors).
pub fn log_prior(priors: &[Prior], z: &[f64]) -> f64 {
    priors.iter().zip(z).map(|(p, &v)| p.log_density(v)).sum()
}

/// Weighted covariance of the particles (weights sum to one).
pub fn weighted_covariance(ps: &[Particle]) -> Vec<Vec<f64>> {
    let d = ps.first().map_or(0, |p| p.z.len());
    let mean: Vec<f64> = (0..d).map(|k| ps.iter().map(|p| p.weight * p.z[k]).sum()).collect();
    let mut cov = vec![vec![0.0; d]; d];
    for p in ps {
        for i in 0..d {
            for j in 0..d {
                cov[i][j] += p.weight * (p.z[i] - mean[i]) * (p.z[j] - mean[j]);
            }
        }
    }
    cov
}

/// Lower-triangular Cholesky factor of a symmetric matrix, or None if it is not positive definite.
pub fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let v = a[i][i] - s;
                if v.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                    return None;
                }
                l[i][j] = v.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// The proposal kernel of the next generation: a normal with twice the weighted covariance of
/// the kept particles (Beaumont et al. 2009). Where that is degenerate (all particles equal in
/// a direction) the diagonal is floored at 10⁻⁶ of each prior's width squared, so the sampler
/// can still move.
#[derive(Clone, Debug)]
pub struct Kernel {
    /// Cholesky factor of the kernel's covariance.
    pub chol: Vec<Vec<f64>>,
    /// log of the normal density's constant: −d/2·log 2π − log det L.
    log_norm: f64,
}

impl Kernel {
    pub fn of(ps: &[Particle], priors: &[Prior]) -> Kernel {
        let mut cov = weighted_covariance(ps);
        for (k, row) in cov.iter_mut().enumerate() {
            for v in row.iter_mut() {
                *v *= 2.0;
            }
            let (lo, hi) = priors[k].work_bounds();
            let floor = 1e-6 * (hi - lo) * (hi - lo);
            if row[k].is_nan() || row[k] < floor {
                row[k] = floor;
            }
        }
        let chol = cholesky(&cov).unwrap_or_else(|| {
            // correlations that rounding made inconsistent: fall back to the variances alone
            let diagonal: Vec<Vec<f64>> = (0..cov.len())
                .map(|i| (0..cov.len()).map(|j| if i == j { cov[i][i] } else { 0.0 }).collect())
                .collect();
            cholesky(&diagonal).expect("a positive diagonal is positive definite")
        });
        let d = chol.len() as f64;
        let log_det: f64 = chol.iter().enumerate().map(|(i, r)| r[i].ln()).sum();
        Kernel { chol, log_norm: -0.5 * d * (2.0 * std::f64::consts::PI).ln() - log_det }
    }

    /// log K(x | centre).
    pub fn log_density(&self, x: &[f64], centre: &[f64]) -> f64 {
        // solve L v = x − centre by forward substitution; the density is exp(−|v|²/2)
        let n = x.len();
        let mut v = vec![0.0; n];
        for i in 0..n {
            let s: f64 = (0..i).map(|k| self.chol[i][k] * v[k]).sum();
            v[i] = (x[i] - centre[i] - s) / self.chol[i][i];
        }
        self.log_norm - 0.5 * v.iter().map(|a| a * a).sum::<f64>()
    }
}

/// Attempts at a proposal inside the prior's support before drawing from the prior instead.
pub const MAX_ATTEMPTS: u32 = 1000;

/// A draw from the prior: one uniform per parameter.
pub fn from_prior(priors: &[Prior], rng: &mut ChaCha8Rng) -> Vec<f64> {
    priors.iter().map(|p| p.quantile(rng.random::<f64>())).collect()
}

/// Index of the particle that uniform `u` picks in proportion to the weights.
pub fn pick(ps: &[Particle], u: f64) -> usize {
    let mut acc = 0.0;
    for (i, p) in ps.iter().enumerate() {
        acc += p.weight;
        if u < acc {
            return i;
        }
    }
    ps.len() - 1
}

/// A new particle's position: a kept particle picked by weight, moved by the kernel; redrawn
/// until it lies where the prior has mass (at most [`MAX_ATTEMPTS`] times, then from the prior).
/// The flag says whether it was moved by the kernel (false: drawn from the prior).
pub fn propose(pop: &Population, kernel: &Kernel, priors: &[Prior], rng: &mut ChaCha8Rng) -> (Vec<f64>, bool) {
    let d = priors.len();
    for _ in 0..MAX_ATTEMPTS {
        let parent = &pop.particles[pick(&pop.particles, rng.random::<f64>())];
        let n: Vec<f64> = (0..d).map(|_| rng.sample::<f64, _>(StandardNormal)).collect();
        let z: Vec<f64> =
            (0..d).map(|i| parent.z[i] + (0..=i).map(|k| kernel.chol[i][k] * n[k]).sum::<f64>()).collect();
        if log_prior(priors, &z).is_finite() {
            return (z, true);
        }
    }
    (from_prior(priors, rng), false)
}

/// The importance weight (unnormalised, as a log) of a particle proposed from `pop` with
/// `kernel`: prior / Σⱼ wⱼ K(z | zⱼ).
pub fn log_weight(z: &[f64], pop: &Population, kernel: &Kernel, priors: &[Prior]) -> f64 {
    let terms: Vec<f64> = pop.particles.iter().map(|p| p.weight.ln() + kernel.log_density(z, &p.z)).collect();
    log_prior(priors, z) - log_sum_exp(&terms)
}

pub fn log_sum_exp(v: &[f64]) -> f64 {
    let m = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// Keep the `keep` particles of smallest distance among the previous population and the new
/// ones; the tolerance is the largest kept distance, and the acceptance the share of new
/// particles within the previous tolerance (the stopping rule of Lenormand et al.). Ties (many particles meet every target at
/// distance 0) are broken by a fixed hash of each particle's origin, so neither the older nor
/// the newer particles are favoured and the choice is deterministic. `new` holds each new particle's position, distance and log
/// importance weight. Weights are normalised over the kept particles.
pub fn select(
    generation: u32,
    previous: Option<&Population>,
    new: Vec<(Vec<f64>, f64, f64, Vec<f64>)>,
    keep: usize,
) -> Population {
    let mut all: Vec<Particle> = previous.map(|p| p.particles.clone()).unwrap_or_default();
    let n_old = all.len();
    let n_new = new.len();
    for (i, (z, distance, log_w, values)) in new.into_iter().enumerate() {
        all.push(Particle { origin: (generation, i as u32), z, log_w, weight: 0.0, distance, values });
    }
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by(|&a, &b| {
        all[a].distance.total_cmp(&all[b].distance).then(tie(all[a].origin).cmp(&tie(all[b].origin))).then(a.cmp(&b))
    });
    order.truncate(keep.min(all.len()));
    let epsilon = order.last().map_or(f64::INFINITY, |&i| all[i].distance);
    // as Lenormand et al.: the share of new particles within the previous tolerance
    let previous_epsilon = previous.map_or(f64::INFINITY, |p| p.epsilon);
    let accepted_new = (n_old..all.len()).filter(|&i| all[i].distance <= previous_epsilon).count();
    let mut particles: Vec<Particle> = order.iter().map(|&i| all[i].clone()).collect();
    let max = particles.iter().map(|p| p.log_w).fold(f64::NEG_INFINITY, f64::max);
    for p in &mut particles {
        p.weight = if max.is_finite() { (p.log_w - max).exp() } else { 1.0 };
    }
    let total: f64 = particles.iter().map(|p| p.weight).sum();
    for p in &mut particles {
        p.weight /= total;
    }
    let acceptance = if previous.is_none() || n_new == 0 { 1.0 } else { accepted_new as f64 / n_new as f64 };
    Population { generation, particles, epsilon, acceptance }
}

/// A fixed pseudo-random key of a particle's origin (SplitMix64's finaliser).
fn tie((generation, index): (u32, u32)) -> u64 {
    let mut z = ((generation as u64) << 32 | index as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Weighted quantile (linear in the cumulative weight at the particles' midpoints).
pub fn weighted_quantile(values: &[(f64, f64)], q: f64) -> f64 {
    let mut v: Vec<(f64, f64)> = values.iter().copied().filter(|(x, w)| x.is_finite() && *w > 0.0).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = v.iter().map(|(_, w)| w).sum();
    let mut acc = 0.0;
    let mids: Vec<f64> = v
        .iter()
        .map(|(_, w)| {
            let m = (acc + w / 2.0) / total;
            acc += w;
            m
        })
        .collect();
    if q <= mids[0] {
        return v[0].0;
    }
    for i in 1..v.len() {
        if q <= mids[i] {
            let t = (q - mids[i - 1]) / (mids[i] - mids[i - 1]);
            return v[i - 1].0 + t * (v[i].0 - v[i - 1].0);
        }
    }
    v[v.len() - 1].0
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn particle(z: Vec<f64>, weight: f64, distance: f64) -> Particle {
        Particle { origin: (0, 0), z, log_w: 0.0, weight, distance, values: Vec::new() }
    }

    #[test]
    fn covariance_and_cholesky_by_hand() {
        // two points (0,0) and (2,2), equal weights: mean (1,1), covariance [[1,1],[1,1]]
        let ps = vec![particle(vec![0.0, 0.0], 0.5, 0.0), particle(vec![2.0, 2.0], 0.5, 0.0)];
        assert_eq!(weighted_covariance(&ps), vec![vec![1.0, 1.0], vec![1.0, 1.0]]);
        // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]]
        let l = cholesky(&[vec![4.0, 2.0], vec![2.0, 3.0]]).unwrap();
        assert_eq!(l[0], vec![2.0, 0.0]);
        assert!((l[1][0] - 1.0).abs() < 1e-15 && (l[1][1] - 2f64.sqrt()).abs() < 1e-15);
        assert!(cholesky(&[vec![1.0, 1.0], vec![1.0, 1.0]]).is_none());
    }

    #[test]
    fn kernel_density_is_the_normal_density() {
        // one particle at 0 with variance 0.5 → kernel variance 1: the standard normal
        let ps = vec![particle(vec![1.0], 0.5, 0.0), particle(vec![-1.0], 0.5, 0.0)];
        // covariance of ±1 with equal weights is 1, kernel 2
        let k = Kernel::of(&ps, &[Prior::Uniform { min: -10.0, max: 10.0 }]);
        let expected = -0.5 * (2.0 * std::f64::consts::PI * 2.0).ln() - 0.5 * 1.0 / 2.0;
        assert!((k.log_density(&[1.0], &[0.0]) - expected).abs() < 1e-12);
    }

    #[test]
    fn selection_keeps_the_closest_and_reports_acceptance() {
        let prev = Population {
            generation: 0,
            particles: vec![particle(vec![0.0], 0.5, 1.0), particle(vec![1.0], 0.5, 3.0)],
            epsilon: 3.0,
            acceptance: 1.0,
        };
        // the new particle near the best carries three times an old one's importance weight
        let new = vec![(vec![0.5], 0.5, 3f64.ln(), vec![]), (vec![2.0], 5.0, 0.0, vec![])];
        let pop = select(1, Some(&prev), new, 2);
        let d: Vec<f64> = pop.particles.iter().map(|p| p.distance).collect();
        assert_eq!(d, vec![0.5, 1.0]);
        assert_eq!(pop.epsilon, 1.0);
        assert_eq!(pop.acceptance, 0.5);
        let sum: f64 = pop.particles.iter().map(|p| p.weight).sum();
        assert!((sum - 1.0).abs() < 1e-15);
        // importance weights 3 (new) and 1 (old): 3/4 and 1/4
        assert!((pop.particles[0].weight - 0.75).abs() < 1e-15);
        assert!((pop.particles[1].weight - 0.25).abs() < 1e-15);
    }

    #[test]
    fn weighted_quantiles_by_hand() {
        let v = [(1.0, 1.0), (2.0, 1.0), (3.0, 1.0), (4.0, 1.0)];
        assert_eq!(weighted_quantile(&v, 0.5), 2.5);
        assert_eq!(weighted_quantile(&v, 0.0), 1.0);
        assert_eq!(weighted_quantile(&v, 1.0), 4.0);
        assert_eq!(weighted_quantile(&[(7.0, 0.2), (9.0, 0.0)], 0.9), 7.0);
    }

    #[test]
    fn proposals_stay_in_the_support_and_repeat() {
        let priors = [Prior::Uniform { min: 0.0, max: 1.0 }, Prior::LogUniform { min: 1.0, max: 10.0 }];
        let pop = Population {
            generation: 0,
            particles: vec![particle(vec![0.01, 0.1], 0.5, 0.0), particle(vec![0.99, 2.2], 0.5, 0.0)],
            epsilon: 0.0,
            acceptance: 1.0,
        };
        let k = Kernel::of(&pop.particles, &priors);
        let draw = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            (0..200).map(|_| propose(&pop, &k, &priors, &mut rng).0).collect::<Vec<_>>()
        };
        let a = draw(3);
        assert_eq!(a, draw(3));
        assert!(a.iter().all(|z| log_prior(&priors, z).is_finite()));
    }

    #[test]
    fn importance_weights_follow_prior_over_proposal() {
        // one parent at 0 with weight 1: the weight of z is prior(z) / K(z | 0)
        let priors = [Prior::Uniform { min: -5.0, max: 5.0 }];
        let pop = Population {
            generation: 0,
            particles: vec![particle(vec![-1.0], 0.5, 0.0), particle(vec![1.0], 0.5, 0.0)],
            epsilon: 0.0,
            acceptance: 1.0,
        };
        let k = Kernel::of(&pop.particles, &priors);
        let lw = log_weight(&[0.0], &pop, &k, &priors);
        let mix = 0.5 * k.log_density(&[0.0], &[-1.0]).exp() + 0.5 * k.log_density(&[0.0], &[1.0]).exp();
        assert!((lw - ((0.1f64).ln() - mix.ln())).abs() < 1e-12);
    }
}
