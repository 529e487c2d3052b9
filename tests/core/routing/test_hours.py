"""Working hours are wall-clock times in the owner's own zone: the same instant is working time in New York and
evening in Berlin, a night shift runs past midnight, and daylight saving moves the hours with the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from leadgate_dagster.core.routing.hours import availability, parse_hours

NY, BERLIN, TOKYO = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Tokyo")
# Tuesday 2026-12-08 15:00 UTC: 10:00 in New York, 16:00 in Berlin, Wednesday 00:00 in Tokyo
TUESDAY_15_UTC = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(("hours", "zone", "in_hours", "start"), [
    ("mon-fri 09:00-17:00", NY, True, TUESDAY_15_UTC),
    ("mon-fri 09:00-17:00", BERLIN, True, TUESDAY_15_UTC),
    ("mon-fri 09:00-15:00", BERLIN, False, datetime(2026, 12, 9, 8, 0, tzinfo=UTC)),  # Wednesday 09:00 CET
    ("mon-fri 09:00-17:00", TOKYO, False, datetime(2026, 12, 9, 0, 0, tzinfo=UTC)),  # Wednesday 09:00 JST
    ("22:00-06:00", TOKYO, True, TUESDAY_15_UTC),  # Tuesday's night shift, past midnight into Wednesday
    ("sat-sun 10:00-14:00", NY, False, datetime(2026, 12, 12, 15, 0, tzinfo=UTC)),
    ("mon,wed 08:00-09:00; tue 11:00-12:00", NY, False, datetime(2026, 12, 8, 16, 0, tzinfo=UTC)),
    ("", NY, True, TUESDAY_15_UTC),  # no hours: any time (a queue)
], ids=["ny-morning", "berlin-afternoon", "berlin-after-its-shift", "tokyo-midnight", "tokyo-night-shift",
        "weekend-only", "several-windows", "queue"])
def test_availability_in_the_owners_zone(hours: str, zone: ZoneInfo, in_hours: bool, start: datetime) -> None:
    got = availability(parse_hours(hours), zone, TUESDAY_15_UTC)
    assert (got.in_hours, got.start) == (in_hours, start)


def test_daylight_saving_moves_the_hours_with_the_wall_clock() -> None:
    windows = parse_hours("09:00-17:00")
    # 13:30 UTC is 09:30 in New York in summer (EDT, UTC-4) and 08:30 in winter (EST, UTC-5)
    assert availability(windows, NY, datetime(2026, 7, 7, 13, 30, tzinfo=UTC)).in_hours
    winter = availability(windows, NY, datetime(2026, 12, 8, 13, 30, tzinfo=UTC))
    assert not winter.in_hours and winter.start == datetime(2026, 12, 8, 14, 0, tzinfo=UTC)
    # the Friday evening before the March change: Monday 09:00 is already EDT
    friday = availability(windows, NY, datetime(2026, 3, 6, 23, 0, tzinfo=UTC))
    assert friday.start == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["9-17", "mon-fri 09:00", "monday 09:00-17:00", "mon-fri 09:00-25:00",
                                 "09:60-17:00", "mon-xyz 09:00-17:00"],
                         ids=["no-minutes", "no-end", "long-day-name", "hour-25", "minute-60", "unknown-day"])
def test_a_bad_window_is_refused_saying_why(bad: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        parse_hours(bad)


def test_a_window_to_midnight_and_a_wrapping_day_range() -> None:
    [w] = parse_hours("fri-mon 18:00-24:00")
    assert w.days == frozenset({4, 5, 6, 0}) and (w.start, w.end) == (18 * 60, 24 * 60)
