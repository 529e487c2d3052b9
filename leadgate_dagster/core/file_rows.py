"""Record boundaries in delimited text (CSV, TSV, semicolon and pipe files).

Boundaries are found by tracking quotes line by line instead of handing the whole file to the csv
module, so a single missing closing quote costs one unparseable row rather than swallowing the rest of
the file into one field. Lines without quotes, the vast majority, are split without the csv module.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_QUOTED = re.compile(r'"[^"]*"')
_SEP_LINE = re.compile(r'"?sep=([,;\t|])"?[ \t]*(?:\r\n|\r|\n)', re.IGNORECASE)
DELIMITERS = (",", "\t", ";", "|")
# A quoted field open for this many lines is a missing closing quote, not a long note.
_MAX_RECORD_LINES = 1000
# csv's default 128 KiB field limit would turn a pasted 10 MB blob into an exception.
_FIELD_LIMIT = 2**31 - 1


@dataclass(slots=True)
class SourceRow:
    """One record as found in the file, before cleaning."""

    where: str                                # "line 7" or "row 7": where a person finds it
    number: int                               # the line or sheet row where the record starts
    cells: list[str] | None = None            # tabular formats
    values: dict[str, str] | None = None      # JSON objects, values already text
    text: str = ""                            # the raw line, kept for unparseable rows
    problem: str | None = None                # why the row could not be parsed


def iter_lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (1-based line number, line with its terminator).

    \\n, \\r\\n and bare \\r (old Mac Excel) all end a line; other Unicode line breaks are data.
    """
    for line_no, match in enumerate(_LINE.finditer(text), 1):
        line = match.group()
        if line:
            yield line_no, line


def line_body(line: str) -> str:
    """The line without its terminator."""
    return line.rstrip("\r\n")


def has_delimiter(text: str) -> bool:
    """Whether the first non-blank line contains a delimiter outside quotes (i.e. could be a CSV header)."""
    first = next((body for _, line in iter_lines(text) if (body := line_body(line)).strip()), "")
    return any(d in _QUOTED.sub("", first) for d in DELIMITERS)


def excel_separator(text: str) -> str | None:
    """The delimiter named by Excel's optional first line "sep=;" (its line is then not data)."""
    match = _SEP_LINE.match(text)
    return match.group(1) if match else None


def sniff_delimiter(text: str, preferred: str) -> str:
    """Pick the delimiter present on most of the first lines (quoted text ignored), then the one the first
    of them (normally the header) uses most, then the most used; ties go to the extension's delimiter."""
    sample: list[str] = []
    for _, line in iter_lines(text):
        if line.strip():
            sample.append(_QUOTED.sub("", line))
        if len(sample) == 20:
            break
    scores = {d: (sum(d in s for s in sample), sample[0].count(d) if sample else 0,
                  sum(s.count(d) for s in sample), d == preferred) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: scores[d])
    return best if scores[best][0] else preferred


def _quote_open(body: str, delimiter: str, in_quotes: bool) -> bool:
    """Whether a quoted field is still open at the end of `body`, with the csv module's rules.

    A quote only opens a field when it is the field's first character; inside, "" is a literal quote.
    """
    i, n = 0, len(body)
    while i < n or in_quotes:
        if in_quotes:
            j = body.find('"', i)
            if j < 0:
                return True
            if body.startswith('""', j):
                i = j + 2
                continue
            in_quotes = False
            i = j + 1
        elif body.startswith('"', i):
            in_quotes = True
            i += 1
            continue
        k = body.find(delimiter, i)
        if k < 0:
            return False
        i = k + 1
    return False


class DelimitedRows:
    """CSV/TSV rows with record boundaries found by quote tracking, so one bad quote costs one row.

    A record whose quoted field never closes, or that spans several lines yet does not have the header's
    width, or whose lines each have the header's width on their own, is a missing quote: its first line
    becomes an unparseable row and reading resumes on the next.
    """

    def __init__(self, text: str, delimiter: str, *, skip_first_line: bool = False) -> None:
        self._text = text
        self._delimiter = delimiter
        self._skip_first_line = skip_first_line
        self._width: int | None = None
        if csv.field_size_limit() < _FIELD_LIMIT:
            csv.field_size_limit(_FIELD_LIMIT)

    def set_width(self, width: int) -> None:
        self._width = width

    def __iter__(self) -> Iterator[SourceRow]:
        source = iter_lines(self._text)
        if self._skip_first_line:
            next(source, None)
        pushed: list[tuple[int, str]] = []

        def next_line() -> tuple[int, str] | None:
            return pushed.pop() if pushed else next(source, None)

        while (item := next_line()) is not None:
            line_no, line = item
            body = line_body(line)
            if '"' not in body:
                cells = body.split(self._delimiter)
            else:
                lines = [item]
                open_quote = _quote_open(body, self._delimiter, False)
                while open_quote and len(lines) < _MAX_RECORD_LINES and (more := next_line()) is not None:
                    lines.append(more)
                    open_quote = _quote_open(line_body(more[1]), self._delimiter, True)
                parsed = None if open_quote else self._parse(lines)
                if parsed is None:
                    pushed.extend(reversed(lines[1:]))
                    yield SourceRow(f"line {line_no}", line_no, text=body,
                                    problem=f"line {line_no}: broken quoting (a quoted field does not close)")
                    continue
                cells = parsed
            if any(c.strip() for c in cells):
                yield SourceRow(f"line {line_no}", line_no, cells=cells, text=body)

    def _parse(self, lines: list[tuple[int, str]]) -> list[str] | None:
        record = line_body("".join(line for _, line in lines))
        try:
            cells = next(csv.reader([record], delimiter=self._delimiter), [])
        except csv.Error:
            return None
        if len(lines) > 1 and self._width is not None:
            if len(cells) != self._width:
                return None
            # Every line a complete row on its own: a quote opened by mistake swallowed the next row.
            if self._width > 1 and all(line_body(line).count(self._delimiter) + 1 == self._width
                                       for _, line in lines):
                return None
        return cells
