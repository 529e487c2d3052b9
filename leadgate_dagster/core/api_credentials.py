"""API keys and webhook secrets: made from the OS's CSPRNG, a key kept only as its SHA-256.

A key is `lg_` + 43 URL-safe characters (256 bits), so a leaked one is recognisable in logs and by secret
scanners; a plain hash suffices (no salt, no slow hash) because the key is random, not a password.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

KEY_PREFIX = "lg_"
SECRET_PREFIX = "whsec_"  # Standard Webhooks' spelling of a base64 secret


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def new_key_id() -> str:
    return "key_" + secrets.token_hex(4)


def new_webhook_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def new_secret_id() -> str:
    return "whs_" + secrets.token_hex(4)
