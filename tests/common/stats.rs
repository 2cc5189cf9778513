//! Statistics of the pattern tests (tests/patterns.rs, tests/validation.rs).

use govsim::experiment::compare::paired_difference;
use govsim::experiment::Replication;
use govsim::measures::index_of;

/// Per replication: mean of a metric over steps [from, to), undefined steps skipped.
pub fn window(reps: &[Replication], metric: &str, from: usize, to: usize) -> Vec<f64> {
    let m = index_of(metric).unwrap();
    reps.iter()
        .map(|r| {
            let v: Vec<f64> = r.rows[from..to].iter().map(|row| row[m]).filter(|x| x.is_finite()).collect();
            v.iter().sum::<f64>() / v.len() as f64
        })
        .collect()
}

/// Mean and 95% t-interval of the paired differences a − b (the library's own estimator).
pub fn paired(a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    let e = paired_difference(a, b);
    (e.mean, e.ci_low, e.ci_high)
}
