"""Owner assignment for a batch of routed leads, in order, deterministic given its inputs.

Per lead, the first that applies: the lead's own owner (a re-decision keeps it), the owner of another lead
of the same person (earlier in the store or in this batch), for ROUTE_AE the matched account's owner, else
the territory: the most specific pool of owners of the disposition's role (core.routing.territory) with
capacity left on the day they take the lead, overflowing to less specific pools when a pool is full. Within a
pool, owners in working hours now take the lead; when none is, those whose next shift starts first. Among
them a smooth weighted round robin (nginx's): every candidate gains its weight, the highest total takes the
lead and gives back the candidates' summed weight, so with equal weights the counts never differ by more than
one and with 2:1 weights the order interleaves A B A A B A rather than A A B. Its totals are kept per pool,
so leads of other territories do not disturb a pool's turn, and an owner coming back on shift resumes its
place instead of getting a burst.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from leadgate_dagster.core.routing.territory import NO_MATCH

PERSON, ACCOUNT, REVIEWER = "person", "account", "reviewer"
NO_OWNER = "NO_OWNER"  # the reason code of a routed lead no owner could take
ROLE_OF = {"ROUTE_SDR": "sdr", "ROUTE_AE": "ae"}


@dataclass(frozen=True, slots=True)
class Assignment:
    """`owners`: owner_email (None: no eligible owner), owner_rule and start (when the owner takes the lead)
    per request; `counted`: leads added to each owner's day; `rotation`: the pools' new totals."""

    owners: pd.DataFrame
    counted: Counter[str]
    rotation: dict[str, dict[str, float]]


@dataclass(slots=True)
class _Owner:
    email: str
    role: str
    weight: float
    capacity: float
    load: int
    in_hours: bool
    start: Any
    label: str


def pool_key(role: str, label: str, level: int, emails: list[str]) -> str:
    """A pool's name: readable head, and a digest of its members (another roster is another pool)."""
    digest = hashlib.sha1(f"{level}|{','.join(emails)}".encode()).hexdigest()[:12]
    return f"{role}:{label}:{digest}"


class _Rotation:
    def __init__(self, totals: dict[str, dict[str, float]]) -> None:
        self.totals = totals
        self.touched: set[str] = set()

    def pick(self, pool: str, candidates: list[_Owner]) -> _Owner:
        """Smooth weighted round robin among `candidates` (sorted by email: ties go to the first)."""
        cw = self.totals.setdefault(pool, {})
        self.touched.add(pool)
        best, best_total = candidates[0], float("-inf")
        for o in candidates:
            cw[o.email] = cw.get(o.email, 0.0) + o.weight
            if cw[o.email] > best_total:
                best, best_total = o, cw[o.email]
        cw[best.email] -= sum(o.weight for o in candidates)
        return best


def _levels(row: np.ndarray, owners: list[_Owner], role: str) -> list[tuple[int, list[_Owner]]]:
    """The pools covering one lead: (specificity, members sorted by email), most specific first."""
    by_level: dict[int, list[_Owner]] = {}
    for j in np.flatnonzero(row != NO_MATCH):
        if owners[j].role == role:
            by_level.setdefault(int(row[j]), []).append(owners[j])
    return [(lvl, sorted(by_level[lvl], key=lambda o: o.email)) for lvl in sorted(by_level, reverse=True)]


def _from_territory(levels: list[tuple[int, list[_Owner]]], role: str, rotation: _Rotation) -> _Owner | None:
    for level, members in levels:
        free = [o for o in members if o.load < o.capacity]
        if not free:
            continue  # the pool is full today: overflow to the next, broader one
        now = [o for o in free if o.in_hours]
        if not now:
            first = min(o.start for o in free)
            now = [o for o in free if o.start == first]
        return rotation.pick(pool_key(role, members[0].label, level, [o.email for o in members]), now)
    return None


def _fits(by_email: dict[str, _Owner], email: object, role: str) -> bool:
    """An active owner of the right role (the lead's own or its person's owner keeps it only then)."""
    return isinstance(email, str) and email in by_email and by_email[email].role == role


def assign_owners(requests: pd.DataFrame, scores: np.ndarray, owners: pd.DataFrame,
                  rotation: dict[str, dict[str, float]]) -> Assignment:
    """Assign an owner to each routed lead of `requests`, in row order.

    Args:
        requests: one row per routed lead: role (sdr | ae), person_id, kept_owner and kept_rule (the lead's
            current owner and its rule), person_owner (the owner of another lead of its person), account_owner.
        scores: requests x owners specificity (core.routing.territory.specificity).
        owners: the active owners: email, role, weight, daily_capacity (NaN: no limit), load (leads already
            on the day they would take one), in_hours, start (an instant), label (their rule's name).
        rotation: pool -> owner email -> round robin total, as stored (copied, not changed).

    Returns:
        Assignment aligned with `requests.index`.
    """
    table = [_Owner(r.email, r.role, float(r.weight),
                    float("inf") if pd.isna(r.daily_capacity) else float(r.daily_capacity), int(r.load),
                    bool(r.in_hours), r.start, r.label) for r in owners.itertuples(index=False)]
    by_email = {o.email: o for o in table}
    rot = _Rotation({pool: dict(totals) for pool, totals in rotation.items()})
    counted: Counter[str] = Counter()
    batch_person: dict[str, _Owner] = {}
    levels_of: dict[tuple[str, bytes], list[tuple[int, list[_Owner]]]] = {}
    out_owner: list[str | None] = []
    out_rule: list[str | None] = []
    out_start: list[Any] = []
    for i, req in enumerate(requests.itertuples(index=False)):
        role, person = req.role, req.person_id if isinstance(req.person_id, str) else None
        owner, rule, count = None, None, True
        if _fits(by_email, req.kept_owner, role):
            owner, rule, count = by_email[req.kept_owner], req.kept_rule, False
        elif person in batch_person and batch_person[person].role == role:
            owner, rule = batch_person[person], PERSON
        elif _fits(by_email, req.person_owner, role):
            owner, rule = by_email[req.person_owner], PERSON
        elif role == "ae" and req.account_owner in by_email:
            owner, rule = by_email[req.account_owner], ACCOUNT
        else:
            key = (role, scores[i].tobytes())
            if key not in levels_of:
                levels_of[key] = _levels(scores[i], table, role)
            owner = _from_territory(levels_of[key], role, rot)
            rule = owner.label if owner else None
        if owner is not None:
            if count:
                owner.load += 1
                counted[owner.email] += 1
            if person:
                batch_person[person] = owner
        out_owner.append(owner.email if owner else None)
        out_rule.append(rule)
        out_start.append(owner.start if owner else None)
    frame = pd.DataFrame({"owner_email": out_owner, "owner_rule": out_rule, "start": out_start},
                         index=requests.index)
    return Assignment(frame, counted, {pool: rot.totals[pool] for pool in rot.touched})
