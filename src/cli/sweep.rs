//! `govsim sweep`, `merge`, `analyze` and `discover`.

use super::flags::{Discover, Options, Sweep};
use super::progress::Progress;
use super::{destination, put, say, STOP};
use govsim::lang::{pad, terminal_width};
use govsim::output::discovery;
use govsim::output::folder::{Destination, Mode, Suggest, WriteError};
use govsim::sweep::{self, analyze as an, shard::Shard, Plan};
use govsim::{limits, load, Error};
use std::path::Path;

pub fn sweep(a: &Sweep, o: &Options) -> Result<(), Error> {
    // the shard and the threads first: a malformed environment is bad input, found before any work
    let get = |k: &str| std::env::var(k).ok();
    let shard = sweep::shard::choose(a.shard_index, a.shard_count, a.shard_from_env, &get).map_err(Error::input)?;
    let threads = limits::sweep_threads(o.threads, std::env::var_os("SLURM_CPUS_PER_TASK").as_deref())?;
    let plan = sweep::prepare(&a.file, a.max_runs)?;
    let r = &plan.resolved;
    let out = a.out.clone().unwrap_or_else(|| Path::new("output/sweeps").join(&r.name));
    let blocks = plan.blocks_of(shard.as_ref());
    if a.dry_run {
        return say(&dry_run(a, &plan, shard.as_ref(), &blocks, &out));
    }
    // each base scenario as at the first point
    let bases: Vec<_> = (0..r.scenarios.len()).map(|s| plan.scenario(s, 0).clone()).collect();
    let workers = limits::workers(threads);
    limits::check_memory(
        &format!("sweep {}", r.name),
        limits::sweep_bytes(&bases, workers, plan.scenarios_held()),
        workers,
    )?;
    let mode = Mode::InPlace { since: Some("sweep.json") };
    let dest = destination(match &a.out {
        Some(out) => Destination::new(out, "sweep", mode),
        None => Destination::within(Path::new("output/sweeps"), &r.name, "sweep", mode, Suggest::Sibling),
    })?;
    let opened = sweep::run::open(r, &dest, &blocks, &STOP)?;
    for note in &opened.notes {
        eprintln!("note: {note}");
    }
    for w in &opened.warnings {
        eprintln!("warning: {w}");
    }
    let pool = limits::thread_pool(threads)?;
    let label = match &shard {
        Some(s) => format!("shard {} of {} ({})", s.index, s.count, s.source),
        None => "all blocks".to_string(),
    };
    eprintln!(
        "{}: {label}: {} block(s) to run ({} runs), {} already complete; {} threads",
        r.name,
        opened.todo.len(),
        r.runs_in(&opened.todo),
        opened.skipped.len(),
        pool.current_num_threads()
    );
    let progress = Progress::new(r.runs_in(&opened.todo), o.progress);
    let start = std::time::Instant::now();
    let result = pool.install(|| sweep::run::run_blocks(&plan, &out, &opened.todo, &label, &|| progress.tick(), &STOP));
    progress.finish();
    let report = result?;
    say(&format!(
        "{}: {label}: ran {} runs in {} block(s) in {:.1} s; skipped {} block(s) ({} runs) already complete → {}",
        r.name,
        report.runs_done,
        report.blocks_written,
        start.elapsed().as_secs_f64(),
        opened.skipped.len(),
        r.runs_in(&opened.skipped),
        sweep::blocks::blocks_dir(&out).display()
    ))?;
    if shard.is_none() {
        merge(&out)?;
    }
    Ok(())
}

/// `sweep --dry-run`'s line: the sweep's size, this shard's share, the output folder.
fn dry_run(a: &Sweep, plan: &Plan, shard: Option<&Shard>, blocks: &[u64], out: &Path) -> String {
    let r = &plan.resolved;
    let share = match shard {
        Some(s) => format!(
            "; shard {} of {} ({}): {} block(s), {} run(s)",
            s.index,
            s.count,
            s.source,
            blocks.len(),
            r.runs_in(blocks)
        ),
        None => String::new(),
    };
    format!(
        "{}: ok — {} scenario(s) × {} point(s) × {} replication(s) = {} runs in {} block(s) of {}{share}; output folder {}",
        a.file.display(),
        r.scenarios.len(),
        r.points.len(),
        r.replications,
        r.total_runs,
        r.blocks,
        r.block_size,
        out.display()
    )
}

pub fn merge(dir: &Path) -> Result<(), Error> {
    let m = sweep::merge::merge(dir)?;
    for w in &m.warnings {
        eprintln!("warning: {w}");
    }
    say(&format!(
        "merged {} runs from {} block(s) ({} scenario × point rows) → {}",
        m.runs,
        m.blocks,
        m.points,
        sweep::merge::MERGED.map(|f| dir.join(f).display().to_string()).join(", ")
    ))
}

pub fn analyze(dir: &Path, top: usize, o: &Options) -> Result<(), Error> {
    load::font(o.font.as_ref(), &[])?;
    if !dir.is_dir() {
        let why = if dir.exists() { "it is a file" } else { "no such folder" };
        return Err(Error::input(format!("{} is not a sweep output folder ({why})", dir.display())));
    }
    let dest = destination(Destination::within(dir, "analysis", "analyze", Mode::Replace, Suggest::MoveAway))?;
    let out = dest.shown().to_path_buf();
    let mut analysis = None;
    let started = govsim::report::provenance::Started::now();
    let inputs: Vec<std::path::PathBuf> =
        ["sweep.json", "runs.csv", "points.csv"].iter().map(|f| dir.join(f)).collect();
    let written = dest.write(&STOP, |tmp| match analysis.insert(an::analyze(dir, &tmp.join("charts"))) {
        Ok(a) => {
            an::write_files(tmp, a)?;
            let mut prov =
                govsim::report::provenance::Provenance::new("analyze", &started, rayon::current_num_threads(), &inputs);
            prov.seed = None;
            super::report::finish(tmp, &prov)
        }
        Err(_) => Err(std::io::Error::other("analysis failed")),
    });
    if let Some(Err(e)) = analysis {
        return Err(e);
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
    let Some(Ok(a)) = analysis else { return Err(Error::runtime("no analysis was produced")) };
    let lang = govsim::lang::current();
    let main = match a.design {
        "morris" => lang.t("sweep.col_mu_star"),
        "sobol" => lang.t("sweep.col_st"),
        _ => lang.t("sweep.col_pearson"),
    };
    say(&format!(
        "{}\n{}{}",
        lang.fill("sweep.ranked_by", &[("index", &main), ("top", &top)]),
        ranking(&a, top),
        lang.fill("sweep.analysis_files", &[("dir", &out.display()), ("n", &a.charts.len())])
    ))
}

/// The top factors of every (scenario, output), by name, and the outputs not (fully) analysed.
fn ranking(a: &an::Analysis, top: usize) -> String {
    let lang = govsim::lang::current();
    let mut text = String::new();
    for (scenario, output, ranked) in an::ranking(a) {
        let best: Vec<String> = ranked
            .iter()
            .take(top)
            .map(|(f, v)| {
                let name = a.factors.iter().position(|x| x == f).map_or(f.clone(), |i| a.factor_label(lang, i).name);
                if v.is_finite() {
                    format!("{name} ({v:.3})")
                } else {
                    format!("{name} ({})", lang.t("sweep.undefined"))
                }
            })
            .collect();
        let (title, _) = a.output_title(lang, &output);
        let line = lang.fill(
            "sweep.ranking_line",
            &[
                ("scenario", &lang.name(&scenario)),
                ("output", &title),
                ("factors", &best.join(lang.t("sweep.list_sep"))),
            ],
        );
        text.push_str(&line);
        text.push('\n');
    }
    for (scenario, output, why) in &a.skipped {
        text.push_str(&lang.fill("sweep.md_skipped", &[("scenario", scenario), ("output", output), ("why", why)]));
        text.push('\n');
    }
    for (scenario, output, what) in &a.notes {
        text.push_str(&format!("{scenario} · {output}: {what}\n"));
    }
    text
}

/// `govsim discover`: read the merged sweep, run PRIM, write the files (nothing is written
/// unless the question can be answered), print the trajectory and the chosen box.
pub fn discover(a: &Discover, o: &Options) -> Result<(), Error> {
    load::font(o.font.as_ref(), &[])?;
    let (r, runs) = an::read_runs(&a.dir, &a.question.output)?;
    let d = sweep::discover::discover(&r, &runs, &a.question, &a.options, a.density)?;
    let dest = destination(match &a.out {
        Some(out) => Destination::new(out, "discover", Mode::Replace),
        None => Destination::within(&a.dir, "discovery", "discover", Mode::Replace, Suggest::MoveAway),
    })?;
    put(&dest, "the discovery files", |tmp| discovery::write_files(tmp, &d))?;
    let lang = govsim::lang::current();
    // columns as wide as their heading (Chinese headings are wider), numbers right-aligned
    let heads = ["discovery.col_step", "discovery.col_phase", "discovery.col_coverage", "discovery.col_density"];
    let heads = heads.into_iter().chain(["discovery.col_mass", "discovery.col_restricted"]).map(|k| lang.t(k));
    let widths: Vec<usize> = heads.clone().zip([4, 5, 8, 7, 5, 10]).map(|(h, w)| terminal_width(h).max(w)).collect();
    let row = |cells: [String; 6]| {
        let mut line = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            line.push_str(if i == 0 { "" } else { "  " });
            line.push_str(&pad(c, *w, i != 1));
        }
        line
    };
    let mut text = row(heads.map(str::to_string).collect::<Vec<_>>().try_into().expect("six headings"));
    text.push('\n');
    for (i, s) in d.trajectory.steps.iter().enumerate() {
        let mark = if i == d.choice.step { format!("  {}", lang.t("discovery.chosen_mark")) } else { String::new() };
        let cells = [
            i.to_string(),
            discovery::phase_in_words(s.phase).to_string(),
            format!("{:.3}", s.coverage),
            format!("{:.3}", s.density),
            format!("{:.3}", s.mass),
            s.n_restricted().to_string(),
        ];
        text.push_str(&format!("{}{mark}\n", row(cells)));
    }
    let b = d.chosen();
    text.push_str(&lang.fill(
        "discovery.terminal_box",
        &[
            ("box", &discovery::box_in_words(&d)),
            ("coverage", &format!("{:.3}", b.coverage)),
            ("density", &format!("{:.3}", b.density)),
            ("mass", &format!("{:.3}", b.mass)),
            ("rule", &discovery::rule_in_words(&d)),
            ("dir", &dest.shown().display()),
            ("files", &discovery::FILES.join(", ")),
        ],
    ));
    say(&text)
}
