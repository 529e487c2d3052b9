"""Email verification: a deliverability verdict per address, in the validation engine's vocabulary.

Key: the normalized address (`email_normalized`). Every answer carries `verdict` and the engine's
`email_status` (valid / risky / invalid / unknown) and `email_flags` (catch_all, disposable, role, free,
did_you_mean=...), so a verification result can replace the engine's own judgement column for column.
Vendors name their verdicts differently (deliverable, accept_all, undeliverable, spamtrap ...); `VERDICTS`
maps the common names, anything else is "unknown". Offline there is no SMTP probe: the engine's own domain
checks with the shipped MX table give a domain-level verdict (`mailbox_verified` false), and an address
whose domain the table does not know is a miss.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from leadgate_dagster.core.provider_results import ProviderResult
from leadgate_dagster.core.ruleset import Ruleset, load_ruleset
from leadgate_dagster.core.validation.config import validation_config
from leadgate_dagster.core.validation.email import email_checker
from leadgate_dagster.providers.dns import OfflineMxProvider
from leadgate_dagster.providers.enrichment.base import OfflineProvider, distinct

KIND = "email_verification"
STATUSES = ("valid", "risky", "invalid", "unknown")
FLAG_NAMES = ("catch_all", "disposable", "role", "free")

# vendor verdict -> (email_status, flag it implies)
VERDICTS: dict[str, tuple[str, str | None]] = {
    "valid": ("valid", None), "deliverable": ("valid", None), "ok": ("valid", None),
    "risky": ("risky", None), "unknown": ("unknown", None), "unverifiable": ("unknown", None),
    "catch_all": ("risky", "catch_all"), "catch-all": ("risky", "catch_all"),
    "catchall": ("risky", "catch_all"),
    "accept_all": ("risky", "catch_all"), "accept-all": ("risky", "catch_all"),
    "role": ("risky", "role"), "disposable": ("invalid", "disposable"),
    "invalid": ("invalid", None), "undeliverable": ("invalid", None), "bounce": ("invalid", None),
    "spamtrap": ("invalid", None), "do_not_mail": ("invalid", None), "abuse": ("risky", None),
}


def _verdict(status: str, flags: Sequence[str], *, mailbox_verified: bool, sub_status: str | None = None
             ) -> dict[str, Any]:
    return {"verdict": status, "email_status": status, "email_flags": list(dict.fromkeys(flags)),
            "mailbox_verified": mailbox_verified, "sub_status": sub_status}


def neutral_value(key: str) -> dict[str, Any]:
    """Nothing known: the engine's "unknown" status, no flags."""
    return _verdict("unknown", (), mailbox_verified=False)


def parse_http(key: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """A vendor's answer: `verdict` (or `result`/`status`) plus optional boolean flags of the same names."""
    name = str(raw.get("verdict") or raw.get("result") or raw.get("status") or "unknown").strip().lower()
    status, implied = VERDICTS.get(name, ("unknown", None))
    flags = [implied] if implied else []
    flags += [f for f in FLAG_NAMES if raw.get(f) is True]
    if raw.get("accept_all") is True:
        flags.append("catch_all")
    if "disposable" in flags:
        status = "invalid"
    elif status == "valid" and ("catch_all" in flags or "role" in flags):
        status = "risky"  # a deliverable catch-all or role mailbox is still only risky, as the engine says
    return _verdict(status, flags, mailbox_verified=status in ("valid", "invalid"),
                    sub_status=str(raw["sub_status"]) if raw.get("sub_status") else None)


class OfflineEmailVerification(OfflineProvider):
    """The validation engine's domain-level verdict with the shipped MX table; unknown domains are misses."""

    kind = KIND

    def __init__(self, rules: Ruleset | None = None) -> None:
        self._cfg = validation_config(rules or load_ruleset())
        email_checker(self._cfg).check("warm@example.com")  # loads the domain lists now, not in a deadline

    def neutral(self, key: str) -> dict[str, Any]:
        return neutral_value(key)

    def lookup(self, keys: Sequence[str], *, deadline: float | None = None) -> dict[str, ProviderResult]:
        """All addresses at once: one offline MX lookup for the distinct domains, then each address."""
        checker = email_checker(self._cfg)
        todo = distinct(keys)
        pre = {k: checker.check(k) for k in todo}
        mx = OfflineMxProvider().lookup({r.domain for r in pre.values() if r.domain and r.needs_dns})
        now = datetime.now(UTC)
        out: dict[str, ProviderResult] = {}
        for key, result in pre.items():
            judged = checker.with_dns(result, mx)
            if judged.status not in STATUSES or judged.status == "unknown":
                out[key] = ProviderResult(key, "miss", {}, "offline", None, now)
                continue
            data = _verdict(judged.status, judged.flags, mailbox_verified=False)
            out[key] = ProviderResult(key, "ok", data, "offline", None, now)
        return out
