"""Dagster's instance storage on leadgate's own PostgreSQL, wherever that is.

`dagster dev` or `dagster definitions validate` on a bare checkout must work with nothing set, as `leadgate dev`
does: a plain dagster-postgres block needs its URL in an environment variable and fails without it. This
storage takes LEADGATE_DAGSTER_PG_URL when set (what `leadgate dev`/`demo` export), else LEADGATE_DATABASE_URL,
else the embedded server under LEADGATE_HOME, started and migrated on first use like `leadgate dev` does.
"""

from __future__ import annotations

import os
from typing import Any

import yaml
from dagster._serdes import ConfigurableClassData
from dagster_postgres import DagsterPostgresStorage

from leadgate_dagster import settings
from leadgate_dagster.store.embedded import database_url
from leadgate_dagster.store.engine import engine_for
from leadgate_dagster.store.migrate import upgrade


def dagster_postgres_url() -> str:
    """The server Dagster's storage uses, with the psycopg2 driver dagster-postgres needs."""
    url = os.environ.get("LEADGATE_DAGSTER_PG_URL")
    if not url:  # leadgate's own server, migrated, as `leadgate dev` would leave it
        url = database_url()
        upgrade(engine_for(url))
    return settings.with_driver(url, "psycopg2")


class LeadgatePostgresStorage(DagsterPostgresStorage):
    """dagster-postgres storage whose URL leadgate resolves (see the module docstring)."""

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,
                          config_value: dict[str, Any]) -> LeadgatePostgresStorage:
        return cls(postgres_url=dagster_postgres_url(), inst_data=inst_data)

    def _data(self, class_name: str) -> ConfigurableClassData:
        return ConfigurableClassData("dagster_postgres", class_name, yaml.dump({"postgres_url": self.postgres_url}))

    @property
    def event_storage_data(self) -> ConfigurableClassData:
        return self._data("PostgresEventLogStorage")

    @property
    def run_storage_data(self) -> ConfigurableClassData:
        return self._data("PostgresRunStorage")

    @property
    def schedule_storage_data(self) -> ConfigurableClassData:
        return self._data("PostgresScheduleStorage")
