#!/usr/bin/env python3
"""Project weak-scaling efficiency of `latent train` to 8..1024 ranks from what was measured
here: the 1-rank compute time per update, the gradient sizes, and the allreduce fit.

  project.py --out bench/scaling/out [--batch 128] [--bwd-share 0.667]
             [--ib-alpha-us 2] [--ib-gbps 12.5] [--fast-rank 16]

Model (weak scaling: per-rank batch fixed, so per-rank compute t_c does not change with P):
  each network of a model is one gradient bucket at the default --bucket-mb 25 (every model
  here is < 3 MB of gradients) and is summed by its own allreduce, so per update
    T_comm(P) = sum over networks k of  2(P-1)·alpha + 2(P-1)/P · bytes_k · beta     (ring)
  no overlap:        step(P) = t_c + T_comm(P)
  best-case overlap: step(P) = t_c + max(0, T_comm(P) - f_bwd·t_c)   (hidden behind backward)
  efficiency E(P) = t_c / step(P).
The term that limits: "compute" while E(P) without overlap is >= 0.9 (communication < 10 % of
the step); beyond, the larger of the latency sum 2(P-1)·alpha and the bandwidth sum
2(P-1)/P·bytes·beta.

Inputs (all from OUT, written by run.sh / summarize.py / allreduce_bench):
  t_c        step_s of the 1-rank, 1-thread run at the per-rank batch (summary.json; best rep)
  bytes_k    4 × the length of /optim/<network>/m in that run's checkpoint (info_<model>.txt)
  alpha,beta from allreduce_fit.csv, 2 ranks: the ring model at P=2 is 2·alpha + bytes·beta, so
             alpha = (small-message intercept of MPI_Allreduce)/2, beta = large-message slope.
             Fits on the fastest repetition ("min"): what the shared-memory transport does
             when no one else's process interrupts it.
  f_bwd      backward share of the compute (default 2/3: backward-data + backward-weights
             each cost about a forward in bench_kernels; not measured per model here).
Columns: "local" = those alpha, beta (intra-node shared memory on this 2-core VM, NOT an
interconnect); "IB" = --ib-alpha-us / --ib-gbps (default 2 µs, 12.5 GB/s: one EDR/HDR100
100 Gb/s link); "IB, fast rank" = IB with t_c / --fast-rank (a rank of 16 cores, ideal thread
scaling: a cluster rank computes faster, which makes communication relatively dearer).
Writes OUT/projection.csv and OUT/projection.png (gnuplot) and prints a table.
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys

RANKS = [2, 8, 16, 32, 64, 128, 256, 512, 1024]


def read_fit(path, stat="min"):
    fits = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            fits[(r["op"], r["stat"], r["regime"])] = (float(r["alpha_s"]), float(r["beta_s_per_byte"]))
    return fits


def read_params(path):
    """{network: parameter count} from `latent info` output (the Adam first moments)."""
    nets = {}
    with open(path) as f:
        for line in f:
            m = re.search(r"/optim/([^/\s]+)/m\s+float32\s+\((\d+),\)", line)
            if m:
                nets[m.group(1)] = int(m.group(2))
    return nets


def project(t_c, net_bytes, alpha, beta, f_bwd, P):
    lat = sum(2 * (P - 1) * alpha for _ in net_bytes)
    bw = sum(2 * (P - 1) / P * b * beta for b in net_bytes)
    comm = lat + bw
    e_no = t_c / (t_c + comm)
    e_ov = t_c / (t_c + max(0.0, comm - f_bwd * t_c))
    # compute-bound while communication costs < 10 % (E >= 0.9 without overlap); beyond, the
    # larger of the two communication terms is what limits.
    limiter = "compute" if e_no >= 0.9 else ("latency" if lat > bw else "bandwidth")
    return lat, bw, e_no, e_ov, limiter


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--bwd-share", type=float, default=2 / 3)
    ap.add_argument("--stat", default="min", choices=["min", "median"])
    ap.add_argument("--ib-alpha-us", type=float, default=2.0)
    ap.add_argument("--ib-gbps", type=float, default=12.5)
    ap.add_argument("--fast-rank", type=float, default=16)
    a = ap.parse_args()

    fits = read_fit(os.path.join(a.out, "allreduce_fit.csv"))
    alpha_2 = fits[("allreduce", a.stat, "small")][0]
    beta = fits[("allreduce", a.stat, "large")][1]
    local = (alpha_2 / 2, beta)
    ib = (a.ib_alpha_us * 1e-6, 1 / (a.ib_gbps * 1e9))
    with open(os.path.join(a.out, "summary.json")) as f:
        summary = json.load(f)

    rows = []
    models = []
    for m in ("vae", "dcgan", "ae"):
        c = summary["configs"].get(f"{m}/1x1_b{a.batch}")
        info = os.path.join(a.out, f"info_{m}.txt")
        if not c or not os.path.exists(info):
            continue
        nets = read_params(info)
        if not nets:
            print(f"project: no /optim/*/m in {info}", file=sys.stderr)
            continue
        models.append(m)
        t_c = c["step_s"]
        nbytes = [4 * n for n in nets.values()]
        print(f"\n{m}: t_c = {1e3 * t_c:.2f} ms per update (1 rank, 1 thread, batch {a.batch}); "
              f"gradients {', '.join(f'{k} {v:,} params' for k, v in nets.items())} "
              f"= {sum(nbytes) / 1e6:.2f} MB in {len(nbytes)} allreduces")
        print(f"{'P':>5} | {'local: lat ms':>13} {'bw ms':>7} {'E no-ov':>7} {'E ov':>6} {'limit':>9} | "
              f"{'IB: lat ms':>10} {'bw ms':>7} {'E no-ov':>7} {'E ov':>6} {'limit':>9} | "
              f"{'IB fast rank: E no-ov':>21} {'E ov':>6} {'limit':>9}")
        for P in RANKS:
            lo = project(t_c, nbytes, *local, a.bwd_share, P)
            ibr = project(t_c, nbytes, *ib, a.bwd_share, P)
            fr = project(t_c / a.fast_rank, nbytes, *ib, a.bwd_share, P)
            rows.append({
                "model": m, "ranks": P, "t_c_ms": round(1e3 * t_c, 3),
                "grad_MB": round(sum(nbytes) / 1e6, 3), "allreduces": len(nbytes),
                "local_latency_ms": round(1e3 * lo[0], 4), "local_bandwidth_ms": round(1e3 * lo[1], 4),
                "local_eff_no_overlap": round(lo[2], 3), "local_eff_overlap": round(lo[3], 3),
                "local_limiter": lo[4],
                "ib_latency_ms": round(1e3 * ibr[0], 4), "ib_bandwidth_ms": round(1e3 * ibr[1], 4),
                "ib_eff_no_overlap": round(ibr[2], 3), "ib_eff_overlap": round(ibr[3], 3),
                "ib_limiter": ibr[4],
                "ibfast_t_c_ms": round(1e3 * t_c / a.fast_rank, 4),
                "ibfast_eff_no_overlap": round(fr[2], 3), "ibfast_eff_overlap": round(fr[3], 3),
                "ibfast_limiter": fr[4],
            })
            print(f"{P:>5} | {1e3 * lo[0]:13.3f} {1e3 * lo[1]:7.3f} {lo[2]:7.3f} {lo[3]:6.3f} {lo[4]:>9} | "
                  f"{1e3 * ibr[0]:10.3f} {1e3 * ibr[1]:7.3f} {ibr[2]:7.3f} {ibr[3]:6.3f} {ibr[4]:>9} | "
                  f"{fr[2]:21.3f} {fr[3]:6.3f} {fr[4]:>9}")

    if not rows:
        print("project: nothing to project (run run.sh first)", file=sys.stderr)
        return 1
    with open(os.path.join(a.out, "projection.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    params = {
        "alpha_local_s": local[0], "beta_local_s_per_byte": local[1],
        "local_GBps": 1e-9 / local[1], "alpha_ib_s": ib[0], "beta_ib_s_per_byte": ib[1],
        "ib_GBps": a.ib_gbps, "bwd_share": a.bwd_share, "fast_rank": a.fast_rank, "stat": a.stat,
    }
    with open(os.path.join(a.out, "projection_params.json"), "w") as f:
        json.dump(params, f, indent=1)
    print(f"\nalpha local {1e6 * local[0]:.3f} µs (allreduce intercept {1e6 * alpha_2:.3f} µs / 2), "
          f"1/beta local {1e-9 / local[1]:.2f} GB/s; IB alpha {a.ib_alpha_us} µs, 1/beta {a.ib_gbps} GB/s; "
          f"f_bwd {a.bwd_share:.3f}")

    # projection.png: efficiency against ranks, one panel per model.
    dat = os.path.join(a.out, "projection_plot.dat")
    with open(dat, "w") as f:
        for m in models:
            f.write(f"# {m}: P local_no local_ov ib_no ib_ov ibfast_no ibfast_ov\n")
            for r in rows:
                if r["model"] == m:
                    f.write(f"{r['ranks']} {r['local_eff_no_overlap']} {r['local_eff_overlap']} "
                            f"{r['ib_eff_no_overlap']} {r['ib_eff_overlap']} "
                            f"{r['ibfast_eff_no_overlap']} {r['ibfast_eff_overlap']}\n")
            f.write("\n\n")
    gp = [
        "set terminal pngcairo size 1500,500 font 'DejaVu Sans,11'",
        f"set output '{os.path.join(a.out, 'projection.png')}'",
        f"set multiplot layout 1,{len(models)} title 'Projected weak-scaling efficiency (ring allreduce model; "
        f"per-rank batch {a.batch}; solid = no overlap, dashed = best-case overlap)'",
        "set logscale x 2", "set xrange [2:1024]", "set yrange [0:1.05]", "set grid",
        "set xlabel 'ranks P'", "set ylabel 'efficiency'", "set key bottom left font ',9'",
    ]
    for i, m in enumerate(models):
        t = lambda s: f"title '{s}'" if i == 0 else "notitle"
        gp.append(f"set title '{m}'")
        gp.append(
            f"plot '{dat}' index {i} using 1:2 with linespoints lw 2 lc rgb '#1f77b4' {t('local shm fit')}, "
            f"'' index {i} using 1:3 with linespoints lw 2 dt 2 lc rgb '#1f77b4' notitle, "
            f"'' index {i} using 1:4 with linespoints lw 2 lc rgb '#d62728' {t(f'IB {a.ib_alpha_us:g} us, {a.ib_gbps:g} GB/s')}, "
            f"'' index {i} using 1:5 with linespoints lw 2 dt 2 lc rgb '#d62728' notitle, "
            f"'' index {i} using 1:6 with linespoints lw 2 lc rgb '#2ca02c' {t(f'IB, rank {a.fast_rank:g}x faster')}, "
            f"'' index {i} using 1:7 with linespoints lw 2 dt 2 lc rgb '#2ca02c' notitle")
    gp.append("unset multiplot")
    script = os.path.join(a.out, "projection.gp")
    with open(script, "w") as f:
        f.write("\n".join(gp) + "\n")
    try:
        subprocess.run(["gnuplot", script], check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"project: gnuplot failed ({e})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
