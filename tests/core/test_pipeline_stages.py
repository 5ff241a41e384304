"""vLLM's pipeline-parallel layer split and the weights of each stage (docs/methodology.md 3.8).

The split is vLLM's get_pp_indices (vllm/distributed/utils.py, read in the 0.27.1 wheel): L // P layers per stage, the
remainder one more each on the stages before the last, from the second-to-last back; the first stage holds the
embedding, the last the final norm and the lm_head (and, with a tied head, the embedding again: the models build
embed_tokens on the last rank when the head is tied to it).
"""

from __future__ import annotations

import pytest

from planner.core.precision import pipeline_stages, weight_bytes
from planner.core.tensors import EMBEDDING, LM_HEAD, tensor_inventory
from planner.sources.models import resolve_model

GIB = 2**30


@pytest.mark.parametrize(
    ("layers", "stages", "counts"),
    [
        (94, 4, [23, 24, 24, 23]),  # Qwen3-235B-A22B at PP 4 (round 26's V167 logs 55.70 GiB on the 24-layer stage)
        (64, 2, [32, 32]),  # Qwen3-32B at PP 2: even
        (28, 3, [9, 10, 9]),  # Qwen2.5-7B: one left over, on the second-to-last stage
        (7, 4, [2, 2, 2, 1]),  # three left over: every stage but the last
        (28, 1, [28]),
    ],
)
def test_the_split_is_vllms(layers, stages, counts):
    ranges = pipeline_stages(layers, stages)
    assert [len(r) for r in ranges] == counts
    assert ranges[0].start == 0 and ranges[-1].stop == layers
    assert all(a.stop == b.start for a, b in zip(ranges, ranges[1:], strict=False))


def test_each_stage_holds_its_layers_and_the_ends():
    spec = resolve_model("Qwen/Qwen3-235B-A22B-FP8", offline=True).spec
    w = weight_bytes(spec, "bf16", spec.quant, 1, 4)
    assert len(w.stage_bytes) == 4
    # the stages together hold every tensor once (an untied head: the embedding on the first stage only)
    assert sum(w.stage_bytes) == w.total_bytes
    tensors = tensor_inventory(spec)
    assert any(t.role == LM_HEAD for t in tensors)
    embed = sum(t.elements for t in tensors if t.role == EMBEDDING) * 2  # bf16
    # the middle stages hold 24 layers and no end: the heaviest; the first holds 23 layers and the embedding
    first, second, third, last = w.stage_bytes
    assert second == third > max(first, last)
    per_layer = second / 24
    assert first == pytest.approx(23 * per_layer + embed, rel=1e-3)
    # 24 layers: 55.63 GiB (the plan's V167 weights, 55.64 GiB with the rope caches and load overhead; logged "Model
    # loading took 55.70 GiB"), against the 55.05 of an even split (a quarter of the checkpoint)
    assert round(second / GIB, 2) == 55.63 and round(w.per_rank_bytes / GIB, 2) == 55.05
    assert w.per_rank_bytes == pytest.approx(w.total_bytes / 4, rel=1e-6)


def test_a_tied_head_puts_the_embedding_on_both_ends():
    spec = resolve_model("Qwen/Qwen2.5-1.5B-Instruct", offline=True).spec  # tie_word_embeddings true
    tensors = tensor_inventory(spec)
    assert not any(t.role == LM_HEAD for t in tensors)
    embed = sum(t.elements for t in tensors if t.role == EMBEDDING) * 2
    w = weight_bytes(spec, "bf16", None, 1, 2)
    assert sum(w.stage_bytes) == w.total_bytes + embed
    assert weight_bytes(spec, "bf16", None, 1, 1).stage_bytes == ()


def test_the_plan_takes_the_stage_with_the_fewest_blocks():
    # Qwen2.5-7B's 28 layers on 3 stages are 9, 10, 9: with --kv-cache-memory every stage has the same KV budget, so
    # the 10-layer middle stage holds the fewest tokens; 4 GiB over 10 layers of 2 x 4 KV heads x 128 x 2 B per token
    from planner.core.hardware import Hardware
    from planner.engines.vllm import VllmOptions, plan_vllm
    from planner.sources.profiles import get_profile

    spec = resolve_model("Qwen/Qwen2.5-7B-Instruct", offline=True).spec
    hw = Hardware(get_profile("mi50-16gb"), 3)
    plan = plan_vllm(spec, hw, VllmOptions(pipeline_parallel_size=3, kv_cache_memory_bytes=4 * GIB))
    assert plan.kv_cache_tokens == 4 * GIB // (10 * 2 * 4 * 128 * 2) // 16 * 16
