"""How long repeated failed sign-ins must wait: the first `FREE_FAILURES` in a row cost nothing (people
mistype), each later one doubles the wait up to `MAX_WAIT_S`. Counted per user name and per client address,
so neither guessing one user's password from many addresses nor many users' from one address goes fast.
A key forgotten `FORGET_AFTER_S` after its last failure starts again from zero."""

from __future__ import annotations

from datetime import datetime, timedelta

FREE_FAILURES = 5
MAX_WAIT_S = 300.0
FORGET_AFTER_S = 3600.0


def wait_seconds(failures: int, last_failed_at: datetime, now: datetime) -> float:
    """Seconds before the next attempt of a key with `failures` failures in a row is even checked (0: now)."""
    if failures < FREE_FAILURES or now - last_failed_at > timedelta(seconds=FORGET_AFTER_S):
        return 0.0
    wait = min(2.0 ** (failures - FREE_FAILURES), MAX_WAIT_S)
    return max(0.0, wait - (now - last_failed_at).total_seconds())
