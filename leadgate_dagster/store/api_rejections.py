"""Requests the intake API refused as malformed, kept with their reason (a 401 is not kept: a stranger's
request leaves nothing but a log line)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from leadgate_dagster.store import pg_text
from leadgate_dagster.store.tables import api_rejections


def record(conn: sa.Connection, *, caller: str, source: str | None, endpoint: str, status_code: int, error: str,
           detail: Any, body: str | None) -> None:
    conn.execute(sa.insert(api_rejections).values(caller=caller, source=source, endpoint=endpoint,
                                                  status_code=status_code, error=error,
                                                  detail=pg_text.jsonb(detail), body=pg_text.text(body)))
