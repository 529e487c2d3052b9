"""One page of a lead-source API read into intake events, and where the next page starts.

Every item becomes an event: an object with the source's id is a lead keyed by that id (its `external_id`,
so the intake idempotency key is the source's, and its lead id derived from it, so a repeat is never inserted
twice); an object without a usable id, or anything that is not an object, is kept as an unparseable event
with its reason code, and never holds the feed back. Only an answer that is not a page at all (no item list
where the spec says) is refused whole, so the cursor stays where it was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from leadgate_dagster.core.file_reader import ParsedRecord, record_from_mapping
from leadgate_dagster.core.header_rules import HeaderRules
from leadgate_dagster.core.intake_keys import polled_lead_id
from leadgate_dagster.core.intake_rows import intake_event_row
from leadgate_dagster.core.lead_sources import CursorPaging, LeadSourceSpec

CHANNEL = "poll"
NO_ID = "SOURCE_ID_MISSING"
_MISSING = object()


class PageError(ValueError):
    """The answer is not a page of this source's shape; nothing of it is stored."""


@dataclass(frozen=True, slots=True)
class PolledPage:
    rows: list[dict[str, Any]]  # one intake event per distinct item
    received: int  # items in the answer, repeats included
    next_position: str | None  # where the next request starts
    more: bool  # another page is waiting now
    stalled: str | None = None  # a full page that cannot move the position: why


def at_path(body: Any, path: str) -> Any:
    """The value at a dotted path of nested objects ("" is `body` itself); `_MISSING` when absent."""
    for key in filter(None, path.split(".")):
        if not isinstance(body, dict) or key not in body:
            return _MISSING
        body = body[key]
    return body


def _scalar(value: Any) -> str | None:
    """A cursor, since value or id as text; None for anything that cannot be one (null, "", a bool, a list)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value).strip()
    return text or None


def first_position(spec: LeadSourceSpec) -> str | None:
    """Where a source's feed is read from before its cursor holds anything."""
    return None if isinstance(spec.pagination, CursorPaging) else spec.pagination.start


def request_params(spec: LeadSourceSpec, position: str | None) -> dict[str, str]:
    """The query of the request for the page at `position`."""
    params = dict(spec.params)
    if spec.page_size_param:
        params[spec.page_size_param] = str(spec.page_size)
    if position is not None:
        params[spec.pagination.param] = position
    return params


def _record(item: Any, index: int, spec: LeadSourceSpec, headers: HeaderRules,
            max_field_chars: int) -> tuple[ParsedRecord, str]:
    """The item's record and lead id: keyed by the source's id, else by its content."""
    rec = record_from_mapping(item, record_no=index, max_field_chars=max_field_chars, headers=headers)
    source_id = _scalar(at_path(item, spec.id_field)) if isinstance(item, dict) else None
    if source_id is None:
        content = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
        lead_id = polled_lead_id(spec.name, "content:" + hashlib.sha256(content.encode("utf-8", "surrogatepass"))
                                 .hexdigest())
        if rec.error is None:
            found = at_path(item, spec.id_field)
            rec = replace(rec, error=NO_ID, detail=f"no usable id at {spec.id_field!r} "
                                                   f"({'absent' if found is _MISSING else json.dumps(found)[:80]})")
    else:
        lead_id = polled_lead_id(spec.name, "id:" + source_id)
        rec = replace(rec, fields={**rec.fields, "external_id": source_id})
    # the configured name is the source: an item cannot file itself under another (its own value stays in
    # the payload)
    return replace(rec, fields={**rec.fields, "source": spec.name}), lead_id


def read_page(body: Any, spec: LeadSourceSpec, *, position: str | None, headers: HeaderRules,
              max_field_chars: int) -> PolledPage:
    """Read one answer of `spec`'s API, asked at `position`.

    Args:
        body: the decoded JSON answer.
        spec: the source.
        position: the cursor or since value the page was asked for (None: the feed's start).
        headers: the source's header rules (ruleset `intake.header_map` and the synonyms).
        max_field_chars: the ruleset's bound on a field's length.

    Returns:
        The page's intake events (first of each lead id), counts and the next position.

    Raises:
        PageError: no list of items at `items_path`, or a next cursor that is not a value.
    """
    items = at_path(body, spec.items_path)
    if not isinstance(items, list):
        found = "nothing" if items is _MISSING else f"a JSON {type(items).__name__}"
        raise PageError(f"expected a list of items at {spec.items_path or 'the top level'!r}, found {found}")
    rows: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(items, start=1):
        rec, lead_id = _record(item, index, spec, headers, max_field_chars)
        rows.setdefault(lead_id, intake_event_row(rec, lead_id=lead_id, channel=CHANNEL, file_id=None,
                                                  default_source=spec.name))
    paging = spec.pagination
    if isinstance(paging, CursorPaging):
        raw_next = at_path(body, paging.next_path)
        following = None if raw_next is _MISSING else _scalar(raw_next)
        if following is None and not (raw_next is _MISSING or raw_next is None or isinstance(raw_next, str)):
            raise PageError(f"the next cursor at {paging.next_path!r} is a JSON {type(raw_next).__name__}")
        if following is not None and following != position:
            return PolledPage(list(rows.values()), len(items), following, more=True)
        return PolledPage(list(rows.values()), len(items), position, more=False)
    seen = [v for item in items if isinstance(item, dict) and (v := _scalar(at_path(item, paging.field)))]
    last = seen[-1] if seen else position
    full = len(items) >= spec.page_size
    stalled = (f"a full page of {len(items)} items did not move {paging.field} past {position!r}; raise "
               f"page_size" if full and last == position else None)
    return PolledPage(list(rows.values()), len(items), last, more=full and not stalled, stalled=stalled)
