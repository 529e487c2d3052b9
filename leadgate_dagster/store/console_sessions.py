"""Console sessions (by the HMAC of their token) and the console's generated secret."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadgate_dagster.store.tables import console_secrets, console_sessions, console_users


def secret(conn: sa.Connection, name: str, candidate: str) -> str:
    """The stored secret `name`; `candidate` is stored first when there is none (every process and worker
    that asks at the same time gets the one that won)."""
    conn.execute(pg_insert(console_secrets).values(name=name, value=candidate).on_conflict_do_nothing())
    return conn.execute(sa.select(console_secrets.c.value).where(console_secrets.c.name == name)).scalar_one()


def start(conn: sa.Connection, session_hash: str, user_id: int, now: datetime) -> None:
    conn.execute(sa.insert(console_sessions).values(session_hash=session_hash, user_id=user_id, created_at=now,
                                                    last_seen_at=now))


def live(conn: sa.Connection, session_hash: str, *, seen_after: datetime, created_after: datetime) -> sa.Row[Any] | None:
    """The session's user (id, name, role) and when the session was last seen, if the session is live: not
    idle since `seen_after`, not started before `created_after`, its user not disabled."""
    s, u = console_sessions, console_users
    return conn.execute(
        sa.select(u.c.user_id, u.c.name, u.c.role, s.c.last_seen_at).join(u, u.c.user_id == s.c.user_id)
        .where(s.c.session_hash == session_hash, s.c.last_seen_at > seen_after, s.c.created_at > created_after,
               u.c.disabled_at.is_(None))).first()


def touch(conn: sa.Connection, session_hash: str, now: datetime) -> None:
    conn.execute(sa.update(console_sessions).where(console_sessions.c.session_hash == session_hash)
                 .values(last_seen_at=now))


def end(conn: sa.Connection, session_hash: str) -> None:
    conn.execute(sa.delete(console_sessions).where(console_sessions.c.session_hash == session_hash))


def end_all_of(conn: sa.Connection, user_id: int) -> int:
    return conn.execute(sa.delete(console_sessions).where(console_sessions.c.user_id == user_id)).rowcount


def purge(conn: sa.Connection, *, seen_before: datetime, created_before: datetime) -> int:
    """Drop sessions past their idle or absolute expiry."""
    s = console_sessions
    return conn.execute(sa.delete(s).where(sa.or_(s.c.last_seen_at <= seen_before,
                                                  s.c.created_at <= created_before))).rowcount
