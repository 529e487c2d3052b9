"""Shared helpers: leads built from a qualified baseline, and the shipped ruleset with fragments merged in."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from leadgate_dagster.core.ruleset import Ruleset, load_ruleset, parse_ruleset

AS_OF = pd.Timestamp("2026-11-20T12:00:00Z")
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

# A lead that qualifies on every channel with complete proof: each test changes what it is about.
BASE: dict[str, Any] = {
    "email": "ann.lee@northwind.com", "email_key": "ann.lee@northwind.com", "email_domain": "northwind.com",
    "email_status": "valid", "email_flags": [], "phone_e164": "+14158392671", "phone_status": "valid",
    "phone_type": "mobile", "address_status": "valid", "country_iso2": "US", "region": "CA",
    "consent_email": "yes", "consent_sms": "yes", "consent_voice": "yes", "consent_capture": "checkbox",
    "consent_at": "2026-11-01T10:00:00Z", "consent_text_version": "v3", "consent_url": "https://x.test/form",
    "ip_hmac": "ab12", "job_title": "VP Sales", "demo_requested": None, "reasons": [],
}


def lead(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


def batch(*rows: Mapping[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame([dict(r) for r in rows], index=[f"L{i}" for i in range(len(rows))], dtype=object)
    frame.insert(0, "lead_id", frame.index)
    return frame.astype(object).where(frame.notna(), None)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        return {k: _merge(base.get(k), over[k]) if k in over else base[k] for k in base.keys() | over.keys()}
    return over


def with_rules(text: str) -> Ruleset:
    """The shipped ruleset with a YAML fragment deep-merged over it (lists replace)."""
    body = _merge(load_ruleset().body, yaml.safe_load(text)) | {"version": "test"}
    return parse_ruleset(yaml.safe_dump(body))


@pytest.fixture(scope="session")
def rules() -> Ruleset:
    return load_ruleset()
