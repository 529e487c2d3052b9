"""The lifecycle state machine: what each state allows, and the docs drawing the same table."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadgate_dagster.core.review.actions import Action, ActionRequest, Kind, event_of, problems
from leadgate_dagster.core.review.lifecycle import Event, IllegalTransition, Status, mermaid, transition

DISPOSITIONS = frozenset({"ROUTE_SDR", "ROUTE_AE", "NURTURE_EMAIL_ONLY", "REJECT"})


@pytest.mark.parametrize(("status", "event", "want"), [
    ("open", Event.ASSIGN, Status.IN_PROGRESS),
    ("in_progress", Event.ASSIGN, Status.IN_PROGRESS),
    ("in_progress", Event.UNASSIGN, Status.OPEN),
    ("open", Event.ESCALATE, Status.OPEN),
    ("in_progress", Event.HOLD, Status.IN_PROGRESS),
    ("open", Event.RESOLVE, Status.RESOLVED),
    ("in_progress", Event.EXPIRE, Status.EXPIRED),
], ids=["take", "reassign", "give-back", "escalation-is-a-mark", "hold-is-a-mark", "resolve", "expire"])
def test_allowed_transitions(status: str, event: Event, want: Status) -> None:
    assert transition(status, event) is want


@pytest.mark.parametrize(("status", "event"), [
    ("resolved", Event.RESOLVE), ("expired", Event.ASSIGN), ("open", Event.UNASSIGN), ("resolved", Event.ESCALATE)],
    ids=["resolve-twice", "assign-expired", "unassign-unassigned", "escalate-closed"])
def test_closed_items_and_impossible_events_are_refused(status: str, event: Event) -> None:
    with pytest.raises(IllegalTransition, match=f"a {status} item cannot take '{event.value}'"):
        transition(status, event)


def test_the_docs_draw_the_lifecycle_of_the_code() -> None:
    page = (Path(__file__).parents[3] / "docs" / "review-queue.md").read_text("utf-8")
    assert f"```mermaid\n{mermaid()}\n```" in page


def test_what_an_action_is_on_each_kind() -> None:
    assert event_of(Kind.QUARANTINE, Action.ADJUST_SCORE) is Event.NOTE  # a better score does not release a hold
    assert event_of(Kind.SCORE_REVIEW, Action.ADJUST_SCORE) is Event.RESOLVE
    assert event_of(Kind.MERGE_CANDIDATE, Action.REASSIGN) is Event.ASSIGN


@pytest.mark.parametrize(("kind", "request_", "want"), [
    (Kind.MERGE_AUDIT, ActionRequest(Action.REJECT, "reviewer:kim"),
     ["'reject' is not an action on a merge_audit item (allowed: assign, reassign, split, unassign, unmerge, verify)"]),
    (Kind.QUARANTINE, ActionRequest(Action.ROUTE, "reviewer:kim", to="ROUTE_SDR"), ["route needs a note saying why"]),
    (Kind.QUARANTINE, ActionRequest(Action.ROUTE, "reviewer:kim", to="SOMEWHERE", note="x"),
     ["unknown disposition 'SOMEWHERE' (one of NURTURE_EMAIL_ONLY, REJECT, ROUTE_AE, ROUTE_SDR)"]),
    (Kind.SCORE_REVIEW, ActionRequest(Action.ADJUST_SCORE, "reviewer:kim", note="big account"),
     ["adjust_score needs a non-zero --delta POINTS"]),
    (Kind.QUARANTINE, ActionRequest(Action.VERIFY, " "), ["an actor is required"]),
    (Kind.QUARANTINE, ActionRequest(Action.ROUTE, "reviewer:kim", to="REJECT", note="spam"), []),
], ids=["not-for-this-kind", "route-without-note", "unknown-disposition", "adjust-without-points", "no-actor",
        "valid"])
def test_requests_are_checked_with_messages_a_person_can_act_on(kind: Kind, request_: ActionRequest,
                                                                want: list[str]) -> None:
    assert problems(kind, request_, dispositions=DISPOSITIONS) == want
