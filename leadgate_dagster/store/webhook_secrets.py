"""Signed-webhook secrets per source. At most two are valid at once, so a sender can rotate: add the new
secret here, switch the sender over, then retire the old one (adding a third retires the oldest)."""

from __future__ import annotations

import sqlalchemy as sa

from leadgate_dagster.store.tables import webhook_secrets

VALID_AT_ONCE = 2


def add(conn: sa.Connection, *, secret_id: str, source: str, partner_id: str | None, secret: str) -> list[str]:
    """Store a new secret for `source`; returns the ids of the secrets it retired."""
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('webhook_secrets:' || :s))"), {"s": source})
    conn.execute(sa.insert(webhook_secrets).values(secret_id=secret_id, source=source, partner_id=partner_id,
                                                   secret=secret))
    return list(conn.execute(sa.text("""
        UPDATE leadgate.webhook_secrets SET retired_at = now()
        WHERE retired_at IS NULL AND source = :s AND secret_id NOT IN (
            SELECT secret_id FROM leadgate.webhook_secrets WHERE retired_at IS NULL AND source = :s
            ORDER BY created_at DESC, secret_id LIMIT :n)
        RETURNING secret_id
    """), {"s": source, "n": VALID_AT_ONCE}).scalars())


def valid_for(conn: sa.Connection, source: str) -> list[sa.Row]:
    """The source's valid secrets (secret, partner_id), newest first."""
    return list(conn.execute(
        sa.select(webhook_secrets.c.secret_id, webhook_secrets.c.secret, webhook_secrets.c.partner_id)
        .where(webhook_secrets.c.source == source, webhook_secrets.c.retired_at.is_(None))
        .order_by(webhook_secrets.c.created_at.desc())))


def listing(conn: sa.Connection) -> list[sa.Row]:
    return list(conn.execute(sa.select(webhook_secrets.c.secret_id, webhook_secrets.c.source,
                                       webhook_secrets.c.partner_id, webhook_secrets.c.created_at,
                                       webhook_secrets.c.retired_at)
                             .order_by(webhook_secrets.c.source, webhook_secrets.c.created_at)))


def retire(conn: sa.Connection, secret_id: str) -> bool:
    return bool(conn.execute(sa.update(webhook_secrets).where(webhook_secrets.c.secret_id == secret_id,
                                                              webhook_secrets.c.retired_at.is_(None))
                             .values(retired_at=sa.func.now())).rowcount)
