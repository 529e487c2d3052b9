"""The queue as a person reads it: a page of items by priority and one item with its lead's decision and
its decision log, as JSON-ready dicts (the CLI prints them, the API returns them, the console shows them)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.gate.review_errors import ReviewNotFound
from leadgate_dagster.store import review_items, review_page
from leadgate_dagster.store.review_items import LIST_COLUMNS, ListFilter

__all__ = ["ListFilter", "QueuePage", "list_queue", "next_item", "queue_page", "show_item"]
DETAIL = (*LIST_COLUMNS, "candidate_person_id", "merge_id", "disposition_id", "tier", "probability", "explanation",
          "assigned_at", "fallback_at", "expires_at", "fallback_taken_at", "rechecked_at", "resolved_at",
          "resolved_by", "resolution", "resolution_note", "updated_at", "current_disposition_id", "score",
          "priority_score", "allowed_channels", "decided_by")


def list_queue(engine: sa.Engine, f: ListFilter) -> list[dict[str, Any]]:
    """Items matching the filter, highest priority first (at most `f.limit`)."""
    with engine.connect() as conn:
        return [_plain(row._mapping, LIST_COLUMNS) for row in review_items.list_items(conn, f)]


@dataclass(frozen=True)
class QueuePage:
    items: list[dict[str, Any]]  # as list_queue gives them, each with `who`: the lead's name, email, company
    counts: dict[str, int]  # items matching the filter per kind (every kind, whatever kind the filter names)
    total: int  # items matching the filter


def queue_page(engine: sa.Engine, f: ListFilter) -> QueuePage:
    """One page of the queue (`f.offset`, `f.limit`) with who each lead is, and the counts per kind."""
    with engine.connect() as conn:
        rows = review_items.list_items(conn, f)
        counts = review_items.count_by_kind(conn, f)
        who = review_page.lead_labels(conn, [r.lead_id for r in rows])
    items = [{**_plain(r._mapping, LIST_COLUMNS), "who": who.get(r.lead_id, {})} for r in rows]
    return QueuePage(items, counts, counts.get(f.kind, 0) if f.kind else sum(counts.values()))


def next_item(engine: sa.Engine, f: ListFilter, *, after: int | None = None) -> int | None:
    """The item to work next in the filtered queue: the first one other than `after`; after a skip (`after` still
    among the first 200) the one behind it, round to the top at the end. None when nothing else is left."""
    with engine.connect() as conn:
        ids = [r.review_id for r in review_items.list_items(conn, replace(f, offset=0, limit=200))]
    if after in ids:
        at = ids.index(after)
        ids = ids[at + 1:] + ids[:at]
    return ids[0] if ids else None


def show_item(engine: sa.Engine, review_id: int) -> dict[str, Any]:
    """One item, its lead's current decision and its decision log (oldest first); raises ReviewNotFound."""
    with engine.connect() as conn:
        row = review_items.get(conn, review_id)
        if row is None:
            raise ReviewNotFound(review_id)
        log = review_items.decisions_of(conn, review_id)
    item = _plain(row._mapping, DETAIL)
    item["decisions"] = [_plain(d._mapping, tuple(d._mapping.keys())) for d in log]
    return item


def _plain(row: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    """JSON-ready values; an item also carries its review_id as `id`."""
    out = {c: (row[c].isoformat() if isinstance(row[c], datetime) else row[c]) for c in columns}
    return {"id": out["review_id"], **out} if "kind" in out else out
