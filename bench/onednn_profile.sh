#!/usr/bin/env bash
# Where a training step's time goes, per oneDNN primitive (issue 13): one run of `latent train`
# under ONEDNN_VERBOSE=1, each primitive's execution times summed and divided by the run's
# steps (rounds, for a GAN), the largest first.
#
#   bench/onednn_profile.sh CONFIG DATA [THREADS] [EPOCHS]
#   bench/onednn_profile.sh launch/configs/dcgan.ini /tmp/train.h5 1 1
#
# Pinned with taskset to the first THREADS cores [1]; EPOCHS [1]. LATENT [build/latent].
# EXTRA: more options of `latent train` (EXTRA="--precision bf16").
# Prints: the oneDNN total and the trainer's step_s per step, then one line per primitive:
# ms per step, calls per step, primitive, implementation, propagation, shape.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
config=$1 data=$2 threads=${3:-1} epochs=${4:-1}
latent="${LATENT:-$root/build/latent}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cores=0
[ "$threads" -gt 1 ] && cores="0-$((threads - 1))"
ONEDNN_VERBOSE=1 OMP_NUM_THREADS="$threads" taskset -c "$cores" "$latent" train \
  --config "$config" --data "$data" --threads "$threads" --epochs "$epochs" --log-every 100000 \
  --out "$work/run" ${EXTRA:-} > "$work/verbose.log" 2>&1
python3 - "$work/verbose.log" "$work/run/metrics.jsonl" <<'EOF'
import collections, json, sys
log, metrics = sys.argv[1], sys.argv[2]
per = collections.defaultdict(lambda: [0.0, 0])
for line in open(log):
    if not line.startswith("onednn_verbose,exec,"):
        continue
    f = line.strip().split(",")
    key = (f[3], f[4], f[5], f[-2])  # primitive, implementation, propagation, shape
    per[key][0] += float(f[-1])
    per[key][1] += 1
rows = [r for r in map(json.loads, open(metrics)) if "step_s" in r]
steps = rows[-1]["step"]
step_ms = sum(r["step_s"] for r in rows) / len(rows) * 1e3
total = sum(v[0] for v in per.values()) / steps
print("oneDNN %.2f ms per step; the trainer's step_s %.2f ms (%d steps)" % (total, step_ms, steps))
for (prim, impl, prop, shape), (ms, calls) in sorted(per.items(), key=lambda kv: -kv[1][0])[:25]:
    print("%7.2f ms %5.1f calls  %-20s %-22s %-18s %s" % (ms / steps, calls / steps, prim, impl,
                                                          prop, shape))
EOF
