"""The item page and its actions. An action posts the version of the item the reviewer saw, so anything that
happened since (another reviewer first) is a conflict, shown plainly on the item as it now stands; a done
action that closes the item goes on to the next item of the reviewer's queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from leadgate_dagster.api.console.auth import Acting, Refused, Reviewer
from leadgate_dagster.api.console.queue_filter import next_url, read_view
from leadgate_dagster.api.console.render import done_line, page
from leadgate_dagster.api.deps import get_engine, load_rules
from leadgate_dagster.core.review.actions import ALLOWED, Action, ActionRequest, Kind
from leadgate_dagster.gate.console_accounts import active_names
from leadgate_dagster.gate.review_actions import ROUTABLE, act
from leadgate_dagster.gate.review_errors import ReviewConflict, ReviewInvalid, ReviewNotFound
from leadgate_dagster.gate.review_page import CONSENT_FIELDS, PERSON_FIELDS, item_page
from leadgate_dagster.store import pg_text

router = APIRouter(prefix="/review/items", include_in_schema=False)
SHORTCUTS = {Action.VERIFY: "v", Action.REJECT: "x", Action.MERGE: "m", Action.KEEP_APART: "k",
             Action.SPLIT: "s", Action.UNMERGE: "u", Action.ROUTE: "r", Action.ADJUST_SCORE: "e", Action.ASSIGN: "a"}
_FORMS = {Action.ROUTE, Action.ADJUST_SCORE, Action.ASSIGN, Action.REASSIGN, Action.UNASSIGN,
          Action.ASSIGN_OWNER}  # their own forms


def _render(request: Request, review_id: int, *, status_code: int = 200, problem: dict[str, object] | None = None,
            note: str = "") -> Response:
    engine = get_engine()
    try:
        shown = item_page(engine, review_id)
    except ReviewNotFound as exc:
        raise Refused(404, "No such item", str(exc)) from None
    view = read_view(request.query_params)
    kind = Kind(shown.item["kind"]) if shown.item["kind"] in {k.value for k in Kind} else None
    allowed = ALLOWED.get(kind, frozenset()) if kind else frozenset()
    # rendered in answer to a POST (a refusal, a conflict): the address bar shows the item, not the action's URL
    headers = {"HX-Push-Url": f"/review/items/{review_id}" + (f"?{view.query()}" if view.query() else "")} \
        if request.method == "POST" else None
    return page(request, "item.html", status_code=status_code, headers=headers, shown=shown, view=view,
                buttons=[a for a in Action if a in allowed and a not in _FORMS], allowed=allowed,
                shortcuts=SHORTCUTS, routable=sorted(ROUTABLE), people=active_names(engine),
                person_fields=PERSON_FIELDS, consent_fields=CONSENT_FIELDS, **done_line(engine, request),
                problem=problem, note=note,
                open=shown.item["status"] in ("open", "in_progress"))


@router.get("/{review_id}")
def item(request: Request, review_id: int, visitor: Reviewer) -> Response:
    return _render(request, review_id)


@router.post("/{review_id}/act")
def act_on(request: Request, review_id: int, visitor: Acting, action: Annotated[str, Form(max_length=40)] = "",
           version: Annotated[str, Form(max_length=20)] = "", to: Annotated[str, Form(max_length=200)] = "",
           note: Annotated[str, Form(max_length=4000)] = "", delta: Annotated[str, Form(max_length=20)] = "") -> Response:
    engine = get_engine()
    try:
        wanted = ActionRequest(Action(action), visitor.account.actor, to=pg_text.text(to.strip()) or None,
                               note=pg_text.text(note.strip()) or None,
                               delta=int(delta) if delta.strip().lstrip("+-").isdigit() else None,
                               expected_version=int(version) if version.isdigit() else None)
    except ValueError:
        return _render(request, review_id, status_code=422, note=note,
                       problem={"title": "Not carried out", "lines": [f"'{action}' is not an action"]})
    try:
        done = act(engine, review_id, wanted, rules=load_rules(engine))
    except ReviewNotFound as exc:
        raise Refused(404, "No such item", str(exc)) from None
    except ReviewInvalid as exc:
        return _render(request, review_id, status_code=422, note=note,
                       problem={"title": "Not carried out", "lines": list(exc.problems)})
    except ReviewConflict as exc:
        return _render(request, review_id, status_code=409, problem={
            "title": "Someone else was first", "conflict": True,
            "lines": [str(exc), f"The item is {exc.status} now (version {exc.version}, assigned to "
                                f"{exc.assignee or 'nobody'}). Your {action} was not carried out."]})
    view = read_view(request.query_params)  # the form posts to .../act?<the queue's filters>
    if done.status in ("open", "in_progress"):  # still waiting (assigned, a score noted): stay on it
        query = view.query(done=review_id)
        return RedirectResponse(f"/review/items/{review_id}?{query}", status_code=303)
    return RedirectResponse(next_url(engine, view, visitor.account.actor, done=review_id), status_code=303)
