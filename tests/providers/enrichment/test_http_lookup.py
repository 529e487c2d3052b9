"""HttpBatchLookup: batched requests, bounded concurrency, per-key GET, partial answers and the deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from leadgate_dagster.providers.enrichment import (
    email_verification,
    firmographics,
    geocoding,
    ip_risk,
    phone_intel,
)
from leadgate_dagster.providers.enrichment.base import HttpBatchLookup
from leadgate_dagster.providers.http_client import ProviderHttpClient
from tests.providers.enrichment.local_server import Reply, Script

Make = Callable[..., ProviderHttpClient]


def _lookup(client: ProviderHttpClient, kind: str = "firmographics", **kw: Any) -> HttpBatchLookup:
    module = {"firmographics": firmographics, "email_verification": email_verification, "geocoding": geocoding,
              "ip_risk": ip_risk, "phone_intel": phone_intel}[kind]
    return HttpBatchLookup(kind, client, module.parse_http, neutral=module.neutral_value, **kw)


def test_keys_go_in_batches_of_batch_size_with_bounded_concurrency(script: Script, client_factory: Make) -> None:
    keys = [f"c{i}.com" for i in range(250)]
    script.known.update({k: {"name": k, "employees": 120, "revenue_usd": 3e7, "country": "us"} for k in keys[::2]})
    script.delay_s = 0.02
    got = _lookup(client_factory(), batch_size=100, max_concurrency=2).lookup(keys + keys[:10])
    posts = script.requests("POST")
    assert sorted(len(p.body["keys"]) for p in posts) == [50, 100, 100]
    assert script.max_in_flight <= 2
    assert len(got) == 250
    assert got["c0.com"].status == "ok" and got["c0.com"].source == "live"
    assert got["c0.com"].data["size_band"] == "51-200" and got["c0.com"].data["revenue_band"] == "10M-50M"
    assert got["c0.com"].data["country"] == "US"
    assert got["c1.com"].status == "miss"


def test_batch_size_one_uses_get_and_404_is_a_miss(script: Script, client_factory: Make) -> None:
    script.known["+14155550100"] = {"line_type": "Wireless", "carrier": {"name": "Verizon"}}
    got = _lookup(client_factory(), "phone_intel", batch_size=1).lookup(["+14155550100", "+14155550101"])
    assert {s.path for s in script.requests("GET")} == {"/v1/phone_intel/%2B14155550100",
                                                       "/v1/phone_intel/%2B14155550101"}
    assert got["+14155550100"].data["line_type"] == "mobile" and got["+14155550100"].data["carrier"] == "Verizon"
    assert got["+14155550101"].status == "miss"


def test_a_failed_chunk_is_an_error_for_its_keys_only(script: Script, client_factory: Make) -> None:
    keys = [f"c{i}.com" for i in range(4)]
    script.known.update({k: {"name": k} for k in keys})
    script.queue = [Reply(400, body=b"{}")]  # the first chunk's request is refused (not retried)
    got = _lookup(client_factory(), batch_size=2, max_concurrency=1).lookup(keys)
    errors = {k for k, r in got.items() if r.status == "error"}
    assert errors == {"c0.com", "c1.com"} and got["c0.com"].data == {"error": "http_4xx"}
    assert {got["c2.com"].status, got["c3.com"].status} == {"ok"}


def test_malformed_body_and_unanswered_keys_are_errors(script: Script, client_factory: Make) -> None:
    script.queue = [Reply(200, body=b'{"results": [{"key": "a.com", "found": true, "data": {"name": "A"}}]}')]
    got = _lookup(client_factory(), batch_size=10).lookup(["a.com", "b.com"])
    assert got["a.com"].status == "ok" and got["b.com"].data == {"error": "not_answered"}
    script.queue = [Reply(200, body=b"<html>oops</html>")]
    got = _lookup(client_factory(), batch_size=10).lookup(["a.com"])
    assert got["a.com"].status == "error" and got["a.com"].data == {"error": "malformed"}
    script.queue = [Reply(200, body=b'{"results": [{"key": "GB:SW1A 1AA", "found": true, "data": {"lat": "x"}}]}')]
    got = _lookup(client_factory(), "geocoding", batch_size=10).lookup(["GB:SW1A 1AA"])
    assert got["GB:SW1A 1AA"].data == {"error": "malformed"}


def test_what_has_not_answered_by_the_deadline_is_an_error_and_nothing_waits(script: Script,
                                                                             client_factory: Make) -> None:
    script.known.update({f"c{i}.com": {"name": "x"} for i in range(4)})
    script.queue = [Reply(delay_s=0.01)]  # the first chunk answers fast
    script.delay_s = 0.5  # every later one is slow
    lookup = _lookup(client_factory(timeout_s=1.0), batch_size=2, max_concurrency=1)
    started = time.monotonic()
    got = lookup.lookup([f"c{i}.com" for i in range(4)], deadline=time.monotonic() + 0.1)
    assert time.monotonic() - started < 0.3
    assert {k for k, r in got.items() if r.status == "ok"} == {"c0.com", "c1.com"}
    assert got["c2.com"].data == {"error": "deadline"} and got["c3.com"].status == "error"


def test_vendor_vocabularies_map_onto_ours(script: Script, client_factory: Make) -> None:
    script.known.update({
        "a@x.com": {"result": "deliverable"}, "b@x.com": {"verdict": "accept_all"},
        "c@x.com": {"verdict": "undeliverable", "sub_status": "mailbox_not_found"},
        "d@x.com": {"verdict": "valid", "role": True}, "e@x.com": {"verdict": "valid", "disposable": True},
        "f@x.com": {"verdict": "something-new"}})
    got = _lookup(client_factory(), "email_verification").lookup(list(script.known))
    status = {k: (r.data["email_status"], r.data["email_flags"]) for k, r in got.items()}
    assert status == {"a@x.com": ("valid", []), "b@x.com": ("risky", ["catch_all"]),
                      "c@x.com": ("invalid", []), "d@x.com": ("risky", ["role"]),
                      "e@x.com": ("invalid", ["disposable"]), "f@x.com": ("unknown", [])}
    assert got["c@x.com"].data["sub_status"] == "mailbox_not_found"


def test_ip_risk_over_http_gives_country_and_category(script: Script, client_factory: Make) -> None:
    script.known["203.0.113.9"] = {"vpn": True, "country": "nl", "org": "SomeVPN", "risk_score": 80}
    got = _lookup(client_factory(), "ip_risk").lookup(["203.0.113.9"])["203.0.113.9"]
    assert (got.data["category"], got.data["vpn"], got.data["country"], got.data["risk_score"]) == (
        "vpn", True, "NL", 80)
