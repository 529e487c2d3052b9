"""Console users and sessions against Postgres: sign-in with the right password only, a slowed guesser
(per name and per address), sessions that end when idle, at sign-out, on a password reset or when the user is
disabled, and one generated secret shared by every process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from leadgate_dagster.core.console.throttle import FREE_FAILURES
from leadgate_dagster.gate import console_sessions as sessions
from leadgate_dagster.gate.console_accounts import (
    AccountError,
    Throttled,
    add_user,
    check_password,
    disable_user,
    reset_password,
)

PASSWORD = "a long enough password"


def test_only_the_right_password_of_an_active_user_signs_in(engine: sa.Engine) -> None:
    add_user(engine, "kim", "reviewer", PASSWORD)
    with pytest.raises(AccountError, match="already a user kim"):
        add_user(engine, "kim", "admin", PASSWORD)
    with pytest.raises(AccountError, match="role is one of reviewer, admin"):
        add_user(engine, "lee", "owner", PASSWORD)
    account = check_password(engine, "kim", PASSWORD, client="10.0.0.1")
    assert account is not None and account.actor == "reviewer:kim" and not account.is_admin
    assert check_password(engine, "kim", PASSWORD + "!", client="10.0.0.1") is None
    assert check_password(engine, "nobody", PASSWORD, client="10.0.0.1") is None
    disable_user(engine, "kim")
    assert check_password(engine, "kim", PASSWORD, client="10.0.0.2") is None
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM leadgate.console_users")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_repeated_failures_are_slowed_per_name_and_per_address(engine: sa.Engine) -> None:
    add_user(engine, "kim", "reviewer", PASSWORD)
    add_user(engine, "lee", "reviewer", PASSWORD)
    t0 = datetime.now(UTC)
    for i in range(FREE_FAILURES):
        assert check_password(engine, "kim", f"guess {i}", client=f"10.0.0.{i}", now=t0) is None
    with pytest.raises(Throttled) as waited:  # the name: even the right password waits, from a new address
        check_password(engine, "kim", PASSWORD, client="10.9.9.9", now=t0)
    assert waited.value.wait == 1
    assert check_password(engine, "kim", PASSWORD, client="10.9.9.9", now=t0 + timedelta(seconds=2)) is not None
    for i in range(FREE_FAILURES):  # one address guessing several names
        check_password(engine, f"user{i}", "guess", client="10.1.1.1", now=t0)
    with pytest.raises(Throttled):
        check_password(engine, "lee", PASSWORD, client="10.1.1.1", now=t0)
    assert check_password(engine, "lee", PASSWORD, client="10.2.2.2", now=t0) is not None


def test_a_session_lives_while_used_and_ends_idle_at_sign_out_reset_or_disable(engine: sa.Engine) -> None:
    add_user(engine, "kim", "admin", PASSWORD)
    kim = check_password(engine, "kim", PASSWORD, client="127.0.0.1")
    assert kim is not None
    t0 = datetime.now(UTC)
    token = sessions.start(engine, kim, now=t0)
    assert sessions.account_of(engine, token, now=t0 + timedelta(minutes=20)) == kim
    assert sessions.account_of(engine, token, now=t0 + timedelta(minutes=45)) == kim  # seen at 20 min: still live
    assert sessions.account_of(engine, token, now=t0 + timedelta(minutes=80)) is None  # idle for 35 minutes
    assert sessions.account_of(engine, "made-up", now=t0) is None
    with engine.connect() as conn:  # the token itself is stored nowhere
        assert token not in str(conn.execute(sa.text("SELECT * FROM leadgate.console_sessions")).all())
    for end in (lambda t: sessions.end(engine, t), lambda t: reset_password(engine, "kim", "another long password"),
                lambda t: disable_user(engine, "kim")):
        disable_user(engine, "kim", disabled=False)
        token = sessions.start(engine, kim)
        assert sessions.account_of(engine, token) == kim
        end(token)
        assert sessions.account_of(engine, token) is None


def test_the_generated_secret_is_stored_once(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADGATE_SESSION_SECRET", raising=False)
    sessions._stored_secret.cache_clear()
    first = sessions.secret(engine)
    sessions._stored_secret.cache_clear()
    assert sessions.secret(engine) == first and len(first) >= 48
    monkeypatch.setenv("LEADGATE_SESSION_SECRET", "from-the-environment")
    assert sessions.secret(engine) == b"from-the-environment"
