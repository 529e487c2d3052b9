"""The pre-score of the QA-gate spec: reachability 0-40 + consent & eligibility 0-40 + ICP fit 0-20.

Each part is computed column-wise from the validated lead and the ruleset's `scoring` weights, and its inputs
are kept so that every score can be explained.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

TRUTHY = {"1", "true", "t", "yes", "y", "x", "on", "checked", "opt-in", "optin", "opted_in", "granted", "double_opt_in"}


def truthy(values: pd.Series) -> pd.Series:
    """Consent-style flags as booleans: only an explicit yes counts; anything else (blank, junk) is no."""
    return values.fillna("").astype(str).str.strip().str.lower().isin(TRUTHY)


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name] if name in df.columns else pd.Series([None] * len(df), index=df.index, dtype=object)


def _weights(values: pd.Series, table: dict[str, Any]) -> pd.Series:
    return values.map(lambda v: int(table.get(v, 0)) if isinstance(v, str) else 0).astype(int)


def pre_score(leads: pd.DataFrame, scoring: dict[str, Any]) -> pd.DataFrame:
    """Return columns score, score_reachability, score_consent, score_fit (ints) and score_inputs (dicts)."""
    reach_cfg, consent_cfg, fit_cfg = scoring["reachability"], scoring["consent"], scoring["fit"]
    email_pts = _weights(_col(leads, "email_status"), reach_cfg["email_status"])
    phone_pts = _weights(_col(leads, "phone_status"), reach_cfg["phone_status"])
    reach = np.minimum(email_pts + phone_pts, 40)

    consent_email, consent_sms, consent_voice = (truthy(_col(leads, f"consent_{c}")) for c in ("email", "sms", "voice"))
    consent = (
        consent_email * consent_cfg["email"] + consent_sms * consent_cfg["sms"]
        + consent_voice * consent_cfg["voice"] + consent_cfg["eligible"]
    )
    consent = np.minimum(consent.astype(int), 40)

    has_title = _col(leads, "job_title").notna() & (_col(leads, "job_title").astype(str).str.strip() != "")
    has_company = _col(leads, "company").notna() & (_col(leads, "company").astype(str).str.strip() != "")
    corporate = _col(leads, "email_flags").map(lambda f: "free" not in (f or [])) & (_col(leads, "email_status") == "valid")
    fit = np.minimum(has_title * fit_cfg["job_title"] + has_company * fit_cfg["company"]
                     + corporate * fit_cfg["corporate_email"], 20).astype(int)

    out = pd.DataFrame(index=leads.index)
    out["score_reachability"] = reach.astype(int)
    out["score_consent"] = consent.astype(int)
    out["score_fit"] = fit
    out["score"] = out["score_reachability"] + out["score_consent"] + out["score_fit"]
    inputs = pd.DataFrame({
        "email_status": _col(leads, "email_status"), "phone_status": _col(leads, "phone_status"),
        "consent_email": consent_email, "consent_sms": consent_sms, "consent_voice": consent_voice,
        "has_title": has_title, "has_company": has_company, "corporate_email": corporate.astype(bool),
    }, index=leads.index)
    out["score_inputs"] = inputs.to_dict("records")
    return out
