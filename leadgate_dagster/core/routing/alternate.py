"""Compliant but ineligible (QA-gate spec: "route to alternate product/partner or to education flow"): a lead
consent allows to contact, ineligible only for reasons one of the ruleset's offers answers, gets that offer
instead of a reject or a plain nurture. A denied geography (the sanctions deny lists) is never offered anything.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from leadgate_dagster.core.findings import Findings
from leadgate_dagster.core.reasons import Severity
from leadgate_dagster.core.ruleset import Ruleset

_BLOCKING = (Severity.REJECT, Severity.QUARANTINE)


def _rows_with(findings: Findings, upstream: pd.Series, predicate: Callable[[str], bool]) -> np.ndarray:
    listed = np.fromiter((any(predicate(c) for c in codes) for codes in upstream), dtype=bool, count=len(upstream))
    return listed | findings.where(predicate)


def alternate_offers(rules: Ruleset, findings: Findings, upstream: pd.Series, geo: pd.DataFrame,
                     allowed: pd.DataFrame, blocked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which leads the `compliant_ineligible` condition holds for, and the offer each would get.

    Args:
        rules: the active ruleset (`routing.alternate`, `eligibility.geography`, severities).
        findings: the batch's findings so far (waived codes already dropped).
        upstream: per lead, the codes found before the decision (waived ones dropped).
        geo: the eligibility frame (country, us_state), batch index.
        allowed: bool per channel (email, sms, voice), batch index.
        blocked: leads that may get no offer whatever their codes (on DNC, a pending identity match).

    Returns:
        (condition per lead, "<flow>:<offer>" per lead or None).
    """
    cfg = rules.routing.alternate
    n = len(upstream)
    offer = np.full(n, None, dtype=object)
    holds = np.zeros(n, dtype=bool)
    if not cfg.offers or n == 0:
        return holds, offer
    deny = rules.eligibility.geography
    denied = (geo["country"].isin([c.upper() for c in deny.deny_countries])
              | geo["us_state"].isin([s.upper() for s in deny.deny_us_states])).to_numpy(dtype=bool)
    compliant = allowed[list(cfg.channels)].any(axis=1).to_numpy(dtype=bool) & ~blocked & ~denied
    taken = np.zeros(n, dtype=bool)
    for entry in cfg.offers:  # per offer, not per lead: the first offer naming one of a lead's codes is its offer
        codes = frozenset(entry.codes)
        named = _rows_with(findings, upstream, lambda c, codes=codes: c in codes) & ~taken
        other = _rows_with(findings, upstream,
                           lambda c, codes=codes: c not in codes and rules.severity(c) in _BLOCKING)
        offer[named] = f"{entry.flow}:{entry.offer}"
        holds |= named & compliant & ~other
        taken |= named
    return holds, np.where(holds, offer, None)
