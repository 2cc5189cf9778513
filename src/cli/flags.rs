//! The flags, in two levels (as ripgrep's low-level and high-level arguments): clap's
//! declarations, where every flag is declared once and each command takes the ones it has; and
//! [`Args`], what the commands use: the command with its own arguments, and one [`Options`]
//! shared by all commands.

use clap::{Parser, Subcommand, ValueEnum};
use govsim::lang::Lang;
use govsim::output::charts::font::FontArg;
use std::path::PathBuf;
use std::process::ExitCode;

mod discover;
pub use discover::Discover;

/// Progress on stderr: a bar on a terminal, periodic lines otherwise (auto), or forced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProgressMode {
    Auto,
    Bar,
    Log,
    Off,
}

/// The options every command may have; a command without one of these flags has its default.
#[derive(Clone, Debug)]
pub struct Options {
    /// `--seed` (run, compare, district).
    pub seed: u64,
    /// `--reps` (run, compare).
    pub reps: u32,
    /// `--threads` (0 or `None`: all cores; a sweep without it reads SLURM_CPUS_PER_TASK).
    pub threads: Option<usize>,
    /// `--font` for chart text: `auto` or a file (absent: the bundled font for the language and texts).
    pub font: Option<FontArg>,
    /// `--lang` of charts, tables and reports.
    pub lang: Lang,
    pub progress: ProgressMode,
    /// `--timings`: print where the time went (stderr).
    pub timings: bool,
}

/// What `govsim schema` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    Scenario,
    /// The scenario format's parameter reference in Markdown (docs/parameters.md).
    ScenarioMarkdown,
    Sweep,
    District,
    Region,
    Calibration,
}

/// `govsim sweep`'s own arguments.
#[derive(Clone, Debug)]
pub struct Sweep {
    pub file: PathBuf,
    pub out: Option<PathBuf>,
    pub shard_index: Option<u64>,
    pub shard_count: Option<u64>,
    pub shard_from_env: bool,
    pub dry_run: bool,
    pub max_runs: u64,
}

/// `govsim region`'s own arguments.
#[derive(Clone, Debug)]
pub struct Region {
    pub file: PathBuf,
    pub out: Option<PathBuf>,
    pub shard_index: Option<u64>,
    pub shard_count: Option<u64>,
    pub shard_from_env: bool,
    pub dry_run: bool,
}

/// `govsim calibrate`'s own arguments.
#[derive(Clone, Debug)]
pub struct Calibrate {
    pub file: PathBuf,
    pub out: Option<PathBuf>,
    pub shard_index: Option<u64>,
    pub shard_count: Option<u64>,
    pub shard_from_env: bool,
    pub max_runs: u64,
}

/// A command with its own arguments.
#[derive(Clone, Debug)]
pub enum Command {
    Compare {
        paths: Vec<PathBuf>,
        out: PathBuf,
    },
    Run {
        files: Vec<PathBuf>,
        out: PathBuf,
    },
    Cases {
        paths: Vec<PathBuf>,
        out: PathBuf,
    },
    District {
        file: PathBuf,
        out: Option<PathBuf>,
    },
    Region(Region),
    Validate {
        files: Vec<PathBuf>,
    },
    Schema(Schema),
    Sweep(Sweep),
    Calibrate(Calibrate),
    Merge {
        dir: PathBuf,
    },
    Analyze {
        dir: PathBuf,
        top: usize,
    },
    Discover(Discover),
    Report {
        dir: PathBuf,
    },
    /// `govsim scenarios list` (None) or `export DIR`.
    Scenarios {
        export: Option<PathBuf>,
    },
    Completions(clap_complete::Shell),
    Man {
        out: Option<PathBuf>,
    },
}

/// The parsed command line.
#[derive(Clone, Debug)]
pub struct Args {
    pub command: Command,
    pub options: Options,
}

/// The whole command line as clap declares it, for the completion scripts and man pages.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// Parse the command line. `Err` is the exit code of `--help`, `--version` (0) or a flag
/// error (2), already printed by clap.
pub fn parse() -> Result<Args, ExitCode> {
    match Cli::try_parse() {
        Ok(cli) => Ok(cli.command.into()),
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            Err(ExitCode::from(code))
        }
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "govsim",
    version = env!("GOVSIM_VERSION_LINE"),
    about = "Agent-based simulator of community governance under five-society linkage (五社联动)"
)]
struct Cli {
    #[command(subcommand)]
    command: Low,
}

#[derive(clap::Args, Debug)]
struct ThreadsFlag {
    /// Worker threads, at most 1024 (0 or absent: all cores). Results do not depend on it.
    #[arg(long, value_parser = threads_arg)]
    threads: Option<usize>,
}

#[derive(clap::Args, Debug)]
struct FontFlag {
    /// Chart font: a TrueType/OpenType file (of a .ttc its Simplified Chinese face), or `auto`: an installed CJK font (Noto Sans CJK, Source Han Sans, WenQuanYi, Microsoft YaHei, PingFang, ...), else the bundled one. Default: bundled DejaVu Sans for Latin texts, bundled Noto Sans SC subset for --lang zh or Chinese labels.
    #[arg(long, value_name = "PATH|auto", value_parser = font_arg)]
    font: Option<FontArg>,
    /// Language of charts, tables and the report: en (English) or zh (中文). Data files keep their ids.
    #[arg(long, value_parser = lang_arg, default_value = "en")]
    lang: Lang,
}

#[derive(clap::Args, Debug)]
struct ProgressFlag {
    /// Progress on stderr: a bar on a terminal, periodic lines otherwise (auto), or forced.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    progress: ProgressMode,
}

/// Options of every command that simulates: seed, threads, chart font, progress.
#[derive(clap::Args, Debug)]
struct SimFlags {
    /// Master seed: the same seed gives the same results. Replication r (run, compare) or community c (district) draws from streams derived from (seed, r) or (seed, c).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    threads: ThreadsFlag,
    #[command(flatten)]
    font: FontFlag,
    #[command(flatten)]
    progress: ProgressFlag,
    /// Print where the time went on stderr: building worlds, stepping and measures (CPU seconds
    /// summed over threads, with agent-steps per second), and writing the results.
    #[arg(long)]
    timings: bool,
}

/// Options of the commands that replicate scenarios (run, compare).
#[derive(clap::Args, Debug)]
struct RunFlags {
    /// Replications per scenario; replication r of every scenario uses streams derived from (seed, r).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    reps: u32,
    #[command(flatten)]
    sim: SimFlags,
}

#[derive(Subcommand, Debug)]
enum Low {
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
        options: RunFlags,
    },
    /// Hold the seed cases against what their sources report: runs every case, prints each
    /// target → source → model mean [95% CI] → within or off, and writes `<out>/targets.csv`,
    /// `targets.md` and each case's usual results.
    Cases {
        /// Case files or folders of them (default: the shipped cases).
        #[arg(default_value = "scenarios/cases")]
        paths: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "output/cases")]
        out: PathBuf,
        #[command(flatten)]
        options: RunFlags,
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
        options: RunFlags,
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
        sim: SimFlags,
    },
    /// Run a region (a province or city): its districts, each exactly as `govsim district` runs
    /// it with its own seed, one after another on all threads; as a batch array, each task runs
    /// its shard of the districts. Writes DIR/districts/<k>-<name>/ (each district's results) and
    /// DIR/blocks/; unsharded, also merges (`govsim merge DIR`: region-wide timeseries.csv,
    /// districts.csv, summary.json, charts).
    Region(RegionFlags),
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
        #[arg(long, conflicts_with_all = ["district", "region", "calibration"])]
        sweep: bool,
        /// Print the schema of district files instead (`govsim.district.schema.json`).
        #[arg(long, conflicts_with_all = ["calibration", "region"])]
        district: bool,
        /// Print the schema of region files instead (`govsim.region.schema.json`).
        #[arg(long, conflicts_with = "calibration")]
        region: bool,
        /// Print the schema of calibration files instead (`govsim.calibration.schema.json`).
        #[arg(long)]
        calibration: bool,
        /// Print the parameter reference of scenario files as Markdown instead of the JSON Schema: every parameter's path, default, range, unit and meaning, grouped by section of docs/ODD.md (docs/parameters.md is this output).
        #[arg(long, conflicts_with_all = ["sweep", "district", "region", "calibration"])]
        markdown: bool,
    },
    /// Run a parameter sweep (all of it, or one shard of it) into DIR/blocks; unsharded, also merge.
    Sweep(SweepFlags),
    /// Fit scenario parameters to the cases' targets (ABC-SMC): generations of particles in
    /// DIR/generations (sharded and resumable like sweeps), then posterior.csv, parameters.csv,
    /// predictive.csv, calibrated/<case>.json, calibration.md and charts.
    Calibrate(CalibrateFlags),
    /// Check that every run of a sweep is in DIR/blocks and write DIR/runs.csv, points.csv,
    /// manifest.json; or, for a region's folder, that every district is, and write the
    /// region-wide timeseries.csv, districts.csv, summary.json, charts and manifest.json.
    Merge {
        /// The sweep's or region's output folder.
        dir: PathBuf,
        #[command(flatten)]
        font: FontFlag,
    },
    /// Sensitivity of a merged sweep: Morris μ*/σ, Sobol' S1/ST (bootstrap 95% CIs) or
    /// correlations, per scenario and output; writes DIR/analysis/ (CSV, JSON, charts).
    #[command(mut_arg("font", |a| a.help("Chart font: a TrueType/OpenType file (of a .ttc its Simplified Chinese face), or `auto`: an installed CJK font, else the bundled one. Default: bundled DejaVu Sans, or the bundled Noto Sans SC subset for --lang zh")))]
    Analyze {
        /// The sweep's output folder (after `govsim merge`).
        dir: PathBuf,
        /// How many top factors to print per scenario and output.
        #[arg(long, default_value_t = 5)]
        top: usize,
        #[command(flatten)]
        font: FontFlag,
    },
    /// Scenario discovery with PRIM on a merged sweep: which factor ranges make an output fall
    /// below (or rise above) a threshold; writes DIR/discovery/ (trajectory, box, report, chart).
    Discover(discover::DiscoverFlags),
    /// Rebuild DIR/report.html, the self-contained study report, from the files of an output
    /// folder of compare, run (OUT/<scenario>), cases, district or analyze (DIR/analysis), e.g.
    /// in another language; the folder must be one govsim wrote and is rewritten atomically.
    Report {
        /// The output folder.
        dir: PathBuf,
        /// Language of the report: en (English) or zh (中文).
        #[arg(long, value_parser = lang_arg, default_value = "en")]
        lang: Lang,
    },
    /// Print a shell completion script to stdout, e.g.
    /// `govsim completions bash > ~/.local/share/bash-completion/completions/govsim`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout, e.g. `govsim man | man -l -`; with --out, write
    /// govsim.1 and a govsim-<command>.1 for every command into a folder instead.
    Man {
        /// Folder for the pages, e.g. ~/.local/share/man/man1 (created if missing). Only files named
        /// govsim.1 and govsim-<command>.1 are written; one of those names holding something other
        /// than a govsim man page is refused.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The scenarios, cases, experiments, districts, sweeps and calibrations built into govsim:
    /// any command reads them by their repository path (`scenarios/drivers`) when no file of that
    /// name is on disk; a file on disk wins.
    #[command(subcommand)]
    Scenarios(ScenariosAction),
}

#[derive(Subcommand, Debug)]
enum ScenariosAction {
    /// List the built-in files: path, kind, whether a file of that path is on disk here, description.
    List,
    /// Write every built-in file under DIR (DIR/scenarios/..., DIR/sweeps/..., DIR/calibrations/...)
    /// with the JSON Schemas their `$schema` names, to edit and run from DIR. DIR must be new or empty.
    Export {
        /// The folder to write into (created if absent; refused if it holds anything).
        dir: PathBuf,
    },
}

#[derive(clap::Args, Debug)]
#[command(mut_arg("threads", |a| a.help("Worker threads, 0 to 1024 (0: all cores); absent: SLURM_CPUS_PER_TASK if set (1 to 1024), else all cores. Results do not depend on it")))]
struct SweepFlags {
    /// The sweep file (JSON; `govsim schema --sweep` describes it).
    file: PathBuf,
    /// Output folder (default: output/sweeps/<sweep name>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    threads: ThreadsFlag,
    #[command(flatten)]
    progress: ProgressFlag,
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
    #[arg(long, default_value_t = govsim::sweep::limits::DEFAULT_MAX_RUNS, value_parser = clap::value_parser!(u64).range(1..))]
    max_runs: u64,
}

#[derive(clap::Args, Debug)]
#[command(mut_arg("threads", |a| a.help("Worker threads, 0 to 1024 (0: all cores); absent: SLURM_CPUS_PER_TASK if set (1 to 1024), else all cores. Results do not depend on it")))]
struct RegionFlags {
    /// The region file (JSON; `govsim schema --region` describes it), e.g. scenarios/scale/province-100m.json.
    file: PathBuf,
    /// Output folder (default: output/regions/<region name>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    threads: ThreadsFlag,
    #[command(flatten)]
    progress: ProgressFlag,
    #[command(flatten)]
    font: FontFlag,
    /// Run only shard I (0-based) of --shard-count N: the districts k with k mod N = I. Does not merge.
    #[arg(long, requires = "shard_count", conflicts_with = "shard_from_env")]
    shard_index: Option<u64>,
    /// Number of shards (with --shard-index, or with --shard-from-env where the scheduler does not export it).
    #[arg(long)]
    shard_count: Option<u64>,
    /// Take the shard from a batch array's variables: Slurm, Kubernetes Indexed Job, AWS Batch, PBS Pro, Torque, SGE.
    #[arg(long)]
    shard_from_env: bool,
    /// Check the region and print its districts, size and memory per task without running or writing anything.
    #[arg(long)]
    dry_run: bool,
    /// Print where the time went on stderr (as for `govsim district`), summed over this task's districts.
    #[arg(long)]
    timings: bool,
}

#[derive(clap::Args, Debug)]
#[command(mut_arg("threads", |a| a.help("Worker threads, 0 to 1024 (0: all cores); absent: SLURM_CPUS_PER_TASK if set (1 to 1024), else all cores. Results do not depend on it")))]
struct CalibrateFlags {
    /// The calibration file (JSON; `govsim schema --calibration` describes it).
    file: PathBuf,
    /// Output folder (default: output/calibrations/<calibration name>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    threads: ThreadsFlag,
    #[command(flatten)]
    progress: ProgressFlag,
    #[command(flatten)]
    font: FontFlag,
    /// Run only shard I (0-based) of --shard-count N: in each generation the blocks b with b mod N = I; go on to the next generation once every shard's blocks are there.
    #[arg(long, requires = "shard_count", conflicts_with = "shard_from_env")]
    shard_index: Option<u64>,
    /// Number of shards (with --shard-index, or with --shard-from-env where the scheduler does not export it).
    #[arg(long)]
    shard_count: Option<u64>,
    /// Take the shard from a batch array's variables: Slurm, Kubernetes Indexed Job, AWS Batch, PBS Pro, Torque, SGE.
    #[arg(long)]
    shard_from_env: bool,
    /// Refuse a calibration of more runs than this (all generations and the check), before running anything.
    #[arg(long, default_value_t = govsim::sweep::limits::DEFAULT_MAX_RUNS, value_parser = clap::value_parser!(u64).range(1..))]
    max_runs: u64,
}

/// `--font`: `auto` or a font file.
fn font_arg(text: &str) -> Result<FontArg, String> {
    if text.is_empty() {
        return Err("expected a font file (TrueType/OpenType) or auto".to_string());
    }
    Ok(FontArg::parse(text))
}

/// `--lang`: a language code (`en`, `zh`, also `zh-CN`, …).
fn lang_arg(text: &str) -> Result<Lang, String> {
    Lang::from_code(text).ok_or_else(|| "expected en (English) or zh (中文)".to_string())
}

/// `--threads`: 0 (all cores) to [`govsim::limits::MAX_THREADS`].
fn threads_arg(text: &str) -> Result<usize, String> {
    let max = govsim::limits::MAX_THREADS;
    match text.trim().parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!("expected a whole number from 0 (all cores) to {max}")),
    }
}

impl Default for Options {
    fn default() -> Options {
        Options {
            seed: 1,
            reps: 30,
            threads: None,
            font: None,
            lang: Lang::En,
            progress: ProgressMode::Auto,
            timings: false,
        }
    }
}

impl Options {
    fn sim(sim: SimFlags) -> Options {
        Options {
            seed: sim.seed,
            threads: sim.threads.threads,
            font: sim.font.font,
            lang: sim.font.lang,
            progress: sim.progress.progress,
            timings: sim.timings,
            ..Options::default()
        }
    }

    fn run(run: RunFlags) -> Options {
        Options { reps: run.reps, ..Options::sim(run.sim) }
    }
}

impl From<Low> for Args {
    fn from(low: Low) -> Args {
        let (command, options) = match low {
            Low::Compare { paths, out, options } => (Command::Compare { paths, out }, Options::run(options)),
            Low::Run { files, out, options } => (Command::Run { files, out }, Options::run(options)),
            Low::Cases { paths, out, options } => (Command::Cases { paths, out }, Options::run(options)),
            Low::District { file, out, sim } => (Command::District { file, out }, Options::sim(sim)),
            Low::Validate { files } => (Command::Validate { files }, Options::default()),
            Low::Scenarios(ScenariosAction::List) => (Command::Scenarios { export: None }, Options::default()),
            Low::Scenarios(ScenariosAction::Export { dir }) => {
                (Command::Scenarios { export: Some(dir) }, Options::default())
            }
            Low::Schema { sweep, district, region, calibration, markdown } => {
                let which = match (sweep, district, region, calibration, markdown) {
                    (true, ..) => Schema::Sweep,
                    (_, true, ..) => Schema::District,
                    (_, _, true, ..) => Schema::Region,
                    (.., true, _) => Schema::Calibration,
                    (.., true) => Schema::ScenarioMarkdown,
                    _ => Schema::Scenario,
                };
                (Command::Schema(which), Options::default())
            }
            Low::Sweep(f) => {
                let options =
                    Options { threads: f.threads.threads, progress: f.progress.progress, ..Options::default() };
                let sweep = Sweep {
                    file: f.file,
                    out: f.out,
                    shard_index: f.shard_index,
                    shard_count: f.shard_count,
                    shard_from_env: f.shard_from_env,
                    dry_run: f.dry_run,
                    max_runs: f.max_runs,
                };
                (Command::Sweep(sweep), options)
            }
            Low::Calibrate(f) => {
                let options = Options {
                    threads: f.threads.threads,
                    progress: f.progress.progress,
                    font: f.font.font,
                    lang: f.font.lang,
                    ..Options::default()
                };
                let c = Calibrate {
                    file: f.file,
                    out: f.out,
                    shard_index: f.shard_index,
                    shard_count: f.shard_count,
                    shard_from_env: f.shard_from_env,
                    max_runs: f.max_runs,
                };
                (Command::Calibrate(c), options)
            }
            Low::Merge { dir, font } => {
                (Command::Merge { dir }, Options { font: font.font, lang: font.lang, ..Options::default() })
            }
            Low::Region(f) => {
                let options = Options {
                    threads: f.threads.threads,
                    progress: f.progress.progress,
                    font: f.font.font,
                    lang: f.font.lang,
                    timings: f.timings,
                    ..Options::default()
                };
                let region = Region {
                    file: f.file,
                    out: f.out,
                    shard_index: f.shard_index,
                    shard_count: f.shard_count,
                    shard_from_env: f.shard_from_env,
                    dry_run: f.dry_run,
                };
                (Command::Region(region), options)
            }
            Low::Analyze { dir, top, font } => {
                (Command::Analyze { dir, top }, Options { font: font.font, lang: font.lang, ..Options::default() })
            }
            Low::Discover(f) => f.into_command(),
            Low::Report { dir, lang } => (Command::Report { dir }, Options { lang, ..Options::default() }),
            Low::Completions { shell } => (Command::Completions(shell), Options::default()),
            Low::Man { out } => (Command::Man { out }, Options::default()),
        };
        Args { command, options }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn declarations_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn shared_flags_land_in_the_options() {
        let parse = |args: &[&str]| Args::from(Cli::try_parse_from(args).unwrap().command);
        let a = parse(&["govsim", "run", "x.json", "--reps", "3", "--threads", "2", "--seed", "7"]);
        assert_eq!((a.options.reps, a.options.threads, a.options.seed), (3, Some(2), 7));
        let a = parse(&["govsim", "sweep", "s.json", "--threads", "4", "--progress", "off"]);
        assert_eq!((a.options.threads, a.options.progress), (Some(4), ProgressMode::Off));
        let a = parse(&["govsim", "analyze", "d", "--font", "f.ttf"]);
        assert_eq!(a.options.font, Some(FontArg::File(PathBuf::from("f.ttf"))));
        assert_eq!(parse(&["govsim", "compare", "--font", "auto"]).options.font, Some(FontArg::Auto));
        assert_eq!(parse(&["govsim", "compare", "--lang", "zh"]).options.lang, Lang::Zh);
        assert_eq!(parse(&["govsim", "compare"]).options.lang, Lang::En);
        assert_eq!(parse(&["govsim", "report", "d", "--lang", "zh"]).options.lang, Lang::Zh);
        assert!(Cli::try_parse_from(["govsim", "compare", "--lang", "fr"]).is_err());
        assert!(Cli::try_parse_from(["govsim", "analyze", "d", "--threads", "2"]).is_err());
        assert!(Cli::try_parse_from(["govsim", "run", "x.json", "--threads", "1025"]).is_err());
    }
}
