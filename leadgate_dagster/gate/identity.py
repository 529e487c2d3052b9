"""The identity stage: each lead of a batch linked to a stable person, incrementally.

The batch is matched within itself and against the graph's candidates (found through Postgres indexes: exact
keys, domain + name, phonetic names at one company, trigram names), scored with the ruleset's versioned model.
Tier A/B auto-merges join (or merge) persons and are logged; ambiguous pairs become review items while the lead
keeps its own person. The whole match-and-write holds the graph's advisory lock, and leads already linked are
skipped, so a re-run or a concurrent batch cannot create a person twice.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from leadgate_dagster.core.identity import IdentitySettings, MatchModel, load_model
from leadgate_dagster.core.identity.clustering import person_id
from leadgate_dagster.core.identity.incremental import LINK_COLUMNS, MatchPlan, plan_matches
from leadgate_dagster.core.identity.keys import build_keys, shared_keys
from leadgate_dagster.core.review.clock import ReviewClock
from leadgate_dagster.core.ruleset import Ruleset
from leadgate_dagster.gate.golden import refresh_golden
from leadgate_dagster.store import identity, identity_merges, identity_parameters, leads


@lru_cache(maxsize=4)
def _model(name: str) -> MatchModel:
    return load_model(name)


def _judging_model(conn: sa.Connection, settings: IdentitySettings) -> MatchModel:
    """The active estimated parameter set (`leadgate identity activate`) when it was estimated from the model
    the ruleset names, else that shipped model."""
    active = identity_parameters.active(conn)
    if active is not None and active.version.split("+")[0] == settings.model.removeprefix("identity_model_"):
        return active
    return _model(settings.model)


def identity_stage(engine: sa.Engine, batch_id: str, rules: Ruleset) -> dict[str, Any]:
    """Link every lead of the batch to a person; returns counts for the asset's metadata.

    Judged by the active estimated parameter set when there is one (for the ruleset's model), else the shipped
    model; never re-estimated on the batch.

    Args:
        engine: leadgate's database.
        batch_id: the intake micro-batch.
        rules: the active ruleset (its `identity` section and model; `identity_graph.golden` for survivorship).

    Returns:
        Counts: linked, new persons, auto-merges by tier, merges of existing persons, review items, replays;
        and the time spent matching (candidates + plan) and writing (links, keys, merges, golden records).
    """
    settings = IdentitySettings.from_ruleset(rules)
    with engine.begin() as conn:
        df = leads.load_batch(conn, batch_id, columns=["replay_of"])
        identity.lock_graph(conn)
        model = _judging_model(conn, settings)
        done = set(identity.linked(conn, list(df["lead_id"]))["lead_id"])
        todo = df[~df["lead_id"].isin(done)]
        originals, replays = todo[todo["replay_of"].isna()], todo[todo["replay_of"].notna()]
        started = time.perf_counter()
        plan = _match(conn, list(originals.index), settings, model)
        match_ms = (time.perf_counter() - started) * 1000
        actor = f"rule:{rules.version}/{model.version}"
        merge_ids = [identity_merges.apply_merge(conn, survivor=m.survivor, absorbed=m.absorbed, tier=m.tier,
                                                 probability=m.probability, evidence=m.evidence, actor=actor)
                     for m in plan.merges]
        replay_links, replay_persons = _replay_links(conn, replays, plan.links)
        parts = [frame.astype(object) for frame in (plan.links, replay_links) if len(frame)]
        links = pd.concat(parts) if len(parts) > 1 else (parts[0] if parts else plan.links)
        identity.write_links(conn, [*plan.new_persons, *replay_persons], links, plan.reviews,
                             clock=ReviewClock.from_rules(rules), now=datetime.now(UTC))
        if len(plan.links):
            identity.write_keys(conn, plan.keys.loc[plan.links.index], plan.links["person_id"],
                                settings.shared_key_max_names)
        leads.replace_checks(conn, "identity", list(links.index), _check_rows(links, rules))
        touched = {*links["person_id"], *(m.survivor for m in plan.merges), *(m.absorbed for m in plan.merges)}
        refresh_golden(conn, sorted(touched), rules)
        write_ms = (time.perf_counter() - started) * 1000 - match_ms
    decisions = Counter(zip(plan.links["decision"], plan.links["tier"].fillna(""), strict=False))
    return {"linked": len(links), "new_persons": len(plan.new_persons) + len(replay_persons),
            "tier_a_matches": decisions[("auto_merge", "A")], "tier_b_matches": decisions[("auto_merge", "B")],
            "review_items": len(plan.reviews), "person_merges": len(merge_ids), "replays": len(replays),
            "shared_keys": len(plan.shared), "already_linked": len(done),
            "match_ms": round(match_ms, 1), "write_ms": round(write_ms, 1)}


def _match(conn: sa.Connection, lead_ids: list[str], settings: IdentitySettings, model: MatchModel) -> MatchPlan:
    """Fetch the batch and its graph candidates, then plan (an empty plan for an empty batch)."""
    if not lead_ids:
        return MatchPlan(links=pd.DataFrame(columns=LINK_COLUMNS).set_index("lead_id", drop=False),
                         reviews=pd.DataFrame())
    batch = identity.identity_frame(conn, lead_ids)
    batch_keys = build_keys(batch, settings)
    graph_shared = identity.graph_shared(conn, batch_keys, settings.shared_key_max_names)
    shared = pd.concat([shared_keys(batch_keys, settings), graph_shared], ignore_index=True)
    mine = set(lead_ids)
    candidates = [c for c in identity.candidate_leads(conn, batch_keys, shared, settings.block_window) if c not in mine]
    existing, person_of = identity.graph_keys(conn, candidates)
    missing = [c for c in candidates if c not in person_of.index]  # replays: linked, but no keys of their own
    if missing:
        raw = identity.identity_frame(conn, missing)
        order = identity.arrival_order(conn, candidates)
        existing = pd.concat([existing, build_keys(raw, settings)]).loc[order]
        person_of = pd.concat([person_of, raw["person_id"]]).loc[order]
    keys = pd.concat([existing, batch_keys]) if len(existing) else batch_keys
    return plan_matches(keys, person_of, graph_shared, settings=settings, model=model)


def _replay_links(conn: sa.Connection, replays: pd.DataFrame,
                  links: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """A replay carries its original's person; one whose original never got a person stands alone."""
    known = identity.linked(conn, list(replays["replay_of"]))
    origin = dict(zip(known["lead_id"], known["person_id"], strict=False))
    origin.update(dict(zip(links["lead_id"], links["person_id"], strict=False)))
    rows, persons = [], []
    for lid, of in zip(replays.index, replays["replay_of"], strict=False):
        person = origin.get(of)
        if person is None:
            persons.append((person := person_id(lid), lid))
            rows.append((lid, person, "new", None, None, None, None, []))
        else:
            rows.append((lid, person, "replay", of, "replay", None, "idempotency_key", []))
    return pd.DataFrame(rows, columns=LINK_COLUMNS).set_index("lead_id", drop=False), persons


def _check_rows(links: pd.DataFrame, rules: Ruleset) -> list[tuple[Any, ...]]:
    """One lead_checks row per (lead, code); merges name the earlier lead they repeat and why."""
    codes = links[["lead_id", "codes", "duplicate_of", "probability", "evidence"]].explode("codes").dropna(
        subset=["codes"])
    merged = codes["codes"].isin(["DUP_TIER_A", "DUP_TIER_B"]) & codes["duplicate_of"].notna()
    detail = np.where(merged, "same person as " + codes["duplicate_of"].astype(str) + " (p="
                      + codes["probability"].map(lambda p: f"{p:.3f}" if pd.notna(p) else "") + "): "
                      + codes["evidence"].astype(str), None)
    return list(zip(codes["lead_id"], ["identity"] * len(codes), codes["codes"],
                    [rules.severity(c).value for c in codes["codes"]], detail, [rules.version] * len(codes),
                    strict=True))
