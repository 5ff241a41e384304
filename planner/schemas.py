"""One declared schema per input format the planner reads, checked with pydantic.

Each ``check_*`` function takes the parsed data and the place it came from, and returns the data
(unchanged, or with numbers normalised) or raises the format's error from ``planner.errors`` naming the
file, the field and the value, with a hint. Bounds are sanity limits, far above any real model or
machine, so a typo or a hostile file cannot make the planner loop or allocate in proportion to a
number it was handed (a config with 10**7 layers, a bench file with max_concurrency 10**9).

pydantic is imported on first use, so ``mi50plan --help`` does not pay for it.

Formats: Hugging Face config.json (with a nested text_config, MoE, MLA, linear-attention and
quantization blocks), host.json (planner.sources.host), a calibration entry (planner.sources.calibration),
`vllm bench serve --save-result` JSON and llama-bench `-o json` rows (planner.sources.run_files).
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from planner.errors import ConfigError, PlannerError, ResultsFileError

# Sanity bounds (docs/methodology.md "Input bounds"): the largest real values are far below them
# (DeepSeek V3: 61 layers, 7168 hidden, 256 experts; Llama 4 Scout: 10M context; Gemma 3: 262k vocab).
MAX_LAYERS = 1000
MAX_HIDDEN = 10**6
MAX_HEADS = 16_384
MAX_HEAD_DIM = 65_536
MAX_INTERMEDIATE = 2**24
MAX_VOCAB = 2**24
MAX_CONTEXT = 10**8
MAX_EXPERTS = 4096
MAX_COUNT = 10**6  # requests, concurrency, points: counts a file may hold
MAX_TOKENS = 10**8  # tokens in one request
MAX_RATE = 10**9  # tokens per second, any hardware
MAX_SECONDS = 10**7  # any duration a file may hold (115 days)
MAX_BYTES = 2**60
MAX_STREAMS = 65_536  # concurrent requests (vLLM --max-num-seqs is 256 to 1024 in practice)


def _whole(value: Any) -> Any:
    """A whole number: an int, or a float with no fraction (4096.0); never a bool, a string or NaN."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"must be a whole number, got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError(f"must be a whole number, got {value!r}")
        return int(value)
    return value


def _real(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {value!r}")
    return value


def _flag(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {value!r}")
    return value


def _text(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {value!r}")
    if len(value) > 4096:
        raise ValueError(f"is a {len(value)}-character string (4096 at most)")
    return value


@cache
def _models() -> dict[str, Any]:
    """Build the pydantic models on first use (pydantic's import is the cost we defer)."""
    from typing import Annotated

    from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

    def whole(lo: int, hi: int) -> Any:
        return Annotated[int, BeforeValidator(_whole), Field(ge=lo, le=hi)]

    def real(lo: float, hi: float, *, strict_lo: bool = False) -> Any:
        bound = {"gt": lo} if strict_lo else {"ge": lo}
        return Annotated[float, BeforeValidator(_real), Field(le=hi, **bound)]

    Flag = Annotated[bool, BeforeValidator(_flag)]
    Text = Annotated[str, BeforeValidator(_text)]
    Hidden = whole(1, MAX_HIDDEN)
    Layers = whole(1, MAX_LAYERS)
    Heads = whole(1, MAX_HEADS)
    HeadDim = whole(1, MAX_HEAD_DIM)
    Inter = whole(1, MAX_INTERMEDIATE)
    Context = whole(1, MAX_CONTEXT)

    class Open(BaseModel):
        model_config = ConfigDict(extra="allow", frozen=True)

    class Quantization(Open):
        quant_method: Text | None = None
        bits: whole(1, 32) | None = None
        w_bit: whole(1, 32) | None = None
        group_size: whole(-1, 2**20) | None = None
        q_group_size: whole(-1, 2**20) | None = None
        zero_point: Flag | None = None
        desc_act: Flag | None = None
        load_in_4bit: Flag | None = None
        load_in_8bit: Flag | None = None
        weight_block_size: Annotated[list[whole(1, 2**20)], Field(min_length=2, max_length=2)] | None = None
        modules_to_not_convert: Annotated[list[Text], Field(max_length=100_000)] | None = None

    Name = Annotated[str, BeforeValidator(_text), Field(pattern=r"^[A-Za-z0-9_.-]{1,100}$")]

    class TextModel(Open):
        model_type: Name | None = None
        architectures: Annotated[list[Text], Field(max_length=64)] | None = None
        hidden_size: Hidden | None = None
        n_embd: Hidden | None = None
        d_model: Hidden | None = None
        num_hidden_layers: Layers | None = None
        n_layer: Layers | None = None
        num_layers: Layers | None = None
        num_attention_heads: Heads | None = None
        n_head: Heads | None = None
        num_key_value_heads: Heads | None = None
        multi_query_group_num: Heads | None = None
        head_dim: HeadDim | None = None
        vocab_size: whole(1, MAX_VOCAB) | None = None
        padded_vocab_size: whole(1, MAX_VOCAB) | None = None
        intermediate_size: Inter | None = None
        ffn_hidden_size: Inter | None = None
        n_inner: Inter | None = None
        max_position_embeddings: Context | None = None
        n_positions: Context | None = None
        seq_length: Context | None = None
        sliding_window: whole(0, MAX_CONTEXT) | None = None
        layer_types: Annotated[list[Text], Field(max_length=MAX_LAYERS)] | None = None
        full_attention_interval: Layers | None = None
        sliding_window_pattern: Layers | None = None
        max_window_layers: whole(0, MAX_LAYERS * 1000) | None = None
        use_sliding_window: Flag | None = None
        tie_word_embeddings: Flag | None = None
        attention_bias: Flag | None = None
        mlp_bias: Flag | None = None
        torch_dtype: Text | None = None
        dtype: Text | None = None
        # MLA (DeepSeek V2/V3)
        kv_lora_rank: whole(1, MAX_HEAD_DIM) | None = None
        q_lora_rank: whole(0, MAX_HIDDEN) | None = None
        qk_nope_head_dim: whole(1, MAX_HEAD_DIM) | None = None
        qk_rope_head_dim: whole(1, MAX_HEAD_DIM) | None = None
        v_head_dim: whole(1, MAX_HEAD_DIM) | None = None
        num_nextn_predict_layers: whole(0, MAX_LAYERS) | None = None
        # MoE
        num_experts: whole(0, MAX_EXPERTS) | None = None
        num_local_experts: whole(0, MAX_EXPERTS) | None = None
        n_routed_experts: whole(0, MAX_EXPERTS) | None = None
        num_experts_per_tok: whole(1, MAX_EXPERTS) | None = None
        experts_per_token: whole(1, MAX_EXPERTS) | None = None
        moe_intermediate_size: Inter | None = None
        shared_expert_intermediate_size: whole(0, MAX_INTERMEDIATE) | None = None
        n_shared_experts: whole(0, MAX_EXPERTS) | None = None
        first_k_dense_replace: whole(0, MAX_LAYERS) | None = None
        mlp_only_layers: Annotated[list[whole(0, MAX_LAYERS - 1)], Field(max_length=MAX_LAYERS)] | None = None
        decoder_sparse_step: whole(0, MAX_LAYERS) | None = None
        topk_method: Text | None = None
        # Gated DeltaNet (Qwen3-Next)
        linear_num_key_heads: Heads | None = None
        linear_num_value_heads: Heads | None = None
        linear_key_head_dim: HeadDim | None = None
        linear_value_head_dim: HeadDim | None = None
        linear_conv_kernel_dim: whole(1, 1024) | None = None
        quantization_config: Quantization | None = None

        @model_validator(mode="after")
        def relations(self) -> TextModel:
            heads = self.num_attention_heads or self.n_head
            kv = self.num_key_value_heads or self.multi_query_group_num
            if heads and kv and heads % kv:
                raise ValueError(
                    f"num_key_value_heads={kv} does not divide num_attention_heads={heads}",
                )
            experts = self.num_experts or self.num_local_experts or self.n_routed_experts
            top_k = self.num_experts_per_tok or self.experts_per_token
            if experts and top_k and top_k > experts:
                raise ValueError(f"num_experts_per_tok={top_k} is more than the {experts} experts")
            layers = self.num_hidden_layers or self.n_layer or self.num_layers
            if layers and self.first_k_dense_replace and self.first_k_dense_replace > layers:
                raise ValueError(f"first_k_dense_replace={self.first_k_dense_replace} is more than the {layers} layers")
            return self

    class Config(TextModel):
        text_config: TextModel | None = None

    class Host(BaseModel):
        model_config = ConfigDict(extra="allow", frozen=True)
        machine: Text
        cpu_cores: whole(1, 1 << 20)
        memory_bytes: whole(2**20, MAX_BYTES)
        bandwidth_gbps: real(0, 100_000, strict_lo=True)
        cpu: Text | None = None

    class CalibrationSource(BaseModel):
        model_config = ConfigDict(extra="allow", frozen=True)
        file: Text | None = None

    class CalibrationEntry(BaseModel):
        model_config = ConfigDict(extra="ignore", frozen=True)
        name: Text
        hardware: Text
        engine: Text
        backend: Text
        decode: real(0, 1000, strict_lo=True) = 1.0
        prefill: real(0, 1000, strict_lo=True) = 1.0
        kv: real(0, 1000, strict_lo=True) = 1.0
        batch: real(0, 1000, strict_lo=True) = 1.0
        ttft_overhead_s: real(0, 3600) = 0.0
        step_decode: real(0, 1000) = 0.0
        step_prefill: real(0, 1000) = 0.0
        graph_build_s: real(0, 3600) = 0.0
        step_output_s: real(0, 3600) = 0.0
        created_at: Text = ""
        model: Text | None = None
        sources: Annotated[list[CalibrationSource], Field(max_length=MAX_COUNT)] = []
        points: whole(0, MAX_COUNT) = 0
        memory: dict | None = None
        residuals: dict = {}

        @model_validator(mode="after")
        def memory_numbers(self) -> CalibrationEntry:
            for key in ("weights_delta_bytes", "overhead_delta_bytes"):
                value = (self.memory or {}).get(key)
                if value is not None and (
                    isinstance(value, bool)
                    or not isinstance(value, (int, float))
                    or not math.isfinite(value)
                    or abs(value) > MAX_BYTES
                ):
                    raise ValueError(f"memory.{key}={value!r}: must be a number of bytes")
            return self

    Seconds = real(0, MAX_SECONDS * 1000)  # the bench file's summaries are in ms
    OptSeconds = Seconds | None

    class VllmBench(BaseModel):
        model_config = ConfigDict(extra="allow", frozen=True)
        model_id: Text | None = None
        completed: whole(0, MAX_COUNT) | None = None
        max_concurrency: whole(1, MAX_STREAMS) | None = None
        request_rate: real(0, math.inf) | Text | None = None  # "inf" is how vllm writes no limit
        input_lens: Annotated[list[whole(0, MAX_TOKENS)], Field(max_length=MAX_COUNT)] | None = None
        output_lens: Annotated[list[whole(0, MAX_TOKENS)], Field(max_length=MAX_COUNT)] | None = None
        total_input_tokens: whole(0, MAX_TOKENS * MAX_COUNT) | None = None
        total_output_tokens: whole(0, MAX_TOKENS * MAX_COUNT) | None = None
        mean_ttft_ms: Seconds
        median_ttft_ms: OptSeconds = None
        p99_ttft_ms: OptSeconds = None
        mean_tpot_ms: OptSeconds = None
        median_tpot_ms: OptSeconds = None
        mean_itl_ms: OptSeconds = None
        mean_e2el_ms: OptSeconds = None
        output_throughput: real(0, MAX_RATE) | None = None
        request_throughput: real(0, MAX_RATE) | None = None

    class LlamaBenchRow(BaseModel):
        model_config = ConfigDict(extra="allow", frozen=True)
        n_prompt: whole(0, MAX_TOKENS) = 0
        n_gen: whole(0, MAX_TOKENS) = 0
        n_depth: whole(0, MAX_TOKENS) = 0
        avg_ts: real(0, MAX_RATE, strict_lo=True)
        stddev_ts: real(0, MAX_RATE) | None = None

        @model_validator(mode="after")
        def some_tokens(self) -> LlamaBenchRow:
            if self.n_prompt == 0 and self.n_gen == 0:
                raise ValueError("n_prompt and n_gen are both 0")
            return self

    Tokens = whole(0, MAX_TOKENS) | None
    Real = real(0, MAX_RATE) | None
    Nanos = whole(0, MAX_SECONDS * 10**9) | None

    class Usage(BaseModel):  # OpenAI usage object (vLLM, llama-server, any OpenAI-compatible server)
        model_config = ConfigDict(extra="allow", frozen=True)
        prompt_tokens: Tokens = None
        completion_tokens: Tokens = None
        total_tokens: whole(0, 2 * MAX_TOKENS) | None = None

    class Timings(BaseModel):  # llama-server's "timings" (tools/server/server.cpp)
        model_config = ConfigDict(extra="allow", frozen=True)
        prompt_n: Tokens = None
        cache_n: Tokens = None
        predicted_n: Tokens = None
        prompt_ms: Real = None
        predicted_ms: Real = None
        prompt_per_second: Real = None
        predicted_per_second: Real = None

    class OllamaFinal(BaseModel):  # Ollama's last NDJSON object (docs/api.md)
        model_config = ConfigDict(extra="allow", frozen=True)
        eval_count: Tokens = None
        prompt_eval_count: Tokens = None
        total_duration: Nanos = None
        load_duration: Nanos = None
        prompt_eval_duration: Nanos = None
        eval_duration: Nanos = None

    Metric = real(0, MAX_SECONDS * 1000) | None  # seconds or tokens/s: both far below this

    class Spread(BaseModel):
        model_config = ConfigDict(extra="allow", frozen=True)
        p50: Metric  # always written (None when no run succeeded); validate reads it
        mean: Metric = None

    class Block(BaseModel):  # one prompt set x concurrency summary of `probe --save`
        model_config = ConfigDict(extra="allow", frozen=True)
        prompt_set: Text
        concurrency: whole(1, MAX_STREAMS)
        ok: whole(0, MAX_COUNT) = 0
        prompt_tokens: real(0, MAX_TOKENS) | None = None
        output_tokens: real(0, MAX_TOKENS) | None = None
        ttft_s: Spread
        decode_tokens_per_s: Spread
        e2e_s: Spread
        aggregate_tokens_per_s: Metric = None

    class LoadPoint(BaseModel):  # one rate or user count of `probe --rate/--users --save`
        model_config = ConfigDict(extra="allow", frozen=True)
        rate: real(0, MAX_COUNT) | None = None
        users: whole(1, MAX_STREAMS) | None = None
        think_time_s: real(0, MAX_SECONDS) = 0.0
        duration_s: real(0, MAX_SECONDS) = 0.0
        sent: whole(0, MAX_COUNT) = 0
        measured: whole(0, MAX_COUNT) = 0
        offered_rate: real(0, MAX_COUNT) | None = None
        request_rate: real(0, MAX_COUNT) = 0.0
        prompt_tokens: real(0, MAX_TOKENS) | None = None
        output_tokens: real(0, MAX_TOKENS) | None = None
        ttft_s: Spread
        tpot_s: Spread
        keeps_up: Flag = True
        load_average: real(0, MAX_COUNT) | None = None  # the machine's, when the point ended (calibrate reads it)
        requests: Annotated[list[dict], Field(max_length=MAX_COUNT)] = []

    class ProbeServer(BaseModel):
        model_config = ConfigDict(extra="allow", frozen=True)
        kind: Name
        model: Text | None = None
        max_model_len: whole(1, MAX_CONTEXT) | None = None

    class Probe(BaseModel):
        model_config = ConfigDict(extra="allow", frozen=True)
        server: ProbeServer
        summary: Annotated[list[Block], Field(max_length=MAX_COUNT)] = []
        runs: Annotated[list[dict], Field(max_length=MAX_COUNT)] = []
        points: Annotated[list[LoadPoint], Field(max_length=MAX_COUNT)] = []

    class Results(BaseModel):
        model_config = ConfigDict(extra="allow", frozen=True)
        kind: Text
        schema_version: whole(1, 1) = 1
        probes: Annotated[list[Probe], Field(max_length=MAX_COUNT)]

    return {
        "results": Results,
        "usage": Usage,
        "timings": Timings,
        "ollama_final": OllamaFinal,
        "config": Config,
        "host": Host,
        "calibration": CalibrationEntry,
        "vllm_bench": VllmBench,
        "llama_bench_row": LlamaBenchRow,
    }


def _first_problem(exc: Exception, prefix: str = "") -> str:
    """One line from a pydantic ValidationError: `field=value: what is wrong`, or `has no field`."""
    error = exc.errors(include_url=False)[0]  # type: ignore[attr-defined]
    loc = prefix + ".".join(str(p) for p in error.get("loc", ()))
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    message = message.replace("Input should be", "must be")
    if error.get("type") == "missing":
        return f"has no {loc}"
    if not loc:  # a relation between fields: the message names them
        return message
    shown = repr(error.get("input"))
    if len(shown) > 80:
        shown = shown[:77] + "..."
    message = message.replace(f", got {shown}", "")
    return f"{loc}={shown}: {message}"


def _check(kind: str, data: object, error: PlannerError.__class__, where: str, hint: str) -> Any:
    from pydantic import ValidationError

    try:
        return _models()[kind].model_validate(data)
    except ValidationError as exc:
        text = _first_problem(exc)
        if issubclass(error, ConfigError):
            raise ConfigError(where, text, hint=hint) from None
        raise error(f"{where}: {text}", hint=hint) from None
    except RecursionError:
        raise error(f"{where}: nested too deeply", hint=hint) from None


def check_config(config: object, where: str) -> None:
    """A Hugging Face config.json dict: types, bounds and relations. Raises ConfigError."""
    if not isinstance(config, dict):
        raise ConfigError(where, "config is not a JSON object", hint="pass a Hugging Face config.json")
    _check(
        "config",
        config,
        ConfigError,
        where,
        "fix the value in config.json (see the model card), or pass a GGUF file",
    )


def check_host(data: object, where: str) -> Any:
    return _check("host", data, ResultsFileError, where, f"remove {where}; it is measured again")


def check_calibration(data: object, where: str, name: str) -> Any:
    return _check(
        "calibration",
        data,
        ResultsFileError,
        f"{where}: calibration '{name}'",
        f"`mi50plan calibrate --remove {name}`, then calibrate again (or remove {where})",
    )


def check_results(data: object, where: str) -> Any:
    """A `mi50plan probe --save` results file: every field validate and calibrate read."""
    return _check(
        "results",
        data,
        ResultsFileError,
        where,
        "the file was left untouched; move it away or probe again with --save to another file",
    )


def check_vllm_bench(data: object, where: str) -> Any:
    return _check(
        "vllm_bench",
        data,
        ResultsFileError,
        where,
        "pass the file `vllm bench serve --save-result` wrote, unedited",
    )


def check_llama_bench_row(data: object, where: str) -> Any:
    return _check(
        "llama_bench_row",
        data,
        ResultsFileError,
        where,
        "pass the output of `llama-bench -o json`, unedited",
    )


def _server_object(kind: str, data: object, what: str) -> dict:
    """A server's JSON object checked; ValueError (the stream reader's "malformed") names the field."""
    from pydantic import ValidationError

    if not isinstance(data, dict):
        raise ValueError(f"'{what}' is not a JSON object")
    try:
        _models()[kind].model_validate(data)
    except ValidationError as exc:
        raise ValueError(_first_problem(exc, f"{what}.")) from None
    return dict(data)


def check_usage(data: object) -> dict:
    return _server_object("usage", data, "usage")


def check_timings(data: object) -> dict:
    return _server_object("timings", data, "timings")


def check_ollama_final(data: object) -> dict:
    return _server_object("ollama_final", data, "done")


__all__ = [
    "check_results",
    "check_ollama_final",
    "check_timings",
    "check_usage",
    "MAX_CONTEXT",
    "MAX_EXPERTS",
    "MAX_HIDDEN",
    "MAX_LAYERS",
    "check_calibration",
    "check_config",
    "check_host",
    "check_llama_bench_row",
    "check_vllm_bench",
]
