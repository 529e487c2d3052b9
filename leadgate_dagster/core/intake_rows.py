"""The intake event of one parsed record, built the same way for a file's records and the API's items, so
both doors key, code and attribute a record alike (and a replay across them is recognised)."""

from __future__ import annotations

from typing import Any

from leadgate_dagster.core.file_reader import ParsedRecord
from leadgate_dagster.core.intake_keys import record_key


def intake_event_row(rec: ParsedRecord, *, lead_id: str, channel: str, file_id: str | None,
                     default_source: str) -> dict[str, Any]:
    """The `intake_events` row of `rec`; its own `source` field, if any, wins over `default_source`."""
    source = (rec.fields.get("source") or default_source).strip()[:200] or default_source
    key, kind = record_key(source, rec.fields, rec.extra, rec.raw, rec.error)
    codes = list(rec.codes) + ([rec.error] if rec.error else [])
    return {
        "lead_id": lead_id, "channel": channel, "source": source,
        "file_id": file_id, "record_no": rec.record_no, "payload": rec.raw, "fields": rec.fields,
        "extra": rec.extra, "intake_codes": codes, "parse_error": rec.error, "parse_detail": rec.detail,
        "idempotency_key": key, "key_kind": kind,
    }
