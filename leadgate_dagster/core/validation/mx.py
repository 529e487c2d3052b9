"""What the core knows about a mail domain's DNS: the result type MX providers return.

It lives in the core so the core can judge MX answers without importing any provider; providers
(`leadgate_dagster.providers.dns`) and the cache (`leadgate_dagster.store.mx_cache`) build these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# status values
MX_OK: Final = "ok"  # MX records, or none but an A/AAAA record (implicit MX, RFC 5321 5.1)
MX_NO_DOMAIN: Final = "no_domain"  # NXDOMAIN
MX_NULL: Final = "null_mx"  # RFC 7505 "0 .": the domain accepts no mail
MX_NONE: Final = "no_mx"  # the domain exists but has neither MX nor an address record
MX_UNKNOWN: Final = "unknown"  # no answer: offline table miss, timeout, SERVFAIL, no network

MX_STATUSES: Final = frozenset({MX_OK, MX_NO_DOMAIN, MX_NULL, MX_NONE, MX_UNKNOWN})


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
