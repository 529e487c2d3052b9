"""The `enrichments` table: one row per (lead, provider) with the key it was looked up under and where the
answer came from (`answer_source`: provider | cache | stale_cache | neutral), so the recheck job can find
every lead still on a fallback for a key with one indexed join on (provider, lookup_key)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from leadgate_dagster.store.bulk import copy_rows

COLUMNS = ("lead_id", "provider", "status", "result", "fetched_at", "lookup_key", "answer_source")
FALLBACK_SOURCES = ("neutral", "stale_cache")
_TMP = "tmp_enrichment_answers"
_PAIRS = sa.bindparam("providers", type_=ARRAY(sa.Text)), sa.bindparam("keys", type_=ARRAY(sa.Text))


def replace_for_leads(conn: sa.Connection, lead_ids: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Make `rows` (COLUMNS) the enrichments of these leads: delete, then COPY (re-runs write the same rows).

    Args:
        conn: an open connection (the caller owns the transaction).
        lead_ids: every lead of the stage, also those that get no row now.
        rows: tuples in COLUMNS order.

    Returns:
        The number of rows written.
    """
    conn.execute(sa.text("DELETE FROM leadgate.enrichments WHERE lead_id = ANY(:ids)"),
                 {"ids": list(lead_ids)})
    return copy_rows(conn, "enrichments", COLUMNS, rows)


def refresh_fallbacks(conn: sa.Connection, answers: Iterable[Sequence[Any]]) -> list[str]:
    """Give every lead that got a stale or neutral fallback for one of these keys the new answer.

    Args:
        conn: an open connection (the caller owns the transaction).
        answers: (provider, lookup_key, status, result, fetched_at, answer_source) per key.

    Returns:
        The ids of the leads whose rows changed.
    """
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {_TMP}"))
    conn.execute(sa.text(f"CREATE TEMP TABLE {_TMP} ON COMMIT DROP AS SELECT provider, lookup_key, status, "
                         "result, fetched_at, answer_source FROM leadgate.enrichments WITH NO DATA"))
    columns = ("provider", "lookup_key", "status", "result", "fetched_at", "answer_source")
    if not copy_rows(conn, _TMP, columns, answers):
        return []
    rows = conn.execute(sa.text(f"""
        UPDATE leadgate.enrichments e
        SET status = t.status, result = t.result, fetched_at = t.fetched_at, answer_source = t.answer_source
        FROM {_TMP} t
        WHERE e.provider = t.provider AND e.lookup_key = t.lookup_key AND e.answer_source = ANY(:fallbacks)
        RETURNING e.lead_id"""), {"fallbacks": list(FALLBACK_SOURCES)}).all()
    return sorted({r.lead_id for r in rows})


def leads_on_fallback(conn: sa.Connection, keys: Iterable[tuple[str, str]]) -> list[str]:
    """The leads still on a stale or neutral fallback for any of these (provider, key) pairs."""
    pairs = sorted(set(keys))
    if not pairs:
        return []
    rows = conn.execute(sa.text("""
        SELECT DISTINCT e.lead_id FROM leadgate.enrichments e
        JOIN unnest(:providers, :keys) AS k(provider, lookup_key)
          ON e.provider = k.provider AND e.lookup_key = k.lookup_key
        WHERE e.answer_source = ANY(:fallbacks)""").bindparams(*_PAIRS),
        {"providers": [p for p, _ in pairs], "keys": [k for _, k in pairs],
         "fallbacks": list(FALLBACK_SOURCES)})
    return sorted(r.lead_id for r in rows)


def rows_of(conn: sa.Connection, lead_ids: Sequence[str]) -> pd.DataFrame:
    """Every enrichments row of these leads (COLUMNS), in lead and provider order."""
    return pd.read_sql(sa.text(f"SELECT {', '.join(COLUMNS)} FROM leadgate.enrichments "
                               "WHERE lead_id = ANY(:ids) ORDER BY lead_id, provider"),
                       conn, params={"ids": list(lead_ids)})


def decided_with_replays(conn: sa.Connection, lead_ids: Sequence[str]) -> list[str]:
    """Those of these leads that already have a current disposition, plus their replays that have one (a
    replay carries its original's decision, so it is re-decided with it). Leads still in their batch's run
    are left to it (its qualification reads the refreshed rows), and a reviewer's decision is left alone."""
    rows = conn.execute(sa.text("""
        SELECT l.lead_id FROM leadgate.leads l
        WHERE (l.lead_id = ANY(:ids) OR l.replay_of = ANY(:ids))
          AND EXISTS (SELECT 1 FROM leadgate.dispositions d WHERE d.lead_id = l.lead_id AND d.is_current
                      AND d.decided_by NOT LIKE 'reviewer:%')"""),
        {"ids": list(lead_ids)}).all()
    return sorted(r.lead_id for r in rows)


def ips_for_keys(conn: sa.Connection, lookup_keys: Sequence[str]) -> list[tuple[str, str]]:
    """(lookup_key, the IP as the lead gave it) for IP-risk keys kept in keyed form: the recheck needs the
    address itself to ask again, and only `leads.ip` keeps it."""
    if not lookup_keys:
        return []
    rows = conn.execute(sa.text("""
        SELECT DISTINCT e.lookup_key, l.ip FROM leadgate.enrichments e JOIN leadgate.leads l USING (lead_id)
        WHERE e.provider = 'ip_risk' AND e.lookup_key = ANY(:keys) AND l.ip IS NOT NULL"""),
        {"keys": list(lookup_keys)}).all()
    return [(r.lookup_key, r.ip) for r in rows]


def lookup_inputs(conn: sa.Connection, batch_id: str) -> pd.DataFrame:
    """The batch's validated leads (index lead_id, arrival order) with what their lookup keys are made of:
    the normalized email and its status, E.164 phone, company domain, IP as given, and the validation
    engine's country and postal code (taken out of its JSONB here, not shipped whole to Python)."""
    df = pd.read_sql(sa.text("""
        SELECT lead_id, email_normalized, email_status, phone_e164, company_domain, ip,
               validation->>'country_iso2' AS country_iso2,
               validation->>'postal_code_norm' AS postal_code_norm
        FROM leadgate.leads WHERE batch_id = :b AND validated_at IS NOT NULL
        ORDER BY received_at, record_no, lead_id"""), conn, params={"b": batch_id})
    return df.set_index("lead_id", drop=False).rename_axis(None)
