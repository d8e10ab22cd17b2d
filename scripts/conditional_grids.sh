#!/usr/bin/env bash
# Pictures of the conditional models and of the generator's moving average (issue 23), on the
# real digits: a conditional VAE and a conditional GAN (with --ema-half-life), each drawing one
# row per class, the GAN's samples from its raw weights beside those from their average, and
# how often a judge (an mlp classifier) agrees with the class each sample was asked for.
#   scripts/conditional_grids.sh [OUT]   (default runs/conditional; about 3 minutes on 2 cores)
# Leaves in OUT:
#   cvae/samples.png, cgan/samples.png      training's last grids: row k holds class k
#   cgan/samples_ema.png                    the same codes through the averaged weights
#   cgan_raw.png, cgan_ema.png, cvae.png    `generate --png` grids of 100: column k is class k
#   agreement.txt                           the judge's agreement, raw and averaged weights
# Environment: LATENT (default build/latent), GRID_THREADS (default every CPU), GRID_EPOCHS_GAN
# [100], GRID_EPOCHS_VAE [15].
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
latent="${LATENT:-$root/build/latent}"
out="${1:-runs/conditional}"
threads="${GRID_THREADS:-$(nproc)}"
gan_epochs="${GRID_EPOCHS_GAN:-100}" vae_epochs="${GRID_EPOCHS_VAE:-15}"
script=conditional_grids
# shellcheck source=scripts/experiment_helpers.sh
. "$root/scripts/experiment_helpers.sh"
need_latent
data="$root/data/mnist.h5"
digits_h5 "$data"
mkdir -p "$out"
train() {  # RUN ARGS...
  local run="$1"
  shift
  rm -rf "${out:?}/$run"
  quiet "$out/$run.log" "$latent" train --data "$data" --threads "$threads" --log-every 100000 \
    --out "$out/$run" "$@"
}

train judge --model classifier --hidden 512 --latent 128 --epochs 10
# A 2-d code leaves the class to the label; the GAN at the rates of its test (lr 5e-4).
train cvae --model cvae --hidden 400 --latent 2 --epochs "$vae_epochs"
train cgan --model cgan --arch mlp --hidden 256 --latent 64 --lr-d 0.0005 --lr-g 0.0005 \
  --adam-beta1 0.5 --batch 128 --epochs "$gan_epochs" --ema-half-life 5000

agreement() {  # CHECKPOINT [--weights W]
  "$latent" score --checkpoint "$@" --data "$data" --judge "$out/judge/checkpoint.h5" --n 2000 \
    --threads "$threads" 2>/dev/null | tail -n 1 |
    sed -n 's/.*"judge_agrees_with_class": *\([0-9.eE+-]*\).*/\1/p'
}
{
  echo "judge agrees with the requested class (2000 samples, balanced classes):"
  echo "  cvae:                $(agreement "$out/cvae/checkpoint.h5")"
  echo "  cgan, raw weights:   $(agreement "$out/cgan/checkpoint.h5" --weights raw)"
  echo "  cgan, their average: $(agreement "$out/cgan/checkpoint.h5" --weights ema)"
} | tee "$out/agreement.txt"
for w in raw ema; do
  quiet "$out/generate.log" "$latent" generate --checkpoint "$out/cgan/checkpoint.h5" --n 100 \
    --weights "$w" --out "$out/cgan_$w.h5" --png "$out/cgan_$w.png" --png-count 100
done
quiet "$out/generate.log" "$latent" generate --checkpoint "$out/cvae/checkpoint.h5" --n 100 \
  --out "$out/cvae.h5" --png "$out/cvae.png" --png-count 100
echo "conditional_grids: pictures in $out: cvae/samples.png, cgan/samples.png (raw) and" \
  "cgan/samples_ema.png (averaged), one row per class; cvae.png, cgan_raw.png, cgan_ema.png"
