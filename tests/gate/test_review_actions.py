"""Every review action against Postgres: what it does to the item, the lead's disposition (history kept), the
identity graph and the decision log; and what it refuses, with which message."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from leadgate_dagster.core.review.actions import Action, ActionRequest
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.qualify import qualify_leads
from leadgate_dagster.gate.review_actions import ReviewConflict, ReviewInvalid, ReviewNotFound, act
from leadgate_dagster.gate.review_queue import intake_items
from tests.gate.review_helpers import (
    ANN_AGAIN,
    BAD_EMAIL,
    HIGH_VALUE,
    ROUTED,
    cache_mx,
    current,
    decide,
    history,
    items,
    now,
    rules_with,
)

RULES = load_ruleset()
KIM, LEE = "reviewer:kim", "reviewer:lee"


def _do(engine: sa.Engine, review_id: int, action: Action, actor: str = KIM, rules=RULES, **kw: object):
    return act(engine, review_id, ActionRequest(action, actor, **kw), rules=rules)  # type: ignore[arg-type]


def _log(engine: sa.Engine, review_id: int) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT * FROM leadgate.review_decisions WHERE review_id = :r "
                                         "ORDER BY decision_id"), {"r": review_id}).all())


def _person(engine: sa.Engine, lead_id: str) -> sa.Row:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT person_id, duplicate_of FROM leadgate.lead_person WHERE lead_id = :l"),
                            {"l": lead_id}).one()


def test_verify_sets_the_held_reason_aside_and_decides_the_lead_again(engine: sa.Engine, tmp_path: Path) -> None:
    rules = rules_with(tmp_path, severity_overrides={"EMAIL_DNS_UNAVAILABLE": "quarantine"})
    cache_mx(engine, "northwind.com", "unknown", reason="EMAIL_DNS_UNAVAILABLE")
    lead = decide(engine, rules, ROUTED)["routed"]
    [item] = items(engine, lead_id=lead)
    result = _do(engine, item.review_id, Action.VERIFY, rules=rules, note="the domain takes mail")
    assert (result.status, result.disposition, result.disposition_changed) == ("resolved", "ROUTE_SDR", True)
    assert history(engine, lead) == [("QUARANTINE_REVIEW", "pipeline", False), ("ROUTE_SDR", KIM, True)]
    [row] = _log(engine, item.review_id)
    assert (row.action, row.actor, row.note) == ("verify", KIM, "the domain takes mail")
    assert (row.before["disposition"], row.before["status"]) == ("QUARANTINE_REVIEW", "open")
    assert (row.after["disposition"], row.after["status"]) == ("ROUTE_SDR", "resolved")
    assert row.disposition_id == current(engine, lead).disposition_id
    with engine.begin() as conn:  # a later decision keeps the verdict
        qualify_leads(conn, [lead], rules, decided_by="recheck")
    assert current(engine, lead).disposition == "ROUTE_SDR"


def test_verify_of_a_lead_still_held_for_another_reason_opens_its_next_item(engine: sa.Engine) -> None:
    lead = decide(engine, RULES, BAD_EMAIL)["bad"]
    [item] = items(engine, lead_id=lead)
    assert _do(engine, item.review_id, Action.VERIFY).disposition == "QUARANTINE_REVIEW"
    first, second = items(engine, lead_id=lead)
    assert (first.status, first.resolution, second.status, second.reason_codes) == (
        "resolved", "verify", "open", ["SCORE_BORDERLINE"])


def test_route_needs_a_note_and_a_disposition_and_keeps_the_history(engine: sa.Engine) -> None:
    lead = decide(engine, RULES, BAD_EMAIL)["bad"]
    [item] = items(engine, lead_id=lead)
    with pytest.raises(ReviewInvalid) as refused:
        _do(engine, item.review_id, Action.ROUTE, to="QUARANTINE_REVIEW")
    assert refused.value.problems == (
        "unknown disposition 'QUARANTINE_REVIEW' (one of NURTURE_EMAIL_ONLY, REJECT, ROUTE_AE, ROUTE_SDR)",
        "route needs a note saying why")
    assert items(engine, lead_id=lead)[0].version == 0  # nothing written
    result = _do(engine, item.review_id, Action.ROUTE, to="ROUTE_AE", note="existing customer, AE owns it")
    assert (result.status, result.disposition) == ("resolved", "ROUTE_AE")
    assert history(engine, lead) == [("QUARANTINE_REVIEW", "pipeline", False), ("ROUTE_AE", KIM, True)]
    assert items(engine, lead_id=lead)[0].resolution_note == "existing customer, AE owns it"


def test_reject_closes_every_channel(engine: sa.Engine) -> None:
    lead = decide(engine, RULES, BAD_EMAIL)["bad"]
    [item] = items(engine, lead_id=lead)
    _do(engine, item.review_id, Action.REJECT, note="spam")
    decided = current(engine, lead)
    assert (decided.disposition, decided.allowed_channels, decided.decided_by) == ("REJECT", [], KIM)


def test_merge_joins_the_pair_through_the_identity_graph(engine: sa.Engine) -> None:
    ann = decide(engine, RULES, ROUTED)["routed"]
    bob = decide(engine, RULES, ANN_AGAIN)["again"]
    [pair] = items(engine, kind="merge_candidate")
    with pytest.raises(ReviewInvalid, match="'verify' is not an action on a merge_candidate item"):
        _do(engine, pair.review_id, Action.VERIFY)
    _do(engine, pair.review_id, Action.MERGE, note="same person, new mailbox")
    assert _person(engine, bob) == (_person(engine, ann).person_id, ann)
    with engine.connect() as conn:
        log = conn.execute(sa.text("SELECT * FROM leadgate.merge_log")).one()
    assert (log.actor, log.tier, log.evidence["review_id"]) == (KIM, "B", pair.review_id)
    decided = current(engine, bob)
    assert decided.disposition != "QUARANTINE_REVIEW" and decided.decided_by == KIM
    assert items(engine, kind="merge_candidate")[0].status == "resolved"


def test_keep_apart_leaves_two_persons_and_releases_the_lead(engine: sa.Engine) -> None:
    ann = decide(engine, RULES, ROUTED)["routed"]
    bob = decide(engine, RULES, ANN_AGAIN)["again"]
    [pair] = items(engine, kind="merge_candidate")
    _do(engine, pair.review_id, Action.KEEP_APART)
    assert _person(engine, bob).person_id != _person(engine, ann).person_id
    assert current(engine, bob).disposition != "QUARANTINE_REVIEW"


def test_split_and_unmerge_undo_audited_automatic_merges(engine: sa.Engine) -> None:
    from datetime import timedelta

    from leadgate_dagster.core.review.clock import audit_week
    from leadgate_dagster.gate.identity_admin import merge

    ann = decide(engine, RULES, ROUTED)["routed"]
    again = decide(engine, RULES, ROUTED.replace(",routed", ",again"))["again"]
    raj = decide(engine, RULES, HIGH_VALUE)["big"]
    merge_id = merge(engine, _person(engine, ann).person_id, _person(engine, raj).person_id, actor="rule:test/m1")
    start, _, _ = audit_week(now())
    with engine.begin() as conn:  # both happened last week
        conn.execute(sa.text("UPDATE leadgate.lead_person SET matched_at = :t"), {"t": start + timedelta(days=1)})
        conn.execute(sa.text("UPDATE leadgate.merge_log SET created_at = :t"), {"t": start + timedelta(days=1)})
    intake_items(engine, RULES, now())
    link = next(i for i in items(engine, kind="merge_audit") if i.merge_id is None)
    merged = next(i for i in items(engine, kind="merge_audit") if i.merge_id == merge_id)
    assert link.lead_id == again
    with pytest.raises(ReviewInvalid, match="split it"):
        _do(engine, link.review_id, Action.UNMERGE)
    _do(engine, link.review_id, Action.SPLIT, note="different Ann")
    assert _person(engine, again).person_id != _person(engine, ann).person_id
    _do(engine, merged.review_id, Action.UNMERGE, note="not the same company")
    assert _person(engine, raj).person_id != _person(engine, ann).person_id
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT undone_by FROM leadgate.merge_log WHERE merge_id = :m"),
                            {"m": merge_id}).scalar_one() == KIM


def test_adjust_score_shows_in_the_breakdown_and_outlives_a_new_decision(engine: sa.Engine) -> None:
    lead = decide(engine, RULES, ROUTED, HIGH_VALUE)["big"]
    intake_items(engine, RULES, now())
    [review] = items(engine, kind="score_review")
    before = current(engine, lead).priority_score
    with pytest.raises(ReviewInvalid, match="adjust_score needs a note giving the reason"):
        _do(engine, review.review_id, Action.ADJUST_SCORE, delta=15)
    result = _do(engine, review.review_id, Action.ADJUST_SCORE, delta=15, note="strategic account")
    adjusted = current(engine, lead)
    assert result.status == "resolved" and adjusted.priority_score == before + 15
    assert adjusted.score_inputs["priority"]["adjustment"] == {
        "points": 15, "before": before, "items": [{"points": 15, "reason": "strategic account", "by": KIM}]}
    with engine.begin() as conn:
        qualify_leads(conn, [lead], RULES, decided_by="rescore")
    assert current(engine, lead).priority_score == before + 15  # kept, and counted once


def test_adjust_score_on_a_hold_leaves_the_item_waiting(engine: sa.Engine) -> None:
    lead = decide(engine, RULES, BAD_EMAIL)["bad"]
    [item] = items(engine, lead_id=lead)
    result = _do(engine, item.review_id, Action.ADJUST_SCORE, delta=-5, note="low-value segment")
    assert (result.status, result.version, result.disposition) == ("open", 1, "QUARANTINE_REVIEW")


def test_assign_reassign_unassign_and_stale_versions(engine: sa.Engine) -> None:
    lead = decide(engine, RULES, BAD_EMAIL)["bad"]
    [item] = items(engine, lead_id=lead)
    taken = _do(engine, item.review_id, Action.ASSIGN)
    assert (taken.status, taken.assignee, taken.version) == ("in_progress", KIM, 1)
    with pytest.raises(ReviewConflict, match="is assigned to reviewer:kim; reassign to take it over") as held:
        _do(engine, item.review_id, Action.ASSIGN, actor=LEE)
    assert (held.value.assignee, held.value.version) == (KIM, 1)
    assert _do(engine, item.review_id, Action.REASSIGN, actor=LEE, to="reviewer:max").assignee == "reviewer:max"
    with pytest.raises(ReviewConflict, match="changed since version 1"):
        _do(engine, item.review_id, Action.REJECT, expected_version=1)
    back = _do(engine, item.review_id, Action.UNASSIGN, expected_version=2)
    assert (back.status, back.assignee) == ("open", None)
    with pytest.raises(ReviewInvalid, match="a open item cannot take 'unassign'"):
        _do(engine, item.review_id, Action.UNASSIGN)
    assert [r.action for r in _log(engine, item.review_id)] == ["assign", "reassign", "unassign"]


def test_a_closed_or_unknown_item_is_answered_not_acted_on(engine: sa.Engine) -> None:
    lead = decide(engine, RULES, BAD_EMAIL)["bad"]
    [item] = items(engine, lead_id=lead)
    _do(engine, item.review_id, Action.REJECT)
    with pytest.raises(ReviewConflict, match=f"review item {item.review_id} is already resolved by {KIM}"):
        _do(engine, item.review_id, Action.VERIFY, actor=LEE)
    with pytest.raises(ReviewNotFound, match="review item 999999 does not exist"):
        _do(engine, 999_999, Action.VERIFY)
    assert len(history(engine, lead)) == 2 and len(_log(engine, item.review_id)) == 1
