"""Fellegi-Sunter parameters estimated from the records in front of the engine.

u (how often a level occurs between two random records) comes from seeded random record pairs. m (how
often it occurs between two records of one entity) comes from expectation-maximisation run separately on
the pairs of each blocking rule, over the fields that rule does not hold equal: pairs blocked on one company
agree on company by construction, so they cannot say how much agreeing on it means (the failure seen when
one EM ran over all candidate pairs: "same company" took over). Each field's m is the average over the
rules that estimated it, weighted by their expected matches. The prior (the match share among random
pairs) is EM's match share among a sample of all candidate pairs, scaled to all pairs.

The shipped model is the prior and the fallback: EM starts from its weights, and a field with too few
expected matches to estimate keeps its shipped weights, as does everything when the file is too small.
Term-frequency tables keep only values held by at least `tf_min_count` records. Everything is seeded, so
the same records give the same parameters.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from leadgate_dagster.core.identity.comparisons import COMPARISONS, compare_coded
from leadgate_dagster.core.identity.key_codes import TF_COLUMNS, KeyTable
from leadgate_dagster.core.identity.model import FieldModel, MatchModel
from leadgate_dagster.core.identity.settings import IdentitySettings

_WEIGHTLESS = frozenset({"null", "shared"})
# TF column of the table -> compared field whose exact level it adjusts (locality: its city level)
_TF_FIELDS = {"first": "first_name", "last": "last_name", "city": "locality", "company": "company"}


@dataclass(frozen=True)
class Estimate:
    """model: the estimated model (or the prior when nothing could be estimated); report: what was done,
    for `--explain-model` and the parameter set's record."""

    model: MatchModel
    report: dict[str, Any]


def _weighted(field: str) -> np.ndarray:
    return np.array([lv not in _WEIGHTLESS for lv in COMPARISONS[field]])


def _u_probabilities(table: KeyTable, settings: IdentitySettings, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = len(table)
    k = min(settings.estimation.u_pairs, n * (n - 1) // 2)
    i, j = rng.integers(0, n, k), rng.integers(0, n, k)
    pairs = np.column_stack((i[i != j], j[i != j])).astype(np.int64)
    levels = compare_coded(table, pairs, settings).levels
    u = {}
    for field, names in COMPARISONS.items():
        counts = np.bincount(levels[field].to_numpy(dtype=np.int64), minlength=len(names)).astype(float)
        w = _weighted(field)
        u[field] = np.where(w, (counts + 1.0) / (counts[w].sum() + w.sum()), 1.0)
    return u


def _start_m(prior: MatchModel, u: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """m implied by the prior's weights (m = u * 2^w, normalized); a field the prior does not weigh starts
    from weights falling from +6 bits (its best level) to -6 (its worst)."""
    m = {}
    for f in prior.fields:
        w = np.asarray(f.weights, dtype=float)
        mask = _weighted(f.name)
        if not np.any(w[mask]):
            w = np.where(mask, np.linspace(6, -6, len(w)), 0.0)
        raw = np.where(mask, u[f.name] * np.exp2(np.clip(w, -20, 20)), 0.0)
        m[f.name] = np.where(mask, raw / raw[mask].sum(), 1.0)
    return m


def _em(levels: pd.DataFrame, fields: list[str], m: dict[str, np.ndarray], u: dict[str, np.ndarray],
        iterations: int, *, fixed_m: bool = False) -> tuple[float, dict[str, np.ndarray], dict[str, float]]:
    """EM over `fields` with u fixed: (match share, m per field, expected matches with a weighted level)."""
    codes = {f: levels[f].to_numpy(dtype=np.int64) for f in fields}
    m = {f: m[f].copy() for f in fields}
    share = 0.1
    posterior = np.zeros(len(levels))
    for _ in range(iterations):
        bits = np.full(len(levels), np.log2(share / (1 - share)))
        for f in fields:
            bits += np.log2(np.where(_weighted(f), m[f] / u[f], 1.0))[codes[f]]
        posterior = 1.0 / (1.0 + np.exp2(-np.clip(bits, -60, 60)))
        share = float(np.clip(posterior.mean(), 1e-6, 1 - 1e-6))
        if fixed_m:
            continue
        for f in fields:
            mass = np.bincount(codes[f], weights=posterior, minlength=len(m[f]))
            w = _weighted(f)
            m[f] = np.where(w, (mass + 1e-3) / (mass[w].sum() + 1e-3 * w.sum()), 1.0)
    effective = {f: float(posterior[_weighted(f)[codes[f]]].sum()) for f in fields}
    return share, m, effective


def estimate_model(table: KeyTable, samples: dict[str, tuple[tuple[str, ...], np.ndarray]],
                   candidates: np.ndarray, prior: MatchModel, settings: IdentitySettings) -> Estimate:
    """Estimate m, u, the prior and term frequencies from one batch of records.

    Args:
        table: the coded keys of all records (key_codes.code_keys).
        samples: per blocking rule, (fields it fixes, a sample of its pairs) (blocking.candidate_pairs).
        candidates: all candidate pairs (the union of the rules).
        prior: the shipped model: the starting point and the fallback.
        settings: estimation settings and comparison levels.

    Returns:
        The estimated model and a report of what was estimated from what.
    """
    est = settings.estimation
    n = len(table)
    if not est.enabled or n < est.min_records:
        why = "disabled" if not est.enabled else f"{n} records < min_records {est.min_records}"
        return Estimate(prior, {"estimated": False, "reason": why, "model": prior.version})
    rng = np.random.default_rng(est.seed)
    u = _u_probabilities(table, settings, rng)
    start = _start_m(prior, u)
    sums = {f: np.zeros(len(v)) for f, v in start.items()}
    weights = dict.fromkeys(start, 0.0)
    rules = []
    for name, (fixes, pairs) in sorted(samples.items()):
        levels = compare_coded(table, pairs, settings).levels
        fields = [f for f in COMPARISONS if f not in fixes]
        share, m, effective = _em(levels, fields, start, u, est.em_iterations)
        for f in fields:
            sums[f] += m[f] * effective[f]
            weights[f] += effective[f]
        rules.append({"rule": name, "fixes": list(fixes), "pairs_sampled": len(pairs), "match_share": round(share, 4)})
    m_final, source = {}, {}
    for f in COMPARISONS:
        enough = weights[f] >= est.min_pairs_per_field
        m_final[f] = sums[f] / weights[f] if enough else start[f]
        source[f] = "em" if enough else "shipped"
    k = min(len(candidates), est.em_pairs_per_rule)
    sample = candidates[np.sort(rng.choice(len(candidates), k, replace=False))] if k else candidates[:0]
    share, _, _ = _em(compare_coded(table, sample, settings).levels, list(COMPARISONS), m_final, u,
                      est.em_iterations, fixed_m=True)
    matches = max(share * len(candidates), 1.0)
    prior_share = min(matches / (n * (n - 1) / 2), 0.5)
    fields = []
    by_name = {f.name: f for f in prior.fields}
    for f, names in COMPARISONS.items():
        if source[f] == "em":
            w = np.where(_weighted(f), np.log2(m_final[f] / u[f]), 0.0)
        else:
            w = np.asarray(by_name[f].weights)
        fields.append(FieldModel(f, names, tuple(round(float(x), 4) for x in w)))
    tf_u, tf_tables = _term_frequencies(table, u, settings)
    params = {"u": {f: v.round(6).tolist() for f, v in u.items()},
              "m": {f: v.round(6).tolist() for f, v in m_final.items()}, "prior": prior_share}
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:10]
    report = {"estimated": True, "records": n, "candidate_pairs": len(candidates), "prior_match_share": prior_share,
              "expected_matches": round(matches, 1), "rules": rules, "source": source, **params,
              "weights": {f.name: list(f.weights) for f in fields}}
    model = MatchModel(version=f"{prior.version}+em.{digest}", intercept_bits=round(float(np.log2(
        prior_share / (1 - prior_share))), 4), fields=tuple(fields),
        provenance={"method": "EM per blocking rule, u from random pairs", "prior_model": prior.version,
                    "records": n, "seed": est.seed},
        tf_u=tf_u, tf_max_bits=est.tf_max_bits, tf_tables=tf_tables)
    return Estimate(model, report)


def _term_frequencies(table: KeyTable, u: dict[str, np.ndarray], settings: IdentitySettings
                      ) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(u of the adjusted exact level per field, frequency tables of values held at least tf_min_count times)."""
    enabled = {"first": settings.name_tf, "last": settings.name_tf, "city": settings.city_tf,
               "company": settings.company_tf}
    n = max(len(table), 1)
    tf_u: dict[str, float] = {}
    tables: dict[str, dict[str, float]] = {}
    spaces = {"first": "name", "last": "name", "city": "city", "company": "company"}
    for column in TF_COLUMNS:
        if not enabled[column]:
            continue
        field = _TF_FIELDS[column]
        exact = COMPARISONS[field].index("city" if field == "locality" else "exact")
        tf_u[field] = float(u[field][exact])
        floor = settings.estimation.tf_min_count / n
        values = table.uniques[spaces[column]]
        common = np.flatnonzero(table.freq[column] > floor)
        tables[column] = {"": floor, **{str(values[i]): float(table.freq[column][i]) for i in common}}
    return tf_u, tables
