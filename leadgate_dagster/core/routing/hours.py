"""Working hours in an owner's own time zone: "mon-fri 09:00-17:00", several windows joined by ";".

A window's days are a day, a range or a comma list ("mon-thu", "sat", "mon,wed,fri"); without days it is
Monday to Friday. An end at or before the start runs past midnight ("22:00-06:00"). No hours at all means
any time (a queue). Times are local: zoneinfo turns them into instants, so daylight saving moves them with
the clock on the wall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"^(?:(?P<days>[a-z]{3}(?:-[a-z]{3})?(?:,[a-z]{3}(?:-[a-z]{3})?)*)\s+)?"
                     r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$")
_LOOK_AHEAD_DAYS = 8  # a weekly schedule repeats within a week; one more day for a window past midnight


@dataclass(frozen=True, slots=True)
class Window:
    days: frozenset[int]  # Monday = 0
    start: int  # minutes after local midnight
    end: int  # minutes after local midnight of the start day (> 1440: ends the next day)


@dataclass(frozen=True, slots=True)
class Availability:
    """When an owner can take a lead given at `now`: at once (`in_hours`), or from `start` (None: never)."""

    in_hours: bool
    start: datetime | None


def _minutes(value: str, *, end: bool) -> int:
    hours, minutes = (int(p) for p in value.split(":"))
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not end)):
        raise ValueError(f"{value!r} is not a time of day (HH:MM)")
    return hours * 60 + minutes


def _days(spec: str | None) -> frozenset[int]:
    if spec is None:
        return frozenset(range(5))
    out: set[int] = set()
    for part in spec.split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"{part!r} is not a day or day range ({', '.join(DAYS)})")
        a, b = DAYS.index(first), DAYS.index(last or first)
        out.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(out)


@lru_cache(maxsize=4096)
def parse_hours(text: str | None) -> tuple[Window, ...]:
    """The windows of a working-hours text (empty: none, i.e. any time); raises ValueError saying what is wrong."""
    windows = []
    for part in (text or "").lower().split(";"):
        part = " ".join(part.split())
        if not part:
            continue
        m = _WINDOW.match(part)
        if not m:
            raise ValueError(f"{part!r} is not a working-hours window such as 'mon-fri 09:00-17:00'")
        start, end = _minutes(m["start"], end=False), _minutes(m["end"], end=True)
        windows.append(Window(_days(m["days"]), start, end if end > start else end + 1440))
    return tuple(windows)


def _at(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=minutes // 1440), time(), tzinfo=zone) + timedelta(
        minutes=minutes % 1440)


def availability(windows: tuple[Window, ...], zone: ZoneInfo, now: datetime) -> Availability:
    """In hours at `now` (an aware instant), else the start of the next window within a week."""
    if not windows:
        return Availability(True, now)
    today = now.astimezone(zone).date()
    starts = []
    for offset in range(-1, _LOOK_AHEAD_DAYS):
        day = today + timedelta(days=offset)
        for w in windows:
            if day.weekday() not in w.days:
                continue
            start, end = _at(day, w.start, zone), _at(day, w.end, zone)
            if start <= now < end:
                return Availability(True, now)
            if start > now:
                starts.append(start)
    return Availability(False, min(starts) if starts else None)
