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
from leadgate_dagster.core.identity.keys import build_keys, shared_keys
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


def plan_matches(frame: pd.DataFrame, existing: pd.Series, graph_shared: pd.DataFrame, *,
                 settings: IdentitySettings, model: MatchModel) -> MatchPlan:
    """Decide where each new lead of `frame` belongs.

    Args:
        frame: raw identity fields, index = lead id, rows in arrival order: existing candidates first.
        existing: person id per existing lead of frame (index = lead id); the other rows are the batch.
        graph_shared: key_type, key, distinct_names of keys the graph (with this batch) holds as shared.
        settings: the ruleset's identity settings.
        model: the match model the ruleset names.

    Returns:
        Links, merges of existing persons, review items and new persons.
    """
    ids = frame.index.astype(str).to_numpy(dtype=object)
    n = len(ids)
    person_of = existing.reindex(frame.index).to_numpy(dtype=object)
    is_new = pd.isna(person_of)
    keys = build_keys(frame, settings)
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
    n = len(ids)
    clusters: dict[int, list[int]] = {}
    for pos in range(n):
        clusters.setdefault(int(root[pos]), []).append(pos)  # positions ascend: arrival order
    final = np.empty(n, dtype=object)
    merges: list[Merge] = []
    new_persons: list[tuple[str, str]] = []
    joined = edges[edges["accepted"] & (root[edges["a"]] == root[edges["b"]])]
    for r, members in clusters.items():
        persons = list(dict.fromkeys(person_of[p] for p in members if not is_new[p]))
        if persons:
            survivor = persons[0]  # the person whose lead arrived first
            chain = joined[root[joined["a"]] == r]
            for absorbed in persons[1:]:
                merges.append(_merge(survivor, absorbed, chain, contributions, ids))
        else:
            survivor = person_id(str(ids[members[0]]))
            new_persons.append((survivor, str(ids[members[0]])))
        final[members] = survivor
    links, reviews = [], []
    both = pd.concat([joined.assign(me=joined["a"], other=joined["b"]), joined.assign(me=joined["b"], other=joined["a"])])
    review = edges[(edges["decision"] == "review") & (root[edges["a"]] != root[edges["b"]])]
    review = pd.concat([review.assign(me=review["a"], other=review["b"]), review.assign(me=review["b"], other=review["a"])])
    review = review[review["other"] < review["me"]]
    shared_sets = {t: set(shared.loc[shared["key_type"] == t, "key"]) for t in ("email", "phone", "device")}
    for pos in np.flatnonzero(is_new):
        mine = both[both["me"] == pos].sort_values(["rank", "probability", "other"], ascending=[True, False, True])
        earlier = mine[mine["other"] < pos]
        best = (earlier if len(earlier) else mine).head(1)
        merged = bool(len(mine)) and clusters[int(root[pos])][0] != pos
        codes = []
        if merged:
            e = best.iloc[0]
            codes.append("DUP_TIER_A" if e["tier"] == "A" else "DUP_TIER_B")
            links.append((ids[pos], final[pos], "auto_merge", ids[int(e["other"])], e["tier"], float(e["probability"]),
                          e["explanation"]))
        else:
            cands = review[review["me"] == pos].sort_values(["rank", "probability", "other"],
                                                            ascending=[True, False, True])
            seen: set[str] = set()
            for e in cands.itertuples():
                other_person = final[int(e.other)]
                if other_person in seen:
                    continue
                seen.add(other_person)
                reviews.append((ids[pos], other_person, ids[int(e.other)], e.tier, float(e.probability), e.explanation))
            if len(cands):
                codes.append(REVIEW_CODES[cands.iloc[0]["tier"]])
            links.append((ids[pos], final[pos], "review" if len(cands) else "new", None, None, None, None))
        if _has_shared(keys.iloc[pos], shared_sets):
            codes.append("DUP_SHARED_KEY")
        links[-1] = (*links[-1], codes)
    link_df = pd.DataFrame(links, columns=["lead_id", "person_id", "decision", "duplicate_of", "tier", "probability",
                                           "evidence", "codes"]).set_index("lead_id", drop=False)
    review_df = pd.DataFrame(reviews, columns=["lead_id", "candidate_person_id", "candidate_lead_id", "tier",
                                               "probability", "explanation"])
    return MatchPlan(links=link_df, reviews=review_df, merges=merges, new_persons=new_persons, keys=keys,
                     shared=shared)


def _merge(survivor: str, absorbed: str, chain: pd.DataFrame, contributions: pd.DataFrame, ids: np.ndarray) -> Merge:
    """The merge's tier and probability are its weakest link's: a chain is only as strong as that edge."""
    weakest = chain.sort_values(["rank", "probability"], ascending=[False, True]).iloc[0]
    evidence = {"edges": [{"id_l": ids[int(e.a)], "id_r": ids[int(e.b)], "tier": e.tier,
                           "probability": round(float(e.probability), 6), "explanation": e.explanation,
                           "contributions_bits": contributions.loc[e.Index].to_dict()}
                          for e in chain.itertuples()]}
    return Merge(survivor, absorbed, str(weakest["tier"]), float(weakest["probability"]), evidence)


def _has_shared(row: pd.Series, shared: dict[str, set[str]]) -> bool:
    return (row["email"] in shared["email"] or row["phone_1"] in shared["phone"] or row["phone_2"] in shared["phone"]
            or row["device_1"] in shared["device"] or row["device_2"] in shared["device"])
