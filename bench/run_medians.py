#!/usr/bin/python3
"""A latent run's steady rates: medians over its metrics rows after the first (the first carries
the set-up and warm-up), as one JSON line. Shared by bench/thread_ceiling.sh and
bench/gpu/host_cpu_scaling.sh.

    run_medians.py RUN_FOLDER   -> {"samples_per_s": …, "step_ms": …, "comm_wait_ms": …,
                                    "data_wait_ms": …, "rows": N}   (values null without rows)
"""
import json
import statistics
import sys


def main():
    try:
        with open(sys.argv[1] + "/metrics.jsonl") as f:
            rows = [r for r in map(json.loads, f) if "step_s" in r][1:]
    except (OSError, ValueError):
        rows = []

    def med(key, scale=1.0):
        return round(scale * statistics.median(r.get(key, 0.0) for r in rows), 3) if rows else None

    print(json.dumps({"samples_per_s": med("samples_per_s"), "step_ms": med("step_s", 1e3),
                      "comm_wait_ms": med("comm_wait_s", 1e3),
                      "data_wait_ms": med("data_wait_s", 1e3), "rows": len(rows)}))


if __name__ == "__main__":
    main()
