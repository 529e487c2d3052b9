"""The review_queue asset in-process: its materialization runs the queue's clock and reports backlog, ages
and SLA adherence; its check fails when the last day's adherence is below the ruleset's minimum, and does not
pretend to pass when nothing was closed."""

from __future__ import annotations

from collections.abc import Mapping

import dagster as dg
import sqlalchemy as sa

from leadgate_dagster.assets.review import review_queue
from leadgate_dagster.core.review.actions import Action, ActionRequest
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.gate.review_actions import act
from tests.gate.review_helpers import BAD_EMAIL, NO_CONSENT_DE, ROUTED, decide, items

RULES = load_ruleset()


def _materialize(instance: dg.DagsterInstance, resources: Mapping[str, object]) -> tuple[dict, dg.AssetCheckEvaluation]:
    result = dg.materialize([review_queue], instance=instance, resources=dict(resources))
    assert result.success
    [mat] = result.asset_materializations_for_node("review_queue")
    [check] = result.get_asset_check_evaluations()
    return {k: getattr(v, "value", v) for k, v in mat.metadata.items()}, check


def test_nothing_closed_yet_is_reported_and_not_judged(engine: sa.Engine, dagster_instance, resources) -> None:
    decide(engine, RULES, ROUTED, NO_CONSENT_DE, BAD_EMAIL)
    meta, check = _materialize(dagster_instance, resources)
    assert (meta["open_items"], meta["dagster/row_count"], meta["escalated_open"]) == (2, 2, 0)
    assert meta["quarantine/web/open"] == 2.0 and "| quarantine/web |" in meta["backlog"]
    assert 0 <= meta["age_p50_h"] <= meta["age_max_h"] < 1
    assert not check.passed and check.description.startswith("not judged")
    assert check.metadata["judged"].value is False


def test_adherence_below_the_minimum_fails_the_check(engine: sa.Engine, dagster_instance, resources) -> None:
    decide(engine, RULES, NO_CONSENT_DE, BAD_EMAIL)
    late, quick = items(engine, kind="quarantine")
    with engine.begin() as conn:  # one of them waited six hours before a person acted
        conn.execute(sa.text("UPDATE leadgate.review_items SET created_at = created_at - interval '6 hours', "
                             "due_at = due_at - interval '6 hours' WHERE review_id = :r"), {"r": late.review_id})
    for item in (late, quick):
        act(engine, item.review_id, ActionRequest(Action.REJECT, "reviewer:kim"), rules=RULES)
    meta, check = _materialize(dagster_instance, resources)
    assert (meta["closed_1d"], meta["closed_within_sla_1d"], meta["sla_adherence_1d"]) == (2, 1, 0.5)
    assert meta["quarantine/web/adherence"] == 0.5 and meta["open_items"] == 0
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert check.description \
        == "50.0% of 2 review items closed in the last day were closed within 4 h (below the 90% minimum)"


def test_adherence_at_the_minimum_passes_and_a_second_materialization_changes_nothing(
        engine: sa.Engine, dagster_instance, resources) -> None:
    decide(engine, RULES, NO_CONSENT_DE, BAD_EMAIL)
    first, second = items(engine, kind="quarantine")
    act(engine, first.review_id, ActionRequest(Action.REJECT, "reviewer:kim"), rules=RULES)
    _, check = _materialize(dagster_instance, resources)
    assert check.passed and check.metadata["adherence"].value == 1.0
    state = [(i.review_id, i.status, i.version, i.escalated_at, i.resolved_at) for i in items(engine)]
    meta, again = _materialize(dagster_instance, resources)
    assert again.passed and meta["sweep/escalated"] == 0
    assert [(i.review_id, i.status, i.version, i.escalated_at, i.resolved_at) for i in items(engine)] == state
    assert second.status == "open"


def test_definitions_wire_the_queue_asset_its_job_and_schedule() -> None:
    from leadgate_dagster.definitions import defs

    job = defs.resolve_job_def("review_queue_job")
    assert [str(k.to_user_string()) for k in job.asset_layer.executable_asset_keys] == ["review_queue"]
    schedule = next(s for s in defs.schedules if s.name == "review_queue_schedule")
    assert (schedule.job_name, schedule.cron_schedule, schedule.execution_timezone) == (
        "review_queue_job", "*/10 * * * *", "UTC")
    assert dg.AssetCheckKey(dg.AssetKey("review_queue"), "review_sla_adherence") in \
        defs.resolve_asset_graph().asset_check_keys
