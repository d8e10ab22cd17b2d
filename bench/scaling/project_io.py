#!/usr/bin/env python3
"""The weak-scaling projection redone with what project.py left out: each rank's data work and
stragglers (issue 11). Before (every rank read and decoded every sample of the global batch,
the 1-rank step before this work) against after (read once and exchange, today's step).

  project_io.py --out bench/scaling/out [--batch 128] [--trials 2000]

Per update at P ranks (weak scaling, per-rank batch b; one rank bound to one core, its
prefetch thread on that core, so data work adds to the step):
  step(P) = t_c + t_io(P) + t_strag(P) + T_comm(P)
  t_io    before: P·b·d  (each rank decoded the whole global batch)
          after:  b·d + b·(P-1)/P·s·beta   (its share, plus the exchange of the others' samples)
  t_strag = E[max of P step times] - E[step time]: every update waits for the slowest rank;
          drawn (bootstrap, `--trials` draws) from the measured 1-rank per-step times
          (OUT/steps_<model>.jsonl, metrics.jsonl with --log-every 1). On this shared 2-core VM
          they carry other sessions' load, so this is a pessimistic straggler term; and with a
          few hundred samples the bootstrap cannot see tails rarer than 1/N.
  T_comm  the ring allreduce of project.py with the interconnect's alpha, beta (IB below).
  efficiency E(P) = t_c / step(P).
Inputs: t_c before from OUT/summary.json (the 1x1 run of bench/scaling/run.sh, before this
work), t_c after = the median of steps_<model>.jsonl; d = 1 / the 1-rank decode rate of
bench/scaling/stream_job.sh (gzip 485k, uncompressed 4,386k samples/s, bench/RESULTS.md);
s = 3136 bytes a float32 MNIST sample; gradient sizes from OUT/info_<model>.txt.
Writes OUT/projection_io.csv and OUT/projection_io.png.
"""
import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from project import RANKS, read_params  # noqa: E402

DECODE = {"gzip": 1 / 485e3, "uncompressed": 1 / 4386e3}
SAMPLE_BYTES = 3136


def step_times(path):
    with open(path) as f:
        rows = [json.loads(line) for line in f if '"step_s"' in line]
    return [r["step_s"] for r in rows[5:]]  # the first steps carry set-up


def straggler(samples, P, trials, rng):
    mean = statistics.fmean(samples)
    return statistics.fmean(max(rng.choice(samples) for _ in range(P)) for _ in range(trials)) - mean


def comm(nbytes, alpha, beta, P):
    return sum(2 * (P - 1) * alpha + 2 * (P - 1) / P * b * beta for b in nbytes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--trials", type=int, default=2000)
    ap.add_argument("--ib-alpha-us", type=float, default=2.0)
    ap.add_argument("--ib-gbps", type=float, default=12.5)
    a = ap.parse_args()
    rng = random.Random(0)
    alpha, beta = a.ib_alpha_us * 1e-6, 1 / (a.ib_gbps * 1e9)
    with open(os.path.join(a.out, "summary.json")) as f:
        summary = json.load(f)
    rows, models = [], []
    for m in ("vae", "dcgan"):
        c = summary["configs"].get(f"{m}/1x1_b{a.batch}")
        steps = os.path.join(a.out, f"steps_{m}.jsonl")
        if not c or not os.path.exists(steps):
            continue
        models.append(m)
        nbytes = [4 * n for n in read_params(os.path.join(a.out, f"info_{m}.txt")).values()]
        samples = step_times(steps)
        t_before, t_after = c["step_s"], statistics.median(samples)
        # Stragglers scale with the step: the before-curve uses the same relative spread.
        before_samples = [s * t_before / t_after for s in samples]
        print(f"\n{m}: t_c before {1e3 * t_before:.2f} ms, after {1e3 * t_after:.2f} ms "
              f"({len(samples)} measured steps, sd {1e3 * statistics.pstdev(samples):.3f} ms)")
        print(f"{'P':>5} {'strag ms':>9} | " + " | ".join(
            f"{d}: {'io before':>9} {'E before':>8} {'io after':>8} {'E after':>7}" for d in DECODE))
        for P in RANKS:
            s_after = straggler(samples, P, a.trials, rng)
            s_before = s_after * t_before / t_after
            t_comm = comm(nbytes, alpha, beta, P)
            row = {"model": m, "ranks": P, "t_c_before_ms": round(1e3 * t_before, 3),
                   "t_c_after_ms": round(1e3 * t_after, 3), "comm_ms": round(1e3 * t_comm, 4),
                   "straggler_before_ms": round(1e3 * s_before, 3),
                   "straggler_after_ms": round(1e3 * s_after, 3)}
            cells = []
            for d_name, d in DECODE.items():
                io_before = P * a.batch * d
                io_after = a.batch * d + a.batch * (P - 1) / P * SAMPLE_BYTES * beta
                e_before = t_before / (t_before + io_before + s_before + t_comm)
                e_after = t_after / (t_after + io_after + s_after + t_comm)
                row.update({f"{d_name}_io_before_ms": round(1e3 * io_before, 3),
                            f"{d_name}_io_after_ms": round(1e3 * io_after, 4),
                            f"{d_name}_eff_before": round(e_before, 3),
                            f"{d_name}_eff_after": round(e_after, 3)})
                cells.append(f"{' ' * (len(d_name) + 2)}{1e3 * io_before:9.3f} {e_before:8.3f} "
                             f"{1e3 * io_after:8.3f} {e_after:7.3f}")
            rows.append(row)
            print(f"{P:>5} {1e3 * s_after:9.3f} | " + " | ".join(cells))
    if not rows:
        print("project_io: nothing to project (run run.sh first; steps_<model>.jsonl)",
              file=sys.stderr)
        return 1
    with open(os.path.join(a.out, "projection_io.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    dat = os.path.join(a.out, "projection_io_plot.dat")
    with open(dat, "w") as f:
        for m in models:
            f.write(f"# {m}: P gzip_before gzip_after plain_before plain_after\n")
            for r in rows:
                if r["model"] == m:
                    f.write(f"{r['ranks']} {r['gzip_eff_before']} {r['gzip_eff_after']} "
                            f"{r['uncompressed_eff_before']} {r['uncompressed_eff_after']}\n")
            f.write("\n\n")
    gp = [
        "set terminal pngcairo size 1100,480 font 'DejaVu Sans,11'",
        f"set output '{os.path.join(a.out, 'projection_io.png')}'",
        f"set multiplot layout 1,{len(models)} title 'Weak scaling projected with data work and "
        f"stragglers (IB {a.ib_alpha_us:g} us, {a.ib_gbps:g} GB/s; batch {a.batch} per rank)'",
        "set logscale x 2", "set xrange [2:1024]", "set yrange [0:1.05]", "set grid",
        "set xlabel 'ranks P'", "set ylabel 'efficiency'", "set key bottom left font ',9'",
    ]
    for i, m in enumerate(models):
        gp.append(f"set title '{m}'")
        gp.append(
            f"plot '{dat}' index {i} using 1:2 with linespoints lw 2 dt 2 lc rgb '#d62728' "
            f"title 'gzip, before', '' index {i} using 1:3 with linespoints lw 2 lc rgb '#d62728' "
            f"title 'gzip, after', '' index {i} using 1:4 with linespoints lw 2 dt 2 "
            f"lc rgb '#1f77b4' title 'uncompressed, before', '' index {i} using 1:5 with "
            f"linespoints lw 2 lc rgb '#1f77b4' title 'uncompressed, after'")
    gp.append("unset multiplot")
    script = os.path.join(a.out, "projection_io.gp")
    with open(script, "w") as f:
        f.write("\n".join(gp) + "\n")
    try:
        subprocess.run(["gnuplot", script], check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"project_io: gnuplot failed ({e})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
