"""API keys: who may post, for which source and partner."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from leadgate_dagster.store.tables import api_keys


@dataclass(frozen=True, slots=True)
class ApiKey:
    key_id: str
    source: str
    partner_id: str | None
    scopes: tuple[str, ...]
    rate_per_second: float | None


def add(conn: sa.Connection, *, key_id: str, key_hash: str, source: str, partner_id: str | None,
        scopes: list[str], rate_per_second: float | None) -> None:
    conn.execute(sa.insert(api_keys).values(key_id=key_id, key_hash=key_hash, source=source, partner_id=partner_id,
                                            scopes=scopes, rate_per_second=rate_per_second))


def active_by_hash(conn: sa.Connection, key_hash: str) -> ApiKey | None:
    row = conn.execute(sa.select(api_keys).where(api_keys.c.key_hash == key_hash,
                                                 api_keys.c.revoked_at.is_(None))).first()
    if row is None:
        return None
    return ApiKey(row.key_id, row.source, row.partner_id, tuple(row.scopes), row.rate_per_second)


def listing(conn: sa.Connection) -> list[sa.Row]:
    return list(conn.execute(sa.select(api_keys.c.key_id, api_keys.c.source, api_keys.c.partner_id,
                                       api_keys.c.scopes, api_keys.c.rate_per_second, api_keys.c.created_at,
                                       api_keys.c.revoked_at).order_by(api_keys.c.created_at, api_keys.c.key_id)))


def revoke(conn: sa.Connection, key_id: str) -> bool:
    """Revoke an active key; False when no active key has this id."""
    return bool(conn.execute(sa.update(api_keys).where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                             .values(revoked_at=sa.func.now())).rowcount)


def active_count(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(api_keys)
                        .where(api_keys.c.revoked_at.is_(None))).scalar_one()
