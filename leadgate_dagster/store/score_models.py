"""Conversion model artifacts: every training attempt is kept, at most one trained model is active."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from leadgate_dagster.core.model_artifact import ModelArtifact, ModelManifest, ModelStatus
from leadgate_dagster.store.tables import score_models


def save(conn: sa.Connection, artifact: ModelArtifact) -> None:
    """Store an artifact (manifest + estimator bytes); saving the same version again changes nothing."""
    manifest = artifact.manifest
    conn.execute(pg_insert(score_models).values(
        version=artifact.version, status=manifest.status.value,
        manifest=json.loads(manifest.to_json()),
        model_bytes=artifact.model_bytes).on_conflict_do_nothing(index_elements=["version"]))


def activate(conn: sa.Connection, version: str) -> None:
    """Make `version` the active model. Raises ValueError for an unknown version or one without an estimator."""
    status = conn.execute(sa.select(score_models.c.status).where(score_models.c.version == version)).scalar()
    if status is None:
        raise ValueError(f"no model {version!r}")
    if status != ModelStatus.TRAINED.value:
        raise ValueError(f"model {version} is {status}: only a trained model can be activated")
    conn.execute(sa.update(score_models).where(score_models.c.is_active).values(is_active=False))
    conn.execute(sa.update(score_models).where(score_models.c.version == version).values(is_active=True))


def active_version(conn: sa.Connection) -> str | None:
    """The active model's version (one indexed lookup: callers cache the artifact by it)."""
    return conn.execute(sa.select(score_models.c.version).where(score_models.c.is_active)).scalar()


def load(conn: sa.Connection, version: str) -> ModelArtifact | None:
    row = conn.execute(sa.select(score_models.c.manifest, score_models.c.model_bytes)
                       .where(score_models.c.version == version)).first()
    if row is None:
        return None
    manifest = ModelManifest.from_json(json.dumps(row.manifest))
    return ModelArtifact(manifest=manifest, model_bytes=bytes(row.model_bytes) if row.model_bytes else None)


def latest_attempt(conn: sa.Connection) -> tuple[str, str] | None:
    """(version, status) of the most recent training attempt, without loading its bytes."""
    row = conn.execute(sa.select(score_models.c.version, score_models.c.status)
                       .order_by(score_models.c.trained_at.desc(), score_models.c.version.desc()).limit(1)).first()
    return None if row is None else (row.version, row.status)
