//! The residents pass (ODD §7.2–7.6): asks answered, activity and hours, learning,
//! satisfaction → commitment → retention, motivation crowding, state changes, leader
//! emergence and trust. Each agent consumes exactly `DRAWS_PER_AGENT` uniforms per step from
//! the stream of its chunk, so resident i sees the same numbers at step t in every driver
//! model (common random numbers) and on any number of threads. The uniforms' uses are the
//! named slots of [`Uniforms`].

use super::entities::*;
use super::institutions::so_link;
use super::rng::{Purpose, Uniforms, CHUNK};
use super::world::{step_probability, World};

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

/// Who asked a resident this step.
#[derive(Clone, Copy)]
struct Ask {
    team: u16,
    channel: Channel,
    bonus: f64,
    trust: f32,
}

impl World {
    pub(crate) fn residents(&mut self) {
        let n = self.agents.len();
        let chunks = n.div_ceil(CHUNK);
        self.building_active.fill(0);
        for t in self.teams.iter_mut() {
            t.members = 0;
            t.active = 0;
            t.hours = 0.0;
            t.assigned_hours = 0.0;
            t.effective_hours = 0.0;
        }
        self.candidates.clear();
        for c in 0..chunks {
            let mut rng = self.streams.stream(Purpose::Residents, self.step, c as u32);
            for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                let u = Uniforms::draw(&mut rng);
                self.resident(i, &u);
            }
        }
        self.finish_residents();
    }

    /// One resident's step.
    #[inline]
    fn resident(&mut self, i: usize, u: &Uniforms) {
        let b = &self.scenario.behaviour;
        let a = &mut self.agents;
        let is_resident = i < a.residents;
        // --- membership changes forced by teams or sponsors ---
        let mut team = a.team[i];
        if team != NO_TEAM {
            let t = &self.teams[team as usize];
            let employer_left = a.origin[i] > 0 && !self.ent[(a.origin[i] - 1) as usize].engaged;
            if !t.alive || employer_left {
                let successor = t.split_to;
                if !t.alive && successor != NO_TEAM && self.teams[successor as usize].alive && !employer_left {
                    team = successor;
                } else {
                    leave(a, i);
                    team = NO_TEAM;
                }
            } else if t.split_to != NO_TEAM
                && a.state[i] != State::Leader
                && (u.reach_or_split as f64) < b.leadership.split_share
            {
                team = t.split_to;
            }
            a.team[i] = team;
        }
        // --- asks and acceptance ---
        if team == NO_TEAM {
            if let Some(ask) = self.best_ask(i, u) {
                let a = &mut self.agents;
                let m = a.motivation[i] as f64;
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
                    let a = &mut self.agents;
                    a.registered[i] |= (u.accept as f64) < p * share;
                    a.team[i] = ask.team;
                    a.state[i] = State::Occasional;
                    a.channel[i] = ask.channel;
                    a.commitment[i] = 0.0;
                    a.satisfaction[i] = 0.5;
                    a.tenure[i] = 0;
                    team = ask.team;
                }
            }
        }
        if team == NO_TEAM {
            if is_resident {
                self.update_trust(i, false);
            }
            return;
        }
        self.volunteer(i, team as usize, u);
    }

    /// The ask with the highest bonus among those that reached resident i this step, if any.
    fn best_ask(&self, i: usize, u: &Uniforms) -> Option<Ask> {
        let acc = &self.scenario.behaviour.acceptance;
        let a = &self.agents;
        let mut best: Option<Ask> = None;
        // an ask to join `team` on `channel`: the channel's bonus, and trust in whoever asks
        let mut consider = |team: u16, channel: Channel| {
            let (bonus, trust) = match channel {
                Channel::Government => (acc.government_campaign_bonus, a.trust_government[i]),
                Channel::SocialOrganisation => (acc.social_organisation_bonus, a.trust_neighbours[i]),
                Channel::Enterprise => (acc.enterprise_bonus, a.trust_neighbours[i]),
                Channel::Residents => (acc.peer_bonus, a.trust_neighbours[i]),
            };
            if best.is_none_or(|b| bonus > b.bonus) {
                best = Some(Ask { team, channel, bonus, trust });
            }
        };
        if a.origin[i] > 0 {
            // brought-in volunteers are asked only by their employer's programme
            let e = (a.origin[i] - 1) as usize;
            let targets = &self.targets.enterprise[e];
            let share = self.scenario.actors.enterprises[e].employee_ask_share;
            if self.ent[e].engaged && !targets.is_empty() {
                let team = targets[pick(u.pick, targets.len())];
                if (u.reach_or_split as f64) < self.per_step(share) * self.openings(team) {
                    consider(team, Channel::Enterprise);
                }
            }
            return best;
        }
        if let Some(c) = &self.scenario.instruments.mobilisation_campaigns {
            let targets = &self.targets.government;
            if self.cal.campaign && !targets.is_empty() {
                let team = targets[pick(u.pick, targets.len())];
                if (u.reach_or_split as f64) < self.per_step(c.reach) * self.openings(team) {
                    consider(team, Channel::Government);
                }
            }
        }
        // social-worker outreach: asks spread over non-volunteers; u.pick picks organisation and team
        let so_asks = (0..self.so.len()).map(|o| {
            self.so[o].workers as f64
                * self.scenario.actors.social_organisations[o].outreach_per_worker
                * self.k
                * self.targets.social_organisation_open[o]
        });
        if let Some((o, at)) = outreach(u.pick, self.non_volunteers, so_asks) {
            let targets = &self.targets.social_organisation[o];
            if !targets.is_empty() {
                consider(targets[pick(at, targets.len())], Channel::SocialOrganisation);
            }
        }
        // enterprise community programmes reach residents too (community centre, store events),
        // while the enterprise is engaged
        let ent_asks = (0..self.ent.len()).map(|e| {
            self.scenario.actors.enterprises[e].resident_outreach_per_month * self.k * self.targets.enterprise_open[e]
        });
        if let Some((e, at)) = outreach(u.pick, self.non_volunteers, ent_asks) {
            let targets = &self.targets.enterprise[e];
            if self.ent[e].engaged && !targets.is_empty() {
                consider(targets[pick(at, targets.len())], Channel::Enterprise);
            }
        }
        let peer = self.peer_ask[i];
        if peer != NO_TEAM && self.teams[peer as usize].alive {
            consider(peer, Channel::Residents);
        }
        best
    }

    /// Openings for recruits in team t's category (organisations recruit for the work they have).
    #[inline]
    pub(crate) fn openings(&self, t: u16) -> f64 {
        let cov = self.coverage_cat_prev[self.teams[t as usize].category];
        super::teams::openings(cov, &self.scenario.behaviour.recruitment)
    }

    /// Share of resident i's ties who were active last step (bit 1 after the history shift).
    fn ties_active_share(&self, i: usize) -> f64 {
        let d = self.net.degree;
        if d == 0 || i >= self.agents.residents {
            return 0.0;
        }
        let net = &self.net;
        let h = &self.agents.history;
        let start = (i / net.courtyard) * net.courtyard;
        let long = d - net.local;
        let local = net.local_ties[i * net.local..(i + 1) * net.local].iter().map(|&o| start + o as usize);
        let far = net.long_ties[i * long..(i + 1) * long].iter().map(|&j| j as usize);
        let active = local.chain(far).filter(|&j| h[j] & 2 != 0).count();
        active as f64 / d as f64
    }

    /// An enrolled volunteer's step: serve or not (and if so learn, weigh the experience and
    /// book the hours), then leave or stay, and if staying move between states.
    fn volunteer(&mut self, i: usize, t: usize, u: &Uniforms) {
        let state = self.agents.state[i];
        let is_leader = state == State::Leader;
        let overload = match self.service(i, t, state, u) {
            Some(service) => {
                let trained = self.learn(i, t, is_leader, u);
                let voice = self.experience(i, t, is_leader, trained, &service);
                self.book(i, t, &service, voice);
                service.overload
            }
            None => {
                let decay = self.scenario.behaviour.satisfaction.commitment_decay;
                let c0 = self.agents.commitment[i] as f64;
                self.agents.commitment[i] = (c0 * (1.0 - step_probability(decay, self.k))).max(0.0) as f32;
                0.0
            }
        };
        // exit: "voting with feet" [000]
        let a = &self.agents;
        let h =
            exit_hazard(&self.scenario.behaviour.retention, a.satisfaction[i] as f64, a.commitment[i] as f64, overload);
        if (u.exit as f64) < step_probability(h, self.k) {
            if is_leader {
                self.teams[t].leader = NOBODY;
            }
            leave(&mut self.agents, i);
        } else {
            self.stay(i, t, state, u);
        }
        if i < self.agents.residents {
            self.update_trust(i, true);
        }
    }

    /// Whether volunteer i serves this step (on their own account or called out by team t),
    /// and if so for how many hours, how many of them assigned by government, and the overload
    /// and control that brings; `None` for an inactive step.
    #[inline]
    fn service(&self, i: usize, t: usize, state: State, u: &Uniforms) -> Option<Service> {
        let act = &self.scenario.behaviour.activity;
        let team = &self.teams[t];
        let k = self.k;
        let m = self.agents.motivation[i] as f64;
        let x = self.reward as f64;
        let budget = self.agents.time_budget[i] as f64 * k;
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
    /// from the team's leader; returns whether volunteer i was trained.
    #[inline]
    fn learn(&mut self, i: usize, t: usize, is_leader: bool, u: &Uniforms) -> bool {
        let l = &self.scenario.behaviour.learning;
        let team = &self.teams[t];
        let k = self.k;
        let knowledge = &mut self.record.flows[KNOWLEDGE];
        let trains = u.training as f64;
        let (so_p, gov_p) = (team.train_so as f64, team.train_gov as f64);
        let mut trained = false;
        if trains < so_p {
            trained = true;
            knowledge[SO] += l.session_hours;
        } else if trains < so_p + gov_p {
            trained = true;
            knowledge[GOV] += l.session_hours;
        }
        let mut skill = self.agents.skill[i] as f64;
        if trained {
            skill += l.training_gain * (1.0 - skill);
        }
        skill += step_probability(l.by_doing, k) * (1.0 - skill);
        if team.leader != NOBODY && !is_leader {
            let gap = team.leader_skill as f64 - skill;
            if gap > 0.0 {
                skill += step_probability(l.from_leader, k) * gap;
            }
            knowledge[SELF] += l.peer_hours * k;
        }
        self.agents.skill[i] = skill.clamp(0.0, 1.0) as f32;
        trained
    }

    /// Experience → satisfaction → commitment (Chacón et al. 2007), and motivation crowding
    /// (Frey & Jegen 2001); returns volunteer i's share of co-production phases (voice).
    #[inline]
    fn experience(&mut self, i: usize, t: usize, is_leader: bool, trained: bool, service: &Service) -> f64 {
        let b = &self.scenario.behaviour;
        let team = &self.teams[t];
        let k = self.k;
        let a = &mut self.agents;
        let sat = &b.satisfaction;
        let voice = phase_share(team.phases, is_leader);
        let experience = sat.baseline
            + sat.service_success * team.success as f64
            + sat.voice * voice
            + sat.recognition * self.recognition as f64
            + sat.training * trained as u8 as f64
            - sat.overload * service.overload
            - sat.control * service.control;
        let s0 = a.satisfaction[i] as f64;
        let s1 = s0 + step_probability(sat.adapt_rate, k) * (experience.clamp(0.0, 1.0) - s0);
        a.satisfaction[i] = s1.clamp(0.0, 1.0) as f32;
        let c0 = a.commitment[i] as f64;
        a.commitment[i] = (c0 + step_probability(sat.commitment_growth, k) * (s1 - c0)).clamp(0.0, 1.0) as f32;
        let cr = &b.crowding;
        let (m, x) = (a.motivation[i] as f64, self.reward as f64);
        let dm = (cr.recognition * self.recognition as f64 * (1.0 - m)
            - cr.reward * x * m
            - cr.control * service.control * m)
            * k;
        a.motivation[i] = (m + dm).clamp(0.0, 1.0) as f32;
        voice
    }

    /// Book volunteer i's service: team t's hours, the step record, building activity, history.
    #[inline]
    fn book(&mut self, i: usize, t: usize, service: &Service, voice: f64) {
        let p = &self.scenario.behaviour.production;
        let a = &mut self.agents;
        let Service { hours, assigned, .. } = *service;
        let effective = hours * (p.skill_floor + (1.0 - p.skill_floor) * a.skill[i] as f64);
        let tm = &mut self.teams[t];
        tm.active += 1;
        tm.hours += hours;
        tm.assigned_hours += assigned;
        tm.effective_hours += effective;
        let r = &mut self.record;
        r.flows[HUMAN][a.channel[i].source()] += hours;
        r.volunteer_hours += hours;
        r.active_volunteers += 1;
        r.phase_share_sum += voice;
        r.active_skill_sum += a.skill[i] as f64;
        r.governance_by_volunteers += assigned;
        if i < a.residents {
            r.resident_hours += hours;
            self.building_active[a.building(i)] += 1;
        }
        a.history[i] |= 1;
    }

    /// Volunteer i stays in team t: states follow commitment (with hysteresis), and a core
    /// resident may step up as a leader candidate.
    #[inline]
    fn stay(&mut self, i: usize, t: usize, state: State, u: &Uniforms) {
        let b = &self.scenario.behaviour;
        let a = &mut self.agents;
        self.teams[t].members += 1;
        a.tenure[i] = a.tenure[i].saturating_add(1);
        let skill = a.skill[i] as f64;
        let new_state = next_state(&b.states, state, a.commitment[i] as f64, skill);
        if state == State::Leader && new_state != State::Leader {
            self.teams[t].leader = NOBODY;
        }
        a.state[i] = new_state;
        // leaders emerge from core residents (brought-in staff do not lead community teams)
        if new_state == State::Core && i < a.residents && skill >= b.leadership.min_skill {
            self.leader_candidacy(i, t, u);
        }
    }

    /// Core resident i of team t steps up as a leader candidate with the emergence rate,
    /// raised by a sitting council and by an active social organisation's leader discovery.
    #[inline]
    fn leader_candidacy(&mut self, i: usize, t: usize, u: &Uniforms) {
        let s = &self.scenario;
        let mut boost = 1.0;
        if self.cal.council {
            boost *= s.instruments.deliberation_council.as_ref().map_or(1.0, |c| c.leader_boost);
        }
        if let Some(o) = so_link(&self.teams[t]) {
            if self.so[o as usize].workers > 0 {
                boost *= s.actors.social_organisations[o as usize].leader_discovery;
            }
        }
        if (u.leader as f64) < step_probability(s.behaviour.leadership.emergence_rate * boost, self.k)
            && self.candidates.len() < self.candidates.capacity()
        {
            self.candidates.push(i as u32);
        }
    }

    /// Trust moves toward targets set by service coverage, voice and neighbours' activity.
    #[inline]
    fn update_trust(&mut self, i: usize, _enrolled: bool) {
        let tr = &self.scenario.behaviour.trust;
        let rate = self.per_step(tr.adapt_rate);
        let council = self.cal.council as u8 as f64;
        let a = &mut self.agents;
        let target_g =
            (tr.government_base + tr.government_coverage * self.coverage_prev + tr.government_voice * council).min(1.0);
        let share = self.building_share_prev[a.building(i)] as f64;
        let target_n =
            (tr.neighbours_base + tr.neighbours_activity * share + tr.neighbours_coproduction * council).min(1.0);
        let g = a.trust_government[i] as f64;
        let nb = a.trust_neighbours[i] as f64;
        a.trust_government[i] = (g + rate * (target_g - g)) as f32;
        a.trust_neighbours[i] = (nb + rate * (target_n - nb)) as f32;
    }

    /// Counts over residents that the measures need, and last step's building activity.
    fn finish_residents(&mut self) {
        let ms = &self.scenario.measures;
        let time = &self.scenario.time;
        // the activity history holds 32 steps
        let window = time.steps_in(ms.active_window_months).clamp(1, 32);
        let year = time.steps_per_year().clamp(1, 32);
        let window_mask = if window >= 32 { u32::MAX } else { (1u32 << window) - 1 };
        let year_mask = if year >= 32 { u32::MAX } else { (1u32 << year) - 1 };
        let prior_year_mask = if 2 * year >= 32 { !year_mask } else { ((1u32 << (2 * year)) - 1) & !year_mask };
        let regular_min = time.steps_in(ms.regular_min_months).max(1);
        let a = &self.agents;
        let r = &mut self.record;
        let mut enrolled_residents = 0u32;
        // residents live in buildings in index order: a building is a run of indices
        let (mut building, mut building_has_core) = (0usize, false);
        for i in 0..a.residents {
            let h = a.history[i];
            r.active_in_window += (h & window_mask != 0) as u32;
            r.regular += ((h & year_mask).count_ones() >= regular_min) as u32;
            let st = a.state[i];
            r.core += (st >= State::Core) as u32;
            if a.building(i) != building {
                r.buildings_with_core += building_has_core as u32;
                (building, building_has_core) = (a.building(i), false);
            }
            building_has_core |= st >= State::Core;
            r.leaders += (st == State::Leader) as u32;
            enrolled_residents += (st != State::Inactive) as u32;
            if h & prior_year_mask != 0 {
                r.retention_base += 1;
                r.retained += (h & year_mask != 0) as u32;
            }
            if a.registered[i] {
                r.registered += 1;
                r.registered_active += (h & window_mask != 0) as u32;
            }
            r.trust_government_sum += a.trust_government[i] as f64;
            r.trust_neighbours_sum += a.trust_neighbours[i] as f64;
        }
        r.buildings_with_core += building_has_core as u32;
        r.buildings = self.building_size.len() as u32;
        r.residents = a.residents as u32;
        r.enrolled = enrolled_residents;
        self.non_volunteers = (a.residents as u32).saturating_sub(enrolled_residents);
        self.active_rate_prev = r.active_in_window as f64 / a.residents.max(1) as f64;
        for (s, (&act, &size)) in
            self.building_share_prev.iter_mut().zip(self.building_active.iter().zip(&self.building_size))
        {
            *s = if size > 0 { act as f32 / size as f32 } else { 0.0 };
        }
    }
}

/// Resident i leaves volunteering: back to inactive, commitment lost.
#[inline]
fn leave(a: &mut Agents, i: usize) {
    a.team[i] = NO_TEAM;
    a.state[i] = State::Inactive;
    a.commitment[i] = 0.0;
    a.tenure[i] = 0;
}

/// Which source's outreach reaches a non-volunteer, if any: the sources' asks of this step (in
/// source order) laid end to end over the `non_volunteers`; the resident's uniform `u` falls in
/// one source's share — that source asks, and the second value is where in its share (in [0, 1),
/// to pick a team) — or past all of them (no outreach ask).
fn outreach(u: f32, non_volunteers: u32, asks: impl Iterator<Item = f64>) -> Option<(usize, f32)> {
    if non_volunteers == 0 {
        return None;
    }
    let mut x = u as f64 * non_volunteers as f64;
    for (k, asks) in asks.enumerate() {
        if x < asks {
            return Some((k, (x / asks) as f32));
        }
        x -= asks;
    }
    None
}

/// Index in `0..len` from a uniform.
#[inline]
fn pick(u: f32, len: usize) -> usize {
    ((u as f64 * len as f64) as usize).min(len - 1)
}
