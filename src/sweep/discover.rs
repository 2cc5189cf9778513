//! `govsim discover`: scenario discovery with PRIM, the Patient Rule Induction Method (Friedman
//! & Fisher 1999), as EMA Workbench implements it for scenario discovery (Bryant & Lempert 2010;
//! Kwakkel 2017; `ema_workbench.analysis.prim`, version 2.5). Which combinations of the sweep's
//! factors make an output fall below (or rise above) a threshold?
//!
//! The cases are the runs of one scenario of a merged sweep (one row per run, as EMA has one row
//! per experiment); a run is of interest when its output is strictly below (above) the
//! threshold. With [`Question::share`] the cases are the design points instead, each of interest
//! when at least that share of its replications is. Runs whose output is undefined are left out.
//!
//! PRIM starts from the box holding every case and **peels**: for each factor it tries cutting
//! off the lowest `peel_alpha` share of the cases still in the box (the lower limit moves up to
//! that quantile) or the highest share, and takes the cut that raises the share of cases of
//! interest in the box the most per case removed (EMA's default objective, "lenient1":
//! (mean after − mean before) / cases removed; ties go to the cut leaving more factors
//! unrestricted, then to the first factor, upper cut before lower). It stops when no cut raises
//! the mean or the next box would hold less than `min_mass` of all cases. Then it **pastes**:
//! it tries widening each restricted limit by the `paste_alpha` quantile of the cases just
//! outside it, while that raises the mean. Every box on the way is a step of the trajectory,
//! with its coverage (share of all cases of interest inside), density (share of the cases inside
//! that are of interest) and mass (share of all cases inside). Quantiles are EMA's (from
//! sdtoolkit): halfway between two neighbouring distinct values, so a limit never cuts through
//! tied values. Every factor is treated as a real number (EMA's `_real_peel`), also integer
//! factors and grid levels, whose limits then fall halfway between two levels.
//!
//! Pure functions on the factor matrix and the case labels; reading the sweep is
//! [`super::analyze::read_runs`], writing the files [`crate::output::discovery`].

use super::plan::Resolved;
use crate::Error;
use statrs::distribution::{Binomial, DiscreteCDF};

/// Which side of the threshold the cases of interest are on (strictly).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Below,
    Above,
}

impl Side {
    /// Whether `value` is on this side of `threshold` (false for an undefined value).
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Side::Below => value < threshold,
            Side::Above => value > threshold,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Side::Below => "below",
            Side::Above => "above",
        }
    }
}

/// What `govsim discover` is asked.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// An output column of the sweep, e.g. `coverage.final_year_mean`.
    pub output: String,
    pub side: Side,
    pub threshold: f64,
    /// The scenario whose runs are used; `None`: the sweep's only one.
    pub scenario: Option<String>,
    /// `None`: one case per run. `Some(s)`: one case per design point, of interest when at least
    /// share `s` of its replications (with a defined output) are.
    pub share: Option<f64>,
}

/// PRIM's parameters (EMA's names and defaults).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PrimOptions {
    /// Share of the cases in the box that one peel removes.
    pub peel_alpha: f64,
    /// Share of the cases next to a limit that one paste adds.
    pub paste_alpha: f64,
    /// Peeling stops before a box holds less than this share of all cases.
    pub min_mass: f64,
    /// Whether to paste after peeling.
    pub paste: bool,
}

impl Default for PrimOptions {
    fn default() -> PrimOptions {
        PrimOptions { peel_alpha: 0.05, paste_alpha: 0.05, min_mass: 0.05, paste: true }
    }
}

impl PrimOptions {
    /// Why these options cannot be used, if they cannot.
    pub fn check(&self) -> Result<(), String> {
        let open = |name: &str, v: f64, hi: f64| {
            if v.is_finite() && v > 0.0 && v < hi {
                Ok(())
            } else {
                Err(format!("{name} must be above 0 and below {hi}, not {v}"))
            }
        };
        open("--peel-alpha", self.peel_alpha, 0.5)?;
        open("--paste-alpha", self.paste_alpha, 0.5)?;
        open("--min-mass", self.min_mass, 1.0)
    }
}

/// What a step of the trajectory did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The first box: every case.
    Start,
    Peel,
    Paste,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Start => "start",
            Phase::Peel => "peel",
            Phase::Paste => "paste",
        }
    }
}

/// One box of the trajectory.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub phase: Phase,
    /// Per factor, the box's limits (inclusive).
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    /// Per factor, whether a limit differs from the first box's.
    pub restricted: Vec<bool>,
    /// Cases in the box, and of them of interest.
    pub cases: usize,
    pub of_interest: usize,
    /// Share of all cases of interest inside the box.
    pub coverage: f64,
    /// Share of the cases inside that are of interest (the box's mean).
    pub density: f64,
    /// Share of all cases inside the box.
    pub mass: f64,
}

impl Step {
    pub fn n_restricted(&self) -> usize {
        self.restricted.iter().filter(|r| **r).count()
    }
}

/// PRIM's peeling and pasting trajectory.
#[derive(Clone, Debug, PartialEq)]
pub struct Trajectory {
    pub steps: Vec<Step>,
    /// The first box: each factor's smallest and largest value over all cases.
    pub lower0: Vec<f64>,
    pub upper0: Vec<f64>,
    /// All cases, and of them of interest.
    pub cases: usize,
    pub of_interest: usize,
}

/// EMA's `get_quantile` (after sdtoolkit) of sorted values: at position (n − 1)·q, moved outward
/// past tied values, halfway between the two values there. `sorted` is not empty.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let last = sorted.len() - 1;
    let i = last as f64 * q;
    let (mut lo, mut hi) = ((i.floor() as usize).min(last), (i.ceil() as usize).min(last));
    if q > 0.5 {
        while sorted[lo] == sorted[hi] && lo > 0 {
            lo -= 1;
        }
    } else {
        while sorted[lo] == sorted[hi] && hi < last {
            hi += 1;
        }
    }
    (sorted[lo] + sorted[hi]) / 2.0
}

/// EMA's default objective ("lenient1"): the change of the box mean per case removed or added.
fn lenient1(old: (usize, usize), new: (usize, usize)) -> f64 {
    let mean = |(interest, cases): (usize, usize)| if cases > 0 { interest as f64 / cases as f64 } else { 0.0 };
    let (mean_old, mean_new) = (mean(old), mean(new));
    if mean_old == mean_new || old.1 == new.1 {
        return 0.0;
    }
    (mean_new - mean_old) / old.1.abs_diff(new.1) as f64
}

/// A candidate box: its objective, how many factors it leaves unrestricted, its limits and
/// counts (of interest, cases).
struct Candidate {
    obj: f64,
    free: usize,
    lower: Vec<f64>,
    upper: Vec<f64>,
    counts: (usize, usize),
}

impl Candidate {
    /// EMA sorts candidates by (objective, unrestricted factors), largest first, keeping the
    /// order of equals: the first of the best wins.
    fn beats(&self, best: &Option<Candidate>) -> bool {
        best.as_ref().is_none_or(|b| self.obj > b.obj || (self.obj == b.obj && self.free > b.free))
    }
}

/// The data PRIM works on: factor columns (one value per case each) and which cases are of
/// interest, with the first box.
struct Data<'a> {
    columns: &'a [Vec<f64>],
    interest: &'a [bool],
    lower0: Vec<f64>,
    upper0: Vec<f64>,
}

impl Data<'_> {
    fn restricted(&self, lower: &[f64], upper: &[f64]) -> Vec<bool> {
        (0..self.columns.len()).map(|j| lower[j] != self.lower0[j] || upper[j] != self.upper0[j]).collect()
    }

    fn free(&self, lower: &[f64], upper: &[f64]) -> usize {
        self.restricted(lower, upper).iter().filter(|r| !**r).count()
    }

    fn inside(&self, i: usize, lower: &[f64], upper: &[f64]) -> bool {
        self.columns.iter().enumerate().all(|(j, c)| lower[j] <= c[i] && c[i] <= upper[j])
    }

    /// (of interest, cases) inside the box.
    fn count(&self, lower: &[f64], upper: &[f64]) -> (usize, usize) {
        let mut counts = (0, 0);
        for i in 0..self.interest.len() {
            if self.inside(i, lower, upper) {
                counts.0 += self.interest[i] as usize;
                counts.1 += 1;
            }
        }
        counts
    }

    fn step(&self, phase: Phase, lower: Vec<f64>, upper: Vec<f64>, (k, n): (usize, usize)) -> Step {
        let (all, interest) = (self.interest.len(), self.interest.iter().filter(|x| **x).count());
        Step {
            phase,
            restricted: self.restricted(&lower, &upper),
            lower,
            upper,
            cases: n,
            of_interest: k,
            coverage: if interest > 0 { k as f64 / interest as f64 } else { f64::NAN },
            density: if n > 0 { k as f64 / n as f64 } else { f64::NAN },
            mass: n as f64 / all as f64,
        }
    }
}

/// PRIM on `columns` (one per factor, one value per case) and `interest` (per case): the
/// peeling and (with `o.paste`) pasting trajectory, starting with the box of all cases. `Err`
/// says why the data cannot be used (no cases, columns of other lengths, undefined values).
pub fn prim(columns: &[Vec<f64>], interest: &[bool], o: &PrimOptions) -> Result<Trajectory, String> {
    o.check()?;
    let n = interest.len();
    if n == 0 {
        return Err("there are no cases".into());
    }
    if columns.is_empty() {
        return Err("there are no factors".into());
    }
    if n > u32::MAX as usize {
        return Err(format!("{n} cases are more than PRIM here handles ({})", u32::MAX));
    }
    for (j, c) in columns.iter().enumerate() {
        if c.len() != n {
            return Err(format!("factor {j} has {} values for {n} cases", c.len()));
        }
        if let Some(v) = c.iter().find(|v| !v.is_finite()) {
            return Err(format!("factor {j} has the value {v}, not a finite number"));
        }
    }
    let lower0: Vec<f64> = columns.iter().map(|c| c.iter().copied().fold(f64::INFINITY, f64::min)).collect();
    let upper0: Vec<f64> = columns.iter().map(|c| c.iter().copied().fold(f64::NEG_INFINITY, f64::max)).collect();
    let data = Data { columns, interest, lower0: lower0.clone(), upper0: upper0.clone() };
    let of_interest = interest.iter().filter(|x| **x).count();
    let mut steps = vec![data.step(Phase::Start, lower0.clone(), upper0.clone(), (of_interest, n))];
    let (lower, upper, counts) = peel(&data, o, &mut steps, (of_interest, n));
    if o.paste {
        paste(&data, o, &mut steps, lower, upper, counts);
    }
    Ok(Trajectory { steps, lower0, upper0, cases: n, of_interest })
}

/// The peeling phase (EMA's `_peel`); the last box's limits and counts.
fn peel(
    data: &Data,
    o: &PrimOptions,
    steps: &mut Vec<Step>,
    start: (usize, usize),
) -> (Vec<f64>, Vec<f64>, (usize, usize)) {
    let (n, d) = (data.interest.len(), data.columns.len());
    let (mut lower, mut upper, mut counts) = (data.lower0.clone(), data.upper0.clone(), start);
    // per factor, the cases in the box in the order of that factor's values (u32: half the
    // memory of usize; `prim` refuses more cases)
    let mut sorted: Vec<Vec<u32>> = data
        .columns
        .iter()
        .map(|c| {
            let mut ids: Vec<u32> = (0..n as u32).collect();
            ids.sort_by(|&a, &b| c[a as usize].total_cmp(&c[b as usize]).then(a.cmp(&b)));
            ids
        })
        .collect();
    let mut inside = vec![true; n];
    loop {
        let mut best: Option<Candidate> = None;
        // the cut of the best candidate: (factor, upper side, how many cases it removes)
        let mut best_cut = (0, false, 0);
        for j in 0..d {
            let ids = &sorted[j];
            let values: Vec<f64> = ids.iter().map(|&i| data.columns[j][i as usize]).collect();
            // EMA: upper first, then lower
            for up in [true, false] {
                // the cut cases are at one end of the factor's order
                let (limit, removed): (f64, Vec<u32>) = if up {
                    let q = quantile(&values, 1.0 - o.peel_alpha);
                    (q, ids.iter().rev().take_while(|&&i| data.columns[j][i as usize] > q).copied().collect())
                } else {
                    let q = quantile(&values, o.peel_alpha);
                    (q, ids.iter().take_while(|&&i| data.columns[j][i as usize] < q).copied().collect())
                };
                let hit = removed.iter().filter(|&&i| data.interest[i as usize]).count();
                let new = (counts.0 - hit, counts.1 - removed.len());
                let (mut lo, mut hi) = (lower.clone(), upper.clone());
                if up {
                    hi[j] = limit;
                } else {
                    lo[j] = limit;
                }
                let c = Candidate {
                    obj: lenient1(counts, new),
                    free: data.free(&lo, &hi),
                    lower: lo,
                    upper: hi,
                    counts: new,
                };
                if c.beats(&best) {
                    best = Some(c);
                    best_cut = (j, up, removed.len());
                }
            }
        }
        let Some(c) = best else { break };
        let (mass_old, mass_new) = (counts.1 as f64 / n as f64, c.counts.1 as f64 / n as f64);
        if !(mass_new >= o.min_mass && mass_new < mass_old && c.obj > 0.0) {
            break;
        }
        // remove the cut cases from the box, and from every factor's order
        let (j, up, k) = best_cut;
        let cut: Vec<u32> = if up {
            sorted[j].iter().rev().take(k).copied().collect()
        } else {
            sorted[j].iter().take(k).copied().collect()
        };
        for i in cut {
            inside[i as usize] = false;
        }
        for ids in &mut sorted {
            ids.retain(|&i| inside[i as usize]);
        }
        (lower, upper, counts) = (c.lower, c.upper, c.counts);
        steps.push(data.step(Phase::Peel, lower.clone(), upper.clone(), counts));
    }
    (lower, upper, counts)
}

/// The pasting phase (EMA's `_paste` with `_real_paste`).
fn paste(
    data: &Data,
    o: &PrimOptions,
    steps: &mut Vec<Step>,
    mut lower: Vec<f64>,
    mut upper: Vec<f64>,
    mut counts: (usize, usize),
) {
    let n = data.interest.len();
    loop {
        let restricted: Vec<usize> =
            data.restricted(&lower, &upper).iter().enumerate().filter(|(_, r)| **r).map(|(j, _)| j).collect();
        if restricted.is_empty() {
            return;
        }
        let mut best: Option<Candidate> = None;
        for &u in &restricted {
            for up in [false, true] {
                // the cases beside the box along u: within the box on every other restricted
                // factor, between the first box's limit and this box's on u (both included)
                let (mut lo, mut hi) = (lower.clone(), upper.clone());
                if up {
                    (lo[u], hi[u]) = (upper[u], data.upper0[u]);
                } else {
                    (lo[u], hi[u]) = (data.lower0[u], lower[u]);
                }
                let mut strip: Vec<f64> =
                    (0..n).filter(|&i| data.inside(i, &lo, &hi)).map(|i| data.columns[u][i]).collect();
                strip.sort_by(f64::total_cmp);
                let (mut lo, mut hi) = (lower.clone(), upper.clone());
                if up {
                    hi[u] = if strip.is_empty() { data.upper0[u] } else { quantile(&strip, o.paste_alpha) };
                } else {
                    lo[u] = if strip.is_empty() { data.lower0[u] } else { quantile(&strip, 1.0 - o.paste_alpha) };
                }
                let new = data.count(&lo, &hi);
                let c = Candidate {
                    obj: lenient1(counts, new),
                    free: data.free(&lo, &hi),
                    lower: lo,
                    upper: hi,
                    counts: new,
                };
                if c.beats(&best) {
                    best = Some(c);
                }
            }
        }
        let Some(c) = best else { return };
        let (mass_old, mass_new) = (counts.1 as f64 / n as f64, c.counts.1 as f64 / n as f64);
        let mean = |(k, m): (usize, usize)| k as f64 / m as f64;
        if !(mass_new >= o.min_mass && mass_new > mass_old && c.obj > 0.0 && mean(c.counts) > mean(counts)) {
            return;
        }
        (lower, upper, counts) = (c.lower, c.upper, c.counts);
        steps.push(data.step(Phase::Paste, lower.clone(), upper.clone(), counts));
    }
}

/// P(X ≥ k) for X ~ Binomial(n, p).
pub fn binomial_upper_tail(k: usize, n: usize, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    Binomial::new(p, n as u64).map_or(f64::NAN, |b| b.sf(k as u64 - 1))
}

/// Quasi-p-values of a box's limits (Bryant & Lempert 2010, as EMA computes them): for each
/// restricted limit, the one-sided binomial test of the box's cases of interest against the
/// density of the box with that limit removed, P(X ≥ of interest) for X ~ Binomial(cases,
/// density without the limit). Small: the limit matters. Per factor [lower, upper]; NaN where
/// the limit is not restricted.
pub fn quasi_p(columns: &[Vec<f64>], interest: &[bool], t: &Trajectory, step: &Step) -> Vec<[f64; 2]> {
    let data = Data { columns, interest, lower0: t.lower0.clone(), upper0: t.upper0.clone() };
    (0..columns.len())
        .map(|j| {
            let side = |up: bool| {
                let (limit, first) = if up { (step.upper[j], t.upper0[j]) } else { (step.lower[j], t.lower0[j]) };
                if limit == first {
                    return f64::NAN;
                }
                let (mut lo, mut hi) = (step.lower.clone(), step.upper.clone());
                if up {
                    hi[j] = first;
                } else {
                    lo[j] = first;
                }
                let (k, m) = data.count(&lo, &hi);
                binomial_upper_tail(step.of_interest, step.cases, k as f64 / m as f64)
            };
            [side(false), side(true)]
        })
        .collect()
}

/// How the box was chosen from the trajectory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
    /// The box of largest coverage among those of density at least this (other than the box of
    /// all cases).
    Density(f64),
    /// No box reaches this density: the densest box.
    DensityNotReached(f64),
    /// The knee of the trajectory: the box farthest above the straight line from the first box
    /// to the last in the coverage–density plane.
    Knee,
    /// No box lies above that line (density rises at least in proportion to the coverage given
    /// up, or coverage does not change): the last box, the densest end.
    Last,
    /// Nothing was peeled: the first box.
    NoPeel,
}

/// The chosen step of a trajectory, and how.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Choice {
    pub step: usize,
    pub rule: Rule,
}

/// Choose a box from the trajectory: with `density`, the box of largest coverage among those at
/// least that dense (ties: fewer restricted factors, then the earlier step), else the densest;
/// without, the knee (see [`Rule::Knee`]). The first box (all cases) is chosen only when
/// nothing was peeled.
pub fn choose(steps: &[Step], density: Option<f64>) -> Choice {
    if steps.len() <= 1 {
        return Choice { step: 0, rule: Rule::NoPeel };
    }
    if let Some(d) = density {
        let better = |a: &Step, b: &Step| {
            a.coverage > b.coverage || (a.coverage == b.coverage && a.n_restricted() < b.n_restricted())
        };
        let mut best: Option<usize> = None;
        // the first box (no restriction) is no answer, even where the base rate reaches d
        for (i, s) in steps.iter().enumerate().skip(1).filter(|(_, s)| s.density >= d) {
            if best.is_none_or(|b| better(s, &steps[b])) {
                best = Some(i);
            }
        }
        if let Some(step) = best {
            return Choice { step, rule: Rule::Density(d) };
        }
        let mut densest = 1;
        for (i, s) in steps.iter().enumerate().skip(1) {
            if s.density > steps[densest].density {
                densest = i;
            }
        }
        return Choice { step: densest, rule: Rule::DensityNotReached(d) };
    }
    let (first, last) = (&steps[0], &steps[steps.len() - 1]);
    let span = last.coverage - first.coverage;
    let mut knee: Option<(usize, f64)> = None;
    if span != 0.0 && span.is_finite() {
        for (i, s) in steps.iter().enumerate() {
            let line = first.density + (last.density - first.density) * (s.coverage - first.coverage) / span;
            let above = s.density - line;
            if above > 1e-12 && knee.is_none_or(|(_, a)| above > a) {
                knee = Some((i, above));
            }
        }
    }
    match knee {
        Some((step, _)) => Choice { step, rule: Rule::Knee },
        None => Choice { step: steps.len() - 1, rule: Rule::Last },
    }
}

/// One run's value of the output asked about, as read from a merged runs.csv.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunValue {
    /// Index of the scenario and design point in the sweep.
    pub scenario: usize,
    pub point: usize,
    /// NaN when undefined.
    pub value: f64,
}

/// What the cases are.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Per {
    Run,
    /// Design points; of interest when at least this share of the replications is.
    Point(f64),
}

impl Per {
    /// The case in words, singular and plural.
    pub fn noun(self) -> (&'static str, &'static str) {
        match self {
            Per::Run => ("run", "runs"),
            Per::Point(_) => ("design point", "design points"),
        }
    }
}

/// A scenario discovery: the question, the cases, PRIM's trajectory and the chosen box.
#[derive(Clone, Debug)]
pub struct Discovery {
    pub sweep: String,
    pub scenario: String,
    pub question: Question,
    pub per: Per,
    /// The output's unit.
    pub unit: String,
    /// Factor names (column headers) and each factor's parameter paths.
    pub factors: Vec<String>,
    pub factor_paths: Vec<Vec<String>>,
    /// Each factor's own `label` from the sweep file, if any (see [`super::label::of`]).
    pub factor_labels: Vec<Option<String>>,
    /// Cases left out because the output is undefined (every replication, per point).
    pub left_out: usize,
    /// Smallest and largest value of the output over the runs used.
    pub value_range: (f64, f64),
    pub options: PrimOptions,
    /// The density asked for (`--density`).
    pub density: Option<f64>,
    pub trajectory: Trajectory,
    pub choice: Choice,
    /// Quasi-p-values of the chosen box's limits, per factor [lower, upper] (NaN: not restricted).
    pub quasi_p: Vec<[f64; 2]>,
    /// Per factor with at most [`FEW_LEVELS`] distinct values over the cases (a grid, levels), the
    /// values the chosen box's cases have, in order; `None` for the others.
    pub levels_inside: Vec<Option<Vec<f64>>>,
}

/// A factor with at most this many distinct values is reported by its levels inside the box.
pub const FEW_LEVELS: usize = 12;

/// Per factor with at most [`FEW_LEVELS`] distinct values, those of the cases inside the box.
pub fn levels_inside(columns: &[Vec<f64>], step: &Step) -> Vec<Option<Vec<f64>>> {
    let distinct = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.dedup();
        v
    };
    columns
        .iter()
        .map(|c| {
            let all = distinct(c.clone());
            (all.len() <= FEW_LEVELS).then(|| {
                let inside = (0..c.len()).filter(|&i| {
                    columns.iter().enumerate().all(|(j, x)| step.lower[j] <= x[i] && x[i] <= step.upper[j])
                });
                let c: &Vec<f64> = c;
                distinct(inside.map(|i| c[i]).collect())
            })
        })
        .collect()
}

impl Discovery {
    pub fn chosen(&self) -> &Step {
        &self.trajectory.steps[self.choice.step]
    }
}

/// Check a `--density` or `--threshold-share` value: above 0, at most 1.
fn share(name: &str, v: f64) -> Result<(), Error> {
    if v.is_finite() && v > 0.0 && v <= 1.0 {
        Ok(())
    } else {
        Err(Error::input(format!("{name} must be above 0 and at most 1, not {v}")))
    }
}

/// Scenario discovery on the runs of a merged sweep `r` (`runs`: every run's value of
/// `q.output`): the cases, PRIM and the chosen box. Bad input — an unknown scenario, a threshold
/// that makes no case or every case of interest, options out of range — is an input error that
/// says what there is.
pub fn discover(
    r: &Resolved,
    runs: &[RunValue],
    q: &Question,
    o: &PrimOptions,
    density: Option<f64>,
) -> Result<Discovery, Error> {
    o.check().map_err(Error::input)?;
    if !q.threshold.is_finite() {
        return Err(Error::input(format!("the threshold must be a finite number, not {}", q.threshold)));
    }
    if let Some(d) = density {
        share("--density", d)?;
    }
    if let Some(s) = q.share {
        share("--threshold-share", s)?;
    }
    let names: Vec<&str> = r.scenarios.iter().map(|s| s.name.as_str()).collect();
    let s = match &q.scenario {
        Some(name) => names.iter().position(|n| n == name).ok_or_else(|| {
            Error::input(format!("the sweep has no scenario {name:?}; its scenarios: {}", names.join(", ")))
        })?,
        None if names.len() == 1 => 0,
        None => {
            return Err(Error::input(format!(
                "the sweep has {} scenarios ({}); choose one with --scenario",
                names.len(),
                names.join(", ")
            )))
        }
    };
    let output = r.outputs.iter().find(|x| x.header == q.output);
    let unit = output.map_or(String::new(), |x| x.unit.clone());
    let k = r.factors.len();
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); k];
    let mut interest = Vec::new();
    let mut left_out = 0;
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut add = |point: usize, of_interest: bool| -> Result<(), Error> {
        let values = r.points.get(point).filter(|p| p.len() == k).ok_or_else(|| {
            Error::input(format!(
                "run of design point {point}, which the sweep does not have (it has {})",
                r.points.len()
            ))
        })?;
        for (c, v) in columns.iter_mut().zip(values) {
            c.push(*v);
        }
        interest.push(of_interest);
        Ok(())
    };
    let mine = runs.iter().filter(|x| x.scenario == s);
    let per = match q.share {
        None => {
            for x in mine {
                if x.value.is_finite() {
                    (min, max) = (min.min(x.value), max.max(x.value));
                    add(x.point, q.side.holds(x.value, q.threshold))?;
                } else {
                    left_out += 1;
                }
            }
            Per::Run
        }
        Some(need) => {
            // per point: (replications with a defined output, of them on the side asked)
            let mut tally = vec![(0usize, 0usize); r.points.len()];
            for x in mine {
                let t = tally.get_mut(x.point).ok_or_else(|| {
                    Error::input(format!("a run of design point {}, which the sweep does not have", x.point))
                })?;
                if x.value.is_finite() {
                    (min, max) = (min.min(x.value), max.max(x.value));
                    t.0 += 1;
                    t.1 += q.side.holds(x.value, q.threshold) as usize;
                }
            }
            for (p, &(defined, hits)) in tally.iter().enumerate() {
                if defined == 0 {
                    left_out += 1;
                } else {
                    add(p, hits as f64 >= need * defined as f64 - 1e-9)?;
                }
            }
            Per::Point(need)
        }
    };
    let (one, _) = per.noun();
    let hits = interest.iter().filter(|x| **x).count();
    let asked = format!("{} {} {}", q.output, q.side.word(), number(q.threshold));
    let has = match per {
        Per::Run => format!("has {asked}"),
        Per::Point(need) => format!("has {asked} in at least {} of its replications", percent(need)),
    };
    if interest.is_empty() {
        return Err(Error::input(format!(
            "scenario {}: {} is undefined in every run; there is nothing to discover",
            names[s], q.output
        )));
    }
    let over = match per {
        Per::Run => format!("the {} runs used", interest.len()),
        Per::Point(_) => format!("the runs of the {} design points used", interest.len()),
    };
    let range = format!("{} ranges from {} to {} over {over}", q.output, number(min), number(max));
    if hits == 0 {
        return Err(Error::input(format!(
            "scenario {}: no {one} {has} ({range}): there is nothing to discover; choose a threshold inside that range",
            names[s]
        )));
    }
    if hits == interest.len() {
        return Err(Error::input(format!(
            "scenario {}: every {one} {has} ({range}): there is nothing to tell apart; choose a threshold inside that range",
            names[s]
        )));
    }
    let trajectory = prim(&columns, &interest, o).map_err(Error::input)?;
    let choice = choose(&trajectory.steps, density);
    let quasi_p = quasi_p(&columns, &interest, &trajectory, &trajectory.steps[choice.step]);
    let levels_inside = levels_inside(&columns, &trajectory.steps[choice.step]);
    Ok(Discovery {
        sweep: r.name.clone(),
        scenario: names[s].to_string(),
        question: q.clone(),
        per,
        unit,
        factors: r.factors.iter().map(|f| f.header.clone()).collect(),
        factor_paths: r.factors.iter().map(|f| f.paths.clone()).collect(),
        factor_labels: (0..r.factors.len()).map(|i| r.sweep.factors.get(i).and_then(|f| f.label.clone())).collect(),
        left_out,
        value_range: (min, max),
        options: *o,
        density,
        trajectory,
        choice,
        quasi_p,
        levels_inside,
    })
}

/// A number for messages and reports: at most four significant digits past the thousands,
/// thousands separated ("8,750", "0.4321", "12.5").
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let a = v.abs();
    let text = if a >= 1000.0 {
        let whole = format!("{:.0}", a);
        let mut out = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else if a == 0.0 {
        "0".into()
    } else {
        let places = (3 - a.log10().floor() as i32).clamp(0, 12) as usize;
        let t = format!("{a:.places$}");
        if t.contains('.') {
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            t
        }
    };
    if v < 0.0 && text != "0" {
        format!("-{text}")
    } else {
        text
    }
}

/// A share as a percentage: "87%", "0.5%".
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if !p.is_finite() {
        "n/a".into()
    } else if p == p.round() || p >= 10.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// `n` uniform points in `d` dimensions, of interest inside x0 < 0.3 and x2 > 0.6 (and a
    /// share `noise` of the labels flipped).
    fn synthetic(n: usize, d: usize, noise: f64, seed: u64) -> (Vec<Vec<f64>>, Vec<bool>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut columns = vec![Vec::with_capacity(n); d];
        let mut interest = Vec::with_capacity(n);
        for _ in 0..n {
            for c in columns.iter_mut() {
                c.push(rng.random::<f64>());
            }
            let i = columns[0].len() - 1;
            let inside = columns[0][i] < 0.3 && columns[2][i] > 0.6;
            interest.push(inside != (rng.random::<f64>() < noise));
        }
        (columns, interest)
    }

    #[test]
    fn quantiles_are_emas() {
        // halfway between the values around (n − 1)·q, moved past ties outward
        let v: Vec<f64> = (0..21).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.05), 1.5);
        assert_eq!(quantile(&v, 0.95), 18.5);
        let tied = [1.0, 1.0, 1.0, 2.0, 3.0, 3.0, 3.0];
        assert_eq!(quantile(&tied, 0.05), 1.5);
        assert_eq!(quantile(&tied, 0.95), 2.5);
        assert_eq!(quantile(&[4.0, 4.0], 0.05), 4.0);
        assert_eq!(quantile(&[4.0], 0.95), 4.0);
    }

    #[test]
    fn lenient1_is_the_gain_in_mean_per_case() {
        // 10 of 100 → 10 of 90: mean 0.1 → 0.111…, 10 removed
        assert!((lenient1((10, 100), (10, 90)) - (10.0 / 90.0 - 0.1) / 10.0).abs() < 1e-15);
        assert_eq!(lenient1((10, 100), (9, 90)), 0.0);
        assert!(lenient1((10, 100), (5, 90)) < 0.0);
        assert_eq!(lenient1((10, 100), (0, 0)), -0.1 / 100.0);
    }

    #[test]
    fn finds_the_planted_box_and_leaves_the_other_factors_alone() {
        let (columns, interest) = synthetic(2000, 4, 0.05, 7);
        let t = prim(&columns, &interest, &PrimOptions::default()).unwrap();
        let c = choose(&t.steps, Some(0.9));
        let b = &t.steps[c.step];
        assert_eq!(b.restricted, [true, false, true, false], "{b:?}");
        assert!((b.upper[0] - 0.3).abs() < 0.05, "x0 ≤ {}", b.upper[0]);
        assert!((b.lower[2] - 0.6).abs() < 0.05, "x2 ≥ {}", b.lower[2]);
        assert!(b.density >= 0.9 && b.coverage > 0.7, "{b:?}");
        // the trajectory's statistics are those of its boxes
        for s in &t.steps {
            let (k, n) = (0..interest.len())
                .filter(|&i| (0..4).all(|j| s.lower[j] <= columns[j][i] && columns[j][i] <= s.upper[j]))
                .fold((0, 0), |(k, n), i| (k + interest[i] as usize, n + 1));
            assert_eq!((s.of_interest, s.cases), (k, n));
            assert_eq!(s.mass, n as f64 / 2000.0);
        }
        // peeling stops at the minimum mass, each peel removing about 5% of the box
        let peels: Vec<&Step> = t.steps.iter().filter(|s| s.phase == Phase::Peel).collect();
        assert!(peels.iter().all(|s| s.mass >= 0.05));
        assert!(t.steps.windows(2).filter(|w| w[1].phase == Phase::Peel).all(|w| w[1].cases < w[0].cases));
        // the quasi-p-values of both real limits are tiny; the others are not restricted
        let qp = quasi_p(&columns, &interest, &t, b);
        assert!(qp[0][1] < 1e-6 && qp[2][0] < 1e-6, "{qp:?}");
        assert!(qp[1].iter().chain(&qp[3]).all(|v| v.is_nan()));
    }

    #[test]
    fn the_knee_is_above_the_chord() {
        let (columns, interest) = synthetic(2000, 4, 0.0, 3);
        let t = prim(&columns, &interest, &PrimOptions::default()).unwrap();
        let c = choose(&t.steps, None);
        assert_eq!(c.rule, Rule::Knee);
        // without noise the knee is the box itself: dense and covering nearly everything
        let b = &t.steps[c.step];
        assert!(b.density > 0.9 && b.coverage > 0.9, "{b:?}");
        // a density: the box of largest coverage among those dense enough
        let c = choose(&t.steps, Some(0.5));
        assert_eq!(c.rule, Rule::Density(0.5));
        let chosen = &t.steps[c.step];
        assert!(chosen.density >= 0.5);
        assert!(t.steps[1..].iter().all(|s| s.density < 0.5 || s.coverage <= chosen.coverage));
        // a density nobody reaches: the densest box
        let c = choose(&t.steps, Some(1.5));
        assert_eq!(c.rule, Rule::DensityNotReached(1.5));
        assert!(t.steps.iter().all(|s| s.density <= t.steps[c.step].density));
    }

    #[test]
    fn nothing_to_peel_gives_the_first_box() {
        // one constant factor: no cut raises the mean
        let columns = vec![vec![1.0; 10]];
        let interest: Vec<bool> = (0..10).map(|i| i % 2 == 0).collect();
        let t = prim(&columns, &interest, &PrimOptions::default()).unwrap();
        assert_eq!(t.steps.len(), 1);
        assert_eq!(choose(&t.steps, None), Choice { step: 0, rule: Rule::NoPeel });
        assert!(prim(&[], &interest, &PrimOptions::default()).is_err());
        assert!(prim(&[vec![f64::NAN; 10]], &interest, &PrimOptions::default()).is_err());
        assert!(prim(&[vec![1.0; 9]], &interest, &PrimOptions::default()).is_err());
        let bad = PrimOptions { peel_alpha: 0.5, ..PrimOptions::default() };
        assert!(prim(&columns, &interest, &bad).is_err());
    }

    #[test]
    fn binomial_tail() {
        // P(X ≥ 3), X ~ Bin(4, 0.5) = 5/16
        assert!((binomial_upper_tail(3, 4, 0.5) - 5.0 / 16.0).abs() < 1e-12);
        assert_eq!(binomial_upper_tail(0, 4, 0.5), 1.0);
        assert_eq!(binomial_upper_tail(5, 4, 0.5), 0.0);
        assert_eq!(binomial_upper_tail(2, 4, 1.0), 1.0);
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(8750.0), "8,750");
        assert_eq!(number(1234567.0), "1,234,567");
        assert_eq!(number(0.43219), "0.4322");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(-0.5), "-0.5");
        assert_eq!(number(0.0), "0");
        assert_eq!(percent(0.87), "87%");
        assert_eq!(percent(0.005), "0.5%");
    }
}
