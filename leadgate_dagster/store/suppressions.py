"""Suppression / DNC entries: written in bulk, read as the entries that share a key with a set of leads."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.store.bulk import copy_rows

COLUMNS = ("key_type", "key", "channel", "reason", "source", "revoked_at")


def upsert(conn: sa.Connection, entries: pd.DataFrame) -> tuple[int, int]:
    """Store entries (COLUMNS; keys already normalized); returns (new, updated).

    An entry already on the list keeps the stricter date: undated (always applies) stays undated, else the
    later opt-out wins, so re-importing an old list never loosens a newer opt-out.
    """
    if entries.empty:
        return 0, 0
    conn.execute(sa.text("DROP TABLE IF EXISTS tmp_suppressions_in"))
    conn.execute(sa.text("CREATE TEMP TABLE tmp_suppressions_in ON COMMIT DROP AS "
                         "SELECT key_type, key, channel, reason, source, revoked_at FROM leadgate.suppressions "
                         "WITH NO DATA"))
    rows = entries[list(COLUMNS)].astype(object).where(entries[list(COLUMNS)].notna(), None)
    copy_rows(conn, "tmp_suppressions_in", COLUMNS, rows.itertuples(index=False, name=None))
    flags = conn.execute(sa.text("""
        INSERT INTO leadgate.suppressions AS s (key_type, key, channel, reason, source, revoked_at)
        SELECT DISTINCT ON (key_type, key, channel) key_type, key, channel, reason, source, revoked_at
        FROM tmp_suppressions_in
        ON CONFLICT (key_type, key, channel) DO UPDATE SET
            reason = COALESCE(EXCLUDED.reason, s.reason), source = EXCLUDED.source,
            revoked_at = CASE WHEN s.revoked_at IS NULL OR EXCLUDED.revoked_at IS NULL THEN NULL
                              ELSE GREATEST(s.revoked_at, EXCLUDED.revoked_at) END
        RETURNING (xmax = 0) AS inserted
    """)).scalars().all()
    new = sum(1 for f in flags if f)
    return new, len(flags) - new


def for_leads(conn: sa.Connection, lead_ids: Sequence[str]) -> pd.DataFrame:
    """The entries sharing a key with these leads (email identity key, phone or mobile E.164, email domain),
    in the frame shape `core.suppression` reads: key_type, key, channel, revoked_at."""
    return pd.read_sql(sa.text("""
        WITH l AS (
            SELECT email_key, lower(email_domain) AS domain, phone_e164, validation->>'mobile_e164' AS mobile
            FROM leadgate.leads WHERE lead_id = ANY(:ids)),
        k AS (
            SELECT 'email' AS key_type, email_key AS key FROM l WHERE email_key IS NOT NULL
            UNION SELECT 'phone', phone_e164 FROM l WHERE phone_e164 IS NOT NULL
            UNION SELECT 'phone', mobile FROM l WHERE mobile IS NOT NULL
            UNION SELECT 'domain', domain FROM l WHERE domain IS NOT NULL)
        SELECT s.key_type, s.key, s.channel, s.revoked_at
        FROM leadgate.suppressions s JOIN k ON k.key_type = s.key_type AND k.key = s.key
        ORDER BY s.key_type, s.key, s.channel
    """), conn, params={"ids": list(lead_ids)})
