"""Recognise a lead file's format and encoding and hand back its rows.

This layer only finds records; it never cleans values. Every format yields `SourceRow`s lazily and skips
blank rows, so `count_records` and `read_lead_file` agree on what a record is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from leadgate_dagster.core.file_decoding import FileRejected, decode_text, sniff_container
from leadgate_dagster.core.file_json import json_array_rows, jsonl_rows, single_json_object
from leadgate_dagster.core.file_rows import (
    DelimitedRows,
    SourceRow,
    excel_separator,
    has_delimiter,
    sniff_delimiter,
)
from leadgate_dagster.core.file_xlsx import xlsx_rows

_TEXT_EXTENSIONS = {"csv": ",", "txt": ",", "tsv": "\t", "tab": "\t"}


@dataclass(slots=True)
class Source:
    """An opened lead file: what it is, and its rows still to be read."""

    format: str
    encoding: str | None
    rows: Iterator[SourceRow]
    tabular: bool
    set_width: Callable[[int], None] = field(default=lambda _width: None)


def open_source(data: bytes, filename: str) -> Source:
    """Recognise the format and encoding of a lead file and start iterating its rows.

    The extension is a hint; the content decides, because files are often renamed or saved with the
    wrong extension ("leads.csv" that is really an XLSX workbook).

    Raises:
        FileRejected: for empty, binary, unsupported or damaged files.
    """
    if not data:
        raise FileRejected("FILE_EMPTY", "the file is empty (0 bytes)")
    if sniff_container(data) == "xlsx":
        return Source("xlsx", None, xlsx_rows(data), tabular=True)
    text, encoding = decode_text(data)
    head = next((ch for ch in text if ch != "\x00" and not ch.isspace()), "")  # stops at the first character
    if not head:
        raise FileRejected("FILE_EMPTY", "the file holds only whitespace")
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext in ("jsonl", "ndjson") and (head in ("{", "[") or not has_delimiter(text)):
        return Source("jsonl", encoding, jsonl_rows(text), tabular=False)
    if head == "[":
        array = json_array_rows(text)
        if array is not None:
            return Source("jsonl", encoding, array, tabular=False)
        if ext == "json":
            raise FileRejected("FILE_UNREADABLE", "the .json file is neither a JSON array of objects nor "
                               "JSON lines")
    elif head == "{":
        single = single_json_object(text) if ext == "json" else None
        return Source("jsonl", encoding, single or jsonl_rows(text), tabular=False)
    named = excel_separator(text)
    delimiter = named or sniff_delimiter(text, _TEXT_EXTENSIONS.get(ext, ","))
    rows = DelimitedRows(text, delimiter, skip_first_line=named is not None)
    return Source("tsv" if delimiter == "\t" else "csv", encoding, iter(rows), tabular=True,
                  set_width=rows.set_width)
