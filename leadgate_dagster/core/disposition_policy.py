"""The disposition policy as data: an ordered list of (condition, disposition) rules, first match wins.

The spec's rubric overlaps (a suppressed lead may have asked for a demo), so the order is the policy. Rules
name conditions from a fixed vocabulary; the ruleset picks and orders them, and the last one must be
`always`, so every lead gets exactly one disposition.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from leadgate_dagster.core.findings import Findings
from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.rules import disposition as disposition_rules
from leadgate_dagster.core.ruleset import Ruleset

INHERIT = "inherit"


class Disposition(StrEnum):
    ROUTE_SDR = "ROUTE_SDR"
    ROUTE_AE = "ROUTE_AE"
    NURTURE_EMAIL_ONLY = "NURTURE_EMAIL_ONLY"
    QUARANTINE_REVIEW = "QUARANTINE_REVIEW"
    REJECT = "REJECT"


class Condition(StrEnum):
    SUPPRESSED = "suppressed"  # a global do-not-contact / DNC entry
    COMPLIANT_INELIGIBLE = "compliant_ineligible"  # contactable, ineligible only for what an alternate offer answers
    REJECT_CODE = "reject_code"  # any reason code of reject severity (after ruleset overrides)
    QUARANTINE_CODE = "quarantine_code"
    PENDING_MATCH = "pending_match"  # an identity match of a pending tier waits for review
    DUPLICATE_OF_ROUTED = "duplicate_of_routed"  # the person already has an open routed lead
    QUALIFIED_DEMO = "qualified_demo"  # qualified, and asked for a demo (form field or behaviour event)
    QUALIFIED_AE_TERRITORY = "qualified_ae_territory"  # qualified, in AE territory, with enough ICP fit
    QUALIFIED_PHONE = "qualified_phone"  # qualified, with SMS or voice allowed
    QUALIFIED_EMAIL = "qualified_email"  # qualified, with email allowed
    EMAIL_ALLOWED = "email_allowed"
    CONSENT_UNKNOWN = "consent_unknown"  # no channel; one closed only for absent consent data, country holds
    BORDERLINE = "borderline"  # reachability or consent & eligibility in the rubric's review band
    NO_CHANNEL = "no_channel"
    ALWAYS = "always"


@dataclass(frozen=True, slots=True)
class PrecedenceRule:
    when: Condition
    then: Disposition | None  # None: inherit the open routed lead's disposition
    add: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DispositionPolicy:
    qualified_reachability: int
    qualified_consent: int
    borderline_band: tuple[int, int]
    pending_match_tiers: frozenset[str]
    open_routed: frozenset[str]
    ae_countries: frozenset[str]
    ae_us_states: frozenset[str]
    ae_min_fit: int
    precedence: tuple[PrecedenceRule, ...]


def _rule(raw: disposition_rules.PrecedenceRule) -> PrecedenceRule:
    when = Condition(raw.when)
    then = None if raw.then == INHERIT else Disposition(raw.then)
    if then is None and when is not Condition.DUPLICATE_OF_ROUTED:
        raise ValueError(f"disposition.precedence: '{INHERIT}' only follows {Condition.DUPLICATE_OF_ROUTED}")
    unknown = [c for c in raw.add if c not in CATALOGUE]
    if unknown:
        raise ValueError(f"disposition.precedence: unknown reason codes {unknown}")
    return PrecedenceRule(when=when, then=then, add=raw.add)


def disposition_policy(rules: Ruleset) -> DispositionPolicy:
    """The `disposition:` section as a policy; raises ValueError when it could leave a lead undecided."""
    raw = rules.disposition
    precedence = tuple(_rule(r) for r in raw.precedence)
    if not precedence or precedence[-1].when is not Condition.ALWAYS:
        raise ValueError("disposition.precedence must end with a rule `when: always`")
    ae = raw.ae_territory
    return DispositionPolicy(
        qualified_reachability=raw.qualified_reachability,
        qualified_consent=raw.qualified_consent,
        borderline_band=raw.borderline_band,
        pending_match_tiers=frozenset(t.upper() for t in raw.pending_match_tiers),
        open_routed=frozenset(Disposition(d).value for d in raw.open_routed),
        ae_countries=frozenset(c.upper() for c in ae.countries),
        ae_us_states=frozenset(s.upper() for s in ae.us_states),
        ae_min_fit=ae.min_fit,
        precedence=precedence,
    )


def apply_precedence(policy: DispositionPolicy, conditions: dict[Condition, np.ndarray],
                     inherited: np.ndarray, findings: Findings,
                     waived: dict[str, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The first matching rule per lead, vectorized over rules rather than leads.

    Args:
        policy: the disposition policy.
        conditions: one boolean array per condition the policy names (ALWAYS may be left out).
        inherited: per lead, the open routed lead's disposition (used by `inherit` rules).
        findings: receives each rule's `add` codes for the leads it decided.
        waived: per code, the leads for which it was set aside: a rule whose `add` codes are all waived for a
            lead passes that lead on to the next rule (a verified CONSENT_UNKNOWN hold no longer holds).

    Returns:
        (disposition per lead, the condition name of the rule that decided it).
    """
    n = len(inherited)
    chosen = np.full(n, -1)
    for i, rule in enumerate(policy.precedence):
        hold = np.ones(n, dtype=bool) if rule.when is Condition.ALWAYS else conditions[rule.when]
        if waived and rule.add and rule.when is not Condition.ALWAYS:
            hold = hold & ~np.logical_and.reduce([waived.get(c, np.zeros(n, dtype=bool)) for c in rule.add])
        chosen[np.asarray(hold, dtype=bool) & (chosen < 0)] = i
    outcome = np.array([r.then.value if r.then else "" for r in policy.precedence], dtype=object)[chosen]
    inherit_rows = np.isin(chosen, [i for i, r in enumerate(policy.precedence) if r.then is None])
    outcome[inherit_rows] = inherited[inherit_rows]
    for i, rule in enumerate(policy.precedence):
        for code in rule.add:
            findings.add(code, chosen == i)
    names = np.array([r.when.value for r in policy.precedence], dtype=object)[chosen]
    return outcome, names
