//! Initialisation (ODD §5): residents placed in buildings and courtyards, their traits drawn
//! from the scenario's distributions, and social ties — mostly within the courtyard, a few
//! long-range. Draws come only from the Population/Network/BroughtIn streams, so every driver
//! model of the same community gets the same residents in replication r (common random numbers).

use super::entities::*;
use super::rng::{uniform, Purpose, Streams};
use crate::scenario::{Community, ResidentTraits, Scenario};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Gamma};

/// A trait sampler: Beta for shares, Gamma for hours, a constant when the SD is zero.
enum Sampler {
    Const(f64),
    Beta(Beta<f64>),
    Gamma(Gamma<f64>),
}

impl Sampler {
    fn share(mean: f64, sd: f64) -> Sampler {
        if sd <= 0.0 {
            return Sampler::Const(mean);
        }
        // method of moments; validated so that k > 0
        let k = mean * (1.0 - mean) / (sd * sd) - 1.0;
        match Beta::new(mean * k, (1.0 - mean) * k) {
            Ok(b) => Sampler::Beta(b),
            Err(_) => Sampler::Const(mean),
        }
    }
    fn hours(mean: f64, sd: f64) -> Sampler {
        if sd <= 0.0 || mean <= 0.0 {
            return Sampler::Const(mean.max(0.0));
        }
        let shape = mean * mean / (sd * sd);
        match Gamma::new(shape, sd * sd / mean) {
            Ok(g) => Sampler::Gamma(g),
            Err(_) => Sampler::Const(mean),
        }
    }
    fn draw(&self, rng: &mut ChaCha8Rng) -> f32 {
        match self {
            Sampler::Const(v) => *v as f32,
            Sampler::Beta(b) => b.sample(rng) as f32,
            Sampler::Gamma(g) => g.sample(rng) as f32,
        }
    }
}

struct TraitSamplers {
    motivation: Sampler,
    time: Sampler,
    skill: Sampler,
    trust_gov: Sampler,
    trust_nb: Sampler,
}

impl TraitSamplers {
    fn new(t: &ResidentTraits) -> Self {
        Self {
            motivation: Sampler::share(t.motivation_mean, t.motivation_sd),
            time: Sampler::hours(t.time_budget_mean, t.time_budget_sd),
            skill: Sampler::share(t.skill_mean, t.skill_sd),
            trust_gov: Sampler::share(t.trust_government_mean, t.trust_government_sd),
            trust_nb: Sampler::share(t.trust_neighbours_mean, t.trust_neighbours_sd),
        }
    }
}

fn push_agent(a: &mut Agents, s: &TraitSamplers, rng: &mut ChaCha8Rng, building: u32, origin: u8) {
    a.building.push(building);
    a.origin.push(origin);
    a.motivation.push(s.motivation.draw(rng));
    a.time_budget.push(s.time.draw(rng));
    a.skill.push(s.skill.draw(rng));
    a.trust_government.push(s.trust_gov.draw(rng));
    a.trust_neighbours.push(s.trust_nb.draw(rng));
    a.satisfaction.push(0.5);
    a.commitment.push(0.0);
    a.state.push(State::Inactive as u8);
    a.channel.push(SELF as u8);
    a.team.push(NO_TEAM);
    a.history.push(0);
    a.tenure.push(0);
}

/// Residents followed by each enterprise's employees.
pub fn agents(s: &Scenario, streams: &Streams) -> Agents {
    let c = &s.community;
    let n = c.residents as usize;
    let extra: usize = s.actors.enterprises.iter().map(|e| e.employees as usize).sum();
    let mut a = Agents { residents: n, ..Default::default() };
    reserve(&mut a, n + extra);
    let samplers = TraitSamplers::new(&c.traits);
    let mut rng = streams.stream(Purpose::Population, 0, 0);
    let per_building = c.residents_per_building.max(1) as usize;
    for i in 0..n {
        push_agent(&mut a, &samplers, &mut rng, (i / per_building) as u32, 0);
    }
    let mut rng = streams.stream(Purpose::BroughtIn, 0, 0);
    for (k, e) in s.actors.enterprises.iter().enumerate() {
        for _ in 0..e.employees {
            push_agent(&mut a, &samplers, &mut rng, NOBODY, (k + 1).min(255) as u8);
        }
    }
    a
}

fn reserve(a: &mut Agents, n: usize) {
    a.building.reserve_exact(n);
    a.origin.reserve_exact(n);
    a.motivation.reserve_exact(n);
    a.time_budget.reserve_exact(n);
    a.skill.reserve_exact(n);
    a.trust_government.reserve_exact(n);
    a.trust_neighbours.reserve_exact(n);
    a.satisfaction.reserve_exact(n);
    a.commitment.reserve_exact(n);
    a.state.reserve_exact(n);
    a.channel.reserve_exact(n);
    a.team.reserve_exact(n);
    a.history.reserve_exact(n);
    a.tenure.reserve_exact(n);
}

/// Fixed-degree directed ties: resident i's ties are `ties[i*k .. (i+1)*k]`, the first
/// `local_ties` inside i's courtyard, the rest anywhere (small-world: clustered plus shortcuts).
pub struct Network {
    pub degree: usize,
    pub ties: Vec<u32>,
}

pub fn network(c: &Community, streams: &Streams) -> Network {
    let n = c.residents as usize;
    let local = c.local_ties as usize;
    let degree = local + c.long_range_ties as usize;
    let mut ties = Vec::with_capacity(n * degree);
    let mut rng = streams.stream(Purpose::Network, 0, 0);
    let courtyard = (c.residents_per_building as usize * c.buildings_per_courtyard as usize).max(1);
    for i in 0..n {
        let start = (i / courtyard) * courtyard;
        let end = (start + courtyard).min(n);
        let span = end - start;
        for k in 0..degree {
            let (lo, width) = if k < local { (start, span) } else { (0, n) };
            let mut j = lo + (uniform(&mut rng) * width as f64) as usize;
            if j == i && width > 1 {
                // one redraw suffices to make self-ties rare; a remaining self-tie is harmless
                j = lo + (uniform(&mut rng) * width as f64) as usize;
            }
            ties.push(j.min(n - 1) as u32);
        }
    }
    Network { degree, ties }
}

/// Indices of the `count` most motivated residents (ties broken by index): the
/// self-motivated core members present before any programme starts [002].
pub fn initial_core(a: &Agents, count: usize) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..a.residents as u32).collect();
    idx.sort_by(|&x, &y| {
        a.motivation[y as usize]
            .partial_cmp(&a.motivation[x as usize])
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(x.cmp(&y))
    });
    idx.truncate(count);
    idx.sort_unstable();
    idx
}
