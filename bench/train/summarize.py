#!/usr/bin/python3
"""Helper of bench/train/run.sh: turns each run into one JSON line, and the lines into a table.

  summarize.py latent-row --kind vae|dcgan --seed S --dir RUN --stdout FILE --eval JSON
                          --wall T0 T1 --loadavg L          -> one JSON line on stdout
  summarize.py peer-row --kind vae|dcgan --loadavg L < peer's JSON line -> one JSON line
  summarize.py table results.jsonl                           -> markdown summary

Throughput figures, both sides alike: `samples_per_s` = training samples / seconds spent in the
training loops (forward, backward, optimiser step, fetching the batch; not evaluation, not the
per-epoch PNG grids, not checkpoints, not start-up); `median_epoch` = median of the per-epoch
rates; the table also shows the best epoch (least disturbed by neighbours). For latent they come from metrics.jsonl: with --log-every above the steps of an epoch,
there is one row per epoch, and its samples_per_s covers exactly that epoch's training steps
(the trainer restarts its clock after the grids). `trained_line_samples_per_s` is latent's own
stdout figure (`trained ...: N steps in T s (X samples/s)`), whose T also includes the
per-epoch grid PNGs and the final checkpoint.
"""
import argparse
import json
import re
import statistics
import sys


def latent_row(a):
    batch = 128
    with open(a.dir + "/config.ini") as f:
        for line in f:
            m = re.match(r"\s*batch\s*=\s*(\d+)", line)
            if m:
                batch = int(m.group(1))
    rows = []
    with open(a.dir + "/metrics.jsonl") as f:
        for line in f:
            r = json.loads(line)
            if "split" in r or "phase" in r:
                continue
            rows.append(r)
    per_epoch = {}  # epoch -> [samples, seconds]
    prev = 0
    for r in rows:
        samples = (r["step"] - prev) * batch
        prev = r["step"]
        e = per_epoch.setdefault(r["epoch"], [0, 0.0])
        e[0] += samples
        e[1] += samples / r["samples_per_s"]
    samples = sum(v[0] for v in per_epoch.values())
    seconds = sum(v[1] for v in per_epoch.values())
    epoch_rates = [round(v[0] / v[1], 1) for _, v in sorted(per_epoch.items())]
    trained = None
    with open(a.stdout) as f:
        for line in f:
            m = re.match(r"trained \S+: (\d+) steps in ([\d.]+) s \(([\d.]+) samples/s\)", line)
            if m:
                trained = {"steps": int(m.group(1)), "seconds": float(m.group(2)),
                           "samples_per_s": float(m.group(3))}
    last = rows[-1]
    keys = ("loss", "recon", "kl") if "vae" in a.kind else ("loss_d", "loss_g", "d_real", "d_fake", "d_acc")
    out = {
        "bench": a.kind, "impl": "latent", "seed": a.seed, "run": a.dir,
        "steps": last["step"], "batch": batch,
        "train_samples": samples, "train_seconds": round(seconds, 3),
        "samples_per_s": round(samples / seconds, 1),
        "median_epoch": round(statistics.median(epoch_rates), 1),
        "epoch_rates": epoch_rates,
        "trained_line_samples_per_s": trained["samples_per_s"] if trained else None,
        "process_wall_s": round(float(a.wall[1]) - float(a.wall[0]), 2),
        "final": {k: round(last[k], 4) for k in keys if k in last},  # means over the last epoch
        "loadavg_before": a.loadavg,
    }
    if a.eval and a.eval != "null":
        out["test"] = {k: (round(v, 6) if isinstance(v, float) else v) for k, v in json.loads(a.eval).items()}
    print(json.dumps(out))


def peer_row(a):
    line = sys.stdin.read().strip().splitlines()
    if not line:
        sys.exit("summarize.py: the peer printed nothing (see its .stderr file)")
    p = json.loads(line[-1])
    if a.kind == "vae":  # vae_mnist.py; dcgan_mnist.py and peer/conv_images.py report alike
        rate, med = p["train_samples_per_s"], p["train_samples_per_s_median_epoch"]
        rates = [round(p["train_samples"] / p["epochs"] / t, 1) for t in p["epoch_seconds"]]
    else:
        rate, med = p["samples_per_s"], p["samples_per_s_median_epoch"]
        rates = [e["samples_per_s"] for e in p["epochs_log"]]
    out = {
        "bench": a.kind, "impl": "pytorch", "seed": p["seed"], "steps": p["steps"], "batch": p["batch"],
        "train_samples": p["train_samples"], "train_seconds": p["train_seconds"],
        "samples_per_s": rate, "median_epoch": med, "epoch_rates": rates,
        "loadavg_before": a.loadavg, "peer": p,
    }
    if a.kind == "vae":
        out["test"] = p["test"]
        out["final"] = {"loss": p["epoch_train_loss"][-1]}
    else:
        out["final"] = p["final"]
    print(json.dumps(out))


def fmt(v, d=1):
    return "-" if v is None else f"{v:,.{d}f}"


def table(a):
    runs = [json.loads(l) for l in open(a.results) if l.strip()]
    by = {}
    for r in runs:
        by.setdefault((r["bench"], r["seed"]), {})[r["impl"]] = r
    out = []
    vae = sorted((s, v) for (b, s), v in by.items() if b == "vae" and len(v) == 2)
    if vae:
        out.append("### VAE 784-400-20, 10 epochs, batch 128, drop_last (620 steps), 1 thread\n")
        out.append("| seed | held-out loss latent (1 ε) | PyTorch (1 ε) | PyTorch (z=μ) | KL latent / PyTorch "
                   "| latent mse/pixel (z=μ) | samples/s latent | PyTorch | ratio | median-epoch latent | PyTorch | ratio "
                   "| best-epoch latent | PyTorch | ratio | latent `trained` line |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        rat, ratm, ratb, ll, lp = [], [], [], [], []
        for s, v in vae:
            L, P = v["latent"], v["pytorch"]
            r = L["samples_per_s"] / P["samples_per_s"]
            rm = L["median_epoch"] / P["median_epoch"]
            rb = max(L["epoch_rates"]) / max(P["epoch_rates"])
            ratb.append(rb)
            rat.append(r), ratm.append(rm), ll.append(L["test"]["loss"]), lp.append(P["test"]["loss_sampled"])
            out.append(f"| {s} | {L['test']['loss']:.2f} | {P['test']['loss_sampled']:.2f} | {P['test']['loss_mu']:.2f} "
                       f"| {L['test']['kl']:.2f} / {P['test']['kl']:.2f} | {L['test']['mse_per_pixel']:.5f} "
                       f"| {fmt(L['samples_per_s'], 0)} | {fmt(P['samples_per_s'], 0)} | {r:.2f} "
                       f"| {fmt(L['median_epoch'], 0)} | {fmt(P['median_epoch'], 0)} | {rm:.2f} "
                       f"| {fmt(max(L['epoch_rates']), 0)} | {fmt(max(P['epoch_rates']), 0)} | {rb:.2f} "
                       f"| {fmt(L['trained_line_samples_per_s'], 0)} |")
        out.append(f"| mean | {statistics.mean(ll):.2f} | {statistics.mean(lp):.2f} | | | "
                   f"| | | {statistics.mean(rat):.2f} | | | {statistics.mean(ratm):.2f} | | | {statistics.mean(ratb):.2f} | |")
        out.append("")
    gan = sorted((s, v) for (b, s), v in by.items() if b == "dcgan" and len(v) == 2)
    if gan:
        steps = gan[0][1]["latent"]["steps"]
        out.append(f"### DCGAN, batch 128, latent 64, drop_last ({steps} rounds), 1 thread; losses = means over the last epoch\n")
        out.append("| seed | impl | loss_d | loss_g | D(x) | D(G(z)) | d_acc | samples/s | median-epoch samples/s | best-epoch samples/s |")
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        rat, ratm, ratb = [], [], []
        for s, v in gan:
            for impl in ("latent", "pytorch"):
                R = v[impl]
                f = R["final"]
                out.append(f"| {s} | {impl} | {f['loss_d']:.3f} | {f['loss_g']:.3f} | {f['d_real']:.3f} | {f['d_fake']:.3f} "
                           f"| {f['d_acc']:.3f} | {fmt(R['samples_per_s'])} | {fmt(R['median_epoch'])} | {fmt(max(R['epoch_rates']))} |")
            rat.append(v["latent"]["samples_per_s"] / v["pytorch"]["samples_per_s"])
            ratm.append(v["latent"]["median_epoch"] / v["pytorch"]["median_epoch"])
            ratb.append(max(v["latent"]["epoch_rates"]) / max(v["pytorch"]["epoch_rates"]))
        out.append("")
        out.append("DCGAN throughput ratio latent / PyTorch per seed: "
                   + ", ".join(f"{r:.2f}" for r in rat) + " (median-epoch: " + ", ".join(f"{r:.2f}" for r in ratm)
                   + "; best-epoch: " + ", ".join(f"{r:.2f}" for r in ratb) + ")")
        out.append("")
    print("\n".join(out))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    l = sub.add_parser("latent-row")
    l.add_argument("--kind", required=True)
    l.add_argument("--seed", type=int, required=True)
    l.add_argument("--dir", required=True)
    l.add_argument("--stdout", required=True)
    l.add_argument("--eval", default="null")
    l.add_argument("--wall", nargs=2, required=True)
    l.add_argument("--loadavg", default="")
    p = sub.add_parser("peer-row")
    p.add_argument("--kind", required=True)
    p.add_argument("--loadavg", default="")
    t = sub.add_parser("table")
    t.add_argument("results")
    a = ap.parse_args()
    {"latent-row": latent_row, "peer-row": peer_row, "table": table}[a.cmd](a)


if __name__ == "__main__":
    main()
