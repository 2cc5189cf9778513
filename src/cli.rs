//! Command-line interface (clap). Exit codes: 0 success, 1 runtime failure, 2 bad input.

use crate::scenario;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "govsim",
    version,
    about = "Agent-based simulator of community governance under five-society linkage (五社联动)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check scenario files without running them; reports every problem of every file.
    Validate {
        /// Scenario files (JSON).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run scenarios: replications in parallel, then `<out>/<name>/timeseries.csv` and `summary.json`.
    Run {
        /// Scenario files (JSON). All are validated before anything runs.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Replications per scenario.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        reps: u32,
        /// Master seed; replication r of every scenario uses streams derived from (seed, r).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output folder.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Print the JSON Schema of scenario files (for editors: `"$schema": "govsim.schema.json"`).
    Schema,
}

/// Bad input (exit code 2) versus a failure while running (exit code 1).
pub enum Failure {
    Input(String),
    Runtime(String),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Runtime(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
    }
}

fn dispatch(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Validate { files } => {
            load_all(&files)?;
            for f in &files {
                say(&format!("{}: ok", f.display()))?;
            }
            Ok(())
        }
        Command::Run { files, reps, seed, out, threads } => run(&files, reps, seed, &out, threads),
        Command::Schema => {
            let text =
                serde_json::to_string_pretty(&scenario::schema()).map_err(|e| Failure::Runtime(e.to_string()))?;
            say(&text)
        }
    }
}

fn run(files: &[PathBuf], reps: u32, seed: u64, out: &std::path::Path, threads: Option<usize>) -> Result<(), Failure> {
    let scenarios = load_all(files)?;
    // two files with the same scenario name would write into the same folder
    for (i, s) in scenarios.iter().enumerate() {
        if let Some(j) = scenarios[..i].iter().position(|o| o.name == s.name) {
            return Err(Failure::Input(format!(
                "{} and {} both have the scenario name \"{}\"; their results would overwrite each other (set a distinct \"name\")",
                files[j].display(),
                files[i].display(),
                s.name
            )));
        }
    }
    crate::scenario::check_size(&scenarios, reps, threads).map_err(Failure::Input)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Runtime(format!("cannot start worker threads: {e}")))?;
    let start = std::time::Instant::now();
    let results = pool.install(|| crate::experiment::run_many(&scenarios, seed, reps));
    let elapsed = start.elapsed().as_secs_f64();
    for ((s, file), reps_done) in scenarios.iter().zip(files).zip(&results) {
        let info = crate::output::RunInfo { seed, replications: reps, source_file: Some(file.clone()) };
        let dir = crate::output::write_scenario(out, s, &info, reps_done)
            .map_err(|e| Failure::Runtime(format!("cannot write results of {} into {}: {e}", s.name, out.display())))?;
        say(&format!("{}: {} replications → {}", s.name, reps, dir.display()))?;
    }
    eprintln!("done in {elapsed:.2} s");
    Ok(())
}

/// Load every file; if any fails, report all failures together as bad input.
fn load_all(files: &[PathBuf]) -> Result<Vec<scenario::Scenario>, Failure> {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        match scenario::load(f) {
            Ok(s) => ok.push(s),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(Failure::Input(errors.join("\n")))
    }
}

/// Print a line on stdout; a closed pipe (`govsim schema | head`) is not an error.
fn say(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::Runtime(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
