//! Output folders: govsim replaces only what it wrote itself, and never leaves a half-written
//! result that looks finished.
//!
//! Every result folder carries a marker file, [`MARKER`], that names the command and version
//! that wrote it and lists every file written, with its length. An existing folder is replaced
//! only if it is empty or holds nothing but what its marker lists (a user's file added to it,
//! or a result file edited to another length, makes it the user's). Anything else — a folder
//! govsim did not write, a file, `.`/`..`, the current folder — is refused before simulating.
//!
//! New results are written into a hidden sibling `.NAME.partial-PID`, then swapped into place in
//! one atomic step (`renameat2(RENAME_EXCHANGE)` on Linux), and the old results, now at the
//! hidden name, are removed. Where the exchange is not available (other systems, some network
//! file systems) the old folder is first renamed to `.NAME.old-PID`; a kill between the two
//! renames leaves it there, and the next run restores it. Leftovers of dead processes are
//! cleaned up when the next run checks the same destination. See docs/robustness.md.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// The marker file govsim writes into every folder it owns: JSON naming the command and the
/// version, and listing every file (with its length) and folder written.
pub const MARKER: &str = ".govsim-output";

/// Longest folder name govsim writes: the file system allows 255 bytes, and the temporary
/// name `.NAME.partial-PID` needs 20 more.
pub const MAX_NAME_BYTES: usize = 235;

/// Why a destination cannot be used: the user must choose another (exit 2), or the folder
/// cannot be written at all (exit 1).
#[derive(Debug)]
pub enum Refusal {
    Input(String),
    Io(String),
}

/// What came of writing results.
#[derive(Debug)]
pub enum WriteError {
    /// Writing failed; the previous results (if any) are still in place.
    Io(io::Error),
    /// A stop was requested (Ctrl-C, SIGTERM) before the swap; the previous results are kept.
    Interrupted,
    /// The destination changed while govsim was working and is no longer govsim's to replace.
    Refused(String),
    /// Tests only: a hook ended the write as a kill would, leaving the disk as it was.
    Killed,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Io(e) => write!(f, "{e}"),
            WriteError::Interrupted => write!(f, "stopped before the results were put in place"),
            WriteError::Refused(m) => write!(f, "{m}"),
            WriteError::Killed => write!(f, "killed (test)"),
        }
    }
}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> Self {
        WriteError::Io(e)
    }
}

/// How a destination is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The whole folder is replaced by the new results (run, compare, district, analyze).
    Replace,
    /// Results are added into the folder and it is never removed (a sweep, which resumes).
    /// `since` names a file that marks a folder this command wrote before govsim had markers
    /// (a sweep's `sweep.json`), so that such folders are taken over rather than refused.
    InPlace { since: Option<&'static str> },
}

/// A checked output folder. Build it with [`Destination::new`] or [`Destination::within`]
/// before any work starts; write into it with [`Destination::write`].
#[derive(Debug, Clone)]
pub struct Destination {
    /// The folder as the user named it (for messages).
    shown: PathBuf,
    /// Its parent folder with symbolic links resolved, and its own name there.
    parent: PathBuf,
    name: OsString,
    command: &'static str,
    mode: Mode,
    suggest: Suggest,
    /// What the previous run left that this one cleaned up (said once, on stderr, by the caller).
    pub notes: Vec<String>,
}

/// What a refusal suggests instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Suggest {
    /// `--out` names this folder: suggest a free sibling name for `--out`.
    Sibling,
    /// `--out` names the folder above (`run`'s `OUT/<scenario>`): suggest a free `--out` for it.
    Parent(PathBuf),
    /// The folder's place is fixed (`analyze` writes `DIR/analysis`): suggest moving it away.
    MoveAway,
}

impl Destination {
    /// The folder `base/name`, where `name` is one plain folder name (a scenario's or a
    /// district's name): every output path made from a name is built here.
    pub fn within(
        base: &Path,
        name: &str,
        command: &'static str,
        mode: Mode,
        suggest: Suggest,
    ) -> Result<Destination, Refusal> {
        let plain = Path::new(name).components().count() == 1
            && matches!(Path::new(name).components().next(), Some(Component::Normal(_)));
        if !plain || name.contains('/') || name.contains('\\') {
            return Err(Refusal::Input(format!(
                "\"{name}\" cannot name an output folder: it must be one plain folder name (letters, digits, '-', '_')"
            )));
        }
        Destination::checked(&base.join(name), command, mode, suggest)
    }

    /// An existing results folder that govsim wrote whole (compare, run, cases, district,
    /// analyze, …), to be rewritten with one more or one changed file (`govsim report` rebuilding
    /// report.html): refused unless it carries govsim's marker listing every file, unchanged.
    /// The rewrite is a whole-folder swap as for new results ([`Destination::write`]; fill it
    /// with [`link_files`]), so a crash leaves the old folder or the new one, complete.
    pub fn existing(path: &Path, purpose: &str) -> Result<Destination, Refusal> {
        let shown = path.display();
        let input = |why: String| Refusal::Input(format!("{shown}: {why}"));
        if !path.is_dir() {
            return Err(input(format!("is not a folder; {purpose} needs a results folder that govsim wrote")));
        }
        let Some(marker) = read_marker(path) else {
            return Err(input(format!(
                "govsim did not write this folder (it has no {MARKER} marker), so govsim does not write into it; {purpose} needs a folder written by a govsim command (e.g. output/compare, or output/<scenario> of `govsim run`)"
            )));
        };
        if marker.get("files").is_none() {
            return Err(input(format!(
                "is a folder govsim writes in place (a sweep, a calibration or a region), not a finished results folder; {purpose} needs one written whole (compare, run, cases, district, analyze)"
            )));
        }
        let command = match marker.get("command").and_then(Value::as_str).unwrap_or("") {
            "compare" => "compare",
            "run" => "run",
            "cases" => "cases",
            "district" => "district",
            "analyze" => "analyze",
            "discover" => "discover",
            other => return Err(input(format!("was written by `govsim {other}`, which has no report"))),
        };
        if let (Ok(cwd), Ok(real)) = (std::env::current_dir().and_then(fs::canonicalize), fs::canonicalize(path)) {
            if cwd.starts_with(&real) {
                return Err(input(format!(
                    "is the current folder or contains it, and {purpose} replaces the folder as a whole; run it from outside, e.g. `cd {}` first",
                    real.parent().map_or("..".into(), |p| p.display().to_string())
                )));
            }
        }
        let dest = Destination::checked(path, command, Mode::Replace, Suggest::MoveAway)?;
        if !dest.target().is_dir() {
            return Err(input("is not a folder".into()));
        }
        Ok(dest)
    }

    /// Check `path` as the output folder of `command`, before any work: refuses a file, `.`,
    /// `..`, the current folder, a name too long for the file system, and an existing folder
    /// govsim did not write; cleans up what interrupted runs left next to it; and checks that
    /// the parent folder can be written (creating it, and nothing else, once all else is fine).
    pub fn new(path: &Path, command: &'static str, mode: Mode) -> Result<Destination, Refusal> {
        Destination::checked(path, command, mode, Suggest::Sibling)
    }

    fn checked(path: &Path, command: &'static str, mode: Mode, suggest: Suggest) -> Result<Destination, Refusal> {
        let shown = path.to_path_buf();
        let shown_text = shown.display().to_string();
        let input = |why: String| Refusal::Input(format!("output folder {shown_text}: {why}"));
        // trailing slashes and inner `.` do not change which folder a path names (`out/`, `out/.`)
        let path: PathBuf = path.components().collect();
        let Some(Component::Normal(name)) = path.components().next_back() else {
            return Err(input(
                "must end in a folder name for the results (e.g. results/compare), not '.', '..' or '/'".into(),
            ));
        };
        let too_long = |name: &std::ffi::OsStr| {
            (name.len() > MAX_NAME_BYTES).then(|| input(format!(
                "the folder name is {} bytes long; at most {MAX_NAME_BYTES} are allowed (the file system allows 255 and govsim needs the rest for its temporary name)",
                name.len()
            )))
        };
        if let Some(refusal) = too_long(name) {
            return Err(refusal);
        }
        let link = fs::symlink_metadata(&path).ok().filter(|m| m.file_type().is_symlink());
        let (parent, name) = if link.is_some() {
            // a symbolic link is followed: the results go where it points
            let real = follow_links(&path).map_err(|e| {
                input(format!("is a symbolic link that cannot be followed ({e}); remove it or choose another folder"))
            })?;
            let real: PathBuf = real.components().collect();
            let parent = real.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            match (fs::canonicalize(parent), real.components().next_back()) {
                (Ok(p), Some(Component::Normal(n))) => (p, n.to_os_string()),
                _ => {
                    return Err(input(format!(
                        "is a symbolic link to {}, which is not a folder govsim can write into (its parent does not exist, or it ends in '..'); remove the link or choose another folder",
                        real.display()
                    )))
                }
            }
        } else {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let parent =
                resolve(parent).map_err(|e| Refusal::Io(format!("cannot write results into {shown_text}: {e}")))?;
            (parent, name.to_os_string())
        };
        if let Some(refusal) = too_long(&name) {
            return Err(refusal);
        }
        if fs::metadata(&parent).is_ok_and(|m| !m.is_dir()) {
            return Err(Refusal::Io(format!(
                "cannot write results into {shown_text}: {} is a file, not a folder",
                parent.display()
            )));
        }
        let mut dest = Destination { shown, parent, name, command, mode, suggest, notes: Vec::new() };
        let target = dest.target();
        if let Ok(cwd) = std::env::current_dir().and_then(fs::canonicalize) {
            if mode == Mode::Replace && cwd.starts_with(&target) {
                return Err(input("is the current folder or contains it; choose a folder for the results inside it, e.g. --out results".into()));
            }
        }
        dest.notes = dest.clean_leftovers();
        dest.check_owner().map_err(input)?;
        dest.check_writable()?;
        Ok(dest)
    }

    /// The results folder (symbolic links in its parent resolved).
    pub fn target(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    /// The folder as the user named it.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    fn sibling(&self, kind: &str) -> PathBuf {
        let mut n = OsString::from(".");
        n.push(&self.name);
        n.push(format!(".{kind}-{}", std::process::id()));
        self.parent.join(n)
    }

    /// Whether govsim may use the folder as it is now (`Err` says why not).
    fn check_owner(&self) -> Result<(), String> {
        let target = self.target();
        let meta = match fs::symlink_metadata(&target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("cannot be inspected: {e}")),
            Ok(m) => m,
        };
        if !meta.is_dir() {
            return Err(format!(
                "{} is a file, not a folder; govsim does not replace it. {}",
                target.display(),
                self.suggestion()
            ));
        }
        let verdict = match self.mode {
            Mode::Replace => owned_contents(&target),
            Mode::InPlace { since } => match read_marker(&target) {
                Some(m) if m.get("command").and_then(Value::as_str) == Some(self.command) => Ok(()),
                Some(m) => Err(format!(
                    "holds results of `govsim {}`, not of `govsim {}`",
                    m.get("command").and_then(Value::as_str).unwrap_or("?"),
                    self.command
                )),
                None if is_empty_dir(&target) => Ok(()),
                // another shard of the same job is creating the folder this very moment
                None if holds_only_temporaries(&target) => Ok(()),
                None if since.is_some_and(|f| target.join(f).is_file()) => Ok(()),
                None => Err(format!("holds files govsim did not write (it has no {MARKER} marker)")),
            },
        };
        verdict.map_err(|why| {
            format!(
                "the folder {} {why}; govsim never replaces or writes into a folder it did not make. {}",
                target.display(),
                self.suggestion()
            )
        })
    }

    /// What to do instead, for messages: a free folder name for `--out`, or moving the folder away.
    fn suggestion(&self) -> String {
        let free = |base: &Path| {
            let base = base.display().to_string();
            let base = base.trim_end_matches('/').to_string();
            (2..1000)
                .map(|i| format!("{base}-{i}"))
                .find(|p| fs::symlink_metadata(p).is_err())
                .unwrap_or_else(|| format!("{base}-new"))
        };
        match &self.suggest {
            Suggest::Sibling => {
                let named: PathBuf = self.shown.components().collect();
                format!("Choose a new output folder, e.g. --out {} (or move that folder away yourself)", free(&named))
            }
            Suggest::Parent(base) => format!(
                "Choose another output folder, e.g. --out {} (or move that folder away yourself)",
                free(&base.components().collect::<PathBuf>())
            ),
            Suggest::MoveAway => "Move that folder away yourself; govsim writes there and nowhere else".into(),
        }
    }

    /// Fail now, not after a long simulation, if the parent folder cannot be written.
    fn check_writable(&self) -> Result<(), Refusal> {
        fs::create_dir_all(&self.parent).map_err(|e| {
            Refusal::Io(format!(
                "cannot write results into {}: cannot create {}: {e}",
                self.shown.display(),
                self.parent.display()
            ))
        })?;
        let probe = self.sibling("write-test");
        fs::write(&probe, b"probe")
            .and_then(|()| fs::remove_file(&probe))
            .map_err(|e| Refusal::Io(format!("cannot write results into {}: {e}", self.shown.display())))
    }

    /// Remove (or, for an interrupted swap, restore) what interrupted govsim runs left next to
    /// the target: hidden `.NAME.partial-PID` and `.NAME.old-PID` folders of processes that are
    /// gone, and only if they carry govsim's marker. Returns what was done, for the user.
    fn clean_leftovers(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let Ok(entries) = fs::read_dir(&self.parent) else { return notes };
        let mut prefix = OsString::from(".");
        prefix.push(&self.name);
        prefix.push(".");
        let prefix = prefix.to_string_lossy().to_string();
        let mut found: Vec<(PathBuf, &str, u32)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let n = e.file_name().to_string_lossy().to_string();
                let rest = n.strip_prefix(&prefix)?;
                let (kind, pid) = rest.split_once('-')?;
                let kind = match kind {
                    "partial" => "partial",
                    "old" => "old",
                    _ => return None,
                };
                Some((e.path(), kind, pid.parse().ok()?))
            })
            .collect();
        found.sort();
        for (path, kind, pid) in found {
            if !process_is_gone(pid) {
                continue;
            }
            let Some(marker) = read_marker(&path) else { continue };
            let target = self.target();
            let partial = marker.get("partial") == Some(&Value::Bool(true));
            if kind == "old" && fs::symlink_metadata(&target).is_err() && fs::rename(&path, &target).is_ok() {
                notes.push(format!(
                    "restored the previous results in {} that an interrupted govsim (process {pid}) had moved aside",
                    self.shown.display()
                ));
                continue;
            }
            // an unfinished write holds only what govsim put there; finished results must
            // still hold only their listed files
            let ours = if partial && kind == "partial" { Ok(()) } else { owned_contents(&path) };
            match ours.map(|()| fs::remove_dir_all(&path)) {
                Ok(Ok(())) => {
                    notes.push(format!("removed {} left by an interrupted govsim (process {pid})", path.display()))
                }
                Ok(Err(e)) => notes.push(format!(
                    "could not remove {} left by an interrupted govsim (process {pid}): {e}; remove it yourself",
                    path.display()
                )),
                Err(why) => notes
                    .push(format!("left {} alone (an interrupted govsim's, process {pid}): it {why}", path.display())),
            }
        }
        notes
    }

    /// Write the results: `fill` writes into a fresh hidden folder next to the target, which
    /// then replaces the target in one atomic step (or, in [`Mode::InPlace`], `fill` writes
    /// into the target itself). On any error, or if `stop` is set before the swap, the
    /// previous results stay as they were and the temporary folder is removed.
    pub fn write(&self, stop: &AtomicBool, fill: impl FnOnce(&Path) -> io::Result<()>) -> Result<PathBuf, WriteError> {
        self.write_with(stop, fill, &mut |_| true)
    }

    /// [`Destination::write`] with a hook called at each phase; a hook returning `false`
    /// ends the write there as a kill would: nothing is cleaned up and
    /// [`WriteError::Killed`] is returned (for tests of interrupted writes).
    pub fn write_with(
        &self,
        stop: &AtomicBool,
        fill: impl FnOnce(&Path) -> io::Result<()>,
        hook: &mut dyn FnMut(Phase) -> bool,
    ) -> Result<PathBuf, WriteError> {
        let target = self.target();
        if matches!(self.mode, Mode::InPlace { .. }) {
            fs::create_dir_all(&target)?;
            write_marker(&target, self.command, Contents::InPlace)?;
            fill(&target)?;
            super::codebook::write(&target, self.command)?;
            return Ok(target);
        }
        let tmp = self.sibling("partial");
        if fs::symlink_metadata(&tmp).is_ok() {
            // ours from an earlier process with the same id, if `new` could not remove it
            return Err(WriteError::Refused(format!("{} is in the way; remove it", tmp.display())));
        }
        fs::create_dir(&tmp)?;
        let pending = Pending::register(tmp.clone());
        // the marker first, so that a kill from now on leaves a folder the next run knows as ours
        if let Err(e) = write_marker(&tmp, self.command, Contents::Partial) {
            return Err(pending.abandon(e.into()));
        }
        if !hook(Phase::Started) {
            return Err(WriteError::Killed);
        }
        let filled = fill(&tmp)
            .and_then(|()| super::codebook::write(&tmp, self.command))
            .and_then(|()| write_marker(&tmp, self.command, Contents::Files(&list_files(&tmp)?)));
        if let Err(e) = filled {
            return Err(pending.abandon(e.into()));
        }
        if !hook(Phase::Filled) {
            return Err(WriteError::Killed);
        }
        test_pause("filled");
        if stop.load(Ordering::SeqCst) {
            return Err(pending.abandon(WriteError::Interrupted));
        }
        // a second Ctrl-C waits for the swap to finish, then removes what is left at `tmp`
        let swapped = {
            let _swapping = PENDING.lock().unwrap_or_else(|p| p.into_inner());
            self.swap(&tmp, &target, hook)
        };
        let old = match swapped {
            Ok(old) => old,
            Err(WriteError::Killed) => return Err(WriteError::Killed),
            Err(e) => return Err(pending.abandon(e)),
        };
        if let Some(old) = &old {
            // the old results: from now on a second Ctrl-C may remove them
            pending.track(old.clone());
        }
        if !hook(Phase::Swapped) {
            return Err(WriteError::Killed);
        }
        test_pause("swapped");
        if let Some(old) = old {
            // the folder was checked to hold only govsim's files; check again before removing
            // it, in case a file was added between that check and the swap
            if owned_contents(&old).is_ok() {
                if let Err(e) = fs::remove_dir_all(&old) {
                    eprintln!("note: could not remove the previous results, moved to {}: {e}", old.display());
                }
            } else {
                let keep = (1..1000)
                    .map(|i| self.parent.join(format!("{}.previous-{i}", self.name.to_string_lossy())))
                    .find(|p| fs::symlink_metadata(p).is_err());
                if let Some(keep) = keep.filter(|k| fs::rename(&old, k).is_ok()) {
                    eprintln!(
                        "note: files were added to {} while govsim worked; the previous folder is kept as {}",
                        self.shown.display(),
                        keep.display()
                    );
                }
            }
        }
        pending.done();
        Ok(target)
    }

    /// Put the complete results at `tmp` in place of `target`. Returns where the previous
    /// results now are (to be removed), if there were any.
    fn swap(
        &self,
        tmp: &Path,
        target: &Path,
        hook: &mut dyn FnMut(Phase) -> bool,
    ) -> Result<Option<PathBuf>, WriteError> {
        if let Err(why) = self.check_owner() {
            return Err(WriteError::Refused(format!("output folder {}: {why}", self.shown.display())));
        }
        if fs::symlink_metadata(target).is_err() || is_empty_dir(target) {
            // rename(2) replaces an empty folder atomically, and fails on one that has files
            fs::rename(tmp, target)?;
            return Ok(None);
        }
        match exchange(tmp, target) {
            Ok(()) => Ok(Some(tmp.to_path_buf())),
            Err(e) if exchange_unsupported(&e) => {
                let aside = self.sibling("old");
                fs::rename(target, &aside)?;
                if !hook(Phase::MovedAside) {
                    return Err(WriteError::Killed);
                }
                if let Err(e) = fs::rename(tmp, target) {
                    // put the previous results back rather than lose them
                    let _ = fs::rename(&aside, target);
                    return Err(e.into());
                }
                Ok(Some(aside))
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Fill a rewrite of `from` (see [`Destination::existing`]) at `to`: every file and folder of
/// `from` except the marker and the names in `except`, as hard links where the file system
/// allows (no copy of large files), else as copies.
pub fn link_files(from: &Path, to: &Path, except: &[&str]) -> io::Result<()> {
    for (rel, _) in list_files(from)? {
        if except.contains(&rel.as_str()) {
            continue;
        }
        if let Some(folder) = rel.strip_suffix('/') {
            fs::create_dir_all(to.join(folder))?;
            continue;
        }
        let (src, dst) = (from.join(&rel), to.join(&rel));
        if let Some(parent) = dst.parent() {
            fs::create_dir_all(parent)?;
        }
        if fs::hard_link(&src, &dst).is_err() {
            fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}

/// `path` made absolute with symbolic links resolved, without creating anything: the longest
/// existing ancestor is resolved by the system, the rest (which cannot hold links, since it does
/// not exist) lexically.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let parts: Vec<Component> = path.components().collect();
    for k in (0..=parts.len()).rev() {
        let prefix: PathBuf = if k == 0 { PathBuf::from(".") } else { parts[..k].iter().collect() };
        match fs::canonicalize(&prefix) {
            Ok(mut p) => {
                for c in &parts[k..] {
                    match c {
                        Component::ParentDir => {
                            p.pop();
                        }
                        Component::Normal(n) => p.push(n),
                        _ => {}
                    }
                }
                return Ok(p);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound && k > 0 => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::from(io::ErrorKind::NotFound))
}

/// Where a chain of symbolic links ends (the end itself may not exist yet).
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Phases of a write, for tests that interrupt it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The hidden temporary folder exists with a provisional marker.
    Started,
    /// The temporary folder holds the complete results and their marker.
    Filled,
    /// Fallback only: the old results were moved to `.NAME.old-PID`, the target is absent.
    MovedAside,
    /// The new results are in place; the old ones are still next to them.
    Swapped,
}

/// Temporary folders of writes in progress, removed by [`remove_pending`] on a second Ctrl-C.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A write's temporary folders, in [`PENDING`] while the write lasts.
struct Pending {
    paths: Mutex<Vec<PathBuf>>,
}

impl Pending {
    fn register(path: PathBuf) -> Pending {
        PENDING.lock().unwrap_or_else(|p| p.into_inner()).push(path.clone());
        Pending { paths: Mutex::new(vec![path]) }
    }

    fn track(&self, path: PathBuf) {
        let mut list = PENDING.lock().unwrap_or_else(|p| p.into_inner());
        if !list.contains(&path) {
            list.push(path.clone());
            self.paths.lock().unwrap_or_else(|p| p.into_inner()).push(path);
        }
    }

    fn unregister(&self) {
        let mine = self.paths.lock().unwrap_or_else(|p| p.into_inner());
        PENDING.lock().unwrap_or_else(|p| p.into_inner()).retain(|p| !mine.contains(p));
    }

    /// Remove the temporary folders and report `e`.
    fn abandon(self, e: WriteError) -> WriteError {
        for p in self.paths.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let _ = fs::remove_dir_all(p);
        }
        self.unregister();
        e
    }

    fn done(self) {
        self.unregister();
    }
}

/// On a second Ctrl-C: remove the temporary folders of writes in progress (a swap in progress
/// finishes first), so that exiting leaves no partial results; the previous results or the
/// complete new ones stay in place.
pub fn remove_pending() {
    let list = PENDING.lock().unwrap_or_else(|p| p.into_inner());
    for p in list.iter() {
        // a writer may still be adding files: try a few times
        for _ in 0..5 {
            if fs::remove_dir_all(p).is_ok() || fs::symlink_metadata(p).is_err() {
                break;
            }
        }
    }
}

/// Tests only: forget the writes in progress, as the end of a killed process does.
#[doc(hidden)]
pub fn forget_pending() {
    PENDING.lock().unwrap_or_else(|p| p.into_inner()).clear();
}

impl From<WriteError> for io::Error {
    fn from(e: WriteError) -> io::Error {
        match e {
            WriteError::Io(e) => e,
            other => io::Error::other(other.to_string()),
        }
    }
}

/// Testing hook: `GOVSIM_TEST_PAUSE=filled` (or `swapped`) pauses a write for 3 s at that
/// phase, so that tests can send signals at a known moment. Documented in docs/robustness.md.
fn test_pause(phase: &str) {
    if std::env::var("GOVSIM_TEST_PAUSE").is_ok_and(|v| v == phase) {
        eprintln!("govsim: paused at phase {phase} (GOVSIM_TEST_PAUSE)");
        std::thread::sleep(std::time::Duration::from_secs(3));
    }
}

/// Swap two paths atomically (both must exist).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    if FORCE_FALLBACK.load(Ordering::Relaxed) {
        return Err(io::Error::from(io::ErrorKind::Unsupported));
    }
    let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // the raw system call rather than glibc's wrapper, which needs glibc 2.28
    // SAFETY: two valid NUL-terminated paths that outlive the call; nothing else is touched.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Errors that mean "this system or file system cannot exchange": use the two-rename fallback.
fn exchange_unsupported(e: &io::Error) -> bool {
    if e.kind() == io::ErrorKind::Unsupported {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        matches!(e.raw_os_error(), Some(libc::ENOSYS) | Some(libc::EINVAL) | Some(libc::EOPNOTSUPP))
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// Tests only: take the two-rename path as systems without `RENAME_EXCHANGE` do.
#[doc(hidden)]
pub static FORCE_FALLBACK: AtomicBool = AtomicBool::new(false);

/// Whether process `pid` no longer exists. A leftover carrying this process's own id comes from
/// an earlier process that had the same id (containers reuse small ids), so it is gone too.
/// Where `/proc` is not available, nothing counts as gone (nothing is removed).
pub fn process_is_gone(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    Path::new("/proc/self").exists() && !Path::new("/proc").join(pid.to_string()).exists()
}

/// Whether this process may add and remove entries in folder `dir`.
#[cfg(unix)]
fn writable(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else { return false };
    // SAFETY: a valid NUL-terminated path; access(2) only reads it.
    unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
}

#[cfg(not(unix))]
fn writable(dir: &Path) -> bool {
    fs::metadata(dir).is_ok_and(|m| !m.permissions().readonly())
}

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// Whether `dir` holds nothing but govsim's atomic-write temporaries (`.NAME.tmp-PID-N` files):
/// what a folder looks like while another shard creates it and writes its first file.
fn holds_only_temporaries(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|d| {
        d.into_iter().all(|e| {
            e.is_ok_and(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                e.file_type().is_ok_and(|t| t.is_file()) && is_temporary_name(&name)
            })
        })
    })
}

/// `.NAME.tmp-PID-N`, the name of govsim's atomic-write temporaries; the process id if it is one.
pub fn temporary_pid(name: &str) -> Option<u32> {
    name.strip_prefix('.')
        .and_then(|n| n.rsplit_once(".tmp-"))
        .and_then(|(_, rest)| rest.split_once('-'))
        .and_then(|(pid, nanos)| nanos.parse::<u32>().ok().and(pid.parse::<u32>().ok()))
}

fn is_temporary_name(name: &str) -> bool {
    temporary_pid(name).is_some()
}

/// The marker of `dir`, if it has one govsim wrote.
fn read_marker(dir: &Path) -> Option<Value> {
    let path = dir.join(MARKER);
    let meta = fs::symlink_metadata(&path).ok()?;
    // a marker lists a few dozen files; a huge one is not govsim's
    if !meta.is_file() || meta.len() > 1 << 20 {
        return None;
    }
    let v: Value = serde_json::from_str(&fs::read_to_string(path).ok()?).ok()?;
    (v.get("written_by")? == "govsim").then_some(v)
}

/// What a marker says about its folder.
enum Contents<'a> {
    /// A results folder whose files are all listed.
    Files(&'a BTreeMap<String, u64>),
    /// The hidden folder of a write in progress: everything in it is govsim's, unfinished.
    Partial,
    /// A folder written in place (a sweep): govsim adds to it and never removes it.
    InPlace,
}

fn write_marker(dir: &Path, command: &str, contents: Contents) -> io::Result<()> {
    let mut v = json!({
        "written_by": "govsim",
        "govsim_version": crate::version::VERSION,
        "command": command,
    });
    match contents {
        Contents::Files(files) => {
            v["note"] = json!("govsim replaces this folder only while it holds just the files and folders listed here, at these lengths; add a file of your own and govsim will leave the folder alone");
            v["files"] = json!(files);
        }
        Contents::Partial => {
            v["note"] = json!(
                "results being written: if govsim was stopped, the next run that uses the same folder removes this one"
            );
            v["partial"] = json!(true);
        }
        Contents::InPlace => {}
    }
    // atomically: the shards of a sweep start in the same folder at once, and one must never
    // read another's half-written marker
    let text = serde_json::to_string_pretty(&v).map_err(io::Error::other)?;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!("{MARKER}.tmp-{}-{nanos}", std::process::id()));
    fs::write(&tmp, text).and_then(|()| fs::rename(&tmp, dir.join(MARKER))).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// Every file under `dir` (relative paths with `/`, without the marker) and its length, and
/// every folder (its path ending in `/`, length 0).
fn list_files(dir: &Path) -> io::Result<BTreeMap<String, u64>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d)? {
            let e = e?;
            let meta = e.metadata()?;
            if meta.is_dir() {
                // folders are listed too (ending in `/`), so that an empty one govsim made is its own
                files.insert(format!("{}/", relative(dir, &e.path())), 0);
                stack.push(e.path());
            } else {
                let rel = relative(dir, &e.path());
                if rel != MARKER {
                    files.insert(rel, meta.len());
                }
            }
        }
    }
    Ok(files)
}

fn relative(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    rel.components().map(|c| c.as_os_str().to_string_lossy().to_string()).collect::<Vec<_>>().join("/")
}

/// `Ok` if govsim may replace `dir`: it is empty, or it holds only files its marker lists, at
/// the listed lengths (a listed file that is missing is fine). `Err` names what is foreign.
fn owned_contents(dir: &Path) -> Result<(), String> {
    if is_empty_dir(dir) {
        return Ok(());
    }
    let Some(marker) = read_marker(dir) else {
        return Err(format!("holds files govsim did not write (it has no {MARKER} marker)"));
    };
    let listed: BTreeMap<String, u64> =
        marker.get("files").and_then(|f| serde_json::from_value(f.clone()).ok()).unwrap_or_default();
    let mut foreign = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if !writable(&d) {
            // a folder made read-only says "keep": and its files could not be removed anyway
            let rel = relative(dir, &d);
            foreign.push(if rel.is_empty() {
                "(the folder itself is read-only)".into()
            } else {
                format!("{rel}/ (read-only)")
            });
        }
        let Ok(entries) = fs::read_dir(&d) else {
            foreign.push(format!("{} (unreadable)", relative(dir, &d)));
            continue;
        };
        for e in entries.filter_map(|e| e.ok()) {
            let path = e.path();
            let rel = relative(dir, &path);
            let Ok(meta) = fs::symlink_metadata(&path) else { continue };
            if meta.is_dir() {
                let prefix = format!("{rel}/");
                if listed.contains_key(&prefix) || listed.keys().any(|k| k.starts_with(&prefix)) {
                    stack.push(path);
                } else {
                    foreign.push(format!("{rel}/"));
                }
            } else if rel == MARKER {
                continue;
            } else if !meta.is_file() {
                foreign.push(rel);
            } else {
                match listed.get(&rel) {
                    Some(&len) if len == meta.len() => {}
                    Some(_) => foreign.push(format!("{rel} (changed since govsim wrote it)")),
                    None => foreign.push(rel),
                }
            }
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let more = if foreign.len() > 5 { format!(" and {} more", foreign.len() - 5) } else { String::new() };
    foreign.truncate(5);
    Err(format!("holds files govsim did not write: {}{more}", foreign.join(", ")))
}

#[cfg(test)]
mod tests;
