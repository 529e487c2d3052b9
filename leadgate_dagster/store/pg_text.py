"""What Postgres text and JSONB cannot hold: NUL. Anything a client sent is stored with each NUL as the
six characters \\u0000 (as intake stores a record's values), never refused for it."""

from __future__ import annotations

import json
from typing import Any


def text(value: str | None) -> str | None:
    return value.replace("\x00", "\\u0000") if value and "\x00" in value else value


def jsonb(value: Any) -> Any:
    dumped = json.dumps(value, default=str)
    return json.loads(dumped.replace("\\u0000", "\\\\u0000")) if "\\u0000" in dumped else value
