//! The `govsim` binary as the tests run it.

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use std::path::PathBuf;

/// Variables of batch schedulers that govsim reads (array task, CPUs per task).
const SCHEDULER_VARIABLES: [&str; 5] =
    ["SLURM_ARRAY_TASK_ID", "SLURM_CPUS_PER_TASK", "JOB_COMPLETION_INDEX", "SGE_TASK_ID", "PBS_ARRAYID"];

/// A command running the built `govsim` binary. A scheduler's variables in the test
/// environment (tests run inside a Slurm job) do not leak into it; a test sets them itself.
pub fn govsim() -> Command {
    let mut c = Command::cargo_bin("govsim").unwrap();
    for v in SCHEDULER_VARIABLES {
        c.env_remove(v);
    }
    c
}

/// The path of the built `govsim` binary (for `std::process::Command` and shell lines).
pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("govsim")
}

/// What a finished command wrote on stderr.
pub fn stderr(a: &Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}
