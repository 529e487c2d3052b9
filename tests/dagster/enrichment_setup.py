"""Leads, rulesets and scripted provider servers for the enrichment pipeline and recheck tests."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset, load_ruleset
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.store.intake import claim_batches
from tests.providers.enrichment.local_server import Reply, Script

# northwind.com is in the shipped firmographics sample; acme-corp.com is not (only the HTTP provider knows it)
LEADS = (
    "First Name,Surname,E-mail Address,Mobile,Company Name,Job Title,Country,City,Zip,IP Address,SMS Opt-In,"
    "Email Opt-In,Call Opt-In,Demo Requested,Lead ID\n"
    "Ann,Lee,ann.lee@northwind.com,+1 415 555 2671,Northwind,VP Sales,US,San Francisco,94105,,yes,yes,yes,yes,1\n"
    "Raj,Iyer,raj.iyer@acme-corp.com,+1 212 555 0199,Acme Corp,Marketing Director,US,New York,10001,10.1.2.3,"
    "yes,yes,yes,,2\n"
    "Bo,Ek,bo.ek@globex.com,,Globex,Engineer,,,,,,yes,,,3\n"
)
FAILURES: dict[str, list[Reply]] = {
    "http_500": [Reply(500)] * 60,
    "rate_limited_429": [Reply(429, headers={"Retry-After": "1"})] * 60,
    "slow": [Reply(delay_s=5.0)] * 60,
    "malformed_json": [Reply(200, body=b"{not json")] * 60,
}


def rules_file(tmp_path: Path, **recheck: Any) -> Path:
    """The shipped ruleset with the sensors' waits off and `enrichment.recheck` overrides."""
    body = load_ruleset().body
    body["intake"]["sensor_long_poll_seconds"] = 0
    body["batching"]["file_claim_grace_seconds"] = 0
    body["enrichment"]["recheck"].update(recheck)
    body["version"] = f"test-{uuid.uuid4().hex[:6]}"  # its own content hash: its own cached providers
    path = tmp_path / f"rules-{uuid.uuid4().hex[:6]}.yaml"
    path.write_text(json.dumps(body))
    return path


def claim(engine: sa.Engine, rules: Ruleset, data: str = LEADS) -> tuple[str, dict[int, str]]:
    """Ingest `data` and claim it as one batch; returns the batch id and the lead ids by `Lead ID`."""
    ingest_bytes(engine, data.encode(), filename=f"{uuid.uuid4().hex[:8]}.csv", source="webinar", rules=rules)
    [(batch_id, _)] = claim_batches(engine, max_events=100, max_batches=1, lease_seconds=60)
    with engine.connect() as conn:
        ids = conn.execute(sa.text("SELECT fields->>'external_id', lead_id FROM leadgate.intake_events "
                                   "WHERE batch_id = :b"), {"b": batch_id}).all()
    return batch_id, {int(external): lead_id for external, lead_id in ids}


def fail(script: Script, mode: str) -> None:
    script.queue[:] = list(FAILURES[mode])


def recover(script: Script) -> None:
    script.queue.clear()


def rows(engine: sa.Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql), params).all())
