"""The recheck of held leads: a lead held for a reason that can change (here DNS gave no answer) is validated
and decided again every `review.recheck.interval_hours`, and released when the answer comes; not before its
interval, and a second run at the same time finds nothing due."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from leadgate_dagster.gate.mx import mx_lookup_for
from leadgate_dagster.gate.recheck_held import recheck_held
from tests.gate.review_helpers import ROUTED, cache_mx, current, decide, history, items, now, rules_with


def test_a_dns_hold_is_rechecked_every_interval_and_released_when_dns_answers(engine: sa.Engine,
                                                                             tmp_path: Path) -> None:
    rules = rules_with(tmp_path, severity_overrides={"EMAIL_DNS_UNAVAILABLE": "quarantine"})
    mx = mx_lookup_for(engine, rules)
    cache_mx(engine, "northwind.com", "unknown", reason="EMAIL_DNS_UNAVAILABLE")
    lead = decide(engine, rules, ROUTED)["routed"]
    [item] = items(engine, lead_id=lead)
    assert item.reason_codes == ["EMAIL_DNS_UNAVAILABLE"]
    t0 = now()
    assert recheck_held(engine, rules, mx, now=t0 + timedelta(hours=5))["held_rechecked"] == 0  # interval: 6 h

    still = recheck_held(engine, rules, mx, now=t0 + timedelta(hours=6, minutes=1))  # DNS still silent
    assert (still["held_rechecked"], still["held_released"]) == (1, 0)
    assert items(engine, lead_id=lead)[0].status == "open"
    assert recheck_held(engine, rules, mx, now=t0 + timedelta(hours=6, minutes=1))["held_rechecked"] == 0

    cache_mx(engine, "northwind.com", "ok")  # the domain answers now
    report = recheck_held(engine, rules, mx, now=t0 + timedelta(hours=12, minutes=2))
    assert (report["held_rechecked"], report["held_released"]) == (1, 1)
    [item] = items(engine, lead_id=lead)
    assert (item.status, item.resolved_by, item.resolution) == ("resolved", "recheck", "redecided")
    assert current(engine, lead).disposition == "ROUTE_SDR"
    assert [h[:2] for h in history(engine, lead)] == [("QUARANTINE_REVIEW", "pipeline"), ("ROUTE_SDR", "recheck")]
    assert recheck_held(engine, rules, mx, now=t0 + timedelta(days=2))["held_rechecked"] == 0
