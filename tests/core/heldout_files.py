"""What the held-out speed-file tests share (test_speed_heldout3.py, test_speed_heldout4.py): reading the files of
scripts/data, a figure's identity, and scoring a file with the shipped model as scripts/heldout_benchmarks.py does."""

from __future__ import annotations

import csv
import re
import statistics
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "scripts" / "data"


# The published-result files in the order they were gathered: a held-out file repeats no figure or page of those
# before it (assert_new_sourced_mapped).
# The hosts a held-out file's sources may be on: GitHub until the twenty-fifth file, Hugging Face pages too from it
GITHUB = ("https://github.com/",)
GITHUB_AND_HUGGING_FACE = ("https://github.com/", "https://huggingface.co/")


IN_ORDER = (
    "llamabench-public.csv",
    "llamabench-heldout.csv",
    "llamabench-heldout-2.csv",
    "llamabench-heldout-3.csv",
    "llamabench-heldout-4.csv",
    "llamabench-heldout-5.csv",
    "llamabench-heldout-6.csv",
    "llamabench-heldout-7.csv",
    "llamabench-heldout-8.csv",
    "llamabench-heldout-9.csv",
    "llamabench-heldout-10.csv",
    "llamabench-heldout-11.csv",
    "llamabench-heldout-12.csv",
    "llamabench-heldout-13.csv",
    "llamabench-heldout-14.csv",
    "llamabench-heldout-15.csv",
    "llamabench-heldout-16.csv",
    "llamabench-heldout-17.csv",
    "llamabench-heldout-18.csv",
    "llamabench-heldout-19.csv",
    "llamabench-heldout-20.csv",
    "llamabench-heldout-21.csv",
    "llamabench-heldout-22.csv",
    "llamabench-heldout-23.csv",
    "llamabench-heldout-24.csv",
    "llamabench-heldout-25.csv",
    "llamabench-heldout-26.csv",
    "llamabench-heldout-27.csv",
    "llamabench-heldout-28.csv",
    "llamabench-heldout-29.csv",
    "llamabench-heldout-30.csv",
    "llamabench-heldout-31.csv",
    "llamabench-heldout-32.csv",
    "llamabench-heldout-33.csv",
    "llamabench-heldout-34.csv",
    "llamabench-heldout-35.csv",
    "llamabench-heldout-36.csv",
    "llamabench-heldout-37.csv",
    "llamabench-heldout-38.csv",
    "llamabench-heldout-39.csv",
    "llamabench-heldout-40.csv",
    "llamabench-heldout-41.csv",
    "llamabench-heldout-42.csv",
    "llamabench-heldout-43.csv",
    "llamabench-heldout-44.csv",
    "llamabench-heldout-45.csv",
)


def read(name: str) -> list[dict]:
    with (DATA / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def earlier(name: str) -> list[dict]:
    """Every row of the files gathered before `name` (IN_ORDER)."""
    return [r for before in IN_ORDER[: IN_ORDER.index(name)] for r in read(before)]


def key(r: dict) -> tuple:
    """One published figure: the same GPU, model, quant, test and value is the same figure."""
    return (r["gpu"], r["model"], r["quant"], r["test"], r["tps"])


def scored(name: str) -> list[dict]:
    """Every figure of one held-out file predicted by the shipped factors (heldout_benchmarks.results)."""
    pytest.importorskip("torch")
    sys.path.insert(0, str(ROOT / "scripts"))
    import heldout_benchmarks

    return heldout_benchmarks.results(*heldout_benchmarks.FILES[name])


BACKENDS = frozenset({"rocm", "vulkan", "sycl", "cuda", "metal"})


def assert_scored(
    res: list[dict], limits: dict[str, tuple[float, int]], coverage: float, backends: frozenset = BACKENDS
) -> None:
    """Each kind has its count of figures and a median |error| within its limit; `coverage` of them in the band; every
    backend of the file scored."""
    assert {x["row"].deployment.backend for x in res} == backends
    for kind, (limit, count) in limits.items():
        errors = [abs(x["pred"] / x["measured"] - 1) for x in res if x["kind"] == kind]
        assert len(errors) == count and statistics.median(errors) <= limit, (kind, sorted(errors))
    assert sum(x["covered"] for x in res) >= coverage * len(res)


def assert_new_sourced_mapped(
    rows: list[dict],
    earlier: list[dict],
    version_prefix: str,
    hosts: tuple = GITHUB,
    label_models: frozenset = frozenset(),
) -> None:
    """A held-out file against the files before it: the same columns, no figure twice or from an earlier file, no
    page an earlier file uses, every row a URL on one of `hosts` (GitHub until the twenty-fifth file), a mapped GPU
    and model (or a model string of `label_models`, which the loader reads as llama-bench's own label of a mapped
    model: the caller checks that it loads), a positive figure and a llama.cpp build."""
    seen = {key(r) for r in earlier}
    used_pages = {r["source"].split(" ")[0] for r in earlier}
    gpus = {g["gpu"] for g in read("llamabench-gpus.csv")}
    models = {m["model"] for m in read("llamabench-models.csv")}
    assert list(rows[0]) == list(earlier[0])  # the same columns
    assert len({key(r) for r in rows}) == len(rows)  # no figure twice
    for r in rows:
        assert r["source"].startswith(hosts), r
        assert r["source"].split(" ")[0] not in used_pages, r  # no page the fitted or held-out files use
        assert r["gpu"] in gpus and (r["model"] in models or r["model"] in label_models), r
        assert key(r) not in seen, r
        assert float(r["tps"]) > 0 and r["engine_version"].startswith(version_prefix), r


def assert_recent_and_new_under_any_name(
    rows: list[dict],
    rows_before: list[dict],
    dated: tuple = ("2025",),
    unprinted_ngl: frozenset = frozenset(),
    all_layers: dict | None = None,
) -> None:
    """A recent held-out file (the sixth on) against the files before it: no page an earlier file cites, whether it
    wrote the address with or without its scheme; no figure of an earlier file under another GPU string (the Strix
    Halo iGPU has had three); a llama.cpp build of 2025-2026 (a build number of at least 4500, or a source dated in
    one of `dated`); full offload (ngl 99 or more, or -1 = all in the JSON files; blank only on the pages of
    `unprinted_ngl`, whose tables print no ngl: llama-bench's default, 99; or, for a model in `all_layers`, the ngl its
    source states is every layer of it)."""
    cited = {r["source"].split(" ")[0].removeprefix("https://") for r in rows_before}
    assert not [r["source"] for r in rows if r["source"].split(" ")[0].removeprefix("https://") in cited]
    figures = {(r["model"], r["test"].replace(" ", ""), r["tps"]) for r in rows_before}
    assert not [r for r in rows if (r["model"], r["test"], r["tps"]) in figures]
    sys.path.insert(0, str(ROOT / "scripts"))
    from benchmarks_common import build_number  # the loader's own reading of the build

    for r in rows:
        version = r["engine_version"]
        build = build_number(version)
        assert (build is not None and build >= 4500) or any(year in version for year in dated), r
    blank = [r for r in rows if not r["ngl"]]
    assert all(r["source"].split(" ")[0] in unprinted_ngl for r in blank), blank
    full = all_layers or {}
    stated = [r for r in rows if r not in blank]
    assert all(int(r["ngl"]) >= 99 or int(r["ngl"]) == -1 or full.get(r["model"]) == int(r["ngl"]) for r in stated)


def assert_pinned(rows: list[dict], threads: str = "pull|issues") -> None:
    """Every GitHub source pinned: a file at a fixed commit, or a thread (`threads`: pull request, issue, discussion).
    A Hugging Face page (the twenty-fifth file on) has no commit in its address and is taken as it is, as is a gist's
    comment (the twenty-ninth file: comments are not part of a gist's revisions; the source names its date), and so is
    a file a site keeps in a dated upload folder (the thirty-seventh file: jetsonhacks.com's wp-content/uploads/2025/10
    benchmark page, a static file that is not edited in place)."""
    for r in rows:
        page = r["source"].split(" ")[0]
        if page.startswith("https://huggingface.co/") or re.search(r"/wp-content/uploads/\d{4}/\d{2}/[^/]+$", page):
            continue
        if page.startswith("https://gist.github.com/"):
            assert re.search(r"comment by \S+ \d{4}-\d{2}-\d{2}", r["source"]), r
            continue
        assert re.search(r"/blob/[0-9a-f]{40}/", page) or re.search(rf"/({threads})/\d+$", page), r


def origin(source: str) -> str:
    """A row's source as leave-one-source-out counts it (scripts/public_common.origin): the GitHub repository,
    with the pull request, issue or discussion number for the shared threads."""
    m = re.match(r"https://github\.com/([\w.-]+/[\w.-]+)(/(?:issues|pull|discussions)/\d+)?", source)
    if m is None:  # a Hugging Face repository (a model's or a dataset's), with its discussion number
        m = re.match(r"https://(huggingface\.co/(?:datasets/)?[\w.-]+/[\w.-]+)(/discussions/\d+)?", source)
    assert m, source
    return m.group(1) + (m.group(2) or "")


def repositories_cited_before(rows: list[dict], rows_before: list[dict]) -> list[str]:
    """The repositories of a file's rows that an earlier file cites, in any form of its address (the fitted file
    writes some without scheme); pull-request and issue threads of a shared repository are sources of their own."""
    cited = " ".join(r["source"] for r in rows_before)
    repos = {origin(r["source"]) for r in rows if not re.search(r"/(pull|issues)/\d+", r["source"])}
    return sorted(o for o in repos if o.removeprefix("https://github.com/") in cited)


def pages_cited_before(rows: list[dict], rows_before: list[dict]) -> set[str]:
    """The pages of a file's rows that an earlier file cites, with or without the scheme."""

    def page(r: dict) -> str:
        return r["source"].split(" ")[0].removeprefix("https://")

    return {page(r) for r in rows} & {page(r) for r in rows_before}


def assert_gathered(
    name: str,
    rows_per_gpu: dict,
    threads: str = "pull|issues",
    unprinted_ngl: frozenset = frozenset(),
    hosts: tuple = GITHUB,
    all_layers: dict | None = None,
    label_models: frozenset = frozenset(),
) -> tuple[list[dict], list[dict]]:
    """A recent held-out file as gathered (the seventh on): its rows per (GPU string, backend), new against every file
    before it (figures, pages and names), sourced from `hosts`, mapped, of a 2025-2026 build and pinned (`threads`:
    assert_pinned). Returns the file's rows and the rows of the files before it."""
    from collections import Counter

    rows = read(name)
    assert Counter((r["gpu"], r["backend"]) for r in rows) == rows_per_gpu
    rows_before = earlier(name)
    previous = IN_ORDER[IN_ORDER.index(name) - 1]
    assert {r["source"] for r in read(previous)} <= {r["source"] for r in rows_before}
    assert_new_sourced_mapped(rows, rows_before, "llama.cpp ", hosts, label_models)
    assert_recent_and_new_under_any_name(
        rows, rows_before, dated=("2025", "2026"), unprinted_ngl=unprinted_ngl, all_layers=all_layers
    )
    assert_pinned(rows, threads=threads)
    return rows, rows_before


def assert_spread(
    rows: list[dict],
    moe_share: float | None = None,
    backends: int | set = 4,
    profiles: int = 10,
    profile_share: float = 0.2,
    origins: int = 5,
    backend_share: float = 1.0,
) -> None:
    """A typical-use held-out file (the fifth to seventh with the defaults): single pp or tg tests (no pp+tg), each
    kind at least 40% of the file; at least `profiles` GPU profiles, none over `profile_share` of the rows; at least
    `backends` backends (or exactly that set), none over `backend_share` of the rows; at least `origins` sources; with
    `moe_share`, some rows and at most that share on mixture-of-experts models, the rest dense."""
    from collections import Counter

    kinds = Counter(r["test"][:2] for r in rows)
    assert set(kinds) == {"pp", "tg"} and not any("+" in r["test"] for r in rows)
    assert min(kinds.values()) >= 0.4 * len(rows), kinds
    profile = {g["gpu"]: g["profile"] for g in read("llamabench-gpus.csv")}
    per_profile = Counter(profile[r["gpu"]] for r in rows)
    assert len(per_profile) >= profiles, per_profile
    assert max(per_profile.values()) <= profile_share * len(rows), per_profile
    per_backend = Counter(r["backend"] for r in rows)
    assert set(per_backend) == backends if isinstance(backends, set) else len(per_backend) >= backends, per_backend
    assert max(per_backend.values()) <= backend_share * len(rows), per_backend
    assert len({origin(r["source"]) for r in rows}) >= origins
    if moe_share is not None:
        moe = moe_rows(rows)
        assert 0 < len(moe) <= moe_share * len(rows), len(moe)


def assert_new_origins(rows: list[dict], rows_before: list[dict], expected: set[str]) -> None:
    """A recent held-out file's sources (the sixteenth on): no page or repository an earlier file cites, in any form of
    its address; its origins (pull-request and issue threads each their own) exactly `expected`, none an earlier
    file's."""
    assert not pages_cited_before(rows, rows_before)
    assert not repositories_cited_before(rows, rows_before)
    origins = {origin(r["source"]) for r in rows}
    assert origins == expected
    cited = {origin(r["source"]) for r in rows_before if r["source"].startswith("https://github.com/")}
    assert not origins & cited


def profiles_of(rows: list[dict]):
    """Rows per GPU profile, as llamabench-gpus.csv maps each GPU string."""
    from collections import Counter

    profile = {g["gpu"]: g["profile"] for g in read("llamabench-gpus.csv")}
    return Counter(profile[r["gpu"]] for r in rows)


def _family(model: str) -> str:
    """A model string's shape family as the loader reads it (public_common.model_family: its llamabench-models.csv
    row, else llama-bench's own label of a mapped model)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from public_common import model_family

    family = model_family(model, {m["model"]: m["family"] for m in read("llamabench-models.csv")})
    assert family is not None, model
    return family


def families_of(rows: list[dict]):
    """Rows per model family, as the loader maps each model string."""
    from collections import Counter

    return Counter(_family(r["model"]) for r in rows)


def moe_rows(rows: list[dict]) -> list[dict]:
    """The rows of MoE models (more than one expert in the family's model-shapes.csv shape)."""
    shapes = {s["family"]: s for s in read("model-shapes.csv")}
    return [r for r in rows if int(shapes[_family(r["model"])]["experts"] or 0) > 1]


def assert_composition(rows: list[dict], tests: dict, profiles: dict, moe: int, backends: dict | None = None) -> None:
    """A held-out file's make-up as gathered: figures per test kind ("pp", "tg"; no combined pp+tg test), rows per
    profile, its MoE rows and (where given) rows per backend as the file spells it."""
    from collections import Counter

    assert Counter(r["test"][:2] for r in rows) == tests
    assert not [r for r in rows if "+" in r["test"]]
    assert profiles_of(rows) == profiles
    if backends is not None:
        assert Counter(r["backend"] for r in rows) == backends
    assert len(moe_rows(rows)) == moe
