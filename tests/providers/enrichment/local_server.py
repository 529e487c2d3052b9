"""A scripted enrichment API on 127.0.0.1 for the provider tests (no network beyond the loopback).

It speaks the wire format of `HttpBatchLookup`: `POST /v1/<kind>/batch {"keys": [...]}` and
`GET /v1/<kind>/<key>`, answering from `known` (key -> data; anything else is not found). Tests script
failures by queueing `Reply`s: each request takes the next one (status, headers, body, delay) before the
default answer applies, so "500, 500, then 200" is `queue = [Reply(500), Reply(500)]`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote

from tests.loopback_server import serving


@dataclass
class Reply:
    status: int = 200
    body: bytes | None = None  # None: the default answer's body
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    body: Any
    headers: dict[str, str]


class Script:
    """What the server answers, and what it was asked (thread-safe)."""

    def __init__(self) -> None:
        self.known: dict[str, dict[str, Any]] = {}
        self.queue: list[Reply] = []
        self.delay_s = 0.0  # added to every default answer (slow provider)
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()

    def take(self) -> Reply | None:
        with self.lock:
            return self.queue.pop(0) if self.queue else None

    def requests(self, method: str | None = None) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if method is None or s.method == method]


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            return

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            with script.lock:
                script.seen.append(Seen(method, self.path, body, dict(self.headers.items())))
                script.in_flight += 1
                script.max_in_flight = max(script.max_in_flight, script.in_flight)
            try:
                reply = script.take() or Reply(delay_s=script.delay_s)
                status, payload = self._default(method, body)
                if reply.status != 200 or reply.body is not None:
                    status, payload = reply.status, reply.body if reply.body is not None else b"{}"
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                self.send_response(status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout): fine
                pass
            finally:
                with script.lock:
                    script.in_flight -= 1

        def _default(self, method: str, body: Any) -> tuple[int, bytes]:
            parts = self.path.strip("/").split("/")
            if method == "POST" and len(parts) == 3 and parts[2] == "batch":
                results = [{"key": k, "found": k in script.known, "data": script.known.get(k)}
                           for k in body.get("keys", [])]
                return 200, json.dumps({"results": results}).encode()
            key = unquote(parts[-1])
            if key in script.known:
                return 200, json.dumps({"key": key, "found": True, "data": script.known[key]}).encode()
            return 404, b'{"error": "not found"}'

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

    return Handler


@contextmanager
def serve(script: Script) -> Iterator[str]:
    """Run the scripted API on a free loopback port; yields its base URL."""
    with serving(_handler(script)) as base:
        yield base
