#!/usr/bin/python3
"""Writes the fixed 8,000 / 2,000 MNIST split (bench/peer/mnist_split.py) as two latent
datasets, OUT/train.h5 and OUT/test.h5: /images (N, 1, 28, 28) float32 in [0, 1], /labels (N)
int32. Usage: write_split.py OUT_DIR"""
import os
import sys

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peer"))
import mnist_split  # noqa: E402


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    x_tr, y_tr, x_te, y_te = mnist_split.load_split()
    for name, x, y in (("train", x_tr, y_tr), ("test", x_te, y_te)):
        with h5py.File(os.path.join(out, name + ".h5"), "w") as f:
            f.create_dataset("images", data=x.reshape(-1, 1, 28, 28), chunks=(256, 1, 28, 28))
            f.create_dataset("labels", data=y.astype("int32"))


if __name__ == "__main__":
    main()
