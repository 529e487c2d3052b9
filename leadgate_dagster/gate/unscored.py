"""Escalation of unscored leads (scoring spec: "escalation triggers for unscored leads > 15 minutes").

Runs on its own schedule, not inside a batch run, so it also fires when no run is happening at all (the
daemon's sensors stopped, a batch run keeps failing, the lead was never claimed). One open `lead_unscored`
alert per lead; it is resolved once the lead has a disposition.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import alerts


def _cutoff(rules: Ruleset, now: datetime | None) -> datetime:
    minutes = rules.alerts.unscored_after_minutes
    return (now or datetime.now(UTC)) - timedelta(minutes=minutes)


def has_work(engine: sa.Engine, rules: Ruleset, *, now: datetime | None = None) -> bool:
    """Whether a run would open or resolve anything (so a quiet tick needs no run at all)."""
    with engine.connect() as conn:
        return alerts.unscored_work(conn, received_before=_cutoff(rules, now))


def escalate_unscored(engine: sa.Engine, rules: Ruleset, *, now: datetime | None = None) -> dict[str, Any]:
    """Open alerts for leads unscored longer than `alerts.unscored_after_minutes`; resolve the scored ones.

    Returns:
        opened, resolved, and the open alerts after the run (count and the oldest's opening time).
    """
    cutoff = _cutoff(rules, now)
    with engine.begin() as conn:
        resolved = alerts.resolve_scored(conn)
        opened = alerts.open_unscored(conn, received_before=cutoff)
        summary = alerts.open_summary(conn, alerts.UNSCORED)
    minutes = rules.alerts.unscored_after_minutes
    return {"opened": opened, "resolved": resolved, "threshold_minutes": minutes, **summary}
