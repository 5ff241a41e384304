"""Capacity planning: candidates from the engines' fit plans, replicas from the simulated max rate, cost,
launch commands for every node, the Pareto frontier (docs/methodology.md "Capacity")."""

from __future__ import annotations

import math

import pytest

from planner.core.hardware import ProfileInvalid, profile_from_dict
from planner.core.simulate import Lengths, Slo
from planner.errors import UsageError
from planner.planning.capacity import (
    CapacityQuery,
    fit_batch_factor,
    parse_lengths,
    parse_price,
    plan_capacity,
)
from planner.planning.fit import gguf_weights
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile

MODEL = "Qwen/Qwen2.5-7B-Instruct"


def plan(model: str = MODEL, **kw):
    resolved = resolve_model(model, offline=True)
    base = dict(
        model_id=model,
        spec=resolved.spec,
        profile=get_profile(kw.pop("hardware", "mi50-16gb")),
        prompt=Lengths.fixed(500),
        output=Lengths.fixed(200),
        slo=Slo(ttft_s=2.0),
        rate=2.0,
        requests=300,
    )
    base.update(kw)
    return plan_capacity(CapacityQuery(**base), weights_for=lambda q: gguf_weights(resolved, q))


@pytest.fixture(scope="module")
def reference():
    """The issue's question for the reference report's setup: Qwen2.5-7B, 2 requests/s, 500 in / 200 out,
    p95 TTFT 2 s, MI50 16 GB cards, priced at 0.15 USD per GPU-hour (the issue's example price)."""
    return plan(price_per_hour=0.15)


def test_every_candidate_that_meets_the_targets_is_sized_from_its_max_rate(reference):
    ok = [c for c in reference.candidates if c.meets_slo]
    assert ok, reference.not_fitting
    for c in ok:
        # ceil(rate / max rate), or one more when the p95s at that share land just over a target
        assert c.replicas - math.ceil(2.0 / c.max_rate_per_replica - 1e-9) in (0, 1)
        assert c.gpus == c.replicas * c.gpus_per_replica
        assert c.ttft_p95_s <= 2.0  # at the asked load split over the replicas
        assert 0 < c.max_rate_per_replica <= c.saturation_rate_per_replica
        assert c.cost_per_hour == pytest.approx(0.15 * c.gpus)
        assert c.cost_per_million_tokens == pytest.approx(c.cost_per_hour / (c.throughput_tokens_per_s * 3600) * 1e6)
        # Served output tokens/s: the asked 2 requests/s of 200 tokens, within the simulation's noise.
        assert c.throughput_tokens_per_s == pytest.approx(2.0 * 200, rel=0.15)


def test_fp16_vllm_needs_two_mi50_16gb_for_a_7b_model(reference):
    # 15.2 GB of fp16 weights do not fit in 0.9 x 16 GiB (the vLLM fit plan, docs/methodology.md 3).
    fp16 = [c for c in reference.candidates if c.engine == "vllm" and c.precision == "fp16"]
    assert fp16 and min(c.tensor_parallel_size for c in fp16) == 2


def test_ranked_by_cost_and_the_pareto_frontier_is_not_dominated(reference):
    ok = [c for c in reference.candidates if c.meets_slo]
    costs = [c.cost_per_hour for c in ok]
    assert costs == sorted(costs)
    front = [c for c in ok if c.pareto]
    assert front and front == list(reference.pareto)
    for c in ok:
        better = [
            o
            for o in ok
            if o.cost_per_hour <= c.cost_per_hour
            and o.e2e_p95_s <= c.e2e_p95_s
            and (o.cost_per_hour < c.cost_per_hour or o.e2e_p95_s < c.e2e_p95_s)
        ]
        assert c.pareto == (not better)


def test_json_names_the_issue_fields(reference):
    data = reference.to_dict()
    wanted = {
        "engine",
        "precision",
        "tensor_parallel_size",
        "pipeline_parallel_size",
        "gpus_per_replica",
        "replicas",
        "gpus",
        "nodes",
        "max_rate_per_replica",
        "meets_slo",
        "ttft_p50_s",
        "ttft_p95_s",
        "tpot_p50_s",
        "tpot_p95_s",
        "e2e_p95_s",
        "cost_per_hour",
        "cost_per_million_tokens",
        "launch",
    }
    assert wanted <= set(data["candidates"][0])
    assert data["pareto"] == [c.label for c in reference.pareto]


def test_a_tighter_target_never_allows_a_higher_rate():
    loose = plan(engines=("vllm",), slo=Slo(ttft_s=4.0))
    tight = plan(engines=("vllm",), slo=Slo(ttft_s=1.0))
    by = {c.label: c.max_rate_per_replica for c in loose.candidates}
    for c in tight.candidates:
        if c.label in by:
            assert c.max_rate_per_replica <= by[c.label] * 1.03  # bisection tolerance 3%


def test_pipeline_parallel_across_nodes_with_ray_launch_commands():
    # One MI50 16 GB per node: fp16 7B fits on no single node, so vLLM splits its layers over two.
    result = plan(engines=("vllm",), gpus_per_node=1, max_gpus=8)
    pp = [c for c in result.candidates if c.precision == "fp16"]
    assert pp and pp[0].pipeline_parallel_size == 2 and pp[0].nodes_per_replica == 2
    text = "\n".join(pp[0].launch)
    assert "ray start --head" in text and "ray start --address" in text
    assert "--pipeline-parallel-size 2" in text and "--distributed-executor-backend ray" in text
    if pp[0].replicas:
        assert pp[0].nodes == 2 * pp[0].replicas


def test_llamacpp_rpc_across_nodes_when_one_node_is_too_small():
    # Qwen2.5-14B F16 (about 29.5 GB) on one MI50 16 GB per node: rpc-server on the second node.
    result = plan(
        "Qwen/Qwen2.5-14B-Instruct", engines=("llamacpp",), gpus_per_node=1, max_gpus=4, slo=Slo(ttft_s=30.0), rate=0.05
    )
    f16 = [c for c in result.candidates if c.precision == "F16"]
    assert f16 and f16[0].nodes_per_replica >= 2
    text = "\n".join(f16[0].launch)
    assert "ggml-rpc-server -H 0.0.0.0 -p 50052" in text and "--rpc <node2-ip>:50052" in text


def test_closed_loop_users_are_split_over_replicas():
    result = plan(engines=("vllm",), rate=None, users=40, think_time_s=5.0)
    for c in result.candidates:
        if c.meets_slo:
            assert c.replicas >= 1 and c.ttft_p95_s <= 2.0


def test_the_gpu_budget_caps_the_answer():
    result = plan(engines=("llamacpp",), rate=20.0, max_gpus=4)
    assert all(not c.meets_slo for c in result.candidates)
    assert any("--max-gpus 4" in (c.reason or "") for c in result.candidates)


def test_fit_batch_factor_inverts_a_monotone_step_time():
    def tpot(factor: float) -> float:
        return 0.02 + 0.08 / factor

    assert fit_batch_factor(tpot, 0.06) == pytest.approx(2.0, rel=1e-6)


def test_flag_values_are_checked():
    assert parse_lengths("800", "--prompt-tokens") == Lengths.fixed(800)
    assert parse_lengths("uniform:400-1200", "--prompt-tokens") == Lengths.uniform(400, 1200)
    for bad in ("0", "uniform:9-3", "lots"):
        with pytest.raises(UsageError):
            parse_lengths(bad, "--prompt-tokens")
    assert parse_price(["mi50-16gb=0.15", "h100-sxm=2.5"], "mi50-16gb") == 0.15
    assert parse_price(["0.2"], "mi50-16gb") == 0.2
    assert parse_price(["h100-sxm=2.5"], "mi50-16gb") is None
    with pytest.raises(UsageError):
        parse_price(["mi50-16gb=cheap"], "mi50-16gb")
    with pytest.raises(UsageError):
        plan(rate=None)  # neither a rate nor users


def test_profiles_take_the_optional_capacity_keys():
    base = {
        "name": "x",
        "display_name": "X",
        "vendor": "amd",
        "arch": "gfx906",
        "platform": "rocm",
        "memory_bytes": 2**34,
        "bandwidth_gbps": 1000.0,
        "peak_tflops": {"fp16": 26.5},
        "supported_dtypes": ["fp16"],
        "sources": ["test"],
    }
    p = profile_from_dict({**base, "interconnect": "xgmi", "network_gbps": 12.5, "price_per_hour": 0.15})
    assert (p.interconnect, p.network_gbps, p.price_per_hour) == ("xgmi", 12.5, 0.15)
    assert profile_from_dict(base).price_per_hour is None
    with pytest.raises(ProfileInvalid):
        profile_from_dict({**base, "interconnect": "smoke-signals"})


def test_vllm_launch_passes_the_dtype_vllm_runs_on_that_card():
    # planning/launch.py vllm_dtype_flag: `--dtype auto` resolved as vllm.resolve_dtype does. Llama-3.1-8B's config
    # says torch_dtype bfloat16: an H100 (sm90, bf16 hardware) runs it in bfloat16, where float16 would change the
    # numbers it was trained in; an MI50 (gfx906) and a T4 (sm75) have no bf16, and upstream vLLM refuses a bf16
    # checkpoint there unless --dtype float16 is given; GPTQ/AWQ kernels run fp16 on every card.
    from planner.core.hardware import Hardware
    from planner.planning.launch import vllm_dtype_flag

    spec = resolve_model("meta-llama/Llama-3.1-8B-Instruct", offline=True).spec
    assert vllm_dtype_flag(spec, Hardware(get_profile("h100-sxm"), 1), None) == "bfloat16"
    assert vllm_dtype_flag(spec, Hardware(get_profile("mi50-16gb"), 1), None) == "float16"
    assert vllm_dtype_flag(spec, Hardware(get_profile("t4"), 1), None) == "float16"
    assert vllm_dtype_flag(spec, Hardware(get_profile("h100-sxm"), 1), "gptq") == "float16"
    h100 = plan("meta-llama/Llama-3.1-8B-Instruct", hardware="h100-sxm", engines=("vllm",), rate=1.0)
    serve = [line for c in h100.candidates for line in c.launch if line.startswith("vllm serve")]
    assert serve and all("--dtype float16" in line for line in serve if "GPTQ" in line or "AWQ" in line)
    assert any(line.startswith("vllm serve meta-llama/Llama-3.1-8B-Instruct --dtype bfloat16") for line in serve)


def test_capacity_launch_names_checkpoints_as_recommend_does():
    # A quantized vLLM candidate names a real repository from planner/catalog/quantized.json, or says what to look
    # for; a GGUF candidate says where its file comes from; Ollama gets the catalog's tag. No repo id is invented
    # (before, capacity appended -GPTQ-Int4 / -GGUF to the model id).
    from planner.planning.launch import known_checkpoint

    result = plan(engines=("vllm", "llamacpp", "ollama"), rate=0.5, max_gpus=4)
    text = "\n".join(line for c in result.candidates for line in c.launch)
    assert "a pre-quantized checkpoint, e.g." not in text and f"hf.co/{MODEL}-GGUF" not in text
    gptq = known_checkpoint(MODEL, "gptq")
    assert gptq and f"vllm serve {gptq} --dtype float16" in text
    assert "# from " in text and "FROM qwen2.5:7b" in text
