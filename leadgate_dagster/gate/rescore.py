"""Re-score: decide again the leads whose behaviour changed or whose engagement decayed across a boundary.

Incremental by a window (since, until]: the leads with an event received in it, and the leads one of whose
events crossed an age boundary in it (the engagement settings' intent window, where a demo request stops
routing to an AE, and max age, where an event stops counting at all). Those are the only ways engagement
moves a disposition, so the leads whose events merely decay a little further are not re-decided every run.
Leads a reviewer decided are left alone. The caller keeps the watermark (the last successful `until`).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.qualify import requalify
from leadgate_dagster.store import behavior_events, dispositions


def window_start(rules: Ruleset, since: datetime | None, until: datetime) -> datetime:
    """`since`, or for a first run `until` minus `scoring.rescore.first_run_lookback_hours`."""
    hours = rules.scoring.rescore.first_run_lookback_hours
    return since or until - timedelta(hours=hours)


def due_leads(engine: sa.Engine, rules: Ruleset, *, since: datetime | None, until: datetime) -> list[str]:
    """The leads the window (since, until] touched (see the module docstring)."""
    cfg = rules.scoring.engagement
    start = window_start(rules, since, until)
    boundaries = [cfg.intent_window_days, cfg.max_age_days]
    with engine.connect() as conn:
        return behavior_events.rescore_candidates(conn, since=start, until=until, boundaries_days=boundaries)


def rescore(engine: sa.Engine, rules: Ruleset, *, since: datetime | None, until: datetime) -> dict[str, Any]:
    """Re-decide the leads the window (since, until] touched, in chunks of `scoring.rescore.chunk_leads`.

    Returns:
        A report: the window, leads re-scored, disposition rows written (any recorded field changed),
        dispositions changed, and the count per transition ("ROUTE_AE->ROUTE_SDR").
    """
    ids = due_leads(engine, rules, since=since, until=until)
    size, written = max(rules.scoring.rescore.chunk_leads, 1), 0
    transitions: Counter[str] = Counter()
    for i in range(0, len(ids), size):  # one transaction per chunk: a huge backlog never holds one lock for long
        chunk = ids[i:i + size]
        with engine.connect() as conn:
            before = dispositions.current(conn, chunk)["disposition"]
        written += int(requalify(engine, chunk, rules, decided_by="rescore")["changed"])
        with engine.connect() as conn:
            after = dispositions.current(conn, chunk)["disposition"].reindex(before.index)
        moved = before != after
        transitions.update(f"{b}->{a}" for b, a in zip(before[moved], after[moved], strict=True))
    return {"since": window_start(rules, since, until).isoformat(), "until": until.isoformat(),
            "leads_rescored": len(ids), "rows_written": written, "dispositions_changed": sum(transitions.values()),
            "transitions": dict(transitions.most_common())}
