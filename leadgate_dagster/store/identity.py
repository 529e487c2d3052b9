"""The identity graph's tables: persons, their keys and which person each lead belongs to."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.store.bulk import copy_rows

# Match-and-write is serialised: two batches holding the same person must not both create it.
IDENTITY_LOCK = 7_215_004


def lock_graph(conn: sa.Connection) -> None:
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": IDENTITY_LOCK})


def linked(conn: sa.Connection, lead_ids: Sequence[str]) -> pd.DataFrame:
    return pd.read_sql(sa.text(
        "SELECT lead_id, person_id, duplicate_of, tier FROM leadgate.lead_person WHERE lead_id = ANY(:ids)"),
        conn, params={"ids": list(lead_ids)})


def known_keys(conn: sa.Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """(key_type, key_value) -> (person_id, first_lead_id) for keys already in the graph."""
    if not keys:
        return {}
    rows = conn.execute(sa.text("""
        SELECT k.key_type, k.key_value, k.person_id, p.first_lead_id
        FROM leadgate.identity_keys k JOIN leadgate.persons p USING (person_id)
        JOIN unnest(CAST(:types AS text[]), CAST(:vals AS text[])) AS q(t, v) ON k.key_type = q.t AND k.key_value = q.v
    """), {"types": [k[0] for k in keys], "vals": [k[1] for k in keys]}).all()
    return {(r.key_type, r.key_value): (r.person_id, r.first_lead_id) for r in rows}


def write(conn: sa.Connection, *, persons: list[tuple[str, str]], keys: list[tuple[str, str, str, str]],
          links: list[tuple[str, str, str | None, str | None, str | None]]) -> None:
    copy_rows(conn, "persons", ("person_id", "first_lead_id"), persons)
    if keys:
        conn.execute(sa.text("""
            INSERT INTO leadgate.identity_keys (key_type, key_value, person_id, first_lead_id)
            SELECT * FROM unnest(CAST(:t AS text[]), CAST(:v AS text[]), CAST(:p AS text[]), CAST(:f AS text[]))
            ON CONFLICT DO NOTHING
        """), {"t": [k[0] for k in keys], "v": [k[1] for k in keys], "p": [k[2] for k in keys],
               "f": [k[3] for k in keys]})
    copy_rows(conn, "lead_person", ("lead_id", "person_id", "duplicate_of", "tier", "evidence"), links)
