"""POST /v1/events through the ASGI app: stored before 202, idempotent per event and per request key, and an
invalid item is answered with its reason and kept, never dropped."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.api.conftest import ClientFor

AT = "2026-10-30T09:15:00Z"


def _stored(engine: sa.Engine) -> list[sa.Row]:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT event_id, lead_id, email_key, event_type, occurred_at, source, payload "
                                    "FROM leadgate.behavior_events ORDER BY event_id")).all()


def test_one_event_is_stored_before_the_202(client_for: ClientFor, engine: sa.Engine) -> None:
    resp = client_for("hubspot").post("/v1/events", json={"event_id": "e-1", "email": "J.Doe+news@Gmail.com", "type": "Email_Click",
                                           "timestamp": "2026-10-30T10:15:00+01:00", "campaign": "fall"})
    assert resp.status_code == 202
    assert resp.json()["events"] == [{"index": 1, "event_id": "e-1", "status": "stored"}]
    [row] = _stored(engine)
    assert row.email_key == "jdoe@gmail.com" and row.event_type == "email_click" and row.source == "hubspot"
    assert row.occurred_at.isoformat() == "2026-10-30T09:15:00+00:00"
    assert row.payload["campaign"] == "fall"  # unknown fields are kept as given


def test_invalid_items_are_answered_and_kept_while_the_valid_ones_are_stored(client: TestClient,
                                                                             engine: sa.Engine) -> None:
    body = [{"lead_id": "L-1", "event_type": "page_view", "occurred_at": AT},
            {"lead_id": "L-1", "occurred_at": AT},                                   # no event_type
            {"email": "not-an-address", "event_type": "page_view", "occurred_at": AT},
            {"lead_id": "L-2", "event_type": "page_view", "occurred_at": "3026-01-01T00:00:00Z"}]
    resp = client.post("/v1/events", json=body)
    assert resp.status_code == 202
    ack = resp.json()
    assert (ack["accepted"], ack["stored"], ack["rejected"]) == (1, 1, 3)
    assert [(r["index"], r["error"]) for r in ack["rejections"]] == [
        (2, "EVENT_INVALID"), (3, "EVENT_NO_LEAD_KEY"), (4, "EVENT_IN_FUTURE")]
    assert "event_type" in ack["rejections"][0]["detail"]
    assert [r.lead_id for r in _stored(engine)] == ["L-1"]
    with engine.connect() as conn:
        [alert] = conn.execute(sa.text("SELECT kind, details FROM leadgate.alerts")).all()
    assert alert.kind == "events_rejected"
    assert [r["payload"] for r in alert.details["rejected"]] == body[1:]


def test_a_resent_event_is_stored_once_and_a_key_replays_the_answer(client: TestClient, engine: sa.Engine) -> None:
    event = {"lead_id": "L-1", "event_type": "pricing_visit", "occurred_at": AT}  # no event_id: content hash
    first = client.post("/v1/events", json=[event]).json()
    second = client.post("/v1/events", json=[event, {**event, "event_type": "page_view"}]).json()
    assert first["events"][0]["event_id"] == second["events"][0]["event_id"]
    assert [e["status"] for e in second["events"]] == ["duplicate", "stored"] and len(_stored(engine)) == 2
    keyed = client.post("/v1/events", json=[{**event, "event_type": "trial_signup"}], headers={"Idempotency-Key": "k"})
    again = client.post("/v1/events", json=[{**event, "event_type": "trial_signup"}], headers={"Idempotency-Key": "k"})
    assert again.headers["Idempotent-Replayed"] == "true" and again.content == keyed.content
    conflict = client.post("/v1/events", json=[event], headers={"Idempotency-Key": "k"})
    assert conflict.status_code == 409 and len(_stored(engine)) == 3
    # the leads endpoint's keys are another namespace: the same key there is a new request
    lead = client.post("/v1/leads", json={"email": "a@northwind.com"}, headers={"Idempotency-Key": "k"})
    assert lead.status_code == 202 and "Idempotent-Replayed" not in lead.headers
