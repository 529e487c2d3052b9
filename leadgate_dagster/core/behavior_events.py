"""Behaviour events (page views, email clicks, demo requests) as received from the API or an events file.

Each item is validated on its own, so one bad event never costs the others: a valid one becomes a row
for `behavior_events`, an invalid one is kept with its reason code and detail (EVENT_* below). An event
names its lead by `lead_id` or by `email` (joined to leads through the email identity key, so
"J.Doe+news@gmail.com" reaches the lead who typed "jdoe@gmail.com"). `event_id` is the sender's id; without
one, a hash of what the event says, so a re-sent event is stored once either way.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.validation.config import validation_config
from leadgate_dagster.core.validation.email import email_checker

# why an event was not stored (the event is kept in the answer / alert with one of these)
REJECT_CODES = {
    "EVENT_NOT_AN_OBJECT": "The item is not a JSON object (or the row could not be read).",
    "EVENT_INVALID": "A field is missing or malformed (event_type and occurred_at are required).",
    "EVENT_NO_LEAD_KEY": "The event names no lead: neither lead_id nor a usable email address.",
    "EVENT_IN_FUTURE": "occurred_at lies further in the future than the ruleset tolerates (clock trouble).",
}
ROW_COLUMNS = ("event_id", "lead_id", "email_key", "event_type", "occurred_at", "source", "payload")


class BehaviorEventIn(BaseModel):
    """One behaviour event. Unknown fields are kept in the stored payload."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    event_id: str | None = Field(None, max_length=200, description="the sender's id; the idempotency key")
    lead_id: str | None = Field(None, max_length=200, description="the lead, as returned by POST /v1/leads")
    email: str | None = Field(None, max_length=320, description="or the address the lead gave")
    event_type: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$",
                            validation_alias=AliasChoices("event_type", "type", "event"),
                            description="page_view, email_click, pricing_visit, demo_request, ...")
    occurred_at: datetime = Field(..., validation_alias=AliasChoices("occurred_at", "timestamp", "ts"),
                                  description="ISO 8601 (no offset: UTC) or Unix seconds")
    source: str | None = Field(None, max_length=200, description="default: the request's or file's source")

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("event_id", "lead_id", mode="before")
    @classmethod
    def _number_is_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("event_type")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class EventBatch:
    """Valid events as rows (ROW_COLUMNS plus `index`, the item's position from 1) and the rejected items."""

    rows: pd.DataFrame
    rejected: list[dict[str, Any]] = field(default_factory=list)


def _errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'event'}: {e['msg']}" for e in exc.errors())


def _hash_id(source: str, lead_id: str | None, email_key: str | None, event_type: str, at: datetime) -> str:
    body = json.dumps([source.lower(), lead_id, email_key, event_type, at.isoformat()])
    return "sha256:" + hashlib.sha256(body.encode()).hexdigest()[:40]


def email_keys(emails: pd.Series, rules: Ruleset) -> pd.Series:
    """The email identity key per address (None when the address is invalid), computed per distinct value."""
    checker = email_checker(validation_config(rules))
    keys = {e: checker.check(e).key for e in emails.dropna().unique()}
    return emails.map(keys)


def prepare_events(items: list[Any], *, default_source: str, rules: Ruleset,
                   now: datetime | None = None) -> EventBatch:
    """Validate a list of items (API body or file rows) into event rows and rejections.

    Args:
        items: JSON objects (or row dicts of strings); anything else is rejected as EVENT_NOT_AN_OBJECT.
        default_source: the source of events that do not name one (the API's X-Lead-Source, the inbox folder).
        rules: the active ruleset (`scoring.engagement.future_tolerance_hours`, email key rules).
        now: the reference time for the future check; None means now.

    Returns:
        EventBatch; every item is in exactly one of `rows` and `rejected` (index, error, detail, payload).
    """
    tolerance = timedelta(hours=rules.scoring.engagement.future_tolerance_hours)
    latest = (now or datetime.now(UTC)) + tolerance
    parsed: list[tuple[int, BehaviorEventIn, Any]] = []
    rejected: list[dict[str, Any]] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            rejected.append({"index": index, "error": "EVENT_NOT_AN_OBJECT",
                             "detail": f"a JSON {type(item).__name__}, not an object", "payload": item})
            continue
        try:
            event = BehaviorEventIn.model_validate(item)
        except ValidationError as exc:
            rejected.append({"index": index, "error": "EVENT_INVALID", "detail": _errors(exc), "payload": item})
            continue
        if event.occurred_at > latest:
            rejected.append({"index": index, "error": "EVENT_IN_FUTURE",
                             "detail": f"occurred_at {event.occurred_at.isoformat()} is after {latest.isoformat()}",
                             "payload": item})
            continue
        parsed.append((index, event, item))
    keys = email_keys(pd.Series([e.email for _, e, _ in parsed], dtype=object), rules).tolist()
    rows = []
    for (index, event, item), email_key in zip(parsed, keys, strict=True):
        if event.lead_id is None and email_key is None:
            detail = f"email {event.email!r} is not a valid address" if event.email else "no lead_id or email"
            rejected.append({"index": index, "error": "EVENT_NO_LEAD_KEY", "detail": detail, "payload": item})
            continue
        source = event.source or default_source
        event_id = event.event_id or _hash_id(source, event.lead_id, email_key, event.event_type, event.occurred_at)
        rows.append({"index": index, "event_id": event_id, "lead_id": event.lead_id, "email_key": email_key,
                     "event_type": event.event_type, "occurred_at": event.occurred_at, "source": source,
                     "payload": json.loads(json.dumps(item, default=str))})
    frame = pd.DataFrame(rows, columns=["index", *ROW_COLUMNS])
    return EventBatch(frame, sorted(rejected, key=lambda r: r["index"]))
