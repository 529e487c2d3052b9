"""Item kinds and the actions a person may take on each, with the lifecycle event each action is.

The CLI, the JSON API and the console all validate a request here first, so "can I reject a merge audit?"
has one answer everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from leadgate_dagster.core.review.lifecycle import Event


class Kind(StrEnum):
    QUARANTINE = "quarantine"  # a lead whose current disposition is QUARANTINE_REVIEW
    MERGE_CANDIDATE = "merge_candidate"  # an identity pair awaiting a verdict
    MERGE_AUDIT = "merge_audit"  # an automatic merge drawn into the weekly audit sample
    SCORE_REVIEW = "score_review"  # conflicting or low-confidence scoring signals, a high-value account
    HANDOFF_EXCEPTION = "handoff_exception"  # a routed lead no owner could take (NO_OWNER), or a person's record
    # the CRM refused or never took (CRM_SCHEMA_MISMATCH, HANDOFF_FAILED, ...)


class Action(StrEnum):
    VERIFY = "verify"  # the held reason is set aside and the lead decided again (or: the merge / score stands)
    ROUTE = "route"  # to a chosen disposition, with a note
    REJECT = "reject"
    MERGE = "merge"  # the pair is one person (through the identity graph, with its evidence)
    KEEP_APART = "keep_apart"  # the pair stays two persons
    SPLIT = "split"  # an audited automatic link was wrong: the lead leaves the person
    UNMERGE = "unmerge"  # an audited automatic person merge was wrong: undone exactly
    ADJUST_SCORE = "adjust_score"  # priority points up or down, with a reason; every later decision keeps it
    RETRY_HANDOFF = "retry_handoff"  # a handoff exception: the person's record is sent again (docs/crm-handoff.md)
    ASSIGN = "assign"  # take the item, or hand it to someone (an item someone else holds needs reassign)
    REASSIGN = "reassign"
    UNASSIGN = "unassign"
    ASSIGN_OWNER = "assign_owner"  # a routed lead without an owner gets the one named (`to`: the owner's email)


_HANDLING = frozenset({Action.ASSIGN, Action.REASSIGN, Action.UNASSIGN})

ALLOWED: dict[Kind, frozenset[Action]] = {
    Kind.QUARANTINE: frozenset({Action.VERIFY, Action.ROUTE, Action.REJECT, Action.ADJUST_SCORE}) | _HANDLING,
    Kind.MERGE_CANDIDATE: frozenset({Action.MERGE, Action.KEEP_APART}) | _HANDLING,
    Kind.MERGE_AUDIT: frozenset({Action.VERIFY, Action.SPLIT, Action.UNMERGE}) | _HANDLING,
    Kind.SCORE_REVIEW: frozenset({Action.VERIFY, Action.ADJUST_SCORE, Action.ROUTE, Action.REJECT}) | _HANDLING,
    Kind.HANDOFF_EXCEPTION: frozenset({Action.RETRY_HANDOFF, Action.VERIFY, Action.ROUTE, Action.REJECT,
                                       Action.ASSIGN_OWNER}) | _HANDLING,
}


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """What a person asked for, validated (`validate`) before anything is read or written."""

    action: Action
    actor: str
    to: str | None = None  # route: the disposition; assign / reassign: the assignee (default: the actor);
    # assign_owner: the owner's email
    note: str | None = None
    delta: int | None = None  # adjust_score: points
    expected_version: int | None = None  # the version the person saw; another change since is a conflict


def event_of(kind: Kind, action: Action) -> Event:
    """The lifecycle event an action is on an item of `kind`."""
    if action in (Action.ASSIGN, Action.REASSIGN):
        return Event.ASSIGN
    if action is Action.UNASSIGN:
        return Event.UNASSIGN
    if action is Action.ADJUST_SCORE and kind is not Kind.SCORE_REVIEW:
        return Event.NOTE  # a held lead with a better score is still held
    return Event.RESOLVE


def problems(kind: Kind, request: ActionRequest, *, dispositions: frozenset[str]) -> list[str]:
    """Why a request cannot be carried out on an item of `kind` (empty: it can), each a sentence a person
    can act on."""
    out = []
    if request.action not in ALLOWED[kind]:
        allowed = ", ".join(sorted(a.value for a in ALLOWED[kind]))
        out.append(f"'{request.action.value}' is not an action on a {kind.value} item (allowed: {allowed})")
    if not request.actor.strip():
        out.append("an actor is required")
    if request.action is Action.ROUTE:
        if not request.to:
            out.append("route needs --to DISPOSITION")
        elif request.to not in dispositions:
            out.append(f"unknown disposition {request.to!r} (one of {', '.join(sorted(dispositions))})")
        if not (request.note or "").strip():
            out.append("route needs a note saying why")
    if request.action is Action.ASSIGN_OWNER and not (request.to or "").strip():
        out.append("assign_owner needs --to OWNER_EMAIL (leadgate owners list)")
    if request.action is Action.ADJUST_SCORE:
        if not request.delta:
            out.append("adjust_score needs a non-zero --delta POINTS")
        if not (request.note or "").strip():
            out.append("adjust_score needs a note giving the reason")
    return out
