"""Identifiers that make intake idempotent.

A record's idempotency key is the partner's own id when it gives one (same source + external id is the same
submission, whenever it arrives) and otherwise a hash of its content, which counts as a replay only within the
ruleset's replay window: the same form sent again next week is new intent, not a retry.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def content_hash(fields: Mapping[str, str], extra: Mapping[str, str]) -> str:
    """Hash of what the record says, ignoring column order, header spelling and surrounding whitespace."""
    body = {k: v for k, v in fields.items() if k != "source"}
    return _sha(json.dumps([body, dict(extra)], sort_keys=True, ensure_ascii=False))


def idempotency_key(source: str, fields: Mapping[str, str], extra: Mapping[str, str]) -> tuple[str, str]:
    """Return (key, kind) with kind "external" (partner id given) or "content"."""
    external_id = (fields.get("external_id") or "").strip()
    if external_id:
        return "ext:" + _sha(f"{source.lower()}\x1f{external_id}"), "external"
    return "content:" + _sha(f"{source.lower()}\x1f{content_hash(fields, extra)}"), "content"


def record_key(source: str, fields: Mapping[str, str], extra: Mapping[str, str], raw: Mapping[str, str],
               error: str | None) -> tuple[str, str]:
    """The idempotency key of a parsed record; an unparseable one is keyed by its raw text, so two different
    broken lines are never taken for replays of each other."""
    return idempotency_key(source, fields, extra if not error else {**extra, **raw})


def file_lead_id(file_id: str, record_no: int) -> str:
    """Deterministic, so a retried or resumed import of the same file never creates a second lead."""
    return "ld_" + _sha(f"{file_id}:{record_no}")[:24]


def polled_lead_id(source: str, source_key: str) -> str:
    """Deterministic from the source and its own lead id (or, for an item without one, its content), so an
    item the source delivers again (a page re-read, a tick retried) is never inserted twice."""
    return "ld_" + _sha(f"poll\x1f{source.lower()}\x1f{source_key}")[:24]


def api_lead_id() -> str:
    return "ld_" + uuid.uuid4().hex[:24]


def batch_id_now(now_iso: str) -> str:
    """Batch ids sort by time and stay unique: b_<UTC timestamp>_<random>."""
    stamp = now_iso.replace("-", "").replace(":", "").replace("+0000", "").split(".")[0]
    return f"b_{stamp}_{uuid.uuid4().hex[:6]}"
