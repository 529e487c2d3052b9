"""Console users: roles, what a name and a password must be, and argon2id hashing.

A name is logged as `reviewer:<name>` with every action, so it is kept to a plain, printable set. Hashes
are argon2id with argon2-cffi's current parameters; a hash made under older parameters is re-made at the next
sign-in (`needs_rehash`).
"""

from __future__ import annotations

import re
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
PASSWORD_MIN, PASSWORD_MAX = 12, 1024
# an argon2 hash of nothing anybody can type: checked against when a user name is unknown, so an unknown
# name costs as long as a wrong password and the answer time does not tell which names exist
_DUMMY = _HASHER.hash("\x00 no user has this password \x00")


class Role(StrEnum):
    REVIEWER = "reviewer"  # the queue and its actions
    ADMIN = "admin"  # ... and the users page


def name_problems(name: str) -> list[str]:
    if not _NAME.fullmatch(name):
        return ["a user name is 1 to 64 letters, digits or . _ @ - and starts with a letter or digit"]
    return []


def password_problems(password: str) -> list[str]:
    out = []
    if len(password) < PASSWORD_MIN:
        out.append(f"a password has at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        out.append(f"a password has at most {PASSWORD_MAX} characters")
    if "\x00" in password:
        out.append("a password cannot hold a NUL character")
    return out


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` is the one hashed; a missing user (None) is checked against a dummy hash, so it
    takes as long as a wrong password."""
    try:
        return _HASHER.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)
