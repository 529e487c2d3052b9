"""What the `crm_outbox` asset reports after a drain: the outbox's depth and age, the last hour's deliveries by
outcome, and the age check (the oldest due row waits at most `crm.max_pending_age_s`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.check_outcome import CheckOutcome
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import crm_outbox, crm_state

AGE_CHECK = "crm_outbox_age"


def outbox_report(engine: sa.Engine, rules: Ruleset, now: datetime) -> tuple[dict[str, Any], CheckOutcome]:
    with engine.connect() as conn:
        depth = crm_outbox.depth(conn, now=now)
        last_hour = crm_state.outcome_counts(conn, since=now - timedelta(hours=1))
    limit = rules.crm.max_pending_age_s
    age = depth["oldest_due_age_s"]
    outcome = CheckOutcome(
        name=AGE_CHECK, passed=age <= limit, blocking=False,
        description=(f"the oldest due outbox row has waited {age:.0f} s (at most {limit:.0f} s)" if depth["due_rows"]
                     else "no outbox row is due"),
        metadata={"oldest_due_age_s": age, "max_pending_age_s": limit, "due_rows": depth["due_rows"]})
    return {**depth, **{f"last_hour/{k}": v for k, v in sorted(last_hour.items())}}, outcome
