"""The calibration figure: after `calibrate`, does the prediction match a FRESH probe?

Starts the real llama-server (scripts/build_llama_server.sh: llama.cpp + Gemma 3 270M Q4_K_M) on a
free 127.0.0.1 port, then runs the loop with --hardware host:
  probe (calibration runs) -> calibrate -> probe again (fresh runs) -> validate the fresh runs.
Prints predicted vs measured decode tok/s and TTFT per prompt set, and whether they are within the
targets (decode 15%, TTFT 25%). Uses a temporary config dir, so the user's calibrations are untouched.

The server runs with one thread (--threads 1) by default: on a 2-core machine a two-thread server
shares its cores with the probe client, and medians of back-to-back probes then differ by up to 15%
(TTFT) and 14% (decode); with one thread they stay within about 5% and 8% (docs/methodology.md 6).
--repeat N runs the whole loop N times on the same server, each with a fresh calibration.

    python scripts/calibration_check.py [--runs 5] [--repeat 3] [--threads 1] [--prompts medium,long]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.llama_server import find_artifacts, serve  # noqa: E402  (the test suite's harness)

DECODE_TARGET_PCT = 15.0
TTFT_TARGET_PCT = 25.0


def cli(*args: str) -> tuple[int, str]:
    from planner.cli.app import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


def step(*args: str) -> str:
    """Run one mi50plan command in-process; stop the check with its name when it fails."""
    code, out = cli(*args)
    if code != 0:
        raise SystemExit(f"calibration check: `mi50plan {' '.join(args[:2])} ...` exited {code}")
    return out


def one_loop(url: str, args, workdir: Path) -> tuple[dict, list[dict]]:
    """probe -> calibrate -> fresh probe -> validate; the calibration and the comparisons."""
    os.environ["MI50PLAN_CONFIG_DIR"] = str(workdir / "config")
    fit_runs, fresh_runs = workdir / "calibration-runs.json", workdir / "fresh-runs.json"
    probe = ["probe", url, "--runs", str(args.runs), "--warmup", "1", "--prompts", args.prompts]
    probe += ["--output-tokens", str(args.output_tokens), "--quiet"]
    step(*probe, "--save", str(fit_runs))
    cal = json.loads(step("calibrate", str(fit_runs), "--hardware", "host", "--json"))["calibration"]
    step(*probe, "--save", str(fresh_runs))
    return cal, json.loads(step("validate", str(fresh_runs), "--hardware", "host", "--json"))["comparisons"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--output-tokens", type=int, default=64)
    parser.add_argument("--prompts", default="short,medium,long")
    parser.add_argument("--threads", type=int, default=1, help="llama-server --threads (0: its default)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    found = find_artifacts()
    if found is None:
        raise SystemExit("llama-server or the Gemma GGUF unavailable: run scripts/build_llama_server.sh")
    binary, gguf = found
    flags = ["-c", "2048", "-np", "1", "-ngl", "0"] + (["--threads", str(args.threads)] if args.threads > 0 else [])
    targets = {"decode_tokens_per_s": DECODE_TARGET_PCT, "ttft_s": TTFT_TARGET_PCT}
    hits = total = loops_ok = 0
    errors: dict[str, list[float]] = {}
    with serve(binary, gguf, *flags) as url:
        for rep in range(1, args.repeat + 1):
            with tempfile.TemporaryDirectory() as tmp:
                cal, comps = one_loop(url, args, Path(tmp))
            print(
                f"loop {rep}/{args.repeat}: calibration decode x{cal['decode']:.3f}, KV read x{cal['kv']:.3f}, "
                f"prefill x{cal['prefill']:.3f}, "
                f"TTFT overhead {cal['ttft_overhead_s'] * 1000:.1f} ms (host/llamacpp/cpu, {cal['points']} blocks, "
                f"server threads {args.threads or 'default'})"
            )
            print(f"{'prompts':8} {'metric':20} {'predicted':>10} {'measured':>10} {'':20} {'error':>8}  target")
            loop_ok = True
            for c in comps:
                target = targets.get(c["metric"])
                if target is None:
                    continue
                hit = c["error_pct"] is not None and abs(c["error_pct"]) <= target
                hits += hit
                total += 1
                loop_ok &= hit
                errors.setdefault(c["metric"], []).append(abs(c["error_pct"] or 0.0))
                print(
                    f"{c['prompt_set']:8} {c['metric']:20} {c['predicted']:10.4g} {c['measured']:10.4g} "
                    f"({c['prompt_tokens']:>4} prompt tokens) "
                    f"{c['error_pct']:+7.1f}%  {'within' if hit else 'OUTSIDE'} {target:g}%"
                )
            loops_ok += loop_ok
    print(
        f"summary: {hits}/{total} comparisons within target, {loops_ok}/{args.repeat} loops entirely within; "
        + "; ".join(
            f"{k} |error| median {statistics.median(v):.1f}%, max {max(v):.1f}%" for k, v in sorted(errors.items())
        )
    )
    return 0 if hits == total else 1


if __name__ == "__main__":
    sys.exit(main())
