"""The inline verdict on posted leads: what a form can correct at once, before the pipeline decides.

It runs the gate's own engines on the request's records, as one small batch: the validation engine
(`validate_batch`, with MX facts from the shipped table only), the consent engine and the channel rule. So
the verdict cannot disagree with the pipeline about syntax, typos, numbering plans or consent; what it does
not know (live DNS, enrichment, the suppression list, duplicates, eligibility) the pipeline adds later,
which is why the verdict says `checked: "syntax"` and gives no disposition.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from leadgate_dagster.core.channels import allowed_channels
from leadgate_dagster.core.consent import evaluate_consent
from leadgate_dagster.core.consent_policy import Channel
from leadgate_dagster.core.file_reader import ParsedRecord, records_to_dataframe
from leadgate_dagster.core.lead_answers import (
    ChannelsVerdict,
    ChannelVerdict,
    EmailVerdict,
    Issue,
    LeadVerdict,
    PhoneVerdict,
)
from leadgate_dagster.core.reasons import CATALOGUE, Severity
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.validation import validate_batch
from leadgate_dagster.core.validation.mx import ShippedMx

_RECORD_ONLY = ["extra", "raw", "codes", "error", "detail"]
_SHIPPED_MX = ShippedMx()
_USED = ("checks", "email_normalized", "email_status", "email_flags", "phone_status", "phone_e164", "phone_type",
         "phone_region")
_ERRORS = frozenset({Severity.REJECT.value, Severity.QUARANTINE.value})
_DID_YOU_MEAN = "did_you_mean="
# fields of the codes whose detail does not name one
_FIELD_OF = {"DISPOSABLE_ONLY_CONTACT": "email", "PHONE_SHARED": "phone", "PHONE_COUNTRY_MISMATCH": "phone",
             "ADDRESS_COUNTRY_UNKNOWN": "country", "ADDRESS_COUNTRY_MISSING": "country",
             "ADDRESS_POSTAL_INVALID": "postal_code", "ADDRESS_POSTAL_MISSING": "postal_code",
             "ADDRESS_LOCALITY_MISSING": "city", "ADDRESS_STREET_UNPARSED": "street",
             "COMPANY_WEBSITE_INVALID": "website", "NO_EMAIL_CONSENT": "consent_email",
             "NO_SMS_CONSENT": "consent_sms", "NO_VOICE_CONSENT": "consent_voice"}
_NAME_PART = {"first": "first_name", "last": "last_name", "full": "full_name"}
# a consent code names the channels whose consent state it explains
_CONSENT_STATE = {"CONSENT_REVOKED": "revoked", "CONSENT_AMBIGUOUS": "ambiguous", "CONSENT_EXPIRED": "expired",
                  "CONSENT_OUT_OF_SCOPE": "out_of_scope", "CONSENT_CAPTURE_NOT_ACCEPTED": "capture_not_accepted",
                  "CONSENT_PROOF_MISSING": "granted_unproven"}


def lead_verdicts(records: Sequence[ParsedRecord], *, rules: Ruleset,
                  as_of: pd.Timestamp | None = None) -> list[LeadVerdict]:
    """The verdict on each posted record, in order; never raises on bad input.

    Args:
        records: the request's items as read by `record_from_mapping`; one that could not be read as a lead
            gets a verdict holding only its parse error.
        rules: the active ruleset (thresholds, severities, consent policy).
        as_of: time for consent expiry; None means now.

    Returns:
        One LeadVerdict per record.
    """
    usable = [r for r in records if r.error is None]
    judged = iter(_judge(usable, rules, as_of) if usable else [])
    return [next(judged) if r.error is None else _unreadable(r, rules) for r in records]


def _judge(records: list[ParsedRecord], rules: Ruleset, as_of: pd.Timestamp | None) -> list[LeadVerdict]:
    leads = records_to_dataframe(records).drop(columns=_RECORD_ONLY)
    validated = validate_batch(leads, rules=rules, mx=_SHIPPED_MX)
    frame = pd.concat([leads, validated], axis=1)
    consent = evaluate_consent(frame, rules=rules, as_of=as_of)
    channels = allowed_channels(frame, consent, rules=rules)
    v = {c: validated[c].tolist() for c in _USED}
    states = {ch.value: consent.frame[f"consent_{ch.value}_state"].tolist() for ch in Channel}
    allowed = {ch.value: channels.allowed[ch.value].tolist() for ch in Channel}
    reach = {ch.value: channels.reachable[ch.value].tolist() for ch in Channel}
    later = [a + b for a, b in zip(consent.findings.as_lists(), channels.findings.as_lists(), strict=True)]
    issues = _Issues(rules)
    out = []
    for i, (rec, lists) in enumerate(zip(records, channels.channels.tolist(), strict=True)):
        found = [(code, None, None) for code in rec.codes]
        found += [(c["code"], _field(c["code"], c["detail"]), c["detail"]) for c in v["checks"][i]]
        for code in later[i]:
            wanted = _CONSENT_STATE.get(code)
            fields = [f"consent_{ch}" for ch in states if states[ch][i] == wanted] if wanted else []
            found += [(code, f, None) for f in fields or [_FIELD_OF.get(code)]]
        errors, warnings = issues.split(found)
        email = v["email_normalized"][i]
        out.append(LeadVerdict(
            ok=not errors, errors=errors, warnings=warnings,
            email=EmailVerdict(status=v["email_status"][i], normalized=email,
                               did_you_mean=_did_you_mean(email, v["email_flags"][i])),
            phone=PhoneVerdict(status=v["phone_status"][i], e164=v["phone_e164"][i], line_type=v["phone_type"][i],
                               region=v["phone_region"][i]),
            channels=ChannelsVerdict(**{ch: ChannelVerdict(allowed=allowed[ch][i], reachable=reach[ch][i],
                                                           consent=states[ch][i]) for ch in states}),
            allowed_channels=lists, ruleset_version=rules.version))
    return out


def _unreadable(rec: ParsedRecord, rules: Ruleset) -> LeadVerdict:
    error = rec.error or "ROW_UNPARSEABLE"
    errors, warnings = _Issues(rules).split([(error, None, rec.detail), *((c, None, None) for c in rec.codes)])
    return LeadVerdict(ok=False, errors=errors, warnings=warnings, email=None, phone=None, channels=None,
                       allowed_channels=[], ruleset_version=rules.version)


def _field(code: str, detail: str | None) -> str | None:
    """The lead field a validation finding is about, from its code or, where the code leaves it open, its
    detail (a phone finding's field, a name part, the field that was too long)."""
    if code in _FIELD_OF:
        return _FIELD_OF[code]
    if code.startswith("EMAIL_"):
        return "email"
    if code.startswith("PHONE_"):
        return "mobile" if (detail or "").startswith("mobile") else "phone"
    if code.startswith("NAME_"):
        return _NAME_PART.get(detail or "")
    return detail if code == "FIELD_TOO_LONG" else None


def _did_you_mean(normalized: str | None, flags: list[str]) -> str | None:
    domain = next((f.removeprefix(_DID_YOU_MEAN) for f in flags if f.startswith(_DID_YOU_MEAN)), None)
    if domain is None or normalized is None:
        return None
    return f"{normalized.rpartition('@')[0]}@{domain}"


class _Issues:
    """Findings as Issues with the ruleset's severity and the catalogue's sentence, each code looked up once."""

    def __init__(self, rules: Ruleset) -> None:
        self._rules = rules
        self._levels: dict[str, str] = {}

    def split(self, found: list[tuple[str, str | None, str | None]]) -> tuple[list[Issue], list[Issue]]:
        """(errors, warnings) of (code, field, detail) findings, each once; info-severity codes left out."""
        errors: list[Issue] = []
        warnings: list[Issue] = []
        for code, field, detail in dict.fromkeys(found):
            level = self._levels.get(code)
            if level is None:
                level = self._levels[code] = self._rules.severity(code).value
            if level == Severity.INFO.value:
                continue
            issue = Issue(code=code, field=field, severity=level,  # type: ignore[arg-type]
                          message=CATALOGUE[code].sentence, detail=detail)
            (errors if level in _ERRORS else warnings).append(issue)
        return errors, warnings
