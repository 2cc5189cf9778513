//! organisations.csv: one row per organisation of a model — government, each social
//! organisation, each enterprise, the community fund, the residents — with its teams, their
//! volunteers and the money it gave and received, each as the mean across replications and its
//! 95% t-interval (the counts the seeds report: H social-work centre's 40 volunteers [002]).

use super::table::{Num, Table};
use crate::experiment::{Estimate, Replication};
use crate::model::organisations::{rows, OrgKind, OrgTotals};
use crate::scenario::Scenario;

/// The figures of a row, in column order: (column, unit, what it is for one replication).
pub const COLUMNS: [(&str, &str, &str); 7] = [
    ("teams", "teams", "alive teams it sponsors (founded, incubated; for residents: resident-led), final-year mean"),
    ("own_volunteers", "persons", "members of those teams (residents and brought-in), final-year mean"),
    ("active_volunteers", "persons", "members of those teams active in the step (of own_volunteers), final-year mean"),
    ("money_given_yuan", "yuan", "paid out of its own purse over the run (for residents: by their teams)"),
    (
        "money_received_yuan",
        "yuan",
        "paid into its own purse over the run (government: its budget; for residents: to their teams)",
    ),
    ("teams_money_received_yuan", "yuan", "paid to the teams it sponsors over the run, by anybody"),
    (
        "teams_money_spent_yuan",
        "yuan",
        "spent by those teams (materials) or passed on when they dissolved, over the run",
    ),
];

/// The seven figures of row `g` of one replication, in [`COLUMNS`] order.
fn figures(t: &OrgTotals, g: usize, kind: OrgKind) -> [f64; 7] {
    let (given, received) = match kind {
        // the residents have no purse but their teams
        OrgKind::Residents => (t.teams_spent[g], t.teams_received[g]),
        _ => (t.given[g], t.received[g]),
    };
    [t.teams[g], t.members[g], t.active[g], given, received, t.teams_received[g], t.teams_spent[g]]
}

/// Per organisation row of `s`: (name, kind, estimates of the [`COLUMNS`] across replications).
pub fn estimates(s: &Scenario, reps: &[Replication]) -> Vec<(String, OrgKind, [Estimate; 7])> {
    rows(s)
        .into_iter()
        .map(|(g, name, kind)| {
            let per_rep: Vec<[f64; 7]> = reps
                .iter()
                .filter(|r| g < r.organisations.given.len())
                .map(|r| figures(&r.organisations, g, kind))
                .collect();
            let est = std::array::from_fn(|c| Estimate::of(&per_rep.iter().map(|f| f[c]).collect::<Vec<_>>()));
            (name, kind, est)
        })
        .collect()
}

/// The CSV text: `model, organisation, kind`, then per figure its mean and 95% interval
/// (`<figure>`, `<figure>_ci95_low`, `<figure>_ci95_high`), then `replications`.
pub fn organisations_csv(s: &Scenario, reps: &[Replication]) -> String {
    let mut header = vec!["model".to_string(), "organisation".into(), "kind".into()];
    for (c, _, _) in COLUMNS {
        header.extend([c.to_string(), format!("{c}_ci95_low"), format!("{c}_ci95_high")]);
    }
    header.push("replications".into());
    let mut t = Table::new(&header);
    for (name, kind, est) in estimates(s, reps) {
        let cells: Vec<Num> = est.iter().flat_map(|e| [Num(e.mean), Num(e.ci_low), Num(e.ci_high)]).collect();
        let n = est[0].n;
        t.row((&s.name, &name, kind.id(), cells, n));
    }
    t.into_string()
}
