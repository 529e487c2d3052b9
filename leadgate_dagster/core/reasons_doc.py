"""docs/reason-codes.md, rendered from the one catalogue and the shipped ruleset, so the documentation cannot
drift from the code."""

from __future__ import annotations

from leadgate_dagster.core.consent_policy import MissingConsent, consent_policy
from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.ruleset import load_ruleset

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


_MISSING_CONSENT = """
## Missing consent, by country (`consent.missing_policy`)

A lead that carries no consent data at all (no consent column or only blank ones, no opt-out on the
suppression list) has *unknown* consent, which is not a refusal. A lead with any answer, on any channel (an
explicit "no", an opt-out or unsubscribe column saying yes, a revocation on the suppression list, an expired
or unproven consent, an ambiguous value) or a DNC entry is decided exactly as without this policy. Per country,
the shipped ruleset does this with a lead of unknown consent:

| Policy | Effect | Countries |
| --- | --- | --- |
{rows}

Why these defaults (a starting point for counsel, not legal advice):

- **EU / EEA: hold.** GDPR with the ePrivacy directive; most member states want a prior opt-in for marketing
  email even to business addresses (Germany's UWG section 7(2) no. 2 explicitly), and the softer national
  rules (France's CNIL accepts job-related B2B email on an opt-out basis) need a lawyer's reading per country.
- **GB: nurture.** PECR regulation 22 requires prior consent only for individual subscribers; corporate
  subscribers may be emailed without it (identify the sender, offer an opt-out). Sole traders and partnerships
  count as individuals, so only a business (not free-mail) address is nurtured; SMS and voice stay closed.
- **CA: hold.** CASL section 10(9) allows implied consent for a conspicuously published business address whose
  publication does not refuse mail and when the message concerns the recipient's role; a lead file cannot show
  that, so a reviewer checks where the address came from.
- **Everywhere else, the US included: reject, i.e. unchanged.** CAN-SPAM is an opt-out regime, so email never
  needed an opt-in there; SMS (TCPA) and voice keep needing their explicit consent.
"""

_EFFECTS = {
    MissingConsent.HOLD: "`QUARANTINE_REVIEW` with `CONSENT_UNKNOWN` when no channel is open",
    MissingConsent.NURTURE: "email to a business (not free-mail) address opens without an opt-in "
                            "(`NURTURE_EMAIL_ONLY`); without one, as hold",
    MissingConsent.REJECT: "the channel stays closed and the lead is decided as before (`REJECT` with "
                           "`NO_ALLOWED_CHANNEL` when nothing is open)",
}


def _missing_consent_rows() -> str:
    policy = consent_policy(load_ruleset())
    rows = []
    for action in MissingConsent:
        countries = sorted(c for c, a in policy.missing_by_country.items() if a is action)
        listed = ", ".join(countries)
        if action is policy.missing_default:
            listed = f"{listed}, and every country not listed" if listed else "every country not listed"
        rows.append(f"| `{action.value}` | {_EFFECTS[action]} | {listed or '-'} |")
    return "\n".join(rows)


def render_markdown() -> str:
    """The catalogue as a Markdown table, in catalogue order (code, severity, stage, sentence), then the shipped
    ruleset's missing-consent policy per country with its reasons."""
    rows = [f"| `{r.code}` | {r.severity.value} | {r.stage} | {r.sentence.replace('|', '/')} |"
            for r in CATALOGUE.values()]
    return _HEADER + "\n".join(rows) + "\n" + _MISSING_CONSENT.format(rows=_missing_consent_rows())
