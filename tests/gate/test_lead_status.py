"""lead_status: what `GET /v1/leads/{id}` answers, before and after the pipeline decided the lead."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.api_access import open_door
from leadgate_dagster.gate.api_intake import accept_leads
from leadgate_dagster.gate.lead_status import lead_status
from leadgate_dagster.gate.pipeline import run_all_stages
from leadgate_dagster.store.intake import claim_batches

RULES = load_ruleset()
ANN = {"first_name": "Ann", "last_name": "Lee", "email": "ann.lee@gmial.com", "phone": "+1 415 839 2671",
       "country": "US", "partner_id": "aff_042"}


def post(engine: sa.Engine, *items: Any, source: str = "website") -> list[str]:
    answer = accept_leads(engine, list(items), caller=open_door(source), idempotency_key=None, rules=RULES)
    return json.loads(answer.body)["lead_ids"]


def run_pipeline(engine: sa.Engine) -> None:
    [(batch_id, _)] = claim_batches(engine, max_events=1000, max_batches=1, lease_seconds=60)
    run_all_stages(engine, batch_id, RULES)


def test_a_received_lead_is_pending(engine: sa.Engine) -> None:
    [lead_id] = post(engine, ANN)
    status = lead_status(engine, lead_id)
    assert status is not None and status.status == "pending" and status.lead_id == lead_id
    assert (status.source, status.partner_id) == ("website", "aff_042") and status.received_at is not None
    assert status.disposition is None and status.reasons == [] and status.checks == []
    assert status.decided_at is None and status.ruleset_version is None and status.owner is None


def test_a_decided_lead_has_its_disposition_reasons_and_checks(engine: sa.Engine) -> None:
    [lead_id] = post(engine, ANN)
    run_pipeline(engine)
    status = lead_status(engine, lead_id)
    assert status is not None and status.status == "decided"
    assert status.disposition == "QUARANTINE_REVIEW"  # a mistyped mail domain is held for a person
    with engine.connect() as conn:
        current = conn.execute(sa.text("SELECT reason_codes, score, decided_at FROM leadgate.dispositions "
                                       "WHERE lead_id = :l AND is_current"), {"l": lead_id}).one()
    assert [r.code for r in status.reasons] == current.reason_codes
    assert all(r.sentence == CATALOGUE[r.code].sentence for r in status.reasons)
    assert (status.score, status.decided_at) == (current.score, current.decided_at)
    assert status.decided_at >= status.received_at and status.ruleset_version == RULES.version
    assert status.decided_by == "pipeline" and status.owner is None
    fired = [(c.stage, c.code) for c in status.checks]
    assert ("validation", "EMAIL_DOMAIN_TYPO") in fired
    stages = [c.stage for c in status.checks]
    assert stages == sorted(stages, key=["intake", "validation", "enrichment", "identity"].index)


def test_a_replay_names_its_original_and_carries_its_decision(engine: sa.Engine) -> None:
    [first] = post(engine, ANN)
    [again] = post(engine, ANN)
    run_pipeline(engine)
    original, replay = lead_status(engine, first), lead_status(engine, again)
    assert original is not None and replay is not None
    assert replay.replay_of == first and original.replay_of is None
    assert replay.disposition == original.disposition
    assert "INTAKE_REPLAY" in [r.code for r in replay.reasons]


def test_an_unparseable_item_is_decided_with_its_reason(engine: sa.Engine) -> None:
    [lead_id] = post(engine, "not a lead")
    run_pipeline(engine)
    status = lead_status(engine, lead_id)
    assert status is not None and status.disposition == "REJECT"
    assert "ROW_UNPARSEABLE" in [r.code for r in status.reasons]
    [check] = [c for c in status.checks if c.code == "ROW_UNPARSEABLE"]
    assert check.stage == "intake" and check.severity == "reject" and check.detail


def test_an_unknown_id_has_no_status(engine: sa.Engine) -> None:
    post(engine, ANN)
    assert lead_status(engine, "ld_000000000000000000000000") is None
