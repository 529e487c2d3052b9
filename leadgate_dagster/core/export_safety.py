"""Files people open: formula-injection escaping, and the one writer for user-facing CSV.

Lead values are stored exactly as received (the original is evidence), so a value such as
`=HYPERLINK("http://evil","click")` is only flagged at intake (FORMULA_INJECTION) and defused when it is
written to a CSV or XLSX file a person may open in Excel, following the OWASP CSV-injection advice: prefix
a single quote. Phone numbers ("+1 212 555 0100") and negative numbers ("-12") are left alone, because
escaping them would damage the most common legitimate values that start with + or -.

Only the file is changed, never the database. `write_csv`, the writer of every user-facing CSV (`leadgate qa`,
`leadgate dedupe` and its pairs), writes RFC 4180 CSV that Python's csv module, pandas and spreadsheets read
as one row per record:
- CRLF between rows with csv.QUOTE_MINIMAL: the csv module quotes a field holding the delimiter, the quote
  or any character of the line terminator, so with CRLF a bare CR is quoted as well as LF (with pandas'
  default LF terminator a bare CR went out unquoted and readers split the record there). Quoting only those
  fields, not all, leaves every ordinary cell as it was.
- NUL becomes U+FFFD: pandas' reader ends a field at a NUL and many tools refuse the file. (Intake already
  stores a NUL as the text \\u0000, so lead values arrive without one; this keeps any other value safe.)
- A value longer than a spreadsheet cell holds (32,767 characters) is cut to fit and ends in
  "…[truncated N chars]", so the cut is visible instead of being left to each spreadsheet.
"""

from __future__ import annotations

import csv
import re

import pandas as pd

# Characters a spreadsheet treats as the start of a formula, and the control characters OWASP lists
# because some spreadsheets skip them before looking for a formula.
_FORMULA_HEADS = frozenset("=+-@")
_CONTROL_HEADS = frozenset("\t\r")
# What may follow a leading + or - in a phone number or a plain negative number.
_NUMERIC_TAIL = re.compile(r"[0-9\s().\-]*")
CELL_LIMIT = 32_767  # characters in one Excel or LibreOffice cell
NUL_REPLACEMENT = "\ufffd"


def looks_like_formula(value: str) -> bool:
    """Tell whether a spreadsheet could evaluate this string as a formula.

    Args:
        value: any string, cleaned or not.

    Returns:
        True when the value starts with a tab or carriage return, or (after leading whitespace) with
        = or @, or with + or - followed by anything other than digits, spaces, parentheses, dots and
        dashes. "+1 (212) 555-0100" and "-12.5" are therefore not formulas; "+cmd|' /C calc'!A0" is.
    """
    if not value:
        return False
    if value[0] in _CONTROL_HEADS:
        return True
    stripped = value.lstrip()
    if not stripped:
        return False
    head = stripped[0]
    if head not in _FORMULA_HEADS:
        return False
    if head in "+-":
        return _NUMERIC_TAIL.fullmatch(stripped, 1) is None
    return True


def escape_formula(value: object) -> object:
    """Defuse a value for a CSV/XLSX cell by prefixing a single quote when it looks like a formula.

    Args:
        value: a cell value of any type; only strings can be formulas.

    Returns:
        `"'" + value` for formula-looking strings, otherwise the value unchanged (same object).
    """
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def export_cell(value: object) -> object:
    """A cell value as written to a file people open: NUL replaced, formula escaped, cut to fit a cell.

    Args:
        value: a cell value of any type; only strings are changed.

    Returns:
        The string with NUL as U+FFFD, a quote before a formula, and, when longer than CELL_LIMIT, its head
        plus "…[truncated N chars]" (N: characters cut; CELL_LIMIT characters at most in all); any other
        value unchanged (same object).
    """
    if not isinstance(value, str):
        return value
    if "\x00" in value:
        value = value.replace("\x00", NUL_REPLACEMENT)
    value = escape_formula(value)
    if len(value) > CELL_LIMIT:  # the marker for the whole length is at least as long as the one written
        keep = CELL_LIMIT - len(_cut_marker(len(value)))
        value = value[:keep] + _cut_marker(len(value) - keep)
    return value


def _cut_marker(cut: int) -> str:
    return f"…[truncated {cut} chars]"


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of `df` that is safe to write as CSV or XLSX for people to open (`export_cell`).

    String-holding columns (object and string dtypes) are changed cell by cell, and so are the column
    labels, because unknown input columns are carried to the output under their original header.

    Args:
        df: the frame about to be exported; it is not modified.

    Returns:
        A new frame whose strings are as `export_cell` writes them.
    """
    out = df.copy()
    for i, dtype in enumerate(out.dtypes):
        if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype):
            out.isetitem(i, out.iloc[:, i].map(export_cell))
    labels = [export_cell(c) for c in out.columns]
    if any(new is not old for new, old in zip(labels, out.columns, strict=True)):
        out.columns = labels
    return out


def write_csv(df: pd.DataFrame, path: str) -> None:
    """Write `df` (without its index) to `path` as UTF-8 CSV that reads back as one row per record.

    Args:
        df: the rows to write; it is not modified.
        path: the file to create or replace.
    """
    escape_frame(df).to_csv(path, index=False, encoding="utf-8", quoting=csv.QUOTE_MINIMAL,
                            lineterminator="\r\n")
