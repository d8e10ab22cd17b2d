#!/usr/bin/python3
"""PyTorch peer of latent's convolutional models on images of any shape (issue 23):

  --model dcgan: latent train --model gan --arch conv (launch/configs/dcgan-images.ini)
  --model vae:   latent train --model vae --arch conv (launch/configs/conv-vae.ini)

The networks are latent's (models/architectures.cpp), for k = len(widths) layers on (C, H, W):
  encoder / D: [Conv2d(c, w_i, 4, 2, 1) + act] for each width, Flatten, Linear(w_k*h_k*w_k, out)
               (h_k = H halved k times, rounded down); act LeakyReLU(0.2) in D, ReLU in the VAE
  decoder / G: Linear(z, w_k*h0*w0) [+ BatchNorm1d in G] + ReLU, view (w_k, h0, w0) with
               h0 = ceil(H / 2^k), [ConvTranspose2d(w_i, w_(i-1), 4, 2, 1) [+ BatchNorm2d in G]
               + ReLU] down the widths, ConvTranspose2d(w_1, C, 4, 2, 1), a centred crop to
               (H, W) when the sides do not halve evenly; G ends in a Sigmoid, the VAE's decoder
               gives logits
  widths default as latent's: 64, 128, ... (at most 512), one layer per halving of the smaller
  side while it stays >= 4 (28: 64,128; 32: 64,128,256; 64: 64,...,512)
Training as the other peers: DCGAN one D step (BCE on real and fake) then one G step
(non-saturating) per batch, Adam(2e-4, (0.5, 0.999)); VAE sum-over-pixels BCE-with-logits + KL,
mean over the batch, Adam(1e-3). Each epoch a fresh torch.randperm order; --drop-last.
Data: latent's dataset layout (/images, uint8 scaled to [0, 1] or float), read whole into memory.
Reported as dcgan_mnist.py does (the median epoch as statistics.median, as latent's rows) (one JSON line: samples_per_s, samples_per_s_median_epoch,
epochs_log, final, env), training loops only.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def default_widths(h, w):
    side, layers = min(h, w), 0
    while side // 2 >= 4:
        side //= 2
        layers += 1
    return [min(512, 64 << i) for i in range(max(layers, 1))]


def main():
    ap = argparse.ArgumentParser(description="PyTorch conv DCGAN / VAE on an HDF5 image dataset")
    ap.add_argument("--model", choices=("dcgan", "vae"), required=True)
    ap.add_argument("--data", required=True, help="HDF5 file in latent's layout (/images)")
    ap.add_argument("--widths", default="", help="conv widths (default: latent's rule)")
    ap.add_argument("--latent", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--amp", action="store_true", help="forward passes under torch.autocast to bf16")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--blas-threads", type=int, default=0)
    ap.add_argument("--drop-last", action="store_true")
    a = ap.parse_args()
    torch = common.start_torch(a.threads, a.seed, a.blas_threads or a.threads)
    import h5py
    import numpy as np
    import torch.nn as nn
    import torch.nn.functional as F

    with h5py.File(a.data, "r") as f:
        raw = f["images"][:]
    x_all = torch.from_numpy(raw.astype(np.float32) / (255.0 if raw.dtype == np.uint8 else 1.0))
    n, C, H, W = x_all.shape
    widths = [int(v) for v in a.widths.split(",")] if a.widths else default_widths(H, W)
    k = len(widths)
    latent = a.latent
    h0, w0 = -(-H // (1 << k)), -(-W // (1 << k))
    hk, wk = H >> k, W >> k
    gan = a.model == "dcgan"

    def encoder(out_features, act):
        layers, c = [], C
        for w in widths:
            layers += [nn.Conv2d(c, w, 4, 2, 1), act()]
            c = w
        return nn.Sequential(*layers, nn.Flatten(), nn.Linear(c * hk * wk, out_features))

    class Crop(nn.Module):
        def forward(self, t):
            dy, dx = (t.shape[2] - H) // 2, (t.shape[3] - W) // 2
            return t[:, :, dy:dy + H, dx:dx + W]

    def decoder(bn):
        top = widths[-1]
        layers = [nn.Linear(latent, top * h0 * w0)]
        if bn:
            layers.append(nn.BatchNorm1d(top * h0 * w0))
        layers += [nn.ReLU(), nn.Unflatten(1, (top, h0, w0))]
        for i in range(k - 1, 0, -1):
            layers.append(nn.ConvTranspose2d(widths[i], widths[i - 1], 4, 2, 1))
            if bn:
                layers.append(nn.BatchNorm2d(widths[i - 1]))
            layers.append(nn.ReLU())
        layers.append(nn.ConvTranspose2d(widths[0], C, 4, 2, 1))
        if (h0 << k) != H or (w0 << k) != W:
            layers.append(Crop())
        return nn.Sequential(*layers)

    if gan:
        G, D = nn.Sequential(decoder(True), nn.Sigmoid()), encoder(1, lambda: nn.LeakyReLU(0.2))
        opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
        params = sum(p.numel() for p in G.parameters()) + sum(p.numel() for p in D.parameters())
    else:
        E, Dec = encoder(2 * latent, nn.ReLU), decoder(False)
        opt = torch.optim.Adam(list(E.parameters()) + list(Dec.parameters()), lr=1e-3)
        params = sum(p.numel() for p in E.parameters()) + sum(p.numel() for p in Dec.parameters())
    common.log("conv_images: %s on %s, widths %s, %d parameters, threads %d"
               % (a.model, tuple(x_all.shape), widths, params, torch.get_num_threads()))

    epochs_log, train_seconds, samples, steps = [], 0.0, 0, 0
    for ep in range(a.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        acc, cnt = {}, 0
        for s in range(0, n, a.batch):
            idx = perm[s:s + a.batch]
            b = idx.numel()
            if a.drop_last and b < a.batch:
                break
            x = x_all[idx]
            if gan:
                loss_d, loss_g, _, _ = common.dcgan_step(G, D, opt_g, opt_d, x,
                                                         torch.randn(b, latent), a.amp)
                last = {"loss_d": loss_d.item(), "loss_g": loss_g.item()}
            else:
                with common.amp(torch, a.amp):
                    h = E(x).float()
                    mu, logvar = h[:, :latent], h[:, latent:]
                    z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
                    logits = Dec(z).float()
                recon = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / b
                kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / b
                loss = recon + kl
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                last = {"loss": loss.item(), "recon": recon.item(), "kl": kl.item()}
            for key, v in last.items():
                acc[key] = acc.get(key, 0.0) + v * b
            cnt += b
            steps += 1
        dt = time.perf_counter() - t0
        train_seconds += dt
        samples += cnt
        row = {key: round(v / cnt, 4) for key, v in acc.items()}
        row.update(epoch=ep + 1, samples=cnt, samples_per_s=round(cnt / dt, 1))
        epochs_log.append(row)
        common.log("conv_images: epoch %d/%d %s %.1f samples/s" % (ep + 1, a.epochs, row, cnt / dt))

    rates = [r["samples_per_s"] for r in epochs_log]
    print(json.dumps({
        "bench": "conv_images", "impl": "pytorch", "model": a.model,
        "shape": [C, H, W], "widths": widths, "latent": latent, "parameters": params,
        "epochs": len(epochs_log), "batch": a.batch, "seed": a.seed, "steps": steps,
        "drop_last": a.drop_last, "train_samples": samples,
        "train_seconds": round(train_seconds, 3),
        "samples_per_s": round(samples / train_seconds, 1),
        "samples_per_s_median_epoch": round(statistics.median(rates), 1),
        "final": {key: v for key, v in epochs_log[-1].items() if key not in ("epoch", "samples")},
        "epochs_log": epochs_log,
        "env": common.environment(torch, a.threads),
        "amp": a.amp,
    }), flush=True)


if __name__ == "__main__":
    main()
