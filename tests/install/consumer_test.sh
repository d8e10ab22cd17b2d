#!/usr/bin/env bash
# Builds tests/install/consumer, a C++ program that trains an autoencoder with latent's models,
# against the installed CMake package in PREFIX (find_package(latent), latent::models), and runs
# it. About 10 s.
#   consumer_test.sh PREFIX SOURCE_DIR CXX_COMPILER
set -euo pipefail
prefix=$(cd "$1" && pwd) src=$(cd "$2" && pwd) cxx=$3
tmp=$(mktemp -d /tmp/latent-consumer-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
if ! cmake -S "$src/tests/install/consumer" -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" >"$tmp/configure.log" 2>&1; then
  cat "$tmp/configure.log"
  echo "consumer_test: find_package(latent) in $prefix failed" >&2
  exit 1
fi
grep -i "latent" "$tmp/build/CMakeCache.txt" | grep -F "latent_DIR" || true
cmake --build "$tmp/build" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
"$tmp/build/consumer" "$tmp/consumer.h5"
