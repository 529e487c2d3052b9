"""The pipeline is defined once (gate/pipeline.py): the Dagster assets and `leadgate qa` run the same stages
and the same checks, and a failed blocking check stops the stages after it on both paths."""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from leadgate_dagster.assets.leads import LEAD_SPECS, lead_pipeline
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.gate.mx import mx_lookup_for
from leadgate_dagster.gate.pipeline import (
    STAGES,
    BatchContext,
    BlockingCheckFailed,
    run_all_stages,
    run_batch,
)
from leadgate_dagster.store.intake import claim_batches
from tests.gate.scoring_helpers import ANN, lead_file

RULES = load_ruleset()


def _batch(engine: sa.Engine, lead_id: str) -> str:
    ingest_bytes(engine, lead_file(ANN.format(p="", i=lead_id)), filename=f"{lead_id}.csv", source="web",
                 rules=RULES)
    [(batch_id, _)] = claim_batches(engine, max_events=10, max_batches=1, lease_seconds=60)
    return batch_id


def test_the_assets_are_the_pipeline_stages_with_their_checks() -> None:
    assert [s.key.to_user_string() for s in LEAD_SPECS] == [s.name for s in STAGES]
    declared = {(c.asset_key.to_user_string(), c.name, c.blocking) for c in lead_pipeline.check_specs}
    assert declared == {(s.name, c.name, c.blocking) for s in STAGES for c in s.checks}
    assert ("identity_graph", "identity_graph_integrity", True) in declared


def test_the_dry_run_judges_every_check_the_assets_judge(engine) -> None:
    outcomes = run_all_stages(engine, _batch(engine, "pd-1"), RULES)
    assert [o.name for o in outcomes] == [c.name for s in STAGES for c in s.checks]
    assert next(o for o in outcomes if o.name == "identity_graph_integrity").passed


def test_a_failed_blocking_check_stops_qualification(engine) -> None:
    batch_id = _batch(engine, "pd-2")
    # an identity stage that links nobody: every lead of the batch is left without a person
    unlinked = [dataclasses.replace(s, run=lambda c: {"linked": 0}) if s.name == "identity_graph" else s
                for s in STAGES]
    results = []
    with pytest.raises(BlockingCheckFailed, match="identity_graph_integrity"):
        results.extend(run_batch(BatchContext(engine, batch_id, RULES, mx_lookup_for(engine, RULES)),
                                 pipeline=unlinked))
    assert [r.stage.name for r in results] == ["raw_leads", "validated_leads", "enriched_leads", "identity_graph"]
    integrity = results[-1].judgement.outcomes[0]
    assert not integrity.passed and integrity.metadata["leads_without_person"] == 1
    with engine.connect() as conn:
        decided = conn.execute(sa.text("SELECT count(*) FROM leadgate.dispositions d JOIN leadgate.leads l "
                                       "USING (lead_id) WHERE l.batch_id = :b"), {"b": batch_id}).scalar_one()
    assert decided == 0
