#!/usr/bin/env bash
# Trains every model kind and variant a few steps with a fixed seed and keeps each checkpoint:
# the before/after check of a refactoring that must not change a result (issue 22).
#   scripts/kind_checkpoints.sh LATENT DATA.h5 OUT        # OUT/<variant>/checkpoint.h5
#   scripts/kind_checkpoints.sh --compare BEFORE AFTER    # /params and /optim equal per variant?
set -euo pipefail
if [ "${1:-}" = "--compare" ]; then
  before=$2 after=$3 bad=0
  for d in "$before"/*/; do
    v=$(basename "$d")
    for group in /params /optim; do
      # Every dataset of the group as h5dump prints it (names, shapes, and values with the 9
      # digits that tell float32s apart), less the file name: equal text, equal contents. (h5diff
      # calls datasets of other shapes "not comparable" and still exits 0.)
      a=$(h5dump -m %.9g -g $group "$before/$v/checkpoint.h5" 2>&1 | tail -n +2 | md5sum)
      b=$(h5dump -m %.9g -g $group "$after/$v/checkpoint.h5" 2>&1 | tail -n +2 | md5sum)
      if [ "$a" = "$b" ]; then echo "same      $v $group"; else echo "DIFFERENT $v $group"; bad=1; fi
    done
  done
  exit $bad
fi
L=$1 DATA=$2 OUT=$3
mkdir -p "$OUT"
common="--data $DATA --threads 1 --batch 32 --max-steps 12 --seed 7 --log-every 4"
mlp="--arch mlp --hidden 32 --latent 4"
conv="--arch conv --conv-widths 8,16 --latent 4"
run() {
  local name=$1; shift
  rm -rf "$OUT/$name"
  "$L" train $common "$@" --out "$OUT/$name" > "$OUT/$name.log" 2>&1 || { echo "failed: $name"; cat "$OUT/$name.log"; exit 1; }
  echo "trained $name"
}
run ae-mlp --model ae $mlp
run ae-conv --model ae $conv
run sparse-l1 --model sparse-ae $mlp --sparsity l1
run sparse-kl --model sparse-ae $mlp --sparsity kl --sparsity-weight 0.1
run denoising-gaussian --model denoising-ae $mlp --noise gaussian
run denoising-masking --model denoising-ae $mlp --noise masking
run denoising-salt --model denoising-ae $mlp --noise salt-pepper --recon mse
run vae-mlp --model vae $mlp --beta 2
run vae-conv --model vae $conv
run gan-mlp --model gan $mlp
run gan-hinge --model gan $mlp --gan-loss hinge --d-steps 2 --label-smoothing 0.1
run gan-pretrain --model gan $mlp --pretrain-epochs 1
run dcgan --model gan $conv
run classifier-mlp --model classifier $mlp
run classifier-conv --model classifier $conv --optimizer sgd --momentum 0.5
