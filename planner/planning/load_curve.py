"""Measured load curves (`probe --rate/--users --save`) against the serving simulation: `validate` compares
them, `calibrate` fits the simulation to them (docs/methodology.md section 8).

The simulation is capacity's: the engine's scheduler (planner.core.simulate) for the server that was
probed (llama-server: its reported slots and context; Ollama: OLLAMA_NUM_PARALLEL slots; vLLM: the fit
plan's max_num_seqs, token budget and KV blocks) with step times from the speed model
(planner.planning.capacity.step_time_for), each load point simulated with the lengths its requests
really had and its own offered rate (or users). The statistics of both sides leave out the first 10% of
requests and use the same estimators (planner.core.simulate.event_rate, queue_growth, keeps_up).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, replace

from planner.core import measure
from planner.core.simulate import (
    WARMUP_SHARE,
    Lengths,
    Load,
    Scheduler,
    event_rate,
    keeps_up,
    queue_growth,
    saturation_rate,
    simulate,
)
from planner.core.speed import calibration_value, check_deployment
from planner.errors import UsageError
from planner.planning.capacity import (
    fit_batch_factor,
    llamacpp_scheduler,
    ollama_scheduler,
    overhead_s,
    step_time_for,
)
from planner.planning.comparing import backend_of, chosen_probes, comparison, deployment_of

BELOW_SATURATION_REQUESTS = 600  # simulated requests of a point the simulated server keeps up with
FIT_REQUESTS = 300  # per simulated point while fitting the batch factor
BATCH_SIGNAL_MIN = 0.05
DEFAULT_SLOTS = {"llamacpp": 4, "ollama": 1}  # llama-server -np auto (4); OLLAMA_NUM_PARALLEL 1 (engines/ollama.py)
NEUTRAL = {"decode": 1.0, "prefill": 1.0, "kv": 1.0, "batch": 1.0, "ttft_overhead_s": 0.0, "graph_build_s": 0.0}
CPU_STEP = {"step_decode": 1.0, "step_prefill": 1.0}
LONE_PROMPT = 64  # a prompt longer than the last checkpoint break: read in two micro-batches


def load_probes(contents: dict, probe_index: int | None) -> list[tuple[int, dict]]:
    """(index, probe) of the load probes in a results file (all, or the one --probe names)."""
    return [(i, p) for i, p in chosen_probes(contents["probes"], probe_index) if p.get("points")]


@dataclass(frozen=True)
class CurveModel:
    """The simulated server of one load probe: its scheduler and how to time its steps."""

    ctx: object  # planner.planning.validate.Context
    scheduler: Scheduler
    deployment: object  # planner.core.speed.Deployment, checked

    def step(self, cal):
        return step_time_for(self.ctx.resolved.spec, self.ctx.hw, self.deployment, cal)

    def sched(self, cal) -> Scheduler:
        graphs = calibration_value(cal, "graph_build_s") if self.scheduler.equal_split_ubatch else 0.0
        # a fitted llama.cpp CPU step has no TTFT overhead outside the loop (fit_cpu_step); the stored one is
        # the single-stream speed model's, for `predict`
        fitted_step = calibration_value(cal, "step_decode") and self.scheduler.equal_split_ubatch
        overhead = 0.0 if fitted_step else overhead_s(cal)
        return replace(self.scheduler, ttft_overhead_s=overhead, graph_build_s=graphs)


def _context_of(probe: dict) -> int:
    lengths = [r["prompt_tokens"] + r["output_tokens"] for p in probe["points"] for r in p.get("requests", ())]
    return max(lengths, default=2048)


def model_for(ctx, probe: dict, slots: int | None) -> CurveModel:
    """The scheduler of the server `probe` measured, as capacity plans it (planning/capacity.fit_candidate)."""
    d = check_deployment(ctx.resolved.spec, ctx.hw, deployment_of(ctx))
    details = probe["server"].get("details") or {}
    need = _context_of(probe)
    if ctx.engine == "vllm":
        from planner.engines.vllm import VllmOptions, plan_vllm

        length = ctx.context_limit or -(-need // 256) * 256
        opts = VllmOptions(dtype=d.dtype, quantization=d.quantization, max_model_len=length)
        plan = plan_vllm(ctx.resolved.spec, ctx.hw, opts, suggest=False)
        if not plan.fits:
            raise UsageError("--model", ctx.resolved.spec.model_id, f"the vLLM plan does not fit: {plan.error}")
        sched = Scheduler("vllm", slots or plan.max_num_seqs, plan.max_num_batched_tokens, plan.kv_cache_tokens, 16)
        return CurveModel(ctx, sched, d)
    n = slots or details.get("total_slots") or DEFAULT_SLOTS[ctx.engine]
    if ctx.engine == "llamacpp":
        n_ctx = details.get("n_ctx") or ctx.context_limit or need * n  # the whole cache
        return CurveModel(ctx, llamacpp_scheduler(ctx.resolved.spec, d, n, n_ctx), d)
    per_slot = ctx.context_limit or max(need, 2048)
    return CurveModel(ctx, ollama_scheduler(n, per_slot), d)


def point_lengths(point: dict) -> tuple[Lengths, Lengths] | None:
    """The lengths the point's completed requests really had (the server's counts)."""
    done = [r for r in point.get("requests", ()) if r.get("error") is None and r.get("output_tokens")]
    if not done:
        return None
    return (
        Lengths.empirical([max(1, int(r["prompt_tokens"])) for r in done]),
        Lengths.empirical([max(1, int(r["output_tokens"])) for r in done]),
    )


@dataclass(frozen=True)
class SimPoint:
    ttft_p50_s: float
    tpot_p50_s: float
    e2e_p50_s: float
    request_rate: float
    keeps_up: bool


def replay_of(point: dict) -> tuple[tuple[float, int, int], ...]:
    """(send time, prompt tokens, output tokens) of every request an open-loop point sent and got an answer
    to (a failed request's lengths are unknown): empty unless two or more."""
    sends = tuple(
        (float(r["sent_s"]), max(1, int(r["prompt_tokens"])), max(1, int(r["output_tokens"])))
        for r in point.get("requests", ())
        if r.get("error") is None and r.get("sent_s") is not None and r.get("output_tokens")
    )
    return sends if len(sends) >= 2 else ()


def simulate_point(
    model: CurveModel, cal, point: dict, *, requests: int | None = None, seed: int = 0, replay: bool = True
) -> SimPoint:
    """The simulated server under the point's own load, its statistics as loadgen computes them. An open-loop
    point is replayed: the server is sent the requests the probe sent, at the same times with the same
    lengths, so the comparison sees the model and not a second random draw of a few dozen arrivals."""
    lengths = point_lengths(point)
    if lengths is None:
        raise ValueError("no completed request")
    prompt, output = lengths
    sched, step = model.sched(cal), model.step(cal)
    if point.get("rate") is not None:
        rate = point.get("offered_rate") or point["rate"]
        sends = replay_of(point) if replay else ()
        if requests is None and not sends:
            below = rate < saturation_rate(sched, step, prompt, output, seed=seed, requests=300)
            requests = BELOW_SATURATION_REQUESTS if below else max(20, int(point.get("sent") or 0))
        load = Load(prompt, output, rate=rate, requests=len(sends) or max(2, requests or 2), seed=seed, replay=sends)
    else:
        load = Load(
            prompt,
            output,
            users=int(point["users"]),
            think_time_s=float(point.get("think_time_s") or 0.0),
            requests=max(2, requests or max(FIT_REQUESTS, int(point.get("sent") or 0))),
            seed=seed,
        )
    res = simulate(sched, step, load)
    window = res.records[int(len(res.records) * WARMUP_SHARE) :]
    done = [r for r in window if not r.rejected]
    achieved = event_rate([r.finish_s for r in done])
    growth = queue_growth([r.ttft_s for r in done])
    sent_rate = event_rate([r.arrival_s for r in window]) if load.rate is not None else None
    kept = len(done) >= 2 and keeps_up(sent_rate, achieved, growth)
    return SimPoint(res.ttft.p50, res.tpot.p50, res.e2e.p50, achieved, kept)


def point_name(point: dict) -> str:
    return f"rate {point['rate']:g}/s" if point.get("rate") is not None else f"{point['users']} users"


def _label(point: dict) -> dict:
    where = {"rate": point.get("rate"), "users": point.get("users"), "offered_rate": point.get("offered_rate")}
    where["kept_up"] = point.get("keeps_up")
    return where


def compare_load(contents: dict, ctx_for, cals, probe_index: int | None, slots: int | None = None) -> list:
    """Per load point: simulated against measured p50 TTFT, p50 TPOT, p50 E2E and achieved requests/s;
    per probe: the simulated saturation rate against the measured one."""
    from planner.planning.load_probe import measured_saturation

    out = []
    for i, probe in load_probes(contents, probe_index):
        ctx = ctx_for(probe["server"])
        cal = cals.speed(ctx.hw, ctx.engine, backend_of(ctx))
        model = model_for(ctx, probe, slots)
        seed = int((probe.get("settings") or {}).get("seed") or 0)
        all_lengths = [point_lengths(p) for p in probe["points"]]
        for point, lengths in zip(probe["points"], all_lengths, strict=True):
            if lengths is None or not point.get("measured"):
                continue
            sim = simulate_point(model, cal, point, seed=seed)
            where = {"probe": i, **_label(point), "simulated_kept_up": sim.keeps_up}
            out.append(comparison("ttft_p50_s", sim.ttft_p50_s, point["ttft_s"]["p50"], "s", **where))
            out.append(comparison("tpot_p50_s", sim.tpot_p50_s, point["tpot_s"]["p50"], "s", **where))
            out.append(comparison("e2e_p50_s", sim.e2e_p50_s, (point.get("e2e_s") or {}).get("p50"), "s", **where))
            out.append(comparison("request_rate", sim.request_rate, point.get("request_rate"), "req/s", **where))
        measured = measured_saturation(probe["points"])
        sim_sat = simulated_saturation(model, cal, probe["points"], seed)
        if sim_sat is not None:
            where = {"probe": i, "kept_up_to": measured.kept_up_to, "overran_from": measured.overran_from}
            out.append(comparison("saturation_rate", sim_sat, measured.rate_per_s, "req/s", **where))
    return out


def simulated_saturation(model: CurveModel, cal, points: list[dict], seed: int) -> float | None:
    """The simulated server's saturation rate at the lengths the open-loop points' requests really had (None
    without such a point)."""
    lengths = [ln for p in points if p.get("rate") and (ln := point_lengths(p))]
    if not lengths:
        return None
    prompt = Lengths.empirical([v for ln in lengths for v in ln[0].values])
    output = Lengths.empirical([v for ln in lengths for v in ln[1].values])
    return saturation_rate(model.sched(cal), model.step(cal), prompt, output, seed=seed)


@dataclass(frozen=True)
class SweepScore:
    """A measured rate sweep scored against the simulation, as issue 13's check reads it (methodology section 8)."""

    rows: tuple[tuple[float, float, float], ...]  # per rate kept up with below the measured saturation:
    # (offered rate, p50 TTFT error %, p50 TPOT error %)
    saturation_pct: float | None  # simulated against measured saturation rate, %


def score_sweep(model: CurveModel, cal, points: list[dict], seed: int = 1) -> SweepScore:
    """The rates kept up with below the measured saturation (each simulated with the probe's own sends replayed)
    and the saturation rate, simulated against measured."""
    from planner.planning.load_probe import measured_saturation

    measured = measured_saturation(points)
    rows = []
    for p in points:
        rate = p.get("offered_rate") or p["rate"]
        if p["keeps_up"] and measured.rate_per_s is not None and rate < measured.rate_per_s:
            sim = simulate_point(model, cal, p, seed=seed)
            ttft = measure.error_pct(sim.ttft_p50_s, p["ttft_s"]["p50"])
            rows.append((rate, ttft, measure.error_pct(sim.tpot_p50_s, p["tpot_s"]["p50"])))
    sat = simulated_saturation(model, cal, points, seed)
    return SweepScore(tuple(rows), measure.error_pct(sat, measured.rate_per_s))


# ---- calibration --------------------------------------------------------------------------------------


def _after_warmup(point: dict) -> list[dict]:
    """The point's requests in send order without the first WARMUP_SHARE of them."""
    sent = sorted(point.get("requests", ()), key=lambda r: r.get("sent_s") or 0.0)
    return sent[int(len(sent) * WARMUP_SHARE) :]


def isolated_requests(point: dict) -> list[dict]:
    """Completed requests of a point that ran alone: no other request of the point was in flight."""
    done = [r for r in point.get("requests", ()) if r.get("error") is None and r.get("e2e_s") and r.get("ttft_s")]
    spans = sorted((r["sent_s"], r["sent_s"] + r["e2e_s"], k) for k, r in enumerate(done))
    alone = []
    latest_end = -math.inf  # of every request sent before this one
    for j, (start, end, k) in enumerate(spans):
        next_start = spans[j + 1][0] if j + 1 < len(spans) else math.inf
        if latest_end <= start and next_start >= end:
            alone.append(done[k])
        latest_end = max(latest_end, end)
    return alone


def fit_load_factors(contents: dict, ctx_for, probe_index: int | None, slots: int | None = None):
    """Decode, prefill, batch factors and the TTFT overhead that make the simulation reproduce the curve.

    Requests that ran alone fit the prefill factor and overhead (TTFT = overhead + prefill of their
    prompt: the overhead shows against several prompt lengths) and the decode factor (TPOT = one
    decode step at their mean depth); the points with batches fit the batch factor (their simulated
    p50 TPOT equal to the measured one, the geometric mean over the points weighted by requests);
    three rounds, since the batch factor moves the single-stream step. The KV-read factor stays 1."""
    probes = load_probes(contents, probe_index)
    if not probes:
        raise UsageError("calibrate", None, "no load probe in the file", hint="probe with --rate or --users and --save")
    ctx = ctx_for(probes[0][1]["server"])
    models = [(i, probe, model_for(ctx, probe, slots)) for i, probe in probes]
    alone = [r for _, probe, _ in models for p in probe["points"] for r in isolated_requests(p)]
    if len(alone) < 3:
        raise UsageError(
            "calibrate",
            None,
            f"only {len(alone)} requests of the load probe ran alone; 3 or more fit the single-request speed",
            hint="include a light load: --users 1 or a low --rate (several prompt lengths separate the overhead)",
        )
    batched = [
        (model, probe, p)
        for _, probe, model in models
        for p in probe["points"]
        if (p.get("rate") is not None or (p.get("users") or 1) > 1) and (p.get("tpot_s") or {}).get("p50")
        and p.get("measured", 0) >= 5
    ]  # fmt: skip
    cal = dict(NEUTRAL)
    model = models[0][2]
    if ctx.engine == "llamacpp" and ctx.hw.profile.platform == "cpu":
        # as the statistics of a point, the first WARMUP_SHARE of its requests are left out (the first ones
        # after a server's start read weights not yet in memory)
        steady = [
            r
            for _, probe, _ in models
            for p in probe["points"]
            for r in isolated_requests({"requests": _after_warmup(p)})
        ]
        steady = steady if len(steady) >= 3 else alone
        busy = [(m, probe, p) for m, probe, p in batched if p.get("users") and p["users"] > 1 and quiet(ctx, p)]
        cal = {**fit_single_stream(ctx, steady), **fit_output_cost(model, steady, busy)}
        return ctx, cal, _sources(models, alone, batched)
    for _ in range(3):
        unit = {**cal, "decode": 1.0, "prefill": 1.0, "ttft_overhead_s": 0.0}
        step = model.step(unit)
        tpot_pred, tpot_meas, pre_pred, ttft_meas = [], [], [], []
        for r in alone:
            if r.get("tpot_s") and r["output_tokens"] > 1:
                tpot_pred.append(step(1, r["prompt_tokens"] + r["output_tokens"] / 2, 0, 0.0))
                tpot_meas.append(r["tpot_s"])
            pre_pred.append(step(0, 0.0, int(r["prompt_tokens"]), 0.0))
            ttft_meas.append(r["ttft_s"])
        cal["decode"] = 1.0 / measure.fit_scale(tpot_pred, tpot_meas)
        overhead, scale = measure.fit_overhead_and_scale(pre_pred, ttft_meas)
        cal["prefill"], cal["ttft_overhead_s"] = 1.0 / scale, overhead
        logs, weights = [], []
        for m, probe, p in batched:
            seed = int((probe.get("settings") or {}).get("seed") or 0)

            def tpot_of(b: float, m=m, p=p, seed=seed) -> float:
                return simulate_point(m, {**cal, "batch": b}, p, requests=FIT_REQUESTS, seed=seed).tpot_p50_s

            # A point whose batches are too small to show the batched compute (the weight read dominates
            # every step) says nothing about the batch factor: around the factor it fits, halving or
            # doubling it moves TPOT < 5%. (Checked at the fitted factor, not at 1: whether the GEMMs
            # outlast the weight read depends on the factor itself.)
            b = fit_batch_factor(tpot_of, p["tpot_s"]["p50"])
            if abs(tpot_of(b / 2) - tpot_of(b * 2)) < BATCH_SIGNAL_MIN * tpot_of(b):
                continue
            logs.append(math.log(b))
            weights.append(p["measured"])
        if logs:
            cal["batch"] = math.exp(sum(w * v for w, v in zip(weights, logs, strict=True)) / sum(weights))
    return ctx, cal, _sources(models, alone, batched)


def _sources(models, alone, batched) -> list[dict]:
    sources = [
        {"probe": i, "probed_at": probe.get("probed_at"), "blocks": [point_name(p) for p in probe["points"]]}
        for i, probe, _ in models
    ]
    for source in sources:
        source["alone_requests"] = len(alone)
        source["batched_points"] = len(batched)
    return sources


def theil_sen(xs: list[float], ys: list[float]) -> float | None:
    """The median of the pairwise slopes (Theil-Sen): one slow request, like the first after start-up,
    does not tilt it. None when every x is the same."""
    slopes = sorted(
        (ys[j] - ys[i]) / (xs[j] - xs[i])
        for i in range(len(xs))
        for j in range(i + 1, len(xs))
        if abs(xs[j] - xs[i]) > 1e-12
    )
    return statistics.median(slopes) if slopes else None


def lone_prompt_steps(sched: Scheduler, prompt: int) -> list[tuple[int, float, int, float]]:
    """The step-time arguments of the steps that read one prompt on an idle server, as the simulation
    times them (planner.core.simulate: the prompt's last token is timed as a decoding sequence)."""
    steps, done = [], 0
    while done < prompt:
        left = prompt - done
        c = min([left, sched.max_batch_tokens] + [left - b for b in sched.prompt_breaks if left > b])
        steps.append((1, float(done + c - 1), c - 1, float(done)) if c == left else (0, 0.0, c, float(done)))
        done += c
    return steps


def fit_cpu_step(model: CurveModel, alone: list[dict]) -> dict:
    """The factors of the llama.cpp CPU step (engines/llamacpp_scheduling.py) from the requests that ran
    alone: the step is affine in 1/decode (weight reads, KV) and 1/prefill (GEMMs, output head, attention).
    TTFT = the prompt's steps + the set-up of their graphs: the slope of TTFT over the steps' compute part
    (Theil-Sen) is 1/prefill; TPOT = one decode step: its read part gives 1/decode (median over the
    requests); what the steps leave of TTFT (median), over the prompt's micro-batches, is the graph set-up
    (docs/methodology.md section 8 says why it is attributed so). A lone step's one output token is inside
    the read (fit_output_cost fits the work of the others). The batch factor stays 1 and the TTFT overhead 0."""
    unit = {**NEUTRAL, **CPU_STEP}
    sched = model.sched(unit)
    full, reads_only = model.step(unit), model.step({**unit, "step_prefill": 1e12})

    def parts(args) -> tuple[float, float]:
        read = reads_only(*args)
        return read, full(*args) - read

    ttft_parts, ttfts, tpot_parts, tpots = [], [], [], []
    for r in alone:
        steps = [parts(a) for a in lone_prompt_steps(sched, int(r["prompt_tokens"]))]
        ttft_parts.append((sum(a for a, _ in steps), sum(b for _, b in steps)))
        ttfts.append(r["ttft_s"])
        if r.get("tpot_s") and r["output_tokens"] > 1:
            tpot_parts.append(parts((1, r["prompt_tokens"] + r["output_tokens"] / 2, 0, 0.0)))
            tpots.append(r["tpot_s"])
    slope = theil_sen([c for _, c in ttft_parts], ttfts)
    if slope is None or slope <= 0:
        raise UsageError(
            "calibrate",
            None,
            "the lone requests' TTFT does not grow with their prompts: the prefill speed cannot be fitted",
            hint="probe --users 1 with several prompt lengths, e.g. --prompt-tokens uniform:16-128",
        )
    prefill = 1.0 / slope
    if not tpot_parts:
        raise UsageError(
            "calibrate",
            None,
            "no lone request generated more than one token: the decode step cannot be fitted",
            hint="probe with --output-tokens 2 or more (e.g. --output-tokens 24)",
        )
    # the read part's scale: what the compute leaves of each TPOT, at least a tenth of the speed model's read
    read_scale = statistics.median(
        max(0.1 * rd, t - c / prefill) / rd for (rd, c), t in zip(tpot_parts, tpots, strict=True)
    )
    decode = 1.0 / read_scale
    left = statistics.median(t - rd / decode - c / prefill for (rd, c), t in zip(ttft_parts, ttfts, strict=True))
    # what the steps leave of a lone TTFT is taken as the set-up of the prompt's micro-batch graphs (each a new
    # shape: neither reuses the previous graph), not as a fixed overhead outside the server's loop
    builds = len(lone_prompt_steps(sched, LONE_PROMPT))
    return {
        "step_decode": decode,
        "step_prefill": prefill,
        "graph_build_s": max(0.0, left) / builds,
        "batch": 1.0,
        "step_output_s": 0.0,
    }


def quiet(ctx, point: dict) -> bool:
    """Whether a point ran without other work on the machine: its load average (at its end, on the machine that
    probed) at most the cores of the hardware calibrated. A loaded machine slows a busy point far more than a
    lone one (the server's loop, its HTTP threads and the load generator share the cores with the other work),
    which is not the server's own work per output token: such a point does not fit it."""
    load, cores = point.get("load_average"), ctx.hw.profile.cpu_cores
    return load is None or not cores or float(load) <= cores


def fit_output_cost(model: CurveModel, steady: list[dict], busy: list[tuple[CurveModel, dict, dict]]) -> dict:
    """The CPU step with the server's work per output token (sampling, detokenising, streaming) fitted too.

    Lone requests cannot tell it from the weight read (one output per step, always); the calibration's closed
    loop of several users can: its steps carry one output per generating slot. The lone requests fit the rest
    (fit_cpu_step: a lone step's one output is inside its read), and c, paid by every further generating slot
    of a step, is the value whose simulated p50 TPOT of the busy points equals the measured one (bisection; the
    mean over the points weighted by their requests). Without such a point, or where the busy points ask for
    none, c = 0: the step of the lone requests alone."""
    base = fit_cpu_step(model, steady)
    if not busy:
        return base
    # at most the whole lone TPOT less a tenth (fit_cpu_step keeps a tenth of the read part)
    lone = statistics.median(r["tpot_s"] for r in steady if r.get("tpot_s") and r["output_tokens"] > 1)
    cap = 0.9 * lone
    fits, weights = [], []
    for m, probe, p in busy:
        seed = int((probe.get("settings") or {}).get("seed") or 0)

        def tpot_of(c: float, m=m, p=p, seed=seed) -> float:
            cal = {**base, "step_output_s": c}
            return simulate_point(m, cal, p, requests=FIT_REQUESTS, seed=seed).tpot_p50_s

        target = p["tpot_s"]["p50"]
        lo, hi = 0.0, cap
        if tpot_of(lo) >= target:
            hi = lo  # the lone step already reaches the busy TPOT: no work per further output
        elif tpot_of(hi) < target:
            lo = hi  # at most the cap
        for _ in range(20 if lo < hi else 0):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if tpot_of(mid) < target else (lo, mid)
        fits.append((lo + hi) / 2)
        weights.append(p["measured"])
    return {**base, "step_output_s": sum(w * f for w, f in zip(weights, fits, strict=True)) / sum(weights)}


def fit_single_stream(ctx, alone: list[dict]) -> dict:
    """decode, prefill and the TTFT overhead of the speed model, what `predict` and `fit` use, from the
    requests that ran alone: TPOT_i = the predicted single-stream TPOT / decode (one scale), TTFT_i =
    overhead + the predicted prefill time / prefill (relative least squares, section 6)."""
    from planner.planning.predict import run_prediction

    unit = {"decode": 1.0, "prefill": 1.0, "kv": 1.0, "ttft_overhead_s": 0.0}
    tpot_pred, tpot_meas, ttft_pred, ttft_meas = [], [], [], []
    for r in alone:
        lengths = max(1, int(r["prompt_tokens"])), max(2, int(r["output_tokens"]))
        # as validate.predict_for: the probed server's deployment, one stream, no depth
        pred = run_prediction(
            ctx.resolved, ctx.hw, deployment_of(ctx), *lengths, 1, 0, unit, context_limit=ctx.context_limit
        )
        if r.get("tpot_s") and r["output_tokens"] > 1:
            tpot_pred.append(1.0 / pred.decode_tokens_per_s)
            tpot_meas.append(r["tpot_s"])
        ttft_pred.append(pred.ttft_s)
        ttft_meas.append(r["ttft_s"])
    overhead, scale = measure.fit_overhead_and_scale(ttft_pred, ttft_meas)
    decode = 1.0 / measure.fit_scale(tpot_pred, tpot_meas) if tpot_pred else 1.0
    return {**NEUTRAL, "decode": decode, "prefill": 1.0 / scale, "ttft_overhead_s": overhead}
