"""Estimated identity parameter sets: stored as candidates, at most one active, never activated by itself."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadgate_dagster.core.identity.keys import KEY_COLUMNS
from leadgate_dagster.core.identity.model import MatchModel, model_from_dict
from leadgate_dagster.store.tables import identity_parameters, lead_keys

_PARSED: dict[str, MatchModel] = {}


def save_candidate(conn: sa.Connection, model: MatchModel, report: Mapping[str, Any], *, author: str) -> str:
    """Store an estimated parameter set (inactive); the same parameters twice are one row. Returns its version."""
    stmt = pg_insert(identity_parameters).values(version=model.version, model=model.to_dict(), report=dict(report),
                                                 created_by=author)
    conn.execute(stmt.on_conflict_do_nothing(index_elements=["version"]))
    return model.version


def activate(conn: sa.Connection, version: str, *, author: str, reason: str) -> bool:
    """Make one stored parameter set the active one (the previous one stops judging); False if unknown."""
    known = conn.execute(sa.select(identity_parameters.c.version).where(
        identity_parameters.c.version == version)).scalar()
    if known is None:
        return False
    conn.execute(sa.update(identity_parameters).where(identity_parameters.c.is_active).values(is_active=False))
    conn.execute(sa.update(identity_parameters).where(identity_parameters.c.version == version).values(
        is_active=True, activated_at=sa.func.now(), activated_by=author, reason=reason))
    return True


def active(conn: sa.Connection) -> MatchModel | None:
    """The active parameter set as a model (parsed once per version and process), None when none is."""
    version = conn.execute(sa.select(identity_parameters.c.version).where(identity_parameters.c.is_active)).scalar()
    if version is None:
        return None
    if version not in _PARSED:
        body = conn.execute(sa.select(identity_parameters.c.model).where(
            identity_parameters.c.version == version)).scalar_one()
        _PARSED[version] = model_from_dict(body)
    return _PARSED[version]


def listing(conn: sa.Connection) -> pd.DataFrame:
    """version, created_at, created_by, is_active, activated_at, activated_by, reason; newest first."""
    t = identity_parameters
    rows = conn.execute(sa.select(t.c.version, t.c.created_at, t.c.created_by, t.c.is_active, t.c.activated_at,
                                  t.c.activated_by, t.c.reason).order_by(t.c.created_at.desc())).all()
    return pd.DataFrame(rows, columns=["version", "created_at", "created_by", "is_active", "activated_at",
                                       "activated_by", "reason"])


def sample_keys(conn: sa.Connection, limit: int, seed: int) -> pd.DataFrame:
    """Up to `limit` leads' stored keys (the graph's blocking profile), a seeded sample when there are more,
    in lead id order (index = lead id); keys the graph does not store are None."""
    stored = [c for c in KEY_COLUMNS if c in lead_keys.c]
    total = conn.execute(sa.select(sa.func.count()).select_from(lead_keys)).scalar_one()
    query = sa.select(lead_keys.c.lead_id, *(lead_keys.c[c] for c in stored))
    if total > limit:  # md5 of id and seed: a deterministic sample, the same for the same graph and seed
        query = query.order_by(sa.func.md5(sa.func.concat(lead_keys.c.lead_id, str(seed)))).limit(limit)
    rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=["lead_id", *stored], dtype=object).set_index("lead_id").sort_index()
    for c in KEY_COLUMNS:
        if c not in frame:
            frame[c] = None
    return frame[list(KEY_COLUMNS)].astype(object).where(frame[list(KEY_COLUMNS)].notna(), None)
