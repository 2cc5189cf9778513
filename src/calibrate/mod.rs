//! Calibration (`govsim calibrate`): fit scenario parameters to the targets of the seed cases
//! by approximate Bayesian computation, on the same footing as sweeps — deterministic streams,
//! atomic block files, shards and resume.
//!
//! Files: [`spec`] the calibration file format, [`prior`] priors, [`abc`] the sampler (no I/O),
//! [`plan`] resolving and checking a calibration before it runs, [`run`] generations on disk.

pub mod abc;
pub mod plan;
pub mod prior;
pub mod run;
pub mod spec;

use abc::Population;
use plan::Plan;
use run::{Evaluated, Proposal, Stage, StageReport};
use std::path::Path;
use std::sync::atomic::AtomicBool;

pub use spec::CalibrationFile;

/// The JSON Schema of calibration files.
pub fn schema() -> serde_json::Value {
    spec::schema()
}

/// One generation as it went.
#[derive(Clone, Debug)]
pub struct Generation {
    pub generation: u32,
    /// Particles simulated in this generation.
    pub particles: u32,
    pub epsilon: f64,
    pub acceptance: f64,
    pub ess: f64,
}

/// A finished calibration.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub generations: Vec<Generation>,
    /// The last population: the posterior sample.
    pub posterior: Population,
    /// The predictive check's particles: posterior draws, then runs of the cases as written.
    pub check: Vec<(Proposal, Evaluated)>,
    /// Why the sampler stopped.
    pub stopped: String,
}

/// Where a call left the calibration.
#[derive(Clone, Debug)]
pub enum Progress {
    Done(Box<Outcome>),
    /// A stage whose blocks of other shards are not all on disk yet.
    Waiting {
        stage: Stage,
        blocks: Vec<u32>,
    },
}

/// Run (or resume) the calibration in `dir` as far as this shard can: every generation, then the
/// check. `fp` is the calibration's fingerprint; `report` hears how each stage went.
pub fn calibrate(
    plan: &Plan,
    dir: &Path,
    fp: &str,
    shard: Option<&crate::sweep::shard::Shard>,
    tick: &(dyn Fn() + Sync),
    stop: &AtomicBool,
    report: &mut dyn FnMut(Stage, &StageReport),
) -> Result<Progress, crate::Error> {
    let (_, keep, generations, min_acceptance) = plan.shape;
    let mut previous: Option<Population> = None;
    let mut history = Vec::new();
    let mut stopped = format!("all {generations} generation(s) run");
    for t in 0..generations {
        let props = run::propose(plan, t, previous.as_ref());
        let (evals, r) = run::stage(plan, dir, Stage::Generation(t), &props, fp, shard, tick, stop)?;
        report(Stage::Generation(t), &r);
        let Some(evals) = evals else {
            return Ok(Progress::Waiting { stage: Stage::Generation(t), blocks: r.waiting });
        };
        let new = props.iter().zip(evals).map(|(p, e)| (p.z.clone(), e.distance, p.log_w, e.values)).collect();
        let pop = abc::select(t, previous.as_ref(), new, keep as usize);
        history.push(Generation {
            generation: t,
            particles: props.len() as u32,
            epsilon: pop.epsilon,
            acceptance: pop.acceptance,
            ess: pop.ess(),
        });
        let low = t > 0 && pop.acceptance < min_acceptance;
        previous = Some(pop);
        if low {
            stopped = format!(
                "stopped after generation {t}: {:.1}% of its new particles were accepted, below min_acceptance {:.1}%",
                history[t as usize].acceptance * 100.0,
                min_acceptance * 100.0
            );
            break;
        }
    }
    let posterior = previous.expect("at least one generation runs");
    let props = run::check_proposals(plan, &posterior);
    let (evals, r) = run::stage(plan, dir, Stage::Check, &props, fp, shard, tick, stop)?;
    report(Stage::Check, &r);
    let Some(evals) = evals else { return Ok(Progress::Waiting { stage: Stage::Check, blocks: r.waiting }) };
    Ok(Progress::Done(Box::new(Outcome {
        generations: history,
        posterior,
        check: props.into_iter().zip(evals).collect(),
        stopped,
    })))
}
