"""Intake of leads posted to the API: the same events and replay rules as files, plus request idempotency and
the inline verdict a form can correct itself with."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.file_reader import ParsedRecord, record_from_mapping
from leadgate_dagster.core.header_rules import header_rules
from leadgate_dagster.core.intake_keys import api_lead_id
from leadgate_dagster.core.intake_rows import intake_event_row
from leadgate_dagster.core.intake_verdict import lead_verdicts
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.api_access import OPEN, Caller
from leadgate_dagster.gate.idempotent_request import Answer, answer_once, request_hash, to_json
from leadgate_dagster.store import intake

log = logging.getLogger(__name__)


def accept_leads(engine: sa.Engine, items: list[Any], *, caller: Caller, idempotency_key: str | None,
                 rules: Ruleset, render: Callable[[dict[str, Any]], bytes] = to_json) -> Answer:
    """Write one intake event per item and answer with `render(acknowledgement)`, each lead with its verdict,
    stored under the caller's Idempotency-Key. Raises KeyReused when the key was used for a different body."""
    cfg = rules.intake
    headers = header_rules(rules, caller.source)
    fixed = None if caller.scope == OPEN else {"source": caller.source, "partner_id": caller.partner_id}
    records = [record_from_mapping(item, record_no=index, max_field_chars=cfg.max_field_chars, headers=headers)
               for index, item in enumerate(items, start=1)]
    # computed before the transaction: the intake lock is held only for the writes
    verdicts = _verdicts(records, rules)

    def accept(conn: sa.Connection) -> bytes:
        rows = [intake_event_row(rec, lead_id=api_lead_id(), channel="api", file_id=None,
                                 default_source=caller.source, fixed=fixed) for rec in records]
        intake.insert_events(conn, rows, replay_window_hours=cfg.replay_window_hours)
        replays = intake.replays_of(conn, [r["lead_id"] for r in rows])
        leads = [{"lead_id": r["lead_id"], "index": r["record_no"], "replay_of": replays.get(r["lead_id"]),
                  "error": r["parse_error"], "verdict": verdict} for r, verdict in zip(rows, verdicts, strict=True)]
        return render({"accepted": len(rows), "lead_ids": [r["lead_id"] for r in rows], "leads": leads,
                       "idempotency_key": idempotency_key})

    key = (caller.scope, "leads", idempotency_key) if idempotency_key else None
    return answer_once(engine, key, request_hash(items), accept, status_code=202,
                       retention_days=rules.api.idempotency_days)


def _verdicts(records: list[ParsedRecord], rules: Ruleset) -> list[dict[str, Any] | None]:
    """The verdicts as JSON (the answer is stored for Idempotency-Key replays). The verdict is a courtesy to
    the form: should the engine ever fail on an input, the leads are still stored and answered (verdict null)
    and the pipeline judges them as always."""
    try:
        return [v.model_dump(mode="json") for v in lead_verdicts(records, rules=rules)]
    except Exception:
        log.exception("inline verdict failed for %d posted lead(s); answering without it", len(records))
        return [None] * len(records)
