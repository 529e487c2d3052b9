"""The one place a person's CRM record is built: from the current disposition row of the lead that speaks for
the person, that lead's fields and the person's golden record (`store/crm_outbox.person_states` reads them in
one row). Every column of the disposition row is there, so fields a later change adds (the routing owner, the
account, a task or meeting link) are picked up here by name.

A person's record says whether sales may act on it: `do_not_contact` is true, and the owner and account are
cleared, when its decision is no longer a handoff disposition (held, rejected) or no channel is allowed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadgate_dagster.core.rules.crm import CRM, CrmRules

# contact fields from the golden record first, else from the lead: field -> column of the lead
IDENTITY_FIELDS = {"email": "email_normalized", "first_name": "first_name", "last_name": "last_name",
                   "phone": "phone_e164", "company": "company", "job_title": "job_title", "city": "city",
                   "country": "country"}
# what routing adds to a disposition; cleared when the person may no longer be contacted
OWNER_FIELDS = ("owner_email", "owner_rule", "account_id", "account_match")
# a task or meeting link from routing, sent to the CRM's tasks endpoint with the contact
TASK_FIELDS = ("task_subject", "task_due_at", "meeting_link")


@dataclass(frozen=True, slots=True)
class Task:
    key: str  # stable for the same task of the same person: a re-send upserts it, never a second task
    subject: str
    due_at: str
    meeting_link: str
    owner_email: str


@dataclass(frozen=True, slots=True)
class Contact:
    """What one delivery sends for one person."""

    person_id: str
    seq: int  # the highest outbox row this state covers
    destination: str
    crm_id: str | None  # the record to update, once the CRM gave one; else it is upserted by email
    email: str | None
    fields: dict[str, str]  # contact field -> value (the webhook's body)
    properties: dict[str, str]  # CRM property -> value (crm.properties applied)
    tasks: tuple[Task, ...]

    @property
    def missing_key(self) -> bool:
        """The CRM can neither update it (no id) nor upsert it (no email): HANDOFF_NO_EMAIL."""
        return self.destination == CRM and not self.crm_id and not self.email


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None, NaN
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)  # HubSpot's multi-value separator
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def do_not_contact(row: Mapping[str, Any], rules: CrmRules) -> bool:
    return row.get("disposition") not in rules.handoff_dispositions or not list(row.get("allowed_channels") or [])


def destination_of(row: Mapping[str, Any], rules: CrmRules) -> str:
    """Where the person's record lives: where it was delivered before, else by disposition, source, default."""
    if row.get("link_destination"):
        return str(row["link_destination"])
    routes = rules.destinations
    return (routes.by_disposition.get(row.get("disposition"))  # type: ignore[call-overload]
            or routes.by_source.get(str(row.get("source") or "")) or routes.default)


def build_contact(row: Mapping[str, Any], rules: CrmRules) -> Contact:
    """A person's record from its state row.

    Args:
        row: the person's state: `person_id`, `seq`, `crm_id` and `link_destination` (of its link, if any),
            `golden` (field -> value), the lead's IDENTITY_FIELDS columns and `source`, and every column of the
            lead's current disposition (OWNER_FIELDS and TASK_FIELDS when routing has set them).
        rules: the ruleset's `crm` section.

    Returns:
        The contact, with its fields named as the CRM names them.
    """
    golden = row.get("golden") or {}
    fields = {name: _text(golden.get(name) or row.get(column)) for name, column in IDENTITY_FIELDS.items()}
    blocked = do_not_contact(row, rules)
    fields |= {
        "person_id": _text(row["person_id"]), "lead_id": _text(row.get("lead_id")), "source": _text(row.get("source")),
        "disposition": _text(row.get("disposition")), "score": _text(row.get("score")),
        "priority_score": _text(row.get("priority_score")), "engagement_score": _text(row.get("engagement_score")),
        "reason_codes": _text(list(row.get("reason_codes") or [])),
        "allowed_channels": _text(sorted(row.get("allowed_channels") or [])), "do_not_contact": _text(blocked),
        "decided_at": _text(row.get("decided_at")), "ruleset_version": _text(row.get("ruleset_version")),
        "sync_seq": _text(int(row["seq"])),
        **{name: "" if blocked else _text(row.get(name)) for name in OWNER_FIELDS},
    }
    properties = {rules.properties[name]: value for name, value in fields.items() if rules.properties.get(name)}
    return Contact(person_id=str(row["person_id"]), seq=int(row["seq"]), destination=destination_of(row, rules),
                   crm_id=_text(row.get("crm_id")) or None, email=fields["email"].lower() or None, fields=fields,
                   properties=properties, tasks=() if blocked else _tasks(row, fields))


def _tasks(row: Mapping[str, Any], fields: Mapping[str, str]) -> tuple[Task, ...]:
    subject, due, link = (_text(row.get(name)) for name in TASK_FIELDS)
    if not (subject or link):
        return ()
    key = hashlib.sha256("\x1f".join([fields["person_id"], subject, due, link]).encode()).hexdigest()[:24]
    return (Task(key=key, subject=subject or "Meeting", due_at=due, meeting_link=link,
                 owner_email=fields["owner_email"]),)
