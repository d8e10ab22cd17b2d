#!/usr/bin/env bash
# The whole GPU check of issue 10 as one script, for a lent GPU host that has CUDA, cuBLAS,
# cuDNN, NCCL, mpirun and PyTorch but none of this project's Debian libraries.
#
# Here (the development machine, CUDA toolkit installed):
#   bench/gpu/pack.sh                      builds with CUDA and packs into gpu-pack/ (ignored by git)
# There (from the repository root; the device tool carries gpu-pack/):
#   bench/gpu/device_check.sh gpu-pack "$OUT"
# It runs, each step logged to OUT and never stopping the next:
#   1. nvidia-smi, the library versions;
#   2. the CUDA tests: every op against the reference (backend-vs-ref, strict FP32), the CUDA
#      backend's own tests, then the model tests;
#   3. parity: the MLP VAE trained for a few steps with --device cuda and --device cpu from one
#      seed (losses side by side), a GPU checkpoint evaluated on the CPU, 2 ranks sharing the GPU;
#   4. speed: latent --device cuda and the PyTorch peers (eager, CUDA graph) on the MLP VAE and the
#      DCGAN at batch 128 and 1024, samples/s after warm-up, one JSON line each in speed.jsonl;
#   5. the host's CPU cores (host_cpu_scaling.sh, about 2 minutes on 16 cores): 1, 4 and all
#      threads in one process, and 1-16 ranks of one thread (the weak-scaling table of issue 11).
# Where no GPU is usable (a dry run here), the tests skip saying why and latent refuses
# --device cuda with its reason; the peers then run nothing (DRY_PEER=cpu runs them on the CPU,
# SPEED_STEPS=3 shortens every speed run; PYTHON names the interpreter that has PyTorch).
set -uo pipefail
pack=${1:?usage: device_check.sh PACK_DIR OUT_DIR}
out=${2:?usage: device_check.sh PACK_DIR OUT_DIR}
mkdir -p "$out"
lib=$(mktemp -d)
tar xJf "$pack/lib.tar.xz" -C "$lib"
export LD_LIBRARY_PATH="$lib:${LD_LIBRARY_PATH:-}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
bin=$(cd "$pack/bin" && pwd)
L="$bin/latent"
work=$(mktemp -d)
step() { echo "== $(date +%T) $*" | tee -a "$out/summary.txt"; }
# Every command under a time limit: a hang (a GPU kernel, NCCL's set-up) must not take the whole
# device session (LIMIT_S seconds each, 150 by default; 124 in the logs means it ran out).
t() { timeout "${LIMIT_S:-150}" "$@"; }

step "1. the machine"
{ nvidia-smi; ls /usr/lib/x86_64-linux-gnu | grep -E 'libcudnn\.so|libnccl\.so'; } > "$out/machine.txt" 2>&1
head -20 "$out/machine.txt" >> "$out/summary.txt"

step "2. CUDA tests"
OMP_NUM_THREADS=4 t "$bin/runtime_tests" --gtest_filter='*cuda*:*Cuda*' > "$out/runtime_tests_cuda.txt" 2>&1
tail -n 30 "$out/runtime_tests_cuda.txt" >> "$out/summary.txt"
OMP_NUM_THREADS=4 LATENT_DATA_DIR="$bin/data" t "$bin/model_tests" > "$out/model_tests.txt" 2>&1
tail -n 5 "$out/model_tests.txt" >> "$out/summary.txt"

step "3. parity"
t "$L" convert --from mnist-json "$bin/data/mnist-json" --out "$work/mnist.h5" > /dev/null 2>&1
for device in cpu cuda; do
  t "$L" train --device "$device" --data "$work/mnist.h5" --model vae --max-steps 50 --seed 7 \
    --threads 4 --out "$work/vae-$device" > "$out/parity-train-$device.txt" 2>&1
  echo "$device: exit $? $(tail -n 1 "$work/vae-$device/metrics.jsonl" 2>/dev/null)" >> "$out/summary.txt"
done
t "$L" eval --device cpu --checkpoint "$work/vae-cuda/checkpoint.h5" --data "$work/mnist.h5" \
  > "$out/parity-eval-cuda-ckpt-on-cpu.txt" 2>&1
t "$L" eval --device cpu --checkpoint "$work/vae-cpu/checkpoint.h5" --data "$work/mnist.h5" \
  > "$out/parity-eval-cpu-ckpt-on-cpu.txt" 2>&1
echo "eval on cpu of the cuda / cpu checkpoints: $(tail -n 1 "$out/parity-eval-cuda-ckpt-on-cpu.txt") / $(tail -n 1 "$out/parity-eval-cpu-ckpt-on-cpu.txt")" >> "$out/summary.txt"
t mpirun -np 2 -x LD_LIBRARY_PATH "$L" train --device cuda --comm mpi --data "$work/mnist.h5" --model vae \
  --max-steps 50 --seed 7 --batch 64 --threads 4 --out "$work/vae-cuda-2ranks" > "$out/parity-2ranks.txt" 2>&1
echo "2 ranks on one GPU: exit $? $(tail -n 1 "$work/vae-cuda-2ranks/metrics.jsonl" 2>/dev/null)" >> "$out/summary.txt"

step "4. speed"
peer_device=cuda
[ -n "${DRY_PEER:-}" ] && peer_device=$DRY_PEER
for model in vae dcgan; do
  arch=mlp; [ "$model" = dcgan ] && arch=conv
  kind=$model; [ "$model" = dcgan ] && kind=gan
  for batch in 128 1024; do
    steps=400; [ "$batch" = 1024 ] && steps=150
    steps=${SPEED_STEPS:-$steps}
    t "$L" train --device cuda --data "$work/mnist.h5" --model "$kind" --arch "$arch" --batch "$batch" \
      --max-steps "$steps" --threads 4 --checkpoint-every 0 --out "$work/speed-$model-$batch" \
      > "$out/speed-latent-$model-$batch.txt" 2>&1
    # samples/s over the second half of the steps (after warm-up), from the metrics log
    python3 - "$work/speed-$model-$batch/metrics.jsonl" "$model" "$batch" >> "$out/speed.jsonl" <<'PY'
import json, sys
path, model, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    rows = [json.loads(l) for l in open(path) if '"step_s"' in l]
except OSError:
    rows = []
late = rows[len(rows) // 2:]
step_s = sum(r["step_s"] for r in late) / max(len(late), 1)
print(json.dumps({"peer": "latent", "model": model, "mode": "eager", "batch": batch,
                  "samples_per_s": batch / step_s if late else None, "ms_per_step": 1000 * step_s if late else None,
                  "rows": len(rows)}))
PY
    for mode in eager graph; do
      [ "$peer_device" != cuda ] && [ "$mode" = graph ] && continue
      t "${PYTHON:-python3}" "$(dirname "$0")/torch_gpu_peer.py" --model "$model" --mode "$mode" --batch "$batch" \
        --device "$peer_device" --steps "$steps" >> "$out/speed.jsonl" 2>> "$out/speed-peer-errors.txt"
    done
  done
done
cat "$out/speed.jsonl" >> "$out/summary.txt"

step "5. the host's CPU cores: threads (issue 13) and ranks (issue 11)"
"$(dirname "$0")/host_cpu_scaling.sh" "$L" "$work/mnist.h5" "$out/host-cpu" > /dev/null 2>&1
cat "$out/host-cpu/host_scaling.md" >> "$out/summary.txt" 2>/dev/null
step "done"
