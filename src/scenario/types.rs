//! The scenario file format. Every behavioural coefficient of the model is a field here with a
//! default, a valid range, a unit and a one-line meaning; the step code reads nothing else.
//! Sources in square brackets: the seed texts `[000]`..`[004]` and the literature, both
//! listed in the references of docs/ODD.md.

use super::events::Event;
use super::params::{params, Check};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

params! {
    /// A community and its actors: one run configuration of govsim.
    pub struct Scenario {
        /// Optional JSON Schema reference for editors (`govsim schema > govsim.schema.json`).
        #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
        schema_ref: Option<String> = None;
        /// Path of a scenario file this one builds on (relative to this file): its fields are
        /// taken as defaults and this file's fields override them (objects merge, lists and values replace). `name` and `label` are not inherited.
        #[serde(skip_serializing_if = "Option::is_none")]
        extends: Option<String> = None;
        /// Short identifier used for the output folder (letters, digits, `-`, `_`); defaults to the file name.
        name: String = String::new();
        /// What charts, tables and reports call this scenario, in any language (e.g. `和美社区`); without one, its `name` (driver models in Chinese under `--lang zh`). Changes no result.
        #[serde(skip_serializing_if = "String::is_empty")]
        #[schemars(length(max = 60))]
        label: String = String::new();
        /// Free text: what this scenario represents and where its numbers come from.
        description: String = String::new();
        /// Colour of this scenario's lines, dots and bars in charts, `#rrggbb`; without one, charts colour models by position. Changes no result.
        #[serde(skip_serializing_if = "Option::is_none")]
        colour: Option<crate::output::Colour> = None;
        /// Length of the run and of a step.
        time: Time = Time::default();
        /// The residents, their places, ties and traits, and the services they need.
        community: Community = Community::default();
        /// Behavioural rules shared by all residents and teams.
        behaviour: Behaviour = Behaviour::default();
        /// Who holds which resources: government, social organisations, enterprises, community fund.
        actors: Actors = Actors::default();
        /// Policy instruments switched on in this scenario (absent = off).
        instruments: Instruments = Instruments::default();
        /// Changes scheduled at given months (timeline events), applied through the same mechanisms as everything else.
        #[schemars(length(max = 1000))]
        events: Vec<Event> = Vec::new();
        /// Settings of the measures (windows, importance weights, thresholds).
        measures: MeasureSettings = MeasureSettings::default();
        /// What the scenario's source reports, to hold the model's outputs against (`govsim cases`). Changes no result.
        #[schemars(length(max = 1000))]
        targets: Vec<Target> = Vec::new();
    }
}

params! {
    /// A number a source reports about the case, as an interval a model output should fall in:
    /// the mean over replications of a metric's mean over a window of months.
    pub struct Target {
        /// Short identifier, unique in the file (e.g. `volunteers-month-48`).
        name: String = String::new();
        /// What is measured: a metric id, a column of timeseries.csv (README lists them), e.g. `active_volunteers`, `points_redeemed`; or a count of one organisation at the end of each step, `members:<organisation>` (members of the alive teams it sponsors) or `teams:<organisation>` (those teams), where `<organisation>` is `government`, a social organisation's or enterprise's `name`, `community_fund` or `residents` — organisations.csv's rows, e.g. `members:h-centre`.
        measure: String = String::new();
        /// First month of the window, as in timeseries.csv's `month` column (1 = the first month); 0 with `to_month` 0 = the final year.
        from_month: u32 = 0, range(0, 6000), unit("month");
        /// Last month of the window (inclusive).
        to_month: u32 = 0, range(0, 6000), unit("month");
        /// Lowest value that counts as a match, in the metric's unit.
        low: f64 = 0.0, range(-1e12, 1e12), unit("metric's unit");
        /// Highest value that counts as a match.
        high: f64 = 0.0, range(-1e12, 1e12), unit("metric's unit");
        /// The source's own number, when it gives one (shown beside the interval).
        #[serde(skip_serializing_if = "Option::is_none")]
        #[schemars(extend("x-unit" = "metric's unit"))]
        value: Option<f64> = None;
        /// Weight of the target in a calibration distance.
        weight: f64 = 1.0, range(0.0, 1000.0), unit("1");
        /// Where the number comes from: the seed file and the sentence, e.g. "[001] Hemei: 有 700 多名志愿者参与".
        source: String = String::new();
        /// How the source's statement was turned into this interval (assumptions).
        note: String = String::new();
    }
}

params! {
    /// Run length and step length.
    pub struct Time {
        /// Simulated years.
        years: u32 = 10, range(1, 50), unit("years");
        /// Months per step; monthly rates and flows are converted to this step length.
        step_months: u32 = 1, range(1, 12), unit("months");
    }
}

/// The month arithmetic of a run, in one place. Every method is total (saturating, and a step
/// of at least one month) so that it may be called on a scenario before it is validated.
impl Time {
    /// Months simulated.
    pub fn months(&self) -> u32 {
        self.years.saturating_mul(12)
    }

    /// The last month of the run (0-based): the latest month an event or a start may name.
    pub fn last_month(&self) -> u32 {
        self.months().saturating_sub(1)
    }

    /// Months per step.
    pub fn months_per_step(&self) -> u32 {
        self.step_months.max(1)
    }

    /// Steps of the run.
    pub fn steps(&self) -> u32 {
        self.months() / self.months_per_step()
    }

    /// Steps per year (`step_months` divides 12 in a valid scenario).
    pub fn steps_per_year(&self) -> u32 {
        12 / self.months_per_step()
    }

    /// Steps needed to cover `months` months (rounded up).
    pub fn steps_in(&self, months: u32) -> u32 {
        months.div_ceil(self.months_per_step())
    }
}

params! {
    /// The baseline community [002: Y community, 10,000+ residents].
    pub struct Community {
        /// Number of resident agents.
        residents: u32 = 10_000, range(1, 20_000_000), unit("persons");
        /// Residents per building (the unit of "one head, three officers" groups [001]).
        residents_per_building: u32 = 120, range(1, 100_000), unit("persons");
        /// Buildings per courtyard (院落).
        buildings_per_courtyard: u32 = 6, range(1, 10_000), unit("buildings");
        /// Social ties per resident inside the own courtyard (clustered local ties).
        local_ties: u32 = 6, range(0, 64), unit("ties");
        /// Social ties per resident to random residents anywhere in the community.
        long_range_ties: u32 = 2, range(0, 64), unit("ties");
        /// Self-motivated residents who already volunteer as core members at the start [002: "五六个骨干"].
        initial_core_volunteers: u32 = 6, range(0, 1_000_000), unit("persons");
        /// Distributions of resident traits at initialisation.
        traits: ResidentTraits = ResidentTraits::default();
        /// Service demand by category: what residents ask for at the start.
        demand: ServiceDemand = ServiceDemand::default();
        /// How the rest of residents' need is revealed as services become known, and how need grows.
        need: Need = Need::default();
        /// Hours of grassroots governance tasks government must get done (patrols, inspections, campaign duty) [002].
        governance_task_hours_per_1000: f64 = 40.0, range(0.0, 100_000.0), unit("hours/month per 1,000 residents");
    }
}

params! {
    /// Trait distributions (Beta for shares in [0,1], Gamma for hours), given as mean and SD.
    pub struct ResidentTraits {
        /// Mean intrinsic motivation to volunteer.
        motivation_mean: f64 = 0.35, range(0.01, 0.99), unit("share");
        /// SD of intrinsic motivation (must be below sqrt(mean*(1-mean))).
        motivation_sd: f64 = 0.18, range(0.0, 0.49), unit("share");
        /// Mean hours a resident could give per month when fully engaged (CASS 2021: 21.87 h per 3 months per active volunteer).
        time_budget_mean: f64 = 14.0, range(0.0, 300.0), unit("hours/month");
        /// SD of the time budget.
        time_budget_sd: f64 = 8.0, range(0.0, 300.0), unit("hours/month");
        /// Mean service skill.
        skill_mean: f64 = 0.3, range(0.01, 0.99), unit("share");
        /// SD of service skill.
        skill_sd: f64 = 0.12, range(0.0, 0.49), unit("share");
        /// Mean trust in government (street office, residents' committee).
        trust_government_mean: f64 = 0.6, range(0.01, 0.99), unit("share");
        /// SD of trust in government.
        trust_government_sd: f64 = 0.15, range(0.0, 0.49), unit("share");
        /// Mean trust in neighbours.
        trust_neighbours_mean: f64 = 0.4, range(0.01, 0.99), unit("share");
        /// SD of trust in neighbours.
        trust_neighbours_sd: f64 = 0.15, range(0.0, 0.49), unit("share");
    }
}

params! {
    /// Demanded service hours by category, per 1,000 residents per month (assumptions, docs/ODD.md §7.7).
    pub struct ServiceDemand {
        /// Elder care (为老服务).
        elder_care: f64 = 120.0, range(0.0, 100_000.0), unit("hours/month per 1,000 residents");
        /// Children and youth.
        children: f64 = 60.0, range(0.0, 100_000.0), unit("hours/month per 1,000 residents");
        /// Environment and waste sorting.
        environment: f64 = 80.0, range(0.0, 100_000.0), unit("hours/month per 1,000 residents");
        /// Safety patrols.
        safety: f64 = 60.0, range(0.0, 100_000.0), unit("hours/month per 1,000 residents");
        /// Dispute mediation.
        mediation: f64 = 20.0, range(0.0, 100_000.0), unit("hours/month per 1,000 residents");
        /// Emergency response (raised by epidemic-like shocks).
        emergency: f64 = 10.0, range(0.0, 100_000.0), unit("hours/month per 1,000 residents");
    }
}

params! {
    /// Latent need (Andersen 1995: need is used only when services are known and can be reached).
    /// Demand is the part of residents' need they ask for; it moves toward all of the need as
    /// services cover what is asked, so supply can fall short of need or exceed demand without
    /// pinning coverage at 1.
    pub struct Need {
        /// Residents' full need as a multiple of the demand they reveal at the start (assumption: about 15% of people aged 60+ need care, far more than communities ask for; 1 = all need known from the start).
        latent_multiple: f64 = 2.0, range(1.0, 100.0), unit("× initial demand");
        /// Monthly rate at which revealed demand moves toward its target, the initial share plus the rest times the category's coverage.
        reveal_rate: f64 = 0.05, range(0.0, 1.0), unit("share/month");
        /// Yearly growth of elder-care need with population ageing (census: aged 60+ 13.26% in 2010, 18.70% in 2020, 3.5% a year).
        elder_care_growth: f64 = 0.035, range(-0.5, 1.0), unit("share/year");
    }
}

params! {
    /// Behavioural rules (M1 threshold/influence, Granovetter 1978; M3 crowding, Frey & Jegen 2001;
    /// M4 retention, Chacón et al. 2007).
    pub struct Behaviour {
        /// Whether an asked resident says yes.
        acceptance: Acceptance = Acceptance::default();
        /// How often and how long volunteers serve.
        activity: Activity = Activity::default();
        /// How experience turns into satisfaction and commitment.
        satisfaction: Satisfaction = Satisfaction::default();
        /// Exit hazard ("voting with feet" [000]).
        retention: Retention = Retention::default();
        /// Commitment thresholds of the volunteer states.
        states: States = States::default();
        /// Emergence of leaders and the life of teams.
        leadership: Leadership = Leadership::default();
        /// Crowding of intrinsic motivation by rewards and control.
        crowding: Crowding = Crowding::default();
        /// Skill growth.
        learning: Learning = Learning::default();
        /// Service production.
        production: Production = Production::default();
        /// Trust dynamics.
        trust: Trust = Trust::default();
        /// Peer recruitment over social ties.
        peers: Peers = Peers::default();
        /// Organisations' recruitment follows the work there is.
        recruitment: Recruitment = Recruitment::default();
        /// Registration of recruits on a volunteer platform, distinct from activity.
        registration: PlatformRegistration = PlatformRegistration::default();
    }
}

params! {
    /// Share of newly recruited volunteers who register on a volunteer platform (志愿服务信息系统),
    /// by who recruited them. Registration is kept after a volunteer stops: the seeds' 233 million
    /// registered volunteers are far more than those active [001]. The shares are assumptions:
    /// campaigns log hours through the platform, informal peer groups rarely do.
    pub struct PlatformRegistration {
        /// Recruited by a government campaign.
        campaign: f64 = 0.9, range(0.0, 1.0), unit("share");
        /// Recruited by a social worker.
        social_organisation: f64 = 0.7, range(0.0, 1.0), unit("share");
        /// Recruited by an enterprise programme.
        enterprise: f64 = 0.5, range(0.0, 1.0), unit("share");
        /// Recruited by a neighbour or friend.
        peer: f64 = 0.2, range(0.0, 1.0), unit("share");
    }
}

params! {
    /// Acceptance of an ask: logit p = intercept + channel bonus + motivation·(m−0.5)
    /// + trust·(trust−0.5) + peer_influence·(share of ties active) + price_effect·reward·(1−m).
    /// People volunteer mostly when asked (Granovetter 1978).
    pub struct Acceptance {
        /// Baseline log-odds of saying yes to an ask.
        intercept: f64 = -2.0, range(-20.0, 20.0), unit("logit");
        /// Effect of intrinsic motivation (centred at 0.5).
        motivation: f64 = 5.0, range(-50.0, 50.0), unit("logit per unit");
        /// Effect of trust in the asker's side (government for campaigns, neighbours otherwise), centred at 0.5.
        trust: f64 = 2.0, range(-50.0, 50.0), unit("logit per unit");
        /// Effect of the share of one's ties already active (social influence, M1).
        peer_influence: f64 = 3.0, range(-50.0, 50.0), unit("logit per unit share");
        /// Price effect of an extrinsic reward on low-motivation residents (M3; Fiorillo 2011).
        price_effect: f64 = 1.5, range(-50.0, 50.0), unit("logit per unit reward intensity");
        /// Extra log-odds when asked by a government mobilisation campaign ("行政动员仍然是主要动员形式" [001]).
        government_campaign_bonus: f64 = 1.0, range(-20.0, 20.0), unit("logit");
        /// Extra log-odds when asked by a social worker's outreach.
        social_organisation_bonus: f64 = 1.0, range(-20.0, 20.0), unit("logit");
        /// Extra log-odds when an employee is asked by the employer's volunteering programme.
        enterprise_bonus: f64 = 2.0, range(-20.0, 20.0), unit("logit");
        /// Extra log-odds when asked by a neighbour or friend.
        peer_bonus: f64 = 1.2, range(-20.0, 20.0), unit("logit");
    }
}

params! {
    /// Monthly activity of enrolled volunteers.
    pub struct Activity {
        /// Probability that an occasional volunteer serves in a month without being called out.
        occasional: f64 = 0.25, range(0.0, 1.0), unit("probability/month");
        /// Same for a regular volunteer.
        regular: f64 = 0.75, range(0.0, 1.0), unit("probability/month");
        /// Same for a core volunteer.
        core: f64 = 0.9, range(0.0, 1.0), unit("probability/month");
        /// Same for a leader.
        leader: f64 = 0.95, range(0.0, 1.0), unit("probability/month");
        /// Weight of motivation: probability × (1 − w + 2w·m).
        motivation_weight: f64 = 0.8, range(0.0, 1.0), unit("1");
        /// Share of the time budget given in an active month, occasional volunteers.
        hours_share_occasional: f64 = 0.35, range(0.0, 1.0), unit("share of time budget");
        /// Share of the time budget given in an active month, regular volunteers.
        hours_share_regular: f64 = 0.5, range(0.0, 1.0), unit("share of time budget");
        /// Share of the time budget given in an active month, core volunteers and leaders.
        hours_share_core: f64 = 0.75, range(0.0, 1.0), unit("share of time budget");
        /// Extra share of the time budget given when called out (campaign day, event).
        callout_hours_share: f64 = 0.3, range(0.0, 1.0), unit("share of time budget");
        /// Raise of the activity probability per unit reward intensity for low-motivation volunteers: p × (1 + e·X·(1−m)).
        reward_effect: f64 = 0.3, range(0.0, 10.0), unit("1 per unit reward intensity");
        /// Hours above this share of the time budget count as overload (burnout).
        overload_threshold: f64 = 0.8, range(0.0, 1.0), unit("share of time budget");
    }
}

params! {
    /// Satisfaction S moves toward the month's experience; commitment C toward S while active
    /// (three-stage model: satisfaction → commitment → role identity; Chacón et al. 2007).
    pub struct Satisfaction {
        /// Baseline experience of serving.
        baseline: f64 = 0.2, range(0.0, 1.0), unit("1");
        /// Weight of service success: the share of the team's hours that were needed (1 unless its category is oversupplied) × its material factor.
        service_success: f64 = 0.45, range(0.0, 5.0), unit("1");
        /// Weight of voice: share of co-production phases the volunteer takes part in (Nabatchi et al. 2017).
        voice: f64 = 0.3, range(0.0, 5.0), unit("1");
        /// Weight of recognition (points, thanks, certificates).
        recognition: f64 = 0.15, range(0.0, 5.0), unit("1");
        /// Weight of having been trained this month.
        training: f64 = 0.1, range(0.0, 5.0), unit("1");
        /// Penalty per unit overload.
        overload: f64 = 0.5, range(0.0, 5.0), unit("1");
        /// Penalty per unit share of hours spent on tasks assigned by government ("行政助手" [002]).
        control: f64 = 0.35, range(0.0, 5.0), unit("1");
        /// Monthly rate at which satisfaction adapts to experience.
        adapt_rate: f64 = 0.25, range(0.0, 1.0), unit("1/month");
        /// Monthly rate at which commitment moves toward satisfaction in an active month.
        commitment_growth: f64 = 0.06, range(0.0, 1.0), unit("1/month");
        /// Monthly decay of commitment in an inactive month.
        commitment_decay: f64 = 0.03, range(0.0, 1.0), unit("1/month");
    }
}

params! {
    /// Exit hazard h = h0 · exp(−a_S·S − a_C·C) · (1 + b·overload) (Chacón et al. 2007);
    /// calibrated so annual retention of settled volunteers is 65–75% (CNCS 2010; Vecina et al. 2010).
    pub struct Retention {
        /// Base monthly exit hazard h0.
        base_hazard: f64 = 0.25, range(0.0, 1.0), unit("1/month");
        /// Protection by satisfaction a_S.
        satisfaction_protection: f64 = 1.5, range(0.0, 50.0), unit("1");
        /// Protection by commitment a_C.
        commitment_protection: f64 = 3.5, range(0.0, 50.0), unit("1");
        /// Hazard increase per unit overload b.
        overload_hazard: f64 = 1.0, range(0.0, 50.0), unit("1");
    }
}

params! {
    /// Volunteer states follow commitment with a hysteresis margin.
    pub struct States {
        /// Commitment at which an occasional volunteer becomes regular.
        regular_commitment: f64 = 0.35, range(0.0, 1.0), unit("1");
        /// Commitment at which a regular volunteer becomes core.
        core_commitment: f64 = 0.55, range(0.0, 1.0), unit("1");
        /// Minimum skill of a core volunteer.
        core_min_skill: f64 = 0.35, range(0.0, 1.0), unit("1");
        /// Margin below a threshold before demotion.
        hysteresis: f64 = 0.05, range(0.0, 1.0), unit("1");
    }
}

params! {
    /// Leaders emerge from core volunteers and found or split teams [001: 发掘社区带头人; 002].
    pub struct Leadership {
        /// Monthly probability that a core volunteer steps up as a leader.
        emergence_rate: f64 = 0.01, range(0.0, 1.0), unit("probability/month");
        /// Minimum skill of a new leader.
        min_skill: f64 = 0.4, range(0.0, 1.0), unit("1");
        /// A team larger than this splits when a new leader emerges in it.
        split_size: u32 = 40, range(2, 100_000), unit("members");
        /// Maximum number of teams the community platform can host.
        max_teams: u32 = 64, range(1, 4096), unit("teams");
        /// Teams smaller than this for `dissolve_after_months` dissolve.
        min_members: u32 = 3, range(0, 1000), unit("members");
        /// Months a team may stay below `min_members` before it dissolves.
        dissolve_after_months: u32 = 6, range(1, 600), unit("months");
        /// A leader founds a new team only where some category's coverage is below this (there is unmet need).
        found_below_coverage: f64 = 0.95, range(0.0, 1.0), unit("share of demand");
        /// Share of an old team's members who follow a leader who splits off a new team.
        split_share: f64 = 0.4, range(0.0, 1.0), unit("share");
        /// Monthly call-out of members of a led resident team to activities the leader organises.
        leader_callout: f64 = 0.5, range(0.0, 1.0), unit("probability/month");
        /// Phases co-decided by members of teams founded by resident leaders.
        team_autonomy: Autonomy = Autonomy::all();
    }
}

params! {
    /// Motivation crowding (Frey & Jegen 2001; Deci et al. 1999): per month,
    /// m += recognition·R − reward·X·m − control·K·m, with X the reward intensity and K the control share.
    pub struct Crowding {
        /// Crowding-out of intrinsic motivation by contingent rewards.
        reward: f64 = 0.02, range(0.0, 1.0), unit("1/month per unit reward intensity");
        /// Crowding-out by administrative control (tasks assigned from above).
        control: f64 = 0.02, range(0.0, 1.0), unit("1/month per unit control share");
        /// Crowding-in by recognition and positive feedback (Deci et al.: d = +0.33).
        recognition: f64 = 0.01, range(0.0, 1.0), unit("1/month per unit recognition");
    }
}

params! {
    /// Skill growth: by doing, by training, from team peers.
    pub struct Learning {
        /// Learning by doing: skill += rate·(1 − skill) per active month.
        by_doing: f64 = 0.02, range(0.0, 1.0), unit("1/month");
        /// Skill gained per training session: skill += gain·(1 − skill).
        training_gain: f64 = 0.1, range(0.0, 1.0), unit("1/session");
        /// Peer learning toward the team leader's skill per active month.
        from_leader: f64 = 0.03, range(0.0, 1.0), unit("1/month");
        /// Knowledge-transfer hours per month an active member of a led team receives from the leader.
        peer_hours: f64 = 1.0, range(0.0, 100.0), unit("hours/month");
        /// Training hours per session (for the knowledge flow measure).
        session_hours: f64 = 2.0, range(0.0, 100.0), unit("hours/session");
    }
}

params! {
    /// Service output = hours × skill factor × material factor × legitimacy scope (Ostrom 1996: inputs as complements).
    pub struct Production {
        /// Effectiveness of an hour at skill 0 (relative to skill 1).
        skill_floor: f64 = 0.4, range(0.0, 1.0), unit("1");
        /// Materials a service hour needs.
        material_cost_per_hour: f64 = 6.0, range(0.0, 10_000.0), unit("yuan/hour");
        /// Effectiveness of an hour with no materials.
        material_floor: f64 = 0.6, range(0.0, 1.0), unit("1");
        /// Materials volunteers bring themselves (in-kind self-funding).
        self_materials_per_hour: f64 = 1.0, range(0.0, 10_000.0), unit("yuan/hour");
        /// Share of each team's output that can be redeployed to whichever categories have unmet need (surges, epidemics [000]).
        redeploy_share: f64 = 0.3, range(0.0, 1.0), unit("share");
        /// Reach of a team with no legitimacy source at all, relative to one with some [002: unregistered groups cannot act widely].
        unrecognised_scope: f64 = 0.7, range(0.0, 1.0), unit("1");
    }
}

params! {
    /// Trust moves toward a target each month (social capital responds to service and co-production).
    pub struct Trust {
        /// Monthly adaptation rate.
        adapt_rate: f64 = 0.05, range(0.0, 1.0), unit("1/month");
        /// Target trust in government at zero coverage and no council.
        government_base: f64 = 0.4, range(0.0, 1.0), unit("1");
        /// Increase of the government target per unit service coverage.
        government_coverage: f64 = 0.3, range(0.0, 1.0), unit("1");
        /// Increase of the government target when a deliberation council gives residents a say.
        government_voice: f64 = 0.1, range(0.0, 1.0), unit("1");
        /// Target trust in neighbours with nobody active in one's building.
        neighbours_base: f64 = 0.3, range(0.0, 1.0), unit("1");
        /// Increase of the neighbours target per unit share of building residents active.
        neighbours_activity: f64 = 1.5, range(0.0, 10.0), unit("1");
        /// Increase of the neighbours target when co-production bodies exist (council).
        neighbours_coproduction: f64 = 0.1, range(0.0, 1.0), unit("1");
    }
}

params! {
    /// Peer recruitment: active volunteers ask someone they know.
    pub struct Peers {
        /// Probability per month that an active volunteer asks one of their ties.
        ask_rate: f64 = 0.4, range(0.0, 1.0), unit("probability/month");
        /// Multiplier of the ask rate for core volunteers and leaders.
        core_multiplier: f64 = 2.0, range(0.0, 100.0), unit("1");
        /// How much a covered need damps asking: ask rate × (1 − s·coverage of the team's category). People recruit when there is work to do.
        need_sensitivity: f64 = 1.0, range(0.0, 1.0), unit("1");
    }
}

params! {
    /// Organisations recruit to fill the work they have (Hager & Brudney 2004: volunteer
    /// management matches recruits to tasks): campaigns, social workers' outreach and
    /// enterprise programmes ask at full strength while more than `slack` of the revealed demand
    /// in a team's category is unmet, and taper linearly to no asks as it is met. Without it a
    /// resource-rich community keeps recruiting volunteers for whom there is nothing to do.
    pub struct Recruitment {
        /// Unmet share of revealed demand below which organisations' asks taper (1 = asks ∝ unmet share; ≥ 1 − lowest coverage = no effect until then).
        slack: f64 = 0.2, range(0.01, 1.0), unit("share of demand");
        /// Share of asks organisations keep making when the need is met (1 = recruit regardless of need: the rule off).
        floor: f64 = 0.0, range(0.0, 1.0), unit("share of asks");
    }
}

/// Co-production phases (Nabatchi, Sancino & Sicilia 2017; Osborne via [002]) in which team
/// members co-decide. Delivery is always co-produced by volunteers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Autonomy {
    /// Members decide which services to commission.
    #[serde(default)]
    pub commissioning: bool,
    /// Members design the service.
    #[serde(default)]
    pub design: bool,
    /// Members take part in assessing the service.
    #[serde(default)]
    pub assessment: bool,
}
impl Autonomy {
    pub fn all() -> Self {
        Self { commissioning: true, design: true, assessment: true }
    }
    pub fn design_only() -> Self {
        Self { commissioning: false, design: true, assessment: false }
    }
}
impl Check for Autonomy {}

params! {
    /// Who holds which resources.
    pub struct Actors {
        /// The street office / residents' committee / party branch.
        government: Government = Government::default();
        /// Social organisations and social-work agencies with their social workers.
        social_organisations: Vec<SocialOrganisation> = Vec::new();
        /// Enterprises doing CSR in the community.
        enterprises: Vec<Enterprise> = Vec::new();
        /// The community fund and charitable resources (absent = none).
        community_fund: Option<CommunityFund> = None;
    }
}

params! {
    /// Government (政府): budget, staff, teams it founds [001, 002].
    pub struct Government {
        /// Money government makes available each month for this community's instruments.
        budget_per_month: f64 = 0.0, range(0.0, 1e9), unit("yuan/month");
        /// Staff hours on grassroots governance tasks each month.
        staff_task_hours: f64 = 250.0, range(0.0, 1e7), unit("hours/month");
        /// Staff hours of direct service delivery each month.
        staff_service_hours: f64 = 150.0, range(0.0, 1e7), unit("hours/month");
        /// Volunteer teams government founds and registers at the start (Y community: 8 associations [002]).
        founds_teams: u32 = 0, range(0, 4096), unit("teams");
        /// Share of the hours of government-registered teams spent on tasks government assigns.
        assigned_task_share: f64 = 0.0, range(0.0, 1.0), unit("share of hours");
        /// Share of members of government-founded teams given a training lecture each month.
        training_share: f64 = 0.0, range(0.0, 1.0), unit("share/month");
        /// Phases co-decided by members of government-founded teams.
        team_autonomy: Autonomy = Autonomy::default();
        /// Activity call-out of government-founded teams outside campaigns (organised events).
        routine_callout: f64 = 0.0, range(0.0, 1.0), unit("probability/month");
    }
}

params! {
    /// A social organisation / social-work agency (社会组织, 社工机构) [001, 002, 004].
    pub struct SocialOrganisation {
        /// Name, used by purchase-of-services contracts and events.
        name: String = String::new();
        /// Month the organisation starts working in the community.
        start_month: u32 = 0, range(0, 6000), unit("month");
        /// Social workers it employs when fully funded.
        social_workers: u32 = 4, range(0, 100_000), unit("persons");
        /// Monthly cost of one social worker.
        wage_per_worker: f64 = 6000.0, range(0.0, 1e7), unit("yuan/month");
        /// Money in hand at the start.
        initial_funds: f64 = 0.0, range(0.0, 1e10), unit("yuan");
        /// Outside foundation grants received each month (charitable resources).
        foundation_grant_per_month: f64 = 0.0, range(0.0, 1e9), unit("yuan/month");
        /// Residents asked to volunteer per social worker per month (outreach).
        outreach_per_worker: f64 = 40.0, range(0.0, 100_000.0), unit("asks/month");
        /// Volunteers trained per social worker per month.
        trainees_per_worker: f64 = 10.0, range(0.0, 100_000.0), unit("sessions/month");
        /// Direct service hours per social worker per month.
        service_hours_per_worker: f64 = 60.0, range(0.0, 1000.0), unit("hours/month");
        /// Share of a social worker's hours spent on tasks government assigns (when funded by purchase).
        assigned_task_share: f64 = 0.15, range(0.0, 1.0), unit("share of hours");
        /// Teams it incubates at the start, under its umbrella.
        incubates_teams: u32 = 1, range(0, 4096), unit("teams");
        /// Whether its registration lends umbrella legitimacy to the teams it incubates [002].
        umbrella: bool = true;
        /// When it starts, the teams government founded come under it: it trains them, recruits into them and (with `umbrella`) lends them its legitimacy. Y community's eight associations are not registered themselves but belong to the registered M social service centre [002].
        adopts_government_teams: bool = false;
        /// Share of its income passed to its teams for materials.
        pass_through_share: f64 = 0.15, range(0.0, 1.0), unit("share");
        /// Monthly call-out of its teams' members to organised activities.
        routine_callout: f64 = 0.5, range(0.0, 1.0), unit("probability/month");
        /// Multiplier on leader emergence among its volunteers (leader discovery, proposal contests [001]).
        leader_discovery: f64 = 1.0, range(0.0, 100.0), unit("1");
        /// Phases co-decided by members of teams it incubates.
        team_autonomy: Autonomy = Autonomy::design_only();
    }
}

params! {
    /// An enterprise doing CSR (企业) [001: Lianjia, IKEA Heshun].
    pub struct Enterprise {
        /// Name, used by events.
        name: String = String::new();
        /// Month the enterprise starts.
        start_month: u32 = 0, range(0, 6000), unit("month");
        /// Project horizon: months it stays engaged (IKEA community centre: 60 [001]).
        horizon_months: u32 = 60, range(1, 6000), unit("months");
        /// Donations each month while engaged.
        donation_per_month: f64 = 0.0, range(0.0, 1e9), unit("yuan/month");
        /// Share of donations to its own volunteer teams.
        to_own_teams: f64 = 0.5, range(0.0, 1.0), unit("share");
        /// Share of donations buying management services from the social organisations.
        to_social_organisations: f64 = 0.3, range(0.0, 1.0), unit("share");
        /// Share of donations to the community fund.
        to_community_fund: f64 = 0.2, range(0.0, 1.0), unit("share");
        /// Employees who may volunteer in the community (brought-in volunteers).
        employees: u32 = 0, range(0, 1_000_000), unit("persons");
        /// Share of its employees asked each month by the volunteering programme.
        employee_ask_share: f64 = 0.3, range(0.0, 1.0), unit("share/month");
        /// Residents its community programme asks to volunteer each month (centre activities, store events).
        resident_outreach_per_month: f64 = 0.0, range(0.0, 1e6), unit("asks/month");
        /// Service hours delivered by its stores as service points (Lianjia's ten services [001]).
        store_service_hours: f64 = 0.0, range(0.0, 1e7), unit("hours/month");
        /// Volunteer teams it sets up at start, under its umbrella.
        founds_teams: u32 = 1, range(0, 4096), unit("teams");
        /// Phases co-decided by members of its teams.
        team_autonomy: Autonomy = Autonomy::default();
        /// Monthly call-out of its teams' members to organised activities.
        routine_callout: f64 = 0.4, range(0.0, 1.0), unit("probability/month");
    }
}

params! {
    /// Community fund and local charitable resources (社区基金) [001: Changshouyuan barber shop].
    pub struct CommunityFund {
        /// Balance at the start.
        initial_balance: f64 = 0.0, range(0.0, 1e10), unit("yuan");
        /// Local merchants contributing.
        merchants: u32 = 0, range(0, 1_000_000), unit("merchants");
        /// Contribution per merchant per month.
        merchant_contribution: f64 = 20.0, range(0.0, 1e7), unit("yuan/month");
        /// Income of community-run social enterprises (e.g. the barber shop) each month.
        social_enterprise_income: f64 = 0.0, range(0.0, 1e9), unit("yuan/month");
        /// Monthly donation of each resident whose satisfaction with services is high.
        resident_donation: f64 = 0.0, range(0.0, 1e5), unit("yuan/month per donor");
        /// Coverage above which residents donate.
        donor_coverage_threshold: f64 = 0.5, range(0.0, 1.0), unit("share");
        /// Share of residents who donate when coverage is above the threshold.
        donor_share: f64 = 0.02, range(0.0, 1.0), unit("share");
        /// Share of the balance granted to teams each month.
        grant_rate: f64 = 0.15, range(0.0, 1.0), unit("share/month");
    }
}

params! {
    /// Policy instruments; each is off unless present.
    pub struct Instruments {
        /// Administrative mobilisation campaigns (运动式动员).
        mobilisation_campaigns: Option<Campaigns> = None;
        /// Direct subsidies to government-registered teams.
        direct_subsidies: Option<Subsidies> = None;
        /// Government purchase of services from a social organisation (政府购买服务).
        purchase_of_services: Vec<Purchase> = Vec::new();
        /// Registration / filing of teams with government (备案).
        registration: Option<Registration> = None;
        /// Points or time-bank incentives redeemable at merchants (积分制, 时间银行).
        points: Option<Points> = None;
        /// Deliberation council (议事会) giving residents a say.
        deliberation_council: Option<Council> = None;
        /// Coordination platform pooling partners' resources across teams (联动平台).
        coordination_platform: Option<Platform> = None;
        /// A small self-managed cell in every building (楼栋自治小组, "一长三员").
        building_cells: Option<BuildingCells> = None;
    }
}

params! {
    /// Building cells: "make organisations small and backbones many" (把组织划小、让骨干增多) —
    /// Changshouyuan forms, building by building, a self-management group of one head and three
    /// officers (一长三员) whose members are self-nominated or recommended and elected, serve
    /// unpaid and look after the courtyard's sanitation, safety and other services [001]. A cell
    /// is a resident team tied to one building; its active members ask neighbours in that
    /// building to join, so it recruits where it lives.
    pub struct BuildingCells {
        /// First month cells may form.
        start_month: u32 = 0, range(0, 6000), unit("month");
        /// Residents who found a cell: a head (its leader) and officers (core members); the seed's 一长三员 is 4.
        cell_size: u32 = 4, range(1, 100), unit("persons");
        /// Monthly probability that a building without a cell forms one (assumption: most buildings have one within two years).
        formation_rate: f64 = 0.1, range(0.0, 1.0), unit("probability/month");
        /// Probability per month that an active cell member asks a neighbour in the building to join the cell.
        asks_per_member: f64 = 0.5, range(0.0, 1.0), unit("probability/month");
        /// Cells are filed with government (formed under the courtyard party branch [001]), which gives them government legitimacy.
        filed: bool = true;
    }
}

params! {
    /// Periodic mobilisation campaigns by government.
    pub struct Campaigns {
        /// First month with a campaign.
        start_month: u32 = 0, range(0, 6000), unit("month");
        /// Whether campaigns recur every interval (false: only campaigns scheduled as events).
        periodic: bool = true;
        /// Months between campaign starts.
        interval_months: u32 = 4, range(1, 600), unit("months");
        /// Months each campaign lasts.
        duration_months: u32 = 1, range(1, 600), unit("months");
        /// Share of non-volunteering residents asked during a campaign month.
        reach: f64 = 0.25, range(0.0, 1.0), unit("share/month");
        /// Probability members of government teams are called out in a campaign month.
        callout: f64 = 0.9, range(0.0, 1.0), unit("probability");
        /// Cost of each campaign month.
        cost_per_month: f64 = 8000.0, range(0.0, 1e9), unit("yuan/month");
    }
}

params! {
    /// Direct subsidies to teams registered with government.
    pub struct Subsidies {
        /// Per team per month.
        per_team: f64 = 600.0, range(0.0, 1e8), unit("yuan/month");
        /// Per active member per month.
        per_active_member: f64 = 8.0, range(0.0, 1e6), unit("yuan/month");
    }
}

params! {
    /// A purchase-of-services contract; project cycles are mostly one year (an assumption; [004]: project funding is unstable).
    pub struct Purchase {
        /// Name of the social organisation contracted (must exist in actors.social_organisations).
        social_organisation: String = String::new();
        /// First month of the first contract.
        start_month: u32 = 0, range(0, 6000), unit("month");
        /// Contract value per month.
        amount_per_month: f64 = 30_000.0, range(0.0, 1e9), unit("yuan/month");
        /// Contract length.
        contract_months: u32 = 12, range(1, 600), unit("months");
        /// Renewal probability at the end of a contract at coverage 0.5.
        renewal_base: f64 = 0.75, range(0.0, 1.0), unit("probability");
        /// Change of the renewal probability per unit coverage above 0.5 (performance assessment).
        renewal_performance: f64 = 0.6, range(0.0, 5.0), unit("probability per unit coverage");
        /// Last month any contract may run (the programme ends then); 0 = no end.
        programme_end_month: u32 = 0, range(0, 6000), unit("month");
    }
}

params! {
    /// Filing of resident-led teams with government gives them legitimacy [001: 推动志愿服务组织的备案制度].
    pub struct Registration {
        /// Monthly probability that a led team without government registration gets filed.
        filing_rate: f64 = 0.1, range(0.0, 1.0), unit("probability/month");
    }
}

params! {
    /// Points / time bank: hours earn points redeemable at merchants [000: Rongcheng; 001: Hemei].
    pub struct Points {
        /// First month of the scheme.
        start_month: u32 = 0, range(0, 6000), unit("month");
        /// Last month of the scheme; 0 = no end.
        end_month: u32 = 0, range(0, 6000), unit("month");
        /// Points per volunteer hour.
        points_per_hour: f64 = 1.0, range(0.0, 1000.0), unit("points/hour");
        /// Value of a point at merchants.
        value_per_point: f64 = 3.0, range(0.0, 10_000.0), unit("yuan/point");
        /// Reward value per hour that counts as reward intensity 1.
        reference_value_per_hour: f64 = 10.0, range(0.01, 10_000.0), unit("yuan/hour");
        /// Who pays redemptions.
        funder: Funder = Funder::Merchants;
        /// Share of points that are redeemed.
        redemption_share: f64 = 0.6, range(0.0, 1.0), unit("share");
        /// Rivalness: how much the value shrinks as more residents take part (Kitts 2006); 0 = fixed per hour.
        rivalness: f64 = 0.0, range(0.0, 1.0), unit("1");
        /// Recognition value of the scheme (public ranking, thanks), in [0,1].
        recognition: f64 = 0.5, range(0.0, 1.0), unit("1");
        /// Most the funder pays for redemptions each month (merchants: the discounts they agreed to give); unpaid redemptions lower the scheme's value. Assumption of Hemei's order: 387 merchants, 10,900+ points redeemed in all [001].
        budget_per_month: f64 = 2000.0, range(0.0, 1e9), unit("yuan/month");
    }
}

/// Who pays point redemptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Funder {
    /// Merchants absorb redemptions as discounts (outside money).
    Merchants,
    /// Government budget.
    Government,
    /// The community fund.
    CommunityFund,
}
impl Check for Funder {}

/// Who pays an instrument's running costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Payer {
    /// Government budget (after contracts and campaigns, before subsidies).
    Government,
    /// The community fund.
    CommunityFund,
}
impl Check for Payer {}

params! {
    /// Deliberation council (议事会): residents co-commission and co-assess services [001: Changshouyuan].
    pub struct Council {
        /// First month the council sits.
        start_month: u32 = 0, range(0, 6000), unit("month");
        /// Multiplier on leader emergence (elected representatives surface leaders).
        leader_boost: f64 = 1.5, range(0.0, 100.0), unit("1");
        /// Running cost (venue, secretary, meetings); the council sits only in months it is paid (assumption).
        cost_per_month: f64 = 1000.0, range(0.0, 1e9), unit("yuan/month");
        /// Who pays the running cost.
        payer: Payer = Payer::Government;
    }
}

params! {
    /// Coordination platform: partners' team-directed resources are pooled across all teams [001: Beilangdong coordination group].
    pub struct Platform {
        /// First month the platform runs.
        start_month: u32 = 0, range(0, 6000), unit("month");
        /// Share of partners' team-directed money and training pooled across all teams.
        pooling_share: f64 = 0.5, range(0.0, 1.0), unit("share");
        /// Running cost (a part-time coordinator, meetings); the platform runs only in months it is paid (assumption).
        cost_per_month: f64 = 3000.0, range(0.0, 1e9), unit("yuan/month");
        /// Who pays the running cost.
        payer: Payer = Payer::Government;
    }
}

params! {
    /// Settings of the measures (docs/ODD.md §7.9, §7.10).
    pub struct MeasureSettings {
        /// Rolling window W of the flow-based measures (source shares, funding, cost).
        window_months: u32 = 12, range(1, 120), unit("months");
        /// A resident counts as active if they served in the last this-many months (CASS 2021 asks about 3 months).
        active_window_months: u32 = 3, range(1, 12), unit("months");
        /// A volunteer is regular with at least this many active months of the last 12.
        regular_min_months: u32 = 6, range(1, 12), unit("months");
        /// Importance I(v,k) of each resource dimension to volunteer teams (P&S criticality).
        importance: Dimensions = Dimensions::ones();
        /// Weights w_k of the dimensions in overall dependence (must sum to 1).
        weights: Dimensions = Dimensions::quarters();
        /// Importance I(g,m) of government's needs met by volunteers [002: 基层治理 and 政绩].
        government_importance: GovernmentNeeds = GovernmentNeeds::default();
        /// Weights w'_m of government's needs (must sum to 1).
        government_weights: GovernmentNeeds = GovernmentNeeds::halves();
        /// Government share of a dimension at or above which the dimension counts as sole dependence (唯一性依赖).
        sole_dependence_threshold: f64 = 0.9, range(0.5, 1.0), unit("share");
        /// Weight of service delivery among a partner's (social organisation's, enterprise's) needs; the rest is money, which volunteers do not supply: D(p←v) = weight × volunteers' share of the partner's programme output (assumption: equal weights).
        partner_delivery_weight: f64 = 0.5, range(0.0, 1.0), unit("share");
        /// Legitimacy weight of each source a team holds.
        legitimacy: LegitimacyWeights = LegitimacyWeights::default();
        /// Months before an event whose mean coverage is the baseline Q_pre of the shock measures (Bruneau et al. 2003).
        shock_baseline_months: u32 = 12, range(1, 120), unit("months");
        /// Horizon H after an event over which the shock measures are computed.
        shock_horizon_months: u32 = 36, range(1, 600), unit("months");
        /// Coverage counts as recovered at this share of Q_pre.
        recovery_threshold: f64 = 0.9, range(0.0, 1.0), unit("share of Q_pre");
        /// Months coverage must stay recovered (about 8 weeks; an assumption).
        recovery_hold_months: u32 = 2, range(1, 120), unit("months");
    }
}

params! {
    /// One value per resource dimension (seed [002]: 身份认同, 资金, 人力, 知识).
    pub struct Dimensions {
        /// Legitimacy (registration, umbrella, endorsement).
        legitimacy: f64 = 1.0, range(0.0, 1.0), unit("1");
        /// Funding.
        funding: f64 = 1.0, range(0.0, 1.0), unit("1");
        /// Human resources (volunteer hours by recruitment channel).
        human: f64 = 1.0, range(0.0, 1.0), unit("1");
        /// Knowledge (training hours by provider).
        knowledge: f64 = 1.0, range(0.0, 1.0), unit("1");
    }
}
impl Dimensions {
    pub fn ones() -> Self {
        Self { legitimacy: 1.0, funding: 1.0, human: 1.0, knowledge: 1.0 }
    }
    pub fn quarters() -> Self {
        Self { legitimacy: 0.25, funding: 0.25, human: 0.25, knowledge: 0.25 }
    }
    pub fn as_array(&self) -> [f64; 4] {
        [self.legitimacy, self.funding, self.human, self.knowledge]
    }
}

params! {
    /// One value per government need met by volunteers [002].
    pub struct GovernmentNeeds {
        /// Grassroots governance tasks (patrols, inspections, campaign duty).
        governance: f64 = 0.5, range(0.0, 1.0), unit("1");
        /// Performance credit (政绩): service output under government programmes.
        performance: f64 = 0.5, range(0.0, 1.0), unit("1");
    }
}
impl GovernmentNeeds {
    pub fn halves() -> Self {
        Self { governance: 0.5, performance: 0.5 }
    }
}

params! {
    /// Legitimacy tokens a team holds, per member, by source.
    pub struct LegitimacyWeights {
        /// Registered or filed with government.
        government: f64 = 1.0, range(0.0, 10.0), unit("1");
        /// Under a registered social organisation's umbrella.
        social_organisation: f64 = 1.0, range(0.0, 10.0), unit("1");
        /// Under an enterprise's umbrella.
        enterprise: f64 = 0.6, range(0.0, 10.0), unit("1");
        /// Endorsed by residents through the deliberation council (self-provided legitimacy).
        council: f64 = 0.6, range(0.0, 10.0), unit("1");
        /// Standing of a team that has nothing else (self-provided).
        informal: f64 = 0.2, range(0.0, 10.0), unit("1");
    }
}
