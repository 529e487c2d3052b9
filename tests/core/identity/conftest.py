"""Fixtures for the identity engine: the shipped ruleset and model, and a small-batch helper."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from leadgate_dagster.core.identity import IdentityResolution, MatchModel, load_model, resolve_identities
from leadgate_dagster.core.ruleset import Ruleset, load_ruleset, ruleset_from_body

FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "website",
    "city",
    "region",
    "postal_code",
    "country",
    "device_fingerprint",
    "date_of_birth",
    "street",
    "job_title",
    "other_email",
    "other_phone",
]


@pytest.fixture(scope="session")
def rules() -> Ruleset:
    return load_ruleset()


@pytest.fixture(scope="session")
def model(rules: Ruleset) -> MatchModel:
    return load_model(rules.identity.model)


def leads_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Leads with ids r1, r2, ... in the given order; missing fields are None."""
    frame = pd.DataFrame(
        [{f: r.get(f) for f in FIELDS} for r in rows], index=[f"r{i + 1}" for i in range(len(rows))]
    )
    return frame.astype(object).where(frame.notna(), None)


def with_identity(rules: Ruleset, **changes: Any) -> Ruleset:
    return ruleset_from_body({**rules.body, "identity": {**rules.body["identity"], **changes}})


@pytest.fixture
def resolve(rules: Ruleset, model: MatchModel) -> Callable[..., IdentityResolution]:
    def run(rows: list[dict[str, Any]], ruleset: Ruleset | None = None) -> IdentityResolution:
        return resolve_identities(leads_frame(rows), rules=ruleset or rules, model=model)

    return run
