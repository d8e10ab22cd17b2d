#!/usr/bin/env bash
# The training data pipeline alone (bench/scaling/stream_job.cpp), 1 rank pinned to one core
# against 2 ranks, each rank reading every block it needs (--exchange false: what training did
# before) and reading once then exchanging (--exchange true), on a 400,000-digit uint8 file
# (the 10,000 MNIST digits 40 times) stored gzip-4 and uncompressed. Runs are interleaved,
# REPEATS times; raw JSON lines go to OUT/stream_job.jsonl, ratios to stdout.
#
#   bench/scaling/stream_job.sh            [env: REPEATS=3 OUT=bench/scaling/out BUFFER_MB=256]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
OUT=${OUT:-$ROOT/bench/scaling/out}
REPEATS=${REPEATS:-3}
BUFFER_MB=${BUFFER_MB:-256}
WORK=${WORK:-$(mktemp -d)}
trap '[ -z "${KEEP_WORK:-}" ] && rm -rf "$WORK"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
JOB=$BUILD/bench/stream_job
mkdir -p "$OUT"

if [ ! -f "$WORK/gzip.h5" ]; then
  python3 - "$ROOT/data/mnist-json" "$WORK/digits-idx3-ubyte" <<'PY'
import json, struct, sys
pixels = bytearray()
for d in range(10):
    pixels += bytes(min(255, int(round(v * 255))) for v in json.load(open(f"{sys.argv[1]}/{d}.json"))["data"])
n, reps = len(pixels) // 784, 40
with open(sys.argv[2], "wb") as f:
    f.write(bytes([0, 0, 8, 3]) + struct.pack(">III", n * reps, 28, 28))
    for _ in range(reps):
        f.write(pixels)
PY
  "$BUILD/latent" convert --from idx "$WORK/digits-idx3-ubyte" --out "$WORK/gzip.h5"
  "$BUILD/latent" convert --from idx "$WORK/digits-idx3-ubyte" --out "$WORK/none.h5" --compression none
  rm "$WORK/digits-idx3-ubyte"
fi

: > "$OUT/stream_job.jsonl"
for rep in $(seq "$REPEATS"); do
  for file in gzip none; do
    args=(--data "$WORK/$file.h5" --epochs 3 --io-buffer-mb "$BUFFER_MB")
    one=$(taskset -c 0 "$JOB" "${args[@]}")
    alone=$(mpirun -np 2 --bind-to core "$JOB" "${args[@]}" --exchange false 2>/dev/null | grep '^{')
    exchanged=$(mpirun -np 2 --bind-to core "$JOB" "${args[@]}" --exchange true 2>/dev/null | grep '^{')
    for line in "$one" "$alone" "$exchanged"; do
      echo "{\"file\": \"$file\", \"rep\": $rep, ${line:1}" >> "$OUT/stream_job.jsonl"
    done
  done
done
python3 - "$OUT/stream_job.jsonl" <<'PY'
import json, sys, statistics
rows = [json.loads(l) for l in open(sys.argv[1])]
for f in ("gzip", "none"):
    one = {r["rep"]: r["samples_per_s"] for r in rows if r["file"] == f and r["ranks"] == 1}
    for ex in (False, True):
        two = {r["rep"]: r["samples_per_s"] for r in rows
               if r["file"] == f and r["ranks"] == 2 and r["exchange"] == ex}
        ratios = [two[k] / one[k] for k in one if k in two]
        reads = [r["epoch1_read_mb"] for r in rows if r["file"] == f and r["ranks"] == 2 and r["exchange"] == ex]
        print(f"{f:5s} 2 ranks {'exchange' if ex else 'each reads':10s}: {statistics.median(two.values())/1e3:7.0f}k samples/s, "
              f"1 rank {statistics.median(one.values())/1e3:6.0f}k; ratio median {statistics.median(ratios):.2f} "
              f"(min {min(ratios):.2f}, max {max(ratios):.2f}); job reads {reads[0]:.0f} MB per epoch")
PY
