"""The two guards every HTTP provider shares: a token-bucket rate limit and a circuit breaker.

Both are thread-safe (one provider's calls run on a bounded thread pool) and take their clock and sleep as
arguments, so tests drive them without real waiting. They know nothing of HTTP: `http_client` decides what
counts as a failure.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class TokenBucket:
    """At most `rate_per_s` calls per second on average, bursts of up to `burst`.

    A caller that finds the bucket empty reserves the next token (the balance goes negative) and sleeps
    until it is due, outside the lock, so waiting callers are served in arrival order and never spin.
    """

    def __init__(self, rate_per_s: float, burst: int, *, clock: Clock = time.monotonic,
                 sleep: Sleep = time.sleep) -> None:
        self._rate = float(rate_per_s)
        self._burst = float(max(1, burst))
        self._tokens = self._burst
        self._clock = clock
        self._sleep = sleep
        self._stamp = clock()
        self._lock = threading.Lock()

    @property
    def unlimited(self) -> bool:
        return self._rate <= 0

    def acquire(self, timeout: float | None = None) -> bool:
        """Take one token, waiting for it when the bucket is empty.

        Args:
            timeout: the longest wait acceptable in seconds; None waits as long as it takes.

        Returns:
            True once the token is taken; False, without taking one, when it would come later than `timeout`.
        """
        if self.unlimited:
            return True
        with self._lock:
            now = self._clock()
            self._tokens = min(self._burst, self._tokens + (now - self._stamp) * self._rate)
            self._stamp = now
            wait = 0.0 if self._tokens >= 1 else (1 - self._tokens) / self._rate
            if timeout is not None and wait > timeout:
                return False
            self._tokens -= 1
        if wait > 0:
            self._sleep(wait)
        return True


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    """The provider's breaker is open: the call was not made (fail fast until the cool-down ends)."""


class CircuitBreaker:
    """Opens after `failures` consecutive failed calls; after `cooldown_s` lets one trial call through.

    The trial call's success closes it again, its failure re-opens it for another cool-down. While open (and
    while a trial is in flight) every other call fails at once with CircuitOpenError, so a dead provider costs
    a batch nothing but the first few timeouts.
    """

    def __init__(self, failures: int, cooldown_s: float, *, clock: Clock = time.monotonic) -> None:
        self._threshold = max(1, failures)
        self._cooldown = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    def _state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self._cooldown:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def before_call(self) -> None:
        """Raise CircuitOpenError unless a call may go out now (closed, or the half-open trial)."""
        with self._lock:
            state = self._state()
            if state is BreakerState.CLOSED:
                return
            if state is BreakerState.HALF_OPEN and not self._trial:
                self._trial = True
                return
            raise CircuitOpenError("circuit open")

    def on_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial = False

    def release(self) -> None:
        """A call that passed `before_call` but sent nothing: frees the half-open trial slot, no verdict."""
        with self._lock:
            self._trial = False

    def on_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial or self._failures >= self._threshold:
                self._opened_at = self._clock()
            self._trial = False


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds ("120") or an HTTP-date (RFC 9110 10.2.3).

    Args:
        value: the header value, or None.
        now: the current time (tests); the wall clock when None.

    Returns:
        A non-negative number of seconds; None when the header is absent or unreadable.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 850 / asctime forms carry no zone but mean GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
