"""Tier and decision per compared pair (the QA-gate spec's tiered match).

Tier A: the same non-shared email key or phone. Auto-merge, unless the names or dates of birth conflict
(a household line, an address passed on), then review; a key contested in the file (guards.py) needs
evidence beyond it.
Tier B: company domain + first + last name, the same non-shared device, or the model on every identity
column (date of birth, street, locality, company...) with two of them agreeing. The model decides:
auto-merge at or above `tier_b_auto_merge` (unless the two leads give different work mailboxes at that
domain), review above `tier_b_review_floor`, otherwise no match.
Tier C: similar names at the same company (or, without any company, at the same postal code or city)
and no region conflict, or any pair the model puts at `review_floor`. Review at or above `tier_c_review`,
never automatic. No pair below `review_floor` goes to review.
Pairs that reach no tier are dropped: blocking proposes many pairs that no rule would ever act on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from leadgate_dagster.core.identity.comparisons import COMPARISONS, Comparisons
from leadgate_dagster.core.identity.model import MatchModel, Scores
from leadgate_dagster.core.identity.settings import IdentitySettings

TIER_RANK = {"A": 0, "B": 1, "C": 2}


def _lv(field: str, level: str) -> int:
    return COMPARISONS[field].index(level)


def _probability(bits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.clip(bits, -60, 60)))


def guarded_probability(comparisons: Comparisons, scores: Scores) -> np.ndarray:
    """The probability without the weight of the strongest key that joins the pair only as a contested key
    (guards.py): the evidence beyond that key. Two contested keys agreeing (a site's phone and its address)
    still count once."""
    fx, contributions = comparisons.facts, scores.contributions
    total = scores.intercept_bits + contributions.sum(axis=1).to_numpy()
    joined = [np.where(fx[flag].to_numpy(), contributions[field].to_numpy(), 0.0)
              for field, flag in (("email", "contested_email"), ("phone", "contested_phone"),
                                  ("street", "contested_street"))]
    return _probability(total - np.maximum.reduce(joined))


def assign_tiers(comparisons: Comparisons, scores: Scores, settings: IdentitySettings) -> pd.DataFrame:
    """Tier ('A' | 'B' | 'C' | None) and decision ('auto_merge' | 'review' | 'no_match') per pair.

    Tier A: the same non-shared email or phone; auto unless the names or dates of birth conflict, and, when
    the key is contested in the file, only if the evidence beyond it reaches `contested_key_auto_merge`.
    Tier B: domain + first + last name, the same device, or the model alone: probability (beyond contested
    keys) at or above `model_auto_merge` with two agreeing pieces of evidence (the whole name counts as one),
    one of them the whole name, the date of birth or the street;
    auto at
    `tier_b_auto_merge` (the model alone: `model_auto_merge`), not with two work mailboxes at one domain,
    conflicting names or dates of birth.
    Tier C: similar names at one company or place, or any pair at `review_floor`: review only.
    No pair below `review_floor` (beyond contested keys) is reviewed, except tier B domain + name / device
    pairs, reviewed down to `tier_b_review_floor`; a proven conflict of dates of birth or sites never is.

    Args:
        comparisons: levels and facts of the candidate pairs.
        scores: the model's scores of the pairs.
        settings: the thresholds.

    Returns:
        A DataFrame aligned with the pairs: tier, decision, trusted (names conflict, but the date of birth
        and street agree: clustering does not refuse the edge for its names).
    """
    lv, fx = comparisons.levels, comparisons.facts
    probability = scores.probability
    guarded = guarded_probability(comparisons, scores)
    first, last = lv["first_name"].to_numpy(), lv["last_name"].to_numpy()
    contested = (fx["contested_email"] | fx["contested_phone"]).to_numpy()
    tier_a = (fx["email_exact"] | fx["phone_exact"]).to_numpy()
    same_name = np.isin(first, [_lv("first_name", "exact"), _lv("first_name", "nickname")]) & (
        last == _lv("last_name", "exact")
    )
    dob_agrees = np.isin(lv["date_of_birth"].to_numpy(), [_lv("date_of_birth", "exact"),
                                                           _lv("date_of_birth", "transposed")])
    street_agrees = np.isin(lv["street"].to_numpy(), [_lv("street", "exact"), _lv("street", "similar")])
    name_differs = [lv[f].to_numpy() == _lv(f, "different") for f in ("first_name", "last_name")]
    # a misspelt first name or another surname beside the same date of birth and street, and no personal email
    # or phone disagreeing, is one person (typos, marriage); twins differ by first name, so they stay apart
    overridden = (fx["name_conflict"].to_numpy() & dob_agrees & street_agrees & ~name_differs[0]
                  & (lv["email"].to_numpy() != _lv("email", "different"))
                  & (lv["phone"].to_numpy() != _lv("phone", "different")))
    agreeing = (
        (dob_agrees | (lv["date_of_birth"].to_numpy() == _lv("date_of_birth", "typo"))).astype(int)
        + street_agrees
        + np.isin(lv["locality"].to_numpy(), [_lv("locality", "postal"), _lv("locality", "city")])
        + fx["company_match"].to_numpy()
        + tier_a
        + same_name
    )
    names_ok = (~name_differs[0] & ~name_differs[1]) | overridden
    # fuzzy names at one company and place stay tier C (review), as the spec has it: the model alone decides
    # only with the whole name, a date of birth or a street agreeing
    personal = same_name | dob_agrees | street_agrees
    by_model = (guarded >= settings.model_auto_merge) & (agreeing >= 2) & names_ok & personal
    classic = (fx["same_domain"].to_numpy() & same_name) | fx["device_exact"].to_numpy()
    tier_b = classic | by_model
    first_ok = (
        (first == _lv("first_name", "null"))
        | np.isin(
            first, [_lv("first_name", "exact"), _lv("first_name", "nickname"), _lv("first_name", "jw92")]
        )
        | (fx["s_first"].to_numpy() >= settings.tier_c_min_name_similarity)
    )
    last_ok = fx["s_last"].to_numpy() >= settings.tier_c_min_name_similarity
    place = np.isin(lv["locality"].to_numpy(), [_lv("locality", "postal"), _lv("locality", "city")])
    company_ok = fx["company_match"].to_numpy() | (fx["no_company"].to_numpy() & place)
    tier_c = (first_ok & last_ok & company_ok & ~fx["region_conflict"].to_numpy()) | (
        probability >= settings.review_floor)
    tier = np.select([tier_a, tier_b, tier_c], ["A", "B", "C"], "")
    name_conflict, other_conflict = fx["name_conflict"].to_numpy() & ~overridden, fx["dob_conflict"].to_numpy()
    conflict = name_conflict | other_conflict
    # one name at one company with two different work mailboxes is more often two namesakes than one
    # person with an alias; a reviewer can tell, the model (trained on few such pairs) cannot
    mailboxes = fx["other_mailbox"].to_numpy()
    # a reviewer sees what the evidence leaves open: an email or phone between conflicting names (DUP_NAME_CONFLICT),
    # a domain + name or device pair below auto-merge, and the model's near misses at `review_floor`; never a
    # proven conflict of dates of birth or sites
    open_question = ~other_conflict
    decision = np.select(
        [
            tier_a & ~conflict & ~contested,
            tier_a & ~conflict & (guarded >= settings.contested_key_auto_merge),
            classic & (guarded >= settings.tier_b_auto_merge) & ~mailboxes & ~conflict,
            by_model & ~mailboxes & ~conflict,
            tier_a & name_conflict & open_question & (guarded >= settings.review_floor),
            classic & (probability >= settings.tier_b_review_floor) & open_question & ~name_conflict,
            tier_b & (guarded >= settings.review_floor) & open_question & ~name_conflict,
            (tier == "C") & (guarded >= max(settings.review_floor, settings.tier_c_review)) & open_question
            & ~name_conflict,
        ],
        ["auto_merge", "auto_merge", "auto_merge", "auto_merge", "review", "review", "review", "review"],
        "no_match",
    )
    return pd.DataFrame({"tier": pd.Series(tier, dtype=object).replace("", None), "decision": decision,
                         "trusted": overridden})


def explain(comparisons: Comparisons, scores: Scores, model: MatchModel) -> np.ndarray:
    """One short line per pair: each compared field with its level and weight in bits, then the notes
    that changed the outcome (swapped names, shared keys ignored, conflicting names).

    A line depends only on the pair's levels and four facts, and a batch has few distinct combinations of
    them, so each distinct line is built once and shared by the pairs that have it.
    """
    lv, fx = comparisons.levels, comparisons.facts
    code = np.zeros(len(lv), dtype=np.int64)  # one number per distinct line (< 2**30 with today's fields)
    for f in model.fields:
        code = code * len(f.levels) + lv[f.name].to_numpy(dtype=np.int64)
    shared, shared_kinds = pd.factorize(fx["shared_ignored"].to_numpy(dtype=object), use_na_sentinel=False)
    code = code * (len(shared_kinds) + 1) + shared
    contested = fx["contested_email"] | fx["contested_phone"] | fx["contested_street"]
    for flag in (fx["swapped"], fx["name_conflict"], fx["other_mailbox"], fx["dob_conflict"], contested):
        code = code * 2 + np.asarray(flag, dtype=np.int64)
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    distinct = Comparisons(
        levels=lv.iloc[first].reset_index(drop=True), facts=fx.iloc[first].reset_index(drop=True)
    )
    return _lines(distinct, model)[inverse.reshape(-1)]


def _lines(comparisons: Comparisons, model: MatchModel) -> np.ndarray:
    """The line of each (distinct) comparison: plain string joins, as there are few distinct lines."""
    labels = {f.name: ["" if lv == "null" else f"{f.name}={lv} {w:+.1f}; " for lv, w in zip(f.levels, f.weights, strict=False)]
              for f in model.fields}
    levels = [(labels[f.name], comparisons.levels[f.name].to_numpy(dtype=np.int64).tolist()) for f in model.fields]
    fx = comparisons.facts
    contested = (fx["contested_email"] | fx["contested_phone"] | fx["contested_street"]).tolist()
    notes = zip(fx["swapped"].tolist(), fx["shared_ignored"].tolist(), fx["name_conflict"].tolist(),
                fx["other_mailbox"].tolist(), fx["dob_conflict"].tolist(), contested, strict=True)
    out = []
    for i, (swapped, shared, conflict, other_mailbox, dob_conflict, disputed) in enumerate(notes):
        text = "".join(label[lv[i]] for label, lv in levels).rstrip("; ")
        text += " | first/last swapped" if swapped else ""
        text += f" | shared {shared} ignored" if shared != "" else ""
        text += " | names conflict" if conflict else ""
        text += " | different work mailboxes" if other_mailbox else ""
        text += " | dates of birth or sites conflict" if dob_conflict else ""
        text += " | joined by a contested key" if disputed else ""
        out.append(text)
    return np.array(out, dtype=object)
