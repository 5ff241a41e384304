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

_MODEL = re.compile(r"load_tensors:\s+(\S+) model buffer size\s*=\s*([\d.]+) MiB")
_CREATING = re.compile(r"creating\s+(non-SWA|SWA) KV cache, size = (\d+) cells")
_KV_BUF = re.compile(r"llama_kv_cache:\s+(\S+) KV buffer size\s*=\s*([\d.]+) MiB")
_KV_SIZE = re.compile(
    r"llama_kv_cache: size =\s*([\d.]+) MiB \(\s*(\d+) cells,\s*(\d+) layers,\s*(\d+)/(\d+) seqs\)"
)
_OUTPUT = re.compile(r"(\S+)\s+output buffer size\s*=\s*([\d.]+) MiB")
_COMPUTE = re.compile(r"(\S+) compute buffer size\s*=\s*([\d.]+) MiB")
_N_CTX = re.compile(r"llama_context: n_ctx\s+=\s*(\d+)")
_FLASH = re.compile(r"Flash Attention (enabled|disabled)")


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
            out.flash_attn = m.group(1) == "enabled"
    return out


def mib_to_bytes(mib: float) -> int:
    return int(round(mib * 2**20))


__all__ = ["parse_llamacpp_log", "LlamaCppLog", "KvLog", "mib_to_bytes"]
