//! `govsim calibrate`.

use super::flags::{Calibrate, Options};
use super::progress::Progress;
use super::{destination, say, STOP};
use govsim::calibrate::{self, plan, run::Stage};
use govsim::output::folder::{Destination, Mode, Suggest};
use govsim::{limits, load, sweep, Error};
use std::path::Path;

pub fn calibrate(a: &Calibrate, o: &Options) -> Result<(), Error> {
    // the shard and the threads first: a malformed environment is bad input, found before any work
    let get = |k: &str| std::env::var(k).ok();
    let shard = sweep::shard::choose(a.shard_index, a.shard_count, a.shard_from_env, &get).map_err(Error::input)?;
    let threads = limits::sweep_threads(o.threads, std::env::var_os("SLURM_CPUS_PER_TASK").as_deref())?;
    let plan = plan::prepare(&a.file, a.max_runs)?;
    let r = &plan.resolved;
    // what the charts call the cases: their names and labels
    let texts: Vec<&str> = r
        .cases
        .iter()
        .flat_map(|c| [c.name.as_str(), c.scenario.get("label").and_then(|l| l.as_str()).unwrap_or("")])
        .collect();
    load::font(o.font.as_ref(), &texts)?;
    let text = serde_json::to_string_pretty(r).map_err(|e| Error::runtime(e.to_string()))? + "\n";
    let fp = calibrate::run::fingerprint(&text);
    let mode = Mode::InPlace { since: Some("calibration.json") };
    let dest = destination(match &a.out {
        Some(out) => Destination::new(out, "calibrate", mode),
        None => Destination::within(Path::new("output/calibrations"), &r.name, "calibrate", mode, Suggest::Sibling),
    })?;
    let out = dest.shown().to_path_buf();
    // the folder must not hold another calibration; then it is marked as govsim's
    sweep::run::write_or_check(&out, "calibration.json", &text, "calibration")?;
    dest.write(&STOP, |_| Ok(())).map_err(|e| Error::runtime(format!("cannot write into {}: {e}", out.display())))?;
    let pool = limits::thread_pool(threads)?;
    let (n, keep, generations, _) = plan.shape;
    let label = match &shard {
        Some(s) => format!("shard {} of {} ({})", s.index, s.count, s.source),
        None => "all blocks".to_string(),
    };
    eprintln!(
        "{}: {} parameter(s), {} fitted case(s), {} held back; population {n}, {keep} kept, up to {generations} generation(s); {label}; {} threads",
        r.name,
        r.parameters.len(),
        plan.fitted().len(),
        r.cases.len() - plan.fitted().len(),
        pool.current_num_threads()
    );
    let start = std::time::Instant::now();
    // at most: every generation and the check (fewer if the sampler stops early or blocks are there)
    let most = n as u64 + (generations as u64 - 1) * (n - keep) as u64 + 2 * r.calibration.check.draws as u64;
    let progress = Progress::counting(most, o.progress, "particles");
    let ran = std::sync::atomic::AtomicU64::new(0);
    let mut report = |stage: Stage, rep: &calibrate::run::StageReport| {
        ran.fetch_add(rep.particles_run, std::sync::atomic::Ordering::Relaxed);
        for w in &rep.warnings {
            eprintln!("warning: {w}");
        }
        eprintln!(
            "{}: {}: ran {} particle(s) in {} block(s), {} block(s) already there{}",
            r.name,
            stage.folder(),
            rep.particles_run,
            rep.blocks_run,
            rep.blocks_found,
            if rep.waiting.is_empty() {
                String::new()
            } else {
                format!(", {} block(s) of other shards still missing", rep.waiting.len())
            }
        );
    };
    let result = pool
        .install(|| calibrate::calibrate(&plan, &out, &fp, shard.as_ref(), &|| progress.tick(), &STOP, &mut report));
    progress.finish();
    match result? {
        calibrate::Progress::Waiting { stage, blocks } => say(&govsim::lang::current().fill(
            "calibration.waiting",
            &[
                ("name", &r.name),
                ("label", &label),
                ("stage", &stage.folder()),
                ("blocks", &sweep::merge::ranges(&blocks.iter().map(|&b| b as u64).collect::<Vec<_>>())),
            ],
        )),
        calibrate::Progress::Done(outcome) => {
            let secs = start.elapsed().as_secs_f64();
            govsim::output::calibration::write(&plan, &outcome, &out, &out)
                .and_then(|_| govsim::output::codebook::write(&out, "calibrate"))
                .map_err(|e| {
                    Error::runtime(format!("cannot write the calibration's results into {}: {e}", out.display()))
                })?;
            let md = std::fs::read_to_string(out.join("calibration.md")).unwrap_or_default();
            // the parameter and agreement tables, as calibration.md has them
            let lang = govsim::lang::current();
            let wanted = [lang.t("calibration.md_parameters"), lang.t("calibration.md_predictive")];
            let tables: String = md
                .split("## ")
                .filter(|s| wanted.iter().any(|w| s.starts_with(w)))
                .map(|s| format!("## {s}"))
                .collect();
            let done = lang.fill(
                "calibration.done",
                &[
                    ("name", &r.name),
                    ("stopped", &outcome.stopped),
                    ("n", &ran.load(std::sync::atomic::Ordering::Relaxed)),
                    ("secs", &format!("{secs:.1}")),
                    ("dir", &out.display()),
                ],
            );
            say(&format!("{tables}\n{done}"))
        }
    }
}
