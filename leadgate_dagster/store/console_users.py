"""Console users and the failed sign-ins counted against user names and client addresses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadgate_dagster.store.tables import console_sessions, console_sign_in_failures, console_users


@dataclass(frozen=True, slots=True)
class User:
    user_id: int
    name: str
    role: str
    password_hash: str
    disabled_at: datetime | None


def add(conn: sa.Connection, *, name: str, role: str, password_hash: str) -> int | None:
    """A new user; None when the name is taken."""
    stmt = pg_insert(console_users).values(name=name, role=role, password_hash=password_hash)
    return conn.execute(stmt.on_conflict_do_nothing(index_elements=["name"])
                        .returning(console_users.c.user_id)).scalar_one_or_none()


def by_name(conn: sa.Connection, name: str) -> User | None:
    row = conn.execute(sa.select(console_users).where(console_users.c.name == name)).first()
    return None if row is None else User(row.user_id, row.name, row.role, row.password_hash, row.disabled_at)


def listing(conn: sa.Connection) -> list[sa.Row[Any]]:
    """Every user (never a hash), with how many sessions each has open, by name."""
    live = (sa.select(sa.func.count()).select_from(console_sessions)
            .where(console_sessions.c.user_id == console_users.c.user_id).scalar_subquery())
    return list(conn.execute(sa.select(
        console_users.c.user_id, console_users.c.name, console_users.c.role, console_users.c.created_at,
        console_users.c.password_changed_at, console_users.c.last_sign_in_at, console_users.c.disabled_at,
        live.label("sessions")).order_by(console_users.c.name)))


def active_names(conn: sa.Connection) -> list[str]:
    return list(conn.execute(sa.select(console_users.c.name).where(console_users.c.disabled_at.is_(None))
                             .order_by(console_users.c.name)).scalars())


def active_count(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(console_users)
                        .where(console_users.c.disabled_at.is_(None))).scalar_one()


def set_disabled(conn: sa.Connection, name: str, *, disabled: bool) -> int | None:
    """Disable (or enable) a user; returns its id, None when no such user. Sessions are ended by the caller."""
    return conn.execute(sa.update(console_users).where(console_users.c.name == name)
                        .values(disabled_at=sa.func.now() if disabled else None)
                        .returning(console_users.c.user_id)).scalar_one_or_none()


def set_password(conn: sa.Connection, name: str, password_hash: str) -> int | None:
    return conn.execute(sa.update(console_users).where(console_users.c.name == name)
                        .values(password_hash=password_hash, password_changed_at=sa.func.now())
                        .returning(console_users.c.user_id)).scalar_one_or_none()


def signed_in(conn: sa.Connection, user_id: int, now: datetime, *, password_hash: str | None = None) -> None:
    """Record a sign-in (and a hash re-made under current parameters)."""
    values: dict[str, Any] = {"last_sign_in_at": now}
    if password_hash is not None:
        values["password_hash"] = password_hash
    conn.execute(sa.update(console_users).where(console_users.c.user_id == user_id).values(**values))


def failures(conn: sa.Connection, keys: Sequence[str]) -> list[tuple[int, datetime]]:
    """(failures in a row, last failure) of each key that has any."""
    t = console_sign_in_failures
    return [(r.failures, r.last_failed_at) for r in conn.execute(
        sa.select(t.c.failures, t.c.last_failed_at).where(t.c.key.in_(list(keys))))]


def count_failure(conn: sa.Connection, keys: Sequence[str], now: datetime, *, forget_after_s: float) -> None:
    """One more failure for each key; a key quiet for `forget_after_s` starts again at one."""
    t = console_sign_in_failures
    stmt = pg_insert(t).values([{"key": k, "failures": 1, "last_failed_at": now} for k in keys])
    stale = t.c.last_failed_at < now - timedelta(seconds=forget_after_s)
    conn.execute(stmt.on_conflict_do_update(index_elements=[t.c.key], set_={
        "failures": sa.case((stale, 1), else_=t.c.failures + 1), "last_failed_at": now}))


def clear_failures(conn: sa.Connection, keys: Sequence[str]) -> None:
    conn.execute(sa.delete(console_sign_in_failures).where(console_sign_in_failures.c.key.in_(list(keys))))
