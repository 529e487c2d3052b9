"""The one place a person acts on a review item; the CLI, the JSON API and the console call `act`.

An action is checked first (`core.review.actions.problems`, the lifecycle), then carried out in one
transaction: the item's row lock is taken (a second reviewer waits, then sees the first one's result and gets
ReviewConflict), the item is updated or closed, the lead gets a new current disposition where the action
changes one (the old one stays as history), and the decision log gets one row with the item and the lead's
disposition before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.disposition_policy import Disposition
from leadgate_dagster.core.review.actions import Action, ActionRequest, Kind, event_of, problems
from leadgate_dagster.core.review.lifecycle import IllegalTransition, Status, transition
from leadgate_dagster.core.review.overrides import adjust_priorities
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate import review_identity_actions as identity_actions
from leadgate_dagster.gate import routing
from leadgate_dagster.gate.crm_handoff import announce, retry_handoff
from leadgate_dagster.gate.qualify import redecide
from leadgate_dagster.gate.review_errors import ReviewConflict, ReviewError, ReviewInvalid, ReviewNotFound
from leadgate_dagster.gate.review_sync import sync_held
from leadgate_dagster.store import dispositions, review_items, review_overrides

# what a person may route a lead to (holding it again is not a decision)
ROUTABLE = frozenset(d.value for d in Disposition if d is not Disposition.QUARANTINE_REVIEW)


@dataclass(frozen=True, slots=True)
class ActionResult:
    review_id: int
    action: str
    status: str  # the item's status after the action
    version: int
    assignee: str | None
    disposition: str | None  # the lead's current disposition after the action
    disposition_changed: bool
    decision_id: int


@dataclass(frozen=True, slots=True)
class Context:
    """What an action's effect gets: the connection inside the action's transaction, the locked item, the
    request, the ruleset and the time."""

    conn: sa.Connection
    item: sa.Row[Any]
    request: ActionRequest
    rules: Ruleset
    now: datetime


def act(engine: sa.Engine, review_id: int, request: ActionRequest, *, rules: Ruleset,
        now: datetime | None = None) -> ActionResult:
    """Carry out `request` on the item; raises ReviewInvalid, ReviewNotFound or ReviewConflict."""
    now = now or datetime.now(UTC)
    with engine.begin() as conn:
        dispositions.lock(conn)  # taken before the item's row lock, in the order qualification takes them
        item = review_items.get(conn, review_id, lock=True)
        if item is None:
            raise ReviewNotFound(review_id)
        kind = Kind(item.kind)
        if found := problems(kind, request, dispositions=ROUTABLE):
            raise ReviewInvalid(found)
        _check_state(item, request)
        try:
            status = transition(item.status, event_of(kind, request.action))
        except IllegalTransition as exc:
            raise ReviewInvalid([str(exc)]) from None
        ctx = Context(conn, item, request, rules, now)
        version = review_items.update(conn, review_id, _item_fields(ctx, status), now=now)
        EFFECTS.get(request.action, _no_effect)(ctx)
        announce(conn, [item.lead_id], rules)  # a decision the action wrote reaches the CRM outbox
        after = review_items.get(conn, review_id)
        assert after is not None
        decision_id = review_items.log_decision(
            conn, review_id=review_id, lead_id=item.lead_id, action=request.action.value, actor=request.actor,
            before=_state(item), after=_state(after), note=request.note,
            disposition_id=after.current_disposition_id if after.current_disposition_id != item.current_disposition_id
            else None, now=now)
    return ActionResult(review_id=review_id, action=request.action.value, status=str(after.status), version=version,
                        assignee=after.assignee, disposition=after.disposition,
                        disposition_changed=after.current_disposition_id != item.current_disposition_id,
                        decision_id=decision_id)


def _check_state(item: sa.Row[Any], request: ActionRequest) -> None:
    """Conflicts: a closed item, a version other than the one the person saw, an item someone else holds."""
    def conflict(message: str) -> ReviewConflict:
        return ReviewConflict(message, status=item.status, version=item.version, assignee=item.assignee)

    if item.status not in (Status.OPEN, Status.IN_PROGRESS):
        by = f" by {item.resolved_by}" if item.resolved_by else ""
        raise conflict(f"review item {item.review_id} is already {item.status}{by} ({item.resolution})")
    if request.expected_version is not None and request.expected_version != item.version:
        raise conflict(f"review item {item.review_id} changed since version {request.expected_version} "
                       f"(now {item.version}); reload it")
    target = request.to or request.actor
    if request.action is Action.ASSIGN and item.assignee not in (None, target):
        raise conflict(f"review item {item.review_id} is assigned to {item.assignee}; reassign to take it over")


def _item_fields(ctx: Context, status: Status) -> dict[str, Any]:
    req = ctx.request
    if req.action in (Action.ASSIGN, Action.REASSIGN):
        return {"status": status.value, "assignee": req.to or req.actor, "assigned_at": ctx.now}
    if req.action is Action.UNASSIGN:
        return {"status": status.value, "assignee": None, "assigned_at": None}
    if status is Status.RESOLVED:
        return {"status": status.value, "resolved_at": ctx.now, "resolved_by": req.actor,
                "resolution": req.action.value, "resolution_note": req.note}
    return {"status": status.value}


def _state(row: sa.Row[Any]) -> dict[str, Any]:
    """The item and its lead's decision, as the decision log keeps them."""
    return {"status": row.status, "assignee": row.assignee, "version": row.version, "priority": row.priority,
            "disposition": row.disposition, "disposition_id": row.current_disposition_id,
            "priority_score": row.priority_score}


def _no_effect(ctx: Context) -> None:
    """Assign, reassign, unassign; verify of an audit, a score review or a handoff: the item is all."""


def _verify(ctx: Context) -> None:
    """A held lead: its held reasons are set aside and it is decided again without them."""
    if ctx.item.kind == Kind.QUARANTINE:
        _waive_and_redecide(ctx, list(ctx.item.reason_codes))


def _route(ctx: Context, to: str | None = None) -> None:
    """The chosen disposition; a lead routed to sales gets its owner as the pipeline would give it one."""
    lead, actor = ctx.item.lead_id, ctx.request.actor
    dispositions.restate(ctx.conn, [lead], to or str(ctx.request.to), decided_by=actor)
    routing.reroute(ctx.conn, [lead], ctx.rules, now=ctx.now, decided_by=actor)


def _assign_owner(ctx: Context) -> None:
    """A routed lead without an owner (NO_OWNER) gets the one the person named."""
    try:
        routing.assign_owner(ctx.conn, ctx.item.lead_id, str(ctx.request.to), ctx.rules, now=ctx.now,
                             actor=ctx.request.actor)
    except ValueError as exc:
        raise ReviewInvalid([str(exc)]) from None


def _adjust(ctx: Context) -> None:
    """Priority points with a reason; every later decision keeps them, and the breakdown shows them."""
    req = ctx.request
    lead = ctx.item.lead_id
    review_overrides.adjust(ctx.conn, lead, int(req.delta or 0), actor=req.actor, review_id=ctx.item.review_id,
                            note=str(req.note), now=ctx.now)
    _, adjustments = review_overrides.of_leads(ctx.conn, [lead])
    adjusted = adjust_priorities(dispositions.current(ctx.conn, [lead]), adjustments).assign(decided_by=req.actor)
    dispositions.record(ctx.conn, adjusted[[c for c in dispositions.COLUMNS if c != "is_current"]])
    sync_held(ctx.conn, [lead], ctx.rules, now=ctx.now)  # a held lead's open item follows its new decision


def _waive_and_redecide(ctx: Context, codes: list[str]) -> None:
    req = ctx.request
    review_overrides.waive(ctx.conn, [ctx.item.lead_id], [codes], actor=req.actor,
                           review_ids=[ctx.item.review_id], note=req.note, now=ctx.now)
    redecide(ctx.conn, [ctx.item.lead_id], ctx.rules, decided_by=req.actor, now=ctx.now)


EFFECTS: dict[Action, Callable[[Context], None]] = {
    Action.VERIFY: _verify,
    Action.ROUTE: _route,
    Action.REJECT: lambda ctx: _route(ctx, Disposition.REJECT.value),
    Action.ADJUST_SCORE: _adjust,
    Action.ASSIGN_OWNER: _assign_owner,
    Action.MERGE: lambda ctx: identity_actions.merge_pair(ctx.conn, ctx.item, ctx.request.actor, ctx.rules,
                                                          ctx.now),
    Action.KEEP_APART: lambda ctx: identity_actions.keep_apart(ctx.conn, ctx.item, ctx.request.actor, ctx.rules,
                                                               ctx.now),
    Action.SPLIT: lambda ctx: identity_actions.split_audited(ctx.conn, ctx.item, ctx.request.actor, ctx.rules,
                                                             ctx.now),
    Action.UNMERGE: lambda ctx: identity_actions.unmerge_audited(ctx.conn, ctx.item, ctx.request.actor, ctx.rules,
                                                                 ctx.now),
    Action.RETRY_HANDOFF: lambda ctx: retry_handoff(ctx.conn, ctx.item, ctx.request.actor, ctx.now),
}
__all__ = ["ROUTABLE", "ActionRequest", "ActionResult", "ReviewConflict", "ReviewError", "ReviewInvalid",
           "ReviewNotFound", "act"]
