"""The five assets, materialized in-process for one batch against the real Postgres and a dagster-postgres
instance: rows land, re-materializing changes nothing, and the blocking check holds."""

from __future__ import annotations

import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.assets.leads import LEAD_SPECS
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.store.intake import claim_batches
from tests.dagster.helpers import current_dispositions, materialize_batch, table_counts

RULES = load_ruleset()
LEADS = (
    b"First Name,Surname,E-mail Address,Mobile,Company Name,Job Title,Country,SMS Opt-In,Email Opt-In,Call Opt-In,Demo Requested,Lead ID\n"
    b"Ann,Lee,ann.lee@northwind.com,+1 415 555 2671,Northwind,VP Sales,US,yes,yes,yes,yes,1\n"
    b"Ann,Lee,Ann.Lee@Northwind.com,,Northwind,,US,,yes,,,2\n"
    b"asdf,asdf,test@mailinator.com,1111111111,,,US,,,,,3\n"
    b"Bo,Ek,bo@@ek,,,,SE,,,,,4\n"
    b"Ann,Lee,ann.lee@northwind.com,+1 415 555 2671,Northwind,VP Sales,US,yes,yes,yes,yes,1\n"
)


def _claim(engine: sa.Engine) -> str:
    ingest_bytes(engine, LEADS, filename="leads.csv", source="webinar", rules=RULES)
    [(batch_id, n)] = claim_batches(engine, max_events=100, max_batches=1, lease_seconds=60)
    assert n == 5
    return batch_id


def test_each_asset_materializes_and_persists_its_rows(engine, dagster_instance, resources) -> None:
    batch_id = _claim(engine)
    for spec in LEAD_SPECS:  # each asset on its own, in order
        result = materialize_batch(batch_id, dagster_instance, resources, assets=[spec.key.to_user_string()])
        assert result.success, spec.key
        [mat] = result.asset_materializations_for_node("lead_pipeline")
        assert mat.asset_key == spec.key
        assert mat.metadata["dagster/row_count"].value >= 4
    preview = mat.metadata["preview"].value  # qualified_leads': contacts masked in the event log
    assert "a***@northwind.com" in preview and "ann.lee@northwind.com" not in preview
    counts = table_counts(engine)
    assert counts["leads"] == 5 and counts["lead_person"] == 5 and counts["dispositions"] == 5
    assert counts["persons"] == 3  # Ann (email + phone, and the replay), the junk lead, Bo


def test_rematerializing_a_batch_changes_nothing(engine, dagster_instance, resources) -> None:
    batch_id = _claim(engine)
    first = materialize_batch(batch_id, dagster_instance, resources)
    assert first.success
    before, decided = table_counts(engine), current_dispositions(engine)
    again = materialize_batch(batch_id, dagster_instance, resources)
    assert again.success
    assert table_counts(engine) == before and current_dispositions(engine) == decided
    evaluations = {e.check_name: e for e in again.get_asset_check_evaluations()}
    assert evaluations["one_disposition_per_lead"].passed


def test_dispositions_carry_reasons_and_replays_carry_their_original(engine, dagster_instance, resources) -> None:
    batch_id = _claim(engine)
    assert materialize_batch(batch_id, dagster_instance, resources).success
    with engine.connect() as conn:
        rows = {r.record_no: r for r in conn.execute(sa.text("""
            SELECT l.record_no, q.disposition, q.qa_reason, q.person_id, q.duplicate_of, q.ruleset_version,
                   q.qa_score, q.qa_score_reachability + q.qa_score_consent + q.qa_score_fit AS parts
            FROM leadgate.qualified_leads q JOIN leadgate.leads l USING (lead_id)"""))}
    assert set(rows) == {1, 2, 3, 4, 5}
    assert all(r.ruleset_version == RULES.version and r.qa_score == r.parts for r in rows.values())
    assert rows[1].disposition == "ROUTE_AE"
    assert rows[2].person_id == rows[1].person_id and "DUP_TIER_A" in rows[2].qa_reason
    assert rows[5].disposition == rows[1].disposition and "INTAKE_REPLAY" in rows[5].qa_reason
    assert rows[4].disposition in {"REJECT", "QUARANTINE_REVIEW"} and rows[4].qa_reason


def test_definitions_load_with_one_partitioned_batch_job() -> None:
    from leadgate_dagster.definitions import defs

    dg.Definitions.validate_loadable(defs)
    job = defs.resolve_job_def("lead_batch_job")
    assert job.partitions_def is not None and job.partitions_def.name == "intake_batches"
    assert {s.name for s in defs.sensors} == {"inbox_sensor", "intake_batch_sensor", "contract_sensor",
                                              "crm_outbox_sensor"}


def test_the_lineage_runs_from_intake_through_the_pipeline_to_the_model() -> None:
    from leadgate_dagster.definitions import defs

    graph = defs.resolve_asset_graph()
    parents = {key.to_user_string(): {p.to_user_string() for p in graph.get(key).parent_keys}
               for key in graph.get_all_asset_keys()}
    assert parents["intake_events"] == {"inbox_files"}
    assert parents["raw_leads"] == {"intake_events"}
    assert parents["qualified_leads"] == {"identity_graph"}
    assert parents["conversion_model"] == {"qualified_leads"}
    assert parents["crm_outbox"] == {"qualified_leads"}


def test_a_broken_identity_graph_fails_the_run_before_any_disposition(engine, dagster_instance, resources,
                                                                       monkeypatch) -> None:
    from leadgate_dagster.assets.leads import LEAD_ASSETS
    from leadgate_dagster.assets.partitions import intake_batches
    from leadgate_dagster.gate import stages

    batch_id = _claim(engine)
    monkeypatch.setattr(stages, "identity_stage", lambda *args, **kwargs: {"linked": 0})  # links nobody
    dagster_instance.add_dynamic_partitions(intake_batches.name, [batch_id])
    result = dg.materialize(LEAD_ASSETS, partition_key=batch_id, instance=dagster_instance,
                            resources=resources, raise_on_error=False)
    assert not result.success
    done = {m.asset_key.to_user_string() for m in result.asset_materializations_for_node("lead_pipeline")}
    assert done == {"raw_leads", "validated_leads", "enriched_leads", "identity_graph"}  # what ran is recorded
    [integrity] = [e for e in result.get_asset_check_evaluations() if e.check_name == "identity_graph_integrity"]
    assert not integrity.passed and integrity.severity == dg.AssetCheckSeverity.ERROR
    assert current_dispositions(engine) == {}
