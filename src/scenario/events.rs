//! Timeline events: changes scheduled at a month. Each event type and each of its fields is
//! declared once in the [`events!`] table below, with its range and unit where it has one; the
//! serde format, the JSON Schema (ranges and `x-unit`), the range checks, [`Event::month`] and
//! [`Event::kind`] all come from that one declaration, as [`params!`](super::params) does for
//! parameters. The checks that need the whole scenario (names, instruments, run length) are
//! [`check_events`].

use super::params::{check_range, join, Check, Issue};
use super::validate::{after_the_end, enterprise_names, list, not_a_social_organisation, social_organisation_names};
use super::Scenario;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Service categories, for events that change demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    ElderCare,
    Children,
    Environment,
    Safety,
    Mediation,
    Emergency,
}
impl Category {
    pub fn index(self) -> usize {
        self as usize
    }
}
impl Check for Category {}

/// Declare the event types. Each reads `/// meaning` `Variant = "type_in_files" { fields }`,
/// each field `/// meaning` `name: Type, range(lo, hi), unit("unit");` (`range(..), unit(..)`
/// left out for names and categories). Every event type has a `month`.
macro_rules! events {
    (
        $(#[doc = $edoc:literal])*
        pub enum $name:ident {
            $(
                $(#[doc = $vdoc:literal])*
                $variant:ident = $kind:literal {
                    $(
                        $(#[doc = $fdoc:literal])*
                        $field:ident : $ty:ty $(, range($lo:expr, $hi:expr), unit($unit:literal))?;
                    )*
                }
            )*
        }
    ) => {
        $(#[doc = $edoc])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(tag = "type", deny_unknown_fields)]
        pub enum $name {
            $(
                $(#[doc = $vdoc])*
                #[serde(rename = $kind)]
                $variant {
                    $(
                        $(#[doc = $fdoc])*
                        $(#[schemars(range(min = $lo, max = $hi), extend("x-unit" = $unit))])?
                        $field: $ty,
                    )*
                },
            )*
        }

        impl $name {
            /// The month the event happens.
            pub fn month(&self) -> u32 {
                match self {
                    $( $name::$variant { month, .. } => *month, )*
                }
            }

            /// The event's type as written in scenario files.
            pub fn kind(&self) -> &'static str {
                match self {
                    $( $name::$variant { .. } => $kind, )*
                }
            }
        }

        impl Check for $name {
            fn check(&self, path: &str, issues: &mut Vec<Issue>) {
                match self {
                    $(
                        $name::$variant { $($field),* } => {
                            $(
                                let p = join(path, stringify!($field));
                                Check::check($field, &p, issues);
                                $( check_range(*$field, $lo as f64, $hi as f64, $unit, &p, issues); )?
                            )*
                        }
                    )*
                }
            }
        }
    };
}

events! {
    /// A change scheduled at a month. Events act only through the model's generic mechanisms:
    /// money, contracts, actors' presence, demand, and instruments switched on or off.
    pub enum Event {
        /// A funder's money is scaled from this month on: "government" (its budget), a social
        /// organisation's name (its foundation grants), an enterprise's name (its donations) or
        /// "community_fund" (merchants, social enterprises, residents). factor 0 stops it.
        FundingChange = "funding_change" {
            /// Month of the change (0 = the first month of the run).
            month: u32, range(0, 6000), unit("month");
            /// Who changes their funding.
            actor: String;
            /// New level relative to the scenario's value (0 = stop, 0.5 = halve, 1 = restore).
            factor: f64, range(0.0, 100.0), unit("1");
        }
        /// Every purchase-of-services programme with this social organisation ends (not renewed).
        ContractEnd = "contract_end" {
            /// Month the contracts end (0 = the first month of the run).
            month: u32, range(0, 6000), unit("month");
            /// Name of the social organisation (in actors.social_organisations) whose programmes end.
            social_organisation: String;
        }
        /// An enterprise starts engaging now (its horizon counts from here).
        EnterpriseEnter = "enterprise_enter" {
            /// Month the enterprise enters (0 = the first month of the run).
            month: u32, range(0, 6000), unit("month");
            /// Name of the enterprise (in actors.enterprises).
            enterprise: String;
        }
        /// An enterprise leaves now (its horizon ends early).
        EnterpriseLeave = "enterprise_leave" {
            /// Month the enterprise leaves (0 = the first month of the run).
            month: u32, range(0, 6000), unit("month");
            /// Name of the enterprise (in actors.enterprises).
            enterprise: String;
        }
        /// A social organisation starts working in the community now (the third party of [002]).
        SocialOrganisationEnter = "social_organisation_enter" {
            /// Month the organisation enters (0 = the first month of the run).
            month: u32, range(0, 6000), unit("month");
            /// Name of the social organisation (in actors.social_organisations).
            social_organisation: String;
        }
        /// A social organisation leaves with its money; its teams carry on only if led by a resident.
        SocialOrganisationLeave = "social_organisation_leave" {
            /// Month the organisation leaves (0 = the first month of the run).
            month: u32, range(0, 6000), unit("month");
            /// Name of the social organisation (in actors.social_organisations).
            social_organisation: String;
        }
        /// Demand of a category is multiplied for some months (an epidemic raises emergency demand [000]).
        DemandShock = "demand_shock" {
            /// Month the shock starts (0 = the first month of the run).
            month: u32, range(0, 6000), unit("month");
            /// Service category whose demand changes.
            category: Category;
            /// Multiplier of the category's demand.
            factor: f64, range(0.0, 1000.0), unit("1");
            /// Months the shock lasts.
            duration_months: u32, range(1, 600), unit("months");
        }
        /// The points scheme (instruments.points) starts now.
        PointsStart = "points_start" {
            /// Month the scheme starts (0 = the first month of the run).
            month: u32, range(0, 6000), unit("month");
        }
        /// The points scheme stops now.
        PointsStop = "points_stop" {
            /// Month the scheme stops (0 = the first month of the run).
            month: u32, range(0, 6000), unit("month");
        }
        /// A mobilisation campaign (with instruments.mobilisation_campaigns' reach, call-out and cost).
        Campaign = "campaign" {
            /// Month the campaign starts (0 = the first month of the run).
            month: u32, range(0, 6000), unit("month");
            /// Months the campaign lasts.
            duration_months: u32, range(1, 600), unit("months");
        }
        /// The deliberation council (instruments.deliberation_council) starts sitting now.
        CouncilStart = "council_start" {
            /// Month the council starts (0 = the first month of the run).
            month: u32, range(0, 6000), unit("month");
        }
        /// The coordination platform (instruments.coordination_platform) starts now.
        PlatformStart = "platform_start" {
            /// Month the platform starts (0 = the first month of the run).
            month: u32, range(0, 6000), unit("month");
        }
    }
}

/// Most events a scenario may schedule: well above a change every month of a 50-year run with
/// room to spare, and small enough that checking, stepping and reporting them stay instant.
pub const MAX_EVENTS: usize = 1000;

/// References and timing of events.
pub(super) fn check_events(s: &Scenario, issues: &mut Vec<Issue>) {
    if s.events.len() > MAX_EVENTS {
        issues.push(Issue {
            path: "events".into(),
            message: format!("{} events given; at most {MAX_EVENTS} are allowed", s.events.len()),
        });
        return;
    }
    let so_names = social_organisation_names(s);
    let ent_names = enterprise_names(s);
    for (i, e) in s.events.iter().enumerate() {
        let p = format!("events[{i}]");
        let mut push = |field: &str, message: String| issues.push(Issue { path: format!("{p}.{field}"), message });
        if let Some(message) = after_the_end(e.month(), &s.time) {
            push("month", message);
        }
        match e {
            Event::FundingChange { actor, .. } => {
                let known = actor == "government"
                    || actor == "community_fund" && s.actors.community_fund.is_some()
                    || so_names.contains(&actor.as_str())
                    || ent_names.contains(&actor.as_str());
                if !known {
                    push(
                        "actor",
                        format!(
                            "\"{actor}\" is not a funder of this scenario (known: government{}, social organisations: {}, enterprises: {})",
                            if s.actors.community_fund.is_some() { ", community_fund" } else { "" },
                            list(&so_names),
                            list(&ent_names)
                        ),
                    );
                }
            }
            Event::ContractEnd { social_organisation: n, .. }
            | Event::SocialOrganisationEnter { social_organisation: n, .. }
            | Event::SocialOrganisationLeave { social_organisation: n, .. }
                if !so_names.contains(&n.as_str()) =>
            {
                push("social_organisation", not_a_social_organisation(n, s));
            }
            Event::EnterpriseEnter { enterprise: n, .. } | Event::EnterpriseLeave { enterprise: n, .. }
                if !ent_names.contains(&n.as_str()) =>
            {
                push(
                    "enterprise",
                    format!("\"{n}\" is not an enterprise of this scenario (known: {})", list(&ent_names)),
                );
            }
            Event::PointsStart { .. } | Event::PointsStop { .. } if s.instruments.points.is_none() => {
                push("type", "a points event needs instruments.points (the scheme's parameters)".into());
            }
            Event::Campaign { .. } if s.instruments.mobilisation_campaigns.is_none() => {
                push(
                    "type",
                    "a campaign event needs instruments.mobilisation_campaigns (reach, call-out, cost)".into(),
                );
            }
            Event::CouncilStart { .. } if s.instruments.deliberation_council.is_none() => {
                push("type", "council_start needs instruments.deliberation_council (its parameters)".into());
            }
            Event::PlatformStart { .. } if s.instruments.coordination_platform.is_none() => {
                push("type", "platform_start needs instruments.coordination_platform (its parameters)".into());
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// The range checks and the schema come from one declaration: for every numeric field of
    /// every event type, a value beyond the schema's maximum is refused by the check with the
    /// schema's range and unit.
    #[test]
    fn checks_and_schema_agree_on_every_range() {
        let schema = super::super::schema();
        let variants = schema["$defs"]["Event"]["oneOf"].as_array().unwrap();
        let mut checked = 0;
        for variant in variants {
            let props = variant["properties"].as_object().unwrap();
            let valid = |p: &Value| match p["type"].as_str() {
                _ if p.get("$ref").is_some() => json!("emergency"),
                Some("integer") => json!(p["minimum"].as_u64().unwrap()),
                Some("number") => json!(p["minimum"].as_f64().unwrap()),
                _ => json!("name"),
            };
            let event: serde_json::Map<String, Value> = props
                .iter()
                .map(|(f, p)| (f.clone(), if f == "type" { p["const"].clone() } else { valid(p) }))
                .collect();
            let e: Event = serde_json::from_value(Value::Object(event.clone())).unwrap();
            let mut issues = Vec::new();
            e.check("events[0]", &mut issues);
            assert!(issues.is_empty(), "{issues:?}");
            for (field, p) in props {
                let (Some(lo), Some(hi)) = (p["minimum"].as_f64(), p["maximum"].as_f64()) else { continue };
                let mut wrong = event.clone();
                wrong.insert(field.clone(), json!(hi as u64 * 2 + 1));
                let e: Event = serde_json::from_value(Value::Object(wrong)).unwrap();
                let mut issues = Vec::new();
                e.check("events[0]", &mut issues);
                let unit = p["x-unit"].as_str().unwrap();
                let expected = format!("outside the allowed range [{lo}, {hi}] ({unit})");
                assert_eq!(issues.len(), 1, "{field}: {issues:?}");
                assert_eq!(issues[0].path, format!("events[0].{field}"));
                assert!(issues[0].message.ends_with(&expected), "{field}: {}", issues[0].message);
                checked += 1;
            }
        }
        assert_eq!(checked, 16);
    }
}
