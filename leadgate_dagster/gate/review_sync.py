"""Held leads and the review queue kept in step: called wherever a disposition is written (the pipeline, the
recheck, the re-score, the review actions and jobs) in that write's transaction, and by the queue job as a
catch-up over every lead (a lead held before the queue existed, a write that bypassed qualification)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from leadgate_dagster.core.review.clock import ReviewClock
from leadgate_dagster.core.review.fallback import holding_codes, pair_codes
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import review_intake


def sync_held(conn: sa.Connection, lead_ids: Sequence[str] | None, rules: Ruleset, *,
              now: datetime) -> tuple[int, int]:
    """Open (or refresh) the quarantine item of each held lead and resolve those of leads no longer held
    (None: every lead); returns (opened or refreshed, resolved)."""
    return review_intake.sync_quarantine(conn, lead_ids, holding=sorted(holding_codes(rules)),
                                         pair_codes=sorted(pair_codes()), clock=ReviewClock.from_rules(rules),
                                         now=now)

