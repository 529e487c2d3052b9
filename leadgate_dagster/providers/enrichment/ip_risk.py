"""IP risk: is the submitting address a data centre, VPN, proxy or Tor exit, and which country is it in?

Key: the IP address in its compressed form (`ip_key`). Offline rules: an address that is not globally
routable (private, loopback, link-local, reserved, shared CGNAT space ...) cannot be where a real form
submission came from; a public address inside the shipped SAMPLE list of hosting networks
(`ip_networks_sample.csv`) is a data-centre address. Any other public address is a miss: the offline rules
know nothing about it, and the country (for IP_COUNTRY_MISMATCH) needs the HTTP provider.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from leadgate_dagster.core.provider_results import IP_RISK
from leadgate_dagster.providers.enrichment.base import OfflineProvider
from leadgate_dagster.providers.enrichment.shipped import ip_networks_sample

KIND = IP_RISK


def ip_key(value: str | None) -> str | None:
    """The lookup key of an IP address (IPv4-mapped IPv6 read as IPv4), or None when it is not one."""
    if not value or not value.strip():
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.compressed


def _not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why the address is not a public one, or None when it is."""
    if address.is_global and not address.is_multicast:  # the common case: one pass over the special ranges
        return None
    names = ("is_loopback", "is_link_local", "is_multicast", "is_unspecified", "is_private", "is_reserved")
    for name in names:
        if getattr(address, name):
            return name.removeprefix("is_")
    return "reserved"


def _facts(category: str, operator: str | None, *, public: bool, country: str | None = None,
           score: int | None = None) -> dict[str, Any]:
    return {"category": category, "public": public, "hosting": category == "hosting",
            "vpn": category == "vpn", "proxy": category == "proxy", "tor": category == "tor",
            "operator": operator, "country": country, "risk_score": score}


def neutral_value(key: str) -> dict[str, Any]:
    return {**_facts("unknown", None, public=True), "public": None}


class OfflineIpRisk(OfflineProvider):
    """ipaddress' special-purpose ranges plus the shipped sample hosting list; other public IPs miss."""

    kind = KIND

    def __init__(self) -> None:
        ip_networks_sample()  # loaded now, not inside a batch's deadline

    def neutral(self, key: str) -> dict[str, Any]:
        return neutral_value(key)

    def answer(self, key: str) -> dict[str, Any] | None:
        try:
            address = ipaddress.ip_address(key)
        except ValueError:
            return None
        why = _not_public(address)
        if why is not None:
            return _facts(why, None, public=False)
        row = ip_networks_sample().find(address)
        if row is None:
            return None
        return _facts(row.category, row.operator, public=True)


def parse_http(key: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A vendor's answer: boolean hosting/vpn/proxy/tor flags, a country and an optional 0-100 score."""
    flags = [name for name in ("tor", "vpn", "proxy", "hosting") if raw.get(name) is True]
    category = flags[0] if flags else str(raw.get("category") or "residential")
    score = raw.get("risk_score")
    country = raw.get("country")
    return _facts(category, raw.get("operator") or raw.get("org"), public=bool(raw.get("public", True)),
                  country=str(country).upper() if country else None,
                  score=int(score) if score is not None else None)
