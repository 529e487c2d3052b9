"""Controlled degradation: how far the undecided backlog has passed the ruleset's bounds.

Under pressure nothing is refused or dropped: the API keeps storing every lead and tells batch clients when
to come back, the batch sensor claims bigger batches, and an `intake_degraded` alert records the tier.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa

from leadgate_dagster.core.rules.api import ApiRules, DegradationTier
from leadgate_dagster.store import alerts, intake

ALERT = "intake_degraded"
_CACHE_SECONDS = 1.0
_cache: dict[str, tuple[float, int]] = {}


@dataclass(frozen=True, slots=True)
class Pressure:
    backlog: int  # counted up to just past the highest bound
    tier: int  # 0: normal
    setting: DegradationTier | None


def _of(backlog: int, rules: ApiRules) -> Pressure:
    tier = rules.tier(backlog)
    return Pressure(backlog, tier, rules.degradation[tier - 1] if tier else None)


def pressure(conn: sa.Connection, rules: ApiRules) -> Pressure:
    bound = rules.degradation[-1].backlog if rules.degradation else 0
    return _of(intake.pending_up_to(conn, bound) if bound else 0, rules)


def recent_pressure(engine: sa.Engine, rules: ApiRules) -> Pressure:
    """`pressure`, counted at most once a second per process: every request reads it."""
    key = str(engine.url)
    at, backlog = _cache.get(key, (0.0, -1))
    if backlog < 0 or time.monotonic() - at > _CACHE_SECONDS:
        with engine.connect() as conn:
            backlog = pressure(conn, rules).backlog
        _cache[key] = (time.monotonic(), backlog)
    return _of(backlog, rules)


def record(conn: sa.Connection, now: Pressure) -> None:
    """Keep the `intake_degraded` alert true: open for the current tier (a new tier opens its own), resolve
    the others."""
    subject = f"tier {now.tier}"
    alerts.resolve_other_subjects(conn, kind=ALERT, keep=subject if now.tier else None)
    if now.setting is not None:
        alerts.open_alert(conn, kind=ALERT, subject=subject, severity="warn",
                          message=f"intake degraded to tier {now.tier}: {now.backlog}+ leads undecided; batch "
                                  f"clients told to retry after {now.setting.retry_after_seconds} s, batches x"
                                  f"{now.setting.batch_factor:g}",
                          details={"tier": now.tier, "backlog": now.backlog,
                                   "retry_after_seconds": now.setting.retry_after_seconds,
                                   "batch_factor": now.setting.batch_factor})
