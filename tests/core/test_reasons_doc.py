from __future__ import annotations

from pathlib import Path

from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.reasons_doc import render_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "reason-codes.md"


def test_reason_codes_doc_is_current() -> None:
    current = DOC.read_text("utf-8") if DOC.exists() else ""
    assert current == render_markdown(), (
        "docs/reason-codes.md is out of date with leadgate_dagster/core/reasons.py: run `leadgate docs reasons`")


def test_every_code_is_in_the_table_once() -> None:
    text = render_markdown()
    for code in CATALOGUE:
        assert text.count(f"| `{code}` |") == 1
