"""One poll of a lead-source API: fetch pages from the cursor's position, store each page's items as intake
events, and move the position only once that page is committed.

Delivery is at least once: a tick that dies after a commit but before Dagster saves its cursor reads the
same pages again, and a cursor-paged feed re-reads its last page on every tick. Nothing doubles, because a
polled lead's id is derived from the source's own id and intake inserts ignore a lead id already stored.
A failure (transport, timeout, 429 or 5xx after the in-tick retries, another HTTP error, an answer that is
not a page) keeps the position, counts one more consecutive failure and pauses the source (the state says
until when); after `alert_after_failures` failures in a row an alert opens, and the next good poll resolves it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from leadgate_dagster.core.header_rules import header_rules
from leadgate_dagster.core.lead_sources import LeadSourceSpec
from leadgate_dagster.core.poll_state import PollState
from leadgate_dagster.core.polled_page import PageError, first_position, read_page, request_params
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.providers.http_client import ProviderError, ProviderStatusError
from leadgate_dagster.store import alerts, intake

FAILING_ALERT = "lead_source_failing"
Fetch = Callable[[Mapping[str, str], float], Any]


@dataclass(frozen=True, slots=True)
class PollOutcome:
    state: PollState  # the cursor to save
    pages: int  # pages stored
    received: int  # items in them, repeats included
    inserted: int  # new intake events
    error: str | None  # why the poll stopped early, if it failed


def _describe(exc: ProviderError) -> tuple[str, float | None]:
    """The failure in words (never the token: the client's errors carry no request) and its Retry-After."""
    retry_after = exc.retry_after if isinstance(exc, ProviderStatusError) else None
    after = f" (Retry-After {retry_after:.0f} s)" if retry_after is not None else ""
    return f"{exc.kind}: {exc}{after}", retry_after


def poll_source(engine: sa.Engine, fetch: Fetch, spec: LeadSourceSpec, state: PollState, rules: Ruleset, *,
                deadline: float, now: datetime | None = None) -> PollOutcome:
    """Read up to `spec.max_pages_per_tick` pages and store their items.

    Args:
        engine: leadgate's database.
        fetch: GETs one page: (query, deadline) -> decoded JSON; raises ProviderError.
        spec: the source.
        state: the sensor cursor's state (the caller has checked it is not paused).
        rules: the active ruleset (header map, field bound, replay window).
        deadline: time.monotonic() by which the poll must end; no page is started without a request
            timeout's worth of time left.
        now: the current time (UTC) for the pause, the wall clock when None.

    Returns:
        The new state and what was stored.
    """
    headers, cfg = header_rules(rules, spec.name), rules.intake
    position = state.position if state.position is not None else first_position(spec)
    pages = received = inserted = 0
    error, retry_after = None, None
    while pages < spec.max_pages_per_tick and deadline - time.monotonic() > spec.timeout_s:
        try:
            page = read_page(fetch(request_params(spec, position), deadline), spec, position=position,
                             headers=headers, max_field_chars=cfg.max_field_chars)
        except ProviderError as exc:
            error, retry_after = _describe(exc)
            break
        except PageError as exc:
            error = f"malformed: {exc}"
            break
        with engine.begin() as conn:
            inserted += intake.insert_events(conn, page.rows, replay_window_hours=cfg.replay_window_hours)
        pages, received, position = pages + 1, received + page.received, page.next_position  # committed
        if page.stalled or not page.more:
            error = page.stalled
            break
    if error is None:
        if state.failures:
            with engine.begin() as conn:
                alerts.resolve_alert(conn, kind=FAILING_ALERT, subject=spec.name)
        return PollOutcome(state.succeeded(position), pages, received, inserted, None)
    new = state.failed(position, error, now=now or datetime.now(UTC), interval_s=spec.min_interval_s,
                       max_s=spec.backoff_max_s, retry_after_s=retry_after)
    if new.failures >= spec.alert_after_failures:
        with engine.begin() as conn:
            alerts.open_alert(conn, kind=FAILING_ALERT, subject=spec.name, severity="error",
                              message=f"lead source {spec.name}: {new.failures} polls in a row failed, the last "
                                      f"with {error}; its leads wait at the source",
                              details={"source": spec.name, "url": spec.url, "failures": new.failures,
                                       "last_error": error, "position": position})
    return PollOutcome(new, pages, received, inserted, error)
