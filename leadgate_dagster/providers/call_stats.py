"""Per-call latency and outcome of one provider, kept in memory for asset metadata.

Every HTTP exchange (each retry attempt counts) and every call refused without one (breaker open, deadline)
is one entry. The runner takes a `mark()` before a batch and summarises `since(mark)` after it, so
concurrent batches of the same process only blur the figures, never break them.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

_KEEP = 50_000  # entries kept: enough for any batch, bounded for a long-lived process


@dataclass(frozen=True, slots=True)
class CallRecord:
    seq: int
    # ok | http_4xx | rate_limited | http_5xx | timeout | transport | malformed | circuit_open | deadline
    outcome: str
    latency_s: float | None  # None when no request went out


class CallStats:
    """A thread-safe, bounded log of calls with a running sequence number."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seq = 0
        self._log: deque[CallRecord] = deque(maxlen=_KEEP)

    def record(self, outcome: str, latency_s: float | None) -> None:
        with self._lock:
            self._seq += 1
            self._log.append(CallRecord(self._seq, outcome, latency_s))

    def mark(self) -> int:
        """The sequence number of the last call so far."""
        with self._lock:
            return self._seq

    def since(self, mark: int) -> list[CallRecord]:
        with self._lock:
            return [r for r in self._log if r.seq > mark]


def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile (0..1) by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summarize(records: list[CallRecord]) -> dict[str, Any]:
    """Counts per outcome and latency p50/p95 in milliseconds of the calls that went out."""
    latencies = [r.latency_s for r in records if r.latency_s is not None]
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    return {"calls": len(records), "outcomes": dict(Counter(r.outcome for r in records)),
            "latency_p50_ms": None if p50 is None else round(p50 * 1000, 2),
            "latency_p95_ms": None if p95 is None else round(p95 * 1000, 2)}
