"""The public surface of `import planner` is named and checked (style.md idea 17)."""

import subprocess
import sys

import planner

EXPECTED_API = ["plan", "predict", "recommend", "compare", "validate", "calibrate", "calibrations", "probe"]
EXPECTED_TYPES = [
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
    "EnginePlan",
    "Suggestion",
    "VllmPlan",
    "LlamaCppPlan",
    "OllamaPlan",
]
EXPECTED_ERRORS = [
    "PlannerError",
    "UsageError",
    "ModelNotFound",
    "ConfigError",
    "GGUFError",
    "ProfileError",
    "ResultsFileError",
    "ProbeError",
]


def test_all_lists_exactly_the_public_names():
    assert sorted(planner.__all__) == sorted(["__version__", *EXPECTED_API, *EXPECTED_TYPES, *EXPECTED_ERRORS])


def test_every_exported_name_resolves():
    for name in planner.__all__:
        assert getattr(planner, name) is not None, name


def test_importing_the_api_loads_no_cli_library():
    """`import planner` and a plan must not load typer, click or tabulate (the CLI's libraries)."""
    code = (
        "import sys, planner\n"
        "r = planner.plan('Qwen/Qwen2.5-7B-Instruct', hardware='mi50-16gb', engine='vllm', dtype='float16',"
        " offline=True)\n"
        "print(r.plans[0].fits, r.plans[0].kv_cache_bytes)\n"
        "bad = [m for m in ('typer', 'click', 'tabulate', 'rich') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    fits, kv = out.stdout.split()
    # The reference report's 7B fp16 refusal: vLLM's KV budget is negative (-1.34 GiB in its log).
    assert fits == "False" and int(kv) < 0


def test_unknown_attribute_is_an_attribute_error():
    import pytest

    with pytest.raises(AttributeError):
        planner.no_such_thing  # noqa: B018
