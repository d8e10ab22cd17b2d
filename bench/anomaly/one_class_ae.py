#!/usr/bin/python3
"""PyTorch peer of bench/anomaly/run.sh: per MNIST digit d, train the same autoencoder as
`latent train --config launch/configs/ae.ini` (784-400-32, ReLU, linear code, decoder
32-400-784 on logits, BCE summed over pixels and averaged over the batch, Adam lr 1e-3,
batch 128) on the training split's digits d only, score every test digit by its summed BCE
(`latent anomaly`'s score) and report the AUROC of "not d" against "d" (ties counted one half).
Prints one JSON object on stdout.

    /usr/bin/python3 bench/anomaly/one_class_ae.py [--epochs 30] [--threads 1] [--seed 0]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peer"))
import common  # noqa: E402


def auroc(scores, positive):
    """Mann-Whitney U with mid-ranks: P(anomaly scores above normal), ties one half."""
    import numpy as np
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        ranks[order[i:j]] = 0.5 * (i + 1 + j)
        i = j
    p = positive.sum()
    n = len(scores) - p
    return float((ranks[positive].sum() - p * (p + 1) / 2) / (p * n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch = common.start_torch(args.threads)
    import numpy as np
    import torch.nn as nn
    import mnist_split

    x_tr, y_tr, x_te, y_te = mnist_split.load_split()
    x_te_t = torch.from_numpy(x_te)
    result = {"framework": "pytorch", "model": "ae 784-400-32 bce", "epochs": args.epochs,
              "batch": args.batch, "auroc": {}, "seconds": {}}
    for d in range(10):
        torch.manual_seed(args.seed + d)
        x = torch.from_numpy(x_tr[y_tr == d])
        enc = nn.Sequential(nn.Linear(784, 400), nn.ReLU(), nn.Linear(400, 32))
        dec = nn.Sequential(nn.Linear(32, 400), nn.ReLU(), nn.Linear(400, 784))
        params = list(enc.parameters()) + list(dec.parameters())
        opt = torch.optim.Adam(params, lr=args.lr)
        bce = nn.BCEWithLogitsLoss(reduction="none")
        start = time.time()
        for _ in range(args.epochs):
            perm = torch.randperm(x.shape[0])
            for i in range(0, x.shape[0] - args.batch + 1, args.batch):  # drop_last, as latent
                xb = x[perm[i:i + args.batch]]
                loss = bce(dec(enc(xb)), xb).sum(1).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
        with torch.no_grad():
            score = bce(dec(enc(x_te_t)), x_te_t).sum(1).numpy().astype(np.float64)
        result["auroc"][str(d)] = round(auroc(score, y_te != d), 4)
        result["seconds"][str(d)] = round(time.time() - start, 2)
        common.log("pytorch digit %d: auroc %.4f (%.1f s)" % (d, result["auroc"][str(d)],
                                                             time.time() - start))
    result["mean_auroc"] = round(float(np.mean(list(result["auroc"].values()))), 4)
    result["env"] = common.environment(torch, args.threads)
    import json
    print(json.dumps(result))


if __name__ == "__main__":
    main()
