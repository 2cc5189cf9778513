//! Helpers shared by the integration tests, as ripgrep's `tests/util.rs`: where the repository
//! and the shipped driver models are, the `govsim` binary, files govsim writes (JSON, CSV,
//! hidden leftovers) and the statistics of the pattern tests. Every test file declares
//! `mod common;` and compiles its own copy, using only part of it: hence `allow(dead_code)`.
#![allow(dead_code)]

pub mod cli;
pub mod files;
pub mod stats;

// the helpers most files use, by their short names
#[allow(unused_imports)]
pub use cli::{bin, govsim, stderr};
#[allow(unused_imports)]
pub use files::{read_json, write_json, Csv};
#[allow(unused_imports)]
pub use stats::{paired, window};

use govsim::scenario::{self, Scenario};
use std::path::{Path, PathBuf};

/// The five driver models of the seeds, in the order of the README.
pub const DRIVERS: [&str; 5] =
    ["government-driven", "social-organisation-driven", "enterprise-driven", "volunteer-led", "multi-actor"];

/// The repository's root folder, wherever the test binary is started from.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file or folder of the repository by its path from the root (`scenarios/drivers`).
pub fn repo(relative: &str) -> PathBuf {
    root().join(relative)
}

/// The folder of the shipped driver models.
pub fn drivers_dir() -> PathBuf {
    repo("scenarios/drivers")
}

/// The shipped scenario file of a driver model.
pub fn driver_file(name: &str) -> PathBuf {
    drivers_dir().join(format!("{name}.json"))
}

/// A shipped driver model, loaded and validated.
pub fn driver(name: &str) -> Scenario {
    load(&driver_file(name))
}

/// A scenario file, loaded and validated; its error message on failure.
pub fn load(file: &Path) -> Scenario {
    scenario::load(file).unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh temporary folder, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

/// A shipped JSON Schema file (`file`, from the root) is the schema govsim generates, and
/// `govsim ARGS` prints it; `args` (`schema --sweep`) regenerates a stale file.
pub fn assert_shipped_schema(file: &str, generated: &serde_json::Value, args: &str) -> serde_json::Value {
    let shipped = read_json(&repo(file));
    assert_eq!(&shipped, generated, "{file} is stale: run `cargo run -- {args} > {file}`");
    let printed = govsim().args(args.split(' ')).assert().success().get_output().stdout.clone();
    let printed: serde_json::Value = serde_json::from_slice(&printed).unwrap();
    assert_eq!(printed, shipped, "`govsim {args}` prints another schema than {file}");
    shipped
}
