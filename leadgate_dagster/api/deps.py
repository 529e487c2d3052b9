"""The database and the active ruleset, as every endpoint reaches them."""

from __future__ import annotations

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import rulesets
from leadgate_dagster.store.embedded import database_url
from leadgate_dagster.store.engine import engine_for


def get_engine() -> sa.Engine:
    return engine_for(database_url())


def load_rules(engine: sa.Engine) -> Ruleset:
    with engine.connect() as conn:
        return rulesets.current(conn)
