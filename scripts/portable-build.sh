#!/usr/bin/env bash
# Build a portable Linux x86_64 govsim that runs on glibc 2.17 and newer (CentOS/RHEL 7,
# Rocky/Alma 8 and 9, Debian, Ubuntu), to copy as one file onto a cluster without Rust.
#
#   scripts/portable-build.sh            # build; print the binary's path, size, highest GLIBC_
#   scripts/portable-build.sh --check    # build, then check it (what CI runs, from .ci/run)
#
# Build: installs cargo-zigbuild and ziglang (zig as a Python package) with pip from the Python
# package registry into a private venv, target/zig-venv (reused when it is there; nothing is
# installed system-wide and no toolchain is downloaded), then runs
# `cargo zigbuild --release --locked --target x86_64-unknown-linux-gnu.2.17`: zig links against
# glibc 2.17's symbol versions. The binary is target/x86_64-unknown-linux-gnu/release/govsim.
# A plain `cargo build --release` links against this machine's glibc instead (2.36 here: it needs
# GLIBC_2.35 and does not start on CentOS 7 or Rocky 8 and 9). Measured on the 2-core build
# machine while other builds shared it: the first build 13 min 45 s (5.4 CPU-minutes: every
# dependency compiles again for the explicit target, into target/x86_64-unknown-linux-gnu/),
# a rebuild after a change to govsim 6.5 min (2.5 CPU-minutes), nothing changed 1 s; the venv
# takes 25 s to install (77 s under load) and 440 MB. The binary is 32.5 MiB (8.7 MiB without
# debug info).
#
# --check: fails (exit 1, naming the symbol and its version) if the binary needs any GLIBC_
# version above 2.17 (from `objdump -T`, versions compared numerically: 2.3.4 < 2.17) or
# GLIBC_PRIVATE; then runs the portable binary in a fresh empty temporary folder,
# `govsim compare --reps 2 --out <tmp>/out` (the built-in drivers), and checks it exits 0 and
# writes comparison.csv and report.html. The temporary folder is removed on exit. objdump is the
# evidence for old glibc: the binary is run here only on this machine's newer glibc.
#
# Needs: cargo (host x86_64-unknown-linux-gnu, Rust 1.85+), python3 with venv and pip (on
# Debian, as root, python3-venv is installed with apt-get if `python3 -m venv` fails), objdump
# (binutils). Environment: PORTABLE_PYTHON (default python3), PIP_INDEX_URL and the other PIP_*
# variables pip reads. Exit codes: 0 built (and checked), 1 build or check failed, 2 usage or
# environment problem (no cargo, pip cannot reach the registry, no objdump).
set -euo pipefail

SCRIPT_START=$SECONDS
log() { printf '[portable %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { local code=$1; shift; log "ERROR: $*"; exit "$code"; }

CHECK=0
for arg in "$@"; do
  case "$arg" in
    --check) CHECK=1 ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die 2 "unknown argument $arg (see --help)" ;;
  esac
done

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET=x86_64-unknown-linux-gnu
MAX_GLIBC=2.17
VENV=$REPO/target/zig-venv
BIN=$REPO/target/$TARGET/release/govsim
# The versions this script was tested with; pinned so CI builds with the same linker every time.
PIP_PACKAGES=(cargo-zigbuild==0.24.1 ziglang==0.17.1)
PYTHON=${PORTABLE_PYTHON:-python3}

TMP=
cleanup() {
  local rc=$?
  [[ -z $TMP ]] || rm -rf -- "$TMP"
  ((rc == 0)) && log "PASSED ($((SECONDS - SCRIPT_START)) s)"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted (SIGINT)"; exit 130' INT
trap 'log "terminated (SIGTERM)"; exit 143' TERM

# ver_gt A B: true if version A is above B, comparing dot-separated parts as numbers.
ver_gt() {
  local -a a b
  local i
  IFS=. read -ra a <<<"$1"
  IFS=. read -ra b <<<"$2"
  for ((i = 0; i < ${#a[@]} || i < ${#b[@]}; i++)); do
    ((10#${a[i]:-0} > 10#${b[i]:-0})) && return 0
    ((10#${a[i]:-0} < 10#${b[i]:-0})) && return 1
  done
  return 1
}
# The comparison the check rests on must itself be right (as strings, "2.3.4" > "2.17").
if ! { ver_gt 2.17 2.3.4 && ! ver_gt 2.3.4 2.17 && ver_gt 2.34 2.17 && ! ver_gt 2.17 2.17 && ver_gt 2.2.10 2.2.5; }; then
  die 1 "ver_gt is wrong"
fi

# ---------------------------------------------------------------- tools
command -v cargo >/dev/null || die 2 "no cargo (install Rust 1.85 or newer: https://rustup.rs)"
command -v objdump >/dev/null || die 2 "no objdump (Debian: apt-get install binutils)"
host=$(rustc -vV | sed -n 's/^host: //p')
[[ $host = "$TARGET" ]] || die 2 "this script builds on an x86_64 Linux (glibc) host; rustc's host is $host"

have_zig() { [[ -x $VENV/bin/cargo-zigbuild ]] && "$VENV/bin/python" -m ziglang version >/dev/null 2>&1; }
if have_zig; then
  log "reusing $VENV (cargo-zigbuild $("$VENV/bin/cargo-zigbuild" --version | awk '{print $2}'), zig $("$VENV/bin/python" -m ziglang version))"
else
  t0=$SECONDS
  rm -rf -- "$VENV"
  mkdir -p "$REPO/target"
  if ! "$PYTHON" -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf -- "$VENV"
    # Debian's python3 has venv and ensurepip in a separate package.
    if ((EUID == 0)) && command -v apt-get >/dev/null 2>&1; then
      log "$PYTHON -m venv failed; installing python3-venv with apt-get"
      export DEBIAN_FRONTEND=noninteractive
      apt_opts=(-y -qq -o DPkg::Lock::Timeout=180 --no-install-recommends)
      apt-get install "${apt_opts[@]}" python3-venv >/dev/null 2>&1 ||
        { apt-get update -qq -o DPkg::Lock::Timeout=180 && apt-get install "${apt_opts[@]}" python3-venv >/dev/null; } ||
        die 2 "could not install python3-venv with apt-get"
    fi
    "$PYTHON" -m venv "$VENV" || die 2 "$PYTHON -m venv $VENV failed (Debian: apt-get install python3-venv)"
  fi
  log "pip install ${PIP_PACKAGES[*]} into $VENV"
  pip_log=$(mktemp)
  if ! "$VENV/bin/pip" install --disable-pip-version-check -q "${PIP_PACKAGES[@]}" >"$pip_log" 2>&1; then
    tail -n 20 "$pip_log" >&2
    rm -f -- "$pip_log"
    rm -rf -- "$VENV"
    die 2 "pip could not install ${PIP_PACKAGES[*]} from the Python package registry (PyPI) into target/zig-venv: no network, a proxy, or PIP_INDEX_URL? (pip's last lines above)"
  fi
  rm -f -- "$pip_log"
  have_zig || die 2 "pip installed ${PIP_PACKAGES[*]} but cargo-zigbuild or 'python -m ziglang' does not run"
  log "venv ready in $((SECONDS - t0)) s"
fi

# ---------------------------------------------------------------- build
t0=$SECONDS
log "cargo zigbuild --release --locked --target $TARGET.$MAX_GLIBC"
# The venv's bin first: cargo-zigbuild finds zig as `python3 -m ziglang` there.
(cd "$REPO" && PATH=$VENV/bin:$PATH cargo zigbuild --release --locked --target "$TARGET.$MAX_GLIBC") ||
  die 1 "cargo zigbuild failed"
[[ -x $BIN ]] || die 1 "cargo zigbuild finished but there is no $BIN"
BUILD_S=$((SECONDS - t0))

# "VERSION SYMBOL" for every dynamic symbol with a GLIBC_ version, highest version first.
glibc_needs() {
  objdump -T "$1" | awk 'match($0, /GLIBC_[0-9A-Z_.]+/) { print substr($0, RSTART + 6, RLENGTH - 6), $NF }' |
    sort -t' ' -k1,1Vr -k2,2
}
NEEDS=$(glibc_needs "$BIN")
[[ -n $NEEDS ]] || die 1 "objdump -T $BIN shows no GLIBC_ symbol versions (not a dynamically linked glibc binary?)"
HIGHEST=$(printf '%s\n' "$NEEDS" | grep -v '^PRIVATE ' | head -n 1 | cut -d' ' -f1)
SIZE=$(stat -c %s "$BIN")
log "built in $BUILD_S s: ${BIN#"$REPO"/}"
log "  size $SIZE bytes ($(awk -v s="$SIZE" 'BEGIN { printf "%.1f MiB", s / 1048576 }'))"
log "  highest GLIBC_ version required: $HIGHEST ($(printf '%s\n' "$NEEDS" | awk -v h="$HIGHEST" '$1 == h { print $2 }' | paste -sd' '))"
log "  shared libraries: $(objdump -p "$BIN" | awk '$1 == "NEEDED" { print $2 }' | paste -sd' ')"
printf '%s\n' "$BIN"

((CHECK)) || exit 0

# ---------------------------------------------------------------- check
bad=$(printf '%s\n' "$NEEDS" | while read -r v sym; do
  if [[ $v = PRIVATE ]] || ver_gt "$v" "$MAX_GLIBC"; then echo "  $sym needs GLIBC_$v"; fi
done)
[[ -z $bad ]] || die 1 "the portable binary needs glibc newer than $MAX_GLIBC:"$'\n'"$bad"
log "glibc check: every GLIBC_ version is <= $MAX_GLIBC ($(printf '%s\n' "$NEEDS" | cut -d' ' -f1 | sort -uV | paste -sd' '))"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/govsim-portable.XXXXXX")
mkdir "$TMP/empty"
# No path: the driver scenarios are built into the binary, as on a cluster with only the binary.
log "running the portable binary in an empty folder: govsim compare --reps 2 (the built-in drivers)"
t0=$SECONDS
# LD_BIND_NOW: resolve every symbol at start, so a symbol missing from glibc fails here at once.
(cd "$TMP/empty" && LD_BIND_NOW=1 "$BIN" compare --reps 2 --out "$TMP/out" --progress off) \
  >"$TMP/compare.log" 2>&1 || { tail -n 30 "$TMP/compare.log" >&2; die 1 "the portable govsim compare failed"; }
grep -q "using the 5 built-in files" "$TMP/compare.log" || die 1 "the portable govsim compare did not use its built-in drivers"
for f in comparison.csv report.html; do
  [[ -s $TMP/out/$f ]] || die 1 "the portable govsim compare exited 0 but wrote no $f"
done
log "compare ran in $((SECONDS - t0)) s and wrote comparison.csv ($(wc -l <"$TMP/out/comparison.csv") lines) and report.html"
log "$("$BIN" --version)"
