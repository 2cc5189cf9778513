//! Counts and money by organisation (issue 13; `organisations.csv`, ODD §7.9): for government,
//! each social organisation, each enterprise, the community fund and the residents, the teams it
//! sponsors, their members and active members, and the money it gave and received since the
//! start. Tallied beside the money audit ([`super::ledger::MoneyAudit`]) in arrays sized when
//! the world is built: the step loop allocates nothing and no flow changes.
//!
//! Rows, in this order: government, the social organisations, the enterprises (scenario order),
//! the community fund (only when the scenario has one), the residents (resident-led teams).
//!
//! Besides the final-year means, every step's team and member counts are kept ([`OrgSteps`],
//! in a buffer reserved for the whole run): the series a target such as
//! `members:<organisation>` averages over its window of months (H social-work centre's 40
//! volunteers at the time of the fieldwork [002]).
//!
//! Money of an organisation's own purse (`given`, `received`):
//! - government: received = its budget for each step (unspent budget lapses); given = what it
//!   spent (contracts, campaigns, running costs, subsidies, point redemptions):
//!   Σ [`super::StepRecord::government_spending`];
//! - a social organisation: received = contract money, enterprise donations, foundation grants;
//!   given = money passed to teams, wages, and what it takes away when it leaves; so
//!   received − given = its balance at the end − `initial_funds`;
//! - an enterprise: received nothing; given = its donations (to its teams, to social
//!   organisations, to the fund);
//! - the community fund: received = merchants', social enterprises' and residents' payments,
//!   enterprise donations, money of dissolved teams; given = grants to teams, running costs and
//!   point redemptions it pays; received − given = its balance at the end − `initial_balance`.
//!
//! Money of the teams an organisation sponsors (`teams_received`, `teams_spent`): paid to them
//! by anybody (including the coordination platform's pooled share), and spent by them on
//! materials or passed on when they dissolve. A team counts for its sponsor at the time of the
//! payment: a team a sponsor releases to residents counts for the residents from then on. The
//! residents have no purse but their teams.

use super::entities::{Agents, Sponsor, Team, NO_TEAM};

/// What an organisation row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrgKind {
    Government,
    SocialOrganisation,
    Enterprise,
    CommunityFund,
    Residents,
}

impl OrgKind {
    /// The `kind` cell of organisations.csv.
    pub fn id(self) -> &'static str {
        match self {
            OrgKind::Government => "government",
            OrgKind::SocialOrganisation => "social_organisation",
            OrgKind::Enterprise => "enterprise",
            OrgKind::CommunityFund => "community_fund",
            OrgKind::Residents => "residents",
        }
    }
}

/// Row of government.
pub const GOVERNMENT: usize = 0;

/// Per-organisation tallies of one replication (index: see [`Organisations::so`] and the others).
#[derive(Clone, Debug, Default)]
pub struct Organisations {
    n_so: usize,
    n_ent: usize,
    /// Money out of / into the organisation's own purse since the start (yuan).
    pub given: Vec<f64>,
    pub received: Vec<f64>,
    /// Money paid to / spent by the teams it sponsors since the start (yuan).
    pub teams_received: Vec<f64>,
    pub teams_spent: Vec<f64>,
    /// At the end of this step: alive teams it sponsors, their members, and (final-year steps
    /// only, else 0) their members active in the step.
    pub teams: Vec<u32>,
    pub members: Vec<u32>,
    pub active: Vec<u32>,
    /// Sums of the step counts over the final year (`final_year_steps` steps).
    final_teams: Vec<f64>,
    final_members: Vec<f64>,
    final_active: Vec<f64>,
    final_year_steps: u32,
    /// Every step's `teams` and `members`, in step order.
    by_step: OrgSteps,
}

/// A count an organisation has at the end of every step (see [`OrgSteps`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrgCount {
    /// Alive teams it sponsors.
    Teams,
    /// Members of those teams.
    Members,
}

impl OrgCount {
    /// The word that names the count in a target's measure (`teams:<organisation>`).
    pub fn id(self) -> &'static str {
        match self {
            OrgCount::Teams => "teams",
            OrgCount::Members => "members",
        }
    }

    /// The count with id `id`, if any.
    pub fn from_id(id: &str) -> Option<OrgCount> {
        [OrgCount::Teams, OrgCount::Members].into_iter().find(|c| c.id() == id)
    }
}

/// One replication's per-step counts of every organisation row: at the end of step `t`, row
/// `g` sponsored `teams(t, g)` alive teams with `members(t, g)` members (the counts behind the
/// final-year means of organisations.csv). Kept as two flat arrays of `rows` values a step,
/// reserved for the whole run when the world is built, so recording a step allocates nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrgSteps {
    rows: usize,
    teams: Vec<u32>,
    members: Vec<u32>,
}

impl OrgSteps {
    /// Room for `steps` steps of `rows` rows.
    pub fn with_capacity(rows: usize, steps: usize) -> OrgSteps {
        OrgSteps { rows, teams: Vec::with_capacity(rows * steps), members: Vec::with_capacity(rows * steps) }
    }

    /// Add a step's counts (one value per row each).
    pub fn push(&mut self, teams: &[u32], members: &[u32]) {
        debug_assert!(teams.len() == self.rows && members.len() == self.rows);
        self.teams.extend_from_slice(teams);
        self.members.extend_from_slice(members);
    }

    /// Organisation rows per step.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Steps recorded.
    pub fn steps(&self) -> usize {
        self.teams.len().checked_div(self.rows).unwrap_or(0)
    }

    /// Count `c` of row `g` at the end of step `t`.
    #[inline]
    pub fn get(&self, c: OrgCount, t: usize, g: usize) -> u32 {
        let i = t * self.rows + g;
        match c {
            OrgCount::Teams => self.teams[i],
            OrgCount::Members => self.members[i],
        }
    }
}

/// One replication's figures per organisation, in row order: final-year means of the counts,
/// whole-run money (yuan), and every step's counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrgTotals {
    pub teams: Vec<f64>,
    pub members: Vec<f64>,
    pub active: Vec<f64>,
    pub given: Vec<f64>,
    pub received: Vec<f64>,
    pub teams_received: Vec<f64>,
    pub teams_spent: Vec<f64>,
    /// Every step's team and member counts.
    pub by_step: OrgSteps,
}

impl Organisations {
    /// Tallies for `n_so` social organisations and `n_ent` enterprises (a fund row is always
    /// kept; it stays zero without a fund), with room for the counts of `steps` steps.
    pub fn new(n_so: usize, n_ent: usize, steps: usize) -> Organisations {
        let n = n_so + n_ent + 3;
        Organisations {
            n_so,
            n_ent,
            given: vec![0.0; n],
            received: vec![0.0; n],
            teams_received: vec![0.0; n],
            teams_spent: vec![0.0; n],
            teams: vec![0; n],
            members: vec![0; n],
            active: vec![0; n],
            final_teams: vec![0.0; n],
            final_members: vec![0.0; n],
            final_active: vec![0.0; n],
            final_year_steps: 0,
            by_step: OrgSteps::with_capacity(n, steps),
        }
    }

    /// Rows kept (including the fund row).
    pub fn len(&self) -> usize {
        self.given.len()
    }

    pub fn is_empty(&self) -> bool {
        self.given.is_empty()
    }

    /// Row of social organisation `i`.
    #[inline]
    pub fn so(&self, i: usize) -> usize {
        1 + i
    }

    /// Row of enterprise `i`.
    #[inline]
    pub fn enterprise(&self, i: usize) -> usize {
        1 + self.n_so + i
    }

    /// Row of the community fund.
    #[inline]
    pub fn fund(&self) -> usize {
        1 + self.n_so + self.n_ent
    }

    /// Row of the residents (resident-led teams).
    #[inline]
    pub fn residents(&self) -> usize {
        2 + self.n_so + self.n_ent
    }

    /// Row of a team's sponsor.
    #[inline]
    pub fn of(&self, sponsor: Sponsor) -> usize {
        match sponsor {
            Sponsor::Government => GOVERNMENT,
            Sponsor::SocialOrganisation(i) => self.so(i as usize),
            Sponsor::Enterprise(i) => self.enterprise(i as usize),
            Sponsor::Residents => self.residents(),
        }
    }

    /// Organisation `row` paid `yuan` out of its purse.
    #[inline]
    pub fn gives(&mut self, row: usize, yuan: f64) {
        self.given[row] += yuan;
    }

    /// Organisation `row` was paid `yuan`.
    #[inline]
    pub fn receives(&mut self, row: usize, yuan: f64) {
        self.received[row] += yuan;
    }

    /// A team of `sponsor` was paid `yuan`.
    #[inline]
    pub fn team_receives(&mut self, sponsor: Sponsor, yuan: f64) {
        let row = self.of(sponsor);
        self.teams_received[row] += yuan;
    }

    /// A team of `sponsor` spent or passed on `yuan`.
    #[inline]
    pub fn team_spends(&mut self, sponsor: Sponsor, yuan: f64) {
        let row = self.of(sponsor);
        self.teams_spent[row] += yuan;
    }

    /// Count the alive teams and their members by sponsor at the end of a step and keep them
    /// in [`OrgSteps`]; in the final year (`final_year`) also the members active this step (a
    /// pass over the agents; members who left during the step no longer count), and add the
    /// counts to the final-year sums.
    pub fn count(&mut self, teams: &[Team], agents: &Agents, final_year: bool) {
        self.teams.fill(0);
        self.members.fill(0);
        self.active.fill(0);
        for t in teams.iter().filter(|t| t.alive) {
            let g = self.of(t.sponsor);
            self.teams[g] += 1;
            self.members[g] += t.members;
        }
        self.by_step.push(&self.teams, &self.members);
        if final_year {
            for (&team, &history) in agents.team.iter().zip(&agents.history) {
                // the histories have moved on: bit 1 is this step
                if team != NO_TEAM && history & 2 != 0 {
                    let t = &teams[team as usize];
                    if t.alive {
                        let g = self.of(t.sponsor);
                        self.active[g] += 1;
                    }
                }
            }
            self.final_year_steps += 1;
            for g in 0..self.len() {
                self.final_teams[g] += self.teams[g] as f64;
                self.final_members[g] += self.members[g] as f64;
                self.final_active[g] += self.active[g] as f64;
            }
        }
    }

    /// The replication's figures: final-year means of the counts (NaN before any final-year
    /// step) and money since the start.
    pub fn totals(&self) -> OrgTotals {
        let n = self.final_year_steps as f64;
        let mean = |v: &[f64]| v.iter().map(|x| if n > 0.0 { x / n } else { f64::NAN }).collect();
        OrgTotals {
            teams: mean(&self.final_teams),
            members: mean(&self.final_members),
            active: mean(&self.final_active),
            given: self.given.clone(),
            received: self.received.clone(),
            teams_received: self.teams_received.clone(),
            teams_spent: self.teams_spent.clone(),
            by_step: self.by_step.clone(),
        }
    }
}

/// The organisation rows of a scenario, in row order: (row index in [`Organisations`], name,
/// kind). The fund row is listed only when the scenario has a community fund.
pub fn rows(s: &crate::scenario::Scenario) -> Vec<(usize, String, OrgKind)> {
    let a = &s.actors;
    let (n_so, n_ent) = (a.social_organisations.len(), a.enterprises.len());
    let mut out = vec![(GOVERNMENT, "government".to_string(), OrgKind::Government)];
    out.extend(
        a.social_organisations.iter().enumerate().map(|(i, o)| (1 + i, o.name.clone(), OrgKind::SocialOrganisation)),
    );
    out.extend(a.enterprises.iter().enumerate().map(|(i, e)| (1 + n_so + i, e.name.clone(), OrgKind::Enterprise)));
    if a.community_fund.is_some() {
        out.push((1 + n_so + n_ent, "community_fund".to_string(), OrgKind::CommunityFund));
    }
    out.push((2 + n_so + n_ent, "residents".to_string(), OrgKind::Residents));
    out
}
