"""The queue as a person reads it: a page of items by priority and one item with its lead's decision and
its decision log, as JSON-ready dicts (the CLI prints them, the API returns them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.gate.review_errors import ReviewNotFound
from leadgate_dagster.store import review_items
from leadgate_dagster.store.review_items import LIST_COLUMNS, ListFilter

__all__ = ["ListFilter", "list_queue", "show_item"]
DETAIL = (*LIST_COLUMNS, "candidate_person_id", "merge_id", "disposition_id", "tier", "probability", "explanation",
          "assigned_at", "fallback_at", "expires_at", "fallback_taken_at", "rechecked_at", "resolved_at",
          "resolved_by", "resolution", "resolution_note", "updated_at", "current_disposition_id", "score",
          "priority_score", "allowed_channels", "decided_by")


def list_queue(engine: sa.Engine, f: ListFilter) -> list[dict[str, Any]]:
    """Items matching the filter, highest priority first (at most `f.limit`)."""
    with engine.connect() as conn:
        return [_plain(row._mapping, LIST_COLUMNS) for row in review_items.list_items(conn, f)]


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
