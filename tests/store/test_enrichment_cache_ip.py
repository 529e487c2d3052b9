"""The enrichment cache keeps IP-risk answers under the keyed HMAC of the address, never the address, and
still answers by the plain key."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from leadgate_dagster.core.ip_hmac import ip_hmac
from leadgate_dagster.providers.enrichment.base import ProviderResult
from leadgate_dagster.providers.enrichment.ip_risk import KIND
from leadgate_dagster.store.enrichment_cache import EnrichmentCache, stored_key

HOUR = timedelta(hours=1)
KEY, OTHER = b"cache-test-key", b"rotated-key"


def _keys(engine: sa.Engine) -> dict[str, set[str]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT provider, key FROM leadgate.enrichment_cache")).all()
    out: dict[str, set[str]] = {}
    for provider, key in rows:
        out.setdefault(provider, set()).add(key)
    return out


def test_ip_keys_are_stored_as_keyed_hmacs_and_found_by_the_plain_address(engine: sa.Engine) -> None:
    cache = EnrichmentCache(engine, hmac_key=KEY)
    written = cache.put(KIND, [ProviderResult("203.0.113.7", "ok", {"category": "vpn", "country": "NL"}, "live"),
                               ProviderResult("2001:db8::1", "miss", {}, "live")], ttl=HOUR, miss_ttl=HOUR)
    cache.put("firmographics", [ProviderResult("acme.com", "ok", {"industry": "saas"}, "live")], ttl=HOUR,
              miss_ttl=HOUR)
    assert written == 2
    stored = _keys(engine)
    assert stored[KIND] == {ip_hmac("203.0.113.7", KEY), ip_hmac("2001:db8::1", KEY)}
    assert not any("203.0.113.7" in k or "2001:db8" in k for k in stored[KIND])
    assert stored["firmographics"] == {"acme.com"}  # only personal keys are keyed

    got = cache.get(KIND, ["203.0.113.7", "2001:db8::1", "198.51.100.1"])
    assert set(got.fresh) == {"203.0.113.7", "2001:db8::1"}
    assert got.fresh["203.0.113.7"].key == "203.0.113.7" and got.fresh["203.0.113.7"].data["category"] == "vpn"
    assert EnrichmentCache(engine, hmac_key=OTHER).get(KIND, ["203.0.113.7"]).fresh == {}  # a new key: misses


def test_stored_key_hashes_even_what_is_not_an_address() -> None:
    assert stored_key(KIND, "not-an-ip", KEY) not in ("not-an-ip", None)
    assert stored_key(KIND, "::ffff:203.0.113.7", KEY) == stored_key(KIND, "203.0.113.7", KEY)
    assert stored_key("phone_intel", "+14155550100", KEY) == "+14155550100"
