"""The CRM failing on purpose: 500s, timeouts after the CRM stored the batch, 429 with Retry-After, answers that
are not JSON, a crash after commit, 207 partial results, 400 schema errors; the retry budget running out; the
rate limit and the batch size under load. After every scenario each routed person has exactly one record with
its latest values, and the counts reconcile from dispositions to outbox to CRM."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from leadgate_dagster.core.review.actions import Action, ActionRequest
from leadgate_dagster.gate.review_actions import act
from tests.fake_crm import FakeCrm
from tests.gate.crm_helpers import (
    assert_reconciled,
    later,
    outbox,
    route,
    routed_row,
    rules_for_tests,
    score_review,
    sync,
)
from tests.gate.review_helpers import items

KIM = "reviewer:kim"


def _drain_until_empty(engine: sa.Engine, rules, url: str, rounds: int = 4) -> list[dict]:
    reports = []
    for _ in range(rounds):
        reports.append(sync(engine, rules, url, now=later()))
        if not any(r.status == "pending" for r in outbox(engine)):
            break
    return reports


@pytest.mark.parametrize(("faults", "drains"), [
    (["500", "500"], 1),  # retried within the call
    (["429:1"], 1),  # after Retry-After (capped by retry_after_cap_s)
    (["timeout:1.0"], 1),  # the CRM stored the batch, the client gave up: the retry updates the same records
    (["crash"], 1),  # stored, then the connection dropped without an answer
    (["malformed"], 2),  # stored, answered with a proxy's HTML: the next drain upserts by email again
    (["500"] * 4, 2),  # the call's attempts spent: the persons wait for the next drain
], ids=["500s", "429-retry-after", "timeout-after-commit", "crash-after-commit", "malformed", "down-for-a-call"])
def test_transient_failures_end_in_one_record_per_person(engine: sa.Engine, tmp_path: Path, faults: list[str],
                                                          drains: int) -> None:
    rules = rules_for_tests(tmp_path)
    route(engine, rules, *(routed_row(i) for i in range(4)))
    crm = FakeCrm()
    crm.faults.extend(faults)
    with crm.serving() as url:
        reports = _drain_until_empty(engine, rules, url)
    assert len(reports) == drains
    assert sum(r["sent"] for r in reports) == 4 and items(engine, kind="handoff_exception") == []
    assert_reconciled(engine, rules, crm)


def test_a_newer_state_between_a_crash_and_the_retry_is_the_one_that_stays(engine: sa.Engine, tmp_path: Path) -> None:
    rules = rules_for_tests(tmp_path)
    ids = route(engine, rules, routed_row(1), routed_row(2))
    crm = FakeCrm()
    with crm.serving() as url:
        crm.faults.extend(["malformed"])  # stored; we do not know it
        assert sync(engine, rules, url)["retried"] == 2
        # meanwhile a reviewer adds priority points to one lead: a newer state of that person
        review = score_review(engine, ids["p1"])
        act(engine, review, ActionRequest(Action.ADJUST_SCORE, KIM, delta=7, note="called back"), rules=rules)
        sync(engine, rules, url, now=later())
    assert crm.seq_regressions() == []
    assert_reconciled(engine, rules, crm)
    [record] = [c for c in crm.contacts() if c["leadgate_lead_id"] == ids["p1"]]
    with engine.connect() as conn:
        priority = conn.execute(sa.text("SELECT priority_score FROM leadgate.dispositions WHERE lead_id = :l "
                                        "AND is_current"), {"l": ids["p1"]}).scalar_one()
    assert record["leadgate_priority_score"] == str(priority)


def test_a_207_fails_only_its_records_which_a_retry_delivers_once_fixed(engine: sa.Engine, tmp_path: Path) -> None:
    rules = rules_for_tests(tmp_path)
    ids = route(engine, rules, *(routed_row(i) for i in range(3)))
    crm = FakeCrm()
    bad = "bea.lee1@northwind.com"
    crm.bad_emails.add(bad)
    with crm.serving() as url:
        report = sync(engine, rules, url)
        assert (report["sent"], report["schema_mismatch"], report["retried"]) == (2, 1, 0)
        [item] = items(engine, kind="handoff_exception")
        assert (item.lead_id, item.reason_codes) == (ids["p1"], ["CRM_SCHEMA_MISMATCH"])
        assert f"Email address {bad} is invalid" in item.explanation
        assert sync(engine, rules, url, now=later())["persons"] == 0  # not retried by itself
        crm.bad_emails.clear()
        act(engine, item.review_id, ActionRequest(Action.RETRY_HANDOFF, KIM), rules=rules)
        assert sync(engine, rules, url)["sent"] == 1
    assert_reconciled(engine, rules, crm)


def test_a_400_is_a_schema_conflict_with_the_crms_message_never_retried(engine: sa.Engine, tmp_path: Path) -> None:
    rules = rules_for_tests(tmp_path)
    route(engine, rules, routed_row(1), routed_row(2))
    crm = FakeCrm()
    crm.schema.discard("leadgate_score")  # the CRM lacks a custom property the mapping names
    with crm.serving() as url:
        report = sync(engine, rules, url)
        assert (report["schema_mismatch"], report["sent"]) == (2, 0) and len(crm.calls) == 1
        found = items(engine, kind="handoff_exception")
        assert [i.reason_codes for i in found] == [["CRM_SCHEMA_MISMATCH"]] * 2
        assert 'Property "leadgate_score" does not exist' in found[0].explanation
        assert {r.status for r in outbox(engine)} == {"failed"}
        # the fix: leave the field out of the mapping, then retry each exception
        fixed = rules_for_tests(tmp_path, properties={**rules.crm.properties, "score": ""})
        for item in found:
            act(engine, item.review_id, ActionRequest(Action.RETRY_HANDOFF, KIM), rules=fixed)
        assert sync(engine, fixed, url)["sent"] == 2
    assert_reconciled(engine, fixed, crm)


def test_after_the_retry_budget_a_handoff_failed_item_and_an_alert(engine: sa.Engine, tmp_path: Path) -> None:
    rules = rules_for_tests(tmp_path, delivery_attempts=2, attempts=2)
    route(engine, rules, routed_row(1))
    crm = FakeCrm()
    crm.faults.extend(["500"] * 4)
    with crm.serving() as url:
        assert sync(engine, rules, url)["retried"] == 1
        assert sync(engine, rules, url, now=later())["failed"] == 1
        [item] = items(engine, kind="handoff_exception")
        assert item.reason_codes == ["HANDOFF_FAILED"] and "http_5xx" in item.explanation
        assert _open_alerts(engine) == [("crm_handoff_failed", "crm")]
        assert sync(engine, rules, url, now=later())["persons"] == 0  # the budget is spent
        act(engine, item.review_id, ActionRequest(Action.RETRY_HANDOFF, KIM), rules=rules)
        assert sync(engine, rules, url)["sent"] == 1
    assert _open_alerts(engine) == []  # the destination took a record again
    assert_reconciled(engine, rules, crm)


def test_the_rate_limit_and_the_batch_size_hold_under_a_backlog(engine: sa.Engine, tmp_path: Path) -> None:
    # a small window keeps the test short: 12 calls per 2 s, 3 records per call, 90 persons = 30 calls
    rules = rules_for_tests(tmp_path, rate_limit={"requests": 12, "window_seconds": 2}, batch_size=3)
    route(engine, rules, *(routed_row(i) for i in range(90)))
    crm = FakeCrm(max_batch=3, limit=(12, 2.0))
    with crm.serving() as url:
        report = sync(engine, rules, url)
    assert (report["sent"], len(crm.calls)) == (90, 30)
    assert crm.max_calls_in_window() <= 12
    assert_reconciled(engine, rules, crm)


def _open_alerts(engine: sa.Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT kind, subject FROM leadgate.alerts WHERE resolved_at IS NULL AND kind LIKE 'crm%'")).all()]
