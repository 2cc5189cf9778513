//! Records the commit govsim is built from (`GOVSIM_COMMIT`, shown in reports' provenance); outside
//! a git checkout, or without git, nothing is set and the report says "unknown".

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
    if let Some(commit) = git(&["rev-parse", "HEAD"]).filter(|c| !c.is_empty()) {
        println!("cargo:rustc-env=GOVSIM_COMMIT={commit}");
    }
    // rebuild when HEAD moves (a commit, a checkout): HEAD and the branch it names
    for what in ["HEAD", "refs/heads"] {
        if let Some(p) = git(&["rev-parse", "--git-path", what]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
