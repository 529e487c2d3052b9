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


def covered_leads(conn: sa.Connection, entries: pd.DataFrame) -> list[str]:
    """The leads with a current decision that these entries (key_type, key) cover: by email identity key, phone or
    mobile E.164, or email domain, each through its index."""
    if entries.empty:
        return []
    return list(conn.execute(sa.text("""
        WITH k AS (SELECT DISTINCT * FROM unnest(CAST(:types AS text[]), CAST(:keys AS text[])) AS k(key_type, key)),
        hit AS (
            SELECT l.lead_id FROM k JOIN leadgate.leads l ON l.email_key = k.key WHERE k.key_type = 'email'
            UNION SELECT l.lead_id FROM k JOIN leadgate.leads l ON l.phone_e164 = k.key WHERE k.key_type = 'phone'
            UNION SELECT l.lead_id FROM k JOIN leadgate.leads l ON (l.validation ->> 'mobile_e164') = k.key
                  WHERE k.key_type = 'phone'
            UNION SELECT l.lead_id FROM k JOIN leadgate.leads l ON lower(l.email_domain) = k.key
                  WHERE k.key_type = 'domain')
        SELECT h.lead_id FROM hit h JOIN leadgate.dispositions d ON d.lead_id = h.lead_id AND d.is_current
        ORDER BY h.lead_id
    """), {"types": list(entries["key_type"]), "keys": list(entries["key"])}).scalars())


def entries_from_events(conn: sa.Connection, events: pd.DataFrame) -> pd.DataFrame:
    """Suppression entries (COLUMNS) from revoking behaviour events (lead_id, email_key, channel, reason,
    source, occurred_at): an email channel by the event's email key, else its lead's; SMS by the numbers of the
    leads the event names (by lead_id, else by email key). Dated when the event happened."""
    if events.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    return pd.read_sql(sa.text("""
        WITH e AS (SELECT * FROM unnest(CAST(:lead AS text[]), CAST(:email AS text[]), CAST(:channel AS text[]),
                                        CAST(:reason AS text[]), CAST(:source AS text[]), CAST(:at AS timestamptz[]))
                   AS e(lead_id, email_key, channel, reason, source, at)),
        l AS (SELECT e.*, x.email_key AS lead_email_key, x.phone_e164, x.validation ->> 'mobile_e164' AS mobile
              FROM e JOIN leadgate.leads x ON x.lead_id = e.lead_id
              UNION ALL
              SELECT e.*, x.email_key, x.phone_e164, x.validation ->> 'mobile_e164'
              FROM e JOIN leadgate.leads x ON x.email_key = e.email_key WHERE e.lead_id IS NULL
              UNION ALL
              SELECT e.*, NULL, NULL, NULL FROM e WHERE e.lead_id IS NULL AND e.channel = 'email'),
        keyed AS (SELECT 'email' AS key_type, COALESCE(email_key, lead_email_key) AS key, l.* FROM l
                  WHERE channel = 'email'
                  UNION ALL SELECT 'phone', phone_e164, l.* FROM l WHERE channel <> 'email'
                  UNION ALL SELECT 'phone', mobile, l.* FROM l WHERE channel <> 'email')
        SELECT DISTINCT ON (key_type, key, channel) key_type, key, channel, reason, source, at AS revoked_at
        FROM keyed WHERE key IS NOT NULL ORDER BY key_type, key, channel, at DESC
    """), conn, params={name: [None if pd.isna(v) else v for v in events[column]] for name, column in (
        ("lead", "lead_id"), ("email", "email_key"), ("channel", "channel"), ("reason", "reason"),
        ("source", "source"), ("at", "occurred_at"))})
