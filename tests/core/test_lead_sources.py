"""Lead-source configuration, pages and the polling cursor, without a server: a bad file names its keys and
lines, a page becomes one event per distinct item (odd items kept with a reason), the position moves as each
paging style says, and a failing source pauses longer each time, never shorter than Retry-After."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from leadgate_dagster.core.header_rules import HeaderRules
from leadgate_dagster.core.lead_sources import LeadSourcesError, LeadSourceSpec, load_lead_sources
from leadgate_dagster.core.poll_state import PollState
from leadgate_dagster.core.polled_page import PageError, PolledPage, read_page, request_params

DOCS = Path(__file__).resolve().parents[2] / "docs" / "lead-sources.md"
CURSOR = {"name": "ads", "url": "https://api.example.com/leads", "items_path": "data",
          "pagination": {"style": "cursor", "param": "after", "next_path": "paging.next"}}
SINCE = {"name": "forms", "url": "https://forms.example.com/v2/leads", "items_path": "leads", "page_size": 3,
         "pagination": {"style": "since", "param": "updated_since", "field": "created_at"}}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lead_sources.yaml"
    path.write_text(text)
    return path


def test_the_sample_in_the_docs_loads(tmp_path: Path) -> None:
    [sample] = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(), flags=re.S)
    specs = load_lead_sources(_write(tmp_path, sample))
    assert [(s.name, s.pagination.style, s.auth.style) for s in specs] == [
        ("fb_lead_ads", "cursor", "query"), ("webforms", "since", "bearer")]


def test_every_bad_key_is_named_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, """sources:
  - name: Ads Team
    url: ftp://example.com
    pagination:
      style: cursor
      nxt_path: paging.next
    page_size: 0
  - name: forms
    url: https://example.com/leads
    pagination: {style: since, field: created_at}
    auth: {style: header}
""")
    with pytest.raises(LeadSourcesError) as caught:
        load_lead_sources(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{path} does not parse:"
    problems = {p.split(":")[0]: p for p in lines[1:]}
    assert set(problems) == {"sources.0.name (line 2)", "sources.0.url (line 3)",
                             "sources.0.pagination.next_path (line 4)", "sources.0.pagination.nxt_path (line 6)",
                             "sources.0.page_size (line 7)", "sources.1.auth (line 11)"}
    assert "unknown key" in problems["sources.0.pagination.nxt_path (line 6)"]
    assert "http(s) URL" in problems["sources.0.url (line 3)"]
    assert "needs the name of its header" in problems["sources.1.auth (line 11)"]


@pytest.mark.parametrize(("text", "message"), [
    ("sources:\n  - {name: a, url: 'https://x.io', pagination: {style: since, field: t}}\n"
     "  - {name: a, url: 'https://y.io', pagination: {style: since, field: t}}\n", "given more than once: a"),
    ("sources:\n  - {name: a, url: 'https://x.io', pagination: {style: since, field: t}, auth: {style: bearer}}\n",
     "auth is set but token_env is not"),
    ("sources:\n  - {name: a, url: 'https://x.io', pagination: {style: pages, field: t}}\n", "sources.0.pagination"),
    ("sources: [\n", "(the document)"),
], ids=["duplicate-names", "auth-without-token", "unknown-style", "not-yaml"])
def test_a_file_that_cannot_configure_sources_is_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(LeadSourcesError, match=re.escape(message)):
        load_lead_sources(_write(tmp_path, text))


def test_no_file_or_an_empty_one_configures_nothing(tmp_path: Path) -> None:
    assert load_lead_sources(None) == () and load_lead_sources(_write(tmp_path, "")) == ()
    with pytest.raises(LeadSourcesError, match="No such file"):
        load_lead_sources(tmp_path / "missing.yaml")


def _page(spec: dict[str, Any], body: Any, position: str | None = None) -> PolledPage:
    return read_page(body, LeadSourceSpec.model_validate(spec), position=position, headers=HeaderRules(),
                     max_field_chars=4096)


def test_a_page_becomes_one_event_per_distinct_item_and_odd_items_are_kept() -> None:
    body = {"data": [{"id": 7, "Email": "a@x.io", "source": "elsewhere"}, 42, {"email": "b@x.io"},
                     {"id": 7, "Email": "a@x.io"}, {"id": "", "email": "c@x.io"}, "text"],
            "paging": {"next": "p6"}}
    page = _page(CURSOR, body)
    by_error = {}
    for row in page.rows:
        by_error.setdefault(row["parse_error"], []).append(row)
    assert page.received == 6 and len(page.rows) == 5  # the repeated id 7 is one event
    [lead] = by_error[None]
    assert lead["fields"] == {"email": "a@x.io", "external_id": "7", "source": "ads"}
    assert lead["payload"]["source"] == "elsewhere" and lead["channel"] == "poll" and lead["key_kind"] == "external"
    assert len(by_error["ROW_UNPARSEABLE"]) == 2 and len(by_error["SOURCE_ID_MISSING"]) == 2
    assert {r["parse_detail"] for r in by_error["SOURCE_ID_MISSING"]} == {"no usable id at 'id' (absent)",
                                                                         "no usable id at 'id' (\"\")"}
    assert page.next_position == "p6" and page.more
    again = _page(CURSOR, body)
    assert [r["lead_id"] for r in again.rows] == [r["lead_id"] for r in page.rows]  # stable: repeats collide


@pytest.mark.parametrize(("body", "position", "want"), [
    ({"data": [{"id": 1}], "paging": {"next": "p1"}}, None, ("p1", True)),
    ({"data": [{"id": 1}], "paging": {"next": None}}, "p0", ("p0", False)),
    ({"data": [], "paging": {}}, "p3", ("p3", False)),
    ({"data": [{"id": 1}], "paging": {"next": "p3"}}, "p3", ("p3", False)),
], ids=["next-given", "end-keeps-last", "empty-page", "next-repeats-position"])
def test_cursor_paging_moves_only_to_a_new_cursor(body: Any, position: str | None, want: tuple[str, bool]) -> None:
    page = _page(CURSOR, body, position)
    assert (page.next_position, page.more) == want and page.stalled is None


@pytest.mark.parametrize(("times", "position", "want"), [
    (["t1", "t2", "t3"], None, ("t3", True, None)),
    (["t3", "t4"], "t3", ("t4", False, None)),
    ([], "t4", ("t4", False, None)),
    (["t4", "t4", "t4"], "t4", ("t4", False, "did not move created_at past 't4'")),
], ids=["full-page", "short-page", "nothing-new", "stalled"])
def test_since_paging_moves_to_the_last_items_value(times: list[str], position: str | None,
                                                    want: tuple[str, bool, str | None]) -> None:
    page = _page(SINCE, {"leads": [{"id": f"i{n}", "created_at": t} for n, t in enumerate(times)]}, position)
    assert page.next_position == want[0] and page.more == want[1]
    assert (want[2] or "") in (page.stalled or "") and bool(page.stalled) == bool(want[2])


@pytest.mark.parametrize("body", [{"items": []}, {"data": {"id": 1}}, [1, 2], {"data": [], "paging": {"next": {}}}],
                         ids=["wrong-key", "object-not-list", "list-at-top", "cursor-not-a-value"])
def test_an_answer_that_is_not_a_page_is_refused_whole(body: Any) -> None:
    with pytest.raises(PageError):
        _page(CURSOR, body)


def test_the_request_carries_the_position_page_size_and_fixed_params() -> None:
    spec = LeadSourceSpec.model_validate({**CURSOR, "params": {"form": "9"}})
    assert request_params(spec, None) == {"form": "9", "limit": "100"}
    assert request_params(spec, "p2") == {"form": "9", "limit": "100", "after": "p2"}


NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_a_failing_source_pauses_longer_each_time_and_never_less_than_retry_after() -> None:
    state = PollState(position="p4")
    pauses = []
    for _ in range(6):
        state = state.failed("p4", "http_5xx: HTTP 500", now=NOW, interval_s=60, max_s=600, retry_after_s=None)
        pauses.append((state.not_before - NOW).total_seconds())
    assert pauses == [60, 120, 240, 480, 600, 600] and state.failures == 6 and state.position == "p4"
    limited = PollState().failed(None, "rate_limited", now=NOW, interval_s=60, max_s=600, retry_after_s=3600)
    assert limited.not_before == NOW + timedelta(hours=1)
    assert limited.waiting(NOW + timedelta(minutes=59)) and not limited.waiting(NOW + timedelta(hours=1))
    assert state.succeeded("p5") == PollState(position="p5")


@pytest.mark.parametrize(("cursor", "want"), [
    (None, PollState()),
    ('{"position": "p2", "failures": 1}', PollState(position="p2", failures=1)),
    ("2026-11-01T00:00:00Z", PollState(position="2026-11-01T00:00:00Z")),
    ('"p9"', PollState(position="p9")),
    ("12345", PollState(position="12345")),
], ids=["none", "json", "bare-value", "json-string", "json-number"])
def test_the_cursor_round_trips_and_an_operator_may_set_a_bare_position(cursor: str | None,
                                                                        want: PollState) -> None:
    state = PollState.from_cursor(cursor)
    assert state == want and PollState.from_cursor(state.to_cursor()) == state


def test_a_json_object_that_is_not_a_poll_cursor_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a lead-source cursor"):
        PollState.from_cursor('{"positon": "p2"}')
