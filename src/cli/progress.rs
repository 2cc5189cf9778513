//! Progress on stderr: an indicatif bar on a terminal; plain periodic lines otherwise (batch
//! schedulers capture stderr to a file, where a bar would be noise). Ticks once per replication.

use super::flags::ProgressMode;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Progress {
    bar: Option<ProgressBar>,
    log: bool,
    total: u64,
    done: AtomicU64,
    start: Instant,
    last_line: Mutex<(Instant, u64)>,
    /// What is counted ("runs", "steps").
    unit: &'static str,
}

impl Progress {
    /// Progress over `total` runs.
    pub fn new(total: u64, mode: ProgressMode) -> Progress {
        Progress::counting(total, mode, "runs")
    }

    /// Progress over `total` things called `unit`.
    pub fn counting(total: u64, mode: ProgressMode, unit: &'static str) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let use_bar = mode == ProgressMode::Bar || (mode == ProgressMode::Auto && terminal);
        let bar = use_bar.then(|| {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(&format!(
                "{{bar:40}} {{pos}}/{{len}} {unit}  {{elapsed_precise}} elapsed, eta {{eta}}"
            )) {
                b.set_style(style);
            }
            b
        });
        let log = mode == ProgressMode::Log || (mode == ProgressMode::Auto && !terminal);
        Progress {
            bar,
            log,
            total,
            done: AtomicU64::new(0),
            start: Instant::now(),
            last_line: Mutex::new((Instant::now(), 0)),
            unit,
        }
    }

    pub fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(b) = &self.bar {
            b.inc(1);
        }
        if self.log {
            // a line every 10% of the runs or every 10 seconds, whichever comes first
            let Ok(mut last) = self.last_line.lock() else { return };
            let step = (self.total / 10).max(1);
            if done == self.total || done >= last.1 + step || last.0.elapsed() >= Duration::from_secs(10) {
                let elapsed = self.start.elapsed().as_secs_f64();
                let eta = elapsed / done as f64 * (self.total - done) as f64;
                eprintln!(
                    "[govsim] {done}/{} {} ({:.0}%) elapsed {elapsed:.1} s, eta {eta:.1} s",
                    self.total,
                    self.unit,
                    100.0 * done as f64 / self.total.max(1) as f64
                );
                *last = (Instant::now(), done);
            }
        }
    }

    /// A line on stderr that does not break the bar.
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
