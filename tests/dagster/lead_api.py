"""A paginated lead API on 127.0.0.1 for the polling-sensor tests, the way ad-platform lead exports page.

`GET /leads` answers from `items` in one of two styles:
- cursor: `?after=<token>&limit=N` gives `{"data": [...], "paging": {"next": token | null}}`; `overlap` items
  before the page's start are repeated at its head (a feed that re-delivers across pages);
- since: `?updated_since=<created_at>&limit=N` gives `{"leads": [...]}`, the items with `created_at` at or after
  the value (inclusive, so the boundary item comes back), in feed order.
Scripted failures: `queue` answers the next requests (500, 429 + Retry-After, a body that is not a page)
before the feed does; `down` answers every request while set. `seen` records what each request carried.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from tests.loopback_server import serving


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


@dataclass
class Seen:
    params: dict[str, str]
    headers: dict[str, str]
    at: float  # time.monotonic()


@dataclass
class LeadApi:
    style: Literal["cursor", "since"]
    items: list[Any] = field(default_factory=list)
    overlap: int = 0
    queue: list[Reply] = field(default_factory=list)
    down: Reply | None = None
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, params: dict[str, str], headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        with self.lock:
            self.seen.append(Seen(params, headers, time.monotonic()))
            scripted = self.down or (self.queue.pop(0) if self.queue else None)
            if scripted:
                return scripted.status, scripted.headers, {"error": "scripted"} if scripted.body is None else scripted.body
            limit = int(params.get("limit", "100"))
            if self.style == "cursor":
                start = int(params.get("after", "p0").removeprefix("p"))
                end = start + limit
                nxt = f"p{end}" if end < len(self.items) else None
                return 200, {}, {"data": self.items[max(0, start - self.overlap):end], "paging": {"next": nxt}}
            since = params.get("updated_since", "")
            later = [i for i in self.items if not isinstance(i, dict) or i.get("created_at", "") >= since]
            return 200, {}, {"leads": later[:limit]}


def _handler(api: LeadApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            return

        def do_GET(self) -> None:
            query = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
            status, headers, body = api.answer(query, {k.lower(): v for k, v in self.headers.items()})
            payload = json.dumps(body).encode()
            self.send_response(status)
            for name, value in {**headers, "Content-Type": "application/json"}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler


@contextmanager
def serve(api: LeadApi) -> Iterator[str]:
    """Run the API on a free loopback port; yields the feed's URL."""
    with serving(_handler(api)) as base:
        yield base + "/leads"
