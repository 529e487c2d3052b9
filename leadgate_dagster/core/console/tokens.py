"""The console's tokens: a session is a random token in an HttpOnly cookie, stored only as its HMAC; its CSRF
token is derived from it (so a new session has a new one and nothing else is stored); a sign-in form carries
a token signed over a random nonce in a cookie (the signed double-submit pattern: no session exists yet)."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _mac(secret: bytes, purpose: str, value: str) -> str:
    return hmac.new(secret, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def session_hash(secret: bytes, token: str) -> str:
    """What the database keeps of a session token: a stolen row is no session."""
    return _mac(secret, "session", token)


def csrf_token(secret: bytes, session_token: str) -> str:
    return _mac(secret, "csrf", session_token)


def sign_in_token(secret: bytes, nonce: str) -> str:
    return _mac(secret, "sign-in", nonce)


def same(expected: str, given: str | None) -> bool:
    """Constant-time comparison; no token given is never a match."""
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())
