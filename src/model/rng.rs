//! Random streams. Every stream is a ChaCha8 stream of one master seed, with a 64-bit stream id
//! packed from (replication, purpose, step, chunk). Nothing depends on thread scheduling, and
//! the purposes keep common random numbers across driver models: replication r of every
//! scenario draws the same residents, ties and per-resident uniforms.

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
    /// The per-resident uniforms of one step and chunk.
    Residents = 3,
    /// Institutional draws of one step (contract renewal, team events).
    Institutions = 4,
    /// Peer asks of one step.
    Peers = 5,
    /// Brought-in volunteers' traits at initialisation.
    BroughtIn = 6,
    /// Building cells: formation (chunk 0) and neighbours' asks (chunk 1) of one step.
    Cells = 7,
}

/// Residents per chunk of per-resident draws. Fixed so that results never depend on how many
/// threads process the chunks.
pub const CHUNK: usize = 4096;

/// Uniform draws each agent consumes per step, whatever its state (keeps draws aligned
/// across scenarios: resident i gets the same uniforms at step t in every driver model).
pub const DRAWS_PER_AGENT: usize = 8;

/// One agent's uniforms of a step, by use, in the order they are drawn. Every slot is drawn
/// whether or not it is used. Slot 0 has two uses that never meet: an agent is either out of a
/// team (and may be reached) or in one (and may follow a split).
#[derive(Clone, Copy, Debug, Default)]
pub struct Uniforms {
    /// Slot 0. Out of a team: reached by a campaign, or an employee by the employer's programme.
    /// In a team that splits: follows the new team.
    pub reach_or_split: f32,
    /// Slot 1: which team a campaign or employer asks into, or which social organisation or
    /// enterprise programme (and which of its teams) reaches the resident.
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

impl Uniforms {
    /// The next agent's uniforms from its chunk's stream.
    #[inline(always)]
    pub fn draw(rng: &mut ChaCha8Rng) -> Uniforms {
        let mut u = [0.0f32; DRAWS_PER_AGENT];
        fill_uniforms(rng, &mut u);
        let [reach_or_split, pick, accept, serve, callout, training, exit, leader] = u;
        Uniforms { reach_or_split, pick, accept, serve, callout, training, exit, leader }
    }
}

/// Agent i's uniforms of step `step`, read straight from their place in its chunk's stream:
/// the same numbers the agent draws in the pass.
pub fn agent_uniforms(streams: &Streams, step: u32, i: usize) -> Uniforms {
    let mut rng = streams.stream(Purpose::Residents, step, (i / CHUNK) as u32);
    // each agent takes DRAWS_PER_AGENT 32-bit words (two uniforms per 64-bit draw)
    rng.set_word_pos(((i % CHUNK) * DRAWS_PER_AGENT) as u128);
    Uniforms::draw(&mut rng)
}

#[derive(Clone)]
pub struct Streams {
    base: ChaCha8Rng,
    replication: u32,
}

impl Streams {
    pub fn new(seed: u64, replication: u32) -> Self {
        Self { base: ChaCha8Rng::seed_from_u64(seed), replication }
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

/// Fill `out` with uniforms in [0,1) at 24-bit resolution, two per 64-bit draw.
#[inline(always)]
pub fn fill_uniforms(rng: &mut ChaCha8Rng, out: &mut [f32; DRAWS_PER_AGENT]) {
    const SCALE: f32 = 1.0 / (1u32 << 24) as f32;
    for pair in out.chunks_exact_mut(2) {
        let x = rng.next_u64();
        pair[0] = ((x >> 40) as u32) as f32 * SCALE;
        pair[1] = (((x >> 8) & 0xFF_FFFF) as u32) as f32 * SCALE;
    }
}

/// Uniform in [0,1) with 53-bit resolution.
#[inline]
pub fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}
