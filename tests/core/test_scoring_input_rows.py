"""Rows an operator or a tracker sends: suppression keys stored the way leads carry them, events checked one
by one, side files read with their own header."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadgate_dagster.core.behavior_events import prepare_events
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.core.suppression import KeyType
from leadgate_dagster.core.suppression_entries import normalize_entries, normalize_key
from leadgate_dagster.core.table_file import read_table

RULES = load_ruleset()


@pytest.mark.parametrize(("key_type", "given", "stored"), [
    (KeyType.EMAIL, " J.Doe+promo@GoogleMail.com ", "jdoe@gmail.com"),
    (KeyType.EMAIL, "Ann.Lee@Northwind.com", "ann.lee@northwind.com"),
    (KeyType.EMAIL, "not an address", None),
    (KeyType.PHONE, "(415) 555-2671", "+14155552671"),
    (KeyType.PHONE, "+44 20 7946 0000", "+442079460000"),
    (KeyType.PHONE, "12", None),
    (KeyType.DOMAIN, "@WWW.Acme.COM.", "acme.com"),
    (KeyType.DOMAIN, "someone@acme.co.uk", "acme.co.uk"),
    (KeyType.DOMAIN, "acme", None),
], ids=["gmail-folded", "plain-lowercased", "bad-email", "us-national", "uk-e164", "too-short",
        "domain-decorated", "domain-from-address", "no-tld"])
def test_suppression_keys_are_stored_the_way_leads_carry_them(key_type: KeyType, given: str,
                                                              stored: str | None) -> None:
    assert normalize_key(key_type, given, RULES) == stored


def test_a_row_may_name_several_keys_and_bad_rows_are_named() -> None:
    entries = normalize_entries([{"email": "a@acme.com", "phone": "+1 415 555 2671", "channel": "SMS"},
                                 {"domain": "acme.com", "channel": "fax"},
                                 {"email": "a@acme.com", "revoked_at": "yesterday-ish"}], rules=RULES)
    assert entries.frame[["key_type", "key", "channel"]].values.tolist() == [
        ["email", "a@acme.com", "sms"], ["phone", "+14155552671", "sms"]]
    assert [(r["record_no"], r["error"]) for r in entries.rejected] == [
        (2, "SUPPRESSION_CHANNEL"), (3, "SUPPRESSION_TIME_INVALID")]


def test_each_event_is_judged_alone_and_ids_are_stable() -> None:
    now = datetime(2026, 11, 2, tzinfo=UTC)
    items = [{"lead_id": 42, "type": "Page_View", "ts": 1793000000},
             {"lead_id": "L", "event_type": "page view", "occurred_at": "2026-11-01"},
             {"lead_id": "L", "event_type": "demo_request", "occurred_at": "2026-11-01T00:00:00", "x": "kept"}]
    batch = prepare_events(items, default_source="api", rules=RULES, now=now)
    again = prepare_events(items, default_source="api", rules=RULES, now=now)
    assert batch.rows["lead_id"].tolist() == ["42", "L"] and batch.rows["event_type"].tolist() == ["page_view",
                                                                                                     "demo_request"]
    assert batch.rows["event_id"].tolist() == again.rows["event_id"].tolist()  # content hash: a resend is the same
    assert str(batch.rows["occurred_at"].iloc[1]) == "2026-11-01 00:00:00+00:00"  # no offset: UTC
    assert batch.rows["payload"].iloc[1]["x"] == "kept"
    [rejected] = batch.rejected
    assert rejected["index"] == 2 and rejected["error"] == "EVENT_INVALID" and "event_type" in rejected["detail"]


def test_a_side_file_keeps_its_own_header() -> None:
    rows = list(read_table(b"Event Type;E-Mail;Lead ID\npage_view;a@b.com;7\n\n;;\n", filename="events.csv"))
    assert [r.values for r in rows] == [{"event_type": "page_view", "e_mail": "a@b.com", "lead_id": "7"}]
