//! Which govsim made a file: the package version, the git commit it was built from and whether
//! the tree had uncommitted changes (set by build.rs; "unknown" outside a git checkout). Written
//! into every summary.json, sweep manifest and block sidecar, and into provenance.json. Not into
//! the resolved sweep.json or calibration.json, whose text identifies the work for resuming: a
//! rebuild at another commit may resume a sweep; its blocks' sidecars say which build ran each.

/// The package version (Cargo.toml).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commit govsim was built from (`git rev-parse HEAD` at build time), or "unknown".
pub const COMMIT: &str = match option_env!("GOVSIM_COMMIT") {
    Some(c) => c,
    None => "unknown",
};

/// Whether tracked files had changes not committed when govsim was built.
pub const MODIFIED: bool = option_env!("GOVSIM_MODIFIED").is_some();
