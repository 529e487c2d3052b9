"""The dagster.yaml we ship (the checkout's and the one `leadgate dev` writes) loads with whatever the
environment gives: LEADGATE_DAGSTER_PG_URL, else LEADGATE_DATABASE_URL (the embedded default with nothing set is
exercised by `dagster definitions validate` in .ci/run); and it turns Dagster's community dialog off."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest
import yaml

from leadgate_dagster.settings import with_driver

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [ROOT / "dagster.yaml", ROOT / "leadgate_dagster" / "dagster_home" / "dagster.yaml"]


@pytest.mark.parametrize("path", SHIPPED, ids=["checkout", "package"])
def test_every_shipped_instance_config_turns_telemetry_and_the_community_dialog_off(path: Path) -> None:
    config = yaml.safe_load(path.read_text())
    assert config["telemetry"] == {"enabled": False} and config["nux"] == {"enabled": False}


@pytest.mark.parametrize("variable", ["LEADGATE_DAGSTER_PG_URL", "LEADGATE_DATABASE_URL"])
def test_the_instance_storage_finds_leadgate_s_server(variable: str, pg_url: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LEADGATE_DAGSTER_PG_URL", "LEADGATE_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, pg_url)
    shutil.copyfile(SHIPPED[0], tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert instance.run_storage.postgres_url == with_driver(pg_url, "psycopg2")  # type: ignore[attr-defined]
        assert instance.get_runs_count() >= 0  # its tables are there and answer
