"""POST /v1/leads through the ASGI app: durable before 202, idempotent per key, bad items kept with a reason."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient


def _events(engine: sa.Engine) -> list[sa.Row]:
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT lead_id, channel, source, fields, replay_of, parse_error FROM leadgate.intake_events "
            "ORDER BY event_id")).all()


def test_one_lead_is_written_before_the_202(client: TestClient, engine: sa.Engine) -> None:
    resp = client.post("/v1/leads", json={"E-mail Address": "ann@northwind.com", "First Name": "Ann"})
    assert resp.status_code == 202
    [lead_id] = resp.json()["lead_ids"]
    [event] = _events(engine)
    assert event.lead_id == lead_id and event.channel == "api" and event.source == "website"
    assert event.fields == {"email": "ann@northwind.com", "first_name": "Ann", "source": "website"}


def test_same_idempotency_key_returns_the_stored_answer_and_writes_nothing(client: TestClient, engine: sa.Engine) -> None:
    body = [{"email": "a@northwind.com"}, {"email": "b@northwind.com"}]
    first = client.post("/v1/leads", json=body, headers={"Idempotency-Key": "k-1"})
    again = client.post("/v1/leads", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 202
    assert again.content == first.content and again.headers["Idempotent-Replayed"] == "true"
    assert len(_events(engine)) == 2
    conflict = client.post("/v1/leads", json=[{"email": "c@northwind.com"}], headers={"Idempotency-Key": "k-1"})
    assert conflict.status_code == 409 and len(_events(engine)) == 2


def test_a_resubmitted_lead_without_a_key_is_recognised_as_a_replay(client: TestClient, engine: sa.Engine) -> None:
    lead = {"email": "a@northwind.com", "phone": "+1 212 288 8104"}
    first = client.post("/v1/leads", json=lead).json()
    second = client.post("/v1/leads", json=lead).json()
    assert second["leads"][0]["replay_of"] == first["lead_ids"][0]


def test_an_empty_list_is_refused(client: TestClient) -> None:
    assert client.post("/v1/leads", json=[]).status_code == 422


def test_the_202_carries_each_leads_verdict(client: TestClient, engine: sa.Engine) -> None:
    body = [{"email": "ann@gmial.com", "Mobile": "+1 415 839 2671", "first_name": "Ann", "last_name": "Lee"},
            {"email": "bob.lee@gmail.com", "phone": "12345", "country": "US"}]
    resp = client.post("/v1/leads", json=body, headers={"Idempotency-Key": "form-1"})
    assert resp.status_code == 202
    typo, bad_phone = (lead["verdict"] for lead in resp.json()["leads"])
    assert typo["checked"] == "syntax" and not typo["ok"]
    assert typo["email"]["did_you_mean"] == "ann@gmail.com"
    assert ("EMAIL_DOMAIN_TYPO", "email") in [(e["code"], e["field"]) for e in typo["errors"]]
    assert typo["phone"] == {"status": "valid", "e164": "+14158392671", "line_type": "fixed_line_or_mobile",
                             "region": "US"}
    assert [(e["code"], e["field"]) for e in bad_phone["errors"]] == [("PHONE_INVALID", "phone")]
    assert bad_phone["allowed_channels"] == ["email"] and bad_phone["channels"]["email"]["allowed"]
    assert len(_events(engine)) == 2
    again = client.post("/v1/leads", json=body, headers={"Idempotency-Key": "form-1"}).json()
    assert [lead["verdict"] for lead in again["leads"]] == [lead["verdict"] for lead in resp.json()["leads"]]


def test_a_failing_verdict_never_costs_the_lead(client: TestClient, engine: sa.Engine,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("verdict engine bug")

    monkeypatch.setattr("leadgate_dagster.gate.api_intake.lead_verdicts", broken)
    resp = client.post("/v1/leads", json={"email": "ann@northwind.com"})
    assert resp.status_code == 202 and resp.json()["leads"][0]["verdict"] is None
    assert [e.lead_id for e in _events(engine)] == resp.json()["lead_ids"]


def test_the_verdict_is_published_in_openapi(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    verdict = schemas["AcceptedLead"]["properties"]["verdict"]
    assert {"$ref": "#/components/schemas/LeadVerdict"} in verdict["anyOf"]
    assert {"ok", "checked", "errors", "warnings", "email", "phone", "channels"} <= set(
        schemas["LeadVerdict"]["properties"])
    assert "did_you_mean" in schemas["EmailVerdict"]["properties"]
