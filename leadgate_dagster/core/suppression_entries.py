"""Suppression / DNC entries as someone gives them (CLI flags, a list file) turned into stored keys.

Keys are stored the way leads carry them, so the match is an equality join: an email as its identity key
(lower case, Gmail dots and +tags folded: one entry covers every spelling of the mailbox), a phone as
E.164 (national formats read in the ruleset's `validation.default_region`), a domain in lower case without
"@" or "www.". A row may name several keys (email and phone of one person): one entry per key. A
channel-specific entry is a revocation of consent on that channel (STOP, UNSUBSCRIBE); `all` is global DNC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from leadgate_dagster.core.columns import parse_times
from leadgate_dagster.core.consent_policy import Channel
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.suppression import GLOBAL, KeyType
from leadgate_dagster.core.validation.config import validation_config
from leadgate_dagster.core.validation.email import email_checker
from leadgate_dagster.core.validation.phone_numbers import parse_number

CHANNELS = (GLOBAL, *(c.value for c in Channel))
ENTRY_COLUMNS = ("key_type", "key", "channel", "reason", "source", "revoked_at")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


@dataclass(frozen=True, slots=True)
class Entries:
    """Entries ready to store (ENTRY_COLUMNS) and the rows refused, each with its record number and why."""

    frame: pd.DataFrame
    rejected: list[dict[str, Any]] = field(default_factory=list)


def normalize_key(key_type: KeyType, value: str, rules: Ruleset) -> str | None:
    """The stored form of one key, or None when it is not a usable email / phone / domain."""
    value = value.strip()
    if not value:
        return None
    if key_type is KeyType.EMAIL:
        return email_checker(validation_config(rules)).check(value).key
    if key_type is KeyType.PHONE:
        parsed = parse_number(value, validation_config(rules).default_region)
        return None if isinstance(parsed, str) or not parsed.facts.possible else parsed.e164
    domain = value.lower().removeprefix("@").rstrip(".")
    domain = domain.split("@", 1)[1] if "@" in domain else domain
    domain = domain.removeprefix("www.")
    return domain if _DOMAIN.match(domain) else None


def _keys_of(row: dict[str, str]) -> list[tuple[KeyType, str]]:
    given = [(KeyType(row["key_type"].strip().lower()), row.get("key") or "")] if row.get("key_type") else []
    return given + [(t, row[t.value]) for t in KeyType if (row.get(t.value) or "").strip()]


def normalize_entries(rows: list[dict[str, str]], *, rules: Ruleset, default_channel: str = GLOBAL,
                      default_source: str = "manual", default_reason: str | None = None) -> Entries:
    """Turn given rows into entries.

    Args:
        rows: dicts with `email` / `phone` / `domain` (or `key_type` + `key`), and optionally `channel`
            (all | email | sms | voice), `reason`, `source`, `revoked_at` (when the opt-out was given).
        rules: the active ruleset (email key folding, phone region).
        default_channel, default_source, default_reason: for rows that do not say.

    Returns:
        Entries, deduplicated on (key_type, key, channel), the last row winning.
    """
    out: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    for record_no, row in enumerate(rows, start=1):
        channel = (row.get("channel") or default_channel).strip().lower()
        try:
            keys = _keys_of(row)
        except ValueError:
            keys = []
            rejected.append({"record_no": record_no, "error": "SUPPRESSION_KEY_TYPE",
                             "detail": f"key_type {row.get('key_type')!r} is not email, phone or domain"})
            continue
        if channel not in CHANNELS:
            rejected.append({"record_no": record_no, "error": "SUPPRESSION_CHANNEL",
                             "detail": f"channel {channel!r} is not one of {', '.join(CHANNELS)}"})
            continue
        if not keys:
            rejected.append({"record_no": record_no, "error": "SUPPRESSION_NO_KEY",
                             "detail": "no email, phone or domain given"})
            continue
        for key_type, value in keys:
            key = normalize_key(key_type, value, rules)
            if key is None:
                rejected.append({"record_no": record_no, "error": "SUPPRESSION_KEY_INVALID",
                                 "detail": f"{key_type.value} {value!r} is not usable"})
                continue
            out.append({"record_no": record_no, "key_type": key_type.value, "key": key, "channel": channel,
                        "reason": row.get("reason") or default_reason, "source": row.get("source") or default_source,
                        "revoked_at": row.get("revoked_at") or None})
    frame = pd.DataFrame(out, columns=["record_no", *ENTRY_COLUMNS])
    times = parse_times(frame["revoked_at"])
    bad = frame["revoked_at"].notna() & times.isna()
    for i in frame.index[bad]:
        rejected.append({"record_no": int(frame.at[i, "record_no"]), "error": "SUPPRESSION_TIME_INVALID",
                         "detail": f"revoked_at {frame.at[i, 'revoked_at']!r} is not a date or time"})
    frame = frame[~bad].assign(revoked_at=times[~bad].astype(object).where(times[~bad].notna(), None))
    frame = frame.drop_duplicates(["key_type", "key", "channel"], keep="last").reset_index(drop=True)
    return Entries(frame[list(ENTRY_COLUMNS)], sorted(rejected, key=lambda r: r["record_no"]))
