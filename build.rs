//! Records the commit govsim is built from (`GOVSIM_COMMIT`, shown in reports' provenance) and
//! whether the tree had changes not committed (`GOVSIM_MODIFIED`), and the line `govsim --version`
//! prints (`GOVSIM_VERSION_LINE`: "0.1.0 (commit 1a2b3c4d5e6f, modified)"); outside a git
//! checkout, or without git, the commit is unknown.

use std::process::Command;

fn main() {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string())
    };
    let commit = git(&["rev-parse", "HEAD"]).filter(|c| !c.is_empty());
    if let Some(commit) = &commit {
        println!("cargo:rustc-env=GOVSIM_COMMIT={commit}");
    }
    // changes to tracked files not yet committed (untracked files such as output/ do not count)
    let modified =
        commit.is_some() && git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    if modified {
        println!("cargo:rustc-env=GOVSIM_MODIFIED=1");
    }
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let line = match &commit {
        Some(c) => format!("{version} (commit {}{})", &c[..c.len().min(12)], if modified { ", modified" } else { "" }),
        None => format!("{version} (commit unknown: built outside a git checkout)"),
    };
    println!("cargo:rustc-env=GOVSIM_VERSION_LINE={line}");
    // rebuild when HEAD moves (a commit, a checkout): HEAD and the branch it names
    for what in ["HEAD", "refs/heads"] {
        if let Some(p) = git(&["rev-parse", "--git-path", what]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    // and when a tracked file changes, for the "modified" mark (cargo scans these folders)
    for what in ["src", "assets", "scenarios", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={what}");
    }
    if let Some(p) = git(&["rev-parse", "--git-path", "index"]) {
        println!("cargo:rerun-if-changed={p}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
