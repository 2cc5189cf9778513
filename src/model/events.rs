//! Timeline events (scenario `events`) applied to the world: each event changes the model's
//! generic state (funding factors, contracts, actors' presence, demand, instruments) from its
//! month on, through [`Timeline`], which the institutions read every step.

use super::entities::*;
use super::world::World;
use crate::scenario::{Event, Scenario};

/// The running effect of timeline events (scenario `events`), applied in month order.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// Indices of scenario events sorted by month (stable), and how many have been applied.
    pub order: Vec<usize>,
    pub applied: usize,
    pub government_funding: f64,
    /// Share of its requested budget a district government pays this community this step
    /// (1 outside a district; set by `experiment::district` between steps).
    pub district_budget: f64,
    pub so_funding: Vec<f64>,
    pub enterprise_funding: Vec<f64>,
    pub fund_funding: f64,
    pub so_contracts_ended: Vec<bool>,
    pub so_enter: Vec<Option<u32>>,
    pub so_left: Vec<bool>,
    pub enterprise_start: Vec<Option<u32>>,
    pub enterprise_end: Vec<Option<u32>>,
    /// Demand multiplier by category and the month it ends (exclusive).
    pub demand_factor: [f64; CATEGORIES],
    pub demand_until: [u32; CATEGORIES],
    pub points: Option<bool>,
    pub campaign_until: u32,
    pub council: bool,
    pub platform: bool,
}

impl Timeline {
    pub(crate) fn new(s: &Scenario) -> Timeline {
        let mut order: Vec<usize> = (0..s.events.len()).collect();
        order.sort_by_key(|&i| s.events[i].month());
        let n_so = s.actors.social_organisations.len();
        let n_ent = s.actors.enterprises.len();
        Timeline {
            order,
            applied: 0,
            government_funding: 1.0,
            district_budget: 1.0,
            so_funding: vec![1.0; n_so],
            enterprise_funding: vec![1.0; n_ent],
            fund_funding: 1.0,
            so_contracts_ended: vec![false; n_so],
            so_enter: vec![None; n_so],
            so_left: vec![false; n_so],
            enterprise_start: vec![None; n_ent],
            enterprise_end: vec![None; n_ent],
            demand_factor: [1.0; CATEGORIES],
            demand_until: [0; CATEGORIES],
            points: None,
            campaign_until: 0,
            council: false,
            platform: false,
        }
    }

    /// Demand multiplier of category c in month m.
    pub fn demand(&self, c: usize, m: u32) -> f64 {
        if m < self.demand_until[c] {
            self.demand_factor[c]
        } else {
            1.0
        }
    }
}

impl World {
    /// Apply the scenario events that happen before month `until` and have not been applied,
    /// in month order (events of one month in file order).
    pub(crate) fn apply_events(&mut self, until: u32) {
        while let Some(&idx) = self.timeline.order.get(self.timeline.applied) {
            if self.scenario.events[idx].month() >= until {
                break;
            }
            self.timeline.applied += 1;
            let event = self.scenario.events[idx].clone();
            self.apply_event(event);
        }
    }

    fn apply_event(&mut self, event: Event) {
        let month = event.month();
        let actors = &self.scenario.actors;
        let so_index = |name: &str| actors.social_organisations.iter().position(|o| o.name == name);
        let ent_index = |name: &str| actors.enterprises.iter().position(|e| e.name == name);
        let tl = &mut self.timeline;
        match event {
            Event::FundingChange { actor, factor, .. } => {
                if actor == "government" {
                    tl.government_funding = factor;
                } else if actor == "community_fund" {
                    tl.fund_funding = factor;
                } else if let Some(i) = so_index(&actor) {
                    tl.so_funding[i] = factor;
                } else if let Some(i) = ent_index(&actor) {
                    tl.enterprise_funding[i] = factor;
                }
            }
            Event::ContractEnd { social_organisation, .. } => {
                if let Some(i) = so_index(&social_organisation) {
                    tl.so_contracts_ended[i] = true;
                }
            }
            Event::EnterpriseEnter { enterprise, .. } => {
                if let Some(i) = ent_index(&enterprise) {
                    tl.enterprise_start[i] = Some(month);
                    tl.enterprise_end[i] = None;
                }
            }
            Event::EnterpriseLeave { enterprise, .. } => {
                if let Some(i) = ent_index(&enterprise) {
                    tl.enterprise_end[i] = Some(month);
                }
            }
            Event::SocialOrganisationEnter { social_organisation, .. } => {
                if let Some(i) = so_index(&social_organisation) {
                    tl.so_enter[i] = Some(month);
                }
            }
            Event::SocialOrganisationLeave { social_organisation, .. } => {
                if let Some(i) = so_index(&social_organisation) {
                    self.social_organisation_leaves(i);
                }
            }
            Event::DemandShock { category, factor, duration_months, .. } => {
                let c = category.index();
                tl.demand_factor[c] = factor;
                tl.demand_until[c] = month.saturating_add(duration_months);
            }
            Event::PointsStart { .. } => tl.points = Some(true),
            Event::PointsStop { .. } => tl.points = Some(false),
            Event::Campaign { duration_months, .. } => {
                tl.campaign_until = tl.campaign_until.max(month.saturating_add(duration_months));
            }
            Event::CouncilStart { .. } => tl.council = true,
            Event::PlatformStart { .. } => tl.platform = true,
        }
    }

    /// A social organisation leaves with its money: teams under its umbrella lose it, and its
    /// own teams carry on as resident teams if a resident leads them, otherwise dissolve.
    fn social_organisation_leaves(&mut self, i: usize) {
        if self.timeline.so_left[i] {
            return;
        }
        self.timeline.so_left[i] = true;
        let money: f64 = self.so[i].funds.iter().sum();
        self.so[i].funds = [0.0; SOURCES];
        self.so[i].workers = 0;
        self.audit.outflow += money;
        self.orgs.gives(self.orgs.so(i), money);
        for team in self.teams.iter_mut().filter(|t| t.alive && t.so_umbrella == Some(i as u8)) {
            team.so_umbrella = None;
        }
        self.release_teams(Sponsor::SocialOrganisation(i as u8));
    }
}
