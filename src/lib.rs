//! govsim: an agent-based simulator of community governance under five-society linkage (五社联动).
//!
//! Data flows one way: scenario file → validated [`scenario::Scenario`] → `model::World` →
//! monthly `step` → `measures` → `experiment` summaries → `output` files.

pub mod builtin;
pub mod calibrate;
mod error;
pub mod experiment;
pub mod lang;
pub mod limits;
pub mod load;
pub mod measures;
pub mod model;
pub mod output;
pub mod region;
pub mod report;
pub mod scenario;
pub mod sensitivity;
pub mod sweep;
pub mod version;

pub use error::{Error, ErrorKind};
