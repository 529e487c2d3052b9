"""The next step a routed decision promises: an SDR task on the sequence's channels consent allows, due within
the speed-to-lead target of the owner's start; an AE meeting link built from the ruleset's template."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pandas as pd
import pytest

from leadgate_dagster.core.routing.next_steps import meeting_url, next_steps
from leadgate_dagster.core.ruleset import RulesetError, parse_ruleset
from tests.core.routing.helpers import RULES

START = datetime(2026, 12, 9, 0, 0, tzinfo=UTC)


def test_a_task_and_a_meeting_link() -> None:
    routed = pd.DataFrame({"lead_id": ["l1", "l2"], "disposition": ["ROUTE_SDR", "ROUTE_AE"],
                           "owner_email": ["ann@x.com", "jo.ae+cal@x.com"], "start": [START, START],
                           "allowed_channels": [["email", "sms"], ["email"]]})
    task, link = next_steps(routed, RULES).to_dict("records")
    assert task == {"lead_id": "l1", "kind": "task", "owner_email": "ann@x.com",
                    "due_at": datetime(2026, 12, 9, 0, 5, tzinfo=UTC), "channels": ["sms", "email"],
                    "sequence": "sdr_outbound", "meeting_url": None}
    assert (link["kind"], link["channels"], link["sequence"]) == ("meeting_link", [], None)
    assert link["meeting_url"] == "https://meetings.example.com/jo.ae%2Bcal?lead=l2"


def test_the_template_encodes_every_field() -> None:
    assert meeting_url("https://cal/{owner_email}/{owner_handle}?l={lead_id}", "a b@x.com", "l/1&x") == (
        "https://cal/a%20b%40x.com/a%20b?l=l%2F1%26x")


@pytest.mark.parametrize(("fragment", "key", "message"), [
    ("meeting_link: 'https://x/{owner}'", "meeting_link", "unknown fields ['owner']"),
    ("default_timezone: Mars/Base", "default_timezone", "unknown time zone 'Mars/Base'"),
    ("territory_precedence: [postal, region, country]", "territory_precedence", "name each of"),
    ("alternate: {channels: [email], offers: [{codes: [NOPE], flow: partner, offer: x}]}",
     "alternate.offers.0.codes", "unknown reason codes ['NOPE']"),
    ("segments: {tiny: {}}", "segments.tiny", "a segment names at least one size band or industry"),
], ids=["template-field", "time-zone", "precedence", "offer-code", "empty-segment"])
def test_the_routing_section_refuses_what_would_fail_later(fragment: str, key: str, message: str) -> None:
    with pytest.raises(RulesetError, match=re.escape(f"routing.{key} (line 3): {message}")):
        parse_ruleset(f"version: r-1\nrouting:\n  {fragment}\n")
