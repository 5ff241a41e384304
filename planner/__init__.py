"""mi50plan: plan LLM serving (vLLM, Ollama, llama.cpp) on an AMD MI50 or any GPU profile.

The Python API (planner.api) and its typed results (planner.results), loaded on first use so that
``import planner`` and the CLI's ``--help`` stay fast::

    import planner
    report = planner.plan("Qwen/Qwen2.5-7B-Instruct", hardware="mi50-16gb", engine="vllm", dtype="float16")
    vllm = report.plans[0]
    print(vllm.fits, vllm.kv_cache_bytes, vllm.error)
    print(report.to_dict())  # exactly `mi50plan fit ... --json`
"""

from __future__ import annotations

__version__ = "0.2.0"

_API = ("plan", "predict", "recommend", "compare", "validate", "calibrate", "calibrations", "probe")
_RESULTS = (
    "Band",
    "CalibrationList",
    "CalibrationResult",
    "Candidate",
    "Comparison",
    "DecodeSplit",
    "FitReport",
    "HardwareInfo",
    "MetricComparison",
    "ModelCandidates",
    "ModelInfo",
    "Prediction",
    "PredictReport",
    "ProbeRecord",
    "QuantSize",
    "Recommendation",
    "Rejection",
    "Setup",
    "Validation",
    "Winner",
)
_ENGINE_TYPES = {
    "EnginePlan": "planner.engines.base",
    "Suggestion": "planner.engines.base",
    "VllmPlan": "planner.engines.vllm",
    "LlamaCppPlan": "planner.engines.llamacpp",
    "OllamaPlan": "planner.engines.ollama",
}
_ERRORS = (
    "PlannerError",
    "UsageError",
    "ModelNotFound",
    "ConfigError",
    "GGUFError",
    "ProfileError",
    "ResultsFileError",
    "ProbeError",
)

__all__ = ["__version__", *_API, *_RESULTS, *_ENGINE_TYPES, *_ERRORS]


def __getattr__(name: str):
    import importlib

    if name in _API:
        module = importlib.import_module("planner.api")
    elif name in _RESULTS:
        module = importlib.import_module("planner.results")
    elif name in _ENGINE_TYPES:
        module = importlib.import_module(_ENGINE_TYPES[name])
    elif name in _ERRORS:
        module = importlib.import_module("planner.errors")
    else:
        raise AttributeError(f"module 'planner' has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
