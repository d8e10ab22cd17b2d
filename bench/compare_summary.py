"""The table of bench/compare.sh: latent / PyTorch ratios per model, thread count and precision,
from the pairs (latent and the peer run back to back with the same seed), with their spread; also
the thread speed-up of each side (its T-thread rate over its 1-thread rate in the same round) and,
with several precisions, each side's bf16 rate over its fp32 rate in the same round.

    python3 bench/compare_summary.py results.jsonl [machine.txt]
"""
import collections
import json
import statistics
import sys


def spread(values):
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def peer_pools(row):
    """'OpenMP/OpenBLAS' thread counts the peer ran with, from threadpoolctl."""
    pools = {p.get("internal_api"): p.get("num_threads")
             for p in (row.get("peer", {}).get("env", {}).get("thread_pools") or [])}
    return f"{pools.get('openmp', '?')}/{pools.get('openblas', '?')}"


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    out = []
    if len(sys.argv) > 2:
        out += ["```", open(sys.argv[2]).read().rstrip(), "```", ""]
    pairs = collections.defaultdict(dict)  # (model, threads, precision, pair) -> impl -> row
    for r in rows:
        pairs[(r["bench"], r["threads"], r.get("precision", "fp32"), r["pair"])][r["impl"]] = r
    groups = collections.defaultdict(list)  # (model, threads, precision) -> [(latent, pytorch)]
    for (model, threads, precision, _), v in sorted(pairs.items()):
        if "latent" in v and "pytorch" in v:
            groups[(model, threads, precision)].append((v["latent"], v["pytorch"]))

    out.append("| model | threads | precision (peer: autocast with bf16) | pairs "
               "| latent samples/s (median epoch) | PyTorch samples/s "
               "| peer OpenMP/OpenBLAS threads | ratio, median epoch: median (min–max) | ratio, whole run |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for (model, threads, precision), ps in sorted(groups.items()):
        lat = [p[0]["median_epoch"] for p in ps]
        ref = [p[1]["median_epoch"] for p in ps]
        med = [a / b for a, b in zip(lat, ref)]
        whole = [p[0]["samples_per_s"] / p[1]["samples_per_s"] for p in ps]
        out.append(f"| {model} | {threads} | {precision} | {len(ps)} | {statistics.median(lat):.0f} "
                   f"| {statistics.median(ref):.0f} | {peer_pools(ps[0][1])} | {spread(med)} "
                   f"| {spread(whole)} |")

    out.append("")
    out.append("Thread speed-up: each side's T-thread median-epoch rate over its 1-thread one in "
               "the same round (pair index), median (min–max) over the rounds:")
    for (model, threads, precision) in sorted(groups):
        if threads == 1:
            continue
        for side in ("latent", "pytorch"):
            ups = [pairs[(model, threads, precision, i)][side]["median_epoch"] /
                   pairs[(model, 1, precision, i)][side]["median_epoch"]
                   for (m, t, p, i) in sorted(pairs)
                   if (m, t, p) == (model, threads, precision) and side in pairs[(m, t, p, i)]
                   and side in pairs.get((model, 1, precision, i), {})]
            if ups:
                out.append(f"- {model} {precision}, {side}: {threads} threads {spread(ups)}×")

    if any(p != "fp32" for (_, _, p) in groups):
        out.append("")
        out.append("bf16 over fp32: each side's bf16 median-epoch rate over its fp32 one in the "
                   "same round, median (min–max) over the rounds:")
        for (model, threads, precision) in sorted(groups):
            if precision != "bf16":
                continue
            for side in ("latent", "pytorch"):
                ups = [v[side]["median_epoch"] / pairs[(m, t, "fp32", i)][side]["median_epoch"]
                       for (m, t, p, i), v in sorted(pairs.items())
                       if (m, t, p) == (model, threads, "bf16") and side in v
                       and side in pairs.get((m, t, "fp32", i), {})]
                if ups:
                    out.append(f"- {model}, {threads} thread(s), {side}: {spread(ups)}×")

    kernels = set()
    for r in rows:
        for pool in (r.get("peer", {}).get("env", {}).get("thread_pools") or []):
            if pool.get("internal_api") == "openblas":
                kernels.add(f"OpenBLAS {pool.get('version')} kernel {pool.get('architecture')}")
    if kernels:
        out += ["", "Peer BLAS (threadpoolctl): " + "; ".join(sorted(kernels))]
    print("\n".join(out))


if __name__ == "__main__":
    main()
