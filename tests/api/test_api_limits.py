"""What a misconfigured or abusive client is told: 413 before parsing, 415 for anything but JSON, 422 naming
each problem (and the request kept with its reason), 409 for a reused key, 429 with Retry-After; and an
Idempotency-Key belongs to its caller."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from leadgate_dagster.core.ruleset import load_ruleset, ruleset_from_body
from leadgate_dagster.store import rulesets
from tests.api.conftest import ClientFor

LEAD = {"email": "ann@northwind.com"}


def _rows(engine: sa.Engine, sql: str) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql)))


def _activate(engine: sa.Engine, **api: object) -> None:
    body = load_ruleset().body
    body["version"] = "test-api"
    body["api"] = {**body["api"], **api}
    with engine.begin() as conn:
        rulesets.activate(conn, ruleset_from_body(body), author="test", reason="api limits")


def test_a_body_over_the_limit_is_refused_before_it_is_read(client: TestClient, engine: sa.Engine) -> None:
    big = json.dumps([{"email": f"a{i}@northwind.com", "note": "x" * 900} for i in range(1200)])
    assert len(big) > 1024 * 1024
    resp = client.post("/v1/leads", content=big, headers={"Content-Type": "application/json"})
    assert resp.status_code == 413 and resp.json()["error"] == "BODY_TOO_LARGE"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
        yield b"["
        for i in range(1200):
            yield json.dumps({"email": f"a{i}@northwind.com", "note": "x" * 900}).encode() + b","
        yield b"{}]"

    resp = client.post("/v1/leads", content=chunks(), headers={"Content-Type": "application/json"})
    assert resp.status_code == 413
    assert _rows(engine, "SELECT count(*) FROM leadgate.intake_events")[0][0] == 0
    kept = _rows(engine, "SELECT status_code, error, body FROM leadgate.api_rejections")
    assert [(r.status_code, r.error, r.body) for r in kept] == [(413, "BODY_TOO_LARGE", None)] * 2


@pytest.mark.parametrize(("content", "content_type"), [
    ("email=ann%40northwind.com", "application/x-www-form-urlencoded"),
    ('{"email": "ann@northwind.com"}', "text/plain"),
    ('{"email": "ann@northwind.com"}', None),
])
def test_anything_but_json_gets_415(client: TestClient, engine: sa.Engine, content: str,
                                    content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    resp = client.post("/v1/leads", content=content, headers=headers)
    assert resp.status_code == 415 and "application/json" in resp.json()["detail"]
    assert _rows(engine, "SELECT count(*) FROM leadgate.intake_events")[0][0] == 0


@pytest.mark.parametrize(("body", "error"), [
    ("{}", "LEAD_EMPTY"), ("42", "BODY_NOT_LEADS"), ('"ann@northwind.com"', "BODY_NOT_LEADS"),
    ("null", "BODY_NOT_LEADS"), ("[]", "BODY_EMPTY"), ('[1, 2]', "BODY_INVALID"),
    ('[{"email": "a@b.co"}, "x"]', "ITEM_NOT_AN_OBJECT"), ('{"email": "a@b.co",', "INVALID_JSON"),
    ('{"email": null, "phone": ""}', "LEAD_EMPTY"),
])
def test_a_body_that_is_not_leads_gets_422_and_is_kept(client: TestClient, engine: sa.Engine, body: str,
                                                       error: str) -> None:
    resp = client.post("/v1/leads", content=body, headers={"Content-Type": "application/json"})
    assert resp.status_code == 422 and resp.json()["error"] == error
    assert _rows(engine, "SELECT count(*) FROM leadgate.intake_events")[0][0] == 0
    [kept] = _rows(engine, "SELECT status_code, error, body FROM leadgate.api_rejections")
    assert (kept.status_code, kept.error, kept.body) == (422, error, body)


def test_wrong_types_are_named_field_by_field(client: TestClient) -> None:
    body = [{"email": "ok@northwind.com"},
            {"email": 42, "phone": 2125550100, "consent_sms": True, "employee_count": 50, "consent_email": 1,
             "utm": {"source": "x"}, "Phone Number": 2125550100}]
    resp = client.post("/v1/leads", json=body)
    assert resp.status_code == 422
    problems = [(p["index"], p["field"]) for p in resp.json()["problems"]]
    assert problems == [(1, "email"), (1, "phone"), (1, "consent_email"), (1, "utm")]
    assert "email: must be a string, got a JSON number" in resp.json()["detail"]


def test_a_batch_holds_at_most_the_documented_number_of_leads(client: TestClient) -> None:
    assert client.post("/v1/leads", json=[LEAD] * 1000).status_code == 202
    resp = client.post("/v1/leads", json=[LEAD] * 1001)
    assert resp.status_code == 422 and resp.json()["error"] == "BODY_TOO_MANY_ITEMS"


def test_a_reused_key_with_another_body_gets_409_and_the_replay_is_byte_identical(client: TestClient,
                                                                                   engine: sa.Engine) -> None:
    first = client.post("/v1/leads", json=[LEAD, {"email": "bo@northwind.com"}], headers={"Idempotency-Key": "k"})
    again = client.post("/v1/leads", json=[LEAD, {"email": "bo@northwind.com"}], headers={"Idempotency-Key": "k"})
    assert (first.status_code, again.status_code) == (202, 202) and again.content == first.content
    conflict = client.post("/v1/leads", json=[LEAD], headers={"Idempotency-Key": "k"})
    assert conflict.status_code == 409 and conflict.json()["error"] == "IDEMPOTENCY_KEY_REUSED"
    assert _rows(engine, "SELECT count(*) FROM leadgate.intake_events")[0][0] == 2


def test_an_idempotency_key_belongs_to_its_caller(client_for: ClientFor, engine: sa.Engine) -> None:
    a, b = client_for("partner_a"), client_for("partner_b")
    first = a.post("/v1/leads", json=LEAD, headers={"Idempotency-Key": "1"})
    other = b.post("/v1/leads", json={"email": "zed@northwind.com"}, headers={"Idempotency-Key": "1"})
    assert first.status_code == other.status_code == 202 and "Idempotent-Replayed" not in other.headers
    assert [r.source for r in _rows(engine, "SELECT source FROM leadgate.intake_events ORDER BY event_id")] == [
        "partner_a", "partner_b"]


def test_a_spent_rate_limit_answers_429_with_retry_after(client_for: ClientFor, engine: sa.Engine) -> None:
    _activate(engine, rate_per_second=0.5, rate_burst=3)
    slow, other = client_for("slow"), client_for("other")
    answers = [slow.post("/v1/leads", json={"email": f"a{i}@northwind.com"}).status_code for i in range(5)]
    assert answers == [202, 202, 202, 429, 429]
    refused = slow.post("/v1/leads", json=LEAD)
    assert refused.json()["error"] == "RATE_LIMITED" and 1 <= int(refused.headers["Retry-After"]) <= 2
    assert other.post("/v1/leads", json=LEAD).status_code == 202  # each key has its own bucket
    assert _rows(engine, "SELECT count(*) FROM leadgate.intake_events")[0][0] == 4


def test_a_key_can_carry_its_own_rate(client_for: ClientFor, engine: sa.Engine) -> None:
    _activate(engine, rate_per_second=0.5, rate_burst=2)
    fast = client_for("bulk", rate_per_second=1000.0)
    assert [fast.post("/v1/leads", json=LEAD).status_code for _ in range(3)] == [202, 202, 202]
