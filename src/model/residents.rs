//! The residents pass (ODD §7.2–7.6): asks answered, activity and hours, learning,
//! satisfaction → commitment → retention, motivation crowding, state changes, leader
//! emergence and trust. An agent's uniforms of a step are a function of (seed, replication,
//! step, agent) ([`agent_uniforms`]), so resident i sees the same numbers at step t in every
//! driver model (common random numbers) and on any number of threads, and residents out of a
//! team whom nobody asks are skipped (they only update their trust). Campaign and outreach asks
//! are drawn per source and chunk ([`Pass::asks`]). The uniforms' uses are the named slots of
//! [`Uniforms`].
//!
//! The pass means one pass over the agents in index order, and runs in parallel: chunks step
//! on disjoint slices of the agent columns ([`AgentsMut`]), each agent writing only its own
//! state and keeping what it adds to team and step totals as a [`Deed`]; the deeds are then
//! added up in index order ([`Tally::add_up`]; a batch's while the next batch steps), so every
//! sum is the same on any number of threads. The one thing a resident's step changes for those
//! after it is its team's leader: each sitting leader's step is tried out first
//! ([`World::find_vacancies`]), so members after a departing leader in index order find the
//! team without one.

use super::entities::*;
use super::institutions::so_link;
use super::population::Network;
use super::rng::{agent_uniforms, agent_uniforms_of, bernoulli_positions, uniform, Purpose, Streams, Uniforms, CHUNK};
use super::scratch::ChunkOut;
use super::world::{per_step, step_probability, team_openings, RecruitTargets, World};

/// Bit k set when agent k of a block (at most 64) steps whether or not a programme asks it:
/// it is in a team, was brought in by an enterprise, or a tie asked it.
#[inline]
pub(crate) fn stepping_mask(team: &[u16], origin: &[u8], peer_ask: &[u16]) -> u64 {
    debug_assert!(team.len() <= 64 && origin.len() == team.len() && peer_ask.len() == team.len());
    #[cfg(target_arch = "x86_64")]
    if team.len() == 64 {
        return stepping_mask_sse2(team, origin, peer_ask);
    }
    stepping_mask_plain(team, origin, peer_ask)
}

pub(crate) fn stepping_mask_plain(team: &[u16], origin: &[u8], peer_ask: &[u16]) -> u64 {
    let mut mask = 0u64;
    for (k, ((&t, &o), &p)) in team.iter().zip(origin).zip(peer_ask).enumerate() {
        mask |= (((t != NO_TEAM) | (o != 0) | (p != NO_TEAM)) as u64) << k;
    }
    mask
}

/// [`stepping_mask_plain`] of a full block, sixteen agents per round in SSE2 (which every
/// x86-64 processor has): compare, pack to bytes, one bit per byte.
#[cfg(target_arch = "x86_64")]
fn stepping_mask_sse2(team: &[u16], origin: &[u8], peer_ask: &[u16]) -> u64 {
    use std::arch::x86_64::*;
    assert!(team.len() == 64 && origin.len() == 64 && peer_ask.len() == 64);
    let mut mask = 0u64;
    // SAFETY: SSE2 is part of x86-64; every load reads 16 bytes inside the slices, whose
    // lengths are checked above (unaligned loads)
    unsafe {
        let (none, zero) = (_mm_set1_epi16(NO_TEAM as i16), _mm_setzero_si128());
        for r in 0..4 {
            let load = |p: *const u16, k: usize| _mm_loadu_si128(p.add(16 * r + 8 * k) as *const __m128i);
            let idle_team = |k| _mm_cmpeq_epi16(load(team.as_ptr(), k), none);
            let unasked = |k| _mm_cmpeq_epi16(load(peer_ask.as_ptr(), k), none);
            // 16-bit lanes, all ones where the agent is out of a team and unasked
            let (low, high) = (_mm_and_si128(idle_team(0), unasked(0)), _mm_and_si128(idle_team(1), unasked(1)));
            let idle = _mm_packs_epi16(low, high);
            let resident = _mm_cmpeq_epi8(_mm_loadu_si128(origin.as_ptr().add(16 * r) as *const __m128i), zero);
            let bits = _mm_movemask_epi8(_mm_and_si128(idle, resident)) as u32 ^ 0xffff;
            mask |= (bits as u64) << (16 * r);
        }
    }
    mask
}

/// Log-odds to probability.
#[inline]
pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Monthly exit hazard h = h0 · exp(−a_S·S − a_C·C) · (1 + b·overload) (Chacón et al. 2007; docs/ODD.md §7.5).
#[inline]
pub fn exit_hazard(r: &crate::scenario::Retention, satisfaction: f64, commitment: f64, overload: f64) -> f64 {
    (r.base_hazard
        * (-r.satisfaction_protection * satisfaction - r.commitment_protection * commitment).exp()
        * (1.0 + r.overload_hazard * overload))
        .clamp(0.0, 1.0)
}

/// An upper bound on [`exit_hazard`] without its `exp`: e^(−y) ≤ 1 / (1 + y + y²/2) for
/// y ≥ 0 (protections are validated non-negative; satisfaction and commitment lie in [0, 1]).
/// Rounding moves either side by a few units in the last place, far inside
/// [`EXIT_BOUND_MARGIN`]; for y < 0 (or NaN) there is no bound but 1.
#[inline]
pub fn exit_hazard_bound(r: &crate::scenario::Retention, satisfaction: f64, commitment: f64, overload: f64) -> f64 {
    let y = r.satisfaction_protection * satisfaction + r.commitment_protection * commitment;
    if y.is_nan() || y < 0.0 {
        return 1.0;
    }
    (r.base_hazard / (1.0 + y + 0.5 * y * y) * (1.0 + r.overload_hazard * overload)).clamp(0.0, 1.0)
}

/// Slack between a step's exit chance from [`exit_hazard_bound`] and from [`exit_hazard`]: a
/// draw this far above the bound's chance is above the exact chance. The chance
/// 1 − (1 − h)^k moves by at most k ≤ 12 times a change in h, and the two computations differ
/// from exact arithmetic by about 10⁻¹⁵, so 10⁻⁹ is slack to spare.
pub const EXIT_BOUND_MARGIN: f64 = 1e-9;

/// Share of co-production phases a volunteer takes part in: delivery plus the phases the team
/// co-decides; a leader takes part in all four (Nabatchi et al. 2017).
#[inline]
pub fn phase_share(phases: u8, leader: bool) -> f64 {
    if leader {
        1.0
    } else {
        (1 + (phases & 7).count_ones()) as f64 / 4.0
    }
}

/// A volunteer's state after a step: states follow commitment, with a hysteresis margin below
/// each threshold before demotion; becoming core also needs skill.
#[inline]
pub fn next_state(st: &crate::scenario::States, state: State, commitment: f64, skill: f64) -> State {
    let (c, h) = (commitment, st.hysteresis);
    match state {
        State::Occasional if c >= st.regular_commitment => State::Regular,
        State::Regular if c >= st.core_commitment && skill >= st.core_min_skill => State::Core,
        State::Regular if c < st.regular_commitment - h => State::Occasional,
        State::Core if c < st.core_commitment - h => State::Regular,
        State::Leader if c < st.core_commitment - h => State::Regular,
        other => other,
    }
}

/// What an enrolled volunteer did in an active step.
#[derive(Clone, Copy)]
struct Service {
    /// Hours served.
    hours: f64,
    /// Of which on tasks assigned by government.
    assigned: f64,
    /// Hours above the overload threshold, as a share of the time budget.
    overload: f64,
    /// Share of the hours assigned by government.
    control: f64,
}

/// An ask by a campaign or outreach that reaches the agent at position `at` of a chunk: drawn
/// per source before the chunk steps ([`Pass::asks`]), so residents nobody asks draw nothing.
#[derive(Clone, Copy, Debug)]
pub struct Hit {
    at: u16,
    /// Sources in a fixed order (campaign, organisations, enterprises): ties go to the first.
    source: u16,
    team: u16,
    channel: Channel,
}

/// Who asked a resident this step.
#[derive(Clone, Copy)]
struct Ask {
    team: u16,
    channel: Channel,
    bonus: f64,
    trust: f32,
}

/// What an enrolled volunteer's step adds to the step's totals. Chunks of residents step in
/// parallel and keep their deeds; the totals are then added up in index order, so every sum
/// is the same on any number of threads (floating-point addition is not associative).
#[derive(Clone, Copy, Debug, Default)]
pub struct Deed {
    i: u32,
    team: u16,
    /// Source of the hours (the volunteer's channel).
    source: u8,
    flags: u8,
    /// Skill after this step's learning.
    skill: f32,
    /// Share of co-production phases taken part in, in quarters (exact: 1 to 4).
    voice_quarters: u8,
    hours: f64,
    assigned: f64,
}

impl Deed {
    fn voice(&self) -> f64 {
        self.voice_quarters as f64 / 4.0
    }
}

// the deeds of a batch are scratch memory: keep them small
const _: () = assert!(std::mem::size_of::<Deed>() == 32);

const SERVED: u8 = 1;
const TRAINED_SO: u8 = 2;
const TRAINED_GOV: u8 = 4;
/// Learned from the team's leader (peer knowledge).
const FROM_LEADER: u8 = 8;
const STAYED: u8 = 16;
/// Stepped up as a leader candidate.
const CANDIDATE: u8 = 32;
/// A leader who left or stepped down: the team has no leader for the rest of the step.
const VACATED: u8 = 64;

/// Chunks stepped before their deeds are added up: bounds the deeds kept at once.
pub const BATCH: usize = 32;

/// What every chunk of the residents pass reads: the world as it was before the pass, and the
/// step's rates, computed once rather than per resident.
pub(crate) struct Pass<'w> {
    s: &'w crate::scenario::Scenario,
    k: f64,
    step: u32,
    streams: &'w Streams,
    teams: &'w [Team],
    so: &'w [SoState],
    ent: &'w [EntState],
    targets: &'w RecruitTargets,
    net: &'w Network,
    /// Activity histories, shifted for this step (bit 1 = active last step).
    history: &'w [u32],
    peer_ask: &'w [u16],
    building_share_prev: &'w [f32],
    coverage_cat_prev: [f64; CATEGORIES],
    reward: f32,
    recognition: f32,
    council: bool,
    non_volunteers: u32,
    residents: usize,
    per_building: usize,
    /// Per team: index of the leader who leaves or steps down this step (NOBODY if none);
    /// members after that index find the team without a leader, as in a pass in index order.
    leader_lost_at: &'w [u32],
    /// This step's campaign reach (None: no campaign asks this step).
    campaign_reach: Option<f64>,
    /// Outreach asks of this step by social organisation and by enterprise.
    so_asks: &'w [f64],
    ent_asks: &'w [f64],
    /// Non-volunteers on this step's outreach list: the larger of the organisations' and the
    /// enterprises' asks, at most all non-volunteers (ODD §7.2).
    outreach_reached: f64,
    trust_rate: f64,
    trust_target_government: f64,
    /// Monthly rates of an enrolled volunteer's step, over this step's length: the same for
    /// every volunteer, so worked out once.
    rates: VolunteerRates,
}

/// [`step_probability`] of the behaviour rates every enrolled volunteer's step uses.
#[derive(Clone, Copy)]
struct VolunteerRates {
    commitment_decay: f64,
    by_doing: f64,
    from_leader: f64,
    satisfaction_adapt: f64,
    commitment_growth: f64,
}

impl VolunteerRates {
    fn of(b: &crate::scenario::Behaviour, k: f64) -> VolunteerRates {
        VolunteerRates {
            commitment_decay: step_probability(b.satisfaction.commitment_decay, k),
            by_doing: step_probability(b.learning.by_doing, k),
            from_leader: step_probability(b.learning.from_leader, k),
            satisfaction_adapt: step_probability(b.satisfaction.adapt_rate, k),
            commitment_growth: step_probability(b.satisfaction.commitment_growth, k),
        }
    }
}

/// A [`Pass`] over world `$w`'s fields, with activity histories `$history` of agents whose
/// first `$residents` are residents, `$per_building` to a building: written as a macro so that
/// it borrows fields, leaving the agents' other columns free to be written.
macro_rules! pass {
    ($w:ident, $history:expr, $residents:expr, $per_building:expr) => {{
        let s = &$w.scenario;
        let tr = &s.behaviour.trust;
        let council = $w.cal.council as u8 as f64;
        let campaign_reach = match &s.instruments.mobilisation_campaigns {
            Some(c) if $w.cal.campaign && !$w.targets.government.is_empty() => Some(per_step(c.reach, $w.k)),
            _ => None,
        };
        Pass {
            s,
            k: $w.k,
            step: $w.step,
            streams: &$w.streams,
            teams: &$w.teams,
            so: &$w.so,
            ent: &$w.ent,
            targets: &$w.targets,
            net: &$w.net,
            history: $history,
            peer_ask: &$w.peer_ask,
            building_share_prev: &$w.building_share_prev,
            coverage_cat_prev: $w.coverage_cat_prev,
            reward: $w.reward,
            recognition: $w.recognition,
            council: $w.cal.council,
            non_volunteers: $w.non_volunteers,
            residents: $residents,
            per_building: $per_building,
            leader_lost_at: &$w.leader_lost_at,
            campaign_reach,
            so_asks: &$w.so_asks,
            ent_asks: &$w.ent_asks,
            outreach_reached: $w
                .so_asks
                .iter()
                .sum::<f64>()
                .max($w.ent_asks.iter().sum::<f64>())
                .min($w.non_volunteers as f64),
            trust_rate: per_step(tr.adapt_rate, $w.k),
            trust_target_government: (tr.government_base
                + tr.government_coverage * $w.coverage_prev
                + tr.government_voice * council)
                .min(1.0),
            rates: VolunteerRates::of(&s.behaviour, $w.k),
        }
    }};
}

/// A team's totals from the residents pass. They are added up apart from the teams, which the
/// chunks read, so that one batch's deeds can be added up while the next batch steps; the pass
/// hands them to the teams at its end.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TeamTotals {
    members: u32,
    active: u32,
    hours: f64,
    assigned_hours: f64,
    effective_hours: f64,
}

/// What adding up the deeds writes: the step's record, team totals, building activity and the
/// lists of who served and who steps up, all apart from what the chunks read ([`Pass`]).
struct Tally<'w> {
    record: &'w mut crate::model::ledger::StepRecord,
    totals: &'w mut [TeamTotals],
    building_active: &'w mut [u32],
    served: &'w mut Vec<u32>,
    served_staff: &'w mut Vec<u32>,
    candidates: &'w mut Vec<u32>,
    leader_lost_at: &'w [u32],
    chunk_nanos: &'w mut u64,
    session_hours: f64,
    peer_hours: f64,
    skill_floor: f64,
    k: f64,
    residents: usize,
    per_building: usize,
}

/// A [`Tally`] over world `$w`'s fields, with `$per_building` residents to a building: a macro
/// for the same reason as [`pass!`], to borrow fields and leave the others free.
macro_rules! tally {
    ($w:ident, $residents:expr, $per_building:expr) => {{
        let l = &$w.scenario.behaviour.learning;
        Tally {
            record: &mut $w.record,
            totals: &mut $w.team_totals,
            building_active: &mut $w.building_active,
            served: &mut $w.served_last_step,
            served_staff: &mut $w.served_staff,
            candidates: &mut $w.candidates,
            leader_lost_at: &$w.leader_lost_at,
            chunk_nanos: &mut $w.phases.chunks,
            session_hours: l.session_hours,
            peer_hours: l.peer_hours,
            skill_floor: $w.scenario.behaviour.production.skill_floor,
            k: $w.k,
            residents: $residents,
            per_building: $per_building.max(1),
        }
    }};
}

impl World {
    pub(crate) fn residents(&mut self) {
        let n = self.agents.len();
        let chunks = n.div_ceil(CHUNK);
        self.building_active.fill(0);
        self.team_totals.clear();
        self.team_totals.resize(self.teams.len(), TeamTotals::default());
        self.candidates.clear();
        self.served_last_step.clear();
        self.served_staff.clear();
        self.outreach_asks();
        self.find_vacancies();
        let parallel = rayon::current_num_threads() > 1;
        let (residents, per_building) = (self.agents.residents, self.agents.per_building);
        // a batch steps in one half of the scratch while the batch before it, in the other
        // half, is added up: adding up writes nothing a chunk reads (a departing leader's team
        // is told after the pass, and chunks know the loss from `leader_lost_at` already)
        let half = BATCH.min(self.scratch.outs.len());
        let mut foreseen = 0;
        let mut pending = 0;
        for (b, first) in (0..chunks).step_by(BATCH).enumerate() {
            let last = (first + BATCH).min(chunks);
            let agents_end = (last * CHUNK).min(n);
            let (cols, history) = self.agents.columns_mut();
            let pass = pass!(self, history, residents, per_building);
            let mut tally = tally!(self, residents, per_building);
            let (_, cols) = cols.split_at(first * CHUNK);
            let (cols, _) = cols.split_at(agents_end - first * CHUNK);
            let (even, odd) = self.scratch.outs.split_at_mut(half);
            let (now, then) = if b % 2 == 0 { (even, odd) } else { (odd, even) };
            let (now, then) = (&mut now[..last - first], &then[..pending]);
            if parallel && pending > 0 {
                let (f, ()) = rayon::join(|| tally.add_up(then), || pass.chunks(cols, now, first, parallel));
                foreseen += f;
            } else {
                foreseen += tally.add_up(then);
                pass.chunks(cols, now, first, parallel);
            }
            pending = last - first;
        }
        let batches = chunks.div_ceil(BATCH);
        let (even, odd) = self.scratch.outs.split_at(half);
        let last = if batches % 2 == 1 { even } else { odd };
        foreseen += tally!(self, residents, per_building).add_up(&last[..pending]);
        // and every loss foreseen happened
        let losses = self.leader_lost_at.iter().filter(|&&i| i != NOBODY).count();
        assert_eq!(foreseen, losses, "teams foreseen to lose their leader did not");
        for ((t, c), &lost) in self.teams.iter_mut().zip(&self.team_totals).zip(&self.leader_lost_at) {
            t.members = c.members;
            t.active = c.active;
            t.hours = c.hours;
            t.assigned_hours = c.assigned_hours;
            t.effective_hours = c.effective_hours;
            if lost != NOBODY {
                t.leader = NOBODY;
            }
        }
        self.finish_residents();
    }

    /// This step's outreach asks by social organisation and by enterprise (ODD §7.2).
    fn outreach_asks(&mut self) {
        let actors = &self.scenario.actors;
        for (o, asks) in self.so_asks.iter_mut().enumerate() {
            *asks = self.so[o].workers as f64
                * actors.social_organisations[o].outreach_per_worker
                * self.k
                * self.targets.social_organisation_open[o];
        }
        for (e, asks) in self.ent_asks.iter_mut().enumerate() {
            *asks = actors.enterprises[e].resident_outreach_per_month * self.k * self.targets.enterprise_open[e];
        }
    }

    /// Which teams lose their leader during the pass, and at which index: each leader's step
    /// is tried out on a copy first, so that chunks can step in parallel and still give members
    /// after a departing leader a team without one, as a pass in index order does. The sitting
    /// leaders are those the start of this step found (`start_of_step`).
    fn find_vacancies(&mut self) {
        self.leader_lost_at.clear();
        self.leader_lost_at.resize(self.teams.len(), NOBODY);
        self.departing_leaders.clear();
        {
            let pass = pass!(self, &self.agents.history, self.agents.residents, self.agents.per_building);
            for &i in &self.sitting_leaders {
                let i = i as usize;
                let mut copy = AgentCopy::of(&self.agents, i);
                self.probe.clear();
                // no asks: a leader is in a team; if the team has gone, whether the leader is
                // asked elsewhere changes nothing here (joining a new team vacates nothing)
                let u = agent_uniforms(&self.streams, self.step, i);
                pass.resident(&mut copy.view(i), &mut self.probe, i, &u, &[]);
                if let Some(d) = self.probe.first().filter(|d| d.flags & VACATED != 0) {
                    self.departing_leaders.push((d.team, i as u32));
                }
            }
        }
        // leaders come in index order: the first to leave a team is where it loses its leader
        for &(t, i) in &self.departing_leaders {
            let v = &mut self.leader_lost_at[t as usize];
            if *v == NOBODY {
                *v = i;
            }
        }
    }

    /// Counts over residents that the measures need, and last step's building activity. The
    /// counts are integers, added up over blocks of whole buildings in parallel, so they are the
    /// same on any number of threads (the trust sums come with each chunk, [`Tally::add_up`]).
    fn finish_residents(&mut self) {
        use rayon::prelude::*;
        let ms = &self.scenario.measures;
        let time = &self.scenario.time;
        // the activity history holds 32 steps
        let window = time.steps_in(ms.active_window_months).clamp(1, 32);
        let year = time.steps_per_year().clamp(1, 32);
        let window_mask = if window >= 32 { u32::MAX } else { (1u32 << window) - 1 };
        let year_mask = if year >= 32 { u32::MAX } else { (1u32 << year) - 1 };
        let prior_year_mask = if 2 * year >= 32 { !year_mask } else { ((1u32 << (2 * year)) - 1) & !year_mask };
        let masks = ActivityMasks { window: window_mask, year: year_mask, prior_year: prior_year_mask };
        let regular_min = time.steps_in(ms.regular_min_months).max(1);
        let a = &mut self.agents;
        // residents live in buildings in index order: a building is a run of indices, and a
        // block of whole buildings is a run too
        let per = a.per_building.max(1);
        let block = per * CHUNK.div_ceil(per);
        let (state, registered) = (&a.state[..a.residents], &a.registered[..a.residents]);
        let (histories, brought_in) = a.history.split_at_mut(a.residents);
        let (served, residents) = (&self.served_last_step, a.residents);
        let c = histories
            .par_chunks_mut(block)
            .enumerate()
            .zip(state.par_chunks(block).zip(registered.par_chunks(block)))
            .map(|((b, h), (st, reg))| {
                // bit 0: served this step (the list is in index order)
                let start = b * block;
                let from = served.partition_point(|&i| (i as usize) < start);
                let to = served.partition_point(|&i| (i as usize) < start + h.len());
                for &i in &served[from..to] {
                    h[i as usize - start] |= 1;
                }
                resident_counts(h, st, reg, per, masks, regular_min)
            })
            .reduce(ResidentCounts::default, ResidentCounts::add);
        for &i in &self.served_staff {
            brought_in[i as usize - residents] |= 1;
        }
        // the histories move on a step here, after the counts read them, so that the next
        // step starts with bit 1 = active last step
        for h in brought_in {
            *h <<= 1;
        }
        let a = &self.agents;
        let r = &mut self.record;
        r.active_in_window += c.active_in_window;
        r.regular += c.regular;
        r.core += c.core;
        r.buildings_with_core += c.buildings_with_core;
        r.leaders += c.leaders;
        r.retention_base += c.retention_base;
        r.retained += c.retained;
        r.registered += c.registered;
        r.registered_active += c.registered_active;
        r.buildings = self.building_size.len() as u32;
        r.residents = a.residents as u32;
        r.enrolled = c.enrolled;
        self.non_volunteers = (a.residents as u32).saturating_sub(c.enrolled);
        self.active_rate_prev = r.active_in_window as f64 / a.residents.max(1) as f64;
        for (s, (&act, &size)) in
            self.building_share_prev.iter_mut().zip(self.building_active.iter().zip(&self.building_size))
        {
            *s = if size > 0 { act as f32 / size as f32 } else { 0.0 };
        }
    }
}

impl Tally<'_> {
    /// Add the deeds of chunk buffers `outs` to the step's totals, in index order. Returns how
    /// many teams lost their leader where [`World::find_vacancies`] foresaw it.
    fn add_up(&mut self, outs: &[ChunkOut]) -> usize {
        let mut foreseen = 0;
        let (session_hours, peer_hours, skill_floor, k) =
            (self.session_hours, self.peer_hours, self.skill_floor, self.k);
        let r = &mut *self.record;
        for out in outs {
            // trust sums per chunk, added in chunk order: the same on any number of threads
            r.trust_government_sum += out.trust[0];
            r.trust_neighbours_sum += out.trust[1];
            *self.chunk_nanos += out.nanos;
        }
        for d in outs.iter().flat_map(|o| &o.deeds) {
            let (i, t) = (d.i as usize, d.team as usize);
            let knowledge = &mut r.flows[KNOWLEDGE];
            if d.flags & TRAINED_SO != 0 {
                knowledge[SO] += session_hours;
            } else if d.flags & TRAINED_GOV != 0 {
                knowledge[GOV] += session_hours;
            }
            if d.flags & FROM_LEADER != 0 {
                knowledge[SELF] += peer_hours * k;
            }
            if d.flags & SERVED != 0 {
                let tm = &mut self.totals[t];
                tm.active += 1;
                tm.hours += d.hours;
                tm.assigned_hours += d.assigned;
                tm.effective_hours += d.hours * (skill_floor + (1.0 - skill_floor) * d.skill as f64);
                r.flows[HUMAN][d.source as usize] += d.hours;
                r.volunteer_hours += d.hours;
                r.active_volunteers += 1;
                r.phase_share_sum += d.voice();
                r.active_skill_sum += d.skill as f64;
                r.governance_by_volunteers += d.assigned;
                // bit 0 of the activity history is set from these lists after the pass
                if i < self.residents {
                    r.resident_hours += d.hours;
                    self.building_active[i / self.per_building] += 1;
                    self.served.push(i as u32);
                } else {
                    self.served_staff.push(i as u32);
                }
            }
            if d.flags & VACATED != 0 {
                // the tried-out step must have found this loss, at this index or before it
                let at = self.leader_lost_at[t];
                assert!(d.i >= at, "team {t} lost its leader at {}, not foreseen (foreseen at {at})", d.i);
                foreseen += (d.i == at) as usize;
            }
            if d.flags & STAYED != 0 {
                self.totals[t].members += 1;
            }
            if d.flags & CANDIDATE != 0 && self.candidates.len() < self.candidates.capacity() {
                self.candidates.push(i as u32);
            }
        }
        foreseen
    }
}

/// Which bits of an activity history make the active window, the last year and the year before.
#[derive(Clone, Copy)]
pub(super) struct ActivityMasks {
    pub window: u32,
    pub year: u32,
    pub prior_year: u32,
}

/// Integer counts over residents for the measures (order-free, so added up in any order).
#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub(super) struct ResidentCounts {
    pub active_in_window: u32,
    pub regular: u32,
    pub core: u32,
    pub buildings_with_core: u32,
    pub leaders: u32,
    pub enrolled: u32,
    pub retention_base: u32,
    pub retained: u32,
    pub registered: u32,
    pub registered_active: u32,
}

impl ResidentCounts {
    fn add(self, o: ResidentCounts) -> ResidentCounts {
        ResidentCounts {
            active_in_window: self.active_in_window + o.active_in_window,
            regular: self.regular + o.regular,
            core: self.core + o.core,
            buildings_with_core: self.buildings_with_core + o.buildings_with_core,
            leaders: self.leaders + o.leaders,
            enrolled: self.enrolled + o.enrolled,
            retention_base: self.retention_base + o.retention_base,
            retained: self.retained + o.retained,
            registered: self.registered + o.registered,
            registered_active: self.registered_active + o.registered_active,
        }
    }
}

/// Counts over the residents of one block of whole buildings (`per` residents to a building):
/// their activity histories, states and registration. Each history moves on a step after it is
/// read (bit 0, this step, becomes bit 1). Integer work over every resident: on a processor
/// with AVX2 it runs in the wider vectors, with the same result.
pub(super) fn resident_counts(
    history: &mut [u32],
    state: &[State],
    registered: &[bool],
    per: usize,
    m: ActivityMasks,
    regular_min: u32,
) -> ResidentCounts {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("popcnt") {
        /// # Safety
        /// Only on a processor with AVX2 and POPCNT.
        #[target_feature(enable = "avx2,popcnt")]
        unsafe fn wide(
            h: &mut [u32],
            st: &[State],
            reg: &[bool],
            per: usize,
            m: ActivityMasks,
            min: u32,
        ) -> ResidentCounts {
            count_residents(h, st, reg, per, m, min)
        }
        // SAFETY: the processor has the features `wide` is compiled for (checked just above)
        return unsafe { wide(history, state, registered, per, m, regular_min) };
    }
    count_residents(history, state, registered, per, m, regular_min)
}

#[inline(always)]
pub(super) fn count_residents(
    history: &mut [u32],
    state: &[State],
    registered: &[bool],
    per: usize,
    m: ActivityMasks,
    regular_min: u32,
) -> ResidentCounts {
    let mut c = ResidentCounts::default();
    for ((history, state), registered) in history.chunks_mut(per).zip(state.chunks(per)).zip(registered.chunks(per)) {
        let mut has_core = false;
        for ((h, &st), &registered) in history.iter_mut().zip(state).zip(registered) {
            let h0 = *h;
            *h = h0 << 1;
            c.active_in_window += (h0 & m.window != 0) as u32;
            c.regular += ((h0 & m.year).count_ones() >= regular_min) as u32;
            c.core += (st >= State::Core) as u32;
            has_core |= st >= State::Core;
            c.leaders += (st == State::Leader) as u32;
            c.enrolled += (st != State::Inactive) as u32;
            if h0 & m.prior_year != 0 {
                c.retention_base += 1;
                c.retained += (h0 & m.year != 0) as u32;
            }
            if registered {
                c.registered += 1;
                c.registered_active += (h0 & m.window != 0) as u32;
            }
        }
        c.buildings_with_core += has_core as u32;
    }
    c
}

impl Pass<'_> {
    /// Step chunks `first..` (one per slot of `outs`) of `cols`, halving the work between
    /// threads when `parallel`; a chunk's draws depend only on its agents and its index, so the
    /// split is free.
    fn chunks(&self, cols: AgentsMut, outs: &mut [ChunkOut], first: usize, parallel: bool) {
        if outs.len() > 1 {
            let mid = outs.len() / 2;
            let (a, b) = cols.split_at(mid * CHUNK);
            let (oa, ob) = outs.split_at_mut(mid);
            if parallel {
                rayon::join(|| self.chunks(a, oa, first, parallel), || self.chunks(b, ob, first + mid, parallel));
            } else {
                self.chunks(a, oa, first, parallel);
                self.chunks(b, ob, first + mid, parallel);
            }
        } else {
            self.chunk(cols, &mut outs[0], first);
        }
    }

    /// Step chunk `c`, the agents of `cols`, keeping its deeds in `out`. Residents out of a
    /// team whom nobody asks draw nothing; the others' uniforms are a function of who they are
    /// and the step, so skipping changes no one's numbers.
    fn chunk(&self, mut cols: AgentsMut, o: &mut ChunkOut, c: usize) {
        let started = std::time::Instant::now();
        let ChunkOut { deeds: out, hits, trust, nanos } = o;
        out.clear();
        self.asks(c, cols.offset, cols.len(), hits);
        // the agents who step, a few at a time: their uniforms are drawn together, one agent's
        // independent of another's, so the generator's rounds for several agents overlap
        const AT_ONCE: usize = 16;
        // the agents and where their asks are in `hits`
        let (mut who, mut asked) = ([0u32; AT_ONCE], [(0usize, 0usize); AT_ONCE]);
        let mut n = 0;
        let mut step = |cols: &mut AgentsMut, who: &[u32], asked: &[(usize, usize)]| {
            let mut u = [Uniforms::default(); AT_ONCE];
            agent_uniforms_of(self.streams, self.step, who, &mut u);
            for ((u, &i), &(first, next)) in u.iter().zip(who).zip(asked) {
                self.resident(cols, out, i as usize, u, &hits[first..next]);
            }
        };
        // who steps: members, brought-in staff and whoever a tie or a programme asks. An
        // agent's step reads and writes only its own columns (and its asks), so who steps can
        // be found for a block of agents before any of them has stepped: a mask per block of
        // 64, built without branches, then walked bit by bit (most residents are idle)
        let (len, offset) = (cols.len(), cols.offset);
        let (mut next, mut marked) = (0, 0);
        for base in (0..len).step_by(64) {
            let end = (base + 64).min(len);
            let mut mask = stepping_mask(
                &cols.team[base..end],
                &cols.origin[base..end],
                &self.peer_ask[offset + base..offset + end],
            );
            while marked < hits.len() && (hits[marked].at as usize) < end {
                mask |= 1 << (hits[marked].at as usize - base);
                marked += 1;
            }
            while mask != 0 {
                let j = base + mask.trailing_zeros() as usize;
                mask &= mask - 1;
                let first = next;
                while next < hits.len() && hits[next].at as usize == j {
                    next += 1;
                }
                (who[n], asked[n]) = ((offset + j) as u32, (first, next));
                n += 1;
                if n == AT_ONCE {
                    step(&mut cols, &who, &asked);
                    n = 0;
                }
            }
        }
        step(&mut cols, &who[..n], &asked[..n]);
        // trust reads nothing a resident's step writes, and a step reads trust before it moves
        *trust = self.update_trust(&mut cols);
        *nanos = super::world::nanos(started.elapsed());
    }

    /// The campaign and outreach asks that reach the `len` agents of chunk `c` (from agent
    /// `offset`), sorted by position and then source (ODD §7.2). A campaign asks every
    /// non-volunteer with its reach, into a team drawn uniformly and thinned by its openings.
    /// Outreach reaches one list of residents: the organisations' asks of this step laid end to
    /// end over the non-volunteers, and the enterprises' likewise, both from the start of the
    /// list, so a resident reached by an enterprise's programme is one an organisation reaches
    /// too when the organisations ask more. Residents on the list are drawn by geometric gaps
    /// from the chunk's ask stream, so the cost follows the asks, not the residents. Only
    /// residents are drawn; a volunteer drawn here is asked only if its team goes this step.
    fn asks(&self, c: usize, offset: usize, len: usize, hits: &mut Vec<Hit>) {
        hits.clear();
        let len = len.min(self.residents.saturating_sub(offset));
        if len == 0 {
            return;
        }
        let mut rng = self.streams.stream(Purpose::Asks, self.step, c as u32);
        if let Some(reach) = self.campaign_reach {
            let targets = &self.targets.government;
            bernoulli_positions(&mut rng, reach, len, |rng, at| {
                let team = targets[pick(uniform(rng), targets.len())];
                if uniform(rng) < self.openings(team) {
                    hits.push(Hit { at: at as u16, source: 0, team, channel: Channel::Government });
                }
            });
        }
        // outreach spreads its asks over the non-volunteers at the start of the step (members
        // whose team goes this step may still be asked by a campaign)
        let reached = self.outreach_reached;
        let so_sources = self.so_asks.len() as u16;
        let p = if reached > 0.0 { reached / self.non_volunteers as f64 } else { 0.0 };
        bernoulli_positions(&mut rng, p, len, |rng, at| {
            // where on the list this resident is: uniform over the reached part
            let x = uniform(rng) * reached;
            if let Some((o, within)) = on_list(x, self.so_asks) {
                let targets = &self.targets.social_organisation[o];
                if !targets.is_empty() {
                    let team = targets[pick(within, targets.len())];
                    let source = 1 + o as u16;
                    hits.push(Hit { at: at as u16, source, team, channel: Channel::SocialOrganisation });
                }
            }
            if let Some((e, within)) = on_list(x, self.ent_asks) {
                let targets = &self.targets.enterprise[e];
                if self.ent[e].engaged && !targets.is_empty() {
                    let team = targets[pick(within, targets.len())];
                    let source = 1 + so_sources + e as u16;
                    hits.push(Hit { at: at as u16, source, team, channel: Channel::Enterprise });
                }
            }
        });
        hits.sort_unstable_by_key(|h| (h.at, h.source));
    }

    /// One resident's step. Writes only resident i's columns; what it adds to the step's
    /// totals goes to `out`.
    #[inline(always)]
    fn resident(&self, a: &mut AgentsMut, out: &mut Vec<Deed>, i: usize, u: &Uniforms, asked: &[Hit]) {
        let b = &self.s.behaviour;
        let j = i - a.offset;
        // --- membership changes forced by teams or sponsors ---
        let mut team = a.team[j];
        if team != NO_TEAM {
            let t = &self.teams[team as usize];
            let employer_left = a.origin[j] > 0 && !self.ent[(a.origin[j] - 1) as usize].engaged;
            if !t.alive || employer_left {
                let successor = t.split_to;
                if !t.alive && successor != NO_TEAM && self.teams[successor as usize].alive && !employer_left {
                    team = successor;
                } else {
                    leave(a, j);
                    team = NO_TEAM;
                }
            } else if t.split_to != NO_TEAM
                && a.state[j] != State::Leader
                && (u.reach_or_split as f64) < b.leadership.split_share
            {
                team = t.split_to;
            }
            a.team[j] = team;
        }
        // --- asks and acceptance ---
        if team == NO_TEAM {
            if let Some(ask) = self.best_ask(a, i, u, asked) {
                let m = a.motivation[j] as f64;
                let logit = b.acceptance.intercept
                    + ask.bonus
                    + b.acceptance.motivation * (m - 0.5)
                    + b.acceptance.trust * (ask.trust as f64 - 0.5)
                    + b.acceptance.peer_influence * self.ties_active_share(i)
                    + b.acceptance.price_effect * self.reward as f64 * (1.0 - m);
                let p = logistic(logit);
                if (u.accept as f64) < p {
                    // given a yes, u/p is uniform again: registering draws no new number
                    let reg = &b.registration;
                    let share = match ask.channel {
                        Channel::Government => reg.campaign,
                        Channel::SocialOrganisation => reg.social_organisation,
                        Channel::Enterprise => reg.enterprise,
                        Channel::Residents => reg.peer,
                    };
                    a.registered[j] |= (u.accept as f64) < p * share;
                    a.team[j] = ask.team;
                    a.state[j] = State::Occasional;
                    a.channel[j] = ask.channel;
                    a.commitment[j] = 0.0;
                    a.satisfaction[j] = 0.5;
                    a.tenure[j] = 0;
                    team = ask.team;
                }
            }
        }
        if team == NO_TEAM {
            return;
        }
        self.volunteer(a, out, i, team as usize, u);
    }

    /// The ask with the highest bonus among those that reached resident i this step (`asked`
    /// by campaigns and outreach, and a tie's or cell's ask), if any.
    fn best_ask(&self, a: &AgentsMut, i: usize, u: &Uniforms, asked: &[Hit]) -> Option<Ask> {
        let acc = &self.s.behaviour.acceptance;
        let j = i - a.offset;
        let mut best: Option<Ask> = None;
        // an ask to join `team` on `channel`: the channel's bonus, and trust in whoever asks
        let mut consider = |team: u16, channel: Channel| {
            let (bonus, trust) = match channel {
                Channel::Government => (acc.government_campaign_bonus, a.trust_government[j]),
                Channel::SocialOrganisation => (acc.social_organisation_bonus, a.trust_neighbours[j]),
                Channel::Enterprise => (acc.enterprise_bonus, a.trust_neighbours[j]),
                Channel::Residents => (acc.peer_bonus, a.trust_neighbours[j]),
            };
            if best.is_none_or(|b| bonus > b.bonus) {
                best = Some(Ask { team, channel, bonus, trust });
            }
        };
        if a.origin[j] > 0 {
            // brought-in volunteers are asked only by their employer's programme
            let e = (a.origin[j] - 1) as usize;
            let targets = &self.targets.enterprise[e];
            let share = self.s.actors.enterprises[e].employee_ask_share;
            if self.ent[e].engaged && !targets.is_empty() {
                let team = targets[pick(u.pick as f64, targets.len())];
                if (u.reach_or_split as f64) < per_step(share, self.k) * self.openings(team) {
                    consider(team, Channel::Enterprise);
                }
            }
            return best;
        }
        // campaigns, social-worker outreach and enterprise community programmes (community
        // centre, store events, while the enterprise is engaged), drawn per source
        for hit in asked {
            consider(hit.team, hit.channel);
        }
        let peer = self.peer_ask[i];
        if peer != NO_TEAM && self.teams[peer as usize].alive {
            consider(peer, Channel::Residents);
        }
        best
    }

    /// Openings for recruits in team t's category (organisations recruit for the work they have).
    #[inline]
    fn openings(&self, t: u16) -> f64 {
        team_openings(self.teams, &self.coverage_cat_prev, &self.s.behaviour.recruitment, t)
    }

    /// Share of resident i's ties who were active last step (bit 1 after the history shift).
    fn ties_active_share(&self, i: usize) -> f64 {
        let d = self.net.degree;
        if d == 0 || i >= self.residents {
            return 0.0;
        }
        let net = self.net;
        let h = self.history;
        let start = (i / net.courtyard) * net.courtyard;
        let long = d - net.local;
        let local = net.local_ties[i * net.local..(i + 1) * net.local].iter().map(|&o| start + o as usize);
        let far = net.long_ties[i * long..(i + 1) * long].iter().map(|&j| j as usize);
        let active = local.chain(far).filter(|&j| h[j] & 2 != 0).count();
        active as f64 / d as f64
    }

    /// An enrolled volunteer's step: serve or not (and if so learn, weigh the experience and
    /// book the hours), then leave or stay, and if staying move between states.
    fn volunteer(&self, a: &mut AgentsMut, out: &mut Vec<Deed>, i: usize, t: usize, u: &Uniforms) {
        let j = i - a.offset;
        let state = a.state[j];
        let is_leader = state == State::Leader;
        let mut deed = Deed { i: i as u32, team: t as u16, source: a.channel[j].source() as u8, ..Deed::default() };
        let overload = match self.service(a, j, t, state, u) {
            Some(service) => {
                self.learn(a, &mut deed, t, is_leader, u);
                let voice = self.experience(a, j, t, is_leader, deed.flags & (TRAINED_SO | TRAINED_GOV) != 0, &service);
                deed.flags |= SERVED;
                deed.hours = service.hours;
                deed.assigned = service.assigned;
                deed.voice_quarters = (voice * 4.0) as u8;
                deed.skill = a.skill[j];
                service.overload
            }
            None => {
                let c0 = a.commitment[j] as f64;
                a.commitment[j] = (c0 * (1.0 - self.rates.commitment_decay)).max(0.0) as f32;
                0.0
            }
        };
        // exit: "voting with feet" [000]. Most volunteers stay: a draw clear of the bound's
        // chance stays without the exact chance (an exp) being worked out; the same decisions
        let (r, sat, com) = (&self.s.behaviour.retention, a.satisfaction[j] as f64, a.commitment[j] as f64);
        let draw = u.exit as f64;
        let may_leave = draw < step_probability(exit_hazard_bound(r, sat, com, overload), self.k) + EXIT_BOUND_MARGIN;
        if may_leave && draw < step_probability(exit_hazard(r, sat, com, overload), self.k) {
            if is_leader {
                deed.flags |= VACATED;
            }
            leave(a, j);
        } else {
            self.stay(a, &mut deed, t, state, u);
        }
        if deed.flags != 0 {
            out.push(deed);
        }
    }

    /// Whether volunteer j serves this step (on their own account or called out by team t),
    /// and if so for how many hours, how many of them assigned by government, and the overload
    /// and control that brings; `None` for an inactive step.
    #[inline]
    fn service(&self, a: &AgentsMut, j: usize, t: usize, state: State, u: &Uniforms) -> Option<Service> {
        let act = &self.s.behaviour.activity;
        let team = &self.teams[t];
        let k = self.k;
        let m = a.motivation[j] as f64;
        let x = self.reward as f64;
        let budget = a.time_budget[j] as f64 * k;
        let (base, share) = match state {
            State::Occasional => (act.occasional, act.hours_share_occasional),
            State::Regular => (act.regular, act.hours_share_regular),
            State::Core => (act.core, act.hours_share_core),
            State::Leader => (act.leader, act.hours_share_core),
            State::Inactive => (0.0, 0.0),
        };
        let w = act.motivation_weight;
        let p_active = step_probability(base * (1.0 - w + 2.0 * w * m) * (1.0 + act.reward_effect * x * (1.0 - m)), k);
        let called = (u.callout as f64) < team.callout as f64;
        let serves = (u.serve as f64) < p_active;
        if !(serves || called) {
            return None;
        }
        let mut hours = 0.0;
        let mut assigned = 0.0;
        if serves {
            hours += share * budget;
        }
        if called {
            let extra = act.callout_hours_share * budget;
            hours += extra;
            if team.callout_assigned {
                assigned += extra;
            }
        }
        assigned += (hours - assigned) * team.assigned_share as f64;
        let (mut overload, mut control) = (0.0, 0.0);
        if hours > 0.0 {
            control = assigned / hours;
            overload = if budget > 0.0 { (hours / budget - act.overload_threshold).max(0.0) } else { 0.0 };
        }
        Some(Service { hours, assigned, overload, control })
    }

    /// Training sessions (social organisation first, then government), learning by doing and
    /// from the team's leader; the deed records the training and the knowledge flows.
    #[inline]
    fn learn(&self, a: &mut AgentsMut, deed: &mut Deed, t: usize, is_leader: bool, u: &Uniforms) {
        let l = &self.s.behaviour.learning;
        let team = &self.teams[t];
        let j = deed.i as usize - a.offset;
        let trains = u.training as f64;
        let (so_p, gov_p) = (team.train_so as f64, team.train_gov as f64);
        let mut trained = false;
        if trains < so_p {
            trained = true;
            deed.flags |= TRAINED_SO;
        } else if trains < so_p + gov_p {
            trained = true;
            deed.flags |= TRAINED_GOV;
        }
        let mut skill = a.skill[j] as f64;
        if trained {
            skill += l.training_gain * (1.0 - skill);
        }
        skill += self.rates.by_doing * (1.0 - skill);
        // the leader as it stands at this resident's turn in index order
        let has_leader = team.leader != NOBODY && deed.i < self.leader_lost_at[t];
        if has_leader && !is_leader {
            let gap = team.leader_skill as f64 - skill;
            if gap > 0.0 {
                skill += self.rates.from_leader * gap;
            }
            deed.flags |= FROM_LEADER;
        }
        a.skill[j] = skill.clamp(0.0, 1.0) as f32;
    }

    /// Experience → satisfaction → commitment (Chacón et al. 2007), and motivation crowding
    /// (Frey & Jegen 2001); returns volunteer j's share of co-production phases (voice).
    #[inline]
    fn experience(
        &self,
        a: &mut AgentsMut,
        j: usize,
        t: usize,
        is_leader: bool,
        trained: bool,
        service: &Service,
    ) -> f64 {
        let b = &self.s.behaviour;
        let team = &self.teams[t];
        let k = self.k;
        let sat = &b.satisfaction;
        let voice = phase_share(team.phases, is_leader);
        let experience = sat.baseline
            + sat.service_success * team.success as f64
            + sat.voice * voice
            + sat.recognition * self.recognition as f64
            + sat.training * trained as u8 as f64
            - sat.overload * service.overload
            - sat.control * service.control;
        let s0 = a.satisfaction[j] as f64;
        let s1 = s0 + self.rates.satisfaction_adapt * (experience.clamp(0.0, 1.0) - s0);
        a.satisfaction[j] = s1.clamp(0.0, 1.0) as f32;
        let c0 = a.commitment[j] as f64;
        a.commitment[j] = (c0 + self.rates.commitment_growth * (s1 - c0)).clamp(0.0, 1.0) as f32;
        let cr = &b.crowding;
        let (m, x) = (a.motivation[j] as f64, self.reward as f64);
        let dm = (cr.recognition * self.recognition as f64 * (1.0 - m)
            - cr.reward * x * m
            - cr.control * service.control * m)
            * k;
        a.motivation[j] = (m + dm).clamp(0.0, 1.0) as f32;
        voice
    }

    /// The volunteer stays in team t: states follow commitment (with hysteresis), and a core
    /// resident may step up as a leader candidate.
    #[inline]
    fn stay(&self, a: &mut AgentsMut, deed: &mut Deed, t: usize, state: State, u: &Uniforms) {
        let b = &self.s.behaviour;
        let i = deed.i as usize;
        let j = i - a.offset;
        deed.flags |= STAYED;
        a.tenure[j] = a.tenure[j].saturating_add(1);
        let skill = a.skill[j] as f64;
        let new_state = next_state(&b.states, state, a.commitment[j] as f64, skill);
        if state == State::Leader && new_state != State::Leader {
            deed.flags |= VACATED;
        }
        a.state[j] = new_state;
        // leaders emerge from core residents (brought-in staff do not lead community teams)
        if new_state == State::Core && i < self.residents && skill >= b.leadership.min_skill {
            self.leader_candidacy(deed, t, u);
        }
    }

    /// A core resident of team t steps up as a leader candidate with the emergence rate,
    /// raised by a sitting council and by an active social organisation's leader discovery.
    #[inline]
    fn leader_candidacy(&self, deed: &mut Deed, t: usize, u: &Uniforms) {
        let s = self.s;
        let mut boost = 1.0;
        if self.council {
            boost *= s.instruments.deliberation_council.as_ref().map_or(1.0, |c| c.leader_boost);
        }
        if let Some(o) = so_link(&self.teams[t]) {
            if self.so[o as usize].workers > 0 {
                boost *= s.actors.social_organisations[o as usize].leader_discovery;
            }
        }
        if (u.leader as f64) < step_probability(s.behaviour.leadership.emergence_rate * boost, self.k) {
            deed.flags |= CANDIDATE;
        }
    }

    /// Trust moves toward targets set by service coverage, voice and neighbours' activity: every
    /// resident of the chunk, building by building (the neighbours' target is the building's).
    /// Returns the chunk's sums of trust in government and in neighbours after the move, each
    /// the sum added in index order ([`sum_in_index_order`]).
    fn update_trust(&self, a: &mut AgentsMut) -> [f64; 2] {
        // every resident, every step: on a processor with AVX2 the same arithmetic (no fused
        // multiply-add) runs in the wider vectors, with the same result
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            /// # Safety
            /// Only on a processor with AVX2.
            #[target_feature(enable = "avx2")]
            unsafe fn wide(pass: &Pass, a: &mut AgentsMut) -> [f64; 2] {
                pass.move_trust(a)
            }
            // SAFETY: the processor has the feature `wide` is compiled for (checked just above)
            return unsafe { wide(self, a) };
        }
        self.move_trust(a)
    }

    #[inline(always)]
    fn move_trust(&self, a: &mut AgentsMut) -> [f64; 2] {
        let tr = &self.s.behaviour.trust;
        let council = self.council as u8 as f64;
        let (rate, target_g) = (self.trust_rate, self.trust_target_government);
        let end = (a.offset + a.len()).min(self.residents);
        let per = self.per_building.max(1);
        let mut i = a.offset;
        while i < end {
            let building = i / per;
            let run = i - a.offset..((building + 1) * per).min(end) - a.offset;
            let share = self.building_share_prev[building] as f64;
            let target_n =
                (tr.neighbours_base + tr.neighbours_activity * share + tr.neighbours_coproduction * council).min(1.0);
            for g in &mut a.trust_government[run.clone()] {
                *g = (*g as f64 + rate * (target_g - *g as f64)) as f32;
            }
            for n in &mut a.trust_neighbours[run.clone()] {
                *n = (*n as f64 + rate * (target_n - *n as f64)) as f32;
            }
            i = run.end + a.offset;
        }
        let residents = 0..end.saturating_sub(a.offset);
        [sum_in_index_order(&a.trust_government[residents.clone()]), sum_in_index_order(&a.trust_neighbours[residents])]
    }
}

/// The sum of `v` in f64, bit for bit the sum added in index order: in lanes when
/// [`sum_in_lanes`] can, else one value after another.
#[inline(always)]
pub(crate) fn sum_in_index_order(v: &[f32]) -> f64 {
    sum_in_lanes(v).unwrap_or_else(|| v.iter().fold(0.0, |s, &x| s + x as f64))
}

/// The sum of `v` added in eight lanes, when that is bit for bit the sum added in index order.
/// When there are at most 2¹² values, each 0 or of magnitude in [2⁻¹⁸, 1], every value is a
/// multiple of 2⁻⁴¹ (an f32 has 24 significant bits), and so is every partial sum, at most 2¹²
/// in magnitude: all fit f64's 53 bits, every addition is exact and the order does not matter.
/// `None` otherwise.
#[inline(always)]
pub(crate) fn sum_in_lanes(v: &[f32]) -> Option<f64> {
    const LANES: usize = 8;
    if v.len() > 1 << 12 {
        return None;
    }
    let mut lanes = [0.0f64; LANES];
    // per lane, the bits of the largest magnitude and of the smallest nonzero one less one (a
    // zero's wraps to the largest number): every value is in range when the first is at most
    // 1's bits and the second at least 2⁻¹⁸'s less one. NaN's bits lie above 1's. Unsigned
    // minimum and maximum, eight values at a time, are cheaper than testing each value.
    let (mut high, mut low) = ([0u32; LANES], [u32::MAX; LANES]);
    let mut add = |l: usize, x: f32| {
        let m = x.to_bits() & 0x7fff_ffff;
        high[l] = high[l].max(m);
        low[l] = low[l].min(m.wrapping_sub(1));
        lanes[l] += x as f64;
    };
    let whole = v.chunks_exact(LANES);
    let rest = whole.remainder();
    for block in whole {
        for (l, &x) in block.iter().enumerate() {
            add(l, x);
        }
    }
    for (l, &x) in rest.iter().enumerate() {
        add(l, x);
    }
    let (high, low) = (high.into_iter().max().unwrap_or(0), low.into_iter().min().unwrap_or(u32::MAX));
    (high <= EXACT_HIGH && low >= EXACT_LOW - 1).then(|| lanes.iter().sum())
}

/// The bits of the magnitudes [`sum_in_lanes`] adds: 0, or from 2⁻¹⁸ to 1.
const EXACT_LOW: u32 = (127 - 18) << 23;
const EXACT_HIGH: u32 = 127 << 23;

/// Whether x is neither 0 nor of magnitude in [2⁻¹⁸, 1], so that [`sum_in_lanes`] leaves a sum
/// with it to be added in index order: the test of one value, for checking the lanes' test.
#[cfg(test)]
pub(crate) fn outside_exact_sums(x: f32) -> bool {
    let m = x.to_bits() & 0x7fff_ffff;
    m != 0 && !(EXACT_LOW..=EXACT_HIGH).contains(&m)
}

/// Agent j of a chunk leaves volunteering: back to inactive, commitment lost.
#[inline]
fn leave(a: &mut AgentsMut, j: usize) {
    a.team[j] = NO_TEAM;
    a.state[j] = State::Inactive;
    a.commitment[j] = 0.0;
    a.tenure[j] = 0;
}

/// Which source's share of the outreach list position `x` falls in (the sources' asks of this
/// step laid end to end, in source order), and where in that share (in [0, 1), to pick a team);
/// `None` past all of them.
fn on_list(x: f64, asks: &[f64]) -> Option<(usize, f64)> {
    let mut x = x;
    for (k, &a) in asks.iter().enumerate() {
        if x < a {
            return Some((k, x / a));
        }
        x -= a;
    }
    None
}

/// Index in `0..len` from a uniform.
#[inline]
fn pick(u: f64, len: usize) -> usize {
    ((u * len as f64) as usize).min(len - 1)
}
