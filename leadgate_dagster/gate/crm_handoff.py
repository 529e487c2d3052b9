"""Announcing decisions to the CRM outbox, in the transaction that writes them (docs/crm-handoff.md).

Every writer of dispositions calls `announce` after writing: qualification (the pipeline, rechecks, re-scores,
revocations, review actions that decide again), a reviewer's route, reject or score adjustment, the review
queue's fallbacks and expiry. Person merges, unmerges and splits announce themselves in the store
(`store/identity_merges.py`), as they have no ruleset to read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import crm_outbox, identity_merges


def announce(conn: sa.Connection, lead_ids: Sequence[str], rules: Ruleset) -> int:
    """Write an outbox row for each current decision of these leads the CRM has not heard of and that matters
    to it (a handoff disposition, or any decision of a person already handed off); returns the rows written."""
    return crm_outbox.enqueue_decisions(conn, sorted(set(lead_ids)), handoff=rules.crm.handoff_dispositions)


def retry_handoff(conn: sa.Connection, item: sa.Row[Any], actor: str, now: datetime) -> None:
    """The `retry_handoff` review action: the item's person is due for delivery again with a fresh retry budget
    (and a refused merge is asked for again); the item closes, and a new one opens if it fails again."""
    person = identity_merges.person_of(conn, item.lead_id)
    if person is not None:
        crm_outbox.retry(conn, person, absorbed=item.candidate_person_id, cause=f"retry:{actor}", now=now)
