"""recheck_job and recheck_schedule in-process: a provider that was down comes back, the retries resolve, and a
lead whose answer changed is disposed again by the recheck with its history kept."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.definitions import build_resources
from leadgate_dagster.jobs import recheck_job
from leadgate_dagster.resources.enrichment import EnrichmentResource
from leadgate_dagster.schedules.recheck import recheck_schedule
from tests.dagster.enrichment_setup import claim, fail, recover, rows, rules_file
from tests.dagster.helpers import current_dispositions, materialize_batch
from tests.providers.enrichment.local_server import Script, serve


def _op_metadata(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    [event] = [e for e in result.all_node_events if e.event_type_value == "STEP_OUTPUT"]
    return {k: v.value for k, v in event.event_specific_data.metadata.items()}


def test_recheck_resolves_retries_and_redisposes_a_lead_whose_answer_changed(
        engine: sa.Engine, dagster_instance, pg_url: str, tmp_path: Path) -> None:
    script = Script()
    path = rules_file(tmp_path, backoff_initial_minutes=0)  # due at once: the test does not wait 5 minutes
    resources = build_resources(database_url=pg_url, inbox_path=str(tmp_path / "inbox"), rules_path=str(path))
    with serve(script) as url:
        resources["enrichment"] = EnrichmentResource(email_verification_url=url, deadline_s="1.5")
        fail(script, "http_500")
        batch_id, ids = claim(engine, load_ruleset(path))
        assert materialize_batch(batch_id, dagster_instance, resources).success
        before = current_dispositions(engine)
        assert before[ids[1]] != "QUARANTINE_REVIEW"
        assert len(rows(engine, "SELECT 1 FROM leadgate.enrichment_retries WHERE resolved_at IS NULL")) == 3

        recover(script)  # back, and it knows Ann's mailbox does not exist
        script.known.update({"ann.lee@northwind.com": {"verdict": "undeliverable", "sub_status": "mailbox_not_found"},
                             "raj.iyer@acme-corp.com": {"verdict": "deliverable"},
                             "bo.ek@globex.com": {"verdict": "deliverable"}})
        result = recheck_job.execute_in_process(instance=dagster_instance, resources=resources)
        again = recheck_job.execute_in_process(instance=dagster_instance, resources=resources)

    assert result.success and again.success
    meta = _op_metadata(result)
    assert (meta["keys_retried"], meta["resolved"], meta["still_failing"], meta["leads_redecided"],
            meta["dispositions_changed"]) == (3, 3, 0, 3, 1)
    assert _op_metadata(again)["keys_retried"] == 0  # resolved keys are never asked again
    after = current_dispositions(engine)
    assert after[ids[1]] == "QUARANTINE_REVIEW"
    assert {lid: d for lid, d in after.items() if lid != ids[1]} == {
        lid: d for lid, d in before.items() if lid != ids[1]}
    history = rows(engine, "SELECT disposition, decided_by, is_current, reason_codes FROM leadgate.dispositions "
                           "WHERE lead_id = :l ORDER BY disposition_id", l=ids[1])
    assert [(h.disposition, h.decided_by, h.is_current) for h in history] == [
        (before[ids[1]], "pipeline", False), ("QUARANTINE_REVIEW", "recheck", True)]
    assert "EMAIL_UNDELIVERABLE" in history[1].reason_codes and "ENRICHMENT_UNAVAILABLE" not in history[1].reason_codes
    [ann] = rows(engine, "SELECT status, answer_source, result->>'verdict' AS verdict FROM leadgate.enrichments "
                         "WHERE lead_id = :l AND provider = 'email_verification'", l=ids[1])
    assert (ann.status, ann.answer_source, ann.verdict) == ("ok", "provider", "invalid")
    assert not rows(engine, "SELECT 1 FROM leadgate.enrichment_retries WHERE resolved_at IS NULL")
    cached = rows(engine, "SELECT key FROM leadgate.enrichment_cache WHERE provider = 'email_verification'")
    assert {c.key for c in cached} == {"ann.lee@northwind.com", "raj.iyer@acme-corp.com", "bo.ek@globex.com"}


def test_recheck_schedule_asks_for_a_run_only_when_keys_are_due(engine: sa.Engine, resources) -> None:
    from datetime import timedelta

    from leadgate_dagster.store import enrichment_retries

    with dg.build_schedule_context(resources={"db": resources["db"], "rules": resources["rules"]}) as context:
        assert isinstance(recheck_schedule(context), dg.SkipReason)
        with engine.begin() as conn:
            enrichment_retries.record_failures(conn, [("firmographics", "later.example", "http_5xx")],
                                               timedelta(hours=1))
        assert isinstance(recheck_schedule(context), dg.SkipReason)  # queued, but its backoff has not passed
        with engine.begin() as conn:
            enrichment_retries.record_failures(conn, [("firmographics", "now.example", "timeout")], timedelta(0))
        request = recheck_schedule(context)
    assert isinstance(request, dg.RunRequest) and request.tags["leadgate/due_keys"] == "1"


def test_definitions_wire_the_recheck() -> None:
    from leadgate_dagster.definitions import defs

    assert defs.resolve_job_def("recheck_job") is not None
    assert "recheck_schedule" in {s.name for s in defs.schedules}
    pipeline = defs.resolve_assets_def("enriched_leads")
    assert "enrichment" in pipeline.required_resource_keys
