"""GET /v1/leads/{id}: a caller sees where its own leads stand, and nobody else's."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.pipeline import run_all_stages
from leadgate_dagster.store.intake import claim_batches
from tests.api.conftest import ClientFor


def test_a_caller_follows_its_lead_from_pending_to_decided(client_for: ClientFor, engine: sa.Engine) -> None:
    mine = client_for("website")
    [lead_id] = mine.post("/v1/leads", json={"email": "ann@gmial.com", "first_name": "Ann"}).json()["lead_ids"]
    pending = mine.get(f"/v1/leads/{lead_id}")
    assert pending.status_code == 200 and pending.json()["status"] == "pending"
    assert pending.json()["disposition"] is None and pending.json()["received_at"]
    [(batch_id, _)] = claim_batches(engine, max_events=100, max_batches=1, lease_seconds=60)
    run_all_stages(engine, batch_id, load_ruleset())
    decided = mine.get(f"/v1/leads/{lead_id}").json()
    assert decided["status"] == "decided" and decided["disposition"] and decided["decided_at"]
    typo = next(r for r in decided["reasons"] if r["code"] == "EMAIL_DOMAIN_TYPO")
    assert typo["sentence"] and decided["owner"] is None and decided["ruleset_version"]


def test_another_sources_lead_and_an_unknown_id_are_not_found(client_for: ClientFor, anonymous: TestClient) -> None:
    mine, theirs = client_for("website"), client_for("partner")
    [lead_id] = mine.post("/v1/leads", json={"email": "ann@northwind.com"}).json()["lead_ids"]
    assert theirs.get(f"/v1/leads/{lead_id}").status_code == 404
    assert mine.get("/v1/leads/ld_000000000000000000000000").status_code == 404
    assert anonymous.get(f"/v1/leads/{lead_id}").status_code == 401
