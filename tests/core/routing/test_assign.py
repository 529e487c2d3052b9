"""Within a pool: a smooth weighted round robin among the owners in working hours (else those whose shift starts
first), within each owner's daily capacity; before the territory, a lead keeps its own owner, takes its
person's, or (ROUTE_AE) its account's."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from leadgate_dagster.core.routing.assign import pool_key
from tests.core.routing.helpers import leads, owners, route

US = {"country": "US"}


def test_equal_weights_take_turns_and_never_differ_by_more_than_one() -> None:
    roster = owners(*({"email": f"{n}@x.com"} for n in ("ann", "bob", "cy")))
    got = route(leads(*[US] * 10), roster)
    assert list(got.owners["owner_email"][:6]) == ["ann@x.com", "bob@x.com", "cy@x.com"] * 2
    counts = Counter(got.owners["owner_email"])
    assert max(counts.values()) - min(counts.values()) <= 1 and sum(counts.values()) == 10


def test_weights_interleave_rather_than_burst() -> None:
    roster = owners({"email": "a@x.com", "weight": 2}, {"email": "b@x.com"})
    got = route(leads(*[US] * 6), roster)
    assert "".join(e[0] for e in got.owners["owner_email"]) == "abaaba"


def test_the_rotation_resumes_where_the_stored_totals_left_it() -> None:
    roster = owners(*({"email": f"{n}@x.com"} for n in ("ann", "bob", "cy")))
    first = route(leads(US), roster)
    second = route(leads(US, US), roster, rotation=first.rotation)
    assert list(first.owners["owner_email"]) + list(second.owners["owner_email"]) == [
        "ann@x.com", "bob@x.com", "cy@x.com"]
    [pool] = first.rotation
    assert pool == pool_key("sdr", "territory:everything", 0, ["ann@x.com", "bob@x.com", "cy@x.com"])


def test_capacity_counts_what_the_owner_already_took_today() -> None:
    roster = owners({"email": "ann@x.com", "daily_capacity": 3}, {"email": "bob@x.com", "daily_capacity": 3},
                    ann=3, bob=1)
    got = route(leads(*[US] * 3), roster)
    assert list(got.owners["owner_email"]) == ["bob@x.com", "bob@x.com", None]
    assert dict(got.counted) == {"bob@x.com": 2}


def test_owners_in_working_hours_take_the_lead_across_time_zones() -> None:
    # Tuesday 15:00 UTC: 10:00 in New York (working), 16:00 in Berlin (after a 09:00-15:00 shift)
    roster = owners({"email": "berlin@x.com", "timezone": "Europe/Berlin", "working_hours": "mon-fri 09:00-15:00"},
                    {"email": "ny@x.com", "timezone": "America/New_York", "working_hours": "mon-fri 09:00-17:00"})
    got = route(leads(US, US), roster)
    assert list(got.owners["owner_email"]) == ["ny@x.com", "ny@x.com"]
    assert set(got.owners["start"]) == {datetime(2026, 12, 8, 15, 0, tzinfo=UTC)}


def test_with_nobody_working_the_earliest_shift_takes_the_lead_and_its_day_counts() -> None:
    # Tuesday 23:00 UTC: both are off; Tokyo starts at 00:00 UTC Wednesday, Berlin at 08:00 UTC
    night = datetime(2026, 12, 8, 23, 0, tzinfo=UTC)
    roster = owners({"email": "berlin@x.com", "timezone": "Europe/Berlin", "working_hours": "09:00-17:00"},
                    {"email": "tokyo@x.com", "timezone": "Asia/Tokyo", "working_hours": "09:00-17:00"}, now=night)
    got = route(leads(US), roster)
    assert got.owners.iloc[0].owner_email == "tokyo@x.com"
    assert got.owners.iloc[0].start == datetime(2026, 12, 9, 0, 0, tzinfo=UTC)
    tokyo = roster.set_index("email").loc["tokyo@x.com"]
    assert str(tokyo["day"]) == "2026-12-09" and not tokyo["in_hours"]


def test_a_lead_keeps_its_owner_then_its_persons_then_its_accounts() -> None:
    roster = owners({"email": "ann@x.com"}, {"email": "bob@x.com"},
                    {"email": "ae1@x.com", "role": "ae"}, {"email": "ae2@x.com", "role": "ae"})
    kept = route(leads(US), roster, kept_owner=["bob@x.com"], kept_rule=["territory:everything"])
    assert (kept.owners.iloc[0].owner_email, kept.owners.iloc[0].owner_rule) == ("bob@x.com", "territory:everything")
    assert not kept.counted  # already counted when first assigned
    person = route(leads(US), roster, person_owner=["bob@x.com"])
    assert (person.owners.iloc[0].owner_email, person.owners.iloc[0].owner_rule) == ("bob@x.com", "person")
    account = route(leads(US), roster, role="ae", account_owner=["ae2@x.com"])
    assert (account.owners.iloc[0].owner_email, account.owners.iloc[0].owner_rule) == ("ae2@x.com", "account")
    sdr_account = route(leads(US), roster, account_owner=["ae2@x.com"])  # ROUTE_SDR goes by territory
    assert sdr_account.owners.iloc[0].owner_rule == "territory:everything"


def test_an_owner_who_left_or_changed_role_is_not_kept() -> None:
    roster = owners({"email": "ann@x.com"}, {"email": "ae@x.com", "role": "ae"})
    gone = route(leads(US), roster, kept_owner=["old@x.com"], kept_rule=["territory:everything"])
    assert gone.owners.iloc[0].owner_email == "ann@x.com"
    wrong_role = route(leads(US), roster, person_owner=["ae@x.com"])
    assert wrong_role.owners.iloc[0].owner_email == "ann@x.com"


def test_two_leads_of_one_person_in_one_batch_share_the_owner() -> None:
    roster = owners({"email": "ann@x.com"}, {"email": "bob@x.com"})
    got = route(leads(US, US, US), roster, person_id=["p1", "p2", "p1"])
    assert list(got.owners["owner_email"]) == ["ann@x.com", "bob@x.com", "ann@x.com"]
    assert list(got.owners["owner_rule"]) == ["territory:everything", "territory:everything", "person"]
