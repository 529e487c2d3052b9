"""Keyed HMACs of IP addresses: one value per address whatever its spelling, unrelated values per key."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from leadgate_dagster.core.ip_hmac import ip_hmac, ip_hmacs, normalized_ip

KEY = b"test-secret"


@pytest.mark.parametrize(("a", "b"), [
    ("2001:db8::1", "2001:0DB8:0000:0000:0000:0000:0000:0001"),
    ("203.0.113.7", " 203.0.113.7 "),
    ("203.0.113.7", "::ffff:203.0.113.7"),
], ids=["ipv6-spellings", "whitespace", "ipv4-mapped"])
def test_spellings_of_one_address_agree(a: str, b: str) -> None:
    assert ip_hmac(a, KEY) == ip_hmac(b, KEY) is not None


def test_the_value_is_keyed_and_not_a_plain_hash() -> None:
    value = ip_hmac("203.0.113.7", KEY)
    assert value is not None and len(value) == 64 and int(value, 16) >= 0
    assert value != ip_hmac("203.0.113.7", b"other-secret")
    assert value != hashlib.sha256(b"203.0.113.7").hexdigest()  # not recomputable without the key
    assert "203.0.113.7" not in value


@pytest.mark.parametrize("value", [None, "", "  ", "not an ip", "999.1.1.1", "10.0.0"],
                         ids=["none", "empty", "blank", "text", "octet-range", "short"])
def test_what_is_not_an_address_has_no_hmac(value: str | None) -> None:
    assert ip_hmac(value, KEY) is None and normalized_ip(value) is None


def test_an_empty_key_is_refused() -> None:
    with pytest.raises(ValueError):
        ip_hmac("203.0.113.7", b"")


def test_a_column_keeps_its_index_and_its_gaps() -> None:
    col = pd.Series(["203.0.113.7", None, "junk", "::ffff:203.0.113.7"], index=["a", "b", "c", "d"])
    out = ip_hmacs(col, KEY)
    assert list(out.index) == ["a", "b", "c", "d"]
    assert out["a"] == out["d"] == ip_hmac("203.0.113.7", KEY)
    assert out["b"] is None and out["c"] is None
