"""`leadgate identity estimate` / `activate`: parameters estimated from the identity graph, used only once an
operator activates them.

The pipeline never re-estimates on a batch (a match must not depend on what arrived alongside it). Instead the
graph's stored keys are estimated on as a whole file would be (EM per blocking rule, u from random pairs,
term-frequency tables of values held at least `tf_min_count` times), with the ruleset's shipped model as prior
and fallback, and stored as a candidate version; `activate` makes it the model of every later batch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.identity import IdentitySettings, load_model
from leadgate_dagster.core.identity.blocking import candidate_pairs
from leadgate_dagster.core.identity.estimation import Estimate, estimate_model
from leadgate_dagster.core.identity.guards import contested_keys
from leadgate_dagster.core.identity.key_codes import code_keys
from leadgate_dagster.core.identity.keys import shared_keys
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.store import identity_parameters


def estimate_from_graph(engine: sa.Engine, rules: Ruleset, *, sample: int, author: str
                        ) -> tuple[str, Estimate, list[tuple[str, int, int]]]:
    """Estimate a parameter set from (a seeded sample of) the graph's leads and store it as a candidate.

    Args:
        engine: leadgate's database.
        rules: the active ruleset (its identity section; its model is the prior).
        sample: at most this many leads are read.
        author: recorded with the candidate.

    Returns:
        (the stored version, the estimate, the blocking rules' (name, pairs, bound)).
    """
    settings = IdentitySettings.from_ruleset(rules)
    prior = load_model(settings.model)
    with engine.connect() as conn:
        keys = identity_parameters.sample_keys(conn, sample, settings.estimation.seed)
    shared = shared_keys(keys, settings)
    id_rank = pd.factorize(keys.index.astype(str).to_numpy(dtype=object), sort=True)[0].astype(np.int64)
    report: list[tuple[str, int, int]] = []
    samples: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
    pairs = candidate_pairs(keys, shared, id_rank, settings, report, samples)
    table = code_keys(keys, shared, contested_keys(keys, shared, settings),
                      tf_min_count=settings.estimation.tf_min_count)
    found = estimate_model(table, samples, pairs, prior, settings)
    if not found.report.get("estimated"):
        return "", found, report
    with engine.begin() as conn:
        version = identity_parameters.save_candidate(conn, found.model, found.report, author=author)
    return version, found, report


def activate(engine: sa.Engine, version: str, *, author: str, reason: str) -> bool:
    """Make a stored candidate the model of every later batch; False when no such version is stored."""
    with engine.begin() as conn:
        return identity_parameters.activate(conn, version, author=author, reason=reason)
