#!/usr/bin/env bash
# Data-parallel scaling of `latent train` on this machine, the allreduce cost fit, and a
# projection to 8..1024 ranks. See bench/scaling/README.md.
#
#   bench/scaling/run.sh                 # everything: allreduce bench, training runs, CSV, PNG, projection
#   bench/scaling/run.sh allreduce       # only the allreduce microbenchmark
#   bench/scaling/run.sh train           # only the training runs (+ summary, plot, projection)
#   bench/scaling/run.sh summarize       # only re-summarize existing runs (CSV, PNG, projection)
#
# Environment (defaults in brackets):
#   LATENT [build/latent]  ALLREDUCE_BENCH [build/bench/allreduce_bench]  DATA [data/mnist.h5]
#   OUT [bench/scaling/out]  MODELS ["vae dcgan ae"]  REPEATS [3]  BATCH [128] (per rank, weak)
#   LATENT_COMMIT (recorded in out/machine.txt when LATENT is not built from this checkout)
#   GLOBAL [256] (strong)  STEPS_MLP [200]  STEPS_DCGAN [40] (updates per run)  QUIET_BUSY [0.3] cores  QUIET_WAIT [30] s
#
# The machine is shared: every run first waits (up to QUIET_WAIT s) for a quiet spell (machine
# CPU use < QUIET_BUSY cores), and records in load.json how many cores other processes took
# while it ran (bench/scaling/timed.py); summarize.py reports it beside each figure.
#
# Every rank runs one compute thread (--threads 1, OMP_NUM_THREADS=1): ranks x threads never
# exceeds the 2 cores. OpenMPI runs as root here, hence OMPI_ALLOW_RUN_AS_ROOT*.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/scaling"
LATENT=${LATENT:-$ROOT/build/latent}
ALLREDUCE_BENCH=${ALLREDUCE_BENCH:-$ROOT/build/bench/allreduce_bench}
DATA=${DATA:-$ROOT/data/mnist.h5}
OUT=${OUT:-$HERE/out}
MODELS=${MODELS:-vae dcgan ae}
REPEATS=${REPEATS:-3}
BATCH=${BATCH:-128}
GLOBAL=${GLOBAL:-256}
QUIET_BUSY=${QUIET_BUSY:-0.3}
QUIET_WAIT=${QUIET_WAIT:-30}
WHAT=${1:-all}
TIMED=(python3 "$HERE/timed.py" --quiet-busy "$QUIET_BUSY" --quiet-wait "$QUIET_WAIT")

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN=(mpirun --oversubscribe -x OMP_NUM_THREADS -x OMPI_ALLOW_RUN_AS_ROOT
        -x OMPI_ALLOW_RUN_AS_ROOT_CONFIRM)

mkdir -p "$OUT"
log() { echo "[scaling $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)] $*" >&2; }

# The machine, once per invocation (the load average is sampled around every run as well).
{
  echo "date: $(date -u)"
  echo "host: $(hostname)"
  lscpu | grep -E '^(Model name|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|L3 cache)'
  echo "mpirun: $(mpirun --version | head -1)"
  echo "latent: $LATENT, commit ${LATENT_COMMIT:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') (checkout HEAD)}"
  echo "loadavg: $(cat /proc/loadavg)"
} > "$OUT/machine.txt"

model_args() {
  case $1 in
    vae) echo "--config $ROOT/launch/configs/vae.ini" ;;      # mlp 784-400-20
    ae) echo "--config $ROOT/launch/configs/ae.ini" ;;        # mlp 784-400-32
    dcgan) echo "--config $ROOT/launch/configs/dcgan.ini" ;;  # conv G and D, BN in G
    *) echo "unknown model $1" >&2; exit 2 ;;
  esac
}
# Steps per run and rows: the first row (warm-up: primitive creation, first batches) is dropped
# by summarize.py, the rest are the steady state.
steps_of() { case $1 in dcgan) echo "${STEPS_DCGAN:-40}" ;; *) echo "${STEPS_MLP:-200}" ;; esac; }
log_every_of() { case $1 in dcgan) echo 10 ;; *) echo 10 ;; esac; }

# run MODEL TAG RANKS THREADS BATCH_PER_RANK [extra latent args...]
run() {
  local model=$1 tag=$2 ranks=$3 threads=$4 batch=$5 rep=$6
  shift 6
  local dir="$OUT/runs/$model/$tag/rep$rep"
  rm -rf "$dir"
  mkdir -p "$dir"
  local args=(train $(model_args "$model") --data "$DATA" --batch "$batch"
              --max-steps "$(steps_of "$model")" --log-every "$(log_every_of "$model")"
              --threads "$threads" --out "$dir" "$@")
  log "$model $tag rep$rep: ${ranks}r x ${threads}t x batch $batch $*"
  if [[ $ranks -eq 1 ]]; then
    OMP_NUM_THREADS=$threads "${TIMED[@]}" --record "$dir/load.json" -- \
      "$LATENT" "${args[@]}" > "$dir/stdout.txt" 2> "$dir/stderr.txt"
  else
    OMP_NUM_THREADS=$threads "${TIMED[@]}" --record "$dir/load.json" -- \
      "${MPIRUN[@]}" -np "$ranks" "$LATENT" "${args[@]}" > "$dir/stdout.txt" 2> "$dir/stderr.txt"
  fi
  log "  $(cat "$dir/load.json")"
  printf '%s\n' "$model" "$tag" "$ranks" "$threads" "$batch" "$*" > "$dir/run.txt"
}

do_allreduce() {
  [[ -x $ALLREDUCE_BENCH ]] || { echo "missing $ALLREDUCE_BENCH (cmake --build build --target allreduce_bench)" >&2; exit 1; }
  log "allreduce microbenchmark, 2 ranks"
  OMP_NUM_THREADS=1 "${TIMED[@]}" --record "$OUT/allreduce_load.json" -- \
    "${MPIRUN[@]}" -np 2 "$ALLREDUCE_BENCH" --out "$OUT" --reps-scale 1 \
    2> "$OUT/allreduce_stderr.txt"
  log "  $(cat "$OUT/allreduce_load.json")"
  grep '^fit' "$OUT/allreduce_stderr.txt" >&2
}

do_train() {
  [[ -x $LATENT ]] || { echo "missing $LATENT (cmake --build build)" >&2; exit 1; }
  [[ -f $DATA ]] || { echo "missing $DATA (scripts/fetch_mnist.sh; latent convert --from mnist-json data/mnist-json --out $DATA)" >&2; exit 1; }
  local half=$((GLOBAL / 2))
  # Repeats are interleaved over configurations, so slow spells (other people's compiles)
  # spread over all of them instead of hitting one.
  for rep in $(seq 1 "$REPEATS"); do
    for model in $MODELS; do
      # tag                       ranks threads batch/rank
      run "$model" 1x1_b$BATCH     1 1 "$BATCH" "$rep"   # weak baseline
      run "$model" 1x1_b$GLOBAL    1 1 "$GLOBAL" "$rep"  # strong baseline
      run "$model" 1x2_b$GLOBAL    1 2 "$GLOBAL" "$rep"  # the second core as a thread, no MPI
      run "$model" 2x1_b${half}_overlap   2 1 "$half" "$rep" --overlap true
      run "$model" 2x1_b${half}_nooverlap 2 1 "$half" "$rep" --overlap false
      # Small buckets: with the default 25 MB every network here is one bucket, which starts
      # only when backward has finished, so "overlap" has nothing to overlap.
      run "$model" 2x1_b${half}_overlap_bucket0.25 2 1 "$half" "$rep" --overlap true --bucket-mb 0.25
      if [[ $BATCH -ne $half ]]; then
        run "$model" 2x1_b${BATCH}_overlap   2 1 "$BATCH" "$rep" --overlap true
        run "$model" 2x1_b${BATCH}_nooverlap 2 1 "$BATCH" "$rep" --overlap false
      fi
    done
  done
  # Parameter counts (for the gradient message sizes) from each model's 1-rank checkpoint.
  for model in $MODELS; do
    "$LATENT" info "$OUT/runs/$model/1x1_b$BATCH/rep1/checkpoint.h5" > "$OUT/info_$model.txt" 2>&1 || true
  done
}

do_summarize() {
  python3 "$HERE/summarize.py" --out "$OUT" --batch "$BATCH" --global "$GLOBAL"
  python3 "$HERE/project.py" --out "$OUT" --batch "$BATCH"
}

case $WHAT in
  all) do_allreduce; do_train; do_summarize ;;
  allreduce) do_allreduce ;;
  train) do_train; do_summarize ;;
  summarize) do_summarize ;;
  *) echo "usage: $0 [all|allreduce|train|summarize]" >&2; exit 2 ;;
esac
log "done: $OUT"
