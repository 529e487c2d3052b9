"""The owners table: written by an import (upsert by email), read whole by routing (a roster is small)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.routing.owners import OWNER_COLUMNS as COLUMNS
from leadgate_dagster.store.bulk import copy_rows


def upsert(conn: sa.Connection, owners: pd.DataFrame, *, now: datetime) -> tuple[int, int, list[str]]:
    """Store owners (COLUMNS, one row per email); returns (new, updated, emails that left their leads: made
    inactive, or given another role, by this import).

    An owner the file does not list is left as it is; `deactivated_at` is when an owner stopped being active.
    """
    if owners.empty:
        return 0, 0, []
    conn.execute(sa.text("DROP TABLE IF EXISTS tmp_owners_in"))
    conn.execute(sa.text(f"CREATE TEMP TABLE tmp_owners_in ON COMMIT DROP AS SELECT {', '.join(COLUMNS)} "
                         "FROM leadgate.owners WITH NO DATA"))
    rows = owners[list(COLUMNS)].astype(object)
    copy_rows(conn, "tmp_owners_in", COLUMNS, rows.where(rows.notna(), None).itertuples(index=False, name=None))
    before = {r.email: r for r in conn.execute(sa.text(
        "SELECT o.email, o.active, o.role FROM leadgate.owners o JOIN tmp_owners_in t USING (email)")).all()}
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS if c != "email")
    result = conn.execute(sa.text(f"""
        INSERT INTO leadgate.owners AS o ({', '.join(COLUMNS)}, created_at, updated_at)
        SELECT {', '.join(COLUMNS)}, :now, :now FROM tmp_owners_in
        ON CONFLICT (email) DO UPDATE SET {sets}, updated_at = EXCLUDED.updated_at,
          deactivated_at = CASE WHEN EXCLUDED.active THEN NULL WHEN o.active THEN EXCLUDED.updated_at
                                ELSE o.deactivated_at END
        RETURNING o.email, o.active, o.role, (xmax = 0) AS inserted
    """), {"now": now}).all()
    left = sorted(r.email for r in result
                  if r.email in before and before[r.email].active and (not r.active or before[r.email].role != r.role))
    new = sum(1 for r in result if r.inserted)
    return new, len(result) - new, left


def load(conn: sa.Connection, *, active_only: bool = True) -> pd.DataFrame:
    """The owners (COLUMNS and deactivated_at), sorted by email; read for every batch, so without read_sql's
    fixed cost."""
    rows = conn.execute(sa.text(f"""
        SELECT {', '.join(COLUMNS)}, deactivated_at FROM leadgate.owners
        WHERE active OR NOT :active_only ORDER BY email"""), {"active_only": active_only}).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=[*COLUMNS, "deactivated_at"], dtype=object)


def any_active(conn: sa.Connection) -> bool:
    """Is routing live: does one active owner exist?"""
    return bool(conn.execute(sa.text("SELECT EXISTS (SELECT 1 FROM leadgate.owners WHERE active)")).scalar())


def emails(conn: sa.Connection) -> set[str]:
    """Every owner's email, active or not (an account may only name a known owner)."""
    return set(conn.execute(sa.text("SELECT email FROM leadgate.owners")).scalars())


def loads(conn: sa.Connection, days: dict[str, date]) -> dict[str, int]:
    """Leads each owner already took on the given day of their calendar (owner email -> day)."""
    if not days:
        return {}
    rows = conn.execute(sa.text("""
        SELECT l.owner_email, l.assigned FROM leadgate.owner_loads l
        JOIN unnest(CAST(:e AS text[]), CAST(:d AS date[])) q(e, d) ON q.e = l.owner_email AND q.d = l.day
    """), {"e": list(days), "d": list(days.values())}).all()
    return {r.owner_email: int(r.assigned) for r in rows}


def rotation(conn: sa.Connection) -> dict[str, dict[str, float]]:
    """The round robin's totals: pool -> owner email -> total."""
    out: dict[str, dict[str, float]] = {}
    for r in conn.execute(sa.text("SELECT pool, owner_email, current_weight FROM leadgate.routing_rotation")):
        out.setdefault(r.pool, {})[r.owner_email] = float(r.current_weight)
    return out


def save_state(conn: sa.Connection, added: dict[tuple[str, date], int], totals: dict[str, dict[str, float]]) -> None:
    """Write what an assignment changed, in one statement: the leads each owner took per day of their calendar
    ((owner email, day) -> how many more) and the round robin's totals (pool -> owner email -> total)."""
    if not added and not totals:
        return
    keys = list(added)
    rot = [(pool, email, total) for pool, per in totals.items() for email, total in per.items()]
    conn.execute(sa.text("""
        WITH loads AS (
          INSERT INTO leadgate.owner_loads AS l (owner_email, day, assigned)
          SELECT * FROM unnest(CAST(:e AS text[]), CAST(:d AS date[]), CAST(:n AS integer[]))
          ON CONFLICT (owner_email, day) DO UPDATE SET assigned = l.assigned + EXCLUDED.assigned)
        INSERT INTO leadgate.routing_rotation AS r (pool, owner_email, current_weight)
        SELECT * FROM unnest(CAST(:p AS text[]), CAST(:pe AS text[]), CAST(:w AS double precision[]))
        ON CONFLICT (pool, owner_email) DO UPDATE SET current_weight = EXCLUDED.current_weight
    """), {"e": [k[0] for k in keys], "d": [k[1] for k in keys], "n": [added[k] for k in keys],
           "p": [r[0] for r in rot], "pe": [r[1] for r in rot], "w": [r[2] for r in rot]})
