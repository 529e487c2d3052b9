"""The CRM outbox in Dagster: the sensor asks for one drain run while rows are due (none without a destination,
none while one is in flight), the asset drains and reports the outbox's depth and age, and its check warns
when the oldest due row waited too long."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa

from leadgate_dagster.assets.crm import crm_outbox
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.resources.crm import CrmResource
from leadgate_dagster.sensors.crm_outbox import crm_outbox_sensor
from tests.fake_crm import TOKEN, FakeCrm
from tests.gate.crm_helpers import assert_reconciled, route, routed_row


def _resources(resources: Mapping[str, object], url: str = "") -> dict[str, object]:
    return {**resources, "crm": CrmResource(url=url, token=TOKEN if url else "")}


def _tick(instance: dg.DagsterInstance, resources: Mapping[str, object], cursor: str | None = None) -> dg.SensorResult:
    with dg.build_sensor_context(instance=instance, resources=dict(resources), cursor=cursor) as context:
        return crm_outbox_sensor(context)


def _materialize(instance: dg.DagsterInstance, resources: Mapping[str, object]) -> tuple[dict, dg.AssetCheckEvaluation]:
    result = dg.materialize([crm_outbox], instance=instance, resources=dict(resources))
    assert result.success
    [mat] = result.asset_materializations_for_node("crm_outbox")
    [check] = result.get_asset_check_evaluations()
    return {k: getattr(v, "value", v) for k, v in mat.metadata.items()}, check


def _rules(resources: Mapping[str, object]):
    return load_ruleset(resources["rules"].path)  # type: ignore[attr-defined]


def test_without_a_crm_the_sensor_waits_and_the_check_says_how_long(engine: sa.Engine, dagster_instance,
                                                                    resources, tmp_path: Path) -> None:
    route(engine, _rules(resources), routed_row(1))
    tick = _tick(dagster_instance, _resources(resources))
    assert tick.run_requests in (None, []) and "LEADGATE_CRM_URL unset" in tick.skip_reason.skip_message
    with engine.begin() as conn:  # the row has waited two minutes
        conn.execute(sa.text("UPDATE leadgate.crm_outbox SET created_at = now() - interval '2 minutes'"))
    meta, check = _materialize(dagster_instance, _resources(resources))
    assert (meta["pending_rows"], meta["due_rows"], meta["drain/waiting"], meta["drain/sent"]) == (1, 1, 1, 0)
    assert meta["destinations_missing"] == "crm"
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert check.description.startswith("the oldest due outbox row has waited 1") and "(at most 60 s)" in check.description


def test_a_tick_requests_one_drain_and_the_drain_delivers(engine: sa.Engine, dagster_instance, resources) -> None:
    rules = _rules(resources)
    route(engine, rules, routed_row(1), routed_row(2))
    crm = FakeCrm()
    with crm.serving() as url:
        configured = _resources(resources, url)
        first = _tick(dagster_instance, configured)
        [request] = first.run_requests
        assert request.run_key.startswith("crm-outbox-") and first.cursor == request.tags["leadgate/outbox_mark"]
        assert first.cursor.endswith(":2")  # two rows due
        meta, check = _materialize(dagster_instance, configured)
        assert (meta["drain/sent"], meta["drain/created"], meta["pending_rows"], meta["dagster/row_count"]) == (2, 2, 0, 0)
        assert check.passed and check.description == "no outbox row is due"
        tick = _tick(dagster_instance, configured)
        assert tick.run_requests in (None, []) and tick.skip_reason.skip_message == "nothing due in the CRM outbox"
    assert_reconciled(engine, rules, crm)


def test_the_crm_resource_reads_its_url_and_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADGATE_CRM_URL", raising=False)
    monkeypatch.delenv("LEADGATE_CRM_TOKEN", raising=False)
    assert CrmResource.from_env() == CrmResource()  # unset: no handoff, and nothing fails at launch
    monkeypatch.setenv("LEADGATE_CRM_URL", "http://127.0.0.1:9/crm")
    monkeypatch.setenv("LEADGATE_CRM_TOKEN", "secret")
    configured = CrmResource.from_env()
    assert (configured.url, configured.token) == (dg.EnvVar("LEADGATE_CRM_URL"), dg.EnvVar("LEADGATE_CRM_TOKEN"))


def test_definitions_wire_the_outbox_asset_its_job_and_sensor() -> None:
    from leadgate_dagster.definitions import defs

    assert defs.resolve_job_def("crm_sync_job") is not None
    assert "crm_outbox_sensor" in {s.name for s in defs.sensors}
    assert "crm" in defs.resolve_assets_def("crm_outbox").required_resource_keys


def test_rows_left_waiting_for_a_missing_webhook_do_not_request_run_after_run(engine: sa.Engine, dagster_instance,
                                                                              resources, tmp_path: Path) -> None:
    rules = _rules(resources)
    route(engine, rules, routed_row(1))
    with engine.begin() as conn:  # as if the ruleset sent this person to a webhook whose secret is not set here
        conn.execute(sa.text("INSERT INTO leadgate.crm_links (person_id, destination, synced_seq, synced_at) "
                             "SELECT person_id, 'webhook:portal', 0, now() FROM leadgate.crm_outbox"))
    configured = _resources(resources, "http://127.0.0.1:9")
    first = _tick(dagster_instance, configured)
    assert len(first.run_requests) == 1
    again = _tick(dagster_instance, configured, cursor=first.cursor)
    assert again.run_requests in (None, []) and "rows due (their destination" in again.skip_reason.skip_message
