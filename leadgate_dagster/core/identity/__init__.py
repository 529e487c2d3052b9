"""Identity resolution: identity keys, blocking, a versioned match model, tiers and clustering.

Pure (no Dagster, SQL or network): the identity graph in Postgres calls `resolve_identities` and writes
its DataFrames set-based.
"""

from __future__ import annotations

from leadgate_dagster.core.identity.model import MatchModel, Scores, load_model, score_pairs
from leadgate_dagster.core.identity.resolve import IdentityResolution, resolve_identities
from leadgate_dagster.core.identity.settings import IdentitySettings

__all__ = [
    "IdentityResolution",
    "IdentitySettings",
    "MatchModel",
    "Scores",
    "load_model",
    "resolve_identities",
    "score_pairs",
]
