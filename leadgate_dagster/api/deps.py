"""FastAPI dependencies: a database connection per request and the active ruleset."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Header

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import rulesets
from leadgate_dagster.store.embedded import database_url
from leadgate_dagster.store.engine import engine_for


def get_engine() -> sa.Engine:
    return engine_for(database_url())


def get_rules(engine: Annotated[sa.Engine, Depends(get_engine)]) -> Ruleset:
    with engine.connect() as conn:
        return rulesets.current(conn)


EngineDep = Annotated[sa.Engine, Depends(get_engine)]
RulesDep = Annotated[Ruleset, Depends(get_rules)]
IdempotencyKeyDep = Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)]
SourceDep = Annotated[str | None, Header(alias="X-Lead-Source", max_length=200)]
