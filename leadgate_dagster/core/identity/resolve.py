"""Resolve identities across a batch of leads: who is the same person, and how sure are we.

The whole engine in one call, as plain DataFrames so the identity graph can write them set-based:
keys and shared keys, blocking, comparisons, model scores, tiers, constrained clustering, and one
assignment per record in the `leadgate dedupe` vocabulary (new / auto_merge / review).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from leadgate_dagster.core.identity.candidates import block_batch
from leadgate_dagster.core.identity.clustering import cluster_records, person_id
from leadgate_dagster.core.identity.estimation import estimate_model
from leadgate_dagster.core.identity.judging import judge_pairs
from leadgate_dagster.core.identity.key_codes import code_keys
from leadgate_dagster.core.identity.keys import has_shared_key, personal_mailboxes
from leadgate_dagster.core.identity.model import MatchModel
from leadgate_dagster.core.identity.settings import IdentitySettings
from leadgate_dagster.core.identity.tiers import TIER_RANK
from leadgate_dagster.core.ruleset import Ruleset

ASSIGNMENT_COLUMNS = ["person_id", "decision", "matched_to", "tier", "probability", "reason_codes"]
_CODES = {
    ("auto_merge", "A"): "DUP_TIER_A",
    ("auto_merge", "B"): "DUP_TIER_B",
    ("review", "A"): "DUP_NAME_CONFLICT",
    ("review", "B"): "DUP_TIER_B",
    ("review", "C"): "DUP_TIER_C",
}
PAIR_COLUMNS = ["id_l", "id_r", "tier", "probability", "decision", "explanation"]


@dataclass(frozen=True)
class IdentityResolution:
    """The outcome for one batch.

    assignments: index = record id (input order); person_id, decision ('new' | 'auto_merge' | 'review'),
        matched_to (record id of the best candidate or None), tier, probability, reason_codes (";"-separated
        DUP_* codes of the reason catalogue, "" when none).
    pairs: the tiered candidate pairs, id_l earlier than id_r in input order; tier, probability,
        decision ('auto_merge' | 'review' | 'no_match'), explanation.
    contributions: bits per compared field for each row of pairs (same index), the evidence to log.
    keys: normalized identity keys per record (index = record id), for the graph's key tables.
    shared_keys: key_type, key, distinct_names of the keys that stopped counting as evidence.
    model_version: the model that judged (the shipped one, or "<shipped>+em.<hash>" when estimated here).
    model_report: what estimation did (estimation.Estimate.report); blocking: (rule, pairs, bound) per rule.
    """

    assignments: pd.DataFrame
    pairs: pd.DataFrame
    contributions: pd.DataFrame
    keys: pd.DataFrame
    shared_keys: pd.DataFrame
    model_version: str
    ruleset_version: str
    model_report: dict[str, Any] = dataclasses.field(default_factory=dict)
    blocking: list[tuple[str, int, int]] = dataclasses.field(default_factory=list)


def resolve_identities(
    leads: pd.DataFrame,
    *,
    rules: Ruleset,
    model: MatchModel,
    ip_key: bytes | None = None,
    workers: int = 1,
    estimate: bool = False,
) -> IdentityResolution:
    """Group a batch of leads into persons.

    Args:
        leads: index = record id (str, unique, input order); columns among first_name, last_name, full_name,
            email, phone, mobile, company, website, city, region, postal_code, country, device_fingerprint,
            cookie_id, ip (None for missing; any may be absent).
        rules: the active ruleset; its `identity` section holds every threshold.
        model: the match model named by the ruleset (`identity.model`).
        ip_key: secret for the keyed IP hash; without it no IP key is computed.
        workers: processes computing keys and judging candidate pairs side by side (whole-file dedupe;
            the result does not depend on it).
        estimate: estimate the model's parameters from these records first (estimation.py), with `model`
            as prior and fallback; a whole file is estimated on itself, a pipeline batch never is.

    Returns:
        Assignments per record, the judged pairs with explanations, and the keys behind them.

    Raises:
        ValueError: when the model is not the one the ruleset names, or record ids are not unique.
    """
    settings = IdentitySettings.from_ruleset(rules)
    if model.version.split("+")[0] != settings.model.removeprefix("identity_model_"):
        raise ValueError(f"ruleset {rules.version} names model {settings.model}, got version {model.version}")
    batch = block_batch(leads, settings=settings, ip_key=ip_key, workers=workers)
    table = code_keys(batch.keys, batch.shared, batch.contested, tf_min_count=settings.estimation.tf_min_count)
    report: dict[str, Any] = {"estimated": False, "reason": "not asked", "model": model.version}
    if estimate:
        found = estimate_model(table, batch.samples, batch.pairs, model, settings)
        model, report = found.model, found.report
    judged = judge_pairs(table, batch.pairs, model=model, settings=settings, workers=workers)
    batch = dataclasses.replace(batch, pairs=batch.pairs[:0].copy(), samples={})  # all judged: free them
    ids = leads.index.astype(str).to_numpy(dtype=object)
    pos = np.sort(judged.pairs, axis=1)  # report and cluster in input order: id_l arrived first
    pairs = pd.DataFrame(
        {
            "pos_l": pos[:, 0],
            "pos_r": pos[:, 1],
            "tier": judged.tier,
            "probability": judged.probability,
            "decision": judged.decision,
            "explanation": judged.explanation,
        }
    )
    contributions = judged.contributions
    pairs["rank"] = pairs["tier"].map(TIER_RANK)
    auto = np.flatnonzero(pairs["decision"].to_numpy() == "auto_merge")
    lo, hi = np.sort(batch.id_rank[pos[auto]], axis=1).T
    strength = np.lexsort((hi, lo, -pairs["probability"].to_numpy()[auto], pairs["rank"].to_numpy()[auto]))
    names = list(zip(batch.keys["first"], batch.keys["last"], batch.keys["dob"], strict=False))
    clusters = cluster_records(
        len(leads),
        pos[auto],
        strength,
        names,
        personal_mailboxes(batch.keys, batch.shared),
        min_similarity=settings.name_conflict_similarity,
        within_days=settings.dob_within_days,
        trusted=judged.trusted[auto],
    )
    refused = auto[~clusters.accepted]
    pairs.loc[refused, "decision"] = "review"
    pairs.loc[refused, "explanation"] = (
        pairs.loc[refused, "explanation"] + " | would join conflicting names or mailboxes"
    )
    assignments = _assign(ids, clusters.root, pairs)
    codes = pd.Series(list(zip(assignments["decision"], assignments["tier"], strict=False)), index=assignments.index).map(
        _CODES
    )
    shared = has_shared_key(batch.keys, batch.shared)
    assignments["reason_codes"] = (codes.fillna("") + np.where(shared, ";DUP_SHARED_KEY", "")).str.lstrip(";")
    out_pairs = pairs.assign(id_l=ids[pairs["pos_l"]], id_r=ids[pairs["pos_r"]])[PAIR_COLUMNS]
    return IdentityResolution(
        assignments=assignments,
        pairs=out_pairs,
        contributions=contributions,
        keys=batch.keys,
        shared_keys=batch.shared,
        model_version=model.version,
        ruleset_version=rules.version,
        model_report=report,
        blocking=batch.rules,
    )


def _best(candidates: pd.DataFrame) -> pd.DataFrame:
    """Per record, the strongest candidate: best tier, then highest probability, then earliest partner."""
    ordered = candidates.sort_values(
        ["rec", "rank", "probability", "other"], ascending=[True, True, False, True]
    )
    return ordered.drop_duplicates("rec").set_index("rec")


def _assign(ids: np.ndarray, root: np.ndarray, pairs: pd.DataFrame) -> pd.DataFrame:
    n = len(ids)
    both = pd.concat(
        [
            pairs.rename(columns={"pos_l": "rec", "pos_r": "other"}),
            pairs.rename(columns={"pos_r": "rec", "pos_l": "other"}),
        ],
        ignore_index=True,
    )
    both = both[["rec", "other", "rank", "tier", "probability", "decision"]]
    positions = np.arange(n)
    merged = root != positions
    linked = both[(both["decision"] == "auto_merge") & (root[both["rec"]] == root[both["other"]])]
    earlier = _best(linked[linked["other"] < linked["rec"]])
    any_link = _best(linked)
    review = both[
        (both["decision"] == "review")
        & (root[both["other"]] != root[both["rec"]])
        & (root[both["other"]] < both["rec"])
        & ~merged[both["rec"]]
    ]
    review_best = _best(review)
    out = pd.DataFrame(
        {
            "person_id": [person_id(str(ids[r])) for r in root],
            "decision": "new",
            "matched_to": None,
            "tier": None,
            "probability": np.nan,
        },
        index=pd.Index(ids, name="id"),
    )
    out = out.astype({"matched_to": object, "tier": object})
    for mask, best in ((merged, any_link), (merged, earlier), (~merged, review_best)):
        rows = np.intersect1d(np.flatnonzero(mask), best.index.to_numpy())
        chosen = best.loc[rows]
        out.iloc[rows, out.columns.get_loc("matched_to")] = ids[chosen["other"].to_numpy()]
        out.iloc[rows, out.columns.get_loc("tier")] = chosen["tier"].to_numpy()
        out.iloc[rows, out.columns.get_loc("probability")] = chosen["probability"].to_numpy()
    out.loc[merged, "decision"] = "auto_merge"
    out.loc[~merged & out["matched_to"].notna().to_numpy(), "decision"] = "review"
    return out
