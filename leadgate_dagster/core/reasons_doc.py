"""docs/reason-codes.md, rendered from the one catalogue so the documentation cannot drift from the code."""

from __future__ import annotations

from leadgate_dagster.core.reasons import CATALOGUE

_HEADER = """# Reason codes

Generated from `leadgate_dagster/core/reasons.py` by `leadgate docs reasons`; do not edit by hand.

Every finding of the gate is one of these codes. The severity is the catalogue default: `reject` (never
routed), `quarantine` (held for review), `warn` (recorded, routed), `info` (recorded in `reason_codes`, left
out of `qa_reason` and the stages' top reasons: true of almost every lead under the defaults). A ruleset may
re-map any code's severity in `severity_overrides`; each lead's checks record the ruleset version that
judged them.

| Code | Severity | Stage | Meaning |
| --- | --- | --- | --- |
"""


def render_markdown() -> str:
    """The catalogue as a Markdown table, in catalogue order (code, severity, stage, sentence)."""
    rows = [f"| `{r.code}` | {r.severity.value} | {r.stage} | {r.sentence.replace('|', '/')} |"
            for r in CATALOGUE.values()]
    return _HEADER + "\n".join(rows) + "\n"
