"""Announcing decisions to the CRM outbox, in the transaction that writes them (docs/crm-handoff.md).

Every writer of dispositions calls `announce` after writing: qualification (the pipeline, rechecks, re-scores,
revocations, review actions that decide again), a reviewer's route, reject or score adjustment, the review
queue's fallbacks and expiry. Person merges, unmerges and splits announce themselves in the store
(`store/identity_merges.py`), as they have no ruleset to read.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import crm_outbox


def announce(conn: sa.Connection, lead_ids: Sequence[str], rules: Ruleset) -> int:
    """Write an outbox row for each current decision of these leads the CRM has not heard of and that matters
    to it (a handoff disposition, or any decision of a person already handed off); returns the rows written."""
    return crm_outbox.enqueue_decisions(conn, sorted(set(lead_ids)), handoff=rules.crm.handoff_dispositions)
