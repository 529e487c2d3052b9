"""What the owners and accounts files share: their columns checked against a known set, and cell readers that
say what is wrong in a sentence. The files are all or nothing, so every problem is collected, none raised."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from leadgate_dagster.core.validation.email_syntax import ParsedEmail, parse_email

TRUE = frozenset({"1", "true", "t", "yes", "y", "x", "active", "on"})
FALSE = frozenset({"0", "false", "f", "no", "n", "inactive", "off"})


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong with a file: its record number (0: the file as a whole), the column and why."""

    record_no: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.record_no}" if self.record_no else "file"
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


def column_problems(rows: Sequence[dict[str, str]], *, required: Collection[str],
                    optional: Collection[str]) -> list[RowProblem]:
    """Unknown or missing columns (a misspelt column would otherwise be dropped without a word)."""
    seen = {name for row in rows for name in row}
    known = set(required) | set(optional)
    out = [RowProblem(0, name, f"unknown column (known: {', '.join(sorted(known))})") for name in sorted(seen - known)]
    out += [RowProblem(0, name, "required column missing") for name in sorted(set(required) - seen)]
    if not rows:
        out.append(RowProblem(0, "", "no rows"))
    return out


def cell(row: dict[str, str], name: str) -> str:
    """A cell as text, whitespace collapsed; "" when blank or absent."""
    return " ".join((row.get(name) or "").split())


def split_list(value: str) -> list[str]:
    """"US; CA ;" -> ["US", "CA"] (semicolons separate; a comma is accepted too)."""
    return [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]


def email_address(value: str) -> str:
    """The address lower-cased (its domain in ASCII); raises ValueError with email-validator's reason."""
    parsed = parse_email(value)
    if not isinstance(parsed, ParsedEmail):
        raise ValueError(f"{value!r} is not an email address ({parsed})")
    return f"{parsed.local.lower()}@{parsed.ascii_domain}"


def flag(value: str, default: bool) -> bool:
    """yes / no as people write it; blank is `default`; anything else raises ValueError."""
    lowered = value.lower()
    if not lowered:
        return default
    if lowered in TRUE or lowered in FALSE:
        return lowered in TRUE
    raise ValueError(f"{value!r} is neither yes nor no")


def whole_number(value: str, *, minimum: int) -> int | None:
    """An integer >= minimum, or None for a blank cell."""
    if not value:
        return None
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None
    if number != int(number) or number < minimum:
        raise ValueError(f"{value!r} is not a whole number >= {minimum}")
    return int(number)
