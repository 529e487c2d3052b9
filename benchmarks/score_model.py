"""Discrimination and calibration of the conversion model on a held-out split of the synthetic outcome set.

    .venv/bin/python benchmarks/score_model.py [--outcomes benchmarks/data/outcomes.csv] [--write-model DIR]

The outcome set (benchmarks/data/make_outcomes.py) is split once, stratified, with the ruleset's seed; the
model is trained with `train_model` on the training part only and judged on the held-out part: AUC, Brier
score (against the base-rate forecast's), the reliability table and conversion by priority band. The rules
priority (pre-score and engagement, the fallback) is judged on the same rows as the baseline. The last line
is JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import train_test_split

from leadgate_dagster.core.model_artifact import calibration_table, dump_artifact
from leadgate_dagster.core.model_features import labels
from leadgate_dagster.core.ruleset import load_ruleset
from leadgate_dagster.core.scoring import pre_score
from leadgate_dagster.core.scoring_model import score_with_model, train_model

DEFAULT_OUTCOMES = Path(__file__).resolve().parent / "data" / "outcomes.csv"
BANDS = [0, 10, 20, 40, 60, 101]


def _bands(priority: pd.Series, y: np.ndarray) -> pd.DataFrame:
    band = pd.cut(priority, BANDS, right=False, labels=[f"{lo}-{hi - 1}" for lo, hi in pairwise(BANDS)])
    frame = pd.DataFrame({"band": band, "converted": y})
    return frame.groupby("band", observed=False)["converted"].agg(leads="size", conversion_rate="mean").round(3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outcomes", type=Path, default=DEFAULT_OUTCOMES)
    parser.add_argument("--write-model", type=Path, default=None, help="also write the trained artifact here")
    args = parser.parse_args(argv)
    rules = load_ruleset()
    cfg = rules.scoring.model
    outcomes = pd.read_csv(args.outcomes, dtype={"demo_requested": str}, keep_default_na=False)
    y_all = labels(outcomes, rules=rules)
    train, test = train_test_split(outcomes, test_size=cfg.holdout_fraction, stratify=y_all,
                                   random_state=cfg.seed + 1)
    started = time.perf_counter()
    artifact = train_model(train, rules)
    trained_s = time.perf_counter() - started
    y = labels(test, rules=rules)
    scored = score_with_model(test, artifact, rules)
    p = scored["conversion_probability"].to_numpy(dtype=float)
    baseline = test.assign(score=pre_score(test, rules=rules).frame["score"])
    rules_priority = score_with_model(baseline, None, rules)["priority_score"]
    base_rate = float(y_all[train.index.to_numpy()].mean()) if len(train) else 0.0
    report = {
        "model_version": artifact.version, "train_rows": len(train), "train_conversions": int(labels(train, rules=rules).sum()),
        "holdout_rows": len(test), "holdout_conversions": int(y.sum()), "train_seconds": round(trained_s, 2),
        "auc": round(float(roc_auc_score(y, p)), 4), "brier": round(float(brier_score_loss(y, p)), 4),
        "brier_base_rate": round(float(brier_score_loss(y, np.full(len(y), base_rate))), 4),
        "rules_priority_auc": round(float(roc_auc_score(y, rules_priority)), 4),
        "manifest_internal_auc": artifact.manifest.auc, "manifest_internal_brier": artifact.manifest.brier,
    }
    print(f"model {artifact.version}: trained on {len(train)} outcomes in {trained_s:.1f}s "
          f"({artifact.manifest.algorithm}, {artifact.manifest.calibration} calibration)")
    print(f"held-out: {len(test)} leads, {int(y.sum())} conversions")
    print(f"AUC {report['auc']}  (rules priority {report['rules_priority_auc']})")
    print(f"Brier {report['brier']}  (base-rate forecast {report['brier_base_rate']})")
    print("\nreliability (held-out):\n  bin          n    mean_p  observed")
    for b in calibration_table(y, p, int(cfg["calibration_bins"])):
        if b.count:
            print(f"  {b.low:.1f}-{b.high:.1f}  {b.count:5d}   {b.mean_predicted:.3f}    {b.observed_rate:.3f}")
    print("\nconversion by model priority band (held-out):")
    print(_bands(scored["priority_score"], y).to_string())
    print("\nconversion by rules priority band (held-out):")
    print(_bands(rules_priority, y).to_string())
    if args.write_model:
        print(f"\nwrote {dump_artifact(artifact, args.write_model)}")
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
