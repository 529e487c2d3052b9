"""The MX cache against a real PostgreSQL: a throwaway database migrated to head (0002 creates mx_cache)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from leadgate_dagster.core.validation.mx import MxResult
from leadgate_dagster.store import mx_cache as cache
from leadgate_dagster.store.engine import engine_for
from leadgate_dagster.store.migrate import upgrade
from tests.conftest import create_database, drop_database

HOUR = timedelta(hours=1)


@pytest.fixture(scope="module")
def mx_engine(server_url: str) -> Iterator[sa.Engine]:
    name = f"leadgate_mx_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    engine = engine_for(url)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        drop_database(server_url, name)


@pytest.fixture
def db(mx_engine: sa.Engine) -> sa.Engine:
    with mx_engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE leadgate.mx_cache"))
    return mx_engine


class CountingProvider:
    def __init__(self, answers: dict[str, MxResult]) -> None:
        self.answers = answers
        self.asked: list[set[str]] = []

    def lookup(self, domains: Iterable[str]) -> dict[str, MxResult]:
        wanted = set(domains)
        self.asked.append(wanted)
        return {d: self.answers[d] for d in wanted}


def test_put_then_get_fresh_roundtrip_and_upsert(db: sa.Engine) -> None:
    with db.begin() as conn:
        n = cache.put(conn, [MxResult("a.com", "ok", ("mx1.a.com", "mx2.a.com"), catch_all=True),
                             MxResult("b.com", "null_mx")], HOUR)
        assert n == 2
        cache.put(conn, [MxResult("b.com", "no_domain")], HOUR)  # same key: updated, not duplicated
    with db.connect() as conn:
        got = cache.get_fresh(conn, ["a.com", "b.com", "c.com"])
        count = conn.execute(sa.text("SELECT count(*) FROM leadgate.mx_cache")).scalar_one()
    assert got == {"a.com": MxResult("a.com", "ok", ("mx1.a.com", "mx2.a.com"), True, None),
                   "b.com": MxResult("b.com", "no_domain")}
    assert count == 2


def test_expired_rows_are_not_fresh(db: sa.Engine) -> None:
    with db.begin() as conn:
        cache.put(conn, [MxResult("old.com", "ok", ("mx.old.com",))], timedelta(seconds=-1))
    with db.connect() as conn:
        assert cache.get_fresh(conn, ["old.com"]) == {}


def test_unknown_kept_only_with_negative_ttl_and_unverified_never(db: sa.Engine) -> None:
    with db.begin() as conn:
        cache.put(conn, [MxResult("down.com", "unknown", reason="EMAIL_DNS_UNAVAILABLE"),
                         MxResult("offline.com", "unknown", reason="EMAIL_DOMAIN_UNVERIFIED")],
                  timedelta(days=7), negative_ttl=timedelta(hours=6))
    with db.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT domain, expires_at - checked_at AS life FROM leadgate.mx_cache")).all()
    assert [(r.domain, r.life) for r in rows] == [("down.com", timedelta(hours=6))]


def test_cached_provider_asks_only_for_misses_and_writes_back(db: sa.Engine) -> None:
    inner = CountingProvider({"a.com": MxResult("a.com", "ok", ("mx.a.com",)),
                              "b.com": MxResult("b.com", "no_domain")})
    provider = cache.CachedMxProvider(inner, db, ttl=HOUR)
    first = provider.lookup(["a.com", "B.com"])
    second = provider.lookup(["a.com", "b.com"])
    assert first == second == {"a.com": MxResult("a.com", "ok", ("mx.a.com",)), "b.com": MxResult("b.com", "no_domain")}
    assert inner.asked == [{"a.com", "b.com"}]
