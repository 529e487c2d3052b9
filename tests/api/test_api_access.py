"""Who may post: API keys fix the source and partner, Standard Webhooks signatures (with rotation) stand in
for a key, and every refused credential leaves nothing in the database."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook

from leadgate_dagster.gate.api_access import add_webhook_secret, issue_key
from leadgate_dagster.settings import API_INSECURE_ENV
from leadgate_dagster.store import api_keys
from tests.api.conftest import ClientFor

LEAD = {"email": "ann@northwind.com", "first_name": "Ann"}


def _count(engine: sa.Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM leadgate.{table}")).scalar_one()


def _nothing_written(engine: sa.Engine) -> bool:
    return all(_count(engine, t) == 0 for t in ("intake_events", "api_requests", "api_rejections", "behavior_events"))


def test_a_key_is_long_url_safe_and_stored_only_as_its_hash(engine: sa.Engine) -> None:
    key_id, key = issue_key(engine, "website")
    assert len(key) >= 32 and all(c.isalnum() or c in "-_" for c in key)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT * FROM leadgate.api_keys")).mappings().one()
    assert stored["key_id"] == key_id and key not in json.dumps(dict(stored), default=str)


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer lg_not-a-key-at-all-000000000000000000000"}, {"X-API-Key": "nope"},
    {"Authorization": "Basic dXNlcjpwYXNz"}])
def test_posts_without_a_valid_key_get_401_and_leave_only_a_log_line(
        anonymous: TestClient, engine: sa.Engine, headers: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="leadgate.api"):
        for path, body in (("/v1/leads", LEAD), ("/v1/events", {"lead_id": "L", "event_type": "page_view"})):
            resp = anonymous.post(path, json=body, headers=headers)
            assert resp.status_code == 401 and resp.json()["error"] == "UNAUTHORIZED"
            assert resp.headers["WWW-Authenticate"] == "Bearer"
    assert _nothing_written(engine)
    assert len([r for r in caplog.records if "401" in r.getMessage()]) == 2


def test_a_revoked_key_stops_working_at_once(anonymous: TestClient, engine: sa.Engine) -> None:
    key_id, key = issue_key(engine, "website")
    assert anonymous.post("/v1/leads", json=LEAD, headers={"X-API-Key": key}).status_code == 202
    with engine.begin() as conn:
        assert api_keys.revoke(conn, key_id)
    assert anonymous.post("/v1/leads", json=LEAD, headers={"X-API-Key": key}).status_code == 401


def test_the_key_fixes_source_and_partner_and_keeps_what_the_body_claimed(client_for: ClientFor,
                                                                           engine: sa.Engine) -> None:
    client = client_for("acme_affiliates", partner_id="P-7")
    resp = client.post("/v1/leads", json={**LEAD, "Lead Source": "google", "partner_id": "P-999"},
                       headers={"X-Lead-Source": "other"})
    assert resp.status_code == 202
    with engine.connect() as conn:
        event = conn.execute(sa.text("SELECT source, fields, extra FROM leadgate.intake_events")).one()
    assert event.source == "acme_affiliates"
    assert event.fields["partner_id"] == "P-7" and event.fields["source"] == "acme_affiliates"
    assert event.extra == {"claimed_source": "google", "claimed_partner_id": "P-999"}


def _signed(secret: str, body: bytes, *, msg_id: str = "msg_1", at: datetime | None = None) -> dict[str, str]:
    at = at or datetime.now(UTC)
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(msg_id, at, body), "Content-Type": "application/json"}


def test_a_signed_webhook_is_accepted_and_its_id_is_its_idempotency_key(anonymous: TestClient,
                                                                        engine: sa.Engine) -> None:
    _, secret, _ = add_webhook_secret(engine, "typeform", partner_id="TF")
    body = json.dumps(LEAD).encode()
    first = anonymous.post("/v1/leads?source=typeform", content=body, headers=_signed(secret, body))
    again = anonymous.post("/v1/leads?source=typeform", content=body, headers=_signed(secret, body))
    assert first.status_code == again.status_code == 202
    assert again.content == first.content and again.headers["Idempotent-Replayed"] == "true"
    with engine.connect() as conn:
        event = conn.execute(sa.text("SELECT source, fields FROM leadgate.intake_events")).one()
    assert event.source == "typeform" and event.fields["partner_id"] == "TF"


def test_wrong_stale_and_unnamed_signatures_get_401(anonymous: TestClient, engine: sa.Engine) -> None:
    _, secret, _ = add_webhook_secret(engine, "typeform")
    _, other, _ = add_webhook_secret(engine, "elsewhere")
    body = json.dumps(LEAD).encode()
    stale = datetime.now(UTC) - timedelta(minutes=6)
    for url, headers in (("/v1/leads?source=typeform", _signed(other, body)),           # another source's secret
                         ("/v1/leads?source=typeform", _signed(secret, body, at=stale)),  # older than 5 minutes
                         ("/v1/leads?source=typeform", _signed(secret, b"{}")),          # body changed
                         ("/v1/leads", _signed(secret, body)),                           # no source named
                         ("/v1/leads?source=nobody", _signed(secret, body))):            # no secret for it
        assert anonymous.post(url, content=body, headers=headers).status_code == 401, (url, headers)
    assert _nothing_written(engine)


def test_rotation_keeps_two_secrets_valid_and_a_third_retires_the_oldest(anonymous: TestClient,
                                                                         engine: sa.Engine) -> None:
    first_id, first, _ = add_webhook_secret(engine, "typeform")
    time.sleep(0.01)
    _, second, retired = add_webhook_secret(engine, "typeform")
    assert retired == []
    body = json.dumps(LEAD).encode()
    for n, secret in enumerate((first, second)):
        resp = anonymous.post("/v1/leads?source=typeform", content=body, headers=_signed(secret, body, msg_id=f"m{n}"))
        assert resp.status_code == 202
    time.sleep(0.01)
    _, _, retired = add_webhook_secret(engine, "typeform")
    assert retired == [first_id]
    resp = anonymous.post("/v1/leads?source=typeform", content=body, headers=_signed(first, body, msg_id="m9"))
    assert resp.status_code == 401


def test_insecure_dev_takes_posts_without_a_key(anonymous: TestClient, engine: sa.Engine,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(API_INSECURE_ENV, "1")
    resp = anonymous.post("/v1/leads", json={**LEAD, "source": "form_a"}, headers={"X-Lead-Source": "site"})
    assert resp.status_code == 202
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT source FROM leadgate.intake_events")).scalar_one() == "form_a"
