//! What a run will need and what the machine lets it have, checked before anything runs:
//! memory (the smallest of available memory, the address-space limit `ulimit -v` and the
//! cgroup limit that Slurm `--mem`, Kubernetes or systemd set) and worker threads.
//! docs/robustness.md gives the limits and how the estimates were measured.

use crate::measures::N_METRICS;
use crate::scenario::district::DistrictPlan;
use crate::scenario::Scenario;
use crate::Error;
use std::path::{Path, PathBuf};

/// Most worker threads a command accepts (`--threads`); 0 or absent means all cores. More than
/// this is never useful on one machine and only costs memory and start-up time.
pub const MAX_THREADS: usize = 1024;

/// The worker pool of a command: `threads` workers (0 or `None`: all cores).
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::runtime(format!("cannot start worker threads: {e}")))
}

/// A sweep's worker threads: `--threads N` (1 to [`MAX_THREADS`]; 0 means all cores, `None`);
/// without `--threads`, the value of `SLURM_CPUS_PER_TASK` where it is set (1 to
/// [`MAX_THREADS`], anything else is bad input), else all cores.
pub fn sweep_threads(
    arg: Option<usize>,
    slurm_cpus_per_task: Option<&std::ffi::OsStr>,
) -> Result<Option<usize>, Error> {
    match (arg, slurm_cpus_per_task) {
        (Some(0), _) | (None, None) => Ok(None),
        (Some(t), _) => Ok(Some(t)),
        (None, Some(v)) => {
            let refuse = |shown: String| {
                Error::input(format!(
                    "SLURM_CPUS_PER_TASK={shown} is not a whole number from 1 to 1024 (or pass --threads N)"
                ))
            };
            let Some(text) = v.to_str() else { return Err(refuse(format!("{v:?}"))) };
            match text.trim().parse::<usize>() {
                Ok(t) if (1..=MAX_THREADS).contains(&t) => Ok(Some(t)),
                _ => Err(refuse(format!("{text:?}"))),
            }
        }
    }
}

/// How many workers a pool of `threads` (as for [`thread_pool`]) has, before it is built.
pub fn workers(threads: Option<usize>) -> usize {
    match threads {
        Some(t) if t > 0 => t,
        _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

/// Peak resident memory of this process (`VmHWM` in /proc/self/status; `None` where unavailable).
pub fn peak_memory() -> Option<u64> {
    kib_field(&std::fs::read_to_string("/proc/self/status").ok()?, "VmHWM:")
}

/// Bytes of one agent's state in the model's arrays and per-step buffers. Measured with
/// `govsim run --threads 1`: peak memory of 2 M residents without ties exceeds that of 1 M by
/// 43 MiB (45 bytes per resident), rounded up.
const AGENT_BYTES: u64 = 48;
/// A local tie is a u16 index within the courtyard, a long-range tie a u32 resident index
/// (measured: 64 ties of each kind add 192 bytes per resident).
const LOCAL_TIE_BYTES: u64 = 2;
const LONG_TIE_BYTES: u64 = 4;
/// Scratch of the residents pass per agent of a batch of chunks, at most: a deed (32 bytes) if
/// the agent volunteers and an ask (8) if someone asks it. A world borrows it only while it
/// steps (src/model/scratch.rs); counted per world, to be safe. (The list of residents who
/// served, kept between steps, holds 4 bytes per resident who served, and the start of a step
/// 1 more for each one's chance to ask a tie and 8 for each ask of a tie: at most 26 per
/// resident who served with the vectors' growth, so under 3 bytes per resident when a tenth
/// serve, inside `AGENT_BYTES`' margin.)
const SCRATCH_BYTES: u64 = 40;
/// One step's row of measures kept for every replication until the results are written.
const ROW_BYTES: u64 = N_METRICS as u64 * 8;
/// One step's team and member counts of one organisation row (two u32), kept with the rows.
const ORG_STEP_BYTES: u64 = 8;
/// The same row as CSV text (at most ~24 characters a cell), built for one scenario at a time.
const CSV_ROW_BYTES: u64 = N_METRICS as u64 * 24 + 32;
/// The program itself, fonts, chart buffers and everything that does not grow with the run.
const BASE_BYTES: u64 = 64 << 20;
/// The scenario a sweep holds for each of its points, built once before any run. Measured: the
/// 20,000 points of a Latin hypercube over a driver model add 41 MB to the peak memory of
/// `sweep --dry-run` (2.1 kB each), rounded up.
const SWEEP_POINT_BYTES: u64 = 2560;
/// Address space (not memory) the process reserves whatever the run: code, the main heap, the
/// signal thread's malloc arena. It counts against `ulimit -v` only. Measured: VmPeak of
/// `compare --reps 2` is 205 MiB on 1 worker thread, 271 on 2, 667 on 8.
const ADDRESS_SPACE_BASE: u64 = 160 << 20;
/// Address space each worker thread reserves: glibc's malloc arena (64 MiB) and its stack.
const ADDRESS_SPACE_PER_THREAD: u64 = 68 << 20;

/// Agents' memory of one world of `s` (residents and enterprise employees, with their ties).
pub fn world_bytes(s: &Scenario) -> u64 {
    let agents = s.community.residents as u64 + crate::model::population::employees(s) as u64;
    let batch = (crate::model::residents::BATCH * crate::model::rng::CHUNK) as u64;
    // a world of more than one batch keeps two batches of scratch (one steps while the one
    // before it is added up), each slot with room for a whole chunk: src/model/scratch.rs
    let scratch_agents = if agents > batch { 2 * batch } else { agents };
    agents * agent_bytes(s) + scratch_agents * SCRATCH_BYTES
}

/// Memory of one agent of `s` with its ties.
fn agent_bytes(s: &Scenario) -> u64 {
    let c = &s.community;
    AGENT_BYTES + c.local_ties as u64 * LOCAL_TIE_BYTES + c.long_range_ties as u64 * LONG_TIE_BYTES
}

/// Memory of the residents and ties of one world of `s`, without scratch and employees.
fn population_bytes(s: &Scenario) -> u64 {
    s.community.residents as u64 * agent_bytes(s)
}

fn steps(s: &Scenario) -> u64 {
    s.time.steps() as u64
}

/// What one step of one replication of `s` keeps until the results are written: its row of
/// measures and its organisations' counts (government, each social organisation and
/// enterprise, the fund, the residents).
fn step_bytes(s: &Scenario) -> u64 {
    let orgs = s.actors.social_organisations.len() as u64 + s.actors.enterprises.len() as u64 + 3;
    ROW_BYTES + orgs * ORG_STEP_BYTES
}

/// Peak memory of `reps` replications of every scenario on `threads` workers: the largest
/// worlds that can run at once (each with the population its job copies from, when scenarios
/// share one: [`crate::experiment::population_groups`]), every replication's rows, and one
/// scenario's CSV text.
pub fn run_bytes(scenarios: &[Scenario], reps: u32, threads: usize) -> u64 {
    let groups = crate::experiment::population_groups(scenarios, reps, threads);
    if groups.len() == scenarios.len() {
        return worlds_and_rows(scenarios, reps, threads);
    }
    // one job per group and replication, each holding its population and one world at a time
    let jobs = groups.len() as u64 * reps as u64;
    let at_once = (threads.max(1) as u64).min(jobs);
    let world = scenarios.iter().map(world_bytes).max().unwrap_or(0);
    let population = scenarios.iter().map(population_bytes).max().unwrap_or(0);
    rows_and_text(scenarios, reps).saturating_add(world.saturating_add(population).saturating_mul(at_once))
}

/// The largest worlds of `reps` replications of every scenario that can run at once on
/// `threads` workers, each replication its own job.
fn largest_worlds(scenarios: &[Scenario], reps: u32, threads: usize) -> u64 {
    let jobs = scenarios.len() as u64 * reps as u64;
    let at_once = (threads.max(1) as u64).min(jobs);
    let mut sizes: Vec<u64> = scenarios.iter().map(world_bytes).collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    // the `at_once` largest jobs: each scenario's world may run up to `reps` times at once
    let mut worlds = 0u64;
    let mut left = at_once;
    for size in sizes {
        let n = left.min(reps as u64);
        worlds = worlds.saturating_add(size.saturating_mul(n));
        left -= n;
        if left == 0 {
            break;
        }
    }
    worlds
}

/// Peak memory when every replication of every scenario is a job of its own.
fn worlds_and_rows(scenarios: &[Scenario], reps: u32, threads: usize) -> u64 {
    rows_and_text(scenarios, reps).saturating_add(largest_worlds(scenarios, reps, threads))
}

/// The program, every replication's rows and one scenario's CSV text.
fn rows_and_text(scenarios: &[Scenario], reps: u32) -> u64 {
    let rows: u64 =
        scenarios.iter().map(|s| (reps as u64 * steps(s)).saturating_mul(step_bytes(s))).fold(0, u64::saturating_add);
    let csv = scenarios.iter().map(|s| reps as u64 * steps(s) * CSV_ROW_BYTES).max().unwrap_or(0);
    BASE_BYTES.saturating_add(rows).saturating_add(csv)
}

/// Peak memory of a sweep over these scenarios on `threads` workers, holding the scenario of
/// each of its `points` (scenario × design point): runs keep only scalar outputs, so at most one
/// run per worker is in memory, each with its world and rows, and the population its job's runs
/// may share (`sweep::run`; counted whether or not they do, to be safe).
pub fn sweep_bytes(scenarios: &[Scenario], threads: usize, points: u64) -> u64 {
    let n = threads.clamp(1, u32::MAX as usize) as u32;
    let population = scenarios.iter().map(population_bytes).max().unwrap_or(0);
    worlds_and_rows(scenarios, n, threads)
        .saturating_add(population.saturating_mul(n as u64))
        .saturating_add(points.saturating_mul(SWEEP_POINT_BYTES))
}

/// Peak memory of a district: every community's world at once, and every community's rows.
pub fn district_bytes(plan: &DistrictPlan) -> u64 {
    let per = |s: &Scenario| world_bytes(s).saturating_add(steps(s) * (step_bytes(s) + CSV_ROW_BYTES / 4));
    plan.communities.iter().map(|(s, _)| per(s)).fold(BASE_BYTES, u64::saturating_add)
}

/// The memory this process may still use, and what sets that limit.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryLimit {
    pub bytes: u64,
    pub source: String,
}

/// The smallest of: available memory (`MemAvailable`), the address-space limit (`ulimit -v`)
/// less what the process and its `threads` workers reserve without using it, and the cgroup's
/// limit less its use. `None` where none of them can be read.
pub fn memory_limit(threads: usize) -> Option<MemoryLimit> {
    let mut limits = Vec::new();
    if let Some(b) = meminfo_available() {
        limits.push(MemoryLimit { bytes: b, source: "available memory (MemAvailable in /proc/meminfo)".into() });
    }
    if let Some(b) = address_space_left(threads) {
        limits.push(MemoryLimit { bytes: b, source: "the address-space limit (ulimit -v)".into() });
    }
    if let Some((b, file)) = cgroup_left(Path::new("/proc/self/cgroup"), Path::new("/sys/fs/cgroup")) {
        limits.push(MemoryLimit { bytes: b, source: format!("the cgroup memory limit ({})", file.display()) });
    }
    limits.into_iter().min_by_key(|l| l.bytes)
}

/// Refuse (bad input), with the numbers, work that needs more memory than the limit allows.
pub fn check_memory(what: &str, need: u64, threads: usize) -> Result<(), Error> {
    let Some(limit) = memory_limit(threads) else { return Ok(()) };
    if need <= limit.bytes {
        return Ok(());
    }
    Err(Error::input(format!(
        "{what} needs about {} but only {} is allowed by {}; use fewer residents, replications, years or threads (docs/robustness.md)",
        gib(need),
        gib(limit.bytes),
        limit.source
    )))
}

fn gib(b: u64) -> String {
    if b < 10 << 30 {
        format!("{} MiB", b >> 20)
    } else {
        format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64)
    }
}

fn meminfo_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    kib_field(&text, "MemAvailable:")
}

fn kib_field(text: &str, key: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|k| k * 1024)
}

/// What `ulimit -v` leaves for the run's data. Worked out from the limit and measured
/// reservations rather than from the process's current size, which depends on whether the
/// worker threads have allocated yet (and so varied from run to run).
#[cfg(unix)]
fn address_space_left(threads: usize) -> Option<u64> {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes into the struct we pass and nothing else.
    if unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut lim) } != 0 || lim.rlim_cur == libc::RLIM_INFINITY {
        return None;
    }
    let reserved = ADDRESS_SPACE_BASE + threads.max(1) as u64 * ADDRESS_SPACE_PER_THREAD;
    #[allow(clippy::unnecessary_cast)] // rlim_t is not u64 on every system
    Some((lim.rlim_cur as u64).saturating_sub(reserved))
}

#[cfg(not(unix))]
fn address_space_left(_threads: usize) -> Option<u64> {
    None
}

/// Memory left under the cgroup limits of this process: for cgroup v2 the smallest
/// `memory.max − (memory.current − inactive file cache)` over the cgroup and its ancestors;
/// for cgroup v1 the same from `memory.limit_in_bytes` and `memory.usage_in_bytes`.
/// Returns the bytes left and the file that sets the limit.
fn cgroup_left(proc_cgroup: &Path, root: &Path) -> Option<(u64, PathBuf)> {
    let text = std::fs::read_to_string(proc_cgroup).ok()?;
    let mut best: Option<(u64, PathBuf)> = None;
    let mut consider = |dir: PathBuf, max_file: &str, usage_file: &str, inactive_key: &str| {
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
        let Some(max) = read(max_file).and_then(|t| t.trim().parse::<u64>().ok()) else { return };
        if max >= 1 << 60 {
            return; // "unlimited" in cgroup v1 is a huge number
        }
        let usage = read(usage_file).and_then(|t| t.trim().parse::<u64>().ok()).unwrap_or(0);
        let inactive = read("memory.stat")
            .and_then(|t| {
                t.lines().find_map(|l| l.strip_prefix(inactive_key).and_then(|v| v.trim().parse::<u64>().ok()))
            })
            .unwrap_or(0);
        let left = max.saturating_sub(usage.saturating_sub(inactive));
        if best.as_ref().is_none_or(|(b, _)| left < *b) {
            best = Some((left, dir.join(max_file)));
        }
    };
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let rel = path.trim_start_matches('/');
        if controllers.is_empty() {
            // cgroup v2: the group and each ancestor up to the root of the mount
            let base = root.join(rel);
            let mut dir = Some(base.as_path());
            while let Some(d) = dir.filter(|d| d.starts_with(root)) {
                consider(d.to_path_buf(), "memory.max", "memory.current", "inactive_file ");
                dir = d.parent();
            }
        } else if controllers.split(',').any(|c| c == "memory") {
            // cgroup v1; inside a container the group is often the root of the mount
            let mount = root.join("memory");
            let base = mount.join(rel);
            let dir = if base.is_dir() { base } else { mount };
            consider(dir, "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file ");
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(residents: u32, years: u32) -> Scenario {
        let mut s = Scenario::default();
        s.community.residents = residents;
        s.time.years = years;
        s
    }

    /// Five driver models of one 1 M-resident community: with enough replications to keep every
    /// thread busy they share the population (a job holds it and one world at a time), with too
    /// few each replication of each model is a job of its own, as before.
    #[test]
    fn jobs_that_share_a_population_hold_it_and_one_world() {
        use crate::experiment::population_groups;
        let drivers: Vec<Scenario> = (0..5)
            .map(|k| {
                let mut s = scenario(1_000_000, 10);
                s.actors.enterprises = Scenario::default().actors.enterprises;
                s.name = format!("model-{k}");
                s
            })
            .collect();
        assert_eq!(population_groups(&drivers, 30, 2), vec![vec![0, 1, 2, 3, 4]]);
        let (world, population) = (world_bytes(&drivers[0]), population_bytes(&drivers[0]));
        let alone = worlds_and_rows(&drivers, 30, 2);
        // two jobs at once, each a population and a world, instead of two worlds
        assert_eq!(run_bytes(&drivers, 30, 2), alone - 2 * world + 2 * (world + population));
        // 5 models × 1 replication on 8 threads: one shared job would leave 7 threads idle
        assert_eq!(population_groups(&drivers, 1, 8).len(), 5);
        assert_eq!(run_bytes(&drivers, 1, 8), worlds_and_rows(&drivers, 1, 8));
        // a different community draws its own
        let mut other = drivers.clone();
        other[4].community.traits.skill_mean = 0.31;
        assert_eq!(population_groups(&other, 30, 2), vec![vec![0, 1, 2, 3], vec![4]]);
    }

    #[test]
    fn sweep_threads_follow_the_flag_then_slurm() {
        use std::ffi::OsStr;
        assert_eq!(sweep_threads(Some(3), Some(OsStr::new("lots"))), Ok(Some(3)));
        assert_eq!(sweep_threads(Some(0), Some(OsStr::new("2"))), Ok(None));
        assert_eq!(sweep_threads(None, None), Ok(None));
        assert_eq!(sweep_threads(None, Some(OsStr::new(" 2 "))), Ok(Some(2)));
        for bad in ["0", "1025", "lots", ""] {
            let e = sweep_threads(None, Some(OsStr::new(bad))).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Input);
            assert_eq!(
                e.message(),
                format!("SLURM_CPUS_PER_TASK={bad:?} is not a whole number from 1 to 1024 (or pass --threads N)")
            );
        }
    }

    #[test]
    fn world_bytes_follow_the_measured_sizes() {
        // 1 M residents with the default 6 local and 2 long-range ties: 48 + 12 + 8 = 68 bytes
        // each, plus 40 bytes of scratch for each of the 2 × 131,072 agents of two batches (one
        // stepping while the other is added up; measured peak: 71 MiB for the whole process)
        assert_eq!(world_bytes(&scenario(1_000_000, 1)), 68_000_000 + 2 * 131_072 * 40);
        // between one and two batches the scratch still holds two whole batches
        assert_eq!(world_bytes(&scenario(200_000, 1)), 200_000 * 68 + 2 * 131_072 * 40);
        // one batch or less: room for each agent once
        assert_eq!(world_bytes(&scenario(100_000, 1)), 100_000 * (68 + 40));
    }

    #[test]
    fn concurrency_is_bounded_by_the_jobs_not_the_threads() {
        let s = scenario(1_000_000, 1);
        let one = run_bytes(std::slice::from_ref(&s), 2, 1);
        // 64 threads but only two replications: two worlds at once, not 64
        let many = run_bytes(std::slice::from_ref(&s), 2, 64);
        assert_eq!(many - one, world_bytes(&s));
    }

    #[test]
    fn rows_of_every_replication_are_counted() {
        // a tiny community over 50 years with 100,000 replications: the rows dominate
        let s = scenario(1, 50);
        let need = run_bytes(std::slice::from_ref(&s), 100_000, 2);
        let rows = 100_000u64 * 600;
        // two worlds at once on two threads; each step keeps its row of measures and the counts
        // of the default scenario's organisations (government, the fund row, the residents)
        let orgs = 3 * ORG_STEP_BYTES;
        assert_eq!(need, BASE_BYTES + 2 * world_bytes(&s) + rows * (ROW_BYTES + orgs) + rows * CSV_ROW_BYTES);
        // more than 50 GiB: refused on any ordinary machine (the two-minute abort)
        assert!(need > 50 << 30, "{need}");
    }

    #[test]
    fn cgroup_v2_takes_the_tightest_ancestor_and_ignores_max() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let leaf = root.join("a/b");
        std::fs::create_dir_all(&leaf).unwrap();
        std::fs::write(root.join("a/memory.max"), "1000000000\n").unwrap();
        std::fs::write(root.join("a/memory.current"), "100000000\n").unwrap();
        std::fs::write(leaf.join("memory.max"), "max\n").unwrap();
        std::fs::write(leaf.join("memory.current"), "400000000\n").unwrap();
        std::fs::write(root.join("a/memory.stat"), "anon 1\ninactive_file 50000000\n").unwrap();
        let proc_file = root.join("cgroup");
        std::fs::write(&proc_file, "0::/a/b\n").unwrap();
        let (left, file) = cgroup_left(&proc_file, root).unwrap();
        assert_eq!(left, 1_000_000_000 - (100_000_000 - 50_000_000));
        assert_eq!(file, root.join("a/memory.max"));
    }

    #[test]
    fn cgroup_v1_reads_the_memory_controller_and_ignores_unlimited() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let group = root.join("memory/job_7");
        std::fs::create_dir_all(&group).unwrap();
        std::fs::write(group.join("memory.limit_in_bytes"), "314572800\n").unwrap();
        std::fs::write(group.join("memory.usage_in_bytes"), "10485760\n").unwrap();
        let proc_file = root.join("cgroup");
        std::fs::write(&proc_file, "5:cpu:/\n4:memory:/job_7\n").unwrap();
        assert_eq!(cgroup_left(&proc_file, root).unwrap().0, 314_572_800 - 10_485_760);
        std::fs::write(group.join("memory.limit_in_bytes"), "9223372036854771712\n").unwrap();
        assert_eq!(cgroup_left(&proc_file, root), None);
    }
}
