"""The console's pure parts: names and passwords refused with a reason, argon2 hashes that verify only their
password, tokens bound to their purpose, and the growing wait after repeated failed sign-ins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadgate_dagster.core.console import tokens
from leadgate_dagster.core.console.accounts import (
    hash_password,
    name_problems,
    password_problems,
    verify_password,
)
from leadgate_dagster.core.console.throttle import FREE_FAILURES, MAX_WAIT_S, wait_seconds


@pytest.mark.parametrize(("name", "ok"), [("kim", True), ("kim.lee@acme", True), ("", False), ("-kim", False),
                                          ("kim lee", False), ("<script>", False), ("k" * 65, False)],
                         ids=["plain", "dotted-at", "empty", "leading-dash", "space", "markup", "too-long"])
def test_user_names(name: str, ok: bool) -> None:
    assert (name_problems(name) == []) is ok


def test_passwords_are_long_enough_and_hashed_with_argon2id() -> None:
    assert password_problems("short") == ["a password has at least 12 characters"]
    assert password_problems("twelve chars") == []
    assert password_problems("x" * 20 + "\x00") == ["a password cannot hold a NUL character"]
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$") and "correct" not in hashed
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "correct horse batterY")
    assert not verify_password(None, "correct horse battery")  # an unknown user never signs in
    assert not verify_password("not a hash", "correct horse battery")


def test_tokens_are_bound_to_their_secret_and_purpose() -> None:
    token = tokens.new_token()
    assert len(token) >= 43 and token != tokens.new_token()
    a, b = b"secret-a", b"secret-b"
    assert tokens.session_hash(a, token) != tokens.session_hash(b, token)
    assert tokens.csrf_token(a, token) != tokens.session_hash(a, token)  # a CSRF token is no session key
    assert tokens.same(tokens.csrf_token(a, token), tokens.csrf_token(a, token))
    assert not tokens.same(tokens.csrf_token(a, token), None) and not tokens.same(tokens.csrf_token(a, token), "")


def test_failed_sign_ins_wait_longer_and_longer_then_are_forgotten() -> None:
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    assert wait_seconds(FREE_FAILURES - 1, now, now) == 0
    waits = [wait_seconds(FREE_FAILURES + i, now, now) for i in range(12)]
    assert waits[:4] == [1, 2, 4, 8] and waits[-1] == MAX_WAIT_S and waits == sorted(waits)
    assert wait_seconds(FREE_FAILURES + 3, now, now + timedelta(seconds=5)) == 3  # time already waited counts
    assert wait_seconds(FREE_FAILURES + 20, now, now + timedelta(hours=2)) == 0
