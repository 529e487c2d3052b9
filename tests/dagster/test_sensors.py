"""The sensors against a real instance: a dropped file becomes intake events and a run request, the run
becomes rows; bad and repeated files are handled; a run that died is recovered through the lease."""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.definitions import build_resources
from leadgate_dagster.gate.api_access import open_door
from leadgate_dagster.gate.api_intake import accept_leads
from leadgate_dagster.sensors.inbox import inbox_sensor
from leadgate_dagster.sensors.intake_batch import intake_batch_sensor
from tests.conftest import test_ruleset
from tests.dagster.helpers import current_dispositions, materialize_batch, table_counts

RULES = load_ruleset()
CSV = (
    "First Name,Surname,E-mail Address,Mobile,Company Name,Country,Lead ID\n"
    "Ann,Lee,ann.lee@northwind.com,+1 415 555 2671,Northwind,US,1\n"
    "Bo,Ek,bo.ek@volvo.se,+46 70 123 45 67,Volvo,SE,2\n"
    "Cy,Oh,cy.oh@acme.com,,Acme,US,3\n"
)


def _drop(inbox: Path, rel: str, data: bytes) -> Path:
    path = inbox / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = inbox.parent / f".{uuid.uuid4().hex}"
    tmp.write_bytes(data)
    old = time.time() - 5  # settled: not still being written
    os.utime(tmp, (old, old))
    tmp.rename(path)
    return path


def _tick(sensor: dg.SensorDefinition, instance: dg.DagsterInstance, resources: dict[str, object]) -> dg.SensorResult:
    with dg.build_sensor_context(instance=instance, resources=resources) as context:
        return sensor(context)


def test_dropped_file_becomes_a_run_request_and_the_run_becomes_rows(engine, dagster_instance, resources) -> None:
    inbox = Path(resources["inbox_folder"].path)
    _drop(inbox, "webinar/leads.csv", CSV.encode())
    result = _tick(inbox_sensor, dagster_instance, resources)  # the same tick parses and requests the batch
    [event] = result.asset_events
    assert event.metadata["status"].value == "parsed" and event.metadata["records"].value == 3
    assert event.metadata["unmapped_columns"].value == ""
    assert not (inbox / "webinar/leads.csv").exists() and (inbox / "_processed/webinar/leads.csv").exists()
    [request] = result.run_requests
    assert request.job_name == "lead_batch_job" and request.run_key == request.partition_key
    assert result.dynamic_partitions_requests[0].partition_keys == [request.partition_key]
    assert materialize_batch(request.partition_key, dagster_instance, resources).success
    with engine.connect() as conn:
        sources = conn.execute(sa.text("SELECT DISTINCT source FROM leadgate.qualified_leads")).scalars().all()
    assert len(current_dispositions(engine)) == 3 and sources == ["webinar"]
    assert _tick(intake_batch_sensor, dagster_instance, resources).skip_reason is not None  # nothing pending


def test_unmapped_columns_are_named_in_the_files_materialization(engine, dagster_instance, resources) -> None:
    inbox = Path(resources["inbox_folder"].path)
    _drop(inbox, "expo/leads.csv", CSV.replace("Lead ID", "Consent to Marketing (Y/N),Lead ID")
          .replace(",1\n", ",Y,1\n").replace(",2\n", ",N,2\n").replace(",3\n", ",,3\n").encode())
    [event] = _tick(inbox_sensor, dagster_instance, resources).asset_events
    assert event.metadata["unmapped_columns"].value == "Consent to Marketing (Y/N)"
    with engine.connect() as conn:
        subject = conn.execute(sa.text("SELECT subject FROM leadgate.alerts WHERE kind = 'unmapped_columns'")).scalar()
    assert subject == "expo: Consent to Marketing (Y/N)"


def test_replayed_file_is_not_ingested_twice(engine, dagster_instance, resources) -> None:
    inbox = Path(resources["inbox_folder"].path)
    _drop(inbox, "leads.csv", CSV.encode())
    _tick(inbox_sensor, dagster_instance, resources)
    _drop(inbox, "leads-copy.csv", CSV.encode())
    [event] = _tick(inbox_sensor, dagster_instance, resources).asset_events
    assert event.metadata["status"].value == "duplicate"
    assert table_counts(engine)["intake_events"] == 3


def test_unreadable_file_is_moved_aside_with_a_reason_file(engine, dagster_instance, resources) -> None:
    inbox = Path(resources["inbox_folder"].path)
    _drop(inbox, "partner/contract.pdf", b"%PDF-1.7\n" + os.urandom(2048))
    [event] = _tick(inbox_sensor, dagster_instance, resources).asset_events
    assert event.metadata["status"].value == "rejected"
    reason = json.loads((inbox / "_rejected/partner/contract.pdf.reason.json").read_text())
    assert reason["code"] in {"FILE_UNSUPPORTED_FORMAT", "FILE_UNREADABLE"} and reason["detail"]
    assert table_counts(engine)["intake_events"] == 0


def test_large_file_is_handed_to_an_import_run(engine, dagster_instance, pg_url, tmp_path) -> None:
    rules = test_ruleset(tmp_path, sensor_parse_max_rows=2)
    resources = build_resources(database_url=pg_url, inbox_path=str(tmp_path / "inbox"), rules_path=str(rules))
    _drop(tmp_path / "inbox", "big.csv", CSV.encode())
    result = _tick(inbox_sensor, dagster_instance, resources)
    [request] = result.run_requests
    assert request.job_name == "inbox_import_job"
    assert result.asset_events[0].metadata["status"].value == "deferred"
    from leadgate_dagster.jobs import inbox_import_job

    run = inbox_import_job.execute_in_process(run_config=request.run_config, instance=dagster_instance,
                                              resources=resources)
    assert run.success and table_counts(engine)["intake_events"] == 3
    [batch] = _tick(intake_batch_sensor, dagster_instance, resources).run_requests  # imported events get a batch
    assert batch.job_name == "lead_batch_job"


def test_sensor_claims_nothing_while_two_batch_runs_are_in_flight(engine, dagster_instance, resources) -> None:
    accept_leads(engine, [{"email": "ann@northwind.com"}], idempotency_key=None, caller=open_door("api"), rules=RULES)
    fake = [dg.DagsterRun(job_name="lead_batch_job", run_id=str(uuid.uuid4()), status=dg.DagsterRunStatus.STARTED)
            for _ in range(2)]
    for run in fake:
        dagster_instance.add_run(run)
    try:
        assert "in flight" in str(_tick(intake_batch_sensor, dagster_instance, resources).skip_reason)
    finally:
        for run in fake:
            dagster_instance.delete_run(run.run_id)
    [request] = _tick(intake_batch_sensor, dagster_instance, resources).run_requests  # API events get a batch
    assert request.run_key == request.partition_key


def test_a_run_killed_mid_batch_is_recovered_after_its_lease(engine, dagster_instance, resources) -> None:
    inbox = Path(resources["inbox_folder"].path)
    _drop(inbox, "leads.csv", CSV.encode())
    [dead] = _tick(inbox_sensor, dagster_instance, resources).run_requests
    # the run gets through two stages, then its process dies
    assert materialize_batch(dead.partition_key, dagster_instance, resources, ["raw_leads", "validated_leads"]).success
    assert _tick(intake_batch_sensor, dagster_instance, resources).skip_reason  # still leased: not re-claimed
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE leadgate.intake_events SET lease_expires_at = now() - interval '1 second'"))
    [retry] = _tick(intake_batch_sensor, dagster_instance, resources).run_requests
    assert retry.partition_key != dead.partition_key
    assert materialize_batch(retry.partition_key, dagster_instance, resources).success
    assert materialize_batch(dead.partition_key, dagster_instance, resources).success  # a zombie finishing late
    counts = table_counts(engine)
    assert counts["intake_events"] == counts["leads"] == counts["dispositions"] == 3  # none lost, none doubled
    with engine.connect() as conn:
        assert conn.execute(sa.text(
            "SELECT count(*) FROM leadgate.intake_events WHERE processed_at IS NULL")).scalar_one() == 0


def test_a_big_unreadable_file_is_rejected_by_its_import_run(engine, dagster_instance, pg_url, tmp_path) -> None:
    from leadgate_dagster.jobs import inbox_import_job

    rules = test_ruleset(tmp_path, sensor_parse_max_bytes=100)
    inbox = tmp_path / "inbox"
    resources = build_resources(database_url=pg_url, inbox_path=str(inbox), rules_path=str(rules))
    _drop(inbox, "partner/huge.csv", b"\x89PNG\r\n\x1a\n" + os.urandom(4096))
    result = _tick(inbox_sensor, dagster_instance, resources)
    [request] = result.run_requests
    assert result.asset_events[0].metadata["status"].value == "deferred"  # not read in the tick
    run = inbox_import_job.execute_in_process(run_config=request.run_config, instance=dagster_instance,
                                              resources=resources)
    assert run.success
    reason = json.loads((inbox / "_rejected/partner/huge.csv.reason.json").read_text())
    assert reason["code"] in {"FILE_UNSUPPORTED_FORMAT", "FILE_UNREADABLE"}
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT status FROM leadgate.intake_files")).scalar_one() == "rejected"


def _ingested(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.text(
            "SELECT f.filename, count(e.*) FROM leadgate.intake_files f "
            "LEFT JOIN leadgate.intake_events e USING (file_id) GROUP BY 1")).all())


def test_a_file_written_in_place_with_pauses_is_taken_once_and_whole(engine, dagster_instance, pg_url,
                                                                     tmp_path) -> None:
    import threading

    resources = build_resources(database_url=pg_url, inbox_path=str(tmp_path / "inbox"),
                                rules_path=str(test_ruleset(tmp_path)))  # the shipped settle time
    path = tmp_path / "inbox" / "web" / "slow.csv"
    path.parent.mkdir(parents=True)
    rows = [f"P{i},Lee,p{i}.lee@northwind.com,+1 415 555 {2600 + i},Northwind,US,s{i}\n" for i in range(40)]
    chunks = [CSV.splitlines(keepends=True)[0], *("".join(rows[i:i + 10]) for i in range(0, 40, 10))]

    def write() -> None:
        with path.open("w") as out:
            for chunk, pause in zip(chunks, (0.3, 1.0, 0.6, 1.0, 0), strict=True):
                out.write(chunk)
                out.flush()
                time.sleep(pause)

    writer = threading.Thread(target=write)
    writer.start()
    taken = []
    deadline = time.time() + 8
    while time.time() < deadline and not taken:
        taken = _tick(inbox_sensor, dagster_instance, resources).asset_events or []
        time.sleep(0.1)
    writer.join()
    assert [e.metadata["records"].value for e in taken] == [40]  # once, and whole
    assert _ingested(engine) == {"slow.csv": 40}


def test_partial_and_hidden_names_wait_for_their_rename(engine, dagster_instance, resources) -> None:
    inbox = Path(resources["inbox_folder"].path)
    partial = [_drop(inbox, f"web/{name}", CSV.encode()) for name in ("a.csv.part", "b.csv.tmp", ".c.csv")]
    assert _tick(inbox_sensor, dagster_instance, resources).skip_reason is not None  # nothing taken
    assert _ingested(engine) == {}
    for path in partial:
        path.rename(path.with_name(path.name.removeprefix(".").removesuffix(".part").removesuffix(".tmp")))
    result = _tick(inbox_sensor, dagster_instance, resources)
    assert sorted(e.metadata["file"].value for e in result.asset_events or []) == ["a.csv", "b.csv", "c.csv"]


def test_a_burst_of_eight_files_makes_one_batch(engine, dagster_instance, resources) -> None:
    inbox = Path(resources["inbox_folder"].path)
    for i in range(8):
        _drop(inbox, f"web/burst-{i}.csv", CSV.replace(",1\n", f",b{i}-1\n").replace(",2\n", f",b{i}-2\n")
              .replace(",3\n", f",b{i}-3\n").encode())
    result = _tick(inbox_sensor, dagster_instance, resources)
    assert len(result.asset_events or []) == 8
    [request] = result.run_requests or []
    assert request.tags["leadgate/events"] == "24"
