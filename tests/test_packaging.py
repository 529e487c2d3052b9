"""What a checkout and an install both need is the same file, and the package carries it."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_top_level_dagster_files_are_the_packaged_ones() -> None:
    packaged = resources.files("leadgate_dagster.dagster_home")
    for name in ("dagster.yaml", "workspace.yaml"):
        assert (ROOT / name).read_text() == packaged.joinpath(name).read_text(), name


def test_instance_storage_is_leadgate_s_postgres() -> None:
    config = yaml.safe_load((ROOT / "dagster.yaml").read_text())
    assert config["storage"]["custom"] == {"module": "leadgate_dagster.instance_storage",
                                           "class": "LeadgatePostgresStorage"}
    assert config["run_retries"]["enabled"] is True


def test_readme_opens_with_the_two_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```bash", 1)[1].split("```", 1)[0]
    assert ".venv/bin/leadgate demo" in first_block and '.venv/bin/python -m pytest' in first_block
    ci = (ROOT / ".ci/run").read_text()
    assert '.venv/bin/pip install -q --disable-pip-version-check -e ".[test]"' in ci
    assert ".venv/bin/python -m pytest" in ci and "leadgate demo" in ci
