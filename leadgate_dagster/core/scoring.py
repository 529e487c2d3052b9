"""The pre-score of the QA-gate spec: reachability 0-40 + consent & eligibility 0-40 + ICP fit 0-20.

Every part is a capped sum of ruleset components, computed column-wise, and keeps the inputs that produced
it, so any score can be explained from its row alone. An unavailable input (an `unknown` status, no value
in a column the caller gave) gets its component's neutral midpoint and SCORE_NEUTRAL_FALLBACK, so a lead
whose enrichment failed is neither buried nor promoted; consent is never neutral: no consent means none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadgate_dagster.core.columns import points, text
from leadgate_dagster.core.consent import ConsentResult, evaluate_consent
from leadgate_dagster.core.consent_policy import Channel
from leadgate_dagster.core.eligibility import EligibilityResult, evaluate_eligibility
from leadgate_dagster.core.findings import Findings
from leadgate_dagster.core.firmographics import category_key, seniority_department
from leadgate_dagster.core.rules.scoring import Component, ComponentPart, ConsentPart
from leadgate_dagster.core.ruleset import Ruleset

PARTS = ("reachability", "consent", "fit")
SCORE_COLUMNS = ("score", "score_reachability", "score_consent", "score_fit")


@dataclass(frozen=True, slots=True)
class PreScore:
    """`frame`: SCORE_COLUMNS (ints, score == sum of the parts); `inputs`: per part, the values and points
    that produced it (batch index); `findings`: SCORE_NEUTRAL_FALLBACK where a neutral midpoint stood in."""

    frame: pd.DataFrame
    inputs: dict[str, pd.DataFrame]
    findings: Findings


def _component(leads: pd.DataFrame, name: str, spec: Component, values: pd.Series | None,
               inputs: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(points, neutral-fallback mask) of one component; its value and points are added to `inputs`."""
    given = values is not None or spec.column in leads.columns
    vals = values if values is not None else text(leads, spec.column, lower=True)
    unavailable = vals.isna() | vals.isin(list(spec.unknown))
    pts = points(vals, spec.points, default=spec.other)
    pts = pts.where(~unavailable, spec.neutral) if given else pd.Series(spec.neutral, index=leads.index)
    fallback = unavailable & given
    gate = spec.only_if
    if gate:
        open_ = text(leads, gate.column, lower=True).isin(list(gate.values))
        pts, fallback = pts.where(open_, 0), fallback & open_
    inputs[name] = vals if given else "not_provided"
    inputs[f"{name}_points"] = pts.astype(int)
    return pts.astype(int), fallback


def _part(leads: pd.DataFrame, cfg: ComponentPart,
          derived: dict[str, pd.Series]) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    inputs = pd.DataFrame(index=leads.index)
    total = pd.Series(0, index=leads.index)
    fallback = pd.Series(False, index=leads.index)
    for name, spec in cfg.components.items():
        pts, fb = _component(leads, name, spec, derived.get(spec.column), inputs)
        total, fallback = total + pts, fallback | fb
    capped = np.minimum(total, cfg.max).astype(int)
    inputs.insert(0, "points", capped)
    return capped, fallback, inputs


def _consent_part(consent: ConsentResult, eligibility: EligibilityResult,
                  cfg: ConsentPart) -> tuple[pd.Series, pd.DataFrame]:
    c = consent.frame
    per_channel = {ch: c[f"consent_{ch.value}_present"] for ch in Channel}
    channel_pts = sum(per_channel[ch].astype(int) * cfg.channel_points.get(ch.value, 0) for ch in Channel)
    n_present = sum(per_channel[ch].astype(int) for ch in Channel)
    proof_sum = sum(c[f"consent_{ch.value}_proof"].where(per_channel[ch], 0.0) for ch in Channel)
    proof_mean = (proof_sum / n_present.where(n_present > 0)).fillna(0.0)
    proof_pts = np.rint(proof_mean * cfg.proof_points).astype(int)
    state = eligibility.frame["eligibility_state"]
    elig_pts = points(state, cfg.eligibility_points)
    total = np.minimum(channel_pts + proof_pts + elig_pts, cfg.max).astype(int)
    inputs = pd.DataFrame({"points": total, "channel_points": channel_pts.astype(int), "proof_mean": proof_mean.round(3),
                           "proof_points": proof_pts, "capture": c["consent_capture_type"], "eligibility": state,
                           "eligibility_points": elig_pts}, index=c.index)
    for ch in Channel:
        inputs[f"{ch.value}_state"] = c[f"consent_{ch.value}_state"]
        inputs[f"{ch.value}_proof"] = c[f"consent_{ch.value}_proof"]
    return total, inputs


def fit_inputs(leads: pd.DataFrame, eligibility: EligibilityResult) -> dict[str, pd.Series]:
    """The derived fit columns: seniority and department (from job_title when not given), size band."""
    seniority, department = seniority_department(leads)
    derived = {"company_size_band": eligibility.frame["size_band"]}
    if "seniority" in leads.columns or "job_title" in leads.columns:
        derived["seniority"] = seniority
    if "department" in leads.columns or "job_title" in leads.columns:
        derived["department"] = department
    if "industry" in leads.columns:
        derived["industry"] = category_key(text(leads, "industry"))
    if "company_size_band" not in leads.columns and "employee_count" not in leads.columns:
        del derived["company_size_band"]
    return derived


def pre_score(leads: pd.DataFrame, *, rules: Ruleset, consent: ConsentResult | None = None,
              eligibility: EligibilityResult | None = None) -> PreScore:
    """Score a batch.

    Args:
        leads: one row per lead: validation outputs (email_status, phone_status, phone_type, address_status),
            seniority / department or job_title, industry, company_size_band or employee_count.
        rules: the active ruleset (`scoring:`).
        consent: the batch's consent evaluation; None evaluates it here (no suppression list).
        eligibility: the batch's eligibility; None evaluates it here (no partner counts).

    Returns:
        PreScore with the same index as `leads`.
    """
    cfg = rules.scoring
    consent = consent if consent is not None else evaluate_consent(leads, rules=rules)
    eligibility = eligibility if eligibility is not None else evaluate_eligibility(leads, rules=rules)
    reach, reach_fb, reach_in = _part(leads, cfg.reachability, {})
    fit, fit_fb, fit_in = _part(leads, cfg.fit, fit_inputs(leads, eligibility))
    consent_pts, consent_in = _consent_part(consent, eligibility, cfg.consent)
    frame = pd.DataFrame({"score_reachability": reach, "score_consent": consent_pts, "score_fit": fit},
                         index=leads.index)
    frame.insert(0, "score", frame.sum(axis=1).astype(int))
    findings = Findings(len(leads))
    findings.add("SCORE_NEUTRAL_FALLBACK", reach_fb | fit_fb)
    return PreScore(frame=frame[list(SCORE_COLUMNS)],
                    inputs={"reachability": reach_in, "consent": consent_in, "fit": fit_in}, findings=findings)
