"""The capacity figure: does the serving simulation match a real llama-server under open-loop load?

Starts the real llama-server (scripts/build_llama_server.sh: llama.cpp + Gemma 3 270M Q4_K_M) with
`-np 4` on a free 127.0.0.1 port, CPU only, then:
  1. one calibration: `mi50plan probe` (single requests) -> `mi50plan calibrate --hardware host`
     (a temporary config dir, so the user's calibrations are untouched), and one closed loop of 4
     users at other lengths (24 in / 48 out) whose p50 TPOT fits the batch factor (how a decode step
     grows with the batch: capacity.fit_batch_factor);
  2. the simulation of llama-server's slots with the calibrated step times: its saturation rate and its
     p50 TTFT/TPOT at each probed rate;
  3. open-loop Poisson load (planner.sources.loadgen) at fractions of the SIMULATED saturation rate,
     from light load to past saturation, and a closed loop of 6 users without think time for the
     MEASURED saturation rate.
Prints simulated vs measured p50 TTFT and TPOT per rate and the saturation rates, with the targets
(p50s within 25% below saturation, saturation within 20%).

    python scripts/capacity_check.py [--duration 60] [--fractions 0.2,0.4,0.7,1.3] [--threads 1]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.llama_server import find_artifacts, serve  # noqa: E402  (the test suite's harness)

P50_TARGET_PCT = 25.0
SATURATION_TARGET_PCT = 20.0
SLOTS = 4


def cli(*args: str) -> str:
    from planner.cli.app import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    if code != 0:
        raise SystemExit(f"capacity check: `mi50plan {' '.join(args[:2])} ...` exited {code}")
    return out.getvalue()


def simulation(gguf: str, context: int, calibration: dict):
    """The scheduler and calibrated step time of llama-server -np 4 on this host, as capacity plans it."""
    from planner.core.hardware import Hardware
    from planner.core.simulate import Scheduler
    from planner.core.speed import Deployment, check_deployment
    from planner.planning.capacity import LLAMACPP_N_BATCH, overhead_s, step_time_for
    from planner.planning.fit import gguf_weights
    from planner.sources.models import resolve_model
    from planner.sources.profiles import get_profile

    resolved = resolve_model(gguf)
    hw = Hardware(get_profile("host"), 1)
    weights = gguf_weights(resolved, None)
    d = check_deployment(resolved.spec, hw, Deployment("llamacpp", "cpu", quant=weights.quant))
    step = step_time_for(resolved.spec, hw, d, calibration)
    sched = Scheduler(
        "llamacpp",
        SLOTS,
        LLAMACPP_N_BATCH,
        context,
        1,
        slot_tokens=context // SLOTS,
        ttft_overhead_s=overhead_s(calibration),
    )
    return sched, step


def pct(sim: float, real: float) -> float:
    return (sim - real) / real * 100


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load per rate")
    parser.add_argument("--fractions", default="0.2,0.4,0.7,1.3", help="rates as fractions of simulated saturation")
    parser.add_argument("--prompt-tokens", type=int, default=48)
    parser.add_argument("--output-tokens", type=int, default=24)
    parser.add_argument("--calibration-prompt", type=int, default=24, help="closed-loop batch calibration")
    parser.add_argument("--calibration-output", type=int, default=48)
    parser.add_argument("--threads", type=int, default=1, help="llama-server --threads (0: its default)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    found = find_artifacts()
    if found is None:
        raise SystemExit("llama-server or the Gemma GGUF unavailable: run scripts/build_llama_server.sh")
    binary, gguf = found
    from planner.core.simulate import Lengths, Load, saturation_rate, simulate
    from planner.planning.capacity import fit_batch_factor
    from planner.sources.loadgen import run_load

    prompt, output = Lengths.fixed(args.prompt_tokens), Lengths.fixed(args.output_tokens)
    context = SLOTS * 1024  # the probe's long prompt is 770 tokens
    flags = ["-c", str(context), "-np", str(SLOTS), "-ngl", "0"]
    flags += ["--threads", str(args.threads)] if args.threads > 0 else []
    rows = []
    with tempfile.TemporaryDirectory() as tmp, serve(binary, gguf, *flags) as url:
        os.environ["MI50PLAN_CONFIG_DIR"] = str(Path(tmp) / "config")
        runs = Path(tmp) / "calibration-runs.json"
        cli(
            "probe",
            url,
            "--runs",
            "4",
            "--warmup",
            "1",
            "--prompts",
            "short,medium,long",
            "--output-tokens",
            str(args.output_tokens),
            "--quiet",
            "--save",
            str(runs),
        )
        cal = json.loads(cli("calibrate", str(runs), "--hardware", "host", "--json"))["calibration"]
        factors = {k: cal[k] for k in ("decode", "prefill", "kv", "ttft_overhead_s")}
        # The batch step: one closed loop of SLOTS users at OTHER lengths than the check's workload.
        cal_prompt, cal_output = Lengths.fixed(args.calibration_prompt), Lengths.fixed(args.calibration_output)
        loop = run_load(
            url,
            prompt=cal_prompt,
            output=cal_output,
            users=SLOTS,
            duration_s=args.duration,
            warmup_s=args.duration * 0.15,
            seed=args.seed + 100,
        )

        def simulated_tpot(factor: float) -> float:
            sched, step = simulation(gguf, context, {**factors, "batch": factor})
            load = Load(cal_prompt, cal_output, users=SLOTS, requests=300, seed=args.seed)
            return simulate(sched, step, load).tpot.p50

        factors["batch"] = fit_batch_factor(simulated_tpot, loop.tpot.p50)
        print(
            f"calibration: decode x{cal['decode']:.3f}, KV x{cal['kv']:.3f}, prefill x{cal['prefill']:.3f}, "
            f"TTFT overhead {cal['ttft_overhead_s'] * 1000:.1f} ms (`probe` of single requests + `calibrate`); "
            f"batch x{factors['batch']:.3f} ({SLOTS} closed-loop users, {args.calibration_prompt} in / "
            f"{args.calibration_output} out, measured TPOT p50 {loop.tpot.p50 * 1000:.1f} ms, "
            f"{loop.completed} requests)"
        )
        sched, step = simulation(gguf, context, factors)
        sim_sat = saturation_rate(sched, step, prompt, output, seed=args.seed)
        closed = run_load(
            url,
            prompt=prompt,
            output=output,
            users=SLOTS + 2,
            duration_s=args.duration,
            warmup_s=args.duration * 0.15,
            seed=args.seed,
        )
        real_sat = closed.request_rate
        print(
            f"saturation (llama-server -np {SLOTS}, {args.prompt_tokens} in / {args.output_tokens} out): "
            f"simulated {sim_sat:.3f} req/s, measured {real_sat:.3f} req/s ({pct(sim_sat, real_sat):+.1f}%; "
            f"{closed.completed} requests of 6 closed-loop users)"
        )
        print(
            f"{'rate':>7} {'x sat':>6} {'n':>4} {'TTFT p50 sim':>12} {'real':>8} {'err':>7} "
            f"{'TPOT p50 sim':>12} {'real':>8} {'err':>7}  below saturation"
        )
        for frac in (float(x) for x in args.fractions.split(",")):
            rate = frac * sim_sat
            # Below saturation a long run gives stable percentiles; past it the queue grows with every
            # request, so the simulation sends what the real run sends (rate x duration).
            sent = 1500 if frac < 1 else max(20, round(rate * args.duration))
            sim = simulate(sched, step, Load(prompt, output, rate=rate, requests=sent, seed=args.seed))
            real = run_load(
                url,
                prompt=prompt,
                output=output,
                rate=rate,
                duration_s=args.duration,
                warmup_s=args.duration * 0.1,
                seed=args.seed,
            )
            below = rate < real_sat
            e_ttft, e_tpot = pct(sim.ttft.p50, real.ttft.p50), pct(sim.tpot.p50, real.tpot.p50)
            rows.append((below, e_ttft, e_tpot))
            print(
                f"{rate:7.3f} {frac:6.2f} {real.completed:4d} {sim.ttft.p50 * 1000:10.0f}ms "
                f"{real.ttft.p50 * 1000:6.0f}ms {e_ttft:+6.1f}% {sim.tpot.p50 * 1000:10.1f}ms "
                f"{real.tpot.p50 * 1000:6.1f}ms {e_tpot:+6.1f}%  {'yes' if below else 'no'}"
            )
    checked = [r for r in rows if r[0]]
    within = sum(abs(a) <= P50_TARGET_PCT and abs(b) <= P50_TARGET_PCT for _, a, b in checked)
    sat_ok = abs(pct(sim_sat, real_sat)) <= SATURATION_TARGET_PCT
    print(
        f"summary: {within}/{len(checked)} rates below saturation with both p50s within {P50_TARGET_PCT:g}%; "
        f"saturation {'within' if sat_ok else 'OUTSIDE'} {SATURATION_TARGET_PCT:g}%"
    )
    return 0 if within == len(checked) and sat_ok else 1


if __name__ == "__main__":
    sys.exit(main())
