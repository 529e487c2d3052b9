"""A local batch lookup API for the enrichment benchmarks: POST /v1/<kind>/batch with {"keys": [...]} answers
{"results": [{"key", "found", "data"}]} after a fixed latency, in its own process (the client's GIL is not
the server's)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

Answer = Callable[[str, str], dict[str, Any]]  # (provider kind, key) -> data


def serve(port: Any, latency_s: float, answer: Answer) -> None:
    """Serve forever on 127.0.0.1; the chosen port is written to `port` (a multiprocessing Value)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args: Any) -> None:
            return

        def do_POST(self) -> None:  # http.server's naming
            kind = self.path.strip("/").split("/")[1]
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            time.sleep(latency_s)
            results = [{"key": k, "found": True, "data": answer(kind, k)} for k in body["keys"]]
            payload = json.dumps({"results": results}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 256
    port.value = server.server_address[1]
    server.serve_forever()
