#!/usr/bin/env bash
# Packs what bench/gpu/device_check.sh runs on a lent GPU host: latent and the test programs,
# built with the CUDA backend (LATENT_CUDA=ON in build/), with the shared libraries the host lacks
# and the MNIST digits, into gpu-pack/ (ignored by git through .git/info/exclude, so the device
# tool carries it). Uses this workplace's ../shared/pack-build.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
packer="$root/../shared/pack-build.sh"
[ -x "$packer" ] || { echo "pack.sh: $packer not found (the workplace's packing tool)" >&2; exit 1; }
[ -d data/mnist-json ] || scripts/fetch_mnist.sh
cmake -S . -B build -DLATENT_CUDA=ON > /dev/null
cmake --build build -j"${JOBS:-2}" --target latent runtime_tests model_tests
grep -qx 'gpu-pack/' .git/info/exclude 2>/dev/null || echo 'gpu-pack/' >> .git/info/exclude
"$packer" gpu-pack build/latent build/tests/runtime_tests build/tests/model_tests -- data
