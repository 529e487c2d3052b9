"""Spreadsheet formula injection: one predicate for intake warnings and one escape for exports.

Lead values are stored exactly as received (the original is evidence), so a value such as
`=HYPERLINK("http://evil","click")` is only flagged at intake (FORMULA_INJECTION) and defused when it is
written to a CSV or XLSX file a person may open in Excel, following the OWASP CSV-injection advice: prefix
a single quote. Phone numbers ("+1 212 555 0100") and negative numbers ("-12") are left alone, because
escaping them would damage the most common legitimate values that start with + or -.
"""

from __future__ import annotations

import re

import pandas as pd

# Characters a spreadsheet treats as the start of a formula, and the control characters OWASP lists
# because some spreadsheets skip them before looking for a formula.
_FORMULA_HEADS = frozenset("=+-@")
_CONTROL_HEADS = frozenset("\t\r")
# What may follow a leading + or - in a phone number or a plain negative number.
_NUMERIC_TAIL = re.compile(r"[0-9\s().\-]*")


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


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of `df` that is safe to write as CSV or XLSX for people to open.

    String-holding columns (object and string dtypes) are escaped cell by cell, and so are the column
    labels, because unknown input columns are carried to the output under their original header.

    Args:
        df: the frame about to be exported; it is not modified.

    Returns:
        A new frame with formula-looking strings prefixed by a single quote.
    """
    out = df.copy()
    for i, dtype in enumerate(out.dtypes):
        if dtype == object or isinstance(dtype, pd.StringDtype):
            out.isetitem(i, out.iloc[:, i].map(escape_formula))
    labels = [escape_formula(c) for c in out.columns]
    if any(new is not old for new, old in zip(labels, out.columns, strict=True)):
        out.columns = labels
    return out
