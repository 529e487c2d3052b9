"""`leadgate model`: train the conversion model, activate a stored one."""

from __future__ import annotations

import argparse
import sys

from leadgate_dagster.cli.operator_files import engine_and_rules, read_rows


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    model = sub.add_parser("model", help="the conversion model").add_subparsers(
        dest="model_command", required=True, help="what to do")
    train = model.add_parser("train", help="train on the outcomes table (or a file) and print AUC, Brier, calibration")
    train.add_argument("--outcomes", help="a file of outcomes with their features (as the shipped leadgate_dagster/examples/outcomes_example.csv)")
    train.add_argument("--activate", action="store_true", help="make it the active model if it trained")
    train.set_defaults(run=lambda args: train_model(outcomes_path=args.outcomes, activate=args.activate))
    ma = model.add_parser("activate", help="make a stored, trained model the active one")
    ma.add_argument("version", metavar="VERSION", help="a stored model version (as `model train` prints it)")
    ma.set_defaults(run=lambda args: activate(args.version))


def activate(version: str) -> int:
    from leadgate_dagster.store import score_models

    engine, _ = engine_and_rules()
    try:
        with engine.begin() as conn:
            score_models.activate(conn, version)
    except ValueError as exc:
        raise SystemExit(f"leadgate model activate: {exc}") from exc
    print(f"leadgate model: {version} is active")
    return 0


def train_model(*, outcomes_path: str | None, activate: bool) -> int:
    """Train on a file of outcomes with features, else the outcomes table; activate it when asked and trained."""
    import pandas as pd

    from leadgate_dagster.gate.model_training import describe, train_and_store, train_from_table

    engine, rules = engine_and_rules()
    if outcomes_path:
        result = train_and_store(engine, pd.DataFrame(read_rows(outcomes_path, "model train")), rules,
                                 activate=activate)
        origin = outcomes_path
    else:
        result = train_from_table(engine, rules, activate=activate)
        origin = f"the outcomes table ({result.outcomes_usable} of {result.outcomes_stored} with a known lead)"
    print(f"leadgate model: trained on {origin}")
    print("\n".join(describe(result.artifact)))
    if activate and not result.activated:
        print("leadgate model: not activated (only a trained model can be)", file=sys.stderr)
        return 1
    print(f"  {'activated' if result.activated else 'stored, not active (leadgate model activate VERSION)'}")
    return 0
