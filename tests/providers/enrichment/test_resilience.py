"""Token bucket, circuit breaker and Retry-After parsing, on a fake clock (no real waiting)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from leadgate_dagster.providers.resilience import (
    BreakerState,
    CircuitBreaker,
    CircuitOpenError,
    TokenBucket,
    parse_retry_after,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_bucket_allows_a_burst_then_spaces_calls_at_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate_per_s=10, burst=3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        assert bucket.acquire()
    assert clock.slept == []
    assert bucket.acquire() and bucket.acquire()
    assert clock.slept == pytest.approx([0.1, 0.1])


def test_bucket_refuses_a_wait_longer_than_the_timeout_without_taking_a_token() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate_per_s=2, burst=1, clock=clock, sleep=clock.sleep)
    assert bucket.acquire()
    assert not bucket.acquire(timeout=0.1)  # next token in 0.5 s
    assert bucket.acquire(timeout=0.6) and clock.slept == pytest.approx([0.5])


def test_bucket_refills_while_idle_up_to_the_burst() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate_per_s=1, burst=2, clock=clock, sleep=clock.sleep)
    assert bucket.acquire() and bucket.acquire()
    clock.now += 60  # a minute idle refills 2 tokens, not 60
    assert bucket.acquire() and bucket.acquire()
    assert clock.slept == []
    bucket.acquire()
    assert clock.slept == pytest.approx([1.0])


def test_bucket_is_thread_safe_under_contention() -> None:
    bucket = TokenBucket(rate_per_s=400, burst=1)
    started = time.monotonic()
    threads = [threading.Thread(target=lambda: [bucket.acquire() for _ in range(10)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert time.monotonic() - started >= 39 / 400 * 0.95  # 40 tokens, the first free: never over the rate


def test_rate_zero_is_unlimited() -> None:
    assert TokenBucket(rate_per_s=0, burst=1).acquire(timeout=0)


def _state(breaker: CircuitBreaker) -> BreakerState:
    return breaker.state


def test_breaker_opens_after_consecutive_failures_only() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failures=3, cooldown_s=10, clock=clock)
    for outcome in ("fail", "fail", "ok", "fail", "fail"):  # a success resets the count
        breaker.on_success() if outcome == "ok" else breaker.on_failure()
    assert _state(breaker) is BreakerState.CLOSED
    breaker.on_failure()
    assert _state(breaker) is BreakerState.OPEN
    with pytest.raises(CircuitOpenError):
        breaker.before_call()


def test_half_open_lets_one_trial_through_and_its_failure_reopens() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failures=1, cooldown_s=10, clock=clock)
    breaker.on_failure()
    clock.now += 10
    assert _state(breaker) is BreakerState.HALF_OPEN
    breaker.before_call()  # the trial
    with pytest.raises(CircuitOpenError):
        breaker.before_call()  # everyone else still fails fast
    breaker.on_failure()
    assert _state(breaker) is BreakerState.OPEN
    clock.now += 10
    breaker.before_call()
    breaker.on_success()
    assert _state(breaker) is BreakerState.CLOSED
    breaker.before_call()


def test_release_frees_the_trial_slot_without_a_verdict() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failures=1, cooldown_s=1, clock=clock)
    breaker.on_failure()
    clock.now += 1
    breaker.before_call()
    breaker.release()
    breaker.before_call()  # another trial may go


NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("header", "want"), [
    ("120", 120.0), (" 0 ", 0.0), ("Mon, 23 Nov 2026 12:00:30 GMT", 30.0), ("Monday, 23-Nov-26 12:01:00 GMT", 60.0),
    ("Mon Nov 23 12:00:05 2026", 5.0), ("Mon, 23 Nov 2026 11:00:00 GMT", 0.0), ("-5", None), ("soon", None),
    ("", None), (None, None),
], ids=["seconds", "zero", "imf-date", "rfc850-date", "asctime-date", "date-in-past", "negative", "garbage",
        "empty", "absent"])
def test_parse_retry_after(header: str | None, want: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == want
