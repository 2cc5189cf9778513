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
        Command::Schema => {
            let text = serde_json::to_string_pretty(&scenario::schema())
                .map_err(|e| Failure::Runtime(e.to_string()))?;
            say(&text)
        }
    }
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
