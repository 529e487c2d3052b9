"""Versioned rulesets: every threshold, list and switch the gate uses, as data.

A ruleset is YAML. Its identity is `version` (human) plus the SHA-256 of its canonical JSON form, so two
files that differ only in formatting are the same ruleset, and a changed threshold can never hide behind an
unchanged version string.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from leadgate_dagster.core.reasons import CATALOGUE, Severity

DEFAULT_RULESET = "default.yaml"


@dataclass(frozen=True)
class Ruleset:
    version: str
    content_hash: str
    body: dict[str, Any] = field(repr=False)

    def section(self, name: str) -> dict[str, Any]:
        """A top-level section; missing sections are empty so new engines can ship their defaults."""
        return dict(self.body.get(name) or {})

    def severity(self, code: str) -> Severity:
        """The catalogue severity of `code`, unless the ruleset re-maps it."""
        override = (self.body.get("severity_overrides") or {}).get(code)
        return Severity(override) if override else CATALOGUE[code].severity


def canonical_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the ruleset is read per run


def parse_ruleset(text: str) -> Ruleset:
    """Parse and check a ruleset document; raises ValueError with the first problem found."""
    return ruleset_from_body(yaml.load(text, Loader=_LOADER))


def ruleset_from_body(body: Any) -> Ruleset:
    """Check a ruleset already parsed (e.g. the JSONB stored in `rulesets`)."""
    if not isinstance(body, dict) or not body.get("version"):
        raise ValueError("a ruleset is a YAML mapping with a non-empty 'version'")
    for code, sev in (body.get("severity_overrides") or {}).items():
        if code not in CATALOGUE:
            raise ValueError(f"severity_overrides names unknown reason code {code!r}")
        Severity(sev)
    return Ruleset(version=str(body["version"]), content_hash=canonical_hash(body), body=body)


def _shipped_text() -> str:
    return resources.files("leadgate_dagster.rulesets").joinpath(DEFAULT_RULESET).read_text("utf-8")


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` on top of `base`: mappings merge key by key, anything else replaces."""
    merged = dict(base)
    for key, value in override.items():
        merged[key] = deep_merge(merged[key], value) if isinstance(value, dict) and isinstance(
            merged.get(key), dict) else value
    return merged


@cache
def _shipped() -> Ruleset:
    return parse_ruleset(_shipped_text())


def load_ruleset(path: str | Path | None = None) -> Ruleset:
    """Load the shipped ruleset, or the one at `path` laid over it: an override file names only what it
    changes (plus its own `version`); the stored body and hash are those of the effective ruleset."""
    shipped = _shipped()
    if path is None:  # a copy: callers may build variants from the body
        return Ruleset(shipped.version, shipped.content_hash, copy.deepcopy(shipped.body))
    override = yaml.load(Path(path).read_text("utf-8"), Loader=_LOADER)
    if not isinstance(override, dict):
        raise ValueError(f"{path}: a ruleset is a YAML mapping")
    return ruleset_from_body(deep_merge(copy.deepcopy(shipped.body), override))


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
