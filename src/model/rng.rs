//! Random numbers. Every stream is a ChaCha8 stream of one master seed, with a 64-bit stream id
//! packed from (replication, purpose, step, chunk); a resident's uniforms of a step are a
//! counter-based function of (seed, replication, step, resident). Nothing depends on thread
//! scheduling, and the purposes keep common random numbers across driver models: replication r
//! of every scenario draws the same residents, ties and per-resident uniforms.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What a stream is used for; part of the stream id so that submodels never share draws.
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum Purpose {
    /// Resident traits at initialisation.
    Population = 1,
    /// Social ties at initialisation.
    Network = 2,
    /// The per-resident uniforms of one step ([`agent_uniforms`]; a counter, not a stream).
    Residents = 3,
    /// Institutional draws of one step (contract renewal, team events).
    Institutions = 4,
    /// Peer asks of one step.
    Peers = 5,
    /// Brought-in volunteers' traits at initialisation.
    BroughtIn = 6,
    /// Building cells: formation (chunk 0) and neighbours' asks (chunk 1) of one step.
    Cells = 7,
    /// Who campaigns and outreach ask, per step and chunk ([`bernoulli_positions`]).
    Asks = 8,
}

/// Residents per chunk of the residents pass, and of the ask streams. Fixed so that results
/// never depend on how many threads process the chunks.
pub const CHUNK: usize = 4096;

/// One agent's uniforms of a step, by use ([`agent_uniforms`]). Agents out of a team whom
/// nobody asks need none and draw none. Slots 0 and 1 serve uses that never meet: an agent is
/// in a team (and may follow a split) or out of one.
#[derive(Clone, Copy, Debug, Default)]
pub struct Uniforms {
    /// Slot 0. Out of a team: a brought-in employee is reached by the employer's programme.
    /// In a team that splits: follows the new team.
    pub reach_or_split: f32,
    /// Slot 1: which team the employer's programme asks a brought-in employee into.
    pub pick: f32,
    /// Slot 2: says yes to the best ask.
    pub accept: f32,
    /// Slot 3: serves this step on one's own account.
    pub serve: f32,
    /// Slot 4: is called out by the team.
    pub callout: f32,
    /// Slot 5: is trained (by a social organisation, else by government).
    pub training: f32,
    /// Slot 6: leaves (exit hazard).
    pub exit: f32,
    /// Slot 7: steps up as a leader.
    pub leader: f32,
}

/// Agent i's uniforms of step `step`: a pure function of (seed, replication, step, agent), so
/// an agent's numbers are the same whether or not other agents drew, on any number of threads
/// and in every driver model (common random numbers). Two Philox4x32-10 blocks (Salmon et al.
/// 2011) of the counter (half, agent, step, replication) under the seed as key.
#[inline(always)]
pub fn agent_uniforms(streams: &Streams, step: u32, i: usize) -> Uniforms {
    const SCALE: f32 = 1.0 / (1u32 << 24) as f32;
    let key = [streams.seed as u32, (streams.seed >> 32) as u32];
    let ctr = |half: u32| [half | (Purpose::Residents as u32) << 8, i as u32, step, streams.replication];
    let (a, b) = (philox4x32_10(ctr(0), key), philox4x32_10(ctr(1), key));
    // the top 24 bits of each word: a uniform in [0, 1) that f32 holds exactly
    let u = |w: u32| (w >> 8) as f32 * SCALE;
    Uniforms {
        reach_or_split: u(a[0]),
        pick: u(a[1]),
        accept: u(a[2]),
        serve: u(a[3]),
        callout: u(b[0]),
        training: u(b[1]),
        exit: u(b[2]),
        leader: u(b[3]),
    }
}

/// The uniforms of step `step` of each agent of `agents`, into `out` (as [`agent_uniforms`]).
/// The agents' generators are independent of one another, so on a processor with AVX2 they run
/// side by side in its wide vectors; the numbers are the same (integer arithmetic).
pub fn agent_uniforms_of(streams: &Streams, step: u32, agents: &[u32], out: &mut [Uniforms]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        /// # Safety
        /// Only on a processor with AVX2.
        #[target_feature(enable = "avx2")]
        unsafe fn wide(streams: &Streams, step: u32, agents: &[u32], out: &mut [Uniforms]) {
            for (u, &i) in out.iter_mut().zip(agents) {
                *u = agent_uniforms(streams, step, i as usize);
            }
        }
        // SAFETY: the processor has the feature `wide` is compiled for (checked just above)
        return unsafe { wide(streams, step, agents, out) };
    }
    for (u, &i) in out.iter_mut().zip(agents) {
        *u = agent_uniforms(streams, step, i as usize);
    }
}

/// The Philox4x32-10 counter-based generator (Salmon, Moraes, Dror & Shaw 2011, "Parallel random
/// numbers: as easy as 1, 2, 3"): four random words from a 128-bit counter and a 64-bit key, ten
/// rounds of multiply-and-xor. Checked against Random123's known-answer vectors. No maintained
/// crate offers it; it is ten lines.
#[inline(always)]
pub fn philox4x32_10(ctr: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    const M0: u64 = 0xD251_1F53;
    const M1: u64 = 0xCD9E_8D57;
    const W0: u32 = 0x9E37_79B9;
    const W1: u32 = 0xBB67_AE85;
    let (mut x, mut k) = (ctr, key);
    for round in 0..10 {
        if round > 0 {
            k = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
        }
        let p0 = M0 * x[0] as u64;
        let p1 = M1 * x[2] as u64;
        x = [(p1 >> 32) as u32 ^ x[1] ^ k[0], p1 as u32, (p0 >> 32) as u32 ^ x[3] ^ k[1], p0 as u32];
    }
    x
}

/// Call `hit` for each position in `0..len` taken with probability `p`, independently, in
/// increasing order: the gaps between positions are geometric, ⌊ln U / ln(1 − p)⌋, so the cost
/// follows the number taken, not `len` (Devroye 1986, ch. X.2). `hit` may draw from `rng` too.
pub fn bernoulli_positions(rng: &mut ChaCha8Rng, p: f64, len: usize, mut hit: impl FnMut(&mut ChaCha8Rng, usize)) {
    if p.is_nan() || p <= 0.0 || len == 0 {
        return;
    }
    if p >= 1.0 {
        for at in 0..len {
            hit(rng, at);
        }
        return;
    }
    let log_q = (-p).ln_1p();
    let mut at = 0usize;
    loop {
        // 1 − U is in (0, 1]: its log is finite
        let gap = ((1.0 - uniform(rng)).ln() / log_q).floor();
        if gap >= (len - at) as f64 {
            return;
        }
        at += gap as usize;
        hit(rng, at);
        at += 1;
        // stop without a draw at the end: the next source reads on from the same stream
        if at >= len {
            return;
        }
    }
}

#[derive(Clone)]
pub struct Streams {
    base: ChaCha8Rng,
    seed: u64,
    replication: u32,
}

impl Streams {
    pub fn new(seed: u64, replication: u32) -> Self {
        Self { base: ChaCha8Rng::seed_from_u64(seed), seed, replication }
    }

    /// Stream id layout: replication (24 bits) | purpose (8) | step (16) | chunk (16).
    pub fn stream(&self, purpose: Purpose, step: u32, chunk: u32) -> ChaCha8Rng {
        let id = ((self.replication as u64 & 0xFF_FFFF) << 40)
            | ((purpose as u64) << 32)
            | ((step as u64 & 0xFFFF) << 16)
            | (chunk as u64 & 0xFFFF);
        let mut rng = self.base.clone();
        rng.set_stream(id);
        rng.set_word_pos(0);
        rng
    }
}

/// Uniform in [0,1) with 53-bit resolution.
#[inline]
pub fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}
