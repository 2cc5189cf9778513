//! The `govsim` command line: a thin layer over the library.
fn main() -> std::process::ExitCode {
    govsim::cli::main()
}
