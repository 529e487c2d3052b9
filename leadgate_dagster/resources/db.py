"""Postgres, the system of record, as a Dagster resource."""


import dagster as dg
from sqlalchemy.engine import Engine

from leadgate_dagster.store.embedded import database_url
from leadgate_dagster.store.engine import engine_for


class PostgresResource(dg.ConfigurableResource):
    """leadgate's database. An empty `url` means LEADGATE_DATABASE_URL, else the embedded server: a bare
    `dg.EnvVar` would fail at launch when the variable is unset, which would break the embedded default."""

    url: str = ""

    def engine(self) -> Engine:
        return engine_for(self.url or database_url())
