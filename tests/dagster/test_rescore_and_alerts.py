"""Re-score and the unscored-lead escalation, as the schedules and jobs run them against a real instance."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.api_access import open_door
from leadgate_dagster.gate.event_intake import accept_events
from leadgate_dagster.gate.ingest import ingest_bytes
from leadgate_dagster.gate.pipeline import run_all_stages
from leadgate_dagster.gate.rescore import rescore
from leadgate_dagster.jobs import UNTIL_TAG, rescore_job, unscored_alert_job
from leadgate_dagster.schedules.rescore import rescore_schedule
from leadgate_dagster.schedules.unscored import unscored_alert_schedule
from leadgate_dagster.store.intake import claim_batches
from tests.gate.scoring_helpers import ANN, decide_file, decisions, lead_file

RULES = load_ruleset()
BEA = ANN.replace("Ann,Lee,ann.lee", "Bea,Ray,bea.ray").replace("2671", "2699")


def _tick(schedule: dg.ScheduleDefinition, instance: dg.DagsterInstance, resources: dict[str, object],
          at: datetime) -> dg.RunRequest | dg.SkipReason:
    with dg.build_schedule_context(instance=instance, resources=resources, scheduled_execution_time=at) as context:
        return schedule(context)


def _run(job: dg.JobDefinition, instance: dg.DagsterInstance, resources: dict[str, object],
         request: dg.RunRequest) -> dict[str, object]:
    result = job.execute_in_process(instance=instance, resources=resources, tags=dict(request.tags),
                                    run_config=request.run_config)
    assert result.success
    [mat] = [e for e in result.all_node_events if e.event_type_value == "STEP_OUTPUT"]
    return {k: v.value for k, v in mat.event_specific_data.metadata.items()}


def _event(email: str, kind: str, at: datetime) -> dict[str, str]:
    return {"email": email, "event_type": kind, "occurred_at": at.isoformat()}


def test_new_events_are_rescored_once_and_a_reviewers_decision_is_left_alone(engine, dagster_instance,
                                                                               resources) -> None:
    decide_file(engine, lead_file(ANN.format(p="", i="ann"), BEA.format(p="", i="bea")), RULES)
    with engine.begin() as conn:  # a reviewer routed Bea by hand: engagement must not overrule that
        conn.execute(sa.text("UPDATE leadgate.dispositions d SET decided_by = 'reviewer:kim' FROM leadgate.leads l "
                             "WHERE l.lead_id = d.lead_id AND l.external_id = 'bea'"))
    first = _tick(rescore_schedule, dagster_instance, resources, datetime.now(UTC))
    assert isinstance(first, dg.SkipReason)  # nothing received yet: no run (a run costs a process)
    now = datetime.now(UTC)
    accept_events(engine, [_event("ann.lee@northwind.com", "demo_request", now - timedelta(hours=1)),
                           _event("bea.ray@northwind.com", "demo_request", now - timedelta(hours=1))],
                  idempotency_key=None, caller=open_door("tracker"), rules=RULES)
    request = _tick(rescore_schedule, dagster_instance, resources, datetime.now(UTC) + timedelta(seconds=1))
    assert isinstance(request, dg.RunRequest) and request.tags["leadgate/due_leads"] == "1"
    report = _run(rescore_job, dagster_instance, resources, request)
    assert (report["leads_rescored"], report["dispositions_changed"]) == (1, 1)
    assert "| ROUTE_SDR->ROUTE_AE | 1 |" in report["transitions"]
    got = decisions(engine)
    assert (got["ann"].disposition, got["ann"].decided_by) == ("ROUTE_AE", "rescore")
    assert got["bea"].decided_by == "reviewer:kim"
    with engine.connect() as conn:  # the earlier decision is history, not lost
        history = conn.execute(sa.text("SELECT disposition, is_current FROM leadgate.dispositions WHERE lead_id = :l "
                                       "ORDER BY disposition_id"), {"l": got["ann"].lead_id}).all()
    assert [tuple(h) for h in history] == [("ROUTE_SDR", False), ("ROUTE_AE", True)]
    # the watermark moved to the run's `until`: the same events are not re-scored again
    assert dagster_instance.get_run_records(dg.RunsFilter(job_name="rescore_job"))[0].dagster_run.tags[UNTIL_TAG]
    again = _tick(rescore_schedule, dagster_instance, resources, datetime.now(UTC) + timedelta(seconds=2))
    assert isinstance(again, dg.SkipReason)


def test_a_demo_request_aging_out_of_the_intent_window_is_rescored_by_decay_alone(engine) -> None:
    window = timedelta(days=RULES.scoring.engagement.intent_window_days)
    accept_events(engine, [_event("ann.lee@northwind.com", "demo_request",
                                  datetime.now(UTC) - window + timedelta(seconds=4))],
                  idempotency_key=None, caller=open_door("tracker"), rules=RULES)
    decide_file(engine, lead_file(ANN.format(p="", i="aging")), RULES)
    assert decisions(engine)["aging"].disposition == "ROUTE_AE"
    since = datetime.now(UTC)
    time.sleep(5)  # the demo request is now older than the intent window; nothing else happened
    report = rescore(engine, RULES, since=since, until=datetime.now(UTC))
    assert report["transitions"] == {"ROUTE_AE->ROUTE_SDR": 1}
    assert decisions(engine)["aging"].disposition == "ROUTE_SDR"
    assert rescore(engine, RULES, since=datetime.now(UTC), until=datetime.now(UTC))["leads_rescored"] == 0


def test_a_lead_unscored_past_the_threshold_raises_one_alert_until_it_is_scored(engine, dagster_instance,
                                                                               resources) -> None:
    ingest_bytes(engine, lead_file(ANN.format(p="", i="stuck"), BEA.format(p="", i="fresh")), filename="a.csv",
                 source="web", rules=RULES)
    with engine.begin() as conn:  # no batch run happened for 20 minutes (the daemon was down)
        stuck = conn.execute(sa.text("UPDATE leadgate.intake_events SET received_at = now() - interval '20 minutes' "
                                     "WHERE fields->>'external_id' = 'stuck' RETURNING lead_id")).scalar_one()
    request = _tick(unscored_alert_schedule, dagster_instance, resources, datetime.now(UTC))
    assert isinstance(request, dg.RunRequest)
    assert _run(unscored_alert_job, dagster_instance, resources, request)["opened"] == 1
    assert _run(unscored_alert_job, dagster_instance, resources, request)["opened"] == 0  # one open alert per lead
    with engine.connect() as conn:
        [alert] = conn.execute(sa.text("SELECT subject, severity, message, resolved_at FROM leadgate.alerts "
                                       "WHERE kind = 'lead_unscored'")).all()
    assert alert.subject == stuck and alert.resolved_at is None and "20 minutes after intake" in alert.message
    [(batch_id, _)] = claim_batches(engine, max_events=10, max_batches=1, lease_seconds=60)
    run_all_stages(engine, batch_id, RULES)
    report = _run(unscored_alert_job, dagster_instance, resources, request)
    assert (report["resolved"], report["open"]) == (1, 0)
    assert isinstance(_tick(unscored_alert_schedule, dagster_instance, resources, datetime.now(UTC)), dg.SkipReason)


def test_behaviour_that_moves_only_the_engagement_score_is_recorded_with_history(engine) -> None:
    decide_file(engine, lead_file(ANN.format(p="", i="views")), RULES)
    before = decisions(engine)["views"]
    assert before.engagement_score == 0
    since = datetime.now(UTC)
    accept_events(engine, [_event("ann.lee@northwind.com", "page_view", since - timedelta(minutes=m))
                           for m in (5, 10, 20)], idempotency_key=None, caller=open_door("tracker"), rules=RULES)
    report = rescore(engine, RULES, since=since - timedelta(seconds=1), until=datetime.now(UTC))
    after = decisions(engine)["views"]
    assert after.disposition == before.disposition and report["dispositions_changed"] == 0
    assert report["rows_written"] == 1 and after.decided_by == "rescore"
    assert after.engagement_score > 0 and after.engagement_score == after.score_inputs["engagement"]["engagement_score"]
    with engine.connect() as conn:
        shown, history = conn.execute(sa.text(
            "SELECT (SELECT qa_engagement_score FROM leadgate.qualified_leads WHERE lead_id = :l), "
            "(SELECT array_agg(engagement_score ORDER BY disposition_id) FROM leadgate.dispositions WHERE lead_id = :l)"),
            {"l": after.lead_id}).one()
    assert shown == after.engagement_score and history == [0, after.engagement_score]
