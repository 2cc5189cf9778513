//! Bounded work, refused up front. A sweep file's numbers are checked against the bounds of its
//! schema when it is loaded, and the number of runs and the memory of the design points are
//! computed arithmetically from the file alone — before any scenario is loaded or any design
//! point is built — and refused past a limit:
//!
//! - **runs** ≤ [`DEFAULT_MAX_RUNS`] (10 million), raised with `govsim sweep --max-runs N`. The
//!   limit is a guard against a slip of the keyboard (`replications: 1000000000`, a grid of
//!   10,000 levels per factor), not a capacity: every run is a full simulation (about 0.1 s of
//!   one core for the shipped driver models), so 10 million runs are up to some 300 core-hours,
//!   over 1,000 times the largest shipped sweep (6,000 runs), and `govsim merge` holds every
//!   run's row and runs.csv in memory (roughly 300 bytes per run: some 3 GB at 10 million).
//! - **design points** × factors × 8 bytes ≤ [`MAX_DESIGN_BYTES`] (1 GiB). Every point is held in
//!   memory while the sweep is prepared and written to `sweep.json` (about 25 bytes per value),
//!   which every shard reads and compares; past 1 GiB of values that file alone would be several
//!   GB. This limit is not raised by `--max-runs`: a design that large needs fewer points or
//!   factors.

use super::spec::{self, Bound, Design, SweepFile};

/// Runs a sweep may have unless `--max-runs` says more.
pub const DEFAULT_MAX_RUNS: u64 = 10_000_000;

/// Memory the design points may take: points × factors × 8 bytes.
pub const MAX_DESIGN_BYTES: u64 = 1 << 30;

/// Every number of the sweep file that is outside its schema bounds, as messages naming the
/// field, the value and the allowed range.
pub fn check_bounds(s: &SweepFile) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |field: &str, value: u32, b: Bound| {
        if value < b.min || value > b.max {
            problems.push(format!("{field}: value {value} is outside the allowed range [{}, {}]", b.min, b.max));
        }
    };
    check("replications", s.replications, spec::REPLICATIONS);
    check("block_size", s.block_size, spec::BLOCK_SIZE);
    match &s.design {
        Design::Grid { levels_per_factor } => check("design.levels_per_factor", *levels_per_factor, spec::GRID_LEVELS),
        Design::LatinHypercube { points } => check("design.points", *points, spec::LHS_POINTS),
        Design::Morris { trajectories, levels } => {
            check("design.trajectories", *trajectories, spec::MORRIS_TRAJECTORIES);
            check("design.levels", *levels, spec::MORRIS_LEVELS);
        }
        Design::Sobol { base_samples } => check("design.base_samples", *base_samples, spec::SOBOL_BASE_SAMPLES),
    }
    problems
}

/// How many design points and runs a sweep file asks for, computed without building anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    /// Design points (None: more than 2^128).
    pub points: Option<u128>,
    /// Runs = scenarios × points × replications (None: more than 2^128).
    pub runs: Option<u128>,
    /// How the points came about, e.g. `100 × 100 grid level(s) = 10,000 point(s)`.
    pub design: String,
    /// The whole product, e.g. `100 × 100 grid level(s) = 10,000 point(s) × 2 scenario(s) ×
    /// 30 replication(s) = 600,000 runs`.
    pub how: String,
}

/// Count the points and runs of a sweep file (checked u128 arithmetic: never overflows or
/// allocates in proportion to the count).
pub fn count(s: &SweepFile) -> Count {
    let k = s.factors.len() as u128;
    let (points, design) = match &s.design {
        Design::Grid { levels_per_factor } => {
            // a factor's levels: its own list, or levels_per_factor between min and max
            let levels: Vec<u128> = s
                .factors
                .iter()
                .map(|f| f.levels.as_ref().map_or(*levels_per_factor as u128, |l| l.len() as u128))
                .collect();
            let points = levels.iter().try_fold(1u128, |a, &b| a.checked_mul(b));
            let list: Vec<String> = levels.iter().map(u128::to_string).collect();
            (points, format!("{} grid level(s) = {} point(s)", list.join(" × "), big(points)))
        }
        Design::LatinHypercube { points } => {
            (Some(*points as u128), format!("a Latin hypercube of {} point(s)", big(Some(*points as u128))))
        }
        Design::Morris { trajectories, .. } => {
            let points = (*trajectories as u128).checked_mul(k + 1);
            (points, format!("{trajectories} Morris trajectories × ({k} factor(s) + 1) = {} point(s)", big(points)))
        }
        Design::Sobol { base_samples } => {
            let points = (*base_samples as u128).checked_mul(k + 2);
            (points, format!("{base_samples} Sobol' base samples × ({k} factor(s) + 2) = {} point(s)", big(points)))
        }
    };
    let scenarios = s.scenarios.len() as u128;
    let reps = s.replications as u128;
    let runs = points.and_then(|p| p.checked_mul(scenarios)).and_then(|x| x.checked_mul(reps));
    let how = format!("{design} × {scenarios} scenario(s) × {reps} replication(s) = {} runs", big(runs));
    Count { points, runs, design, how }
}

/// Refuse a sweep file whose runs exceed `max_runs` or whose design points would take more than
/// [`MAX_DESIGN_BYTES`]; the messages say how the count came about and what to do.
pub fn check_size(s: &SweepFile, max_runs: u64) -> Result<Count, Vec<String>> {
    let c = count(s);
    let mut problems = Vec::new();
    if c.runs.is_none_or(|r| r > max_runs as u128) {
        let raise = match c.runs {
            Some(r) if r <= u64::MAX as u128 => {
                format!("if that many is really meant, pass --max-runs {r} (each run is one full simulation)")
            }
            _ => "that is more than --max-runs can allow (2^64 − 1); use fewer points, scenarios or replications"
                .to_string(),
        };
        problems.push(format!(
            "the sweep has {}, more than the limit of {} runs; {raise}",
            c.how,
            big(Some(max_runs as u128))
        ));
    }
    let k = s.factors.len() as u128;
    let bytes = c.points.and_then(|p| p.checked_mul(k)).and_then(|v| v.checked_mul(8));
    if bytes.is_none_or(|b| b > MAX_DESIGN_BYTES as u128) {
        problems.push(format!(
            "the design points alone would take {} × {k} factor(s) × 8 bytes = {} of memory, more than the {} a design may take (it is held in memory and written to sweep.json); use fewer points or factors",
            c.design,
            bytes.map_or("more than 2^128 bytes".to_string(), |b| format!("{} bytes", big(Some(b)))),
            human_bytes(MAX_DESIGN_BYTES as u128),
        ));
    }
    if problems.is_empty() {
        Ok(c)
    } else {
        Err(problems)
    }
}

/// A count with thousands separators; "more than 2^128" when it overflowed.
pub fn big(n: Option<u128>) -> String {
    let Some(n) = n else { return "more than 2^128".into() };
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn human_bytes(b: u128) -> String {
    const GIB: u128 = 1 << 30;
    if b % GIB == 0 {
        format!("{} GiB", b / GIB)
    } else {
        format!("{} bytes", big(Some(b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::spec::{Factor, FactorPath, Output, Statistic};

    fn file(design: Design, factors: usize, scenarios: usize, replications: u32) -> SweepFile {
        SweepFile {
            schema_ref: None,
            name: "t".into(),
            description: String::new(),
            scenarios: vec!["s.json".into(); scenarios],
            factors: (0..factors)
                .map(|i| Factor {
                    path: FactorPath::One(format!("p{i}")),
                    name: None,
                    label: None,
                    min: Some(0.0),
                    max: Some(1.0),
                    levels: None,
                })
                .collect(),
            design,
            replications,
            seed: 1,
            block_size: 16,
            outputs: vec![Output { metric: "coverage".into(), statistic: Statistic::FinalYearMean, name: None }],
        }
    }

    #[test]
    fn counts_are_arithmetic_and_say_how() {
        let c = count(&file(Design::Grid { levels_per_factor: 10_000 }, 3, 3, 30));
        assert_eq!(c.points, Some(1_000_000_000_000));
        assert_eq!(c.runs, Some(90_000_000_000_000));
        assert_eq!(
            c.how,
            "10000 × 10000 × 10000 grid level(s) = 1,000,000,000,000 point(s) × 3 scenario(s) × 30 replication(s) = 90,000,000,000,000 runs"
        );
        let mut f = file(Design::Grid { levels_per_factor: 3 }, 2, 1, 2);
        f.factors[1].levels = Some(vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        f.factors[1].min = None;
        f.factors[1].max = None;
        assert_eq!(count(&f).runs, Some(30));
        assert_eq!(count(&file(Design::Morris { trajectories: 10, levels: 4 }, 23, 5, 5)).runs, Some(6000));
        assert_eq!(count(&file(Design::Sobol { base_samples: 64 }, 5, 1, 1)).points, Some(64 * 7));
        assert_eq!(count(&file(Design::LatinHypercube { points: 50 }, 5, 2, 3)).runs, Some(300));
        // 10,000^40 overflows u128: said, not wrapped
        let c = count(&file(Design::Grid { levels_per_factor: 10_000 }, 40, 1, 1));
        assert_eq!((c.points, c.runs), (None, None));
        assert!(c.how.contains("more than 2^128"), "{}", c.how);
    }

    #[test]
    fn the_run_limit_names_the_count_and_the_flag() {
        let f = file(Design::Grid { levels_per_factor: 10_000 }, 3, 2, 2);
        let e = check_size(&f, DEFAULT_MAX_RUNS).unwrap_err();
        assert!(e[0].contains("= 4,000,000,000,000 runs, more than the limit of 10,000,000 runs"), "{e:?}");
        assert!(e[0].contains("--max-runs 4000000000000"), "{e:?}");
        // 10^12 points × 3 factors × 8 bytes
        assert!(e[1].contains("24,000,000,000,000 bytes"), "{e:?}");
        let f = file(Design::LatinHypercube { points: 1000 }, 2, 1, 20_000);
        assert!(check_size(&f, DEFAULT_MAX_RUNS).unwrap_err()[0].contains("20,000,000 runs"));
        assert_eq!(check_size(&f, 20_000_000).unwrap().runs, Some(20_000_000));
        assert!(check_size(&f, 19_999_999).is_err());
        let huge = file(Design::Grid { levels_per_factor: 10_000 }, 40, 1, 1);
        assert!(check_size(&huge, u64::MAX).unwrap_err()[0].contains("more than --max-runs can allow"));
    }

    #[test]
    fn the_design_memory_limit_holds_under_the_run_limit() {
        // 1,000,000 base samples × 22 points × 20 factors × 8 bytes = 3.5 GB, though 22 million
        // runs would be allowed by --max-runs
        let f = file(Design::Sobol { base_samples: 1_000_000 }, 20, 1, 1);
        let e = check_size(&f, u64::MAX).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].contains(
                "1000000 Sobol' base samples × (20 factor(s) + 2) = 22,000,000 point(s) × 20 factor(s) × 8 bytes = 3,520,000,000 bytes"
            ),
            "{e:?}"
        );
        assert!(e[0].contains("1 GiB"), "{e:?}");
        // just under: 1 GiB / 8 bytes / 16 factors = 8,388,608 points
        let f = file(Design::LatinHypercube { points: 8_388_608 }, 16, 1, 1);
        assert!(check_size(&f, DEFAULT_MAX_RUNS).is_ok());
        let f = file(Design::LatinHypercube { points: 8_388_609 }, 16, 1, 1);
        assert!(check_size(&f, DEFAULT_MAX_RUNS).is_err());
    }

    #[test]
    fn bounds_are_the_schemas() {
        let schema = spec::schema();
        let defs = &schema["$defs"]["Design"]["oneOf"];
        let find = |field: &str| -> (u64, u64) {
            let props = std::iter::once(&schema["properties"])
                .chain(defs.as_array().unwrap().iter().map(|d| &d["properties"]))
                .find(|p| p.get(field).is_some())
                .unwrap_or_else(|| panic!("{field} not in the schema"));
            (props[field]["minimum"].as_u64().unwrap(), props[field]["maximum"].as_u64().unwrap())
        };
        for (field, b) in [
            ("replications", spec::REPLICATIONS),
            ("block_size", spec::BLOCK_SIZE),
            ("levels_per_factor", spec::GRID_LEVELS),
            ("points", spec::LHS_POINTS),
            ("trajectories", spec::MORRIS_TRAJECTORIES),
            ("levels", spec::MORRIS_LEVELS),
            ("base_samples", spec::SOBOL_BASE_SAMPLES),
        ] {
            assert_eq!(find(field), (b.min as u64, b.max as u64), "{field}");
        }
        let mut f = file(Design::Morris { trajectories: 0, levels: 1001 }, 2, 1, 1_000_000_000);
        f.block_size = 0;
        let p = check_bounds(&f);
        assert_eq!(
            p,
            vec![
                "replications: value 1000000000 is outside the allowed range [1, 100000]",
                "block_size: value 0 is outside the allowed range [1, 1000000]",
                "design.trajectories: value 0 is outside the allowed range [1, 100000]",
                "design.levels: value 1001 is outside the allowed range [2, 1000]",
            ]
        );
        assert!(check_bounds(&file(Design::Grid { levels_per_factor: 10_000 }, 3, 1, 100_000)).is_empty());
    }
}
