"""Plan every real-log case with the settings its source states, and compare with the logged figures.

The cases come from real-engine-logs.csv (planner.sources.real_logs). How a case's free-text columns map
to planner inputs (GPU -> profile, model -> config, version text -> vLLM line) is in the tables below:
they describe the inputs, they hold no fitted numbers. Model configs come through a resolver the
caller passes (the offline catalog plus a folder of extra configs), so this module does no I/O itself.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from planner.core.gguf_quant import estimate_gguf, normalise_quant
from planner.core.hardware import Hardware, HardwareProfile
from planner.core.precision import DTYPE_BYTES, INT4_AWQ
from planner.core.spec import ModelSpec, QuantConfig
from planner.engines.llamacpp import REPACK_TYPES, GGUFWeights, LlamaCppOptions, plan_llamacpp
from planner.engines.ollama import OllamaOptions, logged_weights_total, parse_version, plan_ollama
from planner.engines.ollama_library import library_estimate
from planner.engines.vllm import (
    V1_SAMPLER_BYTES,
    VLLM_VERSIONS,
    VllmOptions,
    plan_vllm,
    version_key,
)
from planner.errors import UsageError
from planner.sources.real_logs import LogCase

GIB = 2**30
MIB = 2**20
FP8_CHANNEL = QuantConfig("fp8", 8, None, False)  # compressed-tensors FP8-dynamic: per-channel weight scales
FP8_BLOCK = QuantConfig("fp8", 8, None, False, block_size=(128, 128))  # Qwen3 -FP8 checkpoints

# GPU text in the CSV -> shipped profile (first match wins).
GPU_PROFILES = (
    ("NVIDIA H200", "h200"),  # not "GH200" (a Grace Hopper, another profile)
    ("MI50 16 GB", "mi50-16gb"),
    ("H100 NVL", "h100-nvl"),  # V142 (round 14): the runtime total is the profile's (not logged)
    ("H100 PCIe", "h100-pcie"),  # V96 (round 8): its runtime total is derived (nominal x 0.9898), not logged
    ("H100", "h100-sxm"),
    ("A100 80GB PCIe (CUDA0", "a100-80gb"),  # L55 (llama.cpp: its buffers do not read the profile)
    ("A100 80GB PCIe", "a100-80gb-pcie"),
    ("A100 80GB", "a100-80gb"),  # torch total 79.25 GiB; the logs' util x total matches it (V40, V41)
    ("A100 40GB", "a100-40gb"),
    ("L40S", "l40s"),
    # Round 9 (V102-V113): the AWS cards the posts name; "NVIDIA L4 24GB" after "L40S" (first match wins)
    ("NVIDIA L4 24GB", "l4"),
    ("NVIDIA A10G", "a10g"),
    ("GB10", "gb10"),  # V63: DGX Spark; the profile's runtime total is the 121.69 GiB CUDA reports (profiles/gb10.toml)
    ("Radeon AI PRO R9700", "ai-pro-r9700"),  # V93 (round 7): gfx1201, ROCm; its runtime total is derived, not logged
    ("Instinct MI300X", "mi300x"),  # V94 (round 7): the profile's runtime total is derived (nominal less 16 MiB)
    ("NVIDIA A10 (24 GB", "a10"),  # V48: the profile's runtime total is derived (nominal x 0.9373), not measured
    ("GeForce RTX 3060 12GB", "rtx3060"),  # V143 (round 16): its PyTorch total is stated (torch_total_gib)
    ("RTX 3090", "rtx3090"),
    # Round 10 (V114-V117): the RTX 4090 the posts name (WSL2); its PyTorch total is stated per case (torch_total_gib)
    ("NVIDIA GeForce RTX 4090 (WSL2", "rtx4090"),
    ("NVIDIA GeForce RTX 4090 (RunPod", "rtx4090"),  # round 11 (V128, V129): the PyTorch total is stated per case
    ("NVIDIA GeForce RTX 4090 x2 (", "rtx4090"),  # round 13 (V139, TP 2): the PyTorch total is stated per case
    # L04: a CUDA stand-in chosen before the rtx4080super profile existed; the buffers compared do not read its size
    ("NVIDIA GeForce RTX 4080 SUPER (CUDA)", "rtx4090"),
    # Round 12 (V134-V138): the laptop cards the sources name, under WSL2; no profile of their own, the 8 GB RTX 4060
    # Laptop stands in with the PyTorch total each case states (torch_total_gib); nothing compared depends on its speed
    ("NVIDIA GeForce RTX 4070 Laptop GPU (WSL2", "rtx4060-laptop"),
    ("NVIDIA GeForce RTX 4050 Laptop GPU (WSL2", "rtx4060-laptop"),
    ("NVIDIA GeForce RTX 5070 Ti (", "rtx5070ti"),  # V138: the PyTorch total is stated per case
    # Round 19 (V146): the card the repository names for its Gemma3-1b runs (the log names none); no total is logged,
    # so the profile's runtime total stands
    ("NVIDIA GeForce RTX 5090 32 GB (not named in the benchmark files", "rtx5090"),
    ("NVIDIA RTX 6000 Ada Generation (the same session", "rtx6000-ada"),  # V147 (round 19): its total is stated
    ("NVIDIA Tesla T4 (Kaggle", "t4"),  # V151 (round 21): the PyTorch total the notebook prints is stated
    ("7900 XTX", "rx7900xtx"),
    # L02: RX 7900 XT (20 GB), a stand-in chosen before the rx7900xt profile existed; buffers do not read its size
    ("AMD Radeon RX 7900 XT (ROCm, Windows)", "rx7900xtx"),
    ("NVIDIA RTX A6000 (", "rtx-a6000"),  # round 14 (V140, V141): the PyTorch total is stated per case
    ("unstated CUDA GPU (78.7", "h100-sxm"),  # Ollama O03: an 80 GB card
    ("unstated CUDA GPU", "rtx3090"),  # Ollama O02: only the estimator's sizes are compared
)
# Model text -> (config id, quant config of the checkpoint or None, spec overrides).
MODEL_CONFIGS: dict[str, tuple[str, QuantConfig | None, dict]] = {
    "openai/gpt-oss-20b": ("openai/gpt-oss-20b", None, {}),
    "openai/gpt-oss-120b": ("openai/gpt-oss-120b", None, {}),
    "RedHatAI/Llama-3.3-70B-Instruct-FP8-dynamic": ("meta-llama/Llama-3.1-70B-Instruct", FP8_CHANNEL, {}),
    # Round 20 (V150): NVIDIA's ModelOpt FP8 checkpoint of Llama 3.3 70B Instruct, the Llama 3.1 70B shapes (80 layers,
    # hidden 8192, 64/8 heads, ffn 28672, vocab 128256) with FP8 linears (per-tensor scales; lm_head left in bf16)
    "nvidia/Llama-3.3-70B-Instruct-FP8": ("meta-llama/Llama-3.1-70B-Instruct", FP8_CHANNEL, {}),
    "meta-llama/Llama-3.1-8B-Instruct": ("meta-llama/Llama-3.1-8B-Instruct", None, {}),
    # Llama 3 8B has the 3.1 shapes and an 8192-token context.
    "meta-llama/Meta-Llama-3-8B": ("meta-llama/Llama-3.1-8B-Instruct", None, {"max_position_embeddings": 8192}),
    # Round 33 (V190): the Instruct repository has the base model's shapes (O23's log of the same model prints them)
    "meta-llama/Meta-Llama-3-8B-Instruct": (
        "meta-llama/Llama-3.1-8B-Instruct",
        None,
        {"max_position_embeddings": 8192},
    ),
    # Round 19 (V147): a Llama 3.1 8B Instruct fine-tune whose merge resized the embeddings to 128257 rows (the log:
    # "Resizing model embeddings: 128256 → 128257"); the 3.1 shapes otherwise
    "models/final_dpo (Llama 3.1 8B Instruct with DAPT, SFT and DPO LoRAs merged; embeddings resized 128256 -> "
    "128257 by the merge; LlamaForCausalLM)": ("meta-llama/Llama-3.1-8B-Instruct", None, {"vocab_size": 128257}),
    # Round 22 (V154): the same repository's earlier merge, served on 2026-02-16; the log prints no vocabulary size
    # (one resized row would be 16 KiB of the 14.99 GiB), so the 3.1 shapes as the catalog has them
    "models/merged (the repository's Llama 3.1 8B Instruct fine-tune, a merge earlier than V147's models/final_dpo; "
    "LlamaForCausalLM; its vocabulary size is not printed)": ("meta-llama/Llama-3.1-8B-Instruct", None, {}),
    # Round 23 (V155): MiniMax-M2, the M2.5 shapes and FP8 block quantization (62 layers, hidden 3072, 48/8 heads of
    # 128, 256 experts of 1536, top 8, vocab 200064, 196608 positions): MiniMax-AI/MiniMax-M2.5's vLLM deploy guide
    # applies to M2.5, M2.1 and M2 alike ("You only need to change the model name during deployment")
    "MiniMaxAI/MiniMax-M2": ("MiniMaxAI/MiniMax-M2.5", None, {}),
    "Qwen/Qwen3-0.6B": ("Qwen/Qwen3-0.6B", None, {}),
    "Qwen/Qwen3-32B": ("Qwen/Qwen3-32B", None, {}),
    "Qwen/Qwen3-30B-A3B": ("Qwen/Qwen3-30B-A3B", None, {}),
    "Qwen/Qwen2.5-1.5B-Instruct": ("Qwen/Qwen2.5-1.5B-Instruct", None, {}),
    "Qwen/Qwen2.5-7B-Instruct": ("Qwen/Qwen2.5-7B-Instruct", None, {}),
    "Qwen3-235B-A22B-FP8": ("Qwen/Qwen3-235B-A22B", FP8_BLOCK, {}),
    # Qwen2-7B-Instruct has the Qwen2.5-7B shapes (28 layers, hidden 3584, 28/4 heads, ffn 18944, vocab 152064,
    # 32768 positions): huggingface.co/Qwen/Qwen2-7B-Instruct/blob/main/config.json
    "Qwen/Qwen2-7B-Instruct": ("Qwen/Qwen2.5-7B-Instruct", None, {}),
    # Qwen3-Coder-30B-A3B-Instruct: the Qwen3-30B-A3B shapes with 262144 positions
    # (huggingface.co/Qwen/Qwen3-Coder-30B-A3B-Instruct/blob/main/config.json)
    "Qwen/Qwen3-Coder-30B-A3B-Instruct": ("Qwen/Qwen3-30B-A3B", None, {"max_position_embeddings": 262144}),
    # round 3 (V50-V63): configs from the offline catalog, or tests/data/real-logs-configs (its README gives the source)
    "Qwen/Qwen3-8B": ("Qwen/Qwen3-8B", None, {}),
    "Qwen/Qwen2.5-72B-Instruct": ("Qwen/Qwen2.5-72B-Instruct", None, {}),
    "mistralai/Mixtral-8x7B-Instruct-v0.1": ("mistralai/Mixtral-8x7B-Instruct-v0.1", None, {}),
    "google/gemma-2-9b-it": ("google/gemma-2-9b-it", None, {}),
    "TheBloke/Mistral-7B-Instruct-v0.2-GPTQ": ("TheBloke/Mistral-7B-Instruct-v0.2-GPTQ", None, {}),
    # round 4 (V64-V66, LMCache's FAQ table): the offline catalog's config
    "meta-llama/Llama-3.1-70B": ("meta-llama/Llama-3.1-70B", None, {}),
    # round 4 (V67-V75, llm-d-planner's sweeps): CodeLlama-7b-hf has the CodeLlama-7b-Instruct-hf shapes (32 layers,
    # hidden 4096, 32 heads, ffn 11008, vocab 32016, 16384 positions: huggingface.co/codellama/CodeLlama-7b-hf)
    "codellama/CodeLlama-7b-hf": ("codellama/CodeLlama-7b-Instruct-hf", None, {}),
    "google/gemma-2-27b-it": ("google/gemma-2-27b-it", None, {}),
    "google/gemma-2-2b-it": ("google/gemma-2-2b-it", None, {}),
    "google/gemma-7b": ("google/gemma-7b", None, {}),
    "microsoft/phi-4": ("microsoft/phi-4", None, {}),
    "Qwen/Qwen3-14B": ("Qwen/Qwen3-14B", None, {}),
    # round 5 (V78-V84, llm-d-planner's 0.19.0 sweep): Qwen1.5-MoE-A2.7B from tests/data/real-logs-configs (its README
    # gives the source); the RedHatAI FP8-dynamic checkpoint is Qwen2.5-7B-Instruct with per-channel FP8 linears
    "Qwen/Qwen1.5-MoE-A2.7B": ("Qwen/Qwen1.5-MoE-A2.7B", None, {}),
    "RedHatAI/Qwen2.5-7B-Instruct-fp8-dynamic": ("Qwen/Qwen2.5-7B-Instruct", FP8_CHANNEL, {}),
    "google/gemma-3-27b-it": ("google/gemma-3-27b-it", None, {}),
    # round 5 follow-up (V85-V90, the same sweep's multimodal runs): Gemma 3 4B/12B and Llama 4 Scout (with its
    # vision_config) from tests/data/real-logs-configs; Mistral-Small-3.1-24B-Instruct-2503 from its own config in the
    # catalog since 2026-12-03 (before: Magistral-Small-2509's, the same text and vision configs; the log prints its
    # text model: 40 layers, hidden 5120, 32/8 heads x 128, intermediate 32768, vocab 131072, untied, rope theta 1e9;
    # and its Pixtral tower: hidden 1024, image 1540, patch 14, merge 2)
    "google/gemma-3-4b-it": ("google/gemma-3-4b-it", None, {}),
    "google/gemma-3-12b-it": ("google/gemma-3-12b-it", None, {}),
    "meta-llama/Llama-4-Scout-17B-16E-Instruct": ("meta-llama/Llama-4-Scout-17B-16E-Instruct", None, {}),
    "mistralai/Mistral-Small-3.1-24B-Instruct-2503": ("mistralai/Mistral-Small-3.1-24B-Instruct-2503", None, {}),
    # round 7 (V91, V92: github.com/tim-roethig/ai-platform, vLLM 0.10.2 on L40S): the -2507 Instruct FP8 checkpoints,
    # block-quantized FP8 (weight_block_size [128, 128]) on the shapes of their base models with 262144 positions
    # (huggingface.co/Qwen/Qwen3-30B-A3B-Instruct-2507-FP8 and /Qwen3-235B-A22B-Instruct-2507-FP8, config.json); the
    # catalog carries Qwen3-30B-A3B-Instruct-2507 itself
    "Qwen/Qwen3-30B-A3B-Instruct-2507-FP8": ("Qwen/Qwen3-30B-A3B-Instruct-2507", FP8_BLOCK, {}),
    "Qwen/Qwen3-235B-A22B-Instruct-2507-FP8": ("Qwen/Qwen3-235B-A22B", FP8_BLOCK, {"max_position_embeddings": 262144}),
    # V94: DeepSeek-R1-Distill-Qwen-14B has the Qwen2.5-14B shapes (48 layers, hidden 5120, 40/8 heads, ffn 13824, vocab
    # 152064, untied) with 131072 positions (huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Qwen-14B, config.json; the
    # 7B distill's Hub config, huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Qwen-7B, has the same 131072)
    "deepseek-ai/DeepSeek-R1-Distill-Qwen-14B": (
        "Qwen/Qwen2.5-14B-Instruct",
        None,
        {"max_position_embeddings": 131072},
    ),
    # round 9 (V97-V113, github.com/ddiiwoong/newblog): the offline catalog's configs (the GPTQ-Int4 checkpoint
    # carries its quant config there); the blog's spelling of the RedHatAI FP8-dynamic checkpoint (per-channel FP8
    # linears, the config the post prints); Mistral-7B-Instruct-v0.2 has v0.3's shapes with a 32000-token vocabulary
    # (huggingface.co/mistralai/Mistral-7B-Instruct-v0.2, config.json; L33 maps it the same way)
    "Qwen/Qwen2.5-14B-Instruct": ("Qwen/Qwen2.5-14B-Instruct", None, {}),
    "Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4": ("Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4", None, {}),
    "RedHatAI/Qwen2.5-7B-Instruct-FP8-dynamic": ("Qwen/Qwen2.5-7B-Instruct", FP8_CHANNEL, {}),
    "mistralai/Mistral-7B-Instruct-v0.2 (JumpStart huggingface-llm-mistral-7b-instruct prepack v3.0.0)": (
        "mistralai/Mistral-7B-Instruct-v0.3",
        None,
        {"vocab_size": 32000},
    ),
    # round 10 (V117, github.com/enginrect/llmso): the lab reads Qwen2.5-0.5B's config (hidden 896, 24 layers, 14/2
    # heads); base and Instruct share every shape (the catalog's note on Qwen/Qwen2.5-0.5B-Instruct)
    "Qwen2.5-0.5B (the lab reads its config: hidden 896, 24 layers, 14 Q / 2 KV heads, head_dim 64; "
    "checkpoint 0.92 GiB; Qwen2.5-0.5B-Instruct shapes)": ("Qwen/Qwen2.5-0.5B-Instruct", None, {}),
    # round 11 (V125-V127, github.com/enginrect/llmso): Qwen2.5-0.5B-Instruct from the offline catalog; Qwen's own FP8
    # checkpoints are block-quantized FP8 (weight_block_size [128, 128]) on the shapes of their base models
    # (huggingface.co/Qwen/Qwen3-8B-FP8 and /Qwen3-14B-FP8, config.json)
    "Qwen/Qwen2.5-0.5B-Instruct": ("Qwen/Qwen2.5-0.5B-Instruct", None, {}),
    "Qwen/Qwen3-8B-FP8": ("Qwen/Qwen3-8B", FP8_BLOCK, {}),
    "Qwen/Qwen3-14B-FP8": ("Qwen/Qwen3-14B", FP8_BLOCK, {}),
    # V132-V133: Qwen's AWQ checkpoint of Qwen3-8B: 4-bit, group 128, zero points (huggingface.co/Qwen/Qwen3-8B-AWQ,
    # config.json quantization_config) on the Qwen3-8B shapes
    "Qwen/Qwen3-8B-AWQ": ("Qwen/Qwen3-8B", INT4_AWQ, {}),
    # round 13 (V139, vllm-project/vllm#54383/#54479): Qwen's AWQ checkpoint of Qwen3-32B: 4-bit, group 128, zero
    # points (huggingface.co/Qwen/Qwen3-32B-AWQ, config.json quantization_config) on the Qwen3-32B shapes
    "Qwen/Qwen3-32B-AWQ": ("Qwen/Qwen3-32B", INT4_AWQ, {}),
    # round 22 (V152-V153, ddiiwoong/newblog's L40S capstone): Qwen's AWQ checkpoint of Qwen3-14B: 4-bit, group 128,
    # zero points (huggingface.co/Qwen/Qwen3-14B-AWQ, config.json quantization_config) on the Qwen3-14B shapes
    "Qwen/Qwen3-14B-AWQ": ("Qwen/Qwen3-14B", INT4_AWQ, {}),
    # round 12 (V136-V137, github.com/Tegdam/pickr_ai): Qwen's AWQ checkpoint, 4-bit, group 128, zero points (its
    # config.json quantization_config, quoted in the repository's bench/docs/p0b-engine-verification.md) on the
    # Qwen2.5-3B-Instruct shapes (36 layers, hidden 2048, 16/2 heads x 128, vocab 151936, tied: the same doc)
    "Qwen/Qwen2.5-3B-Instruct-AWQ": ("Qwen/Qwen2.5-3B-Instruct", INT4_AWQ, {}),
    # round 18 (V144, V145, github.com/j33bs/clawd): a local AWQ directory the repository's launch script names
    # "Qwen2.5-14B-Instruct AWQ" and its config/local_exec/models.json Qwen/Qwen2.5-14B-Instruct-AWQ (Qwen's checkpoint:
    # 4-bit, group 128, zero points), mapped as round 12 maps the 3B one, on the Qwen2.5-14B-Instruct shapes
    "Qwen2.5-14B-Instruct AWQ (the local directory /opt/models/qwen2_5_14b_instruct_awq, 3 safetensors shards; "
    "taken as Qwen/Qwen2.5-14B-Instruct-AWQ, the checkpoint the repository's config/local_exec/models.json names)": (
        "Qwen/Qwen2.5-14B-Instruct",
        INT4_AWQ,
        {},
    ),
    # round 14 (V140, V141, vllm-project/vllm#16141): Qwen's AWQ checkpoint of Qwen2.5-0.5B-Instruct, mapped as round 12
    # mapped the 3B one (4-bit, group 128, zero points; the 0.5B checkpoint's own config was not read) on the catalog's
    # Qwen2.5-0.5B-Instruct shapes
    "Qwen/Qwen2.5-0.5B-Instruct-AWQ": ("Qwen/Qwen2.5-0.5B-Instruct", INT4_AWQ, {}),
    # V142 (vllm-project/vllm#16259): hugging-quants' AWQ INT4 checkpoint of Llama 3.1 405B Instruct, mapped as the AWQ
    # checkpoints above (4-bit, group 128, zero points; its own config was not read) on the catalog's Llama-3.1-405B
    # shapes (126 layers, hidden 16384, 128/8 heads, ffn 53248, vocab 128256: the base and Instruct models share them)
    "hugging-quants/Meta-Llama-3.1-405B-Instruct-AWQ-INT4": ("meta-llama/Llama-3.1-405B", INT4_AWQ, {}),
    "qwen2.5:14b-instruct (named in the issue)": ("Qwen/Qwen2.5-14B-Instruct", None, {}),
    "qwen2.5:7b (qwen2 arch, layers.model=29, n_vocab 152064 per log)": ("Qwen/Qwen2.5-7B-Instruct", None, {}),
    "Qwen3 8B GGUF (arch qwen3, 36 layers, n_ctx_train 40960 per log)": ("Qwen/Qwen3-8B", None, {}),
    "Qwen2.5-7B-shaped GGUF (qwen2 arch, 28 layers)": ("Qwen/Qwen2.5-7B-Instruct", None, {}),
    # L61 (round 17): Qwen2.5-Coder-7B-Instruct has the Qwen2.5-7B-Instruct shapes (28 layers, hidden 3584, 28/4 heads,
    # ffn 18944, vocab 152064, untied embeddings, 32768 positions)
    "qwen2.5-coder:7b-instruct-q8_0 (the Ollama library blob sha256-24b532e5...; the Qwen2.5-7B shape: qwen2, "
    "28 layers, n_embd 3584, 28/4 heads x 128, n_ff 18944, n_vocab 152064; training_ctx 32768 per the evidence page)": (
        "Qwen/Qwen2.5-7B-Instruct",
        None,
        {},
    ),
    "Qwen2.5-3B-shaped GGUF (qwen2 arch per vocab 151936 in the 0.58 MiB output buffer; 36 layers, "
    "n_embd_k_gqa 256 per log)": ("Qwen/Qwen2.5-3B-Instruct", None, {}),
    # qwen2 with 64 layers is the Qwen2.5-32B shape (the KV buffer, 4352 MiB at q8_0, confirms 64 x 8 x 128).
    "unstated main model (qwen2 arch, 64 layers; draft Qwen2.5-Coder-0.5B-Instruct-IQ4_XS)": (
        "Qwen/Qwen2.5-32B-Instruct",
        None,
        {},
    ),
}
# Settings a row states that its own logged figures contradict, with the arithmetic that shows it.
SETTING_FIXES = {
    # V02 (gpt-oss-120b): weights 64.38 + activation 7.38 + non-torch 0.13 + KV 3.33 = 75.22 GiB
    # = 0.95 x 79.18 GiB, not 0.9 x 79.18 = 71.26 (V01's figures add up to 0.9 x 79.18 exactly).
    "V02": {"gpu_memory_utilization": "0.95"},
    # V101 (round 9): the row says "0.9 (default)", but the post's command (`vllm serve Qwen/Qwen3-14B
    # --disable-log-stats`) passes no --gpu-memory-utilization, and vLLM 0.28.0's default is 0.92
    # (vllm/config/cache.py in the 0.28.0 sdist; engines/vllm.py default_gpu_memory_utilization)
    "V101": {"gpu_memory_utilization": "0.92"},
}
# Cases whose source starts vLLM through the Python `LLM(...)` class (UsageContext.LLM_CLASS), not `vllm serve`: their
# unstated batch budget is that class's default (engines/vllm.py LLM_CLASS_TIERS). V117: vllm.LLM(...) in the orca3
# chapter 2 notebook; V124: test.py's vllm.LLM(model=...); V146: generate-vllm.py's offline LLM(...); V151: the Kaggle
# notebook's offline LLM class (cell 6). V117, V124 and V146 log the 8192 tokens; V151 logs none.
LLM_CLASS_CASES = frozenset({"V117", "V124", "V146", "V151"})
# Cases whose source states no version: the release current at the source's date.
VERSION_BY_DATE = {"V22": "0.10"}  # vllm#21348, 2025-07-22: v0.9.2 (2025-07-08) was the latest release

# Builds that reserve the worst-case graph with n_outputs = n_ubatch (llama-context.cpp graph_reserve(n_tokens,
# n_seqs, n_tokens)) and build the attention mask as an f32 input cast on the device: every log format before
# the llama_kv_cache rename (llama_new_context_with_model, llama_init_from_model, llama_kv_cache_init,
# llama_kv_cache_unified), and dated builds up to mid 2025. Later builds reserve min(n_ubatch, n_outputs_max)
# rows: other tools leave n_outputs_max at n_batch, and llama-server sets it to its slot count from llama.cpp#23861
# (2026-05-29; a server dated before it reserves n_ubatch rows, _llamacpp).
_BEFORE_UNIFIED_KV = r"llama_kv_cache_init|llama_new_context_with_model|llama_init_from_model|2024|Jan 2025"
OLD_LLAMACPP = re.compile(_BEFORE_UNIFIED_KV + r"|llama_kv_cache_unified")
# Builds before llama.cpp#14158 (the GGML_OP_GLU ops, June 2025; engines/llamacpp.py pre_glu_graph): every log format
# older than llama_kv_cache_unified (which builds both before and after that change print), and dated 2024 / Jan 2025.
PRE_GLU_LLAMACPP = re.compile(_BEFORE_UNIFIED_KV)
# A date the source states (its post, issue or run date, 2025-09-14): the build is no newer. Builds dated before
# llama.cpp#18898 (2026-01-17) keep one embedding input on the host, before llama.cpp#23764 (2026-05-27) an f32 mask
# (engines/llamacpp.py host_compute_bytes); undated builds get the current graph.
_STATED_DATE = re.compile(r"\b(20\d\d-[01]\d-[0-3]\d)\b")


# An upstream release tag the source names (the `b7146` of llama.cpp's release binaries, `llama-b7146-...`, or a case's
# "build b8121" for the log's "build: 8121 (a0c91e8f9)"; not a fork's own build counter) is no newer than a release
# known to exist on a day: build 7361 ran on 2025-12-11 (scripts/data/llamabench-heldout-5.csv,
# 1337hero/rx7900xtx-llama-bench-vulcan's log of that day); build 9200 on 2026-05-18 (llamabench-heldout-34.csv:
# defai-digital/ax-engine's sweep of that day, its llama-bench JSON's build_number 9200; real-engine-logs.md round 38).
_RELEASE_TAG = re.compile(r"(?:^|llama-|build )b(\d{4,5})\b")
KNOWN_RELEASES = ((7361, "2025-12-11"), (9200, "2026-05-18"))


# The llama.cpp changes a case is dated against (each date a day on or before the merge, so a source dated before it
# ran a build without the change): llama.cpp#14363, the split per-sequence KV streams (not merged on 2025-07-09);
# #18898, both embedding inputs on the host (2026-01-17); #23764, the f16 host mask under flash attention
# (2026-05-27); #23861, llama-server's output rows limited to its slots (opened 2026-05-29).
SPLIT_KV_STREAMS = "2025-07-09"
EMBD_SELECT = "2026-01-17"
F16_HOST_MASK = "2026-05-27"
SERVER_OUTPUT_LIMIT = "2026-05-29"


# Ollama's runner links the llama.cpp Ollama vendors (Makefile.sync FETCH_HEAD), not the one of its release day: each
# release runs a build no newer than the day its vendored copy was last updated (ollama/ollama, `git log -1 <tag> --
# Makefile.sync` at every release tag from v0.5.8; v0.13.5-v0.29.x keep ec98e2002, vendored by ollama#13451 on
# 2025-12-17, after the revert of the b7847 update, ollama#14061). From 0.30.0 Ollama runs llama-server, which prints
# its own build.
OLLAMA_VENDORED = (
    ((0, 5, 8), "2025-02-05"),
    ((0, 5, 13), "2025-02-26"),
    ((0, 6, 6), "2025-04-16"),
    ((0, 6, 7), "2025-04-25"),
    ((0, 6, 8), "2025-05-01"),
    ((0, 7, 0), "2025-05-13"),
    ((0, 11, 5), "2025-08-14"),
    ((0, 12, 4), "2025-10-02"),
    ((0, 12, 6), "2025-10-13"),
    ((0, 12, 11), "2025-11-06"),
    ((0, 13, 2), "2025-12-03"),
    ((0, 13, 3), "2025-12-10"),
    ((0, 13, 5), "2025-12-17"),
)
_OLLAMA_RUNNER = re.compile(r"Ollama (\d+)\.(\d+)\.(\d+)'s (?:bundled )?llama\.cpp runner")


def _ollama_vendored(case: LogCase) -> str | None:
    """The day an Ollama runner's vendored llama.cpp was last updated (OLLAMA_VENDORED), or None."""
    m = _OLLAMA_RUNNER.search(case.engine_version)
    if m is None:
        return None
    version = tuple(int(g) for g in m.groups())
    days = [day for since, day in OLLAMA_VENDORED if since <= version < (0, 30, 0)]
    return days[-1] if days else None


def _dated_before(case: LogCase, day: str) -> bool:
    m = _STATED_DATE.search(case.engine_version)
    if m is not None and m.group(1) < day:
        return True
    vendored = _ollama_vendored(case)
    if vendored is not None and vendored < day:
        return True
    tag = _RELEASE_TAG.search(case.engine_version)
    return tag is not None and any(int(tag.group(1)) <= b and d < day for b, d in KNOWN_RELEASES)


# GGUF engines' cases (llama.cpp L10+, Ollama O10+): GPU text -> profile and model text -> config, consulted
# before GPU_PROFILES / MODEL_CONFIGS. Placement-free figures (buffers, estimator sizes) do not depend on the
# card's size; where a case offloads partially its text names the memory the log reports.
GGUF_GPU_PROFILES = (
    ("V100-PCIE-16GB", "v100-sxm2-16gb"),
    ("Apple M4 Max", "apple-m4-max"),  # L51 (round 14), before the "Apple M4" entry it contains
    ("Apple M4", "apple-m4"),
    ("Apple M5", "apple-m5"),  # L59 (round 16)
    ("Apple M2 Pro", "apple-m2-pro"),  # O24 (round 16)
    ("two of about 40 GB", "a100-40gb"),
    ("memory.available 24.0 GiB", "rx7900xtx"),
    ("memory.available 20.0 GiB", "rtx3090"),
    ("memory.available 15.6 GiB", "rtx3090"),
    ("memory.available 78.6 GiB", "h100-sxm"),
    # O27 (round 27): a CUDA card the log does not name, 11.1 GiB available (a 12 GB card); an RTX 3060 12 GB stands in
    ("memory.available 11.1 GiB", "rtx3060"),
    ("AMD gfx906 x2", "mi50-32gb"),
    # L20: an Intel card the log does not name; a 24 GB Intel profile stands in (everything is on Vulkan0)
    ("Intel GPU via Vulkan", "arc-pro-b60"),
    # L22-L24 (round 6): the Strix Halo iGPU (gfx1151) the log names, on ROCm and on Vulkan
    ("Radeon 8060S", "strix-halo"),
    ("RTX 3090 Ti", "rtx3090ti"),  # L25
    ("RTX 4080 (Vulkan", "rtx4080"),  # L26
    # L27: an RTX 4090 and an RTX 5090 split by free memory; the plan assumes two 5090s (the summed buffers compared
    # do not depend on the split, each GPU's compute buffer only on its layers' shapes)
    ("RTX 4090 + RTX 5090", "rtx5090"),
    # L29 (round 7): five gfx906 the log names "AMD Radeon VII" (16 GB); the issue says MI50. Buffers compared do not
    # depend on the card's size, and the plan fits either
    ("Radeon Instinct MI50 x5", "mi50-16gb"),
    # O21 (round 7): the Radeon 780M iGPU the log names (gfx1103, ROCm; memory.available 33.6 GiB of shared memory,
    # placement-free figures compared)
    ("AMD Radeon 780M", "radeon-780m"),
    # Round 8 (L31-L33): the cards the logs name
    ("Intel Arc A770 16 GB", "arc-a770"),
    ("AMD Instinct MI100 x4", "mi100"),
    # Round 9 (L34-L36): L34 is an RTX 3060 and a Radeon 8060S on Vulkan, split 9 + 39 layers (the "Radeon 8060S" entry
    # above maps it to two Strix Halo profiles; the summed KV and compute buffers do not depend on the split); L35's
    # Renoir iGPU has no profile, an AMD unified-memory profile stands in (every layer is on the GPU as logged, and the
    # compute buffer compared does not depend on the card's size)
    ("RADV RENOIR", "strix-halo"),
    # O23 (round 9): Ollama on the CPU (no GPU discovered); a CUDA stand-in, only the estimator's sizes are compared
    ("no GPU (CPU only", "rtx3090"),
    # Round 14 (L38-L48): the cards the logs name; L40's two Radeon VII split the layers (the buffers compared are
    # summed)
    ("AMD Instinct MI60", "mi60"),
    ("AMD Radeon VII x2", "radeon-vii"),
    ("Apple M1 Pro", "apple-m1-pro"),  # L41: through MoltenVK (Vulkan0), not Metal
    ("NVIDIA GeForce RTX 3060 (CUDA0", "rtx3060"),
    ("NVIDIA GeForce RTX 4070 Ti SUPER (CUDA0", "rtx4070tisuper"),
    ("A800-SXM4-80GB MIG 7g.80gb", "a800-80gb"),  # L46: the whole A800 as one MIG instance
    ("NVIDIA GeForce RTX 3060 Ti (CUDA0", "rtx3060"),  # L47: no 3060 Ti profile; a CUDA stand-in, size-free buffers
    ("NVIDIA GeForce RTX 4090 (CUDA0", "rtx4090"),  # L48
    ("Apple M2 Max", "apple-m2-max"),  # L50 (Metal)
    # L53, L54 (SYCL): an Arc A380 (6 GB) and an Iris Xe iGPU have no profile; the Arc A770 stands in (the buffers
    # compared do not depend on the card's size)
    ("Intel Arc A380", "arc-a770"),
    ("Intel Iris Xe", "arc-a770"),
    # Round 15 (L56): the Radeon Pro VII the log names (gfx906, 16 GB HBM2): the Radeon VII's chip and memory
    ("AMD Radeon (TM) Pro VII", "radeon-vii"),
    # Round 17 (L61): the RTX 5080 the log names, on Vulkan
    ("NVIDIA GeForce RTX 5080 (Vulkan0", "rtx5080"),
    # Round 21 (L62): the Radeon VII (gfx906, 16 GB HBM2) the soak's node and notes name
    ("AMD Radeon VII 16 GB (gfx906, ROCm0", "radeon-vii"),
)
GGUF_MODEL_CONFIGS: dict[str, tuple[str, QuantConfig | None, dict]] = {
    "EleutherAI/pythia-2.8b (gptneox; 32 layers, n_embd 2560, 32 heads, n_ff 10240, n_vocab 50304 per the log)": (
        "EleutherAI/pythia-2.8b",
        None,
        {},
    ),
    "EleutherAI/pythia-1.4b (gptneox; 24 layers, n_embd 2048, 16 heads, n_ff 8192, n_vocab 50304 per the log)": (
        "EleutherAI/pythia-1.4b",
        None,
        {},
    ),
    # Mistral 7B v0.2/v0.3 share every shape but the vocabulary (32000 / 32768); the logged buffers compared here
    # are attention-bound, the logits of a 32k vocabulary are smaller.
    "Mistral-7B-Instruct GGUF (llama arch: 32 layers, 8 KV heads x 128, rope base 1e6, n_ctx_train 32768; 0.12 MiB "
    "output buffer: vocab about 32k)": ("mistralai/Mistral-7B-Instruct-v0.3", None, {}),
    "Qwen2.5-1.5B GGUF (qwen2: 28 layers, 2 KV heads x 128 per the 224 MiB KV of 8192 cells; n_ctx_train 131072)": (
        "Qwen/Qwen2.5-1.5B-Instruct",
        None,
        {"max_position_embeddings": 131072},
    ),
    "llama3.1:8b (llama arch, layers.model=33; 411.0 MiB non-repeating = the Q6_K output of a 128256 vocab)": (
        "meta-llama/Llama-3.1-8B-Instruct",
        None,
        {},
    ),
    # L62 (round 21): the Qwen3-8B Q4_K_M file a gfx906 soak serves (its publisher unstated): the catalog's Qwen3-8B
    "Qwen3-8B GGUF (Qwen3-8B-Q4_K_M.gguf from the cluster's qwen3-8b-radeonvii model cache; the notes: 'server loaded "
    "Qwen3 8B'; its publisher unstated)": ("Qwen/Qwen3-8B", None, {}),
    # Round 28 (L66): a Llama 3 8B fine-tune (Korean continued pre-training; the log prints the Meta-Llama-3-8B shapes
    # and its 8192-token context), planned as V11's and O23's Meta-Llama-3-8B
    "llama-3-Korean-Bllossom-8B GGUF (MLP-KTLim/llama-3-Korean-Bllossom-8B-gguf-Q4_K_M, a Llama 3 8B fine-tune; llama: "
    "32 layers, n_embd 4096, 32/8 heads, n_ff 14336, n_vocab 128256, n_ctx_train 8192 per the log)": (
        "meta-llama/Llama-3.1-8B-Instruct",
        None,
        {"max_position_embeddings": 8192},
    ),
    # Round 28 (O28): a Qwen2.5 1.5B tag (the source's guess, Qwen2.5-Coder 1.5B: the Qwen2.5-1.5B shape its log prints)
    "qwen2.5-coder:1.5b (inferred: the document's guess 'probably Qwen2.5-Coder 1.5B', file size 934.69 MiB, 1.54 B "
    "params; blob sha256-6a77366395..., layers.model=29; 224 MiB KV = 28 layers x 8192 cells x 2 KV heads x 128 x 2 x "
    "2 B)": ("Qwen/Qwen2.5-1.5B-Instruct", None, {}),
    "qwen2.5:1.5b (qwen2 arch, layers.model=29; 224 MiB KV = 28 layers x 8192 cells x 2 KV heads x 128 x 2 x 2 B)": (
        "Qwen/Qwen2.5-1.5B-Instruct",
        None,
        {},
    ),
    "llama3.2:3b (llama arch, layers.model=29; 896 MiB KV = 28 layers x 8192 cells x 8 KV heads x 128 x 2 x 2 B; "
    "308.2 MiB non-repeating = a tied Q6_K token_embd of 128256 x 3072)": (
        "meta-llama/Llama-3.2-3B-Instruct",
        None,
        {},
    ),
    # Llama 3 70B has the 3.1 shapes and an 8192-token context.
    "llama3:70b (llama arch, layers.model=81, n_ctx_train 8192)": (
        "meta-llama/Llama-3.1-70B-Instruct",
        None,
        {"max_position_embeddings": 8192},
    ),
    "Qwen3.5-35B-A3B GGUF (qwen35moe: 40 layers, 10 with a KV cache of 32768 cells and 30 Gated DeltaNet layers "
    "with a recurrent-state buffer, per the log)": ("Qwen/Qwen3.5-35B-A3B", None, {}),
    "Qwen3-30B-A3B-128K GGUF (qwen3moe: 48 layers, 4 KV heads x 128 per the 3072 MiB KV of 32768 cells; "
    "n_ctx_train 131072 per the log)": ("Qwen/Qwen3-30B-A3B", None, {"max_position_embeddings": 131072}),
    # round 6 (L22-L24): the shapes each log prints match these configs (Qwen3-0.6B from tests/data/real-logs-configs,
    # Qwen3-235B-A22B from the offline catalog)
    "Qwen3-0.6B GGUF (unsloth; qwen3: 28 layers, n_embd 1024, 16/8 heads x 128, n_ff 3072, n_vocab 151936, "
    "tied output per the log)": ("Qwen/Qwen3-0.6B", None, {}),
    "Qwen3-235B-A22B GGUF (unsloth; qwen3moe: 94 layers, n_embd 4096, 64/4 heads x 128, 128 experts, 8 used, "
    "n_ff_exp 1536, n_vocab 151936 per the log)": ("Qwen/Qwen3-235B-A22B", None, {}),
    # L25: tests/data/real-logs-configs (written from the log's GGUF metadata; planned as a Llama-style decoder)
    "THUDM/GLM-Z1-32B-0414 GGUF (glm4: 61 layers, n_embd 6144, 48/2 heads x 128, n_ff 23040, n_vocab 151552 "
    "per the log)": ("THUDM/GLM-Z1-32B-0414", None, {}),
    "Qwen3-30B-A3B GGUF (unsloth; qwen3moe: 48 layers, 4 KV heads x 128 per the 1536 MiB KV of 16384 cells, "
    "128 experts, n_ff_exp 768 per the log)": ("Qwen/Qwen3-30B-A3B", None, {}),
    # O23 (round 9): the log's Meta-Llama-3-8B-Instruct (32 layers, 8 KV heads, 128256 vocabulary, 8192 positions): the
    # Llama 3.1 8B shapes with Llama 3's 8192-token context, as for V11's Meta-Llama-3-8B
    "Meta-Llama-3-8B-Instruct GGUF (Ollama blob sha256-6a0746a1ec1a; llama: 32 layers, n_embd 4096, 32/8 heads, "
    "n_ff 14336, n_vocab 128256, context_length 8192 per the log)": (
        "meta-llama/Llama-3.1-8B-Instruct",
        None,
        {"max_position_embeddings": 8192},
    ),
    # O22 (round 7): the gpt-oss:120b tag the comment names (the log: architecture=gptoss file_type=MXFP4, 37 layers =
    # 36 blocks + output): gpt-oss-120b's shapes from the offline catalog
    "gpt-oss:120b (named in the comment; architecture=gptoss file_type=MXFP4 per log)": (
        "openai/gpt-oss-120b",
        None,
        {},
    ),
    # O29, O30 (round 29): the gemma3:12b tag (blob e8ad13eff07a; the log: layers.model=49 = 48 blocks + output, a
    # projector): Gemma 3 12B's config as O27 reads it (tests/data/real-logs-configs; the catalog does not hold it).
    # Mapped after the round was scored with "no config mapped" (the helper's report gave the logged figures).
    "gemma3:12b (named in the description; blob sha256-e8ad13eff07a..., layers.model=49, projector.weights 795.9 MiB, "
    "787.5 MiB non-repeating per the log)": ("google/gemma-3-12b-it", None, {}),
    "gemma3:12b (inferred, the tag not named in the part read: blob sha256-e8ad13eff07a..., the blob that ollama issue "
    "11819 names gemma3:12b, layers.model=49, projector.weights 795.9 MiB, 787.5 MiB non-repeating per the log)": (
        "google/gemma-3-12b-it",
        None,
        {},
    ),
    # O21 (round 7): the gemma3:27b tag the page pulls (blob e796792eba26; the log: architecture=gemma3
    # file_type=Q4_K_M, 63 layers = 62 blocks + output, a projector): Gemma 3 27B's shapes from the offline catalog
    "gemma3:27b (ollama run gemma3:27b; blob e796792eba26, architecture=gemma3 file_type=Q4_K_M per log)": (
        "google/gemma-3-27b-it",
        None,
        {},
    ),
    "qwen2.5-coder:32b (the Qwen2.5-32B shape: 64 layers, 8 KV heads, vocab 152064)": (
        "Qwen/Qwen2.5-32B-Instruct",
        None,
        {},
    ),
    # Round 7 (L28-L30)
    "Qwen/Qwen2.5-32B-Instruct": ("Qwen/Qwen2.5-32B-Instruct", None, {}),
    # L30: Qwen's own GGUF stores output.weight apart from token_embd (291 = 24 x 12 + 3 tensors per the log), though
    # the Hub config ties them
    "Qwen/Qwen2.5-0.5B-Instruct (official GGUF: 291 tensors with a separate output.weight per the log)": (
        "Qwen/Qwen2.5-0.5B-Instruct",
        None,
        {"tie_word_embeddings": False},
    ),
    # Round 8 (L31-L33): the shapes each log prints match these configs (the offline catalog's); Mistral-7B-Instruct
    # v0.2 has v0.3's shapes but the 32000-token vocabulary its log prints
    "Llama-2-7B GGUF (TheBloke llama-2-7b.Q4_K_M.gguf; llama: 32 layers, n_embd 4096, 32/32 heads x 128, n_ff 11008, "
    "n_vocab 32000, n_ctx_train 4096 per the log)": ("meta-llama/Llama-2-7b-hf", None, {}),
    "Mistral-7B-Instruct-v0.2 GGUF (llama: 32 layers, n_embd 4096, 32/8 heads x 128, n_ff 14336, n_vocab 32000, "
    "rope base 1e6 per the log)": ("mistralai/Mistral-7B-Instruct-v0.3", None, {"vocab_size": 32000}),
    # Round 9 (L34-L36): Qwen3-30B-A3B-shaped MoEs; the -2507 releases and the Coder distill have 262144 positions
    # (huggingface.co/Qwen/Qwen3-30B-A3B-Instruct-2507, config.json; the catalog carries it)
    "Qwen3-Coder-30B-A3B distill GGUF (basedbase_Qwen3-Coder-30B-A3B-Instruct-480B-Distill-V2-Q5_K_M.gguf; the "
    "Qwen3-30B-A3B shapes: 48 layers, 512-wide K/V per the 24 MiB KV of 256 cells)": (
        "Qwen/Qwen3-30B-A3B-Instruct-2507",
        None,
        {},
    ),
    "Qwen3-30B-A3B-Instruct-2507 GGUF (ggml-org qwen3-30b-a3b-instruct-2507-q8_0.gguf; qwen3moe: 48 layers, n_embd "
    "2048, 32/4 heads x 128, 128 experts, 8 used, n_ff_exp 768, n_vocab 151936, n_ctx_train 262144 per the log)": (
        "Qwen/Qwen3-30B-A3B-Instruct-2507",
        None,
        {},
    ),
    # L37: Qwen3-VL-8B's text model (tests/data/real-logs-configs, the Hub config; 36 layers, 4096, 32/8 heads x 128)
    "Qwen3-VL-8B GGUF (unsloth Qwen3-VL-8B-Instruct / -Thinking IQ4_XS per the issue; 36 layers, 8 KV heads x 128 per "
    "the 1224 MiB q8_0 KV of 16384 cells)": ("Qwen/Qwen3-VL-8B-Instruct", None, {}),
    "Qwen3-30B-A3B-Thinking-2507 GGUF (unsloth Qwen3-30B-A3B-Thinking-2507-UD-Q8_K_XL.gguf; qwen3moe: 48 layers, 4 KV "
    "heads x 128 per the 6564 MiB KV of 70016 cells, 128 experts, 8 used, n_ff_exp 768, n_vocab 151936 per the log)": (
        "Qwen/Qwen3-30B-A3B-Instruct-2507",
        None,
        {},
    ),
    # Round 14 (L38-L48): the shapes each log prints match these configs of the offline catalog
    "Meta-Llama-3.1-8B-Instruct GGUF (llama: 32 layers, n_embd 4096, 32/8 heads x 128, n_ff 14336, n_vocab 128256, "
    "n_ctx_train 131072 per the log)": ("meta-llama/Llama-3.1-8B-Instruct", None, {}),
    "microsoft/phi-4 GGUF (phi3 arch per the repository's general.name Phi 4: 40 layers, n_ctx_train 16384 per the "
    "log)": ("microsoft/phi-4", None, {}),
    "Llama-3.2-1B-Instruct GGUF (llama: 16 layers, n_embd 2048, n_vocab 128256, n_ctx_train 131072 per the log)": (
        "meta-llama/Llama-3.2-1B-Instruct",
        None,
        {},
    ),
    "Qwen2.5-1.5B-Instruct GGUF (qwen2: 28 layers, n_embd 1536, n_vocab 151936, n_ctx_train 32768 per the log; "
    "338 tensors: tied output)": ("Qwen/Qwen2.5-1.5B-Instruct", None, {}),
    # L43: a fine-tune with Qwen3-14B's shapes (40 layers, 5120, 40/8 heads x 128, ffn 17408: the catalog's
    # Qwen/Qwen3-14B) and the vocabulary and context its GGUF prints (151669 tokens, 32768 positions)
    "Qwen3-14B-shaped GGUF (Tifa-DeepsexV3-14b fine-tune; qwen3: 40 layers, n_embd 5120, 40/8 heads x 128, n_ff "
    "17408, n_vocab 151669, n_ctx_train 32768 per the log)": (
        "Qwen/Qwen3-14B",
        None,
        {"vocab_size": 151669, "max_position_embeddings": 32768},
    ),
    "mistralai/Mistral-7B-Instruct-v0.3 GGUF (llama: 32 layers, n_embd 4096, 8 KV heads, n_vocab 32768, n_ctx_train "
    "32768 per the log)": ("mistralai/Mistral-7B-Instruct-v0.3", None, {}),
    "gemma-3-27b-it GGUF (gemma3: 62 layers, n_embd 5376, 16 KV heads, n_swa 1024, n_vocab 262144, n_ctx_train 131072 "
    "per the log)": ("google/gemma-3-27b-it", None, {}),
    # L46: Llama 3.3 70B has the Llama 3.1 70B shapes the log prints (80 layers, 8192, 64/8 heads, ffn 28672, 128256)
    "Llama-3.3-70B-Instruct GGUF (llama: 80 layers, n_embd 8192, 64/8 heads, n_ff 28672, n_vocab 128256, n_ctx_train "
    "131072 per the log)": ("meta-llama/Llama-3.1-70B-Instruct", None, {}),
    "gemma-2-2b-it GGUF (gemma2: 26 layers, n_embd 2304, 8/4 heads x 256, n_swa 4096, n_ff 9216, n_vocab 256000, "
    "n_ctx_train 8192 per the log)": ("google/gemma-2-2b-it", None, {}),
    # L48: Mistral-7B-Instruct v0.2 has v0.3's shapes with the 32000-token vocabulary its log prints (as for L33)
    "mistral-7b-instruct-v0.2 GGUF (llama: 32 layers, n_embd 4096, 32/8 heads, n_ff 14336, n_vocab 32000, rope base "
    "1e6, n_ctx_train 32768 per the log)": ("mistralai/Mistral-7B-Instruct-v0.3", None, {"vocab_size": 32000}),
    "Phi-3.5-mini-instruct GGUF (phi3: 32 layers, n_embd 3072, 32/32 heads x 96, n_vocab 32064, n_ctx_train 131072 "
    "per the log)": ("microsoft/Phi-3.5-mini-instruct", None, {}),
    # L51: gemma-2b-it has the catalog's gemma-2b shapes (18 layers, 2048, 8/1 heads x 256); its GGUF prints a
    # vocabulary of 256128 (the f32 token_embd, 256128 x 2048 x 4 B = 2001.00 MiB, is the logged CPU_Mapped buffer)
    "gemma-2b-it GGUF (gemma: 18 layers, n_embd 2048, 8/1 heads x 256, n_vocab 256128, n_ctx_train 8192 per the "
    "log)": ("google/gemma-2b", None, {"vocab_size": 256128}),
    "Llama-2-7B GGUF (llama-2-7b.Q4_0.gguf; llama: 32 layers, n_embd 4096, 32/32 heads x 128, n_vocab 32000, "
    "n_ctx_train 4096 per the log)": ("meta-llama/Llama-2-7b-hf", None, {}),
    "Llama-3.2-3B-Instruct GGUF (llama: 28 layers, n_embd 3072, 24/8 heads, n_vocab 128256 per the log)": (
        "meta-llama/Llama-3.2-3B-Instruct",
        None,
        {},
    ),
    "Qwen2-7B GGUF (Qwen2-7B-Q8_0.gguf; qwen2: 28 layers, n_embd 3584, 28/4 heads, n_ff 18944, n_vocab 152064, "
    "n_ctx_train 131072 per the log)": ("Qwen/Qwen2-7B", None, {}),
    # L52: the text model of Qwen2.5-VL-32B-Instruct has the catalog's Qwen2.5-32B-Instruct shapes, as its log prints
    # them (at the reserve the batch holds tokens, so no image input is built; the mmproj's buffers are not compared)
    "Qwen2.5-VL-32B-Instruct GGUF, the text model (qwen2vl: 64 layers, n_embd 5120, 40/8 heads x 128, n_ff 27648, "
    "n_vocab 152064, n_ctx_train 128000 per the log)": ("Qwen/Qwen2.5-32B-Instruct", None, {}),
    # Round 15 (L56, L57): the shapes each log prints are the catalog's Qwen2.5-7B-Instruct (28 layers, n_embd 3584,
    # 28/4 heads x 128, n_ff 18944, n_vocab 152064); L56 is Qwen2.5-VL-7B-Instruct's text model with the 128000
    # positions its GGUF prints (at the reserve the batch holds tokens, so no image input is built; the mmproj's
    # buffers are not compared), L57 a fine-tune with Qwen2.5-7B's 32768
    "Qwen2.5-VL-7B-Instruct GGUF, the text model (unsloth UD-Q6_K_XL; qwen2vl: 28 layers, n_embd 3584, 28/4 heads x "
    "128, n_ff 18944, n_vocab 152064, n_ctx_train 128000 per the log)": (
        "Qwen/Qwen2.5-7B-Instruct",
        None,
        {"max_position_embeddings": 128000},
    ),
    "Qwen2.5-7B-shaped GGUF (MathTutor-7B-H_v0.0.1.f16.gguf, mradermacher; qwen2: 28 layers, n_embd 3584, 28/4 heads "
    "x 128, n_ff 18944, n_vocab 152064, n_ctx_train 32768 per the log)": ("Qwen/Qwen2.5-7B-Instruct", None, {}),
    # Round 16 (L58): gpt-oss-120b's shapes as its log prints them (the catalog's openai/gpt-oss-120b)
    "gpt-oss-120b GGUF (lmstudio-community gpt-oss-120b-MXFP4, two files; gpt-oss: 36 layers, n_embd 2880, 64/8 heads "
    "x 64, 128 experts, 4 used, n_ff_exp 2880, n_swa 128, n_vocab 201088, n_ctx_train 131072 per the log)": (
        "openai/gpt-oss-120b",
        None,
        {},
    ),
    # L59: ggml-org's gpt-oss-20b GGUF (the catalog's openai/gpt-oss-20b)
    "gpt-oss-20b GGUF (ggml-org/gpt-oss-20b-GGUF, gpt-oss-20b-mxfp4.gguf per the log's cached file; the model's 24 "
    "layers, 32 experts, 4 used, n_swa 128)": ("openai/gpt-oss-20b", None, {}),
    # O24: the llama2 tag is LLaMA v2 7B as its log prints it (the catalog's meta-llama/Llama-2-7b-hf)
    "llama2 (the Ollama library's llama2 tag, as the request names it; LLaMA v2 7B per the log: llama, 32 layers, "
    "n_embd 4096, 32/32 heads x 128, n_ff 11008, n_vocab 32000, n_ctx_train 4096; layers.model=33)": (
        "meta-llama/Llama-2-7b-hf",
        None,
        {},
    ),
    # L60: the same blob's llama.cpp start (the catalog's meta-llama/Llama-2-7b-hf, the shapes its log prints)
    "Llama-2-7B GGUF (the Ollama library's llama2 blob sha256-8934d96d3f08; llama: 32 layers, n_embd 4096, 32/32 heads "
    "x 128, n_ff 11008, n_vocab 32000, n_ctx_train 4096 per the log)": ("meta-llama/Llama-2-7b-hf", None, {}),
}

VLLM_METRICS = (
    "weights_gib",
    "kv_cache_gib",
    "kv_cache_tokens",
    "max_concurrency",
    "gpu_blocks",
    "activation_gib",
    "non_torch_gib",
    "peak_torch_gib",
)


@dataclass(frozen=True)
class Comparison:
    case: str
    engine: str
    engine_version: str  # the line the plan used (vLLM) or the version text
    source_url: str
    metric: str
    logged: float
    predicted: float | None  # None: the planner has no figure for this metric
    note: str = ""
    # "cold" or "warm" where the source states the state of vLLM's torch.compile cache at that start, else ""
    compile_cache: str = ""

    @property
    def error(self) -> float | None:
        """Relative error (predicted - logged) / |logged|."""
        if self.predicted is None or self.logged == 0:
            return None
        return (self.predicted - self.logged) / abs(self.logged)


@dataclass(frozen=True)
class Summary:
    engine: str
    metric: str
    count: int
    median_abs_error: float
    max_abs_error: float
    worst_case: str


SpecResolver = Callable[[str], ModelSpec | None]
ProfileResolver = Callable[[str], HardwareProfile]


def profile_name(gpu_text: str, known: Sequence[HardwareProfile] = ()) -> str | None:
    """The profile a case's GPU text names: the tables above first (each entry written for the cases that use it,
    stand-ins included), else the profile among `known` whose display name the text spells (match_profile)."""
    name = next((name for pattern, name in GGUF_GPU_PROFILES + GPU_PROFILES if pattern in gpu_text), None)
    return name or match_profile(gpu_text, known)


# Words that name a vendor or a brand, not a GPU: dropped from both the text and the profiles' display names.
_BRAND_WORDS = frozenset(
    {"nvidia", "amd", "intel", "apple", "geforce", "tesla", "radeon", "instinct", "graphics", "gpu"}
)


# Words that, right after a GPU's name, name another GPU ("RTX 4070 Ti" is not the RTX 4070, "M4 Pro" not the M4).
_VARIANT_WORDS = frozenset({"ti", "super", "laptop", "max", "pro", "ultra", "xt", "xtx"})


def _gpu_tokens(text: str) -> list[str]:
    """Lower-case words with letters and digits split ("RTX4090" and "RTX 4090" alike; "A100-SXM4-80GB" -> a 100 sxm 4
    80 gb), brand words dropped, "mobile" read as "laptop" (CUDA names a mobile part "Laptop GPU", others "Mobile")."""
    words = re.findall(r"[a-z]+|\d+", text.lower())
    return ["laptop" if w == "mobile" else w for w in words if w not in _BRAND_WORDS]


def _profile_key(profile: HardwareProfile) -> tuple[str, ...]:
    """A profile's display name as tokens, without its parenthesised notes and its trailing memory size."""
    name = re.sub(r"\([^)]*\)", " ", profile.display_name)
    name = re.sub(r"\b\d+\s*GB\b.*$", " ", name)
    return tuple(_gpu_tokens(name))


def _stated_gb(text: str) -> float | None:
    """The card's size the text states: the first GB or GiB figure that is not a free or available amount (Ollama's
    "memory.available [6.9 GiB]" on an 8 GB card)."""
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*G(?:i)?B\b", text):
        if not re.search(r"(available|free)\W*$", text[max(0, m.start() - 16) : m.start()]):
            return float(m.group(1))
    return None


_FORM_FACTORS = frozenset({"sxm", "pcie", "nvl", "hgx"})


def _short_key(key: tuple[str, ...]) -> tuple[str, ...]:
    """The name up to its form factor (h 800 of h 800 sxm); empty where it has none or nothing is left."""
    cut = next((i for i, w in enumerate(key) if w in _FORM_FACTORS), None)
    return key[:cut] if cut and cut < len(key) else ()


def _contains(words: list[str], key: tuple[str, ...]) -> bool:
    """The words spell the key, and the word after it (if any) does not make it another GPU's name."""
    n = len(key)
    return bool(key) and any(
        tuple(words[i : i + n]) == key and (i + n == len(words) or words[i + n] not in _VARIANT_WORDS)
        for i in range(len(words) - n + 1)
    )


def _memory_agrees(profile: HardwareProfile, stated: float | None, cards: int = 1) -> bool:
    """No size stated, or the profile's within 15% of it (read as GB or GiB), per card or for all `cards` together."""
    if stated is None:
        return True
    sizes = (profile.memory_bytes / unit * n for unit in (1e9, 2**30) for n in {1, cards})
    return any(abs(size - stated) <= 0.15 * stated for size in sizes)


def _cards(text: str) -> int:
    """The card count a GPU text states ("x2", "2x", "2 x"), else 1."""
    m = re.search(r"\bx\s?(\d{1,2})\b|\b(\d{1,2})\s?x\b", text, re.IGNORECASE)
    return int(m.group(1) or m.group(2)) if m else 1


def match_profile(gpu_text: str, known: Sequence[HardwareProfile]) -> str | None:
    """The profile whose display name (its words in order, brand words aside) the text contains, the longest such name
    winning ("RTX 4070 Ti SUPER" over "RTX 4070"); where the text states a memory size, a profile of another size is
    no match ("A100 80GB" is not the 40 GB profile). None when no name matches, when two equally long names do, or
    when a name is a single word without a digit (too loose to trust). Pure: the caller passes the profiles."""
    words = _gpu_tokens(gpu_text)
    stated, cards = _stated_gb(gpu_text), _cards(gpu_text)
    found: list[tuple[int, str]] = []
    for profile in known:
        key = _profile_key(profile)
        if not key or (len(key) == 1 and not any(c.isdigit() for c in key[0])):
            continue
        if _contains(words, key) and _memory_agrees(profile, stated, cards):
            found.append((len(key), profile.name))
    if not found:  # a name without its form factor ("H800" for "H800 SXM"), where only one profile has it
        short = [p for p in known if _memory_agrees(p, stated, cards) and _contains(words, _short_key(_profile_key(p)))]
        return short[0].name if len(short) == 1 else None
    found.sort(reverse=True)
    if len(found) > 1 and found[0][0] == found[1][0]:
        return None
    return found[0][1]


def vllm_line(case: LogCase) -> str:
    """The release line of a case: its version text read as --vllm-version reads it (0.11 when none is stated)."""
    text = case.engine_version
    if case.case in VERSION_BY_DATE:
        return VERSION_BY_DATE[case.case]
    if text.startswith("V0"):
        return "v0"
    m = re.search(r"\b0\.\d+(\.\d+)?", text)
    if m:
        try:
            return version_key(m.group(0))
        except UsageError:
            pass
    return "0.11"


def vllm_release(case: LogCase) -> str:
    """The release a case states (0.10.1, 0.11.1 from 0.11.1rc2.dev141+g...), given to the plan as --vllm-version so
    that release-specific rules within a line apply (engines/vllm.py marlin_mxfp4_before_torch_28); the line when the
    case states none or a release the line table does not place there."""
    line = vllm_line(case)
    m = re.search(r"\b0\.\d+\.\d+(\.\d+)?", case.engine_version)
    if m is None or line == "v0" or case.case in VERSION_BY_DATE:
        return line
    try:
        return m.group(0) if version_key(m.group(0)) == line else line
    except UsageError:
        return line


def _stated_total(case: LogCase, profile: HardwareProfile) -> HardwareProfile:
    """The profile with the runtime total the case's source logs for its card (torch_total_gib: PyTorch's "GPU 0 has
    a total capacity of X GiB", the figure vLLM multiplies by gpu_memory_utilization); the profile's own where none is
    stated. An input the source states, like the settings, not a fitted figure."""
    total = _float(case.setting("torch_total_gib"))
    return replace(profile, memory_runtime_bytes=int(total * GIB)) if total else profile


def _logged_available(case: LogCase, profile: HardwareProfile) -> HardwareProfile:
    """A machine whose log finds no GPU ("no compatible GPUs were discovered", O23): the stand-in profile turned into
    the CPU device Ollama plans on, its free memory the memory.available the log prints. On a discrete GPU, Ollama
    places the layers in the memory.available its log prints (the card's free memory then): the plan's device has
    that, an input the source states (a stand-in profile's size no longer decides the placement)."""
    m = re.search(r"memory\.available \[?([\d.]+) GiB", case.gpu)
    if m is None:
        return profile
    available = int(float(m.group(1)) * GIB)
    if case.gpu.startswith("no GPU (CPU only"):
        return replace(profile, platform="cpu", memory_runtime_bytes=available)
    if case.engine != "ollama" or profile.unified_memory:  # unified: the profile's own working-set rule
        return profile
    return replace(profile, memory_runtime_bytes=min(available, profile.memory_bytes))


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    m = re.match(r"\d+", value)
    return int(m.group(0)) if m else None


def _float(value: str | None) -> float | None:
    if value is None:
        return None
    m = re.match(r"[\d.]+", value)
    return float(m.group(0)) if m else None


def _spec(case: LogCase, resolve: SpecResolver) -> tuple[ModelSpec | None, str]:
    entry = GGUF_MODEL_CONFIGS.get(case.model) or MODEL_CONFIGS.get(case.model)
    if entry is None:  # a model the tables do not map: its own config, where the resolver finds one offline
        entry = (case.model, None, {})
    if entry is None:
        return None, f"no config mapped for {case.model!r}"
    config_id, quant, overrides = entry
    spec = resolve(config_id)
    if spec is None:
        return None, f"no config mapped for {case.model!r} (none found offline)"
    if quant is not None:
        spec = replace(spec, quant=quant)
    if overrides:
        spec = replace(spec, **overrides)
    return spec, ""


# vLLM --quantization values the planner sizes on an unquantized checkpoint (engines/vllm.py, quant_from_flag)
ONLINE_QUANTIZATION = frozenset({"fp8", "int8", "int4", "gptq", "awq", "gptq_marlin", "awq_marlin"})


def _vllm(case: LogCase, spec: ModelSpec, hw: Hardware) -> dict[str, float]:
    version = vllm_release(case)
    case = replace(case, settings={**case.settings, **SETTING_FIXES.get(case.case, {})})
    # --quantization where the case states it for an unquantized checkpoint (online quantization: V177's fp8); a
    # pre-quantized checkpoint's stated method is its own config's, which the spec carries
    stated_quant = (case.setting("quantization") or "").split(" ")[0].lower()
    opts = VllmOptions(
        quantization=stated_quant if spec.quant is None and stated_quant in ONLINE_QUANTIZATION else None,
        dtype={"float16": "fp16", "bfloat16": "bf16"}.get(case.setting("dtype") or "", "auto"),
        max_model_len=_int(case.setting("max_model_len")),
        # unstated: None, the release's own default (0.9 up to 0.19, 0.92 from 0.20: engines/vllm.py)
        gpu_memory_utilization=_float(case.setting("gpu_memory_utilization")),
        tensor_parallel_size=_int(case.setting("tensor_parallel_size")) or 1,
        # --pipeline-parallel-size and --max-num-seqs where the case states them (V105-V113, round 9); else vLLM's
        # defaults (1, and the version's serve default per device size)
        pipeline_parallel_size=_int(case.setting("pipeline_parallel_size")) or 1,
        max_num_seqs=_int(case.setting("max_num_seqs")),
        # --max-num-batched-tokens where the case states or logs it (the profile run's forward is that many tokens);
        # else the version's default for the device and entry point
        max_num_batched_tokens=_int(case.setting("max_num_batched_tokens")),
        block_size=_int(case.setting("block_size")) or 16,
        kv_cache_dtype=case.setting("kv_cache_dtype") or "auto",
        vllm_version=version,
        # the sampler the log names ("Using FlashInfer for top-p & top-k sampling" or the native fallback)
        sampler=case.setting("sampler") or "torch",
        # the MXFP4 MoE backend where the case states or its install implies it (an install without triton_kernels)
        mxfp4_backend=(case.setting("mxfp4_backend") or "auto").split(" ")[0],
        # --enforce-eager where the case states it (True/False); unstated: vLLM's default, graphs on
        enforce_eager=(case.setting("enforce_eager") or "").startswith("True"),
        # the runner a case forces (model_runner=v1: VLLM_USE_V2_MODEL_RUNNER=0, V136-V137); else the release's
        use_v2_model_runner={"v1": False, "v2": True}.get(case.setting("model_runner") or ""),
        entrypoint="llm" if case.case in LLM_CLASS_CASES else "serve",
    )
    plan = plan_vllm(spec, hw, opts, suggest=False)
    return {
        "weights_gib": plan.weights_bytes / GIB,
        "kv_cache_gib": plan.kv_cache_bytes / GIB,
        "kv_cache_tokens": plan.kv_cache_tokens,
        "max_concurrency": plan.max_concurrency,
        "gpu_blocks": plan.kv_cache_blocks,
        "activation_gib": plan.activation_bytes / GIB,
        "non_torch_gib": plan.non_torch_bytes / GIB,
        "peak_torch_gib": (plan.weights_bytes + plan.activation_bytes) / GIB,
        "_version": plan.vllm_version,  # the release line the plan used
        # what the V1 sampler term multiplies: logits elements of the profile run, and the hidden output
        "_logits": min(plan.max_num_batched_tokens, plan.max_num_seqs) * spec.vocab_size,
        "_hidden_bytes": plan.max_num_batched_tokens * spec.hidden_size * DTYPE_BYTES[plan.dtype],
    }


def _gguf_weights(spec: ModelSpec, quant: str, library_tag: bool = False) -> GGUFWeights:
    """The quantizer's estimate; for an Ollama library tag, the types Ollama's own converter wrote where it made the
    blob itself (engines/ollama_library.py: gpt-oss)."""
    est = (library_estimate(spec, quant) if library_tag else None) or estimate_gguf(spec, quant)
    share = sum(est.type_bytes.get(t, 0) for t in REPACK_TYPES) / max(est.tensor_bytes, 1)
    return GGUFWeights(
        est.quant,
        est.layer_bytes,
        est.output_bytes,
        est.embedding_bytes,
        spec.tie_word_embeddings,
        est.file_bytes,
        tuple(int(b * share) for b in est.layer_bytes),
    )


def _quant(case: LogCase) -> str | None:
    """The stated K, legacy or MXFP4 quantization (i-quants are not read: L25's IQ4_XS stays unstated), None when
    unstated or a type core/gguf_quant.py does not size: such a case is planned with the Q4_K_M stand-in and its model
    buffers are not compared."""
    m = re.search(r"\b(Q\d_K(_[SML])?|Q8_0|Q4_0|MXFP4)\b", case.dtype_or_quant)
    if m is None:
        return None
    try:
        normalise_quant(m.group(1))
    except KeyError:
        return None
    return m.group(1)


def _llamacpp(case: LogCase, spec: ModelSpec, hw: Hardware) -> dict[str, float]:
    kv_k = case.setting("type_k") or "f16"
    kv_v = case.setting("type_v") or "f16"
    flash = case.setting("flash_attn")
    flash_attn = "on" if flash in ("1", "on") or kv_v != "f16" else "off" if flash in ("0", "off") else "auto"
    parallel = _int(case.setting("n_seq_max")) or _int(case.setting("n_parallel"))
    ubatch = _int(case.setting("n_ubatch")) or 512
    batch = max(_int(case.setting("n_batch")) or 2048, ubatch)
    legacy = bool(OLD_LLAMACPP.search(case.engine_version))
    # One KV stream for every sequence where the case states it, and in every build before llama.cpp#14363 (the split
    # "high-throughput" streams, merged after 2025-07-09: "the vanilla unified approach which we always used until
    # now"): a log format older than llama_kv_cache_unified, or a source dated before then. Else the server's choice.
    stated_unified = case.setting("kv_unified")
    if stated_unified:
        kv_unified: bool | None = stated_unified.startswith("true")
    elif PRE_GLU_LLAMACPP.search(case.engine_version) or _dated_before(case, SPLIT_KV_STREAMS):
        kv_unified = True
    else:
        kv_unified = None
    # Output rows the worst-case graph reserves: min(n_ubatch, n_outputs_max) = n_ubatch, since every tool but the
    # server (llama-cli, the library) leaves n_outputs_max at n_batch >= n_ubatch, and so did the server in legacy
    # builds and until llama.cpp#23861 (issue #23527 on build 9272 shows graph_reserve(n_tokens, n_seqs, n_tokens));
    # since then the server reserves its slots' rows (None: the planner's default).
    server = (case.setting("tool") or "server") == "server"
    slot_rows = server and not legacy and not _dated_before(case, SERVER_OUTPUT_LIMIT)
    n_outputs = None if slot_rows else ubatch
    opts = LlamaCppOptions(
        ctx_size=_int(case.setting("n_ctx")),
        cache_type_k=kv_k,
        cache_type_v=kv_v,
        flash_attn=flash_attn,
        ubatch_size=ubatch,
        batch_size=batch,
        parallel=parallel,
        kv_unified=kv_unified,
        n_outputs=_int(case.setting("n_outputs")) or n_outputs,
        n_gpu_layers=_int(case.setting("n_gpu_layers")),  # -ngl where the case states it (L24); else all layers
        n_cpu_moe=_int(case.setting("n_cpu_moe")) or 0,  # experts kept on the CPU where stated (L27)
        swa_full=(case.setting("swa_full") or "").startswith("true"),  # "using full-size SWA cache" where logged (L58)
        legacy_graph=legacy,
        pre_glu_graph=bool(PRE_GLU_LLAMACPP.search(case.engine_version)),
        embd_select_graph=not _dated_before(case, EMBD_SELECT),
        f16_mask_graph=not _dated_before(case, F16_HOST_MASK),
    )
    quant = _quant(case)
    plan = plan_llamacpp(spec, _gguf_weights(spec, quant or "Q4_K_M"), hw, opts)
    gpu = [d for d in plan.devices if d.name != "CPU"]
    cpu = next((d for d in plan.devices if d.name == "CPU"), None)
    out = {
        "gpu_kv_buffer_mib": sum(d.kv_bytes for d in gpu) / MIB,
        "gpu_recurrent_buffer_mib": sum(d.recurrent_bytes for d in gpu) / MIB,
        "gpu_compute_buffer_mib": sum(d.compute_bytes for d in gpu) / MIB,
        "host_compute_buffer_mib": plan.host_compute_bytes / MIB,
    }
    if quant and spec.model_type != "gpt_neox":  # model buffers only for a stated quant of a modelled tensor set
        out["gpu_model_buffer_mib"] = sum(d.model_bytes for d in gpu) / MIB
        out["cpu_model_buffer_mib"] = (cpu.model_bytes if cpu else 0) / MIB
    return out


def _ollama(case: LogCase, spec: ModelSpec, hw: Hardware) -> dict[str, float]:
    m = re.search(r"--ctx-size (\d+)", case.settings_text)
    version = re.search(r"\b0\.\d+\.\d+", case.engine_version)
    parallel = _int(case.setting("num_parallel")) or 1
    # The runner's --ctx-size is num_ctx x num_parallel (server.go); a stated num_ctx wins.
    num_ctx = _int(case.setting("num_ctx")) or (int(m.group(1)) // parallel if m else None)
    flash = case.setting("flash_attention")
    opts = OllamaOptions(
        num_ctx=num_ctx,
        num_parallel=parallel,
        version=version.group(0) if version else "0.5.7",  # O02: January 2025
        # OLLAMA_FLASH_ATTENTION where the log's server config states it (O21); else Ollama's per-model default
        flash_attention=None if flash is None else flash in ("1", "true"),
        # a vision model's projector.weights / projector.graph as the log states them (O21): inputs, not predictions
        projector_weights_bytes=int((_float(case.setting("projector_weights_mib")) or 0) * MIB),
        projector_graph_bytes=int((_float(case.setting("projector_graph_mib")) or 0) * MIB),
    )
    # an Ollama library tag (gpt-oss:120b, not an hf.co/... GGUF) is the blob Ollama published
    library_tag = re.match(r"[\w.-]+:[\w.-]+(\s|$)", case.model) is not None
    weights = _gguf_weights(spec, _quant(case) or "Q4_K_M", library_tag)
    plan = plan_ollama(spec, weights, hw, opts)  # the architecture from the config (engines.ollama.ollama_arch)
    return {
        "required_kv_mib": plan.kv_cache_bytes / MIB,
        # memory.weights.total as this version's llm/memory.go logs it (blocks + KV up to 0.6.0, blocks alone in
        # 0.6.1-0.6.2, blocks + output layer from 0.6.3): engines/ollama.py logged_weights_total
        "weights_total_gib": logged_weights_total(parse_version(plan.version), weights, plan.kv_cache_bytes) / GIB,
        "graph_full_mib": plan.full_graph_bytes / MIB,
        "graph_partial_mib": plan.partial_graph_bytes / MIB,
        # memory.required.full is memoryRequiredTotal = the GPU allocations (minimum, one layer as a buffer,
        # layers, output, graph) plus what overflows to the CPU: the plan's total (llm/memory.go newEstimate)
        "required_full_gib": plan.total_bytes / GIB,
        # /api/ps size (`ollama ps` SIZE): what this version reports (engines/ollama.py ps_size_bytes)
        "ollama_ps_size_mib": plan.ps_size_bytes / MIB,
    }


SamplerInputs = dict[str, tuple[int, int, float]]  # case -> (logit elements, hidden-output bytes, logged activation)


def sampler_leave_one_out(inputs: SamplerInputs) -> list[tuple[str, float, float, float]]:
    """Check on the sort sampler's 38 bytes per logit that nothing is fitted to the rows it is scored on.

    For each V1 case with a logged activation peak whose line samples with the sort (up to 0.18, torch sampler):
    the bytes per logit the log implies ((activation - hidden output) / logits), the value fitted (mean) on all the
    other cases, and that
    fitted value's error on the held-out case. Returns (case, implied, fitted on the others, error).
    """
    implied = {c: (act - hidden) / logits for c, (logits, hidden, act) in inputs.items() if logits}
    out = []
    for case, (logits, hidden, act) in inputs.items():
        others = [v for c, v in implied.items() if c != case]
        if not others or not logits:
            continue
        fitted = sum(others) / len(others)
        out.append((case, implied[case], fitted, (fitted * logits + hidden - act) / act))
    return out


def compare_case(
    case: LogCase,
    resolve: SpecResolver,
    profiles: ProfileResolver,
    sampler_inputs: SamplerInputs | None = None,
    known: Sequence[HardwareProfile] = (),
) -> list[Comparison]:
    """Predicted vs logged for every metric of one case (predicted None where it cannot be planned).

    sampler_inputs, when given, collects what sampler_leave_one_out needs from V1 cases with an activation."""
    spec, why = _spec(case, resolve)
    name = profile_name(case.gpu, known)
    if name is None:
        why = why or f"no profile for {case.gpu!r}"
    predicted: dict[str, float] = {}
    version = case.engine_version
    if spec is not None and name is not None:
        # (the H100 cases map to h100-sxm, whose profile says NVLink: V50-V62's logs show the multicast workspace)
        hw = Hardware(_logged_available(case, _stated_total(case, profiles(name))), max(case.gpus, 1))
        if case.engine == "vllm":
            predicted = _vllm(case, spec, hw)
            version = str(predicted.pop("_version"))
            logits, hidden = predicted.pop("_logits"), predicted.pop("_hidden_bytes")
            sort_sampler = (
                VLLM_VERSIONS[version].sampler_bytes_per_logit == V1_SAMPLER_BYTES
                and (case.setting("sampler") or "torch") == "torch"
            )
            if sampler_inputs is not None and "activation_gib" in case.metrics and version != "v0" and sort_sampler:
                sampler_inputs[case.case] = (logits, hidden, case.metrics["activation_gib"] * GIB)
        elif case.engine == "llamacpp":
            predicted = _llamacpp(case, spec, hw)
        elif case.engine == "ollama":
            predicted = _ollama(case, spec, hw)
    return [
        Comparison(
            case.case,
            case.engine,
            version,
            case.source_url,
            metric,
            logged,
            predicted.get(metric),
            why if metric not in predicted else "",
            case.setting("compile_cache") or "",
        )
        for metric, logged in case.metrics.items()
    ]


def compare_all(
    cases: list[LogCase],
    resolve: SpecResolver,
    profiles: ProfileResolver,
    sampler_inputs: SamplerInputs | None = None,
    known: Sequence[HardwareProfile] = (),
) -> list[Comparison]:
    """Every case compared; `known`: the profiles a GPU text the tables do not name is matched against."""
    return [c for case in cases for c in compare_case(case, resolve, profiles, sampler_inputs, known)]


# First id of each held-out round per engine letter: round 1 (vLLM V40, llama.cpp L10, Ollama O10 on) and round 2
# (V48, L20, O20 on: the second search, scored before the changes it led to; tests/data/real-engine-logs.md) and
# round 3 (V50 on: the third search, vLLM only), round 4 (V64 on: the fourth search, vLLM only), round 5 (V78 on, vLLM
# only) and its follow-up, the multimodal runs (V85-V90), counted as a sixth; the sixth search (issue-10 round 6: V91,
# L22, O21 on) is the seventh entry. Rounds 3-6 added no llama.cpp or Ollama case: their L and O starts equal round 6's,
# so L21 and O20 stay in round 2 and L22 on count in every later entry (held_out_round 7).
HELD_OUT_ROUNDS = (
    {"V": 40, "L": 10, "O": 10},
    {"V": 48, "L": 20, "O": 20},
    {"V": 50, "L": 22, "O": 21},
    {"V": 64, "L": 22, "O": 21},
    {"V": 78, "L": 22, "O": 21},
    {"V": 85, "L": 22, "O": 21},
    {"V": 91, "L": 22, "O": 21},
    {"V": 91, "L": 28, "O": 21},
    {"V": 96, "L": 31, "O": 23},
    {"V": 97, "L": 34, "O": 23},
    {"V": 114, "L": 38, "O": 24},
    {"V": 118, "L": 38, "O": 24},
    {"V": 134, "L": 38, "O": 24},
    {"V": 139, "L": 38, "O": 24},
    {"V": 140, "L": 38, "O": 24},
    {"V": 143, "L": 56, "O": 24},
    {"V": 143, "L": 58, "O": 24},
    {"V": 144, "L": 61, "O": 25},
    {"V": 144, "L": 62, "O": 25},
    {"V": 146, "L": 62, "O": 25},
    {"V": 148, "L": 62, "O": 25},
    {"V": 151, "L": 62, "O": 25},
    {"V": 152, "L": 64, "O": 26},
    {"V": 155, "L": 64, "O": 26},
    {"V": 157, "L": 64, "O": 26},
    {"V": 158, "L": 64, "O": 27},
    {"V": 163, "L": 65, "O": 27},
    {"V": 169, "L": 65, "O": 27},
    {"V": 170, "L": 66, "O": 28},
    {"V": 171, "L": 67, "O": 29},
    {"V": 173, "L": 67, "O": 33},
    {"V": 178, "L": 67, "O": 33},
    {"V": 182, "L": 67, "O": 33},
    {"V": 187, "L": 67, "O": 33},
    {"V": 191, "L": 67, "O": 33},
    {"V": 193, "L": 67, "O": 33},
    {"V": 197, "L": 72, "O": 33},
    {"V": 202, "L": 74, "O": 33},
    {"V": 205, "L": 74, "O": 33},
    {"V": 206, "L": 77, "O": 33},
    {"V": 206, "L": 80, "O": 33},
    {"V": 207, "L": 81, "O": 33},
    {"V": 213, "L": 81, "O": 33},
    {"V": 221, "L": 81, "O": 33},
    {"V": 221, "L": 81, "O": 35},
    {"V": 221, "L": 84, "O": 35},
)


def held_out_round(case: str) -> int:
    """0 for the cases the engine models were built on, else the held-out entry the case was added in
    (1 to len(HELD_OUT_ROUNDS))."""
    m = re.fullmatch(r"([VLO])(\d+)", case)
    if m is None:
        return 0
    return sum(int(m.group(2)) >= starts[m.group(1)] for starts in HELD_OUT_ROUNDS)


def is_new_case(case: str) -> bool:
    """Cases added after the engine models were built on the older ones (any held-out round)."""
    return held_out_round(case) > 0


def summarise(rows: list[Comparison], *, v1_only: bool = False) -> list[Summary]:
    """Median and max |relative error| per engine and metric (rows without a prediction left out)."""
    groups: dict[tuple[str, str], list[Comparison]] = {}
    for r in rows:
        if r.error is None or (v1_only and r.engine == "vllm" and r.engine_version == "v0"):
            continue
        groups.setdefault((r.engine, r.metric), []).append(r)
    out = []
    for (engine, metric), group in sorted(groups.items()):
        errors = [abs(r.error) for r in group if r.error is not None]
        worst = max(group, key=lambda r: abs(r.error or 0))
        out.append(Summary(engine, metric, len(group), statistics.median(errors), max(errors), worst.case))
    return out
