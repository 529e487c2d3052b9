"""Email checks: syntax, domain lists, role and fake locals, typos, identity key, then the DNS verdict.

Work is split by what it depends on: the domain verdict (TLD, disposable, blocklist, free, typo) is computed
once per distinct domain, the local-part checks once per distinct address, and the DNS verdict once per
domain from the MX mapping the caller looked up for the whole batch.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from leadgate_dagster.core.validation import data
from leadgate_dagster.core.validation.config import ValidationConfig
from leadgate_dagster.core.validation.email_syntax import ParsedEmail, parse_email
from leadgate_dagster.core.validation.email_typos import suggest_domain
from leadgate_dagster.core.validation.mx import MX_NO_DOMAIN, MX_NONE, MX_NULL, MX_OK, MxResult
from leadgate_dagster.core.validation.patterns import keyboard_run, longest_char_run

Finding = tuple[str, str]  # (reason code, detail)

_INVALID = frozenset({"EMAIL_INVALID", "EMAIL_TLD_UNKNOWN", "EMAIL_DISPOSABLE", "EMAIL_FAKE_LOCAL",
                      "EMAIL_DOMAIN_NOT_FOUND", "EMAIL_NULL_MX", "EMAIL_NO_MX", "EMAIL_DOMAIN_BLOCKLISTED"})
_UNKNOWN = frozenset({"EMAIL_DOMAIN_UNVERIFIED", "EMAIL_DNS_UNAVAILABLE", "EMAIL_DNS_NOT_CHECKED"})
_DNS_CODES = {MX_NO_DOMAIN: "EMAIL_DOMAIN_NOT_FOUND", MX_NULL: "EMAIL_NULL_MX", MX_NONE: "EMAIL_NO_MX"}
_TRAILING_DIGITS = re.compile(r"[\d._-]+$")
_CACHE_MAX = 200_000


@dataclass(frozen=True, slots=True)
class EmailResult:
    normalized: str | None
    key: str | None
    domain: str | None  # ASCII (IDNA) domain
    status: str  # valid / invalid / risky / unknown / missing
    flags: tuple[str, ...]
    findings: tuple[Finding, ...]
    needs_dns: bool  # syntax fine and nothing pre-DNS made it invalid


MISSING = EmailResult(None, None, None, "missing", (), (), False)


@dataclass(frozen=True, slots=True)
class _DomainVerdict:
    findings: tuple[Finding, ...]
    flags: tuple[str, ...]
    provider: dict[str, object] | None


class EmailChecker:
    """Checks addresses against one ruleset; caches domain verdicts (use `email_checker` to share one)."""

    def __init__(self, cfg: ValidationConfig) -> None:
        e = cfg.email
        self._cfg = cfg
        self._role = (data.role_locals() | e.role_locals_extra) - e.role_locals_allow
        self._fake = data.fake_locals() | e.fake_locals_extra
        free = frozenset(d for d, p in data.mail_providers().items() if p["free"])
        self._free = free | e.free_providers_extra
        self._disposable = data.disposable_domains() | e.disposable_extra
        self._domains: dict[str, _DomainVerdict] = {}

    def _has_suffix_in(self, domain: str, names: frozenset[str]) -> bool:
        labels = domain.split(".")
        return any(".".join(labels[i:]) in names for i in range(len(labels) - 1))

    def domain_verdict(self, ascii_domain: str) -> _DomainVerdict:
        cached = self._domains.get(ascii_domain)
        if cached is not None:
            return cached
        e = self._cfg.email
        findings: list[Finding] = []
        flags: list[str] = []
        if self._has_suffix_in(ascii_domain, e.blocklisted_domains):
            findings.append(("EMAIL_DOMAIN_BLOCKLISTED", ascii_domain))
        if e.check_tld and ascii_domain.rsplit(".", 1)[-1] not in data.iana_tlds():
            findings.append(("EMAIL_TLD_UNKNOWN", ascii_domain.rsplit(".", 1)[-1]))
        if self._has_suffix_in(ascii_domain, self._disposable) and not self._has_suffix_in(
                ascii_domain, e.disposable_allowlist):
            findings.append(("EMAIL_DISPOSABLE", ascii_domain))
            flags.append("disposable")
        if ascii_domain in self._free:
            flags.append("free")
        if e.typo_suggestions:
            hint = suggest_domain(ascii_domain, min_label_chars=e.typo_min_label_chars,
                                  two_edits_min_chars=e.typo_two_edits_min_chars)
            if hint:
                findings.append(("EMAIL_DOMAIN_TYPO", f"did_you_mean={hint}"))
                flags.append(f"did_you_mean={hint}")
        verdict = _DomainVerdict(tuple(findings), tuple(flags), data.mail_providers().get(ascii_domain))
        if len(self._domains) >= _CACHE_MAX:
            self._domains.clear()
        self._domains[ascii_domain] = verdict
        return verdict

    def _local_findings(self, local: str) -> tuple[list[Finding], list[str]]:
        base = local.lower().split("+", 1)[0]
        findings: list[Finding] = []
        flags: list[str] = []
        stripped = _TRAILING_DIGITS.sub("", base)
        letters = "".join(c for c in base if c.isalpha())
        if (base in self._fake or stripped in self._fake
                or keyboard_run(letters) >= self._cfg.names.keyboard_run_min
                or (len(letters) >= 3 and longest_char_run(letters) == len(letters))):
            findings.append(("EMAIL_FAKE_LOCAL", "local part"))
        if base in self._role:
            flags.append("role")
            if self._cfg.email.role_account_policy != "allow":
                findings.append(("EMAIL_ROLE_ACCOUNT", base))
        return findings, flags

    def check(self, text: str | None) -> EmailResult:
        """The pre-DNS verdict on one cleaned address (None: missing)."""
        if text is None:
            return MISSING
        parsed = parse_email(text)
        if not isinstance(parsed, ParsedEmail):
            return EmailResult(None, None, None, "invalid", (), (("EMAIL_INVALID", parsed),), False)
        verdict = self.domain_verdict(parsed.ascii_domain)
        findings, flags = self._local_findings(parsed.local)
        findings = [*verdict.findings, *findings]
        flags = [*verdict.flags, *flags]
        status = self._status(findings)
        return EmailResult(
            normalized=f"{parsed.local}@{parsed.domain}",
            key=_identity_key(parsed, verdict.provider) if status != "invalid" else None,
            domain=parsed.ascii_domain,
            status=status,
            flags=tuple(flags),
            findings=tuple(findings),
            needs_dns=status != "invalid",
        )

    def _status(self, findings: list[Finding]) -> str:
        codes = {c for c, _ in findings}
        policy = self._cfg.email.role_account_policy
        if codes & _INVALID or ("EMAIL_ROLE_ACCOUNT" in codes and policy == "invalid"):
            return "invalid"
        if "EMAIL_DOMAIN_TYPO" in codes or "EMAIL_ROLE_ACCOUNT" in codes or (
                "EMAIL_CATCH_ALL" in codes and self._cfg.email.catch_all_status == "risky"):
            return "risky"
        if codes & _UNKNOWN:
            return "unknown"
        return "valid"

    def with_dns(self, result: EmailResult, mx: Mapping[str, MxResult] | None) -> EmailResult:
        """`result` judged with the DNS facts of its domain (None or a missing domain: not checked)."""
        if not result.needs_dns or result.domain is None:
            return result
        answer = mx.get(result.domain) if mx is not None else None
        flags = list(result.flags)
        if answer is None:
            extra: list[Finding] = [("EMAIL_DNS_NOT_CHECKED", result.domain)]
        elif answer.status == MX_OK:
            extra = []
            if answer.catch_all:
                flags.insert(0, "catch_all")
                extra.append(("EMAIL_CATCH_ALL", result.domain))
        elif answer.status in _DNS_CODES:
            extra = [(_DNS_CODES[answer.status], result.domain)]
        else:
            extra = [(answer.reason or "EMAIL_DNS_UNAVAILABLE", result.domain)]
        findings = [*result.findings, *extra]
        status = self._status(findings)
        return replace(result, findings=tuple(findings), flags=tuple(flags), status=status,
                       key=result.key if status != "invalid" else None)


def _identity_key(parsed: ParsedEmail, provider: dict[str, object] | None) -> str:
    """Lowercased address, provider-aware: Gmail dots and +tags dropped (only here, never in the address
    delivered to)."""
    local = parsed.local.lower()
    domain = parsed.ascii_domain
    if provider is not None:
        if provider["subaddress"]:
            local = local.split("+", 1)[0] or local
        if provider["ignore_dots"]:
            local = local.replace(".", "") or local
        domain = str(provider["key_domain"])
    return f"{local}@{domain}"


_CHECKERS: dict[int, EmailChecker] = {}


def email_checker(cfg: ValidationConfig) -> EmailChecker:
    """The shared checker of a ruleset's settings, so domain verdicts stay warm across batches."""
    checker = _CHECKERS.get(id(cfg))
    if checker is None or checker._cfg is not cfg:
        checker = _CHECKERS[id(cfg)] = EmailChecker(cfg)
    return checker
