//! What a step records: resource flows by dimension and source, government's needs met,
//! money, hours and service. Measures are computed from these records (over a rolling
//! window, `measures::window`) and never from which driver model is running.

use super::entities::{CATEGORIES, DIMENSIONS, SOURCES};

/// Rows of [`StepRecord::partner_output`].
pub const PARTNER_SO: usize = 0;
pub const PARTNER_ENT: usize = 1;

/// Everything the measures need from one step.
#[derive(Clone, Debug, Default)]
pub struct StepRecord {
    /// Resource flows to volunteer teams: [dimension][source]. Units: legitimacy tokens
    /// (member-weighted), yuan, volunteer hours by recruitment channel, training hours.
    pub flows: [[f64; SOURCES]; DIMENSIONS],
    /// Government's governance tasks: hours supplied by volunteers and by others (staff, social workers).
    pub governance_by_volunteers: f64,
    pub governance_by_others: f64,
    /// Service output under government programmes (performance credit): by volunteers and by others.
    pub performance_by_volunteers: f64,
    pub performance_by_others: f64,
    /// Service output of the social organisations' and the enterprises' programmes this step:
    /// [partner][0] by volunteers of their teams, [partner][1] by their own staff (social
    /// workers' unassigned hours, store service hours). A partner's need of volunteers.
    pub partner_output: [[f64; 2]; 2],
    /// Government spending on the community's instruments this step (yuan).
    pub government_spending: f64,
    /// Government's budget for this step (yuan).
    pub government_budget: f64,
    /// Raw service hours delivered (volunteers, social workers, staff, stores).
    pub service_hours: f64,
    /// Latent need, revealed demand and supply beyond demand, summed over categories (hours this step).
    pub need_hours: f64,
    pub demand_hours: f64,
    pub oversupply_hours: f64,
    pub volunteer_hours: f64,
    pub resident_hours: f64,
    /// Active volunteers this step (residents and brought-in) and their summed phase share.
    pub active_volunteers: u32,
    pub phase_share_sum: f64,
    pub active_skill_sum: f64,
    pub coverage_by_category: [f64; CATEGORIES],
    pub coverage: f64,
    // resident counts (residents only, not brought-in)
    pub residents: u32,
    pub active_in_window: u32,
    pub regular: u32,
    pub core: u32,
    pub leaders: u32,
    pub enrolled: u32,
    pub retained: u32,
    pub retention_base: u32,
    /// Buildings, and those with at least one core volunteer or leader among their residents.
    pub buildings: u32,
    pub buildings_with_core: u32,
    /// Residents registered on a volunteer platform, and of them active in the active window.
    pub registered: u32,
    pub registered_active: u32,
    pub teams: u32,
    pub community_fund: f64,
    pub trust_government_sum: f64,
    pub trust_neighbours_sum: f64,
    /// Redemptions of points paid by merchants outside the model's money (yuan).
    pub merchant_redemptions: f64,
    /// Points issued and redeemed since the start of the run.
    pub points_issued: f64,
    pub points_redeemed: f64,
}

/// Money bookkeeping: every yuan enters from outside, moves between stocks, or leaves.
/// The invariant `stocks = initial + inflow − outflow` is checked by tests.
#[derive(Clone, Debug, Default)]
pub struct MoneyAudit {
    pub initial: f64,
    pub inflow: f64,
    pub outflow: f64,
}
