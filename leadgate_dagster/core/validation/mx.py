"""What the core knows about a mail domain's DNS: the result type MX providers return, the reasons of an
"unknown" answer, what an MX provider is, and the answers of the shipped table (no network).

It lives in the core so the core can judge MX answers without importing any provider; providers
(`leadgate_dagster.providers.dns`) and the cache (`leadgate_dagster.store.mx_cache`, which wraps any
provider and must not import them) build these.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Final, Protocol

from leadgate_dagster.core.validation.data import well_known_mx

# status values
MX_OK: Final = "ok"  # MX records, or none but an A/AAAA record (implicit MX, RFC 5321 5.1)
MX_NO_DOMAIN: Final = "no_domain"  # NXDOMAIN
MX_NULL: Final = "null_mx"  # RFC 7505 "0 .": the domain accepts no mail
MX_NONE: Final = "no_mx"  # the domain exists but has neither MX nor an address record
MX_UNKNOWN: Final = "unknown"  # no answer: offline table miss, timeout, SERVFAIL, no network

MX_STATUSES: Final = frozenset({MX_OK, MX_NO_DOMAIN, MX_NULL, MX_NONE, MX_UNKNOWN})

# reasons of an "unknown" answer
UNVERIFIED: Final = "EMAIL_DOMAIN_UNVERIFIED"  # the offline table does not know the domain
UNAVAILABLE: Final = "EMAIL_DNS_UNAVAILABLE"  # DNS gave no answer (timeout, SERVFAIL, no network)


@dataclass(frozen=True, slots=True)
class MxResult:
    """The DNS facts of one mail domain.

    Attributes:
        domain: the ASCII (IDNA) domain, lowercased.
        status: one of MX_STATUSES.
        mx_hosts: MX host names in preference order (empty unless status is ok).
        catch_all: True when known to accept any local part, None when unknown.
        reason: for status unknown, the reason code that says why (EMAIL_DOMAIN_UNVERIFIED,
            EMAIL_DNS_UNAVAILABLE); None otherwise.
    """

    domain: str
    status: str
    mx_hosts: tuple[str, ...] = ()
    catch_all: bool | None = None
    reason: str | None = None


class MxProvider(Protocol):
    def lookup(self, domains: Iterable[str]) -> dict[str, MxResult]:
        """MX facts for each distinct domain (lowercased ASCII), one result per domain."""
        ...


class ShippedMx(Mapping[str, MxResult]):
    """The shipped table of well-known mail domains as MX facts for any domain asked: one it lacks is unknown
    (EMAIL_DOMAIN_UNVERIFIED). No network, and no list of a batch's domains needed first: what the offline
    DNS mode answers and the intake API's inline verdict judges with. Iterating gives the table's domains."""

    def __getitem__(self, domain: str) -> MxResult:
        known = well_known_mx().get(domain)
        return MxResult(domain, known[0], known[1]) if known else MxResult(domain, MX_UNKNOWN, reason=UNVERIFIED)

    def __iter__(self) -> Iterator[str]:
        return iter(well_known_mx())

    def __len__(self) -> int:
        return len(well_known_mx())
