//! The teams pass (ODD §7.7–7.9): leaders found or split teams, materials are bought, service
//! is produced and covers demand, teams dissolve or get filed, and the step's legitimacy and
//! government-needs records are written.

use super::entities::*;
use super::institutions::so_link;
use super::ledger::{PARTNER_ENT, PARTNER_SO};
use super::rng::{uniform, Purpose};
use super::world::{demand_per_1000, need_per_1000, step_probability, World};

/// Material factor: effectiveness of hours given the share of materials they had
/// (Ostrom 1996: inputs as complements).
#[inline]
pub fn material_factor(floor: f64, materials: f64, needed: f64) -> f64 {
    if needed <= 0.0 {
        1.0
    } else {
        floor + (1.0 - floor) * (materials / needed).clamp(0.0, 1.0)
    }
}

/// Coverage of one category: min(1, supply / demand); a category without demand is covered.
#[inline]
pub fn coverage(supply: f64, demand: f64) -> f64 {
    if demand <= 0.0 {
        1.0
    } else {
        (supply / demand).clamp(0.0, 1.0)
    }
}

/// Next step's share of latent need residents ask for: it moves `rate` of the way toward the
/// share asked at the start (1 / `latent_multiple`) plus the rest times this step's coverage:
/// need becomes known as services cover what is asked.
pub fn revealed_next(revealed: f64, coverage: f64, latent_multiple: f64, rate: f64) -> f64 {
    let floor = 1.0 / latent_multiple;
    revealed + rate * (floor + (1.0 - floor) * coverage - revealed)
}

/// Openings for recruits in a category (ODD §7.2): 1 while more than `slack` of the revealed
/// demand is unmet, falling linearly to `floor` as it is met: organisations recruit for the
/// work they have.
#[inline]
pub fn openings(coverage: f64, r: &crate::scenario::Recruitment) -> f64 {
    r.floor + (1.0 - r.floor) * ((1.0 - coverage) / r.slack).clamp(0.0, 1.0)
}

/// Share of a category's service hours that were needed: 1 while demand is unmet,
/// demand/supply when hours exceed demand (idle volunteers feel less needed).
#[inline]
pub fn usefulness(supply: f64, demand: f64) -> f64 {
    if supply <= 0.0 {
        1.0
    } else {
        (demand / supply).clamp(0.0, 1.0)
    }
}

impl World {
    pub(crate) fn teams_pass(&mut self) {
        self.leaders();
        self.produce();
        self.team_life();
        self.legitimacy();
    }

    /// Leader candidates step up: lead their own team if it has no leader, otherwise found a
    /// new resident team (taking followers along if the old team is large).
    fn leaders(&mut self) {
        for t in self.teams.iter_mut() {
            t.split_to = if t.alive { NO_TEAM } else { t.split_to };
            if t.leader != NOBODY {
                t.leader_skill = self.agents.skill[t.leader as usize];
            }
        }
        let lead = &self.scenario.behaviour.leadership;
        let (split_size, autonomy) = (lead.split_size, autonomy_bits(&lead.team_autonomy));
        for c in 0..self.candidates.len() {
            let i = self.candidates[c] as usize;
            let old = self.agents.team[i];
            if old == NO_TEAM {
                continue;
            }
            let old = old as usize;
            if self.teams[old].leader == NOBODY {
                self.teams[old].leader = i as u32;
                self.teams[old].leader_skill = self.agents.skill[i];
                self.agents.state[i] = State::Leader;
                continue;
            }
            let category = self.neediest_category();
            if self.coverage_cat_prev[category] >= self.scenario.behaviour.leadership.found_below_coverage {
                // no unmet need: the candidate stays a core member
                continue;
            }
            let Some(new) = self.new_team(Sponsor::Residents, category, autonomy) else {
                break;
            };
            let umbrella = self.teams[old].so_umbrella;
            let split = self.teams[old].members > split_size;
            let nt = &mut self.teams[new as usize];
            nt.so_umbrella = umbrella;
            nt.leader = i as u32;
            nt.leader_skill = self.agents.skill[i];
            nt.members = 1;
            self.teams[old].members = self.teams[old].members.saturating_sub(1);
            if split {
                self.teams[old].split_to = new;
            }
            self.agents.team[i] = new;
            self.agents.state[i] = State::Leader;
        }
    }

    /// Materials, service output, professional supply and coverage by category.
    fn produce(&mut self) {
        let s = &self.scenario;
        let p = &s.behaviour.production;
        let k = self.k;
        let demand_rate = demand_per_1000(s);
        let residents = self.agents.residents as f64;
        let mut supply = [0.0f64; super::entities::CATEGORIES];
        let mut gov_programme_output = 0.0;
        let mut volunteer_total_hours = 0.0;
        let council = self.cal.council;
        let mut redeployable = 0.0;
        for t in self.teams.iter_mut().filter(|t| t.alive) {
            let needed = t.hours * p.material_cost_per_hour;
            let own = t.hours * p.self_materials_per_hour;
            let bought: f64 = draw_proportional(&mut t.funds, (needed - own).max(0.0)).iter().sum();
            self.audit.outflow += bought;
            self.orgs.team_spends(t.sponsor, bought);
            self.record.flows[FUNDING][SELF] += own.min(needed);
            let factor = material_factor(p.material_floor, own + bought, needed);
            let recognised = t.registered
                || t.so_umbrella.is_some()
                || t.enterprise_umbrella.is_some()
                || (council && t.sponsor == Sponsor::Residents);
            let scope = if recognised { 1.0 } else { p.unrecognised_scope };
            let output = t.effective_hours * factor * scope;
            supply[t.category] += output * (1.0 - p.redeploy_share);
            redeployable += output * p.redeploy_share;
            if t.sponsor == Sponsor::Government || t.registered {
                gov_programme_output += output;
            }
            // partners' programmes: what their teams' volunteers produce (their need of volunteers)
            if so_link(t).is_some() {
                self.record.partner_output[PARTNER_SO][0] += output;
            }
            if matches!(t.sponsor, Sponsor::Enterprise(_)) || t.enterprise_umbrella.is_some() {
                self.record.partner_output[PARTNER_ENT][0] += output;
            }
            t.success = factor as f32; // times coverage below, once coverage is known
            volunteer_total_hours += t.hours;
        }
        // professional supply, spread over categories in proportion to demand
        let total_rate: f64 = demand_rate.iter().sum();
        let g = &s.actors.government;
        let mut professional = g.staff_service_hours * k;
        let mut contracted_professional = 0.0;
        let mut so_assigned = 0.0;
        for (i, st) in self.so.iter().enumerate() {
            let o = &s.actors.social_organisations[i];
            let hours = st.workers as f64 * o.service_hours_per_worker * k;
            let assigned = if st.contracted { hours * o.assigned_task_share } else { 0.0 };
            so_assigned += assigned;
            professional += hours - assigned;
            self.record.partner_output[PARTNER_SO][1] += hours - assigned;
            if st.contracted {
                contracted_professional += hours - assigned;
            }
        }
        for (i, e) in s.actors.enterprises.iter().enumerate() {
            if self.ent[i].engaged {
                professional += e.store_service_hours * k;
                self.record.partner_output[PARTNER_ENT][1] += e.store_service_hours * k;
            }
        }
        let month = self.month();
        // latent need, and the part of it residents ask for (revealed demand)
        let need_rate = need_per_1000(s, month);
        let needs: [f64; CATEGORIES] =
            std::array::from_fn(|c| need_rate[c] * self.timeline.demand(c, month) * residents / 1000.0 * k);
        let demands: [f64; CATEGORIES] = std::array::from_fn(|c| needs[c] * self.revealed[c]);
        for c in 0..supply.len() {
            let share = if total_rate > 0.0 { demand_rate[c] / total_rate } else { 0.0 };
            supply[c] += professional * share;
        }
        // the redeployable share of volunteer output goes where need is unmet, in proportion
        let unmet: [f64; CATEGORIES] = std::array::from_fn(|c| (demands[c] - supply[c]).max(0.0));
        let total_unmet: f64 = unmet.iter().sum();
        if total_unmet > 0.0 {
            let used = redeployable.min(total_unmet);
            for c in 0..CATEGORIES {
                supply[c] += used * unmet[c] / total_unmet;
            }
        }
        // government's needs: governance tasks and performance credit [002]
        let r = &mut self.record;
        let tasks = s.community.governance_task_hours_per_1000 * residents / 1000.0 * k;
        let by_volunteers = r.governance_by_volunteers.min(tasks);
        r.governance_by_volunteers = by_volunteers;
        r.governance_by_others = (g.staff_task_hours * k + so_assigned).min((tasks - by_volunteers).max(0.0)).max(0.0);
        r.performance_by_volunteers = gov_programme_output;
        r.performance_by_others = g.staff_service_hours * k + contracted_professional;
        self.cover(&supply, &needs, &demands);
        self.redeem_points(volunteer_total_hours);
        self.record.points_issued = self.points.issued;
        self.record.points_redeemed = self.points.redeemed;
    }

    /// Coverage by category and of the community from this step's supply and demand; service
    /// delivered, oversupply, and next step's revealed share of need; idle volunteers' success.
    fn cover(&mut self, supply: &[f64; CATEGORIES], needs: &[f64; CATEGORIES], demands: &[f64; CATEGORIES]) {
        let mut delivered = 0.0;
        let mut weighted = 0.0;
        let mut oversupply = 0.0;
        let mut covs = [0.0f64; CATEGORIES];
        for c in 0..CATEGORIES {
            covs[c] = coverage(supply[c], demands[c]);
            delivered += supply[c].min(demands[c]);
            oversupply += (supply[c] - demands[c]).max(0.0);
            weighted += covs[c] * demands[c];
        }
        // need becomes known as services cover what is asked (Andersen 1995)
        let n = &self.scenario.community.need;
        let rate = step_probability(n.reveal_rate, self.k);
        for (r, cov) in self.revealed.iter_mut().zip(covs) {
            *r = revealed_next(*r, cov, n.latent_multiple, rate);
        }
        let total_demand: f64 = demands.iter().sum();
        let cov = if total_demand > 0.0 { weighted / total_demand } else { 1.0 };
        for t in self.teams.iter_mut().filter(|t| t.alive) {
            t.success *= usefulness(supply[t.category], demands[t.category]) as f32;
        }
        self.coverage_prev = cov;
        self.coverage_cat_prev = covs;
        let r = &mut self.record;
        r.coverage_by_category = covs;
        r.coverage = cov;
        r.service_hours = delivered;
        r.need_hours = needs.iter().sum();
        r.demand_hours = total_demand;
        r.oversupply_hours = oversupply;
    }

    /// Dissolution of small teams and filing of resident teams with government.
    fn team_life(&mut self) {
        let lead = &self.scenario.behaviour.leadership;
        let (min_members, after) = (lead.min_members, lead.dissolve_after_months as f64);
        let filing = self.scenario.instruments.registration.as_ref().map(|r| self.per_step(r.filing_rate));
        let mut rng = self.streams.stream(Purpose::Institutions, self.step, u16::MAX as u32);
        let k = self.k;
        for t in 0..self.teams.len() {
            if !self.teams[t].alive {
                continue;
            }
            let team = &mut self.teams[t];
            team.active_last = team.active;
            if team.members < min_members {
                team.months_small += k as u32;
            } else {
                team.months_small = 0;
            }
            if team.months_small as f64 >= after {
                self.dissolve(t);
                continue;
            }
            // a draw per team and step, whether or not it is used, keeps streams aligned
            let u = uniform(&mut rng);
            if let Some(p) = filing {
                if team.sponsor == Sponsor::Residents && !team.registered && team.leader != NOBODY && u < p {
                    team.registered = true;
                }
            }
        }
    }

    /// Legitimacy tokens per member by source, team counts, and the fund balance.
    fn legitimacy(&mut self) {
        let w = &self.scenario.measures.legitimacy;
        let council = self.cal.council;
        let r = &mut self.record;
        for t in self.teams.iter().filter(|t| t.alive) {
            r.teams += 1;
            let m = t.members as f64;
            let mut any = false;
            if t.registered {
                r.flows[LEGITIMACY][GOV] += w.government * m;
                any = true;
            }
            if so_link(t).is_some() && t.so_umbrella.is_some() {
                r.flows[LEGITIMACY][SO] += w.social_organisation * m;
                any = true;
            }
            if t.enterprise_umbrella.is_some() {
                r.flows[LEGITIMACY][ENT] += w.enterprise * m;
                any = true;
            }
            if council && t.sponsor == Sponsor::Residents {
                r.flows[LEGITIMACY][SELF] += w.council * m;
                any = true;
            }
            if !any {
                r.flows[LEGITIMACY][SELF] += w.informal * m;
            }
        }
        r.community_fund = self.fund;
    }
}
