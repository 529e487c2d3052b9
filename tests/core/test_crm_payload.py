"""A person's CRM record from its state row: the golden record over the lead, do-not-contact and a cleared owner
once the decision no longer hands the person off, the ruleset's property names, tasks only for the routed,
where the record goes; the merge plan and the redelivery clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadgate_dagster.core.crm_delivery import MergeStep, exhausted, next_attempt, plan_merges
from leadgate_dagster.core.crm_payload import build_contact, destination_of
from leadgate_dagster.core.rules.crm import CrmRules
from leadgate_dagster.core.ruleset import load_ruleset, ruleset_from_body

RULES = load_ruleset().crm
DECIDED = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def _row(**over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "person_id": "p_1", "seq": 41, "crm_id": None, "link_destination": None, "lead_id": "ld_2", "source": "web",
        "email_normalized": "ann.lee@northwind.com", "first_name": "ann", "last_name": "Lee", "phone_e164": None,
        "company": "Northwind", "job_title": "VP Sales", "city": None, "country": "US",
        "golden": {"first_name": "Ann", "phone": "+14155552671"}, "disposition": "ROUTE_SDR", "score": 87,
        "priority_score": 61, "engagement_score": 0, "reason_codes": ["DUP_TIER_A", "SCORE_NEUTRAL_FALLBACK"],
        "allowed_channels": ["voice", "email"], "decided_at": DECIDED, "ruleset_version": "2026.12.5-crm",
        "owner_email": "sam@acme.test", "owner_rule": "territory:us-west", "account_id": "acc_9",
        "account_match": "domain"}
    return {**row, **over}


def test_a_routed_person_is_sent_with_its_golden_fields_and_owner() -> None:
    contact = build_contact(_row(), RULES)
    p = contact.properties
    assert (p["firstname"], p["lastname"], p["phone"]) == ("Ann", "Lee", "+14155552671")  # golden over the lead
    assert (p["leadgate_disposition"], p["leadgate_score"], p["leadgate_sync_seq"]) == ("ROUTE_SDR", "87", "41")
    assert p["leadgate_allowed_channels"] == "email;voice" and p["leadgate_reason_codes"] == "DUP_TIER_A;SCORE_NEUTRAL_FALLBACK"
    assert (p["leadgate_do_not_contact"], p["leadgate_owner_email"]) == ("false", "sam@acme.test")
    assert p["leadgate_decided_at"] == "2026-12-05T09:30:00+00:00"
    assert (contact.email, contact.crm_id, contact.destination, contact.missing_key) == (
        "ann.lee@northwind.com", None, "crm", False)


@pytest.mark.parametrize("change", [{"disposition": "QUARANTINE_REVIEW"}, {"disposition": "REJECT"},
                                    {"allowed_channels": []}], ids=["held", "rejected", "no-channel-left"])
def test_a_person_no_longer_handed_off_is_do_not_contact_with_its_owner_cleared(change: dict) -> None:
    p = build_contact(_row(**change, task_subject="Call back"), RULES)
    assert p.properties["leadgate_do_not_contact"] == "true"
    assert [p.properties[k] for k in ("leadgate_owner_email", "leadgate_owner_rule", "leadgate_account_id",
                                      "leadgate_account_match")] == ["", "", "", ""]
    assert p.tasks == ()


def test_property_names_come_from_the_ruleset_and_an_empty_name_leaves_the_field_out() -> None:
    body = load_ruleset().body
    body["crm"]["properties"] = {**body["crm"]["properties"], "score": "", "disposition": "lead_status_custom"}
    rules = ruleset_from_body({**body, "version": "t-1"}).crm
    p = build_contact(_row(), rules).properties
    assert "leadgate_score" not in p and p["lead_status_custom"] == "ROUTE_SDR"


def test_tasks_are_keyed_by_their_content_so_a_resend_is_the_same_task() -> None:
    row = _row(task_subject="Intro call", task_due_at="2026-12-06T10:00:00Z", meeting_link="https://cal.test/x")
    [task] = build_contact(row, RULES).tasks
    assert (task.subject, task.meeting_link, task.owner_email) == ("Intro call", "https://cal.test/x", "sam@acme.test")
    assert build_contact({**row, "seq": 99}, RULES).tasks[0].key == task.key
    assert build_contact({**row, "task_subject": "Demo"}, RULES).tasks[0].key != task.key
    assert build_contact(_row(), RULES).tasks == ()


def test_no_email_and_no_crm_id_is_a_missing_key_only_for_the_crm() -> None:
    row = _row(email_normalized=None, golden={})
    assert build_contact(row, RULES).missing_key
    assert not build_contact({**row, "crm_id": "901"}, RULES).missing_key
    assert not build_contact({**row, "link_destination": "webhook:portal"}, RULES).missing_key


def _with_destinations(**destinations: object) -> CrmRules:
    body = load_ruleset().body
    body["crm"]["webhooks"] = {"portal": {"url": "https://portal.test/hook", "secret_env": "PORTAL_SECRET"}}
    body["crm"]["destinations"] = {**body["crm"]["destinations"], **destinations}
    return ruleset_from_body({**body, "version": "t-2"}).crm


def test_the_destination_by_disposition_then_source_then_default_and_a_record_stays_where_it_is() -> None:
    rules = _with_destinations(by_source={"partner": "webhook:portal"}, by_disposition={"ROUTE_AE": "crm"})
    assert destination_of(_row(source="partner"), rules) == "webhook:portal"
    assert destination_of(_row(source="partner", disposition="ROUTE_AE"), rules) == "crm"
    assert destination_of(_row(), rules) == "crm"
    assert destination_of(_row(link_destination="crm", source="partner"), rules) == "crm"


def test_a_destination_that_names_no_webhook_is_refused() -> None:
    with pytest.raises(ValueError, match=r"by_source\.partner: 'webhook:nope' is neither"):
        _with_destinations(by_source={"partner": "webhook:nope"})


def test_the_client_rate_stays_under_the_published_limit() -> None:
    rate, burst = RULES.client_rate()
    assert burst + rate * RULES.rate_limit.window_seconds <= RULES.rate_limit.requests * 0.98
    assert rate * RULES.rate_limit.window_seconds > RULES.rate_limit.requests * 0.9  # and uses most of it


@pytest.mark.parametrize(("survivor_link", "absorbed", "links", "primary", "steps"), [
    (None, ("b",), {}, None, []),
    ("1", ("b",), {}, "1", []),
    (None, ("b",), {"b": "2"}, "2", []),  # the survivor adopts the absorbed person's record
    ("1", ("b", "c"), {"b": "2", "c": "1"}, "1", [MergeStep("a", "1", "2", "b")]),
], ids=["none", "survivor-only", "adopt", "merge-distinct-only"])
def test_the_merge_plan(survivor_link: str | None, absorbed: tuple[str, ...], links: dict[str, str],
                        primary: str | None, steps: list[MergeStep]) -> None:
    assert plan_merges("a", absorbed, {**links, **({"a": survivor_link} if survivor_link else {})}) == (primary,
                                                                                                       steps)


def test_redelivery_backs_off_to_its_cap_and_the_budget_ends() -> None:
    now = DECIDED
    waits = [next_attempt(n, now, RULES) - now for n in (1, 2, 3, 10)]
    assert waits == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120), timedelta(seconds=1800)]
    assert not exhausted(RULES.delivery_attempts - 1, RULES) and exhausted(RULES.delivery_attempts, RULES)
