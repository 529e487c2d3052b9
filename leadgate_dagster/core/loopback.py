"""Whether a host name or address is this machine's loopback: `serve` listens there without keys, and the
console's cookie goes without `Secure` there (a browser sends no Secure cookie over plain http)."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str | None) -> bool:
    if host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address((host or "").strip("[]")).is_loopback
    except ValueError:
        return False
