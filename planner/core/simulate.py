"""Serving under load: a discrete-event simulation of each engine's scheduler. Pure (no I/O, no clock).

The server advances one engine step at a time; a step's duration comes from a step-time function
``step_time(decode_seqs, decode_depth, prefill_tokens, prefill_depth) -> seconds`` that sees the
batch's real shape: how many sequences decode one token, their mean context depth, how many prompt
tokens are computed in the same step and the token-weighted mean depth those start at
(planner.planning.capacity builds one from planner.core.speed; docs/methodology.md "Capacity").

Schedulers (docs/methodology.md "Capacity" cites the source lines):

- ``vllm``: vLLM V1 continuous batching (vllm/v1/core/sched/scheduler.py). Every step has a budget
  of max_num_batched_tokens; running requests are served first (a decode takes one token, an
  unfinished prompt a chunk of what is left: chunked prefill), then waiting requests are admitted
  FCFS while the budget, max_num_seqs and the KV blocks allow. KV is paged in blocks of block_size
  tokens; when a running request needs a block and none is free, the newest running request is
  preempted: its blocks are freed and it recomputes its prompt and generated tokens later
  (RECOMPUTE, the only V1 mode). No waiting request is admitted in a step that preempted.
  With ``prefill_first`` (vLLM V0 without chunked prefill, vllm/core/scheduler.py _schedule_default):
  waiting prompts are admitted whole, FCFS, while max_num_batched_tokens, max_num_seqs and the blocks
  allow; a step that admits any runs those prompts only, and the running requests decode in the steps
  that admit none ("By default, vLLM scheduler prioritizes prefills", vLLM PR #7874). V0 with chunked
  prefill follows the V1 rules above with its own budget (512 tokens in 0.6.x).
- ``llamacpp``: llama-server slots (tools/server/server.cpp update_slots). -np slots; a request
  waits FIFO for a free slot; each step builds one batch of up to n_batch tokens: one token for
  every generating slot, then prompt tokens of the slots still reading their prompt; the batch runs
  in n_ubatch micro-batches (inside the step time). With a unified KV cache the slots share
  ``kv_tokens`` cells; otherwise every slot owns ``slot_tokens`` and a longer request is rejected.
- ``ollama``: the same slot loop with OLLAMA_NUM_PARALLEL slots, num_batch 512 and a FIFO queue
  of OLLAMA_MAX_QUEUE (512) requests beyond which a request is rejected (HTTP 503).

The first token of a request is sampled at the end of the step that computes its last prompt
token; TTFT = that time - arrival (+ a fixed per-request overhead), TPOT = (finish - first token) /
(output - 1), E2E = finish - arrival. Loads: Poisson arrivals at a rate (seeded), or N closed-loop
users who each send, wait for the answer, think (exponential, mean think_time_s) and send again;
``prompt_cached`` loads find every prompt's full KV blocks in vLLM's prefix cache (a rerun of the same prompts).
A run of steps that only decode (nothing to admit, nothing arriving) is advanced in one jump: the
step time is affine in depth, so k steps cost k x the step at the middle depth.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

StepTime = Callable[[int, float, int, float], float]
ENGINES = ("vllm", "llamacpp", "ollama")
# Requests discarded at the start of each run before the statistics: the empty server fills up.
WARMUP_SHARE = 0.1


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile of already sorted values (numpy's default); nan when empty."""
    if not sorted_values:
        return math.nan
    rank = (len(sorted_values) - 1) * pct / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


@dataclass(frozen=True)
class Lengths:
    """Token lengths of requests: fixed, uniform between two bounds, or drawn from a list of real ones."""

    kind: str  # fixed | uniform | empirical
    values: tuple[int, ...]

    @classmethod
    def fixed(cls, n: int) -> Lengths:
        return cls("fixed", (int(n),))

    @classmethod
    def uniform(cls, low: int, high: int) -> Lengths:
        return cls("uniform", (int(low), int(high)))

    @classmethod
    def empirical(cls, values: Sequence[int]) -> Lengths:
        return cls("empirical", tuple(int(v) for v in values))

    def __post_init__(self) -> None:
        if self.kind not in ("fixed", "uniform", "empirical"):
            raise ValueError(f"unknown length distribution {self.kind!r}")
        if not self.values or min(self.values) < 1:
            raise ValueError("lengths must be 1 token or more")
        if self.kind == "uniform" and (len(self.values) != 2 or self.values[0] > self.values[1]):
            raise ValueError("uniform lengths need low <= high")

    def sample(self, rng: random.Random) -> int:
        if self.kind == "fixed":
            return self.values[0]
        if self.kind == "uniform":
            return rng.randint(self.values[0], self.values[1])
        return self.values[rng.randrange(len(self.values))]

    @property
    def mean(self) -> float:
        if self.kind == "uniform":
            return (self.values[0] + self.values[1]) / 2
        return sum(self.values) / len(self.values)

    @property
    def maximum(self) -> int:
        return max(self.values)

    def describe(self) -> str:
        if self.kind == "fixed":
            return str(self.values[0])
        if self.kind == "uniform":
            return f"uniform:{self.values[0]}-{self.values[1]}"
        return f"empirical ({len(self.values)} lengths, mean {self.mean:.0f})"


@dataclass(frozen=True)
class Load:
    prompt: Lengths
    output: Lengths
    rate: float | None = None  # requests/s, Poisson arrivals
    users: int | None = None  # closed loop instead of a rate
    think_time_s: float = 0.0  # mean, exponential
    requests: int = 1000  # sent in all (the first WARMUP_SHARE are not measured)
    seed: int = 0
    # vLLM prefix caching with every prompt already seen (a benchmark rerun of the same prompts on the same
    # server): the prompt's full blocks are cached, at most prompt - 1 tokens (V1 kv_cache_manager
    # get_computed_blocks recomputes the last prompt token to get its logits).
    prompt_cached: bool = False
    # Replay of a measured open-loop run: (send time s, prompt tokens, output tokens) of each request it sent,
    # instead of Poisson draws at `rate` (which stays the run's offered rate) and lengths drawn from the lists.
    replay: tuple[tuple[float, int, int], ...] = ()

    def __post_init__(self) -> None:
        if (self.rate is None) == (self.users is None):
            raise ValueError("a load has either a rate or a number of users")
        if self.rate is not None and not self.rate > 0:
            raise ValueError("the rate must be positive")
        if self.users is not None and self.users < 1:
            raise ValueError("users must be 1 or more")
        if self.requests < 2 or self.think_time_s < 0:
            raise ValueError("need 2 requests or more and a think time of 0 s or more")
        if self.replay and (self.rate is None or min(a for a, _, _ in self.replay) < 0):
            raise ValueError("a replayed run is an open-loop load sent at 0 s or later")
        if self.replay and min(min(p, o) for _, p, o in self.replay) < 1:
            raise ValueError("replayed lengths must be 1 token or more")


@dataclass(frozen=True)
class Scheduler:
    engine: str  # vllm | llamacpp | ollama
    max_seqs: int  # vLLM max_num_seqs; llama-server -np; OLLAMA_NUM_PARALLEL
    max_batch_tokens: int  # vLLM max_num_batched_tokens; llama-server -b (n_batch); Ollama num_batch
    kv_tokens: int  # KV capacity shared by all sequences (vLLM: blocks x block_size)
    block_size: int = 16  # vLLM paging; 1 for the slot engines (a cell per token)
    slot_tokens: int | None = None  # per-slot context of a non-unified cache (llama.cpp n_ctx_seq, num_ctx)
    max_queue: int | None = None  # Ollama OLLAMA_MAX_QUEUE
    ttft_overhead_s: float = 0.0  # fixed per-request time outside the steps (HTTP, tokenising)
    prefill_first: bool = False  # vLLM V0 without chunked prefill: whole prompts in prefill-only steps
    # llama-server with context checkpoints (a model with sliding-window or recurrent layers): a prompt's batch
    # stops this many tokens before the prompt's end, so the rest runs in a later step (server-context.cpp
    # checkpoint_offsets {4 + n_ubatch, 4}, each capped at n_batch; llama.cpp PR #20288)
    prompt_breaks: tuple[int, ...] = ()
    # llama.cpp without a unified KV cache (-np N without --kv-unified): llama_decode splits a batch with
    # split_equal(n_ubatch, sequential): a micro-batch takes the same number of tokens from each of a run of
    # consecutive slot ids, so decodes of slots 0 and 2, or a slot's prompt beside others' decodes, run in
    # separate micro-batches, each a graph evaluation that reads the weights (src/llama-batch.cpp,
    # llama-kv-cache-iswa.cpp init_batch). Slots are taken least recently used first (get_available_slot).
    # 0: one micro-batch sequence (unified cache), timed as one step. Else the n_ubatch.
    equal_split_ubatch: int = 0
    # llama.cpp reuses the previous micro-batch's compute graph only when the next one has the same shape and
    # sequences (llm_graph_params::allow_reuse, llama_context::process_ubatch); otherwise it builds and
    # allocates a new one: this time per build (with equal_split_ubatch).
    graph_build_s: float = 0.0

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}")
        if self.max_seqs < 1 or self.max_batch_tokens < 1 or self.kv_tokens < 1 or self.block_size < 1:
            raise ValueError("scheduler limits must be positive")


@dataclass(frozen=True)
class Slo:
    ttft_s: float | None = None  # p95 targets
    tpot_s: float | None = None
    e2e_s: float | None = None

    def met_by(self, ttft: float, tpot: float, e2e: float) -> bool:
        return (
            (self.ttft_s is None or ttft <= self.ttft_s)
            and (self.tpot_s is None or tpot <= self.tpot_s)
            and (self.e2e_s is None or e2e <= self.e2e_s)
        )


@dataclass(frozen=True)
class Stats:
    mean: float
    p50: float
    p95: float
    p99: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        data = sorted(values)
        if not data:
            return cls(math.nan, math.nan, math.nan, math.nan)
        return cls(sum(data) / len(data), percentile(data, 50), percentile(data, 95), percentile(data, 99))


@dataclass(frozen=True)
class RequestRecord:
    arrival_s: float
    prompt_tokens: int
    output_tokens: int
    first_token_s: float  # nan when rejected
    finish_s: float
    preemptions: int = 0
    rejected: bool = False

    @property
    def ttft_s(self) -> float:
        return self.first_token_s - self.arrival_s

    @property
    def e2e_s(self) -> float:
        return self.finish_s - self.arrival_s

    @property
    def tpot_s(self) -> float:
        return (self.finish_s - self.first_token_s) / max(1, self.output_tokens - 1)


@dataclass(frozen=True)
class SimResult:
    engine: str
    offered_rate: float | None  # requests/s asked (None for a closed loop)
    users: int | None
    measured: int  # requests in the statistics (after warm-up, not rejected)
    rejected: int
    ttft: Stats
    tpot: Stats
    e2e: Stats
    request_rate: float  # achieved completions/s over the measured window
    throughput_tokens_per_s: float  # output tokens/s over the measured window
    goodput: float  # share of measured requests within every target (1.0 without targets)
    goodput_rate: float  # requests/s within the targets
    preemptions: int
    mean_batch: float  # sequences per step, time-weighted
    duration_s: float
    records: tuple[RequestRecord, ...] = field(default=(), repr=False)

    @property
    def stable(self) -> bool:
        """The server kept up: it completed what was offered (within 10%) and rejected nothing."""
        if self.rejected:
            return False
        return self.offered_rate is None or self.request_rate >= 0.9 * self.offered_rate

    def meets(self, slo: Slo) -> bool:
        return self.stable and slo.met_by(self.ttft.p95, self.tpot.p95, self.e2e.p95)


class _Req:
    __slots__ = ("arrival", "prompt", "output", "computed", "generated", "first", "finish", "blocks", "preempt", "slot")

    def __init__(self, arrival: float, prompt: int, output: int) -> None:
        self.arrival, self.prompt, self.output = arrival, prompt, output
        self.computed = self.generated = self.blocks = self.preempt = self.slot = 0
        self.first = self.finish = math.nan

    @property
    def pending(self) -> int:  # tokens whose KV is not computed yet (prompt, or recompute after preemption)
        return self.prompt + self.generated - self.computed


def simulate(sched: Scheduler, step_time: StepTime, load: Load, slo: Slo | None = None) -> SimResult:
    """Run `load` through the engine's scheduler; statistics over all but the warm-up requests."""
    rng = random.Random(load.seed)
    arrivals: list[tuple[float, int, _Req]] = []  # heap of (time, seq, request)
    sent = 0

    def new_request(at: float, lengths: tuple[int, int] | None = None) -> None:
        nonlocal sent
        req = _Req(at, *(lengths or (load.prompt.sample(rng), load.output.sample(rng))))
        if load.prompt_cached and sched.engine == "vllm":
            req.computed = (req.prompt - 1) // sched.block_size * sched.block_size
        heapq.heappush(arrivals, (at, sent, req))
        sent += 1

    if load.replay:
        for at, prompt, output in sorted(load.replay):
            new_request(at, (prompt, output))
    elif load.rate is not None:
        t_arr = 0.0
        for _ in range(load.requests):
            t_arr += rng.expovariate(load.rate)
            new_request(t_arr)
    else:
        for _ in range(min(load.users or 1, load.requests)):
            new_request(0.0)

    bs = sched.block_size
    slot_engine = sched.engine != "vllm"
    free = sched.kv_tokens // bs  # blocks (cells for the slot engines)
    waiting: deque[_Req] = deque()
    running: list[_Req] = []
    done: list[_Req] = []
    rejected: list[_Req] = []
    t = 0.0
    busy_seq_time = busy_time = 0.0
    preemptions = 0
    slot_used = [-math.inf] * sched.max_seqs  # when each slot was last released (llama.cpp t_last_used)
    last_graph: tuple = ()  # the shape of the last micro-batch's graph (equal_split_ubatch)

    def reject(req: _Req) -> None:
        req.finish = t
        rejected.append(req)
        if load.users is not None and sent < load.requests:
            new_request(t + (rng.expovariate(1 / load.think_time_s) if load.think_time_s else 0.0))

    def blocks_for(tokens: int) -> int:
        return -(-tokens // bs)

    def fits_ever(req: _Req) -> bool:
        need = req.prompt + req.output
        if slot_engine and sched.slot_tokens is not None and need > sched.slot_tokens:
            return False
        if sched.prefill_first and need > sched.max_batch_tokens:  # beyond max_model_len <= the budget
            return False
        return blocks_for(need) <= sched.kv_tokens // bs

    while arrivals or waiting or running:
        while arrivals and arrivals[0][0] <= t:
            req = heapq.heappop(arrivals)[2]
            if not fits_ever(req) or (sched.max_queue is not None and len(waiting) >= sched.max_queue):
                reject(req)
            else:
                waiting.append(req)
        if not waiting and not running:
            if not arrivals:  # the last request was rejected
                break
            t = arrivals[0][0]
            continue

        # ---- build one step: (request, tokens) pairs ----
        chunks: list[tuple[_Req, int]] = []
        budget = sched.max_batch_tokens
        preempted = False
        if not slot_engine and sched.prefill_first:
            # V0 _schedule_default: whole waiting prompts first; the running requests decode only in a
            # step that admits none. A prompt longer than the budget never runs (vLLM refuses such a
            # max_num_batched_tokens < max_model_len at start-up).
            while waiting and len(running) < sched.max_seqs:
                r = waiting[0]
                need = blocks_for(r.computed + r.pending) - r.blocks
                if r.pending > budget or need > free:
                    break
                waiting.popleft()
                free -= need
                r.blocks += need
                running.append(r)
                chunks.append((r, r.pending))
                budget -= r.pending
        if chunks:
            pass
        elif not slot_engine:
            i = 0
            while i < len(running) and budget > 0:
                r = running[i]
                c = min(r.pending, budget)
                need = blocks_for(r.computed + c) - r.blocks
                while need > free:  # preempt the newest running request (RECOMPUTE)
                    victim = running.pop()
                    free += victim.blocks
                    victim.blocks = victim.computed = 0
                    victim.preempt += 1
                    preemptions += 1
                    preempted = True
                    waiting.appendleft(victim)
                    if victim is r:
                        break
                if r.blocks == 0 and r.computed == 0 and waiting and waiting[0] is r:
                    break  # r preempted itself: nothing more runs this step
                free -= need
                r.blocks += need
                chunks.append((r, c))
                budget -= c
                i += 1
            if not preempted and not sched.prefill_first:
                while waiting and budget > 0 and len(running) < sched.max_seqs:
                    r = waiting[0]
                    c = min(r.pending, budget)
                    need = blocks_for(r.computed + c) - r.blocks
                    if need > free:
                        break
                    waiting.popleft()
                    free -= need
                    r.blocks += need
                    running.append(r)
                    chunks.append((r, c))
                    budget -= c
        else:
            while waiting and len(running) < sched.max_seqs:
                r = waiting[0]
                need = r.prompt + r.output  # cells a slot fills by the end of the request
                if sched.slot_tokens is None and need > free:
                    break
                waiting.popleft()
                if sched.slot_tokens is None:
                    free -= need
                taken = {q.slot for q in running}
                # the least recently used free slot; of equals the last one (`slot.t_last_used <= t_last`)
                r.slot = min((i for i in range(sched.max_seqs) if i not in taken), key=lambda i: (slot_used[i], -i))
                running.append(r)
            if sched.equal_split_ubatch:
                running.sort(key=lambda q: q.slot)  # llama-server iterates its slots in id order
            for r in running:  # generating slots first: one token each
                if r.pending == 1 and r.generated:
                    chunks.append((r, 1))
                    budget -= 1
            for r in running:  # then prompts, slot by slot, while the batch has room
                if budget <= 0:
                    break
                if not (r.pending == 1 and r.generated):
                    c = min([r.pending, budget] + [r.pending - b for b in sched.prompt_breaks if r.pending > b])
                    chunks.append((r, c))
                    budget -= c

        # ---- time the step ----
        dec_n = 0
        dec_depth = pre_tokens = 0
        pre_depth = 0.0
        for r, c in chunks:
            if c == 1 and r.generated:
                dec_n += 1
                dec_depth += r.computed
            elif slot_engine and c == r.pending:
                # llama-server and Ollama compute logits for a prompt's last token only, and sample it as
                # a decode: that token is timed as one more decoding sequence, the others as prompt tokens
                dec_n += 1
                dec_depth += r.computed + c - 1
                pre_tokens += c - 1
                pre_depth += r.computed * (c - 1)
            else:
                pre_tokens += c
                pre_depth += r.computed * c
        mean_dec = dec_depth / dec_n if dec_n else 0.0
        mean_pre = pre_depth / pre_tokens if pre_tokens else 0.0
        steps = 1
        only_decodes = not pre_tokens and dec_n and all(r.generated for r, _ in chunks)
        if only_decodes and not preempted and len(chunks) == len(running):
            # Decode only, and whatever waits cannot join before a request finishes: jump to the
            # first finish, the next arrival or the first block the KV cache cannot give.
            steps = min(r.output - r.generated for r, _ in chunks)
            if not slot_engine:
                steps = min(steps, _steps_within_blocks(chunks, free, bs))
            dt1 = step_time(dec_n, mean_dec, 0, 0.0) if arrivals and steps > 1 else 0.0
            if dt1 > 0:
                steps = max(1, min(steps, math.ceil((arrivals[0][0] - t) / dt1)))
        if sched.equal_split_ubatch and slot_engine:
            pieces = _equal_split([(r, r.computed, c) for r, c in chunks], sched.equal_split_ubatch)
            dt = steps * sum(step_time(*_shape(piece, steps)) for piece in pieces)
            graphs = [tuple((r.slot, k) for r, _, k in piece) for piece in pieces]
            builds = sum(g != h for g, h in zip(graphs, [last_graph, *graphs[:-1]], strict=True))
            builds += (steps - 1) * sum(g != h for g, h in zip(graphs, [graphs[-1], *graphs[:-1]], strict=True))
            dt += builds * sched.graph_build_s
            last_graph = graphs[-1]
        elif steps > 1:
            dt = steps * step_time(dec_n, mean_dec + (steps - 1) / 2, 0, 0.0)
        else:
            dt = step_time(dec_n, mean_dec, pre_tokens, mean_pre)
        t += dt
        busy_time += dt
        busy_seq_time += dt * len(chunks)

        # ---- apply the step ----
        for r, c in chunks:
            if steps > 1:  # decodes only
                if not slot_engine:
                    grow = blocks_for(r.computed + steps) - r.blocks
                    free -= grow
                    r.blocks += grow
                r.computed += steps
                r.generated += steps
                continue
            r.computed += c
            if r.pending == 0:  # the step computed the last known token: one more is sampled
                r.generated += 1
                if r.generated == 1:
                    r.first = t
        still = []
        for r in running:
            if r.generated >= r.output:
                r.finish = t
                slot_used[r.slot] = t
                done.append(r)
                free += r.blocks if not slot_engine else (0 if sched.slot_tokens else r.prompt + r.output)
                r.blocks = 0
                if load.users is not None and sent < load.requests:
                    think = rng.expovariate(1 / load.think_time_s) if load.think_time_s else 0.0
                    new_request(t + think)
            else:
                still.append(r)
        running = still

    return _result(sched, load, slo, done, rejected, busy_time, busy_seq_time, preemptions)


def _equal_split(pieces: list[tuple[_Req, int, int]], n_ubatch: int) -> list[list[tuple[_Req, int, int]]]:
    """llama.cpp split_equal(n_ubatch, sequential=True) of a batch of (request, first position, tokens) in
    batch order: each micro-batch takes, from a run of consecutive slot ids starting at the first unused
    token's slot, the same number of tokens per slot (the fewest any of them has left, within n_ubatch)."""
    left = [[r, start, n] for r, start, n in pieces]
    out = []
    while any(n for _, _, n in left):
        run: list[list] = []
        for item in left:
            if item[2] and (not run or item[0].slot == run[-1][0].slot + 1):
                run.append(item)
        k = max(1, min(min(n for _, _, n in run), n_ubatch // len(run)))
        out.append([(r, start, k) for r, start, _ in run])
        for item in run:
            item[1] += k
            item[2] -= k
    return out


def _shape(piece: list[tuple[_Req, int, int]], steps: int = 1) -> tuple[int, float, int, float]:
    """The step-time arguments of one micro-batch: decodes (and a prompt's last token, which is sampled
    like one) with their mean depth, then the other prompt tokens with the mean depth they start at;
    `steps` > 1: that many decode-only steps, at their middle depth."""
    dec_n = pre = 0
    dec_depth = pre_depth = 0.0
    for r, start, k in piece:
        if r.generated and k == 1 and start == r.computed and r.pending == 1:
            dec_n += 1
            dec_depth += start + (steps - 1) / 2
        elif start + k == r.computed + r.pending:  # ends the prompt
            dec_n += 1
            dec_depth += start + k - 1
            pre += k - 1
            pre_depth += start * (k - 1)
        else:
            pre += k
            pre_depth += start * k
    return dec_n, dec_depth / dec_n if dec_n else 0.0, pre, pre_depth / pre if pre else 0.0


def _steps_within_blocks(chunks: list[tuple[_Req, int]], free: int, bs: int) -> int:
    """How many decode steps the running requests take before they need more blocks than are free."""
    horizon = min(r.output - r.generated for r, _ in chunks)
    lo, hi = 1, max(1, horizon)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        need = sum(max(0, -(-(r.computed + mid) // bs) - r.blocks) for r, _ in chunks)
        if need <= free:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _result(
    sched: Scheduler,
    load: Load,
    slo: Slo | None,
    done: list[_Req],
    rejected: list[_Req],
    busy_time: float,
    busy_seq_time: float,
    preemptions: int,
) -> SimResult:
    records = sorted(
        [RequestRecord(r.arrival, r.prompt, r.output, r.first, r.finish, r.preempt) for r in done]
        + [RequestRecord(r.arrival, r.prompt, r.output, math.nan, r.finish, r.preempt, True) for r in rejected],
        key=lambda rec: rec.arrival_s,
    )
    skip = int(len(records) * WARMUP_SHARE)
    window = records[skip:]
    measured = [r for r in window if not r.rejected]
    slo = slo or Slo()
    ttft = [r.ttft_s + sched.ttft_overhead_s for r in measured]
    e2e = [r.e2e_s + sched.ttft_overhead_s for r in measured]
    tpot = [r.tpot_s for r in measured if r.output_tokens > 1]
    if measured:
        start = window[0].arrival_s
        end = max(r.finish_s for r in measured)
        span = max(end - start, 1e-9)
    else:
        span = 1.0
    good = sum(
        1
        for r, a, b in zip(measured, ttft, e2e, strict=True)
        if slo.met_by(a, r.tpot_s if r.output_tokens > 1 else 0, b)
    )
    return SimResult(
        engine=sched.engine,
        offered_rate=load.rate,
        users=load.users,
        measured=len(measured),
        rejected=sum(1 for r in window if r.rejected),
        ttft=Stats.of(ttft),
        tpot=Stats.of(tpot),
        e2e=Stats.of(e2e),
        request_rate=len(measured) / span,
        throughput_tokens_per_s=sum(r.output_tokens for r in measured) / span,
        goodput=good / len(measured) if measured else 0.0,
        goodput_rate=good / span,
        preemptions=preemptions,
        mean_batch=busy_seq_time / busy_time if busy_time else 0.0,
        duration_s=max((r.finish_s for r in records), default=0.0),
        records=tuple(records),
    )


# A run keeps up with its offered load when it completes at least this share of the offered rate and its
# queue does not grow: the p50 TTFT of its last third of requests (in send order) is at most
# QUEUE_GROWTH_MAX times that of its first third (a growing queue adds waiting time with every request).
KEEP_UP_SHARE = 0.9
QUEUE_GROWTH_MAX = 2.0


def queue_growth(ttfts_in_send_order: Sequence[float]) -> float | None:
    """p50 TTFT of the last third of the requests over that of the first third; None under 6 requests."""
    values = [v for v in ttfts_in_send_order if v is not None and math.isfinite(v)]
    third = len(values) // 3
    if third < 2:
        return None
    first = percentile(sorted(values[:third]), 50)
    last = percentile(sorted(values[-third:]), 50)
    return last / first if first > 0 else None


def event_rate(times: Sequence[float]) -> float:
    """Events per second between the first and the last of `times` ((n - 1) intervals): the offered rate
    of a run's sends, or its achieved rate of completions. 0 under two events."""
    data = sorted(t for t in times if t is not None and math.isfinite(t))
    if len(data) < 2 or data[-1] <= data[0]:
        return 0.0
    return (len(data) - 1) / (data[-1] - data[0])


def keeps_up(offered_rate: float | None, achieved_rate: float, growth: float | None) -> bool:
    """Whether a run kept up with its offered rate (always True for a closed loop, which cannot overrun)."""
    if offered_rate is None:
        return True
    return achieved_rate >= KEEP_UP_SHARE * offered_rate and (growth is None or growth <= QUEUE_GROWTH_MAX)


def saturation_rate(
    sched: Scheduler, step_time: StepTime, prompt: Lengths, output: Lengths, *, seed: int = 0, requests: int = 0
) -> float:
    """Completions/s of a server that always has work: closed-loop users without think time, a few
    more than the server can hold, counted between the 10th and the 90th percent of completions."""
    room = sched.kv_tokens // max(1, round(prompt.mean + output.mean / 2))
    users = max(1, min(sched.max_seqs, room)) + 2
    requests = requests or min(3000, max(300, 5 * users))
    result = simulate(sched, step_time, Load(prompt, output, users=users, requests=requests, seed=seed))
    finishes = sorted(r.finish_s for r in result.records if not r.rejected)
    if len(finishes) < 10:
        return len(finishes) / max(result.duration_s, 1e-9)
    lo, hi = len(finishes) // 10, len(finishes) * 9 // 10
    return (hi - lo) / max(finishes[hi] - finishes[lo], 1e-9)


def max_rate(
    sched: Scheduler,
    step_time: StepTime,
    load: Load,
    slo: Slo,
    *,
    tolerance: float = 0.03,
    ceiling: float | None = None,
) -> tuple[float, SimResult | None]:
    """The highest Poisson rate whose run meets `slo` at p95 and keeps up (bisection on the rate, from
    the saturation rate down); 0 and None when even a light load misses the targets."""
    top = ceiling or saturation_rate(sched, step_time, load.prompt, load.output, seed=load.seed)

    def run(rate: float) -> SimResult:
        return simulate(
            sched, step_time, Load(load.prompt, load.output, rate=rate, requests=load.requests, seed=load.seed), slo
        )

    lo, hi = 0.0, top
    best: SimResult | None = None
    floor = top * 0.02
    probe = run(floor)
    if not probe.meets(slo):
        return 0.0, None
    lo, best = floor, probe
    while hi - lo > tolerance * hi:
        mid = (lo + hi) / 2
        res = run(mid)
        if res.meets(slo):
            lo, best = mid, res
        else:
            hi = mid
    return lo, best
