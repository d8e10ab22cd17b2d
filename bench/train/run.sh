#!/usr/bin/env bash
# latent vs PyTorch on the same data, same machine, one thread each (issue 4, "Measured, not
# asserted"): the VAE 784-400-20 and the DCGAN, on the fixed 8,000 / 2,000 MNIST split of
# bench/peer/mnist_split.py. Runs are interleaved (latent, peer, peer, latent, ...) so that a
# neighbour's load falls on both sides; the summary compares them as ratios.
#
#   bench/train/run.sh            # everything, summary table on stdout
#
# Environment (defaults in brackets):
#   OUT [bench/out/train]   results.jsonl (one JSON line per run), run folders, data files
#   VAE_REPEATS [3]         VAE runs per side (seeds 0, 1, ...), 10 epochs each
#   GAN_REPEATS [2]         DCGAN runs per side (seeds 0, 1, ...)
#   GAN_EPOCHS [5]          DCGAN epochs
#   BUILD_DIR [build]       where latent and make_mnist_split are (built there first)
#   SKIP_BUILD [0]          1: use BUILD_DIR as it is
# Needs: the Release build (built here unless SKIP_BUILD=1), data/mnist-json (fetched by
# scripts/fetch_mnist.sh), Debian's /usr/bin/python3 with python3-torch (bench/peer/README.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out="${OUT:-$root/bench/out/train}"
vae_repeats="${VAE_REPEATS:-3}"
gan_repeats="${GAN_REPEATS:-2}"
gan_epochs="${GAN_EPOCHS:-5}"
py=/usr/bin/python3
build="${BUILD_DIR:-$root/build}"
latent="$build/latent"
split="$build/bench/make_mnist_split"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 --target latent make_mnist_split
fi
scripts/fetch_mnist.sh
mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"

# The split: latent convert (0.json .. 9.json in order) -> make_mnist_split (numpy's
# RandomState(0).permutation, first 8000 train / last 2000 test).
"$latent" convert --from mnist-json data/mnist-json --out "$out/mnist.h5"
"$split" "$out/mnist.h5" "$out/train.h5" "$out/test.h5" | tee "$out/split.txt"

loadavg() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' ','; }

# One latent run: train, then (VAE) eval on the held-out digits; appends one JSON line.
latent_run() {  # kind seed config extra-args...
  local kind=$1 seed=$2 config=$3; shift 3
  local dir="$out/runs/${kind}_latent_seed$seed"
  rm -rf "$dir"
  local before; before=$(loadavg)
  local t0; t0=$(date +%s.%N)
  "$latent" train --config "$config" --data "$out/train.h5" --threads 1 --seed "$seed" \
    --log-every 1000 --out "$dir" "$@" > "$dir.stdout"
  local t1; t1=$(date +%s.%N)
  local eval_json=null
  if [ "$kind" = vae ]; then
    eval_json=$("$latent" eval --checkpoint "$dir/checkpoint.h5" --data "$out/test.h5")
  fi
  "$py" "$root/bench/train/summarize.py" latent-row --kind "$kind" --seed "$seed" \
    --dir "$dir" --stdout "$dir.stdout" --eval "$eval_json" --wall "$t0" "$t1" \
    --loadavg "$before" >> "$results"
  tail -n 1 "$results" | cut -c1-160 >&2
}

peer_run() {  # kind seed extra-args...
  local kind=$1 seed=$2; shift 2
  local script=vae_mnist.py
  [ "$kind" = dcgan ] && script=dcgan_mnist.py
  local before; before=$(loadavg)
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
    "$py" "$root/bench/peer/$script" --threads 1 --seed "$seed" --drop-last "$@" \
    2> "$out/runs/${kind}_pytorch_seed$seed.stderr" |
    "$py" "$root/bench/train/summarize.py" peer-row --kind "$kind" --loadavg "$before" >> "$results"
  tail -n 1 "$results" | cut -c1-160 >&2
}

mkdir -p "$out/runs"
lscpu | grep -i 'model name' >&2 || true
echo "== VAE 784-400-20, 10 epochs, $vae_repeats runs per side ==" >&2
for ((i = 0; i < vae_repeats; ++i)); do
  if ((i % 2 == 0)); then
    latent_run vae "$i" launch/configs/vae.ini --epochs 10
    peer_run vae "$i" --epochs 10
  else
    peer_run vae "$i" --epochs 10
    latent_run vae "$i" launch/configs/vae.ini --epochs 10
  fi
done
echo "== DCGAN, $gan_epochs epochs, $gan_repeats runs per side ==" >&2
for ((i = 0; i < gan_repeats; ++i)); do
  if ((i % 2 == 0)); then
    latent_run dcgan "$i" launch/configs/dcgan.ini --epochs "$gan_epochs"
    peer_run dcgan "$i" --epochs "$gan_epochs" --log-every 0
  else
    peer_run dcgan "$i" --epochs "$gan_epochs" --log-every 0
    latent_run dcgan "$i" launch/configs/dcgan.ini --epochs "$gan_epochs"
  fi
done

"$py" "$root/bench/train/summarize.py" table "$results" | tee "$out/summary.md"
echo "results: $results; run folders: $out/runs" >&2
