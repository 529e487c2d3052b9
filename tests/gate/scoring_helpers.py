"""Run lead files through every stage (no Dagster) and read what was decided, for the scoring-input tests."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.gate.pipeline import run_all_stages
from leadgate_dagster.store.intake import claim_batches

HEADER = ("First Name,Surname,E-mail Address,Mobile,Company Name,Job Title,Country,SMS Opt-In,Email Opt-In,"
          "Call Opt-In,Demo Requested,Consent At,Consent Text Version,Partner,Lead ID\n")
# decided ROUTE_SDR with the shipped ruleset: email + voice open (SMS lacks its proof), no demo request
ANN = ("Ann,Lee,ann.lee@northwind.com,+1 415 555 2671,Northwind,VP Sales,US,yes,yes,yes,,2026-01-01T00:00:00Z,v1,"
       "{p},{i}\n")


def lead_file(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode()


def decide_file(engine: sa.Engine, data: bytes, rules: Ruleset) -> str:
    """Ingest one file and run its batch (a `Lead ID` seen before from the same source would be a replay)."""
    ingest_bytes(engine, data, filename=f"{uuid.uuid4().hex}.csv", source="web", rules=rules)
    [(batch_id, _)] = claim_batches(engine, max_events=1000, max_batches=1, lease_seconds=60)
    run_all_stages(engine, batch_id, rules)
    return batch_id


def decisions(engine: sa.Engine, batch_id: str | None = None) -> dict[str, Any]:
    """Current decisions by the lead's `Lead ID` column (its external id)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("""
            SELECT l.external_id, l.lead_id, d.disposition, d.reason_codes, d.allowed_channels, d.model_version,
                   d.decided_by, d.score_inputs, d.engagement_score
            FROM leadgate.leads l JOIN leadgate.dispositions d ON d.lead_id = l.lead_id AND d.is_current
            WHERE l.external_id IS NOT NULL AND (CAST(:b AS text) IS NULL OR l.batch_id = :b)
        """), {"b": batch_id}).all()
    return {r.external_id: r for r in rows}
