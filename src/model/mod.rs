//! The agent-based model: entities, initialisation, the step schedule and its submodels.

pub mod entities;
pub mod events;
pub mod institutions;
pub mod ledger;
pub mod organisations;
pub mod population;
pub mod residents;
pub mod rng;
mod scratch;
pub mod teams;
pub mod world;

pub use ledger::StepRecord;
pub use world::World;

#[cfg(test)]
mod tests;
