"""When an item is due: escalation at the SLA, its fallback, its expiry; all from the ruleset's `review`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from leadgate_dagster.core.ruleset import Ruleset


@dataclass(frozen=True, slots=True)
class ReviewClock:
    sla: timedelta
    fallback: timedelta
    ttl: timedelta
    recheck: timedelta

    @classmethod
    def from_rules(cls, rules: Ruleset) -> ReviewClock:
        r = rules.review
        return cls(sla=timedelta(hours=r.sla_hours), fallback=timedelta(hours=r.fallback_after_hours),
                   ttl=timedelta(days=r.ttl_days), recheck=timedelta(hours=r.recheck.interval_hours))

    def seconds(self) -> dict[str, float]:
        """The three due offsets in seconds, as the store binds them (sla_s, fallback_s, ttl_s)."""
        return {"sla_s": self.sla.total_seconds(), "fallback_s": self.fallback.total_seconds(),
                "ttl_s": self.ttl.total_seconds()}


def audit_week(now: datetime) -> tuple[datetime, datetime, str]:
    """The last complete ISO week before `now` (UTC): (its Monday 00:00, the next Monday, "2026-W49")."""
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    this_monday = today - timedelta(days=today.weekday())
    start = this_monday - timedelta(days=7)
    year, week, _ = start.isocalendar()
    return start, this_monday, f"{year}-W{week:02d}"
