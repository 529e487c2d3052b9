"""Review items one at a time (what an action and `leadgate review show` read and write), the queue listing,
and the decision log. The set-based statements of the jobs are in `store/review_queue.py`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from psycopg.types.json import Jsonb

from leadgate_dagster.store.tables.review import OPEN_STATUSES

# an item as a person sees it: the row plus its lead's current disposition
_ITEM = """
    SELECT r.*, d.disposition, d.disposition_id AS current_disposition_id, d.score, d.priority_score,
           d.allowed_channels, d.decided_by
    FROM leadgate.review_items r
    LEFT JOIN leadgate.dispositions d ON d.lead_id = r.lead_id AND d.is_current
"""
LIST_COLUMNS = ("review_id", "kind", "status", "priority", "lead_id", "source", "reason_codes", "assignee",
                "candidate_lead_id", "created_at", "due_at", "escalated_at", "disposition", "version")


@dataclass(frozen=True, slots=True)
class ListFilter:
    kind: str | None = None
    source: str | None = None
    reason: str | None = None
    statuses: tuple[str, ...] = ("open", "in_progress")
    assignee: str | None = None
    unassigned: bool = False  # only items nobody holds
    created_before: datetime | None = None  # only items at least this old (the console's age filter)
    free_for: str | None = None  # only items nobody else holds (the console's next item for this person)
    limit: int = 50
    offset: int = 0


def get(conn: sa.Connection, review_id: int, *, lock: bool = False) -> sa.Row[Any] | None:
    """One item with its lead's current disposition; `lock` takes the item's row lock (FOR UPDATE OF r), so a
    second action on it waits for the first to commit and then sees what the first did."""
    sql = _ITEM + " WHERE r.review_id = :id" + (" FOR UPDATE OF r" if lock else "")
    return conn.execute(sa.text(sql), {"id": review_id}).first()


def list_items(conn: sa.Connection, f: ListFilter) -> list[sa.Row[Any]]:
    """Items by priority (highest first), then age; every filter optional. Open items are read through the
    partial priority index, so the first page costs the same at 100,000 open items as at 100."""
    cols = ", ".join(f"r.{c}" if c != "disposition" else "d.disposition" for c in LIST_COLUMNS)
    return list(conn.execute(sa.text(f"""
        SELECT {cols} FROM leadgate.review_items r
        LEFT JOIN leadgate.dispositions d ON d.lead_id = r.lead_id AND d.is_current
        WHERE {_where(f)}
        ORDER BY r.priority DESC, r.review_id
        LIMIT :limit OFFSET :offset"""), {**_params(f), "limit": f.limit, "offset": f.offset}).all())


def count_by_kind(conn: sa.Connection, f: ListFilter) -> dict[str, int]:
    """How many items match the filter, per kind (the filter's own kind left out, so every kind's count shows)."""
    unkinded = replace(f, kind=None)
    return {str(k): int(n) for k, n in conn.execute(sa.text(f"""
        SELECT r.kind, count(*) FROM leadgate.review_items r WHERE {_where(unkinded)} GROUP BY r.kind"""),
        _params(unkinded)).all()}


def _where(f: ListFilter) -> str:
    # spelled out for the planner: only a literal lets it prove the partial index's predicate
    only_open = "r.status IN ('open', 'in_progress') AND " if set(f.statuses) <= set(OPEN_STATUSES) else ""
    return f"""{only_open}r.status = ANY(CAST(:statuses AS text[]))
          AND (CAST(:kind AS text) IS NULL OR r.kind = :kind)
          AND (CAST(:source AS text) IS NULL OR r.source = :source)
          AND (CAST(:reason AS text) IS NULL OR :reason = ANY(r.reason_codes))
          AND (CAST(:assignee AS text) IS NULL OR r.assignee = :assignee)
          AND (NOT :unassigned OR r.assignee IS NULL)
          AND (CAST(:created_before AS timestamptz) IS NULL OR r.created_at <= :created_before)
          AND (CAST(:free_for AS text) IS NULL OR r.assignee IS NULL
               OR r.assignee = :free_for)"""


def _params(f: ListFilter) -> dict[str, Any]:
    return {"statuses": list(f.statuses), "kind": f.kind, "source": f.source, "reason": f.reason,
            "assignee": f.assignee, "unassigned": f.unassigned, "created_before": f.created_before,
            "free_for": f.free_for}


def update(conn: sa.Connection, review_id: int, fields: Mapping[str, Any], *, now: datetime) -> int:
    """Change an item (fields named by column) and bump its version; returns the new version."""
    allowed = {"status", "assignee", "assigned_at", "resolved_at", "resolved_by", "resolution", "resolution_note"}
    if unknown := set(fields) - allowed:
        raise KeyError(f"not an item field an action sets: {sorted(unknown)}")
    sets = ", ".join(f"{name} = :{name}" for name in fields)
    return int(conn.execute(sa.text(f"""
        UPDATE leadgate.review_items SET {sets}, version = version + 1, updated_at = :now
        WHERE review_id = :id RETURNING version"""), {**fields, "now": now, "id": review_id}).scalar_one())


def log_decision(conn: sa.Connection, *, review_id: int, lead_id: str, action: str, actor: str,
                 before: Mapping[str, Any], after: Mapping[str, Any], note: str | None,
                 disposition_id: int | None, now: datetime) -> int:
    """Append one row to the decision log; returns its id."""
    return int(conn.execute(sa.text("""
        INSERT INTO leadgate.review_decisions (review_id, lead_id, action, actor, before, after, note,
                                               disposition_id, decided_at)
        VALUES (:r, :l, :a, :actor, :b, :af, :n, :d, :now) RETURNING decision_id"""),
        {"r": review_id, "l": lead_id, "a": action, "actor": actor, "b": Jsonb(dict(before)),
         "af": Jsonb(dict(after)), "n": note, "d": disposition_id, "now": now}).scalar_one())


def decisions_of(conn: sa.Connection, review_id: int) -> list[sa.Row[Any]]:
    """The item's decision log, oldest first."""
    return list(conn.execute(sa.text("""
        SELECT decision_id, action, actor, before, after, note, disposition_id, decided_at
        FROM leadgate.review_decisions WHERE review_id = :r ORDER BY decision_id"""), {"r": review_id}).all())
