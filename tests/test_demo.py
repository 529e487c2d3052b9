"""`leadgate demo`: the shipped leads through the real pipeline, a summary, and nothing ingested twice."""

from __future__ import annotations

import re

import dagster as dg
import pytest

from leadgate_dagster.cli import main


def test_demo_twice_prints_the_same_summary_and_ingests_once(tmp_path, pg_url, engine, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEADGATE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    for var in ("DAGSTER_HOME", "LEADGATE_DAGSTER_PG_URL"):
        monkeypatch.delenv(var, raising=False)
    assert main(["demo"]) == 0
    first = capsys.readouterr().out
    assert main(["demo"]) == 0
    second = capsys.readouterr().out
    assert "records ingested" in first and "ingested before" in second
    assert "***" not in first  # no password to mask on the test server
    # the last lines tell how to query what RevOps reads, and that the shell brings the stopped server back
    tail = first[first.index("done in"):]
    assert "leadgate db shell" in tail and "leadgate db url" in tail
    assert "SELECT disposition, count(*) FROM leadgate.qualified_leads GROUP BY 1;" in tail

    def summary(out: str) -> str:
        return out[out.index("disposition"):out.index("done in")]

    assert summary(first) == summary(second)
    total = int(re.search(r"total\s+(\d+)", first).group(1))
    assert total == 30
    with dg.DagsterInstance.get() as instance:  # the runs live in the persistent instance `leadgate dev` uses
        runs = instance.get_runs(filters=dg.RunsFilter(job_name="lead_batch_job"))
    assert len(runs) == 1 and runs[0].status == dg.DagsterRunStatus.SUCCESS
    assert (tmp_path / "home/dagster_home/dagster.yaml").exists()


@pytest.fixture(autouse=True)
def _restore_env(monkeypatch):
    """prepare() exports variables for child processes; keep them from leaking into other tests."""
    import os

    saved = {k: os.environ.get(k) for k in ("DAGSTER_HOME", "LEADGATE_DAGSTER_PG_URL", "LEADGATE_DATABASE_URL",
                                             "LEADGATE_HOME")}
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
