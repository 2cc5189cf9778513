//! Cross-field checks: the problems of a scenario that per-field ranges cannot express
//! (distributions, sums, names and references, timing against the run's length, sizes the
//! model's types can hold). [`cross_checks`] runs them in a fixed order, so a file's problems
//! are always listed the same way.

use super::params::Issue;
use super::{Funder, Payer, Scenario, Time};
use std::collections::HashSet;

/// Most social organisations a scenario may have: the model names one in a byte (a team's
/// sponsor and umbrella), and sizes its per-organisation arrays by this.
pub const MAX_SOCIAL_ORGANISATIONS: usize = u8::MAX as usize;

/// Most enterprises a scenario may have: the model names one in a byte, and an agent's origin
/// byte is 0 for a resident and k + 1 for an employee of enterprise k.
pub const MAX_ENTERPRISES: usize = u8::MAX as usize - 1;

/// Most residents of one courtyard (residents per building × buildings per courtyard): a
/// local tie is stored as a 16-bit offset inside the courtyard.
pub const MAX_COURTYARD: u64 = 1 << 16;

/// Every cross-field problem of `s`, in a fixed order.
pub(crate) fn cross_checks(s: &Scenario, issues: &mut Vec<Issue>) {
    super::events::check_events(s, issues);
    check_traits(s, issues);
    check_time(s, issues);
    check_measures(s, issues);
    check_actor_counts(s, issues);
    check_social_organisations(s, issues);
    check_enterprises(s, issues);
    check_contracts(s, issues);
    check_instruments(s, issues);
    check_states(s, issues);
    check_community(s, issues);
    check_name(s, issues);
    check_targets(s, issues);
}

/// Targets name a measure (a metric, or a count of one of the scenario's organisations), a
/// window inside the run, an interval and a source.
fn check_targets(s: &Scenario, issues: &mut Vec<Issue>) {
    let months = s.time.years * 12;
    let mut seen = HashSet::new();
    for (i, t) in s.targets.iter().enumerate() {
        let at = |field: &str| format!("targets[{i}].{field}");
        if let Some(problem) = name_problem(&t.name, "target", &mut seen) {
            issues.push(issue(at("name"), problem));
        }
        if let Err(e) = crate::experiment::targets::Measure::of(&t.measure, s) {
            issues.push(issue(at("measure"), e));
        }
        let final_year = t.from_month == 0 && t.to_month == 0;
        if !final_year && (t.from_month < 1 || t.from_month > t.to_month || t.to_month > months) {
            issues.push(issue(
                at("from_month"),
                format!(
                    "the window {}–{} is not inside months 1–{months} of the run (or set both to 0 for the final year)",
                    t.from_month, t.to_month
                ),
            ));
        }
        if t.low > t.high {
            issues.push(issue(at("low"), format!("low {} is above high {}", t.low, t.high)));
        }
        if t.source.trim().is_empty() {
            issues.push(issue(at("source"), "say where the number comes from (seed file and sentence)"));
        }
    }
}

fn issue(path: impl Into<String>, message: impl Into<String>) -> Issue {
    Issue { path: path.into(), message: message.into() }
}

/// The message for a month at or after the end of the run; `None` for a month inside it.
pub(crate) fn after_the_end(month: u32, time: &Time) -> Option<String> {
    (month >= time.months()).then(|| format!("value {month} is after the end of the run (month {})", time.last_month()))
}

/// Names as a list for messages ("none" for no names).
pub(crate) fn list(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// Names of the scenario's social organisations, in file order.
pub(crate) fn social_organisation_names(s: &Scenario) -> Vec<&str> {
    s.actors.social_organisations.iter().map(|o| o.name.as_str()).collect()
}

/// Names of the scenario's enterprises, in file order.
pub(crate) fn enterprise_names(s: &Scenario) -> Vec<&str> {
    s.actors.enterprises.iter().map(|e| e.name.as_str()).collect()
}

/// The message for a name that is not one of the scenario's social organisations.
pub(crate) fn not_a_social_organisation(name: &str, s: &Scenario) -> String {
    format!("\"{name}\" is not a social organisation of this scenario (known: {})", list(&social_organisation_names(s)))
}

/// Each trait's SD must be one a Beta distribution with its mean can have.
fn check_traits(s: &Scenario, issues: &mut Vec<Issue>) {
    let t = &s.community.traits;
    for (name, mean, sd) in [
        ("motivation", t.motivation_mean, t.motivation_sd),
        ("skill", t.skill_mean, t.skill_sd),
        ("trust_government", t.trust_government_mean, t.trust_government_sd),
        ("trust_neighbours", t.trust_neighbours_mean, t.trust_neighbours_sd),
    ] {
        let max_sd = (mean * (1.0 - mean)).sqrt();
        // an SD above the field's range is reported by the range check alone
        if sd >= max_sd && sd <= 0.49 {
            issues.push(issue(
                format!("community.traits.{name}_sd"),
                format!("value {sd} is too large for a Beta distribution with mean {mean}: it must be below sqrt(mean·(1−mean)) = {max_sd:.4}"),
            ));
        }
    }
}

/// A step is a whole number of steps per year.
fn check_time(s: &Scenario, issues: &mut Vec<Issue>) {
    let k = s.time.step_months;
    if k != 0 && 12 % k != 0 {
        issues.push(issue("time.step_months", format!("value {k} must divide 12 (allowed: 1, 2, 3, 4, 6, 12)")));
    }
}

/// Weights sum to 1; the regular-volunteer rule fits in a year.
fn check_measures(s: &Scenario, issues: &mut Vec<Issue>) {
    let ms = &s.measures;
    let sum = ms.weights.as_array().iter().sum::<f64>();
    if (sum - 1.0).abs() > 1e-9 {
        issues.push(issue("measures.weights", format!("weights sum to {sum}, they must sum to 1")));
    }
    let g = &ms.government_weights;
    let gsum = g.governance + g.performance;
    if (gsum - 1.0).abs() > 1e-9 {
        issues.push(issue("measures.government_weights", format!("weights sum to {gsum}, they must sum to 1")));
    }
    if ms.regular_min_months > 12 {
        issues.push(issue("measures.regular_min_months", "must be at most 12"));
    }
}

/// No more social organisations and enterprises than the model can name.
fn check_actor_counts(s: &Scenario, issues: &mut Vec<Issue>) {
    let (n_so, n_ent) = (s.actors.social_organisations.len(), s.actors.enterprises.len());
    if n_so > MAX_SOCIAL_ORGANISATIONS {
        issues.push(issue(
            "actors.social_organisations",
            format!("{n_so} social organisations given; at most {MAX_SOCIAL_ORGANISATIONS} are supported"),
        ));
    }
    if n_ent > MAX_ENTERPRISES {
        issues.push(issue(
            "actors.enterprises",
            format!("{n_ent} enterprises given; at most {MAX_ENTERPRISES} are supported"),
        ));
    }
}

/// A name's problem, if any: empty, or the same as an earlier one (`seen` holds those).
fn name_problem<'a>(name: &'a str, what: &str, seen: &mut HashSet<&'a str>) -> Option<String> {
    if name.trim().is_empty() {
        Some(format!("{what} needs a non-empty name"))
    } else if !seen.insert(name) {
        Some(format!("duplicate name \"{name}\""))
    } else {
        None
    }
}

/// Names non-empty and unique; starts inside the run.
fn check_social_organisations(s: &Scenario, issues: &mut Vec<Issue>) {
    let mut seen = HashSet::new();
    for (i, so) in s.actors.social_organisations.iter().enumerate() {
        let p = format!("actors.social_organisations[{i}]");
        if let Some(message) = name_problem(&so.name, "a social organisation", &mut seen) {
            issues.push(issue(format!("{p}.name"), message));
        }
        if let Some(message) = after_the_end(so.start_month, &s.time) {
            issues.push(issue(format!("{p}.start_month"), message));
        }
    }
}

/// Names non-empty and unique; donation shares sum to 1; starts inside the run.
fn check_enterprises(s: &Scenario, issues: &mut Vec<Issue>) {
    let mut seen = HashSet::new();
    for (i, e) in s.actors.enterprises.iter().enumerate() {
        let p = format!("actors.enterprises[{i}]");
        if let Some(message) = name_problem(&e.name, "an enterprise", &mut seen) {
            issues.push(issue(format!("{p}.name"), message));
        }
        let total = e.to_own_teams + e.to_social_organisations + e.to_community_fund;
        if e.donation_per_month > 0.0 && (total - 1.0).abs() > 1e-6 {
            issues.push(issue(
                &p,
                format!("donation shares to_own_teams + to_social_organisations + to_community_fund sum to {total}, they must sum to 1"),
            ));
        }
        if let Some(message) = after_the_end(e.start_month, &s.time) {
            issues.push(issue(format!("{p}.start_month"), message));
        }
    }
}

/// Purchase-of-services contracts name a social organisation and start inside the run.
fn check_contracts(s: &Scenario, issues: &mut Vec<Issue>) {
    let names = social_organisation_names(s);
    for (i, pc) in s.instruments.purchase_of_services.iter().enumerate() {
        let p = format!("instruments.purchase_of_services[{i}]");
        if !names.contains(&pc.social_organisation.as_str()) {
            issues
                .push(issue(format!("{p}.social_organisation"), not_a_social_organisation(&pc.social_organisation, s)));
        }
        if let Some(message) = after_the_end(pc.start_month, &s.time) {
            issues.push(issue(format!("{p}.start_month"), message));
        }
    }
}

/// Campaigns fit their interval; the points scheme ends after it starts and has its funder.
fn check_instruments(s: &Scenario, issues: &mut Vec<Issue>) {
    if let Some(c) = &s.instruments.mobilisation_campaigns {
        if c.duration_months > c.interval_months {
            issues.push(issue(
                "instruments.mobilisation_campaigns.duration_months",
                format!("value {} is longer than interval_months {}", c.duration_months, c.interval_months),
            ));
        }
    }
    if let Some(p) = &s.instruments.points {
        if p.end_month != 0 && p.end_month <= p.start_month {
            issues.push(issue(
                "instruments.points.end_month",
                format!("value {} must be after start_month {} (or 0 for no end)", p.end_month, p.start_month),
            ));
        }
        if p.funder == Funder::CommunityFund && s.actors.community_fund.is_none() {
            issues.push(issue("instruments.points.funder", "\"community_fund\" needs actors.community_fund"));
        }
    }
    let payers = [
        ("instruments.deliberation_council.payer", s.instruments.deliberation_council.as_ref().map(|c| c.payer)),
        ("instruments.coordination_platform.payer", s.instruments.coordination_platform.as_ref().map(|c| c.payer)),
    ];
    for (path, payer) in payers {
        if payer == Some(Payer::CommunityFund) && s.actors.community_fund.is_none() {
            issues.push(issue(path, "\"community_fund\" needs actors.community_fund"));
        }
    }
}

/// The volunteer states' thresholds are ordered.
fn check_states(s: &Scenario, issues: &mut Vec<Issue>) {
    let st = &s.behaviour.states;
    if st.core_commitment < st.regular_commitment {
        issues.push(issue(
            "behaviour.states.core_commitment",
            format!("value {} is below regular_commitment {}", st.core_commitment, st.regular_commitment),
        ));
    }
}

/// Courtyards small enough for the ties' offsets; no more initial core volunteers than residents.
fn check_community(s: &Scenario, issues: &mut Vec<Issue>) {
    let c = &s.community;
    let courtyard = c.residents_per_building as u64 * c.buildings_per_courtyard as u64;
    if courtyard > MAX_COURTYARD {
        issues.push(issue(
            "community.buildings_per_courtyard",
            format!("a courtyard of {courtyard} residents (residents_per_building × buildings_per_courtyard) is more than the 65,536 allowed"),
        ));
    }
    if c.initial_core_volunteers > c.residents {
        issues.push(issue(
            "community.initial_core_volunteers",
            format!("value {} exceeds the number of residents {}", c.initial_core_volunteers, c.residents),
        ));
    }
}

/// A name given in the file names the output folder.
fn check_name(s: &Scenario, issues: &mut Vec<Issue>) {
    // empty = the loader's default (the file name), checked there
    if !s.name.is_empty() {
        if let Err(message) = super::check_name(&s.name) {
            issues.push(issue("name", message));
        }
    }
    // a label is shown in chart legends and table headers: one line of reasonable length
    let chars = s.label.chars().count();
    if chars > MAX_LABEL_CHARS || s.label.chars().any(char::is_control) {
        issues.push(issue(
            "label",
            format!(
                "a label is one line of at most {MAX_LABEL_CHARS} characters, got {chars} characters{}",
                if s.label.chars().any(char::is_control) { " with a line break or control character" } else { "" }
            ),
        ));
    }
}

/// The longest `label` (characters): wider ones would not fit a legend or a table header.
pub const MAX_LABEL_CHARS: usize = 60;
