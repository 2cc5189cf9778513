//! `govsim run`, `compare` and `district`: simulate, then write the results in one step.

use super::flags::Options;
use super::progress::Progress;
use super::report;
use super::{destination, mib, put, say, STOP};
use govsim::experiment::clock::CLOCK;
use govsim::experiment::{run_many_with, Replication};
use govsim::output::folder::{Destination, Mode, Suggest};
use govsim::output::{self, compare::Comparison};
use govsim::report::provenance::Started;
use govsim::scenario::Scenario;
use govsim::{limits, load, Error};
use rayon::ThreadPool;
use std::path::{Path, PathBuf};

/// Everything run and compare need, checked before any simulation starts: every scenario
/// (names distinct), the worker pool, the memory, the font.
fn prepare(files: &[PathBuf], o: &Options) -> Result<(Vec<Scenario>, ThreadPool), Error> {
    let scenarios = load::scenarios(files)?;
    let pool = limits::thread_pool(o.threads)?;
    let threads = pool.current_num_threads();
    let need = limits::run_bytes(&scenarios, o.reps, threads);
    let what = format!("{} replication(s) of {} scenario(s) on {threads} thread(s)", o.reps, scenarios.len());
    limits::check_memory(&what, need, threads)?;
    load::font(o.font.as_ref(), &load::scenario_texts(&scenarios))?;
    Ok((scenarios, pool))
}

/// How long a simulation took, for `--timings`.
pub(super) struct Simulated {
    pub seconds: f64,
    pub agent_steps: f64,
    pub threads: usize,
}

/// `--timings`: where the command's time went, on stderr. CPU seconds are summed over threads.
pub(super) fn print_timings(o: &Options, started: &Started, sim: &Simulated, write_seconds: f64) {
    if !o.timings {
        return;
    }
    let p = CLOCK.seconds();
    let per_thread = if p.steps > 0.0 { sim.agent_steps / p.steps / 1e6 } else { f64::NAN };
    let busy = if p.pass > 0.0 { p.chunks / p.pass } else { f64::NAN };
    eprintln!(
        "timings (seconds)\n  \
         simulate        {:8.3} wall on {} thread(s), of which CPU time summed over threads:\n    \
         build worlds  {:8.3}\n    \
         step          {:8.3}  ({per_thread:.1} million agent-steps/s per thread)\n      \
         start of step {:8.3}  (institutions, asks of ties)\n      \
         residents pass {:7.3}  (chunks of agents: {:.3} summed over threads, {busy:.2} × the pass)\n      \
         teams, counts {:8.3}\n    \
         measures      {:8.3}\n  \
         write results {:8.3} wall (data, charts, report)\n  \
         total         {:8.3} wall (with loading and checks)",
        sim.seconds,
        sim.threads,
        p.init,
        p.steps,
        p.start,
        p.pass,
        p.chunks,
        p.rest,
        p.measures,
        write_seconds,
        started.instant.elapsed().as_secs_f64(),
    );
}

/// `o.reps` replications of every scenario, with progress and a timing line on stderr.
fn simulate(
    scenarios: &[Scenario],
    pool: &ThreadPool,
    o: &Options,
) -> Result<(Vec<Vec<Replication>>, Simulated), Error> {
    let total = scenarios.len() as u64 * o.reps as u64;
    let progress = Progress::new(total, o.progress);
    CLOCK.reset();
    let start = std::time::Instant::now();
    let results = pool.install(|| run_many_with(scenarios, o.seed, o.reps, &|| progress.tick(), &STOP));
    progress.finish();
    let Some(results) = results else {
        return Err(Error::interrupted("no results were written"));
    };
    let agent_steps: f64 = scenarios
        .iter()
        .map(|s| {
            let agents =
                s.community.residents as f64 + s.actors.enterprises.iter().map(|e| e.employees as f64).sum::<f64>();
            agents * (s.time.years * 12 / s.time.step_months) as f64 * o.reps as f64
        })
        .sum();
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "simulated {} runs in {secs:.2} s ({:.1} million agent-steps/s on {} threads; peak memory {})",
        total,
        agent_steps / secs.max(1e-9) / 1e6,
        pool.current_num_threads(),
        mib(limits::peak_memory())
    );
    Ok((results, Simulated { seconds: secs, agent_steps, threads: pool.current_num_threads() }))
}

pub fn run(files: &[PathBuf], out: &Path, o: &Options) -> Result<(), Error> {
    let started = Started::now();
    let (scenarios, pool) = prepare(files, o)?;
    let dests = scenarios
        .iter()
        .map(|s| {
            destination(Destination::within(out, &s.name, "run", Mode::Replace, Suggest::Parent(out.to_path_buf())))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let (results, sim) = simulate(&scenarios, &pool, o)?;
    let writing = std::time::Instant::now();
    for (((s, file), reps_done), dest) in scenarios.iter().zip(files).zip(&results).zip(&dests) {
        let info = output::RunInfo { seed: o.seed, replications: o.reps, source_file: Some(file.clone()) };
        let what = format!("the results of {}", s.name);
        let prov = report::provenance(
            "run",
            &started,
            pool.current_num_threads(),
            std::slice::from_ref(file),
            o.seed,
            Some(o.reps),
        );
        let dir = put(dest, &what, |tmp| {
            output::write_scenario_files(tmp, s, &info, reps_done)?;
            report::finish(tmp, &prov)
        })?;
        say(&format!("{}: {} replications → {}", s.name, o.reps, dir.display()))?;
    }
    print_timings(o, &started, &sim, writing.elapsed().as_secs_f64());
    Ok(())
}

/// `govsim cases`: run the cases, hold each against its targets, print the table and write
/// targets.csv and targets.md beside each case's results.
pub fn cases(paths: &[PathBuf], out: &Path, o: &Options) -> Result<(), Error> {
    let started = Started::now();
    let files = load::expand(paths)?;
    let (scenarios, pool) = prepare(&files, o)?;
    let dest = destination(Destination::new(out, "cases", Mode::Replace))?;
    let (results, sim) = simulate(&scenarios, &pool, o)?;
    let writing = std::time::Instant::now();
    let checked: Vec<_> =
        scenarios.iter().zip(&results).flat_map(|(s, reps)| govsim::experiment::targets::check(s, reps)).collect();
    let table = output::targets::targets_markdown(&checked);
    let dir = put(&dest, "the case results", |tmp| {
        std::fs::write(tmp.join("targets.csv"), output::targets::targets_csv(&checked))?;
        std::fs::write(tmp.join("targets.md"), &table)?;
        let long = scenarios.iter().zip(&results).map(|(s, r)| (s.name.as_str(), r.as_slice(), s.time.step_months));
        output::write_file(&tmp.join("timeseries_long.csv"), output::timeseries_long_csv(long))?;
        for ((s, file), reps) in scenarios.iter().zip(&files).zip(&results) {
            let info = output::RunInfo { seed: o.seed, replications: o.reps, source_file: Some(file.clone()) };
            let sub = tmp.join(&s.name);
            std::fs::create_dir(&sub)?;
            output::write_scenario_files(&sub, s, &info, reps)?;
            output::targets::targets_chart(&sub, s, reps, &checked)?;
        }
        let prov = report::provenance("cases", &started, pool.current_num_threads(), &files, o.seed, Some(o.reps));
        report::finish(tmp, &prov)
    })?;
    print_timings(o, &started, &sim, writing.elapsed().as_secs_f64());
    if checked.is_empty() {
        return say(&format!(
            "none of these cases carries targets (a case file's `targets`, docs/cases.md); results → {}",
            dir.display()
        ));
    }
    say(&table)?;
    let within = checked.iter().filter(|c| c.within()).count();
    say(&format!("{within} of {} targets within their interval → {}", checked.len(), dir.display()))
}

pub fn compare(paths: &[PathBuf], out: &Path, o: &Options) -> Result<(), Error> {
    let started = Started::now();
    let files = load::expand(paths)?;
    if files.len() < 2 {
        let given = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
        let found = files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
        return Err(Error::input(format!(
            "compare needs at least two scenarios; {given} gives one: {found} (name two or more files, or a folder of them)"
        )));
    }
    let (scenarios, pool) = prepare(&files, o)?;
    let dest = destination(Destination::new(out, "compare", Mode::Replace))?;
    let (results, sim) = simulate(&scenarios, &pool, o)?;
    let writing = std::time::Instant::now();
    let comparison = Comparison::new(&scenarios, &results, o.seed, o.reps);
    let threads = pool.current_num_threads();
    put(&dest, "the comparison", |tmp| {
        pool.install(|| output::compare::write_comparison_files(tmp, &comparison, &scenarios, &results, &files))?;
        report::finish(tmp, &report::provenance("compare", &started, threads, &files, o.seed, Some(o.reps)))
    })?;
    print_timings(o, &started, &sim, writing.elapsed().as_secs_f64());
    say(&output::compare::terminal_table(&comparison))?;
    say(&format!(
        "files in {}: report.html, comparison.csv, comparison.json, comparison.md, timeseries_long.csv, datapackage.json, timeseries.png/.svg, dependency.png/.svg, final_state.png/.svg, and one folder per model",
        out.display()
    ))
}

pub fn district(file: &Path, out: Option<&Path>, o: &Options) -> Result<(), Error> {
    let started = Started::now();
    let plan = govsim::scenario::district::load_district(file)?;
    let pool = limits::thread_pool(o.threads)?;
    let what = format!(
        "district \"{}\" ({} residents in {} communities)",
        plan.district.name,
        plan.residents(),
        plan.communities.len()
    );
    limits::check_memory(&what, limits::district_bytes(&plan), pool.current_num_threads())?;
    let mut texts = load::scenario_texts(plan.communities.iter().map(|(s, _)| s));
    texts.push(&plan.district.name);
    load::font(o.font.as_ref(), &texts)?;
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
    let progress = Progress::counting(steps as u64, o.progress, "steps");
    CLOCK.reset();
    let start = std::time::Instant::now();
    let run = pool.install(|| govsim::experiment::district::run_district(&plan, o.seed, &STOP, &|_| progress.tick()));
    progress.finish();
    let Some(run) = run else { return Err(Error::interrupted("no results were written")) };
    let seconds = start.elapsed().as_secs_f64();
    let info = output::district::DistrictInfo {
        seed: o.seed,
        threads: pool.current_num_threads(),
        seconds,
        peak_memory_bytes: limits::peak_memory(),
        source_file: file.to_path_buf(),
    };
    eprintln!(
        "simulated {:.2} billion resident-steps in {seconds:.1} s ({:.1} million resident-steps/s on {} threads; peak memory {})",
        run.resident_steps as f64 / 1e9,
        run.resident_steps as f64 / seconds.max(1e-9) / 1e6,
        info.threads,
        mib(info.peak_memory_bytes)
    );
    let prov = report::provenance("district", &started, info.threads, &[file.to_path_buf()], o.seed, None);
    let writing = std::time::Instant::now();
    put(&dest, "the district results", |tmp| district_files(tmp, &plan, &run, &info, &prov))?;
    let sim = Simulated { seconds, agent_steps: run.resident_steps as f64, threads: info.threads };
    print_timings(o, &started, &sim, writing.elapsed().as_secs_f64());
    say(&format!(
        "{}: files in {}: report.html, timeseries.csv, communities.csv, summary.json, timeseries.png/.svg, final_state.png/.svg",
        plan.district.name,
        out.display()
    ))
}

/// A district's results, written into `tmp` (a folder being filled): its tables and charts,
/// provenance.json and report.html. `govsim district` and each district of `govsim region`.
pub(super) fn district_files(
    tmp: &Path,
    plan: &govsim::scenario::district::DistrictPlan,
    run: &govsim::experiment::district::DistrictRun,
    info: &output::district::DistrictInfo,
    prov: &govsim::report::provenance::Provenance,
) -> std::io::Result<()> {
    output::district::write_district_files(tmp, plan, run, info)?;
    report::finish(tmp, prov)
}
