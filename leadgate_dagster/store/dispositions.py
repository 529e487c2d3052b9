"""Dispositions: exactly one current row per lead, history kept when it changes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.routing.assign import NO_OWNER
from leadgate_dagster.store.bulk import copy_rows

# who works the lead and why, the account it matched, the alternate offer (migration 0014)
ROUTING_COLUMNS = ("owner_email", "owner_rule", "account_id", "account_match", "account_match_confidence",
                   "alternate_offer")
COLUMNS = ("lead_id", "disposition", "score", "score_reachability", "score_consent", "score_fit", "score_inputs",
           "reason_codes", "allowed_channels", "ruleset_version", "model_version", "engagement_score", "priority_score",
           "decided_by", "is_current", *ROUTING_COLUMNS)
# a change in any of these is a new decision (behaviour moving the engagement score included: scores follow it)
_COMPARED = ("disposition", "score", "score_reachability", "score_consent", "score_fit", "reason_codes",
             "allowed_channels", "ruleset_version", "model_version", "engagement_score", "priority_score",
             *ROUTING_COLUMNS)
_LOCK = 7_215_005


def current(conn: sa.Connection, lead_ids: Sequence[str]) -> pd.DataFrame:
    df = pd.read_sql(sa.text(
        "SELECT * FROM leadgate.dispositions WHERE is_current AND lead_id = ANY(:ids)"),
        conn, params={"ids": list(lead_ids)})
    return df.set_index("lead_id", drop=False).rename_axis(None)


def record(conn: sa.Connection, decided: pd.DataFrame) -> int:
    """Make `decided` (one row per lead, columns COLUMNS but is_current) the current dispositions.

    A lead whose decision is unchanged keeps its row, so re-running a batch writes nothing; a changed one
    gets a new current row and the old one stays as history.
    """
    if decided.empty:
        return 0
    lock(conn)
    now = current(conn, list(decided["lead_id"])).reindex(decided["lead_id"])
    same = now["lead_id"].notna().to_numpy()
    for c in _COMPARED:
        same &= np.fromiter((_norm(x) == _norm(y) for x, y in zip(now[c], decided[c], strict=True)), dtype=bool,
                            count=len(decided))
    changed = decided[~same]
    if changed.empty:
        return 0
    conn.execute(sa.text("UPDATE leadgate.dispositions SET is_current = false WHERE is_current AND lead_id = ANY(:ids)"),
                 {"ids": list(changed["lead_id"])})
    changed = changed.assign(is_current=True, account_match_confidence=pd.Series(  # an integer column read back
        [None if pd.isna(v) else int(v) for v in changed["account_match_confidence"]],  # as float beside a NULL
        index=changed.index, dtype=object))
    return copy_rows(conn, "dispositions", COLUMNS, changed[list(COLUMNS)].itertuples(index=False, name=None))


def lock(conn: sa.Connection) -> None:
    """Take the disposition writers' transaction lock. A writer that also changes review items takes it
    first, as qualification does, so the two never wait on each other in opposite orders."""
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})


def restate(conn: sa.Connection, lead_ids: Sequence[str], disposition: str, *, decided_by: str,
            only_from: str | None = None) -> dict[str, int]:
    """Make `disposition` the current decision of these leads, all else as their current decision says (a
    reviewer's route or reject, a review fallback's REJECT, an expiry); a REJECT opens no channel, and the
    lead has no owner (routing assigns one to a lead restated as routed). The old row stays as history; a lead
    already so decided (or, with `only_from`, not currently so decided) is left alone. Returns lead id -> new
    disposition_id."""
    if not lead_ids:
        return {}
    lock(conn)
    own = ("disposition", "allowed_channels", "decided_by", "is_current", "reason_codes", "owner_email", "owner_rule")
    cols = [c for c in COLUMNS if c not in own]
    rows = conn.execute(sa.text(f"""
        WITH old AS (
          UPDATE leadgate.dispositions SET is_current = false
          WHERE is_current AND lead_id = ANY(:ids) AND disposition <> :d
            AND (CAST(:only AS text) IS NULL OR disposition = :only)
          RETURNING *
        )
        INSERT INTO leadgate.dispositions ({", ".join(cols)}, disposition, allowed_channels, decided_by, is_current,
                                           reason_codes)
        SELECT {", ".join(cols)}, :d, CASE WHEN :d = 'REJECT' THEN '{{}}' ELSE allowed_channels END, :by, true,
               array_remove(reason_codes, :no_owner)
        FROM old RETURNING lead_id, disposition_id
    """), {"ids": list(lead_ids), "d": disposition, "by": decided_by, "only": only_from,
           "no_owner": NO_OWNER}).all()
    return {r.lead_id: int(r.disposition_id) for r in rows}


def _norm(v: object) -> object:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None  # NULL read back as NaN (a numeric column) or None
    if isinstance(v, (list, tuple)):
        return tuple(v)
    if hasattr(v, "item"):
        return v.item()  # numpy scalars
    return v


def current_of_file(conn: sa.Connection, file_id: str) -> list[sa.Row[tuple[str, list[str]]]]:
    """(disposition, reason_codes) of the current decision on each lead of an ingested file."""
    return list(conn.execute(sa.text("""
        SELECT d.disposition, d.reason_codes FROM leadgate.intake_events e
        JOIN leadgate.dispositions d ON d.lead_id = e.lead_id AND d.is_current WHERE e.file_id = :f
    """), {"f": file_id}).all())


def without_exactly_one(conn: sa.Connection, batch_id: str) -> list[str]:
    """Leads of the batch that do not have exactly one current disposition (the blocking invariant)."""
    return [r[0] for r in conn.execute(sa.text("""
        SELECT l.lead_id FROM leadgate.leads l
        LEFT JOIN leadgate.dispositions d ON d.lead_id = l.lead_id AND d.is_current
        WHERE l.batch_id = :b GROUP BY l.lead_id HAVING count(d.disposition_id) <> 1
    """), {"b": batch_id}).all()]
