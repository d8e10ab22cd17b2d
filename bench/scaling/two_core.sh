#!/usr/bin/env bash
# Data-parallel training on this 2-core machine: one rank pinned to one core (taskset -c 0, its
# prefetch thread on that core too) against two ranks bound to a core each, per-rank batch 128,
# one thread per rank, the VAE (mlp 784-400-20) and the DCGAN of launch/configs. Runs are
# interleaved, REPEATS times; the ratio of each repeat is 2-rank over 1-rank global samples/s
# (wall clock of the training loop, as `latent train` prints it).
#   bench/scaling/two_core.sh    [env: REPEATS=5 DATA=... OUT=bench/scaling/out STEPS_VAE=600 STEPS_DCGAN=60]
#   extra latent options for the 2-rank runs: TWO_RANK_ARGS="--shard-optimizer false"
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LATENT=${LATENT:-$ROOT/build/latent}
OUT=${OUT:-$ROOT/bench/scaling/out}
REPEATS=${REPEATS:-5}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
DATA=${DATA:-$WORK/mnist.h5}
[ -f "$DATA" ] || "$LATENT" convert --from mnist-json "$ROOT/data/mnist-json" --out "$DATA" \
  --compression none > /dev/null
mkdir -p "$OUT"
rate() { grep -o '([0-9]* samples/s)' | tr -d '(' | cut -d' ' -f1; }
: > "$OUT/two_core.jsonl"
for rep in $(seq "$REPEATS"); do
  for model in vae dcgan; do
    steps=${STEPS_VAE:-600}; [ $model = dcgan ] && steps=${STEPS_DCGAN:-60}
    args=(train --config "$ROOT/launch/configs/$model.ini" --data "$DATA" --batch 128
          --max-steps "$steps" --epochs 1000 --log-every 1000 --threads 1)
    one=$(taskset -c 0 "$LATENT" "${args[@]}" --out "$WORK/one" | rate)
    two=$(mpirun -np 2 --bind-to core "$LATENT" "${args[@]}" ${TWO_RANK_ARGS:-} --out "$WORK/two" \
          2>/dev/null | rate)
    echo "{\"model\": \"$model\", \"rep\": $rep, \"one_rank\": $one, \"two_ranks\": $two}" \
      | tee -a "$OUT/two_core.jsonl"
  done
done
python3 - "$OUT/two_core.jsonl" <<'PY'
import json, sys, statistics
rows = [json.loads(l) for l in open(sys.argv[1])]
for m in ("vae", "dcgan"):
    r = [x["two_ranks"] / x["one_rank"] for x in rows if x["model"] == m]
    one = statistics.median(x["one_rank"] for x in rows if x["model"] == m)
    two = statistics.median(x["two_ranks"] for x in rows if x["model"] == m)
    print(f"{m}: 1 rank {one:.0f}, 2 ranks {two:.0f} samples/s; ratio median {statistics.median(r):.2f} "
          f"(min {min(r):.2f}, max {max(r):.2f}, {len(r)} repeats)")
PY
