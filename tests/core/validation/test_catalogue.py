"""Every reason code the validation engine can emit exists in the catalogue, with stage "validation"."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from leadgate_dagster.core import validation
from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.ruleset import load_ruleset

_CODE = re.compile(r"^(EMAIL|PHONE|NAME|ADDRESS|COMPANY|FIELD|DISPOSABLE|NO)_[A-Z_]+$")


def _emitted_literals() -> set[str]:
    found: set[str] = set()
    for path in Path(validation.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _CODE.match(node.value):
                found.add(node.value)
    return found


def test_every_emitted_code_is_catalogued() -> None:
    emitted = _emitted_literals()
    assert len(emitted) > 35
    assert emitted <= set(CATALOGUE), emitted - set(CATALOGUE)


def test_validation_codes_have_validation_stage_and_resolve_through_the_ruleset() -> None:
    rules = load_ruleset()
    for code in _emitted_literals():
        if code not in {"FIELD_TRUNCATED"}:
            assert CATALOGUE[code].stage == "validation", code
        assert rules.severity(code) == CATALOGUE[code].severity


def test_reject_only_for_the_codes_the_spec_names() -> None:
    rejects = {c for c in _emitted_literals() if CATALOGUE[c].severity.value == "reject"}
    assert rejects == {"NO_REACHABLE_CHANNEL", "DISPOSABLE_ONLY_CONTACT", "EMAIL_DOMAIN_BLOCKLISTED"}
