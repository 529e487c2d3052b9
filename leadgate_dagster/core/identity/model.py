"""The match model: an additive weight per comparison level, loaded from a versioned artifact.

The form is Fellegi-Sunter's: each level of each field carries a weight in bits, a pair's log2-odds of
being one person is an intercept plus the weights of its levels, and those weights are the pair's
explanation ("first_name=nickname +3.1, phone=exact +6.0, ..."). The weights are estimated offline
(training.py, a logistic fit on labelled candidate pairs, which unlike m/u products accounts for fields
that move together, such as company, domain and office) and shipped as JSON in `leadgate_dagster/data/`.
The incremental pipeline never re-estimates them on a batch, because weights that move with each batch would
make a match depend on what arrived alongside it: it uses the shipped model or an estimated parameter set
activated by an operator (`leadgate identity activate`). A whole file (`leadgate dedupe`) is estimated on
itself (estimation.py), with the shipped weights as the fallback for what the file cannot tell.

An estimated model also carries term-frequency adjustments: at a field's exact level, agreeing on a value
of frequency f instead of the average (u) moves the weight by log2(u / f) bits, at most `tf_max_bits`
either way, so a common surname counts for less than a rare one.
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
    tf_u: Mapping[str, float] = field(default_factory=dict)  # field -> u of its exact level (TF fields only)
    tf_max_bits: float = 0.0
    tf_tables: Mapping[str, Mapping[str, float]] = field(default_factory=dict)  # TF column -> value -> share

    def score(self, levels: pd.DataFrame, facts: pd.DataFrame | None = None) -> Scores:
        """Match probability and per-field contributions for comparison levels.

        Args:
            levels: one int column per field of COMPARISONS (Comparisons.levels).
            facts: Comparisons.facts; its tf_<field> columns adjust the exact levels of TF fields.

        Returns:
            Scores aligned with the rows of levels.
        """
        columns = {}
        for f in self.fields:
            bits = np.asarray(f.weights)[levels[f.name].to_numpy(dtype=np.int64)]
            if f.name in self.tf_u and facts is not None and f"tf_{f.name}" in facts:
                freq = facts[f"tf_{f.name}"].to_numpy(dtype=float)
                with np.errstate(divide="ignore", invalid="ignore"):
                    adjust = np.clip(np.log2(self.tf_u[f.name] / freq), -self.tf_max_bits, self.tf_max_bits)
                bits = bits + np.nan_to_num(adjust, nan=0.0)
            columns[f.name] = bits
        contributions = pd.DataFrame(columns, index=levels.index)
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
            "term_frequency": {"u_exact": dict(self.tf_u), "max_bits": self.tf_max_bits,
                               "tables": {k: dict(v) for k, v in self.tf_tables.items()}},
        }


def model_from_dict(doc: Mapping[str, Any]) -> MatchModel:
    """Build a model from its JSON form, checking it speaks the engine's comparison vocabulary.

    Raises:
        ValueError: when a field is unknown, its levels differ from COMPARISONS, or a missing/shared level has
            weight.
    """
    if doc.get("kind") != "additive-log-odds":
        raise ValueError(f"unsupported identity model kind {doc.get('kind')!r}")
    fields_doc = doc["fields"]
    if set(fields_doc) - set(COMPARISONS):
        raise ValueError(f"model fields {sorted(fields_doc)} differ from the engine's {sorted(COMPARISONS)}")
    fields = []
    for name, levels in COMPARISONS.items():
        # a field the artifact predates (an identity column added since) weighs nothing at any level
        spec = fields_doc.get(name) or {"levels": list(levels), "weights_bits": [0.0] * len(levels)}
        if tuple(spec["levels"]) != levels:
            raise ValueError(
                f"model levels for {name} {spec['levels']} differ from the engine's {list(levels)}"
            )
        weights = tuple(float(x) for x in spec["weights_bits"])
        if len(weights) != len(levels) or any(w != 0 for w, lv in zip(weights, levels, strict=False) if lv in _WEIGHTLESS):
            raise ValueError(f"model weights for {name}: one per level, zero for missing and shared levels")
        fields.append(FieldModel(name=name, levels=levels, weights=weights))
    tf = doc.get("term_frequency") or {}
    return MatchModel(
        version=str(doc["version"]),
        intercept_bits=float(doc["intercept_bits"]),
        fields=tuple(fields),
        provenance=dict(doc.get("provenance") or {}),
        tf_u={k: float(v) for k, v in (tf.get("u_exact") or {}).items()},
        tf_max_bits=float(tf.get("max_bits", 0.0)),
        tf_tables={k: {str(a): float(b) for a, b in v.items()} for k, v in (tf.get("tables") or {}).items()},
    )


def load_model(name: str, path: str | Path | None = None) -> MatchModel:
    """Load a model artifact by name (as the ruleset's `identity.model` gives it).

    Args:
        name: artifact name without extension, e.g. "identity_model_v2".
        path: a file to read instead of the packaged `leadgate_dagster/data/<name>.json`.

    Returns:
        The model.
    """
    if path is None:
        text = resources.files("leadgate_dagster").joinpath("data", f"{name}.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return model_from_dict(json.loads(text))


def score_pairs(model: MatchModel, levels: pd.DataFrame, facts: pd.DataFrame | None = None) -> Scores:
    """Probability and per-field log-likelihood ratios (bits) for compared pairs; see MatchModel.score."""
    return model.score(levels, facts)
