"""Clusters of records that are one person: union-find over auto-merge edges only.

Plain connected components chain strangers together: one anonymous record that shares info@ with
Jane and a phone with John joins them. So edges are applied strongest first (tier A before B, higher
probability first, then by record id, never by arrival order) and an edge that would join two
clusters whose names conflict is refused and becomes a review item. The result depends on the set of
records, not on their order; only the person id follows the earliest record in input order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from leadgate_dagster.core.identity.names import names_conflict
from leadgate_dagster.core.identity.places import dob_level

Name = tuple[str | None, str | None, str | None]  # first, last, date of birth


def variants_conflict(x: Name, y: Name, min_similarity: float, within_days: int) -> bool:
    """Whether two records' (first, last, date of birth) say two people: the dates of birth differ, or the
    names conflict and no shared date of birth vouches for them being one person with a misspelt name."""
    if x[2] and y[2] and len(x[2]) == len(y[2]) == 10:
        if dob_level(x[2], y[2], within_days) == "different":
            return True
        if x[2] == y[2]:
            return False
    return names_conflict(x[0], x[1], y[0], y[1], min_similarity)


def person_id(record_id: str) -> str:
    """Opaque, stable person id derived from the id of the person's earliest record."""
    return "p_" + hashlib.sha256(record_id.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Clusters:
    """root: cluster label per record position (the position of the cluster's earliest record);
    accepted: per candidate edge, whether it was applied (False means refused for conflicting names)."""

    root: np.ndarray
    accepted: np.ndarray


def cluster_records(
    n: int,
    edges: np.ndarray,
    order: np.ndarray,
    names: list[Name],
    mailboxes: list[str | None],
    *,
    min_similarity: float,
    within_days: int = 10,
    trusted: np.ndarray | None = None,
) -> Clusters:
    """Apply auto-merge edges in the given order, refusing those that would join conflicting names or two
    different personal mailboxes at one company domain (the tier B rule, kept across chains of merges).

    Args:
        n: number of records.
        edges: (k, 2) record positions of the auto-merge edges.
        order: the order to apply them in (strongest first, order-independent tie-breaks).
        names: normalized (first, last, date of birth) per record position.
        mailboxes: the personal work email key per record position (None for none, role or shared).
        min_similarity: the name-conflict similarity of the ruleset.
        within_days: dates of birth further apart (and no typo or transposition) conflict.
        trusted: per edge, whether its own evidence (same date of birth and street) outweighs its names, so
            the names of the two clusters are not held against it.

    Returns:
        The clusters, labelled by their earliest record position.
    """
    parent = list(range(n))
    variants: dict[int, set[Name]] = {}
    boxes: dict[int, dict[str, str]] = {}
    accepted = np.zeros(len(edges), dtype=bool)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def names_of(root: int) -> set[Name]:
        if root not in variants:
            variants[root] = {names[root]} if names[root] != (None, None, None) else set()
        return variants[root]

    def boxes_of(root: int) -> dict[str, str]:
        if root not in boxes:
            box = mailboxes[root]
            boxes[root] = {box.split("@")[1]: box} if box else {}
        return boxes[root]

    for k in order:
        a, b = find(int(edges[k, 0])), find(int(edges[k, 1]))
        if a == b:
            accepted[k] = True
            continue
        va, vb = names_of(a), names_of(b)
        ba, bb = boxes_of(a), boxes_of(b)
        if any(ba[d] != bb[d] for d in ba.keys() & bb.keys()):
            continue
        if (trusted is None or not trusted[k]) and any(
                variants_conflict(x, y, min_similarity, within_days) for x in va for y in vb):
            continue
        keep, gone = (a, b) if a < b else (b, a)  # the earlier record's root survives
        parent[gone] = keep
        variants[keep] = va | vb
        boxes[keep] = ba | bb
        variants.pop(gone, None)
        boxes.pop(gone, None)
        accepted[k] = True
    root = np.fromiter((find(i) for i in range(n)), dtype=np.int64, count=n)
    return Clusters(root=root, accepted=accepted)
