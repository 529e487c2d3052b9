"""The `review_queue` asset's report: the backlog now, the SLA adherence of the last day, the audit's precision
(`core/review/report.py` does the arithmetic)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.check_outcome import CheckOutcome
from leadgate_dagster.core.review.clock import ReviewClock
from leadgate_dagster.core.review.report import adherence, adherence_outcome, audit_precision, per_group
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import review_metrics

WINDOW = timedelta(days=1)


def queue_report(engine: sa.Engine, rules: Ruleset, now: datetime) -> tuple[dict[str, Any], CheckOutcome]:
    """(figures for the asset's metadata, the SLA adherence check's outcome) as of `now`."""
    clock = ReviewClock.from_rules(rules)
    with engine.connect() as conn:
        backlog = review_metrics.backlog(conn, now)
        ages = review_metrics.ages(conn, now)
        closed = review_metrics.closed_within(conn, since=now - WINDOW, until=now, sla=clock.sla)
        verdicts = review_metrics.audit_verdicts(conn)
    overall, groups, kinds = adherence(closed)
    report: dict[str, Any] = {
        "open_items": int(backlog["open"].sum()), "in_progress": int(backlog["in_progress"].sum()),
        "escalated_open": int(backlog["escalated"].sum()), **ages,
        "backlog": per_group(backlog, ("open", "in_progress", "escalated", "age_p50_h", "age_p90_h", "age_max_h")),
        "closed_1d": int(closed["closed"].sum()), "closed_within_sla_1d": int(closed["within_sla"].sum()),
        "sla_adherence_1d": overall, "sla_adherence": groups, "sla_adherence_by_kind": kinds,
        "merge_audit_verdicts": verdicts, "auto_merge_precision": audit_precision(verdicts),
    }
    outcome = adherence_outcome(closed, minimum=rules.review.sla_adherence_min, sla_hours=rules.review.sla_hours)
    return report, outcome
