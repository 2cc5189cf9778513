//! Institutions (ODD §7.1): the calendar of instruments and the money, staff and offers that
//! government, social organisations, enterprises and the community fund put into the
//! community each step. Money is kept by origin in every stock so that the funding dimension
//! of dependence traces where it came from (a social organisation paid by government passes
//! government money on: the "hermit crab" (寄居蟹) chain of seed 002).

use super::entities::*;
use super::organisations::GOVERNMENT;
use super::rng::{uniform, Purpose};
use super::world::{step_probability, World};
use crate::scenario::{Funder, Payer, MAX_SOCIAL_ORGANISATIONS};

/// Is month `m` inside a window that starts at `start` and ends before `end` (0 = no end)?
fn on(m: u32, start: u32, end: u32) -> bool {
    m >= start && (end == 0 || m < end)
}

impl World {
    pub(crate) fn institutions(&mut self) {
        let m = self.month();
        let k = self.k;
        self.apply_events(m + self.scenario.time.months_per_step());
        self.calendar(m);
        let gov = &self.scenario.actors.government;
        self.gov_available =
            gov.budget_per_month * k * self.timeline.government_funding * self.timeline.district_budget;
        self.record.government_budget = self.gov_available;
        self.orgs.receives(GOVERNMENT, self.gov_available);
        self.engage_actors(m);
        self.form_cells();
        self.pay_contracts(m);
        if self.cal.campaign {
            // a campaign runs only if government can pay for it this step; administrative
            // mobilisation comes before subsidies in government's priorities
            let cost = self.scenario.instruments.mobilisation_campaigns.as_ref().map_or(0.0, |c| c.cost_per_month) * k;
            if cost > self.gov_available {
                self.cal.campaign = false;
            } else {
                self.gov_pay(cost);
            }
        }
        // before any money reaches teams: an unpaid platform pools nothing
        self.running_costs();
        self.enterprise_donations();
        self.social_organisation_budgets();
        self.subsidies();
        self.community_fund_inflows();
        self.share_pool();
        self.team_offers();
        self.recruit_targets();
    }

    /// Buildings without a cell form one with the formation rate: the building's most motivated
    /// residents not yet in a team — self-nominated and elected [001] — found it, the first as
    /// its head (leader), the others as officers (core members, committed at the core
    /// threshold). The cell serves the neediest category; it lives and dies like any team.
    fn form_cells(&mut self) {
        let Some(cells) = self.scenario.instruments.building_cells.clone() else {
            return;
        };
        if !self.cal.cells {
            return;
        }
        let p = self.per_step(cells.formation_rate);
        let autonomy = autonomy_bits(&self.scenario.behaviour.leadership.team_autonomy);
        let core = self.scenario.behaviour.states.core_commitment as f32;
        let per = self.agents.per_building.max(1);
        let mut has_cell = std::mem::take(&mut self.has_cell);
        has_cell.fill(false);
        for t in self.teams.iter().filter(|t| t.alive && t.building != NO_BUILDING) {
            has_cell[t.building as usize] = true;
        }
        let mut rng = self.streams.stream(Purpose::Cells, self.step, 0);
        for (b, &has) in has_cell.iter().enumerate() {
            // a draw per building and step, used or not, keeps the stream aligned
            if uniform(&mut rng) >= p || has {
                continue;
            }
            let (start, end) = (b * per, (b * per + self.building_size[b] as usize).min(self.agents.residents));
            let category = self.neediest_category();
            let Some(t) = self.new_team(Sponsor::Residents, category, autonomy) else {
                break;
            };
            self.teams[t as usize].building = b as u32;
            self.teams[t as usize].registered = cells.filed;
            for n in 0..cells.cell_size {
                // the most motivated resident of the building not in a team
                let a = &self.agents;
                let Some(i) = (start..end)
                    .filter(|&i| a.team[i] == NO_TEAM)
                    .max_by(|&x, &y| a.motivation[x].total_cmp(&a.motivation[y]).then(y.cmp(&x)))
                else {
                    break;
                };
                let a = &mut self.agents;
                a.team[i] = t;
                a.channel[i] = Channel::Residents;
                a.commitment[i] = core;
                a.satisfaction[i] = 0.5;
                a.tenure[i] = 0;
                a.state[i] = if n == 0 { State::Leader } else { State::Core };
                let team = &mut self.teams[t as usize];
                team.members += 1;
                if n == 0 {
                    team.leader = i as u32;
                    team.leader_skill = a.skill[i];
                }
            }
        }
        self.has_cell = has_cell;
    }

    /// Pay from government's budget for this step; returns what could be paid.
    pub(crate) fn gov_pay(&mut self, amount: f64) -> f64 {
        let paid = amount.min(self.gov_available).max(0.0);
        self.gov_available -= paid;
        self.record.government_spending += paid;
        self.orgs.gives(GOVERNMENT, paid);
        paid
    }

    /// The council and the platform run only in steps their running cost is paid in full, by
    /// government (after contracts and campaigns) or from the community fund.
    fn running_costs(&mut self) {
        let i = &self.scenario.instruments;
        let council = i.deliberation_council.as_ref().map(|c| (c.cost_per_month * self.k, c.payer));
        let platform = i.coordination_platform.as_ref().map(|p| (p.cost_per_month * self.k, p.payer));
        if self.cal.council {
            self.cal.council = council.is_some_and(|(cost, payer)| self.pay_running_cost(cost, payer));
        }
        if self.cal.platform {
            self.cal.platform = platform.is_some_and(|(cost, payer)| self.pay_running_cost(cost, payer));
        }
    }

    /// Pay `cost` in full or not at all; whether it was paid.
    fn pay_running_cost(&mut self, cost: f64, payer: Payer) -> bool {
        match payer {
            Payer::Government if cost <= self.gov_available => {
                self.gov_pay(cost);
                true
            }
            Payer::CommunityFund if cost <= self.fund => {
                self.fund -= cost;
                self.audit.outflow += cost;
                self.orgs.gives(self.orgs.fund(), cost);
                true
            }
            _ => false,
        }
    }

    fn calendar(&mut self, m: u32) {
        let i = &self.scenario.instruments;
        let tl = &self.timeline;
        self.cal.campaign = i.mobilisation_campaigns.as_ref().is_some_and(|c| {
            (c.periodic && m >= c.start_month && (m - c.start_month) % c.interval_months < c.duration_months)
                || m < tl.campaign_until
        });
        self.cal.points =
            i.points.as_ref().is_some_and(|p| tl.points.unwrap_or_else(|| on(m, p.start_month, p.end_month)));
        self.cal.council = i.deliberation_council.as_ref().is_some_and(|c| m >= c.start_month || tl.council);
        self.cal.platform = i.coordination_platform.as_ref().is_some_and(|c| m >= c.start_month || tl.platform);
        self.cal.cells = i.building_cells.as_ref().is_some_and(|c| m >= c.start_month);
        // Reward intensity X: point value per hour relative to the reference value, shrunk by
        // rivalness as more residents take part (Kitts 2006) and by unpaid redemptions.
        (self.reward, self.recognition) = match (&i.points, self.cal.points) {
            (Some(p), true) => {
                let value = p.points_per_hour * p.value_per_point * p.redemption_share / p.reference_value_per_hour;
                let x = value * (1.0 - p.rivalness * self.active_rate_prev) * self.points_paid_ratio;
                (x.max(0.0) as f32, p.recognition as f32)
            }
            _ => (0.0, 0.0),
        };
    }

    /// Social organisations and enterprises start (and enterprises leave at their horizon);
    /// sponsors set up their teams when they start.
    fn engage_actors(&mut self, m: u32) {
        let category_order = self.categories_by_demand();
        if self.step == 0 {
            let g = self.scenario.actors.government.clone();
            let autonomy = autonomy_bits(&g.team_autonomy);
            for n in 0..g.founds_teams as usize {
                if let Some(t) = self.new_team(Sponsor::Government, category_order[n % category_order.len()], autonomy)
                {
                    self.teams[t as usize].registered = true;
                }
            }
        }
        for i in 0..self.so.len() {
            let p = &self.scenario.actors.social_organisations[i];
            let entered = m >= p.start_month || self.timeline.so_enter[i].is_some_and(|e| m >= e);
            if !self.so[i].started && entered && !self.timeline.so_left[i] {
                self.so[i].started = true;
                let (n, autonomy, umbrella) = (p.incubates_teams, autonomy_bits(&p.team_autonomy), p.umbrella);
                let adopts = p.adopts_government_teams;
                for j in 0..n as usize {
                    let c = category_order[j % category_order.len()];
                    if let Some(t) = self.new_team(Sponsor::SocialOrganisation(i as u8), c, autonomy) {
                        if umbrella {
                            self.teams[t as usize].so_umbrella = Some(i as u8);
                        }
                    }
                }
                if adopts {
                    for team in self.teams.iter_mut().filter(|t| t.alive && t.sponsor == Sponsor::Government) {
                        team.so_umbrella = Some(i as u8);
                    }
                }
            }
        }
        for i in 0..self.ent.len() {
            let p = &self.scenario.actors.enterprises[i];
            let start = self.timeline.enterprise_start[i].unwrap_or(p.start_month);
            let end = start.saturating_add(p.horizon_months).min(self.timeline.enterprise_end[i].unwrap_or(u32::MAX));
            let engaged = m >= start && m < end;
            if engaged && !self.ent[i].engaged {
                let (n, autonomy) = (p.founds_teams, autonomy_bits(&p.team_autonomy));
                for j in 0..n as usize {
                    let c = category_order[j % category_order.len()];
                    if let Some(t) = self.new_team(Sponsor::Enterprise(i as u8), c, autonomy) {
                        self.teams[t as usize].enterprise_umbrella = Some(i as u8);
                    }
                }
            }
            if !engaged && self.ent[i].engaged {
                // The horizon ends: its teams lose its umbrella; those with a resident leader
                // carry on as resident teams, the others dissolve. Employees leave in the
                // residents pass.
                for team in self.teams.iter_mut().filter(|t| t.alive && t.enterprise_umbrella == Some(i as u8)) {
                    team.enterprise_umbrella = None;
                }
                self.release_teams(Sponsor::Enterprise(i as u8));
            }
            self.ent[i].engaged = engaged;
        }
    }

    /// Categories with demand, largest first (sponsors set up teams for the biggest needs).
    fn categories_by_demand(&self) -> [usize; CATEGORIES] {
        let d = super::world::demand_per_1000(&self.scenario);
        let mut order = [0, 1, 2, 3, 4, 5];
        order.sort_by(|&a, &b| d[b].partial_cmp(&d[a]).unwrap_or(std::cmp::Ordering::Equal).then(a.cmp(&b)));
        order
    }

    /// Purchase of services: government pays running contracts; at the end of a contract it
    /// renews with a probability that rises with last step's coverage (performance assessment).
    fn pay_contracts(&mut self, m: u32) {
        for so in &mut self.so {
            so.contracted = false;
            so.income = [0.0; SOURCES];
        }
        for j in 0..self.contracts.len() {
            let p = self.scenario.instruments.purchase_of_services[j].clone();
            let Some(i) =
                self.scenario.actors.social_organisations.iter().position(|o| o.name == p.social_organisation)
            else {
                continue;
            };
            let c = &mut self.contracts[j];
            if self.timeline.so_contracts_ended[i] || self.timeline.so_left[i] {
                c.ended = true;
                c.runs_until = None;
            }
            if c.ended || m < p.start_month || !self.so[i].started {
                continue;
            }
            if p.programme_end_month != 0 && m >= p.programme_end_month {
                c.ended = true;
                c.runs_until = None;
                continue;
            }
            match c.runs_until {
                None => c.runs_until = Some(m + p.contract_months),
                Some(end) if m >= end => {
                    let mut rng = self.streams.stream(Purpose::Institutions, self.step, j as u32);
                    let renew = (p.renewal_base + p.renewal_performance * (self.coverage_prev - 0.5)).clamp(0.0, 1.0);
                    if uniform(&mut rng) < renew {
                        c.runs_until = Some(end + p.contract_months);
                    } else {
                        c.ended = true;
                        c.runs_until = None;
                        continue;
                    }
                }
                Some(_) => {}
            }
            let paid = self.gov_pay(p.amount_per_month * self.k);
            self.audit.inflow += paid;
            self.orgs.receives(self.orgs.so(i), paid);
            let so = &mut self.so[i];
            so.funds[GOV] += paid;
            so.income[GOV] += paid;
            // a contract government cannot pay this month does not bind the organisation to
            // government's tasks (its workers' assigned share, performance credit)
            so.contracted |= paid > 0.0;
        }
    }

    /// Enterprise donations while engaged: to its own teams, to social organisations, to the fund.
    fn enterprise_donations(&mut self) {
        for i in 0..self.ent.len() {
            if !self.ent[i].engaged {
                continue;
            }
            let e = self.scenario.actors.enterprises[i].clone();
            let total = e.donation_per_month * self.k * self.timeline.enterprise_funding[i];
            if total <= 0.0 {
                continue;
            }
            let own = self.give_to_teams(total * e.to_own_teams, ENT, |t| t.sponsor == Sponsor::Enterprise(i as u8));
            let left = &self.timeline.so_left;
            let started = self.so.iter().enumerate().filter(|(o, s)| s.started && !left[*o]).count();
            let mut to_so = 0.0;
            if started > 0 {
                let each = total * e.to_social_organisations / started as f64;
                for (o, so) in self.so.iter_mut().enumerate().filter(|(o, s)| s.started && !left[*o]) {
                    so.funds[ENT] += each;
                    so.income[ENT] += each;
                    to_so += each;
                    self.orgs.receives(self.orgs.so(o), each);
                }
            }
            let to_fund = if self.scenario.actors.community_fund.is_some() { total * e.to_community_fund } else { 0.0 };
            self.fund += to_fund;
            self.audit.inflow += own + to_so + to_fund;
            let (row, fund) = (self.orgs.enterprise(i), self.orgs.fund());
            self.orgs.gives(row, own + to_so + to_fund);
            self.orgs.receives(fund, to_fund);
        }
    }

    /// Social organisations: foundation grants arrive, a share of income passes to their teams
    /// for materials, and they pay as many social workers as their money allows.
    fn social_organisation_budgets(&mut self) {
        let k = self.k;
        for i in 0..self.so.len() {
            if !self.so[i].started || self.timeline.so_left[i] {
                self.so[i].workers = 0;
                continue;
            }
            let p = self.scenario.actors.social_organisations[i].clone();
            let grant = p.foundation_grant_per_month * k * self.timeline.so_funding[i];
            self.so[i].funds[SO] += grant;
            self.so[i].income[SO] += grant;
            self.audit.inflow += grant;
            let row = self.orgs.so(i);
            self.orgs.receives(row, grant);
            // pass-through keeps the origin of the income it passes on
            let income = self.so[i].income;
            let income_total: f64 = income.iter().sum();
            let pass = income_total * p.pass_through_share;
            if pass > 0.0 {
                let taken = draw_proportional(&mut self.so[i].funds, pass);
                let mut given = 0.0;
                for (src, amount) in taken.iter().enumerate() {
                    given += self.give_to_teams(*amount, src, |t| {
                        t.sponsor == Sponsor::SocialOrganisation(i as u8) || t.so_umbrella == Some(i as u8)
                    });
                }
                self.orgs.gives(row, given);
                // what found no team stays with the organisation
                let back = taken.iter().sum::<f64>() - given;
                self.so[i].funds[SO] += back.max(0.0);
            }
            let wage = p.wage_per_worker * k;
            let balance: f64 = self.so[i].funds.iter().sum();
            let affordable = if wage > 0.0 { (balance / wage).floor().min(u32::MAX as f64) as u32 } else { u32::MAX };
            let workers = p.social_workers.min(affordable);
            self.so[i].workers = workers;
            let paid: f64 = draw_proportional(&mut self.so[i].funds, workers as f64 * wage).iter().sum();
            self.audit.outflow += paid;
            self.orgs.gives(row, paid);
        }
    }

    /// Direct subsidies from government to registered teams.
    fn subsidies(&mut self) {
        let Some(sub) = self.scenario.instruments.direct_subsidies.clone() else {
            return;
        };
        for t in 0..self.teams.len() {
            if !self.teams[t].alive || !self.teams[t].registered {
                continue;
            }
            let want = (sub.per_team + sub.per_active_member * self.teams[t].active_last as f64) * self.k;
            let paid = self.gov_pay(want);
            self.audit.inflow += paid;
            self.give_to_team_pooled(t, paid, GOV);
        }
    }

    /// Community fund: merchants, social enterprises and satisfied residents pay in; a share of
    /// the balance is granted to all teams each step.
    fn community_fund_inflows(&mut self) {
        let Some(f) = self.scenario.actors.community_fund.clone() else {
            return;
        };
        let k = self.k;
        let donors = if self.coverage_prev > f.donor_coverage_threshold {
            self.agents.residents as f64 * f.donor_share * f.resident_donation
        } else {
            0.0
        };
        let inflow = (f.merchants as f64 * f.merchant_contribution + f.social_enterprise_income + donors)
            * k
            * self.timeline.fund_funding;
        self.fund += inflow;
        self.audit.inflow += inflow;
        let grant = self.fund * self.per_step(f.grant_rate);
        let given = self.give_to_teams(grant, FUND, |_| true);
        self.fund -= given;
        let row = self.orgs.fund();
        self.orgs.receives(row, inflow);
        self.orgs.gives(row, given);
    }

    /// Give `amount` of money of origin `src` equally to the alive teams matching `to`,
    /// pooling a share across all teams when the coordination platform runs. Returns what was
    /// given (0 when no team matches).
    pub(crate) fn give_to_teams(&mut self, amount: f64, src: usize, to: impl Fn(&Team) -> bool) -> f64 {
        if amount <= 0.0 {
            return 0.0;
        }
        let n = self.teams.iter().filter(|t| t.alive && to(t)).count();
        if n == 0 {
            return 0.0;
        }
        let each = amount / n as f64;
        for t in 0..self.teams.len() {
            if self.teams[t].alive && to(&self.teams[t]) {
                self.give_to_team_pooled(t, each, src);
            }
        }
        amount
    }

    /// Money for one team; with the coordination platform a share is spread over all teams.
    /// The pooled share waits in `pooled` until [`World::share_pool`] spreads it at the end of
    /// the institutions phase (one pass over teams instead of one per gift).
    fn give_to_team_pooled(&mut self, t: usize, amount: f64, src: usize) {
        let pooled = amount * self.pooling_share();
        self.teams[t].funds[src] += amount - pooled;
        self.orgs.team_receives(self.teams[t].sponsor, amount - pooled);
        self.pooled[src] += pooled;
        self.record.flows[FUNDING][src] += amount;
    }

    /// Spread the pooled money equally over all alive teams (coordination platform).
    fn share_pool(&mut self) {
        let alive = self.teams.iter().filter(|t| t.alive).count();
        if alive > 0 {
            for team in self.teams.iter_mut().filter(|t| t.alive) {
                for (f, p) in team.funds.iter_mut().zip(&self.pooled) {
                    *f += p / alive as f64;
                }
                let share: f64 = self.pooled.iter().map(|p| p / alive as f64).sum();
                self.orgs.team_receives(team.sponsor, share);
            }
        }
        // with no team alive the pool cannot exist: gifts need a team to start from
        self.pooled = [0.0; SOURCES];
    }

    fn pooling_share(&self) -> f64 {
        if self.cal.platform {
            self.scenario.instruments.coordination_platform.as_ref().map_or(0.0, |p| p.pooling_share)
        } else {
            0.0
        }
    }

    /// What each team offers its members this step: call-outs, training, assigned tasks, voice.
    fn team_offers(&mut self) {
        let s = &self.scenario;
        let g = &s.actors.government;
        let campaign = s.instruments.mobilisation_campaigns.as_ref().filter(|_| self.cal.campaign).map(|c| c.callout);
        let council_bits = if self.cal.council { PHASE_COMMISSIONING | PHASE_ASSESSMENT } else { 0 };
        let pool = self.pooling_share();
        // training capacity of each social organisation (sessions this step), shared out by active members
        let total_active: u32 = self.teams.iter().filter(|t| t.alive).map(|t| t.active_last).sum();
        let mut pooled_sessions = 0.0;
        let mut so_sessions = [0.0f64; MAX_SOCIAL_ORGANISATIONS];
        let mut so_active = [0u32; MAX_SOCIAL_ORGANISATIONS];
        for (i, st) in self.so.iter().enumerate().take(MAX_SOCIAL_ORGANISATIONS) {
            let sessions = st.workers as f64 * s.actors.social_organisations[i].trainees_per_worker * self.k;
            so_sessions[i] = sessions * (1.0 - pool);
            pooled_sessions += sessions * pool;
        }
        for t in self.teams.iter().filter(|t| t.alive) {
            if let Some(i) = so_link(t) {
                so_active[i as usize] += t.active_last;
            }
        }
        let pooled_rate = if total_active > 0 { pooled_sessions / total_active as f64 } else { 0.0 };
        let k = self.k;
        let per_step = |p: f64| step_probability(p, k);
        for t in self.teams.iter_mut().filter(|t| t.alive) {
            let mut no_callout = 1.0;
            let mut assigned_callout = false;
            let mut assigned_share = 0.0;
            let gov_side = t.sponsor == Sponsor::Government || t.registered;
            if let (Some(c), true) = (campaign, gov_side) {
                no_callout *= 1.0 - c;
                assigned_callout = true;
            }
            if t.sponsor == Sponsor::Government {
                no_callout *= 1.0 - g.routine_callout;
            }
            if gov_side {
                assigned_share = g.assigned_task_share;
            }
            let mut train_so = pooled_rate;
            if let Some(i) = so_link(t) {
                let i = i as usize;
                let p = &s.actors.social_organisations[i];
                if self.so[i].workers > 0 {
                    no_callout *= 1.0 - p.routine_callout;
                    if so_active[i] > 0 {
                        train_so += so_sessions[i] / so_active[i] as f64;
                    }
                }
                if self.so[i].contracted {
                    assigned_share = f64::max(assigned_share, p.assigned_task_share);
                }
            }
            if let Sponsor::Enterprise(i) = t.sponsor {
                if self.ent[i as usize].engaged {
                    no_callout *= 1.0 - s.actors.enterprises[i as usize].routine_callout;
                }
            }
            if t.leader != NOBODY {
                no_callout *= 1.0 - s.behaviour.leadership.leader_callout;
            }
            t.callout = per_step(1.0 - no_callout) as f32;
            t.callout_assigned = assigned_callout;
            t.assigned_share = assigned_share as f32;
            t.train_so = train_so.min(1.0) as f32;
            t.train_gov = if t.sponsor == Sponsor::Government { per_step(g.training_share) as f32 } else { 0.0 };
            t.phases = t.autonomy | council_bits;
        }
        // points funded by the community fund need money in the fund; by government, budget
        if let Some(p) = &s.instruments.points {
            if self.cal.points && p.funder == Funder::Merchants {
                self.points_paid_ratio = 1.0;
            }
        }
    }

    /// Teams each recruiter places newcomers in, and each organisation's mean openings over them.
    fn recruit_targets(&mut self) {
        let r = &self.scenario.behaviour.recruitment;
        let open = self.coverage_cat_prev.map(|c| super::teams::openings(c, r));
        let tg = &mut self.targets;
        tg.government.clear();
        tg.social_organisation.iter_mut().for_each(Vec::clear);
        tg.enterprise.iter_mut().for_each(Vec::clear);
        tg.social_organisation_open.fill(0.0);
        tg.enterprise_open.fill(0.0);
        for (id, t) in self.teams.iter().enumerate() {
            if !t.alive {
                continue;
            }
            if t.sponsor == Sponsor::Government || t.registered {
                tg.government.push(id as u16);
            }
            if let Some(i) = so_link(t) {
                tg.social_organisation[i as usize].push(id as u16);
                tg.social_organisation_open[i as usize] += open[t.category];
            }
            if let Sponsor::Enterprise(i) = t.sponsor {
                tg.enterprise[i as usize].push(id as u16);
                tg.enterprise_open[i as usize] += open[t.category];
            }
        }
        for (sum, teams) in tg.social_organisation_open.iter_mut().zip(&tg.social_organisation) {
            *sum /= teams.len().max(1) as f64;
        }
        for (sum, teams) in tg.enterprise_open.iter_mut().zip(&tg.enterprise) {
            *sum /= teams.len().max(1) as f64;
        }
    }

    /// Pay this step's point redemptions from the scheme's funder; remember the paid share.
    pub(crate) fn redeem_points(&mut self, hours: f64) {
        let Some(p) = self.scenario.instruments.points.clone() else {
            return;
        };
        if !self.cal.points {
            return;
        }
        let issued = hours * p.points_per_hour;
        let due = issued * p.value_per_point * p.redemption_share;
        self.points.issued += issued;
        if due <= 0.0 {
            return;
        }
        // each funder pays up to the scheme's monthly budget, and only what it has
        let payable = due.min(p.budget_per_month * self.k);
        let paid = match p.funder {
            Funder::Merchants => {
                self.record.merchant_redemptions += payable;
                payable
            }
            Funder::Government => self.gov_pay(payable),
            Funder::CommunityFund => {
                let paid = payable.min(self.fund);
                self.fund -= paid;
                self.audit.outflow += paid;
                self.orgs.gives(self.orgs.fund(), paid);
                paid
            }
        };
        if p.value_per_point > 0.0 {
            self.points.redeemed += paid / p.value_per_point;
        }
        self.points_paid_ratio = paid / due;
    }
}

/// The social organisation a team is linked to (sponsor or umbrella).
pub(crate) fn so_link(t: &Team) -> Option<u8> {
    match t.sponsor {
        Sponsor::SocialOrganisation(i) => Some(i),
        _ => t.so_umbrella,
    }
}
