#!/usr/bin/env bash
# A throw-away single-node Slurm (munged, slurmctld, slurmd as root) whose keys, sockets,
# state, spool, logs and pid files all live in DIR, so it needs no systemd, touches nothing in
# /etc or /var, and several can run side by side on their own ports.
# Usage: cluster.sh start DIR   then: export SLURM_CONF=DIR/slurm.conf
#        cluster.sh stop DIR    (always safe: kills whatever start left, even half-started)
# Needs Debian 12's slurmctld slurmd slurm-client munge.
set -euo pipefail
cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
host="$(hostname -s)"

# A port nobody listens on (the default 6817/6818 may belong to a real or a parallel cluster).
free_port() {
  local p
  for _ in $(seq 200); do
    p=$(( 20000 + RANDOM % 30000 ))
    ss -Htln "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
  done
  echo "cluster.sh: no free port" >&2; return 1
}

# Daemons outlive `start`, so init is their parent and may reap them late: a zombie is dead.
# (/proc/PID/stat: "PID (NAME) STATE ...").
alive() {
  local st
  read -r st 2>/dev/null < "/proc/$1/stat" || return 1
  st="${st##*) }"
  [ "${st%% *}" != Z ]
}

# Ends PIDFILE's process: TERM, then KILL after 5 s.
stop_pid() {
  local pidfile="$1" pid
  [ -s "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  kill -TERM "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
  for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

# slurmstepd and the job's tasks are detached from slurmd, so killing slurmd leaves them; they
# are found by the files they hold open in DIR (stepd: its log and spool) or by the SLURM_CONF
# of this cluster in their environment (tasks; they inherit it from the submitting shell).
stray_pids() {
  local p fd
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [ "$p" = $$ ] || [ "$p" = "$PPID" ] && continue
    for fd in "/proc/$p"/fd/*; do
      case "$(readlink "$fd" 2>/dev/null)" in "$dir"/*) echo "$p"; continue 2 ;; esac
    done
    if grep -qzxF "SLURM_CONF=$dir/slurm.conf" "/proc/$p/environ" 2>/dev/null &&
       grep -qz '^SLURM_JOB_ID=' "/proc/$p/environ" 2>/dev/null; then
      echo "$p"
    fi
  done
}

start() {
  mkdir -p "$dir"/{munge,state,spool,log,run,tmp}
  chmod 755 "$dir/munge"
  [ -s "$dir/munge/munge.key" ] || mungekey --create --keyfile="$dir/munge/munge.key" 2>/dev/null ||
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  # --force: munged as root with its files outside /etc/munge and /var.
  munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed"
  for _ in $(seq 50); do [ -S "$dir/munge/munge.socket" ] && break; sleep 0.1; done

  # The node as slurmd sees it (CPUs, sockets, memory), so slurmd never drains it for a
  # mismatch; nproc would obey OMP_NUM_THREADS.
  local node
  node="$(slurmd -C | head -n 1)"
  cat > "$dir/slurm.conf" <<CONF
ClusterName=latenttest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire: a requeued job waits this long before it may start again (default 120 s).
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=5
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
TmpFS=$dir/tmp
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups in containers and VMs without systemd: track processes through /proc.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
# Quick scheduling and short grace periods: the tests wait on them.
SchedulerParameters=sched_interval=1
KillWait=10
MinJobAge=300
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  # -D in the background rather than daemonising: the pid is known even if start-up fails.
  slurmctld -D -i -f "$SLURM_CONF" > "$dir/log/slurmctld.out" 2>&1 &
  echo $! > "$dir/run/slurmctld.pid.own"
  slurmd -D -f "$SLURM_CONF" > "$dir/log/slurmd.out" 2>&1 &
  echo $! > "$dir/run/slurmd.pid.own"

  # Up when the node is idle (slurmd registered with slurmctld); a dead daemon ends the wait,
  # and each query is bounded (a client waits 10 s for a missing slurmctld).
  local state="" daemon
  while [ "$SECONDS" -lt 30 ]; do
    for daemon in slurmctld slurmd; do
      alive "$(cat "$dir/run/$daemon.pid.own")" || { state="$daemon exited"; break 2; }
    done
    state="$(timeout 5 sinfo -h -n "$host" -o %t 2>/dev/null || true)"
    [ "$state" = idle ] && return 0
    sleep 0.2
  done
  echo "cluster.sh: the node is not idle (${state:-no answer}); logs in $dir/log:" >&2
  tail -n 5 "$dir"/log/* >&2 2>/dev/null || true
  return 1
}

stop() {
  export SLURM_CONF="$dir/slurm.conf"
  # Cancel jobs first so slurmstepd ends its tasks itself.
  if [ -f "$SLURM_CONF" ] && [ -s "$dir/run/slurmctld.pid.own" ] &&
     alive "$(cat "$dir/run/slurmctld.pid.own")"; then
    timeout 10 scancel --quiet --full --partition=debug 2>/dev/null || true
    for _ in $(seq 50); do
      [ -z "$(timeout 5 squeue -h -t running,completing -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  stop_pid "$dir/run/slurmd.pid.own"
  stop_pid "$dir/run/slurmctld.pid.own"
  stop_pid "$dir/run/munged.pid"
  local strays
  strays="$(stray_pids)"
  # shellcheck disable=SC2086
  [ -z "$strays" ] || { kill -KILL $strays 2>/dev/null || true; }
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
