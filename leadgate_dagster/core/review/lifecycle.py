"""The one lifecycle of a review item, as a state machine: the states, the events and the allowed transitions.

    open --assign--> in_progress --resolve--> resolved
    open/in_progress --expire--> expired (at the TTL, with the ruleset's expiry disposition for a held lead)

Escalation (at the SLA) and a fallback that keeps the lead held are marks on an open item, not states: the
item stays where it is, with `escalated_at` / `fallback_taken_at` set, and still waits for a person. Resolved
and expired are final. docs/review-queue.md draws the same table (a test keeps the two equal).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    EXPIRED = "expired"


class Event(StrEnum):
    ASSIGN = "assign"  # a person takes the item (or it is handed to another: reassign)
    UNASSIGN = "unassign"
    NOTE = "note"  # an action that changes the lead but leaves the item waiting (a score adjustment on a hold)
    ESCALATE = "escalate"  # the SLA passed: priority bump, one alert per kind and source
    HOLD = "hold"  # the fallback time passed and the reason family's fallback keeps the lead held
    RESOLVE = "resolve"  # a person's verdict, a fallback that decides, or the lead decided again elsewhere
    EXPIRE = "expire"  # the TTL passed


_OPEN = (Status.OPEN, Status.IN_PROGRESS)  # ordered: the diagram is generated from the table
OPEN_STATUSES = frozenset(_OPEN)

TRANSITIONS: dict[tuple[Status, Event], Status] = {
    (Status.OPEN, Event.ASSIGN): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, Event.ASSIGN): Status.IN_PROGRESS,
    (Status.IN_PROGRESS, Event.UNASSIGN): Status.OPEN,
    **{(s, e): s for s in _OPEN for e in (Event.NOTE, Event.ESCALATE, Event.HOLD)},
    **{(s, Event.RESOLVE): Status.RESOLVED for s in _OPEN},
    **{(s, Event.EXPIRE): Status.EXPIRED for s in _OPEN},
}


class IllegalTransition(ValueError):
    """An event the item's state does not allow (acting on a closed item, unassigning an open one)."""


def transition(status: Status | str, event: Event) -> Status:
    """The state after `event`; raises IllegalTransition when the lifecycle does not allow it."""
    current = Status(status)
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalTransition(f"a {current.value} item cannot take '{event.value}'") from None


def mermaid() -> str:
    """The transition table as a Mermaid state diagram (what docs/review-queue.md shows)."""
    lines = ["stateDiagram-v2", "    [*] --> open"]
    for (source, event), target in TRANSITIONS.items():
        lines.append(f"    {source.value} --> {target.value}: {event.value}")
    lines += [f"    {s.value} --> [*]" for s in (Status.RESOLVED, Status.EXPIRED)]
    return "\n".join(lines)
