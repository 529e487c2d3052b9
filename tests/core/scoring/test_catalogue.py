"""Every code the consent, eligibility, scoring and disposition engines can emit is catalogued, with its stage."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

from leadgate_dagster import core
from leadgate_dagster.core.disposition_policy import disposition_policy
from leadgate_dagster.core.reasons import CATALOGUE, Severity
from leadgate_dagster.core.ruleset import load_ruleset

MODULES = ("consent", "consent_policy", "suppression", "eligibility", "engagement", "scoring", "scoring_model",
           "channels", "disposition", "disposition_policy", "findings")
_CODE = re.compile(r"^[A-Z]{2,}(_[A-Z]+)+$|^[A-Z]{6,}$")


def _emitted() -> set[str]:
    found: set[str] = set()
    for name in MODULES:
        module = importlib.import_module(f"leadgate_dagster.core.{name}")
        tree = ast.parse((Path(core.__file__).parent / f"{name}.py").read_text("utf-8"))
        found |= {n.value for n in ast.walk(tree)  # names in __all__ are not codes
                  if isinstance(n, ast.Constant) and isinstance(n.value, str) and _CODE.match(n.value)
                  and not hasattr(module, n.value)}
    found |= {c for rule in disposition_policy(load_ruleset()).precedence for c in rule.add}
    # dispositions are a vocabulary, not reason codes
    return found - {"ROUTE_SDR", "ROUTE_AE", "NURTURE_EMAIL_ONLY", "QUARANTINE_REVIEW", "REJECT"}


def test_every_emitted_code_is_catalogued_with_its_stage() -> None:
    emitted = _emitted()
    assert emitted <= set(CATALOGUE), emitted - set(CATALOGUE)
    # and no catalogued code of these stages is dead: each one is emitted somewhere
    assert emitted == {c for c, r in CATALOGUE.items() if r.stage in {"consent", "eligibility", "scoring"}}


def test_reject_only_where_contact_or_sale_is_impossible() -> None:
    rejects = {c for c in _emitted() if CATALOGUE[c].severity is Severity.REJECT}
    assert rejects == {"SUPPRESSED_DNC", "GEO_INELIGIBLE", "LICENSE_MISSING", "UNDERAGE", "NOT_QUALIFIED",
                       "NO_ALLOWED_CHANNEL"}
