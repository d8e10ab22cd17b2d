#!/usr/bin/env bash
# Packs what bench/gpu/device_check.sh runs on a lent GPU host into gpu-pack/ (ignored by git
# through .git/info/exclude, so the device tool carries it when named in `carry`): latent and
# runtime_tests (the CUDA op tests), built with the CUDA backend (LATENT_CUDA=ON in build/), the
# shared libraries the host lacks (this workplace's ../shared/pack-build.sh) and the digits as
# one mnist.h5 (about 2 MB; the JSON digits stay here). Well under the tool's 64 MiB.
# SKIP_BUILD=1 packs build/'s programs as they are.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
packer="$root/../shared/pack-build.sh"
[ -x "$packer" ] || { echo "pack.sh: $packer not found (the workplace's packing tool)" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake -S . -B build -DLATENT_CUDA=ON > /dev/null
  cmake --build build -j"${JOBS:-2}" --target latent runtime_tests
fi
scripts/fetch_mnist.sh
digits=$(mktemp -d)
trap 'rm -rf "$digits"' EXIT
build/latent convert --from mnist-json data/mnist-json --out "$digits/mnist.h5" > /dev/null
grep -qx 'gpu-pack/' .git/info/exclude 2>/dev/null || echo 'gpu-pack/' >> .git/info/exclude
"$packer" gpu-pack build/latent build/tests/runtime_tests -- "$digits/mnist.h5"
du -sh gpu-pack/* | sed 's/^/pack.sh: /'
