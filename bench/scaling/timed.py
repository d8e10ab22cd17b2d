#!/usr/bin/env python3
"""Run one benchmark command on a shared machine, waiting for a quiet spell first, and record
how much CPU *other* processes took while it ran.

  timed.py --record DIR/load.json [--quiet-busy 0.3] [--quiet-wait 90] -- COMMAND ARGS...

Quiet gate: before starting, wait (at most --quiet-wait seconds) until the whole machine's CPU
use over one second is below --quiet-busy cores, twice in a row. Then run COMMAND and write
load.json: wall seconds, the machine's busy cores over the run (from /proc/stat), this command's
own CPU (getrusage of its children: for mpirun, the ranks), their difference = foreign cores
(other people's compiles and benchmarks stealing our cycles), the load averages before and
after, and how long the gate waited. Exit status: COMMAND's.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time


def cpu_times():
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    vals = [int(x) for x in parts]
    idle = vals[3] + vals[4]  # idle + iowait
    return sum(vals[:8]), idle  # user nice system idle iowait irq softirq steal


def busy_cores(interval):
    t0, i0 = cpu_times()
    time.sleep(interval)
    t1, i1 = cpu_times()
    hz_total = t1 - t0
    return os.cpu_count() * (1 - (i1 - i0) / hz_total) if hz_total else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--record", required=True)
    ap.add_argument("--quiet-busy", type=float, default=0.3)
    ap.add_argument("--quiet-wait", type=float, default=90)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd

    gate_start = time.time()
    calm = 0
    busy_before = None
    while time.time() - gate_start < a.quiet_wait:
        busy_before = busy_cores(1.0)
        calm = calm + 1 if busy_before < a.quiet_busy else 0
        if calm >= 2:
            break
    waited = time.time() - gate_start
    load_before = open("/proc/loadavg").read().split()[:3]

    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0, i0 = cpu_times()
    w0 = time.time()
    rc = subprocess.call(cmd)
    wall = time.time() - w0
    t1, i1 = cpu_times()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    ncpu = os.cpu_count()
    busy = ncpu * (1 - (i1 - i0) / (t1 - t0)) if t1 > t0 else 0.0
    own = ((ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)) / wall if wall > 0 else 0.0
    rec = {
        "wall_s": round(wall, 3), "cpus": ncpu, "busy_cores": round(busy, 3),
        "own_cores": round(own, 3), "foreign_cores": round(max(0.0, busy - own), 3),
        "gate_waited_s": round(waited, 1), "gate_quiet": calm >= 2,
        "busy_cores_before": round(busy_before, 3) if busy_before is not None else None,
        "loadavg_before": load_before, "loadavg_after": open("/proc/loadavg").read().split()[:3],
        "rc": rc,
    }
    with open(a.record, "w") as f:
        json.dump(rec, f)
    sys.exit(rc)


if __name__ == "__main__":
    main()
