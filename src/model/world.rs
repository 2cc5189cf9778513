//! The world of one replication and its schedule (ODD §3 process overview):
//!
//! 1. **institutions** ([`super::institutions`]): the calendar, money flows among government,
//!    social organisations, enterprises, the community fund and teams; what each team offers
//!    its members this step (call-outs, training, assigned tasks);
//! 2. **start of step**: active volunteers ask someone they know (the histories advanced at
//!    the end of the last step's residents pass);
//! 3. **residents** ([`super::residents`]): asks answered, activity, hours, learning,
//!    satisfaction, commitment, crowding, exit, state changes, trust;
//! 4. **teams** ([`super::teams`]): leaders found or split teams, materials, service output,
//!    coverage, dissolution, registration, legitimacy and government's needs.
//!
//! All behaviour reads its coefficients from the scenario; nothing here knows which driver
//! model is running.

use super::entities::*;
use super::events::Timeline;
use super::ledger::{MoneyAudit, StepRecord};
use super::organisations::Organisations;
use super::population::{self, Network, Population};
use super::residents::{Deed, TeamTotals};
use super::rng::Streams;
use super::scratch::Scratch;
use crate::scenario::Scenario;
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// Which instruments are on in this step.
#[derive(Clone, Copy, Debug, Default)]
pub struct Calendar {
    pub campaign: bool,
    pub points: bool,
    pub council: bool,
    pub platform: bool,
    pub cells: bool,
}

/// Team ids grouped by who recruits into them; rebuilt each step in preallocated vectors.
#[derive(Clone, Debug, Default)]
pub struct RecruitTargets {
    pub government: Vec<u16>,
    pub social_organisation: Vec<Vec<u16>>,
    pub enterprise: Vec<Vec<u16>>,
    /// Per social organisation and enterprise: mean openings over its teams (scales its outreach).
    pub social_organisation_open: Vec<f64>,
    pub enterprise_open: Vec<f64>,
}

/// Points of the points scheme since the start of the run.
#[derive(Clone, Copy, Debug, Default)]
pub struct PointsTally {
    pub issued: f64,
    pub redeemed: f64,
}

pub struct World {
    pub scenario: Scenario,
    /// Months per step.
    pub(crate) k: f64,
    pub(crate) steps: u32,
    pub(crate) step: u32,
    pub(crate) streams: Streams,
    pub agents: Agents,
    pub(crate) net: Network,
    pub teams: Vec<Team>,
    pub so: Vec<SoState>,
    pub ent: Vec<EntState>,
    pub contracts: Vec<ContractState>,
    /// Community fund balance (yuan).
    pub fund: f64,
    pub(crate) cal: Calendar,
    pub timeline: Timeline,
    /// Reward intensity X of the points scheme this step (0 when off).
    pub(crate) reward: f32,
    /// Recognition value R this step.
    pub(crate) recognition: f32,
    /// Share of last step's point redemptions the funder could pay (credibility of the scheme).
    pub(crate) points_paid_ratio: f64,
    /// Points issued and redeemed since the start.
    pub points: PointsTally,
    pub(crate) coverage_prev: f64,
    pub(crate) coverage_cat_prev: [f64; CATEGORIES],
    /// Share of each category's latent need that residents ask for (revealed demand).
    pub(crate) revealed: [f64; CATEGORIES],
    pub(crate) active_rate_prev: f64,
    pub(crate) building_share_prev: Vec<f32>,
    pub(crate) building_active: Vec<u32>,
    pub(crate) building_size: Vec<u32>,
    /// Scratch for forming building cells: whether each building has a live cell.
    pub(crate) has_cell: Vec<bool>,
    /// Team of the neighbour who asked resident i this step (NO_TEAM = nobody asked).
    pub(crate) peer_ask: Vec<u16>,
    /// Residents stepping up as leaders this step, in index order.
    pub(crate) candidates: Vec<u32>,
    /// The residents pass's scratch, borrowed from a pool while the world steps (empty between steps).
    pub(crate) scratch: Scratch,
    /// Agents in the state of leader at the start of the step, in index order.
    pub(crate) sitting_leaders: Vec<u32>,
    /// Residents who served in the step just run, in index order (those with bit 1 of their
    /// activity history set between steps): the start of the next step lets them ask a tie.
    /// The residents pass clears and refills it.
    pub(crate) served_last_step: Vec<u32>,
    /// Brought-in staff who served in the step just run, in index order (the residents pass
    /// sets their activity history from it after the pass).
    pub(crate) served_staff: Vec<u32>,
    /// Scratch: each team's totals of the residents pass, added up apart from the teams the
    /// pass reads and handed to the teams after it.
    pub(crate) team_totals: Vec<TeamTotals>,
    /// Where this world's steps spent their time so far (`--timings`; changes no result).
    pub(crate) phases: StepPhases,
    /// Scratch: this step's asks of ties in the askers' order, first as (asker, which tie), then
    /// as (asked resident, asker's team).
    pub(crate) peer_asks: Vec<(u32, u16)>,
    /// Scratch: per resident who served last step, which chance to ask a tie it has (by being
    /// core and by its team's category), or none when out of a team.
    pub(crate) peer_chance: Vec<u8>,
    /// Scratch for trying out a leader's step.
    pub(crate) probe: Vec<Deed>,
    /// Per team: index of the leader who leaves or steps down this step (NOBODY if none).
    pub(crate) leader_lost_at: Vec<u32>,
    /// Scratch: (team, index) of leaders leaving this step, in index order.
    pub(crate) departing_leaders: Vec<(u16, u32)>,
    /// Outreach asks of this step by social organisation and by enterprise.
    pub(crate) so_asks: Vec<f64>,
    pub(crate) ent_asks: Vec<f64>,
    pub(crate) targets: RecruitTargets,
    /// Residents not enrolled at the end of the last step (for outreach probabilities).
    pub(crate) non_volunteers: u32,
    /// Money given to teams but pooled by the coordination platform, by origin (within a step).
    pub(crate) pooled: [f64; SOURCES],
    /// Government money still available this step.
    pub(crate) gov_available: f64,
    pub record: StepRecord,
    pub audit: MoneyAudit,
    /// Teams, volunteers and money by organisation (organisations.csv).
    pub orgs: Organisations,
}

/// Upper bound on leader candidates handled per step (keeps the step loop allocation-free).
const MAX_CANDIDATES: usize = 256;

impl World {
    /// Build replication `replication` of a validated scenario.
    pub fn new(scenario: &Scenario, seed: u64, replication: u32) -> World {
        let streams = Streams::new(seed, replication);
        let (mut agents, net) =
            population::residents_and_ties(&scenario.community, &streams, population::employees(scenario));
        population::bring_in(&mut agents, scenario, &streams);
        World::build(scenario, streams, agents, net)
    }

    /// Build replication `replication` of a validated scenario around a copy of its population,
    /// drawn for the same seed and replication by a scenario with the same
    /// [`Population::key`]: the same world as [`World::new`] builds, without drawing the
    /// residents and ties again.
    pub fn with_population(scenario: &Scenario, seed: u64, replication: u32, p: &Population) -> World {
        let streams = Streams::new(seed, replication);
        let mut agents = p.agents.copy_with_room(population::employees(scenario));
        population::bring_in(&mut agents, scenario, &streams);
        World::build(scenario, streams, agents, p.net.clone())
    }

    fn build(scenario: &Scenario, streams: Streams, agents: Agents, net: Network) -> World {
        let s = scenario.clone();
        let k = s.time.months_per_step() as f64;
        let steps = s.time.steps();
        let per_building = s.community.residents_per_building.max(1) as usize;
        let buildings = agents.residents.div_ceil(per_building);
        let mut building_size = vec![0u32; buildings.max(1)];
        for i in 0..agents.residents {
            building_size[agents.building(i)] += 1;
        }
        let max_teams = s.behaviour.leadership.max_teams as usize;
        let n_so = s.actors.social_organisations.len();
        let n_ent = s.actors.enterprises.len();
        let mut so = vec![SoState::default(); n_so];
        let mut initial = 0.0;
        for (st, p) in so.iter_mut().zip(&s.actors.social_organisations) {
            st.funds[SO] = p.initial_funds;
            initial += p.initial_funds;
        }
        let fund = s.actors.community_fund.as_ref().map_or(0.0, |f| f.initial_balance);
        initial += fund;
        let n_agents = agents.len();
        let mut w = World {
            k,
            steps,
            step: 0,
            streams,
            net,
            teams: Vec::with_capacity(max_teams),
            so,
            ent: vec![EntState::default(); n_ent],
            contracts: vec![ContractState::default(); s.instruments.purchase_of_services.len()],
            fund,
            cal: Calendar::default(),
            timeline: Timeline::new(&s),
            reward: 0.0,
            recognition: 0.0,
            points_paid_ratio: 1.0,
            points: PointsTally::default(),
            coverage_prev: 0.0,
            coverage_cat_prev: [0.0; CATEGORIES],
            revealed: [1.0 / s.community.need.latent_multiple; CATEGORIES],
            active_rate_prev: 0.0,
            building_share_prev: vec![0.0; building_size.len()],
            building_active: vec![0; building_size.len()],
            has_cell: vec![false; building_size.len()],
            building_size,
            peer_ask: vec![NO_TEAM; n_agents],
            candidates: Vec::with_capacity(MAX_CANDIDATES),
            scratch: Scratch::default(),
            probe: Vec::with_capacity(1),
            sitting_leaders: Vec::with_capacity(max_teams),
            served_last_step: Vec::new(),
            served_staff: Vec::new(),
            team_totals: Vec::with_capacity(max_teams),
            phases: StepPhases::default(),
            peer_asks: Vec::new(),
            peer_chance: Vec::new(),
            leader_lost_at: Vec::with_capacity(max_teams),
            departing_leaders: Vec::with_capacity(max_teams),
            so_asks: vec![0.0; n_so],
            ent_asks: vec![0.0; n_ent],
            targets: RecruitTargets {
                government: Vec::with_capacity(max_teams),
                social_organisation: vec![Vec::with_capacity(max_teams); n_so],
                enterprise: vec![Vec::with_capacity(max_teams); n_ent],
                social_organisation_open: vec![1.0; n_so],
                enterprise_open: vec![1.0; n_ent],
            },
            non_volunteers: agents.residents as u32,
            gov_available: 0.0,
            pooled: [0.0; SOURCES],
            record: StepRecord::default(),
            audit: MoneyAudit { initial, inflow: 0.0, outflow: 0.0 },
            orgs: Organisations::new(n_so, n_ent, steps as usize),
            agents,
            scenario: s,
        };
        w.seed_initial_volunteers();
        w
    }

    /// The self-motivated core residents present before any programme [002] form one
    /// informal resident team.
    fn seed_initial_volunteers(&mut self) {
        let n_core = self.scenario.community.initial_core_volunteers;
        let core = population::initial_core(&self.agents, n_core as usize);
        if core.is_empty() {
            return;
        }
        let autonomy = autonomy_bits(&self.scenario.behaviour.leadership.team_autonomy);
        let category = self.neediest_category();
        let Some(t) = self.new_team(Sponsor::Residents, category, autonomy) else {
            return;
        };
        let start_commitment = self.scenario.behaviour.states.core_commitment as f32;
        for i in core {
            let i = i as usize;
            self.agents.state[i] = State::Core;
            self.agents.commitment[i] = start_commitment;
            self.agents.team[i] = t;
            self.agents.channel[i] = Channel::Residents;
        }
        self.non_volunteers = self.non_volunteers.saturating_sub(n_core);
    }

    /// Number of steps of the run.
    pub fn steps(&self) -> u32 {
        self.steps
    }

    /// Months per step.
    pub fn months_per_step(&self) -> f64 {
        self.k
    }

    /// The step about to be simulated (0-based).
    pub fn current_step(&self) -> u32 {
        self.step
    }

    /// Service coverage of demand in the last step (what a district government rewards).
    pub fn coverage(&self) -> f64 {
        self.coverage_prev
    }

    /// Month at the start of the current step.
    pub fn month(&self) -> u32 {
        self.step * self.scenario.time.months_per_step()
    }

    /// Simulate one step and return its record.
    pub fn step(&mut self) -> &StepRecord {
        let t0 = Instant::now();
        self.record = StepRecord::default();
        self.scratch = Scratch::take(self.agents.len());
        self.institutions();
        self.start_of_step();
        let t1 = Instant::now();
        self.residents();
        let t2 = Instant::now();
        std::mem::take(&mut self.scratch).give();
        self.teams_pass();
        let final_year = self.step + self.scenario.time.steps_per_year() >= self.steps;
        self.orgs.count(&self.teams, &self.agents, final_year);
        self.step += 1;
        let p = &mut self.phases;
        p.start += nanos(t1 - t0);
        p.pass += nanos(t2 - t1);
        p.rest += nanos(t2.elapsed());
        &self.record
    }

    /// Where this world's steps have spent their time so far.
    pub fn phases(&self) -> StepPhases {
        self.phases
    }

    /// Bytes held by per-resident arrays (agent state, ties, per-step scratch, building
    /// counters), from the arrays' capacities: what a resident costs in memory.
    pub fn state_bytes(&self) -> usize {
        fn bytes<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        self.agents.bytes()
            + bytes(&self.net.local_ties)
            + bytes(&self.net.long_ties)
            + bytes(&self.peer_ask)
            + bytes(&self.served_last_step)
            + bytes(&self.peer_chance)
            + bytes(&self.peer_asks)
            + bytes(&self.building_share_prev)
            + bytes(&self.building_active)
            + bytes(&self.building_size)
    }

    /// Money held in all stocks (social organisations, teams, community fund).
    pub fn money_in_stocks(&self) -> f64 {
        let so: f64 = self.so.iter().map(|s| s.funds.iter().sum::<f64>()).sum();
        let teams: f64 = self.teams.iter().filter(|t| t.alive).map(|t| t.balance()).sum();
        so + teams + self.fund
    }

    /// Convert a monthly probability to this step's length: 1 − (1 − p)^k.
    #[inline]
    pub(crate) fn per_step(&self, p: f64) -> f64 {
        per_step(p, self.k)
    }

    /// Category with the lowest coverage last step among those with demand (new teams go there).
    pub(crate) fn neediest_category(&self) -> usize {
        let d = demand_per_1000(&self.scenario);
        let mut best = 0;
        let mut best_cov = f64::INFINITY;
        for (c, (&demand, &cov)) in d.iter().zip(&self.coverage_cat_prev).enumerate() {
            if demand > 0.0 && cov < best_cov {
                best_cov = cov;
                best = c;
            }
        }
        best
    }

    /// Create a team in a free slot; `None` when the platform is full (`max_teams`).
    pub(crate) fn new_team(&mut self, sponsor: Sponsor, category: usize, autonomy: u8) -> Option<u16> {
        let team = Team::new(sponsor, category, autonomy);
        // a dead slot is reused only once its former members have been released (next step)
        if let Some(i) = self.teams.iter().position(|t| !t.alive && t.died_at < self.step) {
            self.teams[i] = team;
            return Some(i as u16);
        }
        if self.teams.len() < self.scenario.behaviour.leadership.max_teams as usize {
            self.teams.push(team);
            return Some((self.teams.len() - 1) as u16);
        }
        None
    }

    /// Dissolve a team; money it holds goes to the community fund if there is one, otherwise
    /// back to its funders (leaves the model).
    pub(crate) fn dissolve(&mut self, t: usize) {
        let left = self.teams[t].balance();
        self.orgs.team_spends(self.teams[t].sponsor, left);
        self.teams[t].funds = [0.0; SOURCES];
        self.teams[t].alive = false;
        self.teams[t].died_at = self.step;
        self.teams[t].leader = NOBODY;
        if self.scenario.actors.community_fund.is_some() {
            self.fund += left;
            self.orgs.receives(self.orgs.fund(), left);
        } else {
            self.audit.outflow += left;
        }
    }

    /// A sponsor leaves: its teams with a resident leader carry on as resident teams (with the
    /// autonomy of resident-led teams), the others dissolve.
    pub(crate) fn release_teams(&mut self, sponsor: Sponsor) {
        let autonomy = autonomy_bits(&self.scenario.behaviour.leadership.team_autonomy);
        for t in 0..self.teams.len() {
            let team = &mut self.teams[t];
            if !team.alive || team.sponsor != sponsor {
                continue;
            }
            if team.leader != NOBODY {
                team.sponsor = Sponsor::Residents;
                team.autonomy = autonomy;
            } else {
                self.dissolve(t);
            }
        }
    }

    /// Start of step: find the sitting leaders (whose steps the residents pass tries out first)
    /// and let the residents who served last step and are still in a team ask a tie, drawing
    /// from the step's one stream in index order. (The activity histories moved on at the end
    /// of the last step's residents pass.) Only the draws follow one another: what each
    /// asker's chance is, which resident its tie is, and where the asks land are worked out in
    /// parallel around them, and clearing last step's asks and finding the sitting leaders
    /// (which the draws do not read) run beside them, the same on any number of threads.
    fn start_of_step(&mut self) {
        use super::rng::{Purpose, CHUNK};
        use rayon::prelude::*;
        // a large community's work here is shared between threads; a small one's is not worth it
        let parallel = rayon::current_num_threads() > 1 && self.agents.len() >= 16 * CHUNK;
        let chance = self.peer_chances(parallel);
        let (peer_ask, leaders, state) = (&mut self.peer_ask, &mut self.sitting_leaders, &self.agents.state);
        let mut clear_and_find_leaders = || {
            if parallel {
                peer_ask.par_chunks_mut(16 * CHUNK).for_each(|c| c.fill(NO_TEAM));
            } else {
                peer_ask.fill(NO_TEAM);
            }
            leaders.clear();
            // leaders are few: look at blocks of states at once, and into a block only if it has one
            const BLOCK: usize = 64;
            for (b, block) in state.chunks(BLOCK).enumerate() {
                if block.iter().fold(false, |any, &st| any | (st == State::Leader)) {
                    let at = block.iter().enumerate().filter(|(_, &st)| st == State::Leader);
                    leaders.extend(at.map(|(k, _)| (b * BLOCK + k) as u32));
                }
            }
        };
        let (asks, served, chances) = (&mut self.peer_asks, &self.served_last_step, &self.peer_chance);
        let rng = self.streams.stream(Purpose::Peers, self.step, 0);
        let degree = self.net.degree;
        let draws = || draw_askers(asks, served, chances, chance.as_ref(), degree, rng);
        if parallel {
            rayon::join(draws, clear_and_find_leaders);
        } else {
            draws();
            clear_and_find_leaders();
        }
        if chance.is_some() {
            self.land_asks(parallel);
        }
        self.cell_asks();
    }

    /// Each resident who served last step, in index order: which chance to ask a tie it has
    /// (`peer_chance`, by being core and by its team's category, or none when out of a team),
    /// worked out in parallel when `parallel`; and the chances, or `None` when residents have
    /// no ties.
    fn peer_chances(&mut self, parallel: bool) -> Option<PeerChances> {
        use super::rng::CHUNK;
        use rayon::prelude::*;
        if self.net.degree == 0 {
            return None;
        }
        let peers = &self.scenario.behaviour.peers;
        let base = self.per_step(peers.ask_rate);
        let core = self.per_step((peers.ask_rate * peers.core_multiplier).min(1.0));
        // an asker's chance by whether it is core (or leads) and by its team's category: people
        // recruit when there is work to do, so a covered need damps asking
        let mut chance = [[0.0; CATEGORIES]; 2];
        for (c, &covered) in self.coverage_cat_prev.iter().enumerate() {
            let need = 1.0 - peers.need_sensitivity * covered;
            chance[0][c] = base * need;
            chance[1][c] = core * need;
        }
        let (a, teams) = (&self.agents, &self.teams);
        self.peer_chance.clear();
        self.peer_chance.resize(self.served_last_step.len(), NOT_IN_A_TEAM);
        let chance_of = |(c, &i): (&mut u8, &u32)| {
            let i = i as usize;
            if a.team[i] != NO_TEAM {
                let category = teams[a.team[i] as usize].category;
                debug_assert!(category < CATEGORIES);
                *c = ((a.state[i] >= State::Core) as usize * CATEGORIES + category) as u8;
            }
        };
        let served = &self.served_last_step;
        if parallel {
            self.peer_chance.par_iter_mut().zip(served).with_min_len(CHUNK).for_each(chance_of);
        } else {
            self.peer_chance.iter_mut().zip(served).for_each(chance_of);
        }
        Some(chance)
    }

    /// The asks of ties (`peer_asks`, drawn as (asker, which tie)) become (asked resident,
    /// asker's team), and land in `peer_ask`, in parallel when `parallel`.
    fn land_asks(&mut self, parallel: bool) {
        use super::rng::CHUNK;
        use rayon::prelude::*;
        let a = &self.agents;
        // (asker, tie) becomes (asked resident, asker's team)
        let net = &self.net;
        let asked = |(who, team): &mut (u32, u16)| {
            let i = *who as usize;
            (*who, *team) = (net.tie(i, *team as usize), a.team[i]);
        };
        if parallel {
            self.peer_asks.par_iter_mut().with_min_len(CHUNK).for_each(asked);
        } else {
            self.peer_asks.iter_mut().for_each(asked);
        }
        // an ask reaches a resident out of a team, a later ask replacing an earlier one: each
        // part of the community takes the asks that land in it, in order
        let asks = &self.peer_asks;
        let land = |(p, part): (usize, &mut [u16]), per_part: usize| {
            let first = p * per_part;
            for &(j, team) in asks {
                let j = j as usize;
                if (first..first + part.len()).contains(&j) && a.team[j] == NO_TEAM {
                    part[j - first] = team;
                }
            }
        };
        if parallel && asks.len() >= CHUNK {
            let per_part = self.peer_ask.len().div_ceil(rayon::current_num_threads());
            self.peer_ask.par_chunks_mut(per_part).enumerate().for_each(|p| land(p, per_part));
        } else {
            let all = self.peer_ask.len();
            land((0, &mut self.peer_ask), all);
        }
    }

    /// Openings for recruits in team t's category (organisations recruit for the work they have).
    #[inline]
    pub(crate) fn openings(&self, t: u16) -> f64 {
        team_openings(&self.teams, &self.coverage_cat_prev, &self.scenario.behaviour.recruitment, t)
    }

    /// Active members of building cells ask a neighbour in their building (a resident drawn
    /// uniformly from it) to join, tapering as the cell's category is covered (ODD §7.2). An
    /// ask from the cell replaces a tie's ask: it is the same channel (residents).
    fn cell_asks(&mut self) {
        use super::rng::{uniform, Purpose};
        let Some(cells) = &self.scenario.instruments.building_cells else {
            return;
        };
        if !self.cal.cells {
            return;
        }
        let p = self.per_step(cells.asks_per_member);
        let mut rng = self.streams.stream(Purpose::Cells, self.step, 1);
        let a = &self.agents;
        let per = a.per_building.max(1);
        // members active last step, in index order
        for &i in &self.served_last_step {
            let i = i as usize;
            let t = a.team[i];
            if t == NO_TEAM || self.teams[t as usize].building == NO_BUILDING {
                continue;
            }
            if uniform(&mut rng) < p * self.openings(t) {
                let start = a.building(i) * per;
                let size = self.building_size[a.building(i)] as usize;
                let j = start + ((uniform(&mut rng) * size as f64) as usize).min(size - 1);
                if a.team[j] == NO_TEAM {
                    self.peer_ask[j] = t;
                }
            }
        }
    }
}

/// Openings for recruits in team t's category, from last step's coverage of it.
#[inline]
pub(crate) fn team_openings(
    teams: &[Team],
    coverage_cat_prev: &[f64; CATEGORIES],
    r: &crate::scenario::Recruitment,
    t: u16,
) -> f64 {
    super::teams::openings(coverage_cat_prev[teams[t as usize].category], r)
}

/// A monthly probability over a step of `k` months, 1 − (1 − p)^k, with p clamped to [0, 1];
/// exactly p for one-month steps.
pub(crate) fn per_step(p: f64, k: f64) -> f64 {
    if k == 1.0 {
        p.clamp(0.0, 1.0)
    } else {
        1.0 - (1.0 - p.clamp(0.0, 1.0)).powf(k)
    }
}

/// An asker's chance to ask a tie this step, by whether it is core (or leads) and by its
/// team's category.
type PeerChances = [[f64; CATEGORIES]; 2];

/// `peer_chance` of a resident who is no longer in a team: it asks no one.
const NOT_IN_A_TEAM: u8 = u8::MAX;

/// The draws of who asks a tie and which of its ties, from `rng` in the index order of the
/// residents who `served` last step, into `asks` as (asker, which tie); none without ties.
fn draw_askers(
    asks: &mut Vec<(u32, u16)>,
    served: &[u32],
    chances: &[u8],
    chance: Option<&PeerChances>,
    degree: usize,
    mut rng: ChaCha8Rng,
) {
    use super::rng::uniform;
    asks.clear();
    let Some(chance) = chance else {
        return;
    };
    for (&i, &c) in served.iter().zip(chances) {
        if c != NOT_IN_A_TEAM && uniform(&mut rng) < chance[c as usize / CATEGORIES][c as usize % CATEGORIES] {
            let k = ((uniform(&mut rng) * degree as f64) as usize).min(degree - 1);
            // at most 128 ties (scenario ranges): the tie's index fits where the team goes
            debug_assert!(k <= u16::MAX as usize);
            asks.push((i, k as u16));
        }
    }
}

/// Nanoseconds a world's steps spent in each part (wall time of the world's thread; the chunks'
/// time summed over the threads that stepped them), for `--timings`. A few clock reads per step
/// and per chunk of 4,096 agents.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepPhases {
    /// Institutions and the start of the step (who asks a tie: one stream, one thread).
    pub start: u64,
    /// The residents pass, from its first chunk to its end-of-pass counts.
    pub pass: u64,
    /// The pass's chunks, summed over threads: `chunks / pass` is how many threads were busy
    /// stepping agents on average during the pass.
    pub chunks: u64,
    /// Teams, organisations and what follows the pass.
    pub rest: u64,
}

pub(crate) fn nanos(d: std::time::Duration) -> u64 {
    d.as_nanos() as u64
}

/// Convert a monthly probability to a step of `k` months: 1 − (1 − p)^k. Unlike
/// [`World::per_step`] it keeps the form 1 − (1 − p) for one-month steps, which can differ from
/// p in the last bit; the residents pass and the teams' offers have always used this form. The
/// power itself is skipped when k = 1: x^1 = x exactly (IEEE 754 pow; checked on 6×10⁸ values),
/// and `powf` per resident and step was 12% of a step's time.
#[inline]
pub(crate) fn step_probability(p: f64, k: f64) -> f64 {
    let q = 1.0 - p.clamp(0.0, 1.0);
    1.0 - if k == 1.0 { q } else { q.powf(k) }
}

/// Latent need per 1,000 residents per month by category in `month`: the initial demand ×
/// `need.latent_multiple`, elder care grown by `need.elder_care_growth` a year.
pub fn need_per_1000(s: &Scenario, month: u32) -> [f64; CATEGORIES] {
    let n = &s.community.need;
    let mut need = demand_per_1000(s);
    need[0] *= (1.0 + n.elder_care_growth).powf(month as f64 / 12.0);
    need.map(|d| d * n.latent_multiple)
}

/// Initial demand per 1,000 residents per month by category, in category order.
pub fn demand_per_1000(s: &Scenario) -> [f64; CATEGORIES] {
    let d = &s.community.demand;
    [d.elder_care, d.children, d.environment, d.safety, d.mediation, d.emergency]
}
