"""Turn a lead file into durable intake events: read once, register by content hash, insert idempotently.

Columns that map to no lead field are carried along unread; so that a renamed export column (a consent column
headed "Opted In?" before any synonym knew it) cannot lose its data without a word, each file's unmapped
columns open an `unmapped_columns` alert, one open per source and column set, and are returned for the
inbox file's materialization.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.file_reader import (
    FileInfo,
    FileRejected,
    ParsedRecord,
    count_records,
    read_lead_file,
)
from leadgate_dagster.core.header_rules import header_rules
from leadgate_dagster.core.intake_keys import file_lead_id
from leadgate_dagster.core.intake_rows import intake_event_row
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import alerts, intake

UNMAPPED_ALERT = "unmapped_columns"


@dataclass(frozen=True)
class IngestOutcome:
    file_id: str
    status: str  # parsed | rejected | duplicate | deferred
    records: int = 0
    inserted: int = 0
    error_code: str | None = None
    error_detail: str | None = None
    unmapped: tuple[str, ...] = ()


def file_id_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def register_large_file(engine: sa.Engine, path: Path, *, source: str) -> IngestOutcome:
    """Register a file too big to read in a sensor tick: hashed in a stream, parsed later by an import run."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    file_id = digest.hexdigest()
    with engine.begin() as conn:
        new = intake.record_file(conn, {"file_id": file_id, "filename": path.name, "source": source,
                                        "size_bytes": path.stat().st_size, "status": "importing"})
    return IngestOutcome(file_id, "deferred" if new else "duplicate")


def reject_registered_file(engine: sa.Engine, file_id: str, exc: FileRejected) -> IngestOutcome:
    with engine.begin() as conn:
        intake.mark_file_rejected(conn, file_id, error_code=exc.code, error_detail=exc.detail)
    return IngestOutcome(file_id, "rejected", error_code=exc.code, error_detail=exc.detail)


def _flag_unmapped(conn: sa.Connection, info: FileInfo, *, file_id: str, filename: str, source: str) -> None:
    if info.unmapped:
        columns = ", ".join(info.unmapped)
        alerts.open_alert(conn, kind=UNMAPPED_ALERT, subject=f"{source}: {columns}", severity="warn",
                          message=f"{filename} ({source}): columns that map to no lead field, kept in extra "
                                  f"and not used: {columns}",
                          details={"source": source, "columns": info.unmapped, "file": filename,
                                   "file_id": file_id})


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def ingest_bytes(
    engine: sa.Engine, data: bytes, *, filename: str, source: str, rules: Ruleset, defer_above: int | None = None
) -> IngestOutcome:
    """Register and parse one file. Files over `defer_above` records are registered as `importing` and left
    to `import_registered_file` (a run), so a sensor tick never parses a huge file."""
    file_id = file_id_of(data)
    base = {"file_id": file_id, "filename": filename, "source": source, "size_bytes": len(data)}
    with engine.begin() as conn:
        if intake.file_seen(conn, file_id):
            return IngestOutcome(file_id, "duplicate")
    headers = header_rules(rules, source)
    try:
        info, records = read_lead_file(data, filename=filename, max_field_chars=rules.intake.max_field_chars,
                                       headers=headers)
        if defer_above is not None and count_records(data, filename=filename, headers=headers) > defer_above:
            with engine.begin() as conn:
                intake.record_file(conn, {**base, "format": info.format, "encoding": info.encoding,
                                          "status": "importing"})
                _flag_unmapped(conn, info, file_id=file_id, filename=filename, source=source)
            return IngestOutcome(file_id, "deferred", unmapped=tuple(info.unmapped))
    except FileRejected as exc:
        with engine.begin() as conn:
            intake.record_file(conn, {**base, "status": "rejected", "error_code": exc.code,
                                      "error_detail": exc.detail})
        return IngestOutcome(file_id, "rejected", error_code=exc.code, error_detail=exc.detail)
    with engine.begin() as conn:
        if not intake.record_file(conn, {**base, "format": info.format, "encoding": info.encoding,
                                         "status": "importing"}):
            return IngestOutcome(file_id, "duplicate")
        _flag_unmapped(conn, info, file_id=file_id, filename=filename, source=source)
    return _insert_records(engine, file_id, records, info, source=source, rules=rules)


def import_registered_file(engine: sa.Engine, data: bytes, *, filename: str, source: str,
                           rules: Ruleset) -> IngestOutcome:
    """Parse a registered (deferred) file in chunks; safe to re-run after a crash (inserts are idempotent).
    A file that turns out unreadable is marked rejected with its reason, like one read in a sensor tick."""
    file_id = file_id_of(data)
    try:
        info, records = read_lead_file(data, filename=filename, max_field_chars=rules.intake.max_field_chars,
                                       headers=header_rules(rules, source))
    except FileRejected as exc:
        return reject_registered_file(engine, file_id, exc)
    with engine.begin() as conn:
        _flag_unmapped(conn, info, file_id=file_id, filename=filename, source=source)
    return _insert_records(engine, file_id, records, info, source=source, rules=rules)


def _insert_records(engine: sa.Engine, file_id: str, records: Iterable[ParsedRecord], info: FileInfo, *,
                    source: str, rules: Ruleset) -> IngestOutcome:
    cfg = rules.intake
    total = inserted = 0
    rows = (intake_event_row(r, lead_id=file_lead_id(file_id, r.record_no), channel="file", file_id=file_id,
                             default_source=source) for r in records)
    for chunk in _chunks(rows, cfg.import_chunk_rows):
        with engine.begin() as conn:
            inserted += intake.insert_events(conn, chunk, replay_window_hours=cfg.replay_window_hours)
        total += len(chunk)
    with engine.begin() as conn:
        if total == 0:
            intake.mark_file_rejected(conn, file_id, error_code="FILE_EMPTY",
                                      error_detail="the file holds no records", record_count=0)
            return IngestOutcome(file_id, "rejected", error_code="FILE_EMPTY",
                                 error_detail="the file holds no records")
        intake.mark_file_parsed(conn, file_id, record_count=total)
    return IngestOutcome(file_id, "parsed", records=total, inserted=inserted, unmapped=tuple(info.unmapped))
