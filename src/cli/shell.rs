//! `govsim completions` and `govsim man`: the shell completion scripts (clap_complete) and the
//! man pages (clap_mangen), both made from the same clap declarations as the parser, so they
//! cannot fall behind the flags.

use super::flags;
use govsim::Error;
use std::io::Write;
use std::path::Path;

/// Print the completion script for `shell` to stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<(), Error> {
    let mut cmd = flags::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "govsim", &mut script);
    print(&script)
}

/// The man page of govsim and of each of its commands (`help` left out: the pages are the help).
fn pages() -> Vec<clap_mangen::Man> {
    // every page's footer names the program and the build, as the top page's does by default
    fn walk(cmd: clap::Command, out: &mut Vec<clap_mangen::Man>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, out);
        }
        out.push(clap_mangen::Man::new(cmd).source(format!("govsim {}", env!("GOVSIM_VERSION_LINE"))));
    }
    let mut cmd = flags::command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, &mut out);
    out.reverse(); // govsim.1 first
    out
}

fn render(page: &clap_mangen::Man) -> Result<Vec<u8>, Error> {
    let mut roff = Vec::new();
    page.render(&mut roff).map_err(|e| Error::runtime(format!("cannot render the man page: {e}")))?;
    Ok(roff)
}

/// Print the top-level man page to stdout, or write every page into `out`.
pub fn man(out: Option<&Path>) -> Result<(), Error> {
    let pages = pages();
    let Some(dir) = out else { return print(&render(&pages[0])?) };
    if dir.exists() && !dir.is_dir() {
        return Err(Error::input(format!("--out {}: not a folder", dir.display())));
    }
    let rendered: Vec<(String, Vec<u8>)> =
        pages.iter().map(|p| Ok((p.get_filename(), render(p)?))).collect::<Result<_, Error>>()?;
    // refuse before writing anything: a file of one of these names that is not a govsim page
    for (name, _) in &rendered {
        let file = dir.join(name);
        if file.exists() && !is_govsim_page(&file) {
            return Err(Error::input(format!(
                "{} exists and is not a govsim man page; not replaced (nothing was written)",
                file.display()
            )));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::runtime(format!("cannot create {}: {e}", dir.display())))?;
    for (name, roff) in &rendered {
        let file = dir.join(name);
        std::fs::write(&file, roff).map_err(|e| Error::runtime(format!("cannot write {}: {e}", file.display())))?;
    }
    eprintln!("wrote {} man pages into {} (govsim.1 and govsim-<command>.1)", rendered.len(), dir.display());
    Ok(())
}

/// A man page govsim wrote: its title line names govsim (`.TH govsim 1 …` or `.TH govsim-run 1 …`).
fn is_govsim_page(file: &Path) -> bool {
    std::fs::read(file).is_ok_and(|bytes| {
        String::from_utf8_lossy(&bytes).lines().find(|l| l.starts_with(".TH ")).is_some_and(|l| {
            let title = l[4..].trim_start().trim_start_matches('"');
            title.starts_with("govsim ") || title.starts_with("govsim-") || title.starts_with("govsim\"")
        })
    })
}

/// Write bytes to stdout; a closed pipe (`govsim man | head`) is not an error.
fn print(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::runtime(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
