"""Activated rulesets: version, content hash, author and reason; exactly one active at a time."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadgate_dagster.core.ruleset import Ruleset, RulesetError, load_ruleset, ruleset_from_body
from leadgate_dagster.store.tables import rulesets

_STORED = (rulesets.c.body, rulesets.c.version, rulesets.c.content_hash)
_PARSED: dict[str, Ruleset] = {}


def _parsed(row: sa.Row, role: str) -> Ruleset:
    """A stored body as a Ruleset; one that no longer parses raises, naming the ruleset and each bad key."""
    try:
        return ruleset_from_body(row.body)
    except RulesetError as exc:
        subject = f"the {role} ruleset {row.version} ({row.content_hash[:12]})"
        raise RulesetError(exc.problems, subject) from None


def active(conn: sa.Connection) -> Ruleset | None:
    """The activated ruleset, None when none was; raises RulesetError when it no longer parses.

    Parsed once per content hash and process (a ruleset never changes under its hash): the intake API reads
    the active one on every request."""
    content_hash = conn.execute(sa.select(rulesets.c.content_hash).where(rulesets.c.is_active)).scalar()
    if content_hash is None:
        return None
    if content_hash not in _PARSED:
        row = conn.execute(sa.select(*_STORED).where(rulesets.c.content_hash == content_hash)).one()
        _PARSED[content_hash] = _parsed(row, "active")
    return _PARSED[content_hash]


def current(conn: sa.Connection) -> Ruleset:
    """The ruleset that judges now: the activated one, else (only when none was ever activated) the one
    shipped with the package. An activated one that no longer parses raises: never judge with another."""
    return active(conn) or load_ruleset()


def activate(conn: sa.Connection, ruleset: Ruleset, *, author: str, reason: str) -> None:
    conn.execute(sa.update(rulesets).where(rulesets.c.is_active).values(is_active=False))
    stmt = pg_insert(rulesets).values(content_hash=ruleset.content_hash, version=ruleset.version,
                                      body=ruleset.body, author=author, reason=reason, is_active=True)
    conn.execute(stmt.on_conflict_do_update(
        index_elements=["content_hash"],
        set_={"is_active": True, "author": author, "reason": reason, "activated_at": sa.func.now()}))


def by_version(conn: sa.Connection, version: str) -> Ruleset | None:
    row = conn.execute(sa.select(*_STORED).where(rulesets.c.version == version)
                       .order_by(rulesets.c.activated_at.desc())).first()
    return _parsed(row, "stored") if row else None
