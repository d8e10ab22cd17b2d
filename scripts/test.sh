#!/usr/bin/env bash
# Sets up if needed, then runs the whole test suite; exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh
# One oneDNN thread per test process; ctest runs two processes on a 2-core machine.
export OMP_NUM_THREADS=1
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 600
