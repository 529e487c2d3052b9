"""The intake event of one parsed record, built the same way for a file's records and the API's items, so
both doors key, code and attribute a record alike (and a replay across them is recognised)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from leadgate_dagster.core.file_reader import ParsedRecord
from leadgate_dagster.core.intake_keys import record_key


def intake_event_row(rec: ParsedRecord, *, lead_id: str, channel: str, file_id: str | None,
                     default_source: str, fixed: Mapping[str, str | None] | None = None) -> dict[str, Any]:
    """The `intake_events` row of `rec`; its own `source` field, if any, wins over `default_source`.

    `fixed` fields (an API key's source and partner) win over the record's own: a value the record claimed
    instead is kept in `extra` as `claimed_<field>`, never silently replaced."""
    if fixed:
        rec = _with_fixed(rec, fixed)
    source = (rec.fields.get("source") or default_source).strip()[:200] or default_source
    key, kind = record_key(source, rec.fields, rec.extra, rec.raw, rec.error)
    codes = list(rec.codes) + ([rec.error] if rec.error else [])
    return {
        "lead_id": lead_id, "channel": channel, "source": source,
        "file_id": file_id, "record_no": rec.record_no, "payload": rec.raw, "fields": rec.fields,
        "extra": rec.extra, "intake_codes": codes, "parse_error": rec.error, "parse_detail": rec.detail,
        "idempotency_key": key, "key_kind": kind,
    }


def _with_fixed(rec: ParsedRecord, fixed: Mapping[str, str | None]) -> ParsedRecord:
    fields, extra = dict(rec.fields), dict(rec.extra)
    for name, value in fixed.items():
        claimed = fields.pop(name, None)
        if claimed and claimed != value:
            extra[f"claimed_{name}"] = claimed
        if value:
            fields[name] = value
    return replace(rec, fields=fields, extra=extra)
