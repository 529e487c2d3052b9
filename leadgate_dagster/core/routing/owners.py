"""The owners file (`leadgate owners import`): SDRs, AEs and queues, each with a territory, a daily capacity, a
weight in the round robin and working hours in their time zone. Checked row by row; any problem refuses the
whole file, so a roster is never half-loaded.

Columns: `email`, `name`, `role` (sdr | ae) and optionally `countries`, `regions`, `postal_prefixes`
(semicolon-separated), `segment` (a name from `routing.segments`), `daily_capacity` (blank: no limit),
`weight` (default 1), `timezone` (IANA; default `routing.default_timezone`), `working_hours` (blank: any
time, core.routing.hours), `active` (default yes). An owner with no territory column covers everything no
narrower rule covers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from leadgate_dagster.core.routing.hours import parse_hours
from leadgate_dagster.core.routing.places import postal_key, region_key
from leadgate_dagster.core.routing.sheet import (
    RowProblem,
    cell,
    column_problems,
    email_address,
    flag,
    split_list,
    whole_number,
)
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.validation.address import country_iso2

ROLES = ("sdr", "ae")
OWNER_COLUMNS = ("email", "name", "role", "countries", "regions", "postal_prefixes", "segment", "daily_capacity",
                 "weight", "timezone", "working_hours", "active")
REQUIRED = ("email", "name", "role")


@dataclass(frozen=True, slots=True)
class OwnerFile:
    """Owners ready to store (OWNER_COLUMNS, one row per email) and every problem found (empty: all valid)."""

    frame: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)


def _countries(value: str) -> list[str]:
    out = []
    for part in split_list(value):
        code = country_iso2(part)
        if code is None:
            raise ValueError(f"{part!r} is not a country")
        out.append(code)
    return sorted(set(out))


def _zone(value: str, default: str) -> str:
    name = value or default
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA time zone (e.g. America/New_York)") from None
    return name


def _hours(value: str) -> str | None:
    parse_hours(value)  # raises with the reason
    return "; ".join(p.strip().lower() for p in value.split(";") if p.strip()) or None


def _owner(row: dict[str, str], rules: Ruleset, problem: Callable[[str, str], None]) -> dict[str, Any]:
    """One row's values; each unreadable cell reported through `problem(column, message)`."""
    out: dict[str, Any] = {}

    def read(name: str, parse: Callable[[str], Any]) -> None:
        try:
            out[name] = parse(cell(row, name))
        except ValueError as exc:
            problem(name, str(exc))

    read("email", email_address)
    read("name", lambda v: v or _raise("a name is required"))
    read("role", lambda v: v.lower() if v.lower() in ROLES else _raise(f"{v!r} is not one of {', '.join(ROLES)}"))
    read("countries", _countries)
    countries = out.get("countries") or []
    read("regions", lambda v: sorted({_region(countries, part) for part in split_list(v)}))
    read("postal_prefixes", lambda v: sorted({postal_key(p) or "" for p in split_list(v)} - {""}))
    segments = rules.routing.segments
    read("segment", lambda v: None if not v else v if v in segments
         else _raise(f"{v!r} is not a segment of routing.segments ({', '.join(sorted(segments)) or 'none'})"))
    read("daily_capacity", lambda v: whole_number(v, minimum=0))
    read("weight", lambda v: whole_number(v, minimum=1) or 1)
    read("timezone", lambda v: _zone(v, rules.routing.default_timezone))
    read("working_hours", _hours)
    read("active", lambda v: flag(v, default=True))
    return out


def _region(countries: list[str], value: str) -> str:
    """A region as "CC-RR" when one of the owner's countries (or the value itself) names its country."""
    keyed = region_key(countries[0] if len(countries) == 1 else None, value)
    if keyed is None:
        raise ValueError("an empty region")
    return keyed


def _raise(message: str) -> Any:
    raise ValueError(message)


def parse_owner_rows(rows: Sequence[dict[str, str]], *, rules: Ruleset) -> OwnerFile:
    """Check and normalize the rows of an owners file (headers already folded to snake_case).

    Args:
        rows: one dict per record, in file order.
        rules: the active ruleset (`routing.segments`, `routing.default_timezone`).

    Returns:
        OwnerFile: the owners (countries ISO alpha-2, regions "CC-RR" where a country is known, postal
        prefixes upper case without spaces, working hours normalized) and the problems, each with its row.
    """
    problems = column_problems(rows, required=REQUIRED, optional=OWNER_COLUMNS)
    owners: list[dict[str, Any]] = []
    first_row: dict[str, int] = {}
    for record_no, row in enumerate(rows, start=1):
        found: list[RowProblem] = []
        owner = _owner(row, rules, lambda col, msg, n=record_no, f=found: f.append(RowProblem(n, col, msg)))
        email = owner.get("email")
        if email in first_row:
            found.append(RowProblem(record_no, "email", f"{email} is listed twice (first in row {first_row[email]})"))
        elif email:
            first_row[email] = record_no
        problems += found
        if not found:
            owners.append(owner)
    frame = pd.DataFrame(owners, columns=list(OWNER_COLUMNS), dtype=object)  # a capacity stays an int or None
    return OwnerFile(frame=frame, problems=problems)
