//! Shock measures around a scheduled event (Bruneau et al. 2003; Cimellaro et al. 2010),
//! computed from one replication's coverage series.

/// Robustness, resilience loss, recovery time and persistence of coverage after an event.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shock {
    /// min Q(t)/Q_pre over the horizon.
    pub robustness: f64,
    /// Σ max(0, 1 − Q(t)/Q_pre) × months over the horizon (the resilience triangle; gains do not offset losses).
    pub resilience_loss: f64,
    /// Months from the event until Q ≥ threshold·Q_pre holds for `hold` steps; 0 if it never fell
    /// below; NaN if it did not recover within the horizon.
    pub recovery_months: f64,
    /// Q at the end of the horizon / Q_pre.
    pub persistence: f64,
}

/// Shock measures of `q` (one value per step) for an event at step `t0`. `baseline`, `horizon`
/// and `hold` are in steps. All NaN when there is no baseline (event at step 0) or Q_pre is 0.
pub fn shock(
    q: &[f64],
    t0: usize,
    baseline: usize,
    horizon: usize,
    threshold: f64,
    hold: usize,
    months_per_step: f64,
) -> Shock {
    let undefined =
        Shock { robustness: f64::NAN, resilience_loss: f64::NAN, recovery_months: f64::NAN, persistence: f64::NAN };
    if t0 == 0 || t0 >= q.len() {
        return undefined;
    }
    let pre = &q[t0.saturating_sub(baseline.max(1))..t0];
    let q_pre = pre.iter().sum::<f64>() / pre.len() as f64;
    if q_pre.is_nan() || q_pre <= 0.0 {
        return undefined;
    }
    let end = (t0 + horizon.max(1)).min(q.len());
    let window = &q[t0..end];
    let robustness = window.iter().fold(f64::INFINITY, |m, &x| m.min(x / q_pre));
    let resilience_loss = window.iter().map(|&x| (1.0 - x / q_pre).max(0.0)).sum::<f64>() * months_per_step;
    let ok = |x: f64| x >= threshold * q_pre;
    // recovered at the first step after the first dip from which `hold` steps are all back up
    let hold = hold.max(1);
    let recovery_months = match window.iter().position(|&x| !ok(x)) {
        None => 0.0,
        Some(dip) => (dip + 1..window.len())
            .find(|&i| i + hold <= window.len() && window[i..i + hold].iter().all(|&x| ok(x)))
            .map_or(f64::NAN, |i| i as f64 * months_per_step),
    };
    Shock { robustness, resilience_loss, recovery_months, persistence: window[window.len() - 1] / q_pre }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_shock() {
        // Q_pre = 1 (baseline 1,1); after the event 0.5, 0.7, 0.95, 1.0, 1.0
        let q = [1.0, 1.0, 0.5, 0.7, 0.95, 1.0, 1.0];
        let s = shock(&q, 2, 2, 5, 0.9, 2, 1.0);
        assert_eq!(s.robustness, 0.5);
        assert!((s.resilience_loss - (0.5 + 0.3 + 0.05)).abs() < 1e-12);
        assert_eq!(s.recovery_months, 2.0); // from step 4 on, two steps ≥ 0.9
        assert_eq!(s.persistence, 1.0);
    }

    #[test]
    fn no_dip_recovers_at_once_and_no_recovery_is_undefined() {
        let s = shock(&[1.0, 1.0, 0.95, 1.2], 2, 2, 2, 0.9, 2, 3.0);
        assert_eq!(s.recovery_months, 0.0);
        assert!((s.resilience_loss - 0.05 * 3.0).abs() < 1e-12);
        let s = shock(&[1.0, 1.0, 0.2, 0.3, 0.4], 2, 2, 3, 0.9, 2, 1.0);
        assert!(s.recovery_months.is_nan());
        assert!((s.persistence - 0.4).abs() < 1e-12);
        assert!(shock(&[1.0, 0.5], 0, 12, 3, 0.9, 2, 1.0).robustness.is_nan());
    }
}
