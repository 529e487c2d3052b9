"""A versioned model artifact: the fitted estimator's bytes plus a JSON manifest that says what it is.

The manifest carries everything an auditor asks (version, features, training size and positives, held-out
AUC, Brier score and reliability table, the ruleset it was trained under, the bytes' SHA-256); the bytes are
joblib. Loading checks the SHA-256, but joblib is pickle: load artifacts only from your own model store.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

MANIFEST_SUFFIX = ".json"
MODEL_SUFFIX = ".joblib"


class ModelStatus(StrEnum):
    TRAINED = "trained"
    INSUFFICIENT_DATA = "insufficient_data"  # too few leads or conversions: no estimator, rules score only


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    mean_predicted: float | None
    observed_rate: float | None


@dataclass(frozen=True, slots=True)
class ModelManifest:
    version: str
    status: ModelStatus
    created_at: str
    ruleset_version: str
    ruleset_hash: str
    algorithm: str
    calibration: str
    features: tuple[str, ...]
    training_rows: int
    training_positives: int
    holdout_rows: int = 0
    holdout_positives: int = 0
    auc: float | None = None
    brier: float | None = None
    base_rate: float | None = None
    calibration_table: tuple[CalibrationBin, ...] = ()
    min_leads: int = 0
    min_conversions: int = 0
    seed: int = 0
    sklearn_version: str = ""
    model_sha256: str | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """The manifest as stable JSON (sorted keys), the form written next to the estimator."""
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ModelManifest:
        """Read a manifest written by `to_json`."""
        raw = json.loads(text)
        raw["status"] = ModelStatus(raw["status"])
        raw["features"] = tuple(raw["features"])
        raw["calibration_table"] = tuple(CalibrationBin(**b) for b in raw.get("calibration_table") or ())
        return cls(**raw)


@dataclass(frozen=True, slots=True)
class ModelArtifact:
    manifest: ModelManifest
    model_bytes: bytes | None = field(default=None, repr=False)

    @property
    def version(self) -> str:
        return self.manifest.version

    def estimator(self) -> Any:
        """The fitted estimator; raises ValueError when there is none or its bytes do not match the manifest."""
        if self.model_bytes is None:
            raise ValueError(f"model {self.version} has no estimator ({self.manifest.status})")
        if hashlib.sha256(self.model_bytes).hexdigest() != self.manifest.model_sha256:
            raise ValueError(f"model {self.version}: estimator bytes do not match the manifest's SHA-256")
        import joblib  # lazily: it pulls in scikit-learn's dependencies

        return joblib.load(io.BytesIO(self.model_bytes))


def estimator_bytes(estimator: Any) -> bytes:
    """A fitted estimator as compressed joblib bytes (what the manifest's SHA-256 covers)."""
    import joblib

    buffer = io.BytesIO()
    joblib.dump(estimator, buffer, compress=3)
    return buffer.getvalue()


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int) -> tuple[CalibrationBin, ...]:
    """Reliability table over `bins` equal-width probability bins: mean predicted vs observed rate."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    out = []
    for b in range(bins):
        mine = which == b
        n = int(mine.sum())
        out.append(CalibrationBin(low=round(float(edges[b]), 4), high=round(float(edges[b + 1]), 4), count=n,
                                  mean_predicted=round(float(p[mine].mean()), 4) if n else None,
                                  observed_rate=round(float(y[mine].mean()), 4) if n else None))
    return tuple(out)


def dump_artifact(artifact: ModelArtifact, directory: str | Path) -> Path:
    """Write `<version>.json` (and `<version>.joblib` when trained) into `directory`; returns the manifest path."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    if artifact.model_bytes is not None:
        (root / f"{artifact.version}{MODEL_SUFFIX}").write_bytes(artifact.model_bytes)
    path = root / f"{artifact.version}{MANIFEST_SUFFIX}"
    path.write_text(artifact.manifest.to_json() + "\n", encoding="utf-8")
    return path


def load_artifact(manifest_path: str | Path) -> ModelArtifact:
    """Read an artifact written by dump_artifact; the estimator bytes are checked when first used."""
    path = Path(manifest_path)
    manifest = ModelManifest.from_json(path.read_text(encoding="utf-8"))
    model_path = path.with_name(f"{manifest.version}{MODEL_SUFFIX}")
    data = model_path.read_bytes() if manifest.status is ModelStatus.TRAINED else None
    return ModelArtifact(manifest=manifest, model_bytes=data)
