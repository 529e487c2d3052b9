"""IP addresses as keyed HMAC-SHA256: what leadgate stores wherever an IP is a key or a consent proof.

An IP address is personal data, and a plain hash of it is not protection: the IPv4 space is small enough to
hash in full. A keyed HMAC can still be compared (velocity, cache hits, "same address as the proof") but
cannot be reversed without the secret. The secret is an argument here; `settings.hmac_key()` is the one
place that reads it.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

import pandas as pd


def normalized_ip(value: str | None) -> str | None:
    """The canonical text of an IP address (compressed; IPv4-mapped IPv6 read as IPv4), or None."""
    if value is None or not str(value).strip():
        return None
    try:
        address = ipaddress.ip_address(str(value).strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.compressed


def keyed_hmac(text: str, key: bytes) -> str:
    """Hex HMAC-SHA256 of `text` under `key` (64 characters)."""
    if not key:
        raise ValueError("an HMAC key must not be empty")
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def ip_hmac(value: str | None, key: bytes) -> str | None:
    """The keyed HMAC of an IP address, so spellings of one address agree; None when it is not an address.

    Args:
        value: an IP address as given ("2001:0db8::1", "::ffff:203.0.113.7", " 10.0.0.1 ").
        key: the secret (`settings.hmac_key()`); a different key gives unrelated values.

    Returns:
        64 hex characters, or None for a blank value or one that is not an IP address.
    """
    address = normalized_ip(value)
    return keyed_hmac(address, key) if address is not None else None


def ip_hmacs(values: pd.Series, key: bytes) -> pd.Series:
    """`ip_hmac` of a column, computed once per distinct value; index kept, None where not an address."""
    present = values.notna().to_numpy()
    table = {v: ip_hmac(str(v), key) for v in values[present].unique()}
    return pd.Series([table[v] if ok else None for v, ok in zip(values, present, strict=True)],
                     index=values.index, dtype=object)
