#!/usr/bin/env bash
# Runs the PyTorch peers on this machine, one thread each, appending one JSON line per run to
# bench/peer/results-$(date +%F).jsonl. VAE_REPEATS (default 3) VAE runs, then one DCGAN run of
# DCGAN_EPOCHS (default 5) epochs. Progress goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py=/usr/bin/python3
out="${1:-$here/results-$(date +%F).jsonl}"
"$here/../../scripts/fetch_mnist.sh"
lscpu | grep -i 'model name' >&2 || true
for i in $(seq "${VAE_REPEATS:-3}"); do
  "$py" "$here/vae_mnist.py" --epochs "${VAE_EPOCHS:-10}" --threads 1 >> "$out"
done
"$py" "$here/dcgan_mnist.py" --epochs "${DCGAN_EPOCHS:-5}" --threads 1 >> "$out"
echo "peer results appended to $out" >&2
