"""Intake of leads posted to the API: the same events and replay rules as files, plus request idempotency."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadgate_dagster.core.file_reader import record_from_mapping
from leadgate_dagster.core.intake_keys import api_lead_id, record_key
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import intake
from leadgate_dagster.store.tables import api_requests, intake_events


def accept_leads(engine: sa.Engine, items: list[Any], *, idempotency_key: str | None, source: str,
                 rules: Ruleset) -> dict[str, Any]:
    """Write one intake event per item and return the acknowledgement. Raises ValueError when the key was used
    for a different body."""
    cfg = rules.intake
    body_hash = hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()
    with engine.begin() as conn:
        if idempotency_key:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": idempotency_key})
            stored = conn.execute(sa.select(api_requests).where(api_requests.c.idempotency_key == idempotency_key)).first()
            if stored is not None:
                if stored.request_hash != body_hash:
                    raise ValueError("this Idempotency-Key was used for a different request body")
                return {**stored.response, "replayed_request": True}
        rows = []
        for index, item in enumerate(items, start=1):
            rec = record_from_mapping(item, record_no=index, max_field_chars=cfg.max_field_chars)
            src = (rec.fields.get("source") or source).strip()[:200] or source
            key, kind = record_key(src, rec.fields, rec.extra, rec.raw, rec.error)
            rows.append({"lead_id": api_lead_id(), "channel": "api", "source": src, "file_id": None,
                         "record_no": index, "payload": rec.raw, "fields": rec.fields, "extra": rec.extra,
                         "intake_codes": [*rec.codes, *([rec.error] if rec.error else [])],
                         "parse_error": rec.error, "parse_detail": rec.detail,
                         "idempotency_key": key, "key_kind": kind})
        intake.insert_events(conn, rows, replay_window_hours=cfg.replay_window_hours)
        replays = dict(conn.execute(sa.select(intake_events.c.lead_id, intake_events.c.replay_of).where(
            intake_events.c.lead_id.in_([r["lead_id"] for r in rows]))).all())
        leads = [{"lead_id": r["lead_id"], "index": r["record_no"], "replay_of": replays.get(r["lead_id"]),
                  "error": r["parse_error"]} for r in rows]
        response = {"accepted": len(rows), "lead_ids": [r["lead_id"] for r in rows], "leads": leads,
                    "idempotency_key": idempotency_key}
        if idempotency_key:
            conn.execute(pg_insert(api_requests).values(idempotency_key=idempotency_key, request_hash=body_hash,
                                                        response=response))
    return response

