"""Bring up what leadgate runs on: the database (embedded unless a URL is given), its migrations, and a
Dagster home whose instance storage is that same server."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import sqlalchemy as sa

from leadgate_dagster import settings
from leadgate_dagster.store.embedded import embedded_url
from leadgate_dagster.store.engine import engine_for
from leadgate_dagster.store.migrate import upgrade


@dataclass(frozen=True)
class Runtime:
    home: Path
    database_url: str
    dagster_home: Path

    @property
    def engine(self) -> sa.Engine:
        return engine_for(self.database_url)


def prepare(home: Path | None = None, database_url: str | None = None, *, dagster: bool = True,
            run_log_level: str | None = None) -> Runtime:
    """Start/attach the database and migrate it; with `dagster`, also write DAGSTER_HOME and export what
    Dagster's processes need. `run_log_level` sets the level of the run workers' console logs (the instance's
    `python_logs.python_log_level`); None keeps Dagster's default, DEBUG."""
    home = (home or settings.leadgate_home()).resolve()
    home.mkdir(parents=True, exist_ok=True)
    url = database_url or settings.configured_database_url() or embedded_url(home)
    url = settings.with_driver(url, "psycopg")
    upgrade(engine_for(url))
    dagster_home = home / "dagster_home"
    if dagster:
        dagster_home.mkdir(exist_ok=True)
        for name in ("dagster.yaml", "workspace.yaml"):
            src = resources.files("leadgate_dagster.dagster_home").joinpath(name)
            with resources.as_file(src) as path:
                shutil.copyfile(path, dagster_home / name)
        if run_log_level:
            with (dagster_home / "dagster.yaml").open("a", encoding="utf-8") as f:
                f.write(f"\n# written by leadgate for this session\npython_logs:\n  python_log_level: {run_log_level}\n")
        # what Dagster's processes (and the code they load) need to find the same server and home
        os.environ["DAGSTER_HOME"] = str(dagster_home)
        os.environ["LEADGATE_DAGSTER_PG_URL"] = settings.with_driver(url, "psycopg2")
        os.environ["LEADGATE_DATABASE_URL"] = url
        os.environ["LEADGATE_HOME"] = str(home)
    return Runtime(home=home, database_url=url, dagster_home=dagster_home)
