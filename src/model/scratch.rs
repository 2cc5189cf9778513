//! The residents pass's scratch memory: per chunk of a batch (of two batches, in a world of more
//! than one: a batch steps while the one before it is added up), the deeds its volunteers leave
//! and the asks that reach its agents. Only a world that is stepping needs it, so worlds borrow
//! it from a pool for the length of a step and give it back: a district of a thousand
//! communities stepping on two threads holds a few scratches, not a thousand, and after the
//! first steps no step allocates.

use super::residents::{Deed, Hit, BATCH};
use super::rng::CHUNK;
use std::sync::Mutex;

/// What one chunk of the residents pass leaves behind, to be added up in chunk order.
#[derive(Clone, Debug, Default)]
pub(crate) struct ChunkOut {
    /// What its volunteers add to team and step totals.
    pub deeds: Vec<Deed>,
    /// Campaign and outreach asks that reach the chunk's agents.
    pub hits: Vec<Hit>,
    /// Its residents' trust in government and in neighbours after the step, summed in index order.
    pub trust: [f64; 2],
    /// Nanoseconds the chunk took to step (`--timings`).
    pub nanos: u64,
}

/// Per chunk slot of a batch: what the chunk leaves.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    pub outs: Vec<ChunkOut>,
}

/// Scratches not in use, kept at the size of the largest batch they served.
static POOL: Mutex<Vec<Scratch>> = Mutex::new(Vec::new());

impl Scratch {
    /// A scratch from the pool (or a new one) with a slot for each chunk of a batch of a world
    /// of `agents` (of two batches when it has more than one), and room in each slot for every
    /// agent of its chunk.
    pub fn take(agents: usize) -> Scratch {
        let mut s = POOL.lock().unwrap_or_else(|e| e.into_inner()).pop().unwrap_or_default();
        let batches = agents > BATCH * CHUNK;
        let slots = if batches { 2 * BATCH } else { agents.div_ceil(CHUNK).max(1) };
        // a world of more than one batch fills every slot with a whole chunk at some point
        let room = |k: usize| if batches { CHUNK } else { CHUNK.min(agents - k * CHUNK) };
        if s.outs.len() < slots {
            s.outs.resize_with(slots, ChunkOut::default);
        }
        for k in 0..slots {
            let out = &mut s.outs[k];
            out.deeds.clear();
            out.deeds.reserve(room(k));
            // asks reach a few in a hundred a step; the vector grows if a step needs more
            out.hits.clear();
            out.hits.reserve(room(k) / 16);
        }
        s
    }

    /// Give the scratch back to the pool.
    pub fn give(self) {
        POOL.lock().unwrap_or_else(|e| e.into_inner()).push(self);
    }
}
