//! Entities and state variables (ODD §2): residents as plain data in contiguous arrays,
//! volunteer teams, and the small enums that name sources, channels and categories.

/// Volunteer state of a resident, ordered by depth of involvement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum State {
    Inactive = 0,
    Occasional = 1,
    Regular = 2,
    Core = 3,
    Leader = 4,
}

/// Suppliers of resources to volunteer forces (government, social organisations, enterprises, community fund, residents: docs/ODD.md §7.9).
pub const SOURCES: usize = 5;
pub const GOV: usize = 0;
pub const SO: usize = 1;
pub const ENT: usize = 2;
pub const FUND: usize = 3;
/// Residents themselves: self-provision, peer recruitment, council endorsement.
pub const SELF: usize = 4;
pub const SOURCE_NAMES: [&str; SOURCES] =
    ["government", "social_organisation", "enterprise", "community_fund", "residents"];

/// Resource dimensions of dependence (seed 002).
pub const DIMENSIONS: usize = 4;
pub const LEGITIMACY: usize = 0;
pub const FUNDING: usize = 1;
pub const HUMAN: usize = 2;
pub const KNOWLEDGE: usize = 3;
pub const DIMENSION_NAMES: [&str; DIMENSIONS] = ["legitimacy", "funding", "human", "knowledge"];

/// Recruitment channel through which a volunteer joined; it is the source of the human
/// resource dimension, so each channel's value is its source index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Channel {
    /// A government mobilisation campaign.
    Government = GOV as u8,
    /// A social worker's outreach.
    SocialOrganisation = SO as u8,
    /// An enterprise's programme (its employees, or residents its community programme reaches).
    Enterprise = ENT as u8,
    /// A neighbour or friend, or self-motivated from the start.
    Residents = SELF as u8,
}

impl Channel {
    /// The source (`GOV`, `SO`, `ENT` or `SELF`) the hours of a volunteer recruited this way count for.
    #[inline]
    pub fn source(self) -> usize {
        self as usize
    }
}

/// Service categories (docs/ODD.md §2: the community platform's demand).
pub const CATEGORIES: usize = 6;
pub const EMERGENCY: usize = 5;
pub const CATEGORY_NAMES: [&str; CATEGORIES] =
    ["elder_care", "children", "environment", "safety", "mediation", "emergency"];

/// Marker for "no team" / "no leader" / "no building".
pub const NO_TEAM: u16 = u16::MAX;
pub const NOBODY: u32 = u32::MAX;
/// A team not tied to a building.
pub const NO_BUILDING: u32 = u32::MAX;

/// Who founded a team and so who directs its resources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sponsor {
    Government,
    SocialOrganisation(u8),
    Enterprise(u8),
    Residents,
}

/// Co-production phase bits (delivery is always co-produced by volunteers).
pub const PHASE_COMMISSIONING: u8 = 1;
pub const PHASE_DESIGN: u8 = 2;
pub const PHASE_ASSESSMENT: u8 = 4;

pub fn autonomy_bits(a: &crate::scenario::Autonomy) -> u8 {
    ((a.commissioning as u8) * PHASE_COMMISSIONING)
        | ((a.design as u8) * PHASE_DESIGN)
        | ((a.assessment as u8) * PHASE_ASSESSMENT)
}

/// Declares [`Agents`]: its per-agent columns are listed once, and reserving room, counting
/// bytes and borrowing chunks for the residents pass go over all of them.
macro_rules! agent_columns {
    ($( $(#[doc = $doc:literal])* $field:ident: $ty:ty, )*) => {
        /// Residents and brought-in volunteers as a structure of arrays. Index < `residents` are
        /// residents of the community; the rest are brought-in volunteers (enterprise employees).
        #[derive(Clone, Debug, Default)]
        pub struct Agents {
            pub residents: usize,
            /// Residents per building: resident i lives in building i / per_building (residents are
            /// placed in index order, so the building needs no storage).
            pub per_building: usize,
            /// Bit b set = active b steps ago, counted from the step being run (bit 0 = this
            /// step): the end of the residents pass moves every history on, so between steps
            /// bit 1 is the step just run. Not among the columns below: the residents pass reads
            /// ties' history while each chunk writes its own columns.
            pub history: Vec<u32>,
            $( $(#[doc = $doc])* pub $field: Vec<$ty>, )*
        }

        impl Agents {
            /// Make room for exactly `n` agents in every column.
            pub fn reserve_exact(&mut self, n: usize) {
                self.history.reserve_exact(n);
                $( self.$field.reserve_exact(n); )*
            }

            /// A copy of these agents with room for exactly `extra` more in every column.
            pub fn copy_with_room(&self, extra: usize) -> Agents {
                fn copy<T: Copy>(v: &[T], extra: usize) -> Vec<T> {
                    let mut c = Vec::with_capacity(v.len() + extra);
                    c.extend_from_slice(v);
                    c
                }
                Agents {
                    residents: self.residents,
                    per_building: self.per_building,
                    history: copy(&self.history, extra),
                    $( $field: copy(&self.$field, extra), )*
                }
            }

            /// Bytes held by the columns, from their capacities.
            pub fn bytes(&self) -> usize {
                self.history.capacity() * std::mem::size_of::<u32>()
                    $( + self.$field.capacity() * std::mem::size_of::<$ty>() )*
            }

            /// Every column but history, to write, and history, to read.
            pub fn columns_mut(&mut self) -> (AgentsMut<'_>, &[u32]) {
                (AgentsMut { offset: 0, $( $field: &mut self.$field, )* }, &self.history)
            }
        }

        /// The columns (all but history) of agents `offset..offset + len`, borrowed to write:
        /// one chunk of the residents pass. Agent i is at `i - offset`.
        pub struct AgentsMut<'a> {
            pub offset: usize,
            $( pub $field: &'a mut [$ty], )*
        }

        impl<'a> AgentsMut<'a> {
            /// The first `mid` agents and the rest.
            pub fn split_at(self, mid: usize) -> (AgentsMut<'a>, AgentsMut<'a>) {
                $( let $field = self.$field.split_at_mut(mid); )*
                (
                    AgentsMut { offset: self.offset, $( $field: $field.0, )* },
                    AgentsMut { offset: self.offset + mid, $( $field: $field.1, )* },
                )
            }
        }

        /// A copy of one agent's columns (all but history), to try out its step without
        /// changing the agent.
        #[derive(Clone, Copy, Debug)]
        pub struct AgentCopy {
            $( $field: [$ty; 1], )*
        }

        impl AgentCopy {
            pub fn of(a: &Agents, i: usize) -> AgentCopy {
                AgentCopy { $( $field: [a.$field[i]], )* }
            }

            /// The copy as agent i.
            pub fn view(&mut self, i: usize) -> AgentsMut<'_> {
                AgentsMut { offset: i, $( $field: &mut self.$field, )* }
            }
        }
    };
}

agent_columns! {
    /// 0 = resident; k+1 = employee of enterprise k.
    origin: u8,
    motivation: f32,
    /// Hours per month the person could give when fully engaged.
    time_budget: f32,
    skill: f32,
    trust_government: f32,
    trust_neighbours: f32,
    satisfaction: f32,
    commitment: f32,
    state: State,
    channel: Channel,
    team: u16,
    /// Steps enrolled in the current spell.
    tenure: u16,
    /// Registered on a volunteer platform (kept after the volunteer stops).
    registered: bool,
}

impl AgentsMut<'_> {
    pub fn len(&self) -> usize {
        self.state.len()
    }
    pub fn is_empty(&self) -> bool {
        self.state.is_empty()
    }
}

impl Agents {
    pub fn len(&self) -> usize {
        self.state.len()
    }
    pub fn is_empty(&self) -> bool {
        self.state.is_empty()
    }
    /// Building of resident i (residents only).
    #[inline]
    pub fn building(&self, i: usize) -> usize {
        i / self.per_building.max(1)
    }
}

/// A volunteer team (志愿服务队).
#[derive(Clone, Debug)]
pub struct Team {
    pub alive: bool,
    /// Step at which the team dissolved (its slot is reused only after members have left).
    pub died_at: u32,
    pub sponsor: Sponsor,
    pub category: usize,
    /// Legitimacy sources held.
    pub registered: bool,
    pub so_umbrella: Option<u8>,
    pub enterprise_umbrella: Option<u8>,
    /// Phases co-decided by members (bits PHASE_*).
    pub autonomy: u8,
    pub leader: u32,
    /// Money for materials by origin (index = source), so spending keeps its provenance.
    pub funds: [f64; SOURCES],
    /// When a new team splits off, members move to it with probability `split_share`.
    pub split_to: u16,
    pub months_small: u32,
    /// The building a building cell serves (NO_BUILDING for other teams).
    pub building: u32,
    // -- read by members during a step (set before the residents pass) --
    /// Service success in the last step: coverage of the team's category × its material factor.
    pub success: f32,
    /// Probability members are called out this step.
    pub callout: f32,
    /// Whether call-out hours this step are government-assigned (campaign duty).
    pub callout_assigned: bool,
    /// Training probability per active member this step, by provider.
    pub train_so: f32,
    pub train_gov: f32,
    /// Share of hours spent on tasks assigned by government.
    pub assigned_share: f32,
    pub leader_skill: f32,
    /// Phases members co-decide this step (team autonomy plus council).
    pub phases: u8,
    // -- accumulated during the residents pass --
    pub members: u32,
    pub active: u32,
    /// Active members in the previous step (for sharing out training capacity).
    pub active_last: u32,
    pub hours: f64,
    pub assigned_hours: f64,
    pub effective_hours: f64,
}

impl Team {
    pub fn new(sponsor: Sponsor, category: usize, autonomy: u8) -> Team {
        Team {
            alive: true,
            died_at: 0,
            sponsor,
            category,
            registered: false,
            so_umbrella: None,
            enterprise_umbrella: None,
            autonomy,
            leader: NOBODY,
            funds: [0.0; SOURCES],
            split_to: NO_TEAM,
            months_small: 0,
            building: NO_BUILDING,
            success: 0.5,
            callout: 0.0,
            callout_assigned: false,
            train_so: 0.0,
            train_gov: 0.0,
            assigned_share: 0.0,
            leader_skill: 0.0,
            phases: autonomy,
            members: 0,
            active: 0,
            active_last: 0,
            hours: 0.0,
            assigned_hours: 0.0,
            effective_hours: 0.0,
        }
    }

    pub fn balance(&self) -> f64 {
        self.funds.iter().sum()
    }
}

/// A social organisation's running state.
#[derive(Clone, Debug, Default)]
pub struct SoState {
    pub started: bool,
    /// Money in hand by origin.
    pub funds: [f64; SOURCES],
    /// Social workers paid this step.
    pub workers: u32,
    /// Whether it holds a government contract this step.
    pub contracted: bool,
    /// Income received this step (for pass-through).
    pub income: [f64; SOURCES],
}

/// An enterprise's running state.
#[derive(Clone, Debug, Default)]
pub struct EntState {
    pub engaged: bool,
}

/// A purchase-of-services programme's running state.
#[derive(Clone, Debug, Default)]
pub struct ContractState {
    /// First month after the current contract (None = no contract running).
    pub runs_until: Option<u32>,
    /// The programme is over (not renewed or ended).
    pub ended: bool,
}

/// Take `amount` from a stock kept by origin, proportionally to what each origin holds.
/// Returns what was taken by origin. Never takes more than the stock holds.
pub fn draw_proportional(stock: &mut [f64; SOURCES], amount: f64) -> [f64; SOURCES] {
    let total: f64 = stock.iter().sum();
    let mut taken = [0.0; SOURCES];
    if total <= 0.0 || amount <= 0.0 {
        return taken;
    }
    let f = (amount / total).min(1.0);
    for (s, t) in stock.iter_mut().zip(taken.iter_mut()) {
        *t = *s * f;
        *s -= *t;
        if *s < 0.0 {
            *s = 0.0;
        }
    }
    taken
}
