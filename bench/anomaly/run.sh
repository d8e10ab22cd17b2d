#!/usr/bin/env bash
# One-class anomaly detection on MNIST, latent beside PyTorch: for each digit d, train the
# autoencoder of launch/configs/ae.ini (784-400-32, BCE) on the training split's digits d only
# (`latent train --classes d`), score the 2,000 held-out digits with `latent anomaly
# --normal-classes d` and report its AUROC; then the same with bench/anomaly/one_class_ae.py.
# One thread each. Split: bench/peer/mnist_split.py (8,000 train / 2,000 test).
# Usage: bench/anomaly/run.sh [EPOCHS=30]      (build/ must hold the latent binary)
# Appends one JSON line per framework to bench/anomaly/results-<date>.jsonl.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
epochs="${1:-30}"
latent="$root/build/latent"
py=/usr/bin/python3
out="$here/results-$(date +%F).jsonl"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$py" "$here/write_split.py" "$work"
aurocs=()
seconds=()
for d in 0 1 2 3 4 5 6 7 8 9; do
  start=$(date +%s.%N)
  "$latent" train --config "$root/launch/configs/ae.ini" --data "$work/train.h5" --classes "$d" \
    --epochs "$epochs" --threads 1 --log-every 1000 --out "$work/ae$d" >/dev/null
  json=$("$latent" anomaly --checkpoint "$work/ae$d/checkpoint.h5" --data "$work/test.h5" \
    --normal-classes "$d" --out "$work/score$d.h5" --threads 1 2>/dev/null)
  end=$(date +%s.%N)
  a=$(echo "$json" | "$py" -c 'import json,sys; print(round(json.load(sys.stdin)["auroc"], 4))')
  s=$("$py" -c "print(round($end - $start, 1))")
  echo "latent digit $d: auroc $a (${s} s)" >&2
  aurocs+=("\"$d\": $a")
  seconds+=("\"$d\": $s")
done
joined_a=$(IFS=,; echo "${aurocs[*]}")
joined_s=$(IFS=,; echo "${seconds[*]}")
echo "{\"framework\": \"latent\", \"model\": \"ae 784-400-32 bce\", \"epochs\": $epochs, \"batch\": 128, \"auroc\": {$joined_a}, \"seconds\": {$joined_s}, \"cpu\": \"$(lscpu | sed -n 's/^Model name: *//p')\", \"time\": \"$(date -Is)\"}" | tee -a "$out"
"$py" "$here/one_class_ae.py" --epochs "$epochs" --threads 1 | tee -a "$out"
