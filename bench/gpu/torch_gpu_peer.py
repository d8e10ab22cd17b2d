#!/usr/bin/env python3
"""PyTorch peers of latent on one GPU (issue 10's benchmark): the MLP VAE 784-400-20 and the
DCGAN of bench/peer/ (same layers, losses and Adam settings), data already on the device, in two
modes:
  eager   the plain training step, one kernel launch per op;
  graph   the whole step captured once as a CUDA graph and replayed (the pattern of PyTorch's
          CUDA-graphs documentation: static input buffers, a warm-up on a side stream, Adam with
          capturable=True; the VAE's noise is drawn inside the graph).
--precision fp32 (the default) is strict FP32 (TF32 off for matmuls and cuDNN), as latent runs
by default; tf32 allows TF32 in both (latent's --tf32); bf16 runs each step under
torch.autocast to bf16 (latent's --precision bf16). Prints one JSON line per run:
model, mode, batch, samples_per_s (after --warmup steps, over --steps steps, timed with CUDA
events around the whole loop), ms_per_step, the GPU's name and the torch/CUDA/cuDNN versions.
Data: --data FILE.npy (float32 [N, 784] in [0, 1], e.g. bench/gpu/mnist_npy.py's output), else
uniform noise of the same shape (the step's cost does not depend on the pixel values).
`--device cpu` runs the eager mode on the CPU (a dry run of this script where no GPU is)."""
import argparse
import json
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", choices=["vae", "dcgan"], required=True)
    ap.add_argument("--mode", choices=["eager", "graph"], default="eager")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--data", default=None)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--precision", choices=["fp32", "tf32", "bf16"], default="fp32")
    return ap.parse_args()


def vae(torch, nn, F):
    L = 20
    enc = nn.Sequential(nn.Linear(784, 400), nn.ReLU(), nn.Linear(400, 2 * L))
    dec = nn.Sequential(nn.Linear(L, 400), nn.ReLU(), nn.Linear(400, 784))
    modules = [enc, dec]
    params = list(enc.parameters()) + list(dec.parameters())

    def make_optimizers(capturable):
        return [torch.optim.Adam(params, lr=1e-3, capturable=capturable)]

    def step(x, opts):
        h = enc(x)
        mu, logvar = h[:, :L], h[:, L:]
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        recon = F.binary_cross_entropy_with_logits(dec(z), x, reduction="sum")
        kl = -0.5 * (1.0 + logvar - mu.pow(2) - logvar.exp()).sum()
        loss = (recon + kl) / x.shape[0]
        opts[0].zero_grad(set_to_none=False)
        loss.backward()
        opts[0].step()
        return loss.detach()

    return modules, make_optimizers, step


def dcgan(torch, nn, F):
    latent = 64
    G = nn.Sequential(
        nn.Linear(latent, 128 * 7 * 7), nn.BatchNorm1d(128 * 7 * 7), nn.ReLU(),
        nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Sigmoid())
    D = nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1))
    modules = [G, D]

    def make_optimizers(capturable):
        return [torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999), capturable=capturable),
                torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999), capturable=capturable)]

    def step(x, opts):
        opt_d, opt_g = opts
        n = x.shape[0]
        fake = G(torch.randn(n, latent, device=x.device)).flatten(1)
        ones = torch.ones(n, 1, device=x.device)
        zeros = torch.zeros(n, 1, device=x.device)
        loss_d = (F.binary_cross_entropy_with_logits(D(x), ones) +
                  F.binary_cross_entropy_with_logits(D(fake.detach()), zeros))
        opt_d.zero_grad(set_to_none=False)
        loss_d.backward()
        opt_d.step()
        loss_g = F.binary_cross_entropy_with_logits(D(fake), ones)
        opt_g.zero_grad(set_to_none=False)
        loss_g.backward()
        opt_g.step()
        return loss_d.detach() + loss_g.detach()

    return modules, make_optimizers, step


def main():
    a = parse_args()
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.manual_seed(a.seed)
    dev = torch.device(a.device)
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = a.precision == "tf32"
        torch.backends.cudnn.allow_tf32 = a.precision == "tf32"
        torch.backends.cudnn.benchmark = True
    if a.mode == "graph" and dev.type != "cuda":
        sys.exit("torch_gpu_peer: --mode graph needs --device cuda")

    if a.data:
        import numpy as np
        data = torch.from_numpy(np.load(a.data).astype("float32")).to(dev)
    else:
        data = torch.rand(10000, 784, device=dev)
    n = data.shape[0]

    modules, make_optimizers, step = (vae if a.model == "vae" else dcgan)(torch, nn, F)
    for m in modules:
        m.to(dev).train()
    opts = make_optimizers(a.mode == "graph")
    if a.precision == "bf16":  # the whole step under autocast (a graph captures it as well)
        plain_step = step

        def step(x, opts):
            with torch.autocast(dev.type, dtype=torch.bfloat16, cache_enabled=False):
                return plain_step(x, opts)

    # Batches are drawn on the device from a fixed permutation: no host work in the loop.
    order = torch.randperm(n, device=dev)
    batches = max(1, n // a.batch)

    def batch_at(i):
        k = (i % batches) * a.batch
        return data[order[k:k + a.batch]]

    if a.mode == "eager":
        def run(i):
            return step(batch_at(i), opts)
    else:
        static_x = batch_at(0).clone()
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                step(static_x, opts)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            static_loss = step(static_x, opts)

        def run(i):
            static_x.copy_(batch_at(i))
            graph.replay()
            return static_loss

    for i in range(a.warmup):
        loss = run(i)
    if dev.type == "cuda":
        torch.cuda.synchronize()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
    t0 = time.perf_counter()
    for i in range(a.steps):
        loss = run(a.warmup + i)
    if dev.type == "cuda":
        end.record()
        torch.cuda.synchronize()
        seconds = start.elapsed_time(end) / 1000.0
    else:
        seconds = time.perf_counter() - t0
    final_loss = float(loss)

    result = {
        "peer": "pytorch", "model": a.model, "mode": a.mode, "precision": a.precision,
        "batch": a.batch, "steps": a.steps,
        "samples_per_s": a.steps * a.batch / seconds, "ms_per_step": 1000.0 * seconds / a.steps,
        "final_loss": final_loss, "device": a.device,
        "gpu": torch.cuda.get_device_name(dev) if dev.type == "cuda" else None,
        "torch": torch.__version__, "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version() if dev.type == "cuda" else None,
        "data": a.data or "uniform noise", "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
