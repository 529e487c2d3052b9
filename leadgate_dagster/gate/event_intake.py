"""Intake of behaviour events, through the same two doors as leads: POST /v1/events and the inbox folder.

Inbox rule: a file whose name starts with `events` (events.csv, events-2026-11-02.jsonl, Events.xlsx) holds
behaviour events, one per row, in any format the lead reader sniffs; every other file holds leads. The rule is
on the name, not the columns, so it is decided before a byte is read and a lead file can never be taken for
events because of an odd column. An event file's source is its inbox subfolder, as for leads.

Every item ends up either stored (or recognised as already stored: idempotent by event_id) or rejected with
a reason code; rejected items are kept, with their payload, in one open `events_rejected` alert per request
or file, so a broken tracker is visible and nothing is dropped silently. A revoking event (unsubscribe, sms_stop,
email_hard_bounce) becomes a suppression entry and re-decides the leads it covers in the same transaction
(gate/revocation.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import PurePath
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.behavior_events import REJECT_CODES, prepare_events
from leadgate_dagster.core.file_reader import FileRejected
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.table_file import TableRow, read_table
from leadgate_dagster.gate.api_access import Caller
from leadgate_dagster.gate.idempotent_request import Answer, answer_once, request_hash, to_json
from leadgate_dagster.gate.ingest import IngestOutcome, file_id_of, reject_registered_file
from leadgate_dagster.gate.revocation import revoke_by_events
from leadgate_dagster.store import alerts, behavior_events, intake

EVENT_FILE_PREFIX = "events"
REJECTED_ALERT = "events_rejected"


def is_event_file(name: str) -> bool:
    """Whether an inbox file holds behaviour events (its name starts with `events`, any case)."""
    return PurePath(name).name.lower().startswith(EVENT_FILE_PREFIX)


def _keep_rejected(conn: sa.Connection, subject: str, rejected: list[dict[str, Any]], total: int) -> None:
    if rejected:
        codes = sorted({r["error"] for r in rejected})
        alerts.open_alert(conn, kind=REJECTED_ALERT, subject=subject, severity="warn",
                          message=f"{len(rejected)} of {total} behaviour events rejected ({', '.join(codes)})",
                          details={"rejected": rejected, "codes": {c: REJECT_CODES[c] for c in codes}})


def accept_events(engine: sa.Engine, items: list[Any], *, caller: Caller, idempotency_key: str | None,
                  rules: Ruleset, render: Callable[[dict[str, Any]], bytes] = to_json) -> Answer:
    """Store the valid events of one request and answer for every item with `render(acknowledgement)`.
    Raises KeyReused when the key was used for a different body (as POST /v1/leads does)."""
    body_hash = request_hash(items)
    batch = prepare_events(items, default_source=caller.source, rules=rules)

    def accept(conn: sa.Connection) -> bytes:
        new = behavior_events.insert(conn, batch.rows)
        revoke_by_events(conn, batch.rows[batch.rows["event_id"].isin(new)], rules)  # unsubscribe, STOP, bounce
        _keep_rejected(conn, f"api:{body_hash[:32]}", batch.rejected, len(items))
        events = [{"index": int(r.index), "event_id": r.event_id,
                   "status": "stored" if r.event_id in new else "duplicate"} for r in batch.rows.itertuples()]
        return render({"accepted": len(events), "stored": sum(e["status"] == "stored" for e in events),
                       "rejected": len(batch.rejected), "events": events,
                       "rejections": [{k: r[k] for k in ("index", "error", "detail")} for r in batch.rejected],
                       "idempotency_key": idempotency_key})

    key = (caller.scope, "events", idempotency_key) if idempotency_key else None
    return answer_once(engine, key, body_hash, accept, status_code=202, retention_days=rules.api.idempotency_days)


def _items(rows: Iterable[TableRow]) -> Iterator[tuple[int, dict[str, str] | str]]:
    for row in rows:
        yield row.record_no, row.values if row.values is not None else (row.problem or "unreadable row")


def ingest_event_file(engine: sa.Engine, data: bytes, *, filename: str, source: str, rules: Ruleset,
                      registered: bool = False) -> IngestOutcome:
    """Register an events file by content hash (a second drop is a duplicate) and store its events in chunks.

    Args:
        registered: the file was registered earlier (a large file handed to an import run); resume it.
    """
    file_id = file_id_of(data)
    base = {"file_id": file_id, "filename": filename, "source": source, "size_bytes": len(data)}
    with engine.begin() as conn:
        if not registered and not intake.record_file(conn, {**base, "status": "importing"}):
            return IngestOutcome(file_id, "duplicate")
    chunk_rows = rules.intake.import_chunk_rows
    total = inserted = 0
    rejected: list[dict[str, Any]] = []
    try:
        rows = _items(read_table(data, filename=filename))
        while chunk := list(islice(rows, chunk_rows)):
            readable = [(n, item) for n, item in chunk if isinstance(item, dict)]
            rejected += [{"index": n, "error": "EVENT_NOT_AN_OBJECT", "detail": item, "payload": None}
                         for n, item in chunk if not isinstance(item, dict)]
            batch = prepare_events([item for _, item in readable], default_source=source, rules=rules)
            numbers = [n for n, _ in readable]
            rejected += [{**r, "index": numbers[r["index"] - 1]} for r in batch.rejected]
            with engine.begin() as conn:
                new = behavior_events.insert(conn, batch.rows)
                revoke_by_events(conn, batch.rows[batch.rows["event_id"].isin(new)], rules)
                inserted += len(new)
            total += len(chunk)
    except FileRejected as exc:
        return reject_registered_file(engine, file_id, exc)
    if total == 0:
        return reject_registered_file(engine, file_id, FileRejected("FILE_EMPTY", "the file holds no events"))
    with engine.begin() as conn:
        _keep_rejected(conn, f"file:{file_id}", sorted(rejected, key=lambda r: r["index"]), total)
        intake.mark_file_parsed(conn, file_id, record_count=total, file_format="events")
    return IngestOutcome(file_id, "parsed", records=total, inserted=inserted)
