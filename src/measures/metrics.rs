//! The metrics table: every metric's id, unit, range, chart title and meaning, declared once,
//! and the enum [`M`] by which code selects metrics (a renamed or removed metric is a compile
//! error wherever it is selected). Ids given by users (sweep outputs) are resolved once, with
//! [`M::from_id`].

/// What a metric is: its id (the column name in every output file), unit, chart title, meaning
/// and documented range. One row of the [`metrics!`] table.
#[derive(Clone, Copy, Debug)]
pub struct Metric {
    pub id: &'static str,
    pub unit: &'static str,
    /// Title of a chart panel, with the measure's symbol where it helps.
    pub title: &'static str,
    pub meaning: &'static str,
    /// Documented range of values (for tests and charts).
    pub range: (f64, f64),
}

/// The table of metrics: one entry per metric, `Name = "id" { unit, range, title, meaning }`.
/// It declares the enum [`M`] (output column order) and [`METRICS`], so code selects metrics
/// by `M::Name` and everything said about a metric is said here once. A further column (e.g.
/// `zh`, a Chinese name) is one more `key: $value:literal` here and one more field of [`Metric`].
macro_rules! metrics {
    ($( $name:ident = $id:literal {
        unit: $unit:literal, range: ($lo:expr, $hi:expr),
        title: $title:literal,
        meaning: $meaning:literal $(,)?
    } )*) => {
        /// A metric, in output column order; its [`Metric`] is `m.metric()`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(usize)]
        pub enum M { $( $name, )* }
        impl M {
            /// All metrics in output column order.
            pub const ALL: [M; N_METRICS] = [ $( M::$name, )* ];
        }
        /// All metrics in output column order (`METRICS[m.index()]` is `m.metric()`).
        pub const METRICS: &[Metric] = &[
            $( Metric { id: $id, unit: $unit, title: $title, meaning: $meaning, range: ($lo, $hi) }, )*
        ];
    };
}

const INF: f64 = f64::INFINITY;

metrics! {
    DependenceOnGovernment = "dependence_on_government" {
        unit: "index", range: (0.0, 1.0),
        title: "Volunteers' dependence on government D(v←g)",
        meaning: "D(v←g) = Σ_k w_k·I_k·s(g,k): volunteers' dependence on government over the four dimensions",
    }
    DependenceLegitimacy = "dependence_on_government_legitimacy" {
        unit: "index", range: (0.0, 1.0),
        title: "Dependence on government: legitimacy",
        meaning: "I_L·s(g,L): government share of legitimacy tokens held by teams",
    }
    DependenceFunding = "dependence_on_government_funding" {
        unit: "index", range: (0.0, 1.0),
        title: "Dependence on government: funding",
        meaning: "I_F·s(g,F): government share of money reaching teams (by origin)",
    }
    DependenceHuman = "dependence_on_government_human" {
        unit: "index", range: (0.0, 1.0),
        title: "Dependence on government: human resources",
        meaning: "I_H·s(g,H): share of volunteer hours by residents recruited by government campaigns",
    }
    DependenceKnowledge = "dependence_on_government_knowledge" {
        unit: "index", range: (0.0, 1.0),
        title: "Dependence on government: knowledge",
        meaning: "I_K·s(g,K): government share of training and skill-transfer hours",
    }
    GovernmentDependence = "government_dependence_on_volunteers" {
        unit: "index", range: (0.0, 1.0),
        title: "Government's dependence on volunteers D(g←v)",
        meaning: "D(g←v) = Σ_m w'_m·I'_m·s(v,m): share of government's governance tasks and programme output supplied by volunteers",
    }
    Asymmetry = "asymmetry" {
        unit: "index", range: (-1.0, 1.0),
        title: "Asymmetry A = D(v←g) − D(g←v)",
        meaning: "A = D(v←g) − D(g←v); > 0 means volunteers are the weaker party",
    }
    MutualDependence = "mutual_dependence" {
        unit: "index", range: (0.0, 2.0),
        title: "Mutual dependence M = D(v←g) + D(g←v)",
        meaning: "M = D(v←g) + D(g←v) (Gulati & Sytch 2007)",
    }
    FundingHhi = "funding_hhi" {
        unit: "index", range: (0.0, 1.0),
        title: "Concentration of funding sources (HHI)",
        meaning: "Herfindahl index of funding sources of teams (1 = a single source)",
    }
    SoleDependence = "sole_dependence" {
        unit: "share of dimensions", range: (0.0, 1.0),
        title: "Sole dependence on government",
        meaning: "weighted share of dimensions where government's share ≥ the threshold (唯一性依赖)",
    }
    ActiveRate = "active_rate" {
        unit: "share of residents", range: (0.0, 1.0),
        title: "Active volunteers (last 3 months)",
        meaning: "residents who served in the active window",
    }
    RegularRate = "regular_rate" {
        unit: "share of residents", range: (0.0, 1.0),
        title: "Regular volunteers",
        meaning: "residents active in at least regular_min_months of the last 12",
    }
    CoreVolunteers = "core_volunteers" {
        unit: "persons", range: (0.0, INF),
        title: "Core volunteers and leaders",
        meaning: "core volunteers and leaders among residents",
    }
    Leaders = "leaders" {
        unit: "persons", range: (0.0, INF),
        title: "Resident team leaders",
        meaning: "resident team leaders",
    }
    HoursPerCapita = "hours_per_capita" {
        unit: "hours/month per resident", range: (0.0, INF),
        title: "Volunteer hours per resident",
        meaning: "resident volunteer hours per resident per month (window mean)",
    }
    Retention12m = "retention_12m" {
        unit: "share", range: (0.0, 1.0),
        title: "Annual retention of volunteers",
        meaning: "residents active in the previous 12 months who were active again in the last 12 (CNCS)",
    }
    EndogenousShare = "endogenous_share" {
        unit: "share of hours", range: (0.0, 1.0),
        title: "Residents' share of volunteer hours",
        meaning: "hours by residents / all volunteer hours (vs brought-in volunteers)",
    }
    CoproductionDepth = "coproduction_depth" {
        unit: "share of phases", range: (0.25, 1.0),
        title: "Depth of co-production",
        meaning: "mean share of the four co-production phases active volunteers take part in",
    }
    Burstiness = "burstiness" {
        unit: "index", range: (-1.0, 1.0),
        title: "Burstiness of volunteer hours",
        meaning: "B = (σ−μ)/(σ+μ) of monthly volunteer hours in the window (碎片化、节日化)",
    }
    Coverage = "coverage" {
        unit: "share of demand", range: (0.0, 1.0),
        title: "Service coverage of demand",
        meaning: "demand-weighted mean of min(1, supply/demand) over service categories",
    }
    CoverageCv = "coverage_cv" {
        unit: "1", range: (0.0, INF),
        title: "Unevenness of coverage across services",
        meaning: "coefficient of variation of coverage across categories with demand",
    }
    SelfFundingShare = "self_funding_share" {
        unit: "share", range: (0.0, 1.0),
        title: "Self-funding share of teams' money",
        meaning: "share of team funding from the community fund and residents' own materials",
    }
    FundingDiversity = "funding_diversity" {
        unit: "sources", range: (1.0, 5.0),
        title: "Effective number of funding sources",
        meaning: "effective number of funding sources 1/HHI",
    }
    GovCostPerServiceHour = "gov_cost_per_service_hour" {
        unit: "yuan/hour", range: (0.0, INF),
        title: "Government cost per service hour",
        meaning: "government spending / service hours delivered (window)",
    }
    Teams = "teams" {
        unit: "teams", range: (0.0, INF),
        title: "Volunteer teams",
        meaning: "volunteer teams alive",
    }
    CommunityFund = "community_fund" {
        unit: "yuan", range: (0.0, INF),
        title: "Community fund balance",
        meaning: "community fund balance",
    }
    DependenceOnSo = "dependence_on_social_organisations" {
        unit: "index", range: (0.0, 1.0),
        title: "Dependence on social organisations",
        meaning: "Σ_k w_k·I_k·s(s,k): dependence on social organisations",
    }
    LegitimacyHhi = "legitimacy_hhi" {
        unit: "index", range: (0.0, 1.0),
        title: "Concentration of legitimacy sources (HHI)",
        meaning: "Herfindahl index of legitimacy sources",
    }
    HumanHhi = "human_hhi" {
        unit: "index", range: (0.0, 1.0),
        title: "Concentration of recruitment channels (HHI)",
        meaning: "Herfindahl index of recruitment channels (by hours)",
    }
    KnowledgeHhi = "knowledge_hhi" {
        unit: "index", range: (0.0, 1.0),
        title: "Concentration of knowledge providers (HHI)",
        meaning: "Herfindahl index of knowledge providers",
    }
    MeanSkill = "mean_skill" {
        unit: "share", range: (0.0, 1.0),
        title: "Mean skill of active volunteers",
        meaning: "mean skill of active volunteers",
    }
    TrustInGovernment = "trust_in_government" {
        unit: "share", range: (0.0, 1.0),
        title: "Trust in government",
        meaning: "mean resident trust in government",
    }
    TrustInNeighbours = "trust_in_neighbours" {
        unit: "share", range: (0.0, 1.0),
        title: "Trust in neighbours",
        meaning: "mean resident trust in neighbours",
    }
    GovernmentSpending = "government_spending" {
        unit: "yuan/month", range: (0.0, INF),
        title: "Government spending",
        meaning: "government spending on the community's instruments (window mean per month)",
    }
    ActiveVolunteers = "active_volunteers" {
        unit: "persons", range: (0.0, INF),
        title: "Volunteers active this step",
        meaning: "volunteers (residents and brought-in) active this step",
    }
    NeedMet = "need_met" {
        unit: "share of need", range: (0.0, 1.0),
        title: "Share of latent need met",
        meaning: "service hours delivered (up to demand) / residents' latent need, this step",
    }
    UnmetNeed = "unmet_need" {
        unit: "hours/month per 1,000 residents", range: (0.0, INF),
        title: "Unmet need",
        meaning: "latent need not met by delivered service, per 1,000 residents per month",
    }
    Oversupply = "oversupply" {
        unit: "hours/month per 1,000 residents", range: (0.0, INF),
        title: "Service beyond demand",
        meaning: "service hours beyond what residents ask for, summed over categories, per 1,000 residents per month",
    }
    DependenceOnEnterprises = "dependence_on_enterprises" {
        unit: "index", range: (0.0, 1.0),
        title: "Dependence on enterprises",
        meaning: "Σ_k w_k·I_k·s(e,k): volunteers' dependence on enterprises over the four dimensions",
    }
    DependenceOnCommunity = "dependence_on_community" {
        unit: "index", range: (0.0, 1.0),
        title: "Dependence on the community's own sources",
        meaning: "Σ_k w_k·I_k·(s(c,k) + s(r,k)): on the community fund and residents themselves",
    }
    DependenceOnDominantPartner = "dependence_on_dominant_partner" {
        unit: "index", range: (0.0, 1.0),
        title: "Dependence on the dominant partner",
        meaning: "the largest of the dependences on government, social organisations and enterprises (summary.json names the partner)",
    }
    SoDependenceOnVolunteers = "social_organisations_dependence_on_volunteers" {
        unit: "index", range: (0.0, 1.0),
        title: "Social organisations' dependence on volunteers",
        meaning: "D(s←v) = partner_delivery_weight × share of the social organisations' programme output produced by volunteers of their teams (vs their social workers)",
    }
    EnterpriseDependenceOnVolunteers = "enterprises_dependence_on_volunteers" {
        unit: "index", range: (0.0, 1.0),
        title: "Enterprises' dependence on volunteers",
        meaning: "D(e←v) = partner_delivery_weight × share of the enterprises' programme output produced by volunteers of their teams (vs store service hours)",
    }
    AsymmetryDominantPartner = "asymmetry_dominant_partner" {
        unit: "index", range: (-1.0, 1.0),
        title: "Asymmetry against the dominant partner",
        meaning: "D(v←p) − D(p←v) for the partner p volunteers depend on most; > 0 means volunteers are the weaker party",
    }
    RegisteredRate = "registered_rate" {
        unit: "share of residents", range: (0.0, 1.0),
        title: "Registered volunteers",
        meaning: "residents registered on a volunteer platform (registration is kept after they stop)",
    }
    RegisteredActiveShare = "registered_active_share" {
        unit: "share of registered", range: (0.0, 1.0),
        title: "Registered volunteers who are active",
        meaning: "registered residents active in the active window / registered residents",
    }
    BuildingsWithCore = "buildings_with_core" {
        unit: "share of buildings", range: (0.0, 1.0),
        title: "Buildings with a core volunteer",
        meaning: "buildings with at least one core volunteer or leader among their residents (Changshouyuan: a cell of four in every building [001])",
    }
    CorePerBuilding = "core_per_building" {
        unit: "persons per building", range: (0.0, INF),
        title: "Core volunteers per building",
        meaning: "core volunteers and leaders among residents / buildings",
    }
    GovernmentBudgetUsed = "government_budget_used" {
        unit: "share of budget", range: (0.0, 1.0),
        title: "Share of government's budget spent",
        meaning: "government spending / government's budget over the window (does money bind?)",
    }
    PointsIssued = "points_issued" {
        unit: "points", range: (0.0, INF),
        title: "Points issued since the start",
        meaning: "points earned by volunteer hours since the start of the run (Hemei: 10,900+ redeemed in all [001])",
    }
    PointsRedeemed = "points_redeemed" {
        unit: "points", range: (0.0, INF),
        title: "Points redeemed since the start",
        meaning: "points whose redemption the scheme's funder paid, since the start of the run",
    }
    DemandRevealed = "demand_revealed" {
        unit: "share of need", range: (0.0, 1.0),
        title: "Share of need residents ask for",
        meaning: "revealed demand / latent need: how much of their need residents bring to services",
    }
    RegisteredPerTeam = "registered_per_team" {
        unit: "persons per team", range: (0.0, INF),
        title: "Registered volunteers per team",
        meaning: "registered residents / volunteer teams alive: how organised the registered are (China, July 2022: 233 million registered in 1.28 million teams, 182 per team [001])",
    }
}

/// Number of metrics per step.
pub const N_METRICS: usize = METRICS.len();

impl M {
    /// Position in metric rows and output columns.
    pub const fn index(self) -> usize {
        self as usize
    }

    pub fn metric(self) -> &'static Metric {
        &METRICS[self.index()]
    }

    /// Column name in output files, e.g. `coverage`.
    pub fn id(self) -> &'static str {
        self.metric().id
    }

    pub fn unit(self) -> &'static str {
        self.metric().unit
    }

    /// Title of a chart panel.
    pub fn title(self) -> &'static str {
        self.metric().title
    }

    /// Documented range of values.
    pub fn range(self) -> (f64, f64) {
        self.metric().range
    }

    /// The metric with column name `id`: for ids given by users (sweep files); code names
    /// metrics as `M::Name`.
    pub fn from_id(id: &str) -> Result<M, UnknownMetric> {
        M::ALL.into_iter().find(|m| m.id() == id).ok_or_else(|| UnknownMetric(id.to_string()))
    }
}

impl std::fmt::Display for M {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// Written as its id.
impl serde::Serialize for M {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// Read from its id; an unknown id is an error naming the nearest ones.
impl<'de> serde::Deserialize<'de> for M {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<M, D::Error> {
        let id = String::deserialize(d)?;
        M::from_id(&id).map_err(serde::de::Error::custom)
    }
}

/// A metric id that names no metric. Its message names the five nearest ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownMetric(pub String);

impl std::fmt::Display for UnknownMetric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut ids: Vec<(usize, &str)> = METRICS.iter().map(|m| (strsim::levenshtein(&self.0, m.id), m.id)).collect();
        ids.sort();
        let nearest: Vec<&str> = ids.iter().take(5).map(|(_, id)| *id).collect();
        write!(f, "\"{}\" is not a metric; nearest: {}", self.0, nearest.join(", "))
    }
}

impl std::error::Error for UnknownMetric {}

/// Metric index by id (`M::from_id` gives the metric, or an error to show).
pub fn index_of(id: &str) -> Option<usize> {
    M::from_id(id).ok().map(M::index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_resolve_to_their_metric() {
        for (i, m) in M::ALL.into_iter().enumerate() {
            assert_eq!(m.index(), i);
            assert_eq!(M::from_id(m.id()), Ok(m));
            assert!(!m.title().is_empty() && !m.unit().is_empty() && !m.metric().meaning.is_empty(), "{m}");
        }
        assert_eq!(serde_json::to_value(M::Coverage).unwrap(), "coverage");
        assert_eq!(serde_json::from_value::<M>("retention_12m".into()).unwrap(), M::Retention12m);
    }

    #[test]
    fn an_unknown_id_is_refused_with_the_nearest_ids() {
        let e = M::from_id("coverag").unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"coverag\" is not a metric; nearest: coverage, coverage_cv, active_rate, leaders, teams"
        );
        let e = serde_json::from_value::<M>("active".into()).unwrap_err();
        assert!(e.to_string().starts_with("\"active\" is not a metric; nearest: active_rate"), "{e}");
        assert_eq!(index_of("coverag"), None);
    }
}
