"""Console sessions, kept in Postgres: started at sign-in (always a new token, so a token planted before
sign-in is worth nothing after it), found again on every request while not idle for
`session_idle_minutes` nor older than `session_max_hours`, ended at sign-out, by a password reset or when the
user is disabled. The CSRF token of a session is derived from its token with the console's secret."""

from __future__ import annotations

import functools
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from leadgate_dagster.core.console import tokens
from leadgate_dagster.core.console.accounts import Role
from leadgate_dagster.gate.console_accounts import Account
from leadgate_dagster.settings import session_idle_minutes, session_max_hours, session_secret
from leadgate_dagster.store import console_sessions

_TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is rewritten at most once a minute per session


def secret(engine: sa.Engine) -> bytes:
    """LEADGATE_SESSION_SECRET, else the one generated on first use and kept in the database."""
    return session_secret() or _stored_secret(engine.url.render_as_string(hide_password=False))


@functools.cache
def _stored_secret(url: str) -> bytes:
    from leadgate_dagster.store.engine import engine_for

    with engine_for(url).begin() as conn:
        return console_sessions.secret(conn, "session_secret", secrets.token_urlsafe(48)).encode()


def start(engine: sa.Engine, account: Account, *, now: datetime | None = None) -> str:
    """A new session for `account`; returns its token (for the cookie). Expired sessions are dropped."""
    now = now or datetime.now(UTC)
    token = tokens.new_token()
    idle, oldest = _limits(now)
    with engine.begin() as conn:
        console_sessions.purge(conn, seen_before=idle, created_before=oldest)
        console_sessions.start(conn, tokens.session_hash(secret(engine), token), account.user_id, now)
    return token


def account_of(engine: sa.Engine, token: str, *, now: datetime | None = None) -> Account | None:
    """The account signed in with this token, None when the session is unknown, expired or its user disabled."""
    now = now or datetime.now(UTC)
    key = tokens.session_hash(secret(engine), token)
    idle, oldest = _limits(now)
    with engine.connect() as conn:
        row = console_sessions.live(conn, key, seen_after=idle, created_after=oldest)
        if row is None:
            return None
        if now - row.last_seen_at > _TOUCH_EVERY:
            console_sessions.touch(conn, key, now)
            conn.commit()
    return Account(row.user_id, row.name, Role(row.role))


def end(engine: sa.Engine, token: str) -> None:
    with engine.begin() as conn:
        console_sessions.end(conn, tokens.session_hash(secret(engine), token))


def csrf_token(engine: sa.Engine, token: str) -> str:
    return tokens.csrf_token(secret(engine), token)


def _limits(now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(minutes=session_idle_minutes()), now - timedelta(hours=session_max_hours())
