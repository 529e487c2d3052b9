"""The second destination: persons the ruleset sends to a generic webhook are POSTed as Standard Webhooks
messages the receiver can verify with the shared secret; a 5xx is retried, a 4xx is a schema conflict."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from tests.gate.crm_helpers import links, outbox, route, routed_row, rules_for_tests, sync
from tests.gate.review_helpers import items
from tests.loopback_server import serving

SECRET = "whsec_" + base64.b64encode(os.urandom(24)).decode()


class Receiver:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.ids: list[str] = []
        self.answers: list[int] = []  # scripted statuses, then 204


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    got = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def do_POST(self) -> None:  # http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = got.answers.pop(0) if got.answers else 204
            if status < 300:
                got.messages.append(Webhook(SECRET).verify(body, dict(self.headers)))  # raises if forged
                got.ids.append(self.headers["webhook-id"])
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    with serving(Handler) as url:
        yield got, f"{url}/hooks/leads"


def _rules(tmp_path: Path, url: str):
    return rules_for_tests(tmp_path, webhooks={"portal": {"url": url, "secret_env": "PORTAL_SECRET"}},
                           destinations={"default": "crm", "by_source": {"web": "webhook:portal"}, "by_disposition": {}})


def test_persons_of_a_source_go_to_its_signed_webhook(engine: sa.Engine, tmp_path: Path, receiver) -> None:
    got, url = receiver
    rules = _rules(tmp_path, url)
    ids = route(engine, rules, routed_row(1), routed_row(2))
    got.answers = [503]  # the receiver is briefly down: retried within the call
    report = sync(engine, rules, None, environ={"PORTAL_SECRET": SECRET})
    assert (report["delivered"], report["sent"], report["waiting"]) == (2, 2, 0)
    [message] = got.messages
    assert message["type"] == "leadgate.contacts.updated"
    sent = {c["lead_id"]: c for c in message["data"]["contacts"]}
    assert set(sent) == set(ids.values())
    assert {c["disposition"] for c in sent.values()} == {"ROUTE_SDR"} and all(c["sync_seq"] for c in sent.values())
    assert {p: (k.destination, k.crm_id) for p, k in links(engine).items()} == {
        c["person_id"]: ("webhook:portal", None) for c in sent.values()}
    assert {r.status for r in outbox(engine)} == {"sent"}


def test_without_its_secret_the_webhook_waits_and_a_4xx_is_a_schema_conflict(engine: sa.Engine, tmp_path: Path,
                                                                              receiver) -> None:
    got, url = receiver
    rules = _rules(tmp_path, url)
    route(engine, rules, routed_row(1))
    assert sync(engine, rules, None)["waiting"] == 1  # PORTAL_SECRET unset here
    got.answers = [422]
    report = sync(engine, rules, None, environ={"PORTAL_SECRET": SECRET})
    assert report["schema_mismatch"] == 1 and got.messages == []
    assert [i.reason_codes for i in items(engine, kind="handoff_exception")] == [["CRM_SCHEMA_MISMATCH"]]
