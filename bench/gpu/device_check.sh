#!/usr/bin/env bash
# The whole GPU check (issues 10, 11, 13 and 27) as one script, for a lent GPU host that has
# CUDA, cuBLAS, cuDNN, NCCL and PyTorch but none of this project's Debian libraries.
#
# Here (the development machine, CUDA toolkit installed):
#   bench/gpu/pack.sh                  builds with CUDA, packs into gpu-pack/ (ignored by git)
# There (from the repository root; the device tool carries gpu-pack/), one call:
#   bench/gpu/device_check.sh gpu-pack "$OUT"           (timeout_s 560; DEADLINE_S 500)
#   ONLY=host bench/gpu/device_check.sh gpu-pack "$OUT" (a second call: the CPU table alone)
#
# Sized to the device tool: at most 8 files come back from $OUT, at most 600 s a command. So the
# logs go to a work folder and come back as one logs.tar.gz; $OUT holds only summary.txt,
# logs.tar.gz, speed.jsonl and host_scaling.md. Every step runs under its own short limit and
# under the deadline (DEADLINE_S seconds from the start, RESERVE_S kept for packing the logs): a
# step that would pass it is skipped and says so. The GPU steps come first:
#   0. the programs load: ldd on each; the CUDA runtime, cuBLAS, cuDNN and NCCL found in the
#      system's folders, CUDA's, or a Python venv's nvidia/*/lib (pip wheels), which is said;
#      mpirun looked for (without it the 2-rank steps are skipped, saying so);
#   1. the machine: nvidia-smi, latent --version;
#   2. the CUDA op tests (every op against the reference, strict FP32; the CUDA backend's own
#      tests; host staging), with CUDA_LAUNCH_BLOCKING=1 so a kernel fault is named where it
#      happens;
#   3. parity: the MLP VAE 50 steps on cuda and cpu from one seed, the GPU checkpoint evaluated
#      on the CPU, 1 rank with --comm nccl, 2 ranks on one GPU with --comm mpi and with the
#      default (NCCL, which must fall back to MPI when ranks outnumber GPUs);
#   4. speed: latent --device cuda and the PyTorch peers (eager, CUDA graph) on the MLP VAE and
#      the DCGAN at batch 128 and 1024, one JSON line each in speed.jsonl;
#   5. the op tests once more under compute-sanitizer (memcheck), if time is left;
#   6. the host's CPU cores (host_cpu_scaling.sh: threads for issue 13, 1-16 ranks for issue 11),
#      last, with what time is left (ONLY=host gives it a call of its own).
# Where no GPU is usable (a dry run here), the tests skip saying why and latent refuses
# --device cuda with its reason; DRY_PEER=cpu runs the peers on the CPU, SPEED_STEPS=3 shortens
# every speed run, MAX_CPUS bounds step 6; PYTHON names the interpreter that has PyTorch.
set -uo pipefail
pack=${1:?usage: device_check.sh PACK_DIR OUT_DIR}
out=${2:?usage: device_check.sh PACK_DIR OUT_DIR}
here="$(cd "$(dirname "$0")" && pwd)"
deadline=${DEADLINE_S:-500}
reserve=${RESERVE_S:-15}
mkdir -p "$out"
work=$(mktemp -d /tmp/latent-device-check.XXXXXX)
logs="$work/logs"
mkdir -p "$logs"
summary="$out/summary.txt"
: > "$summary"
say() { echo "$*" | tee -a "$summary"; }
step() { say "== $(date +%T) +${SECONDS}s $*"; }
# t LIMIT COMMAND...: under LIMIT seconds, or what is left before the deadline; status 124 when
# it ran out, 125 (and a line in the summary) when too little time was left to start it.
t() {
  local limit=$1 left=$((deadline - reserve - SECONDS))
  shift
  [ "$left" -lt "$limit" ] && limit=$left
  if [ "$limit" -lt 5 ]; then
    say "skipped (deadline): $*"
    return 125
  fi
  timeout -k 5 "$limit" "$@"
}
finish() {
  tar czf "$out/logs.tar.gz" -C "$work" logs
  say "== done after ${SECONDS}s (deadline ${deadline}s); every log in logs.tar.gz"
}
trap finish EXIT
# gtest's verdict lines: the counts and each failed test.
verdicts() { grep -E '^\[  (PASSED|SKIPPED|FAILED) +\] [0-9]+ tests?|^\[  FAILED  \] [^0-9]' "$1" | sort -u | head -n 20; }
# A run's outcome: its last metrics row, or else latent's first message (its refusal), or else
# the last line it printed.
outcome() {
  tail -n 1 "$1" 2>/dev/null || grep -m 1 '^latent: ' "$2" || tail -n 1 "$2"
}

step "0. programs, libraries, launcher"
lib="$work/lib"
mkdir -p "$lib"
tar xJf "$pack/lib.tar.xz" -C "$lib"
export LD_LIBRARY_PATH="$lib:${LD_LIBRARY_PATH:-}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
bin=$(cd "$pack/bin" && pwd)
L="$bin/latent"
data="$bin/mnist.h5"
programs=("$L" "$bin/runtime_tests")
py=${PYTHON:-python3}
not_found() { for p in "${programs[@]}"; do ldd "$p" 2>/dev/null | awk '/not found/ {print $1}'; done | sort -u; }
# Where the host may keep NVIDIA's libraries: the system, the CUDA toolkit, pip's wheels.
folders=(/usr/lib/x86_64-linux-gnu /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib
  /usr/local/cuda-*/lib64 /usr/local/cuda-*/targets/x86_64-linux/lib)
for site in $("$py" -c 'import site; print(" ".join(site.getsitepackages() + [site.getusersitepackages()]))' 2>/dev/null); do
  folders+=("$site"/nvidia/*/lib)
done
for name in $(not_found); do
  where=""
  for d in "${folders[@]}"; do
    [ -e "$d/$name" ] && { where=$d; break; }
  done
  if [ -n "$where" ]; then
    export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$where"
    say "library $name: taken from $where"
  fi
done
ldd "$L" | grep -E 'libcuda|libcublas|libcudnn|libnccl' | sed 's/^\s*/  /' | tee -a "$summary"
missing=$(not_found | tr '\n' ' ')
gpu_ok=1
if [ -n "$missing" ]; then
  gpu_ok=0
  say "NOT FOUND: $missing(looked in ${folders[*]}); the steps that run latent are skipped"
fi
mpirun=$(command -v mpirun || true)
if [ -n "$mpirun" ]; then
  say "mpirun: $mpirun ($("$mpirun" --version 2>/dev/null | head -n 1))"
else
  say "mpirun: none on this host; the 2-rank steps are skipped"
fi
two_ranks() { [ -n "$mpirun" ] && [ "$gpu_ok" = 1 ]; }

if [ "${ONLY:-}" != host ]; then
  step "1. the machine"
  t 20 nvidia-smi > "$logs/nvidia-smi.txt" 2>&1
  t 20 nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 |
    sed 's/^/  gpu: /' | tee -a "$summary"
  [ "$gpu_ok" = 1 ] && t 20 "$L" --version 2>&1 | sed 's/^/  /' | tee -a "$summary"

  step "2. CUDA op tests (CUDA_LAUNCH_BLOCKING=1)"
  if [ "$gpu_ok" = 1 ]; then
    CUDA_LAUNCH_BLOCKING=1 OMP_NUM_THREADS=4 t 150 "$bin/runtime_tests" \
      --gtest_filter='*cuda*:*Cuda*:HostStaging.*' > "$logs/runtime_tests_cuda.txt" 2>&1
    say "  exit $?"
    verdicts "$logs/runtime_tests_cuda.txt" | sed 's/^/  /' | tee -a "$summary"
  fi

  step "3. parity"
  if [ "$gpu_ok" = 1 ]; then
    for device in cpu cuda; do
      t 60 "$L" train --device "$device" --data "$data" --model vae --max-steps 50 --seed 7 \
        --threads 4 --out "$work/vae-$device" > "$logs/parity-train-$device.txt" 2>&1
      say "  $device: exit $? $(outcome "$work/vae-$device/metrics.jsonl" "$logs/parity-train-$device.txt")"
    done
    for which in cuda cpu; do
      t 30 "$L" eval --device cpu --checkpoint "$work/vae-$which/checkpoint.h5" --data "$data" \
        > "$logs/parity-eval-$which-checkpoint-on-cpu.txt" 2>&1
      say "  the $which checkpoint evaluated on the cpu: exit $? $(tail -n 1 "$logs/parity-eval-$which-checkpoint-on-cpu.txt")"
    done
    t 60 "$L" train --device cuda --comm nccl --data "$data" --model vae --max-steps 50 --seed 7 \
      --threads 4 --out "$work/vae-nccl-1rank" > "$logs/parity-nccl-1rank.txt" 2>&1
    say "  1 rank, --comm nccl: exit $? $(outcome "$work/vae-nccl-1rank/metrics.jsonl" "$logs/parity-nccl-1rank.txt")"
    # bf16 (issue 24): the GPU's bf16 (cuBLAS, cuDNN) against the CPU's (oneDNN) from one seed,
    # an MLP VAE and a DCGAN; their losses should agree within bf16's rounding, not bitwise.
    for model in vae dcgan; do
      kind=vae arch=mlp
      [ "$model" = dcgan ] && kind=gan arch=conv
      for device in cpu cuda; do
        t 90 "$L" train --device "$device" --precision bf16 --data "$data" --model "$kind" \
          --arch "$arch" --max-steps 30 --seed 7 --threads 4 --log-every 10 \
          --out "$work/bf16-$model-$device" > "$logs/parity-bf16-$model-$device.txt" 2>&1
        say "  bf16 $model $device: exit $? $(outcome "$work/bf16-$model-$device/metrics.jsonl" "$logs/parity-bf16-$model-$device.txt")"
      done
    done
  fi
  if two_ranks; then
    for comm in mpi default; do
      flag=(--comm "$comm")
      [ "$comm" = default ] && flag=()
      t 60 "$mpirun" -np 2 -x LD_LIBRARY_PATH "$L" train --device cuda "${flag[@]}" \
        --data "$data" --model vae --max-steps 50 --seed 7 --batch 64 --threads 4 \
        --out "$work/vae-2ranks-$comm" > "$logs/parity-2ranks-$comm.txt" 2>&1
      say "  2 ranks on the GPU(s), comm $comm: exit $? $(outcome "$work/vae-2ranks-$comm/metrics.jsonl" "$logs/parity-2ranks-$comm.txt")"
      grep -m 2 -E 'note|falls back|error' "$logs/parity-2ranks-$comm.txt" | sed 's/^/    /' | tee -a "$summary"
    done
  fi

  step "4. speed"
  peer_device=${DRY_PEER:-cuda}
  for model in vae dcgan; do
    arch=mlp kind=vae
    [ "$model" = dcgan ] && arch=conv kind=gan
    for batch in 128 1024; do
      steps=400
      [ "$batch" = 1024 ] && steps=150
      steps=${SPEED_STEPS:-$steps}
      # fp32 (strict), tf32 (--tf32) and bf16 (--precision bf16), each side (issue 24)
      for precision in fp32 tf32 bf16; do
        flags=(--precision "$precision")
        [ "$precision" = tf32 ] && flags=(--precision fp32 --tf32 true)
        if [ "$gpu_ok" = 1 ]; then
          t 60 "$L" train --device cuda --data "$data" --model "$kind" --arch "$arch" --batch "$batch" \
            --max-steps "$steps" --threads 4 --checkpoint-every 0 --log-every 10 "${flags[@]}" \
            --out "$work/speed-$model-$batch-$precision" \
            > "$logs/speed-latent-$model-$batch-$precision.txt" 2>&1
          # samples/s over the second half of the rows (after warm-up), from the metrics log: a
          # row's rate is wall time between logs (step_s on a GPU is only the time to queue a
          # step, which does not wait for the GPU); host_waits should be 1 per row
          "$py" - "$work/speed-$model-$batch-$precision/metrics.jsonl" "$model" "$batch" "$precision" \
            >> "$out/speed.jsonl" <<'PY'
import json, sys
path, model, batch, precision = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
try:
    rows = [json.loads(l) for l in open(path) if '"step_s"' in l]
except OSError:
    rows = []
late = rows[len(rows) // 2:]
rate = sum(r["samples_per_s"] for r in late) / max(len(late), 1)
waits = max((r.get("host_waits", 0) for r in rows), default=None)
print(json.dumps({"peer": "latent", "model": model, "mode": "eager", "precision": precision,
                  "batch": batch, "samples_per_s": rate if late else None,
                  "ms_per_step": 1000 * batch / rate if late and rate else None, "rows": len(rows),
                  "most_host_waits_per_row": waits}))
PY
        fi
        for mode in eager graph; do
          [ "$peer_device" != cuda ] && [ "$mode" = graph ] && continue
          [ "$precision" = tf32 ] && [ "$mode" = graph ] && continue  # the table's time is short
          t 60 "$py" "$here/torch_gpu_peer.py" --model "$model" --mode "$mode" --batch "$batch" \
            --device "$peer_device" --steps "$steps" --precision "$precision" \
            >> "$out/speed.jsonl" 2>> "$logs/speed-peer-errors.txt"
        done
      done
    done
  done
  sed 's/^/  /' "$out/speed.jsonl" 2>/dev/null | tee -a "$summary"

  step "5. compute-sanitizer (memcheck) over the CUDA op tests"
  sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -n 1)
  if [ "$gpu_ok" = 1 ] && [ -n "$sanitizer" ]; then
    OMP_NUM_THREADS=4 t 150 "$sanitizer" --tool memcheck --error-exitcode 9 "$bin/runtime_tests" \
      --gtest_filter='*cuda*:*Cuda*' > "$logs/memcheck.txt" 2>&1
    say "  exit $? (9: memcheck found errors); $(grep -m 1 'ERROR SUMMARY' "$logs/memcheck.txt")"
  else
    say "  not run: ${sanitizer:-no compute-sanitizer on this host}"
  fi
fi

step "6. the host's CPU cores: threads (issue 13) and ranks (issue 11)"
if [ "$gpu_ok" = 1 ]; then
  t $((deadline - reserve - SECONDS)) "$here/host_cpu_scaling.sh" "$L" "$data" "$logs/host-cpu" \
    > "$logs/host-cpu.txt" 2>&1
  say "  exit $?"
  cp "$logs/host-cpu/host_scaling.md" "$out/" 2>/dev/null && cat "$out/host_scaling.md" >> "$summary" ||
    say "  no table (cut by the deadline?): the runs made are in logs/host-cpu/host_scaling.jsonl"
fi
