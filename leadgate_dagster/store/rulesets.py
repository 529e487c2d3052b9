"""Activated rulesets: version, content hash, author and reason; exactly one active at a time."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadgate_dagster.core.ruleset import Ruleset, load_ruleset, ruleset_from_body
from leadgate_dagster.store.tables import rulesets


def active(conn: sa.Connection) -> Ruleset | None:
    row = conn.execute(sa.select(rulesets.c.body).where(rulesets.c.is_active)).first()
    return ruleset_from_body(row.body) if row else None


def current(conn: sa.Connection) -> Ruleset:
    """The ruleset that judges now: the activated one, else the one shipped with the package."""
    return active(conn) or load_ruleset()


def activate(conn: sa.Connection, ruleset: Ruleset, *, author: str, reason: str) -> None:
    conn.execute(sa.update(rulesets).where(rulesets.c.is_active).values(is_active=False))
    stmt = pg_insert(rulesets).values(content_hash=ruleset.content_hash, version=ruleset.version,
                                      body=ruleset.body, author=author, reason=reason, is_active=True)
    conn.execute(stmt.on_conflict_do_update(
        index_elements=["content_hash"],
        set_={"is_active": True, "author": author, "reason": reason, "activated_at": sa.func.now()}))


def by_version(conn: sa.Connection, version: str) -> Ruleset | None:
    row = conn.execute(sa.select(rulesets.c.body).where(rulesets.c.version == version)
                       .order_by(rulesets.c.activated_at.desc())).first()
    return ruleset_from_body(row.body) if row else None
