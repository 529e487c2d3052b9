"""/v1/review/: a reviewer's key lists, reads and acts on the queue; a plain intake key cannot; a second
reviewer on the same item is told plainly that someone else was first."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from leadgate_dagster.core.ruleset import load_ruleset
from tests.api.conftest import ClientFor
from tests.gate.review_helpers import BAD_EMAIL, NO_CONSENT_DE, current, decide, items

RULES = load_ruleset()


def test_a_reviewer_key_lists_reads_and_acts(client_for: ClientFor, engine: sa.Engine) -> None:
    leads = decide(engine, RULES, BAD_EMAIL, NO_CONSENT_DE)
    kim = client_for("kim", scopes=("reviewer",))
    listed = kim.get("/v1/review/items", params={"kind": "quarantine"})
    assert listed.status_code == 200
    by_lead = {i["lead_id"]: i for i in listed.json()}
    assert set(by_lead) == set(leads.values())
    item = by_lead[leads["de"]]
    assert "CONSENT_UNKNOWN" in item["reason_codes"] and item["status"] == "open"
    shown = kim.get(f"/v1/review/items/{item['id']}").json()
    assert shown["lead_id"] == leads["de"] and shown["decisions"] == []
    done = kim.post(f"/v1/review/items/{item['id']}/actions",
                    json={"action": "route", "to": "NURTURE_EMAIL_ONLY", "note": "consent confirmed by phone"})
    assert done.status_code == 200 and done.json()["disposition"] == "NURTURE_EMAIL_ONLY"
    assert current(engine, leads["de"]).decided_by == "reviewer:kim"
    assert kim.get("/v1/review/items", params={"status": "resolved"}).json()[0]["id"] == item["id"]


def test_answers_for_a_missing_item_an_invalid_request_and_a_second_reviewer(client_for: ClientFor,
                                                                              engine: sa.Engine) -> None:
    lead = decide(engine, RULES, BAD_EMAIL)["bad"]
    [item] = items(engine, lead_id=lead)
    kim, lee = client_for("kim", scopes=("reviewer",)), client_for("lee", scopes=("reviewer",))
    assert kim.get("/v1/review/items/999999").status_code == 404
    invalid = kim.post(f"/v1/review/items/{item.review_id}/actions", json={"action": "route", "to": "ROUTE_AE"})
    assert invalid.status_code == 422 and invalid.json()["error"] == "REVIEW_ACTION_INVALID"  # a note is required
    assert kim.post(f"/v1/review/items/{item.review_id}/actions", json={"action": "merge"}).status_code == 422
    assert kim.post(f"/v1/review/items/{item.review_id}/actions", json={"action": "fly"}).status_code == 422
    assert kim.post(f"/v1/review/items/{item.review_id}/actions", json={"action": "reject"}).status_code == 200
    late = lee.post(f"/v1/review/items/{item.review_id}/actions", json={"action": "verify"})
    assert late.status_code == 409 and "resolved" in late.json()["detail"]


def test_an_intake_key_or_no_key_sees_no_review_data(client: TestClient, anonymous: TestClient,
                                                      engine: sa.Engine) -> None:
    lead = decide(engine, RULES, BAD_EMAIL)["bad"]
    [item] = items(engine, lead_id=lead)
    for path in ("/v1/review/items", f"/v1/review/items/{item.review_id}"):
        assert client.get(path).status_code == 403
        assert anonymous.get(path).status_code == 401
    assert client.post(f"/v1/review/items/{item.review_id}/actions", json={"action": "reject"}).status_code == 403
    assert current(engine, lead).disposition == "QUARANTINE_REVIEW"


def test_a_reviewer_only_key_cannot_post_leads(client_for: ClientFor, engine: sa.Engine) -> None:
    kim = client_for("kim", scopes=("reviewer",))
    resp = kim.post("/v1/leads", json={"email": "ann@northwind.com"})
    assert resp.status_code == 403 and resp.json()["error"] == "FORBIDDEN"
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM leadgate.intake_events")).scalar_one() == 0
