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

/// A resident's drawn traits, in the order they are drawn: motivation, time budget, skill,
/// trust in government, trust in neighbours.
type Traits = [f32; 5];

impl TraitSamplers {
    fn draw(&self, rng: &mut ChaCha8Rng) -> Traits {
        // in this order (array elements are evaluated left to right)
        [
            self.motivation.draw(rng),
            self.time.draw(rng),
            self.skill.draw(rng),
            self.trust_gov.draw(rng),
            self.trust_nb.draw(rng),
        ]
    }
}

fn push_agent(a: &mut Agents, s: &TraitSamplers, rng: &mut ChaCha8Rng, origin: u8) {
    let t = s.draw(rng);
    push_agent_with(a, t, origin);
}

fn push_agent_with(a: &mut Agents, t: Traits, origin: u8) {
    a.origin.push(origin);
    a.motivation.push(t[0]);
    a.time_budget.push(t[1]);
    a.skill.push(t[2]);
    a.trust_government.push(t[3]);
    a.trust_neighbours.push(t[4]);
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

/// The residents of community `c`, with room for exactly `extra` agents more. Their traits
/// are drawn from one stream in resident order; a large community's are drawn on all threads
/// with the same result ([`draw_in_segments`]).
pub fn residents(c: &Community, streams: &Streams, extra: usize) -> Agents {
    let n = c.residents as usize;
    let per_building = c.residents_per_building.max(1) as usize;
    let mut a = Agents { residents: n, per_building, ..Default::default() };
    a.reserve_exact(n + extra);
    let samplers = TraitSamplers::new(&c.traits);
    let mut rng = streams.stream(Purpose::Population, 0, 0);
    for _ in 0..n {
        push_agent_with(&mut a, [0.0; 5], 0);
    }
    let mut cols = TraitColumns([
        &mut a.motivation,
        &mut a.time_budget,
        &mut a.skill,
        &mut a.trust_government,
        &mut a.trust_neighbours,
    ]);
    if n < PARALLEL_TRAITS_MIN || rayon::current_num_threads() == 1 {
        cols.draw(0..n, &samplers, &mut rng);
        return a;
    }
    // a few segments per thread balance the work with the ties drawn beside it; each joins
    // its neighbour after tens of residents drawn in order, so none is made very short
    let segments = (4 * rayon::current_num_threads()).min(n / PILOT);
    draw_in_segments(cols, &samplers, &rng, Segmenting { segments, pilot: PILOT, skew: 1.0 });
    a
}

/// Communities of at least this many residents draw their traits in segments in parallel
/// ([`draw_in_segments`]); the result is the same either way.
const PARALLEL_TRAITS_MIN: usize = 1 << 18;
/// Residents drawn in order first, to learn how much of the stream a resident takes.
const PILOT: usize = 1 << 14;
/// Stream positions recorded at each end of a segment, to find where it joins the residents
/// before it; beyond them a segment is drawn again in order.
const RECORDED: usize = 1 << 14;

/// The five trait columns of the residents, to be filled.
struct TraitColumns<'a>([&'a mut [f32]; 5]);

impl<'a> TraitColumns<'a> {
    fn len(&self) -> usize {
        self.0[0].len()
    }
    fn set(&mut self, i: usize, t: Traits) {
        for (c, v) in self.0.iter_mut().zip(t) {
            c[i] = v;
        }
    }
    /// Move the residents in `from` to start at `to`, as `slice::copy_within`.
    fn copy_within(&mut self, from: std::ops::Range<usize>, to: usize) {
        for c in self.0.iter_mut() {
            c.copy_within(from.clone(), to);
        }
    }
    /// Draw the residents in `slots` one after another from `rng`.
    fn draw(&mut self, slots: std::ops::Range<usize>, s: &TraitSamplers, rng: &mut ChaCha8Rng) {
        for i in slots {
            let t = s.draw(rng);
            self.set(i, t);
        }
    }
    fn reborrow(&mut self) -> TraitColumns<'_> {
        let [a, b, c, d, e] = &mut self.0;
        TraitColumns([a, b, c, d, e])
    }
    /// Consecutive parts of `lens` residents each.
    fn split(self, lens: &[usize]) -> Vec<TraitColumns<'a>> {
        let mut parts: Vec<[&'a mut [f32]; 5]> = lens.iter().map(|_| Default::default()).collect();
        for (c, mut rest) in self.0.into_iter().enumerate() {
            for (part, &len) in parts.iter_mut().zip(lens) {
                let (head, tail) = std::mem::take(&mut rest).split_at_mut(len);
                part[c] = head;
                rest = tail;
            }
        }
        parts.into_iter().map(TraitColumns).collect()
    }
}

/// How [`draw_in_segments`] divides the work.
struct Segmenting {
    segments: usize,
    pilot: usize,
    /// Factor on the estimated stream use per resident when placing the segments' starts: 1 in
    /// use; tests move the starts off to exercise every way a segment joins.
    skew: f64,
}

/// What drawing a segment from a guessed stream position left: the positions at which its
/// first and last [`RECORDED`] residents started, and where it ended.
struct Run {
    first: Vec<u128>,
    last: Vec<u128>,
    end: u128,
}

fn draw_run(cols: &mut TraitColumns, s: &TraitSamplers, rng: &mut ChaCha8Rng) -> Run {
    let count = cols.len();
    let tail = count.saturating_sub(RECORDED);
    let (mut first, mut last) = (Vec::with_capacity(count.min(RECORDED)), Vec::with_capacity(count - tail));
    for i in 0..count {
        if i < RECORDED {
            first.push(rng.get_word_pos());
        }
        if i >= tail {
            last.push(rng.get_word_pos());
        }
        let t = s.draw(rng);
        cols.set(i, t);
    }
    Run { first, last, end: rng.get_word_pos() }
}

/// Fill `cols` with the residents' traits exactly as drawing them one after another from
/// `start` would, on all threads. Trait draws use rejection sampling, so where resident i's
/// draws begin in the stream is known only after residents 0..i are drawn. So: the first
/// residents (the pilot) are drawn in order, and tell how far into the stream a resident
/// takes on average; the rest is cut into segments, each drawn in parallel from where its
/// first resident is expected to begin. A segment's guess is almost never right, but the
/// draws are a function of the stream position alone: once the true sequence, drawn on from
/// the end of the segment before, begins a resident at a position where the guessed sequence
/// began one, the two coincide from there on (typically within tens of residents). Then the
/// segment's residents are moved by the difference in count, and the few residents before the
/// meeting point (or missing at the end) are drawn in order. A segment whose guessed sequence
/// is not met within its recorded positions is drawn again in order, so the result is exact
/// in every case.
/// Returns how many segments joined each way ([`Joined`]), for tests.
fn draw_in_segments(mut cols: TraitColumns, s: &TraitSamplers, start: &ChaCha8Rng, seg: Segmenting) -> [usize; 3] {
    use rayon::prelude::*;
    let n = cols.len();
    let pilot = seg.pilot.clamp(1, n.max(1)).min(n);
    let mut rng = start.clone();
    cols.draw(0..pilot, s, &mut rng);
    let mut joined = [0; 3];
    let rest = n - pilot;
    if rest == 0 {
        return joined;
    }
    let segments = seg.segments.clamp(1, rest);
    // segment k fills residents bounds[k]..bounds[k + 1]
    let bounds: Vec<usize> = (0..=segments).map(|k| pilot + rest * k / segments).collect();
    let per_resident = rng.get_word_pos() as f64 / pilot as f64 * seg.skew;
    let pilot_end = rng.get_word_pos();
    // the first segment starts where the pilot ended: exact. Draws take whole 64-bit words
    // (two stream words), so the others start at an even position
    let guess = |k: usize| if k == 0 { pilot_end } else { (bounds[k] as f64 * per_resident) as u128 & !1 };
    let lens: Vec<usize> = std::iter::once(pilot).chain(bounds.windows(2).map(|w| w[1] - w[0])).collect();
    let runs: Vec<Run> = cols
        .reborrow()
        .split(&lens)
        .into_par_iter()
        .skip(1)
        .enumerate()
        .map(|(k, mut part)| {
            let mut rng = start.clone();
            rng.set_word_pos(guess(k));
            draw_run(&mut part, s, &mut rng)
        })
        .collect();
    let mut at = runs[0].end;
    for k in 1..segments {
        let how;
        (at, how) = join_run(&mut cols, s, start, &runs[k], bounds[k]..bounds[k + 1], at);
        joined[how as usize] += 1;
    }
    joined
}

/// How a segment was made exact.
#[derive(Clone, Copy)]
enum Joined {
    /// Met; its residents moved towards the start (or stayed), the last few drawn in order.
    Earlier,
    /// Met; its residents moved towards the end.
    Later,
    /// Not met: drawn again in order.
    Again,
}

/// Make residents `slots` exact, given `run` (drawn into them from a guessed position) and
/// `at`, the stream position at which the true sequence begins resident `slots.start`.
/// Returns the position at which it begins resident `slots.end`, and how.
fn join_run(
    cols: &mut TraitColumns,
    s: &TraitSamplers,
    start: &ChaCha8Rng,
    run: &Run,
    slots: std::ops::Range<usize>,
    at: u128,
) -> (u128, Joined) {
    let (lo, hi) = (slots.start, slots.end);
    let count = hi - lo;
    let mut rng = start.clone();
    rng.set_word_pos(at);
    // the true residents from `at` until the guessed sequence begins one where they do
    let mut drawn: Vec<Traits> = Vec::new();
    let mut j = 0;
    let met = loop {
        let pos = rng.get_word_pos();
        while j < run.first.len() && run.first[j] < pos {
            j += 1;
        }
        if j < run.first.len() && run.first[j] == pos {
            break Some(j);
        }
        if j == run.first.len() || drawn.len() == count.min(RECORDED) {
            break None;
        }
        drawn.push(s.draw(&mut rng));
    };
    let i = drawn.len();
    let joined = match met {
        // true resident lo + i is the run's resident j, in slot lo + j: move the run left by
        // j - i and draw the residents that leaves missing at the end
        Some(j) if j >= i => {
            cols.copy_within(lo + j..hi, lo + i);
            rng.set_word_pos(run.end);
            cols.draw(hi - (j - i)..hi, s, &mut rng);
            (rng.get_word_pos(), Joined::Earlier)
        }
        // move the run right by i - j: its last i - j residents fall beyond the segment, and
        // the next one begins where the first of them did
        Some(j) if i < count && i - j <= run.last.len() => {
            cols.copy_within(lo + j..hi - (i - j), lo + i);
            (run.last[run.last.len() - (i - j)], Joined::Later)
        }
        // not met: draw the segment in order
        _ => {
            cols.draw(lo + i..hi, s, &mut rng);
            (rng.get_word_pos(), Joined::Again)
        }
    };
    // the true residents before the meeting point, written last: a run moved right is read
    // from these slots (its guessed residents lo + j..lo + i) by the copy above
    for (k, t) in drawn.into_iter().enumerate() {
        cols.set(lo + k, t);
    }
    joined
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn in_order(n: usize, s: &TraitSamplers, start: &ChaCha8Rng) -> Vec<Traits> {
        let mut rng = start.clone();
        (0..n).map(|_| s.draw(&mut rng)).collect()
    }

    fn in_segments(n: usize, s: &TraitSamplers, start: &ChaCha8Rng, seg: Segmenting) -> (Vec<Traits>, [usize; 3]) {
        let mut c: [Vec<f32>; 5] = Default::default();
        for v in c.iter_mut() {
            v.resize(n, f32::NAN);
        }
        let [a, b, d, e, f] = &mut c;
        let joined = draw_in_segments(TraitColumns([a, b, d, e, f]), s, start, seg);
        ((0..n).map(|i| [c[0][i], c[1][i], c[2][i], c[3][i], c[4][i]]).collect(), joined)
    }

    fn bits(v: &[Traits]) -> Vec<[u32; 5]> {
        v.iter().map(|t| t.map(f32::to_bits)).collect()
    }

    /// Drawn in segments on several threads, traits are bit for bit those drawn in order, for
    /// guesses right, behind and ahead of the truth and far off (segments drawn again), and for
    /// samplers that draw nothing; each way of joining a segment is taken somewhere.
    #[test]
    fn traits_drawn_in_segments_are_the_traits_drawn_in_order() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
        let mut some_constant = Scenario::default();
        some_constant.community.traits.time_budget_sd = 0.0;
        some_constant.community.traits.skill_sd = 0.0;
        let mut all_constant = Scenario::default();
        let t = &mut all_constant.community.traits;
        (t.motivation_sd, t.time_budget_sd, t.skill_sd, t.trust_government_sd, t.trust_neighbours_sd) =
            (0.0, 0.0, 0.0, 0.0, 0.0);
        let mut seen = [0; 3];
        for (name, sc) in
            [("default", Scenario::default()), ("some constant", some_constant), ("all constant", all_constant)]
        {
            let samplers = TraitSamplers::new(&sc.community.traits);
            let start = Streams::new(11, 2).stream(Purpose::Population, 0, 0);
            let n = 40_000;
            let want = bits(&in_order(n, &samplers, &start));
            for (segments, pilot, skew) in [
                (1, 100, 1.0),
                (2, 100, 1.0),
                (7, 50, 1.0),
                (16, 1_000, 1.0),
                (5, 100, 0.99),
                (5, 100, 1.01),
                (9, 100, 0.5),
                (9, 100, 2.0),
                (3, 1, 1.0),
                (4, 40_000, 1.0),
                (40_000, 10, 1.0),
            ] {
                let (got, joined) =
                    pool.install(|| in_segments(n, &samplers, &start, Segmenting { segments, pilot, skew }));
                assert!(bits(&got) == want, "{name}: segments {segments}, pilot {pilot}, skew {skew}");
                for (s, j) in seen.iter_mut().zip(joined) {
                    *s += j;
                }
            }
        }
        assert!(seen.iter().all(|&k| k > 0), "every way of joining taken: {seen:?}");
    }

    /// The residents of a large community are the same on one thread and on several.
    #[test]
    fn a_large_communitys_residents_do_not_depend_on_the_threads() {
        let mut s = Scenario::default();
        s.community.residents = (PARALLEL_TRAITS_MIN + 12_345) as u32;
        let streams = Streams::new(5, 1);
        let draw = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let a = pool.install(|| residents(&s.community, &streams, 0));
            [&a.motivation, &a.time_budget, &a.skill, &a.trust_government, &a.trust_neighbours]
                .map(|c| c.iter().map(|x| x.to_bits()).collect::<Vec<u32>>())
        };
        let one = draw(1);
        assert!(one == draw(2) && one == draw(3));
    }
}
