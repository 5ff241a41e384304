"""The capacity figure: does the serving simulation match a real llama-server under open-loop load?

Starts the real llama-server (scripts/build_llama_server.sh: llama.cpp + Gemma 3 270M Q4_K_M) with
`-np 4` on a free 127.0.0.1 port, CPU only, in a temporary config dir (the user's calibrations are
untouched), and runs the user's own commands:

  1. ONE calibration, right before the sweep: `mi50plan probe URL --users 1,4` (closed loops of 1 and 4
     users, prompts uniform:16-128 tokens, so the calibration lengths are not the checked workload's)
     and `mi50plan calibrate` of that load probe (on a CPU: the decode and prefill factors of llama.cpp's
     step and the graph set-up, from the requests that ran alone; docs/methodology.md section 8);
  2. the calibrated simulation's saturation rate for the workload (fixed prompt and output lengths);
  3. the sweep: `mi50plan probe URL --rate r1,...,r5 --requests N` at fractions of that saturation, from
     light load to past it, N requests per rate so the sweep fits --budget seconds;
  4. a drift check: `probe --users 1` again, against the calibration's own single-user figures;
  5. `mi50plan validate` of the sweep: per rate the simulated (the probe's own sends replayed) against the
     measured p50 TTFT and TPOT, and the saturation rate.

Saturation: a rate is kept up with when the completions/s reach 90% of the rate the requests were sent
at and the queue does not grow (the p50 TTFT of the last third of the requests at most twice the first
third's); the measured saturation rate is the completion rate at the rates not kept up with (the
server's throughput with a queue that never empties), which is what the simulation's saturation rate
is (completions/s of an always-busy server). Targets: p50 TTFT and TPOT within 25% at every rate kept up
with below the measured saturation, the saturation rate within 20%.

    python scripts/capacity_check.py [--budget 300] [--fractions 0.3,0.55,0.8,1.25,1.6] [--plot FILE] [--keep DIR]
    python scripts/capacity_check.py --rescore DIR   # score a kept run again, without a server
    python scripts/capacity_check.py --cross DIR1 DIR2 ...   # calibrate on each kept run, score every sweep
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from planner.core.measure import error_pct as pct  # noqa: E402  (simulated against measured, %)
from tests.llama_server import find_artifacts, serve  # noqa: E402  (the test suite's harness)

P50_TARGET_PCT = 25.0
SATURATION_TARGET_PCT = 20.0
DRIFT_WARN_PCT = 15.0
SLOTS = 4
FACTORS = (
    "decode", "prefill", "kv", "batch", "ttft_overhead_s",
    "step_decode", "step_prefill", "graph_build_s", "step_output_s",
)  # fmt: skip


def cli(*args: str) -> str:
    from planner.cli.app import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    if code != 0:
        raise SystemExit(f"capacity check: `mi50plan {' '.join(args[:2])} ...` exited {code}")
    return out.getvalue()


def fmt_pct(value: float | None) -> str:
    return "     -" if value is None else f"{value:+6.1f}%"


def describe(cal: dict, gguf: str, probe: dict) -> str:
    """The fitted calibration in one phrase: llama.cpp's step (what the load simulation uses: its times, which
    do not depend on the host bandwidth the factors are relative to) and the single-stream factors (`predict`)."""
    single = (
        f"decode x{cal['decode']:.3f}, prefill x{cal['prefill']:.3f}, TTFT overhead "
        f"{cal['ttft_overhead_s'] * 1000:.1f} ms"
    )
    if not cal.get("step_decode"):
        return f"{single}, batch x{cal['batch']:.3f}"
    from planner.planning.load_curve import model_for
    from planner.planning.validate import ModelSettings, context_for

    step = model_for(context_for(ModelSettings(model=gguf, hardware="host"), probe["server"]), probe, None).step(cal)
    reads = step(1, 0.0, 0, 0.0) - (step(1, 0.0, 64, 0.0) - step(0, 0.0, 64, 0.0))  # a decode less one token
    return (
        f"llama.cpp step: {reads * 1000:.1f} ms a micro-batch (reads x{cal['step_decode']:.3f}), "
        f"{(step(0, 0.0, 64, 0.0) - step(0, 0.0, 32, 0.0)) / 32 * 1000:.2f} ms a prompt token (compute "
        f"x{cal['step_prefill']:.3f}), graph set-up {cal['graph_build_s'] * 1000:.1f} ms, "
        f"{cal.get('step_output_s', 0.0) * 1000:.2f} ms an output token (single stream, "
        f"for predict: {single})"
    )


def simulated_saturation(gguf: str, probe: dict, calibration: dict, prompt: int, output: int) -> float:
    """The calibrated simulation's saturation rate of llama-server -np 4 at the workload's lengths."""
    from planner.core.simulate import Lengths, saturation_rate
    from planner.planning.load_curve import model_for
    from planner.planning.validate import ModelSettings, context_for

    ctx = context_for(ModelSettings(model=gguf, hardware="host"), probe["server"])
    model = model_for(ctx, probe, None)
    return saturation_rate(
        model.sched(calibration), model.step(calibration), Lengths.fixed(prompt), Lengths.fixed(output)
    )


def single_user(probe: dict) -> dict:
    point = next(p for p in probe["points"] if p.get("users") == 1)
    return {"ttft": point["ttft_s"]["p50"], "tpot": point["tpot_s"]["p50"], "n": point["measured"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=300.0, help="seconds of the sweep's arrivals, all rates")
    parser.add_argument(
        "--fractions", default="0.3,0.55,0.8,1.25,1.6", help="rates as fractions of simulated saturation"
    )
    parser.add_argument("--prompt-tokens", type=int, default=48)
    parser.add_argument("--output-tokens", type=int, default=24)
    parser.add_argument("--calibration-seconds", type=float, default=35.0, help="per closed loop (1 and 4 users)")
    parser.add_argument("--min-requests", type=int, default=25, help="per rate, whatever the budget")
    parser.add_argument("--threads", type=int, default=1, help="llama-server --threads (0: its default)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plot", help="also write validate's plot (.svg, .png or .html)")
    parser.add_argument("--keep", help="copy the calibration, sweep and drift results files into this folder")
    parser.add_argument("--rescore", help="score the results files a --keep run left in this folder again (no server)")
    parser.add_argument(
        "--cross", nargs="+", metavar="DIR", help="kept runs: calibrate on each one's calibration, score every sweep"
    )
    args = parser.parse_args()
    if args.rescore:
        return rescore(kept_run(Path(args.rescore)), args)
    if args.cross:
        return cross(args.cross)
    found = find_artifacts()
    if found is None:
        raise SystemExit("llama-server or the Gemma GGUF unavailable: run scripts/build_llama_server.sh")
    binary, gguf = found
    fractions = [float(x) for x in args.fractions.split(",")]
    flags = ["-c", str(SLOTS * 1024), "-np", str(SLOTS), "-ngl", "0"]
    flags += ["--threads", str(args.threads)] if args.threads > 0 else []
    model = ["--model", gguf, "--hardware", "host"]
    started = time.perf_counter()
    print(f"llama-server {' '.join(flags)}; Gemma 3 270M Q4_K_M; load average at start {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp, serve(binary, gguf, *flags) as url:
        os.environ["MI50PLAN_CONFIG_DIR"] = str(Path(tmp) / "config")
        cal_file, sweep_file, drift_file = (Path(tmp) / n for n in ("calibration.json", "sweep.json", "drift.json"))
        common = ["--quiet", "--seed", str(args.seed), "--output-tokens", str(args.output_tokens)]
        cli("probe", url, "--users", "1,4", "--duration", f"{args.calibration_seconds:g}",
            "--prompt-tokens", "uniform:16-128", *common, "--save", str(cal_file))  # fmt: skip
        cal = json.loads(cli("calibrate", str(cal_file), *model, "--json"))["calibration"]
        factors = {k: cal.get(k, 0.0) for k in FACTORS}
        cal_probe = json.loads(cal_file.read_text())["probes"][-1]
        loops = {p["users"]: p for p in cal_probe["points"]}
        sim_sat = simulated_saturation(gguf, cal_probe, factors, args.prompt_tokens, args.output_tokens)
        print(
            f"calibration ({time.perf_counter() - started:.0f} s): {describe(cal, gguf, cal_probe)} from closed "
            f"loops of 1 user "
            f"({loops[1]['measured']} requests, TPOT p50 "
            f"{loops[1]['tpot_s']['p50'] * 1000:.1f} ms) and 4 users ({loops[4]['measured']} requests, TPOT p50 "
            f"{loops[4]['tpot_s']['p50'] * 1000:.1f} ms, {loops[4]['request_rate']:.3f} req/s), prompts "
            f"uniform:16-128, {args.output_tokens} out"
        )
        rates = [f * sim_sat for f in fractions]
        per_rate = max(args.min_requests, round(args.budget * sim_sat / sum(1 / f for f in fractions)))
        print(
            f"workload {args.prompt_tokens} in / {args.output_tokens} out: simulated saturation {sim_sat:.3f} req/s; "
            f"sweep at {', '.join(f'{r:.3f}' for r in rates)} req/s, {per_rate} requests each"
        )
        cli("probe", url, "--rate", ",".join(f"{r:.4f}" for r in rates), "--requests", str(per_rate),
            "--prompt-tokens", str(args.prompt_tokens), *common, "--save", str(sweep_file))  # fmt: skip
        cli("probe", url, "--users", "1", "--duration", "15", "--prompt-tokens", "uniform:16-128", *common,
            "--save", str(drift_file))  # fmt: skip
        plot = ["--plot", args.plot] if args.plot else []
        report = json.loads(cli("validate", str(sweep_file), *model, *plot, "--json"))
        points = {round(p["rate"], 4): p for p in json.loads(sweep_file.read_text())["probes"][-1]["points"]}
        drift = single_user(json.loads(drift_file.read_text())["probes"][-1])
        if args.keep:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
            for f in (cal_file, sweep_file, drift_file):
                shutil.copy(f, Path(args.keep) / f.name)
    before = single_user(cal_probe)
    d_ttft, d_tpot = pct(drift["ttft"], before["ttft"]), pct(drift["tpot"], before["tpot"])
    print(
        f"drift: one user after the sweep against the calibration's, p50 TTFT {fmt_pct(d_ttft).strip()}, "
        f"p50 TPOT {fmt_pct(d_tpot).strip()}"
        + (
            " (the machine's speed changed: the check measures the machine as much as the model)"
            if max(abs(d_ttft or 0), abs(d_tpot or 0)) > DRIFT_WARN_PCT
            else ""
        )  # fmt: skip
    )
    return finish(report, points, sim_sat, started)


def kept_run(folder: Path) -> Path:
    """A folder a --keep run left: one clear line and exit 2 when it is not one."""
    missing = [name for name in ("calibration.json", "sweep.json") if not (folder / name).is_file()]
    if missing:
        print(f"error: {folder} is not a kept run (no {', '.join(missing)})", file=sys.stderr)
        print("hint: a kept run is the folder `python scripts/capacity_check.py --keep DIR` wrote", file=sys.stderr)
        raise SystemExit(2)
    return folder


def rescore(folder: Path, args) -> int:
    """Calibrate and validate the files of a kept run again: the same deterministic simulation, no server."""
    from tests.llama_server import build_artifacts

    gguf = build_artifacts()[1]
    model = ["--model", gguf, "--hardware", "host"]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MI50PLAN_CONFIG_DIR"] = str(Path(tmp) / "config")
        cal = json.loads(cli("calibrate", str(folder / "calibration.json"), *model, "--json"))["calibration"]
        factors = {k: cal.get(k, 0.0) for k in FACTORS}
        cal_probe = json.loads((folder / "calibration.json").read_text())["probes"][-1]
        sim_sat = simulated_saturation(gguf, cal_probe, factors, args.prompt_tokens, args.output_tokens)
        print(
            f"rescored {folder}: {describe(cal, gguf, cal_probe)}; simulated saturation "
            f"{sim_sat:.3f} req/s"
        )
        report = json.loads(cli("validate", str(folder / "sweep.json"), *model, "--json"))
    points = {round(p["rate"], 4): p for p in json.loads((folder / "sweep.json").read_text())["probes"][-1]["points"]}
    return finish(report, points, sim_sat, started)


def cross(folders: list[str]) -> int:
    """Robustness of the calibration: fitted on one kept run's calibration phase, scored on every kept sweep."""
    from planner.planning.load_curve import fit_load_factors, model_for, score_sweep
    from planner.planning.validate import ModelSettings, context_for
    from tests.llama_server import build_artifacts

    gguf = build_artifacts()[1]
    ctx_of = lambda server: context_for(ModelSettings(model=gguf, hardware="host"), server)  # noqa: E731
    runs = {Path(f).name: kept_run(Path(f)) for f in folders}
    verdicts = []
    head = ("fit on", "scored", "checked ok", "worst TTFT", "worst TPOT", "saturation")
    print(" ".join(f"{h:>8}" if i < 2 else f"{h:>10}" for i, h in enumerate(head)) + "  verdict")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MI50PLAN_CONFIG_DIR"] = str(Path(tmp) / "config")
        for a, fa in runs.items():
            _, cal, _ = fit_load_factors(json.loads((fa / "calibration.json").read_text()), ctx_of, None)
            for b, fb in runs.items():
                probe = json.loads((fb / "sweep.json").read_text())["probes"][-1]
                score = score_sweep(model_for(ctx_of(probe["server"]), probe, None), cal, probe["points"])
                oks = [abs(t) <= P50_TARGET_PCT and abs(p) <= P50_TARGET_PCT for _, t, p in score.rows]
                worst = [max((row[k] for row in score.rows), key=abs, default=0.0) for k in (1, 2)]
                sat = score.saturation_pct
                ok = bool(oks) and all(oks) and sat is not None and abs(sat) <= SATURATION_TARGET_PCT
                verdicts.append(ok)
                print(
                    f"{a:>8} {b:>8} {sum(oks):>5}/{len(oks):<4} {fmt_pct(worst[0])}    {fmt_pct(worst[1])}    "
                    f"{fmt_pct(sat)}  {'PASS' if ok else 'FAIL'}"
                )
    print(f"{sum(verdicts)}/{len(verdicts)} PASS")
    return 0 if all(verdicts) else 1


def finish(report: dict, points: dict, sim_sat: float, started: float) -> int:
    comps = report["comparisons"]
    by_rate: dict[float, dict] = {}
    for c in comps:
        if c.get("rate") is not None:
            by_rate.setdefault(c["rate"], {})[c["metric"]] = c
    sat = next(c for c in comps if c["metric"] == "saturation_rate")
    real_sat = sat["measured"]
    print(
        f"{'rate':>7} {'offered':>7} {'x sat':>6} {'n':>4} {'achieved':>8} {'kept up':>7} {'load':>5} "
        f"{'TTFT p50 sim':>12} {'real':>8} {'err':>7} {'TPOT p50 sim':>12} {'real':>8} {'err':>7}  checked"
    )
    checked = []
    for rate in sorted(by_rate):
        row, point = by_rate[rate], points.get(round(rate, 4), {})
        ttft, tpot, achieved = row["ttft_p50_s"], row["tpot_p50_s"], row["request_rate"]
        # The Poisson draw's own rate (sent / window) is what the server was offered and what was simulated.
        offered = ttft.get("offered_rate") or rate
        below = bool(ttft["kept_up"]) and (real_sat is None or offered < real_sat)
        e_ttft, e_tpot = pct(ttft["predicted"], ttft["measured"]), pct(tpot["predicted"], tpot["measured"])
        ok = all(e is not None and abs(e) <= P50_TARGET_PCT for e in (e_ttft, e_tpot))
        if below:
            checked.append(ok)
        load = point.get("load_average")
        load_text = "-" if load is None else f"{load:.1f}"
        print(
            f"{rate:7.3f} {offered:7.3f} {offered / sim_sat:6.2f} {point.get('measured', 0):4d} "
            f"{achieved['measured']:8.3f} {'yes' if ttft['kept_up'] else 'no':>7} {load_text:>5} "
            f"{ttft['predicted'] * 1000:10.0f}ms {ttft['measured'] * 1000:6.0f}ms {fmt_pct(e_ttft)} "
            f"{tpot['predicted'] * 1000:10.1f}ms {tpot['measured'] * 1000:6.1f}ms {fmt_pct(e_tpot)}  "
            + (("yes: " + ("within" if ok else "OUTSIDE")) if below else "no (past saturation)")
        )
    e_sat = pct(sat["predicted"], real_sat)
    sat_ok = e_sat is not None and abs(e_sat) <= SATURATION_TARGET_PCT
    print(
        f"saturation: simulated {sat['predicted']:.3f} req/s, measured "
        + (f"{real_sat:.3f} req/s ({e_sat:+.1f}%)" if real_sat else "not reached")
        + f"; kept up to {sat.get('kept_up_to') or 0:.3f} req/s, not from "
        + (f"{sat['overran_from']:.3f} req/s" if sat.get("overran_from") else "-")
    )
    within = sum(checked)
    verdict = "PASS" if checked and within == len(checked) and sat_ok else "FAIL"
    print(
        f"verdict: {verdict}: {within}/{len(checked)} rates below saturation with both p50s within "
        f"{P50_TARGET_PCT:g}%; saturation {'within' if sat_ok else 'OUTSIDE'} {SATURATION_TARGET_PCT:g}% "
        f"({time.perf_counter() - started:.0f} s in all; load average now {os.getloadavg()[0]:.1f})"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
