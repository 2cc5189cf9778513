//! Estimates as the report reads them from result files, and how it writes numbers.

use serde_json::Value;

/// A mean with its 95% confidence interval (NaN where a file has `null`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Est {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub n: u64,
}

impl Est {
    /// From an estimate object of summary.json or comparison.json
    /// (`mean`, `ci95_low`, `ci95_high`, `n`).
    pub fn from_json(v: &Value) -> Est {
        let num = |k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(f64::NAN);
        Est {
            mean: num("mean"),
            low: num("ci95_low"),
            high: num("ci95_high"),
            n: v.get("n").and_then(Value::as_u64).unwrap_or(0),
        }
    }

    pub fn has_ci(&self) -> bool {
        self.mean.is_finite() && self.low.is_finite() && self.high.is_finite()
    }

    /// Whether the interval holds 0 (or there is none).
    pub fn includes_zero(&self) -> bool {
        !self.has_ci() || (self.low <= 0.0 && self.high >= 0.0)
    }

    /// The mean and, if there is one, the interval "[0.110, 0.136]", with the same decimals.
    pub fn parts(&self) -> (String, Option<String>) {
        if !self.mean.is_finite() {
            return ("–".into(), None);
        }
        let d = digits(&[self.mean, self.low, self.high]);
        let ci = self.has_ci().then(|| format!("[{}, {}]", fixed(self.low, d), fixed(self.high, d)));
        (fixed(self.mean, d), ci)
    }

    /// "0.123 [0.110, 0.136]", or the mean alone where there is no interval, "–" where undefined.
    pub fn show(&self) -> String {
        if !self.mean.is_finite() {
            return "–".into();
        }
        let d = digits(&[self.mean, self.low, self.high]);
        if self.has_ci() {
            format!("{} [{}, {}]", fixed(self.mean, d), fixed(self.low, d), fixed(self.high, d))
        } else {
            fixed(self.mean, d)
        }
    }
}

/// Decimals for numbers of this size shown together: 0 from 100, 1 from 10, 2 from 1, else 3
/// (4 below 0.01).
pub fn digits(values: &[f64]) -> usize {
    let m = values.iter().filter(|v| v.is_finite()).fold(0.0f64, |a, v| a.max(v.abs()));
    if m == 0.0 || m >= 100.0 {
        0
    } else if m >= 10.0 {
        1
    } else if m >= 1.0 {
        2
    } else if m >= 0.01 {
        3
    } else {
        4
    }
}

/// `x` with `d` decimals, thousands grouped, "−" for minus; "–" if undefined.
pub fn fixed(x: f64, d: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let text = format!("{:.*}", d, x.abs());
    let (int, frac) = text.split_once('.').map_or((text.as_str(), ""), |(i, f)| (i, f));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    // "-0.000" reads as a claim: a rounded zero has no sign
    let zero = text.chars().all(|c| c == '0' || c == '.');
    let sign = if x < 0.0 && !zero { "−" } else { "" };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// A number on its own, with decimals for its size.
pub fn show(x: f64) -> String {
    fixed(x, digits(&[x]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(fixed(12345.6, 0), "12,346");
        assert_eq!(fixed(-0.0001, 3), "0.000");
        assert_eq!(fixed(-1.5, 2), "−1.50");
        let e = Est { mean: 0.5, low: 0.4, high: 0.6, n: 3 };
        assert_eq!(e.show(), "0.500 [0.400, 0.600]");
        assert!(!e.includes_zero());
        assert_eq!(Est::from_json(&serde_json::json!({"mean": null})).show(), "–");
        assert_eq!(Est { mean: 0.0, low: 0.0, high: 0.0, n: 3 }.show(), "0 [0, 0]");
    }
}
