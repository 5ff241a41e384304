"""Parse the buffer sizes a llama.cpp server or CLI logs at start-up (run it with -lv 4 or higher).

Lines it reads, as llama.cpp prints them (src/llama-model.cpp, llama-kv-cache*.cpp, llama-context.cpp):
    load_tensors:   CPU_Mapped model buffer size =   235.16 MiB
    llama_kv_cache_iswa: creating     SWA KV cache, size = 1024 cells
    llama_kv_cache:        CPU KV buffer size =    15.00 MiB
    llama_kv_cache: size =   15.00 MiB (  1024 cells,  15 layers,  1/1 seqs), K (f16): ...
    llama_context:        CPU  output buffer size =     1.00 MiB
    sched_reserve:        CPU compute buffer size =    22.77 MiB
Sizes stay in MiB as printed (two decimals); `mib_to_bytes` converts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MODEL = re.compile(r"load_tensors:\s+(\S+) model buffer size\s*=\s*(\d+(?:\.\d+)?) MiB")
_CREATING = re.compile(r"creating\s+(non-SWA|SWA) KV cache, size = (\d+) cells")
_KV_BUF = re.compile(r"llama_kv_cache:\s+(\S+) KV buffer size\s*=\s*(\d+(?:\.\d+)?) MiB")
_KV_SIZE = re.compile(
    r"llama_kv_cache: size =\s*(\d+(?:\.\d+)?) MiB \(\s*(\d+) cells,\s*(\d+) layers,\s*(\d+)/(\d+) seqs\)"
)
_OUTPUT = re.compile(r"(\S+)\s+output buffer size\s*=\s*(\d+(?:\.\d+)?) MiB")
_COMPUTE = re.compile(r"(\S+) compute buffer size\s*=\s*(\d+(?:\.\d+)?) MiB")
_N_CTX = re.compile(r"llama_context: n_ctx\s+=\s*(\d+)")
_FLASH = re.compile(
    r"Flash Attention (?:was \w+, set to )?(enabled|disabled)|llama_context: flash_attn\s+=\s*(enabled|disabled|1|0)\b"
)
_CONTEXT_INT = re.compile(r"llama_context: (n_batch|n_ubatch|n_seq_max)\s+=\s*(\d+)")
_KV_UNIFIED = re.compile(r"llama_context: kv_unified\s+=\s*(true|false)")
_KV_TYPES = re.compile(r"K \((\w+)\):\s+\d+(?:\.\d+)? MiB,\s+V \((\w+)\)")
_FILE_TYPE = re.compile(r"print_info: file type\s+=\s+(\S+)(?: - (Small|Medium|Large))?")
_BUILD = re.compile(r"\bbuild:? (\d+) \(")
_OFFLOADED = re.compile(r"offloaded (\d+)/(\d+) layers to GPU")
# The line prefixes that date a log's format, as the context and KV lines print them (planning/real_logs.py
# OLD_LLAMACPP, PRE_GLU_LLAMACPP read the names): 2024's llama_new_context_with_model and llama_kv_cache_init, January
# 2025's llama_init_from_model, 2025's llama_kv_cache_unified; today's llama_context and llama_kv_cache.
FORMAT_MARKERS = (
    "llama_new_context_with_model: n_ctx",
    "llama_init_from_model: n_ctx",
    "llama_kv_cache_init:",
    "llama_kv_cache_unified:",
)


@dataclass
class KvLog:
    kind: str  # non-SWA | SWA | unified (a model without SWA logs no "creating" line)
    cells: int
    layers: int
    mib: float
    device: str = ""


@dataclass
class LlamaCppLog:
    model_mib: dict[str, float] = field(default_factory=dict)  # buffer name -> MiB (CPU_Mapped, ROCm0 ...)
    kv: list[KvLog] = field(default_factory=list)
    compute_mib: dict[str, float] = field(default_factory=dict)
    output_mib: dict[str, float] = field(default_factory=dict)
    n_ctx: int | None = None
    flash_attn: bool | None = None
    n_batch: int | None = None
    n_ubatch: int | None = None
    n_seq_max: int | None = None
    kv_unified: bool | None = None
    type_k: str | None = None
    type_v: str | None = None
    file_type: str | None = None  # the GGUF's type as a quant name (Q4_K_M of "Q4_K - Medium")
    build: int | None = None  # "build: 6464 (...)"
    offloaded: int | None = None  # "offloaded 29/29 layers to GPU": -ngl as llama.cpp counts it
    markers: tuple[str, ...] = ()  # FORMAT_MARKERS the log prints

    @property
    def kv_mib(self) -> float:
        return sum(k.mib for k in self.kv)

    @property
    def compute_total_mib(self) -> float:
        return sum(self.compute_mib.values())


def parse_llamacpp_log(text: str) -> LlamaCppLog:
    out = LlamaCppLog()
    pending_kind = "unified"
    pending_device = ""
    for line in text.splitlines():
        if m := _MODEL.search(line):
            out.model_mib[m.group(1)] = out.model_mib.get(m.group(1), 0.0) + float(m.group(2))
        elif m := _CREATING.search(line):
            pending_kind = m.group(1)
        elif m := _KV_BUF.search(line):
            pending_device = m.group(1)
        elif m := _KV_SIZE.search(line):
            out.kv.append(
                KvLog(pending_kind, int(m.group(2)), int(m.group(3)), float(m.group(1)), pending_device)
            )
        elif m := _COMPUTE.search(line):
            out.compute_mib[m.group(1)] = float(m.group(2))
        elif m := _OUTPUT.search(line):
            out.output_mib[m.group(1)] = float(m.group(2))
        elif m := _N_CTX.search(line):
            out.n_ctx = int(m.group(1))
        elif m := _FLASH.search(line):
            out.flash_attn = (m.group(1) or m.group(2)) in ("enabled", "1")
        elif m := _CONTEXT_INT.search(line):
            setattr(out, m.group(1), int(m.group(2)))
        elif m := _KV_UNIFIED.search(line):
            out.kv_unified = m.group(1) == "true"
        elif m := _FILE_TYPE.search(line):
            size = {"Small": "_S", "Medium": "_M", "Large": "_L"}.get(m.group(2) or "", "")
            out.file_type = m.group(1) + size
        elif m := _BUILD.search(line):
            out.build = int(m.group(1))
        elif m := _OFFLOADED.search(line):
            out.offloaded = int(m.group(1))
        if (m := _KV_TYPES.search(line)) and out.type_k is None:
            out.type_k, out.type_v = m.group(1), m.group(2)
    out.markers = tuple(name for name in FORMAT_MARKERS if name in text)
    return out


def mib_to_bytes(mib: float) -> int:
    return int(round(mib * 2**20))


__all__ = ["parse_llamacpp_log", "LlamaCppLog", "KvLog", "mib_to_bytes"]
