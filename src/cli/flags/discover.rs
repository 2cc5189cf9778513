//! `govsim discover`'s flags (kept in their own file: [`super`] declares only the command).

use super::{Command, FontFlag, Options};
use clap::ArgGroup;
use govsim::sweep::discover::{PrimOptions, Question, Side};
use std::path::PathBuf;

/// `govsim discover`'s own arguments.
#[derive(Clone, Debug)]
pub struct Discover {
    pub dir: PathBuf,
    pub question: Question,
    pub options: PrimOptions,
    /// `--density`: choose the box of largest coverage at least this dense (else the knee).
    pub density: Option<f64>,
    pub out: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
#[command(group(ArgGroup::new("side").required(true).args(["below", "above"])))]
pub(super) struct DiscoverFlags {
    /// The sweep's output folder (after `govsim merge`).
    dir: PathBuf,
    /// The output to explain, a column of runs.csv (metric.statistic), e.g. coverage.final_year_mean.
    #[arg(long)]
    output: String,
    /// Cases of interest: runs whose output is strictly below this value.
    #[arg(long, allow_negative_numbers = true)]
    below: Option<f64>,
    /// Cases of interest: runs whose output is strictly above this value.
    #[arg(long, allow_negative_numbers = true)]
    above: Option<f64>,
    /// The scenario whose runs are used (needed when the sweep has several).
    #[arg(long)]
    scenario: Option<String>,
    /// One case per design point instead of per run: a point is of interest when at least this share (0 to 1) of its replications are.
    #[arg(long)]
    threshold_share: Option<f64>,
    /// Share of the cases in the box that one peeling step removes (above 0, below 0.5).
    #[arg(long, default_value_t = 0.05)]
    peel_alpha: f64,
    /// Share of the cases next to a limit that one pasting step adds (above 0, below 0.5).
    #[arg(long, default_value_t = 0.05)]
    paste_alpha: f64,
    /// Do not paste after peeling.
    #[arg(long)]
    no_paste: bool,
    /// Stop peeling before a box holds less than this share of all cases (above 0, below 1).
    #[arg(long, default_value_t = 0.05)]
    min_mass: f64,
    /// Choose the box of largest coverage among those at least this dense (0 to 1); default: the knee of the trajectory.
    #[arg(long)]
    density: Option<f64>,
    /// Output folder (default: DIR/discovery).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    font: FontFlag,
}

impl DiscoverFlags {
    pub(super) fn into_command(self) -> (Command, Options) {
        let (side, threshold) = match (self.below, self.above) {
            (Some(x), _) => (Side::Below, x),
            (None, Some(x)) => (Side::Above, x),
            // clap requires one of them
            (None, None) => (Side::Below, f64::NAN),
        };
        let question =
            Question { output: self.output, side, threshold, scenario: self.scenario, share: self.threshold_share };
        let options = PrimOptions {
            peel_alpha: self.peel_alpha,
            paste_alpha: self.paste_alpha,
            min_mass: self.min_mass,
            paste: !self.no_paste,
        };
        let d = Discover { dir: self.dir, question, options, density: self.density, out: self.out };
        (Command::Discover(d), Options { font: self.font.font, lang: self.font.lang, ..Options::default() })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Args, Cli, Command};
    use clap::Parser;
    use govsim::sweep::discover::Side;

    #[test]
    fn discover_flags_become_the_question_and_the_options() {
        let parse = |args: &[&str]| Cli::try_parse_from(args).map(|c| Args::from(c.command));
        let a = parse(&[
            "govsim",
            "discover",
            "d",
            "--output",
            "coverage.final_year_mean",
            "--below",
            "-0.2",
            "--no-paste",
            "--density",
            "0.9",
            "--threshold-share",
            "0.5",
            "--font",
            "f.ttf",
        ])
        .unwrap();
        let Command::Discover(d) = a.command else { panic!("{:?}", a.command) };
        assert_eq!((d.question.side, d.question.threshold, d.question.share), (Side::Below, -0.2, Some(0.5)));
        assert_eq!((d.options.paste, d.options.peel_alpha, d.density), (false, 0.05, Some(0.9)));
        assert_eq!(a.options.font, Some(govsim::output::charts::font::FontArg::File("f.ttf".into())));
        let a = parse(&["govsim", "discover", "d", "--output", "x", "--above", "3", "--scenario", "s"]).unwrap();
        let Command::Discover(d) = a.command else { panic!() };
        assert_eq!((d.question.side, d.question.scenario.as_deref(), d.options.paste), (Side::Above, Some("s"), true));
        // exactly one side
        assert!(parse(&["govsim", "discover", "d", "--output", "x"]).is_err());
        assert!(parse(&["govsim", "discover", "d", "--output", "x", "--below", "1", "--above", "2"]).is_err());
    }
}
