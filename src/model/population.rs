//! Initialisation (ODD §5): residents placed in buildings and courtyards, their traits drawn
//! from the scenario's distributions, and social ties — mostly within the courtyard, a few
//! long-range. Draws come only from the Population/Network/BroughtIn streams, so every driver
//! model of the same community gets the same residents in replication r (common random numbers).

use super::entities::*;
use super::rng::{uniform, Purpose, Streams};
use crate::scenario::{Community, ResidentTraits, Scenario, MAX_COURTYARD, MAX_ENTERPRISES};
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

fn push_agent(a: &mut Agents, s: &TraitSamplers, rng: &mut ChaCha8Rng, origin: u8) {
    a.origin.push(origin);
    a.motivation.push(s.motivation.draw(rng));
    a.time_budget.push(s.time.draw(rng));
    a.skill.push(s.skill.draw(rng));
    a.trust_government.push(s.trust_gov.draw(rng));
    a.trust_neighbours.push(s.trust_nb.draw(rng));
    a.satisfaction.push(0.5);
    a.commitment.push(0.0);
    a.state.push(State::Inactive);
    a.channel.push(Channel::Residents);
    a.team.push(NO_TEAM);
    a.history.push(0);
    a.tenure.push(0);
    a.registered.push(false);
}

/// A community's residents (traits from the Population stream) and their ties (Network
/// stream), without brought-in employees: the same in replication r of every scenario with the
/// same [`Population::key`], since driver models share random numbers. Drawn once, it is
/// copied into each such scenario's world ([`World::with_population`](super::World::with_population)).
pub struct Population {
    pub agents: Agents,
    pub net: Network,
}

impl Population {
    /// Draw the population of `s` for replication `replication` of seed `seed`.
    pub fn draw(s: &Scenario, seed: u64, replication: u32) -> Population {
        let (agents, net) = residents_and_ties(&s.community, &Streams::new(seed, replication), 0);
        Population { agents, net }
    }

    /// What of a scenario its population depends on, exactly (numbers as shortest round-trip
    /// text): scenarios with the same key draw the same population.
    pub fn key(s: &Scenario) -> String {
        let c = &s.community;
        let parts = (c.residents, c.residents_per_building, c.buildings_per_courtyard, c.local_ties, c.long_range_ties);
        // (serialising numbers cannot fail; if it ever did, the scenario would share with none)
        serde_json::to_string(&(parts, &c.traits)).unwrap_or_else(|e| format!("{e} {:p}", s))
    }
}

/// Brought-in employees of the enterprises of `s`.
pub fn employees(s: &Scenario) -> usize {
    s.actors.enterprises.iter().map(|e| e.employees as usize).sum()
}

/// The residents of community `c` (with room for exactly `extra` agents more) and their ties.
pub fn residents_and_ties(c: &Community, streams: &Streams, extra: usize) -> (Agents, Network) {
    // traits and ties come from streams of their own: draw them side by side
    rayon::join(|| residents(c, streams, extra), || network(c, streams))
}

/// The residents of community `c`, with room for exactly `extra` agents more.
pub fn residents(c: &Community, streams: &Streams, extra: usize) -> Agents {
    let n = c.residents as usize;
    let per_building = c.residents_per_building.max(1) as usize;
    let mut a = Agents { residents: n, per_building, ..Default::default() };
    a.reserve_exact(n + extra);
    let samplers = TraitSamplers::new(&c.traits);
    let mut rng = streams.stream(Purpose::Population, 0, 0);
    for _ in 0..n {
        push_agent(&mut a, &samplers, &mut rng, 0);
    }
    a
}

/// Append each enterprise's employees of `s` to the residents `a`.
pub fn bring_in(a: &mut Agents, s: &Scenario, streams: &Streams) {
    let samplers = TraitSamplers::new(&s.community.traits);
    let mut rng = streams.stream(Purpose::BroughtIn, 0, 0);
    for (k, e) in s.actors.enterprises.iter().enumerate() {
        for _ in 0..e.employees {
            push_agent(a, &samplers, &mut rng, (k + 1).min(MAX_ENTERPRISES + 1) as u8);
        }
    }
}

/// Fixed-degree directed ties: `local` ties inside the own courtyard, stored as 16-bit offsets
/// from the courtyard's first resident (validation keeps courtyards to `MAX_COURTYARD` residents), and
/// `long` ties to anyone, stored as indices. Clustered ties plus shortcuts: a small world.
#[derive(Clone)]
pub struct Network {
    pub degree: usize,
    pub local: usize,
    pub courtyard: usize,
    pub local_ties: Vec<u16>,
    pub long_ties: Vec<u32>,
}

impl Network {
    /// The k-th tie of resident i.
    #[inline]
    pub fn tie(&self, i: usize, k: usize) -> u32 {
        if k < self.local {
            ((i / self.courtyard) * self.courtyard + self.local_ties[i * self.local + k] as usize) as u32
        } else {
            let long = self.degree - self.local;
            self.long_ties[i * long + (k - self.local)]
        }
    }

    /// Bytes of ties per resident.
    pub fn bytes_per_resident(&self) -> usize {
        2 * self.local + 4 * (self.degree - self.local)
    }
}

pub fn network(c: &Community, streams: &Streams) -> Network {
    let n = c.residents as usize;
    let local = c.local_ties as usize;
    let long = c.long_range_ties as usize;
    let mut local_ties = Vec::with_capacity(n * local);
    let mut long_ties = Vec::with_capacity(n * long);
    let mut rng = streams.stream(Purpose::Network, 0, 0);
    let courtyard =
        (c.residents_per_building as usize * c.buildings_per_courtyard as usize).clamp(1, MAX_COURTYARD as usize);
    for i in 0..n {
        let start = (i / courtyard) * courtyard;
        let end = (start + courtyard).min(n);
        for k in 0..local + long {
            let (lo, width) = if k < local { (start, end - start) } else { (0, n) };
            let mut j = lo + (uniform(&mut rng) * width as f64) as usize;
            if j == i && width > 1 {
                // one redraw suffices to make self-ties rare; a remaining self-tie is harmless
                j = lo + (uniform(&mut rng) * width as f64) as usize;
            }
            let j = j.min(n - 1);
            if k < local {
                local_ties.push((j - start) as u16);
            } else {
                long_ties.push(j as u32);
            }
        }
    }
    Network { degree: local + long, local, courtyard, local_ties, long_ties }
}

/// Indices of the `count` most motivated residents (ties broken by index): the
/// self-motivated core members present before any programme starts [002].
pub fn initial_core(a: &Agents, count: usize) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..a.residents as u32).collect();
    let count = count.min(idx.len());
    if count == 0 {
        return Vec::new();
    }
    let order = |x: &u32, y: &u32| {
        a.motivation[*y as usize]
            .partial_cmp(&a.motivation[*x as usize])
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(x.cmp(y))
    };
    // linear-time selection of the most motivated; a full sort of a million residents is wasted work
    if count < idx.len() {
        idx.select_nth_unstable_by(count - 1, order);
    }
    idx.truncate(count);
    idx.sort_unstable();
    idx
}
