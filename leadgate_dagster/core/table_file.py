"""Side files that are not lead files (behaviour events, suppression lists, outcomes) read as plain rows.

They go through the same format and encoding sniffing as lead files (CSV/TSV in any encoding, JSON lines,
JSON arrays, XLSX), but their header is simply the first row: their columns are not lead fields, so the
lead schema's synonyms must not rename or reject them. Header names are folded to snake_case
("Event Type" -> "event_type").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from leadgate_dagster.core.file_decoding import FileRejected
from leadgate_dagster.core.file_formats import open_source

_NOT_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class TableRow:
    """One record: its number (from 1), its values by folded header, or why it could not be read."""

    record_no: int
    values: dict[str, str] | None
    problem: str | None = None


def fold_header(name: str) -> str:
    """"Event Type " -> "event_type"; "occurredAt" stays "occurredat" (no camel-case guessing)."""
    return _NOT_WORD.sub("_", name.strip().lower()).strip("_")


def read_table(data: bytes, *, filename: str) -> Iterator[TableRow]:
    """Rows of a side file, numbered from 1; blank rows are skipped, unreadable ones kept with a problem.

    Raises:
        FileRejected: when the file cannot be read at all (empty, binary, unsupported), raised by the
            first `next()`, before any row is yielded.
    """
    source = open_source(data, filename)
    header: list[str] | None = None
    record_no = 0
    for row in source.rows:
        if source.tabular:
            if row.cells is None:
                if header is None:
                    raise FileRejected("FILE_NO_HEADER", f"{row.where}: the header row cannot be read")
                record_no += 1
                yield TableRow(record_no, None, row.problem or f"{row.where}: unreadable row")
                continue
            if header is None:
                header = [fold_header(c) or f"column_{i}" for i, c in enumerate(row.cells, 1)]
                continue
            if not any(c.strip() for c in row.cells):
                continue
            record_no += 1
            yield TableRow(record_no, {k: v.strip() for k, v in zip(header, row.cells, strict=False)})
        else:
            record_no += 1
            if row.values is None:
                yield TableRow(record_no, None, row.problem or f"{row.where}: unreadable record")
            else:
                yield TableRow(record_no, {fold_header(k): v.strip() for k, v in row.values.items()})
    if header is None and source.tabular:
        raise FileRejected("FILE_EMPTY", "the file holds no rows")
