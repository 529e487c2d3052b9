"""From raw leads to compared candidate pairs: keys, shared keys, blocking and comparison levels.

Shared by resolution (resolve.py) and model training (training.py), so the model is estimated on exactly
the kind of pairs it will later score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from leadgate_dagster.core.identity.blocking import candidate_pairs
from leadgate_dagster.core.identity.comparisons import Comparisons, compare_pairs
from leadgate_dagster.core.identity.guards import contested_keys
from leadgate_dagster.core.identity.keys import build_keys, shared_keys
from leadgate_dagster.core.identity.settings import IdentitySettings
from leadgate_dagster.core.identity.workers import fork_map

_MIN_ROWS_PER_WORKER = 20_000  # below this, forking costs more than the keys


@dataclass(frozen=True)
class BlockedBatch:
    """keys: per lead (input order); shared / contested: shared and contested keys; pairs: (m, 2) candidate
    positions, the lower record id first; id_rank: rank of each lead's id; rules: (blocking rule, pairs
    proposed, bound) per rule."""

    keys: pd.DataFrame
    shared: pd.DataFrame
    pairs: np.ndarray
    id_rank: np.ndarray
    contested: pd.DataFrame
    rules: list[tuple[str, int, int]]
    samples: dict[str, tuple[tuple[str, ...], np.ndarray]]


@dataclass(frozen=True)
class ComparedBatch:
    """keys: per lead (input order); shared: shared keys; pairs: (m, 2) positions, the lower record id first;
    comparisons: levels and facts aligned with pairs; id_rank: rank of each lead's id; contested: contested keys."""

    keys: pd.DataFrame
    shared: pd.DataFrame
    pairs: np.ndarray
    comparisons: Comparisons
    id_rank: np.ndarray
    contested: pd.DataFrame


def block_batch(
    leads: pd.DataFrame, *, settings: IdentitySettings, ip_key: bytes | None = None, workers: int = 1
) -> BlockedBatch:
    """Compute keys, find shared keys and block one batch of leads (no comparisons yet).

    Args:
        leads: index = record id (unique), lead fields as columns.
        settings: identity settings.
        ip_key: secret for the IP HMAC key (optional).
        workers: processes computing keys side by side, on consecutive slices of the leads (a lead's keys
            depend on that lead alone, so the keys are the same).

    Returns:
        The blocked batch.

    Raises:
        ValueError: when record ids are not unique (a person id is derived from a record id).
    """
    if not leads.index.is_unique:
        raise ValueError("lead record ids must be unique")
    if workers > 1 and len(leads) >= _MIN_ROWS_PER_WORKER * workers:
        slices = list(pairwise(np.linspace(0, len(leads), workers + 1).astype(int).tolist()))
        state = {"leads": leads, "settings": settings, "ip_key": ip_key}
        keys = pd.concat(fork_map(_keys_of_slice, slices, state=state, workers=workers))
    else:
        keys = build_keys(leads, settings, ip_key)
    shared = shared_keys(keys, settings)
    id_rank = pd.factorize(leads.index.astype(str).to_numpy(dtype=object), sort=True)[0].astype(np.int64)
    report: list[tuple[str, int, int]] = []
    samples: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
    pairs = candidate_pairs(keys, shared, id_rank, settings, report, samples)
    # compare each pair in id order, not arrival order, so its levels cannot depend on the order of input
    flip = id_rank[pairs[:, 0]] > id_rank[pairs[:, 1]]
    pairs[flip] = pairs[flip][:, ::-1]
    return BlockedBatch(keys=keys, shared=shared, pairs=pairs, id_rank=id_rank,
                        contested=contested_keys(keys, shared, settings), rules=report, samples=samples)


def _keys_of_slice(state: Mapping[str, Any], bounds: tuple[int, int]) -> pd.DataFrame:
    return build_keys(state["leads"].iloc[bounds[0] : bounds[1]], state["settings"], state["ip_key"])


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
    b = block_batch(leads, settings=settings, ip_key=ip_key)
    return ComparedBatch(
        keys=b.keys,
        shared=b.shared,
        pairs=b.pairs,
        comparisons=compare_pairs(b.keys, b.pairs, b.shared, settings, b.contested),
        id_rank=b.id_rank,
        contested=b.contested,
    )
