"""Controlled degradation: past the ruleset's backlog bound the API still stores every lead but tells batch
clients when to come back, and the batch sensor claims bigger batches and records the tier as an alert."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import sqlalchemy as sa
from fastapi.testclient import TestClient

from leadgate_dagster.core.ruleset import load_ruleset, ruleset_from_body
from leadgate_dagster.definitions import build_resources
from leadgate_dagster.gate import intake_pressure
from leadgate_dagster.sensors.intake_batch import intake_batch_sensor
from leadgate_dagster.store import rulesets
from tests.conftest import test_ruleset

TIERS = [{"backlog": 3, "retry_after_seconds": 7, "batch_factor": 2},
         {"backlog": 6, "retry_after_seconds": 20, "batch_factor": 4}]


def _degrading(path: Path | None = None) -> dict:
    body = load_ruleset(path).body
    body.update(version="test-degrade", api={**body["api"], "degradation": TIERS},
                batching={**body["batching"], "max_events_per_batch": 2, "max_batches_per_tick": 1})
    return body


def _activate(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        rulesets.activate(conn, ruleset_from_body(_degrading()), author="test", reason="degradation")
    intake_pressure._cache.clear()  # the API counts the backlog at most once a second


def _open_alerts(engine: sa.Engine) -> list[tuple[str, dict]]:
    with engine.connect() as conn:
        return [(r.subject, r.details) for r in conn.execute(sa.text(
            "SELECT subject, details FROM leadgate.alerts WHERE kind = 'intake_degraded' AND resolved_at IS NULL"))]


def test_under_pressure_leads_are_stored_and_batch_clients_are_told_to_come_back(client: TestClient,
                                                                                  engine: sa.Engine) -> None:
    _activate(engine)
    calm = client.post("/v1/leads", json=[{"email": f"a{i}@northwind.com"} for i in range(2)])
    assert calm.status_code == 202 and "Retry-After" not in calm.headers
    intake_pressure._cache.clear()
    single = client.post("/v1/leads", json={"email": "one@northwind.com"})  # the third undecided lead: tier 1
    batch = client.post("/v1/leads", json=[{"email": "b@northwind.com"}, {"email": "c@northwind.com"}])
    assert single.status_code == batch.status_code == 202
    assert single.headers["X-Intake-Degraded"] == "1" and "Retry-After" not in single.headers  # a form: no hint
    assert batch.headers["Retry-After"] == "7"
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM leadgate.intake_events")).scalar_one() == 5


def test_the_sensor_grows_batches_and_keeps_the_alert_on_the_current_tier(
        client: TestClient, engine: sa.Engine, dagster_instance: dg.DagsterInstance, pg_url: str,
        tmp_path: Path) -> None:
    rules = tmp_path / "degrading.yaml"
    rules.write_text(json.dumps(_degrading(test_ruleset(tmp_path))))
    resources = build_resources(database_url=pg_url, inbox_path=str(tmp_path / "inbox"), rules_path=str(rules))

    def tick() -> list[int]:
        with dg.build_sensor_context(instance=dagster_instance, resources=resources) as context:
            result = intake_batch_sensor(context)
        return [int(r.tags["leadgate/events"]) for r in result.run_requests or []]

    def post(n: int, at: int) -> None:
        assert client.post("/v1/leads", json=[{"email": f"p{at + i}@northwind.com"} for i in range(n)]).status_code == 202

    post(7, 0)  # 7 pending (counted up to the top bound, 6): tier 2, batches of 2 x 4
    assert tick() == [7] and _open_alerts(engine) == [("tier 2", {"tier": 2, "backlog": 6, "retry_after_seconds": 20,
                                                                   "batch_factor": 4.0})]
    post(7, 10)
    with engine.begin() as conn:  # the first batch got decided
        conn.execute(sa.text("UPDATE leadgate.intake_events SET processed_at = now() WHERE batch_id IS NOT NULL"))
        conn.execute(sa.text("UPDATE leadgate.intake_events SET processed_at = now() WHERE event_id IN ("
                             "SELECT event_id FROM leadgate.intake_events WHERE processed_at IS NULL LIMIT 3)"))
    assert tick() == [4] and [s for s, _ in _open_alerts(engine)] == ["tier 1"]  # 4 pending: tier 1, batches x2
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE leadgate.intake_events SET processed_at = now()"))
    assert tick() == [] and _open_alerts(engine) == []  # nothing undecided: the alert is resolved
