"""A polling sensor's cursor: where the source's feed was read up to, and how long to leave a failing source be.

It is JSON in Dagster's sensor cursor, so it survives restarts and shows in the UI. An operator may set the
cursor to a bare value (a since timestamp, a page cursor) to re-read from there: it is taken as the position.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, ValidationError


class PollState(BaseModel):
    """`position`: the page cursor or since value to ask for next (None: the feed's start). `failures`:
    consecutive failed ticks; `not_before`: no request before this time (UTC)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    position: str | None = None
    failures: int = 0
    not_before: datetime | None = None
    last_error: str | None = None

    @classmethod
    def from_cursor(cls, cursor: str | None) -> PollState:
        """The state a sensor cursor holds; raises ValueError for a JSON object that is not one."""
        if not cursor:
            return cls()
        try:
            data = json.loads(cursor)
        except ValueError:
            data = cursor
        if not isinstance(data, dict):
            return cls(position=data if isinstance(data, str) else cursor)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ValueError(f"the sensor cursor is not a lead-source cursor: {exc}") from None

    def to_cursor(self) -> str:
        return self.model_dump_json(exclude_defaults=True)

    def waiting(self, now: datetime) -> bool:
        return self.not_before is not None and now < self.not_before

    def succeeded(self, position: str | None) -> PollState:
        return PollState(position=position)

    def failed(self, position: str | None, error: str, *, now: datetime, interval_s: float, max_s: float,
               retry_after_s: float | None) -> PollState:
        """One more consecutive failure: the pause doubles from one polling interval up to `max_s`, and is
        never shorter than what the server asked for (Retry-After)."""
        failures = self.failures + 1
        pause = max(min(max_s, interval_s * 2 ** min(failures - 1, 30)), retry_after_s or 0.0)
        return PollState(position=position, failures=failures, not_before=now + timedelta(seconds=pause),
                         last_error=error)
