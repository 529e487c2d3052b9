"""Incremental matching: one batch against itself and the graph's candidate leads, with the engine's pieces.

The engine (`core/identity`) resolves a closed set of records. Here the set is the batch plus the existing
leads that Postgres' indexes proposed as candidates (and the other leads of their persons), with two
differences: existing leads start out joined to their person (the graph's past decisions are not re-judged:
pairs of two existing leads are dropped), and keys the graph already knows as shared stay shared. Edges are
applied strongest first with the engine's refusals (conflicting names, two work mailboxes at one domain), so
a new lead that proves two existing persons are one person merges them, and nothing else does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from leadgate_dagster.core.identity.blocking import candidate_pairs
from leadgate_dagster.core.identity.clustering import person_id
from leadgate_dagster.core.identity.comparisons import compare_pairs, personal_mailboxes
from leadgate_dagster.core.identity.keys import has_shared_key, shared_keys
from leadgate_dagster.core.identity.model import MatchModel
from leadgate_dagster.core.identity.names import names_conflict
from leadgate_dagster.core.identity.settings import IdentitySettings
from leadgate_dagster.core.identity.tiers import TIER_RANK, assign_tiers, explain

REVIEW_CODES = {"A": "DUP_NAME_CONFLICT", "B": "DUP_TIER_B", "C": "DUP_TIER_C"}


@dataclass(frozen=True)
class Merge:
    """Two existing persons proven one by this batch; the evidence is the chain of edges that joined them."""

    survivor: str
    absorbed: str
    tier: str
    probability: float
    evidence: dict[str, Any]


@dataclass
class MatchPlan:
    """links: per batch lead (index = lead id): person_id, decision, duplicate_of, tier, probability, evidence,
    codes (list of reason codes). reviews: lead_id, candidate_person_id, candidate_lead_id, tier, probability,
    explanation. new_persons: (person_id, first_lead_id). keys: the engine's keys of every record."""

    links: pd.DataFrame
    reviews: pd.DataFrame
    merges: list[Merge] = field(default_factory=list)
    new_persons: list[tuple[str, str]] = field(default_factory=list)
    keys: pd.DataFrame = field(default_factory=pd.DataFrame)
    shared: pd.DataFrame = field(default_factory=pd.DataFrame)


def plan_matches(keys: pd.DataFrame, existing: pd.Series, graph_shared: pd.DataFrame, *,
                 settings: IdentitySettings, model: MatchModel) -> MatchPlan:
    """Decide where each new lead of `keys` belongs.

    Args:
        keys: the engine's keys (`build_keys`), index = lead id, rows in arrival order: existing candidates first.
        existing: person id per existing lead of keys (index = lead id); the other rows are the batch.
        graph_shared: key_type, key, distinct_names of keys the graph (with this batch) holds as shared.
        settings: the ruleset's identity settings.
        model: the match model the ruleset names.

    Returns:
        Links, merges of existing persons, review items and new persons.
    """
    ids = keys.index.astype(str).to_numpy(dtype=object)
    n = len(ids)
    person_of = existing.reindex(keys.index).to_numpy(dtype=object)
    is_new = pd.isna(person_of)
    shared = pd.concat([shared_keys(keys, settings), graph_shared], ignore_index=True)
    shared = shared.drop_duplicates(["key_type", "key"], ignore_index=True)
    id_rank = pd.factorize(ids, sort=True)[0].astype(np.int64)
    pairs = candidate_pairs(keys, shared, id_rank, settings)
    pairs = pairs[is_new[pairs[:, 0]] | is_new[pairs[:, 1]]]  # the graph's past decisions stand
    flip = id_rank[pairs[:, 0]] > id_rank[pairs[:, 1]]
    pairs[flip] = pairs[flip][:, ::-1]
    comparisons = compare_pairs(keys, pairs, shared, settings)
    scores = model.score(comparisons.levels)
    judged = assign_tiers(comparisons, scores.probability, settings)
    keep = judged["tier"].notna().to_numpy()
    edges = pd.DataFrame({"a": pairs[keep, 0], "b": pairs[keep, 1], "tier": judged["tier"].to_numpy()[keep],
                          "probability": scores.probability[keep], "decision": judged["decision"].to_numpy()[keep],
                          "explanation": explain(comparisons, scores, model)[keep]})
    contributions = scores.contributions[keep].reset_index(drop=True).round(2)
    edges["rank"] = edges["tier"].map(TIER_RANK)
    root, accepted = _cluster(n, person_of, edges, id_rank, keys, shared, settings)
    edges["accepted"] = accepted
    edges.loc[(edges["decision"] == "auto_merge") & ~edges["accepted"], "decision"] = "review"
    return _plan(ids, person_of, is_new, root, edges, contributions, keys, shared)


def _cluster(n: int, person_of: np.ndarray, edges: pd.DataFrame, id_rank: np.ndarray, keys: pd.DataFrame,
             shared: pd.DataFrame, settings: IdentitySettings) -> tuple[np.ndarray, np.ndarray]:
    """Union-find seeded with the graph's persons; auto edges strongest first, conflicts refused."""
    parent = np.arange(n)
    first_of: dict[str, int] = {}
    for pos in np.flatnonzero(~pd.isna(person_of)):
        parent[pos] = first_of.setdefault(person_of[pos], pos)
    names = list(zip(keys["first"], keys["last"]))
    boxes_raw = personal_mailboxes(keys, shared)
    variants: dict[int, set[Any]] = {}
    boxes: dict[int, dict[str, str]] = {}
    for pos in range(n):
        r = int(parent[pos])
        if names[pos] != (None, None):
            variants.setdefault(r, set()).add(names[pos])
        if boxes_raw[pos]:
            boxes.setdefault(r, {})[boxes_raw[pos].split("@")[1]] = boxes_raw[pos]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = int(parent[x])
        return x

    accepted = np.zeros(len(edges), dtype=bool)
    auto = np.flatnonzero(edges["decision"].to_numpy() == "auto_merge")
    lo, hi = np.sort(id_rank[edges[["a", "b"]].to_numpy()[auto]], axis=1).T if len(auto) else ([], [])
    order = auto[np.lexsort((hi, lo, -edges["probability"].to_numpy()[auto], edges["rank"].to_numpy()[auto]))]
    for k in order:
        a, b = find(int(edges.at[k, "a"])), find(int(edges.at[k, "b"]))
        if a == b:
            accepted[k] = True
            continue
        va, vb, ba, bb = variants.get(a, set()), variants.get(b, set()), boxes.get(a, {}), boxes.get(b, {})
        if any(ba[d] != bb[d] for d in ba.keys() & bb.keys()):
            continue
        if any(names_conflict(x[0], x[1], y[0], y[1], settings.name_conflict_similarity) for x in va for y in vb):
            continue
        keep, gone = (a, b) if a < b else (b, a)  # the earlier arrival's root survives
        parent[gone] = keep
        variants[keep], boxes[keep] = va | vb, ba | bb
        accepted[k] = True
    return np.fromiter((find(i) for i in range(n)), dtype=np.int64, count=n), accepted


def _plan(ids: np.ndarray, person_of: np.ndarray, is_new: np.ndarray, root: np.ndarray, edges: pd.DataFrame,
          contributions: pd.DataFrame, keys: pd.DataFrame, shared: pd.DataFrame) -> MatchPlan:
    """Persons, merges, links and review items from the clustering, column-wise (no per-lead frame filters)."""
    n = len(ids)
    first = pd.Series(np.arange(n)).groupby(root).transform("min").to_numpy()  # each cluster's earliest position
    joined = edges[edges["accepted"] & (root[edges["a"]] == root[edges["b"]])]
    known = pd.DataFrame({"root": root[~is_new], "person": person_of[~is_new]}).drop_duplicates()  # arrival order
    survivor = known.drop_duplicates("root").set_index("root")["person"]  # the person whose lead came first
    final = pd.Series(root).map(survivor).to_numpy(dtype=object)
    merges: list[Merge] = []
    for r, persons in known[known["root"].duplicated(keep=False)].groupby("root", sort=False)["person"]:
        chain = joined[root[joined["a"]] == r]
        merges += [_merge(persons.iloc[0], absorbed, chain, contributions, ids) for absorbed in persons.iloc[1:]]
    unset = pd.isna(final)
    final[unset] = [person_id(str(ids[f])) for f in first[unset]]
    new_persons = [(person_id(str(ids[p])), str(ids[p])) for p in np.flatnonzero(unset & (first == np.arange(n)))]

    order = ["me", "later", "rank", "probability", "other"]
    both = _directed(joined)
    both = both[is_new[both["me"].to_numpy()]].assign(later=lambda d: d["other"] > d["me"])
    best = both.sort_values(order, ascending=[True, True, True, False, True]).drop_duplicates("me").set_index("me")
    best = best[best.index.to_numpy() != first[best.index.to_numpy()]]  # the cluster's first lead joined nobody earlier
    review = _directed(edges[(edges["decision"] == "review") & (root[edges["a"]] != root[edges["b"]])])
    review = review[(review["other"] < review["me"]) & is_new[review["me"].to_numpy()] & ~review["me"].isin(best.index)]
    review = review.assign(person=final[review["other"].to_numpy()]).sort_values(
        ["me", "rank", "probability", "other"], ascending=[True, True, False, True])
    review = review.drop_duplicates(["me", "person"])
    first_review = review.drop_duplicates("me").set_index("me")["tier"]
    shared_rows = has_shared_key(keys, shared)

    new_pos = np.flatnonzero(is_new)
    merged = np.isin(new_pos, best.index)
    b = best.reindex(new_pos)
    tier = b["tier"].to_numpy(dtype=object)
    decision = np.where(merged, "auto_merge", np.where(np.isin(new_pos, first_review.index), "review", "new"))
    codes = [[*([("DUP_TIER_A" if t == "A" else "DUP_TIER_B")] if m else []),
              *([REVIEW_CODES[first_review[p]]] if (not m and p in first_review.index) else []),
              *(["DUP_SHARED_KEY"] if shared_rows[p] else [])]
             for p, m, t in zip(new_pos, merged, tier, strict=True)]
    other = b["other"].to_numpy()
    link_df = pd.DataFrame({
        "lead_id": ids[new_pos], "person_id": final[new_pos], "decision": decision,
        "duplicate_of": [ids[int(o)] if m else None for o, m in zip(other, merged, strict=True)],
        "tier": np.where(merged, tier, None),
        "probability": [float(p) if m else None for p, m in zip(b["probability"], merged, strict=True)],
        "evidence": np.where(merged, b["explanation"].to_numpy(dtype=object), None),
        "codes": codes}).set_index("lead_id", drop=False)
    review_df = pd.DataFrame({
        "lead_id": ids[review["me"].to_numpy()], "candidate_person_id": review["person"].to_numpy(),
        "candidate_lead_id": ids[review["other"].to_numpy()], "tier": review["tier"].to_numpy(),
        "probability": review["probability"].astype(float).to_numpy(), "explanation": review["explanation"].to_numpy()})
    return MatchPlan(links=link_df, reviews=review_df, merges=merges, new_persons=new_persons, keys=keys,
                     shared=shared)


def _directed(edges: pd.DataFrame) -> pd.DataFrame:
    """Each edge once from each end: `me` and `other` positions."""
    return pd.concat([edges.assign(me=edges["a"], other=edges["b"]), edges.assign(me=edges["b"], other=edges["a"])],
                     ignore_index=True)


def _merge(survivor: str, absorbed: str, chain: pd.DataFrame, contributions: pd.DataFrame, ids: np.ndarray) -> Merge:
    """The merge's tier and probability are its weakest link's: a chain is only as strong as that edge."""
    weakest = chain.sort_values(["rank", "probability"], ascending=[False, True]).iloc[0]
    evidence = {"edges": [{"id_l": ids[int(e.a)], "id_r": ids[int(e.b)], "tier": e.tier,
                           "probability": round(float(e.probability), 6), "explanation": e.explanation,
                           "contributions_bits": contributions.loc[e.Index].to_dict()}
                          for e in chain.itertuples()]}
    return Merge(survivor, absorbed, str(weakest["tier"]), float(weakest["probability"]), evidence)
