"""The lead-source polling sensor against a real instance and a paginated API on 127.0.0.1 that pages, fails,
rate-limits and repeats items: every distinct lead is stored once, the cursor moves only past stored pages,
errors are retried within the tick and a persistent failure keeps the cursor, pauses and alerts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg
import pytest
import sqlalchemy as sa

from leadgate_dagster.core.lead_sources import LeadSourceSpec
from leadgate_dagster.core.poll_state import PollState
from leadgate_dagster.resources.lead_source import lead_source_resources
from leadgate_dagster.sensors.intake_batch import intake_batch_sensor
from leadgate_dagster.sensors.lead_source import lead_source_sensor
from tests.dagster.helpers import materialize_batch
from tests.dagster.lead_api import LeadApi, Reply, serve

TOKEN_ENV, TOKEN = "LEADGATE_TEST_LEADS_TOKEN", "tok-3f9a-not-a-real-secret"


def _lead(n: int) -> dict[str, Any]:
    return {"id": f"L{n:03d}", "created_at": f"2026-11-20T10:{n:02d}:00Z", "first_name": f"Ann{n}",
            "last_name": "Lee", "email": f"ann{n}.lee@northwind.com", "company": "Northwind", "country": "US"}


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    return TOKEN


@pytest.fixture
def cursor_api() -> Iterator[tuple[LeadApi, str]]:
    api = LeadApi("cursor", items=[_lead(n) for n in range(1, 8)], overlap=1)
    with serve(api) as url:
        yield api, url


@pytest.fixture
def since_api() -> Iterator[tuple[LeadApi, str]]:
    api = LeadApi("since", items=[_lead(n) for n in range(1, 6)])
    with serve(api) as url:
        yield api, url


def _spec(url: str, style: str = "cursor", **overrides: Any) -> LeadSourceSpec:
    paging = ({"style": "cursor", "param": "after", "next_path": "paging.next"} if style == "cursor" else
              {"style": "since", "param": "updated_since", "field": "created_at"})
    return LeadSourceSpec.model_validate({
        "name": f"{style}_feed", "url": url, "pagination": paging, "items_path": "data" if style == "cursor" else
        "leads", "page_size": 3, "token_env": TOKEN_ENV, "min_interval_s": 30, "retry_backoff_s": 0.01,
        **overrides})


def _tick(spec: LeadSourceSpec, instance: dg.DagsterInstance, resources: dict[str, object],
          cursor: str | None = None) -> dg.SensorResult:
    with dg.build_sensor_context(instance=instance, cursor=cursor,
                                 resources={**resources, **lead_source_resources([spec])}) as context:
        return lead_source_sensor(spec)(context)


def _events(engine: sa.Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text("""
            SELECT lead_id, source, channel, fields->>'external_id' AS external_id, key_kind, parse_error
            FROM leadgate.intake_events ORDER BY event_id""")))


def _state(result: dg.SensorResult) -> PollState:
    return PollState.from_cursor(result.cursor)


def test_cursor_pages_are_stored_once_and_the_last_page_is_read_again_for_new_leads(
        engine, dagster_instance, resources, cursor_api, token) -> None:
    api, url = cursor_api
    spec = _spec(url)
    first = _tick(spec, dagster_instance, resources)
    events = _events(engine)  # pages p0 [1-3], p3 [3-6], p6 [6-7]: items 3 and 6 delivered twice
    assert [e.external_id for e in events] == [f"L{n:03d}" for n in range(1, 8)]
    assert {(e.source, e.channel, e.key_kind, e.parse_error) for e in events} == {("cursor_feed", "poll", "external",
                                                                                     None)}
    assert [s.params.get("after") for s in api.seen] == [None, "p3", "p6"]
    assert all(s.headers["authorization"] == f"Bearer {token}" and s.params["limit"] == "3" for s in api.seen)
    assert _state(first) == PollState(position="p6")  # the end: the last page is asked again next time
    assert "7 new leads of 9 items from 3 pages" in first.skip_reason.skip_message
    assert TOKEN not in first.cursor + first.skip_reason.skip_message

    api.items += [_lead(8), _lead(9)]
    second = _tick(spec, dagster_instance, resources, first.cursor)
    assert [e.external_id for e in _events(engine)] == [f"L{n:03d}" for n in range(1, 10)]
    assert [s.params.get("after") for s in api.seen[3:]] == ["p6"] and _state(second).position == "p6"
    assert "2 new leads of 4 items" in second.skip_reason.skip_message

    third = _tick(spec, dagster_instance, resources, second.cursor)  # nothing new: repeats only
    assert len(_events(engine)) == 9 and "0 new leads" in third.skip_reason.skip_message


def test_since_paging_stores_the_repeated_boundary_items_once(engine, dagster_instance, resources, since_api,
                                                             token) -> None:
    api, url = since_api
    spec = _spec(url, "since", auth={"style": "query", "name": "access_token"})
    api.items.insert(3, {**_lead(2), "created_at": _lead(3)["created_at"]})  # the feed re-delivers lead 2
    first = _tick(spec, dagster_instance, resources)
    assert [e.external_id for e in _events(engine)] == [f"L{n:03d}" for n in range(1, 6)]
    # pages: [1, 2, 3] since nothing, [3, 2 again, 4] since 3's time, [4, 5] since 4's (short: the end)
    assert [s.params.get("updated_since") for s in api.seen] == [None, _lead(3)["created_at"],
                                                                _lead(4)["created_at"]]
    assert all(s.params["access_token"] == token and "authorization" not in s.headers for s in api.seen)
    assert _state(first).position == _lead(5)["created_at"]

    api.items.append(_lead(6))
    second = _tick(spec, dagster_instance, resources, first.cursor)
    assert [e.external_id for e in _events(engine)][-1] == "L006" and len(_events(engine)) == 6
    assert _state(second).position == _lead(6)["created_at"]


def test_errors_and_rate_limits_are_retried_within_the_tick(engine, dagster_instance, resources, cursor_api,
                                                           token) -> None:
    api, url = cursor_api
    api.queue = [Reply(500), Reply(429, {"Retry-After": "1"}), Reply(503)]
    result = _tick(_spec(url), dagster_instance, resources)
    assert len(_events(engine)) == 7 and _state(result) == PollState(position="p6")
    assert [s.params.get("after") for s in api.seen] == [None] * 4 + ["p3", "p6"]
    assert api.seen[2].at - api.seen[1].at >= 1.0  # the Retry-After was honoured, not the 10 ms backoff


def test_a_persistent_failure_keeps_the_cursor_pauses_and_alerts(engine, dagster_instance, resources, cursor_api,
                                                                 token) -> None:
    api, url = cursor_api
    spec = _spec(url, retry_attempts=2, alert_after_failures=2)
    first = _tick(spec, dagster_instance, resources)  # healthy: all 7 leads
    api.items += [_lead(8)]
    api.down = Reply(500)
    failed = _tick(spec, dagster_instance, resources, first.cursor)
    state = _state(failed)
    assert state.position == "p6" and state.failures == 1 and state.last_error == "http_5xx: HTTP 500"
    assert timedelta(seconds=25) < state.not_before - datetime.now(UTC) <= timedelta(seconds=30)
    assert "poll failed (1 in a row): http_5xx: HTTP 500" in failed.skip_reason.skip_message
    assert len(api.seen) == 3 + 2 and len(_events(engine)) == 7
    with engine.connect() as conn:  # one failure is not yet an alert
        assert conn.execute(sa.text("SELECT count(*) FROM leadgate.alerts")).scalar() == 0

    asked = len(api.seen)
    paused = _tick(spec, dagster_instance, resources, failed.cursor)
    assert paused.cursor is None and "paused after 1 failed polls" in paused.skip_reason.skip_message
    assert len(api.seen) == asked  # no request while paused

    due = state.model_copy(update={"not_before": datetime.now(UTC) - timedelta(seconds=1)}).to_cursor()
    again = _tick(spec, dagster_instance, resources, due)
    assert _state(again).failures == 2 and _state(again).position == "p6"
    with engine.connect() as conn:
        alert = conn.execute(sa.text("SELECT subject, severity, message, resolved_at FROM leadgate.alerts "
                                     "WHERE kind = 'lead_source_failing'")).one()
    assert (alert.subject, alert.severity, alert.resolved_at) == ("cursor_feed", "error", None)
    assert "2 polls in a row failed, the last with http_5xx: HTTP 500" in alert.message

    api.down = None
    healed = _tick(spec, dagster_instance, resources,
                   _state(again).model_copy(update={"not_before": None}).to_cursor())
    assert _state(healed) == PollState(position="p6") and len(_events(engine)) == 8
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT resolved_at FROM leadgate.alerts")).scalar() is not None


def test_a_failure_mid_feed_keeps_the_pages_stored_before_it(engine, dagster_instance, resources, cursor_api,
                                                             token) -> None:
    api, url = cursor_api
    api.queue = [Reply(200, body={"data": [_lead(1)], "paging": {"next": "p3"}}), Reply(401)]
    result = _tick(_spec(url), dagster_instance, resources)
    state = _state(result)
    assert [e.external_id for e in _events(engine)] == ["L001"]
    assert state.position == "p3" and state.last_error == "http_4xx: HTTP 401" and len(api.seen) == 2  # no retry


def test_a_rate_limit_longer_than_the_tick_pauses_the_source_for_as_long(engine, dagster_instance, resources,
                                                                        cursor_api, token) -> None:
    api, url = cursor_api
    api.down = Reply(429, {"Retry-After": "3600"})
    started = time.monotonic()
    state = _state(_tick(_spec(url), dagster_instance, resources))
    assert time.monotonic() - started < 5 and len(api.seen) == 1  # no waiting an hour inside the tick
    assert state.last_error == "rate_limited: HTTP 429 (Retry-After 3600 s)" and state.position is None
    assert timedelta(minutes=59) < state.not_before - datetime.now(UTC) <= timedelta(hours=1)


def test_an_answer_that_is_not_a_page_stores_nothing_and_keeps_the_cursor(engine, dagster_instance, resources,
                                                                          cursor_api, token) -> None:
    api, url = cursor_api
    api.queue = [Reply(200, body={"error": {"message": "form archived"}})]
    result = _tick(_spec(url), dagster_instance, resources, PollState(position="p3").to_cursor())
    assert _events(engine) == [] and _state(result).position == "p3"
    assert "malformed: expected a list of items at 'data', found nothing" in result.skip_reason.skip_message


def test_odd_items_are_kept_and_the_polled_batch_runs_through_the_gate(engine, dagster_instance, resources,
                                                                      cursor_api, token) -> None:
    api, url = cursor_api
    api.items = [_lead(1), 42, {k: v for k, v in _lead(2).items() if k != "id"}, "text", _lead(3)]
    api.overlap = 0
    spec = _spec(url, page_size=10)
    first = _tick(spec, dagster_instance, resources)
    _tick(spec, dagster_instance, resources, first.cursor)  # the same page again: nothing doubles
    events = _events(engine)
    assert [e.parse_error for e in events] == [None, "ROW_UNPARSEABLE", "SOURCE_ID_MISSING", "ROW_UNPARSEABLE", None]

    with dg.build_sensor_context(instance=dagster_instance, resources=resources) as context:
        [request] = intake_batch_sensor(context).run_requests  # polled events are claimed like API events
    assert materialize_batch(request.partition_key, dagster_instance, resources).success
    with engine.connect() as conn:
        decided = dict(conn.execute(sa.text("SELECT lead_id, disposition FROM leadgate.dispositions "
                                            "WHERE is_current")).tuples().all())
    by_error = {e.parse_error: e.lead_id for e in events}
    assert len(decided) == 5 and decided[by_error["SOURCE_ID_MISSING"]] == "QUARANTINE_REVIEW"
    assert decided[by_error["ROW_UNPARSEABLE"]] == "REJECT"


def test_storage_that_fails_leaves_the_cursor_and_the_next_tick_doubles_nothing(engine, dagster_instance, resources,
                                                                                 cursor_api, token) -> None:
    _, url = cursor_api
    spec = _spec(url)
    with engine.begin() as conn:  # a real database error on the second page (lead 4), not a mock
        conn.execute(sa.text("""
            CREATE FUNCTION leadgate.refuse_l004() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.fields->>'external_id' = 'L004' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER refuse_l004 BEFORE INSERT ON leadgate.intake_events
            FOR EACH ROW EXECUTE FUNCTION leadgate.refuse_l004();"""))
    try:
        with pytest.raises(sa.exc.DBAPIError, match="disk full"):
            _tick(spec, dagster_instance, resources)  # the tick fails: Dagster keeps the old cursor
        assert [e.external_id for e in _events(engine)] == ["L001", "L002", "L003"]
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TRIGGER refuse_l004 ON leadgate.intake_events; "
                                 "DROP FUNCTION leadgate.refuse_l004();"))
    result = _tick(spec, dagster_instance, resources)  # from the old (empty) cursor: page 1 again
    assert [e.external_id for e in _events(engine)] == [f"L{n:03d}" for n in range(1, 8)]
    assert _state(result).position == "p6"


def test_the_token_comes_from_the_environment_variable_the_source_names(engine, dagster_instance, resources,
                                                                        cursor_api, monkeypatch) -> None:
    api, url = cursor_api
    spec = _spec(url, auth={"style": "header", "name": "X-API-Key"})
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(dg.DagsterInvalidConfigError, match=TOKEN_ENV):
        _tick(spec, dagster_instance, resources)
    assert api.seen == []
    monkeypatch.setenv(TOKEN_ENV, "rotated-token")
    _tick(spec, dagster_instance, resources)
    assert {(s.headers.get("x-api-key"), s.headers.get("authorization")) for s in api.seen} == {
        ("rotated-token", None)}
