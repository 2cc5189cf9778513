//! Parameter sweeps (`govsim sweep`, `govsim merge`): a sweep file names scenarios, factors
//! (scenario parameters by path, with bounds or levels), a design, replications and outputs.
//! The sweep expands to one global ordered run list — scenario × design point × replication —
//! cut into fixed blocks of consecutive runs. Shard s of N runs the blocks b with b mod N = s;
//! every run depends only on (seed, run index), so results never depend on shards or threads.
//! Each block is written atomically to `DIR/blocks/` with a sidecar holding its length and
//! checksum; a rerun skips complete blocks and reruns missing or damaged ones, and
//! `govsim merge` checks every run is present once and intact and writes `runs.csv`,
//! `points.csv` and `manifest.json` (last, with their checksums).
//!
//! Files: [`spec`] the sweep file format, [`path`] setting a parameter by path, [`design`] design
//! points, [`limits`] the bounds and size limits checked first, [`plan`] resolving and checking a
//! sweep before running (the scenario of every point built once), [`shard`] shards and scheduler array variables, [`blocks`] block files
//! and their integrity, [`run`] running blocks, [`merge`] merging, [`analyze`] sensitivity
//! indices and charts, [`discover`] scenario discovery (PRIM).

pub mod analyze;
pub mod blocks;
pub mod design;
pub mod discover;
pub mod label;
pub mod limits;
pub mod merge;
pub mod path;
pub mod plan;
pub mod run;
pub mod shard;
pub mod spec;

pub use plan::{prepare, Plan, Resolved};
pub use spec::SweepFile;

/// The JSON Schema of sweep files.
pub fn schema() -> serde_json::Value {
    spec::schema()
}
