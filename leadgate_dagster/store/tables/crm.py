"""The CRM handoff: the transactional outbox, each person's record in its destination, and the delivery log.

A `crm_outbox` row is written in the transaction of the change it announces (a disposition, a merge, a
revocation's re-decision, a reviewer's retry); it says *that* a person changed, not what to send: a drain sends
the person's state as it is then (core/crm_payload.py), so a person is never sent an older state after a newer
one. `crm_links` remembers where a person's record lives and its CRM id once the CRM gave one.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from leadgate_dagster.store.tables.schema import NOW, TS, metadata

PENDING = "pending"

crm_outbox = sa.Table(
    "crm_outbox", metadata,
    sa.Column("outbox_id", sa.BigInteger, sa.Identity(), primary_key=True),  # also the state's sequence number
    sa.Column("person_id", sa.Text, nullable=False),  # a surviving person (re-pointed when it is merged away)
    sa.Column("lead_id", sa.Text),
    sa.Column("disposition_id", sa.BigInteger),  # the decision that was written (none for a merge or a retry)
    sa.Column("absorbed_person_id", sa.Text),  # a merge: the person absorbed into person_id
    sa.Column("cause", sa.Text, nullable=False),  # the decision's decided_by | merge | unmerge | split | retry:<who>
    sa.Column("status", sa.Text, nullable=False, server_default=PENDING),  # pending | sent | skipped | failed
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),  # drains that failed to deliver it
    sa.Column("next_attempt_at", TS, nullable=False, server_default=NOW),
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Column("done_at", TS),
    sa.Column("last_error", sa.Text),
    # one row per decision: enqueueing a decision twice (a re-run) is a no-op
    sa.Index("uq_crm_outbox_disposition", "disposition_id", unique=True,
             postgresql_where=sa.text("disposition_id IS NOT NULL")),
    sa.Index("ix_crm_outbox_due", "next_attempt_at", "outbox_id", postgresql_where=sa.text("status = 'pending'")),
    sa.Index("ix_crm_outbox_person", "person_id"),
)

crm_links = sa.Table(
    "crm_links", metadata,  # one per person delivered: where its record lives
    sa.Column("person_id", sa.Text, primary_key=True),
    sa.Column("destination", sa.Text, nullable=False),  # crm | webhook:<name>
    sa.Column("crm_id", sa.Text),  # the CRM's record id (none for a webhook)
    sa.Column("synced_seq", sa.BigInteger, nullable=False),  # the highest outbox row the last delivery covered
    sa.Column("synced_at", TS, nullable=False),
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Index("ix_crm_links_crm_id", "crm_id"),
)

crm_deliveries = sa.Table(
    "crm_deliveries", metadata,  # the delivery log: one row per person per delivery attempt
    sa.Column("delivery_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("person_id", sa.Text, nullable=False),
    sa.Column("destination", sa.Text, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("crm_id", sa.Text),
    # created | updated | merged | retry | failed | schema_mismatch | merge_refused | no_email | skipped
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("http_status", sa.Integer),
    sa.Column("message", sa.Text),
    sa.Column("payload", JSONB),  # the properties sent
    sa.Column("attempted_at", TS, nullable=False, server_default=NOW),
    sa.Index("ix_crm_deliveries_person_id", "person_id"),
    sa.Index("ix_crm_deliveries_attempted_at", "attempted_at"),
)
