"""MX lookups for the batch's distinct email domains: offline (shipped table) or live (dnspython).

Both answer a whole set of domains at once and never raise: a domain they cannot judge is "unknown" with
the reason code that says why. The live provider asks concurrently (a bounded thread pool) under one overall
deadline, so a DNS outage costs the batch at most `deadline_s`, never a stall and never a rejection.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.validation.mx import (
    MX_NO_DOMAIN,
    MX_NONE,
    MX_NULL,
    MX_OK,
    MX_UNKNOWN,
    UNAVAILABLE,
    MxProvider,
    MxResult,
    ShippedMx,
)


def _distinct(domains: Iterable[str]) -> list[str]:
    return sorted({d.strip().lower().rstrip(".") for d in domains if d and d.strip()})


class OfflineMxProvider:
    """The shipped table of well-known mail domains; everything else is unknown (EMAIL_DOMAIN_UNVERIFIED)."""

    def lookup(self, domains: Iterable[str]) -> dict[str, MxResult]:
        """Answer from the table only; no network."""
        table = ShippedMx()
        return {d: table[d] for d in _distinct(domains)}


class LiveMxProvider:
    """dnspython against the given nameservers (the system resolver when none), with short timeouts."""

    def __init__(self, *, nameservers: Iterable[str] = (), port: int = 53, timeout_s: float = 2.0,
                 deadline_s: float = 10.0, max_workers: int = 16) -> None:
        self._nameservers = tuple(nameservers)
        self._port = port
        self._timeout = timeout_s
        self._deadline = deadline_s
        self._workers = max(1, max_workers)

    def _resolver(self) -> Any:
        import dns.resolver

        if self._nameservers:
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = list(self._nameservers)
        else:
            resolver = dns.resolver.Resolver()
        resolver.port = self._port
        resolver.timeout = self._timeout
        resolver.lifetime = self._timeout
        return resolver

    def _has_address(self, resolver: Any, domain: str) -> bool | None:
        """True/False for an A or AAAA record; None when the domain does not exist."""
        import dns.resolver

        for rdtype in ("A", "AAAA"):
            try:
                resolver.resolve(domain, rdtype)
                return True
            except dns.resolver.NXDOMAIN:
                return None
            except dns.resolver.NoAnswer:
                continue
        return False

    def lookup_one(self, domain: str) -> MxResult:
        """One domain's MX facts; any DNS failure is an "unknown" result, never an exception."""
        import dns.exception
        import dns.resolver

        try:
            resolver = self._resolver()
            try:
                answer = resolver.resolve(domain, "MX")
            except dns.resolver.NoAnswer:
                has = self._has_address(resolver, domain)
                if has is None:
                    return MxResult(domain, MX_NO_DOMAIN)
                return MxResult(domain, MX_OK, (domain,)) if has else MxResult(domain, MX_NONE)
            records = sorted(answer, key=lambda r: r.preference)
            hosts = tuple(str(r.exchange).rstrip(".") for r in records)
            if len(records) == 1 and records[0].preference == 0 and hosts == ("",):
                return MxResult(domain, MX_NULL)  # RFC 7505 null MX: "0 ."
            return MxResult(domain, MX_OK, tuple(h for h in hosts if h))
        except dns.resolver.NXDOMAIN:
            return MxResult(domain, MX_NO_DOMAIN)
        except (dns.exception.DNSException, OSError, ValueError):
            # timeout, SERVFAIL (NoNameservers), no resolver configuration, no network
            return MxResult(domain, MX_UNKNOWN, reason=UNAVAILABLE)

    def lookup(self, domains: Iterable[str]) -> dict[str, MxResult]:
        """All domains concurrently; whatever has not answered by the deadline is unknown."""
        todo = _distinct(domains)
        if not todo:
            return {}
        out: dict[str, MxResult] = {}
        pool = ThreadPoolExecutor(max_workers=min(self._workers, len(todo)), thread_name_prefix="mx")
        try:
            futures = {pool.submit(self.lookup_one, d): d for d in todo}
            done, _ = wait(futures, timeout=self._deadline)
            for future in done:
                out[futures[future]] = future.result()
        finally:
            # do not wait for stragglers: their threads end by their own (short) lifetime
            pool.shutdown(wait=False, cancel_futures=True)
        for d in todo:
            out.setdefault(d, MxResult(d, MX_UNKNOWN, reason=UNAVAILABLE))
        return out


def provider_from_rules(rules: Ruleset) -> MxProvider:
    """The provider the ruleset's `validation.dns` asks for: offline (default) or live."""
    s = rules.validation.dns
    if s.mode == "live":
        return LiveMxProvider(nameservers=s.nameservers, port=s.port, timeout_s=s.timeout_s,
                              deadline_s=s.deadline_s, max_workers=s.max_workers)
    return OfflineMxProvider()
