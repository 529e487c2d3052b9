"""The queue page: items by priority with filters (kind, source, reason, age, assignee, status), counts per
kind and paging; and "next", which opens the first item of the chosen queue."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from leadgate_dagster.api.console.auth import Reviewer
from leadgate_dagster.api.console.queue_filter import AGES, PAGE_SIZE, STATUSES, next_url, read_view
from leadgate_dagster.api.console.render import done_line, page
from leadgate_dagster.api.deps import get_engine
from leadgate_dagster.core.review.actions import Kind
from leadgate_dagster.gate.console_accounts import active_names
from leadgate_dagster.gate.review_read import queue_page

router = APIRouter(prefix="/review", include_in_schema=False)


@router.get("")
def queue(request: Request, visitor: Reviewer) -> Response:
    view = read_view(request.query_params)
    engine = get_engine()
    found = queue_page(engine, view.list_filter(actor=visitor.account.actor))
    last_page = max(1, -(-found.total // PAGE_SIZE))
    return page(request, "queue.html", view=view, found=found, kinds=[k.value for k in Kind], ages=list(AGES),
                statuses=list(STATUSES), people=active_names(engine), page_size=PAGE_SIZE, last_page=last_page,
                **done_line(engine, request))


@router.get("/next")
def first_item(request: Request, visitor: Reviewer) -> Response:
    """The first item of the queue as filtered that nobody else holds (or, with ?after=ID, the one after it)."""
    after = request.query_params.get("after", "")
    target = next_url(get_engine(), read_view(request.query_params), visitor.account.actor,
                      after=int(after) if after.isdigit() else None)
    return RedirectResponse(target, status_code=303)
