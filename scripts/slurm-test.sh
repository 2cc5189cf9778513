#!/usr/bin/env bash
# Prove `govsim sweep --shard-from-env` on a real Slurm array job.
#
#   scripts/slurm-test.sh [path/to/govsim]        # default: target/release/govsim
#   scripts/slurm-test.sh --selftest[=ok|fail|hang]   # check the cluster only, no govsim
#
# Default path: start (or reuse) a Slurm cluster, submit scripts/sweep.sbatch as an array job
# (`sbatch --array=0-3 --wait`, 1 CPU each) whose tasks run
# `govsim sweep tests/sweeps/small.json --out $OUT --shard-from-env`, run `govsim merge $OUT`,
# run the unsharded `govsim sweep tests/sweeps/small.json --out $REF`, and compare runs.csv and
# points.csv byte for byte. Then resume: delete every other block file, submit the same array
# again, check the kept blocks were not rewritten, merge and compare again. Then a calibration
# (tests/calibrations/tiny.json) as three chained arrays of scripts/calibrate.sbatch, compared
# with the unsharded calibration. Then a region (tests/regions/small.json: 3 districts) as an
# array of scripts/region.sbatch, merged and compared with the unsharded region: the region-wide
# and every district's tables must be identical, and the time and peak memory of each task's
# districts are printed. Exit 0 only if all of it holds.
#
# Cluster: if `sinfo` already answers, the existing cluster is used (nothing is installed,
# started or stopped; the work folder is then under target/ so compute nodes can see it if the
# repository is on a shared file system). Otherwise, as root, Debian's slurm-wlm and munge are
# installed if missing and a private single-node cluster is started on localhost: its own
# slurm.conf, munge key and socket, state, logs and free ports, all in a temporary folder, so
# /etc/slurm, /etc/munge and any system munged are never touched. Every daemon this script
# started is stopped and the temporary folder removed on exit, failure, Ctrl-C or SIGTERM.
#
# Self-test (GOVSIM_SLURM_SELFTEST=1 or --selftest): the array tasks only record the Slurm
# array variables; the script checks every index 0..N-1 arrived once with the right count.
# --selftest=fail makes task 2 exit 3 (the job must fail and everything must still be cleaned
# up); --selftest=hang makes the tasks sleep past the timeout.
#
# Environment: SLURM_TEST_TASKS (array size, default 4), SLURM_TEST_TIMEOUT (seconds to wait
# for the job, default 600), SLURM_TEST_SWEEP (default tests/sweeps/small.json),
# SLURM_TEST_REGION (default tests/regions/small.json), SLURM_TEST_ONLY=region (skip the sweep
# and the calibration: e.g. to measure scenarios/scale/province-100m.json as an array),
# SLURM_TEST_CLUSTER=auto|own|existing (default auto), SLURM_TEST_KEEP=1 (keep the work folder).
# Exit codes: 0 identical / self-test passed, 1 failure or mismatch, 2 usage or environment
# problem (not root, no apt, missing binary), 124 timeout, 130 Ctrl-C, 143 SIGTERM.
set -euo pipefail

SCRIPT_START=$SECONDS
log() { printf '[slurm-test %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { local code=$1; shift; log "ERROR: $*"; exit "$code"; }

# ---------------------------------------------------------------- arguments
MODE=govsim
SELFTEST_KIND=ok
case "${GOVSIM_SLURM_SELFTEST:-}" in
  '' | 0) ;;
  1 | ok) MODE=selftest ;;
  fail | hang) MODE=selftest; SELFTEST_KIND=$GOVSIM_SLURM_SELFTEST ;;
  *) die 2 "GOVSIM_SLURM_SELFTEST must be 1, ok, fail or hang" ;;
esac
GOVSIM_ARG=
for arg in "$@"; do
  case "$arg" in
    --selftest | --selftest=ok) MODE=selftest; SELFTEST_KIND=ok ;;
    --selftest=fail | --selftest=hang) MODE=selftest; SELFTEST_KIND=${arg#--selftest=} ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    -*) die 2 "unknown option $arg (see --help)" ;;
    *) [[ -z $GOVSIM_ARG ]] || die 2 "only one govsim path may be given"; GOVSIM_ARG=$arg ;;
  esac
done

TASKS=${SLURM_TEST_TASKS:-4}
ONLY=${SLURM_TEST_ONLY:-all}
[[ $ONLY =~ ^(all|region)$ ]] || die 2 "SLURM_TEST_ONLY must be all or region"
TIMEOUT=${SLURM_TEST_TIMEOUT:-600}
CLUSTER=${SLURM_TEST_CLUSTER:-auto}
[[ $TASKS =~ ^[1-9][0-9]*$ ]] || die 2 "SLURM_TEST_TASKS must be a positive integer"
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die 2 "SLURM_TEST_TIMEOUT must be a positive integer"
[[ $CLUSTER =~ ^(auto|own|existing)$ ]] || die 2 "SLURM_TEST_CLUSTER must be auto, own or existing"

# Paths given by the caller are relative to the caller's folder; everything after is absolute.
abspath() { [[ $1 = /* ]] && printf '%s\n' "$1" || printf '%s\n' "$PWD/$1"; }
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ $MODE = govsim ]]; then
  if [[ -n $GOVSIM_ARG ]]; then GOVSIM=$(abspath "$GOVSIM_ARG"); else GOVSIM=$REPO/target/release/govsim; fi
  [[ -x $GOVSIM ]] || die 2 "no govsim binary at $GOVSIM (build it: cargo build --release --locked)"
  SWEEP=${SLURM_TEST_SWEEP:-$REPO/tests/sweeps/small.json}
  SWEEP=$(abspath "$SWEEP")
  [[ -f $SWEEP ]] || die 2 "no sweep file at $SWEEP"
  REGION=$(abspath "${SLURM_TEST_REGION:-$REPO/tests/regions/small.json}")
  [[ -f $REGION ]] || die 2 "no region file at $REGION"
fi

# ---------------------------------------------------------------- state for cleanup
WORK=
MUNGED_PID=
SLURMCTLD_PID=
SLURMD_PID=
WAIT_PID=
JOBID=
OWN_CLUSTER=0
PHASE=setup
declare -A T=()   # phase timings, seconds

pid_alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

# Stop one daemon we started: SIGTERM, wait up to 15 s, then SIGKILL.
stop_pid() {
  local name=$1 pid=$2 i
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  if pid_alive "$pid"; then
    log "$name (pid $pid) did not stop on SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# Kill what is left of our cluster's jobs if slurmd could not clean up (e.g. it died first):
# slurmstepd and the job's tasks carry SLURM_CONF=<our private slurm.conf> in their environment.
kill_strays() {
  local conf=$1 p pid n=0
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [[ $pid != "$$" && $pid != "$BASHPID" ]] || continue
    tr '\0' '\n' 2>/dev/null <"$p/environ" | grep -qxF "SLURM_CONF=$conf" || continue
    kill -KILL "$pid" 2>/dev/null && n=$((n + 1))
  done
  ((n == 0)) || log "killed $n leftover job process(es) of this cluster"
}

show_file() {  # show_file TITLE FILE [LINES]
  [[ -s $2 ]] || return 0
  printf '\n----- %s (%s, last %s lines) -----\n' "$1" "$2" "${3:-200}" >&2
  tail -n "${3:-200}" "$2" >&2 || true
}

cleanup() {
  local rc=$? f t0=$SECONDS
  trap - EXIT INT TERM
  set +e
  if ((rc != 0)); then
    log "FAILED (exit $rc) during: $PHASE"
    if [[ -n $JOBID ]] && { ((OWN_CLUSTER == 0)) || pid_alive "$SLURMCTLD_PID"; }; then
      printf '\n----- job %s: state of each array task -----\n' "$JOBID" >&2
      timeout 10 scontrol -o show job "$JOBID" 2>&1 |
        grep -Eo '^JobId=[^ ]+|ArrayTaskId=[^ ]+|JobState=[^ ]+|Reason=[^ ]+|ExitCode=[^ ]+| NodeList=[^ ]+' |
        paste -sd' ' | sed 's/ JobId=/\nJobId=/g' >&2
      printf '\n----- sinfo -R (down/drained nodes and why) -----\n' >&2
      timeout 10 sinfo -R >&2 2>&1
    fi
    if [[ -n $WORK ]]; then
      show_file "stand-in govsim of the self-test" "$WORK/fake-govsim"
      show_file "sbatch output" "$WORK/sbatch.out"
      for f in "$WORK"/job/*; do show_file "job task output" "$f" 100; done
      show_file "slurmctld log" "$WORK/log/slurmctld.log" 80
      show_file "slurmd log" "$WORK/log/slurmd.log" 80
      show_file "munged log" "$WORK/munge/munged.log" 30
    fi
  fi
  # The job first (so nothing keeps writing), then our waiter, then the daemons in reverse order.
  if [[ -n $JOBID ]] && { ((OWN_CLUSTER == 0)) || pid_alive "$SLURMCTLD_PID"; }; then
    if timeout 10 squeue -h -j "$JOBID" 2>/dev/null | grep -q .; then
      log "cancelling job $JOBID"
      timeout 10 scancel "$JOBID" 2>/dev/null
      # Let slurmstepd kill the tasks and finish before slurmd goes away (up to 20 s).
      for ((f = 0; f < 40; f++)); do
        timeout 5 squeue -h -j "$JOBID" -t RUNNING,COMPLETING 2>/dev/null | grep -q . || break
        sleep 0.5
      done
    fi
  fi
  stop_pid "sbatch --wait" "$WAIT_PID"
  if ((OWN_CLUSTER)); then
    log "stopping the daemons this script started"
    stop_pid slurmd "$SLURMD_PID"
    stop_pid slurmctld "$SLURMCTLD_PID"
    stop_pid munged "$MUNGED_PID"
    [[ -z ${SLURM_CONF:-} ]] || kill_strays "$SLURM_CONF"
  fi
  if [[ -n $WORK && -d $WORK ]]; then
    if [[ ${SLURM_TEST_KEEP:-0} = 1 ]]; then log "kept work folder $WORK"; else rm -rf -- "$WORK"; fi
  fi
  T[stop]=$((SECONDS - t0))
  log "timings (s): install ${T[install]:-0}, start ${T[start]:-0}, job ${T[job]:-0}, check ${T[check]:-0}, stop ${T[stop]}, total $((SECONDS - SCRIPT_START))"
  ((rc == 0)) && log "PASSED"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted (SIGINT)"; exit 130' INT
trap 'log "terminated (SIGTERM)"; exit 143' TERM

# ---------------------------------------------------------------- which cluster
cluster_answers() { command -v sinfo >/dev/null 2>&1 && timeout 15 sinfo -h -o %P >/dev/null 2>&1; }
if [[ $CLUSTER = existing ]] || { [[ $CLUSTER = auto ]] && cluster_answers; }; then
  cluster_answers || die 2 "SLURM_TEST_CLUSTER=existing but sinfo does not answer"
  log "sinfo answers: using the existing Slurm cluster (nothing is installed, started or stopped)"
  mkdir -p "$REPO/target"
  WORK=$(mktemp -d "$REPO/target/slurm-test.XXXXXX")
else
  OWN_CLUSTER=1
  ((EUID == 0)) || die 2 "starting a private Slurm cluster needs root (this is uid $EUID); run as root or point SLURM_CONF at a running cluster"
  # ------------------------------------------------------------ install (idempotent)
  PHASE=install
  t0=$SECONDS
  missing=()
  for p in slurmctld slurmd slurm-client munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    command -v apt-get >/dev/null || die 2 "missing packages ${missing[*]} and no apt-get to install them"
    log "installing ${missing[*]} (apt-get, quietly)"
    export DEBIAN_FRONTEND=noninteractive
    apt_log=$(mktemp)
    if ! apt-get install -y -qq -o DPkg::Lock::Timeout=180 --no-install-recommends slurmctld slurmd slurm-client munge >"$apt_log" 2>&1; then
      log "apt-get install failed; running apt-get update and retrying"
      if ! { apt-get update -qq -o DPkg::Lock::Timeout=180 && apt-get install -y -qq -o DPkg::Lock::Timeout=180 --no-install-recommends slurmctld slurmd slurm-client munge; } >"$apt_log" 2>&1; then
        tail -n 40 "$apt_log" >&2; rm -f "$apt_log"
        die 2 "could not install slurm-wlm and munge with apt-get"
      fi
    fi
    rm -f "$apt_log"
  fi
  for b in /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd sbatch squeue sinfo scontrol scancel munge unmunge setpriv; do
    command -v "$b" >/dev/null || die 2 "$b not found after installing slurm-wlm and munge"
  done
  getent passwd munge >/dev/null || die 2 "no munge user (the munge package creates it)"
  T[install]=$((SECONDS - t0))

  # ------------------------------------------------------------ private cluster
  PHASE="starting munged"
  t0=$SECONDS
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/govsim-slurm.XXXXXX")
  chmod 755 "$WORK"   # munged (user munge) must traverse it
  mkdir -p "$WORK"/{state,spool,run,log,job,munge}
  chown munge:munge "$WORK/munge"
  chmod 755 "$WORK/munge"   # munged: the socket folder must be executable by all
  MUNGE_SOCKET=$WORK/munge/munge.socket
  # A fresh key for this cluster only: /etc/munge/munge.key is left alone.
  head -c 1024 /dev/urandom >"$WORK/munge/munge.key"
  chown munge:munge "$WORK/munge/munge.key"
  chmod 400 "$WORK/munge/munge.key"
  # setpriv execs munged directly, so $! is munged itself. munged refuses to run as root.
  # setsid: own session, so a terminal's Ctrl-C reaches only this script, which then stops the
  # job and the daemons in order (setsid does not fork here: we are not a group leader).
  setsid setpriv --reuid=munge --regid=munge --init-groups -- /usr/sbin/munged --foreground \
    --socket="$MUNGE_SOCKET" --key-file="$WORK/munge/munge.key" \
    --pid-file="$WORK/munge/munged.pid" --seed-file="$WORK/munge/munged.seed" \
    --log-file="$WORK/munge/munged.log" </dev/null >>"$WORK/munge/munged.log" 2>&1 &
  MUNGED_PID=$!
  for ((i = 0; i < 100; i++)); do
    [[ -S $MUNGE_SOCKET ]] && break
    pid_alive "$MUNGED_PID" || die 1 "munged exited at start"
    sleep 0.1
  done
  munge -S "$MUNGE_SOCKET" -n </dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null ||
    die 1 "munge credential round trip failed"

  # Free ports (another Slurm or another run of this script may hold 6817/6818).
  port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
  port=6817
  while port_busy "$port" || port_busy "$((port + 1))"; do
    port=$((port + 10))
    ((port < 7817)) || die 1 "no free port pair between 6817 and 7817"
  done
  CPUS=$(nproc)
  # RealMemory a bit under the real size, so `--mem-per-cpu` requests are checked as on a cluster.
  MEM_MB=$(awk '/^MemTotal:/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
  NODE=localhost
  export SLURM_CONF=$WORK/slurm.conf
  cat >"$SLURM_CONF" <<EOF
# Private single-node cluster of scripts/slurm-test.sh; removed when the script exits.
ClusterName=govsimtest
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/run/slurmctld.pid
SlurmdPidFile=$WORK/run/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=govsimtest Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF

  PHASE="starting slurmctld"
  setsid /usr/sbin/slurmctld -D -f "$SLURM_CONF" </dev/null >>"$WORK/log/slurmctld.stderr" 2>&1 &
  SLURMCTLD_PID=$!
  for ((i = 0; ; i++)); do
    timeout 5 scontrol ping 2>/dev/null | grep -q 'is UP' && break
    pid_alive "$SLURMCTLD_PID" || { show_file slurmctld-stderr "$WORK/log/slurmctld.stderr"; die 1 "slurmctld exited at start"; }
    ((i < 60)) || die 1 "slurmctld did not answer within 30 s"
    sleep 0.5
  done

  PHASE="starting slurmd"
  setsid /usr/sbin/slurmd -D -f "$SLURM_CONF" -N "$NODE" </dev/null >>"$WORK/log/slurmd.stderr" 2>&1 &
  SLURMD_PID=$!
  for ((i = 0; ; i++)); do
    state=$(timeout 5 sinfo -h -n "$NODE" -o %t 2>/dev/null || true)
    case "$state" in
      idle* | mix* | alloc*) break ;;
      down* | drain* | drng* | fail*)
        # A node can come up DOWN or DRAINED (e.g. after an unclean stop); put it back in service.
        log "node $NODE is '$state'; resuming it"
        timeout 5 scontrol update nodename="$NODE" state=resume 2>/dev/null || true ;;
    esac
    pid_alive "$SLURMD_PID" || { show_file slurmd-stderr "$WORK/log/slurmd.stderr"; die 1 "slurmd exited at start"; }
    ((i < 60)) || die 1 "node $NODE not idle within 30 s (state '$state')"
    sleep 0.5
  done
  T[start]=$((SECONDS - t0))
  log "private cluster up in ${T[start]} s: $(sinfo -h -o '%P %a %D %t %N %c CPUs' | head -1) (ports $port/$((port + 1)), conf $SLURM_CONF)"
fi

# ---------------------------------------------------------------- the job
# Both modes submit the user-facing scripts/sweep.sbatch as written; the command line only
# overrides the array size, CPUs, time and log paths. In the self-test, "govsim" is a stand-in
# that records what Slurm gave the task.
OUT=$WORK/sharded
REF=$WORK/unsharded
ST=$WORK/selftest
mkdir -p "$WORK/job" "$ST"
SBATCH_SCRIPT=$REPO/scripts/sweep.sbatch
[[ -f $SBATCH_SCRIPT ]] || die 2 "no $SBATCH_SCRIPT"
if [[ $MODE = govsim ]]; then
  JOB_GOVSIM=$GOVSIM
else
  JOB_GOVSIM=$WORK/fake-govsim
  SWEEP=$WORK/selftest.json
  echo '{}' >"$SWEEP"
  # Written with absolute paths; its $VARIABLES expand in the task, not here.
  # shellcheck disable=SC2016
  {
    printf '#!/usr/bin/env bash\nset -euo pipefail\n'
    printf 'f=%q/task-"${SLURM_ARRAY_TASK_ID}"\n' "$ST"
    printf 'echo "${SLURM_ARRAY_TASK_ID} ${SLURM_ARRAY_TASK_COUNT} ${SLURM_ARRAY_TASK_MIN} ${SLURM_ARRAY_TASK_STEP} ${SLURM_CPUS_PER_TASK:-}" >"$f"\n'
    printf 'echo "$*" >>"$f"\n'
    case $SELFTEST_KIND in
      fail) printf 'if [[ ${SLURM_ARRAY_TASK_ID} = 2 ]]; then echo "task 2 fails on purpose (--selftest=fail)" >&2; exit 3; fi\n' ;;
      hang) printf 'sleep 100000\n' ;;
    esac
  } >"$JOB_GOVSIM"
  chmod 755 "$JOB_GOVSIM"
fi

mode_desc=$MODE
[[ $MODE = govsim ]] || mode_desc="selftest=$SELFTEST_KIND"

# submit_array LABEL [SCRIPT FILE OUT]: sbatch --wait the array (default: scripts/sweep.sbatch
# "$SWEEP" "$OUT"), fail on a failed task or the time-out; sets JOBID.
submit_array() {
  local t0=$SECONDS rc i
  local script=${2:-$SBATCH_SCRIPT} file=${3:-$SWEEP} out=${4:-$OUT}
  PHASE="$1: sbatch --array=0-$((TASKS - 1)) --wait ${script#"$REPO"/} (timeout ${TIMEOUT} s)"
  log "submitting $PHASE, mode $mode_desc"
  JOBID=
  : >"$WORK/sbatch.out"
  # In the background plus `wait`, so Ctrl-C and SIGTERM reach our traps at once.
  timeout --kill-after=10 "$TIMEOUT" sbatch --parsable --wait --array="0-$((TASKS - 1))" \
    --job-name=govsim-slurm-test --cpus-per-task=1 --time=30 --chdir="$WORK" \
    --output="$WORK/job/%A_%a.out" --error="$WORK/job/%A_%a.err" \
    --export=ALL,GOVSIM="$JOB_GOVSIM" \
    "$script" "$file" "$out" </dev/null >"$WORK/sbatch.out" 2>&1 &
  WAIT_PID=$!
  for ((i = 0; i < 100; i++)); do
    JOBID=$(grep -Eom1 '^[0-9]+' "$WORK/sbatch.out" 2>/dev/null || true)
    [[ -z $JOBID ]] || break
    pid_alive "$WAIT_PID" || break
    sleep 0.1
  done
  [[ -n $JOBID ]] && log "job $JOBID submitted; waiting"
  set +e
  wait "$WAIT_PID"
  rc=$?
  set -e
  WAIT_PID=
  T[job]=$((${T[job]:-0} + SECONDS - t0))
  ((rc != 124 && rc != 137)) || die 124 "the job did not finish within ${TIMEOUT} s"
  [[ -n $JOBID ]] || die 1 "sbatch failed to submit (exit $rc)"
  ((rc == 0)) || die 1 "array job $JOBID failed: sbatch --wait exited $rc (highest task exit code)"
  log "job $JOBID finished in $((SECONDS - t0)) s"
  if [[ $MODE = govsim ]]; then
    for ((i = 0; i < TASKS; i++)); do
      log "  task $i: $(tail -n 1 "$WORK/job/${JOBID}_$i.out" 2>/dev/null || echo '(no output)')"
    done
  fi
}

compare_with_reference() {  # compare_with_reference WHAT
  local f
  for f in runs.csv points.csv; do
    [[ -f $OUT/$f ]] || die 1 "merge wrote no $f ($1)"
    cmp "$OUT/$f" "$REF/$f" || {
      diff <(head -n 20 "$OUT/$f") <(head -n 20 "$REF/$f") >&2 || true
      die 1 "$f differs between the $1 and the unsharded run"
    }
    log "$f identical: $1 = unsharded ($(wc -l <"$OUT/$f") lines, $(wc -c <"$OUT/$f") bytes)"
  done
}

[[ $MODE = govsim && $ONLY = region ]] || submit_array "array job"

# ---------------------------------------------------------------- checks
PHASE=check
t0=$SECONDS
if [[ $MODE = govsim && $ONLY = region ]]; then
  log "SLURM_TEST_ONLY=region: the sweep and the calibration are skipped"
elif [[ $MODE = selftest ]]; then
  seen=()
  for ((k = 0; k < TASKS; k++)); do
    f=$ST/task-$k
    [[ -f $f ]] || die 1 "self-test: array index $k never ran (no $f)"
    { read -r id count min step cpus && read -r args; } <"$f"
    [[ $args = "sweep $SWEEP --out $OUT --shard-from-env" ]] ||
      die 1 "self-test: task $k ran govsim with '$args', expected 'sweep $SWEEP --out $OUT --shard-from-env'"
    [[ $id = "$k" && $count = "$TASKS" && $min = 0 && $step = 1 ]] ||
      die 1 "self-test: task $k saw ID=$id COUNT=$count MIN=$min STEP=$step, expected ID=$k COUNT=$TASKS MIN=0 STEP=1"
    [[ $cpus = 1 ]] || die 1 "self-test: task $k saw SLURM_CPUS_PER_TASK='$cpus', expected 1"
    seen+=("$(( (id - min) / step ))")
  done
  n_files=$(find "$ST" -name 'task-*' | wc -l)
  ((n_files == TASKS)) || die 1 "self-test: $n_files task files for $TASKS tasks"
  log "self-test: all $TASKS array indices arrived once (shard indices ${seen[*]}, count $TASKS, 1 CPU each)"
else
  log "govsim merge $OUT"
  "$GOVSIM" merge "$OUT" || die 1 "govsim merge failed on the sharded output"
  log "govsim sweep (unsharded reference) --out $REF"
  "$GOVSIM" sweep "$SWEEP" --out "$REF" || die 1 "the unsharded govsim sweep failed"
  for f in runs.csv points.csv; do [[ -f $REF/$f ]] || die 1 "the unsharded sweep wrote no $f"; done
  compare_with_reference "merge of the $TASKS-task Slurm array"

  # Resume, as after a pre-emption: delete every other block and the merged files, submit the
  # same array again. The kept blocks must not be rewritten (same inode), the deleted ones must
  # come back, and the merge must again equal the unsharded run.
  PHASE="resume check"
  mapfile -t blocks < <(find "$OUT/blocks" -maxdepth 1 -name '*.csv' | sort)
  ((${#blocks[@]} >= 2)) || die 1 "expected at least 2 block files in $OUT/blocks, found ${#blocks[@]}"
  declare -A kept=()
  removed=0
  for ((i = 0; i < ${#blocks[@]}; i++)); do
    if ((i % 2)); then
      rm -f -- "${blocks[i]}" "${blocks[i]%.csv}.json"
      removed=$((removed + 1))
    else
      kept[${blocks[i]}]=$(stat -c %i "${blocks[i]}")
    fi
  done
  rm -f -- "$OUT/runs.csv" "$OUT/points.csv"
  log "resume: removed $removed of ${#blocks[@]} block files; resubmitting the same array"
  T[check]=$((SECONDS - t0))
  submit_array "resubmitted array job"
  t0=$SECONDS
  PHASE="resume check"
  for f in "${!kept[@]}"; do
    [[ -f $f && $(stat -c %i "$f") = "${kept[$f]}" ]] || die 1 "resume rewrote or lost the completed block $f"
  done
  n=$(find "$OUT/blocks" -maxdepth 1 -name '*.csv' | wc -l)
  ((n == ${#blocks[@]})) || die 1 "after resume $n block files, expected ${#blocks[@]}"
  "$GOVSIM" merge "$OUT" || die 1 "govsim merge failed after the resubmission"
  compare_with_reference "merge after a resubmitted (resumed) Slurm array"

  # A calibration as a chain of arrays, one per stage (2 generations and the check), each task
  # running its blocks of the first incomplete stage: the results must equal the unsharded
  # calibration's byte for byte.
  PHASE="calibration"
  CAL=$REPO/tests/calibrations/tiny.json
  CAL_OUT=$WORK/calibration-sharded
  CAL_REF=$WORK/calibration-unsharded
  T[check]=$((${T[check]:-0} + SECONDS - t0))
  for stage in 1 2 3; do
    submit_array "calibration array $stage of 3" "$REPO/scripts/calibrate.sbatch" "$CAL" "$CAL_OUT"
  done
  t0=$SECONDS
  PHASE="calibration check"
  "$GOVSIM" calibrate "$CAL" --out "$CAL_REF" --progress off >/dev/null || die 1 "the unsharded govsim calibrate failed"
  for f in posterior.csv parameters.csv predictive.csv generations.csv summary.json calibration.md; do
    [[ -f $CAL_OUT/$f ]] || die 1 "the calibration arrays wrote no $f"
    cmp "$CAL_OUT/$f" "$CAL_REF/$f" || die 1 "$f differs between the $TASKS-task calibration arrays and the unsharded calibration"
  done
  log "calibration: posterior.csv and the other results identical: $TASKS-task arrays = unsharded"
fi
if [[ $MODE = govsim ]]; then
  # A region as one array of scripts/region.sbatch (district k on task k mod N), merged: the
  # region-wide tables and every district's own tables must equal the unsharded region's.
  PHASE="region"
  REG_OUT=$WORK/region-sharded
  REG_REF=$WORK/region-unsharded
  T[check]=$((${T[check]:-0} + SECONDS - t0))
  submit_array "region array" "$REPO/scripts/region.sbatch" "$REGION" "$REG_OUT"
  t0=$SECONDS
  PHASE="region check"
  "$GOVSIM" merge "$REG_OUT" || die 1 "govsim merge failed on the sharded region"
  "$GOVSIM" region "$REGION" --out "$REG_REF" --progress off >"$WORK/region-unsharded.log" 2>&1 || { tail -n 20 "$WORK/region-unsharded.log" >&2; die 1 "the unsharded govsim region failed"; }
  n=0
  for f in timeseries.csv districts.csv region.json; do
    cmp "$REG_OUT/$f" "$REG_REF/$f" || die 1 "$f differs between the $TASKS-task region array and the unsharded region"
  done
  for d in "$REG_REF"/districts/*/; do
    d=${d%/}
    for f in timeseries.csv communities.csv; do
      cmp "$REG_OUT/districts/${d##*/}/$f" "$d/$f" || die 1 "districts/${d##*/}/$f differs between the region array and the unsharded region"
    done
    n=$((n + 1))
  done
  ((n > 0)) || die 1 "the unsharded region wrote no district folders"
  log "region: timeseries.csv, districts.csv and the $n districts' tables identical: $TASKS-task array = unsharded"
  # per task: its districts' wall seconds and the task's peak memory (from the blocks)
  python3 - "$REG_OUT/summary.json" >&2 <<'PY' || true
import json, sys
s = json.load(open(sys.argv[1]))
tasks = {}
for d in s["performance"]["districts"]:
    p = d["performance"]
    t = tasks.setdefault(p.get("shard", "?"), [0, 0.0, 0])
    t[0] += 1; t[1] += p.get("wall_seconds", 0.0); t[2] = max(t[2], p.get("peak_memory_bytes") or 0)
print(f"[slurm-test] region {s['region']}: {s['districts']} districts, {s['residents']:,} residents")
for shard, (n, sec, mem) in sorted(tasks.items()):
    print(f"[slurm-test]   {shard}: {n} district(s), {sec:.1f} s, peak memory {mem / 2**20:.0f} MiB")
PY
fi
T[check]=$((${T[check]:-0} + SECONDS - t0))
PHASE=finished
