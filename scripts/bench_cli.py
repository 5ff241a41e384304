"""Time the main job cold, as a user runs it: a fresh process each run, catalog path, no network.

Prints the median and spread of wall time over N runs for `mi50plan fit Qwen/Qwen2.5-7B-Instruct
--dtype fp16` and `mi50plan --help` (targets: under 1 s and under 0.5 s on the 2-core machine).
Usage: python scripts/bench_cli.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "fit Qwen/Qwen2.5-7B-Instruct --dtype fp16": (
        ["fit", "Qwen/Qwen2.5-7B-Instruct", "--dtype", "fp16"],
        1.0,
    ),
    "--help": (["--help"], 0.5),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    exe = shutil.which("mi50plan") or os.path.join(os.path.dirname(sys.executable), "mi50plan")
    env = dict(os.environ)
    failed = False
    for label, (argv, target) in COMMANDS.items():
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            proc = subprocess.run([exe, *argv], env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                print(f"{label}: exit {proc.returncode}: {proc.stderr.strip()}")
                return 1
        median = statistics.median(times)
        ok = median < target
        failed |= not ok
        print(
            f"mi50plan {label:45s} median {median:.3f} s  min {min(times):.3f}  max {max(times):.3f}  "
            f"target < {target} s  {'OK' if ok else 'OVER'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
