"""The queue's filters as the console's URLs carry them (kind, source, reason, age, assignee, status, page):
read from a query string into the store's ListFilter, and written back for links, so the item page and the
next item keep the queue a reviewer chose."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import sqlalchemy as sa

from leadgate_dagster.core.review.actions import Kind
from leadgate_dagster.gate.review_read import ListFilter, next_item
from leadgate_dagster.store import pg_text

PAGE_SIZE = 50
AGES = {"1h": timedelta(hours=1), "4h": timedelta(hours=4), "24h": timedelta(hours=24), "3d": timedelta(days=3)}
STATUSES = {"open": ("open", "in_progress"), "resolved": ("resolved",), "expired": ("expired",)}
KEYS = ("kind", "source", "reason", "age", "assignee", "status")


@dataclass(frozen=True, slots=True)
class QueueView:
    """The filters as chosen (unknown values dropped), for forms and links."""

    values: dict[str, str]
    page: int

    def query(self, **changes: str | int | None) -> str:
        merged = {**self.values, "page": self.page, **changes}
        return urlencode({k: v for k, v in merged.items() if v and not (k == "page" and v == 1)})

    def list_filter(self, *, actor: str, now: datetime | None = None, page_size: int = PAGE_SIZE) -> ListFilter:
        v = self.values
        assignee = v.get("assignee")
        age = AGES.get(v.get("age", ""))
        return ListFilter(kind=v.get("kind"), source=v.get("source"), reason=v.get("reason"),
                          statuses=STATUSES[v.get("status", "open")],
                          assignee=actor if assignee == "me" else (assignee if assignee not in (None, "none") else None),
                          unassigned=assignee == "none",
                          created_before=(now or datetime.now(UTC)) - age if age else None,
                          limit=page_size, offset=(self.page - 1) * page_size)


def read_view(params: Mapping[str, str]) -> QueueView:
    values = {k: str(pg_text.text(params[k].strip()[:200])) for k in KEYS if params.get(k, "").strip()}
    if values.get("kind") not in {k.value for k in Kind}:
        values.pop("kind", None)
    if values.get("age") not in AGES:
        values.pop("age", None)
    if values.get("status") not in STATUSES:
        values.pop("status", None)
    page = params.get("page", "1")
    return QueueView(values, max(1, min(int(page), 10_000)) if page.isdigit() else 1)


def next_url(engine: sa.Engine, view: QueueView, actor: str, *, after: int | None = None,
             done: int | None = None) -> str:
    """Where "on to the next item" goes: the first item of the chosen queue that nobody else holds (after
    `after` when skipping), keeping the filters; the queue itself when nothing is left. `done` names the item
    just acted on, for the next page's confirmation line."""
    nxt = next_item(engine, replace(view.list_filter(actor=actor), free_for=actor), after=after)
    query = view.query(page=None, done=done, empty=1 if nxt is None else None)
    return (f"/review/items/{nxt}" if nxt is not None else "/review") + (f"?{query}" if query else "")
