//! The `govsim` command line, a shell over the library: flags in ([`cli::flags`]), library
//! calls, results on stdout, and the exit code of the library's [`govsim::ErrorKind`]: 0
//! success, 1 failure while running, 2 bad input (nothing is run or written), 130 stopped by
//! Ctrl-C or SIGTERM.

mod cli;

use govsim::ErrorKind;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match cli::flags::parse() {
        Ok(args) => args,
        Err(code) => return code,
    };
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let prefix = if e.kind() == ErrorKind::Interrupted { "interrupted" } else { "error" };
            eprintln!("{prefix}: {e}");
            ExitCode::from(e.kind().exit_code())
        }
    }
}
