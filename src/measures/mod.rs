//! The three outcomes (domain-anchors §1.5, §2.1, §3.1), computed each step from step records
//! over a rolling window. Measures never know which driver model produced the records.
//! A measure that is undefined at a step (nothing to divide by) is NaN: an empty cell in CSV
//! and `null` in JSON.

mod formulas;
mod shock;
mod window;
pub use formulas::*;
pub use shock::{shock, Shock};

use crate::model::entities::{DIMENSIONS, FUND, FUNDING, GOV, HUMAN, KNOWLEDGE, LEGITIMACY, SELF, SO, SOURCES};
use crate::model::StepRecord;
use crate::scenario::MeasureSettings;
use window::Window;

/// A metric's id (column name), unit and meaning.
#[derive(Clone, Copy, Debug)]
pub struct Metric {
    pub id: &'static str,
    pub unit: &'static str,
    pub meaning: &'static str,
    /// Documented range of values (for tests and charts).
    pub range: (f64, f64),
}

macro_rules! metrics {
    ($( $name:ident = $id:literal, $unit:literal, ($lo:expr, $hi:expr), $meaning:literal; )*) => {
        /// Metric indices, in output column order.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Clone, Copy, Debug)]
        #[repr(usize)]
        pub enum M { $( $name, )* }
        /// All metrics in output column order.
        pub const METRICS: &[Metric] = &[ $( Metric { id: $id, unit: $unit, meaning: $meaning, range: ($lo, $hi) }, )* ];
    };
}

const INF: f64 = f64::INFINITY;

metrics! {
    DependenceOnGovernment = "dependence_on_government", "index", (0.0, 1.0), "D(v←g) = Σ_k w_k·I_k·s(g,k): volunteers' dependence on government over the four dimensions";
    DependenceLegitimacy = "dependence_on_government_legitimacy", "index", (0.0, 1.0), "I_L·s(g,L): government share of legitimacy tokens held by teams";
    DependenceFunding = "dependence_on_government_funding", "index", (0.0, 1.0), "I_F·s(g,F): government share of money reaching teams (by origin)";
    DependenceHuman = "dependence_on_government_human", "index", (0.0, 1.0), "I_H·s(g,H): share of volunteer hours by residents recruited by government campaigns";
    DependenceKnowledge = "dependence_on_government_knowledge", "index", (0.0, 1.0), "I_K·s(g,K): government share of training and skill-transfer hours";
    GovernmentDependence = "government_dependence_on_volunteers", "index", (0.0, 1.0), "D(g←v) = Σ_m w'_m·I'_m·s(v,m): share of government's governance tasks and programme output supplied by volunteers";
    Asymmetry = "asymmetry", "index", (-1.0, 1.0), "A = D(v←g) − D(g←v); > 0 means volunteers are the weaker party";
    MutualDependence = "mutual_dependence", "index", (0.0, 2.0), "M = D(v←g) + D(g←v) (Gulati & Sytch 2007)";
    FundingHhi = "funding_hhi", "index", (0.0, 1.0), "Herfindahl index of funding sources of teams (1 = a single source)";
    SoleDependence = "sole_dependence", "share of dimensions", (0.0, 1.0), "weighted share of dimensions where government's share ≥ the threshold (唯一性依赖)";
    ActiveRate = "active_rate", "share of residents", (0.0, 1.0), "residents who served in the active window";
    RegularRate = "regular_rate", "share of residents", (0.0, 1.0), "residents active in at least regular_min_months of the last 12";
    CoreVolunteers = "core_volunteers", "persons", (0.0, INF), "core volunteers and leaders among residents";
    Leaders = "leaders", "persons", (0.0, INF), "resident team leaders";
    HoursPerCapita = "hours_per_capita", "hours/month per resident", (0.0, INF), "resident volunteer hours per resident per month (window mean)";
    Retention12m = "retention_12m", "share", (0.0, 1.0), "residents active in the previous 12 months who were active again in the last 12 (CNCS)";
    EndogenousShare = "endogenous_share", "share of hours", (0.0, 1.0), "hours by residents / all volunteer hours (vs brought-in volunteers)";
    CoproductionDepth = "coproduction_depth", "share of phases", (0.25, 1.0), "mean share of the four co-production phases active volunteers take part in";
    Burstiness = "burstiness", "index", (-1.0, 1.0), "B = (σ−μ)/(σ+μ) of monthly volunteer hours in the window (碎片化、节日化)";
    Coverage = "coverage", "share of demand", (0.0, 1.0), "demand-weighted mean of min(1, supply/demand) over service categories";
    CoverageCv = "coverage_cv", "1", (0.0, INF), "coefficient of variation of coverage across categories with demand";
    SelfFundingShare = "self_funding_share", "share", (0.0, 1.0), "share of team funding from the community fund and residents' own materials";
    FundingDiversity = "funding_diversity", "sources", (1.0, 5.0), "effective number of funding sources 1/HHI";
    GovCostPerServiceHour = "gov_cost_per_service_hour", "yuan/hour", (0.0, INF), "government spending / service hours delivered (window)";
    Teams = "teams", "teams", (0.0, INF), "volunteer teams alive";
    CommunityFund = "community_fund", "yuan", (0.0, INF), "community fund balance";
    DependenceOnSo = "dependence_on_social_organisations", "index", (0.0, 1.0), "Σ_k w_k·I_k·s(s,k): dependence on social organisations";
    LegitimacyHhi = "legitimacy_hhi", "index", (0.0, 1.0), "Herfindahl index of legitimacy sources";
    HumanHhi = "human_hhi", "index", (0.0, 1.0), "Herfindahl index of recruitment channels (by hours)";
    KnowledgeHhi = "knowledge_hhi", "index", (0.0, 1.0), "Herfindahl index of knowledge providers";
    MeanSkill = "mean_skill", "share", (0.0, 1.0), "mean skill of active volunteers";
    TrustInGovernment = "trust_in_government", "share", (0.0, 1.0), "mean resident trust in government";
    TrustInNeighbours = "trust_in_neighbours", "share", (0.0, 1.0), "mean resident trust in neighbours";
    GovernmentSpending = "government_spending", "yuan/month", (0.0, INF), "government spending on the community's instruments (window mean per month)";
    ActiveVolunteers = "active_volunteers", "persons", (0.0, INF), "volunteers (residents and brought-in) active this step";
}

/// Number of metrics per step.
pub const N_METRICS: usize = M::ActiveVolunteers as usize + 1;

/// Metric index by id.
pub fn index_of(id: &str) -> Option<usize> {
    METRICS.iter().position(|m| m.id == id)
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
        let mut flows = [[0.0; SOURCES]; DIMENSIONS];
        let (mut gov_v, mut gov_o, mut perf_v, mut perf_o) = (0.0, 0.0, 0.0, 0.0);
        let (mut spend, mut service, mut vol_hours, mut res_hours) = (0.0, 0.0, 0.0, 0.0);
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
            service += rec.service_hours;
            vol_hours += rec.volunteer_hours;
            res_hours += rec.resident_hours;
            monthly_hours[w.min(119)] = rec.volunteer_hours;
            n += 1;
        }
        let shares: [[f64; SOURCES]; DIMENSIONS] = std::array::from_fn(|d| source_shares(&flows[d]));
        let importance = ms.importance.as_array();
        let weights = ms.weights.as_array();
        let dep_g = dependence(&shares, &importance, &weights, GOV);
        let dep_so = dependence(&shares, &importance, &weights, SO);
        let gi = &ms.government_importance;
        let gw = &ms.government_weights;
        let d_gv = gw.governance * gi.governance * share_of(gov_v, gov_o).unwrap_or(0.0)
            + gw.performance * gi.performance * share_of(perf_v, perf_o).unwrap_or(0.0);
        let months = n as f64 * self.months_per_step;
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
        set(M::HoursPerCapita, if months > 0.0 { res_hours / months / residents } else { f64::NAN });
        set(M::Retention12m, share_of(r.retained as f64, (r.retention_base - r.retained) as f64).unwrap_or(f64::NAN));
        set(M::EndogenousShare, share_of(res_hours, vol_hours - res_hours).unwrap_or(f64::NAN));
        set(
            M::CoproductionDepth,
            if r.active_volunteers > 0 { r.phase_share_sum / r.active_volunteers as f64 } else { f64::NAN },
        );
        set(M::Burstiness, burstiness(&monthly_hours[..n.min(120)]));
        set(M::Coverage, r.coverage);
        set(M::CoverageCv, coefficient_of_variation(&r.coverage_by_category));
        set(M::SelfFundingShare, shares[FUNDING][FUND] + shares[FUNDING][SELF]);
        set(M::FundingDiversity, if f_hhi > 0.0 { 1.0 / f_hhi } else { f64::NAN });
        set(M::GovCostPerServiceHour, if service > 0.0 { spend / service } else { f64::NAN });
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
        set(M::GovernmentSpending, if months > 0.0 { spend / months } else { f64::NAN });
        set(M::ActiveVolunteers, r.active_volunteers as f64);
        out
    }
}
