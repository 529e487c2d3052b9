"""Read a lead file of any common shape into records with cleaned canonical fields.

Intake must never lose a row and never crash on one: a file is either rejected as a whole with a
FILE_* code (`FileRejected`), or every record in it comes back, in input order, with warning codes for
what was repaired and an error code for what cannot be used. The original values are kept in `raw`
(NULs escaped so Postgres JSONB accepts them); `fields` holds the cleaned values the gate works on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

import pandas as pd

from leadgate_dagster.core.export_safety import looks_like_formula
from leadgate_dagster.core.file_decoding import FileRejected
from leadgate_dagster.core.file_formats import Source, SourceRow, open_source
from leadgate_dagster.core.file_json import _json_row, replace_surrogates
from leadgate_dagster.core.file_xlsx import count_xlsx_rows
from leadgate_dagster.core.header_rules import HeaderRules
from leadgate_dagster.core.lead_schema import CANONICAL_FIELDS, EMAIL_OPT_OUT, map_headers

__all__ = ["FileInfo", "FileRejected", "ParsedRecord", "count_records", "read_lead_file",
           "record_from_mapping", "records_to_dataframe"]

_EDGE_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters that str.strip() keeps
_HEADER_SEARCH_ROWS = 10  # exports such as Salesforce reports put a title block above the header
_FORMULA_HEADS = "=+-@"


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """One input record: the original values, the cleaned canonical fields and what was found."""

    record_no: int
    raw: dict[str, str]
    fields: dict[str, str]
    extra: dict[str, str]
    codes: tuple[str, ...]
    error: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class FileInfo:
    """What the reader recognised: format, encoding and the header with its canonical mapping."""

    format: str
    encoding: str | None
    headers: list[str]
    mapping: list[str | None]

    @property
    def unmapped(self) -> list[str]:
        """The columns that map to no lead field: carried along in `extra`, never read by the gate."""
        return [h for h, f in zip(self.headers, self.mapping, strict=True) if f is None]


def read_lead_file(
    data: bytes, *, filename: str, max_field_chars: int = 4096, headers: HeaderRules | None = None
) -> tuple[FileInfo, Iterator[ParsedRecord]]:
    """Sniff format, encoding and header eagerly, then yield records lazily.

    The eager part lets a sensor reject an unreadable file before claiming any work; the lazy part keeps
    memory flat for files of a million rows.

    Args:
        data: the file's bytes.
        filename: the file's name; its extension is a hint, the content decides.
        max_field_chars: cleaned values longer than this are truncated (FIELD_TRUNCATED).
        headers: the source's header rules (core.header_rules.header_rules); None: the synonyms only.

    Returns:
        The file description and an iterator of records, numbered from 1 in input order. A JSON array
        of objects is reported as format "jsonl" (one record per element).

    Raises:
        FileRejected: FILE_EMPTY, FILE_NO_HEADER, FILE_UNREADABLE or FILE_UNSUPPORTED_FORMAT, only here;
            iterating the records never raises on bad input.
    """
    rules = headers or HeaderRules()
    info, source, keys, _ = _open(data, filename, rules)
    if source.tabular:
        records = _tabular_records(source, keys, info.mapping, max_field_chars, rules)
    else:
        records = _json_records(source, max_field_chars, rules)
    return info, records


def count_records(data: bytes, *, filename: str, headers: HeaderRules | None = None) -> int:
    """Count the records `read_lead_file` would yield, without cleaning any value.

    Args:
        data: the file's bytes.
        filename: the file's name.
        headers: as `read_lead_file` (a source's own header map can decide which row is the header).

    Returns:
        The number of records, unparseable ones included.

    Raises:
        FileRejected: as `read_lead_file`.
    """
    _, source, _, header_row = _open(data, filename, headers or HeaderRules())
    if source.format == "xlsx":  # openpyxl is too slow to count a large sheet within a sensor tick
        counted = count_xlsx_rows(data, after_row=header_row)
        if counted is not None:
            return counted
    return sum(1 for _ in source.rows)


def records_to_dataframe(records: Iterable[ParsedRecord]) -> pd.DataFrame:
    """Turn records into the batch frame the rest of the core consumes.

    Args:
        records: records from `read_lead_file`, typically one chunk of them.

    Returns:
        One row per record with columns record_no, every canonical field (object dtype, None when
        missing), extra (dict), raw (dict), codes (list), error and detail.
    """
    rows = [(r.record_no, *(r.fields.get(name) for name in CANONICAL_FIELDS), r.extra, r.raw, list(r.codes),
             r.error, r.detail) for r in records]
    columns = ["record_no", *CANONICAL_FIELDS, "extra", "raw", "codes", "error", "detail"]
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    frame["record_no"] = frame["record_no"].astype("int64")  # one column: astype({...}) copies the whole frame
    return frame


def _open(data: bytes, filename: str, rules: HeaderRules) -> tuple[FileInfo, Source, list[str], int]:
    """Open the file and position its rows after the header (whose line/row number is returned);
    reject files with nothing to read."""
    source = open_source(data, filename)
    header_row = 0
    if source.tabular:
        keys, mapping, header_row = _find_header(source, rules)
    else:
        first = next(source.rows, None)
        if first is None:
            raise FileRejected("FILE_EMPTY", "the file holds no JSON records")
        mapping = map_headers(list(first.values or {}), rules.own)
        keys = [_escape_nul(key) for key in first.values or {}]
        source.rows = chain([first], source.rows)
    return FileInfo(source.format, source.encoding, keys, mapping), source, keys, header_row


def _find_header(source: Source, rules: HeaderRules) -> tuple[list[str], list[str | None], int]:
    """Find the header: the first row, or, when that maps to no lead field, the first of the next rows
    that maps to at least two; then make sure a record follows it."""
    rows_seen = 0
    for row in source.rows:
        rows_seen += 1
        if row.cells is not None:
            keys = _header_keys(row.cells)
            mapping = map_headers(keys, rules.own)
            if sum(field is not None for field in mapping) >= (1 if rows_seen == 1 else 2):
                source.set_width(len(keys))
                first = next(source.rows, None)
                if first is None:
                    raise FileRejected("FILE_EMPTY", "the file has a header but no records")
                source.rows = chain([first], source.rows)
                return keys, mapping, row.number
        if rows_seen == _HEADER_SEARCH_ROWS:
            break
    if rows_seen == 0:
        raise FileRejected("FILE_EMPTY", "the file holds no rows")
    raise FileRejected("FILE_NO_HEADER", "no header row found: no column of the first row is a known lead "
                       "field (such as Email, Phone, First Name, Company)")


def _header_keys(cells: list[str]) -> list[str]:
    """Clean header cells into distinct keys: "Email", "Email (2)"; blank headers become "_column_N"."""
    keys: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(cells, 1):
        base = _strip(cell.replace("\x00", "")) or f"_column_{position}"
        key, n = base, 1
        while key in seen:
            n += 1
            key = f"{base} ({n})"
        seen.add(key)
        keys.append(key)
    return keys


def _tabular_records(
    source: Source, keys: list[str], mapping: list[str | None], max_chars: int, rules: HeaderRules
) -> Iterator[ParsedRecord]:
    width = len(keys)
    short_is_ragged = source.format != "xlsx"  # spreadsheets simply omit trailing empty cells
    for record_no, row in enumerate(source.rows, 1):
        if row.cells is None:
            yield _unparseable(record_no, row)
            continue
        cells = row.cells
        builder = _Builder(max_chars, rules)
        for key, field, cell in zip(keys, mapping, cells, strict=False):
            builder.add(key, field, cell)
        ragged = short_is_ragged and len(cells) < width
        for surplus, cell in enumerate(cells[width:], 1):
            if cell:
                ragged |= builder.add(f"_extra_{surplus}", None, cell)
        if ragged:
            builder.codes.add("ROW_RAGGED")
            builder.notes.insert(0, f"ragged row: {len(cells)} cells, the header has {width}")
        yield builder.build(record_no, row.where)


def _json_records(source: Source, max_chars: int, rules: HeaderRules) -> Iterator[ParsedRecord]:
    mappings: dict[tuple[str, ...], list[str | None]] = {}
    for record_no, row in enumerate(source.rows, 1):
        if row.values is None:
            yield _unparseable(record_no, row)
            continue
        keys = tuple(row.values)
        mapping = mappings.get(keys)
        if mapping is None:
            mapping = map_headers(keys, rules.own)
            if len(mappings) < 1024:  # files usually repeat a handful of key sets
                mappings[keys] = mapping
        builder = _Builder(max_chars, rules)
        for key, field, value in zip(keys, mapping, row.values.values(), strict=True):
            builder.add(key, field, value)
        yield builder.build(record_no, row.where)


def _unparseable(record_no: int, row: SourceRow) -> ParsedRecord:
    raw = {"_line": _escape_nul(replace_surrogates(row.text))}
    return ParsedRecord(record_no, raw, {}, {}, (), "ROW_UNPARSEABLE", row.problem)


class _Builder:
    """Accumulates one record's raw, cleaned and extra values and the warnings found on the way."""

    __slots__ = ("codes", "extra", "fields", "max_chars", "notes", "opt_out", "raw", "rules")

    def __init__(self, max_chars: int, rules: HeaderRules) -> None:
        self.max_chars = max_chars
        self.rules = rules
        self.opt_out: str | None = None
        self.raw: dict[str, str] = {}
        self.fields: dict[str, str] = {}
        self.extra: dict[str, str] = {}
        self.codes: set[str] = set()
        self.notes: list[str] = []

    def add(self, key: str, field: str | None, value: str) -> bool:
        """Record one cell; return whether its cleaned value is non-empty."""
        key = _escape_nul(key)
        self.raw[key] = _escape_nul(value)
        if "\x00" in value:
            value = value.replace("\x00", "")
            self.codes.add("FIELD_NUL_REMOVED")
            self.notes.append(f"NUL characters removed from {key!r}")
        value = _strip(value)
        if not value:
            return False
        if len(value) > self.max_chars:
            self.codes.add("FIELD_TRUNCATED")
            self.notes.append(f"{key!r} truncated from {len(value)} to {self.max_chars} characters")
            value = _strip(value[: self.max_chars])
            if not value:
                return False
        if value[0] in _FORMULA_HEADS and looks_like_formula(value):
            self.codes.add("FORMULA_INJECTION")
            self.notes.append(f"{key!r} starts like a spreadsheet formula")
        if field == EMAIL_OPT_OUT:
            self.opt_out = value
        elif field is not None:
            self.fields[field] = value
        else:
            self.extra[key] = value
        return True

    def build(self, record_no: int, where: str) -> ParsedRecord:
        if self.opt_out is not None:  # an opt-out answer overrides any opt-in column: the refusal is later news
            consent = self.rules.consent_from_opt_out(self.opt_out)
            if consent is not None:  # an unclear answer is quoted: held to the same length as any value
                self.fields["consent_email"] = _strip(consent[: self.max_chars])
        error = None if self.fields or self.extra or self.opt_out else "ROW_EMPTY"
        notes = ["no values after cleaning", *self.notes] if error else self.notes
        detail = f"{where}: " + "; ".join(notes) if notes else None
        codes = tuple(sorted(self.codes))
        return ParsedRecord(record_no, self.raw, self.fields, self.extra, codes, error, detail)


def _escape_nul(value: str) -> str:
    return value.replace("\x00", "\\u0000") if "\x00" in value else value


def _strip(value: str) -> str:
    value = value.strip()
    while value and (value[0] in _EDGE_INVISIBLE or value[-1] in _EDGE_INVISIBLE):
        value = value.strip(_EDGE_INVISIBLE).strip()
    return value


def record_from_mapping(item: object, *, record_no: int, max_field_chars: int = 4096,
                        headers: HeaderRules | None = None) -> ParsedRecord:
    """One item posted to the intake API, read exactly like a JSONL line: an object maps through the source's
    header rules (None: the synonyms only); anything else is kept as an unparseable record with its reason."""
    text = json.dumps(item, ensure_ascii=False, default=str)
    row = _json_row(f"item {record_no}", record_no, item, text)
    if row.values is None:
        return _unparseable(record_no, row)
    rules = headers or HeaderRules()
    builder = _Builder(max_field_chars, rules)
    for key, field, value in zip(row.values, map_headers(list(row.values), rules.own), row.values.values(),
                                 strict=True):
        builder.add(key, field, value)
    return builder.build(record_no, row.where)
