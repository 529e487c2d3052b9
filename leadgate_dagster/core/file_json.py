"""JSON lead files: JSON lines (one object per line), a JSON array of objects, or one object.

Values become text here (nested values as JSON text, null as empty) so every format hands the same
shape to the reader. Lone surrogates from "\\ud800"-style escapes become U+FFFD: no database or UTF-8
file can hold them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from leadgate_dagster.core.file_decoding import FileRejected
from leadgate_dagster.core.file_rows import SourceRow, iter_lines, line_body

_SURROGATE = re.compile("[\ud800-\udfff]")
_WHITESPACE = re.compile(r"[ \t\r\n]*")


def jsonl_rows(text: str) -> Iterator[SourceRow]:
    """One row per non-blank line; a line that is not a JSON object is an unparseable row, not an error."""
    for line_no, line in iter_lines(text):
        body = line_body(line)
        if not body.strip():
            continue
        where = f"line {line_no}"
        try:
            obj = json.loads(body)
        except (ValueError, RecursionError) as exc:
            yield SourceRow(where, line_no, text=body, problem=f"{where}: invalid JSON: {exc}")
            continue
        yield _json_row(where, line_no, obj, body)


def _json_row(where: str, line_no: int, obj: object, text: str) -> SourceRow:
    if not isinstance(obj, dict):
        problem = f"{where}: a JSON {type(obj).__name__}, not an object"
        return SourceRow(where, line_no, text=text, problem=problem)
    values = {replace_surrogates(str(k)): _json_text(v) for k, v in obj.items()}
    return SourceRow(where, line_no, values=values, text=text)


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return replace_surrogates(value)
    return replace_surrogates(json.dumps(value, ensure_ascii=False))


def replace_surrogates(value: str) -> str:
    """Replace lone surrogates (from JSON escapes such as "\\ud800"), which no database or UTF-8 file
    can hold, by U+FFFD."""
    return value if value.isascii() else _SURROGATE.sub("\ufffd", value)


def json_array_rows(text: str) -> Iterator[SourceRow] | None:
    """Stream the elements of a JSON array of objects, or return None when the text is not one."""
    decoder = json.JSONDecoder()
    start = _skip_ws(text, text.index("[") + 1)
    if text.startswith("]", start):
        raise FileRejected("FILE_EMPTY", "the JSON array is empty")
    try:  # eager check of the first element, so a CSV whose header starts with "[" is not taken for JSON
        first, _ = decoder.raw_decode(text, start)
    except (ValueError, RecursionError):
        return None
    if not isinstance(first, dict):
        return None

    def rows() -> Iterator[SourceRow]:
        pos, number, line_no, counted = start, 0, 1, 0
        while (pos := _skip_ws(text, pos)) < len(text) and not text.startswith("]", pos):
            number += 1
            line_no += text.count("\n", counted, pos)
            counted = pos
            where = f"element {number} (line {line_no})"
            try:
                obj, end = decoder.raw_decode(text, pos)
            except (ValueError, RecursionError) as exc:
                problem = f"{where}: invalid JSON: {exc}"
                yield SourceRow(where, line_no, text=_line_at(text, pos), problem=problem)
                return  # the array cannot be resynchronised after a syntax error
            yield _json_row(where, line_no, obj, text[pos:end])
            pos = _skip_ws(text, end)
            if text.startswith(",", pos):
                pos += 1
            elif pos < len(text) and not text.startswith("]", pos):
                counted, line_no = pos, line_no + text.count("\n", counted, pos)
                problem = f"line {line_no}: invalid JSON: expected ',' or ']' after element {number}"
                yield SourceRow(f"line {line_no}", line_no, text=_line_at(text, pos), problem=problem)
                return

    return rows()


def _line_at(text: str, pos: int) -> str:
    end = text.find("\n", pos)
    return line_body(text[pos : end if end >= 0 else len(text)])


def _skip_ws(text: str, pos: int) -> int:
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos


def single_json_object(text: str) -> Iterator[SourceRow] | None:
    """A pretty-printed .json holding one object is one record, not one broken record per line."""
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return iter([_json_row("line 1", 1, obj, text)]) if isinstance(obj, dict) else None
