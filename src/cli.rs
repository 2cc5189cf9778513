//! Command-line interface (clap): a thin layer over the library. Exit codes: 0 success,
//! 1 failure while running, 2 bad input (nothing is run or written). Only results go to
//! stdout; progress and timing go to stderr.

mod progress;

use crate::experiment::run_many_with;
use crate::output::folder::{Destination, Mode, Refusal, Suggest, WriteError};
use crate::output::{self, compare::Comparison};
use crate::scenario::{self, Scenario};
use crate::{Error, ErrorKind};
use clap::{Parser, Subcommand, ValueEnum};
use progress::Progress;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

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

/// Options of every command that simulates: seed, threads, chart font, progress.
#[derive(clap::Args, Debug)]
struct SimOptions {
    /// Master seed: the same seed gives the same results. Replication r (run, compare) or community c (district) draws from streams derived from (seed, r) or (seed, c).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads, at most 1024 (0 or absent: all cores). Results do not depend on it.
    #[arg(long, value_parser = threads_arg)]
    threads: Option<usize>,
    /// TrueType/OpenType font for chart text (e.g. a CJK font for Chinese names); default: embedded DejaVu Sans.
    #[arg(long)]
    font: Option<PathBuf>,
    /// Progress on stderr: a bar on a terminal, periodic lines otherwise (auto), or forced.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    progress: ProgressMode,
}

/// Options of the commands that replicate scenarios (run, compare).
#[derive(clap::Args, Debug)]
struct RunOptions {
    /// Replications per scenario; replication r of every scenario uses streams derived from (seed, r).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    reps: u32,
    #[command(flatten)]
    sim: SimOptions,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProgressMode {
    Auto,
    Bar,
    Log,
    Off,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compare driver models side by side (the main job): runs every scenario with common random
    /// numbers and writes comparison tables and charts.
    Compare {
        /// Scenario files or folders of them (default: the five shipped driver models).
        #[arg(default_value = "scenarios/drivers")]
        paths: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "output/compare")]
        out: PathBuf,
        #[command(flatten)]
        options: RunOptions,
    },
    /// Run scenarios: `<out>/<name>/timeseries.csv`, `summary.json` and a time-series chart each.
    Run {
        /// Scenario files (JSON). All are validated before anything runs.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "output")]
        out: PathBuf,
        #[command(flatten)]
        options: RunOptions,
    },
    /// Run a district: many communities, each with its own driver model, under a district
    /// government and district enterprises; communities step in parallel (same results on any
    /// number of threads). Writes `<out>/timeseries.csv`, `communities.csv`, `summary.json`, charts.
    District {
        /// District file (JSON), e.g. scenarios/scale/district-10m.json.
        file: PathBuf,
        /// Output folder (default: output/district/<district name>).
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        sim: SimOptions,
    },
    /// Check scenario, district and sweep files without running them (districts with their
    /// scenarios, sweeps as `sweep --dry-run`); reports every problem of every file.
    Validate {
        /// Scenario, district or sweep files (JSON; the kind by `$schema` or by shape).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema of scenario files (for editors: `"$schema": "govsim.schema.json"`).
    Schema {
        /// Print the schema of sweep files instead (`govsim.sweep.schema.json`).
        #[arg(long, conflicts_with = "district")]
        sweep: bool,
        /// Print the schema of district files instead (`govsim.district.schema.json`).
        #[arg(long)]
        district: bool,
    },
    /// Run a parameter sweep (all of it, or one shard of it) into DIR/blocks; unsharded, also merge.
    Sweep(SweepArgs),
    /// Check that every run of a sweep is in DIR/blocks and write DIR/runs.csv, points.csv, manifest.json.
    Merge {
        /// The sweep's output folder.
        dir: PathBuf,
    },
    /// Sensitivity of a merged sweep: Morris μ*/σ, Sobol' S1/ST (bootstrap 95% CIs) or
    /// correlations, per scenario and output; writes DIR/analysis/ (CSV, JSON, charts).
    Analyze {
        /// The sweep's output folder (after `govsim merge`).
        dir: PathBuf,
        /// How many top factors to print per scenario and output.
        #[arg(long, default_value_t = 5)]
        top: usize,
        /// TrueType/OpenType font for chart text; default: embedded DejaVu Sans.
        #[arg(long)]
        font: Option<PathBuf>,
    },
}

#[derive(clap::Args, Debug)]
struct SweepArgs {
    /// The sweep file (JSON; `govsim schema --sweep` describes it).
    file: PathBuf,
    /// Output folder (default: output/sweeps/<sweep name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads, 0 to 1024 (0: all cores); absent: SLURM_CPUS_PER_TASK if set (1 to 1024), else all cores. Results do not depend on it.
    #[arg(long, value_parser = threads_arg)]
    threads: Option<usize>,
    /// Progress on stderr: a bar on a terminal, periodic lines otherwise (auto), or forced.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    progress: ProgressMode,
    /// Run only shard I (0-based) of --shard-count N: the blocks b with b mod N = I. Does not merge.
    #[arg(long, requires = "shard_count", conflicts_with = "shard_from_env")]
    shard_index: Option<u64>,
    /// Number of shards (with --shard-index, or with --shard-from-env where the scheduler does not export it).
    #[arg(long)]
    shard_count: Option<u64>,
    /// Take the shard from a batch array's variables: Slurm, Kubernetes Indexed Job, AWS Batch, PBS Pro, Torque, SGE.
    #[arg(long)]
    shard_from_env: bool,
    /// Check the sweep and print its runs and blocks without running or writing anything.
    #[arg(long)]
    dry_run: bool,
    /// Refuse a sweep of more runs than this (scenarios × design points × replications), before building anything.
    #[arg(long, default_value_t = crate::sweep::limits::DEFAULT_MAX_RUNS, value_parser = clap::value_parser!(u64).range(1..))]
    max_runs: u64,
}

/// Set by the first Ctrl-C / SIGTERM; simulations check it every step and stop.
static STOP: AtomicBool = AtomicBool::new(false);

fn install_signal_handler() {
    // a second signal ends the process at once, leaving no partly written results behind
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            output::folder::remove_pending();
            std::process::exit(130);
        }
        eprintln!("govsim: stopping (press Ctrl-C again to quit at once)…");
    });
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
        Err(e) => {
            let prefix = if e.kind() == ErrorKind::Interrupted { "interrupted" } else { "error" };
            eprintln!("{prefix}: {e}");
            ExitCode::from(e.kind().exit_code())
        }
    }
}

fn dispatch(cli: Cli) -> Result<(), Error> {
    install_signal_handler();
    match cli.command {
        Command::Compare { paths, out, options } => compare(&paths, &out, &options),
        Command::Run { files, out, options } => run(&files, &out, &options),
        Command::District { file, out, sim } => district(&file, out.as_deref(), &sim),
        Command::Validate { files } => validate(&files),
        Command::Schema { sweep, district } => {
            let schema = match (sweep, district) {
                (true, _) => crate::sweep::schema(),
                (_, true) => scenario::district::district_schema(),
                _ => scenario::schema(),
            };
            let text = serde_json::to_string_pretty(&schema).map_err(|e| Error::runtime(e.to_string()))?;
            say(&text)
        }
        Command::Sweep(args) => sweep(&args),
        Command::Merge { dir } => merge(&dir),
        Command::Analyze { dir, top, font } => analyze(&dir, top, font.as_deref()),
    }
}

/// Everything a run needs, checked before any simulation starts.
fn prepare(files: &[PathBuf], options: &RunOptions) -> Result<(Vec<Scenario>, rayon::ThreadPool), Error> {
    let scenarios = load_all(files)?;
    // two files with the same scenario name would write into the same folder
    for (i, s) in scenarios.iter().enumerate() {
        if let Some(j) = scenarios[..i].iter().position(|o| o.name == s.name) {
            return Err(Error::input(format!(
                "{} and {} both have the scenario name \"{}\"; their results would overwrite each other (set a distinct \"name\")",
                files[j].display(),
                files[i].display(),
                s.name
            )));
        }
    }
    let pool = thread_pool(options.sim.threads)?;
    let threads = pool.current_num_threads();
    let need = crate::limits::run_bytes(&scenarios, options.reps, threads);
    let what = format!("{} replication(s) of {} scenario(s) on {threads} thread(s)", options.reps, scenarios.len());
    crate::limits::check_memory(&what, need, threads).map_err(Error::input)?;
    load_font(options.sim.font.as_deref())?;
    Ok((scenarios, pool))
}

/// `--threads`: 0 (all cores) to [`crate::limits::MAX_THREADS`].
fn threads_arg(text: &str) -> Result<usize, String> {
    let max = crate::limits::MAX_THREADS;
    match text.trim().parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!("expected a whole number from 0 (all cores) to {max}")),
    }
}

/// Use a custom chart font (`--font`), checked before any run; a regular file within
/// [`scenario::input::MAX_FONT_BYTES`].
fn load_font(font: Option<&Path>) -> Result<(), Error> {
    let Some(font) = font else { return Ok(()) };
    let bytes = scenario::input::read_limited(font, scenario::input::MAX_FONT_BYTES, "fonts")
        .map_err(|e| Error::input(format!("--font {}: cannot read: {e}", font.display())))?;
    output::charts::init_fonts(Some(bytes)).map_err(|e| Error::input(format!("--font {}: {e}", font.display())))
}

/// The worker pool (`--threads`; 0 or absent: all cores).
fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::runtime(format!("cannot start worker threads: {e}")))
}

fn simulate(
    scenarios: &[Scenario],
    pool: &rayon::ThreadPool,
    options: &RunOptions,
) -> Result<Vec<Vec<crate::experiment::Replication>>, Error> {
    let total = scenarios.len() as u64 * options.reps as u64;
    let progress = Progress::new(total, options.sim.progress);
    let start = std::time::Instant::now();
    let results = pool.install(|| run_many_with(scenarios, options.sim.seed, options.reps, &|| progress.tick(), &STOP));
    progress.finish();
    let Some(results) = results else {
        return Err(Error::interrupted("no results were written"));
    };
    let agent_steps: f64 = scenarios
        .iter()
        .map(|s| {
            let agents =
                s.community.residents as f64 + s.actors.enterprises.iter().map(|e| e.employees as f64).sum::<f64>();
            agents * (s.time.years * 12 / s.time.step_months) as f64 * options.reps as f64
        })
        .sum();
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "simulated {} runs in {secs:.2} s ({:.1} million agent-steps/s on {} threads; peak memory {})",
        total,
        agent_steps / secs.max(1e-9) / 1e6,
        pool.current_num_threads(),
        peak_memory().map_or("unknown".to_string(), |b| format!("{:.0} MiB", b as f64 / (1u64 << 20) as f64))
    );
    Ok(results)
}

/// Check an output folder before any work starts (govsim replaces only folders it wrote).
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

fn run(files: &[PathBuf], out: &Path, options: &RunOptions) -> Result<(), Error> {
    let (scenarios, pool) = prepare(files, options)?;
    let dests = scenarios
        .iter()
        .map(|s| {
            destination(Destination::within(out, &s.name, "run", Mode::Replace, Suggest::Parent(out.to_path_buf())))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let results = simulate(&scenarios, &pool, options)?;
    for (((s, file), reps_done), dest) in scenarios.iter().zip(files).zip(&results).zip(&dests) {
        let info =
            output::RunInfo { seed: options.sim.seed, replications: options.reps, source_file: Some(file.clone()) };
        let what = format!("the results of {}", s.name);
        let dir = put(dest, &what, |tmp| output::write_scenario_files(tmp, s, &info, reps_done))?;
        say(&format!("{}: {} replications → {}", s.name, options.reps, dir.display()))?;
    }
    Ok(())
}

fn compare(paths: &[PathBuf], out: &Path, options: &RunOptions) -> Result<(), Error> {
    let files = expand(paths)?;
    if files.len() < 2 {
        return Err(Error::input(format!(
            "compare needs at least two scenarios; found {} in {}",
            files.len(),
            paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        )));
    }
    let (scenarios, pool) = prepare(&files, options)?;
    let dest = destination(Destination::new(out, "compare", Mode::Replace))?;
    let results = simulate(&scenarios, &pool, options)?;
    let comparison = Comparison::new(&scenarios, &results, options.sim.seed, options.reps);
    put(&dest, "the comparison", |tmp| {
        output::compare::write_comparison_files(tmp, &comparison, &scenarios, &results, &files)
    })?;
    say(&output::compare::terminal_table(&comparison))?;
    say(&format!(
        "files in {}: comparison.csv, comparison.json, comparison.md, timeseries.png/.svg, dependency.png/.svg, final_state.png/.svg, and one folder per model",
        out.display()
    ))
}

fn district(file: &Path, out: Option<&Path>, sim: &SimOptions) -> Result<(), Error> {
    let SimOptions { seed, threads, ref font, progress: mode } = *sim;
    let plan = scenario::district::load_district(file)?;
    let pool = thread_pool(threads)?;
    let what = format!(
        "district \"{}\" ({} residents in {} communities)",
        plan.district.name,
        plan.residents(),
        plan.communities.len()
    );
    crate::limits::check_memory(&what, crate::limits::district_bytes(&plan), pool.current_num_threads())
        .map_err(Error::input)?;
    load_font(font.as_deref())?;
    let dest = destination(match out {
        Some(out) => Destination::new(out, "district", Mode::Replace),
        None => Destination::within(
            Path::new("output/district"),
            &plan.district.name,
            "district",
            Mode::Replace,
            Suggest::Sibling,
        ),
    })?;
    let out = dest.shown().to_path_buf();
    let steps = plan.communities.first().map_or(0, |(s, _)| s.time.years * 12 / s.time.step_months.max(1));
    eprintln!(
        "district {}: {} communities, {} residents, {steps} steps on {} threads",
        plan.district.name,
        plan.communities.len(),
        plan.residents(),
        pool.current_num_threads()
    );
    let progress = Progress::counting(steps as u64, mode, "steps");
    let start = std::time::Instant::now();
    let run = pool.install(|| crate::experiment::district::run_district(&plan, seed, &STOP, &|_| progress.tick()));
    progress.finish();
    let Some(run) = run else { return Err(Error::interrupted("no results were written")) };
    let seconds = start.elapsed().as_secs_f64();
    let info = output::district::DistrictInfo {
        seed,
        threads: pool.current_num_threads(),
        seconds,
        peak_memory_bytes: peak_memory(),
        source_file: file.to_path_buf(),
    };
    eprintln!(
        "simulated {:.2} billion resident-steps in {seconds:.1} s ({:.1} million resident-steps/s on {} threads; peak memory {})",
        run.resident_steps as f64 / 1e9,
        run.resident_steps as f64 / seconds.max(1e-9) / 1e6,
        info.threads,
        info.peak_memory_bytes.map_or("unknown".to_string(), |b| format!("{:.0} MiB", b as f64 / (1u64 << 20) as f64))
    );
    put(&dest, "the district results", |tmp| output::district::write_district_files(tmp, &plan, &run, &info))?;
    say(&format!(
        "{}: files in {}: timeseries.csv, communities.csv, summary.json, timeseries.png/.svg, final_state.png/.svg",
        plan.district.name,
        out.display()
    ))
}

fn sweep(args: &SweepArgs) -> Result<(), Error> {
    use crate::sweep::{self, shard};
    // the shard first: a malformed environment is bad input, found before any work
    let shard = if args.shard_from_env {
        let get = |k: &str| std::env::var(k).ok();
        Some(shard::from_env(&get, args.shard_count).map_err(Error::input)?)
    } else if let Some(index) = args.shard_index {
        Some(shard::explicit(index, args.shard_count.unwrap_or(0)).map_err(Error::input)?)
    } else if args.shard_count.is_some() {
        return Err(Error::input("--shard-count needs --shard-index or --shard-from-env"));
    } else {
        None
    };
    // --threads N (1 to 1024); --threads 0: all cores (None); absent: SLURM_CPUS_PER_TASK if set,
    // else all cores
    let threads = match args.threads {
        Some(0) => None,
        Some(t) => Some(t),
        None => match std::env::var("SLURM_CPUS_PER_TASK") {
            Ok(v) => Some(
                v.trim().parse::<usize>().ok().filter(|t| (1..=crate::limits::MAX_THREADS).contains(t)).ok_or_else(
                    || {
                        Error::input(format!(
                            "SLURM_CPUS_PER_TASK={v:?} is not a whole number from 1 to 1024 (or pass --threads N)"
                        ))
                    },
                )?,
            ),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(v)) => {
                return Err(Error::input(format!(
                    "SLURM_CPUS_PER_TASK={v:?} is not a whole number from 1 to 1024 (or pass --threads N)"
                )))
            }
        },
    };
    let plan = sweep::prepare(&args.file, args.max_runs)?;
    let r = &plan.resolved;
    let out = args.out.clone().unwrap_or_else(|| Path::new("output/sweeps").join(&r.name));
    let blocks: Vec<u64> = match &shard {
        Some(s) => shard::blocks_of(r.blocks, s.index, s.count),
        None => (0..r.blocks).collect(),
    };
    let runs_of = |bs: &[u64]| bs.iter().map(|&b| r.block_runs(b).count() as u64).sum::<u64>();
    if args.dry_run {
        let share = match &shard {
            Some(s) => format!(
                "; shard {} of {} ({}): {} block(s), {} run(s)",
                s.index,
                s.count,
                s.source,
                blocks.len(),
                runs_of(&blocks)
            ),
            None => String::new(),
        };
        return say(&format!(
            "{}: ok — {} scenario(s) × {} point(s) × {} replication(s) = {} runs in {} block(s) of {}{share}; output folder {}",
            args.file.display(),
            r.scenarios.len(),
            r.points.len(),
            r.replications,
            r.total_runs,
            r.blocks,
            r.block_size,
            out.display()
        ));
    }
    let bases: Vec<Scenario> = (0..r.scenarios.len()).filter_map(|s| r.scenario_at(s, 0).ok()).collect();
    let workers = match threads {
        Some(t) if t > 0 => t,
        _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    crate::limits::check_memory(&format!("sweep {}", r.name), crate::limits::sweep_bytes(&bases, workers), workers)
        .map_err(Error::input)?;
    let mode = Mode::InPlace { since: Some("sweep.json") };
    let dest = destination(match &args.out {
        Some(out) => Destination::new(out, "sweep", mode),
        None => Destination::within(Path::new("output/sweeps"), &r.name, "sweep", mode, Suggest::Sibling),
    })?;
    // sweep.json first: a folder holding another sweep.json is refused before govsim marks it
    sweep::run::write_or_check_sweep_json(&out, r)?;
    dest.write(&STOP, |_| Ok(())).map_err(|e| Error::runtime(format!("cannot write into {}: {e}", out.display())))?;
    for note in sweep::blocks::remove_stale_temporaries(&out) {
        eprintln!("note: {note}");
    }
    let (todo, skipped, warnings) = sweep::run::pending(r, &out, &blocks);
    for w in warnings {
        eprintln!("warning: {w}");
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::runtime(format!("cannot start worker threads: {e}")))?;
    let label = match &shard {
        Some(s) => format!("shard {} of {} ({})", s.index, s.count, s.source),
        None => "all blocks".to_string(),
    };
    eprintln!(
        "{}: {label}: {} block(s) to run ({} runs), {} already complete; {} threads",
        r.name,
        todo.len(),
        runs_of(&todo),
        skipped.len(),
        pool.current_num_threads()
    );
    let progress = Progress::new(runs_of(&todo), args.progress);
    let start = std::time::Instant::now();
    let result = pool.install(|| sweep::run::run_blocks(&plan, &out, &todo, &label, &|| progress.tick(), &STOP));
    progress.finish();
    let report = result?;
    say(&format!(
        "{}: {label}: ran {} runs in {} block(s) in {:.1} s; skipped {} block(s) ({} runs) already complete → {}",
        r.name,
        report.runs_done,
        report.blocks_written,
        start.elapsed().as_secs_f64(),
        skipped.len(),
        runs_of(&skipped),
        crate::sweep::blocks::blocks_dir(&out).display()
    ))?;
    if shard.is_none() {
        merge(&out)?;
    }
    Ok(())
}

fn merge(dir: &Path) -> Result<(), Error> {
    let m = crate::sweep::merge::merge(dir)?;
    for w in &m.warnings {
        eprintln!("warning: {w}");
    }
    say(&format!(
        "merged {} runs from {} block(s) ({} scenario × point rows) → {}",
        m.runs,
        m.blocks,
        m.points,
        ["runs.csv", "points.csv", "manifest.json"].map(|f| dir.join(f).display().to_string()).join(", ")
    ))
}

fn analyze(dir: &Path, top: usize, font: Option<&Path>) -> Result<(), Error> {
    use crate::sweep::analyze as an;
    load_font(font)?;
    if !dir.is_dir() {
        let why = if dir.exists() { "it is a file" } else { "no such folder" };
        return Err(Error::input(format!("{} is not a sweep output folder ({why})", dir.display())));
    }
    let dest = destination(Destination::within(dir, "analysis", "analyze", Mode::Replace, Suggest::MoveAway))?;
    let out = dest.shown().to_path_buf();
    let mut result = None;
    let mut failure = None;
    let written = dest.write(&STOP, |tmp| {
        let a = match an::analyze(dir, &tmp.join("charts")) {
            Ok(a) => a,
            Err(e) => {
                failure = Some(e);
                return Err(std::io::Error::other("analysis failed"));
            }
        };
        std::fs::write(tmp.join("sensitivity.csv"), an::sensitivity_csv(&a))?;
        let json = serde_json::to_string_pretty(&an::sensitivity_json(&a)).map_err(std::io::Error::other)?;
        std::fs::write(tmp.join("sensitivity.json"), json)?;
        result = Some(a);
        Ok(())
    });
    if let Some(e) = failure {
        return Err(e.into());
    }
    match written {
        Err(WriteError::Interrupted) => {
            return Err(Error::interrupted(format!(
                "stopped before the analysis was put in place; {} is as it was",
                out.display()
            )))
        }
        Err(e) => return Err(Error::runtime(format!("cannot write the analysis into {}: {e}", out.display()))),
        Ok(_) => {}
    }
    let Some(a) = result else { return Err(Error::runtime("no analysis was produced")) };
    let mut text = String::new();
    for (scenario, output, ranked) in an::ranking(&a) {
        let best: Vec<String> = ranked
            .iter()
            .take(top)
            .map(|(f, v)| if v.is_finite() { format!("{f} ({v:.3})") } else { format!("{f} (undefined)") })
            .collect();
        text.push_str(&format!("{scenario} · {output}: {}\n", best.join(", ")));
    }
    for (scenario, output, why) in &a.skipped {
        text.push_str(&format!("{scenario} · {output}: not analysed ({why})\n"));
    }
    for (scenario, output, what) in &a.notes {
        text.push_str(&format!("{scenario} · {output}: {what}\n"));
    }
    let main = match a.design {
        "morris" => "μ*",
        "sobol" => "total index ST",
        _ => "|Pearson r|",
    };
    say(&format!("factors ranked by {main}, top {top}:\n{text}files in {}: sensitivity.csv, sensitivity.json, charts/ ({} charts)", out.display(), a.charts.len()))
}

/// Peak resident memory of this process (VmHWM from /proc; None where unavailable).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

/// Scenario files from files and folders (a folder contributes its `*.json` files, sorted).
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let entries =
                std::fs::read_dir(p).map_err(|e| Error::input(format!("{}: cannot read folder: {e}", p.display())))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "json"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::input(format!("{}: no scenario files (*.json) in this folder", p.display())));
            }
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

/// `govsim validate`: every file checked as the command that uses it would check it (a
/// district with its scenarios, a sweep as `sweep --dry-run`); `FILE: ok` for each good file,
/// every problem of every bad one together as bad input.
fn validate(files: &[PathBuf]) -> Result<(), Error> {
    use scenario::input::{self, FileKind};
    let mut errors = Vec::new();
    for f in files {
        let checked = input::read_json_text(f).and_then(|text| input::parse_object(&text, f));
        let result = match checked.map(|object| input::kind_of(&object)) {
            Err(e) => Err(e.to_string()),
            Ok(FileKind::Scenario) => scenario::load(f).map(|_| String::new()).map_err(|e| e.to_string()),
            Ok(FileKind::District) => scenario::district::load_district(f)
                .map(|p| format!(" (district: {} communities, {} residents)", p.communities.len(), p.residents()))
                .map_err(|e| e.to_string()),
            Ok(FileKind::Sweep) => crate::sweep::prepare(f, crate::sweep::limits::DEFAULT_MAX_RUNS)
                .map(|p| format!(" (sweep: {} runs in {} block(s))", p.resolved.total_runs, p.resolved.blocks))
                .map_err(|e| e.to_string()),
        };
        match result {
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

/// Load every file; if any fails, report all failures together as bad input.
fn load_all(files: &[PathBuf]) -> Result<Vec<Scenario>, Error> {
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
        Err(Error::input(errors.join("\n")))
    }
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
