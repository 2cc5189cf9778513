//! A finished calibration's files: `posterior.csv`, `generations.csv`, `parameters.csv`,
//! `predictive.csv`, `calibration.md`, `summary.json`, `calibrated/<case>.json` (a scenario that
//! `extends` the case with the posterior medians) and the charts `posterior` and `predictive`.

use crate::calibrate::abc::weighted_quantile;
use crate::calibrate::plan::{distance, Plan, TargetRef};
use crate::calibrate::run::{columns, Stage};
use crate::calibrate::Outcome;
use crate::experiment::targets::Measure;
use crate::output::charts::{Marginal, Posterior, Predicted, Predictive};
use crate::output::table::{nums, Num, Table};
use crate::sweep::path;
use serde_json::{json, Map, Value};
use std::io;
use std::path::{Path, PathBuf};

/// One parameter's prior and posterior summaries, in its own units.
#[derive(Clone, Debug)]
pub struct ParameterSummary {
    pub header: String,
    /// The prior, as it reads in a table.
    pub prior: String,
    /// The prior itself (its working scale: log for a log-uniform prior).
    pub distribution: crate::calibrate::spec::Prior,
    /// 5%, 50%, 95%.
    pub prior_q: [f64; 3],
    pub posterior_q: [f64; 3],
}

impl ParameterSummary {
    /// Posterior 90% width over prior 90% width, on the prior's working scale (the log for a
    /// log-uniform prior): near 1, the targets say little about the parameter.
    pub fn width_ratio(&self) -> f64 {
        let w = |q: &[f64; 3]| self.distribution.to_work(q[2]) - self.distribution.to_work(q[0]);
        w(&self.posterior_q) / w(&self.prior_q)
    }
}

pub fn parameter_summaries(plan: &Plan, o: &Outcome) -> Vec<ParameterSummary> {
    plan.resolved
        .parameters
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let pr = p.prior;
            let prior_q = [0.05, 0.5, 0.95].map(|q| pr.from_work(pr.quantile(q)));
            let values: Vec<(f64, f64)> = o.posterior.particles.iter().map(|x| (x.z[k], x.weight)).collect();
            let posterior_q = [0.05, 0.5, 0.95].map(|q| pr.from_work(weighted_quantile(&values, q)));
            ParameterSummary { header: p.header.clone(), prior: pr.describe(), distribution: pr, prior_q, posterior_q }
        })
        .collect()
}

/// One target in the predictive check: its values over the draws, as written and calibrated.
#[derive(Clone, Debug)]
pub struct TargetCheck {
    pub column: TargetRef,
    pub as_written: Vec<f64>,
    pub calibrated: Vec<f64>,
}

/// (mean, 5%, 95%) of the finite values; share of them inside [low, high].
fn stats(v: &[f64], low: f64, high: f64) -> ((f64, f64, f64), f64) {
    let f: Vec<(f64, f64)> = v.iter().copied().filter(|x| x.is_finite()).map(|x| (x, 1.0)).collect();
    if f.is_empty() {
        return ((f64::NAN, f64::NAN, f64::NAN), f64::NAN);
    }
    let mean = f.iter().map(|x| x.0).sum::<f64>() / f.len() as f64;
    let within = f.iter().filter(|x| x.0 >= low && x.0 <= high).count() as f64 / f.len() as f64;
    ((mean, weighted_quantile(&f, 0.05), weighted_quantile(&f, 0.95)), within)
}

pub fn target_checks(plan: &Plan, o: &Outcome) -> Vec<TargetCheck> {
    let draws = plan.resolved.calibration.check.draws as usize;
    columns(plan, Stage::Check)
        .into_iter()
        .enumerate()
        .map(|(i, column)| TargetCheck {
            column,
            calibrated: o.check[..draws].iter().map(|(_, e)| e.values[i]).collect(),
            as_written: o.check[draws..].iter().map(|(_, e)| e.values[i]).collect(),
        })
        .collect()
}

/// For fitted or held-back targets: how many targets' mean prediction lies inside the interval,
/// and the distance (plan::distance) of the mean predictions, as written and calibrated.
#[derive(Clone, Debug)]
pub struct Agreement {
    pub targets: usize,
    pub within_as_written: usize,
    pub within_calibrated: usize,
    pub distance_as_written: f64,
    pub distance_calibrated: f64,
}

pub fn agreement(plan: &Plan, checks: &[TargetCheck], held_back: bool) -> Agreement {
    let chosen: Vec<&TargetCheck> =
        checks.iter().filter(|c| plan.resolved.cases[c.column.0].holdout == held_back).collect();
    let targets: Vec<_> = chosen.iter().map(|c| plan.target(c.column)).collect();
    let mean = |v: &[f64]| stats(v, 0.0, 0.0).0 .0;
    let written: Vec<f64> = chosen.iter().map(|c| mean(&c.as_written)).collect();
    let calibrated: Vec<f64> = chosen.iter().map(|c| mean(&c.calibrated)).collect();
    let inside = |v: &[f64]| v.iter().zip(&targets).filter(|(x, t)| **x >= t.low && **x <= t.high).count();
    Agreement {
        targets: chosen.len(),
        within_as_written: inside(&written),
        within_calibrated: inside(&calibrated),
        distance_as_written: distance(&targets, &written),
        distance_calibrated: distance(&targets, &calibrated),
    }
}

/// The override object of a scenario that `extends` a case and sets `paths` to their values in
/// `full` (the case with the values set). A path through a list carries the whole list: an
/// `extends` merge replaces lists rather than merging them item by item.
pub fn overrides(full: &Value, paths: &[String]) -> Value {
    let mut out = Value::Object(Map::new());
    for p in paths {
        let segs = path::segments(p);
        let mut cut = segs.len();
        let mut here = full;
        for (d, s) in segs.iter().enumerate() {
            if here.is_array() {
                cut = d;
                break;
            }
            match here.get(s) {
                Some(next) => here = next,
                None => break,
            }
        }
        let pointer: String =
            segs[..cut].iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect();
        let Some(value) = full.pointer(&pointer).cloned() else { continue };
        let mut slot = &mut out;
        for s in &segs[..cut] {
            let map = match slot {
                Value::Object(m) => m,
                _ => break,
            };
            slot = map.entry(s.clone()).or_insert_with(|| Value::Object(Map::new()));
        }
        *slot = value;
    }
    out
}

/// `to` relative to the folder `from` (both made absolute; `..` where needed).
fn relative(from: &Path, to: &Path) -> PathBuf {
    let abs = |p: &Path| {
        p.canonicalize().unwrap_or_else(|_| {
            // a folder not made yet: its parent resolved, then its own name
            match (p.parent().and_then(|d| d.canonicalize().ok()), p.file_name()) {
                (Some(d), Some(n)) => d.join(n),
                _ => std::env::current_dir().unwrap_or_default().join(p),
            }
        })
    };
    let (from, to) = (abs(from), abs(to));
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    // sharing only the root: the absolute path reads better than a climb to it
    if common <= 1 {
        return to;
    }
    let mut r = PathBuf::new();
    for _ in common..a.len() {
        r.push("..");
    }
    for c in &b[common..] {
        r.push(c);
    }
    r
}

/// Write every file of a finished calibration into `dir` (each atomically); `final_dir` is where
/// `dir`'s contents end up (the calibrated scenarios' `extends` are relative to it).
/// Every file depends only on the calibration and its blocks (no time or machine facts: those are
/// in the blocks' sidecars), so a calibration's results are byte-identical on any thread or
/// shard count.
pub fn write(plan: &Plan, o: &Outcome, dir: &Path, final_dir: &Path) -> io::Result<Vec<String>> {
    use crate::sweep::blocks::write_atomic;
    let mut written = Vec::new();
    let mut put = |name: &str, text: String| -> io::Result<()> {
        write_atomic(&dir.join(name), text.as_bytes())?;
        written.push(name.to_string());
        Ok(())
    };
    let r = &plan.resolved;
    let fit_cols = columns(plan, Stage::Generation(0));
    // posterior.csv
    let mut h = vec!["generation".to_string(), "particle".into(), "weight".into(), "distance".into()];
    h.extend(r.parameters.iter().map(|p| p.header.clone()));
    h.extend(fit_cols.iter().map(|&c| plan.header(c)));
    let mut t = Table::new(h);
    for p in &o.posterior.particles {
        let theta = r.parameters.iter().zip(&p.z).map(|(q, &z)| q.prior.from_work(z));
        t.row((p.origin.0, p.origin.1, Num(p.weight), Num(p.distance), nums(theta), nums(p.values.iter().copied())));
    }
    put("posterior.csv", t.into_string())?;
    // generations.csv
    let reps = r.calibration.replications as u64 * plan.fitted().len() as u64;
    let mut t = Table::new(["generation", "particles", "runs", "epsilon", "acceptance", "ess"]);
    for g in &o.generations {
        t.row((g.generation, g.particles, g.particles as u64 * reps, Num(g.epsilon), Num(g.acceptance), Num(g.ess)));
    }
    put("generations.csv", t.into_string())?;
    // parameters.csv
    let params = parameter_summaries(plan, o);
    let mut t = Table::new([
        "parameter",
        "paths",
        "prior",
        "prior_q05",
        "prior_median",
        "prior_q95",
        "posterior_q05",
        "posterior_median",
        "posterior_q95",
        "width_ratio",
    ]);
    for (s, p) in params.iter().zip(&r.parameters) {
        t.row((&s.header, p.paths.join(" "), &s.prior, nums(s.prior_q), nums(s.posterior_q), Num(s.width_ratio())));
    }
    put("parameters.csv", t.into_string())?;
    // predictive.csv
    let checks = target_checks(plan, o);
    let mut t = Table::new([
        "case",
        "role",
        "target",
        "measure",
        "from_month",
        "to_month",
        "low",
        "high",
        "as_written_mean",
        "as_written_q05",
        "as_written_q95",
        "as_written_within",
        "calibrated_mean",
        "calibrated_q05",
        "calibrated_q95",
        "calibrated_within",
        "source",
    ]);
    for c in &checks {
        let case = &r.cases[c.column.0];
        let tg = plan.target(c.column);
        let (w, wi) = stats(&c.as_written, tg.low, tg.high);
        let (k, ki) = stats(&c.calibrated, tg.low, tg.high);
        let months = months_of(plan, c.column);
        t.row((
            &case.name,
            if case.holdout { "held back" } else { "fitted" },
            &tg.name,
            &tg.measure,
            months.0,
            months.1,
            Num(tg.low),
            Num(tg.high),
            nums([w.0, w.1, w.2, wi]),
            nums([k.0, k.1, k.2, ki]),
            &tg.source,
        ));
    }
    put("predictive.csv", t.into_string())?;
    // calibrated/<case>.json
    let all_paths: Vec<String> = r.parameters.iter().flat_map(|p| p.paths.clone()).collect();
    let medians: Vec<f64> = params.iter().map(|s| s.posterior_q[1]).collect();
    for (c, case) in r.cases.iter().enumerate() {
        let mut full = case.scenario.clone();
        for (p, &v) in r.parameters.iter().zip(&medians) {
            for q in &p.paths {
                path::set(&mut full, q, v).map_err(io::Error::other)?;
            }
        }
        let mut o_json = overrides(&full, &all_paths);
        // the folder itself exists (calibration.json is in it), calibrated/ may not yet: resolve
        // the folder first, so a first run and a rerun through a symbolic link agree
        let base = final_dir.canonicalize().unwrap_or_else(|_| final_dir.to_path_buf());
        let extends = relative(&base.join("calibrated"), &plan.case_files[c]);
        if let Value::Object(m) = &mut o_json {
            let mut head = Map::new();
            head.insert("extends".into(), json!(extends.to_string_lossy()));
            head.insert("name".into(), json!(format!("{}-calibrated", case.name)));
            head.insert(
                "description".into(),
                json!(format!(
                    "{} with the posterior medians of calibration \"{}\" ({}): {}",
                    case.name,
                    r.name,
                    if case.holdout { "held back, not fitted" } else { "fitted" },
                    params
                        .iter()
                        .map(|s| format!("{} = {}", s.header, Num(s.posterior_q[1])))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            head.append(m);
            o_json = Value::Object(head);
        }
        put(
            &format!("calibrated/{}.json", case.name),
            serde_json::to_string_pretty(&o_json).map_err(io::Error::other)? + "\n",
        )?;
    }
    let fit = agreement(plan, &checks, false);
    let held = agreement(plan, &checks, true);
    // summary.json
    let summary = json!({
        "name": r.name,
        "govsim_version": crate::version::VERSION,
        "govsim_commit": crate::version::COMMIT,
        "govsim_modified": crate::version::MODIFIED,
        "method": r.calibration.method,
        "stopped": o.stopped,
        "generations": o.generations.iter().map(|g| json!({"generation": g.generation, "particles": g.particles, "epsilon": g.epsilon, "acceptance": g.acceptance, "ess": g.ess})).collect::<Vec<_>>(),
        "parameters": params.iter().map(|s| json!({"parameter": s.header, "prior": s.prior, "prior_q05_median_q95": s.prior_q, "posterior_q05_median_q95": s.posterior_q, "width_ratio": s.width_ratio()})).collect::<Vec<_>>(),
        "fitted": agreement_json(&fit),
        "held_back": agreement_json(&held),
    });
    put("summary.json", serde_json::to_string_pretty(&summary).map_err(io::Error::other)? + "\n")?;
    put("calibration.md", markdown(plan, o, &params, &checks, &fit, &held))?;
    // charts
    let lang = crate::lang::current();
    let names: Vec<String> = (0..r.parameters.len()).map(|k| parameter_label(plan, lang, k).with_unit(lang)).collect();
    let marginals: Vec<Marginal> = r
        .parameters
        .iter()
        .zip(&params)
        .zip(&names)
        .map(|((p, s), name)| Marginal {
            name,
            bounds: p.prior.bounds(),
            prior_90: (s.prior_q[0], s.prior_q[2]),
            log_scale: matches!(p.prior, crate::calibrate::spec::Prior::LogUniform { .. }),
        })
        .collect();
    let heading =
        lang.fill("calibration.posterior_heading", &[("name", &r.name), ("generations", &o.generations.len())]);
    let particles = o
        .posterior
        .particles
        .iter()
        .map(|p| (r.parameters.iter().zip(&p.z).map(|(q, &z)| q.prior.from_work(z)).collect(), p.weight))
        .collect();
    Posterior { heading: &heading, parameters: marginals, particles }.save_in(dir)?;
    let predicted: Vec<Predicted> = checks
        .iter()
        .map(|c| {
            let tg = plan.target(c.column);
            Predicted {
                label: plan.header(c.column),
                unit: Measure::of(&tg.measure, &plan.defaults[c.column.0]).map(|m| m.unit()).unwrap_or(""),
                low: tg.low,
                high: tg.high,
                held_back: r.cases[c.column.0].holdout,
                as_written: stats(&c.as_written, tg.low, tg.high).0,
                calibrated: stats(&c.calibrated, tg.low, tg.high).0,
            }
        })
        .collect();
    let heading = lang.fill("calibration.predictive_heading", &[("name", &r.name)]);
    Predictive { heading: &heading, targets: predicted }.save_in(dir)?;
    written.extend(["posterior.png", "posterior.svg", "predictive.png", "predictive.svg"].map(String::from));
    Ok(written)
}

fn months_of(plan: &Plan, (c, t): TargetRef) -> (u32, u32) {
    crate::experiment::targets::window(&plan.resolved.cases[c].targets[t], &plan.defaults[c])
}

fn agreement_json(a: &Agreement) -> Value {
    if a.targets == 0 {
        return Value::Null;
    }
    json!({
        "targets": a.targets,
        "within_as_written": a.within_as_written,
        "within_calibrated": a.within_calibrated,
        "distance_as_written": Num(a.distance_as_written).to_string().parse::<f64>().ok(),
        "distance_calibrated": Num(a.distance_calibrated).to_string().parse::<f64>().ok(),
    })
}

fn g(v: f64) -> String {
    if !v.is_finite() {
        "–".into()
    } else if v.abs() >= 1000.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// Parameter `k`'s name for readers: its own `label` or one from its parameter's documentation
/// (its column header where the schema does not know its path), with its unit.
pub fn parameter_label(plan: &Plan, lang: crate::lang::Lang, k: usize) -> crate::sweep::label::ParamLabel {
    let r = &plan.resolved;
    let p = &r.parameters[k];
    let own = r.calibration.parameters.get(k).and_then(|q| q.label.as_deref());
    let paths: Vec<&str> = p.paths.iter().map(String::as_str).collect();
    let mut l = crate::sweep::label::of(lang, own, &paths);
    if own.is_none() && paths.first().is_none_or(|x| crate::sweep::label::doc(x).is_none()) {
        l.name = p.header.clone();
    }
    l
}

/// A table row of Markdown (`|` in cells escaped).
fn md_row(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
    format!("| {} |\n", cells.join(" | "))
}

/// A table head of Markdown from phrase keys.
fn md_head(lang: crate::lang::Lang, keys: &[&'static str]) -> String {
    md_row(&keys.iter().map(|k| lang.t(k).to_string()).collect::<Vec<_>>()) + "|" + &"---|".repeat(keys.len()) + "\n"
}

fn markdown(
    plan: &Plan,
    o: &Outcome,
    params: &[ParameterSummary],
    checks: &[TargetCheck],
    fit: &Agreement,
    held: &Agreement,
) -> String {
    let lang = crate::lang::current();
    let r = &plan.resolved;
    let mut s = format!("# {}\n\n{}\n\n", lang.fill("calibration.md_title", &[("name", &r.name)]), r.description);
    s += &lang.fill(
        "calibration.md_method",
        &[
            ("method", &format!("{:?}", r.calibration.method)),
            ("replications", &r.calibration.replications),
            ("seed", &r.calibration.seed),
            ("stopped", &o.stopped),
        ],
    );
    s += &format!("\n\n## {}\n\n", lang.t("calibration.md_generations"));
    s += &md_head(
        lang,
        &[
            "calibration.col_generation",
            "calibration.col_particles",
            "calibration.col_epsilon",
            "calibration.col_acceptance",
            "calibration.col_ess",
        ],
    );
    for gen in &o.generations {
        s += &format!(
            "| {} | {} | {} | {:.0}% | {:.1} |\n",
            gen.generation,
            gen.particles,
            g(gen.epsilon),
            gen.acceptance * 100.0,
            gen.ess
        );
    }
    s += &format!("\n## {}\n\n{}\n\n", lang.t("calibration.md_parameters"), lang.t("calibration.md_width"));
    s += &md_head(
        lang,
        &[
            "calibration.col_parameter",
            "calibration.col_name",
            "calibration.col_path",
            "calibration.col_prior",
            "calibration.col_prior_median",
            "calibration.col_posterior_median",
            "calibration.col_width",
        ],
    );
    for (k, p) in params.iter().enumerate() {
        let l = parameter_label(plan, lang, k);
        let paths = r.parameters[k].paths.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ");
        s += &md_row(&[
            p.header.clone(),
            l.with_unit(lang),
            paths,
            p.prior.clone(),
            format!("{} [{}, {}]", g(p.prior_q[1]), g(p.prior_q[0]), g(p.prior_q[2])),
            format!("{} [{}, {}]", g(p.posterior_q[1]), g(p.posterior_q[0]), g(p.posterior_q[2])),
            format!("{:.2}", p.width_ratio()),
        ]);
    }
    s += &format!(
        "\n## {}\n\n{}\n\n",
        lang.t("calibration.md_predictive"),
        lang.fill(
            "calibration.md_predictive_text",
            &[("draws", &r.calibration.check.draws), ("replications", &r.calibration.check.replications)]
        )
    );
    s += &md_head(
        lang,
        &[
            "calibration.col_targets",
            "calibration.col_n",
            "calibration.col_met_written",
            "calibration.col_met_calibrated",
            "calibration.col_distance_written",
            "calibration.col_distance_calibrated",
        ],
    );
    for (what, a) in [(lang.t("calibration.fitted"), fit), (lang.t("calibration.held_back_out"), held)] {
        if a.targets > 0 {
            s += &format!(
                "| {what} | {} | {} | {} | {} | {} |\n",
                a.targets,
                a.within_as_written,
                a.within_calibrated,
                g(a.distance_as_written),
                g(a.distance_calibrated)
            );
        }
    }
    s += "\n";
    s += &md_head(
        lang,
        &[
            "calibration.col_case",
            "calibration.col_target",
            "calibration.col_role",
            "calibration.col_interval",
            "calibration.col_as_written",
            "calibration.col_calibrated",
        ],
    );
    for c in checks {
        let tg = plan.target(c.column);
        let (w, _) = stats(&c.as_written, tg.low, tg.high);
        let (k, _) = stats(&c.calibrated, tg.low, tg.high);
        s += &format!(
            "| {} | {} | {} | {}–{} | {} [{}, {}] | {} [{}, {}] |\n",
            r.cases[c.column.0].name,
            tg.name,
            if r.cases[c.column.0].holdout { lang.t("calibration.held_back") } else { lang.t("calibration.fitted") },
            g(tg.low),
            g(tg.high),
            g(w.0),
            g(w.1),
            g(w.2),
            g(k.0),
            g(k.1),
            g(k.2)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_carry_whole_lists_and_nest_objects() {
        let full = json!({"a": {"b": 2, "c": 3}, "l": [{"x": 1}, {"x": 9}], "k": 0});
        let o = overrides(&full, &["a.b".into(), "l.1.x".into()]);
        assert_eq!(o, json!({"a": {"b": 2}, "l": [{"x": 1}, {"x": 9}]}));
    }

    #[test]
    fn relative_paths_climb_and_descend() {
        let base = std::env::temp_dir().join(format!("govsim-rel-{}", std::process::id()));
        std::fs::create_dir_all(base.join("out/cal/calibrated")).unwrap();
        std::fs::create_dir_all(base.join("scenarios/cases")).unwrap();
        std::fs::write(base.join("scenarios/cases/x.json"), "{}").unwrap();
        let r = relative(&base.join("out/cal/calibrated"), &base.join("scenarios/cases/x.json"));
        assert_eq!(r, PathBuf::from("../../../scenarios/cases/x.json"));
        std::fs::remove_dir_all(&base).unwrap();
    }
}
