"""decide(): consent, eligibility, pre-score, engagement, priority and exactly one disposition per lead.

The disposition is the first rule of the ruleset's ordered precedence whose condition holds (see
core.disposition_policy): suppression or a reject-severity code rejects, a quarantine code or a pending
identity match holds for review, a duplicate of a person with an open routed lead keeps that disposition,
qualified leads route to an AE (demo request, AE territory) or an SDR (SMS or voice allowed), email-only
leads nurture, leads whose consent is merely unknown are held where their country's consent policy says so,
and the rest is rejected. A compliant but ineligible lead may get the ruleset's alternate offer instead
(core.routing.alternate). Everything is column-wise; there is no loop over leads.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from leadgate_dagster.core.channels import ChannelResult, allowed_channels
from leadgate_dagster.core.columns import as_utc, flag, list_column, text
from leadgate_dagster.core.consent import evaluate_consent
from leadgate_dagster.core.disposition_policy import (
    Condition,
    Disposition,
    DispositionPolicy,
    apply_precedence,
    disposition_policy,
)
from leadgate_dagster.core.eligibility import EligibilityResult, EligibilityState, evaluate_eligibility
from leadgate_dagster.core.engagement import engagement
from leadgate_dagster.core.findings import Findings, severity_masks
from leadgate_dagster.core.model_artifact import ModelArtifact
from leadgate_dagster.core.reasons import CATALOGUE, Severity
from leadgate_dagster.core.routing.alternate import alternate_offers
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.score_record import score_documents
from leadgate_dagster.core.scoring import SCORE_COLUMNS, pre_score
from leadgate_dagster.core.scoring_model import OUTPUT_COLUMNS as PRIORITY_COLUMNS
from leadgate_dagster.core.scoring_model import score_with_model

__all__ = ["OUTPUT_COLUMNS", "Disposition", "decide"]

OUTPUT_COLUMNS = ("disposition", "disposition_rule", "reason_codes", "allowed_channels", *SCORE_COLUMNS,
                  "score_inputs", "engagement_score", *PRIORITY_COLUMNS, "ruleset_version", "alternate_offer")


def _identity(leads: pd.DataFrame, policy: DispositionPolicy, yes: list[str],
              findings: Findings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pending match, duplicate of an open routed lead, that lead's disposition); records their DUP codes."""
    raw = text(leads, "pending_match", lower=False).fillna("").astype(str).str.strip().str.upper()
    tier = raw.str.removeprefix("TIER_").str.removeprefix("TIER ")
    pending = tier.isin(policy.pending_match_tiers) | flag(leads, "pending_match", yes)
    for t in sorted(policy.pending_match_tiers):
        if f"DUP_TIER_{t}" in CATALOGUE:
            findings.add(f"DUP_TIER_{t}", pending & (tier == t))
    inherited = text(leads, "duplicate_of_disposition").fillna("").str.upper()
    duplicate = text(leads, "duplicate_of").notna() & inherited.isin(policy.open_routed)
    dup_tier = text(leads, "duplicate_tier").fillna("A").str.upper().str.removeprefix("TIER_")
    for t in sorted(set(dup_tier[duplicate])):
        if f"DUP_TIER_{t}" in CATALOGUE:
            findings.add(f"DUP_TIER_{t}", duplicate & (dup_tier == t))
    return pending.to_numpy(), duplicate.to_numpy(), inherited.to_numpy(dtype=object)


def _has_severity(rules: Ruleset, level: Severity) -> Callable[[str], bool]:
    """A predicate on codes: does `code` have `level` under the ruleset (its severity_overrides applied)?"""
    return lambda code: rules.severity(code) is level


def _conditions(leads: pd.DataFrame, policy: DispositionPolicy, scores: pd.DataFrame, channels: ChannelResult,
                held: pd.Series, eligibility: EligibilityResult, demo: pd.Series) -> dict[Condition, np.ndarray]:
    reach, consent, fit = scores["score_reachability"], scores["score_consent"], scores["score_fit"]
    allowed = channels.allowed
    any_channel = allowed.any(axis=1)
    eligible = eligibility.frame["eligibility_state"] != EligibilityState.INELIGIBLE.value
    qualified = ((reach >= policy.qualified_reachability) & (consent >= policy.qualified_consent)
                 & eligible & any_channel)
    geo = eligibility.frame
    # the ruleset's AE countries / states, or (gate: core.routing.territory) an AE's territory or account
    territory = (geo["country"].isin(policy.ae_countries) | geo["us_state"].isin(policy.ae_us_states)
                 | flag(leads, "ae_territory", ["true"]))
    low, high = policy.borderline_band
    out = {
        Condition.QUALIFIED_DEMO: qualified & demo,
        Condition.QUALIFIED_AE_TERRITORY: qualified & territory & (fit >= policy.ae_min_fit),
        Condition.QUALIFIED_PHONE: qualified & (allowed["sms"] | allowed["voice"]),
        Condition.QUALIFIED_EMAIL: qualified & allowed["email"],
        Condition.EMAIL_ALLOWED: allowed["email"],
        Condition.CONSENT_UNKNOWN: ~any_channel & channels.consent_unknown & held,
        Condition.BORDERLINE: reach.between(low, high) | consent.between(low, high),
        Condition.NO_CHANNEL: ~any_channel,
    }
    return {k: v.to_numpy(dtype=bool) for k, v in out.items()}


def decide(leads: pd.DataFrame, *, rules: Ruleset, suppressions: pd.DataFrame | None = None,
           events: pd.DataFrame | None = None, partner_counts: pd.DataFrame | None = None,
           model: ModelArtifact | None = None, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Score and dispose a batch.

    Args:
        leads: one row per lead (unique index): validation outputs (email_status, email_flags, phone_status,
            phone_type, address_status, country_iso2, seniority, department, email_key, phone_e164 ...),
            the lead's consent, product, partner and firmographic fields, demo_requested, `reasons` (codes
            found upstream: intake, validation, enrichment, identity; never an earlier decision's
            reason_codes, whose outcome codes would re-decide the lead), and optionally pending_match, duplicate_of / duplicate_of_disposition /
            duplicate_tier from identity, and `waived` (codes a reviewer or a review fallback set aside: they
            neither decide nor appear, and a precedence rule adding only waived codes is passed over).
            Absent columns mean "not provided", never "yes".
        rules: the active ruleset.
        suppressions: suppression / DNC entries sharing a key with the batch (core.suppression).
        events: behaviour events of the batch's leads (lead_id, event_type, occurred_at).
        partner_counts: leads accepted today per partner (partner_id, accepted_today).
        model: a conversion model artifact; None (or one trained on too little data) uses the rules priority.
        as_of: decision time (consent expiry, ages, decay); None means now.

    Returns:
        OUTPUT_COLUMNS with the leads' index; score == the sum of its three parts, 0-100.
    """
    now = as_utc(as_of)
    policy = disposition_policy(rules)
    if leads.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OUTPUT_COLUMNS}, index=leads.index)
    yes = list(rules.consent.yes_values)
    consent = evaluate_consent(leads, rules=rules, suppressions=suppressions, as_of=now)
    eligibility = evaluate_eligibility(leads, rules=rules, partner_counts=partner_counts, as_of=now)
    pre = pre_score(leads, rules=rules, consent=consent, eligibility=eligibility)
    engaged = engagement(leads, events, rules=rules, as_of=now)
    channels = allowed_channels(leads, consent, rules=rules)
    model_input = pd.concat([leads.drop(columns=[c for c in ("score", "engagement_score") if c in leads]),
                             pre.frame[["score"]], engaged], axis=1)
    priority = score_with_model(model_input, model, rules)

    findings = Findings(len(leads))
    for part in (consent.findings, eligibility.findings, pre.findings, channels.findings):
        findings.extend(part)
    pending, duplicate, inherited = _identity(leads, policy, yes, findings)
    upstream = list_column(leads, "reasons")
    waived = list_column(leads, "waived")
    waived_masks = _waived(waived)
    if waived_masks:
        upstream = pd.Series([[c for c in r if c not in w] for r, w in zip(upstream, waived, strict=True)],
                             index=upstream.index)
        findings.waive(waived)
    by_severity = severity_masks(upstream, rules.severity)
    conditions = _conditions(leads, policy, pre.frame, channels, consent.hold_unknown, eligibility,
                             flag(leads, "demo_requested", yes) | engaged["demo_event"])
    conditions[Condition.SUPPRESSED] = consent.dnc.to_numpy(dtype=bool)
    for level, name in ((Severity.REJECT, Condition.REJECT_CODE), (Severity.QUARANTINE, Condition.QUARANTINE_CODE)):
        conditions[name] = by_severity[level] | findings.where(_has_severity(rules, level))
    conditions[Condition.PENDING_MATCH] = pending
    conditions[Condition.DUPLICATE_OF_ROUTED] = duplicate
    conditions[Condition.COMPLIANT_INELIGIBLE], offers = alternate_offers(
        rules, findings, upstream, eligibility.frame, channels.allowed, conditions[Condition.SUPPRESSED] | pending)
    outcome, fired = apply_precedence(policy, conditions, inherited, findings, waived_masks)

    out = pre.frame.copy()
    out.insert(0, "disposition", outcome)
    out.insert(1, "disposition_rule", fired)
    out.insert(2, "reason_codes", findings.as_lists(upstream))
    out.insert(3, "allowed_channels", channels.channels)
    out["engagement_score"] = engaged["engagement_score"]
    out = pd.concat([out, priority], axis=1)
    out["ruleset_version"] = rules.version
    out["alternate_offer"] = np.where(fired == Condition.COMPLIANT_INELIGIBLE.value, offers, None)
    header = {"ruleset_version": rules.version, "ruleset_hash": rules.content_hash, "as_of": now.isoformat()}
    docs = score_documents({**pre.inputs, "engagement": engaged, "priority": priority,
                            "channels": channels.allowed.assign(rule=fired)}, header, len(leads))
    out["score_inputs"] = [{**doc, "waived": w} if w else doc for doc, w in zip(docs, waived, strict=True)]
    return out[list(OUTPUT_COLUMNS)]


def _waived(waived: pd.Series) -> dict[str, np.ndarray]:
    """Per waived code, the rows it is set aside for (empty when nothing is waived)."""
    out: dict[str, np.ndarray] = {}
    for i, codes in enumerate(waived):
        for code in codes:
            out.setdefault(code, np.zeros(len(waived), dtype=bool))[i] = True
    return out
