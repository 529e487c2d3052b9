"""POST /v1/leads through the ASGI app: durable before 202, idempotent per key, bad items kept with a reason."""

from __future__ import annotations

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
