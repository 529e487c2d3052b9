"""Console users and signing in: `leadgate users` and the admin page manage users here, the sign-in form
checks a password here.

A failed sign-in counts against the name and the client address; once either has failed `FREE_FAILURES`
times in a row, an attempt inside its wait is refused before the password is even checked (`Throttled`), so
a guesser gets one try per growing interval whatever it sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.console.accounts import (
    Role,
    hash_password,
    name_problems,
    needs_rehash,
    password_problems,
    verify_password,
)
from leadgate_dagster.core.console.throttle import FORGET_AFTER_S, wait_seconds
from leadgate_dagster.store import console_sessions, console_users


class AccountError(ValueError):
    """A request about users that cannot be carried out; the message says why."""


class Throttled(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__(f"too many failed sign-ins: try again in {wait:.0f} s")
        self.wait = wait


@dataclass(frozen=True, slots=True)
class Account:
    """A signed-in person: who acts (`actor`, as the decision log records it) and what they may do."""

    user_id: int
    name: str
    role: Role

    @property
    def actor(self) -> str:
        return f"reviewer:{self.name}"

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def add_user(engine: sa.Engine, name: str, role: str, password: str) -> int:
    if found := name_problems(name) + password_problems(password) + _role_problems(role):
        raise AccountError("; ".join(found))
    with engine.begin() as conn:
        user_id = console_users.add(conn, name=name, role=role, password_hash=hash_password(password))
    if user_id is None:
        raise AccountError(f"there is already a user {name}")
    return user_id


def list_users(engine: sa.Engine) -> list[sa.Row[Any]]:
    with engine.connect() as conn:
        return console_users.listing(conn)


def disable_user(engine: sa.Engine, name: str, *, disabled: bool = True) -> int:
    """Disable (or enable) a user; a disabled user's sessions end at once. Returns the sessions ended."""
    with engine.begin() as conn:
        user_id = console_users.set_disabled(conn, name, disabled=disabled)
        if user_id is None:
            raise AccountError(f"no user {name}")
        return console_sessions.end_all_of(conn, user_id) if disabled else 0


def reset_password(engine: sa.Engine, name: str, password: str) -> int:
    """A new password; the user's sessions end (whoever knew the old one is signed out). Returns them."""
    if found := password_problems(password):
        raise AccountError("; ".join(found))
    with engine.begin() as conn:
        user_id = console_users.set_password(conn, name, hash_password(password))
        if user_id is None:
            raise AccountError(f"no user {name}")
        ended = console_sessions.end_all_of(conn, user_id)
        console_users.clear_failures(conn, [f"user:{name}"])
        return ended


def check_password(engine: sa.Engine, name: str, password: str, *, client: str,
                   now: datetime | None = None) -> Account | None:
    """The account when `password` is the active user's; None (a failure, counted) otherwise. Raises Throttled
    while the name or the address must wait."""
    now = now or datetime.now(UTC)
    keys = [f"user:{name[:200]}", f"ip:{client}"]
    with engine.connect() as conn:
        wait = max((wait_seconds(n, at, now) for n, at in console_users.failures(conn, keys)), default=0.0)
        if wait > 0:
            raise Throttled(wait)
        user = console_users.by_name(conn, name)
    ok = verify_password(user.password_hash if user else None, password) and user is not None \
        and user.disabled_at is None
    with engine.begin() as conn:
        if not ok or user is None:
            console_users.count_failure(conn, keys, now, forget_after_s=FORGET_AFTER_S)
            return None
        console_users.clear_failures(conn, keys[:1])  # the address keeps its count: one good account resets nothing
        rehashed = hash_password(password) if needs_rehash(user.password_hash) else None
        console_users.signed_in(conn, user.user_id, now, password_hash=rehashed)
    return Account(user.user_id, user.name, Role(user.role))


def active_names(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return console_users.active_names(conn)


def _role_problems(role: str) -> list[str]:
    return [] if role in {r.value for r in Role} else [f"a role is one of {', '.join(r.value for r in Role)}"]
