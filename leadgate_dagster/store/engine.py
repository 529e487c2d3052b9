"""Engines, cached per URL, so every caller in a process shares one pool per server."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from leadgate_dagster.settings import with_driver


@cache
def engine_for(url: str) -> Engine:
    return sa.create_engine(with_driver(url, "psycopg"), pool_pre_ping=True, pool_size=5, max_overflow=5)
