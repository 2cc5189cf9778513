//! The commands: each turns its arguments into library calls and says what came of them. Only
//! results go to stdout; progress, timing, notes and warnings go to stderr. The library's
//! [`Error`] says why a command failed and, by its kind, with which exit code.

mod calibrate;
pub mod flags;
mod progress;
mod region;
mod report;
mod scenarios;
mod shell;
mod simulate;
mod sweep;

use flags::{Args, Command, Schema};
use govsim::output::folder::{Destination, Refusal, WriteError};
use govsim::Error;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the first Ctrl-C / SIGTERM; simulations check it every step and stop.
static STOP: AtomicBool = AtomicBool::new(false);

fn install_signal_handler() {
    // a second signal ends the process at once, leaving no partly written results behind
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            govsim::output::folder::remove_pending();
            std::process::exit(130);
        }
        eprintln!("govsim: stopping (press Ctrl-C again to quit at once)…");
    });
}

/// Run a parsed command.
pub fn run(args: Args) -> Result<(), Error> {
    install_signal_handler();
    let o = &args.options;
    govsim::lang::set(o.lang);
    match args.command {
        Command::Compare { paths, out } => simulate::compare(&paths, &out, o),
        Command::Run { files, out } => simulate::run(&files, &out, o),
        Command::Cases { paths, out } => simulate::cases(&paths, &out, o),
        Command::District { file, out } => simulate::district(&file, out.as_deref(), o),
        Command::Region(r) => region::region(&r, o),
        Command::Validate { files } => validate(&files),
        Command::Schema(which) => schema(which),
        Command::Sweep(s) => sweep::sweep(&s, o),
        Command::Calibrate(c) => calibrate::calibrate(&c, o),
        Command::Merge { dir } if dir.join(govsim::region::RESOLVED).is_file() => region::merge(&dir, o),
        Command::Merge { dir } => sweep::merge(&dir),
        Command::Analyze { dir, top } => sweep::analyze(&dir, top, o),
        Command::Discover(d) => sweep::discover(&d, o),
        Command::Report { dir } => report::report(&dir, o),
        Command::Scenarios { export: None } => scenarios::list(),
        Command::Scenarios { export: Some(dir) } => scenarios::export(&dir),
        Command::Completions(which) => shell::completions(which),
        Command::Man { out } => shell::man(out.as_deref()),
    }
}

fn schema(which: Schema) -> Result<(), Error> {
    if which == Schema::ScenarioMarkdown {
        return say(govsim::scenario::reference::scenario_markdown().trim_end());
    }
    say(&serde_json::to_string_pretty(&schema_json(which)).map_err(|e| Error::runtime(e.to_string()))?)
}

/// The JSON Schema of a file format, as `govsim schema` prints it and `govsim scenarios export`
/// writes it (the Markdown reference is made from the scenario schema).
fn schema_json(which: Schema) -> serde_json::Value {
    match which {
        Schema::Sweep => govsim::sweep::schema(),
        Schema::District => govsim::scenario::district::district_schema(),
        Schema::Region => govsim::scenario::region::region_schema(),
        Schema::Scenario | Schema::ScenarioMarkdown => govsim::scenario::schema(),
        Schema::Calibration => govsim::calibrate::schema(),
    }
}

/// `govsim validate`: `FILE: ok` for each good file ([`govsim::load::check`]), every problem
/// of every bad one together as bad input.
fn validate(files: &[PathBuf]) -> Result<(), Error> {
    let mut errors = Vec::new();
    for f in files {
        match govsim::load::check(f) {
            Ok(what) => say(&format!("{}: ok{what}", f.display()))?,
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::input(errors.join("\nerror: ")))
    }
}

/// Check an output folder before any work starts (govsim replaces only folders it wrote), and
/// say what the previous run left that was cleaned up.
fn destination(found: Result<Destination, Refusal>) -> Result<Destination, Error> {
    let dest = found?;
    for note in &dest.notes {
        eprintln!("note: {note}");
    }
    Ok(dest)
}

/// Write results into a checked destination: `what` names them in messages.
fn put(dest: &Destination, what: &str, fill: impl FnOnce(&Path) -> std::io::Result<()>) -> Result<PathBuf, Error> {
    match dest.write(&STOP, fill) {
        // a Ctrl-C that came after the swap still ends the command with 130, saying what was kept
        Ok(dir) if STOP.load(Ordering::SeqCst) => {
            Err(Error::interrupted(format!("{what} had already been written completely to {}", dir.display())))
        }
        Ok(dir) => Ok(dir),
        Err(WriteError::Interrupted) => Err(Error::interrupted(format!(
            "stopped before {what} were put in place; {} is as it was",
            dest.shown().display()
        ))),
        Err(WriteError::Refused(m)) => Err(Error::runtime(format!("{what} were not written: {m}"))),
        Err(e) => Err(Error::runtime(format!("cannot write {what} into {}: {e}", dest.shown().display()))),
    }
}

/// Memory for the timing lines: "123 MiB", or "unknown" where it could not be read.
fn mib(bytes: Option<u64>) -> String {
    bytes.map_or("unknown".to_string(), |b| format!("{:.0} MiB", b as f64 / (1u64 << 20) as f64))
}

/// Print a line on stdout; a closed pipe (`govsim schema | head`) is not an error.
fn say(text: &str) -> Result<(), Error> {
    use std::io::Write;
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::runtime(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
