"""Pages from the package's Jinja2 templates. Autoescaping is on for every template, so each value a lead
supplied reaches the browser as text, never as markup; no template marks a lead value `safe`, and none puts
one in a URL (a `javascript:` website stays a string)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import jinja2
import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import HTMLResponse

from leadgate_dagster.gate.review_page import last_decision

_ENV = jinja2.Environment(loader=jinja2.PackageLoader("leadgate_dagster.api.console", "templates"),
                          autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _age(when: datetime | str | None, now: datetime | None = None) -> str:
    """"3 h", "2 d": how long ago (or, negative, how long until)."""
    if when is None:
        return "-"
    when = datetime.fromisoformat(when) if isinstance(when, str) else when
    seconds = ((now or datetime.now(UTC)) - when).total_seconds()
    sign, seconds = ("in " if seconds < 0 else ""), abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{sign}{seconds // size:.0f} {unit}"
    return f"{sign}{seconds:.0f} s"


def _when(value: datetime | str | None) -> str:
    if value is None:
        return "-"
    value = datetime.fromisoformat(value) if isinstance(value, str) else value
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _plain(value: Any) -> str:
    """A value as text: JSON for structures, '-' for nothing."""
    if value is None or value == "":
        return "-"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


_ENV.filters.update(age=_age, when=_when, plain=_plain)


def done_line(engine: sa.Engine, request: Request) -> dict[str, Any]:
    """`done` and `done_id` for done.html: the item named by ?done=ID and its newest decision."""
    done_id = request.query_params.get("done", "")
    return {"done_id": done_id, "done": last_decision(engine, int(done_id)) if done_id.isdigit() else None}


def page(request: Request, template: str, *, status_code: int = 200, headers: dict[str, str] | None = None,
         **context: Any) -> HTMLResponse:
    visitor = getattr(request.state, "visitor", None)
    html = _ENV.get_template(template).render(request=request, visitor=visitor,
                                              csrf=visitor.csrf if visitor else None, **context)
    return HTMLResponse(html, status_code=status_code, headers=headers)
