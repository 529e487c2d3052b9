"""Routing in the pipeline: each ROUTE_SDR / ROUTE_AE lead gets an owner (territory, account, person) and its
next step in the decision's transaction, shown in qualified_leads; with no owner able to take it, a
handoff_exception item holds it until a person assigns one; before any owner exists nothing changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from leadgate_dagster.core.review.actions import Action, ActionRequest
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.lead_status import lead_status
from leadgate_dagster.gate.qualify import requalify
from leadgate_dagster.gate.review_actions import ReviewInvalid, act
from leadgate_dagster.gate.review_queue import run_queue
from leadgate_dagster.store import dispositions
from tests.gate.routing_helpers import (
    AUSTIN,
    HEADER,
    RULES,
    accounts,
    owners,
    person,
    query,
    routed,
    run,
    run_file,
)

SDRS = ({"email": "ca.sdr@x.com", "name": "Cal", "role": "sdr", "countries": "US", "regions": "CA"},
        {"email": "us.sdr@x.com", "name": "Uma", "role": "sdr", "countries": "US"},
        {"email": "ent.ae@x.com", "name": "Eve", "role": "ae", "segment": "enterprise"},
        {"email": "ae@x.com", "name": "Abe", "role": "ae"})


def test_before_any_owner_exists_routed_leads_get_no_owner_and_no_item(engine: sa.Engine) -> None:
    run(engine, RULES, person(0), person(1, demo="yes"))
    got = routed(engine)
    assert {r.disposition for r in got.values()} == {"ROUTE_SDR", "ROUTE_AE"}
    assert all(r.owner_email is None and "NO_OWNER" not in r.reason_codes for r in got.values())
    assert query(engine, "SELECT * FROM leadgate.review_items WHERE kind = 'handoff_exception'") == []
    assert query(engine, "SELECT * FROM leadgate.next_steps") == []


def test_territory_owner_task_and_the_view(engine: sa.Engine) -> None:
    owners(engine, *SDRS)
    run(engine, RULES, person(0), person(1, place=AUSTIN), person(2, demo="yes"), person(3, employees="5000"))
    got = routed(engine)
    assert (got["p0"].owner_email, got["p0"].owner_rule) == ("ca.sdr@x.com", "territory:region+country")
    assert (got["p1"].owner_email, got["p1"].owner_rule) == ("us.sdr@x.com", "territory:country")
    assert (got["p2"].disposition, got["p2"].owner_email, got["p2"].owner_rule) == (
        "ROUTE_AE", "ae@x.com", "territory:everything")  # a demo request: the AE pool without territory
    assert (got["p3"].disposition, got["p3"].owner_email, got["p3"].owner_rule) == (
        "ROUTE_AE", "ent.ae@x.com", "territory:segment")  # an enterprise AE's territory: AE territory
    steps = {r.lead_id: r for r in query(engine, "SELECT * FROM leadgate.next_steps WHERE status = 'open'")}
    task, link = steps[got["p0"].lead_id], steps[got["p2"].lead_id]
    assert (task.kind, task.owner_email, task.channels, task.sequence) == (
        "task", "ca.sdr@x.com", ["voice", "email"], "sdr_outbound")  # the sequence's channels consent allows
    assert 0 < (task.due_at - task.created_at).total_seconds() <= 5 * 60
    assert (link.kind, link.meeting_url) == ("meeting_link", f"https://meetings.example.com/ae?lead={got['p2'].lead_id}")
    [view] = query(engine, "SELECT owner_email, owner_rule, account_id FROM leadgate.qualified_leads "
                           "WHERE lead_id = :l", l=got["p1"].lead_id)
    assert tuple(view) == ("us.sdr@x.com", "territory:country", None)
    assert lead_status(engine, got["p0"].lead_id).owner == "ca.sdr@x.com"


def test_owners_make_ae_territory_only_when_the_ruleset_says_so(engine: sa.Engine, tmp_path: Path) -> None:
    owners(engine, *SDRS)
    off = tmp_path / "off.yaml"
    off.write_text(json.dumps({"version": "ae-off", "routing": {"ae_territory_from_owners": False}}))
    rules = load_ruleset(off)
    run(engine, rules, person(3, employees="5000"))
    assert (routed(engine)["p3"].disposition, routed(engine)["p3"].owner_email) == ("ROUTE_SDR", "ca.sdr@x.com")


def test_route_ae_goes_to_the_matched_accounts_owner(engine: sa.Engine) -> None:
    owners(engine, *SDRS, {"email": "globex.ae@x.com", "name": "Gil", "role": "ae"})
    accounts(engine, {"id": "ACC-1", "name": "Globex Corporation", "domains": "globex.com",
                      "owner": "globex.ae@x.com"},
             {"id": "ACC-2", "name": "Initech", "website": "https://www.initech.io"})
    run(engine, RULES, person(0, company="Globex", domain="globex.com", demo="yes"),
        person(1, company="Globex Corp.", domain="gmail.com", demo="yes"),
        person(2, company="Globex", domain="globex.com"), person(4, company="Initech", domain="initech.io"))
    got = routed(engine)
    assert (got["p0"].owner_email, got["p0"].owner_rule, got["p0"].account_id, got["p0"].account_match,
            got["p0"].account_match_confidence) == ("globex.ae@x.com", "account", "ACC-1", "email_domain", 100)
    assert (got["p1"].owner_email, got["p1"].account_match) == ("globex.ae@x.com", "company_name")
    # no demo request, yet an account with an owner is AE territory
    assert (got["p2"].disposition, got["p2"].owner_email) == ("ROUTE_AE", "globex.ae@x.com")
    # an account without an owner is recorded; the lead goes by territory
    assert (got["p4"].disposition, got["p4"].owner_email, got["p4"].account_id, got["p4"].account_match) == (
        "ROUTE_SDR", "ca.sdr@x.com", "ACC-2", "email_domain")
    [view] = query(engine, "SELECT account_id, account_match, account_match_confidence FROM "
                           "leadgate.qualified_leads WHERE lead_id = :l", l=got["p1"].lead_id)
    assert view.account_id == "ACC-1" and view.account_match == "company_name" and view.account_match_confidence >= 90


def test_a_leads_person_keeps_its_owner(engine: sa.Engine) -> None:
    owners(engine, {"email": "ann@x.com", "name": "Ann", "role": "sdr"}, {"email": "bob@x.com", "name": "Bob",
                                                                           "role": "sdr"})
    run(engine, RULES, person(0))
    first = routed(engine)["p0"].owner_email
    run(engine, RULES, person(0, external_id="p0-again"))  # the same person submits again
    again = routed(engine)["p0-again"]
    assert again.owner_email == first and again.owner_rule == "person"


def test_a_redecision_keeps_the_owner_and_writes_nothing(engine: sa.Engine) -> None:
    owners(engine, {"email": "ann@x.com", "name": "Ann", "role": "sdr"}, {"email": "bob@x.com", "name": "Bob",
                                                                           "role": "sdr"})
    run(engine, RULES, person(0), person(1))
    before = routed(engine)
    assert requalify(engine, [r.lead_id for r in before.values()], RULES, decided_by="rescore")["changed"] == 0
    assert {k: r.owner_email for k, r in routed(engine).items()} == {k: r.owner_email for k, r in before.items()}
    assert [r.n for r in query(engine, "SELECT count(*) AS n FROM leadgate.next_steps")] == [2]


def test_a_deactivated_owners_leads_move_and_the_move_is_recorded(engine: sa.Engine) -> None:
    owners(engine, {"email": "ann@x.com", "name": "Ann", "role": "sdr"}, {"email": "bob@x.com", "name": "Bob",
                                                                           "role": "sdr"})
    run(engine, RULES, *[person(i) for i in range(4)])
    anns = sorted(r.lead_id for r in routed(engine).values() if r.owner_email == "ann@x.com")
    assert len(anns) == 2
    result = owners(engine, {"email": "ann@x.com", "name": "Ann", "role": "sdr", "active": "no"})
    assert (result.left, result.moved) == (["ann@x.com"], 2)
    assert {r.owner_email for r in routed(engine).values()} == {"bob@x.com"}
    history = query(engine, "SELECT lead_id, owner_email, decided_by, is_current FROM leadgate.dispositions "
                            "WHERE lead_id = ANY(:ids) ORDER BY lead_id, disposition_id", ids=anns)
    assert [(h.owner_email, h.decided_by, h.is_current) for h in history] == [
        ("ann@x.com", "pipeline", False), ("bob@x.com", "reroute", True)] * 2
    steps = query(engine, "SELECT owner_email, status FROM leadgate.next_steps WHERE lead_id = ANY(:ids) "
                          "ORDER BY lead_id, next_step_id", ids=anns)
    assert [tuple(s) for s in steps] == [("ann@x.com", "superseded"), ("bob@x.com", "open")] * 2
    [load] = query(engine, "SELECT assigned FROM leadgate.owner_loads WHERE owner_email = 'bob@x.com'")
    assert load.assigned == 4


def test_no_owner_holds_the_lead_until_a_person_assigns_one(engine: sa.Engine) -> None:
    owners(engine, {"email": "tx.sdr@x.com", "name": "Tex", "role": "sdr", "regions": "US-TX"})
    run(engine, RULES, person(0))  # in California: no SDR covers it
    lead = routed(engine)["p0"]
    assert (lead.disposition, lead.owner_email) == ("ROUTE_SDR", None) and "NO_OWNER" in lead.reason_codes
    [item] = query(engine, "SELECT * FROM leadgate.review_items WHERE kind = 'handoff_exception'")
    assert (item.lead_id, item.reason_codes, item.status) == (lead.lead_id, ["NO_OWNER"], "open")
    with pytest.raises(ReviewInvalid, match=r"nobody@x\.com is not an active owner"):
        act(engine, item.review_id, ActionRequest(Action.ASSIGN_OWNER, "reviewer:kim", to="nobody@x.com"),
            rules=RULES)
    with pytest.raises(ReviewInvalid, match="assign_owner needs --to OWNER_EMAIL"):
        act(engine, item.review_id, ActionRequest(Action.ASSIGN_OWNER, "reviewer:kim"), rules=RULES)
    done = act(engine, item.review_id, ActionRequest(Action.ASSIGN_OWNER, "reviewer:kim", to="TX.SDR@x.com"),
               rules=RULES)
    assert done.status == "resolved" and done.disposition_changed
    after = routed(engine)["p0"]
    assert (after.owner_email, after.owner_rule, after.decided_by) == ("tx.sdr@x.com", "reviewer", "reviewer:kim")
    assert "NO_OWNER" not in after.reason_codes
    [step] = query(engine, "SELECT owner_email, kind FROM leadgate.next_steps WHERE status = 'open'")
    assert tuple(step) == ("tx.sdr@x.com", "task")


def test_an_owner_import_routes_the_leads_waiting_for_one(engine: sa.Engine) -> None:
    owners(engine, {"email": "tx.sdr@x.com", "name": "Tex", "role": "sdr", "regions": "US-TX"})
    run(engine, RULES, person(0))
    result = owners(engine, {"email": "ca.sdr@x.com", "name": "Cal", "role": "sdr", "regions": "US-CA"})
    assert result.moved == 1
    assert routed(engine)["p0"].owner_email == "ca.sdr@x.com"
    [item] = query(engine, "SELECT status, resolution, resolved_by FROM leadgate.review_items "
                           "WHERE kind = 'handoff_exception'")
    assert tuple(item) == ("resolved", "owner_assigned", "reroute")


def test_a_reviewer_routing_a_held_lead_to_sales_gives_it_an_owner(engine: sa.Engine) -> None:
    owners(engine, {"email": "ann@x.com", "name": "Ann", "role": "sdr"})
    held = person(0).replace("yes,yes,yes,", ",,,", 1).replace(",US,", ",DE,", 1)  # no consent data in Germany
    run(engine, RULES, held)
    [item] = query(engine, "SELECT review_id FROM leadgate.review_items WHERE kind = 'quarantine'")
    act(engine, item.review_id, ActionRequest(Action.ROUTE, "reviewer:kim", to="ROUTE_SDR", note="called them"),
        rules=RULES)
    lead = routed(engine)["p0"]
    assert (lead.disposition, lead.owner_email, lead.decided_by) == ("ROUTE_SDR", "ann@x.com", "reviewer:kim")


def test_a_crm_handoff_code_on_the_same_item_stays_when_the_owner_comes(engine: sa.Engine) -> None:
    owners(engine, {"email": "tx.sdr@x.com", "name": "Tex", "role": "sdr", "regions": "US-TX"})
    run(engine, RULES, person(0))
    with engine.begin() as conn:  # the CRM outbox adds its own exception to the lead's one open item
        conn.execute(sa.text("UPDATE leadgate.review_items SET reason_codes = reason_codes || '{CRM_WRITE_FAILED}' "
                             "WHERE kind = 'handoff_exception'"))
    owners(engine, {"email": "ca.sdr@x.com", "name": "Cal", "role": "sdr", "regions": "US-CA"})
    [item] = query(engine, "SELECT status, reason_codes FROM leadgate.review_items WHERE kind = 'handoff_exception'")
    assert (item.status, item.reason_codes) == ("open", ["CRM_WRITE_FAILED"])


def test_a_compliant_but_ineligible_lead_gets_the_alternate_offer_in_the_view(engine: sa.Engine,
                                                                            tmp_path: Path) -> None:
    path = tmp_path / "licensed.yaml"
    path.write_text(json.dumps({"version": "alt-1", "eligibility": {
        "products": {"term_life": {"countries": ["US"], "licensed_us_states": ["NY"]}}}}))
    rules = load_ruleset(path)
    owners(engine, {"email": "ann@x.com", "name": "Ann", "role": "sdr"}, rules=rules)
    data = person(0).rstrip("\n").rsplit(",", 1)[0]  # the usual lead without its Lead ID, then its product
    ingest = f"{HEADER.rstrip().rsplit(',', 1)[0]},Product Interest,Lead ID\n{data},term_life,p0\n"
    run_file(engine, rules, ingest.encode())
    lead = routed(engine)["p0"]
    assert (lead.disposition, lead.alternate_offer, lead.owner_email) == (
        "NURTURE_EMAIL_ONLY", "partner:licensed_partner", None)
    assert {"LICENSE_MISSING", "ALTERNATE_OFFER"} <= set(lead.reason_codes)
    [view] = query(engine, "SELECT alternate_offer, qa_reason FROM leadgate.qualified_leads WHERE lead_id = :l",
                   l=lead.lead_id)
    assert view.alternate_offer == "partner:licensed_partner" and "ALTERNATE_OFFER" in view.qa_reason


def test_decisions_read_back_are_recorded_again_with_their_account_match(engine: sa.Engine) -> None:
    accounts(engine, {"id": "ACC-1", "name": "Globex", "domains": "globex.com"})
    run(engine, RULES, person(0, company="Globex", domain="globex.com"), person(1))
    ids = sorted(r.lead_id for r in routed(engine).values())
    with engine.begin() as conn:  # as a score adjustment does: the current rows, changed, recorded again
        current = dispositions.current(conn, ids)
        changed = current.assign(priority_score=current["priority_score"] + 1)
        assert dispositions.record(conn, changed[[c for c in dispositions.COLUMNS if c != "is_current"]]) == 2
    got = routed(engine)
    assert [(got[k].account_id, got[k].account_match_confidence) for k in ("p0", "p1")] == [("ACC-1", 100),
                                                                                              (None, None)]


def test_a_reviewer_taking_a_lead_out_of_sales_closes_its_next_step(engine: sa.Engine) -> None:
    owners(engine, {"email": "ann@x.com", "name": "Ann", "role": "sdr"})
    run(engine, RULES, person(0, employees="2000"))  # routed to an SDR at a big company: a score review
    run_queue(engine, RULES, datetime.now(UTC))
    [item] = query(engine, "SELECT review_id FROM leadgate.review_items WHERE kind = 'score_review'")
    act(engine, item.review_id, ActionRequest(Action.ROUTE, "reviewer:kim", to="NURTURE_EMAIL_ONLY",
                                              note="not ready"), rules=RULES)
    lead = routed(engine)["p0"]
    assert (lead.disposition, lead.owner_email, lead.owner_rule) == ("NURTURE_EMAIL_ONLY", None, None)
    assert [tuple(s) for s in query(engine, "SELECT owner_email, status FROM leadgate.next_steps")] == [
        ("ann@x.com", "superseded")]
