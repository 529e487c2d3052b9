"""Versioned rulesets: every threshold, list and switch the gate uses, as data.

A ruleset is YAML. Its identity is `version` (human) plus the SHA-256 of its canonical JSON form, so two
files that differ only in formatting are the same ruleset, and a changed threshold can never hide behind an
unchanged version string. It is parsed once, over the shipped defaults, into the frozen typed sections of
`core/rules/`; readers take their section (`rules.intake.replay_window_hours`), never the raw body.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from leadgate_dagster.core.reasons import CATALOGUE, Severity
from leadgate_dagster.core.rules.api import ApiRules
from leadgate_dagster.core.rules.consent import ConsentRules
from leadgate_dagster.core.rules.crm import CrmRules
from leadgate_dagster.core.rules.disposition import DispositionRules
from leadgate_dagster.core.rules.document import SECTIONS, Problem, RulesetError, parse_document
from leadgate_dagster.core.rules.eligibility import EligibilityRules
from leadgate_dagster.core.rules.enrichment import EnrichmentRules
from leadgate_dagster.core.rules.identity import IdentityGraphRules, IdentityRules
from leadgate_dagster.core.rules.key_lines import key_lines
from leadgate_dagster.core.rules.operations import AlertRules, BatchingRules, IntakeRules
from leadgate_dagster.core.rules.review import ReviewRules
from leadgate_dagster.core.rules.routing import RoutingRules
from leadgate_dagster.core.rules.scoring import ScoringRules
from leadgate_dagster.core.rules.validation import ValidationRules

DEFAULT_RULESET = "default.yaml"


@dataclass(frozen=True)
class Ruleset:
    """`body` is what is hashed, stored and diffed; the typed sections are what the gate reads."""

    version: str
    content_hash: str
    body: dict[str, Any] = field(repr=False)
    intake: IntakeRules = field(repr=False)
    api: ApiRules = field(repr=False)
    batching: BatchingRules = field(repr=False)
    alerts: AlertRules = field(repr=False)
    severity_overrides: dict[str, Severity] = field(repr=False)
    consent: ConsentRules = field(repr=False)
    eligibility: EligibilityRules = field(repr=False)
    scoring: ScoringRules = field(repr=False)
    disposition: DispositionRules = field(repr=False)
    validation: ValidationRules = field(repr=False)
    identity: IdentityRules = field(repr=False)
    identity_graph: IdentityGraphRules = field(repr=False)
    enrichment: EnrichmentRules = field(repr=False)
    review: ReviewRules = field(repr=False)
    crm: CrmRules = field(repr=False)
    routing: RoutingRules = field(repr=False)

    def severity(self, code: str) -> Severity:
        """The catalogue severity of `code`, unless the ruleset re-maps it."""
        return self.severity_overrides.get(code) or CATALOGUE[code].severity


def canonical_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the ruleset is read per run


def parse_ruleset(text: str) -> Ruleset:
    """Parse and check a ruleset document; raises RulesetError naming each bad key and its line."""
    try:
        return ruleset_from_body(yaml.load(text, Loader=_LOADER))
    except RulesetError as exc:
        raise exc.located(key_lines(text)) from None


def ruleset_from_body(body: Any) -> Ruleset:
    """Check a ruleset already parsed (e.g. the JSONB stored in `rulesets`). Keys it leaves out take the
    shipped values (an older ruleset keeps working when the gate learns a key); the hash is of `body` as
    given. Raises RulesetError naming every key that does not parse."""
    if not isinstance(body, dict):
        raise RulesetError([Problem((), "a ruleset is a YAML mapping")])
    if not body.get("version"):
        raise RulesetError([Problem(("version",), "a ruleset needs a non-empty version of its own")])
    return _typed(body, deep_merge(_shipped().body, body))


def _typed(body: dict[str, Any], effective: dict[str, Any]) -> Ruleset:
    document = parse_document(effective)
    return Ruleset(version=document.version, content_hash=canonical_hash(body), body=body,
                   **{name: getattr(document, name) for name in SECTIONS})


def _shipped_text() -> str:
    return resources.files("leadgate_dagster.rulesets").joinpath(DEFAULT_RULESET).read_text("utf-8")


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` on top of `base`: mappings merge key by key, anything else (lists, scalars, explicit nulls)
    replaces; a new copy, `base`'s key order first."""
    merged = copy.deepcopy(base)
    _merge_into(merged, override)
    return merged


def _merge_into(target: dict[str, Any], override: dict[str, Any]) -> None:
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_into(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


@cache
def _shipped() -> Ruleset:
    body = yaml.load(_shipped_text(), Loader=_LOADER)
    return _typed(body, body)


def load_ruleset(path: str | Path | None = None) -> Ruleset:
    """Load the shipped ruleset, or the one at `path` laid over it: an override file names only what it
    changes (plus its own `version`); the stored body and hash are those of the effective ruleset.
    Raises RulesetError naming each bad key and its line in the file."""
    shipped = _shipped()
    if path is None:  # a copy: callers may build variants from the body
        return replace(shipped, body=copy.deepcopy(shipped.body))
    text = Path(path).read_text("utf-8")
    override = yaml.load(text, Loader=_LOADER)
    if not isinstance(override, dict):
        raise RulesetError([Problem((), f"{path}: a ruleset is a YAML mapping")])
    try:
        return ruleset_from_body(deep_merge(shipped.body, override))
    except RulesetError as exc:
        raise exc.located(key_lines(text)) from None


def _flatten(body: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(body, dict):
        out: dict[str, Any] = {}
        for key, value in body.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: body}


def diff_rulesets(a: Ruleset, b: Ruleset) -> list[str]:
    """Human-readable changes from `a` to `b`, one line per setting (dotted path), sorted."""
    fa, fb = _flatten(a.body), _flatten(b.body)
    lines = []
    for key in sorted(fa.keys() | fb.keys()):
        if key not in fb:
            lines.append(f"- {key}: {fa[key]!r}")
        elif key not in fa:
            lines.append(f"+ {key}: {fb[key]!r}")
        elif fa[key] != fb[key]:
            lines.append(f"~ {key}: {fa[key]!r} -> {fb[key]!r}")
    return lines
