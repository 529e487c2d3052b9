"""The conversion model through the pipeline: a lead decided with a trained, active model records its version;
with too few outcomes the rules priority stands in and says why; the `conversion_model` asset trains from the
outcomes table exactly what a file of the same outcomes gives."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.assets.model import conversion_model
from leadgate_dagster.cli import main
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.store.bulk import copy_rows
from leadgate_dagster.store.intake import claim_batches
from tests.dagster.helpers import materialize_batch
from tests.gate.scoring_helpers import ANN, lead_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# the example shipped with the package, which README and `model train --help` point to
EXAMPLE_OUTCOMES = Path(__file__).resolve().parents[2] / "leadgate_dagster" / "examples" / "outcomes_example.csv"
RULES = load_ruleset()


def _run_batch(engine: sa.Engine, instance: dg.DagsterInstance, resources: dict[str, object], tag: str) -> list[sa.Row]:
    ingest_bytes(engine, lead_file(ANN.format(p="", i=f"{tag}-1"),
                                   ANN.format(p="", i=f"{tag}-2").replace("VP Sales", "Intern")),
                 filename=f"{tag}.csv", source="web", rules=RULES)
    [(batch_id, _)] = claim_batches(engine, max_events=100, max_batches=1, lease_seconds=60)
    assert materialize_batch(batch_id, instance, resources).success
    with engine.connect() as conn:
        return conn.execute(sa.text("""
            SELECT d.model_version, d.score_inputs->'priority' AS priority
            FROM leadgate.dispositions d JOIN leadgate.leads l USING (lead_id)
            WHERE l.batch_id = :b AND d.is_current ORDER BY l.record_no"""), {"b": batch_id}).all()


def _active(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT version FROM leadgate.score_models WHERE is_active")).scalar()


def test_a_lead_decided_with_the_active_model_records_its_version(engine, pg_url, monkeypatch, capsys,
                                                                  dagster_instance, resources) -> None:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    assert main(["model", "train", "--outcomes", str(EXAMPLE_OUTCOMES), "--activate"]) == 0
    out = capsys.readouterr().out
    version = _active(engine)
    assert version and f"model {version}: trained" in out and "AUC 0." in out and "Brier 0." in out
    assert "activated" in out and "0.0-0.1" in out  # the reliability table
    rows = _run_batch(engine, dagster_instance, resources, "model")
    assert [r.model_version for r in rows] == [version, version]
    assert all(r.priority["priority_source"] == version and r.priority["priority_reason"] is None for r in rows)
    p = [r.priority["conversion_probability"] for r in rows]
    assert all(0 <= x <= 1 for x in p) and p[0] > p[1]  # the model ranks the VP above the intern
    # a later attempt on too few outcomes is stored, but does not retire the model in use
    assert main(["model", "train", "--outcomes", str(FIXTURES / "outcomes_too_few.csv"), "--activate"]) == 1
    assert _active(engine) == version


def test_too_few_outcomes_leave_the_rules_priority_with_its_reason(engine, pg_url, monkeypatch, capsys,
                                                                   dagster_instance, resources) -> None:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    rows = _run_batch(engine, dagster_instance, resources, "untrained")
    assert [(r.model_version, r.priority["priority_reason"]) for r in rows] == [("rules", "MODEL_NOT_TRAINED")] * 2
    assert main(["model", "train", "--outcomes", str(FIXTURES / "outcomes_too_few.csv"), "--activate"]) == 1
    assert "insufficient_data" in capsys.readouterr().out and _active(engine) is None
    rows = _run_batch(engine, dagster_instance, resources, "too-few")
    assert [(r.model_version, r.priority["priority_reason"]) for r in rows] == [
        ("rules", "MODEL_INSUFFICIENT_DATA")] * 2
    assert all(r.priority["priority_source"] == "rules" and r.priority["priority_score"] > 0 for r in rows)


def _plant_known_leads(engine: sa.Engine, outcomes: pd.DataFrame) -> None:
    """Leads as the pipeline would have left them: validation's seniority/department, firmographics, and the
    engagement the decision recorded (the fixture's `intent` as a pricing visit)."""
    leads = [(r.lead_id, "old-batch", "file", "2026-01-01T00:00:00Z", r.industry, r.employee_count,
              r.demo_requested or None, {"seniority": r.seniority, "department": r.department})
             for r in outcomes.itertuples()]
    decided = [(r.lead_id, "NURTURE_EMAIL_ONLY", 50, 20, 20, 10,
                {"engagement": {"engagement_score": float(r.engagement_score), "demo_event": False,
                                "intent_signals": ["pricing_visit"] if r.intent == "True" else []}},
                [], ["email"], RULES.version, "rules", "pipeline", True) for r in outcomes.itertuples()]
    with engine.begin() as conn:
        copy_rows(conn, "leads", ("lead_id", "batch_id", "channel", "received_at", "industry", "employee_count",
                                  "demo_requested", "validation"), leads)
        copy_rows(conn, "dispositions", ("lead_id", "disposition", "score", "score_reachability", "score_consent",
                                         "score_fit", "score_inputs", "reason_codes", "allowed_channels",
                                         "ruleset_version", "model_version", "decided_by", "is_current"), decided)


def test_the_asset_trains_from_the_outcomes_table_what_the_file_gives(engine, pg_url, monkeypatch, capsys,
                                                                      dagster_instance, resources) -> None:
    monkeypatch.setenv("LEADGATE_DATABASE_URL", pg_url)
    fixture = EXAMPLE_OUTCOMES
    _plant_known_leads(engine, pd.read_csv(fixture, dtype=str, keep_default_na=False))
    assert main(["outcomes", "import", str(fixture)]) == 0
    assert main(["model", "train", "--outcomes", str(fixture)]) == 0  # the same outcomes from the file
    from_file = capsys.readouterr().out
    result = dg.materialize([conversion_model], instance=dagster_instance, resources=resources)
    assert result.success
    meta = result.asset_materializations_for_node("conversion_model")[0].metadata
    assert meta["status"].value == "trained" and meta["activated"].value is True and meta["rows"].value == 1400
    assert f"AUC {meta['auc'].value:.3f}, Brier {meta['brier'].value:.4f}" in from_file
    assert _active(engine) == meta["version"].value
    with engine.connect() as conn:
        manifest = conn.execute(sa.text("SELECT manifest FROM leadgate.score_models WHERE is_active")).scalar_one()
    assert manifest["training_positives"] == 139 and json.dumps(manifest["calibration_table"])


def test_the_model_is_retrained_nightly_and_only_the_model_asset() -> None:
    from leadgate_dagster.definitions import defs

    schedule = defs.get_schedule_def("model_training_schedule")
    job = defs.get_job_def(schedule.job_name)
    assert schedule.cron_schedule == "17 3 * * *"
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == {"conversion_model"}
