"""The real-log reader on cases its tables were not written for (docs/methodology.md section 3.9).

A log added to tests/data/real-engine-logs.csv (or passed with `scripts/real_logs.py --csv`) names its GPU as the
engine or the user printed it, and its model by Hub id. The tables in planner/planning/real_logs.py were written for the
cases in the file, stand-ins included; anything else is matched to a profile by its display name and planned from the
model's own config where one is at hand offline."""

from __future__ import annotations

import pytest

from planner.planning.real_logs import MODEL_CONFIGS, compare_case, match_profile, profile_name
from planner.sources import catalog
from planner.sources.profiles import all_profiles, get_profile
from planner.sources.real_logs import LogCase, spec_resolver

KNOWN = all_profiles()

# GPU strings as nvidia-smi, torch.cuda.get_device_name, rocm-smi or a user print them -> the profile whose
# display_name (profiles/*.toml) the string spells; each expected name is that profile's file name.
NAMED = {
    "NVIDIA GeForce RTX 4090": "rtx4090",
    "NVIDIA GeForce RTX 4090 D": "rtx4090d",
    "NVIDIA GeForce RTX 4080 SUPER": "rtx4080super",
    "NVIDIA GeForce RTX 4070 Ti SUPER": "rtx4070tisuper",
    "NVIDIA GeForce RTX 3060": "rtx3060",
    "NVIDIA A100-SXM4-40GB": "a100-40gb",
    "NVIDIA A100-SXM4-80GB": "a100-80gb",
    "NVIDIA A100 80GB PCIe": "a100-80gb-pcie",
    "Tesla T4": "t4",
    "Tesla V100-SXM2-32GB": "v100-32gb",
    "NVIDIA L4": "l4",
    "NVIDIA L20": "l20",
    "NVIDIA A40": "a40",
    "NVIDIA H800": "h800",
    "NVIDIA RTX 6000 Ada Generation": "rtx6000-ada",
    "NVIDIA RTX PRO 6000 Blackwell Workstation Edition": "rtx-pro6000-blackwell",
    "Quadro RTX 8000": "quadro-rtx8000",
    "AMD Instinct MI210": "mi210",
    "AMD Instinct MI50 32GB": "mi50-32gb",
    "AMD Radeon RX 7900 XT": "rx7900xt",
    "Apple M2 Ultra": "apple-m2-ultra",
}


@pytest.mark.parametrize("text", sorted(NAMED))
def test_a_gpu_string_the_tables_do_not_name_matches_its_profile(text):
    assert profile_name(text, KNOWN) == NAMED[text]
    assert get_profile(NAMED[text]).name == NAMED[text]


@pytest.mark.parametrize(
    "text",
    [
        "NVIDIA GH200 480GB",  # a Grace Hopper: the h200 profile is another chip; no profile spells it
        "AMD Instinct MI250X/MI250",  # the mi250x-gcd profile is one GCD: the text does not say which
        "AMD Radeon VII",  # "vii" alone is too loose a name to trust
        "some accelerator 24GB",
    ],
)
def test_what_no_profile_spells_stays_unplanned(text):
    assert match_profile(text, KNOWN) is None


def test_a_stated_size_rules_out_a_profile_of_another_size():
    # "a 100" is the 40 GB profile's whole name; with 80 GB stated it is no match, and the two 80 GB profiles
    # (SXM, PCIe) are both "A100 80GB" without their form factor: ambiguous, so unplanned rather than guessed.
    assert match_profile("NVIDIA A100 40GB", KNOWN) == "a100-40gb"
    assert match_profile("NVIDIA A100 80GB", KNOWN) is None
    # a size stated for all the cards together: two 24 GB cards are 48 GB
    assert match_profile("NVIDIA GeForce RTX 4090 x2 (48 GB in all)", KNOWN) == "rtx4090"
    assert match_profile("2x NVIDIA GeForce RTX 3090, 48GB", KNOWN) == "rtx3090"
    assert match_profile("NVIDIA GeForce RTX 4090 (48 GB)", KNOWN) is None  # one card cannot hold 48 GB


def test_the_tables_win_for_the_cases_they_were_written_for():
    # L04 and L02 are planned on stand-ins chosen before those cards had profiles (tests/data/real-engine-logs.md);
    # their texts keep them, while the same cards named plainly get their own profiles.
    assert profile_name("NVIDIA GeForce RTX 4080 SUPER (CUDA)", KNOWN) == "rtx4090"
    assert profile_name("NVIDIA GeForce RTX 4080 SUPER", KNOWN) == "rtx4080super"
    assert profile_name("AMD Radeon RX 7900 XT (ROCm, Windows)", KNOWN) == "rx7900xtx"
    assert profile_name("AMD Radeon RX 7900 XT", KNOWN) == "rx7900xt"
    assert profile_name("NVIDIA GH200 480GB", KNOWN) is None  # not the h200 table entry


def test_a_hub_model_the_tables_do_not_map_is_planned_from_its_config():
    # The V143 start (vLLM 0.19.0, RTX 3060 12GB, eager, 0.6 of a logged 11.63 GiB, 4096 tokens, 8 sequences, 1024
    # batched tokens) with a catalog model no table maps and the GPU as torch prints it: planned, and its KV plan is
    # within what that budget leaves.
    assert "Qwen/Qwen3-4B" not in MODEL_CONFIGS
    settings = {
        "case": "V999",
        "gpu_memory_utilization": "0.6",
        "max_model_len": "4096",
        "max_num_seqs": "8",
        "max_num_batched_tokens": "1024",
        "enforce_eager": "True",
        "torch_total_gib": "11.63",
    }
    case = LogCase(
        "V999", "vllm", "https://example.invalid/log", "0.19.0", "NVIDIA GeForce RTX 3060", 1, "Qwen/Qwen3-4B",
        "bf16", settings, metrics={"weights_gib": 7.6, "kv_cache_gib": 1.0},
    )  # fmt: skip
    rows = compare_case(case, spec_resolver(()), get_profile, None, KNOWN)
    by_metric = {r.metric: r for r in rows}
    assert all(r.predicted is not None and r.note == "" for r in rows), rows
    # Qwen3-4B in bf16: 4.02e9 parameters x 2 bytes = 7.5 GiB of weights (its config.json in the catalog)
    assert 7.3 < by_metric["weights_gib"].predicted < 7.7
    # 0.6 x 11.63 = 6.98 GiB of budget is less than the weights alone: a negative KV budget, vLLM's "No available
    # memory for the cache blocks" (section 3.8), by the weights' overshoot plus activation and non-torch memory
    kv = by_metric["kv_cache_gib"].predicted
    assert kv < 0.6 * 11.63 - by_metric["weights_gib"].predicted < 0


# The fallback a model column the tables do not map takes, checked against the tables themselves: every table key
# that the fallback resolves must resolve to the config the table chose, or to one of these equivalents (the same
# shapes, or the same checkpoint the table builds from a base config and a quantization).
EQUIVALENT = {
    "Qwen/Qwen2.5-1.5B": "Qwen/Qwen2.5-1.5B-Instruct",  # base and instruct share every shape
    "Qwen/Qwen2.5-0.5B": "Qwen/Qwen2.5-0.5B-Instruct",
    "meta-llama/Meta-Llama-3-70B-Instruct": "meta-llama/Llama-3.1-70B-Instruct",  # the table: 3.1 at 8192 positions
    "meta-llama/Llama-3.3-70B-Instruct": "meta-llama/Llama-3.1-70B-Instruct",  # the table's stand-in: the same shapes
    "Qwen/Qwen2.5-VL-7B-Instruct": "Qwen/Qwen2.5-7B-Instruct",  # L56: the GGUF is its text model, the table's 7B shapes
    "Qwen/Qwen3-235B-A22B-FP8": "Qwen/Qwen3-235B-A22B",  # the table: the base config with FP8_BLOCK
    "Qwen/Qwen3-8B-FP8": "Qwen/Qwen3-8B",
}


def test_the_free_text_fallback_agrees_with_the_tables():
    from pathlib import Path

    from planner.planning.real_logs import GGUF_MODEL_CONFIGS

    resolve = spec_resolver((Path(__file__).resolve().parents[1] / "data" / "real-logs-configs",))
    agree = 0
    by_name = 0
    for text, (config_id, quant, _) in {**GGUF_MODEL_CONFIGS, **MODEL_CONFIGS}.items():
        spec = resolve(text)
        if spec is None:
            continue  # left to the table: the fallback finds nothing rather than a wrong model
        pre = catalog.prequantized(spec.model_id) if catalog.find(spec.model_id) is None else None
        if pre is not None:  # a pre-quantized repo read as its base model (methodology section 1): same base, scheme
            assert EQUIVALENT.get(pre.base["id"], pre.base["id"]).lower() == config_id.lower(), (text, pre.base["id"])
            assert (spec.quant.method, spec.quant.bits) == (quant.method, quant.bits), (text, spec.quant, quant)
            by_name += 1
        else:
            assert EQUIVALENT.get(spec.model_id, spec.model_id).lower() == config_id.lower(), (text, spec.model_id)
        agree += 1
    assert agree >= 60  # 79 of the 112 keys resolve (2026-12-03), 7 of them to an equivalent
    # 12 AWQ and FP8 repos of the tables (Qwen's own and RedHatAI's), each read from its name as the table maps it
    assert by_name >= 12


@pytest.mark.parametrize(
    ("text", "model_id"),
    [
        ("qwen2.5:14b-instruct (named in the issue)", "Qwen/Qwen2.5-14B-Instruct"),  # O02's column, an Ollama tag
        ("llama3.1:8b-instruct-q8_0 (the Ollama library blob)", "meta-llama/Llama-3.1-8B-Instruct"),
        ("Meta-Llama-3.1-8B-Instruct GGUF (llama: 32 layers)", "meta-llama/Llama-3.1-8B-Instruct"),
        ("Qwen3-0.6B-Q8_0.gguf (unsloth)", "Qwen/Qwen3-0.6B"),
        ("THUDM/GLM-Z1-32B-0414 GGUF (glm4: 61 layers)", "THUDM/GLM-Z1-32B-0414"),
    ],
)
def test_a_free_text_model_column_resolves_to_the_model_it_names(text, model_id):
    from pathlib import Path

    resolve = spec_resolver((Path(__file__).resolve().parents[1] / "data" / "real-logs-configs",))
    assert resolve(text).model_id == model_id


def test_a_model_nothing_names_stays_unplanned():
    resolve = spec_resolver(())
    assert resolve("unstated main model (qwen2 arch, 64 layers)") is None
    assert resolve("Qwen3-14B-shaped GGUF (a fine-tune)") is None


def test_a_free_or_available_amount_is_not_the_cards_size():
    # O26's GPU text (round 24): an 8 GB RTX 4060 Laptop GPU whose Ollama log prints "memory.available [6.9 GiB]";
    # the available amount is not the card's size, so the 8 GiB profile still matches
    from planner.planning.real_logs import _stated_gb

    text = "NVIDIA GeForce RTX 4060 Laptop GPU (CUDA0; '... - 7099 MiB free', memory.available [6.9 GiB]; Windows)"
    assert _stated_gb(text) is None
    assert _stated_gb("NVIDIA A100 80GB PCIe, memory.available 78.6 GiB") == 80.0


def test_a_model_column_longer_than_a_file_name_is_read_not_crashed_on():
    # round 28's O28 first had a 291-byte model column; looking for <configs>/<column>/config.json raised OSError
    # (ENAMETOOLONG) instead of answering "no such folder". The names in the text still resolve.
    from pathlib import Path

    resolve = spec_resolver((Path(__file__).resolve().parents[1] / "data" / "real-logs-configs",))
    text = "Qwen3-0.6B-Q8_0.gguf (unsloth) " + "as the document names it, quoted line by line; " * 6
    assert len(text.encode()) > 255
    assert resolve(text).model_id == "Qwen/Qwen3-0.6B"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # llama.cpp's llama-bench prints a mobile part as "... Mobile", CUDA as "... Laptop GPU": both are the laptop
        # profile (profiles/gtx1660ti-laptop.toml), not the desktop GTX 1660 whose name the text also spells
        ("NVIDIA GeForce GTX 1660 Ti Mobile", "gtx1660ti-laptop"),
        ("NVIDIA GeForce GTX 1660 Ti Laptop GPU", "gtx1660ti-laptop"),
        ("NVIDIA GeForce RTX 4060 Mobile", "rtx4060-laptop"),
        ("NVIDIA GeForce GTX 1660", "gtx1660"),
    ],
)
def test_mobile_parts_are_their_laptop_profiles(text, expected):
    assert match_profile(text, KNOWN) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a name followed by a word that makes it another GPU is no match where that GPU has no profile
        "NVIDIA GeForce RTX 3070 Ti Laptop GPU",  # profiles/rtx3070.toml is the desktop RTX 3070; no 3070 Ti
        "NVIDIA GeForce RTX 3070 Ti",
        "AMD Radeon RX 9070",  # profiles/rx9070xt.toml is the XT: "rx 9070" is not its name either way
        "NVIDIA GeForce RTX 3080 Ti Laptop GPU",  # profiles/rtx3080ti.toml is the desktop card
    ],
)
def test_a_variant_of_a_profiled_gpu_is_not_that_gpu(text):
    assert match_profile(text, KNOWN) is None
