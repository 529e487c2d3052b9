"""Suppressions, behaviour events and partner counts reach the decision: each changes what a lead gets."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from leadgate_dagster.cli import main
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.api_access import open_door
from leadgate_dagster.gate.event_intake import accept_events
from tests.gate.scoring_helpers import ANN, decide_file, decisions, lead_file

RULES = load_ruleset()


def test_dnc_rejects_and_a_channel_revocation_closes_only_that_channel(engine, pg_url, monkeypatch, tmp_path,
                                                                       capsys) -> None:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    decide_file(engine, lead_file(ANN.format(p="", i="before")), RULES)
    assert decisions(engine)["before"].disposition == "ROUTE_SDR"
    # a DNC entry given in another spelling of the address, and a voice opt-out (STOP) on Bea's number
    assert main(["suppress", "add", "--email", " ANN.Lee@Northwind.com", "--reason", "asked on the phone"]) == 0
    listed = tmp_path / "optouts.csv"
    listed.write_text("phone,channel,reason\n(415) 555-2699,voice,STOP\nnot a number,voice,typo\n")
    assert main(["suppress", "import", str(listed)]) == 1  # one row refused, and said so
    assert "SUPPRESSION_KEY_INVALID" in capsys.readouterr().err
    bea = ANN.format(p="", i="bea").replace("Ann,Lee,ann.lee", "Bea,Ray,bea.ray").replace("2671", "2699")
    decide_file(engine, lead_file(ANN.format(p="", i="after"), bea), RULES)
    got = decisions(engine)
    assert got["after"].disposition == "REJECT" and "SUPPRESSED_DNC" in got["after"].reason_codes
    assert got["bea"].allowed_channels == ["email"] and "CONSENT_REVOKED" in got["bea"].reason_codes
    # an earlier decision is decided again at once (gate/revocation.py; tests/gate/test_revocation.py)
    assert (got["before"].disposition, got["before"].decided_by) == ("REJECT", "revocation")
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT key_type, key, channel FROM leadgate.suppressions ORDER BY 1")).all()
    assert [tuple(r) for r in stored] == [("email", "ann.lee@northwind.com", "all"), ("phone", "+14155552699", "voice")]


def test_a_demo_request_event_sent_by_email_routes_the_lead_to_an_ae(engine) -> None:
    now = datetime.now(UTC)
    ack = accept_events(engine, [
        {"email": "Ann.Lee@northwind.com", "event_type": "demo_request", "occurred_at": now - timedelta(days=2)},
        {"email": "ann.lee@northwind.com", "event_type": "page_view", "occurred_at": now - timedelta(days=400)},
    ], idempotency_key=None, caller=open_door("tracker"), rules=RULES)
    assert json.loads(ack.body)["stored"] == 2
    decide_file(engine, lead_file(ANN.format(p="", i="engaged")), RULES)
    got = decisions(engine)["engaged"]
    assert got.disposition == "ROUTE_AE"
    engaged = got.score_inputs["engagement"]
    assert engaged["demo_event"] is True and engaged["engagement_events"] == 1  # the 400-day-old view is too old
    assert engaged["engagement_score"] > 0


def test_a_partners_daily_cap_counts_its_leads_accepted_earlier_today(engine, tmp_path) -> None:
    body = load_ruleset().body
    body["eligibility"]["partners"] = {"aff_1": {"daily_cap": 1}}
    path = tmp_path / "capped.yaml"
    path.write_text(json.dumps(body))
    rules = load_ruleset(path)
    decide_file(engine, lead_file(ANN.format(p="aff_1", i="first")), rules)
    second = ANN.format(p="aff_1", i="second").replace("Ann,Lee,ann.lee", "Cy,Oh,cy.oh").replace("2671", "2673")
    decide_file(engine, lead_file(second), rules)
    got = decisions(engine)
    assert "PARTNER_CAP_EXCEEDED" not in got["first"].reason_codes and got["first"].disposition == "ROUTE_SDR"
    assert "PARTNER_CAP_EXCEEDED" in got["second"].reason_codes and got["second"].disposition != "ROUTE_SDR"


def test_outcomes_import_keeps_good_rows_and_names_bad_ones(engine, pg_url, monkeypatch, tmp_path,
                                                            capsys) -> None:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "outcomes_too_few.csv"
    assert main(["outcomes", "import", str(fixture)]) == 0
    bad = tmp_path / "crm.csv"
    bad.write_text("Lead ID,Converted,Value\nO012-000001,maybe,\n,yes,10\nO012-000002,yes,1200.50\n")
    assert main(["outcomes", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "row 1: OUTCOME_CONVERTED_INVALID" in err and "row 2: OUTCOME_NO_LEAD_ID" in err
    with engine.connect() as conn:
        n, converted = conn.execute(sa.text("SELECT count(*), count(*) FILTER (WHERE converted) "
                                            "FROM leadgate.outcomes")).one()
        updated = conn.execute(sa.text("SELECT converted, value FROM leadgate.outcomes "
                                       "WHERE lead_id = 'O012-000002'")).one()
    assert (n, converted) == (400, 48)  # the fixture's 47 conversions, plus the one the second file reported
    assert updated.converted and float(updated.value) == 1200.5


def test_a_duplicates_activity_counts_for_the_persons_routed_lead(engine) -> None:
    from leadgate_dagster.store.behavior_events import for_leads, rescore_candidates

    decide_file(engine, lead_file(ANN.format(p="", i="first")), RULES)
    again = ANN.format(p="", i="again").replace("ann.lee@northwind.com", "ann.lee@gmail.com")
    decide_file(engine, lead_file(again), RULES)
    got = decisions(engine)
    first, dup = got["first"].lead_id, got["again"].lead_id
    assert "DUP_TIER_A" in got["again"].reason_codes  # same person by the mobile number
    before = datetime.now(UTC)
    accept_events(engine, [{"lead_id": dup, "event_type": "demo_request", "occurred_at": before}],
                  idempotency_key=None, caller=open_door("tracker"), rules=RULES)
    with engine.connect() as conn:
        events = for_leads(conn, [first])
        due = rescore_candidates(conn, since=before - timedelta(seconds=1), until=datetime.now(UTC) + timedelta(1),
                                 boundaries_days=[30])
    assert list(events["event_type"]) == ["demo_request"] and set(events["lead_id"]) == {first}
    assert first in due
