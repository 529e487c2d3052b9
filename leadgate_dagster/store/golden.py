"""Golden records' SQL: the leads behind the persons to recompute, curated fields, and the replacement."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.store.bulk import copy_rows

GOLDEN_COLUMNS = ("person_id", "field", "value", "source_lead_id", "source", "reason")


def person_leads(conn: sa.Connection, person_ids: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    """person_id, lead_id, source, received_at and `columns` of the persons' leads (replays left out)."""
    return pd.read_sql(sa.text(f"""
        SELECT lp.person_id, l.lead_id, l.source, l.received_at, {", ".join(f'l."{c}"' for c in columns)}
        FROM leadgate.lead_person lp JOIN leadgate.leads l USING (lead_id)
        WHERE lp.person_id = ANY(:ids) AND l.replay_of IS NULL"""), conn, params={"ids": list(person_ids)})


def curated_fields(conn: sa.Connection, person_ids: Sequence[str]) -> set[tuple[str, str]]:
    """(person_id, field) pairs a reviewer curated."""
    return {(p, f) for p, f in conn.execute(sa.text(
        "SELECT person_id, field FROM leadgate.golden_records WHERE curated AND person_id = ANY(:ids)"),
        {"ids": list(person_ids)})}


def replace(conn: sa.Connection, person_ids: Sequence[str], rows: pd.DataFrame) -> int:
    """Make `rows` the computed (non-curated) golden fields of these persons."""
    conn.execute(sa.text("DELETE FROM leadgate.golden_records WHERE NOT curated AND person_id = ANY(:ids)"),
                 {"ids": list(person_ids)})
    return copy_rows(conn, "golden_records", GOLDEN_COLUMNS, rows[list(GOLDEN_COLUMNS)].itertuples(index=False))


def curate(conn: sa.Connection, person_id: str, field: str, value: str, *, actor: str) -> None:
    """A reviewer sets a field; survivorship never recomputes it afterwards."""
    conn.execute(sa.text("""
        INSERT INTO leadgate.golden_records (person_id, field, value, source, reason, curated)
        VALUES (:p, :f, :v, :a, 'curated by reviewer', true)
        ON CONFLICT (person_id, field) DO UPDATE SET value = EXCLUDED.value, source = EXCLUDED.source,
            source_lead_id = NULL, reason = EXCLUDED.reason, curated = true, updated_at = now()
    """), {"p": person_id, "f": field, "v": value, "a": actor})
