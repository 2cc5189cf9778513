//! Setting one scenario parameter by its path in the scenario's JSON form, e.g.
//! `actors.social_organisations.0.social_workers` (dots between keys and list indices; `[0]` is
//! accepted too). The scenario is serialised after loading, so every defaulted field exists.

use serde_json::Value;

/// What kind of value lives at a path (decides rounding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A whole-number field: values are rounded to the nearest integer.
    Integer,
    /// A real-valued field.
    Real,
    /// A true/false field: 0 is false, 1 is true.
    Flag,
}

/// Split a path into its segments (`a.b[2].c` and `a.b.2.c` are the same).
pub fn segments(path: &str) -> Vec<String> {
    path.replace('[', ".").replace(']', "").split('.').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// The kind of the value at `path`, or why the path does not lead to a number or flag.
pub fn kind_at(root: &Value, path: &str) -> Result<Kind, String> {
    let slot = locate(root, path)?;
    match slot {
        Value::Number(n) if n.is_f64() => Ok(Kind::Real),
        Value::Number(_) => Ok(Kind::Integer),
        Value::Bool(_) => Ok(Kind::Flag),
        Value::Null => Err(format!("`{path}` is absent in this scenario (an optional section that is off); switch it on in the base scenario to vary it")),
        Value::Object(o) => Err(format!(
            "`{path}` is a section, not a number; its parameters are: {}",
            o.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
        )),
        Value::Array(a) => Err(format!("`{path}` is a list of {} item(s), not a number; add an index, e.g. `{path}.0`", a.len())),
        Value::String(_) => Err(format!("`{path}` is a text field; only numbers and true/false fields can be factors")),
    }
}

/// The JSON pointer (RFC 6901) of a path, e.g. `a.b[2].c` → `/a/b/2/c`: how the sweep sets a
/// value once the path has been checked (the path stays the form users write and read).
pub fn pointer(path: &str) -> String {
    segments(path).iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect()
}

/// The JSON value that puts `value` into a field of this kind, and the number it stands for:
/// whole-number fields are rounded (0 to `u32::MAX`), true/false fields take 0 or 1.
pub fn json_value(kind: Kind, value: f64) -> Result<(Value, f64), String> {
    if !value.is_finite() {
        return Err(format!("value {value} is not a finite number"));
    }
    match kind {
        Kind::Real => Ok((Value::from(value), value)),
        Kind::Integer => {
            let r = value.round();
            if r < 0.0 || r > u32::MAX as f64 {
                return Err(format!("value {value} does not fit this whole-number field (0 to {})", u32::MAX));
            }
            Ok((Value::from(r as u64), r))
        }
        Kind::Flag if value == 0.0 || value == 1.0 => Ok((Value::Bool(value == 1.0), value)),
        Kind::Flag => Err(format!("value {value} for a true/false field: use 0 (false) or 1 (true)")),
    }
}

/// Set the value at `path` (which must exist), rounding for integer fields. Returns the value
/// actually set.
pub fn set(root: &mut Value, path: &str, value: f64) -> Result<f64, String> {
    if !value.is_finite() {
        return Err(format!("value {value} is not a finite number"));
    }
    let (json, set) = json_value(kind_at(root, path)?, value)?;
    // `kind_at` found the value, so the pointer leads to it
    let slot = root.pointer_mut(&pointer(path)).ok_or_else(|| format!("`{path}` is not in this scenario"))?;
    *slot = json;
    Ok(set)
}

fn locate<'a>(root: &'a Value, path: &str) -> Result<&'a Value, String> {
    let segs = segments(path);
    if segs.is_empty() {
        return Err("empty path".into());
    }
    let mut here = root;
    for (depth, seg) in segs.iter().enumerate() {
        here = step(here, seg, &segs[..depth])?;
    }
    Ok(here)
}

fn step<'a>(here: &'a Value, seg: &str, parents: &[String]) -> Result<&'a Value, String> {
    let at = if parents.is_empty() { "the top level".to_string() } else { format!("`{}`", parents.join(".")) };
    match here {
        Value::Object(o) => o.get(seg).ok_or_else(|| {
            let keys: Vec<&str> = o.keys().map(String::as_str).collect();
            format!("no parameter `{seg}` at {at}; nearest valid keys: {}", nearest(seg, &keys, 6).join(", "))
        }),
        Value::Array(a) => {
            let i: usize = seg.parse().map_err(|_| {
                format!(
                    "{at} is a list of {} item(s): `{seg}` must be an index from 0 to {}",
                    a.len(),
                    a.len().max(1) - 1
                )
            })?;
            a.get(i).ok_or_else(|| {
                if a.is_empty() {
                    format!("{at} is an empty list in this scenario, so it has no item {i}")
                } else {
                    format!(
                        "{at} has {} item(s) in this scenario (indices 0 to {}), not item {i}",
                        a.len(),
                        a.len() - 1
                    )
                }
            })
        }
        Value::Null => {
            Err(format!("{at} is absent in this scenario (an optional section that is off), so it has no `{seg}`"))
        }
        _ => Err(format!("{at} is a single value, it has no `{seg}`")),
    }
}

/// Up to `n` keys closest to `word` (Levenshtein edit distance in characters, then name order).
pub fn nearest(word: &str, keys: &[&str], n: usize) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = keys.iter().map(|k| (strsim::levenshtein(word, k), *k)).collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, k)| k.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "actors": {
                "government": { "budget_per_month": 60000.0, "founds_teams": 8, "team_autonomy": { "design": false } },
                "social_organisations": [ { "social_workers": 4, "wage_per_worker": 6000.0 } ],
                "community_fund": null
            },
            "behaviour": { "retention": { "base_hazard": 0.25 } }
        })
    }

    #[test]
    fn sets_nested_real_values() {
        let mut d = doc();
        assert_eq!(set(&mut d, "behaviour.retention.base_hazard", 0.125), Ok(0.125));
        assert_eq!(d["behaviour"]["retention"]["base_hazard"], json!(0.125));
        assert!(d["behaviour"]["retention"]["base_hazard"].as_f64().is_some());
    }

    #[test]
    fn list_indices_with_dots_or_brackets() {
        let mut d = doc();
        assert_eq!(set(&mut d, "actors.social_organisations.0.wage_per_worker", 7000.5), Ok(7000.5));
        assert_eq!(set(&mut d, "actors.social_organisations[0].social_workers", 6.0), Ok(6.0));
        assert_eq!(d["actors"]["social_organisations"][0]["social_workers"], json!(6));
        assert_eq!(d["actors"]["social_organisations"][0]["wage_per_worker"], json!(7000.5));
    }

    #[test]
    fn integer_fields_are_rounded() {
        let mut d = doc();
        assert_eq!(kind_at(&d, "actors.government.founds_teams"), Ok(Kind::Integer));
        assert_eq!(set(&mut d, "actors.government.founds_teams", 2.5), Ok(3.0));
        assert_eq!(set(&mut d, "actors.government.founds_teams", 2.49), Ok(2.0));
        assert!(d["actors"]["government"]["founds_teams"].is_u64());
        let e = set(&mut d, "actors.government.founds_teams", -1.0).unwrap_err();
        assert!(e.contains("whole-number"), "{e}");
        // a real field keeps its fraction
        assert_eq!(kind_at(&d, "actors.government.budget_per_month"), Ok(Kind::Real));
    }

    #[test]
    fn flags_take_zero_or_one() {
        let mut d = doc();
        assert_eq!(set(&mut d, "actors.government.team_autonomy.design", 1.0), Ok(1.0));
        assert_eq!(d["actors"]["government"]["team_autonomy"]["design"], json!(true));
        assert!(set(&mut d, "actors.government.team_autonomy.design", 0.5).is_err());
    }

    #[test]
    fn bad_paths_say_what_exists_nearby() {
        let mut d = doc();
        let e = set(&mut d, "actors.government.budget_per_mnth", 1.0).unwrap_err();
        assert!(e.contains("no parameter `budget_per_mnth` at `actors.government`"), "{e}");
        assert!(e.contains("nearest valid keys: budget_per_month"), "{e}");
        let e = set(&mut d, "actors.social_organisations.3.social_workers", 1.0).unwrap_err();
        assert!(e.contains("1 item(s)") && e.contains("not item 3"), "{e}");
        let e = set(&mut d, "actors.social_organisations.x", 1.0).unwrap_err();
        assert!(e.contains("must be an index"), "{e}");
        let e = set(&mut d, "actors.community_fund.merchants", 1.0).unwrap_err();
        assert!(e.contains("absent"), "{e}");
        let e = set(&mut d, "actors.government", 1.0).unwrap_err();
        assert!(e.contains("is a section") && e.contains("budget_per_month"), "{e}");
        let e = set(&mut d, "actors.social_organisations", 1.0).unwrap_err();
        assert!(e.contains("is a list"), "{e}");
        assert!(set(&mut d, "", 1.0).is_err());
        assert!(set(&mut d, "behaviour.retention.base_hazard", f64::NAN).is_err());
        // nothing was changed by the failures
        assert_eq!(d, doc());
    }

    #[test]
    fn paths_become_json_pointers() {
        assert_eq!(
            pointer("actors.social_organisations[0].social_workers"),
            "/actors/social_organisations/0/social_workers"
        );
        assert_eq!(pointer("a.b.2.c"), "/a/b/2/c");
        assert_eq!(pointer("odd~key/x"), "/odd~0key~1x");
        let d = doc();
        assert_eq!(d.pointer(&pointer("behaviour.retention.base_hazard")), Some(&json!(0.25)));
    }

    #[test]
    fn nearest_prefers_small_edits() {
        assert_eq!(nearest("retension", &["activity", "retention", "states"], 1), vec!["retention"]);
        // equal distances: name order
        assert_eq!(
            nearest("kitten", &["sitting", "kitchen", "mitten", "bitten"], 3),
            vec!["bitten", "mitten", "kitchen"]
        );
    }
}
