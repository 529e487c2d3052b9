"""A HubSpot-compatible CRM on a loopback port, for the handoff tests and the benchmark.

It keeps contacts (one per email, merged records redirect to their primary) and tasks, enforces the batch
size (100) and the rate limit (190 calls in any 10 s: a call past it is answered 429 and noted as a violation),
answers 207 with per-record errors for addresses in `bad_emails`, 400 for a property outside `schema`, and
fails on purpose as scripted in `faults`, one entry per call, in order:

| fault | the call |
|---|---|
| `500` | answered 500, nothing stored |
| `429:S` | answered 429 with Retry-After S |
| `timeout:S` | stored, then answered after S seconds (the client has given up by then) |
| `malformed` | stored, answered 200 with a body that is not JSON |
| `crash` | stored, then the connection is dropped without an answer (a crash after commit) |
| `400` | answered 400 with a schema message, nothing stored |

Every record's `leadgate_sync_seq` values are kept in order, so a test can assert that no older state ever
followed a newer one. `GET /_fake/state` returns what a test reads, for a fake serving from another process.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "test-crm-token"
CONTACT_PROPERTIES = frozenset({
    "email", "firstname", "lastname", "phone", "company", "jobtitle", "city", "country", "leadgate_person_id",
    "leadgate_lead_id", "leadgate_source", "leadgate_disposition", "leadgate_score", "leadgate_priority_score",
    "leadgate_engagement_score", "leadgate_reason_codes", "leadgate_allowed_channels", "leadgate_do_not_contact",
    "leadgate_decided_at", "leadgate_ruleset_version", "leadgate_sync_seq", "leadgate_owner_email",
    "leadgate_owner_rule", "leadgate_account_id", "leadgate_account_match"})


class FakeCrm:
    def __init__(self, *, latency_s: float = 0.0, max_batch: int = 100, limit: tuple[int, float] = (190, 10.0)) -> None:
        self.latency_s = latency_s
        self.max_batch = max_batch
        self.limit = limit
        self.schema = set(CONTACT_PROPERTIES)
        self.bad_emails: set[str] = set()
        self.refuse_merges = False
        self.faults: deque[str] = deque()
        self.records: dict[str, dict[str, Any]] = {}  # id -> {"properties", "merged_into", "seqs"}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[float, str]] = []  # (arrival, path)
        self.violations: list[str] = []
        self._emails: dict[str, str] = {}
        self._next_id = 1000
        self._lock = threading.Lock()

    # what a test reads
    def contacts(self) -> list[dict[str, Any]]:
        """Live records (merged ones left out), each as its properties plus `id`."""
        with self._lock:
            return [{"id": i, **r["properties"]} for i, r in self.records.items() if not r["merged_into"]]

    def by_person(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for c in self.contacts():
            out.setdefault(c.get("leadgate_person_id", ""), []).append(c)
        return out

    def seq_regressions(self) -> list[str]:
        return [i for i, r in self.records.items() if r["seqs"] != sorted(r["seqs"])]

    def max_calls_in_window(self) -> int:
        times = sorted(t for t, _ in self.calls)
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= self.limit[1]:
                start += 1
            best = max(best, end - start + 1)
        return best

    def delete(self, record_id: str) -> None:
        """Someone deleted the record in the CRM."""
        with self._lock:
            record = self.records.pop(record_id)
            self._emails.pop(record["properties"].get("email", "").lower(), None)

    # the API
    def handle(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        inputs = body.get("inputs", [])
        if path.endswith(("/batch/upsert", "/batch/update")) and len(inputs) > self.max_batch:
            self.violations.append(f"batch of {len(inputs)}")
            return 400, {"status": "error", "message": f"Batch size {len(inputs)} over {self.max_batch}"}
        if path == "/crm/v3/objects/contacts/batch/upsert":
            return self._contacts(inputs, by_email=True)
        if path == "/crm/v3/objects/contacts/batch/update":
            return self._contacts(inputs, by_email=False)
        if path == "/crm/v3/objects/contacts/merge":
            return self._merge(str(body["primaryObjectId"]), str(body["objectIdToMerge"]))
        if path == "/crm/v3/objects/tasks/batch/upsert":
            for t in inputs:
                self.tasks[t["id"]] = {"properties": t["properties"],
                                       "contact": t["associations"][0]["to"]["id"]}
            return 200, {"status": "COMPLETE", "results": [{"id": f"t{k}", "properties": v["properties"]}
                                                          for k, v in self.tasks.items()
                                                          if k in {t["id"] for t in inputs}]}
        return 404, {"status": "error", "message": f"no route {path}"}

    def _contacts(self, inputs: list[dict[str, Any]], *, by_email: bool) -> tuple[int, dict[str, Any]]:
        unknown = sorted({p for i in inputs for p in i.get("properties", {})} - self.schema)
        if unknown:
            return 400, {"status": "error", "category": "VALIDATION_ERROR",
                         "message": f'Property values were not valid: Property "{unknown[0]}" does not exist'}
        keys = [str(i["id"]).lower() for i in inputs]
        if len(set(keys)) < len(keys):
            self.violations.append("duplicate ids in one batch")
            return 400, {"status": "error", "category": "VALIDATION_ERROR",
                         "message": "Duplicate IDs found in batch input"}
        results, errors = [], []
        for item in inputs:
            props = dict(item.get("properties", {}))
            key = str(item["id"]).lower() if by_email else str(item["id"])
            if props.get("email", "").lower() in self.bad_emails or key in self.bad_emails:
                errors.append({"status": "error", "category": "VALIDATION_ERROR", "context": {"ids": [item["id"]]},
                               "message": f"Email address {key} is invalid"})
                continue
            record_id = self._emails.get(key) if by_email else self._resolve(key)
            if not by_email and record_id is None:
                errors.append({"status": "error", "category": "OBJECT_NOT_FOUND", "context": {"ids": [item["id"]]},
                               "message": f"Object {key} not found"})
                continue
            new = record_id is None
            if new:
                record_id = str(self._next_id)
                self._next_id += 1
                self.records[record_id] = {"properties": {}, "merged_into": None, "seqs": []}
            record = self.records[record_id]
            record["properties"].update(props)
            if "leadgate_sync_seq" in props:
                record["seqs"].append(int(props["leadgate_sync_seq"]))
            if record["properties"].get("email"):
                self._emails[record["properties"]["email"].lower()] = record_id
            results.append({"id": record_id, "properties": dict(record["properties"]), "new": new})
        return (207 if errors else 200), {"status": "COMPLETE", "results": results, "errors": errors,
                                          "numErrors": len(errors)}

    def _resolve(self, record_id: str) -> str | None:
        while record_id in self.records and self.records[record_id]["merged_into"]:
            record_id = self.records[record_id]["merged_into"]
        return record_id if record_id in self.records else None

    def _merge(self, primary: str, other: str) -> tuple[int, dict[str, Any]]:
        if self.refuse_merges:
            return 400, {"status": "error", "message": "Merging these contacts is not allowed"}
        keep, gone = self._resolve(primary), self._resolve(other)
        if keep is None or gone is None:
            return 400, {"status": "error", "message": f"Contact {primary if keep is None else other} not found"}
        if keep != gone:
            for name, value in self.records[gone]["properties"].items():
                self.records[keep]["properties"].setdefault(name, value)
            self.records[gone]["merged_into"] = keep
            for email, rid in list(self._emails.items()):
                if rid == gone:
                    self._emails[email] = keep
        return 200, {"id": keep, "properties": dict(self.records[keep]["properties"])}

    def state(self) -> dict[str, Any]:
        """What a caller in another process reads (GET /_fake/state): live records, call times, violations."""
        with self._lock:
            calls = list(self.calls)
        return {"contacts": self.contacts(), "calls": calls, "violations": list(self.violations),
                "max_calls_in_window": self.max_calls_in_window(), "seq_regressions": self.seq_regressions()}

    @contextmanager
    def serving(self) -> Iterator[str]:
        """Serve until the block ends; yields the base URL."""
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()


def _handler(crm: FakeCrm) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            return

        def do_GET(self) -> None:  # http.server's naming
            if self.path != "/_fake/state":
                return self._answer(404, {"status": "error", "message": "no route"})
            return self._answer(200, crm.state())

        def do_POST(self) -> None:  # http.server's naming
            arrived = time.monotonic()
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            if crm.latency_s:
                time.sleep(crm.latency_s)
            with crm._lock:
                crm.calls.append((arrived, self.path))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._answer(401, {"status": "error", "message": "Authentication credentials not found"})
                window = [t for t, _ in crm.calls if arrived - t < crm.limit[1]]
                if len(window) > crm.limit[0]:
                    crm.violations.append(f"{len(window)} calls within {crm.limit[1]} s")
                    return self._answer(429, {"status": "error", "message": "rate limit"}, retry_after="1")
                fault = crm.faults.popleft() if crm.faults else ""
                if fault == "500":
                    return self._answer(500, {"status": "error", "message": "internal error"})
                if fault.startswith("429"):
                    return self._answer(429, {"status": "error", "message": "slow down"}, retry_after=fault[4:] or "1")
                if fault == "400":
                    return self._answer(400, {"status": "error", "message": "Property values were not valid"})
                status, answer = crm.handle(self.path, body)
            if fault.startswith("timeout"):
                time.sleep(float(fault.split(":")[1]))
            if fault == "crash":
                self.close_connection = True
                self.connection.shutdown(2)
                return None
            if fault == "malformed":
                return self._raw(200, b"<html>proxy error</html>")
            return self._answer(status, answer)

        def _answer(self, status: int, body: dict[str, Any], retry_after: str | None = None) -> None:
            headers = {"Retry-After": retry_after} if retry_after else {}
            self._raw(status, json.dumps(body).encode(), headers)

        def _raw(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
            try:
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout fault)

    return Handler
