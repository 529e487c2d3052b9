"""`leadgate dev` is quiet unless --verbose: what it launches, what it writes for the run workers, and the
dev-key warning given once per session rather than once per run process."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
import yaml

from leadgate_dagster import settings
from leadgate_dagster.cli import parser
from leadgate_dagster.cli.dev import launch_commands
from leadgate_dagster.cli.runtime import prepare


def _commands(verbose: bool) -> dict[str, list[str]]:
    return launch_commands(Path("/venv/bin"), "/home/workspace.yaml", port=3000, api_port=8000, verbose=verbose)


def test_daemon_and_webserver_log_warnings_only_by_default() -> None:
    quiet = _commands(verbose=False)
    assert quiet["dagster-daemon"][-2:] == ["--log-level", "warning"]
    web = quiet["dagster-webserver"]
    assert web[web.index("--dagster-log-level") + 1] == "warning"
    assert web[web.index("--code-server-log-level") + 1] == "warning"


def test_verbose_launches_them_as_today() -> None:
    loud = _commands(verbose=True)
    assert "--log-level" not in loud["dagster-daemon"] and "--dagster-log-level" not in loud["dagster-webserver"]
    assert parser().parse_args(["dev", "--verbose"]).verbose and not parser().parse_args(["dev"]).verbose


def test_run_workers_log_info_unless_verbose(tmp_path, pg_url, monkeypatch) -> None:
    for var in ("DAGSTER_HOME", "LEADGATE_DAGSTER_PG_URL", "LEADGATE_DATABASE_URL", "LEADGATE_HOME"):
        monkeypatch.delenv(var, raising=False)  # restored after the test: prepare() exports them
    quiet = prepare(home=tmp_path / "q", database_url=pg_url, run_log_level="INFO")
    config = yaml.safe_load((quiet.dagster_home / "dagster.yaml").read_text())
    assert config["python_logs"] == {"python_log_level": "INFO"}
    assert config["storage"]["custom"]["class"] == "LeadgatePostgresStorage"  # the rest as shipped
    loud = prepare(home=tmp_path / "v", database_url=pg_url)
    assert "python_logs" not in yaml.safe_load((loud.dagster_home / "dagster.yaml").read_text())


@pytest.fixture
def dev_key(monkeypatch):
    """A configured database and no LEADGATE_HMAC_KEY: the dev key's warning applies."""
    monkeypatch.setenv("LEADGATE_DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.delenv("LEADGATE_HMAC_KEY", raising=False)
    monkeypatch.delenv(settings.DEV_KEY_WARNED, raising=False)
    settings._warn_dev_key.cache_clear()
    yield
    settings._warn_dev_key.cache_clear()


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "LEADGATE_HMAC_KEY" in r.getMessage()]


def test_the_dev_key_warning_is_given_once_per_process(dev_key, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        settings.hmac_key()
        settings.hmac_key()
    assert len(_warnings(caplog)) == 1


def test_a_dev_session_warns_once_and_its_children_do_not(dev_key, caplog, monkeypatch) -> None:
    with caplog.at_level(logging.WARNING):
        settings.warn_once_for_session()
    assert len(_warnings(caplog)) == 1
    assert settings.DEV_KEY_WARNED in os.environ  # inherited by the processes dev starts
    caplog.clear()
    settings._warn_dev_key.cache_clear()  # a child process: its own, fresh, cache
    with caplog.at_level(logging.WARNING):
        settings.hmac_key()
    assert _warnings(caplog) == []


def test_dev_runs_the_daemon_with_a_short_sensor_loop() -> None:
    import dagster._daemon.sensor as sensor_daemon

    from leadgate_dagster.daemon import SENSOR_LOOP_SECONDS, shorten_sensor_loop

    assert _commands(verbose=False)["dagster-daemon"][1:4] == ["-m", "leadgate_dagster.daemon", "run"]
    before = sensor_daemon.MIN_INTERVAL_LOOP_TIME
    try:
        shorten_sensor_loop()  # refuses if this Dagster version paces its sensor loop another way
        assert sensor_daemon.MIN_INTERVAL_LOOP_TIME == SENSOR_LOOP_SECONDS < before
    finally:
        sensor_daemon.MIN_INTERVAL_LOOP_TIME = before
