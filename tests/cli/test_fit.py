"""`mi50plan fit`, `profiles` and `models` through main(argv): output, JSON shape, exit codes, errors."""

from __future__ import annotations

import json
import shutil

import pytest

from planner.sources import catalog
from planner.sources.profiles import profile_names
from tests.conftest import REFERENCE_COPY


def test_fit_json_has_the_documented_fields(run_json):
    data = run_json(
        "fit", "Qwen/Qwen2.5-1.5B-Instruct", "--dtype", "fp16", "--max-model-len", "4096", "--engine", "vllm"
    )
    assert data["schema_version"] == 2
    assert data["model"]["id"] == "Qwen/Qwen2.5-1.5B-Instruct" and data["model"]["source"] == "catalog"
    assert data["model"]["parameters"] == 1_543_714_304  # transformers' count (tests/sources/test_catalog_params.py)
    assert data["hardware"] == {
        **data["hardware"],
        "name": "mi50-16gb",
        "count": 1,
        "memory_bytes": 17_163_091_968,
    }
    (plan,) = data["plans"]
    for key in (
        "engine",
        "dtype",
        "fits",
        "weights_bytes",
        "kv_cache_bytes",
        "kv_cache_tokens",
        "max_concurrency",
        "max_model_len",
        "error",
        "suggestions",
    ):
        assert key in plan
    assert plan["engine"] == "vllm" and plan["fits"] is True and plan["error"] is None
    assert plan["max_model_len"] == 4096


def test_fit_7b_prints_the_error_and_fixes(run_cli):
    code, out, err = run_cli("fit", "Qwen/Qwen2.5-7B-Instruct", "--dtype", "fp16", "--engine", "vllm")
    assert code == 0  # a computed plan exits 0 even when it does not fit
    assert "DOES NOT FIT" in out and "No available memory for the cache blocks" in out
    assert "what would fit" in out


def test_require_fit_sets_the_exit_code(run_cli):
    assert (
        run_cli("fit", "Qwen/Qwen2.5-7B-Instruct", "--dtype", "fp16", "--engine", "vllm", "--require-fit")[0]
        == 5
    )
    assert (
        run_cli(
            "fit",
            "Qwen/Qwen2.5-1.5B-Instruct",
            "--engine",
            "vllm",
            "--max-model-len",
            "4096",
            "--require-fit",
        )[0]
        == 0
    )


def test_local_folder_is_read_and_named(run_json, tmp_path):
    folder = tmp_path / "my-model-dir"
    shutil.copytree(REFERENCE_COPY / "model-configs" / "Qwen--Qwen2.5-7B-Instruct", folder)
    data = run_json(
        "fit",
        str(folder),
        "--hardware",
        "mi50-32gb",
        "--gpus",
        "2",
        "--tensor-parallel-size",
        "2",
        "--engine",
        "vllm",
    )
    assert data["model"]["source"] == "local"
    assert data["plans"][0]["tensor_parallel_size"] == 2 and data["plans"][0]["fits"]


def test_hugging_face_cache_answers_before_the_catalog(run_json, isolated):
    # The real huggingface_hub cache layout: hub/models--ORG--NAME/{refs/main, snapshots/<sha>/config.json}
    repo = isolated / "hf" / "hub" / "models--Qwen--Qwen2.5-0.5B-Instruct"
    snap = repo / "snapshots" / ("a" * 40)
    snap.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40)
    shutil.copy(
        REFERENCE_COPY / "model-configs" / "Qwen--Qwen2.5-0.5B-Instruct" / "config.json", snap / "config.json"
    )
    data = run_json("fit", "Qwen/Qwen2.5-0.5B-Instruct", "--engine", "vllm")
    assert data["model"]["source"] == "hf-cache"


def _assert_one_clear_error(code: int, out: str, err: str, expected_code: int, *words: str) -> None:
    assert code == expected_code, err
    assert "Traceback" not in err and "Traceback" not in out
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[0].startswith("error: ") and any(line.startswith("hint: ") for line in lines)
    for word in words:
        assert word in err


def test_unknown_model_offline(run_cli):
    _assert_one_clear_error(
        *run_cli("fit", "Qwen/Qwen2.5-7B-Instrukt"), 3, "not found", "Qwen/Qwen2.5-7B-Instruct"
    )


def test_malformed_config(run_cli, tmp_path):
    bad = tmp_path / "config.json"
    bad.write_text("{not json")
    _assert_one_clear_error(*run_cli("fit", str(bad)), 3, "not valid JSON")


def test_incomplete_config(run_cli, tmp_path):
    bad = tmp_path / "config.json"
    bad.write_text(json.dumps({"model_type": "unknown_arch", "hidden_size": 1024}))
    _assert_one_clear_error(*run_cli("fit", str(bad)), 3, "missing")


def test_missing_path(run_cli):
    _assert_one_clear_error(*run_cli("fit", "./no-such-dir"), 3, "does not exist")


def test_unknown_profile(run_cli):
    _assert_one_clear_error(
        *run_cli("fit", "Qwen/Qwen2.5-1.5B-Instruct", "--hardware", "mi51"),
        3,
        "unknown hardware profile",
        "mi50",
    )


@pytest.mark.parametrize(
    ("flags", "word"),
    [
        (["--gpu-memory-utilization", "1.5"], "(0, 1]"),
        (["--gpu-memory-utilization", "0"], "(0, 1]"),
        (["--max-model-len", "0"], "positive"),
        (["--max-model-len", "-5"], "positive"),
        (["--tensor-parallel-size", "5", "--gpus", "5"], "divisible"),
        (["--engine", "tgi"], "unknown engine"),
        (["--dtype", "int3"], "dtype"),
    ],
)
def test_impossible_flags(run_cli, flags, word):
    _assert_one_clear_error(*run_cli("fit", "Qwen/Qwen2.5-7B-Instruct", "--engine", "vllm", *flags), 2, word)


def test_typo_flag_is_a_usage_error(run_cli):
    _assert_one_clear_error(*run_cli("fit", "Qwen/Qwen2.5-7B-Instruct", "--max-model-lenn", "4"), 2)


def test_profiles_list_and_show(run_cli, run_json):
    names = [p["name"] for p in run_json("profiles", "list")["profiles"]]
    assert {"mi50-16gb", "mi50-32gb", "mi60", "radeon-vii", "h100-sxm", "host"} <= set(names)
    shown = run_json("profiles", "show", "mi50-16gb")["profile"]
    assert shown["arch"] == "gfx906" and "bf16" not in shown["supported_dtypes"]
    code, out, _ = run_cli("profiles", "show", "mi50-16gb")
    assert code == 0 and "gpu-specs.csv" in out


def test_user_profile_overrides_and_broken_profile_names_file_and_field(run_cli, run_json, isolated):
    from planner.sources.profiles import shipped_dir

    user = isolated / "config" / "profiles"
    user.mkdir(parents=True)
    text = (
        (shipped_dir() / "mi50-16gb.toml")
        .read_text()
        .replace("bandwidth_gbps = 1024.0", "bandwidth_gbps = 900.0")
    )
    (user / "mi50-16gb.toml").write_text(text)
    assert run_json("profiles", "show", "mi50-16gb")["profile"]["bandwidth_gbps"] == 900.0
    (user / "mi50-16gb.toml").write_text(text.replace("bandwidth_gbps = 900.0", "bandwidth_gbps = -3"))
    _assert_one_clear_error(*run_cli("profiles", "show", "mi50-16gb"), 3, "mi50-16gb.toml", "bandwidth_gbps")
    (user / "mi50-16gb.toml").write_text(text + "\nspeed_of_light = 3\n")
    _assert_one_clear_error(
        *run_cli("fit", "Qwen/Qwen2.5-1.5B-Instruct", "--engine", "vllm"), 3, "speed_of_light"
    )


def test_models_lists_the_catalog(run_json, run_cli):
    ids = [m["id"] for m in run_json("models")["models"]]
    assert ids == catalog.catalog_ids() and "Qwen/Qwen2.5-7B-Instruct" in ids
    # the text output lists the Ollama library tags too (the hint for a bare Ollama name points there)
    code, out, _ = run_cli("models")
    assert code == 0 and "Ollama library tags" in out
    assert all(tag in out for tag in catalog.ollama_tags())


def test_an_ollama_name_without_its_size_gets_the_sized_tags(run_cli):
    # `ollama run llama3.1` pulls llama3.1:latest, whose size the library page decides; the planner names the sized
    # tags it knows instead of guessing (scripts/build_catalog.py OLLAMA_TAGS: llama3.1:8b, :70b, :405b)
    _assert_one_clear_error(
        *run_cli("fit", "llama3.1", "--offline"), 3, "llama3.1:8b", "llama3.1:70b", "llama3.1:405b"
    )


def test_mistral_small_3_1_plans_offline_from_its_config(run_json):
    # Text model from its config.json (scripts/data/model-configs/mistralai--Mistral-Small-3.1-24B-Instruct-2503):
    # embedding and untied lm_head 2 x 131,072 x 5,120, 40 layers of q/o 2 x 5,120 x 4,096 (32 heads x 128),
    # k/v 2 x 5,120 x 1,024 (8 KV heads x 128), gate/up/down 3 x 5,120 x 32,768 and two norms of 5,120, a final
    # norm of 5,120: 23,572,403,200. The Pixtral tower and projector, 438,958,080, make KerasHub's
    # mistral_small_3.1_24b total of 24,011,361,280 (tests/core/test_vision.py); vLLM loads both at 2 bytes each.
    text = 2 * 131_072 * 5_120 + 40 * (2 * 5_120 * 4_096 + 2 * 5_120 * 1_024 + 3 * 5_120 * 32_768 + 2 * 5_120) + 5_120
    assert text == 23_572_403_200
    data = run_json(
        "fit", "mistralai/Mistral-Small-3.1-24B-Instruct-2503", "--engine", "vllm", "--dtype", "fp16", "--offline"
    )
    assert data["model"]["source"] == "catalog" and data["model"]["architecture"] == "Mistral3ForConditionalGeneration"
    assert data["model"]["parameters"] == text
    (plan,) = data["plans"]
    assert plan["weights_raw_bytes"] == 2 * (text + 438_958_080) == 48_022_722_560  # 44.7 GiB: not on one MI50
    assert not plan["fits"]
    # The Ollama library tag names the same model at Q4_K_M.
    tagged = run_json("fit", "mistral-small3.1:24b", "--engine", "ollama", "--offline")
    assert tagged["model"]["parameters"] == text and [p["quant"] for p in tagged["plans"]] == ["Q4_K_M"]


def _one_model_per_architecture() -> list[str]:
    """The first catalog model of each (model_type, quantization method, multimodal wrapper) combination."""
    seen: dict[tuple, str] = {}
    for model_id in catalog.catalog_ids():
        config = catalog.find(model_id)["config"]
        text = config.get("text_config") or config
        quant = (config.get("quantization_config") or {}).get("quant_method")
        seen.setdefault((text.get("model_type"), quant, "text_config" in config), model_id)
    return list(seen.values())


@pytest.mark.parametrize("model_id", catalog.catalog_ids())
def test_every_catalog_model_plans(model_id):
    """Every catalog model plans (fits or not) without an error on the MI50 it is made for."""
    from planner.cli.app import main

    assert main(["fit", model_id, "--hardware", "mi50-32gb", "--offline", "--json"]) == 0


def _one_profile_per_platform() -> list[str]:
    """The MI50s, then the first shipped profile of each (platform, unified memory) kind."""
    from planner.sources.profiles import all_profiles

    seen: dict[tuple, str] = {"mi50": "mi50-16gb", "mi50-32": "mi50-32gb"}
    for p in all_profiles():
        seen.setdefault((p.platform, p.unified_memory), p.name)
    return sorted(set(seen.values()))


def test_every_profile_plans():
    """Every shipped profile (122 GPUs) plans the report's 7B under every engine it supports, without an error."""
    from planner.cli.app import main

    for profile in profile_names():
        if profile != "host":
            assert main(["fit", "Qwen/Qwen2.5-7B-Instruct", "--hardware", profile, "--offline", "--json"]) == 0, profile


@pytest.mark.parametrize("model_id", _one_model_per_architecture())
def test_every_architecture_plans_on_each_kind_of_profile(model_id):
    """One catalog model of each architecture x one profile of each platform kind plans without an error
    (every-architecture x every-profile, 26 x 121 plans with max_context, took over 20 minutes on 2 cores)."""
    from planner.cli.app import main

    for profile in _one_profile_per_platform():
        assert main(["fit", model_id, "--hardware", profile, "--offline", "--json"]) == 0, profile


def test_help_has_examples(run_cli):
    code, out, _ = run_cli("fit", "--help")
    assert code == 0 and "Examples" in out and "mi50plan fit Qwen/Qwen2.5-7B-Instruct --dtype fp16" in out


def test_an_unexpected_exception_is_one_line_not_a_traceback(run_cli, monkeypatch):
    """The error boundary's last net (planner/cli/app.py): a bug still gives one line and exit 1."""
    import planner.sources.models as models

    def boom(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(models, "resolve_model", boom)
    code, out, err = run_cli("fit", "Qwen/Qwen2.5-7B-Instruct")
    assert code == 1 and out == ""
    assert err.splitlines()[0] == "error: unexpected RuntimeError: boom"
    assert "Traceback" not in err and "MI50PLAN_DEBUG=1" in err


def test_vllm_breakdown_adds_up_to_the_budget_with_the_cuda_graph_estimate(run_cli, run_json):
    # vLLM 0.21+ subtracts its CUDA-graph estimate before the KV cache (engines/vllm.py cudagraph_estimate_bytes): the
    # table shows it, so weights + activation + non-torch + graphs + KV = the budget (to the table's 0.01 GiB).
    args = ("fit", "Qwen/Qwen2.5-7B-Instruct", "--hardware", "rtx4090", "--engine", "vllm", "--max-model-len", "8192")
    (plan,) = run_json(*args)["plans"]
    assert plan["cudagraph_bytes"] > 0 and plan["gpu_memory_utilization"] == 0.92  # the 0.20+ default
    code, out, _ = run_cli(*args)
    assert code == 0
    rows = {}
    for line in out.splitlines():
        label, _, value = line.strip().rpartition("  ")
        if value.endswith("GiB"):
            rows[label.strip()] = float(value.split()[-2])
    parts = ("weights (Model loading took)", "peak activation (profile run)", "non-torch runtime memory",
             "CUDA graphs (the profiler's estimate)", "KV cache (Available KV cache memory)")
    budget = float(out.split(" = ")[1].split()[0])
    assert abs(sum(rows[p] for p in parts) - budget) <= 0.03, rows


@pytest.mark.parametrize("engine", [(), ("--engine", "llamacpp"), ("--engine", "vllm,ollama")])
def test_an_unknown_backend_is_a_usage_error_for_every_engine_choice(run_cli, engine):
    # Before: with the default engines, predict folded "unknown backend" into "no deployment fits" (exit 5) with a hint
    # about memory; now one usage error (exit 2) naming the flag and the backends, whichever engines are asked for.
    code, out, err = run_cli("predict", "Qwen/Qwen2.5-7B-Instruct", "--offline", "--backend", "nosuch", *engine)
    _assert_one_clear_error(code, out, err, 2, "--backend")
    assert "unknown backend" in err and "rocm, vulkan, cuda, metal, sycl, cpu" in err
