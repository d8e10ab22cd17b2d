#!/usr/bin/env bash
# The CPU side of a lent GPU host (16 cores): the figures issues 11 and 13 want from a node with
# more cores than the development machines' two. Called by device_check.sh (step 5); also runs
# anywhere as
#   bench/gpu/host_cpu_scaling.sh LATENT DATA.h5 OUT_DIR      [env: MAX_CPUS (all), LIMIT_S (60)]
# 1. threads (issue 13): one process on cores 0..T-1, T = 1, 4, all: the MLP VAE at batch 128 and
#    1024 and the DCGAN at batch 128;
# 2. ranks (issue 11, weak scaling): `mpirun -np N --bind-to core`, one thread per rank, per-rank
#    batch 128, N = 1, 2, 4, 8, 16 (up to the cores): the VAE at every N, the DCGAN at 1 and the
#    most.
# One JSON line per run in OUT/host_scaling.jsonl: global samples/s and rank 0's step, comm_wait
# and data_wait (ms), medians over the metrics rows after the first (warm-up); a table in
# OUT/host_scaling.md.
set -uo pipefail
latent=${1:?usage: host_cpu_scaling.sh LATENT DATA.h5 OUT_DIR}
data=${2:?usage: host_cpu_scaling.sh LATENT DATA.h5 OUT_DIR}
out=${3:?usage: host_cpu_scaling.sh LATENT DATA.h5 OUT_DIR}
root="$(cd "$(dirname "$0")/../.." && pwd)"
cpus=$(nproc)
[ -n "${MAX_CPUS:-}" ] && [ "$MAX_CPUS" -lt "$cpus" ] && cpus=$MAX_CPUS
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
results=$out/host_scaling.jsonl
: > "$results"

model_args() {  # case [steps of the VAE at batch 128] -> latent options
  case $1 in
    vae128) echo "--config $root/launch/configs/vae.ini --batch 128 --max-steps ${2:-600} --log-every 30" ;;
    vae1024) echo "--config $root/launch/configs/vae.ini --batch 1024 --max-steps 120 --log-every 10" ;;
    dcgan) echo "--config $root/launch/configs/dcgan.ini --batch 128 --max-steps 40 --log-every 5" ;;
  esac
}
record() {  # kind case n run-folder exit-status
  python3 - "$@" "$(python3 "$root/bench/run_medians.py" "$4")" >> "$results" <<'PY'
import json, sys
kind, case, n, _, status, medians = sys.argv[1:7]
print(json.dumps({"kind": kind, "case": case, "n": int(n), "exit": int(status),
                  **json.loads(medians)}))
PY
}
counts() {  # the counts of $@ that fit the cores, and the cores themselves
  for n in "$@" "$cpus"; do [ "$n" -le "$cpus" ] && echo "$n"; done | sort -n -u
}

for case in vae128 vae1024 dcgan; do
  for t in $(counts 1 4); do
    read -ra args <<< "$(model_args "$case")"
    timeout "${LIMIT_S:-60}" taskset -c "0-$((t - 1))" "$latent" train --data "$data" \
      --epochs 1000 --threads "$t" --out "$work/threads-$case-$t" "${args[@]}" \
      > "$out/threads-$case-$t.txt" 2>&1
    record threads "$case" "$t" "$work/threads-$case-$t" $?
  done
done
for case in vae128 dcgan; do
  ranks=$(counts 1 2 4 8 16)
  [ "$case" = dcgan ] && ranks=$(counts 1)
  for n in $ranks; do
    read -ra args <<< "$(model_args "$case" 300)"
    OMP_NUM_THREADS=1 timeout "${LIMIT_S:-60}" mpirun -np "$n" --bind-to core \
      -x LD_LIBRARY_PATH -x OMP_NUM_THREADS "$latent" train --data "$data" --epochs 1000 \
      --threads 1 --out "$work/ranks-$case-$n" "${args[@]}" > "$out/ranks-$case-$n.txt" 2>&1
    record ranks "$case" "$n" "$work/ranks-$case-$n" $?
  done
done

python3 - "$results" <<'PY' | tee "$out/host_scaling.md"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
one = {(r["kind"], r["case"]): r["samples_per_s"] for r in rows if r["n"] == 1}
print("| kind | case | n | samples/s | × n=1 | efficiency | step ms | comm_wait ms | data_wait ms | exit |")
print("|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    base, rate = one.get((r["kind"], r["case"])), r["samples_per_s"]
    up = rate / base if base and rate else None
    fmt = lambda v, f: "-" if v is None else format(v, f)
    print(f"| {r['kind']} | {r['case']} | {r['n']} | {fmt(rate, '.0f')} | {fmt(up, '.2f')} "
          f"| {fmt(up / r['n'] if up else None, '.0%')} | {fmt(r['step_ms'], '.2f')} "
          f"| {fmt(r['comm_wait_ms'], '.2f')} | {fmt(r['data_wait_ms'], '.3f')} | {r['exit']} |")
PY
