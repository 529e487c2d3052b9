"""The owners file: values normalized (countries, regions, prefixes, hours), every bad cell reported with its
row and column, nothing half-valid kept."""

from __future__ import annotations

from leadgate_dagster.core.routing.owners import parse_owner_rows
from tests.core.routing.helpers import RULES


def test_a_valid_file_is_normalized() -> None:
    rows = [{"email": " Ann@Example.COM ", "name": "Ann", "role": "SDR", "countries": "usa", "regions": "California; TX",
             "postal_prefixes": "941; 94-1 ;", "segment": "enterprise", "daily_capacity": "40", "weight": "2",
             "timezone": "America/Los_Angeles", "working_hours": "Mon-Fri  09:00-17:00; sat 10:00-12:00",
             "active": "yes"},
            {"email": "queue@example.com", "name": "SDR queue", "role": "sdr"}]
    parsed = parse_owner_rows(rows, rules=RULES)
    assert parsed.problems == []
    ann, queue = parsed.frame.to_dict("records")
    assert ann == {"email": "ann@example.com", "name": "Ann", "role": "sdr", "countries": ["US"],
                   "regions": ["US-CA", "US-TX"], "postal_prefixes": ["941"], "segment": "enterprise",
                   "daily_capacity": 40, "weight": 2, "timezone": "America/Los_Angeles",
                   "working_hours": "mon-fri 09:00-17:00; sat 10:00-12:00", "active": True}
    assert (queue["countries"], queue["daily_capacity"], queue["weight"], queue["timezone"], queue["working_hours"],
            queue["active"]) == ([], None, 1, "UTC", None, True)


def test_every_problem_is_reported_with_its_row_and_nothing_is_kept_of_a_bad_row() -> None:
    rows = [{"email": "bob@", "name": "", "role": "manager", "countries": "Atlantis", "segment": "huge",
             "daily_capacity": "-1", "weight": "0", "timezone": "Mars/Olympus", "working_hours": "9-5",
             "active": "maybe"},
            {"email": "ann@x.com", "name": "Ann", "role": "ae"},
            {"email": "ANN@x.com", "name": "Ann again", "role": "ae"}]
    parsed = parse_owner_rows(rows, rules=RULES)
    messages = [str(p) for p in parsed.problems]
    assert [m.split(":")[1].strip() for m in messages if m.startswith("row 1")] == [
        "email", "name", "role", "countries", "segment", "daily_capacity", "weight", "timezone", "working_hours",
        "active"]
    assert "row 1: role: 'manager' is not one of sdr, ae" in messages
    assert "row 1: timezone: 'Mars/Olympus' is not an IANA time zone (e.g. America/New_York)" in messages
    assert messages[-1] == "row 3: email: ann@x.com is listed twice (first in row 2)"
    assert list(parsed.frame["email"]) == ["ann@x.com"]


def test_an_unknown_column_is_a_problem() -> None:
    parsed = parse_owner_rows([{"email": "a@x.com", "name": "A", "role": "sdr", "region": "CA"}], rules=RULES)
    assert [str(p) for p in parsed.problems] == [
        "file: region: unknown column (known: active, countries, daily_capacity, email, name, postal_prefixes, "
        "regions, role, segment, timezone, weight, working_hours)"]
