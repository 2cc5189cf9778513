//! The three outcomes (docs/ODD.md §7.9), computed each step from step records
//! over a rolling window. Measures never know which driver model produced the records.
//! A measure that is undefined at a step (nothing to divide by) is NaN: an empty cell in CSV
//! and `null` in JSON.

mod formulas;
mod metrics;
mod shock;
mod window;
pub use formulas::*;
pub use metrics::*;
pub use shock::{shock, Shock};

use crate::model::entities::{DIMENSIONS, ENT, FUND, FUNDING, GOV, HUMAN, KNOWLEDGE, LEGITIMACY, SELF, SO, SOURCES};
use crate::model::ledger::{PARTNER_ENT, PARTNER_SO};
use crate::model::StepRecord;
use crate::scenario::MeasureSettings;
use window::Window;

/// Flows and hours summed over the rolling window.
struct Totals {
    flows: [[f64; SOURCES]; DIMENSIONS],
    /// Government's governance tasks and programme output, by volunteers and by others.
    gov_v: f64,
    gov_o: f64,
    perf_v: f64,
    perf_o: f64,
    /// Government spending and budget.
    spend: f64,
    budget: f64,
    service: f64,
    vol_hours: f64,
    res_hours: f64,
    partner_output: [[f64; 2]; 2],
    monthly_hours: [f64; 120],
    /// Steps in the window.
    n: usize,
}

/// Turns step records into metric rows, keeping the rolling window.
pub struct Tracker {
    window: Window,
    settings: MeasureSettings,
    months_per_step: f64,
}

impl Tracker {
    pub fn new(settings: &MeasureSettings, months_per_step: f64) -> Tracker {
        let steps = ((settings.window_months as f64 / months_per_step).ceil() as usize).max(1);
        Tracker { window: Window::new(steps), settings: settings.clone(), months_per_step }
    }

    /// Record a step and compute all metrics for it.
    pub fn observe(&mut self, r: &StepRecord) -> [f64; N_METRICS] {
        self.window.push(r.clone());
        let ms = &self.settings;
        let t = self.totals();
        let shares: [[f64; SOURCES]; DIMENSIONS] = std::array::from_fn(|d| source_shares(&t.flows[d]));
        let importance = ms.importance.as_array();
        let weights = ms.weights.as_array();
        let dep_g = dependence(&shares, &importance, &weights, GOV);
        let dep_so = dependence(&shares, &importance, &weights, SO);
        let gi = &ms.government_importance;
        let gw = &ms.government_weights;
        let d_gv = gw.governance * gi.governance * share_of(t.gov_v, t.gov_o).unwrap_or(0.0)
            + gw.performance * gi.performance * share_of(t.perf_v, t.perf_o).unwrap_or(0.0);
        let months = t.n as f64 * self.months_per_step;
        let residents = r.residents.max(1) as f64;
        let f_hhi = hhi(&shares[FUNDING]);
        let mut out = [f64::NAN; N_METRICS];
        let mut set = |m: M, v: f64| out[m as usize] = v;
        set(M::DependenceOnGovernment, dep_g);
        set(M::DependenceLegitimacy, importance[LEGITIMACY] * shares[LEGITIMACY][GOV]);
        set(M::DependenceFunding, importance[FUNDING] * shares[FUNDING][GOV]);
        set(M::DependenceHuman, importance[HUMAN] * shares[HUMAN][GOV]);
        set(M::DependenceKnowledge, importance[KNOWLEDGE] * shares[KNOWLEDGE][GOV]);
        set(M::GovernmentDependence, d_gv);
        set(M::Asymmetry, if dep_g.is_nan() { f64::NAN } else { dep_g - d_gv });
        set(M::MutualDependence, if dep_g.is_nan() { f64::NAN } else { dep_g + d_gv });
        set(M::FundingHhi, f_hhi);
        set(M::SoleDependence, sole_dependence(&shares, &weights, GOV, ms.sole_dependence_threshold));
        set(M::ActiveRate, r.active_in_window as f64 / residents);
        set(M::RegularRate, r.regular as f64 / residents);
        set(M::CoreVolunteers, r.core as f64);
        set(M::Leaders, r.leaders as f64);
        set(M::HoursPerCapita, if months > 0.0 { t.res_hours / months / residents } else { f64::NAN });
        set(M::Retention12m, share_of(r.retained as f64, (r.retention_base - r.retained) as f64).unwrap_or(f64::NAN));
        set(M::EndogenousShare, share_of(t.res_hours, t.vol_hours - t.res_hours).unwrap_or(f64::NAN));
        set(
            M::CoproductionDepth,
            if r.active_volunteers > 0 { r.phase_share_sum / r.active_volunteers as f64 } else { f64::NAN },
        );
        set(M::Burstiness, burstiness(&t.monthly_hours[..t.n.min(120)]));
        set(M::Coverage, r.coverage);
        set(M::CoverageCv, coefficient_of_variation(&r.coverage_by_category));
        set(M::SelfFundingShare, shares[FUNDING][FUND] + shares[FUNDING][SELF]);
        set(M::FundingDiversity, if f_hhi > 0.0 { 1.0 / f_hhi } else { f64::NAN });
        set(M::GovCostPerServiceHour, if t.service > 0.0 { t.spend / t.service } else { f64::NAN });
        set(M::Teams, r.teams as f64);
        set(M::CommunityFund, r.community_fund);
        set(M::DependenceOnSo, dep_so);
        set(M::LegitimacyHhi, hhi(&shares[LEGITIMACY]));
        set(M::HumanHhi, hhi(&shares[HUMAN]));
        set(M::KnowledgeHhi, hhi(&shares[KNOWLEDGE]));
        set(
            M::MeanSkill,
            if r.active_volunteers > 0 { r.active_skill_sum / r.active_volunteers as f64 } else { f64::NAN },
        );
        set(M::TrustInGovernment, r.trust_government_sum / residents);
        set(M::TrustInNeighbours, r.trust_neighbours_sum / residents);
        set(M::GovernmentSpending, if months > 0.0 { t.spend / months } else { f64::NAN });
        set(M::ActiveVolunteers, r.active_volunteers as f64);
        let per_1000_month = 1000.0 / residents / self.months_per_step;
        set(M::NeedMet, share_of(r.service_hours, r.need_hours - r.service_hours).unwrap_or(f64::NAN));
        set(M::UnmetNeed, (r.need_hours - r.service_hours).max(0.0) * per_1000_month);
        set(M::Oversupply, r.oversupply_hours * per_1000_month);
        let dep_e = dependence(&shares, &importance, &weights, ENT);
        set(M::DependenceOnEnterprises, dep_e);
        set(M::DependenceOnCommunity, dependence_on(&shares, &importance, &weights, &[FUND, SELF]));
        let pw = ms.partner_delivery_weight;
        let so_v = share_of(t.partner_output[PARTNER_SO][0], t.partner_output[PARTNER_SO][1]).map(|x| pw * x);
        let ent_v = share_of(t.partner_output[PARTNER_ENT][0], t.partner_output[PARTNER_ENT][1]).map(|x| pw * x);
        set(M::SoDependenceOnVolunteers, so_v.unwrap_or(f64::NAN));
        set(M::EnterpriseDependenceOnVolunteers, ent_v.unwrap_or(f64::NAN));
        // the partner volunteers depend on most, and its dependence on them (0 if it has no programme)
        let reverse = [d_gv, so_v.unwrap_or(0.0), ent_v.unwrap_or(0.0)];
        let deps = [dep_g, dep_so, dep_e];
        let dominant = dominant_partner(&deps);
        set(M::DependenceOnDominantPartner, dominant.map_or(f64::NAN, |p| deps[p]));
        set(M::AsymmetryDominantPartner, dominant.map_or(f64::NAN, |p| deps[p] - reverse[p]));
        set(M::RegisteredRate, r.registered as f64 / residents);
        set(
            M::RegisteredActiveShare,
            share_of(r.registered_active as f64, (r.registered - r.registered_active) as f64).unwrap_or(f64::NAN),
        );
        let buildings = if r.buildings > 0 { r.buildings as f64 } else { f64::NAN };
        set(M::BuildingsWithCore, r.buildings_with_core as f64 / buildings);
        set(M::CorePerBuilding, r.core as f64 / buildings);
        set(M::GovernmentBudgetUsed, share_of(t.spend, t.budget - t.spend).unwrap_or(f64::NAN));
        set(M::PointsIssued, r.points_issued);
        set(M::PointsRedeemed, r.points_redeemed);
        set(M::DemandRevealed, share_of(r.demand_hours, r.need_hours - r.demand_hours).unwrap_or(f64::NAN));
        set(M::RegisteredPerTeam, if r.teams > 0 { r.registered as f64 / r.teams as f64 } else { f64::NAN });
        out
    }

    /// Sums of the step records over the window (and the window's monthly hours, in order).
    fn totals(&self) -> Totals {
        let mut flows = [[0.0; SOURCES]; DIMENSIONS];
        let (mut gov_v, mut gov_o, mut perf_v, mut perf_o) = (0.0, 0.0, 0.0, 0.0);
        let (mut spend, mut service, mut vol_hours, mut res_hours) = (0.0, 0.0, 0.0, 0.0);
        let mut budget = 0.0;
        let mut partner_output = [[0.0; 2]; 2];
        let mut monthly_hours = [0.0f64; 120];
        let mut n = 0;
        for (w, rec) in self.window.iter().enumerate() {
            for (total, step) in flows.iter_mut().flatten().zip(rec.flows.iter().flatten()) {
                *total += step;
            }
            gov_v += rec.governance_by_volunteers;
            gov_o += rec.governance_by_others;
            perf_v += rec.performance_by_volunteers;
            perf_o += rec.performance_by_others;
            spend += rec.government_spending;
            budget += rec.government_budget;
            for (total, step) in partner_output.iter_mut().flatten().zip(rec.partner_output.iter().flatten()) {
                *total += step;
            }
            service += rec.service_hours;
            vol_hours += rec.volunteer_hours;
            res_hours += rec.resident_hours;
            monthly_hours[w.min(119)] = rec.volunteer_hours;
            n += 1;
        }
        Totals {
            flows,
            gov_v,
            gov_o,
            perf_v,
            perf_o,
            spend,
            budget,
            service,
            vol_hours,
            res_hours,
            partner_output,
            monthly_hours,
            n,
        }
    }
}
