"""The derived columns of the qualified_leads contract: what its expectations check row by row.

A contract expectation looks at one column, so a rule across columns becomes a column first: the sum of the
score parts, the reason codes missing from the catalogue, and one boolean per channel rule that is True
where the row breaks it. The channel rules restate `core.channels` and `core.consent` from the stored
outcome, under the active ruleset:

- a channel needs its consent: where the channel requires an opt-in (the policy, or the lead's country is
  one of its opt-in countries) the recorded consent state must be `granted` (or `granted_unproven` when the
  policy lets missing proof warn instead of close); elsewhere it must not be refused, revoked or DNC;
- sms needs a valid number of an SMS line type (a mobile), voice a valid number of an open line type, as the
  decision saw them (its recorded reachability inputs, else the view's values);
- no channel at all against a do-not-contact entry;
- an owner only on a ROUTE_SDR / ROUTE_AE decision (`owner_without_route`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from leadgate_dagster.core.columns import list_column, text
from leadgate_dagster.core.consent_policy import Channel, MissingProof, consent_policy
from leadgate_dagster.core.reasons import CATALOGUE
from leadgate_dagster.core.routing.assign import ROLE_OF
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.core.scoring import PARTS
from leadgate_dagster.core.validation.config import validation_config

PRESENT = frozenset({"granted", "granted_unproven"})
CLOSED = frozenset({"do_not_contact", "revoked", "refused"})
DNC_CODE = "SUPPRESSED_DNC"
OWNER_RULE = "owner_without_route"  # an owner on a decision that routes nowhere (routing, migration 0014)
CHANNEL_RULES = ("email_without_consent", "sms_without_consent", "voice_without_consent",
                 "sms_without_mobile", "voice_without_phone", "channel_against_dnc")
DERIVED = ("qa_score_parts_sum", "unknown_reason_codes", "unknown_channels", *CHANNEL_RULES)


def score_maxima(rules: Ruleset) -> dict[str, int]:
    """Each score part's maximum under `rules` (reachability, consent, fit; they add up to 100)."""
    return {part: getattr(rules.scoring, part).max for part in PARTS}


def _unknown(lists: pd.Series, known: frozenset[str]) -> pd.Series:
    """Per row, the values not in `known` joined with ';', or None when there are none."""
    return lists.map(lambda vs: ";".join(v for v in vs if v not in known) or None).astype(object)


def _consent_ok(frame: pd.DataFrame, channel: Channel, rules: Ruleset) -> pd.Series:
    cp = consent_policy(rules).channels[channel]
    state = text(frame, f"consent_{channel.value}_state", lower=True)
    country = text(frame, "country_iso2").fillna("").str.upper()
    opt_in = cp.opt_in_required | country.isin(cp.opt_in_required_countries)
    needed = PRESENT if cp.missing_proof is MissingProof.WARN or not cp.required_proof else {"granted"}
    return pd.Series(np.where(opt_in, state.isin(needed), ~state.isin(CLOSED)), index=frame.index)


def _decided(frame: pd.DataFrame, column_name: str, rules: Ruleset) -> pd.Series:
    """The value of a lead column as the decision read it: its reachability input recorded in score_inputs
    (enrichment may have replaced the validated value), else the view's column."""
    components = rules.scoring.reachability.components
    names = [n for n, spec in components.items() if spec.column == column_name]
    view = text(frame, column_name, lower=True)
    if not names or "reachability_inputs" not in frame.columns:
        return view
    recorded = frame["reachability_inputs"].map(
        lambda doc: doc.get(names[0]) if isinstance(doc, Mapping) else None)
    recorded = recorded.where(recorded.notna() & (recorded != "not_provided"), None)
    return recorded.astype(object).where(recorded.notna(), view).map(
        lambda v: str(v).strip().lower() if v is not None else None)


def contract_frame(view: pd.DataFrame, rules: Ruleset) -> pd.DataFrame:
    """`view` (qualified_leads rows) plus the DERIVED columns the contract's expectations read.

    Args:
        view: rows of the view (at least lead_id, the qa_score columns, qa_reason, allowed_channels,
            consent_<channel>_state, phone_status, phone_type, country_iso2), optionally
            `reachability_inputs` (the decision's recorded reachability inputs, a dict per row).
        rules: the active ruleset (consent policy, line types, phone statuses, score maxima).

    Returns:
        A copy with DERIVED added; the channel rules are True where a row breaks them.
    """
    out = view.copy()
    parts = [f"qa_score_{p}" for p in PARTS]
    out["qa_score_parts_sum"] = out[parts].sum(axis=1, min_count=len(parts))
    out["unknown_reason_codes"] = _unknown(list_column(out, "qa_reason"), frozenset(CATALOGUE))
    channels = list_column(out, "allowed_channels")
    out["unknown_channels"] = _unknown(channels, frozenset(c.value for c in Channel))
    allowed = {ch: channels.map(lambda cs, c=ch.value: c in cs).astype(bool) for ch in Channel}
    for ch in Channel:
        out[f"{ch.value}_without_consent"] = allowed[ch] & ~_consent_ok(out, ch, rules)
    cfg = rules.disposition.channels
    phone = validation_config(rules).phone
    status, line = _decided(out, "phone_status", rules), _decided(out, "phone_type", rules)
    sms_ok = status.isin(list(cfg.sms.phone_statuses)) & line.isin(phone.sms_line_types)
    voice_ok = (status.isin(list(cfg.voice.phone_statuses))
                & ~line.isin(phone.closed_line_types))
    out["sms_without_mobile"] = allowed[Channel.SMS] & ~sms_ok
    out["voice_without_phone"] = allowed[Channel.VOICE] & ~voice_ok
    dnc = list_column(out, "qa_reason").map(lambda cs: DNC_CODE in cs).astype(bool)
    for ch in Channel:
        dnc |= text(out, f"consent_{ch.value}_state", lower=True).eq("do_not_contact")
    out["channel_against_dnc"] = channels.map(bool).astype(bool) & dnc
    for name in CHANNEL_RULES:
        out[name] = out[name].astype(bool)
    owned = text(out, "owner_email").notna()
    out[OWNER_RULE] = (owned & ~text(out, "disposition").isin(list(ROLE_OF))).astype(bool)
    return out.drop(columns=[c for c in ("reachability_inputs",) if c in out.columns])

