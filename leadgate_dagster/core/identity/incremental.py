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
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from leadgate_dagster.core.identity.blocking import candidate_pairs
from leadgate_dagster.core.identity.clustering import person_id, variants_conflict
from leadgate_dagster.core.identity.comparisons import add_name_conflicts, compare_coded, personal_mailboxes
from leadgate_dagster.core.identity.guards import contested_keys
from leadgate_dagster.core.identity.key_codes import code_keys
from leadgate_dagster.core.identity.keys import has_shared_key, shared_keys
from leadgate_dagster.core.identity.model import MatchModel
from leadgate_dagster.core.identity.settings import IdentitySettings
from leadgate_dagster.core.identity.tiers import TIER_RANK, assign_tiers, explain

REVIEW_CODES = {"A": "DUP_NAME_CONFLICT", "B": "DUP_TIER_B", "C": "DUP_TIER_C"}
LINK_COLUMNS = ["lead_id", "person_id", "decision", "duplicate_of", "tier", "probability", "evidence", "codes"]


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
    contested = contested_keys(keys, shared, settings)
    table = code_keys(keys, shared, contested, tf_min_count=settings.estimation.tf_min_count,
                      tf_tables={k: dict(v) for k, v in model.tf_tables.items()} if model.tf_tables else None)
    comparisons = compare_coded(table, pairs, settings)
    scores = model.score(comparisons.levels, comparisons.facts)
    add_name_conflicts(comparisons, table, pairs, scores.probability >= settings.review_floor, settings)
    judged = assign_tiers(comparisons, scores, settings)
    keep = judged["tier"].notna().to_numpy()
    edges = pd.DataFrame({"a": pairs[keep, 0], "b": pairs[keep, 1], "tier": judged["tier"].to_numpy()[keep],
                          "probability": scores.probability[keep], "decision": judged["decision"].to_numpy()[keep],
                          "explanation": explain(comparisons, scores, model)[keep],
                          "trusted": judged["trusted"].to_numpy()[keep]})
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
    names = list(zip(keys["first"], keys["last"], keys["dob"], strict=False))
    boxes_raw = personal_mailboxes(keys, shared)
    variants: dict[int, set[Any]] = {}
    boxes: dict[int, dict[str, str]] = {}
    for pos in range(n):
        r = int(parent[pos])
        if names[pos] != (None, None, None):
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
        if not edges.at[k, "trusted"] and any(
                variants_conflict(x, y, settings.name_conflict_similarity, settings.dob_within_days)
                for x in va for y in vb):
            continue
        keep, gone = (a, b) if a < b else (b, a)  # the earlier arrival's root survives
        parent[gone] = keep
        variants[keep], boxes[keep] = va | vb, ba | bb
        accepted[k] = True
    return np.fromiter((find(i) for i in range(n)), dtype=np.int64, count=n), accepted


def _plan(ids: np.ndarray, person_of: np.ndarray, is_new: np.ndarray, root: np.ndarray, edges: pd.DataFrame,
          contributions: pd.DataFrame, keys: pd.DataFrame, shared: pd.DataFrame) -> MatchPlan:
    """Persons, merges, links and review items from the clustering, in one pass over leads and edges (plain
    Python: a one-lead batch must not pay pandas' per-call overhead, and a batch has few edges per lead)."""
    n, root_of, new = len(ids), root.tolist(), is_new.tolist()
    first: dict[int, int] = {}
    for pos, r in enumerate(root_of):
        first.setdefault(r, pos)  # each cluster's earliest position
    persons: dict[int, list[str]] = {}  # the graph's persons of each cluster, in arrival order
    for pos in np.flatnonzero(~is_new).tolist():
        found = persons.setdefault(root_of[pos], [])
        if person_of[pos] not in found:
            found.append(person_of[pos])
    final = [persons[r][0] if r in persons else person_id(str(ids[first[r]])) for r in root_of]
    new_persons = [(final[p], str(ids[p])) for p in range(n) if root_of[p] not in persons and first[root_of[p]] == p]

    cols = ["a", "b", "tier", "probability", "decision", "explanation", "rank", "accepted"]
    rows = [_Edge(k, *values) for k, values in enumerate(zip(*(edges[c].tolist() for c in cols), strict=True))]
    joined = [e for e in rows if e.accepted and root_of[e.a] == root_of[e.b]]
    merges = [_merge(found[0], absorbed, [e for e in joined if root_of[e.a] == r], contributions, ids)
              for r, found in persons.items() for absorbed in found[1:]]

    best: dict[int, tuple[tuple[Any, ...], _Edge, int]] = {}  # per new lead: the edge that joined it to its cluster
    for e in joined:
        for me, other in ((e.a, e.b), (e.b, e.a)):
            order = (other > me, e.rank, -e.probability, other)  # an earlier lead, the strongest tier, p, id
            if new[me] and (me not in best or order < best[me][0]):
                best[me] = (order, e, other)
    best = {me: v for me, v in best.items() if first[root_of[me]] != me}  # the cluster's first lead joined nobody
    proposed = sorted(((me, e.rank, -e.probability, other, e) for e in rows
                       if e.decision == "review" and root_of[e.a] != root_of[e.b]
                       for me, other in ((e.a, e.b), (e.b, e.a)) if other < me and new[me] and me not in best),
                      key=lambda r: r[:4])
    reviews: list[tuple[int, str, int, _Edge]] = []
    seen: set[tuple[int, str]] = set()
    for me, _, _, other, e in proposed:  # one review item per (lead, candidate person): its strongest pair
        if (me, final[other]) not in seen:
            seen.add((me, final[other]))
            reviews.append((me, final[other], other, e))
    first_review: dict[int, str] = {}
    for me, _, _, e in reviews:
        first_review.setdefault(me, e.tier)
    shared_rows = has_shared_key(keys, shared)

    links = []
    for p in np.flatnonzero(is_new).tolist():
        joined_by = best.get(p)
        e, other = (joined_by[1], joined_by[2]) if joined_by else (None, None)
        codes = [*(["DUP_TIER_A" if e.tier == "A" else "DUP_TIER_B"] if e else []),
                 *([REVIEW_CODES[first_review[p]]] if not e and p in first_review else []),
                 *(["DUP_SHARED_KEY"] if shared_rows[p] else [])]
        decision = "auto_merge" if e else ("review" if p in first_review else "new")
        links.append((str(ids[p]), final[p], decision, str(ids[other]) if e else None, e.tier if e else None,
                      float(e.probability) if e else None, e.explanation if e else None, codes))
    link_df = pd.DataFrame(links, columns=LINK_COLUMNS).set_index("lead_id", drop=False)
    review_df = pd.DataFrame({
        "lead_id": [str(ids[me]) for me, _, _, _ in reviews], "candidate_person_id": [p for _, p, _, _ in reviews],
        "candidate_lead_id": [str(ids[o]) for _, _, o, _ in reviews], "tier": [e.tier for _, _, _, e in reviews],
        "probability": np.array([e.probability for _, _, _, e in reviews], dtype=float),
        "explanation": [e.explanation for _, _, _, e in reviews]})
    return MatchPlan(links=link_df, reviews=review_df, merges=merges, new_persons=new_persons, keys=keys,
                     shared=shared)


class _Edge(NamedTuple):
    k: int  # row of the edge frame (and of contributions)
    a: int
    b: int
    tier: str
    probability: float
    decision: str
    explanation: str
    rank: int
    accepted: bool


def _merge(survivor: str, absorbed: str, chain: list[_Edge], contributions: pd.DataFrame, ids: np.ndarray) -> Merge:
    """The merge's tier and probability are its weakest link's: a chain is only as strong as that edge."""
    weakest = min(chain, key=lambda e: (-e.rank, e.probability))
    evidence = {"edges": [{"id_l": ids[e.a], "id_r": ids[e.b], "tier": e.tier,
                           "probability": round(float(e.probability), 6), "explanation": e.explanation,
                           "contributions_bits": contributions.loc[e.k].to_dict()}
                          for e in chain]}
    return Merge(survivor, absorbed, str(weakest.tier), float(weakest.probability), evidence)
