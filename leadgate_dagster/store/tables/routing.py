"""Routing: the owners (SDRs, AEs, queues) and their territories, the accounts and their domains, the round
robin's and the capacity's state, and the next step each routed lead got (a task or a meeting link).

The owner, its rule and the account match of a decision are columns of `dispositions` (migration 0014).
"""

from __future__ import annotations

import sqlalchemy as sa

from leadgate_dagster.store.tables.schema import NOW, TEXTS, TS, metadata

owners = sa.Table(
    "owners", metadata,
    sa.Column("email", sa.Text, primary_key=True),  # lower case: what dispositions.owner_email holds
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),  # sdr | ae
    sa.Column("countries", TEXTS, nullable=False, server_default="{}"),  # ISO alpha-2
    sa.Column("regions", TEXTS, nullable=False, server_default="{}"),  # "US-CA", or as given without a country
    sa.Column("postal_prefixes", TEXTS, nullable=False, server_default="{}"),
    sa.Column("segment", sa.Text),  # a name of routing.segments
    sa.Column("daily_capacity", sa.Integer),  # NULL: no limit
    sa.Column("weight", sa.Integer, nullable=False, server_default="1"),
    sa.Column("timezone", sa.Text, nullable=False),
    sa.Column("working_hours", sa.Text),  # NULL: any time
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Column("updated_at", TS, nullable=False, server_default=NOW),
    sa.Column("deactivated_at", TS),
)

accounts = sa.Table(
    "accounts", metadata,
    sa.Column("account_id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("name_key", sa.Text, nullable=False),  # core.routing.accounts.company_key: what names match on
    sa.Column("website", sa.Text),
    sa.Column("owner_email", sa.Text),
    sa.Column("segment", sa.Text),
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Column("updated_at", TS, nullable=False, server_default=NOW),
    sa.Index("ix_accounts_name_key", "name_key"),  # exact company names
    # name candidates: trigram neighbours of the batch's company keys. No GIN pending list: after an import every
    # search would scan it linearly (2.4 ms instead of 0.14 ms per company against 2,000 accounts)
    sa.Index("ix_accounts_name_key_trgm", "name_key", postgresql_using="gin",
             postgresql_ops={"name_key": "gin_trgm_ops"}, postgresql_with={"fastupdate": "off"}),
)

account_domains = sa.Table(
    "account_domains", metadata,  # an account's domains and its website's: one account per domain
    sa.Column("domain", sa.Text, primary_key=True),
    sa.Column("account_id", sa.Text, nullable=False, index=True),
)

owner_loads = sa.Table(
    "owner_loads", metadata,  # leads an owner took per day of their own calendar: the daily capacity's counter
    sa.Column("owner_email", sa.Text, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("assigned", sa.Integer, nullable=False),
)

routing_rotation = sa.Table(
    "routing_rotation", metadata,  # the smooth weighted round robin's running total per pool and owner
    sa.Column("pool", sa.Text, primary_key=True),
    sa.Column("owner_email", sa.Text, primary_key=True),
    sa.Column("current_weight", sa.Float, nullable=False),
)

next_steps = sa.Table(
    "next_steps", metadata,  # what a routed lead's owner is to do: one open step per lead
    sa.Column("next_step_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("lead_id", sa.Text, nullable=False, index=True),
    sa.Column("disposition_id", sa.BigInteger, nullable=False),  # the decision that created it
    sa.Column("kind", sa.Text, nullable=False),  # task (ROUTE_SDR) | meeting_link (ROUTE_AE)
    sa.Column("owner_email", sa.Text, nullable=False),
    sa.Column("due_at", TS, nullable=False),
    sa.Column("channels", TEXTS, nullable=False, server_default="{}"),  # task: the sequence's channels consent allows
    sa.Column("sequence", sa.Text),  # task
    sa.Column("meeting_url", sa.Text),  # meeting_link
    sa.Column("status", sa.Text, nullable=False, server_default="open"),  # open | superseded
    sa.Column("created_at", TS, nullable=False, server_default=NOW),
    sa.Column("superseded_at", TS),
    sa.Index("uq_next_steps_open", "lead_id", unique=True, postgresql_where=sa.text("status = 'open'")),
)
