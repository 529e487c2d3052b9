"""The contract as a Dagster asset check: its own job and schedule, never part of a batch run, with
per-expectation results as metadata; and loading the code location does not import Great Expectations."""

from __future__ import annotations

import subprocess
import sys

import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.assets.leads import LEAD_ASSETS
from leadgate_dagster.checks.contract import qualified_leads_contract
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.jobs import contract_job
from leadgate_dagster.store.intake import claim_batches
from tests.dagster.helpers import materialize_batch

LEADS = (b"First Name,Last Name,Email,Mobile,Country,Email Opt-In,Call Opt-In\n"
         b"Ann,Lee,ann.lee@northwind.com,+1 415 555 2671,US,yes,yes\n"
         b"asdf,asdf,test@mailinator.com,1111111111,US,,\n")


def _run_contract(instance: dg.DagsterInstance, resources: dict[str, object]) -> dg.ExecuteInProcessResult:
    defs = dg.Definitions(assets=LEAD_ASSETS, asset_checks=[qualified_leads_contract], jobs=[contract_job],
                          resources=resources)
    return defs.resolve_job_def("contract_job").execute_in_process(
        instance=instance,
        run_config={"ops": {"qualified_leads_qualified_leads_contract": {"config": {"window_days": 0}}}})


def test_contract_job_records_each_expectation_and_alerts_on_failure(
        engine: sa.Engine, dagster_instance: dg.DagsterInstance, resources: dict[str, object]) -> None:
    ingest_bytes(engine, LEADS, filename="c.csv", source="web", rules=load_ruleset())
    [(batch_id, _)] = claim_batches(engine, max_events=10, max_batches=1, lease_seconds=60)
    batch = materialize_batch(batch_id, dagster_instance, resources)
    assert batch.success
    assert "qualified_leads_contract" not in {e.check_name for e in batch.get_asset_check_evaluations()}

    result = _run_contract(dagster_instance, resources)
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.check_name == "qualified_leads_contract" and evaluation.passed
    meta = evaluation.metadata
    assert meta["rows_checked"].value == 2 and meta["expectations_failed"].value == 0
    per = meta["per_expectation"].value
    assert per["qa_score_is_sum_of_parts"] == {"success": True, "unexpected": 0}
    assert len(per) == meta["expectations"].value >= 20

    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE leadgate.dispositions SET disposition = 'ROUTE_SOMEWHERE' WHERE is_current"))
    [failing] = _run_contract(dagster_instance, resources).get_asset_check_evaluations()
    assert not failing.passed and failing.severity == dg.AssetCheckSeverity.ERROR
    failed = {k for k, v in failing.metadata["per_expectation"].value.items() if not v["success"]}
    assert failed == {"disposition_in_enum"}  # qa_status is the same column, so it still agrees
    assert failing.metadata["per_expectation"].value["disposition_in_enum"]["unexpected"] == 2
    with engine.connect() as conn:
        subjects = set(conn.execute(sa.text(
            "SELECT subject FROM leadgate.alerts WHERE kind = 'contract_failed' AND resolved_at IS NULL")).scalars())
    assert subjects == failed


def test_the_batch_job_leaves_the_contract_to_its_hourly_schedule() -> None:
    from leadgate_dagster.definitions import defs

    batch_checks = defs.resolve_job_def("lead_batch_job").asset_layer.asset_graph.asset_check_keys
    assert "qualified_leads_contract" not in {k.name for k in batch_checks}
    assert {k.name for k in defs.resolve_job_def("contract_job").asset_layer.asset_graph.asset_check_keys} == {
        "qualified_leads_contract"}
    schedule = defs.resolve_schedule_def("contract_schedule")
    assert schedule.job_name == "contract_job" and schedule.cron_schedule.endswith("* * * *")


def test_loading_the_code_location_does_not_import_great_expectations() -> None:
    code = ("import sys, leadgate_dagster.definitions, leadgate_dagster.cli.qa; "
            "assert 'great_expectations' not in sys.modules, 'imported'")
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def _tick(instance: dg.DagsterInstance, cursor: str | None) -> dg.SensorResult | dg.SkipReason:
    from leadgate_dagster.sensors.contract import contract_sensor

    with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
        return contract_sensor(context)


def test_the_contract_is_evaluated_at_start_and_after_each_batch_that_decided_leads(
        engine: sa.Engine, dagster_instance: dg.DagsterInstance, resources: dict[str, object], monkeypatch) -> None:
    from dagster._core.storage.dagster_run import DagsterRun

    from leadgate_dagster.sensors import contract as contract_sensors

    first = _tick(dagster_instance, None)  # a new deployment: evaluated once at once
    assert isinstance(first, dg.SensorResult) and len(first.run_requests or []) == 1
    assert isinstance(_tick(dagster_instance, first.cursor), dg.SkipReason)  # nothing decided since

    ingest_bytes(engine, LEADS, filename="s.csv", source="web", rules=load_ruleset())
    [(batch_id, _)] = claim_batches(engine, max_events=10, max_batches=1, lease_seconds=60)
    assert materialize_batch(batch_id, dagster_instance, resources).success
    busy = _tick(dagster_instance, first.cursor)  # intake just decided leads: wait until it is quiet
    assert isinstance(busy, dg.SkipReason) and "busy" in (busy.skip_message or "")
    monkeypatch.setattr(contract_sensors, "QUIET_SECONDS", 0.0)
    after = _tick(dagster_instance, first.cursor)
    assert isinstance(after, dg.SensorResult) and int(after.cursor or 0) > int(first.cursor or 0)
    [request] = after.run_requests or []
    assert request.run_key != first.run_requests[0].run_key  # type: ignore[index]

    # while a contract run is in flight, a newer batch waits for the next tick (one run at a time)
    dagster_instance.add_run(DagsterRun(job_name="contract_job", run_id="contract-in-flight",
                                        status=dg.DagsterRunStatus.STARTED))
    ingest_bytes(engine, LEADS.replace(b"Ann,Lee", b"Bo,Ek"), filename="t.csv", source="web",
                 rules=load_ruleset())
    [(batch_id, _)] = claim_batches(engine, max_events=10, max_batches=1, lease_seconds=60)
    assert materialize_batch(batch_id, dagster_instance, resources).success
    try:
        waiting = _tick(dagster_instance, after.cursor)
        assert isinstance(waiting, dg.SkipReason) and "in flight" in (waiting.skip_message or "")
    finally:
        dagster_instance.delete_run("contract-in-flight")
    assert isinstance(_tick(dagster_instance, after.cursor), dg.SensorResult)
