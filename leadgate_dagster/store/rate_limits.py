"""Token buckets in Postgres, so every `leadgate serve` process (and every host) draws from the same one."""

from __future__ import annotations

import sqlalchemy as sa

_TAKE = sa.text("""
    INSERT INTO leadgate.rate_buckets AS b (bucket, tokens, updated_at)
    VALUES (:bucket, :burst - 1, clock_timestamp())
    ON CONFLICT (bucket) DO UPDATE SET
        tokens = LEAST(:burst, b.tokens + :rate * extract(epoch FROM clock_timestamp() - b.updated_at)) - 1,
        updated_at = clock_timestamp()
    WHERE LEAST(:burst, b.tokens + :rate * extract(epoch FROM clock_timestamp() - b.updated_at)) >= 1
    RETURNING tokens
""")
_WAIT = sa.text("""
    SELECT (1 - LEAST(:burst, tokens + :rate * extract(epoch FROM clock_timestamp() - updated_at))) / :rate
    FROM leadgate.rate_buckets WHERE bucket = :bucket
""")


def take(conn: sa.Connection, bucket: str, *, rate: float, burst: int) -> float:
    """Take one token; 0.0 when granted, else the seconds until one is available. One statement: the row
    lock serialises concurrent takers, and an empty bucket is left untouched."""
    params = {"bucket": bucket, "rate": rate, "burst": burst}
    if conn.execute(_TAKE, params).first() is not None:
        return 0.0
    return max(float(conn.execute(_WAIT, params).scalar_one() or 0.0), 0.001)
