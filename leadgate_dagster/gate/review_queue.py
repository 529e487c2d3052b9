"""One run of the review queue job: items in (held leads caught up, the weekly merge audit, score reviews),
then the clock (fallback, expiry, escalation) and the priorities.

The run holds the queue's session advisory lock, so a second run started meanwhile waits and then finds
nothing left to do; each step is also guarded on the items' state, so running it twice changes nothing the
second time. `now` is explicit everywhere (tests and catch-up runs move the clock).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.review.clock import ReviewClock, audit_week
from leadgate_dagster.core.review.priority import COLUMNS as PRIORITY_COLUMNS
from leadgate_dagster.core.review.priority import priorities
from leadgate_dagster.core.review.score_review import score_review_codes
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.review_fallback import expire, take_fallbacks
from leadgate_dagster.gate.review_sync import sync_held
from leadgate_dagster.store import review_intake, review_sweep


def run_queue(engine: sa.Engine, rules: Ruleset, now: datetime) -> dict[str, Any]:
    """Bring the queue up to `now`; returns what each step did (the job's metadata)."""
    with engine.connect() as guard:
        review_sweep.lock_queue(guard)
        guard.commit()
        try:
            # escalation after the deciding sweeps: an item they closed is not escalated, and an alert whose
            # last item they closed is resolved in the same run
            report = {**intake_items(engine, rules, now), **take_fallbacks(engine, rules, now),
                      **expire(engine, rules, now), **escalate(engine, now), **recompute_priorities(engine, rules, now)}
        finally:
            review_sweep.unlock_queue(guard)
            guard.commit()
    return report


def intake_items(engine: sa.Engine, rules: Ruleset, now: datetime) -> dict[str, Any]:
    """Held leads without their item (or items of leads no longer held), last week's merge audit sample and
    the score reviews of recent decisions."""
    clock = ReviewClock.from_rules(rules)
    cfg = rules.review
    with engine.begin() as conn:
        opened, closed = sync_held(conn, None, rules, now=now)
        start, end, label = audit_week(now)
        audits = review_intake.add_merge_audits(conn, week_start=start, week_end=end,
                                                sample_size=cfg.merge_audit.sample_size,
                                                seed=f"{cfg.merge_audit.seed}:{label}", clock=clock, now=now)
        sr = cfg.score_review
        wanted = {*sr.intent_conflict_dispositions, *sr.low_confidence_dispositions, *sr.high_value_dispositions}
        candidates = review_intake.score_review_candidates(conn, since=now - timedelta(hours=sr.lookback_hours),
                                                           dispositions=sorted(wanted),
                                                           size_bands=sorted(sr.high_value_size_bands))
        flagged = candidates.assign(codes=score_review_codes(candidates, rules)) if len(candidates) else candidates
        if len(flagged):
            flagged = flagged[flagged["codes"].map(len) > 0]
        scored = review_intake.add_score_reviews(conn, flagged, clock, now) if len(flagged) else 0
    return {"held_synced": opened, "held_released": closed, "merge_audits": audits, "audit_week": label,
            "score_reviews": scored}


def escalate(engine: sa.Engine, now: datetime) -> dict[str, Any]:
    """Escalate items past their SLA and keep one alert per (kind, source) with escalated items open."""
    with engine.begin() as conn:
        escalated = review_sweep.escalate_due(conn, now)
        alerts_open, alerts_resolved = review_sweep.sync_escalation_alerts(conn, now)
    return {"escalated": escalated, "escalation_alerts_open": alerts_open,
            "escalation_alerts_resolved": alerts_resolved}


def recompute_priorities(engine: sa.Engine, rules: Ruleset, now: datetime) -> dict[str, Any]:
    """Recompute every open item's priority (age moves it); only changed ones are written."""
    with engine.begin() as conn:
        items = review_sweep.priority_inputs(conn)
        if items.empty:
            return {"open_items": 0, "priorities_changed": 0}
        fresh = priorities(items[list(PRIORITY_COLUMNS)], rules, now)
        changed = (items["current"].to_numpy() != fresh)
        written = review_sweep.write_priorities(conn, list(items.loc[changed, "review_id"]), list(fresh[changed]))
    return {"open_items": len(items), "priorities_changed": written}
