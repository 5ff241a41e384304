"""The calibration figure: after `calibrate`, does the prediction match a FRESH probe?

Starts the real llama-server (scripts/build_llama_server.sh: llama.cpp + Gemma 3 270M Q4_K_M) on a
free 127.0.0.1 port, then runs the loop with --hardware host:
  probe (calibration runs) -> calibrate -> probe again (fresh runs) -> validate the fresh runs.
Prints predicted vs measured decode tok/s and TTFT per prompt set, and whether they are within the
targets (decode 15%, TTFT 25%). Uses a temporary config dir, so the user's calibrations are untouched.

    python scripts/calibration_check.py [--runs 3] [--output-tokens 64] [--prompts medium,long]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DECODE_TARGET_PCT = 15.0
TTFT_TARGET_PCT = 25.0


def build() -> tuple[str, str]:
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build_llama_server.sh")], check=True, capture_output=True, text=True
    ).stdout
    values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return values["LLAMA_SERVER"], values["GEMMA_GGUF"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def llama_server(binary: str, gguf: str):
    port = free_port()
    proc = subprocess.Popen(
        [binary, "-m", gguf, "--host", "127.0.0.1", "--port", str(port), "-c", "2048", "-np", "1", "-ngl", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/health", timeout=1, trust_env=False).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise SystemExit("llama-server did not become healthy in 60 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def cli(*args: str) -> tuple[int, str]:
    from planner.cli.app import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output-tokens", type=int, default=64)
    parser.add_argument("--prompts", default="short,medium,long")
    args = parser.parse_args()
    binary, gguf = build()
    with tempfile.TemporaryDirectory() as tmp, llama_server(binary, gguf) as url:
        os.environ["MI50PLAN_CONFIG_DIR"] = str(Path(tmp) / "config")
        fit_runs, fresh_runs = Path(tmp) / "calibration-runs.json", Path(tmp) / "fresh-runs.json"
        probe = [
            "probe",
            url,
            "--runs",
            str(args.runs),
            "--warmup",
            "1",
            "--prompts",
            args.prompts,
            "--output-tokens",
            str(args.output_tokens),
            "--quiet",
        ]
        for target in (fit_runs,):
            code, _ = cli(*probe, "--save", str(target))
            assert code == 0, "calibration probe failed"
        code, out = cli("calibrate", str(fit_runs), "--hardware", "host", "--json")
        assert code == 0, "calibrate failed"
        cal = json.loads(out)["calibration"]
        code, _ = cli(*probe, "--save", str(fresh_runs))
        assert code == 0, "fresh probe failed"
        code, out = cli("validate", str(fresh_runs), "--hardware", "host", "--json")
        assert code == 0, "validate failed"
        comps = json.loads(out)["comparisons"]
    print(
        f"calibration: decode x{cal['decode']:.3f}, prefill x{cal['prefill']:.3f} (host/llamacpp/cpu, "
        f"{cal['points']} blocks)"
    )
    print(f"{'prompts':8} {'metric':20} {'predicted':>10} {'measured':>10} {'error':>8}  target")
    ok = True
    for c in comps:
        target = {"decode_tokens_per_s": DECODE_TARGET_PCT, "ttft_s": TTFT_TARGET_PCT}.get(c["metric"])
        if target is None:
            continue
        hit = c["error_pct"] is not None and abs(c["error_pct"]) <= target
        ok &= hit
        print(
            f"{c['prompt_set']:8} {c['metric']:20} {c['predicted']:10.4g} {c['measured']:10.4g} "
            f"{c['error_pct']:+7.1f}%  {'within' if hit else 'OUTSIDE'} {target:g}%"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
