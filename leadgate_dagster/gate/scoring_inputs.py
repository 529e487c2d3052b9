"""What `decide()` reads besides the leads themselves: suppression/DNC entries and revocations, behaviour
events, the partners' accepted-today counts and the conversion model. Each is one set-based query per
batch (or re-score), never one per lead."""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.columns import text
from leadgate_dagster.core.model_artifact import ModelArtifact, ModelStatus
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import behavior_events, partner_counts, score_models, suppressions

# artifacts by version: a batch costs one indexed lookup of the active version, not the model's bytes
_ARTIFACTS: dict[str, ModelArtifact] = {}
_CACHE_MAX = 8


def model_for_scoring(conn: sa.Connection) -> ModelArtifact | None:
    """The active model; with none active, the latest training attempt when it had too little data (it has no
    estimator, so it can only explain the rules fallback: MODEL_INSUFFICIENT_DATA), else None
    (MODEL_NOT_TRAINED). A trained model that nobody activated is never used."""
    version = score_models.active_version(conn)
    if version is None:
        attempt = score_models.latest_attempt(conn)
        if attempt is None or attempt[1] != ModelStatus.INSUFFICIENT_DATA.value:
            return None
        version = attempt[0]
    artifact = _ARTIFACTS.get(version)
    if artifact is None:
        artifact = score_models.load(conn, version)
        if artifact is None:
            return None
        if len(_ARTIFACTS) >= _CACHE_MAX:
            _ARTIFACTS.clear()
        _ARTIFACTS[version] = artifact
    return artifact


def _partner_counts(conn: sa.Connection, leads: pd.DataFrame, rules: Ruleset) -> pd.DataFrame | None:
    """Accepted-today counts for the batch's partners that have a daily cap (no query when none has one)."""
    cfg = rules.eligibility
    capped = {name for name, partner in cfg.partners.items() if partner.daily_cap is not None}
    present = sorted(set(text(leads, "partner_id").dropna()) & capped)
    if not present:
        return None
    return partner_counts.accepted_today(conn, present, accepted=list(cfg.partner_accepted_dispositions),
                                         exclude=list(leads["lead_id"]))


def scoring_inputs(conn: sa.Connection, leads: pd.DataFrame, rules: Ruleset) -> dict[str, Any]:
    """The optional inputs of `decide()` for these leads (a frame with `lead_id`), as keyword arguments."""
    ids = list(leads["lead_id"])
    max_age = rules.scoring.engagement.max_age_days
    since = pd.Timestamp.now(tz="UTC") - pd.Timedelta(days=max_age)
    return {"suppressions": suppressions.for_leads(conn, ids),
            "events": behavior_events.for_leads(conn, ids, since=since.to_pydatetime()),
            "partner_counts": _partner_counts(conn, leads, rules),
            "model": model_for_scoring(conn)}
