"""`disposition`: qualification thresholds, channel thresholds and the ordered precedence rules.

Condition and disposition names stay strings here; `core/disposition_policy.py` checks them against its
vocabulary (and that the last rule is `always`).
"""

from __future__ import annotations

from leadgate_dagster.core.rules.section import Section, Words


class AeTerritory(Section):
    countries: Words
    us_states: Words
    min_fit: int


class EmailThreshold(Section):
    statuses: Words
    risky_flags: Words
    unknown_reasons: Words


class PhoneThreshold(Section):
    phone_statuses: Words


class ChannelThresholds(Section):
    email: EmailThreshold
    sms: PhoneThreshold
    voice: PhoneThreshold


class PrecedenceRule(Section):
    when: str
    then: str
    add: Words = ()


class DispositionRules(Section):
    qualified_reachability: int
    qualified_consent: int
    borderline_band: tuple[int, int]
    pending_match_tiers: Words
    open_routed: Words
    ae_territory: AeTerritory
    channels: ChannelThresholds
    precedence: tuple[PrecedenceRule, ...]
