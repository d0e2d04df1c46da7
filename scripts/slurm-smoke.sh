#!/usr/bin/env bash
# Smoke test of sharded runs on a real Slurm cluster of one node.
#
# Installs Debian's slurm-wlm and munge, starts munged, slurmctld and slurmd
# on this machine, runs `muster run --shard auto` as a 4-task job array,
# merges the parts in a job that depends on the array (afterok), and checks
# that the merged CSV files and run.toml are byte-identical to a single run
# with the same seed and trials. Stops the daemons it started on exit.
#
# Run as root on a Debian 12 machine without systemd (CI). Safe to run
# again on the same machine: daemons left by an earlier run are stopped
# first and installed packages are reused.
#
# usage: scripts/slurm-smoke.sh
# env:   MUSTER_BIN  muster binary to use (default: build target/release/muster)
#        TRIALS      trials (default 200000)    SEED   seed (default 20251129)
#        ARRAY       array spec (default 1-4; 0-3 works too)
#        KEEP_WORK=1 keep the work folder
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TRIALS=${TRIALS:-200000}
SEED=${SEED:-20251129}
ARRAY=${ARRAY:-1-4}
TIMEOUT=${TIMEOUT:-120}

CONF=/etc/slurm/slurm.conf
LOGDIR=/var/log/slurm
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
MUNGE_PID=/run/munge/munged.pid

log() { printf '== %s\n' "$*"; }
die() { printf 'slurm-smoke: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root"

# Stops the daemon named $2 whose pid file is $1, if it is running, and
# waits for it. A stale pid file whose number now belongs to another
# program is only removed.
stop_pidfile() {
  local f=$1 name=$2 pid i
  [ -s "$f" ] || return 0
  pid=$(cat "$f")
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

stop_daemons() {
  stop_pidfile "$SLURMD_PID" slurmd
  stop_pidfile "$CTLD_PID" slurmctld
  stop_pidfile "$MUNGE_PID" munged
}

WORK=""
STARTED=0
on_exit() {
  local rc=$?
  set +e
  if [ "$rc" -ne 0 ]; then
    echo "slurm-smoke: FAILED (exit $rc)" >&2
    for f in "$LOGDIR/slurmctld.log" "$LOGDIR/slurmd.log" ${WORK:+"$WORK"/logs/*}; do
      [ -f "$f" ] || continue
      echo "----- $f (last 100 lines)" >&2
      tail -n 100 "$f" >&2
    done
    if command -v sinfo >/dev/null && [ "$STARTED" -eq 1 ]; then
      echo "----- sinfo / squeue" >&2
      sinfo -N -l >&2
      squeue >&2
    fi
  fi
  [ "$STARTED" -eq 1 ] && stop_daemons
  if [ -n "$WORK" ] && [ "${KEEP_WORK:-0}" != 1 ] && [ "$rc" -eq 0 ]; then
    rm -rf "$WORK"
  elif [ -n "$WORK" ]; then
    echo "work folder kept: $WORK" >&2
  fi
  exit "$rc"
}
trap on_exit EXIT

# --- packages -------------------------------------------------------------
if command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
   command -v munged >/dev/null && command -v sbatch >/dev/null; then
  log "slurm and munge already installed"
else
  log "installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q slurm-wlm munge
fi
slurmctld -V

# --- muster ---------------------------------------------------------------
if [ -n "${MUSTER_BIN:-}" ]; then
  BIN=$(realpath "$MUSTER_BIN")
else
  log "building muster (release)"
  (cd "$ROOT" && cargo build --release)
  BIN=$ROOT/target/release/muster
fi
[ -x "$BIN" ] || die "no muster binary at $BIN"

SCENARIO=""
for s in "$ROOT/scenarios/tutorial.toml" "$ROOT/../shared/bench/simple12.toml"; do
  if [ -f "$s" ]; then SCENARIO=$(realpath "$s"); break; fi
done
[ -n "$SCENARIO" ] || die "no scenario: neither scenarios/tutorial.toml nor ../shared/bench/simple12.toml"

# The job runs as root under slurmd; keep its files somewhere root-owned and
# world-traversable, with absolute paths only.
WORK=$(mktemp -d /tmp/muster-slurm-smoke.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/logs"

# --- cluster --------------------------------------------------------------
log "stopping daemons left by an earlier run"
stop_daemons
STARTED=1

NODE=$(hostname -s)
CPUS=$(nproc)
log "configuring a one-node cluster on $NODE ($CPUS CPUs)"

if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
chmod 755 /run/munge

mkdir -p /etc/slurm "$LOGDIR" /var/spool/slurmctld /var/spool/slurmd
chmod 755 /var/spool/slurmctld /var/spool/slurmd

cat >"$CONF" <<EOF
# Written by muster's scripts/slurm-smoke.sh: a one-node test cluster.
ClusterName=musterci
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MailProg=/bin/true
DependencyParameters=kill_invalid_depend
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOGDIR/slurmctld.log
SlurmdLogFile=$LOGDIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SlurmctldTimeout=60
SlurmdTimeout=60
InactiveLimit=0
MinJobAge=300
KillWait=10
Waittime=0
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=1000 State=UNKNOWN
PartitionName=smoke Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
# Start each run with fresh logs so failures show only this run.
: >"$LOGDIR/slurmctld.log"
: >"$LOGDIR/slurmd.log"

log "starting munged, slurmctld, slurmd"
runuser -u munge -- /usr/sbin/munged
munge -n | unmunge >/dev/null || die "munge does not work"
slurmctld -c   # -c: forget jobs and node state of earlier runs
slurmd

log "waiting for $NODE to be idle"
deadline=$((SECONDS + TIMEOUT))
until [ "$(sinfo -h -n "$NODE" -o %t 2>/dev/null)" = idle ]; do
  [ "$SECONDS" -lt "$deadline" ] || die "node $NODE not idle after ${TIMEOUT}s: $(sinfo -h -n "$NODE" -o '%t %E' 2>&1)"
  sleep 1
done
sinfo

# --- sharded run ----------------------------------------------------------
PARTS=$WORK/parts
MERGED=$WORK/merged
SINGLE=$WORK/single

cat >"$WORK/shard.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=muster-shard
#SBATCH --output=$WORK/logs/shard-%A_%a.out
set -euo pipefail
echo "task \$SLURM_ARRAY_TASK_ID (min \$SLURM_ARRAY_TASK_MIN, count \$SLURM_ARRAY_TASK_COUNT) on \$(hostname)"
exec "$BIN" run "$SCENARIO" --trials $TRIALS --seed $SEED --shard auto --out "$PARTS"
EOF

cat >"$WORK/merge.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=muster-merge
#SBATCH --output=$WORK/logs/merge-%j.out
set -euo pipefail
exec "$BIN" merge "$PARTS"/part-*.json --out "$MERGED"
EOF

log "submitting the shard array (--array=$ARRAY) and waiting"
t0=$SECONDS
ARRAY_JOB=$(sbatch --parsable --wait --array="$ARRAY" "$WORK/shard.sbatch") ||
  die "shard array failed (output: $WORK/logs/shard-*.out)"
ARRAY_JOB=${ARRAY_JOB%%;*}
log "array job $ARRAY_JOB done in $((SECONDS - t0))s"
ls -l "$PARTS"

log "submitting the merge job (--dependency=afterok:$ARRAY_JOB) and waiting"
sbatch --parsable --wait --dependency="afterok:$ARRAY_JOB" "$WORK/merge.sbatch" ||
  die "merge job failed (output: $WORK/logs/merge-*.out)"
cat "$WORK"/logs/merge-*.out

nparts=$(find "$PARTS" -name 'part-*.json' | wc -l)
[ "$nparts" -eq 4 ] || die "expected 4 part files, found $nparts"

# --- comparison -----------------------------------------------------------
log "single run with the same seed and trials"
"$BIN" run "$SCENARIO" --trials "$TRIALS" --seed "$SEED" --quiet --out "$SINGLE"

log "comparing merged and single results"
n=0
for f in "$SINGLE"/*.csv "$SINGLE"/run.toml; do
  cmp "$f" "$MERGED/$(basename "$f")"
  n=$((n + 1))
done
[ "$n" -ge 9 ] || die "expected at least 8 CSV files and run.toml, compared $n"
# Nothing extra in the merged folder either.
for f in "$MERGED"/*.csv; do
  [ -f "$SINGLE/$(basename "$f")" ] || die "merged folder has $(basename "$f"), single run does not"
done

log "PASS: $n files byte-identical ($TRIALS trials, seed $SEED, 4 shards via Slurm)"
