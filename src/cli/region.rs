//! `govsim region` and the merge of a region folder.

use super::flags::{Options, Region};
use super::progress::Progress;
use super::simulate::{district_files, print_timings, Simulated};
use super::{destination, mib, report, say, STOP};
use govsim::experiment::clock::CLOCK;
use govsim::experiment::district::run_district;
use govsim::output::folder::{Destination, Mode, Suggest};
use govsim::region::block::{self, Data, State};
use govsim::region::{district_folder, Resolved, RESOLVED};
use govsim::report::provenance::Started;
use govsim::scenario::region::{load_region, RegionPlan};
use govsim::sweep::{self, shard::Shard};
use govsim::{limits, load, Error};
use serde_json::json;
use std::path::Path;
use std::sync::atomic::Ordering;

pub fn region(a: &Region, o: &Options) -> Result<(), Error> {
    let started = Started::now();
    // the shard and the threads first: a malformed environment is bad input, found before any work
    let get = |k: &str| std::env::var(k).ok();
    let shard = sweep::shard::choose(a.shard_index, a.shard_count, a.shard_from_env, &get).map_err(Error::input)?;
    let threads = limits::sweep_threads(o.threads, std::env::var_os("SLURM_CPUS_PER_TASK").as_deref())?;
    let plan = load_region(&a.file)?;
    let r = Resolved::of(&plan);
    let n = r.districts.len() as u64;
    let mine: Vec<u64> = match &shard {
        Some(s) => sweep::shard::blocks_of(n, s.index, s.count),
        None => (0..n).collect(),
    };
    let label = match &shard {
        Some(s) => format!("shard {} of {} ({})", s.index, s.count, s.source),
        None => "all districts".to_string(),
    };
    let out = a.out.clone().unwrap_or_else(|| Path::new("output/regions").join(&r.region));
    if a.dry_run {
        return say(&dry_run(a, &plan, &r, shard.as_ref(), &mine, &out));
    }
    let pool = limits::thread_pool(threads)?;
    let threads = pool.current_num_threads();
    if let Some(&k) = mine.iter().max_by_key(|&&k| limits::district_bytes(plan.plan(k as usize))) {
        let d = &r.districts[k as usize];
        let what = format!("district {k} \"{}\" ({} residents in {} communities)", d.name, d.residents, d.communities);
        limits::check_memory(&what, limits::district_bytes(plan.plan(k as usize)), threads)?;
    }
    load::font(o.font.as_ref(), &texts(&plan, &r))?;
    let mode = Mode::InPlace { since: None };
    let dest = destination(match &a.out {
        Some(out) => Destination::new(out, "region", mode),
        None => Destination::within(Path::new("output/regions"), &r.region, "region", mode, Suggest::Sibling),
    })?;
    // region.json first: a folder holding another region is refused before govsim marks it
    for note in sweep::run::open_in_place(&dest, RESOLVED, &r.text(), "region", &STOP)? {
        eprintln!("note: {note}");
    }
    let mut todo = Vec::new();
    for &k in &mine {
        match block::read(&r, &out, k) {
            State::Intact { .. } => {}
            State::Missing => todo.push(k),
            State::Damaged(e) => {
                eprintln!("warning: {} {e}; running district {k} again", block::block_file(&out, k).display());
                todo.push(k);
            }
        }
    }
    // every district folder to be written is checked before anything runs
    let folders = todo
        .iter()
        .map(|&k| {
            destination(Destination::new(
                &district_folder(&out, k, &r.districts[k as usize].name),
                "district",
                Mode::Replace,
            ))
        })
        .collect::<Result<Vec<_>, _>>()?;
    eprintln!(
        "{}: {label}: {} district(s) to run, {} already complete; {threads} threads",
        r.region,
        todo.len(),
        mine.len() - todo.len()
    );
    let steps: u64 = todo.len() as u64 * r.steps as u64;
    let progress = Progress::counting(steps, o.progress, "steps");
    CLOCK.reset();
    let (mut seconds, mut agent_steps, mut write_seconds) = (0.0, 0.0, 0.0);
    let stopped = |done: usize| {
        progress.finish();
        Error::interrupted(format!(
            "stopped after {done} district(s) of this run; every completed district is kept in {}; rerun the same command to resume",
            out.display()
        ))
    };
    for (done, (&k, folder)) in todo.iter().zip(&folders).enumerate() {
        let d = &r.districts[k as usize];
        let district_plan = plan.plan(k as usize);
        let start = std::time::Instant::now();
        let run = pool.install(|| run_district(district_plan, d.seed, &STOP, &|_| progress.tick()));
        let Some(run) = run else { return Err(stopped(done)) };
        let simulated = start.elapsed().as_secs_f64();
        let source_file = a.file.parent().unwrap_or(Path::new(".")).join(&d.file);
        let info = govsim::output::district::DistrictInfo {
            seed: d.seed,
            threads,
            seconds: simulated,
            peak_memory_bytes: limits::peak_memory(),
            source_file: source_file.clone(),
        };
        let writing = std::time::Instant::now();
        let prov = report::provenance("district", &started, threads, &[source_file], d.seed, None);
        let data = Data::of(d, district_plan, &run, r.steps_per_year());
        data.check(&r, k).map_err(|e| Error::runtime(format!("district {k} cannot be kept: its block {e}")))?;
        // a district simulated to the end is written whole even if a stop comes meanwhile (its
        // folder, then its block); the stop is obeyed after
        let finished = std::sync::atomic::AtomicBool::new(false);
        folder.write(&finished, |tmp| district_files(tmp, district_plan, &run, &info, &prov)).map_err(|e| {
            progress.finish();
            Error::runtime(format!("cannot write the results of district {k} into {}: {e}", folder.shown().display()))
        })?;
        let performance = json!({
            "wall_seconds": start.elapsed().as_secs_f64(),
            "simulate_seconds": simulated,
            "resident_steps": run.resident_steps,
            "threads": threads,
            "peak_memory_bytes": limits::peak_memory(),
            "host": sweep::run::host(),
            "shard": label,
        });
        block::write(&out, &data, performance).map_err(|e| {
            progress.finish();
            Error::runtime(format!("cannot write {}: {e}", block::block_file(&out, k).display()))
        })?;
        write_seconds += writing.elapsed().as_secs_f64();
        seconds += simulated;
        agent_steps += run.resident_steps as f64;
        progress.println(&format!(
            "district {k} {}: {:.2} billion resident-steps in {simulated:.1} s ({:.1} million/s), written in {:.1} s; peak memory {}",
            d.name,
            run.resident_steps as f64 / 1e9,
            run.resident_steps as f64 / simulated.max(1e-9) / 1e6,
            writing.elapsed().as_secs_f64(),
            mib(limits::peak_memory())
        ));
        if STOP.load(Ordering::SeqCst) {
            return Err(stopped(done + 1));
        }
    }
    progress.finish();
    print_timings(o, &started, &Simulated { seconds, agent_steps, threads }, write_seconds);
    say(&format!(
        "{}: {label}: ran {} district(s), skipped {} already complete → {}",
        r.region,
        todo.len(),
        mine.len() - todo.len(),
        out.join("districts").display()
    ))?;
    if shard.is_none() {
        merge(&out, o)?;
    }
    Ok(())
}

/// What the charts of a region write: every group, district and region name (for the font).
fn texts<'a>(plan: &'a RegionPlan, r: &'a Resolved) -> Vec<&'a str> {
    let mut texts = Vec::new();
    for p in &plan.plans {
        texts.extend(load::scenario_texts(p.communities.iter().map(|(s, _)| s)));
        texts.push(p.district.name.as_str());
    }
    texts.push(&r.region);
    texts
}

/// `region --dry-run`'s line: the region's size, this shard's share, the output folder.
fn dry_run(a: &Region, plan: &RegionPlan, r: &Resolved, shard: Option<&Shard>, mine: &[u64], out: &Path) -> String {
    let biggest = plan.plans.iter().map(limits::district_bytes).max().unwrap_or(0);
    let share = match shard {
        Some(s) => format!(
            "; shard {} of {} ({}): {} district(s), {} residents",
            s.index,
            s.count,
            s.source,
            mine.len(),
            mine.iter().map(|&k| r.districts[k as usize].residents).sum::<u64>()
        ),
        None => String::new(),
    };
    format!(
        "{}: ok — {} district(s), {} communities, {} residents, {} steps; the largest district needs about {} on one task{share}; output folder {}",
        a.file.display(),
        r.districts.len(),
        plan.communities(),
        plan.residents(),
        r.steps,
        mib(Some(biggest)),
        out.display()
    )
}

/// `govsim merge DIR` of a region folder.
pub fn merge(dir: &Path, o: &Options) -> Result<(), Error> {
    let (r, _) = govsim::region::read_resolved(dir)?;
    let mut texts: Vec<&str> = r.groups.iter().map(|g| g.name.as_str()).collect();
    texts.push(&r.region);
    load::font(o.font.as_ref(), &texts)?;
    let m = govsim::region::merge::merge(dir)?;
    say(&format!(
        "merged {} district(s), {} communities, {} residents → {}, timeseries.png/.svg, final_state.png/.svg",
        m.districts,
        m.communities,
        m.residents,
        govsim::region::merge::MERGED.map(|f| dir.join(f).display().to_string()).join(", ")
    ))
}
