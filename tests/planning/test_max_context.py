"""Issue 14 item 4: every plan reports the largest context that fits fully on its GPUs (`max_context`).

Golden numbers: a user's ten manual Ollama runs of Qwen2.5-14B (Q4_K_M) on one MI50 16 GB, quoted in
issue 14: num_ctx 24,576 runs "100% GPU", 26,624 offloads layers, and q8_0 KV fits 32,768.
"""

import planner


def test_ollama_qwen14b_on_one_mi50_matches_the_measured_boundary():
    plan = planner.plan("Qwen/Qwen2.5-14B-Instruct", engine="ollama", offline=True).plans[0]
    mc = plan.max_context
    assert 24_576 <= mc.context < 26_624
    assert mc.by_kv_type["q8_0"] >= 32_768


def test_the_reported_context_fits_and_one_step_more_does_not():
    mc = planner.plan("Qwen/Qwen2.5-14B-Instruct", engine="ollama", offline=True).plans[0].max_context
    at = planner.plan("Qwen/Qwen2.5-14B-Instruct", engine="ollama", num_ctx=mc.context, offline=True).plans[0]
    beyond = planner.plan("Qwen/Qwen2.5-14B-Instruct", engine="ollama", num_ctx=mc.context + 256, offline=True)
    assert at.fits and not beyond.plans[0].fits


def test_vllm_max_context_is_the_largest_max_model_len_that_starts():
    mc = planner.plan("Qwen/Qwen2.5-7B-Instruct", engine="vllm", gpus=2, offline=True).plans[0].max_context
    assert mc.context == 32_768  # TP 2 on two MI50 16 GB holds the model's whole context
    none = planner.plan("Qwen/Qwen2.5-7B-Instruct", engine="vllm", dtype="fp16", offline=True).plans[0]
    assert none.max_context.context == 0  # the reference report's refusal: no context fits at fp16


def test_max_context_is_in_the_json_of_every_plan(run_json):
    data = run_json("fit", "Qwen/Qwen2.5-7B-Instruct", "--offline")
    assert all("max_context" in p and "by_kv_type" in p["max_context"] for p in data["plans"])
