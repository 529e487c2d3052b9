"""Shared helpers: build a batch from dicts and validate it with the shipped ruleset."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import pytest

from leadgate_dagster.core.ruleset import Ruleset, load_ruleset, parse_ruleset
from leadgate_dagster.core.validation import MxResult, validate_batch

OK_MX = {d: MxResult(d, "ok", (f"mx.{d}",)) for d in ("gmail.com", "acme.com", "example.org", "firma.de",
                                                      "xn--bcher-kva.de", "ex.co.uk", "corp.fr")}


def batch(*rows: Mapping[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), index=[f"L{i}" for i in range(len(rows))], dtype=object)
    return frame.where(frame.notna(), None)


@pytest.fixture(scope="session")
def rules() -> Ruleset:
    return load_ruleset()


def with_overrides(text: str) -> Ruleset:
    """The shipped ruleset with a `validation:` fragment merged over it (YAML text)."""
    import yaml

    body = load_ruleset().body | {"version": "test"}
    extra = yaml.safe_load(text)
    body["validation"] = {**body["validation"], **{
        k: ({**body["validation"][k], **v} if isinstance(v, dict) else v) for k, v in extra.items()}}
    return parse_ruleset(yaml.safe_dump(body))


def one(row: Mapping[str, Any], rules: Ruleset | None = None,
        mx: Mapping[str, MxResult] | None = OK_MX) -> dict[str, Any]:
    out = validate_batch(batch(row), rules=rules or load_ruleset(), mx=mx)
    return out.iloc[0].to_dict()
