"""Issue 14 items 3 and 5: --gpus N uses the GPUs, and one context rule for every command.

Golden numbers come from the engine plans (docs/methodology.md sections 3-4) and from each engine's own
defaults: vLLM and llama-server run at the model's context unless told otherwise (vLLM
--max-model-len, llama-server -c 0), Ollama 0.16.1 at 4,096 below 23 GiB of VRAM, 32,768 below 47 GiB
and 262,144 above (server/routes.go), capped at the model's training context.
"""

import planner


def test_gpus_n_plans_vllm_at_the_largest_tensor_parallel_size_they_hold():
    # Before: TP 1 on 4 GPUs (131.59 GiB of weights per GPU) and only "TP 8" suggested.
    r = planner.plan("meta-llama/Llama-3.1-70B-Instruct", hardware="mi50-32gb", gpus=4, engine="vllm", offline=True)
    vllm = r.plans[0]
    assert vllm.tensor_parallel_size == 4
    assert any("--tensor-parallel-size 4" in w for w in vllm.warnings)
    int4 = [s for s in vllm.suggestions if "int4" in s.change]
    # -tp 4 with an AWQ/GPTQ int4 checkpoint fits: about 236k KV tokens (the issue measured 235,936).
    assert int4 and int4[0].fits and 230_000 < int4[0].kv_cache_tokens < 240_000


def test_an_explicit_tensor_parallel_size_is_kept():
    r = planner.plan(
        "meta-llama/Llama-3.1-70B-Instruct",
        hardware="mi50-32gb",
        gpus=4,
        engine="vllm",
        tensor_parallel_size=2,
        offline=True,
    )
    assert r.plans[0].tensor_parallel_size == 2
    assert not any("planned at --tensor-parallel-size" in w for w in r.plans[0].warnings)


def test_recommend_plans_ollama_at_the_context_it_shows():
    # Before: Ollama was planned at the model's 131,072 but shown at 4,096, and rejected.
    rec = planner.recommend("meta-llama/Llama-3.1-8B-Instruct", hardware="mi50-32gb", gpus=4, offline=True)
    ollama = [c for c in rec.models[0].ranked if c.engine == "ollama"]
    assert ollama, "Ollama fits 4 x MI50 32 GB and is ranked"
    for c in ollama:
        fit = planner.plan(
            "meta-llama/Llama-3.1-8B-Instruct",
            hardware="mi50-32gb",
            gpus=4 if "split" in c.deployment else 1,
            engine="ollama",
            quant=c.spec.quant,
            offline=True,
        )
        assert c.context == fit.plans[0].context  # one rule: the same context as `fit` plans


def test_predict_uses_the_same_llamacpp_context_as_fit():
    fit = planner.plan("Qwen/Qwen2.5-7B-Instruct", engine="llamacpp", offline=True)
    pred = planner.predict("Qwen/Qwen2.5-7B-Instruct", engine="llamacpp", offline=True)
    assert pred.predictions[0].context == fit.plans[0].context == 32768  # the model's, as llama-server -c 0


def test_a_request_beyond_the_default_context_names_the_flag_and_ctx_size_fixes_it():
    # Before: "--context-depth 8192 --prompt-tokens 2048" under Ollama failed as a whole with a vLLM hint.
    args = dict(engine="ollama", context_depth=8192, prompt_tokens=2048, offline=True)
    pred = planner.predict("Qwen/Qwen2.5-7B-Instruct", **args)
    assert not pred.predictions and pred.rejected[0].concurrency == 1
    assert "--num-ctx" in pred.rejected[0].reason and pred.rejected[0].context == 4096
    pred = planner.predict("Qwen/Qwen2.5-7B-Instruct", num_ctx=16384, **args)
    assert pred.predictions and pred.predictions[0].context == 16384


def test_one_level_that_does_not_fit_keeps_the_others():
    pred = planner.predict(
        "Qwen/Qwen2.5-7B-Instruct",
        engine="llamacpp",
        concurrency=[1, 8],
        context_depth=8192,
        prompt_tokens=2048,
        offline=True,
    )
    assert [p.concurrency for p in pred.predictions] == [1]
    assert [r.concurrency for r in pred.rejected] == [8]
    assert "KV cache holds 3 requests" in pred.rejected[0].reason  # 32,768 cells / 10,368 tokens


def test_predict_spreads_llamacpp_over_the_gpus_and_ollama_only_when_it_must():
    # llama.cpp's default split mode (-sm layer) spreads the layers over every device it sees; Ollama loads a
    # model on one GPU when it fits there (its FAQ; ollama#4198). Before: predict planned both on one GPU
    # whatever --gpus said, so Qwen3-Next-80B Q4_K_M (45.08 GiB of weights, `fit` puts it on 4 x 32 GB)
    # "did not fit" on four MI50 32 GB.
    big = planner.predict(
        "Qwen/Qwen3-Next-80B-A3B-Instruct", hardware="mi50-32gb", gpus=4, engine="llamacpp", offline=True
    )
    assert [p.layer_split for p in big.predictions] == [4]
    small = planner.predict(
        "Qwen/Qwen2.5-7B-Instruct", hardware="mi50-16gb", gpus=2, engine="llamacpp,ollama", offline=True
    )
    splits = {p.engine: p.layer_split for p in small.predictions}
    assert splits == {"llamacpp": 2, "ollama": 1}
    spread = planner.predict(
        "Qwen/Qwen2.5-14B-Instruct", hardware="mi50-16gb", gpus=2, engine="ollama", quant="Q8_0", offline=True
    )
    assert [p.layer_split for p in spread.predictions] == [2]  # 15.7 GB of Q8_0 weights: one 16 GB card is short


def test_compare_reads_gpus_as_predict_does():
    # Before: compare planned both setups on one GPU whatever --gpus said (vLLM at TP 1, llama.cpp unsplit).
    c = planner.compare(
        "Qwen/Qwen2.5-14B-Instruct llamacpp Q8_0", "Qwen/Qwen2.5-7B-Instruct vllm fp16", gpus=2, offline=True
    )
    a, b = (s.prediction for s in c.setups)
    assert (a.layer_split, b.tensor_parallel_size) == (2, 2)
    # 15.7 GB of Q8_0 weights and the 7B's fp16 (README: it fits at --tensor-parallel-size 2): both fit two 16 GB
    assert all(s.fits for s in c.setups)
