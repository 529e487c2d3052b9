"""From raw leads to compared candidate pairs: keys, shared keys, blocking and comparison levels.

Shared by resolution (resolve.py) and model training (training.py), so the model is estimated on exactly
the kind of pairs it will later score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadgate_dagster.core.identity.blocking import candidate_pairs
from leadgate_dagster.core.identity.comparisons import Comparisons, compare_pairs
from leadgate_dagster.core.identity.keys import build_keys, shared_keys
from leadgate_dagster.core.identity.settings import IdentitySettings


@dataclass(frozen=True)
class ComparedBatch:
    """keys: per lead (input order); shared: shared keys; pairs: (m, 2) positions, the lower record id first;
    comparisons: levels and facts aligned with pairs; id_rank: rank of each lead's id."""

    keys: pd.DataFrame
    shared: pd.DataFrame
    pairs: np.ndarray
    comparisons: Comparisons
    id_rank: np.ndarray


def compare_batch(
    leads: pd.DataFrame, *, settings: IdentitySettings, ip_key: bytes | None = None
) -> ComparedBatch:
    """Compute keys, find shared keys, block and compare one batch of leads.

    Args:
        leads: index = record id (unique), lead fields as columns.
        settings: identity settings.
        ip_key: secret for the IP HMAC key (optional).

    Returns:
        The compared batch.

    Raises:
        ValueError: when record ids are not unique (a person id is derived from a record id).
    """
    if not leads.index.is_unique:
        raise ValueError("lead record ids must be unique")
    keys = build_keys(leads, settings, ip_key)
    shared = shared_keys(keys, settings)
    id_rank = pd.factorize(leads.index.astype(str).to_numpy(dtype=object), sort=True)[0].astype(np.int64)
    pairs = candidate_pairs(keys, shared, id_rank, settings)
    # compare each pair in id order, not arrival order, so its levels cannot depend on the order of input
    flip = id_rank[pairs[:, 0]] > id_rank[pairs[:, 1]]
    pairs[flip] = pairs[flip][:, ::-1]
    return ComparedBatch(
        keys=keys,
        shared=shared,
        pairs=pairs,
        comparisons=compare_pairs(keys, pairs, shared, settings),
        id_rank=id_rank,
    )
