"""The review queue's lifecycle against Postgres, with the clock passed in: held leads become items with their
disposition, escalation at the SLA (one alert per kind and source), the fallback per reason family at 24 h,
at once for hopeless items, expiry at the TTL; every run repeated (and run twice at once) changes nothing."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.qualify import qualify_leads
from leadgate_dagster.gate.review_queue import run_queue
from leadgate_dagster.store import review_overrides
from tests.gate.review_helpers import (
    ANN_AGAIN,
    BAD_EMAIL,
    HOPELESS,
    NO_CONSENT_DE,
    ROUTED,
    cache_mx,
    current,
    decide,
    decisions,
    history,
    items,
    now,
    rules_with,
    snapshot,
)

RULES = load_ruleset()


def _alerts(engine: sa.Engine) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT subject, details, resolved_at FROM leadgate.alerts WHERE kind = 'review_escalated'")).all())


def test_a_held_lead_is_one_item_written_with_its_disposition_and_resolved_when_it_leaves(engine: sa.Engine) -> None:
    ids = decide(engine, RULES, ROUTED, NO_CONSENT_DE, BAD_EMAIL)
    held = items(engine, kind="quarantine")
    assert {(i.lead_id, tuple(i.reason_codes)) for i in held} == {
        (ids["de"], ("CONSENT_UNKNOWN",)), (ids["bad"], ("EMAIL_INVALID",))}
    assert all(i.status == "open" and i.source == "web" for i in held)
    assert {(i.due_at - i.created_at, i.fallback_at - i.created_at, i.expires_at - i.created_at) for i in held} == {
        (timedelta(hours=4), timedelta(hours=24), timedelta(days=10))}
    with engine.begin() as conn:  # decided again, still held: the same item, nothing new
        qualify_leads(conn, list(ids.values()), RULES, decided_by="rescore")
    assert items(engine, kind="quarantine") == held
    for waived, codes in ((["EMAIL_INVALID"], ["SCORE_BORDERLINE"]), (["SCORE_BORDERLINE"], None)):
        with engine.begin() as conn:  # a reason set aside; the next decision sees the lead without it
            review_overrides.waive(conn, [ids["bad"]], [waived], actor="reviewer:kim", review_ids=[None],
                                   note="checked by phone", now=now())
            qualify_leads(conn, [ids["bad"]], RULES, decided_by="recheck")
        [bad] = items(engine, lead_id=ids["bad"])
        if codes:  # still held, now only in the rubric's review band: the same item, its reasons refreshed
            assert (bad.status, bad.reason_codes, bad.version) == ("open", codes, 1)
    assert (bad.status, bad.resolved_by, bad.resolution) == ("resolved", "recheck", "redecided")
    assert current(engine, ids["bad"]).disposition == "REJECT"  # not qualified without the review band
    assert decisions(engine, bad.review_id) == [("redecided", "recheck")]


def test_escalation_at_the_sla_bumps_priority_and_opens_one_alert_per_kind_and_source(engine: sa.Engine) -> None:
    decide(engine, RULES, NO_CONSENT_DE, BAD_EMAIL)
    t0 = now()
    assert run_queue(engine, RULES, t0 + timedelta(hours=3, minutes=59))["escalated"] == 0
    before = {i.review_id: i.priority for i in items(engine)}
    report = run_queue(engine, RULES, t0 + timedelta(hours=4, minutes=1))
    assert report["escalated"] == 2 and report["escalation_alerts_open"] == 1
    after = items(engine)
    assert all(i.escalated_at is not None and i.priority >= before[i.review_id] + 25 for i in after)
    [alert] = _alerts(engine)
    assert (alert.subject, alert.details["items"], alert.resolved_at) == ("quarantine/web", 2, None)
    state = snapshot(engine)
    again = run_queue(engine, RULES, t0 + timedelta(hours=4, minutes=1))
    assert again["escalated"] == 0 and snapshot(engine) == state


def test_the_fallback_at_24_hours_follows_the_reason_family(engine: sa.Engine) -> None:
    ids = decide(engine, RULES, NO_CONSENT_DE, BAD_EMAIL)
    decide(engine, RULES, ROUTED)
    bob = decide(engine, RULES, ANN_AGAIN)["again"]
    [pair] = items(engine, kind="merge_candidate")
    assert pair.lead_id == bob and pair.reason_codes == ["DUP_TIER_B"]
    assert not items(engine, kind="quarantine", lead_id=bob)  # held only by its pair: the pair is the item
    t0 = now()
    assert run_queue(engine, RULES, t0 + timedelta(hours=23))["fallbacks"] == 0
    report = run_queue(engine, RULES, t0 + timedelta(hours=24, minutes=1))
    assert (report["fallback_hold"], report["fallback_reject"], report["fallback_keep_apart"]) == (1, 1, 1)

    [consent] = items(engine, lead_id=ids["de"])  # consent unknown: stays held, a person must find the record
    assert consent.status == "open" and consent.fallback_taken_at is not None
    assert current(engine, ids["de"]).disposition == "QUARANTINE_REVIEW"
    assert decisions(engine, consent.review_id)[-1] == ("hold", "fallback")

    [invalid] = items(engine, lead_id=ids["bad"])  # invalid contact data: REJECT, history kept
    assert (invalid.status, invalid.resolution, invalid.resolved_by) == ("resolved", "fallback:reject", "fallback")
    assert history(engine, ids["bad"]) == [("QUARANTINE_REVIEW", "pipeline", False), ("REJECT", "fallback", True)]

    [kept] = items(engine, kind="merge_candidate")  # the pair is kept apart and Bob decided without it
    assert (kept.status, kept.resolution) == ("resolved", "fallback:keep_apart")
    bob_now = current(engine, bob)
    assert bob_now.disposition != "QUARANTINE_REVIEW" and bob_now.decided_by == "fallback"
    assert "DUP_TIER_B" not in bob_now.reason_codes and bob_now.score_inputs["waived"] == ["DUP_TIER_B"]


@pytest.mark.parametrize(("code", "cache"), [
    ("EMAIL_DNS_UNAVAILABLE", ("unknown", None, "EMAIL_DNS_UNAVAILABLE")),
    ("EMAIL_CATCH_ALL", ("ok", True, None)),
], ids=["dns", "catch-all"])
def test_dns_and_catch_all_holds_are_decided_again_without_the_held_reason(
        engine: sa.Engine, tmp_path: Path, code: str, cache: tuple[str, bool | None, str | None]) -> None:
    rules = rules_with(tmp_path, severity_overrides={code: "quarantine"})
    cache_mx(engine, "northwind.com", *cache)
    lead = decide(engine, rules, ROUTED)["routed"]
    [item] = items(engine, lead_id=lead)
    assert item.reason_codes == [code]
    run_queue(engine, rules, now() + timedelta(hours=24, minutes=1))
    [item] = items(engine, lead_id=lead)
    decided = current(engine, lead)
    assert (item.status, item.resolution) == ("resolved", "fallback:redecide_without")
    assert decided.disposition == "ROUTE_SDR" and decided.decided_by == "fallback" and code not in decided.reason_codes


def test_a_hopeless_item_takes_its_fallback_at_once(engine: sa.Engine) -> None:
    ids = decide(engine, RULES, HOPELESS, BAD_EMAIL)
    report = run_queue(engine, RULES, now() + timedelta(minutes=1))
    assert (report["fallback_early"], report["fallback_reject"]) == (1, 1)
    assert history(engine, ids["hopeless"])[-1] == ("REJECT", "fallback", True)
    assert current(engine, ids["bad"]).disposition == "QUARANTINE_REVIEW"  # its voice channel is still open


def test_expiry_at_the_ttl_gives_the_expiry_disposition(engine: sa.Engine) -> None:
    lead = decide(engine, RULES, NO_CONSENT_DE)["de"]
    t0 = now()
    run_queue(engine, RULES, t0 + timedelta(hours=25))  # held by its fallback
    report = run_queue(engine, RULES, t0 + timedelta(days=10, minutes=1))
    assert (report["expired"], report["expired_holds"]) == (1, 1)
    [item] = items(engine, lead_id=lead)
    assert (item.status, item.resolved_by) == ("expired", "expiry")
    assert history(engine, lead)[-1] == ("REJECT", "expiry", True)
    assert [a for a, _ in decisions(engine, item.review_id)] == ["hold", "escalate", "expire"]
    assert _alerts(engine)[0].resolved_at is not None  # nothing escalated is left open


def test_two_runs_at_once_leave_the_state_of_one(engine: sa.Engine) -> None:
    decide(engine, RULES, NO_CONSENT_DE, BAD_EMAIL, HOPELESS)
    at = now() + timedelta(hours=24, minutes=1)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            run_queue(engine, RULES, at)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    state = snapshot(engine)
    actions = [(d[1], d[3]) for d in state["review_decisions"]]
    assert len(actions) == len(set(actions))  # every item escalated once, fell back once
    assert len([d for d in state["dispositions"] if d[-1] == "fallback"]) <= 2  # at most one row per lead
    run_queue(engine, RULES, at)
    assert snapshot(engine) == state
