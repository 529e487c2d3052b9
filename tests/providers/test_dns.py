"""The live MX provider against a DNS server this test runs on 127.0.0.1 (dnslib), and the offline one."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from dnslib import AAAA, MX, QTYPE, RCODE, RR, A
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.providers.dns import LiveMxProvider, OfflineMxProvider, provider_from_rules

SLOW_S = 3.0


class Zone(BaseResolver):  # type: ignore[misc]
    def resolve(self, request, handler):  # type: ignore[no-untyped-def]
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        qtype = QTYPE[request.q.qtype]
        if name == "slow.test":
            time.sleep(SLOW_S)
        if name == "nx.test":
            reply.header.rcode = RCODE.NXDOMAIN
        elif name == "servfail.test":
            reply.header.rcode = RCODE.SERVFAIL
        elif name == "mx.test" and qtype == "MX":
            reply.add_answer(RR(name, QTYPE.MX, rdata=MX("mail2.mx.test", 20), ttl=60))
            reply.add_answer(RR(name, QTYPE.MX, rdata=MX("mail1.mx.test", 10), ttl=60))
        elif name == "nullmx.test" and qtype == "MX":
            reply.add_answer(RR(name, QTYPE.MX, rdata=MX(".", 0), ttl=60))
        elif name == "aonly.test" and qtype == "A":
            reply.add_answer(RR(name, QTYPE.A, rdata=A("192.0.2.10"), ttl=60))
        elif name == "v6only.test" and qtype == "AAAA":
            reply.add_answer(RR(name, QTYPE.AAAA, rdata=AAAA("2001:db8::1"), ttl=60))
        return reply  # anything else: NOERROR with no answer


@pytest.fixture(scope="module")
def server_port() -> Iterator[int]:
    server = DNSServer(Zone(), port=0, address="127.0.0.1", logger=DNSLogger(logf=lambda _: None))
    server.start_thread()
    try:
        yield server.server.server_address[1]
    finally:
        server.stop()


@pytest.fixture
def live(server_port: int) -> LiveMxProvider:
    return LiveMxProvider(nameservers=["127.0.0.1"], port=server_port, timeout_s=0.5, deadline_s=5.0)


@pytest.mark.parametrize(
    ("domain", "status", "hosts", "reason"),
    [
        ("mx.test", "ok", ("mail1.mx.test", "mail2.mx.test"), None),
        ("nullmx.test", "null_mx", (), None),
        ("nx.test", "no_domain", (), None),
        ("aonly.test", "ok", ("aonly.test",), None),
        ("v6only.test", "ok", ("v6only.test",), None),
        ("nothing.test", "no_mx", (), None),
        ("servfail.test", "unknown", (), "EMAIL_DNS_UNAVAILABLE"),
    ],
    ids=["mx-by-preference", "null-mx", "nxdomain", "implicit-mx-a", "implicit-mx-aaaa", "no-mx", "servfail"],
)
def test_live_answers(live: LiveMxProvider, domain: str, status: str, hosts: tuple[str, ...],
                      reason: str | None) -> None:
    result = live.lookup([domain])[domain]
    assert (result.status, result.mx_hosts, result.reason) == (status, hosts, reason)


def test_slow_name_is_unknown_quickly_and_does_not_hold_the_others(live: LiveMxProvider) -> None:
    started = time.monotonic()
    results = live.lookup(["slow.test", "mx.test", "MX.test.", "nx.test"])
    elapsed = time.monotonic() - started
    assert elapsed < SLOW_S
    assert results["slow.test"].status == "unknown" and results["slow.test"].reason == "EMAIL_DNS_UNAVAILABLE"
    assert results["mx.test"].status == "ok" and results["nx.test"].status == "no_domain"
    assert set(results) == {"slow.test", "mx.test", "nx.test"}


def test_overall_deadline_bounds_the_batch(server_port: int) -> None:
    provider = LiveMxProvider(nameservers=["127.0.0.1"], port=server_port, timeout_s=2.5, deadline_s=0.5,
                              max_workers=4)
    started = time.monotonic()
    results = provider.lookup(["slow.test", "mx.test"])
    assert time.monotonic() - started < 1.5
    assert results["slow.test"].status == "unknown"


def test_no_dns_at_all_is_unknown_not_an_exception() -> None:
    # nothing listens on this port: every query fails at once or times out
    provider = LiveMxProvider(nameservers=["127.0.0.1"], port=9, timeout_s=0.3, deadline_s=2.0)
    result = provider.lookup(["gmail.com"])["gmail.com"]
    assert result.status == "unknown" and result.reason == "EMAIL_DNS_UNAVAILABLE"


def test_offline_table_and_unknown_rest() -> None:
    results = OfflineMxProvider().lookup(["gmail.com", "example.com", "acme-corp.io", "GMAIL.COM"])
    assert results["gmail.com"].status == "ok" and results["gmail.com"].mx_hosts
    assert results["example.com"].status == "null_mx"
    assert results["acme-corp.io"].status == "unknown"
    assert results["acme-corp.io"].reason == "EMAIL_DOMAIN_UNVERIFIED"
    assert len(results) == 3


def test_default_ruleset_is_offline() -> None:
    assert isinstance(provider_from_rules(load_ruleset()), OfflineMxProvider)
