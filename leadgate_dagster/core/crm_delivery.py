"""What became of a person's delivery, what it means for the outbox, and how the records of merged persons are
merged in the CRM. Pure: the destinations (providers/crm.py, providers/crm_webhook.py) report outcomes, the
store records them, this module decides between the two."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from leadgate_dagster.core.rules.crm import CrmRules


class Outcome(StrEnum):
    CREATED = "created"  # the CRM made a new record
    UPDATED = "updated"  # an existing record (by id or by email) took the new state
    DELIVERED = "delivered"  # a webhook answered 2xx
    RETRY = "retry"  # 429 / 5xx / timeout / transport error / malformed answer: the next drain tries again
    SCHEMA_MISMATCH = "schema_mismatch"  # a 4xx other than 429: CRM_SCHEMA_MISMATCH, not retried
    NOT_FOUND = "not_found"  # the linked record is gone from the CRM: upsert by email next
    NO_EMAIL = "no_email"  # neither a CRM id nor an email: HANDOFF_NO_EMAIL


SENT = frozenset({Outcome.CREATED, Outcome.UPDATED, Outcome.DELIVERED})
# outcome -> the reason code of the handoff_exception item it files at once
EXCEPTION_CODES = {Outcome.SCHEMA_MISMATCH: "CRM_SCHEMA_MISMATCH", Outcome.NO_EMAIL: "HANDOFF_NO_EMAIL"}
FAILED_CODE = "HANDOFF_FAILED"
MERGE_REFUSED_CODE = "CRM_MERGE_REFUSED"
# what a delivered record settles (a refused merge is settled only by the merge)
RECORD_CODES = (*EXCEPTION_CODES.values(), FAILED_CODE)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One person's outcome in a call."""

    person_id: str
    outcome: Outcome
    crm_id: str | None = None
    http_status: int | None = None
    message: str = ""


@dataclass(frozen=True, slots=True)
class MergeStep:
    """Merge `other` (the CRM record of an absorbed person) into `primary`."""

    survivor: str
    primary: str
    other: str
    absorbed: str


def plan_merges(survivor: str, absorbed: Sequence[str], links: Mapping[str, str]) -> tuple[str | None, list[MergeStep]]:
    """The record the survivor keeps and the CRM merges that get it there.

    Args:
        survivor: the surviving person.
        absorbed: the persons merged into it since its last delivery, oldest first.
        links: person -> CRM id, for those of them that have a record.

    Returns:
        (the survivor's CRM id afterwards: its own record, else the first absorbed person's; None when none of
        them has one), and a merge per other distinct record.
    """
    owners = [p for p in (survivor, *absorbed) if links.get(p)]
    if not owners:
        return None, []
    primary = links[owners[0]]
    steps, seen = [], {primary}
    for person in owners[1:]:
        if links[person] not in seen:
            seen.add(links[person])
            steps.append(MergeStep(survivor=survivor, primary=primary, other=links[person], absorbed=person))
    return primary, steps


def next_attempt(attempts: int, now: datetime, rules: CrmRules) -> datetime:
    """When a person whose drain failed for the `attempts`-th time is tried again."""
    wait = min(rules.redelivery_backoff_s * 2 ** max(attempts - 1, 0), rules.redelivery_backoff_max_s)
    return now + timedelta(seconds=wait)


def exhausted(attempts: int, rules: CrmRules) -> bool:
    """The retry budget is spent: HANDOFF_FAILED."""
    return attempts >= rules.delivery_attempts
