"""Revocations reach leads already decided, at once: `leadgate suppress`, and unsubscribe / sms_stop /
email_hard_bounce events, re-decide every current decision they cover (a reviewer's narrowed, not overturned),
the qualified_leads view shows it, and each changed lead is in the CRM outbox before the call returns."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from leadgate_dagster.core.review.actions import Action, ActionRequest
from leadgate_dagster.core.suppression_entries import normalize_entries
from leadgate_dagster.gate.api_access import open_door
from leadgate_dagster.gate.event_intake import accept_events, ingest_event_file
from leadgate_dagster.gate.review_actions import act
from leadgate_dagster.gate.revocation import suppress
from tests.fake_crm import FakeCrm
from tests.gate.crm_helpers import outbox, route, routed_row, rules_for_tests, score_review, sync
from tests.gate.review_helpers import current

KIM = "reviewer:kim"


def _suppress(engine: sa.Engine, rules, channel: str, **keys: str) -> dict[str, int]:
    entries = normalize_entries([keys], rules=rules, default_channel=channel, default_source="manual",
                                default_reason="test")
    assert entries.rejected == []
    return suppress(engine, entries, rules)


def _view(engine: sa.Engine, lead_id: str) -> sa.Row:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT disposition, allowed_channels, qa_reason FROM leadgate.qualified_leads "
                                    "WHERE lead_id = :l"), {"l": lead_id}).one()


def test_a_dnc_entry_rejects_a_routed_lead_at_once_and_the_crm_record_says_do_not_contact(
        engine: sa.Engine, tmp_path: Path) -> None:
    rules = rules_for_tests(tmp_path)
    lead = route(engine, rules, routed_row(1))["p1"]
    crm = FakeCrm()
    with crm.serving() as url:
        sync(engine, rules, url)
        report = _suppress(engine, rules, "all", email="Bea.Lee1@northwind.com")
        assert (report["redecided"], report["changed"]) == (1, 1)
        view = _view(engine, lead)
        assert (view.disposition, view.allowed_channels) == ("REJECT", [])
        assert "SUPPRESSED_DNC" in view.qa_reason
        assert [r.cause for r in outbox(engine)][-1] == "revocation"
        assert sync(engine, rules, url)["updated"] == 1
    [record] = crm.contacts()
    assert (record["leadgate_disposition"], record["leadgate_do_not_contact"]) == ("REJECT", "true")
    assert record["leadgate_allowed_channels"] == "" and record["leadgate_owner_email"] == ""


def test_a_voice_opt_out_narrows_a_routed_lead_to_email_nurture(engine: sa.Engine, tmp_path: Path) -> None:
    rules = rules_for_tests(tmp_path)
    lead = route(engine, rules, routed_row(1))["p1"]
    assert _view(engine, lead).allowed_channels == ["email", "voice"]
    _suppress(engine, rules, "voice", phone="+1 415 555 2001")
    view = _view(engine, lead)
    assert (view.disposition, view.allowed_channels) == ("NURTURE_EMAIL_ONLY", ["email"])
    assert "CONSENT_REVOKED" in view.qa_reason and current(engine, lead).decided_by == "revocation"


def test_a_reviewers_route_is_narrowed_not_overturned(engine: sa.Engine, tmp_path: Path) -> None:
    rules = rules_for_tests(tmp_path)
    lead = route(engine, rules, routed_row(1))["p1"]
    review = score_review(engine, lead)
    act(engine, review, ActionRequest(Action.ROUTE, KIM, to="ROUTE_AE", note="enterprise account"), rules=rules)
    assert (current(engine, lead).disposition, current(engine, lead).allowed_channels) == ("ROUTE_AE",
                                                                                          ["email", "voice"])
    _suppress(engine, rules, "voice", phone="+1 415 555 2001")
    narrowed = current(engine, lead)
    assert (narrowed.disposition, narrowed.allowed_channels) == ("ROUTE_AE", ["email"])
    assert narrowed.decided_by == f"{KIM}+revocation" and "CONSENT_REVOKED" in narrowed.reason_codes
    _suppress(engine, rules, "email", email="bea.lee1@northwind.com")
    closed = current(engine, lead)
    assert (closed.disposition, closed.allowed_channels) == ("REJECT", [])
    assert "NO_ALLOWED_CHANNEL" in closed.reason_codes
    assert closed.decided_by == f"{KIM}+revocation"  # still the reviewer's decision: re-scores leave it alone
    assert {r.cause for r in outbox(engine)} >= {KIM, f"{KIM}+revocation"}


def test_unsubscribe_stop_and_hard_bounce_events_revoke_their_channels(engine: sa.Engine, tmp_path: Path) -> None:
    rules = rules_for_tests(tmp_path)
    ids = route(engine, rules, routed_row(1), routed_row(2), routed_row(3))
    at = datetime.now(UTC) - timedelta(minutes=1)
    accept_events(engine, [
        {"email": "Bea.Lee1@northwind.com", "event_type": "unsubscribe", "occurred_at": at.isoformat()},
        {"lead_id": ids["p2"], "event_type": "sms_stop", "occurred_at": at.isoformat()},
        {"lead_id": ids["p3"], "event_type": "email_hard_bounce", "occurred_at": at.isoformat()},
    ], caller=open_door("esp"), idempotency_key=None, rules=rules)
    unsubscribed, stopped, bounced = (_view(engine, ids[t]) for t in ("p1", "p2", "p3"))
    assert unsubscribed.allowed_channels == ["voice"] and "CONSENT_REVOKED" in unsubscribed.qa_reason
    assert stopped.allowed_channels == ["email", "voice"]  # it had no SMS consent to lose: nothing changes
    assert bounced.allowed_channels == ["voice"]
    with engine.connect() as conn:
        status = conn.execute(sa.text("SELECT email_status, email_flags FROM leadgate.leads WHERE lead_id = :l"),
                              {"l": ids["p3"]}).one()
        entries = conn.execute(sa.text("SELECT key_type, channel, reason FROM leadgate.suppressions "
                                       "ORDER BY reason")).all()
    assert status.email_status == "invalid" and "hard_bounce" in status.email_flags
    assert [tuple(e) for e in entries] == [("email", "email", "email_hard_bounce"), ("phone", "sms", "sms_stop"),
                                           ("email", "email", "unsubscribe")]


def test_every_lead_a_domain_opt_out_covers_is_in_the_outbox_within_a_minute(engine: sa.Engine,
                                                                             tmp_path: Path) -> None:
    rules = rules_for_tests(tmp_path)
    ids = route(engine, rules, *(routed_row(i) for i in range(60)))
    started = time.monotonic()
    report = _suppress(engine, rules, "all", domain="northwind.com")
    elapsed = time.monotonic() - started
    assert report["changed"] == 60 and elapsed < 60
    revoked = {r.lead_id for r in outbox(engine) if r.cause == "revocation"}
    assert revoked == set(ids.values())


def test_an_unsubscribe_in_an_events_file_revokes_too(engine: sa.Engine, tmp_path: Path) -> None:
    rules = rules_for_tests(tmp_path)
    lead = route(engine, rules, routed_row(1))["p1"]
    at = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    data = f"email,event_type,occurred_at\nbea.lee1@northwind.com,unsubscribe,{at}\n".encode()
    assert ingest_event_file(engine, data, filename="events-esp.csv", source="esp", rules=rules).inserted == 1
    assert _view(engine, lead).allowed_channels == ["voice"]
    assert current(engine, lead).decided_by == "revocation"
