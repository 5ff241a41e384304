"""The suite runs from a fresh clone with nothing beside it (issue 14 item 1).

Before tests/data/reference-copy existed, five tests read the project's reference folder outside the
repository (model-configs, gpu-specs.csv) and failed with FileNotFoundError on such a clone."""

from __future__ import annotations

import os
import subprocess
import sys

from planner.sources import catalog
from tests.conftest import REFERENCE_COPY, ROOT


def test_no_test_names_a_folder_outside_the_repository():
    # The reference folder beside the clone, reached by a relative path or from the repository's parent,
    # is what broke fresh clones; the needles are assembled so this file does not match itself.
    name = "sha" + "red"
    needles = (".." + "/" + name, 'parent / "' + name + '"')
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {n}" for n in needles if n in text]
    assert not offenders, offenders


def test_scripts_run_by_tests_read_the_copy():
    assert os.environ["MI50PLAN_REFERENCE"] == str(REFERENCE_COPY)
    assert (REFERENCE_COPY / "reference" / "gpu-specs.csv").is_file()


def test_copy_holds_every_catalog_config():
    # The catalog's configs live in the repository: scripts/data/model-configs (pinned public copies) or
    # the tests' copy of the reference folder.
    for model_id in catalog.catalog_ids():
        name = model_id.replace("/", "--", 1)
        places = (REFERENCE_COPY / "model-configs" / name, ROOT / "scripts" / "data" / "model-configs" / name)
        assert any((folder / "config.json").is_file() for folder in places), model_id


def test_sync_script_sees_a_stale_copy(tmp_path):
    # scripts/sync_test_data.py --check, run against a fake reference folder whose CSV differs from the copy
    import shutil

    shutil.copytree(REFERENCE_COPY, tmp_path, dirs_exist_ok=True)
    (tmp_path / "reference" / "gpu-specs.csv").write_text("name\nchanged\n")
    proc = subprocess.run(
        [sys.executable, "scripts/sync_test_data.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "MI50PLAN_REFERENCE": str(tmp_path)},
    )
    assert proc.returncode == 1 and "reference/gpu-specs.csv" in proc.stdout
