"""qualified_leads' score latency and coverage metadata and its two scoring checks, and events dropped in the
inbox: stored through the same sensor as lead files, without a lead batch."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.definitions import build_resources
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.gate.score_health import coverage
from leadgate_dagster.gate.stages import raw_stage
from leadgate_dagster.sensors.inbox import inbox_sensor
from leadgate_dagster.store.intake import claim_batches
from tests.conftest import test_ruleset as shipped_test_ruleset
from tests.dagster.helpers import materialize_batch
from tests.gate.scoring_helpers import ANN, decide_file, lead_file

JUNK = "asdf,asdf,test@mailinator.com,1111111111,,,US,,,,,,,,{i}\n"


def _rules(tmp_path: Path, **drift: object) -> Path:
    body = json.loads(shipped_test_ruleset(tmp_path).read_text())
    body["alerts"]["disposition_drift"].update(drift)
    path = tmp_path / "drift.yaml"
    path.write_text(json.dumps(body))
    return path


def test_the_batch_reports_latency_and_coverage_and_warns_on_a_mix_unlike_the_last_days(
        engine, pg_url, dagster_instance, tmp_path) -> None:
    path = _rules(tmp_path, recent_leads=2, min_recent=2, min_window=3, max_share_delta=0.5)
    resources = build_resources(database_url=pg_url, inbox_path=str(tmp_path / "inbox"), rules_path=str(path))
    decide_file(engine, lead_file(*(JUNK.format(i=f"j{n}") for n in range(3))), load_ruleset(path))  # all REJECT
    al = ANN.format(p="", i="good-2").replace("Ann,Lee,ann.lee", "Al,Ho,al.ho").replace("2671", "2675")
    ingest_bytes(engine, lead_file(ANN.format(p="", i="good-1"), al),
                 filename="good.csv", source="web", rules=load_ruleset(path))
    [(batch_id, _)] = claim_batches(engine, max_events=10, max_batches=1, lease_seconds=60)
    result = materialize_batch(batch_id, dagster_instance, resources)
    assert result.success  # both checks warn, neither blocks
    meta = next(m for m in result.asset_materializations_for_node("lead_pipeline")
                if m.asset_key == dg.AssetKey("qualified_leads")).metadata
    assert meta["score_coverage"].value == 1.0 and meta["scored_within_sla"].value == 1.0
    p50, p95, worst = (meta[f"score_latency_{k}_s"].value for k in ("p50", "p95", "max"))
    assert 0 < p50 <= p95 <= worst
    assert meta["score_latency_max_s"].value < 180
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert checks["score_coverage"].passed
    drift = checks["disposition_mix_drift"]
    assert not drift.passed and drift.severity == dg.AssetCheckSeverity.WARN
    assert "REJECT 0% vs 100%" in drift.description


def test_coverage_fails_for_a_batch_whose_leads_were_never_decided(engine, tmp_path) -> None:
    rules = load_ruleset()
    ingest_bytes(engine, lead_file(ANN.format(p="", i="x1")), filename="x.csv", source="web", rules=rules)
    [(batch_id, _)] = claim_batches(engine, max_events=10, max_batches=1, lease_seconds=60)
    raw_stage(engine, batch_id, rules)
    verdict = coverage(engine, batch_id, rules)
    assert not verdict.passed and verdict.details["score_coverage"] == 0.0
    assert "1 of 1 leads without a disposition" in verdict.description


def test_an_events_file_in_the_inbox_is_stored_as_events_not_leads(engine, dagster_instance, resources) -> None:
    inbox = Path(resources["inbox_folder"].path)
    path = inbox / "tracker" / "Events-2026-11-02.csv"
    path.parent.mkdir(parents=True)
    path.write_text("Event ID,Email,Event Type,Occurred At\n"
                    "a1,ann.lee@northwind.com,page_view,2026-11-01T10:00:00Z\n"
                    "a2,ann.lee@northwind.com,,2026-11-01T10:00:00Z\n"
                    "a1,ann.lee@northwind.com,page_view,2026-11-01T10:00:00Z\n")
    old = time.time() - 5
    os.utime(path, (old, old))
    with dg.build_sensor_context(instance=dagster_instance, resources=resources) as context:
        result = inbox_sensor(context)
    [event] = result.asset_events
    assert event.metadata["status"].value == "parsed" and event.metadata["records"].value == 3
    assert event.metadata["inserted"].value == 1 and not result.run_requests  # no lead batch for events
    assert (inbox / "_processed" / "tracker" / "Events-2026-11-02.csv").exists()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM leadgate.intake_events")).scalar_one() == 0
        stored = conn.execute(sa.text("SELECT event_id, source, email_key FROM leadgate.behavior_events")).all()
        [alert] = conn.execute(sa.text("SELECT subject, details FROM leadgate.alerts")).all()
    assert [tuple(r) for r in stored] == [("a1", "tracker", "ann.lee@northwind.com")]
    assert [(r["index"], r["error"]) for r in alert.details["rejected"]] == [(2, "EVENT_INVALID")]
    assert alert.subject == f"file:{event.metadata['file_id'].value}"


def test_a_large_events_file_is_imported_by_a_run(engine, dagster_instance, resources, tmp_path) -> None:
    from leadgate_dagster.gate.ingest import register_large_file
    from leadgate_dagster.jobs import inbox_import_job

    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps({"lead_id": f"L{i}", "event_type": "email_open",
                                        "occurred_at": "2026-11-01T10:00:00Z"}) + "\n" for i in range(300)))
    assert register_large_file(engine, path, source="esp").status == "deferred"
    config = {"ops": {"import_file": {"config": {"path": str(path), "source": "esp", "filename": path.name}}}}
    assert inbox_import_job.execute_in_process(instance=dagster_instance, resources=resources,
                                               run_config=config).success
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM leadgate.behavior_events WHERE source = 'esp'")).scalar() == 300
        status = conn.execute(sa.text("SELECT status, record_count FROM leadgate.intake_files")).one()
    assert tuple(status) == ("parsed", 300)


def _latest_check(instance: dg.DagsterInstance, name: str, asset: str):  # -> AssetCheckExecutionRecord
    key = dg.AssetCheckKey(dg.AssetKey(asset), name)
    [record] = instance.event_log_storage.get_asset_check_execution_history(key, limit=1)
    return record


def test_checks_with_too_little_data_are_stored_as_warnings_not_passes(
        engine, pg_url, dagster_instance, tmp_path) -> None:
    from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

    resources = build_resources(database_url=pg_url, inbox_path=str(tmp_path / "inbox"),
                                rules_path=str(shipped_test_ruleset(tmp_path)))
    ingest_bytes(engine, lead_file(ANN.format(p="", i="small-1")), filename="small.csv", source="tiny",
                 rules=load_ruleset())
    [(batch_id, _)] = claim_batches(engine, max_events=10, max_batches=1, lease_seconds=60)
    assert materialize_batch(batch_id, dagster_instance, resources).success  # warnings never block
    for name, asset in (("disposition_mix_drift", "qualified_leads"), ("auto_merge_rate_by_source", "identity_graph"),
                        ("rejection_rate_by_source_check", "qualified_leads")):
        record = _latest_check(dagster_instance, name, asset)
        evaluation = record.event.dagster_event.event_specific_data  # type: ignore[union-attr]
        assert record.status == AssetCheckExecutionRecordStatus.FAILED, name
        assert evaluation.severity == dg.AssetCheckSeverity.WARN and not evaluation.passed
        assert evaluation.description.startswith("not judged"), evaluation.description
        assert evaluation.metadata["judged"].value is False


def test_drift_is_judged_over_the_newest_leads_across_small_batches(engine, pg_url, dagster_instance,
                                                                    tmp_path) -> None:
    path = _rules(tmp_path, recent_leads=4, min_recent=4, min_window=3, max_share_delta=0.5)
    resources = build_resources(database_url=pg_url, inbox_path=str(tmp_path / "inbox"), rules_path=str(path))
    decide_file(engine, lead_file(*(JUNK.format(i=f"old{n}") for n in range(3))), load_ruleset(path))  # REJECT
    good = [ANN.format(p="", i=f"g{n}").replace("Ann,Lee,ann.lee", f"A{'bcde'[n]},Ho,a{n}.ho")
            .replace("2671", f"267{n + 2}") for n in range(4)]
    decide_file(engine, lead_file(*good[:2]), load_ruleset(path))  # two good leads: too few alone
    ingest_bytes(engine, lead_file(*good[2:]), filename="good2.csv", source="web", rules=load_ruleset(path))
    [(batch_id, _)] = claim_batches(engine, max_events=10, max_batches=1, lease_seconds=60)
    assert materialize_batch(batch_id, dagster_instance, resources).success
    evaluation = _latest_check(dagster_instance, "disposition_mix_drift", "qualified_leads").event \
        .dagster_event.event_specific_data  # type: ignore[union-attr]
    # judged: the 4 newest leads span this batch and the one before it
    assert evaluation.metadata["recent_leads"].value == 4 and evaluation.metadata["judged"].value is True
    assert "REJECT 0% vs 100%" in evaluation.description
