"""One polling sensor per configured lead-source API (`lead_source_<name>_sensor`).

Each tick reads the feed from the position in its cursor and stores the leads as intake events (channel
`poll`); the cursor moves only past pages whose events are committed. The tick requests no run itself:
polled events are claimed like API events, at once, by `intake_batch_sensor`, whose long poll notices them
within 0.2 s. One claimer keeps the run bound (`batching.max_runs_in_flight`) and batch sizes in one place,
and the fraction of a second a claim here would save is nothing next to a polling interval of a minute.
A failing source pauses (its cursor says until when) and shows why in the tick's skip reason.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime

import dagster as dg

from leadgate_dagster.core.lead_sources import LeadSourceSpec
from leadgate_dagster.core.poll_state import PollState
from leadgate_dagster.gate.lead_polling import poll_source
from leadgate_dagster.resources.db import PostgresResource
from leadgate_dagster.resources.lead_source import LeadSourceResource, resource_key
from leadgate_dagster.resources.rules import RulesResource

# Dagster stops a sensor evaluation at 60 s; a poll ends well before, leaving the rest of the feed to the
# next tick.
TICK_BUDGET_SECONDS = 30.0


def lead_source_sensor(spec: LeadSourceSpec) -> dg.SensorDefinition:
    """The sensor that polls `spec`'s API, with resources `db`, `rules` and `lead_source_<name>`."""
    key = resource_key(spec)

    @dg.sensor(name=f"lead_source_{spec.name}_sensor", minimum_interval_seconds=spec.min_interval_s,
               required_resource_keys={"db", "rules", key}, default_status=dg.DefaultSensorStatus.RUNNING,
               description=f"Polls {spec.url} ({spec.pagination.style} paging) for leads of source {spec.name}; "
                           f"they are stored as intake events and claimed by intake_batch_sensor.")
    def poll(context: dg.SensorEvaluationContext, **_resources: object) -> dg.SensorResult:
        # resources come through context.resources: a direct call also passes them as keywords
        state, now = PollState.from_cursor(context.cursor), datetime.now(UTC)
        if state.waiting(now):
            return dg.SensorResult(skip_reason=dg.SkipReason(
                f"paused after {state.failures} failed polls (last: {state.last_error}) until "
                f"{state.not_before:%Y-%m-%d %H:%M:%S} UTC"))
        db: PostgresResource = context.resources.db
        rules: RulesResource = context.resources.rules
        source: LeadSourceResource = getattr(context.resources, key)
        with source.client(spec) as client:
            outcome = poll_source(db.engine(), client.fetch, spec, state, rules.active(),
                                  deadline=time.monotonic() + TICK_BUDGET_SECONDS, now=now)
        stored = (f"{outcome.inserted} new leads of {outcome.received} items from {outcome.pages} pages "
                  f"(position {outcome.state.position!r})")
        context.log.info(f"{spec.name}: {stored}" + (f"; failed: {outcome.error}" if outcome.error else ""))
        why = (f"poll failed ({outcome.state.failures} in a row): {outcome.error}; {stored}; next try after "
               f"{outcome.state.not_before:%H:%M:%S} UTC" if outcome.error
               else f"{stored}; intake_batch_sensor claims them")
        return dg.SensorResult(cursor=outcome.state.to_cursor(), skip_reason=dg.SkipReason(why))

    return poll


def lead_source_sensors(specs: Iterable[LeadSourceSpec]) -> list[dg.SensorDefinition]:
    return [lead_source_sensor(s) for s in specs]
