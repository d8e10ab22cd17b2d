#!/usr/bin/env bash
# `latent` under a real single-node Slurm (tests/slurm/cluster.sh): (a) `srun --mpi=pmix -n 2`
# trains exactly what `mpirun -np 2` trains; (b) the job of launch/slurm/train.sbatch, sent
# SIGUSR1 mid-training, checkpoints, requeues itself, and its second run resumes to exactly the
# parameters of an uninterrupted run.
# Usage: slurm_test.sh [LATENT_BINARY [DATA_DIR]]   (default: $LATENT_BIN, $LATENT_DATA_DIR)
# Exits 77 (ctest: skipped) only when Slurm is not installed or its daemons cannot start.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
latent_given="${1:-${LATENT_BIN:-$root/build/latent}}"
data_dir="${2:-${LATENT_DATA_DIR:-$root/data}}"
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

for c in munged mungekey slurmctld slurmd srun sbatch scontrol; do
  command -v "$c" >/dev/null ||
    skip "$c not found (Debian 12: apt-get install slurmctld slurmd slurm-client munge)"
done
[ "$(id -u)" -eq 0 ] || skip "the test cluster's slurmd runs as root; run as root"

# Jobs run as root; OpenMPI's mpirun refuses root without these (srun does not care).
export OMP_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work="$(mktemp -d /tmp/latent-slurm.XXXXXX)"
trap '"$here/cluster.sh" stop "$work/cluster" || true; rm -rf "$work"' EXIT
cd "$work"
# A private copy: build/ may be rebuilt while the test runs.
cp "$latent_given" latent
latent="$work/latent"

"$here/cluster.sh" start "$work/cluster" > start.log 2>&1 ||
  { cat start.log; skip "the Slurm daemons did not start (log above)"; }
export SLURM_CONF="$work/cluster/slurm.conf"
echo "ok: single-node Slurm up ($(sinfo -h -o '%n %c CPUs %t'))"
# 2 ranks on a 1-CPU node: let them share it rather than wait forever.
over=()
[ "$(sinfo -h -o %c)" -ge 2 ] || over=(--overcommit)

"$latent" convert --from mnist-json "$data_dir/mnist-json" --out mnist.h5 >/dev/null
# SGD: see mpi_cli_test.sh; the same command under both launchers.
common=(train --data "$work/mnist.h5" --model vae --latent 8 --threads 1 --optimizer sgd
  --lr 0.01 --batch 32)

# (a) srun's PMIx gives the ranks the same world as mpirun: the same bits.
srun2() { timeout 120 srun --mpi=pmix -n 2 "${over[@]}" --kill-on-bad-exit=1 "$latent" "$@"; }
srun2 "${common[@]}" --hidden 64 --max-steps 15 --out srun2 > srun2.log 2>&1 ||
  { cat srun2.log; fail "srun --mpi=pmix -n 2 latent train failed"; }
"$latent" info srun2/checkpoint.h5 | grep -q "world_size 2" ||
  fail "srun started 2 separate 1-rank runs, not one 2-rank job (no PMIx?)"
timeout 120 mpirun -np 2 --oversubscribe "$latent" "${common[@]}" --hidden 64 --max-steps 15 \
  --out mpirun2 > /dev/null 2>&1 || fail "mpirun -np 2 latent train failed"
for group in /params /optim /rng; do
  h5diff --delta=0 srun2/checkpoint.h5 mpirun2/checkpoint.h5 "$group" "$group" ||
    fail "srun --mpi=pmix -n 2 and mpirun -np 2: $group differs"
done
echo "ok: srun --mpi=pmix -n 2 == mpirun -np 2 (parameters, optimizer state, RNG identical)"

# (b) A model slow enough (~2 ms a step on 2 ranks) for the signal to land mid-training.
steps=800
long=("${common[@]}" --hidden 256 --epochs 1000 --max-steps "$steps" --log-every 50)
srun2 "${long[@]}" --out whole > whole.log 2>&1 ||
  { cat whole.log; fail "the uninterrupted run failed"; }

# Submits train.sbatch into run folder $1 (its output in $1.out); prints the job id.
submit() {
  OUT="$work/$1" LATENT="$latent" sbatch --parsable --ntasks=2 "${over[@]}" --chdir="$work" \
    --output="$work/$1.out" "$root/launch/slurm/train.sbatch" "${long[@]}"
}
job_state() { scontrol show job "$1" 2>/dev/null | grep -o "$2=[^ ]*" | cut -d= -f2; }
# Waits until job $1 trains (4 metrics rows, past step 150: its signal handler is installed).
await_training() {
  local rows=0
  for _ in $(seq 600); do
    [ -f "$2/metrics.jsonl" ] && rows=$(wc -l < "$2/metrics.jsonl")
    [ "$rows" -ge 4 ] && return 0
    case "$(job_state "$1" JobState)" in RUNNING | PENDING) ;; *) break ;; esac
    sleep 0.1
  done
  cat "$2.out"; fail "job $1 did not start training ($(job_state "$1" JobState))"
}
# Waits until job $1 has ended for good; prints its state.
await_end() {
  local state=""
  for _ in $(seq 900); do
    state="$(job_state "$1" JobState)"
    case "$state" in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;;
    esac
    sleep 0.1
  done
  echo "$state"
}

job=$(submit split)
await_training "$job" split
scancel --signal=USR1 --batch "$job"
# The first run stops, the job requeues (Slurm holds it ~5 s: cred_expire) and runs again.
state="$(await_end "$job")"
cat split.out
grep -q "stopped by SIGUSR1 at step [0-9]" split.out ||
  fail "latent did not report stopping on SIGUSR1 (exit status 75 and a checkpoint expected)"
[ "$state" = COMPLETED ] || fail "job $job ended $state, not COMPLETED"
stopped_at="$(grep -o 'stopped by SIGUSR1 at step [0-9]*' split.out | head -n 1)"
stopped_at="${stopped_at##* }"
[ "$stopped_at" -gt 0 ] && [ "$stopped_at" -lt "$steps" ] ||
  fail "stopped at step $stopped_at, not between 0 and $steps"
restarts="$(job_state "$job" Restarts)"
[ "$restarts" = 1 ] || fail "job $job was requeued $restarts times, not once"
grep -q "resuming from $work/split/checkpoint.h5" split.out || fail "the second run did not resume"
"$latent" info split/checkpoint.h5 | grep -q "step $steps," || fail "the resumed run did not finish"
for group in /params /optim /rng; do
  h5diff --delta=0 whole/checkpoint.h5 split/checkpoint.h5 "$group" "$group" ||
    fail "stopped at step $stopped_at, requeued and resumed: $group differs from one run"
done
echo "ok: sbatch job signalled (USR1) at step $stopped_at of $steps checkpointed, requeued itself" \
  "and resumed to the uninterrupted run's parameters, optimizer state and RNG"

# A plain scancel (TERM) also leaves a checkpoint, but the job stays cancelled: no requeue.
job=$(submit cancelled)
await_training "$job" cancelled
scancel "$job"
state="$(await_end "$job")"
restarts="$(job_state "$job" Restarts)"
[ "$state" = CANCELLED ] && [ "$restarts" = 0 ] ||
  { cat cancelled.out; fail "scancel: job $job ended $state, requeued $restarts times"; }
grep -q "stopped by SIGTERM at step [0-9]" cancelled.out && [ -f cancelled/checkpoint.h5 ] ||
  { cat cancelled.out; fail "scancel: no checkpoint"; }
echo "ok: scancel checkpoints and the job stays cancelled"
echo "1 passed, 0 failed ($SECONDS s)"
