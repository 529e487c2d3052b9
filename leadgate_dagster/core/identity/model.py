"""The match model: an additive weight per comparison level, loaded from a versioned artifact.

The form is Fellegi-Sunter's: each level of each field carries a weight in bits, a pair's log2-odds of
being one person is an intercept plus the weights of its levels, and those weights are the pair's
explanation ("first_name=nickname +3.1, phone=exact +6.0, ..."). The weights are estimated offline
(training.py, a logistic fit on labelled candidate pairs, which unlike m/u products accounts for fields
that move together, such as company, domain and office) and shipped as JSON in `leadgate_dagster/data/`.
They are never re-estimated on a batch, because weights that move with each batch would make a match
depend on what arrived alongside it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from leadgate_dagster.core.identity.comparisons import COMPARISONS

_WEIGHTLESS = frozenset({"null", "shared"})


@dataclass(frozen=True, slots=True)
class FieldModel:
    """Weight in bits per level of one compared field; missing and shared levels weigh nothing."""

    name: str
    levels: tuple[str, ...]
    weights: tuple[float, ...]


@dataclass(frozen=True)
class Scores:
    """probability per pair, and contributions: bits per field (columns) per pair (rows)."""

    probability: np.ndarray
    contributions: pd.DataFrame
    intercept_bits: float


@dataclass(frozen=True)
class MatchModel:
    """A versioned additive match model; `version` is recorded with every merge it judged.

    log2-odds(same person) = intercept_bits + sum over fields of the weight of the pair's level.
    """

    version: str
    intercept_bits: float
    fields: tuple[FieldModel, ...]
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def score(self, levels: pd.DataFrame) -> Scores:
        """Match probability and per-field contributions for comparison levels.

        Args:
            levels: one int column per field of COMPARISONS (Comparisons.levels).

        Returns:
            Scores aligned with the rows of levels.
        """
        contributions = pd.DataFrame(
            {f.name: np.asarray(f.weights)[levels[f.name].to_numpy(dtype=np.int64)] for f in self.fields},
            index=levels.index,
        )
        total = self.intercept_bits + contributions.sum(axis=1).to_numpy()
        probability = 1.0 / (1.0 + np.exp2(-np.clip(total, -60, 60)))
        return Scores(
            probability=probability, contributions=contributions, intercept_bits=self.intercept_bits
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "kind": "additive-log-odds",
            "intercept_bits": self.intercept_bits,
            "fields": {
                f.name: {"levels": list(f.levels), "weights_bits": list(f.weights)} for f in self.fields
            },
            "provenance": dict(self.provenance),
        }


def model_from_dict(doc: Mapping[str, Any]) -> MatchModel:
    """Build a model from its JSON form, checking it speaks the engine's comparison vocabulary.

    Raises:
        ValueError: when fields or levels differ from COMPARISONS, or a missing/shared level has weight.
    """
    if doc.get("kind") != "additive-log-odds":
        raise ValueError(f"unsupported identity model kind {doc.get('kind')!r}")
    fields_doc = doc["fields"]
    if set(fields_doc) != set(COMPARISONS):
        raise ValueError(f"model fields {sorted(fields_doc)} differ from the engine's {sorted(COMPARISONS)}")
    fields = []
    for name, levels in COMPARISONS.items():
        spec = fields_doc[name]
        if tuple(spec["levels"]) != levels:
            raise ValueError(
                f"model levels for {name} {spec['levels']} differ from the engine's {list(levels)}"
            )
        weights = tuple(float(x) for x in spec["weights_bits"])
        if len(weights) != len(levels) or any(w != 0 for w, lv in zip(weights, levels, strict=False) if lv in _WEIGHTLESS):
            raise ValueError(f"model weights for {name}: one per level, zero for missing and shared levels")
        fields.append(FieldModel(name=name, levels=levels, weights=weights))
    return MatchModel(
        version=str(doc["version"]),
        intercept_bits=float(doc["intercept_bits"]),
        fields=tuple(fields),
        provenance=dict(doc.get("provenance") or {}),
    )


def load_model(name: str, path: str | Path | None = None) -> MatchModel:
    """Load a model artifact by name (as the ruleset's `identity.model` gives it).

    Args:
        name: artifact name without extension, e.g. "identity_model_v1".
        path: a file to read instead of the packaged `leadgate_dagster/data/<name>.json`.

    Returns:
        The model.
    """
    if path is None:
        text = resources.files("leadgate_dagster").joinpath("data", f"{name}.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return model_from_dict(json.loads(text))


def score_pairs(model: MatchModel, levels: pd.DataFrame) -> Scores:
    """Probability and per-field log-likelihood ratios (bits) for compared pairs; see MatchModel.score."""
    return model.score(levels)
